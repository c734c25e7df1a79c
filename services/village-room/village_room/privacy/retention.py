"""The village's cases under the retention job (govnet_kit.retention, docs/privacy.md).

A case is over when it is replied (handed over), closed or withdrawn; it closed when its last
step was recorded (the village keeps every step at every tier, `village_case_step`). Its
personal data is the applicant row (name, ID number, phone and their look-up hashes) and the
withdrawal reason the applicant gave in their own words.
"""

from __future__ import annotations

from sqlalchemy import func, select

from govnet.common.v1 import case_pb2
from govnet_kit.retention import CaseRetention, Personal
from village_room.case.models import (
    Applicant,
    CaseStep,
    VillageCase,
    VillageCaseMaterial,
)

CLOSED = frozenset(
    {
        case_pb2.CASE_STATUS_REPLIED,
        case_pb2.CASE_STATUS_CLOSED,
        case_pb2.CASE_STATUS_WITHDRAWN,
    }
)


def _closed_at():  # type: ignore[no-untyped-def]
    return (
        select(func.max(CaseStep.occurred_at))
        .where(CaseStep.case_id == VillageCase.id)
        .scalar_subquery()
    )


SPEC = CaseRetention(
    service="village-room",
    case=VillageCase,
    closed_statuses=CLOSED,
    closed_at=_closed_at,
    material=VillageCaseMaterial,
    personal=[
        Personal(
            Applicant,
            link=("id", "applicant_id"),
            erase=("name", "id_number", "phone"),
            clear=("id_number_hash", "phone_hash"),
        ),
        Personal(VillageCase, link=("id", "id"), erase=("withdrawal_reason",)),
    ],
    subject_ref=lambda case: f"applicant:{case.applicant_id}",
)

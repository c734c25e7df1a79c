"""The township's cases under the retention job (govnet_kit.retention, docs/privacy.md).

A case is over here when it is withdrawn, handed over or closed at this hall's window, or,
for a case a village transmitted, once it is decided (the village hands the result over). It
closed at its last audit entry. Its personal data: the applicant's name and ID number.
"""

from __future__ import annotations

from sqlalchemy import and_, or_

from govnet.common.v1 import case_pb2
from govnet_kit.lifecycle import DECIDED
from govnet_kit.retention import CaseRetention, Personal, last_audited
from town_hall.case.models import TownCase, TownCaseMaterial

FINISHED = frozenset(
    {
        case_pb2.CASE_STATUS_WITHDRAWN,
        case_pb2.CASE_STATUS_REPLIED,
        case_pb2.CASE_STATUS_CLOSED,
    }
)


def _over():  # type: ignore[no-untyped-def]
    return or_(
        TownCase.status.in_(list(FINISHED)),
        and_(TownCase.walk_in.is_(False), TownCase.status.in_(list(DECIDED))),
    )


SPEC = CaseRetention(
    service="town-hall",
    case=TownCase,
    closed_statuses=FINISHED | DECIDED,
    over=_over,
    closed_at=lambda: last_audited(TownCase.case_number),
    material=TownCaseMaterial,
    personal=[
        Personal(TownCase, link=("id", "id"), erase=("applicant_name", "applicant_id_number"))
    ],
)

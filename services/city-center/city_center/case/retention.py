"""The city's cases under the retention job (govnet_kit.retention, docs/privacy.md).

A case is over here once it is decided (the accepting tier hands the result over), withdrawn
or closed; it closed at its last audit entry. Its personal data: the applicant's name and ID
number, and for an online application the phone and the look-up hash of its sign-in. The
decision and its document stay (they name no one; decision 7).
"""

from __future__ import annotations

from city_center.case.models import CaseMaterial, CityCase, OnlineApplicant
from govnet.common.v1 import case_pb2
from govnet_kit.lifecycle import DECIDED
from govnet_kit.retention import CaseRetention, Personal, last_audited

OVER = DECIDED | {
    case_pb2.CASE_STATUS_WITHDRAWN,
    case_pb2.CASE_STATUS_REPLY_READY,
    case_pb2.CASE_STATUS_REPLIED,
    case_pb2.CASE_STATUS_CLOSED,
}

SPEC = CaseRetention(
    service="city-center",
    case=CityCase,
    closed_statuses=OVER,
    closed_at=lambda: last_audited(CityCase.case_number),
    material=CaseMaterial,
    personal=[
        Personal(CityCase, link=("id", "id"), erase=("applicant_name", "applicant_id_number")),
        Personal(
            OnlineApplicant, link=("case_id", "id"), erase=("phone",), clear=("subject_hash",)
        ),
    ],
)

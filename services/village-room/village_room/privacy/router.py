"""Reading a person's record at the village, and the supervisors' view of who read what."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.privacy import service as privacy_service
from village_room.privacy.schemas import (
    ApplicantRecordOut,
    PersonalDataReadOut,
    StaffReadsOut,
)

router = APIRouter(prefix="/api/v1", tags=["privacy"])


@router.get("/cases/{case_number}/applicant", response_model=ApplicantRecordOut)
async def applicant_record(
    case_number: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    view: Literal["masked", "full"] = "masked",
    purpose: Annotated[str, Query(max_length=200)] = "",
) -> ApplicantRecordOut:
    """Masked by default (3411**********1232, 138****0001); `view=full` needs a `purpose` and
    is recorded in the audit chain."""
    full = view == "full"
    if full and len(purpose.strip()) < 2:
        raise InvalidArgument(
            "give the purpose of reading the full record",
            message_zh="查看完整个人信息须填写查阅事由",
            field="purpose",
        )
    async with transaction(runtime.sessions) as session:
        record = await privacy_service.applicant_record(
            session,
            principal=principal,
            case_number=case_number,
            full=full,
            purpose=purpose.strip(),
        )
    return ApplicantRecordOut(**record.__dict__)


@router.get("/privacy/reads", response_model=StaffReadsOut)
async def staff_reads(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    staff_id: Annotated[str, Query(min_length=1, max_length=100)],
) -> StaffReadsOut:
    """Supervisors: one staff account's full-record reads, newest first, and a flag when the
    last 24 hours' volume is unusual."""
    async with transaction(runtime.sessions) as session:
        found = await privacy_service.staff_reads(session, principal=principal, staff_id=staff_id)
    return StaffReadsOut(
        staff=found.staff,
        reads=[
            PersonalDataReadOut(
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                case_number=e.case_number,
                subject_ref=e.subject_ref,
                purpose=purpose,
            )
            for e, purpose in found.reads
        ],
        last_24h=found.last_24h,
        flagged=found.flagged,
        threshold_24h=privacy_service.UNUSUAL_READS_24H,
    )

"""What every tier does alike with a case: acceptance (case numbers, query codes, the
one-time notice of missing materials), thin status events, transfers, timestamps.

Each tier keeps its own case table; these functions number cases and build and check the
contract messages.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.db import new_id, utcnow
from govnet_kit.errors import InvalidArgument
from govnet_kit.messaging import add_event, case_status_subject
from govnet_kit.telemetry import current_traceparent
from govnet_kit.tiers import TIER_NAMES
from govnet_kit.worktime import SHANGHAI

CASE_NUMBER = re.compile(r"^(\d{12})-(\d{8})-(\d{4,})$")
PLACE_CODE = re.compile(r"^\d{12}$")
QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
RIGHTS_AND_OBLIGATIONS = (
    "您有权查询办理进度，在承诺时限内获得明确答复；不予许可的，有权申请行政复议或提起行政诉讼。"
    "您应对所提交材料的真实性负责，并按通知补正材料。\n"
    "You may follow the case and receive an explicit reply within the committed time limit; "
    "a refusal can be challenged by administrative reconsideration or litigation. "
    "You are responsible for the truth of the materials and for supplementing them when told."
)


async def next_case_number(
    session: AsyncSession, sequence: Any, *, place_code: str, now: datetime
) -> str:
    """`<place code>-<yyyymmdd>-<sequence>` (decision 5), issued by the accepting tier without
    coordination: unique because place codes are, gap-free per place and Shanghai day.

    `sequence` is the tier's table of (place_code, day, last). One upsert increments the day's
    row and returns the new value: it holds the row lock until the acceptance commits, so
    concurrent acceptances queue on it, and one that rolls back gives its number back. (A
    SELECT ... FOR UPDATE cannot lock the first row of a day, which does not exist yet: two
    first acceptances would both insert it and one would fail.)"""
    day = now.astimezone(SHANGHAI).date()
    bind = session.bind
    dialect = postgresql if bind is not None and bind.dialect.name == "postgresql" else sqlite
    table = sequence.__table__
    stmt = dialect.insert(table).values(place_code=place_code, day=day, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.place_code, table.c.day], set_={"last": table.c.last + 1}
    ).returning(table.c.last)
    last = (await session.execute(stmt)).scalar_one()
    return f"{place_code}-{day:%Y%m%d}-{last:04d}"


def query_code() -> str:
    """The random code printed on the slip; with the case number it lets the applicant look
    the case up (decision 5)."""
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class MaterialData:
    code: str
    filename: str
    content_type: str
    content: bytes


def missing_materials(
    item: catalog_pb2.CatalogItem, provided: list[MaterialData]
) -> list[catalog_pb2.RequiredMaterial]:
    """Every required material not provided, all at once (the one-time notice, L1)."""
    have = {m.code for m in provided if m.content}
    return [m for m in item.materials if m.code not in have]


def ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


def from_ts(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


def emit_status(
    session: AsyncSession,
    *,
    tier: int,
    place_code: str,
    case_number: str,
    origin_place_code: str,
    item_code: str,
    item_version: int,
    status: int,
    department_code: str = "",
    acting_staff_id: str = "",
    deadline: datetime | None = None,
    reason_code: str = "",
    result_document_number: str = "",
    window_id: str = "",
    suspended: bool = False,
) -> str:
    """Queue a thin status event in the caller's transaction (decision 2). Returns its id."""
    event_id = new_id()
    event = events_pb2.CaseStatusChanged(
        event_id=event_id,
        case_number=case_number,
        item_code=item_code,
        item_version=item_version,
        tier=tier,
        place_code=place_code,
        origin_place_code=origin_place_code,
        department_code=department_code,
        window_id=window_id,
        acting_staff_id=acting_staff_id,
        status=status,
        suspended=suspended,
        reason_code=reason_code,
        result_document_number=result_document_number,
        occurred_at=ts(utcnow()),
        traceparent=current_traceparent(),
    )
    if deadline is not None:
        event.deadline.CopyFrom(ts(deadline))
    add_event(
        session,
        subject=case_status_subject(TIER_NAMES[tier], origin_place_code),
        event_id=event_id,
        message=event,
    )
    return event_id


def validate_transfer(transfer: case_pb2.CaseTransfer) -> None:
    """A case arriving from a lower tier: every field the receiver relies on, named if wrong."""
    checks = [
        (
            bool(CASE_NUMBER.match(transfer.case_number)),
            "transfer.case_number",
            "malformed case number",
        ),
        (bool(transfer.query_code), "transfer.query_code", "query code is required"),
        (bool(transfer.item_code), "transfer.item_code", "item code is required"),
        (transfer.item_version > 0, "transfer.item_version", "item version must be positive"),
        (
            bool(PLACE_CODE.match(transfer.origin_place_code)),
            "transfer.origin_place_code",
            "must be a 12-digit division code",
        ),
        (
            bool(PLACE_CODE.match(transfer.sender_place_code)),
            "transfer.sender_place_code",
            "must be a 12-digit division code",
        ),
        (bool(transfer.applicant.name), "transfer.applicant.name", "applicant name is required"),
        (
            bool(transfer.applicant.id_number),
            "transfer.applicant.id_number",
            "applicant ID number is required",
        ),
        (transfer.HasField("accepted_at"), "transfer.accepted_at", "acceptance time is required"),
        (transfer.HasField("deadline"), "transfer.deadline", "deadline is required"),
    ]
    for ok, field, message in checks:
        if not ok:
            raise InvalidArgument(message, field=field)
    if not transfer.case_number.startswith(transfer.origin_place_code):
        raise InvalidArgument(
            "case number does not start with its origin place code", field="transfer.case_number"
        )
    for i, material in enumerate(transfer.materials):
        if not material.code or not material.content:
            raise InvalidArgument(
                "material needs a code and content", field=f"transfer.materials[{i}]"
            )

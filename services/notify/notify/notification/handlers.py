"""NATS edge: a consumed CaseStatusChanged becomes one service call (rule 4).

The durable consumer owns the transaction and the processed-event record, so a redelivery
after a crash is skipped and the unique (event_id, role) key covers any race left (N1).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.events.v1 import events_pb2
from govnet_kit.cases import from_ts
from govnet_kit.consumer import Event
from govnet_kit.db import utcnow
from notify.notification import service
from notify.notification.schemas import StatusChange

log = logging.getLogger(__name__)

STATUS_SUBJECTS = ["govnet.case.status.>"]


async def handle_case_status(session: AsyncSession, event: Event) -> None:
    changed = events_pb2.CaseStatusChanged.FromString(event.data)
    if not changed.case_number:
        # Nobody can be told about a case without a number; retrying would not add one.
        log.error("status event %s without case number; skipped", event.event_id)
        return
    await service.record_status_change(
        session=session,
        change=StatusChange(
            event_id=changed.event_id or event.event_id,
            case_number=changed.case_number,
            status=changed.status,
            tier=changed.tier,
            place_code=changed.place_code,
            result_document_number=changed.result_document_number,
            deadline=from_ts(changed.deadline) if changed.HasField("deadline") else None,
            occurred_at=from_ts(changed.occurred_at)
            if changed.HasField("occurred_at")
            else utcnow(),
        ),
    )

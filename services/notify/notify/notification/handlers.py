"""NATS edge: a consumed CaseStatusChanged becomes one service call (rule 4), and a batch of
them one call for the batch.

The durable consumer owns the transaction and the processed-event record, so a redelivery
after a crash is skipped and the unique (event_id, role) key covers any race left (N1). A
batch that fails (one event that does not parse) is handled again one by one by the consumer,
so only that event is retried and dead-lettered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.events.v1 import events_pb2
from govnet_kit.cases import from_ts
from govnet_kit.consumer import Event
from govnet_kit.db import utcnow
from notify.notification import service
from notify.notification.schemas import StatusChange

log = logging.getLogger(__name__)

STATUS_SUBJECTS = ["govnet.case.status.>"]


def _status_change(event: Event) -> StatusChange | None:
    changed = events_pb2.CaseStatusChanged.FromString(event.data)
    if not changed.case_number:
        # Nobody can be told about a case without a number; retrying would not add one.
        log.error("status event %s without case number; skipped", event.event_id)
        return None
    return StatusChange(
        event_id=changed.event_id or event.event_id,
        case_number=changed.case_number,
        status=changed.status,
        tier=changed.tier,
        place_code=changed.place_code,
        result_document_number=changed.result_document_number,
        deadline=from_ts(changed.deadline) if changed.HasField("deadline") else None,
        occurred_at=from_ts(changed.occurred_at) if changed.HasField("occurred_at") else utcnow(),
    )


async def handle_case_status(session: AsyncSession, event: Event) -> None:
    change = _status_change(event)
    if change is not None:
        await service.record_status_change(session=session, change=change)


async def handle_case_statuses(session: AsyncSession, events: Sequence[Event]) -> None:
    changes = [c for c in map(_status_change, events) if c is not None]
    await service.record_status_changes(session=session, changes=changes)

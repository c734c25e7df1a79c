"""NATS edge of the `notify-subscriptions` durable consumer: a consumed CaseStatusChanged goes
into the event log and is owed to every subscription it matches (one service call, rule 4).

Its own consumer, beside the `notify` one that tells applicants: a subscriber's trouble never
holds up an applicant's notification, nor the other way round. What one fetch brings is
logged in one transaction (`handle_case_statuses`; one by one if that fails, as in the
`notify` consumer).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.events.v1 import events_pb2
from govnet_kit.cases import from_ts
from govnet_kit.consumer import Event
from govnet_kit.db import utcnow
from notify.subscription import service
from notify.subscription.service import ThinEvent

log = logging.getLogger(__name__)

DURABLE = "notify-subscriptions"


def _thin_event(event: Event) -> ThinEvent | None:
    changed = events_pb2.CaseStatusChanged.FromString(event.data)
    if not changed.case_number:
        log.error("status event %s without case number; not logged", event.event_id)
        return None
    return ThinEvent(
        event_id=changed.event_id or event.event_id,
        case_number=changed.case_number,
        item_code=changed.item_code,
        item_version=changed.item_version,
        tier=changed.tier,
        status=changed.status,
        place_code=changed.place_code,
        # Events from before the field was filled: the case number starts with it.
        origin_place_code=changed.origin_place_code or changed.case_number[:12],
        department_code=changed.department_code,
        suspended=changed.suspended,
        reason_code=changed.reason_code,
        result_document_number=changed.result_document_number,
        deadline=from_ts(changed.deadline) if changed.HasField("deadline") else None,
        occurred_at=from_ts(changed.occurred_at) if changed.HasField("occurred_at") else utcnow(),
    )


async def handle_case_status(session: AsyncSession, event: Event) -> None:
    thin = _thin_event(event)
    if thin is not None:
        await service.record_event(session=session, event=thin)


async def handle_case_statuses(session: AsyncSession, events: Sequence[Event]) -> None:
    thin = [t for t in map(_thin_event, events) if t is not None]
    if thin:
        await service.record_events(session=session, events=thin)

"""HTTP API of event subscriptions (A3), for integration clients' access tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime
from notify.subscription import service
from notify.subscription.delivery import event_out
from notify.subscription.dependencies import Subscriber
from notify.subscription.models import Subscription
from notify.subscription.schemas import (
    EventPage,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    status_name,
)

router = APIRouter(prefix="/api/v1/subscriptions", tags=["event subscriptions"])

SubscriptionId = Annotated[str, Path(max_length=36)]


def _out(s: Subscription, failed: int = 0) -> dict[str, object]:
    return {
        "id": s.id,
        "callback_url": s.callback_url,
        "places": s.places,
        "items": s.items,
        "statuses": [status_name(v) for v in s.statuses],
        "description": s.description,
        "created_at": s.created_at,
        "failed_deliveries": failed,
    }


def _policy(request: Request) -> service.CallbackPolicy:
    return request.app.state.callback_policy


@router.post("", response_model=SubscriptionCreated, status_code=201)
async def create(
    data: SubscriptionIn, principal: Subscriber, runtime: CurrentRuntime, request: Request
) -> SubscriptionCreated:
    async with transaction(runtime.sessions) as session:
        subscription, secret = await service.create_subscription(
            session=session,
            client=principal.subject,
            scope=principal.places,
            data=data,
            policy=_policy(request),
        )
    return SubscriptionCreated(**_out(subscription), secret=secret)  # type: ignore[arg-type]


@router.get("", response_model=list[SubscriptionOut])
async def list_(principal: Subscriber, runtime: CurrentRuntime) -> list[SubscriptionOut]:
    async with transaction(runtime.sessions) as session:
        rows = await service.list_subscriptions(session=session, client=principal.subject)
    return [SubscriptionOut(**_out(s, n)) for s, n in rows]  # type: ignore[arg-type]


@router.delete("/{subscription_id}", status_code=204)
async def delete(
    subscription_id: SubscriptionId, principal: Subscriber, runtime: CurrentRuntime
) -> Response:
    async with transaction(runtime.sessions) as session:
        await service.delete_subscription(
            session=session, client=principal.subject, subscription_id=subscription_id
        )
    return Response(status_code=204)


@router.get("/{subscription_id}/events", response_model=EventPage)
async def events(
    subscription_id: SubscriptionId,
    principal: Subscriber,
    runtime: CurrentRuntime,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventPage:
    """The subscription's events after `after` (an event id), oldest first."""
    async with transaction(runtime.sessions) as session:
        subscription = await service.get_subscription(
            session=session, client=principal.subject, subscription_id=subscription_id
        )
        rows, more = await service.events_after(
            session=session,
            subscription=subscription,
            scope=principal.places,
            after=after,
            limit=limit,
        )
        return EventPage(events=[event_out(e) for e in rows], more=more)

"""Subscriptions (A3): a subscriber's filter within its credential's scope, the event log, and
the deliveries each recorded event owes the subscriptions it matches.

Scope is the credential's `places` claim (division codes issued by identity): a code covers
itself and every division under it (341102000000, a county, covers 341102101201, one of its
villages). An event is matched on its `origin_place_code`, the place that accepted the case, so
a county system hears of its cases also when the city decides them. The credential carries no
items claim yet, so items are the subscriber's choice within its places.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, and_, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import mark_work, utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from notify.subscription.models import (
    DeliveryState,
    StatusEvent,
    Subscription,
    SubscriptionDelivery,
)
from notify.subscription.schemas import STATUS_BY_NAME, SubscriptionIn

log = logging.getLogger(__name__)

PLACE = re.compile(r"^\d{12}$")
ITEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,49}$")
# Province, city, county, township, village: the digits each level of a division code adds.
_LEVELS = (2, 4, 6, 9)
_LOCK_SPACE = 0x73756273  # "subs": PostgreSQL advisory locks of this module
_LOG_LOCK = 1


@dataclass(frozen=True)
class CallbackPolicy:
    """Where notify may send events (settings: NOTIFY_SUBSCRIPTION_*)."""

    hosts: tuple[str, ...]  # "host" exactly, ".domain" for any host under it
    allow_http: bool = False
    max_per_client: int = 20


@dataclass(frozen=True)
class ThinEvent:
    event_id: str
    case_number: str
    item_code: str
    item_version: int
    tier: int
    status: int
    place_code: str
    origin_place_code: str
    department_code: str
    suspended: bool
    reason_code: str
    result_document_number: str
    deadline: datetime | None
    occurred_at: datetime


# -- scope -------------------------------------------------------------------------------------


def place_prefix(code: str) -> str:
    """The digits that name a division: 341102000000 -> 341102 (a county)."""
    for n in _LEVELS:
        if code[n:] == "0" * (12 - n):
            return code[:n]
    return code


def covers(scope: Collection[str], place_code: str) -> bool:
    return any(place_code.startswith(place_prefix(p)) for p in scope)


def _covered_sql(scope: Collection[str]) -> ColumnElement[bool]:
    prefixes = [place_prefix(p) for p in scope if PLACE.match(p)]
    if not prefixes:
        return StatusEvent.seq.is_(None)  # nothing
    return or_(*(StatusEvent.origin_place_code.startswith(p) for p in prefixes))


def matches(subscription: Subscription, event: StatusEvent) -> bool:
    """The filter as Python, for fan-out; `_filter_sql` is the same filter for catch-up."""
    return (
        covers(subscription.places, event.origin_place_code)
        and (not subscription.items or event.item_code in subscription.items)
        and (not subscription.statuses or event.status in subscription.statuses)
    )


def _filter_sql(subscription: Subscription) -> ColumnElement[bool]:
    return and_(
        _covered_sql(subscription.places),
        StatusEvent.item_code.in_(subscription.items) if subscription.items else true(),
        StatusEvent.status.in_(subscription.statuses) if subscription.statuses else true(),
    )


def _check_filter(scope: Collection[str], data: SubscriptionIn) -> tuple[list[str], list[int]]:
    if not scope:
        raise PermissionDenied(
            "your credential names no places, so it may subscribe to none",
            message_zh="该接入系统的凭证未授权任何地区，不能订阅",
            field="places",
        )
    if not data.places:
        raise PermissionDenied(
            "name the places to subscribe to; all places is wider than your credential "
            f"({', '.join(sorted(scope))})",
            message_zh="请列出订阅的地区；不限地区超出了凭证授权的范围",
            field="places",
        )
    for i, place in enumerate(data.places):
        if not PLACE.match(place):
            raise InvalidArgument(
                f"{place!r} is not a 12-digit division code",
                message_zh="地区代码应为12位数字",
                field=f"places[{i}]",
            )
        if not covers(scope, place):
            raise PermissionDenied(
                f"{place} is outside your credential's places",
                message_zh="该地区超出了凭证授权的范围",
                field=f"places[{i}]",
            )
    for i, item in enumerate(data.items):
        if not ITEM.match(item):
            raise InvalidArgument(
                f"{item!r} is not an item code",
                message_zh="事项编码格式不正确",
                field=f"items[{i}]",
            )
    statuses = []
    for i, name in enumerate(data.statuses):
        if name not in STATUS_BY_NAME:
            raise InvalidArgument(
                f"unknown status {name!r}; one of: {', '.join(STATUS_BY_NAME)}",
                message_zh="未知的办件状态",
                field=f"statuses[{i}]",
            )
        statuses.append(STATUS_BY_NAME[name])
    return sorted(set(data.places)), sorted(set(statuses))


def _check_callback(url: str, policy: CallbackPolicy) -> str:
    def refuse(why: str, why_zh: str) -> InvalidArgument:
        return InvalidArgument(
            f"callback_url {why}", message_zh=f"回调地址{why_zh}", field="callback_url"
        )

    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise refuse("is not a URL", "格式不正确") from exc
    schemes = ("https", "http") if policy.allow_http else ("https",)
    if parts.scheme not in schemes:
        raise refuse(f"must be {' or '.join(schemes)}", "必须使用 HTTPS")
    host = (parts.hostname or "").lower()
    if not host:
        raise refuse("has no host", "缺少主机名")
    if parts.username or parts.password or parts.fragment:
        raise refuse("may not carry credentials or a fragment", "不得包含账号口令或片段")
    if not any(host == h or (h.startswith(".") and host.endswith(h)) for h in policy.hosts):
        raise refuse(f"host {host} is not on notify's list of subscriber hosts", "的主机未登记")
    return parts.geturl()


# -- subscriptions -----------------------------------------------------------------------------


async def _lock_log(session: AsyncSession) -> None:
    """Event recording and subscription changes one at a time (PostgreSQL), until commit: an
    event's sequence number then follows commit order, so `after=` never skips one committed
    late, and a subscription sees every event committed after its own creation."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, _LOG_LOCK)))


async def create_subscription(
    *,
    session: AsyncSession,
    client: str,
    scope: Collection[str],
    data: SubscriptionIn,
    policy: CallbackPolicy,
) -> tuple[Subscription, str]:
    """The subscription and its signing secret, which is shown this once."""
    places, statuses = _check_filter(scope, data)
    callback = _check_callback(data.callback_url, policy)
    await _lock_log(session)
    held = await session.scalar(
        select(func.count())
        .select_from(Subscription)
        .where(Subscription.client == client, Subscription.deleted_at.is_(None))
    )
    if (held or 0) >= policy.max_per_client:
        raise Conflict(
            f"at most {policy.max_per_client} subscriptions per client; delete one first",
            message_zh="订阅数量已达上限，请先删除一个",
        )
    secret = secrets.token_urlsafe(32)
    subscription = Subscription(
        client=client,
        callback_url=callback,
        secret=secret,
        places=places,
        items=sorted(set(data.items)),
        statuses=statuses,
        description=data.description,
    )
    session.add(subscription)
    await session.flush()
    await audit.append(
        session,
        actor=client,
        action="subscription.created",
        subject_ref=f"subscription:{subscription.id}",
        data={
            "callback_host": urlsplit(callback).hostname,
            "places": places,
            "items": subscription.items,
            "statuses": statuses,
        },
    )
    return subscription, secret


async def list_subscriptions(
    *, session: AsyncSession, client: str
) -> list[tuple[Subscription, int]]:
    """The client's live subscriptions, oldest first, each with its failed deliveries."""
    failed = (
        select(func.count())
        .where(
            SubscriptionDelivery.subscription_id == Subscription.id,
            SubscriptionDelivery.state == DeliveryState.FAILED,
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Subscription, failed)
        .where(Subscription.client == client, Subscription.deleted_at.is_(None))
        .order_by(Subscription.created_at, Subscription.id)
    )
    return [(s, n) for s, n in rows]


async def get_subscription(
    *, session: AsyncSession, client: str, subscription_id: str
) -> Subscription:
    """Only the client's own: another's is as unknown as a made-up id."""
    subscription = await session.get(Subscription, subscription_id)
    if subscription is None or subscription.deleted_at or subscription.client != client:
        raise NotFound("no such subscription", message_zh="订阅不存在", field="id")
    return subscription


async def delete_subscription(*, session: AsyncSession, client: str, subscription_id: str) -> int:
    """Stop it; what is still owed is cancelled. How many deliveries were cancelled."""
    await _lock_log(session)
    subscription = await get_subscription(
        session=session, client=client, subscription_id=subscription_id
    )
    subscription.deleted_at = utcnow()
    cancelled = await session.execute(
        update(SubscriptionDelivery)
        .where(
            SubscriptionDelivery.subscription_id == subscription.id,
            SubscriptionDelivery.state.in_(
                [DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.RETRYING]
            ),
        )
        .values(state=DeliveryState.CANCELLED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    n = cancelled.rowcount  # type: ignore[attr-defined]
    await audit.append(
        session,
        actor=client,
        action="subscription.deleted",
        subject_ref=f"subscription:{subscription.id}",
        data={"cancelled_deliveries": n},
    )
    return n


# -- the event log -----------------------------------------------------------------------------


async def record_event(*, session: AsyncSession, event: ThinEvent) -> list[SubscriptionDelivery]:
    """Log the event and owe it to every live subscription it matches (idempotent by id)."""
    return await record_events(session=session, events=[event])


async def record_events(
    *, session: AsyncSession, events: Sequence[ThinEvent]
) -> list[SubscriptionDelivery]:
    """`record_event` for a batch, in its order, under one lock of the log: each event id
    logged once (a repeat in the batch or one logged before adds nothing)."""
    await _lock_log(session)
    ids = list(dict.fromkeys(e.event_id for e in events))
    known = set(
        await session.scalars(select(StatusEvent.event_id).where(StatusEvent.event_id.in_(ids)))
    )
    logged: list[StatusEvent] = []
    for event in events:
        if event.event_id not in known:
            known.add(event.event_id)
            logged.append(StatusEvent(**asdict(event)))
    if not logged:
        return []
    session.add_all(logged)
    await session.flush()  # written first: on SQLite that takes the write lock before reading
    subscriptions = (
        await session.scalars(select(Subscription).where(Subscription.deleted_at.is_(None)))
    ).all()
    owed = [
        SubscriptionDelivery(subscription_id=s.id, event_seq=e.seq, next_attempt_at=utcnow())
        for e in logged
        for s in subscriptions
        if matches(s, e)
    ]
    session.add_all(owed)
    await session.flush()
    if owed:
        mark_work(session)  # the subscription worker posts them once this commits
        log.info("%d event(s) owed to %d subscription(s)", len(logged), len(owed))
    return owed


async def events_after(
    *,
    session: AsyncSession,
    subscription: Subscription,
    scope: Collection[str],
    after: str | None,
    limit: int,
) -> tuple[Sequence[StatusEvent], bool]:
    """The events matching the subscription and the caller's current scope after `after`
    (an event id it saw), in order; and whether more follow."""
    within = and_(_filter_sql(subscription), _covered_sql(scope))
    start = 0
    if after:
        start = await session.scalar(
            select(StatusEvent.seq).where(StatusEvent.event_id == after, within)
        )
        if start is None:  # unknown, or not one of its events: the same answer
            raise InvalidArgument(
                "after: no such event in this subscription",
                message_zh="after 所指的事件不在此订阅范围内",
                field="after",
            )
    rows = (
        await session.scalars(
            select(StatusEvent)
            .where(StatusEvent.seq > start, within)
            .order_by(StatusEvent.seq)
            .limit(limit + 1)
        )
    ).all()
    return rows[:limit], len(rows) > limit

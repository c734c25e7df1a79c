"""The village's outbox as staff see it: the upward calls still waiting, each with its reason,
and those the receiver refused ("needs fixing"), kept until someone requeues them (decision 4).

The rows are the kit's pending calls (`govnet_kit.calls`); a call's key starts with its case
number (`<place code>-<yyyymmdd>-<n>`, a supplement adds `#<n>`), which places it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit, calls
from govnet_kit.calls import PendingCall
from govnet_kit.errors import Conflict, NotFound
from govnet_kit.worktime import SHANGHAI
from village_room.case import service as case_service

WAITING = "waiting"
NEEDS_FIXING = "needs_fixing"

# Who receives each kind of call, in both languages.
_RECEIVER = {case_service.REGISTER_RECIPIENTS: ("notification service", "通知服务")}
_TOWNSHIP = ("township", "乡镇")
_WHY = {
    calls.UNREACHABLE: ("{who} unreachable", "{who}无法连接"),
    calls.TIMEOUT: ("{who} did not answer in time", "{who}响应超时"),
    calls.BUSY: ("{who} busy", "{who}繁忙"),
    calls.UPSTREAM_ERROR: ("{who} failed to process it", "{who}处理出错"),
    calls.LOCAL_ERROR: ("failed here before sending", "本级发送前出错"),
}


@dataclass(frozen=True)
class OutboxItem:
    id: str
    kind: str
    case_number: str
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    needs_fixing_at: datetime | None
    reason: str
    reason_zh: str
    field: str | None
    message: str | None
    message_zh: str | None


def case_number_of(call: PendingCall) -> str:
    return call.key.split("#", 1)[0]


def place_of(call: PendingCall) -> str:
    return call.key[:12]


def _local(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def item(call: PendingCall) -> OutboxItem:
    who, who_zh = _RECEIVER.get(call.kind, _TOWNSHIP)
    if call.needs_fixing_at is not None:
        state = NEEDS_FIXING
        field = f" ({call.failure_field})" if call.failure_field else ""
        reason = f"refused by the {who}{field}: {call.failure_message}; not retried until requeued"
        reason_zh = f"{who_zh}退回{field}：{call.failure_message_zh}；修正后须重新提交"
    else:
        state = WAITING
        at = _local(call.next_attempt_at)
        if call.failure is None:
            reason, reason_zh = f"queued, sending at {at}", f"等待发送，{at} 发送"
        else:
            en, zh = _WHY.get(call.failure, _WHY[calls.UPSTREAM_ERROR])
            reason = f"{en.format(who=who)}, retry at {at} (attempt {call.attempts + 1})"
            reason_zh = f"{zh.format(who=who_zh)}，将于 {at} 重试（第 {call.attempts + 1} 次）"
            reason = reason[0].upper() + reason[1:]
    return OutboxItem(
        id=call.id,
        kind=call.kind,
        case_number=case_number_of(call),
        state=state,
        attempts=call.attempts,
        created_at=call.created_at,
        next_attempt_at=None if state == NEEDS_FIXING else call.next_attempt_at,
        needs_fixing_at=call.needs_fixing_at,
        reason=reason,
        reason_zh=reason_zh,
        field=call.failure_field,
        message=call.failure_message,
        message_zh=call.failure_message_zh,
    )


async def open_calls(session: AsyncSession, place_code: str | None = None) -> list[OutboxItem]:
    """Every call not yet acknowledged, of one place (or all), oldest first."""
    query = select(PendingCall).where(PendingCall.done_at.is_(None))
    if place_code is not None:
        query = query.where(PendingCall.key.startswith(f"{place_code}-", autoescape=True))
    rows = await session.scalars(query.order_by(PendingCall.created_at, PendingCall.id))
    return [item(c) for c in rows]


async def get_call(session: AsyncSession, call_id: str) -> PendingCall:
    call = await session.get(PendingCall, call_id, with_for_update=True)
    if call is None or call.done_at is not None:
        raise NotFound("no such item waiting in the outbox", message_zh="待发送列表中无此项")
    return call


async def requeue(session: AsyncSession, *, call: PendingCall, actor: str) -> OutboxItem:
    """Send a refused call again, once its cause is fixed; recorded in the audit chain."""
    if call.needs_fixing_at is None:
        raise Conflict(
            "this item is not in needs fixing; it is retried on its own",
            message_zh="此项不在待修正列表中，系统会自动重试",
        )
    refused = item(call)
    await calls.requeue(session, call)
    await audit.append(
        session,
        actor=actor,
        action="outbox.requeued",
        case_number=refused.case_number,
        data={
            "call_id": call.id,
            "kind": call.kind,
            "attempts": call.attempts,
            "refusal": refused.message,
            "field": refused.field,
        },
    )
    return item(call)

"""The timeout default (超时默认, L5): a window that has not decided by the deadline is deemed
to consent, for items of a department that adopted the double default and that the law does
not exclude. Otherwise the overdue case is flagged to the supervisor.

The sweep is safe with several replicas and across restarts: the clock is a row (timers.py),
each due case is taken with SELECT ... FOR UPDATE SKIP LOCKED on its case row — the lock a
decision also takes — and the status is checked again under that lock, so a decision and the
default racing at the deadline end in exactly one outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from city_center.case import flags, joint, timers
from city_center.case import service as case_service
from city_center.case.models import CityCase
from city_center.catalog import service as catalog_service
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.db import skip_locked, transaction, utcnow

log = logging.getLogger(__name__)

ACTOR = "system:deadline"
REASON_CODE = "timeout_default"
RUNNING = (case_pb2.CASE_STATUS_PENDING_DECISION, case_pb2.CASE_STATUS_IN_REVIEW)


@dataclass
class SweepReport:
    deemed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    skipped: int = 0  # busy (being decided right now) or no longer running


async def _default(session: AsyncSession, case: CityCase, now: datetime, place: str) -> str:
    """Apply the default to one locked, running, overdue case. Returns the flag kind."""
    item = await catalog_service.get_version(session, case.item_code, case.item_version)
    responsible = case.owner_staff_id
    if not item.double_default_document or item.law_excludes_default:
        kind = flags.OVERDUE_EXCLUDED if item.law_excludes_default else flags.OVERDUE_NO_DEFAULT
        flags.raise_flag(
            session,
            case_id=case.id,
            case_number=case.case_number,
            kind=kind,
            department_code=case.department_code,
            responsible_staff_id=responsible,
            note="法律排除超时默认 / the law excludes this item from the default"
            if item.law_excludes_default
            else "部门未实行超时默认 / the department has not adopted the default",
            at=now,
        )
        await audit.append(
            session,
            actor=ACTOR,
            action="case.overdue_flagged",
            case_number=case.case_number,
            data={"kind": kind, "department": case.department_code, "window": responsible},
            at=now,
        )
        return kind

    number = await case_service.next_document_number(session, case.department_code)
    basis = f"{item.double_default_document}（{item.double_default_date}）"
    await case_service.record_decision(
        session,
        case=case,
        status=case_pb2.CASE_STATUS_DEEMED_APPROVED,
        number=number,
        title=f"视为准予许可 / Deemed approved: {item.name_zh} / {item.name_en}",
        text=(
            f"办件 {case.case_number} 未在承诺时限内作出决定，依据 {basis} 实行的超时默认制度，"
            f"视为准予许可。文书编号 {number}。\n"
            f"Case {case.case_number} was not decided within the committed time limit; under "
            f"the timeout default adopted by {item.double_default_document} "
            f"({item.double_default_date}) it is deemed approved. Document {number}."
        ),
        reason_code=REASON_CODE,
        legal_reason=basis,
        decided_by="",
        credential_id=f"default:{item.double_default_document}",
        city_place_code=place,
        at=now,
    )
    flags.raise_flag(
        session,
        case_id=case.id,
        case_number=case.case_number,
        kind=flags.DEEMED_APPROVED,
        department_code=case.department_code,
        responsible_staff_id=responsible,
        note=f"超时默认 {basis}",
        at=now,
    )
    await audit.append(
        session,
        actor=ACTOR,
        action="case.deemed_approved",
        case_number=case.case_number,
        data={
            # Responsibility lies with the window and its department (L5).
            "responsible_department": case.department_code,
            "responsible_window_staff": responsible,
            "document": number,
            "basis": basis,
            "deadline": case.deadline.isoformat(),
        },
        at=now,
    )
    return flags.DEEMED_APPROVED


async def sweep(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    city_place_code: str,
    batch: int = 200,
) -> SweepReport:
    """Apply the default to every case due at `now`, one transaction per case."""
    report = SweepReport()
    async with sessions() as session:
        due = await timers.due(session, now, batch)
    for case_id in due:
        try:
            async with transaction(sessions) as session:
                case = await session.scalar(
                    select(CityCase)
                    .where(CityCase.id == case_id)
                    .with_for_update(**skip_locked(session))
                )
                timer = await session.get(timers.CaseTimer, case_id, populate_existing=True)
                if case is None or timer is None or timer.due_at > now:
                    report.skipped += 1  # being decided right now, or no longer due
                    continue
                await session.delete(timer)
                if case.status not in RUNNING or case.deadline > now:
                    report.skipped += 1
                    continue
                kind = await _default(session, case, now, city_place_code)
        except Exception:  # noqa: BLE001 - one bad case must not stop the others
            log.exception("timeout default failed for case %s; retried next sweep", case_id)
            continue
        (report.deemed if kind == flags.DEEMED_APPROVED else report.flagged).append(
            case.case_number
        )
    return report


class Sweeper:
    """The background loop: sleeps until the next clock runs out (at most `poll` seconds, so
    clocks armed by other replicas are seen), then sweeps."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        city_place_code: str,
        poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_applied: Callable[[], None] = lambda: None,
    ):
        self._sessions = sessions
        self._place = city_place_code
        self._poll = poll
        self._clock = clock
        self._on_applied = on_applied

    async def run(self) -> None:
        while True:
            report = SweepReport()
            try:
                report = await sweep(self._sessions, now=self._clock(), city_place_code=self._place)
                # Joint meetings whose opinion deadline passed: the absent are deemed to consent.
                if await joint.sweep(
                    self._sessions, now=self._clock(), city_place_code=self._place
                ):
                    self._on_applied()
                if report.deemed or report.flagged:
                    log.info(
                        "timeout default: %d deemed approved, %d flagged",
                        len(report.deemed),
                        len(report.flagged),
                    )
                    self._on_applied()
                async with self._sessions() as session:
                    nxt = await timers.next_due(session)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be briefly away
                log.exception("deadline sweep failed; retrying")
                nxt = None
            wait = self._poll
            progressed = nxt is not None and report.deemed + report.flagged
            # A case that is busy or failing stays due: wait the poll, don't spin on it.
            if nxt is not None and (progressed or nxt > self._clock()):
                wait = min(self._poll, max((nxt - self._clock()) / timedelta(seconds=1), 0.0))
            await asyncio.sleep(max(wait, 0.01))

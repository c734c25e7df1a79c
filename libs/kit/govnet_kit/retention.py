"""Retention (issue 11, decision 7): how long a case's record and attachments are kept after the
case is over, and the expiry job that removes what is due.

Periods are settings of each service (`RetentionSettings`): a default for case records and a
shorter one for attachments, in days after the case closed, with per-item overrides keyed by
the catalog item code. The job, `<service> retention run [--now ISO]` or a background task
(off by default), works in bounded batches, one transaction each:

- **attachments due**: every material of the case loses its content and its file name (the
  row stays with its code, type and sha256, so the record still says what was handed in);
- **record due**: the personal fields are replaced by `govnet_kit.pii.ERASED`, stored in the
  clear (no ciphertext of the old value is left), look-up hashes are emptied, and the
  attachments go too.

Each case done is one audit entry (`retention.attachments_removed`, `retention.anonymised`)
holding the person by reference only, appended to the chain like any other entry: nothing in
the chain is rewritten, so `audit.verify` still holds (the chain never held the values).
A case already done is not selected again: running the job twice changes nothing more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Text,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy import case as sql_case
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from govnet_kit import audit
from govnet_kit.audit import AuditEntry
from govnet_kit.db import utcnow
from govnet_kit.pii import ERASED
from govnet_kit.settings import ServiceSettings

log = logging.getLogger(__name__)

ANONYMISED = "retention.anonymised"
ATTACHMENTS_REMOVED = "retention.attachments_removed"


class RetentionSettings(ServiceSettings):
    """The retention periods of a service that keeps cases (docs/privacy.md, "Retention")."""

    # Case records (the personal fields of the case) after the case is over, in days.
    retention_days_after_close: int = Field(default=3650, ge=1)
    # Attachments (material content) after the case is over, in days.
    attachment_retention_days_after_close: int = Field(default=1825, ge=1)
    # Per catalog item overrides, e.g. {"LY-0001": 7300} (JSON in the environment).
    retention_item_days: dict[str, int] = {}
    attachment_retention_item_days: dict[str, int] = {}
    # The expiry job inside the server, every interval; off: run `<service> retention run`.
    retention_job_enabled: bool = False
    retention_job_interval_seconds: float = Field(default=86400.0, gt=0)
    # Cases per transaction.
    retention_batch_size: int = Field(default=100, ge=1, le=10000)


@dataclass(frozen=True)
class Periods:
    records_days: int = 3650
    attachments_days: int = 1825
    records_by_item: Mapping[str, int] = field(default_factory=dict)
    attachments_by_item: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: RetentionSettings) -> Periods:
        return cls(
            settings.retention_days_after_close,
            settings.attachment_retention_days_after_close,
            dict(settings.retention_item_days),
            dict(settings.attachment_retention_item_days),
        )

    def due(
        self, item: Any, closed_at: Any, now: datetime, *, attachments: bool
    ) -> ColumnElement[bool]:
        """Closed longer ago than the item's period (the default for items not listed)."""
        days, by_item = (
            (self.attachments_days, self.attachments_by_item)
            if attachments
            else (self.records_days, self.records_by_item)
        )
        rest = closed_at < now - timedelta(days=days)
        if not by_item:
            return rest
        listed = [
            and_(item == code, closed_at < now - timedelta(days=d)) for code, d in by_item.items()
        ]
        return or_(and_(item.not_in(list(by_item)), rest), *listed)


@dataclass(frozen=True)
class Personal:
    """Personal columns of rows that belong to a case: `link` is (column of `model`, attribute
    of the case) that must be equal, e.g. ("id", "applicant_id"); `erase` become ERASED (NULL
    stays NULL), `clear` become "" (look-up hashes)."""

    model: Any
    link: tuple[str, str]
    erase: Sequence[str]
    clear: Sequence[str] = ()


@dataclass(frozen=True)
class CaseRetention:
    """What the job needs to know about one service's cases."""

    service: str
    case: Any  # the case model: id, case_number, item_code, status
    closed_statuses: Collection[int]
    # When the case was over: an SQL expression correlated to the case model.
    closed_at: Callable[[], ColumnElement[datetime]]
    material: Any  # the material model: case_id, content, filename
    personal: Sequence[Personal]
    subject_ref: Callable[[Any], str | None] = lambda case: None
    # When the status alone does not say the case is over here: a condition on the case model
    # used instead of `closed_statuses` (e.g. decided above, or handed over at this window).
    over: Callable[[], ColumnElement[bool]] | None = None


@dataclass
class Report:
    anonymised: list[str] = field(default_factory=list)
    attachments_removed: list[str] = field(default_factory=list)
    materials: int = 0

    def lines(self) -> list[str]:
        return [
            f"{len(self.anonymised)} case(s) anonymised",
            f"{len(self.attachments_removed)} case(s) lost their attachments "
            f"({self.materials} material(s))",
        ]


def last_audited(case_number: Any) -> ColumnElement[datetime]:
    """The time of a case's last audit entry, leaving out retention's own and reads."""
    return (
        select(func.max(AuditEntry.at))
        .where(
            AuditEntry.case_number == case_number,
            AuditEntry.action.not_like("retention.%"),
            AuditEntry.action.not_like("personal_data.%"),
        )
        .scalar_subquery()
    )


def _raw(col: Any) -> Any:
    return type_coerce(col, Text)


def _has_content(material: Any) -> ColumnElement[bool]:
    return func.length(type_coerce(material.content, LargeBinary)) > 0


def _pending_personal(spec: CaseRetention) -> ColumnElement[bool]:
    """Some personal value of the case is still there."""
    parts: list[ColumnElement[bool]] = []
    for p in spec.personal:
        if p.model is spec.case:
            row = aliased(p.model)
            left = getattr(row, p.link[0])
        else:
            row = p.model
            left = getattr(row, p.link[0])
        still = or_(*(_raw(getattr(row, c)) != ERASED for c in p.erase))
        parts.append(exists().where(left == getattr(spec.case, p.link[1]), still))
    return or_(*parts) if parts else false()


def _pending_attachments(spec: CaseRetention) -> ColumnElement[bool]:
    m = spec.material
    return exists().where(m.case_id == spec.case.id, _has_content(m))


async def _due(
    session: AsyncSession,
    spec: CaseRetention,
    periods: Periods,
    now: datetime,
    limit: int,
    *,
    attachments: bool,
) -> list[Any]:
    c = spec.case
    closed = func.coalesce(spec.closed_at(), c.accepted_at)
    pending = _pending_attachments(spec) if attachments else _pending_personal(spec)
    stmt = (
        select(c)
        .where(
            spec.over() if spec.over is not None else c.status.in_(list(spec.closed_statuses)),
            periods.due(c.item_code, closed, now, attachments=attachments),
            pending,
        )
        .order_by(c.case_number)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=c, skip_locked=True)
    return list((await session.scalars(stmt)).all())


async def _remove_attachments(session: AsyncSession, spec: CaseRetention, case: Any) -> int:
    m = spec.material
    done = await session.execute(
        update(m)
        .where(m.case_id == case.id, _has_content(m))
        .values(content=b"", filename=ERASED)
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount or 0)


async def _erase_personal(session: AsyncSession, spec: CaseRetention, case: Any) -> list[str]:
    fields: list[str] = []
    for p in spec.personal:
        values: dict[str, Any] = {}
        for name in p.erase:
            col = getattr(p.model, name)
            values[name] = sql_case((col.is_(None), None), else_=literal(ERASED, Text))
        for name in p.clear:
            values[name] = ""
        await session.execute(
            update(p.model)
            .where(getattr(p.model, p.link[0]) == getattr(case, p.link[1]))
            .values(values)
            .execution_options(synchronize_session=False)
        )
        table = p.model.__tablename__
        fields += [f"{table}.{n}" for n in (*p.erase, *p.clear)]
    return fields


async def run(
    sessions: async_sessionmaker[AsyncSession],
    spec: CaseRetention,
    periods: Periods,
    *,
    now: datetime | None = None,
    batch: int = 100,
) -> Report:
    """Anonymise the records due, then remove the attachments due; one transaction per batch.
    Idempotent: what is done is not selected again."""
    now = (now or utcnow()).astimezone(UTC)
    report = Report()
    actor = f"service:{spec.service}"
    for attachments in (False, True):
        while True:
            async with sessions() as session, session.begin():
                cases = await _due(session, spec, periods, now, batch, attachments=attachments)
                for case in cases:
                    removed = await _remove_attachments(session, spec, case)
                    report.materials += removed
                    if attachments:
                        report.attachments_removed.append(case.case_number)
                        await audit.append(
                            session,
                            actor=actor,
                            action=ATTACHMENTS_REMOVED,
                            case_number=case.case_number,
                            subject_ref=spec.subject_ref(case),
                            data={
                                "materials": removed,
                                "period_days": _days(periods, case, attachments=True),
                            },
                        )
                        continue
                    fields = await _erase_personal(session, spec, case)
                    report.anonymised.append(case.case_number)
                    await audit.append(
                        session,
                        actor=actor,
                        action=ANONYMISED,
                        case_number=case.case_number,
                        subject_ref=spec.subject_ref(case),
                        data={
                            "fields": fields,
                            "materials": removed,
                            "period_days": _days(periods, case, attachments=False),
                        },
                    )
            if len(cases) < batch:
                break
    return report


def _days(periods: Periods, case: Any, *, attachments: bool) -> int:
    if attachments:
        return periods.attachments_by_item.get(case.item_code, periods.attachments_days)
    return periods.records_by_item.get(case.item_code, periods.records_days)


# -- the command and the background task -----------------------------------------------------


def parse_now(text: str | None) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise SystemExit("--now needs a time zone (e.g. 2036-01-01T00:00:00+08:00)")
    return when


async def run_command(args: Any, settings: RetentionSettings, spec: CaseRetention) -> int:
    from govnet_kit.db import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    try:
        report = await run(
            make_sessionmaker(engine),
            spec,
            Periods.of(settings),
            now=parse_now(getattr(args, "now", None)),
            batch=settings.retention_batch_size,
        )
    finally:
        await engine.dispose()
    for line in report.lines():
        print(line)
    return 0


def tasks(
    settings: RetentionSettings,
    sessions: async_sessionmaker[AsyncSession],
    spec: CaseRetention,
) -> list[Callable[[], Any]]:
    """The background expiry job for `Runtime.serve(tasks=...)`; none unless enabled."""
    if not settings.retention_job_enabled:
        return []

    async def retention_job() -> None:
        while True:
            try:
                report = await run(
                    sessions, spec, Periods.of(settings), batch=settings.retention_batch_size
                )
                if report.anonymised or report.attachments_removed:
                    log.info("retention: %s", "; ".join(report.lines()))
            except Exception:
                log.exception("retention job failed; retrying at the next interval")
            await asyncio.sleep(settings.retention_job_interval_seconds)

    return [retention_job]

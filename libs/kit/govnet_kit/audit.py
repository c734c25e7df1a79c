"""The audit chain (decision 7): one append-only, hash-chained log per service.

Used for the case record, decisions, defaults, access to personal data and the cross-tier
message log. Each entry's hash covers the previous entry's hash, so editing, removing or
reordering an entry breaks the chain at that point and `verify` reports where.

Personal data is held by reference only: an entry names its subject as `subject_ref`
(e.g. ``"applicant:<uuid>"``) and its `data` holds facts, never a name, ID number, phone,
address or email. Retention can then erase the person's record without touching the chain.

Appends lock the single `audit_head` row, so appends from several replicas or tasks
serialise and the chain never forks. `append` flushes but never commits: the caller's
transaction commits the entry together with the state change it records. `append_many` adds
several entries under one lock of the head (the timeout-default sweep's batches).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, String, Text, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

GENESIS_HASH = "0" * 64
HEAD_ID = 1
VERIFY_BATCH = 500

# Keys that would put personal data into the chain; compared after lower-casing and turning
# "-" and " " into "_", at any depth of `data` (including dicts inside lists).
PERSONAL_KEYS = frozenset({"name", "id_number", "phone", "address", "email"})

# "kind:opaque-reference", e.g. "applicant:6f1c...": a reference, not a value.
_SUBJECT_REF = re.compile(r"^[a-z][a-z0-9_.-]*:\S+$")


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    case_number: Mapped[str | None] = mapped_column(String, index=True)
    subject_ref: Mapped[str | None] = mapped_column(String)
    # Canonical JSON text (sorted keys, no spaces): facts only, never personal data.
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads(self.data)


class AuditHead(Base):
    """The single row (id=1) naming the last entry; appends lock it to serialise."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint(f"id = {HEAD_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


_HEAD = AuditHead.__table__


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    # Entries examined: all of them when ok, else up to and including the first bad one.
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    id: str,
    at: datetime,
    actor: str,
    action: str,
    case_number: str | None,
    subject_ref: str | None,
    data: dict[str, Any],
) -> str:
    payload = _canonical_json(
        [
            prev_hash,
            seq,
            id,
            at.astimezone(UTC).isoformat(),
            actor,
            action,
            case_number,
            subject_ref,
            data,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _personal_key_path(value: Any, path: str = "data") -> str | None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit data keys must be strings: {path}[{key!r}]")
            here = f"{path}.{key}"
            if key.strip().lower().replace("-", "_").replace(" ", "_") in PERSONAL_KEYS:
                return here
            found = _personal_key_path(inner, here)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value):
            found = _personal_key_path(inner, f"{path}[{i}]")
            if found:
                return found
    return None


def _prepare_data(data: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """Validate `data` and return its canonical text and the value that text decodes to."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError("audit data must be a dict of facts")
    path = _personal_key_path(data)
    if path:
        raise ValueError(
            f"audit data must not hold personal fields ({path}); "
            "keep a reference in subject_ref instead"
        )
    try:
        text = json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit data must be plain JSON: {exc}") from exc
    # Hash what verify will read back (tuples become lists, and so on).
    return text, json.loads(text)


async def _lock_head(session: AsyncSession) -> tuple[int, str] | None:
    row = (
        await session.execute(
            select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).with_for_update()
        )
    ).one_or_none()
    return None if row is None else (row.seq, row.hash)


async def _create_head(session: AsyncSession) -> None:
    # No "entries but no head" check here: a concurrent first append may have committed both
    # since we looked. A head truly lost would restart at seq 1 and fail loudly on its key.
    values = {"id": HEAD_ID, "seq": 0, "hash": GENESIS_HASH}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # A concurrent first append may insert it too: wait for it and do nothing.
        await session.execute(
            postgresql.insert(AuditHead).values(**values).on_conflict_do_nothing()
        )
    elif dialect == "sqlite":
        await session.execute(sqlite.insert(AuditHead).values(**values).on_conflict_do_nothing())
    else:
        try:
            async with session.begin_nested():
                await session.execute(insert(AuditHead).values(**values))
        except IntegrityError:
            pass


@dataclass(frozen=True)
class Record:
    """One entry to append, as `append` takes it (`append_many` takes several)."""

    actor: str
    action: str
    case_number: str | None = None
    subject_ref: str | None = None
    data: dict[str, Any] | None = None
    at: datetime | None = None


async def append(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    case_number: str | None = None,
    subject_ref: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add the next entry in the caller's transaction; flushes, never commits."""
    record = Record(actor, action, case_number, subject_ref, data, at)
    [entry] = await append_many(session, [record])
    return entry


async def append_many(session: AsyncSession, records: Sequence[Record]) -> list[AuditEntry]:
    """Add the next entries, in order, in the caller's transaction: the head is locked and
    moved once for all of them (a batch of defaults holds the lock once, not per case).
    Validates every record before writing any; flushes, never commits."""
    if not records:
        return []
    now = utcnow()
    prepared = [_prepared(record, now) for record in records]

    # Flush the caller's pending changes first so the head lock below is the last word.
    await session.flush()
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite starts a transaction only at the first write, so a SELECT alone would read
        # outside it. Writing first takes SQLite's single write lock (waiting on busy_timeout);
        # the head read below then sees the latest committed chain.
        await session.execute(update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=_HEAD.c.seq))
    head = await _lock_head(session)
    if head is None:
        await _create_head(session)
        head = await _lock_head(session)
        assert head is not None
    seq, prev_hash = head

    entries = []
    for record, (at, data_text, data_value) in zip(records, prepared, strict=True):
        seq += 1
        entry = AuditEntry(
            seq=seq,
            id=new_id(),
            at=at,
            actor=record.actor,
            action=record.action,
            case_number=record.case_number,
            subject_ref=record.subject_ref,
            data=data_text,
            prev_hash=prev_hash,
        )
        entry.hash = prev_hash = entry_hash(
            prev_hash=entry.prev_hash,
            seq=seq,
            id=entry.id,
            at=at,
            actor=record.actor,
            action=record.action,
            case_number=record.case_number,
            subject_ref=record.subject_ref,
            data=data_value,
        )
        entries.append(entry)
    session.add_all(entries)
    await session.execute(
        update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=seq, hash=prev_hash)
    )
    await session.flush()
    return entries


def _prepared(record: Record, now: datetime) -> tuple[datetime, str, dict[str, Any]]:
    """The record checked: its time in UTC, its data's canonical text and decoded value."""
    if not record.actor or not record.action:
        raise ValueError("audit entries need an actor and an action")
    if record.subject_ref is not None and not _SUBJECT_REF.match(record.subject_ref):
        raise ValueError(
            f"subject_ref must be a reference like 'applicant:<id>': {record.subject_ref!r}"
        )
    at = now if record.at is None else record.at
    if at.tzinfo is None:
        raise ValueError("naive datetime: audit times must be aware")
    return (at.astimezone(UTC), *_prepare_data(record.data))


async def _read_head(session: AsyncSession) -> tuple[int, str] | None:
    row = (
        await session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID))
    ).one_or_none()
    return None if row is None else (row.seq, row.hash)


async def verify(session: AsyncSession, *, batch: int = VERIFY_BATCH) -> ChainReport:
    """Walk the chain in seq order, in batches, recomputing every hash and link.

    Safe beside concurrent appends: the head is read after the walk, and an entry commits
    together with its head update, so a head ahead of the walk means more entries to read.
    """
    cols = AuditEntry.__table__.c
    last_seq, last_hash = 0, GENESIS_HASH
    count = 0

    def bad(seq: int, reason: str) -> ChainReport:
        return ChainReport(ok=False, entries=count, first_bad_seq=seq, reason=reason)

    while True:
        # Walk from the last verified entry to the current end of the table.
        while True:
            rows = (
                await session.execute(
                    select(cols).where(cols.seq > last_seq).order_by(cols.seq).limit(batch)
                )
            ).all()
            for row in rows:
                count += 1
                expected = last_seq + 1
                if row.seq != expected:
                    return bad(expected, f"entry {expected} is missing (next is {row.seq})")
                if row.prev_hash != last_hash:
                    return bad(row.seq, "prev_hash does not match the previous entry's hash")
                try:
                    data_value = json.loads(row.data)
                except ValueError:
                    return bad(row.seq, "data is not valid JSON")
                recomputed = entry_hash(
                    prev_hash=row.prev_hash,
                    seq=row.seq,
                    id=row.id,
                    at=row.at,
                    actor=row.actor,
                    action=row.action,
                    case_number=row.case_number,
                    subject_ref=row.subject_ref,
                    data=data_value,
                )
                if recomputed != row.hash:
                    return bad(row.seq, "hash does not match the entry's contents")
                last_seq, last_hash = row.seq, row.hash
            if len(rows) < batch:
                break

        head = await _read_head(session)
        if head is None:
            if count == 0:
                return ChainReport(ok=True, entries=0)
            return bad(last_seq, "audit_head is missing")
        head_seq, head_hash = head
        if head_seq == last_seq:
            if head_hash != last_hash:
                return bad(last_seq, "audit_head hash does not match the last entry")
            return ChainReport(ok=True, entries=count)
        if head_seq < last_seq:
            return bad(head_seq + 1, f"entries after the head (head is at {head_seq})")
        # head_seq > last_seq: either appends committed during the walk, or entries are gone.
        more = await session.scalar(select(exists().where(cols.seq > last_seq)))
        if not more:
            return bad(last_seq + 1, f"entries {last_seq + 1}..{head_seq} are missing")


async def entries_for_case(session: AsyncSession, case_number: str) -> list[AuditEntry]:
    result = await session.scalars(
        select(AuditEntry).where(AuditEntry.case_number == case_number).order_by(AuditEntry.seq)
    )
    return list(result.all())

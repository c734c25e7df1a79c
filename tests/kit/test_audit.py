"""The audit chain (decision 7): hash-chained, serialised appends, tamper evidence."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import pytest_asyncio
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit import audit
from govnet_kit.audit import GENESIS_HASH, AuditEntry, AuditHead
from govnet_kit.db import transaction
from tests.dbkit import fresh_sessions


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with fresh_sessions(request.param, tmp_path) as made:
        yield made


async def _append_some(sessions, n: int, *, case_number: str = "C-1") -> list[AuditEntry]:
    out = []
    for i in range(n):
        async with transaction(sessions) as s:
            out.append(
                await audit.append(
                    s,
                    actor="staff:s-1",
                    action=f"case.step{i}",
                    case_number=case_number,
                    subject_ref=f"applicant:{uuid.uuid4()}",
                    data={"step": i, "department": "D-01", "items": [{"code": "x", "n": i}]},
                )
            )
    return out


async def test_empty_chain_verifies(sessions):
    async with sessions() as s:
        report = await audit.verify(s)
    assert report == audit.ChainReport(ok=True, entries=0)


async def test_appends_link_and_verify(sessions):
    entries = await _append_some(sessions, 5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for prev, cur in zip(entries, entries[1:], strict=False):
        assert cur.prev_hash == prev.hash
    assert all(len(e.hash) == 64 for e in entries)

    async with sessions() as s:
        report = await audit.verify(s)
        head = await s.get(AuditHead, 1)
    assert report.ok and report.entries == 5
    assert report.first_bad_seq is None and report.reason is None
    assert (head.seq, head.hash) == (5, entries[-1].hash)


async def test_verify_walks_in_batches(sessions):
    await _append_some(sessions, 11)
    async with sessions() as s:
        assert (await audit.verify(s, batch=3)).entries == 11
        assert (await audit.verify(s, batch=11)).ok
        await s.execute(text("UPDATE audit_entry SET action = 'forged' WHERE seq = 10"))
        await s.commit()
        report = await audit.verify(s, batch=4)
    assert not report.ok and report.first_bad_seq == 10


async def test_non_utc_time_is_stored_and_verified_as_utc(sessions):
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2025, 6, 9, 10, 30, 0, 123456, tzinfo=shanghai)
    async with transaction(sessions) as s:
        entry = await audit.append(s, actor="service:village-room", action="case.filed", at=at)
    assert entry.at == at and entry.at.tzinfo == UTC
    async with sessions() as s:
        stored = await s.scalar(select(AuditEntry))
        assert stored.at == at
        assert (await audit.verify(s)).ok


async def test_editing_data_in_sql_is_detected_at_that_seq(sessions):
    await _append_some(sessions, 4)
    async with sessions() as s:
        await s.execute(
            text("UPDATE audit_entry SET data = :d WHERE seq = 2"), {"d": '{"step":99}'}
        )
        await s.commit()
        report = await audit.verify(s)
    assert not report.ok
    assert report.first_bad_seq == 2
    assert "hash" in report.reason


async def test_rehashing_an_edited_entry_breaks_the_next_link(sessions):
    entries = await _append_some(sessions, 3)
    forged = "f" * 64
    async with sessions() as s:
        await s.execute(text("UPDATE audit_entry SET hash = :h WHERE seq = 2"), {"h": forged})
        await s.commit()
        report = await audit.verify(s)
    assert not report.ok and report.first_bad_seq == 2
    assert entries  # the chain itself was fine before the edit


async def test_deleting_a_middle_entry_is_detected(sessions):
    await _append_some(sessions, 5)
    async with sessions() as s:
        await s.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
        await s.commit()
        report = await audit.verify(s)
    assert not report.ok
    assert report.first_bad_seq == 3
    assert "missing" in report.reason


async def test_deleting_the_last_entry_is_detected_by_the_head(sessions):
    await _append_some(sessions, 3)
    async with sessions() as s:
        await s.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
        await s.commit()
        report = await audit.verify(s)
    assert not report.ok and report.first_bad_seq == 3


async def test_append_does_not_commit(sessions):
    await _append_some(sessions, 1)
    async with sessions() as s:
        await audit.append(s, actor="staff:s-1", action="case.accepted", case_number="C-9")
        await s.rollback()
    async with sessions() as s:
        assert await audit.entries_for_case(s, "C-9") == []
        report = await audit.verify(s)
    assert report.ok and report.entries == 1
    # The next append continues from the committed head, with no gap.
    [entry] = await _append_some(sessions, 1)
    assert entry.seq == 2


async def test_concurrent_appends_form_one_contiguous_chain(sessions):
    await _append_some(sessions, 1)  # the head row exists already for half of the runs

    async def one(i: int) -> int:
        async with transaction(sessions) as s:
            entry = await audit.append(
                s, actor=f"service:worker-{i}", action="message.logged", data={"i": i}
            )
            await asyncio.sleep(0)  # let the others pile up on the head lock
            return entry.seq

    seqs = await asyncio.gather(*(one(i) for i in range(20)))
    assert sorted(seqs) == list(range(2, 22))
    async with sessions() as s:
        report = await audit.verify(s)
        rows = (await s.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all()
    assert report.ok and report.entries == 21
    assert sorted(r.facts["i"] for r in rows[1:]) == list(range(20))


async def test_concurrent_first_appends_create_the_head_once(sessions):
    async def one(i: int) -> int:
        async with transaction(sessions) as s:
            return (await audit.append(s, actor="staff:s-1", action="x", data={"i": i})).seq

    seqs = await asyncio.gather(*(one(i) for i in range(10)))
    assert sorted(seqs) == list(range(1, 11))
    async with sessions() as s:
        assert (await audit.verify(s)).ok


async def test_append_many_chains_a_batch_under_one_lock_beside_single_appends(sessions):
    await _append_some(sessions, 2)

    async def batch(i: int) -> list[int]:
        async with transaction(sessions) as s:
            records = [
                audit.Record(actor="system:deadline", action="case.deemed_approved", data={"n": n})
                for n in range(i * 10, i * 10 + 10)
            ]
            return [e.seq for e in await audit.append_many(s, records)]

    seqs = await asyncio.gather(batch(0), batch(1), *(_append_some(sessions, 1) for _ in range(3)))
    # Each batch holds the head once, so its entries are contiguous, in the order given.
    for run in seqs[:2]:
        assert run == list(range(run[0], run[0] + 10))
    async with sessions() as s:
        report = await audit.verify(s)
        rows = (await s.scalars(select(AuditEntry).where(AuditEntry.seq.in_(seqs[0])))).all()
    assert report.ok and report.entries == 2 + 20 + 3
    assert [r.facts["n"] for r in sorted(rows, key=lambda r: r.seq)] == list(range(10))


async def test_append_many_checks_every_record_before_writing_any(sessions):
    async with sessions() as s:
        with pytest.raises(ValueError, match="personal"):
            await audit.append_many(
                s,
                [
                    audit.Record(actor="staff:s-1", action="a"),
                    audit.Record(actor="staff:s-1", action="b", data={"phone": "138"}),
                ],
            )
        assert await s.scalar(select(AuditEntry)) is None
        assert await audit.append_many(s, []) == []


@pytest.mark.parametrize(
    "data",
    [
        {"name": "张三"},
        {"Email": "a@example.org"},
        {"applicant": {"id_number": "110101199003077777"}},
        {"contacts": [{"kind": "home", "phone": "13800000000"}]},
        {"nested": {"deeper": [{"ok": 1}, {"ADDRESS": "x"}]}},
        {"id-number": "x"},
    ],
)
async def test_personal_keys_are_rejected(sessions, data):
    async with sessions() as s:
        with pytest.raises(ValueError, match="personal"):
            await audit.append(s, actor="staff:s-1", action="case.accepted", data=data)
        assert await s.scalar(select(AuditEntry)) is None


async def test_other_bad_input_is_rejected(sessions):
    async with sessions() as s:
        with pytest.raises(ValueError, match="subject_ref"):
            await audit.append(s, actor="staff:s-1", action="a", subject_ref="张三")
        with pytest.raises(ValueError, match="JSON"):
            await audit.append(s, actor="staff:s-1", action="a", data={"when": datetime.now(UTC)})
        with pytest.raises(ValueError, match="naive"):
            await audit.append(s, actor="staff:s-1", action="a", at=datetime(2025, 1, 1))
        with pytest.raises(ValueError):
            await audit.append(s, actor="", action="a")


async def test_entries_for_case_returns_only_that_case_in_order(sessions):
    for case, action in [
        ("C-1", "case.filed"),
        ("C-2", "case.filed"),
        ("C-1", "case.accepted"),
        (None, "catalog.published"),
        ("C-1", "case.decided"),
        ("C-2", "case.accepted"),
    ]:
        async with transaction(sessions) as s:
            await audit.append(s, actor="staff:s-1", action=action, case_number=case)
    async with sessions() as s:
        c1 = await audit.entries_for_case(s, "C-1")
        c2 = await audit.entries_for_case(s, "C-2")
        none = await audit.entries_for_case(s, "C-3")
    assert [(e.seq, e.action) for e in c1] == [
        (1, "case.filed"),
        (3, "case.accepted"),
        (5, "case.decided"),
    ]
    assert [(e.seq, e.action) for e in c2] == [(2, "case.filed"), (6, "case.accepted")]
    assert none == []

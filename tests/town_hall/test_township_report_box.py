"""The report box keeps what it takes (S3, decision 1), on PostgreSQL: the report and the call
that takes it to the city are one commit, so a report is never taken without its way up, nor
lost when the city is down; numbers are the township's own; the contact is ciphertext at rest
and gone once the city has it; a named case or window must be the township's."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from sqlalchemy import select, text

from govnet_kit.calls import PendingCall
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from tests.dbkit import fresh_sessions
from tests.town_hall.townkit import TOWNSHIP, load_catalog
from town_hall.report import service
from town_hall.report.models import TownReport


@pytest_asyncio.fixture
async def sessions(tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
        yield sessions


async def _submit(sessions, **fields):  # type: ignore[no-untyped-def]
    data = service.ReportData(**{"kind": "complaint", "content": "窗口推诿不办", **fields})
    async with transaction(sessions) as s:
        return await service.submit(s, township_code=TOWNSHIP, data=data)


async def test_a_report_is_kept_with_its_way_up_in_one_commit(sessions):
    first, code = await _submit(sessions, contact="13800000088", window_code="civil_affairs")
    second, _ = await _submit(sessions)
    assert re.match(rf"^CP-{TOWNSHIP}-\d{{8}}-0001$", first.number)
    assert second.number.endswith("-0002")  # the township's own sequence, per day
    assert len(code) == 8 and not set(code) & set("01OIL")

    async with transaction(sessions) as s:
        queued = (await s.scalars(select(PendingCall).order_by(PendingCall.created_at))).all()
        assert [(c.kind, c.key) for c in queued] == [
            (service.FORWARD, first.number),
            (service.FORWARD, second.number),
        ]
        assert all(c.done_at is None for c in queued)  # waiting for the city, not dropped
        raw = await s.scalar(
            text("SELECT contact FROM town_report WHERE number = :n"), {"n": first.number}
        )
        assert raw.startswith("gv1:") and "13800000088" not in raw  # ciphertext at rest
        kept = await service.get(s, first.number)
        assert (kept.contact, kept.follow_code) == ("13800000088", code)

        # The city acknowledged it: the township forgets the contact and the code.
        await service.forwarded(s, kept, city_status="received")
    async with transaction(sessions) as s:
        done = await service.get(s, first.number)
        assert done.forwarded_at is not None and done.city_status == "received"
        assert (done.contact, done.follow_code) == (None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"case_number": "341102102201-20261130-0001"}, "case_number"),  # not this township's
        ({"window_code": "lottery"}, "window_code"),
    ],
)
async def test_a_target_that_is_not_the_townships_is_refused_and_nothing_kept(
    sessions, fields, field
):
    with pytest.raises(InvalidArgument) as refused:
        await _submit(sessions, **fields)
    assert refused.value.field == field and refused.value.message_zh
    async with transaction(sessions) as s:
        assert (await s.scalars(select(TownReport))).all() == []
        assert (await s.scalars(select(PendingCall))).all() == []

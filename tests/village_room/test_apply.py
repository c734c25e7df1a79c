"""Acceptance at the village (L1, T4): one-time notice of everything missing, the slip with a
case number and deadline, a redirect for what the village does not handle."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

import pytest
import pytest_asyncio
from sqlalchemy import func, select

import village_room.models  # noqa: F401 - registers the service's tables
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import catalog_replica
from govnet_kit.calls import PendingCall
from govnet_kit.db import transaction
from govnet_kit.errors import NotFound
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from tests.dbkit import fresh_sessions
from village_room.case import service as case_service
from village_room.case.models import OneTimeNotice, VillageCase

VILLAGE = "341102101201"
PERSON = case_service.ApplicantData(
    name="赵大山", id_number="341102198001011232", phone="13800000001"
)
ALL = ("application", "id_card", "forest_right", "felling_design")


def material(code: str) -> case_service.MaterialData:
    return case_service.MaterialData(
        code=code, filename=f"{code}.pdf", content_type="application/pdf", content=b"scan"
    )


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            await catalog_replica.store(s, TREE_FELLING_PERMIT)
            city_only = catalog_pb2.CatalogItem(
                code="JS-0001",
                version=1,
                name_zh="建筑工程施工许可",
                name_en="Construction permit",
                department_code="construction",
                deciding_tier=case_pb2.TIER_CITY,
                handling=[
                    catalog_pb2.TierHandling(
                        tier=case_pb2.TIER_CITY, handling=catalog_pb2.HANDLING_COMMITMENT
                    )
                ],
                time_limit_days=5,
            )
            await catalog_replica.store(s, city_only)
        yield sessions


async def apply(sessions, item_code: str, codes) -> case_service.Outcome:  # type: ignore[no-untyped-def]
    async with transaction(sessions) as s:
        return await case_service.apply(
            s,
            place_code=VILLAGE,
            staff_id="staff-v",
            item_code=item_code,
            applicant=PERSON,
            materials=[material(c) for c in codes],
            visit=None,
            calendar=WorkCalendar(confirmed_years=[2025, 2026, 2027]),
        )


def test_missing_materials_lists_every_one_at_once():
    missing = case_service.missing_materials(TREE_FELLING_PERMIT, [material("id_card")])
    assert [m.code for m in missing] == ["application", "forest_right", "felling_design"]
    assert case_service.missing_materials(TREE_FELLING_PERMIT, [material(c) for c in ALL]) == []


def test_an_empty_file_does_not_count_as_provided():
    empty = case_service.MaterialData(
        code="application", filename="a.pdf", content_type="x", content=b""
    )
    assert [m.code for m in case_service.missing_materials(TREE_FELLING_PERMIT, [empty])][
        0
    ] == "application"


async def test_incomplete_application_gets_a_one_time_notice_and_no_case(sessions):
    outcome = await apply(sessions, "LY-0001", ["application"])
    assert outcome.kind == "incomplete"
    assert [m["code"] for m in outcome.notice.missing] == [
        "id_card",
        "forest_right",
        "felling_design",
    ]
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(VillageCase)) == 0
        assert await s.scalar(select(func.count()).select_from(OneTimeNotice)) == 1


async def test_complete_application_gets_a_slip_and_is_queued_for_the_township(sessions):
    first = await apply(sessions, "LY-0001", ALL)
    second = await apply(sessions, "LY-0001", ALL)
    assert first.kind == second.kind == "accepted"
    a, b = first.case, second.case
    assert re.fullmatch(rf"{VILLAGE}-\d{{8}}-0001", a.case_number)
    assert b.case_number.endswith("-0002")
    assert a.query_code != b.query_code and len(a.query_code) == 8
    # 10 working days after the acceptance day, ending at 24:00 Shanghai time.
    expected = WorkCalendar().deadline(a.accepted_at, 10).due_at
    assert a.deadline == expected
    assert a.deadline.astimezone(SHANGHAI).time() == datetime.min.time()
    async with sessions() as s:
        kinds = sorted(
            (
                await s.scalars(select(PendingCall.kind).where(PendingCall.key == a.case_number))
            ).all()
        )
    assert kinds == ["register_recipients", "transmit"]


async def test_item_the_village_does_not_handle_is_redirected(sessions):
    outcome = await apply(sessions, "JS-0001", [])
    assert outcome.kind == "redirected"
    assert outcome.redirect_tiers == ["city"]


async def test_unknown_item_is_an_error_naming_the_field(sessions):
    with pytest.raises(NotFound) as err:
        await apply(sessions, "NO-SUCH", ALL)
    assert err.value.field == "item_code"


async def test_a_later_notice_keeps_the_version_of_the_first(sessions):
    """L1: a new catalog version between two visits' notices may not add a material that was
    missing and unlisted the first time."""
    from village_room.visit.models import Visit

    async with transaction(sessions) as s:
        visit = Visit(place_code=VILLAGE, staff_id="staff-v", topic="采伐许可")
        s.add(visit)
        await s.flush()
        visit_id = visit.id

    async def on_visit(codes):  # type: ignore[no-untyped-def]
        async with transaction(sessions) as s:
            return await case_service.apply(
                s,
                place_code=VILLAGE,
                staff_id="staff-v",
                item_code="LY-0001",
                applicant=PERSON,
                materials=[material(c) for c in codes],
                visit=await s.get(Visit, visit_id),
                calendar=WorkCalendar(confirmed_years=[2025, 2026, 2027]),
            )

    first = await on_visit(["application", "id_card"])
    assert [m["code"] for m in first.notice.missing] == ["forest_right", "felling_design"]
    v2 = catalog_pb2.CatalogItem()
    v2.CopyFrom(TREE_FELLING_PERMIT)
    v2.version = 2
    v2.materials.add(code="survey", name_zh="现场勘查记录", name_en="Site survey record")
    async with transaction(sessions) as s:
        await catalog_replica.store(s, v2)
    second = await on_visit(["application", "id_card", "forest_right"])
    assert [m["code"] for m in second.notice.missing] == ["felling_design"]
    accepted = await on_visit(ALL)
    assert accepted.kind == "accepted" and accepted.case.item_version == 1
    # A new submission (no visit) is reviewed under the version in force.
    fresh = await apply(sessions, "LY-0001", ALL)
    assert fresh.kind == "incomplete" and [m["code"] for m in fresh.notice.missing] == ["survey"]


async def test_a_seasonal_item_out_of_season_is_refused_naming_the_next_day(sessions):
    from govnet_kit.errors import Conflict

    item = catalog_pb2.CatalogItem()
    item.CopyFrom(TREE_FELLING_PERMIT)
    item.code = "LY-SEASON"
    now_month = datetime.now(SHANGHAI).month
    item.seasonal.mode = catalog_pb2.SEASONAL_MODE_RETAINED_WINDOW
    item.seasonal.months.append(now_month % 12 + 1)  # next month only
    async with transaction(sessions) as s:
        await catalog_replica.store(s, item)
    with pytest.raises(Conflict) as err:
        await apply(sessions, "LY-SEASON", ALL)
    assert err.value.message_zh and "LY-SEASON" in err.value.message_zh


async def test_concurrent_acceptances_get_distinct_gap_free_numbers(sessions):
    """Decision 5 on PostgreSQL: twelve duty staff accepting at once in one village on one day
    (the first of the day among them) get twelve distinct numbers with no gap, and an
    acceptance that fails after taking its number gives the number back."""
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite has a single writer)")

    class Abandoned(Exception):
        pass

    async def abandoned() -> None:
        with pytest.raises(Abandoned):
            async with transaction(sessions) as s:
                outcome = await case_service.apply(
                    s,
                    place_code=VILLAGE,
                    staff_id="staff-x",
                    item_code="LY-0001",
                    applicant=PERSON,
                    materials=[material(c) for c in ALL],
                    visit=None,
                    calendar=WorkCalendar(confirmed_years=[2025, 2026, 2027]),
                )
                assert outcome.case is not None
                raise Abandoned  # e.g. the applicant walked away before the slip was printed

    results = await asyncio.gather(
        *(apply(sessions, "LY-0001", ALL) for _ in range(12)), abandoned()
    )
    numbers = sorted(r.case.case_number for r in results[:12])
    day = datetime.now(SHANGHAI).strftime("%Y%m%d")
    assert numbers == [f"{VILLAGE}-{day}-{i:04d}" for i in range(1, 13)]
    assert len({r.case.query_code for r in results[:12]}) == 12
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(VillageCase)) == 12

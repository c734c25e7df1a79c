"""Acceptance at the village (L1, T4): one-time notice of everything missing, the slip with a
case number and deadline, a redirect for what the village does not handle."""

from __future__ import annotations

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

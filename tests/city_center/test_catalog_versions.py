"""Catalog versions like Open Zaak's: a draft is edited while the version in force stays in force;
publishing freezes it and retires the older one; a case keeps the version it was accepted under."""

from __future__ import annotations

from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy import func, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.catalog import records, rules
from city_center.catalog import service as catalog_service
from city_center.catalog.models import Department, Item
from city_center.catalog.schemas import SeasonalSpec
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import Conflict
from govnet_kit.messaging import OutboxMessage
from tests.dbkit import fresh_sessions

ADMIN = "staff:admin-1"


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(Department(code="forestry", name_zh="林业局", name_en="Forestry Bureau"))
            s.add(Department(code="water_resources", name_zh="水利局", name_en="Water Bureau"))
            await s.flush()
            await catalog_service.publish(s, record=permit())
        yield sessions


def permit() -> catalog_pb2.CatalogItem:
    item = catalog_pb2.CatalogItem()
    item.CopyFrom(TREE_FELLING_PERMIT)
    return item


def transfer(version: int) -> case_pb2.CaseTransfer:
    now = utcnow()
    return case_pb2.CaseTransfer(
        case_number=f"341102101201-20261127-000{version}",
        query_code="ABCD2345",
        item_code="LY-0001",
        item_version=version,
        origin_place_code="341102101201",
        origin_tier=case_pb2.TIER_VILLAGE,
        sender_place_code="341102101000",
        applicant=case_pb2.Applicant(name="赵大山", id_number="341102198001011234"),
        accepted_at=ts(now),
        deadline=ts(now + timedelta(days=14)),
    )


async def test_next_version_is_drafted_while_the_current_one_stays_in_force(sessions):
    async with transaction(sessions) as s:
        draft = await catalog_service.draft_next_version(s, code="LY-0001", actor=ADMIN)
    assert (draft.version, draft.status) == (2, "draft")

    spec = records.to_spec(catalog_pb2.CatalogItem.FromString(draft.record))
    spec.time_limit_days = 7
    async with transaction(sessions) as s:
        await catalog_service.update_draft(s, code="LY-0001", version=2, spec=spec, actor=ADMIN)
        in_force = await catalog_service.get_in_force(s, "LY-0001")
    assert (in_force.version, in_force.time_limit_days) == (1, 10)  # the draft is not public

    async with transaction(sessions) as s:
        await catalog_service.publish_draft(s, code="LY-0001", version=2, actor=ADMIN)
    async with sessions() as s:
        in_force = await catalog_service.get_in_force(s, "LY-0001")
        statuses = dict((await s.execute(select(Item.version, Item.status))).tuples().all())
        events = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.subject == "govnet.catalog.item.LY-0001")
        )
        old = await catalog_service.get_version(s, "LY-0001", 1)
        trail = [e.action for e in await _audit(s)]
        assert (await audit.verify(s)).ok
    assert (in_force.version, in_force.time_limit_days) == (2, 7)
    assert statuses == {1: "retired", 2: "published"}
    assert events == 2  # each published version replicated down once
    assert old.time_limit_days == 10  # the retired version is still readable
    assert trail == [
        "catalog.published",
        "catalog.draft_created",
        "catalog.draft_updated",
        "catalog.published",
    ]


async def _audit(s):  # type: ignore[no-untyped-def]
    return list(await s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq)))


async def test_published_and_retired_versions_are_frozen(sessions):
    spec = records.to_spec(permit())
    async with sessions() as s, s.begin():
        with pytest.raises(Conflict) as err:
            await catalog_service.update_draft(s, code="LY-0001", version=1, spec=spec, actor=ADMIN)
        assert err.value.field == "version"
        with pytest.raises(Conflict):
            await catalog_service.delete_draft(s, code="LY-0001", version=1, actor=ADMIN)
    changed = permit()
    changed.time_limit_days = 3
    async with sessions() as s, s.begin():
        with pytest.raises(Conflict):  # republishing version 1 with other content
            await catalog_service.publish(s, record=changed)
    async with transaction(sessions) as s:  # the same content again is a no-op
        await catalog_service.publish(s, record=permit())
        changed.version = 2
        await catalog_service.publish(s, record=changed)
    async with sessions() as s, s.begin():
        with pytest.raises(Conflict):  # an older version cannot come back into force
            await catalog_service.publish(s, record=permit())


async def test_one_draft_at_a_time_and_versions_only_go_up(sessions):
    async with transaction(sessions) as s:
        await catalog_service.draft_next_version(s, code="LY-0001", actor=ADMIN)
    spec = records.to_spec(permit())
    async with sessions() as s, s.begin():
        with pytest.raises(Conflict):
            await catalog_service.draft_next_version(s, code="LY-0001", actor=ADMIN)
        with pytest.raises(Conflict):
            await catalog_service.create_draft(s, spec=spec, actor=ADMIN)
    async with transaction(sessions) as s:
        await catalog_service.delete_draft(s, code="LY-0001", version=2, actor=ADMIN)
    spec.version = 1
    async with sessions() as s, s.begin():
        with pytest.raises(Conflict) as err:
            await catalog_service.create_draft(s, spec=spec, actor=ADMIN)
    assert err.value.field == "version"
    spec.version = None
    async with transaction(sessions) as s:
        draft = await catalog_service.create_draft(s, spec=spec, actor=ADMIN)
    assert draft.version == 2


async def test_a_case_keeps_the_version_it_was_accepted_under(sessions):
    """A township escalates a case accepted under version 1 after version 2 came into force."""
    changed = permit()
    changed.version, changed.time_limit_days = 2, 5
    async with transaction(sessions) as s:
        await catalog_service.publish(s, record=changed)
    async with transaction(sessions) as s:
        case, created = await case_service.receive(
            s, transfer=transfer(1), city_place_code="341100000000"
        )
        kept = await catalog_service.get_version(s, case.item_code, case.item_version)
    assert created and case.item_version == 1
    assert kept.time_limit_days == 10


async def test_a_draft_breaking_several_rules_reports_them_all(sessions):
    spec = records.to_spec(permit())
    spec.code = "SL-0009"
    spec.department = "nowhere"
    spec.handling = {"city": "assisted", "village": "commitment"}
    spec.procedure_en = spec.procedure_en[:1]
    spec.double_default_date = None
    spec.seasonal = SeasonalSpec(mode="appointment")
    async with sessions() as s, s.begin():
        with pytest.raises(rules.CatalogInvalid) as err:
            await catalog_service.create_draft(s, spec=spec, actor=ADMIN)
    fields = {p.field for p in err.value.problems}
    assert {
        "department",
        "handling.city",
        "handling.village",
        "procedure_en",
        "double_default_date",
        "seasonal.slot_times",
        "seasonal.slot_capacity",
    } <= fields
    assert err.value.to_dict()["errors"][0]["code"] == "SL-0009"

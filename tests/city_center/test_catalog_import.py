"""Import and export of the catalog file, and the plan's seed data.

An import reports every error with its row, line and field and writes nothing; an exported
catalog imports back unchanged; the seed has the plan's 37 departments and village agency items.
"""

from __future__ import annotations

import csv
import io
import textwrap

import pytest
import pytest_asyncio
import yaml
from sqlalchemy import func, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.catalog import bulk, export, rules, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.models import Department, Item
from city_center.config import CityCenterSettings
from city_center.seed import SEED_FILE, seed_demo
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit.db import transaction
from tests.dbkit import fresh_sessions

SEED = SEED_FILE.read_text(encoding="utf-8")
ACTOR = "staff:admin-1"


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        yield sessions


async def load(sessions, text: str = SEED, **kw):  # type: ignore[no-untyped-def]
    async with transaction(sessions) as s:
        return await bulk.import_catalog(s, text, actor=ACTOR, **{"publish": True, **kw})


BROKEN = textwrap.dedent(
    """\
    format: govnet-catalog/1
    departments:
      - {code: forestry, name_zh: 林业局, name_en: Forestry Bureau, stationed: true}
      - {code: Water, name_zh: 水利局}
    items:
      - code: LY-0002
        name_zh: 林木种子生产经营许可
        name_en: Forest seed licence
        department: forestry
        deciding_tier: city
        handling: {city: commitment}
        legal_basis_zh: 《中华人民共和国种子法》
        legal_basis_en: Seed Law
        procedure_zh: [受理, 审批]
        procedure_en: [Accept, Decide]
        time_limit_days: 20
        fee_basis_zh: 不收费
        fee_basis_en: Free
        window_phone: 0550-1
        complaint_phone: 0550-2
      - code: LY-0003
        name_zh: 木材运输证
        department: forestry
        deciding_tier: city
        handling: {city: commitment}
        legal_basis_zh: x
        legal_basis_en: x
        materials:
          - {code: application, name_zh: 申请书, name_en: Application, form: original}
          - {code: id_card, name_zh: 身份证, name_en: ID card, form: scan, count: 0}
        procedure_zh: [受理]
        procedure_en: [Accept]
        time_limit_days: ten
        fee_basis_zh: 不收费
        fee_basis_en: Free
        window_phone: 0550-1
        complaint_phone: 0550-2
      - code: LY-0002
        name_zh: 重复
        name_en: Duplicate
        department: nowhere
        deciding_tier: town
        handling: {city: commitment, town: direct}
        legal_basis_zh: x
        legal_basis_en: x
        procedure_zh: [受理, 审批]
        procedure_en: [Accept]
        time_limit_days: 0
        fee_basis_zh: 不收费
        fee_basis_en: Free
        window_phone: 0550-1
        complaint_phone: 0550-2
    """
)


async def test_an_import_reports_every_error_with_its_row_and_writes_nothing(sessions):
    async with sessions() as s, s.begin():
        with pytest.raises(rules.CatalogInvalid) as err:
            await bulk.import_catalog(s, BROKEN, actor=ACTOR)
    found = {(p.row, p.field) for p in err.value.problems}
    assert found == {
        (2, "department.code"),  # the second department: "Water" is not a code
        (2, "department.name_en"),  # and it has no English name
        (2, "name_en"),  # item 2 has no English name
        (2, "materials[1].form"),  # "scan" is neither original nor copy
        (2, "materials[1].count"),
        (2, "time_limit_days"),
        (3, "department"),  # item 3: no such department
        (3, "handling.city"),  # the city is above the town that decides
        (3, "procedure_en"),  # one English step for two Chinese ones
        (3, "code"),  # LY-0002 twice
    }
    lines = {p.row: p.line for p in err.value.problems if p.field == "time_limit_days"}
    assert lines == {2: 21}  # the line where item 2 starts in the file
    body = err.value.to_dict()
    assert len(body["errors"]) == 10 and body["code"] == "invalid_argument"
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Item)) == 0
        assert await s.scalar(select(func.count()).select_from(Department)) == 0


async def test_a_yaml_syntax_error_names_its_line(sessions):
    async with sessions() as s, s.begin():
        with pytest.raises(rules.CatalogInvalid) as err:
            await bulk.import_catalog(s, "items:\n  - code: [unclosed\n", actor=ACTOR)
    assert err.value.problems[0].field == "file"
    assert err.value.problems[0].line is not None


async def test_seed_demo_loads_the_plan_once(sessions, tmp_path):
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    settings = CityCenterSettings(database_url=url)  # type: ignore[call-arg]
    await seed_demo(settings)
    await seed_demo(settings)  # idempotent
    async with sessions() as s:
        departments = await stationing.departments(s)
        items = await catalog_service.in_force(s)
        versions = await s.scalar(select(func.count()).select_from(Item))
        gaps = {g.department_code: g for g in await stationing.gaps(s)}
    names = {d.name_zh for d in departments}
    assert len(departments) == 37
    assert {"建设局", "林业局", "公安局（含消防）", "人口和计划生育局", "供电公司"} <= names
    assert all(d.name_en for d in departments)
    assert versions == len(items)  # the second run published nothing
    assert all(i.sample_values for i in items)
    agency = {
        i.code
        for i in items
        if any(
            h.tier == case_pb2.TIER_VILLAGE and h.handling == catalog_pb2.HANDLING_AGENCY
            for h in i.handling
        )
    }
    # rural housing land, relocation, land transfer, family planning, tree felling, cable TV
    assert {"GT-0001", "MZ-0001", "NY-0001", "JH-0001", "LY-0001", "GD-0001"} <= agency
    categories = {i.category_code for i in items}
    assert {"finance", "family_planning", "health", "household_registration"} <= categories
    assert {"civil_affairs", "agriculture_forestry", "water", "urban_construction"} <= categories
    assert {"industry_commerce", "land"} <= categories
    assert set(gaps) == {"environmental_protection", "tobacco", "power_supply"}
    assert gaps["environmental_protection"].items_not_stationed == ["HB-0001"]
    assert gaps["tobacco"].department_stationed is False


async def test_export_imports_back_unchanged(sessions, tmp_path):
    await load(sessions)
    async with sessions() as s:
        exported = await export.export_yaml(s)
        exported_csv = await export.export_csv(s)
    # the same database: nothing changes
    again = await load(sessions, exported)
    assert again.created == [] and len(again.unchanged) == again.items == 25
    again = await load(sessions, exported_csv, fmt="csv")
    assert again.created == [] and len(again.unchanged) == 25
    # a second, empty database: the same catalog, with the same version numbers
    async with fresh_sessions("sqlite", tmp_path) as other:
        report = await load(other, exported)
        async with other() as s:
            assert await export.export_yaml(s) == exported
    assert len(report.published) == 25 and report.departments == 37


async def test_csv_changes_flat_fields_as_a_new_version(sessions):
    await load(sessions)
    async with sessions() as s:
        exported = await export.export_csv(s)
    header, *rows = list(csv.reader(io.StringIO(exported)))
    lt = next(r for r in rows if r[0] == "LY-0001")
    lt[header.index("version")] = ""
    lt[header.index("time_limit_days")] = "7"
    lt[header.index("fee_fen")] = "500"
    bad = ["XX-0001", "", "新事项"] + [""] * (len(header) - 3)
    wrong = list(lt)
    wrong[0], wrong[header.index("fee_fen")] = "GT-0001", "-1"
    text = _csv([header, lt, bad, wrong])
    async with sessions() as s, s.begin():
        with pytest.raises(rules.CatalogInvalid) as err:
            await bulk.import_catalog(s, text, fmt="csv", actor=ACTOR)
    by_line = {(p.row, p.field) for p in err.value.problems}
    assert (3, "procedure_zh") in by_line  # a new item needs YAML for its procedure
    assert (4, "fee_fen") in by_line
    assert all(p.row in (3, 4) for p in err.value.problems)

    report = await load(sessions, _csv([header, lt]), fmt="csv")
    assert report.published == ["LY-0001@2"]
    async with sessions() as s:
        item = await catalog_service.get_in_force(s, "LY-0001")
        first = await catalog_service.get_version(s, "LY-0001", 1)
    assert (item.version, item.time_limit_days, item.fee_fen) == (2, 7, 500)
    assert len(item.materials) == 4  # the structured fields came from version 1
    assert first.time_limit_days == 10


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


async def test_a_frozen_version_in_the_file_is_refused(sessions):
    await load(sessions)
    data = yaml.safe_load(SEED)
    data["items"] = [i for i in data["items"] if i["code"] == "LY-0001"]
    data["items"][0] |= {"version": 1, "time_limit_days": 5}
    async with sessions() as s, s.begin():
        with pytest.raises(rules.CatalogInvalid) as err:
            await bulk.import_catalog(s, yaml.safe_dump(data, allow_unicode=True), actor=ACTOR)
    assert [(p.row, p.field, p.code) for p in err.value.problems] == [(1, "version", "LY-0001")]


async def test_import_as_drafts_then_progress_reaches_the_end(sessions):
    seen: list[tuple[int, int]] = []
    async with transaction(sessions) as s:
        report = await bulk.import_catalog(
            s, SEED, actor=ACTOR, publish=False, progress=lambda d, t: seen.append((d, t))
        )
    assert report.published == [] and len(report.created) == 25
    assert seen[-1] == (25, 25) and len(seen) == 25
    async with sessions() as s:
        assert len(await catalog_service.drafts(s)) == 25
        assert await catalog_service.in_force(s) == []

"""The catalog's edges: public search and disclosures without sign-in (HTTP and gRPC), the
administrator's drafts and imports, the supervisors' stationing gaps, and who may do what."""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case.servicer import PUBLIC_METHODS, CityCenterServicer
from city_center.catalog import bulk
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from govnet.citycenter.v1 import city_center_pb2
from govnet.common.v1 import case_pb2
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument, NotFound
from tests.dbkit import fresh_sessions
from tests.tokens import bearer, key_set, service_token, staff_token


def token(*roles: str) -> dict[str, str]:
    return bearer(staff_token(tier="city", roles=roles))


ADMIN, SUPERVISOR, WINDOW = token("administrator"), token("supervisor"), token("town_window")


@pytest_asyncio.fixture(scope="module", params=["sqlite", "postgresql"])
async def app(request, tmp_path_factory):
    """The city's app on a database with the seed catalog; shared by the module's tests, which
    change only items of their own (codes TEST-*)."""
    tmp = tmp_path_factory.mktemp("catalog-api")
    async with fresh_sessions(request.param, tmp) as sessions:
        async with transaction(sessions) as s:
            await bulk.import_catalog(
                s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
            )
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        transport = httpx.ASGITransport(app=fastapi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
            yield client, runtime
        await runtime.engine.dispose()


@pytest.fixture
def client(app) -> httpx.AsyncClient:
    return app[0]


# -- public reading --------------------------------------------------------------------------


async def test_anyone_searches_by_tier_department_category_and_keyword(client):
    village = await client.get("/api/v1/catalog/items", params={"tier": "village"})
    assert village.status_code == 200
    codes = {i["code"] for i in village.json()}
    assert {"GT-0001", "MZ-0001", "NY-0001", "JH-0001", "LY-0001", "GD-0001"} <= codes
    assert "JS-0001" not in codes  # accepted at the city center only
    assert int(village.headers["X-Total-Count"]) == len(codes)

    by_department = await client.get(
        "/api/v1/catalog/items", params={"department": "civil_affairs"}
    )
    assert {i["code"] for i in by_department.json()} == {"MZ-0001", "MZ-0002", "MZ-0003"}
    in_town_health = await client.get(
        "/api/v1/catalog/items", params={"tier": "town", "category": "health"}
    )
    assert {i["code"] for i in in_town_health.json()} == {"WS-0001", "WS-0002"}
    chinese = await client.get("/api/v1/catalog/items", params={"q": "采伐"})
    english = await client.get("/api/v1/catalog/items", params={"q": "TREE felling"})
    by_code = await client.get("/api/v1/catalog/items", params={"q": "ly-00"})
    assert [i["code"] for i in chinese.json()] == ["LY-0001"]
    assert [i["code"] for i in english.json()] == ["LY-0001"]
    assert [i["code"] for i in by_code.json()] == ["LY-0001"]
    wildcard = await client.get("/api/v1/catalog/items", params={"q": "%"})
    assert wildcard.json() == []  # a keyword is text, not a pattern

    page = await client.get("/api/v1/catalog/items", params={"limit": 2, "offset": 1})
    assert len(page.json()) == 2 and int(page.headers["X-Total-Count"]) >= 25
    bad = await client.get("/api/v1/catalog/items", params={"tier": "province"})
    assert bad.status_code == 422


async def test_the_seven_disclosures_in_chinese_and_english(client):
    zh = (
        await client.get("/api/v1/catalog/items/LY-0001/disclosure", params={"lang": "zh"})
    ).json()
    en = (
        await client.get("/api/v1/catalog/items/LY-0001/disclosure", params={"lang": "en"})
    ).json()
    keys = [
        "items",
        "legal_basis",
        "materials",
        "procedure",
        "time_limit",
        "fee_basis",
        "fee_standard",
    ]
    assert [s["key"] for s in zh["sections"]] == keys == [s["key"] for s in en["sections"]]
    zh_sections = {s["key"]: s for s in zh["sections"]}
    en_sections = {s["key"]: s for s in en["sections"]}
    assert zh_sections["legal_basis"]["heading"] == "法律依据"
    assert en_sections["legal_basis"]["heading"] == "Legal basis"
    assert zh_sections["materials"]["lines"][0] == "1. 林木采伐申请书（原件1份）"
    assert (
        en_sections["materials"]["lines"][1] == "2. Applicant's resident identity card (copy × 1)"
    )
    assert zh_sections["time_limit"]["text"] == "10个工作日"
    assert en_sections["fee_standard"]["text"] == "free of charge"
    assert zh["double_default_adopted"] is True
    assert "示例林发〔2026〕1号" in zh["double_default"]["text"]
    assert "2026-01-15" in en["double_default"]["text"]
    assert zh["sample_notice"] and en["sample_notice"].startswith("The time limit")
    assert (zh["window_phone"], zh["complaint_phone"]) == ("0550-0000001", "0550-0000002")

    excluded = (await client.get("/api/v1/catalog/items/HB-0001/disclosure?lang=en")).json()
    assert excluded["law_excludes_default"] is True
    assert "excludes deemed consent" in excluded["double_default"]["text"]
    seasonal = (await client.get("/api/v1/catalog/items/NJ-0001/disclosure")).json()
    assert "预约服务" in seasonal["sections"][0]["text"]
    assert (await client.get("/api/v1/catalog/items/LY-0001/disclosure?lang=fr")).status_code == 422
    assert (await client.get("/api/v1/catalog/items/NO-0001/disclosure")).status_code == 404


async def test_the_fee_is_assessed_from_the_catalog(client):
    free = (await client.get("/api/v1/catalog/items/LY-0001/fee")).json()
    licence = (await client.get("/api/v1/catalog/items/NJ-0001/fee", params={"units": 2})).json()
    assert free["amount_fen"] == "0"  # int64 is a string in proto JSON
    assert licence["amount_fen"] == "3000"  # 10 yuan + 2 × 10 yuan
    assert len(licence["lines"]) == 2
    refused = await client.get("/api/v1/catalog/items/LY-0001/fee", params={"units": 3})
    assert refused.status_code == 422 and refused.json()["field"] == "units"


async def test_departments_show_their_stationing(client):
    departments = (await client.get("/api/v1/catalog/departments")).json()
    assert len(departments) >= 37
    forestry = next(d for d in departments if d["code"] == "forestry")
    assert forestry["stationed"] is True
    assert forestry["required_item_codes"] == forestry["stationed_item_codes"] == ["LY-0001"]
    categories = (await client.get("/api/v1/catalog/categories")).json()
    assert {
        "code": "family_planning",
        "name_zh": "计生",
        "name_en": "Family planning",
    } in categories


async def test_the_catalog_exports_without_sign_in(client):
    as_yaml = await client.get("/api/v1/catalog/export")
    as_csv = await client.get("/api/v1/catalog/export", params={"format": "csv"})
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert "LY-0001" in as_yaml.text and as_csv.text.startswith("code,version,")


# -- who may do what --------------------------------------------------------------------------


async def test_stationing_gaps_are_for_supervisors(client):
    assert (await client.get("/api/v1/catalog/stationing/gaps")).status_code == 401
    assert (await client.get("/api/v1/catalog/stationing/gaps", headers=WINDOW)).status_code == 403
    gaps = await client.get("/api/v1/catalog/stationing/gaps", headers=SUPERVISOR)
    assert gaps.status_code == 200
    by_code = {g["department_code"]: g for g in gaps.json()}
    assert {"environmental_protection", "tobacco", "power_supply"} <= set(by_code)
    assert by_code["environmental_protection"]["items_not_stationed"] == ["HB-0001"]
    assert (await client.get("/api/v1/catalog/stationing/gaps", headers=ADMIN)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/catalog/drafts"),
        ("POST", "/api/v1/catalog/items"),
        ("POST", "/api/v1/catalog/items/LY-0001/versions"),
        ("PUT", "/api/v1/catalog/items/LY-0001/versions/2"),
        ("DELETE", "/api/v1/catalog/items/LY-0001/versions/2"),
        ("POST", "/api/v1/catalog/items/LY-0001/versions/2/publish"),
        ("POST", "/api/v1/catalog/import"),
        ("POST", "/api/v1/catalog/departments"),
        ("PATCH", "/api/v1/catalog/departments/forestry"),
        ("PUT", "/api/v1/catalog/stationing/items/LY-0001"),
    ],
)
async def test_only_administrators_change_the_catalog(client, method, path):
    anonymous = await client.request(method, path, json={})
    window = await client.request(method, path, json={}, headers=WINDOW)
    service = await client.request(
        method, path, json={}, headers=bearer(service_token("city-center", roles=["administrator"]))
    )
    assert anonymous.status_code == 401
    assert window.status_code == service.status_code == 403


def _new_item(code: str) -> dict:
    return {
        "code": code,
        "name_zh": "档案查阅",
        "name_en": "Access to archives",
        "department": "archives",
        "deciding_tier": "city",
        "handling": {"city": "direct"},
        "legal_basis_zh": "《中华人民共和国档案法》",
        "legal_basis_en": "Archives Law of the People's Republic of China",
        "materials": [
            {"code": "id_card", "name_zh": "身份证", "name_en": "Identity card", "form": "original"}
        ],
        "procedure_zh": ["窗口受理", "当场提供查阅"],
        "procedure_en": ["The window accepts", "Access on the spot"],
        "time_limit_days": 0,
        "fee_basis_zh": "不收费",
        "fee_basis_en": "Free of charge",
        "window_phone": "0550-3100250",
        "complaint_phone": "0550-3109000",
        "sample_values": True,
    }


async def test_an_administrator_drafts_edits_and_publishes(client):
    created = await client.post("/api/v1/catalog/items", json=_new_item("TEST-0001"), headers=ADMIN)
    assert created.status_code == 201, created.text
    assert (created.json()["version"], created.json()["status"]) == (1, "draft")
    assert (await client.get("/api/v1/catalog/items/TEST-0001")).status_code == 404  # not public

    edited = _new_item("TEST-0001") | {"time_limit_days": 1, "handling": {"city": "commitment"}}
    put = await client.put("/api/v1/catalog/items/TEST-0001/versions/1", json=edited, headers=ADMIN)
    assert put.status_code == 200 and put.json()["item"]["time_limit_days"] == 1
    published = await client.post(
        "/api/v1/catalog/items/TEST-0001/versions/1/publish", headers=ADMIN
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    frozen = await client.put(
        "/api/v1/catalog/items/TEST-0001/versions/1", json=edited, headers=ADMIN
    )
    assert frozen.status_code == 409 and frozen.json()["field"] == "version"

    # the next version is prepared while version 1 stays in force
    nxt = await client.post("/api/v1/catalog/items/TEST-0001/versions", headers=ADMIN)
    assert nxt.status_code == 201 and nxt.json()["version"] == 2
    drafts = await client.get("/api/v1/catalog/drafts", headers=ADMIN)
    assert "TEST-0001" in {d["code"] for d in drafts.json()}
    assert (await client.get("/api/v1/catalog/items/TEST-0001")).json()["version"] == 1
    await client.post("/api/v1/catalog/items/TEST-0001/versions/2/publish", headers=ADMIN)
    versions = (await client.get("/api/v1/catalog/items/TEST-0001/versions")).json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "retired"), (2, "published")]
    old = await client.get("/api/v1/catalog/items/TEST-0001", params={"version": 1})
    assert old.status_code == 200 and old.json()["version"] == 1

    # stationing: the new city item is a gap until the archives bureau stations it
    gaps = (await client.get("/api/v1/catalog/stationing/gaps", headers=SUPERVISOR)).json()
    assert (
        "TEST-0001"
        in next(g for g in gaps if g["department_code"] == "archives")["items_not_stationed"]
    )
    stationed = await client.put(
        "/api/v1/catalog/stationing/items/TEST-0001", json={"stationed": True}, headers=ADMIN
    )
    assert stationed.status_code == 204
    gaps = (await client.get("/api/v1/catalog/stationing/gaps", headers=SUPERVISOR)).json()
    assert "archives" not in {g["department_code"] for g in gaps}


async def test_an_invalid_draft_gets_every_error_at_once(client):
    body = _new_item("TEST-0002") | {"department": "nowhere", "handling": {"city": "agency"}}
    del body["name_en"]
    schema = await client.post("/api/v1/catalog/items", json=body, headers=ADMIN)
    assert schema.status_code == 422
    assert ["body", "name_en"] in [e["loc"] for e in schema.json()["detail"]]
    body["name_en"] = "Test"
    rules = await client.post("/api/v1/catalog/items", json=body, headers=ADMIN)
    assert rules.status_code == 422
    assert {e["field"] for e in rules.json()["errors"]} == {"department", "handling.city"}


async def test_an_import_over_http_reports_every_row(client):
    text = "format: govnet-catalog/1\nitems:\n  - code: TEST-0003\n  - {code: bad code}\n"
    resp = await client.post(
        "/api/v1/catalog/import",
        content=text.encode(),
        headers=ADMIN | {"Content-Type": "application/yaml"},
    )
    assert resp.status_code == 422
    errors = resp.json()["errors"]
    assert {e["row"] for e in errors} == {1, 2}
    assert {"line": 3, "row": 1} == {k: errors[0][k] for k in ("line", "row")}
    assert ("name_zh" in {e["field"] for e in errors if e["row"] == 1}) and any(
        e["field"] == "code" and e["row"] == 2 for e in errors
    )


# -- gRPC ---------------------------------------------------------------------------------------


async def test_grpc_catalog_queries_are_public(app):
    _client, runtime = app
    rpc = CityCenterServicer(runtime)
    prefix = "/govnet.citycenter.v1.CityCenterService/"
    assert {
        prefix + m for m in ("SearchCatalogItems", "GetItemDisclosure", "AssessFee")
    } <= PUBLIC_METHODS
    assert prefix + "SubmitCase" not in PUBLIC_METHODS

    first = await rpc.SearchCatalogItems(
        city_center_pb2.SearchCatalogItemsRequest(tier=case_pb2.TIER_VILLAGE, page_size=4), None
    )
    rest = await rpc.SearchCatalogItems(
        city_center_pb2.SearchCatalogItemsRequest(
            tier=case_pb2.TIER_VILLAGE, page_size=100, page_token=first.next_page_token
        ),
        None,
    )
    assert len(first.items) == 4 and first.next_page_token == "4"
    assert rest.next_page_token == "" and len(rest.items) == first.total_size - 4

    item = await rpc.GetCatalogItem(city_center_pb2.GetCatalogItemRequest(code="LY-0001"), None)
    assert (item.item.code, item.status) == ("LY-0001", "published")
    disclosure = await rpc.GetItemDisclosure(
        city_center_pb2.GetItemDisclosureRequest(code="LY-0001", language="en"), None
    )
    assert disclosure.disclosure.sections[1].heading == "Legal basis"
    fee = await rpc.AssessFee(city_center_pb2.AssessFeeRequest(item_code="GD-0001", units=1), None)
    assert fee.assessment.amount_fen == 25000
    departments = await rpc.ListDepartments(city_center_pb2.ListDepartmentsRequest(), None)
    assert len(departments.departments) >= 37
    with pytest.raises(NotFound):
        await rpc.GetCatalogItem(city_center_pb2.GetCatalogItemRequest(code="NO-0001"), None)
    with pytest.raises(InvalidArgument):
        await rpc.SearchCatalogItems(
            city_center_pb2.SearchCatalogItemsRequest(page_token="x"), None
        )

"""The city's public case look-up (issue 8): a case escalated with a query code is found with
its number and code, in the JSON API and on the /lookup page in Chinese and English; a wrong code
answers exactly like an unknown number; bad input names its field; no personal data is shown;
guessing is stopped with 429 and Retry-After. The city's app in process on PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest_asyncio
from sqlalchemy import select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.case.models import CityCase
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from tests.dbkit import fresh_sessions

CASE = "341102101201-20261128-0101"
CODE = "ABCD2345"
NAME, ID_NUMBER, PHONE = "赵大山", "341102198001011234", "13800000001"


@pytest_asyncio.fixture
async def client(tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(
                Department(
                    code="forestry", name_zh="林业局", name_en="Forestry Bureau", stationed=True
                )
            )
            await s.flush()
            item = catalog_pb2.CatalogItem()
            item.CopyFrom(TREE_FELLING_PERMIT)
            await publish(s, record=item)
            now = utcnow()
            await case_service.receive(
                s,
                transfer=case_pb2.CaseTransfer(
                    case_number=CASE,
                    query_code=CODE,
                    item_code="LY-0001",
                    item_version=1,
                    origin_place_code="341102101201",
                    origin_tier=case_pb2.TIER_VILLAGE,
                    sender_place_code="341102101000",
                    applicant=case_pb2.Applicant(name=NAME, id_number=ID_NUMBER, phone=PHONE),
                    materials=[
                        case_pb2.Material(code="application", filename="a.pdf", content=b"x")
                    ],
                    accepted_at=ts(now),
                    deadline=ts(now + timedelta(days=14)),
                ),
                city_place_code="341100000000",
            )
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")  # type: ignore[call-arg]
        runtime, app = build(settings)
        runtime.sessions = sessions
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://city") as c:
            c.sessions = sessions  # type: ignore[attr-defined]
            yield c
        await runtime.engine.dispose()


def api(number: str, code: str) -> str:
    return f"/api/v1/public/cases/{number}?query_code={code}"


def without_personal_data(text: str) -> bool:
    return not any(v in text for v in (NAME, ID_NUMBER, PHONE, "a.pdf"))


async def test_the_right_code_shows_the_case_and_no_personal_data(client):
    resp = await client.get(api(CASE, CODE.lower()))  # the code is not case-sensitive
    assert resp.status_code == 200
    body = resp.json()
    assert body["case_number"] == CASE and body["item_code"] == "LY-0001"
    assert body["status"] == "CASE_STATUS_PENDING_DECISION" and body["status_zh"]
    assert body["department_code"] == "forestry" and body["department_name_zh"]
    assert body["deadline"] and body["clock_stopped"] is False
    assert body["result_document_number"] == ""
    assert without_personal_data(resp.text)


async def test_the_city_keeps_only_a_hash_of_the_code(client):
    async with transaction(client.sessions) as s:
        stored = await s.scalar(
            select(CityCase.query_code_hash).where(CityCase.case_number == CASE)
        )
    assert stored and CODE not in stored and CODE.lower() not in stored


async def test_a_wrong_code_answers_like_an_unknown_number(client):
    wrong = await client.get(api(CASE, "ZZZZ9999"))
    unknown = await client.get(api("341102101201-20261128-9999", CODE))
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert "办件编号或查询码不正确" in wrong.text


async def test_bad_input_names_its_field(client):
    short = await client.get(api(CASE, "AB"))
    assert short.status_code == 422 and "query_code" in short.text
    bad_number = await client.get(api("no%20such!", CODE))
    assert bad_number.status_code == 422 and "case_number" in bad_number.text


async def test_guessing_is_stopped_with_retry_after(client):
    for _ in range(10):
        assert (await client.get(api(CASE, "ZZZZ9999"))).status_code == 404
    blocked = await client.get(api(CASE, CODE))  # even the right code, while blocked
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


async def page_post(client, lang: str, number: str, code: str) -> httpx.Response:
    form = await client.get(f"/lookup?lang={lang}")
    assert form.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token, "the form carries its token"
    return await client.post(
        f"/lookup?lang={lang}",
        data={"csrf": token.group(1), "case_number": number, "query_code": code},
    )


async def test_the_page_shows_the_case_in_chinese_and_english(client):
    zh = await page_post(client, "zh", CASE, CODE)
    assert zh.status_code == 200
    assert "待审查" in zh.text
    assert "林业局" in zh.text and CASE in zh.text and without_personal_data(zh.text)
    en = await page_post(client, "en", CASE, CODE)
    assert en.status_code == 200
    assert "Case look-up" in en.text and "Forestry Bureau" in en.text
    assert "pending decision" in en.text.lower() and without_personal_data(en.text)


async def test_the_page_names_the_field_and_gives_no_oracle(client):
    empty = await page_post(client, "en", "", "")
    assert empty.status_code == 422
    assert "enter the case number" in empty.text and "enter the query code" in empty.text
    wrong = await page_post(client, "en", CASE, "ZZZZ9999")
    unknown = await page_post(client, "en", "341102101201-20261128-9999", "ZZZZ9999")
    assert wrong.status_code == unknown.status_code == 422
    assert "no case with this number and query code" in wrong.text
    assert "no case with this number and query code" in unknown.text
    assert 'id="lookup-result"' not in wrong.text and "ZZZZ9999" not in wrong.text

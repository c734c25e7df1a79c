"""The visit register: every visit with who, when, what about and its outcome (consulted,
redirected, incomplete, accepted, applied as agent, mediated), searchable and exported as CSV.
Through the village's HTTP API on PostgreSQL and SQLite."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from govnet_kit.db import transaction
from tests.village_room.roomkit import (
    OTHER_VILLAGE,
    VILLAGE,
    field_of,
    new_applicant,
    room_app,
    staff,
)
from village_room.visit.models import Visit


@pytest_asyncio.fixture(scope="module", params=["postgresql", "sqlite"])
async def app(request, tmp_path_factory):
    async with room_app(request.param, tmp_path_factory.mktemp("visits")) as pair:
        yield pair


async def visit(client, topic: str, headers, **extra) -> dict:
    r = await client.post(
        "/api/v1/visits", json={"place_code": VILLAGE, "topic": topic, **extra}, headers=headers
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_outcomes_are_recorded_and_searchable(app):
    client, runtime = app
    clerk = staff(sub="clerk-1")
    person = await new_applicant(runtime)
    consulted = await visit(
        client, "咨询养老保险缴费", clerk, outcome="consulted", applicant_id=person
    )
    assert consulted["outcome"] == "consulted" and consulted["applicant_id"] == person
    pending = await visit(client, "邻里宅基地纠纷", clerk)
    assert pending["outcome"] == "open"
    r = await client.post(
        f"/api/v1/visits/{pending['id']}/outcome", json={"outcome": "mediated"}, headers=clerk
    )
    assert r.status_code == 200 and r.json()["outcome"] == "mediated" and r.json()["outcome_at"]
    await visit(client, "办理户口迁移", staff(sub="clerk-2"), outcome="redirected")

    r = await client.get("/api/v1/visits?outcome=mediated", headers=clerk)
    assert [v["id"] for v in r.json()] == [pending["id"]]
    r = await client.get("/api/v1/visits?staff_id=clerk-2", headers=clerk)
    assert [v["topic"] for v in r.json()] == ["办理户口迁移"]
    r = await client.get("/api/v1/visits?topic=养老", headers=clerk)
    assert [v["id"] for v in r.json()] == [consulted["id"]]
    r = await client.get(f"/api/v1/visits?applicant_id={person}", headers=clerk)
    assert [v["id"] for v in r.json()] == [consulted["id"]]
    # "%" is a literal, not a wildcard.
    assert (await client.get("/api/v1/visits?topic=%25", headers=clerk)).json() == []
    # Another village sees none of them.
    assert (await client.get("/api/v1/visits", headers=staff(OTHER_VILLAGE))).json() == []


async def test_search_by_day_in_shanghai_time(app):
    client, runtime = app
    async with transaction(runtime.sessions) as s:
        # 23:30 UTC on 9 Oct is 07:30 on 10 Oct in Shanghai: a visit of the 10th.
        s.add(
            Visit(
                place_code=VILLAGE,
                staff_id="clerk-3",
                topic="补办证明",
                outcome="accepted",
                visited_at=datetime(2026, 10, 9, 23, 30, tzinfo=UTC),
            )
        )
    r = await client.get("/api/v1/visits?from=2026-10-10&to=2026-10-10", headers=staff())
    assert [v["topic"] for v in r.json()] == ["补办证明"]
    assert (
        await client.get("/api/v1/visits?from=2026-10-09&to=2026-10-09", headers=staff())
    ).json() == []
    r = await client.get("/api/v1/visits?from=2026-10-10&to=2026-10-01", headers=staff())
    assert (r.status_code, field_of(r)) == (422, "to")


async def test_export_is_a_csv_of_the_same_search_safe_for_spreadsheets(app):
    client, _ = app
    await visit(client, '=HYPERLINK("x")', staff(sub="clerk-4"), outcome="consulted")
    r = await client.get("/api/v1/visits/export.csv?staff_id=clerk-4", headers=staff())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["topic"] == '\'=HYPERLINK("x")'
    assert (rows[0]["outcome"], rows[0]["outcome_zh"]) == ("consulted", "咨询")
    assert rows[0]["visited_at"].endswith("+08:00")
    r = await client.get("/api/v1/visits/export.csv", headers=staff(OTHER_VILLAGE))
    assert r.content.decode("utf-8").strip("\ufeff\r\n").count("\n") == 0  # the header only


async def test_a_visit_that_became_a_case_keeps_its_outcome(app):
    client, runtime = app
    v = await visit(client, "林木采伐许可代办", staff())
    async with transaction(runtime.sessions) as s:
        row = await s.get(Visit, v["id"])
        row.outcome, row.case_number = "applied_as_agent", f"{VILLAGE}-20261009-0001"
    r = await client.post(
        f"/api/v1/visits/{v['id']}/outcome", json={"outcome": "consulted"}, headers=staff()
    )
    assert r.status_code == 409
    assert r.json()["field"] == "outcome" and "20261009-0001" in r.json()["message_zh"]


@pytest.mark.parametrize(
    "url, payload, field",
    [
        (
            "/api/v1/visits",
            {"place_code": VILLAGE, "topic": "x", "outcome": "applied_as_agent"},
            "outcome",
        ),
        ("/api/v1/visits", {"place_code": VILLAGE, "topic": "x", "outcome": "vanished"}, "outcome"),
        ("/api/v1/visits", {"place_code": VILLAGE, "topic": ""}, "topic"),
        (
            "/api/v1/visits",
            {
                "place_code": VILLAGE,
                "topic": "x",
                "applicant_id": "00000000-0000-0000-0000-000000000000",
            },
            "applicant_id",
        ),
        (
            "/api/v1/visits/00000000-0000-0000-0000-000000000000/outcome",
            {"outcome": "consulted"},
            "visit_id",
        ),
        ("/api/v1/visits/abc/outcome", {"outcome": "incomplete"}, "outcome"),
    ],
)
async def test_bad_input_names_the_field(app, url, payload, field):
    r = await app[0].post(url, json=payload, headers=staff())
    assert r.status_code == 422, r.text
    assert field_of(r) == field


async def test_bad_search_parameters_name_the_field(app):
    for query, field in (
        ("outcome=lost", "outcome"),
        ("from=10-10-2026", "from"),
        ("limit=0", "limit"),
    ):
        r = await app[0].get(f"/api/v1/visits?{query}", headers=staff())
        assert (r.status_code, field_of(r)) == (422, field)

"""The whole platform on PostgreSQL (five processes, a real nats-server): after the journey,
no log line, span, NATS message or database row holds the applicant's ID number or phone in
the clear; staff see a masked record unless they state a purpose, and supervisors see who read
what; malformed identifiers are refused at the edge in both languages."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import httpx
import nats
import pytest
from nats.js.api import DeliverPolicy
from sqlalchemy import create_engine, inspect, make_url, text

from tools import journey

ID_NUMBER = journey.APPLICANT["id_number"]
PHONE = journey.APPLICANT["phone"]
NAME = journey.APPLICANT["name"]
SECRETS = (ID_NUMBER, PHONE)


def _urls(platform) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s: platform.http(s) for s in ("city-center", "town-hall", "village-room")}


def _subject(headers: dict[str, str]) -> str:
    payload = headers["Authorization"].split()[1].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def _leaks(where: str, content: str, found: list[str]) -> None:
    for value in SECRETS:
        if value in content:
            at = content.index(value)
            found.append(f"{where}: ...{content[max(0, at - 120) : at + 40]!r}")


def _stream_messages(nats_url: str) -> list[bytes]:
    """Every message every stream holds (data and headers), read with ordered consumers."""

    async def read() -> list[bytes]:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            out = []
            for info in await js.streams_info():
                for subject in info.config.subjects or []:
                    sub = await js.subscribe(
                        subject,
                        stream=info.config.name,
                        ordered_consumer=True,
                        deliver_policy=DeliverPolicy.ALL,
                    )
                    while True:
                        try:
                            msg = await sub.next_msg(timeout=1.0)
                        except TimeoutError:
                            break
                        out.append(msg.data + json.dumps(msg.headers or {}).encode())
                    await sub.unsubscribe()
            return out
        finally:
            await nc.close()

    return asyncio.run(read())


def _database_dump(url: str) -> dict[str, str]:
    """table -> every row as JSON text, straight from PostgreSQL (no application in between)."""
    sync = make_url(url).set(drivername="postgresql+psycopg")
    engine = create_engine(sync)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: "\n".join(
                    r[0] for r in conn.execute(text(f'SELECT row_to_json(t)::text FROM "{t}" t'))
                )
                for t in tables
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def journey_done(platform_pg):  # type: ignore[no-untyped-def]
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    return journey.run(_urls(platform_pg), password, timeout=60.0)


def test_staff_see_a_masked_record_and_a_full_read_is_audited_for_supervisors(
    platform_pg, journey_done
):
    village = platform_pg.http("village-room")
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    number = journey_done.case_number
    with httpx.Client(timeout=10.0) as client:
        duty = journey.sign_in(client, village, "village.duty", password)
        masked = client.get(f"{village}/api/v1/cases/{number}/applicant", headers=duty)
        assert masked.status_code == 200, masked.text
        assert masked.json() | {} == {
            "view": "masked",
            "name": "赵**",
            "id_number": "3411**********1232",
            "phone": "138****0001",
            "language": "zh",
            "channel": "sms",
        }
        no_purpose = client.get(
            f"{village}/api/v1/cases/{number}/applicant", params={"view": "full"}, headers=duty
        )
        assert no_purpose.status_code == 422 and no_purpose.json()["field"] == "purpose"
        full = client.get(
            f"{village}/api/v1/cases/{number}/applicant",
            params={"view": "full", "purpose": "核对申请人身份 341102198001011232"},
            headers=duty,
        )
        assert full.status_code == 200
        assert (full.json()["id_number"], full.json()["phone"]) == (ID_NUMBER, PHONE)

        supervisor = journey.sign_in(
            client, platform_pg.http("city-center"), "city.supervisor", password
        )
        duty_id = _subject(duty)
        reads = client.get(
            f"{village}/api/v1/privacy/reads", params={"staff_id": duty_id}, headers=supervisor
        )
        assert reads.status_code == 200, reads.text
        body = reads.json()
        assert body["staff"] == f"staff:{duty_id}" and body["last_24h"] == 1
        assert not body["flagged"]
        [read] = body["reads"]
        assert read["case_number"] == number and read["subject_ref"].startswith("applicant:")
        # The purpose is kept, an identifier typed into it is not.
        assert read["purpose"] == "核对申请人身份 3411**********1232"
        # Only supervisors list reads; the masked view left no entry.
        denied = client.get(
            f"{village}/api/v1/privacy/reads", params={"staff_id": duty_id}, headers=duty
        )
        assert denied.status_code == 403 and denied.json()["message_zh"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("id_number", "341102198001011234", ("check digit", "校验位")),
        ("id_number", "34110219800101123", ("18 characters", "18位")),
        ("phone", "12800000001", ("mainland mobile", "手机号码")),
    ],
)
def test_malformed_identifiers_are_refused_at_the_edge_naming_the_field(
    platform_pg, field, value, words
):
    village = platform_pg.http("village-room")
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    with httpx.Client(timeout=10.0) as client:
        duty = journey.sign_in(client, village, "village.duty", password)
        body = {
            "place_code": journey.VILLAGE,
            "item_code": journey.ITEM,
            "applicant": {**journey.APPLICANT, field: value},
            "materials": [],
        }
        resp = client.post(f"{village}/api/v1/applications", json=body, headers=duty)
    assert resp.status_code == 422
    [problem] = resp.json()["detail"]
    assert problem["loc"][-1] == field
    assert all(w in problem["msg"] for w in words), problem["msg"]


def test_no_log_span_message_or_row_holds_an_identifier_in_the_clear(platform_pg, journey_done):
    # Give the delivery worker and the relays time to log what they log after the journey.
    asyncio.run(asyncio.sleep(1.0))
    found: list[str] = []
    logs = sorted(Path(platform_pg.logs).glob("*.log"))
    assert {p.stem for p in logs} >= {
        "identity",
        "notify",
        "city-center",
        "town-hall",
        "village-room",
    }
    for path in logs:
        _leaks(f"log {path.name}", path.read_text(errors="replace"), found)
    spans = sorted(Path(platform_pg.workdir).glob("*.spans.jsonl"))
    assert len(spans) == 5 and all(p.stat().st_size for p in spans)
    for path in spans:
        _leaks(f"spans {path.name}", path.read_text(errors="replace"), found)
    messages = _stream_messages(platform_pg.nats_url)
    assert len(messages) >= 8  # the journey's events at least
    for n, data in enumerate(messages):
        _leaks(f"NATS message {n}", data.decode(errors="replace"), found)
    for service, url in platform_pg.database_urls.items():
        for table, rows in _database_dump(url).items():
            _leaks(f"{service} table {table}", rows, found)
            assert NAME not in rows, f"{service}.{table} holds the name in the clear"
    assert not found, "\n".join(found)
    # The identifiers did travel: they reached the city, encrypted.
    city = _database_dump(platform_pg.database_urls["city-center"])["city_case"]
    assert '"applicant_id_number":"gv1:' in city

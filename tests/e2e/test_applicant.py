"""An applicant signs in at the village with a one-time code sent by SMS through notify, and
sees their own cases only (decision 8, A2). Codes cannot be replayed, nor guessed."""

from __future__ import annotations

import hashlib
import re

import httpx
import psycopg
import pytest

from govnet_kit.pii import Keyring
from govnet_kit.web import SESSION_COOKIE
from tools import journey

pytestmark = pytest.mark.e2e

OWN_PHONE = journey.APPLICANT["phone"]  # the applicant of journey.submit_complete
OTHER_PHONE = "13900000011"
GUESSER_PHONE = "13700000021"


def _conninfo(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def sent_code(platform, phone: str) -> str:  # type: ignore[no-untyped-def]
    """The newest code notify stored for the phone (what the test SMS provider delivered)."""

    # The address is encrypted at rest: notify finds it by its keyed hash, and so does the test.
    keys = Keyring(platform.secrets["NOTIFY_PII_KEY"], platform.secrets["NOTIFY_PII_LOOKUP_KEY"])
    address_hash = keys.lookup_hash(phone, context="notification.address")

    def probe() -> str | None:
        with psycopg.connect(_conninfo(platform.database_urls["notify"])) as conn:
            row = conn.execute(
                "SELECT text, status FROM notification WHERE template = 'one_time_code' "
                "AND address_hash = %s ORDER BY created_at DESC LIMIT 1",
                (address_hash,),
            ).fetchone()
        if row is None or row[1] != "delivered":
            return None
        match = re.search(r"\d{6}", row[0])
        return match.group(0) if match else None

    return journey.until(f"the code sent to {phone}", probe, timeout=10.0)


def audit_actions(platform, phone: str) -> list[str]:  # type: ignore[no-untyped-def]
    actor = "applicant:" + hashlib.sha256(phone.encode()).hexdigest()
    with psycopg.connect(_conninfo(platform.database_urls["identity"])) as conn:
        rows = conn.execute(
            "SELECT action, data::text FROM audit_entry WHERE actor = %s ORDER BY seq", (actor,)
        ).fetchall()
    assert all(phone not in (data or "") for _, data in rows)
    return [action for action, _ in rows]


@pytest.fixture(scope="module")
def world(platform_pg):
    village = platform_pg.http("village-room")
    client = httpx.Client(timeout=15.0)
    staff = journey.sign_in(
        client, village, "village.duty", platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    )
    own = journey.submit_complete(client, village, staff)
    other = client.post(
        f"{village}/api/v1/applications",
        json={
            "place_code": journey.VILLAGE,
            "item_code": journey.ITEM,
            "applicant": journey.APPLICANT | {"name": "钱小河", "phone": OTHER_PHONE},
            "materials": [journey._material(c) for c in journey.ALL_MATERIALS],
        },
        headers=staff,
    )
    other.raise_for_status()
    yield {
        "village": village,
        "client": client,
        "staff": staff,
        "own": own["case_number"],
        "other": other.json()["acceptance_slip"]["case_number"],
    }
    client.close()


def test_an_applicant_signs_in_with_a_code_and_sees_only_their_own_cases(platform_pg, world):
    village, client = world["village"], world["client"]
    asked = client.post(f"{village}/api/v1/applicant/code", json={"phone": OWN_PHONE})
    assert asked.status_code == 202, asked.text
    # One request a minute per phone.
    again = client.post(f"{village}/api/v1/applicant/code", json={"phone": OWN_PHONE})
    assert again.status_code == 429, again.text

    code = sent_code(platform_pg, OWN_PHONE)
    signed = client.post(
        f"{village}/api/v1/applicant/session", json={"phone": OWN_PHONE, "code": code}
    )
    assert signed.status_code == 200, signed.text
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie
    me = {"Authorization": f"Bearer {signed.json()['access_token']}"}

    listed = client.get(f"{village}/api/v1/applicant/cases", headers=me)
    assert listed.status_code == 200, listed.text
    numbers = {c["case_number"] for c in listed.json()}
    assert world["own"] in numbers and world["other"] not in numbers
    own = client.get(f"{village}/api/v1/applicant/cases/{world['own']}", headers=me)
    assert own.status_code == 200 and own.json()["case_number"] == world["own"]
    # The session cookie alone works too (the village's own pages).
    with httpx.Client(timeout=10.0, cookies={SESSION_COOKIE: me["Authorization"][7:]}) as page:
        assert page.get(f"{village}/api/v1/applicant/cases/{world['own']}").status_code == 200

    # Someone else's case looks exactly like no case at all.
    theirs = client.get(f"{village}/api/v1/applicant/cases/{world['other']}", headers=me)
    missing = client.get(f"{village}/api/v1/applicant/cases/341102101201-20000101-9999", headers=me)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["code"] == missing.json()["code"] == "not_found"

    # The code is spent: replaying it is refused.
    replay = client.post(
        f"{village}/api/v1/applicant/session", json={"phone": OWN_PHONE, "code": code}
    )
    assert replay.status_code == 401, replay.text
    # Staff are not applicants; applicants are not staff.
    assert (
        client.get(f"{village}/api/v1/applicant/cases", headers=world["staff"]).status_code == 403
    )
    assert client.get(f"{village}/api/v1/cases/{world['own']}", headers=me).status_code == 403

    assert audit_actions(platform_pg, OWN_PHONE) == [
        "one_time_code.requested",
        "one_time_code.request_refused",
        "one_time_code.verified",
        "one_time_code.refused",
    ]


def test_five_wrong_codes_lock_the_code(platform_pg, world):
    village, client = world["village"], world["client"]
    asked = client.post(f"{village}/api/v1/applicant/code", json={"phone": GUESSER_PHONE})
    assert asked.status_code == 202, asked.text
    code = sent_code(platform_pg, GUESSER_PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        guess = client.post(
            f"{village}/api/v1/applicant/session", json={"phone": GUESSER_PHONE, "code": wrong}
        )
        assert guess.status_code == 401, guess.text
    right = client.post(
        f"{village}/api/v1/applicant/session", json={"phone": GUESSER_PHONE, "code": code}
    )
    assert right.status_code == 429, right.text
    assert (
        audit_actions(platform_pg, GUESSER_PHONE)
        == ["one_time_code.requested"] + ["one_time_code.refused"] * 6
    )


def test_bad_input_is_a_clear_4xx(world):
    village, client = world["village"], world["client"]
    bad_phone = client.post(f"{village}/api/v1/applicant/code", json={"phone": "99999999999"})
    # Refused at the village's edge (no call to identity), naming the field in both languages.
    assert bad_phone.status_code == 422
    [problem] = bad_phone.json()["detail"]
    assert problem["loc"] == ["body", "phone"] and "手机号码" in problem["msg"]
    bad_code = client.post(
        f"{village}/api/v1/applicant/session", json={"phone": OWN_PHONE, "code": "12ab"}
    )
    assert bad_code.status_code == 422


ONLINE_PHONE = "13600000031"


def test_an_applicant_applies_online_follows_the_record_and_withdraws(platform_pg, world):
    """T1: online, for an item that allows it, reviewed like at the window; the applicant sees
    every tier's steps and may withdraw before the decision (L3, L4)."""
    village, client = world["village"], world["client"]
    assert client.post(f"{village}/api/v1/applicant/code", json={"phone": ONLINE_PHONE}).is_success
    code = sent_code(platform_pg, ONLINE_PHONE)
    token = client.post(
        f"{village}/api/v1/applicant/session", json={"phone": ONLINE_PHONE, "code": code}
    ).json()["access_token"]
    me = {"Authorization": f"Bearer {token}"}
    person = journey.APPLICANT | {"name": "孙一", "phone": ONLINE_PHONE}

    def online(item: str, codes, applicant=person):  # type: ignore[no-untyped-def]
        return client.post(
            f"{village}/api/v1/applicant/applications",
            json={
                "place_code": journey.VILLAGE,
                "item_code": item,
                "applicant": applicant,
                "materials": [journey._material(c) for c in codes],
            },
            headers=me,
        )

    # The tree felling permit is applied for at the window only.
    window_only = online(journey.ITEM, journey.ALL_MATERIALS)
    assert window_only.status_code == 409 and window_only.json()["field"] == "item_code"
    # Someone else's phone is refused.
    other = online("GD-0001", [], journey.APPLICANT | {"phone": "13600000099"})
    assert other.status_code == 403 and other.json()["field"] == "applicant.phone"
    # Incomplete: the one-time notice, as at the window.
    first = online("GD-0001", [])
    assert first.status_code == 200 and first.json()["outcome"] == "incomplete"
    missing = [m["code"] for m in first.json()["one_time_notice"]["missing"]]
    slip = online("GD-0001", missing)
    assert slip.status_code == 201, slip.text
    number = slip.json()["acceptance_slip"]["case_number"]

    def reached_town():  # type: ignore[no-untyped-def]
        steps = client.get(f"{village}/api/v1/applicant/cases/{number}/record", headers=me)
        seen = {(s["tier"], s["status"]) for s in steps.json()}
        return seen if ("town", "received") in seen else None

    seen = journey.until("the township's step in the applicant's record", reached_town, 60.0)
    assert ("village", "accepted") in seen

    asked = client.post(
        f"{village}/api/v1/applicant/cases/{number}/withdrawal",
        json={"reason": "不需要了"},
        headers=me,
    )
    assert asked.status_code == 202, asked.text

    def withdrawn():  # type: ignore[no-untyped-def]
        case = client.get(f"{village}/api/v1/applicant/cases/{number}", headers=me).json()
        return case if case["status"] == "CASE_STATUS_WITHDRAWN" else None

    journey.until("the withdrawal confirmed from above", withdrawn, 60.0)

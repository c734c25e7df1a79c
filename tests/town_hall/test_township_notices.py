"""The township hall's public notices and its report box (T2, S3) on the real platform: the
hall's office publishes, anyone reads (in Chinese and English), everyone else is refused; a
citizen's report reaches the city's supervisors' queue, where it is followed with the receipt's
number and code, and the township no longer keeps the contact."""

from __future__ import annotations

import httpx
import pytest

from tools import journey

pytestmark = pytest.mark.e2e

TOWNSHIP = "341102101000"
HOURS = {
    "kind": "hours",
    "title_zh": "办公时间",
    "title_en": "Opening hours",
    "body_zh": "周一至周五 8:30-12:00，14:30-17:30",
    "body_en": "Monday to Friday 8:30-12:00 and 14:30-17:30",
}


@pytest.fixture(scope="module")
def staff(platform_pg) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """One sign-in per account for the module (identity's password hashing is slow on purpose)."""
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    town, city = platform_pg.http("town-hall"), platform_pg.http("city-center")
    with httpx.Client(timeout=30.0) as client:
        return {
            "office": journey.sign_in(client, town, "town.office", password),
            "window": journey.sign_in(client, town, "town.window", password),
            "supervisor": journey.sign_in(client, city, "city.supervisor", password),
        }


def _field(resp: httpx.Response) -> list[object]:
    """Where a 422 says the error is: FastAPI's `loc`, or the domain error's `field`."""
    body = resp.json()
    if "detail" in body:
        return body["detail"][0]["loc"]
    return [body["field"]]


def test_the_office_publishes_and_the_public_reads_in_both_languages(platform_pg, staff):
    town = platform_pg.http("town-hall")
    with httpx.Client(timeout=15.0) as client:
        office = staff["office"]
        published = client.post(
            f"{town}/api/v1/townships/{TOWNSHIP}/notices", json=HOURS, headers=office
        )
        assert published.status_code == 201, published.text
        phone = client.post(
            f"{town}/api/v1/townships/{TOWNSHIP}/notices",
            json={
                "kind": "complaint_phone",
                "title_zh": "投诉电话",
                "title_en": "Complaint phone",
                "phone": "0554-2612345",
            },
            headers=office,
        )
        assert phone.status_code == 201, phone.text

        # Anyone, signed in or not, reads what is in force, hours before phones (the order
        # of the plan's disclosures), in both languages.
        public = client.get(f"{town}/api/v1/public/townships/{TOWNSHIP}/notices").json()
        mine = [n for n in public if n["id"] in (published.json()["id"], phone.json()["id"])]
        assert [n["kind"] for n in mine] == ["hours", "complaint_phone"]
        assert (mine[0]["title_zh"], mine[0]["title_en"]) == ("办公时间", "Opening hours")
        assert (mine[0]["kind_zh"], mine[0]["kind_en"]) == ("办公时间", "Opening hours")
        assert mine[1]["phone"] == "0554-2612345"
        only_phones = client.get(
            f"{town}/api/v1/public/townships/{TOWNSHIP}/notices", params={"kind": "complaint_phone"}
        ).json()
        assert {n["kind"] for n in only_phones} == {"complaint_phone"}

        # Withdrawn: the public no longer sees it.
        gone = client.delete(
            f"{town}/api/v1/townships/{TOWNSHIP}/notices/{phone.json()['id']}", headers=office
        )
        assert gone.status_code == 200 and gone.json()["withdrawn_at"]
        ids = {
            n["id"] for n in client.get(f"{town}/api/v1/public/townships/{TOWNSHIP}/notices").json()
        }
        assert published.json()["id"] in ids and phone.json()["id"] not in ids


def test_only_the_townships_notice_editor_publishes(platform_pg, staff):
    town = platform_pg.http("town-hall")
    url = f"{town}/api/v1/townships/{TOWNSHIP}/notices"
    with httpx.Client(timeout=15.0) as client:
        assert client.post(url, json=HOURS).status_code == 401
        window = staff["window"]  # window staff: no editor's role
        refused = client.post(url, json=HOURS, headers=window)
        assert refused.status_code == 403
        assert refused.json()["message_zh"] == "发布公告须有公告管理权限"
        office = staff["office"]
        other = client.post(
            f"{town}/api/v1/townships/341102102000/notices", json=HOURS, headers=office
        )
        assert other.status_code == 403 and other.json()["field"] == "place_code"


@pytest.mark.parametrize(
    ("path", "patch", "field"),
    [
        (TOWNSHIP, {"kind": "gossip"}, ["body", "kind"]),
        (TOWNSHIP, {"title_en": "  "}, ["body", "title_en"]),
        (TOWNSHIP, {"kind": "consultation_phone"}, ["phone"]),
        (TOWNSHIP, {"phone": "call us"}, ["body", "phone"]),
        ("341102101201", {}, ["place_code"]),  # a village, not a township
    ],
)
def test_bad_input_names_its_field_in_both_languages(platform_pg, staff, path, patch, field):
    town = platform_pg.http("town-hall")
    with httpx.Client(timeout=15.0) as client:
        office = staff["office"]
        resp = client.post(
            f"{town}/api/v1/townships/{path}/notices", json={**HOURS, **patch}, headers=office
        )
    assert resp.status_code == 422, resp.text
    assert _field(resp) == field
    body = resp.json()
    text = body["detail"][0]["msg"] if "detail" in body else body["message_zh"] + body["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text  # Chinese
    assert any(ch.isascii() and ch.isalpha() for ch in text), text  # and English


def test_a_report_reaches_the_citys_supervisors_and_the_township_forgets_the_contact(
    platform_pg, staff
):
    town, city = platform_pg.http("town-hall"), platform_pg.http("city-center")
    box = f"{town}/api/v1/public/townships/{TOWNSHIP}/reports"
    with httpx.Client(timeout=15.0) as client:
        # Refused with the field named: too short, and a case this hall never had.
        short = client.post(box, json={"content": "差"})
        assert short.status_code == 422 and _field(short) == ["body", "content"]
        unknown = client.post(
            box, json={"content": "窗口人员态度恶劣", "case_number": "341102101000-20200101-0001"}
        )
        assert unknown.status_code == 422 and _field(unknown) == ["case_number"]

        receipt = client.post(
            box,
            json={
                "kind": "complaint",
                "content": "民政窗口让我跑了三趟还没办成",
                "window_code": "civil_affairs",
                "contact": "13800000077",
            },
        )
        assert receipt.status_code == 201, receipt.text
        number, code = receipt.json()["number"], receipt.json()["code"]
        assert number.startswith(f"CP-{TOWNSHIP}-")

        # The city's supervisors have it in their queue, routed to the township's window,
        # with the contact to reply to.
        supervisor = staff["supervisor"]

        def queued() -> dict | None:  # type: ignore[type-arg]
            rows = client.get(
                f"{city}/api/v1/supervision/complaints",
                params={"place": TOWNSHIP},
                headers=supervisor,
            ).json()
            return next((c for c in rows if c["number"] == number), None)

        complaint = journey.until(f"{number} in the supervisors' queue", queued, 60.0)
        assert (complaint["tier"], complaint["place_code"], complaint["window_id"]) == (
            "town",
            TOWNSHIP,
            "civil_affairs",
        )
        assert complaint["contact"] == "13800000077"
        assert complaint["content"] == "民政窗口让我跑了三趟还没办成"
        # The citizen follows it at the city with the receipt's number and code.
        follow = client.get(f"{city}/api/v1/complaints/{number}", params={"code": code})
        assert follow.status_code == 200 and follow.json()["status"] == "received"
        taken = client.post(
            f"{city}/api/v1/supervision/complaints/{number}/take", headers=supervisor
        )
        assert taken.status_code == 200, taken.text

        # The township's staff see it went up; its list never shows the contact.
        window = staff["window"]

        def forwarded() -> dict | None:  # type: ignore[type-arg]
            rows = client.get(f"{town}/api/v1/townships/{TOWNSHIP}/reports", headers=window)
            return next(
                (r for r in rows.json() if r["number"] == number and r["forwarded_at"]), None
            )

        row = journey.until(f"{number} marked forwarded", forwarded, 30.0)
        assert row["city_status"] == "received" and "contact" not in row
        assert client.get(f"{town}/api/v1/townships/{TOWNSHIP}/reports").status_code == 401

"""The duty console's today page without a browser (issue 8: "today's duty staff, ... what is
waiting to be transmitted and why, replies and certificates to hand over"): the village's app
in process on PostgreSQL. The page names who the roster puts on duty today (or says nobody is),
lists the reply that came down until it is handed over, and says why a case still waits to go
up to the township; in Chinese and in English. The reply prints as an A4 document with the
case number as text and as a QR code."""

from __future__ import annotations

from datetime import date

import httpx
import pytest_asyncio

from city_center.seed import TREE_FELLING_PERMIT
from govnet.common.v1 import case_pb2
from govnet_kit import catalog_replica
from govnet_kit.db import transaction, utcnow
from govnet_kit.worktime import SHANGHAI
from tests.village_room.roomkit import VILLAGE, accepted_case, replied_case, room_app, staff
from village_room.roster import service as roster_service


@pytest_asyncio.fixture
async def room(tmp_path):
    async with room_app("postgresql", tmp_path) as (client, runtime):
        async with transaction(runtime.sessions) as s:
            await catalog_replica.store(s, TREE_FELLING_PERMIT)
        yield client, runtime


def _today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


async def _on_duty(runtime, staff_id: str, name: str) -> None:  # type: ignore[no-untyped-def]
    async with transaction(runtime.sessions) as s:
        await roster_service.put_member(
            s,
            place_code=VILLAGE,
            staff_id=staff_id,
            actor="staff:head",
            display_name=name,
            committee="party_branch",
            off_duty_contact="0550-1234567",
            active=True,
        )
        await roster_service.set_day(
            s, place_code=VILLAGE, day=_today(), staff_ids=[staff_id], actor="staff:head"
        )


async def _accepted(runtime) -> str:  # type: ignore[no-untyped-def]
    return await accepted_case(runtime)


async def _replied(runtime) -> str:  # type: ignore[no-untyped-def]
    approved = case_pb2.Decision(
        status=case_pb2.CASE_STATUS_APPROVED,
        result_document_number="FORESTRY-2026-000042",
        document_title="林木采伐许可证",
        document_text="准予采伐。",
    )
    return await replied_case(runtime, approved)


async def _page(client: httpx.AsyncClient, lang: str = "zh") -> str:
    client.cookies.set("govnet_session", staff(sub="duty-zhao")["Authorization"].split()[1])
    resp = await client.get(f"/duty?lang={lang}")
    assert resp.status_code == 200, resp.text
    return resp.text


async def test_the_page_says_when_nobody_is_on_duty_and_nothing_waits(room):
    client, _ = room
    page = await _page(client)
    assert 'id="on-duty-none"' in page and "值班表未排今天的值班人员" in page
    assert "没有待发放的答复" in page
    assert 'id="outbox-empty"' in page


async def test_who_is_on_duty_what_to_hand_over_and_what_waits_to_go_up(room):
    client, runtime = room
    await _on_duty(runtime, "duty-zhao", "赵桂兰")
    waiting, replied = await _accepted(runtime), await _replied(runtime)

    page = await _page(client)
    on_duty = page.split('id="on-duty"', 1)[1].split("</ul>", 1)[0]
    assert "赵桂兰" in on_duty and "村党支部委员会" in on_duty

    hand_over = page.split('id="to-hand-over"', 1)[1].split("</table>", 1)[0]
    assert replied in hand_over and "FORESTRY-2026-000042" in hand_over
    assert waiting not in hand_over  # no reply yet: nothing to hand over

    outbox = page.split('id="outbox"', 1)[1].split("</table>", 1)[0]
    assert waiting in outbox and "等待发送" in outbox  # queued, and when it is sent

    english = await _page(client, "en")
    assert "Replies and certificates to hand over" in english
    assert "Party branch committee" in english
    assert "queued, sending at" in english.split('id="outbox"', 1)[1]

    # The JSON API lists the same, for a front-end of the village's own.
    api = await client.get(
        f"/api/v1/cases?place_code={VILLAGE}&to_hand_over=true", headers=staff(sub="duty-zhao")
    )
    assert api.status_code == 200, api.text
    assert [c["case_number"] for c in api.json()] == [replied]
    assert api.json()[0]["reply"]["result_document_number"] == "FORESTRY-2026-000042"
    latest = await client.get(f"/api/v1/cases?place_code={VILLAGE}", headers=staff())
    assert {c["case_number"] for c in latest.json()} == {waiting, replied}
    other = await client.get("/api/v1/cases?place_code=341102101202", headers=staff())
    assert other.status_code == 403  # another village's list
    bad = await client.get("/api/v1/cases?place_code=12", headers=staff())
    assert bad.status_code == 422 and "place_code" in bad.text

    # Handed over: it leaves the lists.
    resp = await client.post(f"/api/v1/cases/{replied}/hand-over", headers=staff(sub="duty-zhao"))
    assert resp.status_code == 200, resp.text
    assert (
        replied not in (await _page(client)).split('id="h-hand-over"', 1)[1].split("</section>")[0]
    )


async def test_the_reply_prints_as_a_document_with_its_case_number_as_qr_code(room):
    client, runtime = room
    waiting, replied = await _accepted(runtime), await _replied(runtime)
    await _page(client)  # signs in

    doc = await client.get(f"/duty/cases/{replied}/document")
    assert doc.status_code == 200, doc.text
    assert "<h1>林木采伐许可证</h1>" in doc.text
    assert f'id="case-number">{replied}<' in doc.text
    assert 'id="document-number">FORESTRY-2026-000042<' in doc.text
    assert "<svg" in doc.text and f"办件编号二维码：{replied}" in doc.text
    assert 'class="printable"' in doc.text and "领取人签收" in doc.text
    case_page = await client.get(f"/duty/cases/{replied}")
    assert f'href="/duty/cases/{replied}/document"' in case_page.text

    # No reply yet: nothing to print, said plainly.
    early = await client.get(f"/duty/cases/{waiting}/document")
    assert early.status_code == 409 and "该办件尚无答复" in early.text

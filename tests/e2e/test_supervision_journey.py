"""E-supervision across the real platform (S1): a case accepted at the village shows up in the
city's supervision view at every tier it passed, built from the events on NATS; a warning the
city owes reaches the window staff's in-app inbox through the real notify and identity."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import grpc
import httpx
import pytest
from sqlalchemy import select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.supervision import flows, service
from city_center.supervision.models import StaffMessage
from govnet.common.v1 import case_pb2
from govnet.notify.v1 import notify_pb2, notify_pb2_grpc
from govnet_kit.db import transaction
from govnet_kit.worktime import WorkCalendar
from tests.city_center.supervisionkit import as_message, sh, status_event
from tests.dbkit import fresh_sessions
from tools import journey

pytestmark = pytest.mark.e2e


def test_a_real_journey_shows_up_in_the_supervision_view(platform_pg):
    pw = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    village, city = platform_pg.http("village-room"), platform_pg.http("city-center")
    with httpx.Client(timeout=15.0) as client:
        staff = journey.sign_in(client, village, "village.duty", pw)
        rep = journey.sign_in(client, city, "forestry.rep", pw)
        supervisor = journey.sign_in(client, city, "city.supervisor", pw)
        journey.until(
            "the catalog at the village",
            lambda: client.get(f"{village}/api/v1/guide/items/{journey.ITEM}").status_code == 200,
            60.0,
        )
        slip = journey.submit_complete(client, village, staff)
        number = slip["case_number"]
        at_city = journey.wait_at_city(client, city, rep, number, 60.0)

        def clocks() -> list[dict[str, Any]] | None:
            resp = client.get(f"{city}/api/v1/supervision/clocks/{number}", headers=supervisor)
            rows = resp.json() if resp.status_code == 200 else []
            states = {r["tier"]: r["state"] for r in rows}
            # The township marks the case transmitted once the city acknowledged it.
            wanted = {"village": "handed_on", "town": "handed_on", "city": "running"}
            return rows if states == wanted else None

        rows = {r["tier"]: r for r in journey.until("the case's clocks", clocks, 60.0)}
        assert (
            rows["city"]["department_code"] == "forestry" and rows["town"]["outcome"] == "handed_on"
        )
        assert rows["city"]["deadline"][:16] == at_city["deadline"][:16]
        assert rows["village"]["origin_place_code"] == journey.VILLAGE

        listed = client.get(
            f"{city}/api/v1/supervision/clocks",
            params={"place": journey.VILLAGE[:6], "tier": "city", "state": "running"},
            headers=supervisor,
        )
        assert number in {r["case_number"] for r in listed.json()}
        assert client.get(f"{city}/api/v1/supervision/clocks", headers=rep).status_code == 403


async def test_a_warning_reaches_the_staff_inbox_through_notify(platform_pg, tmp_path):
    """The city's own sender, wired as in production (identity token, notify over gRPC), on a
    database of its own: the clock is fed by events and the warning raised at an injected time."""
    settings = CityCenterSettings(  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        identity_grpc_target=platform_pg.grpc("identity"),
        identity_http_url=platform_pg.http("identity"),
        notify_grpc_target=platform_pg.grpc("notify"),
        client_id="city-center",
        client_secret=platform_pg.secrets["CITY_CENTER_CLIENT_SECRET"],
    )
    runtime, _ = build(settings)
    staff_id = f"e2e-{uuid.uuid4().hex[:8]}"
    number = f"{journey.VILLAGE}-20260914-{uuid.uuid4().int % 10000:04d}"
    deadline = sh(2026, 9, 19, 0, 0)
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        consumer = flows.consumer(None, sessions, working_days=1, calendar=WorkCalendar())  # type: ignore[arg-type]
        for event in (
            status_event(
                number, "city", case_pb2.CASE_STATUS_RECEIVED, sh(2026, 9, 14), deadline=deadline
            ),
            status_event(
                number,
                "city",
                case_pb2.CASE_STATUS_IN_REVIEW,
                sh(2026, 9, 14, 11),
                deadline=deadline,
                staff=staff_id,
            ),
        ):
            async with transaction(sessions) as s:
                await consumer.process(s, as_message(event))
        async with transaction(sessions) as s:
            await service.raise_due(s, now=deadline + timedelta(minutes=5))
        sender = flows.NotifySender(runtime, settings.notify_grpc_target)
        assert await flows.deliver_due(sessions, sender, now=deadline + timedelta(minutes=5)) == 1
        async with sessions() as s:
            message = (await s.scalars(select(StaffMessage))).one()
        assert (message.status, message.kind, message.staff_id) == ("sent", "overdue", staff_id)

        notify = notify_pb2_grpc.NotifyServiceStub(runtime.channel_to(settings.notify_grpc_target))

        async def inbox() -> list[notify_pb2.Notification]:
            for _ in range(120):
                resp = await notify.ListInbox(
                    notify_pb2.ListInboxRequest(address=f"staff:{staff_id}"),
                    metadata=await runtime.service_tokens.metadata(),
                    timeout=5.0,
                )
                if resp.notifications:
                    return list(resp.notifications)
                await asyncio.sleep(0.5)  # notify's delivery worker runs in its own process
            return []

        got = await inbox()
        assert len(got) == 1 and got[0].template == "case_overdue"
        assert number in got[0].text and "2026-09-18 24:00" in got[0].text
        assert got[0].id == message.notification_id

        # Sent again (a retry after a lost reply): notify keeps the one it has.
        again = await sender(message)
        assert again == message.notification_id
        # The city may send its supervision templates only, not identity's sign-in codes.
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await notify.SendDirect(
                notify_pb2.SendDirectRequest(
                    channel=notify_pb2.CHANNEL_SMS,
                    address="13800000001",
                    language="zh",
                    template="one_time_code",
                    values={"code": "123456", "minutes": "5"},
                    reference="e2e-not-allowed",
                ),
                metadata=await runtime.service_tokens.metadata(),
                timeout=5.0,
            )
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    await runtime.service_tokens.close()
    await runtime.engine.dispose()

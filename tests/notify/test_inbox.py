"""The in-app inbox (ListInbox): one recipient's delivered in-app notifications, newest first."""

from __future__ import annotations

import pytest

from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from notify.notification import service
from notify.notification.channels.in_app import InAppChannel
from notify.notification.delivery import RetryPolicy
from notify.notification.worker import DeliveryWorker
from tests.notify.notifykit import (
    FakeClock,
    Sessions,
    case_number,
    in_app,
    notifications_of,
    notify_case,
    sms,
)

DUTY = "staff:duty-1"


async def inbox(sessions: Sessions, address: str = DUTY, size: int = 0, token: str = ""):  # type: ignore[no-untyped-def]
    async with transaction(sessions) as session:
        return await service.list_inbox(
            session=session, address=address, page_size=size, page_token=token
        )


async def deliver_in_app(sessions: Sessions) -> int:
    worker = DeliveryWorker(
        sessions,
        {"in_app": InAppChannel()},
        policy=RetryPolicy(),
        rates={"in_app": 1000},
        clock=FakeClock(),
    )
    return await worker.drain()


async def test_inbox_lists_delivered_in_app_notifications_newest_first(sessions: Sessions):
    await notify_case(sessions, case_number(1), sms("13800000001"), in_app(DUTY), events=3)
    await notify_case(sessions, case_number(2), in_app("staff:other"))
    assert await inbox(sessions) == ([], "")  # created, not yet delivered

    assert await deliver_in_app(sessions) == 4
    items, token = await inbox(sessions)
    mine = [n for n in await notifications_of(sessions, case_number(1)) if n.channel == "in_app"]
    assert [n.id for n in items] == [n.id for n in reversed(mine)]
    assert token == ""
    assert all(n.address == DUTY and n.status == "delivered" for n in items)
    assert [n.case_number for n in (await inbox(sessions, "staff:other"))[0]] == [case_number(2)]
    assert await inbox(sessions, "13800000001") == ([], "")  # SMS is no inbox


async def test_inbox_pages_through_everything_once(sessions: Sessions):
    await notify_case(sessions, case_number(), in_app(DUTY), events=5)
    await deliver_in_app(sessions)
    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        items, token = await inbox(sessions, size=2, token=token)
        seen += [n.id for n in items]
        pages += 1
        if not token:
            break
    assert pages == 3 and len(seen) == 5 == len(set(seen))


@pytest.mark.parametrize(
    ("address", "size", "token", "field"),
    [
        ("", 0, "", "address"),
        ("  ", 0, "", "address"),
        (DUTY, 201, "", "page_size"),
        (DUTY, -1, "", "page_size"),
        (DUTY, 0, "not-a-token", "page_token"),
        (DUTY, 0, "bm90fGE=", "page_token"),  # base64 of "not|a"
    ],
)
async def test_bad_inbox_requests_name_the_field(
    sessions: Sessions, address: str, size: int, token: str, field: str
):
    with pytest.raises(InvalidArgument) as raised:
        await inbox(sessions, address, size, token)
    assert raised.value.field == field

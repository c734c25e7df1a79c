"""Direct messages (SendDirect): one text to one address, not about a case, such as an
applicant's sign-in code; sent by the same delivery worker, exactly once per reference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from notify.notification import service
from notify.notification.channels.sms import SmsChannel, TestSmsProvider
from notify.notification.delivery import RetryPolicy
from notify.notification.models import DeliveryStatus, Notification
from notify.notification.worker import DeliveryWorker
from tests.notify.notifykit import case_number, notify_case, sms


async def send(sessions, *, reference="code-1", language="zh", **kw):
    args = {
        "caller": "service:identity",
        "channel": "sms",
        "address": "13800000001",
        "language": language,
        "template": "one_time_code",
        "values": {"code": "123456", "minutes": "5"},
        "reference": reference,
    } | kw
    async with transaction(sessions) as s:
        return (await service.send_direct(session=s, **args)).id


async def test_a_code_is_delivered_once_by_sms(sessions):
    provider = TestSmsProvider()
    worker = DeliveryWorker(
        sessions,
        {"sms": SmsChannel(provider, timeout=2.0)},
        policy=RetryPolicy(max_attempts=3, base=timedelta(seconds=1)),
        rates={"sms": 100},
    )
    first = await send(sessions)
    assert await send(sessions) == first  # a retried call: the same notification
    english = await send(sessions, reference="code-2", language="en")
    assert await worker.drain() == 2
    assert [m.text for m in provider.sent] == [
        "【政务服务】您的登录验证码为123456，5分钟内有效。请勿告知他人。",
        "Gov services: your sign-in code is 123456, valid for 5 minutes. Never share it.",
    ]
    async with transaction(sessions) as s:
        rows = {n.id: n for n in await s.scalars(select(Notification))}
    assert rows[first].status == DeliveryStatus.DELIVERED and rows[english].event_id is None
    assert rows[first].template == "one_time_code" and rows[first].template_version == 1


async def test_direct_messages_leave_case_notifications_exactly_once(sessions):
    await send(sessions)
    await send(sessions, reference="code-2")
    made = await notify_case(sessions, case_number(), sms("13800000002"), events=2)
    async with transaction(sessions) as s:
        listed = await service.list_notifications(session=s, case_number=case_number())
    assert len(listed) == 2 and {n.event_id for n in listed} == {n.event_id for n in made}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"template": "no_such"}, "template"),
        ({"channel": "email"}, "template"),  # one_time_code goes by SMS only
        ({"values": {"code": "1"}}, "values"),
        ({"language": "fr"}, "language"),
        ({"address": " "}, "address"),
        ({"reference": ""}, "reference"),
        ({"channel": "fax"}, "channel"),
    ],
)
async def test_bad_requests_name_the_field(sessions, change, field):
    with pytest.raises(InvalidArgument) as err:
        await send(sessions, **change)
    assert err.value.field == field

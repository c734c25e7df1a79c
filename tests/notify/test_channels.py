"""Each channel's outcomes, through the one interface the worker uses (no database needed).

SMS goes to the test provider, whose outcome is decided by the number (channels/sms.py); email
goes over real SMTP to an aiosmtpd server on a free port.
"""

from __future__ import annotations

import time
import uuid

import pytest

from notify.notification.channels.base import Message
from notify.notification.channels.in_app import InAppChannel
from notify.notification.channels.sms import NoSmsProvider, SmsChannel, TestSmsProvider
from notify.notification.channels.smtp import EmailChannel, SmtpSettings
from notify.notification.models import DeliveryStatus as S
from tests.notify.notifykit import SmtpServer, free_port


def message(address: str, *, attempt: int = 1, subject: str | None = None) -> Message:
    return Message(
        notification_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{address}/{attempt}")),
        attempt=attempt,
        address=address,
        language="zh",
        subject=subject,
        text="【政务服务】办件341102101201-20250609-0001已受理。",
    )


@pytest.mark.parametrize(
    ("number", "status"),
    [
        ("13800000001", S.DELIVERED),
        ("+8613912345678", S.DELIVERED),
        ("8615912340000", S.DELIVERED),
        ("13800000002", S.PERMANENT_FAILURE),
        ("13800000003", S.TEMPORARY_FAILURE),
        ("13800000004", S.TECHNICAL_FAILURE),
        ("12345", S.PERMANENT_FAILURE),  # not a mainland mobile number
        ("23800000001", S.PERMANENT_FAILURE),
        ("", S.PERMANENT_FAILURE),
    ],
)
async def test_test_sms_provider_decides_by_number(number: str, status: S):
    provider = TestSmsProvider()
    result = await SmsChannel(provider).send(message(number))
    assert result.status == status
    # Only a delivered text "reaches a phone"; a failure says why.
    assert [s.to for s in provider.sent] == ([number] if status == S.DELIVERED else [])
    assert (result.detail == "") == (status == S.DELIVERED)


async def test_sms_number_0005_fails_twice_then_is_delivered():
    channel = SmsChannel(TestSmsProvider())
    outcomes = [(await channel.send(message("13800000005", attempt=a))).status for a in (1, 2, 3)]
    assert outcomes == [S.TEMPORARY_FAILURE, S.TEMPORARY_FAILURE, S.DELIVERED]


async def test_sms_provider_that_never_answers_is_a_technical_failure_after_the_timeout():
    started = time.monotonic()
    result = await SmsChannel(TestSmsProvider(), timeout=0.2).send(message("13800000009"))
    assert result.status == S.TECHNICAL_FAILURE and "no answer" in result.detail
    assert time.monotonic() - started < 2


async def test_no_sms_provider_fails_every_sms_loudly():
    result = await SmsChannel(NoSmsProvider()).send(message("13800000001"))
    assert result.status == S.TECHNICAL_FAILURE and "no SMS provider" in result.detail


async def test_in_app_is_delivered_at_once():
    m = message("staff:duty-1")
    result = await InAppChannel().send(m)
    assert result.status == S.DELIVERED and result.reference == m.notification_id


def smtp_channel(server: SmtpServer, *, port: int | None = None) -> EmailChannel:
    return EmailChannel(
        SmtpSettings(
            host=server.host,
            port=port or server.port,
            sender="政务服务 <noreply@govnet.example>",
            timeout=5.0,
        )
    )


async def test_email_is_delivered_over_smtp_with_subject_sender_and_id(smtp_server: SmtpServer):
    channel = smtp_channel(smtp_server)
    m = message("applicant@example.org", subject="办件341102101201-20250609-0001已受理")
    result = await channel.send(m)

    assert result.status == S.DELIVERED
    [mail] = smtp_server.mailbox.by_notification(m.notification_id)
    assert mail["Subject"] == "办件341102101201-20250609-0001已受理"
    assert mail["To"] == "applicant@example.org"
    assert "noreply@govnet.example" in mail["From"]
    assert mail["Message-ID"] == result.reference == f"<{m.notification_id}@govnet.example>"
    assert mail.get_content().strip() == m.text


async def test_email_without_subject_gets_a_plain_one(smtp_server: SmtpServer):
    m = message("old-row@example.org")
    assert (await smtp_channel(smtp_server).send(m)).status == S.DELIVERED
    [mail] = smtp_server.mailbox.by_notification(m.notification_id)
    assert mail["Subject"] == "办件进度通知"


@pytest.mark.parametrize(
    ("address", "status", "detail"),
    [
        ("bounce@example.org", S.PERMANENT_FAILURE, "550"),
        ("busy@example.org", S.TEMPORARY_FAILURE, "451"),
        ("13800000001", S.PERMANENT_FAILURE, "invalid email address"),
        ("a@b.org, c@d.org", S.PERMANENT_FAILURE, "invalid email address"),
    ],
)
async def test_email_refusals_are_classified(
    smtp_server: SmtpServer, address: str, status: S, detail: str
):
    before = len(smtp_server.mailbox.messages)
    result = await smtp_channel(smtp_server).send(message(address))
    assert (result.status, detail in result.detail) == (status, True)
    assert len(smtp_server.mailbox.messages) == before


async def test_email_to_an_unreachable_server_is_a_technical_failure(smtp_server: SmtpServer):
    result = await smtp_channel(smtp_server, port=free_port()).send(message("a@example.org"))
    assert result.status == S.TECHNICAL_FAILURE
    assert "ConnectionRefused" in result.detail

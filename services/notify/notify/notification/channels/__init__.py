"""Channels behind one interface (base.Channel): SMS, email and the in-app inbox."""

from __future__ import annotations

import logging

from notify.config import NotifySettings
from notify.notification.channels.base import Channel, Message, Result
from notify.notification.channels.in_app import InAppChannel
from notify.notification.channels.sms import NoSmsProvider, SmsChannel, TestSmsProvider
from notify.notification.channels.smtp import EmailChannel, SmtpSettings

__all__ = ["Channel", "Message", "Result", "build_channels"]

log = logging.getLogger(__name__)


def build_channels(settings: NotifySettings) -> dict[str, Channel]:
    """The channels the settings describe, by the name notifications store."""
    provider = TestSmsProvider() if settings.sms_provider == "test" else NoSmsProvider()
    if settings.sms_provider == "none":
        log.warning("no SMS provider configured: every SMS will fail and raise an alert")
    return {
        "sms": SmsChannel(provider, timeout=settings.sms_timeout_seconds),
        "email": EmailChannel(
            SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_sender,
                starttls=settings.smtp_starttls,
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value(),
                timeout=settings.smtp_timeout_seconds,
            )
        ),
        "in_app": InAppChannel(),
    }

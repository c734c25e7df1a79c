"""Email over SMTP (the standard library client, in a worker thread).

The receiving server's 250 after DATA counts as delivered: SMTP tells no more without delivery
status notifications. Its reply codes are classified: 5xx for the recipient or the message is
a permanent failure, 4xx a temporary one; no connection, a timeout or a broken session is a
technical failure. Each message carries the notification id in `X-Govnet-Notification`.
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from notify.notification.channels.base import Message, Result
from notify.notification.models import DeliveryStatus

# For rows rendered before emails had subjects (template version 1).
FALLBACK_SUBJECT = {"zh": "办件进度通知", "en": "Case update"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 10.0


def _by_code(code: int, detail: str) -> Result:
    status = DeliveryStatus.PERMANENT_FAILURE if code >= 500 else DeliveryStatus.TEMPORARY_FAILURE
    return Result(status, detail=f"{code} {detail}"[:1000])


class EmailChannel:
    name = "email"

    def __init__(self, settings: SmtpSettings):
        self._s = settings
        self._domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "govnet.localhost"

    def _compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self._s.sender
        mail["To"] = message.address.strip()
        mail["Subject"] = message.subject or FALLBACK_SUBJECT.get(message.language, "Case update")
        mail["Date"] = formatdate(localtime=False)
        # The same id on every attempt, so a receiving server can drop a repeated one.
        mail["Message-ID"] = f"<{message.notification_id}@{self._domain}>"
        mail["X-Govnet-Notification"] = message.notification_id
        mail.set_content(message.text)
        return mail

    def _send(self, mail: EmailMessage) -> Result:
        s = self._s
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                if s.starttls:
                    smtp.starttls()
                if s.username:
                    smtp.login(s.username, s.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return _by_code(code, text.decode(errors="replace"))
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return _by_code(exc.smtp_code, exc.smtp_error.decode(errors="replace"))
        except (OSError, smtplib.SMTPException) as exc:  # refused, timeout, broken session
            return Result(DeliveryStatus.TECHNICAL_FAILURE, detail=f"{type(exc).__name__}: {exc}")
        return Result(DeliveryStatus.DELIVERED, reference=mail["Message-ID"])

    async def send(self, message: Message) -> Result:
        address = parseaddr(message.address.strip())[1]
        if "@" not in address or address != message.address.strip():
            return Result(DeliveryStatus.PERMANENT_FAILURE, detail="invalid email address")
        return await asyncio.to_thread(self._send, self._compose(message))

"""In-app: the notification row is the inbox entry, so it is delivered as soon as it is sent."""

from __future__ import annotations

from notify.notification.channels.base import Message, Result
from notify.notification.models import DeliveryStatus


class InAppChannel:
    name = "in_app"
    # Its send only answers for our own row, so a lane may claim this many at once (worker.py).
    batch = 50

    async def send(self, message: Message) -> Result:
        if not message.address.strip():
            return Result(DeliveryStatus.PERMANENT_FAILURE, detail="no in-app account")
        return Result(DeliveryStatus.DELIVERED, reference=message.notification_id)

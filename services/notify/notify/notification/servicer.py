"""NotifyService over gRPC: parses, calls one service function, converts (rule 4).

Only the tiers call it: they register the contacts they took at acceptance and relay the
in-app inbox to the applicant's pages (decision 8); identity sends applicants' sign-in codes
and the city's e-supervision sends window staff their warnings (SendDirect). No method is public.
"""

from __future__ import annotations

from collections.abc import Callable

from govnet.notify.v1 import notify_pb2, notify_pb2_grpc
from govnet_kit.cases import ts
from govnet_kit.db import transaction
from govnet_kit.errors import PermissionDenied
from govnet_kit.grpcutil import current_principal
from govnet_kit.runtime import Runtime
from notify.notification import service
from notify.notification.models import Notification
from notify.notification.schemas import RecipientIn

CALLERS = ("village-room", "town-hall", "city-center")
# Direct messages, per caller the templates it may send: identity the sign-in codes, the city's
# e-supervision its warnings and rating codes to window staff (S1, S2).
DIRECT_TEMPLATES = {
    "identity": frozenset({"one_time_code"}),
    "city-center": frozenset({"case_due_soon", "case_overdue", "rating_code"}),
}
DIRECT_CALLERS = tuple(DIRECT_TEMPLATES)

ROLES = {
    notify_pb2.RECIPIENT_ROLE_APPLICANT: "applicant",
    notify_pb2.RECIPIENT_ROLE_AGENT: "agent",
}
CHANNELS = {
    notify_pb2.CHANNEL_SMS: "sms",
    notify_pb2.CHANNEL_EMAIL: "email",
    notify_pb2.CHANNEL_IN_APP: "in_app",
}
_ROLE_ENUMS = {v: k for k, v in ROLES.items()}
_CHANNEL_ENUMS = {v: k for k, v in CHANNELS.items()}


def _notification_pb(n: Notification) -> notify_pb2.Notification:
    pb = notify_pb2.Notification(
        id=n.id,
        event_id=n.event_id or "",
        case_number=n.case_number,
        role=_ROLE_ENUMS.get(n.role, notify_pb2.RECIPIENT_ROLE_UNSPECIFIED),
        channel=_CHANNEL_ENUMS.get(n.channel, notify_pb2.CHANNEL_UNSPECIFIED),
        language=n.language,
        subject=n.subject or "",
        text=n.text,
        status=n.status,
        template=n.template,
        template_version=n.template_version,
        attempts=n.attempts,
        created_at=ts(n.created_at),
    )
    if n.delivered_at is not None:
        pb.delivered_at.CopyFrom(ts(n.delivered_at))
    return pb


class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    def __init__(self, runtime: Runtime, *, after_commit: Callable[[], None] | None = None):
        self._rt = runtime
        self._after_commit = after_commit

    async def RegisterRecipients(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service(*CALLERS)
        recipients = [
            RecipientIn(
                role=ROLES.get(r.role, ""),
                channel=CHANNELS.get(r.channel, ""),
                language=r.language,
                address=r.address,
            )
            for r in request.recipients
        ]
        async with transaction(self._rt.sessions) as session:
            registered = await service.register_recipients(
                session=session, case_number=request.case_number, recipients=recipients
            )
        if self._after_commit is not None:
            self._after_commit()  # the events already stored are owed to these recipients
        return notify_pb2.RegisterRecipientsResponse(registered=registered)

    async def ListNotifications(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service(*CALLERS)
        async with transaction(self._rt.sessions) as session:
            notifications = await service.list_notifications(
                session=session, case_number=request.case_number
            )
        return notify_pb2.ListNotificationsResponse(
            notifications=[_notification_pb(n) for n in notifications]
        )

    async def ListInbox(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service(*CALLERS)
        async with transaction(self._rt.sessions) as session:
            notifications, next_token = await service.list_inbox(
                session=session,
                address=request.address,
                page_size=request.page_size,
                page_token=request.page_token,
            )
        return notify_pb2.ListInboxResponse(
            notifications=[_notification_pb(n) for n in notifications],
            next_page_token=next_token,
        )

    async def SendDirect(self, request, context):  # type: ignore[no-untyped-def]
        principal = current_principal()
        principal.require_service(*DIRECT_CALLERS)
        if request.template not in DIRECT_TEMPLATES[principal.subject.removeprefix("service:")]:
            raise PermissionDenied(f"this caller may not send {request.template}")
        async with transaction(self._rt.sessions) as session:
            notification = await service.send_direct(
                session=session,
                caller=principal.subject,
                channel=CHANNELS.get(request.channel, ""),
                address=request.address,
                language=request.language,
                template=request.template,
                values=dict(request.values),
                reference=request.reference,
            )
            notification_id = notification.id
        if self._after_commit is not None:
            self._after_commit()  # due now: the delivery worker sends it at once
        return notify_pb2.SendDirectResponse(notification_id=notification_id)

"""Notify's domain against real databases (SQLite file and PostgreSQL): N1, exactly once.

Each test calls the service functions (and the NATS edge handler) the way the edges do, one
transaction per message or RPC, and asserts what an applicant would see in their inbox.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.cases import ts
from govnet_kit.consumer import Event
from govnet_kit.db import Base, transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.worktime import SHANGHAI
from notify import models  # noqa: F401 - registers every table
from notify.notification import service
from notify.notification.handlers import handle_case_status
from notify.notification.models import Notification, Recipient
from notify.notification.schemas import RecipientIn, StatusChange
from notify.notification.templates import TEMPLATES, render

CASE = "341102101201-20250609-0001"
# 24:00 of Thursday 2025-06-12 in Shanghai: shown to people as 12 June.
DEADLINE = datetime(2025, 6, 13, 0, 0, tzinfo=SHANGHAI)
APPLICANT = RecipientIn(role="applicant", channel="sms", language="zh", address="13800000000")
AGENT = RecipientIn(role="agent", channel="in_app", language="en", address="staff-village-duty")

Sessions = async_sessionmaker[AsyncSession]


def change(
    status: int = case_pb2.CASE_STATUS_ACCEPTED,
    *,
    event_id: str | None = None,
    deadline: datetime | None = DEADLINE,
    document: str = "",
    occurred_at: datetime | None = None,
) -> StatusChange:
    return StatusChange(
        event_id=event_id or str(uuid.uuid4()),
        case_number=CASE,
        status=status,
        tier=case_pb2.TIER_VILLAGE,
        place_code="341102101201",
        result_document_number=document,
        deadline=deadline,
        occurred_at=occurred_at or datetime.now(UTC),
    )


async def consume(sessions: Sessions, c: StatusChange) -> None:
    async with transaction(sessions) as session:
        await service.record_status_change(session=session, change=c)


async def register(sessions: Sessions, *recipients: RecipientIn, case: str = CASE) -> int:
    async with transaction(sessions) as session:
        return await service.register_recipients(
            session=session, case_number=case, recipients=list(recipients)
        )


async def inbox(sessions: Sessions, case: str = CASE) -> list[Notification]:
    async with transaction(sessions) as session:
        return await service.list_notifications(session=session, case_number=case)


async def count(sessions: Sessions, model: type[Base]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_event_before_recipients_is_told_once_they_register(sessions: Sessions):
    accepted = change()
    await consume(sessions, accepted)
    assert await inbox(sessions) == []

    assert await register(sessions, APPLICANT, AGENT) == 2

    told = await inbox(sessions)
    assert {(n.role, n.channel, n.language, n.address) for n in told} == {
        ("applicant", "sms", "zh", "13800000000"),
        ("agent", "in_app", "en", "staff-village-duty"),
    }
    assert {n.event_id for n in told} == {accepted.event_id}
    # Created and due: the delivery worker (test_delivery.py) takes it from here.
    assert all(n.status == "created" and n.next_attempt_at is not None for n in told)


async def test_recipients_before_event_are_told_when_it_arrives(sessions: Sessions):
    await register(sessions, APPLICANT)
    await consume(sessions, change())
    assert [n.role for n in await inbox(sessions)] == ["applicant"]


async def test_same_event_twice_is_still_one_notification_per_recipient(sessions: Sessions):
    await register(sessions, APPLICANT, AGENT)
    accepted = change()
    await consume(sessions, accepted)
    await consume(sessions, accepted)  # redelivered after a crash before the ack
    await register(sessions, APPLICANT, AGENT)  # the tier's retried registration
    assert len(await inbox(sessions)) == 2
    assert await count(sessions, Recipient) == 2


async def test_status_event_through_the_nats_handler(sessions: Sessions):
    await register(sessions, APPLICANT)
    event_id = str(uuid.uuid4())
    payload = events_pb2.CaseStatusChanged(
        event_id=event_id,
        case_number=CASE,
        tier=case_pb2.TIER_CITY,
        place_code="341100000000",
        status=case_pb2.CASE_STATUS_APPROVED,
        result_document_number="林采字〔2025〕第0042号",
        occurred_at=ts(datetime.now(UTC)),
    ).SerializeToString()
    event = Event(
        subject="govnet.case.status.city.341102101201", event_id=event_id, data=payload, headers={}
    )
    for _ in range(2):
        async with transaction(sessions) as session:
            await handle_case_status(session, event)
    [told] = await inbox(sessions)
    assert told.event_id == event_id
    assert "已批准" in told.text and "林采字〔2025〕第0042号" in told.text


async def test_text_in_each_recipients_language(sessions: Sessions):
    await register(sessions, APPLICANT, AGENT)
    await consume(sessions, change())
    by_role = {n.role: n.text for n in await inbox(sessions)}

    zh, en = by_role["applicant"], by_role["agent"]
    assert CASE in zh and CASE in en
    assert "已受理" in zh and "2025年6月12日" in zh
    assert "accepted" in en and "2025-06-12" in en
    assert "已受理" not in en and "accepted" not in zh
    # The text carries no contact: that stays in the recipient row.
    assert APPLICANT.address not in zh and AGENT.address not in en


async def test_reregistration_updates_the_contact_for_later_events(sessions: Sessions):
    await register(sessions, APPLICANT)
    await consume(sessions, change(occurred_at=datetime(2025, 6, 9, 2, tzinfo=UTC)))
    await register(sessions, RecipientIn("applicant", "email", "en", "a@example.org"))
    await consume(
        sessions,
        change(case_pb2.CASE_STATUS_REPLY_READY, occurred_at=datetime(2025, 6, 12, 2, tzinfo=UTC)),
    )

    first, second = await inbox(sessions)
    assert (first.channel, first.language) == ("sms", "zh")  # what was told stays as told
    assert (second.channel, second.language, second.address) == ("email", "en", "a@example.org")
    assert "ready for collection" in second.text
    assert await count(sessions, Recipient) == 1


async def test_inbox_is_in_order_of_creation(sessions: Sessions):
    statuses = [
        case_pb2.CASE_STATUS_ACCEPTED,
        case_pb2.CASE_STATUS_TRANSMITTED,
        case_pb2.CASE_STATUS_RECEIVED,
    ]
    for i, status in enumerate(statuses):
        await consume(sessions, change(status, occurred_at=datetime(2025, 6, 9, 2 + i, tzinfo=UTC)))
    await register(sessions, APPLICANT)
    texts = [n.text for n in await inbox(sessions)]
    assert ["已受理" in texts[0], "已报送上级" in texts[1], "接收" in texts[2]] == [True] * 3
    assert await inbox(sessions, "341102101201-20250609-0002") == []


@pytest.mark.parametrize(
    ("case", "recipients", "field"),
    [
        ("", [APPLICANT], "case_number"),
        (CASE, [], "recipients"),
        (CASE, [RecipientIn("", "sms", "zh", "138")], "recipients[0].role"),
        (CASE, [RecipientIn("applicant", "", "zh", "138")], "recipients[0].channel"),
        (CASE, [RecipientIn("applicant", "sms", "fr", "138")], "recipients[0].language"),
        (CASE, [RecipientIn("applicant", "sms", "zh", "  ")], "recipients[0].address"),
        (CASE, [APPLICANT, RecipientIn("agent", "sms", "en", "")], "recipients[1].address"),
        (CASE, [APPLICANT, APPLICANT], "recipients[1].role"),
    ],
)
async def test_invalid_registration_names_the_field_and_stores_nothing(
    sessions: Sessions, case: str, recipients: list[RecipientIn], field: str
):
    await consume(sessions, change())
    with pytest.raises(InvalidArgument) as raised:
        await register(sessions, *recipients, case=case)
    assert raised.value.field == field
    assert await count(sessions, Recipient) == 0
    assert await count(sessions, Notification) == 0


@pytest.mark.parametrize("first", ["event", "registration"])
async def test_registration_racing_an_event_loses_nothing(sessions: Sessions, first: str):
    """Both transactions open at once: the one that waits must see the other's row."""
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold(work):  # type: ignore[no-untyped-def]
        async with transaction(sessions) as session:
            await work(session)
            holding.set()
            await release.wait()

    async def event_work(session: AsyncSession) -> None:
        await service.record_status_change(session=session, change=change())

    async def registration_work(session: AsyncSession) -> None:
        await service.register_recipients(session=session, case_number=CASE, recipients=[APPLICANT])

    works = {"event": event_work, "registration": registration_work}
    second = "registration" if first == "event" else "event"
    held = asyncio.create_task(hold(works[first]))
    await holding.wait()

    async def follow() -> None:
        async with transaction(sessions) as session:
            await works[second](session)

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.3)  # the follower is now blocked on the case (or already read)
    release.set()
    await asyncio.gather(held, follower)
    assert len(await inbox(sessions)) == 1


def test_every_status_renders_on_every_channel_in_both_languages_with_the_case_number():
    for status in case_pb2.CaseStatus.values():
        for channel in ("sms", "email", "in_app"):
            for language in ("zh", "en"):
                rendered = render(
                    status=status,
                    channel=channel,
                    language=language,
                    case_number=CASE,
                    tier=case_pb2.TIER_TOWN,
                    deadline=DEADLINE,
                    result_document_number="DOC-1",
                )
                assert CASE in rendered.text and "{" not in rendered.text
                assert (rendered.subject is not None) == (channel == "email")
    for (name, channel), versions in TEMPLATES.items():
        for template in versions:
            assert set(template.body) == {"zh", "en"}, (name, channel, template.version)


@pytest.mark.parametrize(
    ("status", "zh", "en"),
    [
        (case_pb2.CASE_STATUS_DEEMED_APPROVED, "视为同意", "deemed approved"),
        (case_pb2.CASE_STATUS_REPLY_READY, "办理结果已送达受理点，请领取", "ready for collection"),
        (case_pb2.CASE_STATUS_REFUSED, "行政复议", "reconsideration"),
        (case_pb2.CASE_STATUS_WITHDRAWN, "撤回", "withdrawn"),
        (case_pb2.CASE_STATUS_ACCEPTED, "已受理。", "has been accepted."),  # no deadline given
    ],
)
def test_status_wording(status: int, zh: str, en: str):
    def r(language: str) -> str:
        return render(
            status=status,
            channel="in_app",
            language=language,
            case_number=CASE,
            tier=case_pb2.TIER_VILLAGE,
            deadline=None,
            result_document_number="",
        ).text

    assert zh in r("zh") and en in r("en")

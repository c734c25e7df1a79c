"""Realistic volumes in every service's PostgreSQL: cases of a city of 20 townships and 400
villages, each with its history, loaded with COPY after `migrate` (so the indexes are the real
ones) and ANALYZEd after.

    .venv/bin/python -m bench.datagen --cases 100000      # fresh databases, dropped afterwards

Every case is a city item that went village -> township -> city, as the journey does. Per case:
village `applicant`, `village_case` and its `village_case_step` record (4 steps while open, 7
once closed); township `town_case`; city `city_case`, its decision (closed) or running clock
(open), and one `supervision_clock` per tier; notify two `recipient`s, the latest
`case_event` and its two delivered `notification`s. Materials (file bytes), audit entries and
outboxes are not loaded. Mix: 30% open at the city with deadlines ahead, 1% open past their
deadline (items without the timeout default: the supervisor's overdue list), the rest
decided (one in ten refused) and closed at the village.

Column names come from the services' SQLAlchemy tables: a column the generator does not fill
must be nullable or have a server default, else the load stops before writing anything.
Personal data is encrypted with the service's own keys (a pool of ciphertexts, so each row
decrypts), look-up hashes computed per row with the service's own functions.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Table
from sqlalchemy.engine import make_url

from govnet.common.v1 import case_pb2 as cp

CITY = "341100000000"
DISTRICT = "341102"
TOWNSHIPS = 20
VILLAGES_PER_TOWNSHIP = 20
CHUNK = 5000
# Up to this many cases load in the caller's process (the smoke run): no workers to start.
IN_PROCESS_MAX = 5000
HISTORY_DAYS = 365

# City items of the seeded catalog (services/city-center/city_center/catalog/seed_data): code,
# version, department, whether the timeout default applies (adopted and not excluded by law). Read from the city's `item` table when
# a platform is running (city_items()); this list is the fallback of a bare load.
ITEMS: tuple[tuple[str, int, str, bool], ...] = (("LY-0001", 1, "forestry", True),)

OPEN, OVERDUE, APPROVED, REFUSED = "open", "overdue", "approved", "refused"
STATUS_NAME = {v: k.removeprefix("CASE_STATUS_").lower() for k, v in cp.CaseStatus.items()}


def township_code(t: int, district: str = DISTRICT) -> str:
    return f"{district}{101 + t:03d}000"


def village_code(t: int, v: int, district: str = DISTRICT) -> str:
    return f"{district}{101 + t:03d}{201 + v:03d}"


def _mix(i: int, salt: int = 0) -> int:
    """A cheap deterministic pseudo-random number per case: every table agrees on the facts."""
    return ((i + 1) * 2654435761 + salt * 40503) % 4294967296


def _uuid(kind: int, i: int, run: int) -> str:
    return f"{run:08x}-{kind:04x}-4{i >> 48 & 0xFFF:03x}-8000-{i & 0xFFFFFFFFFFFF:012x}"


def case_ids(i: int, run: int) -> tuple[str, str, str]:
    """The row ids of case `i` at the village, the township and the city."""
    return _uuid(1, i, run), _uuid(2, i, run), _uuid(3, i, run)


@dataclass(frozen=True)
class Case:
    i: int
    run: int
    number: str
    query_code: str
    village: str
    township: str
    item: tuple[str, int, str, bool]
    kind: str
    accepted_at: datetime
    deadline: datetime
    received_at: datetime  # at the city
    decided_at: datetime | None
    closed_at: datetime | None
    id_v: str
    id_t: str
    id_c: str
    applicant_id: str
    agent_id: str
    rep_id: str

    @cached_property
    def history(self) -> list[tuple[int, int, str, datetime]]:
        return _history(self)


@dataclass(frozen=True)
class Plan:
    """What to load: case indexes [first, first + cases), all due at `due_at` if given."""

    cases: int
    first: int = 0
    run: int = 0x0BE4C400
    district: str = DISTRICT
    items: tuple[tuple[str, int, str, bool], ...] = ITEMS
    now: datetime | None = None
    due_at: datetime | None = None  # a batch of open cases whose clocks all run out then

    def case(self, i: int, now: datetime) -> Case:
        r = _mix(i)
        t, v = (i // VILLAGES_PER_TOWNSHIP) % TOWNSHIPS, i % VILLAGES_PER_TOWNSHIP
        village = village_code(t, v, self.district)
        share = r % 100
        item = self.items[(r >> 8) % len(self.items)]
        if self.due_at is not None:
            kind = OPEN
        elif share < 30:
            kind = OPEN
        elif share < 31:
            kind = OVERDUE
        else:
            kind = REFUSED if share % 10 == 0 else APPROVED
        if kind == OVERDUE:
            # Only items without the default (not adopted, or excluded by law) stay open past
            # their deadline: the sweep flags them instead.
            excluded = [it for it in self.items if not it[3]] or [item]
            item = excluded[(r >> 8) % len(excluded)]
        if kind in (OPEN, OVERDUE):
            accepted = now - timedelta(days=1 + (r >> 12) % 20, seconds=(r >> 4) % 30000)
        else:
            accepted = now - timedelta(days=25 + (r >> 12) % HISTORY_DAYS, seconds=r % 30000)
        day = accepted.date()
        if self.due_at is not None:
            deadline = self.due_at
        elif kind == OPEN:
            deadline = _midnight(now.date() + timedelta(days=2 + (r >> 16) % 25))
        elif kind == OVERDUE:
            deadline = _midnight(now.date() - timedelta(days=1 + (r >> 16) % 10))
        else:
            deadline = _midnight(day + timedelta(days=28))
        received = accepted + timedelta(hours=2 + (r >> 20) % 40)
        decided = closed = None
        if kind in (APPROVED, REFUSED):
            decided = received + timedelta(hours=4 + (r >> 7) % 300)
            closed = decided + timedelta(hours=3 + (r >> 9) % 100)
        # Sequence numbers per village and day that no other index shares (decision 5).
        seq = 1 + i // (TOWNSHIPS * VILLAGES_PER_TOWNSHIP)
        ids = case_ids(i, self.run)
        return Case(
            i=i,
            run=self.run,
            number=f"{village}-{day:%Y%m%d}-{seq:04d}",
            query_code=f"Q{r:08X}"[:9],
            village=village,
            township=township_code(t, self.district),
            item=item,
            kind=kind,
            accepted_at=accepted,
            deadline=deadline,
            received_at=received,
            decided_at=decided,
            closed_at=closed,
            id_v=ids[0],
            id_t=ids[1],
            id_c=ids[2],
            applicant_id=_uuid(4, i, self.run),
            agent_id=_uuid(5, t * VILLAGES_PER_TOWNSHIP + v, self.run),
            rep_id=_uuid(6, hash(item[2]) % 1000, self.run),
        )

    def chunks(self) -> Iterator[list[Case]]:
        now = self.now or datetime.now(UTC)
        for start in range(self.first, self.first + self.cases, CHUNK):
            end = min(start + CHUNK, self.first + self.cases)
            yield [self.case(i, now) for i in range(start, end)]


def _midnight(day) -> datetime:  # type: ignore[no-untyped-def]
    """24:00 Asia/Shanghai of `day` (decision 6), in UTC."""
    return datetime(day.year, day.month, day.day, 16, tzinfo=UTC)


def history(c: Case) -> list[tuple[int, int, str, datetime]]:
    """(tier, status, place, when) of every status change the case went through."""
    return c.history


def _history(c: Case) -> list[tuple[int, int, str, datetime]]:
    steps = [
        (cp.TIER_VILLAGE, cp.CASE_STATUS_ACCEPTED, c.village, c.accepted_at),
        (cp.TIER_TOWN, cp.CASE_STATUS_RECEIVED, c.township, c.accepted_at + timedelta(hours=1)),
        (
            cp.TIER_VILLAGE,
            cp.CASE_STATUS_TRANSMITTED,
            c.village,
            c.accepted_at + timedelta(hours=1),
        ),
        (cp.TIER_CITY, cp.CASE_STATUS_RECEIVED, CITY, c.received_at),
    ]
    if c.decided_at is not None and c.closed_at is not None:
        decided = cp.CASE_STATUS_REFUSED if c.kind == REFUSED else cp.CASE_STATUS_APPROVED
        steps += [
            (cp.TIER_CITY, decided, CITY, c.decided_at),
            (cp.TIER_VILLAGE, cp.CASE_STATUS_REPLY_READY, c.village, c.decided_at),
            (cp.TIER_VILLAGE, cp.CASE_STATUS_CLOSED, c.village, c.closed_at),
        ]
    return steps


# -- tables -----------------------------------------------------------------------------------

Row = tuple[object, ...]


@dataclass(frozen=True)
class Feed:
    """Rows of one table: the columns filled (checked against the model) and a row maker."""

    table: Table
    columns: tuple[str, ...]
    rows: Callable[[Case], Sequence[Row]]

    def check(self) -> None:
        names = {c.name for c in self.table.columns}
        if unknown := set(self.columns) - names:
            raise SystemExit(f"{self.table.name}: the model has no columns {sorted(unknown)}")
        for col in self.table.columns:
            if col.name not in self.columns and not (col.nullable or col.server_default):
                raise SystemExit(
                    f"{self.table.name}.{col.name} is required and the generator does not "
                    "fill it: add it to bench/datagen.py"
                )


class Pool:
    """Ciphertexts of the service's own key: every loaded row decrypts."""

    def __init__(self, context: str, values: Sequence[str]):
        from govnet_kit import pii

        keyring = pii.current()
        self._c = [keyring.encrypt(v, context=context) for v in values]

    def __getitem__(self, i: int) -> str:
        return self._c[i % len(self._c)]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


@cache
def cached(fn: Callable[[str], str], value: str) -> str:
    """Look-up hashes of the pooled values: the same value always hashes the same."""
    return fn(value)


def _names() -> list[str]:
    return [s + g for s in SURNAMES for g in GIVEN]


def _id_number(i: int) -> str:
    return f"3411021980{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 10000:04d}"[:18]


def _phone(i: int) -> str:
    return f"139{i % 100000000:08d}"


def village_feeds() -> list[Feed]:
    from village_room.applicant.service import id_number_hash, phone_hash
    from village_room.case.models import Applicant, CaseStep, VillageCase

    names = Pool("applicant.name", _names())
    ids = Pool("applicant.id_number", [_id_number(i) for i in range(97)])
    phones = Pool("applicant.phone", [_phone(i) for i in range(89)])

    def applicant(c: Case) -> list[Row]:
        return [
            (
                c.applicant_id,
                c.village,
                names[c.i],
                ids[c.i],
                cached(id_number_hash, _id_number(c.i % 97)),
                phones[c.i],
                cached(phone_hash, _phone(c.i % 89)),
                "zh",
                "sms",
                c.accepted_at,
            )
        ]

    def case(c: Case) -> list[Row]:
        status = cp.CASE_STATUS_CLOSED if c.closed_at else cp.CASE_STATUS_TRANSMITTED
        return [
            (
                c.id_v,
                c.number,
                c.query_code,
                c.village,
                c.item[0],
                c.item[1],
                c.item[2],
                c.applicant_id,
                c.agent_id,
                status,
                c.accepted_at,
                c.deadline,
            )
        ]

    def steps(c: Case) -> list[Row]:
        rows: list[Row] = []
        for n, (tier, status, _place, at) in enumerate(history(c)):
            acting = c.agent_id if tier == cp.TIER_VILLAGE else ""
            rows.append((_uuid(0x100 + n, c.i, c.run), c.id_v, tier, status, "", acting, at))
        return rows

    return [
        Feed(
            Applicant.__table__,  # type: ignore[arg-type]
            (
                "id",
                "place_code",
                "name",
                "id_number",
                "id_number_hash",
                "phone",
                "phone_hash",
                "language",
                "channel",
                "created_at",
            ),
            applicant,
        ),
        Feed(
            VillageCase.__table__,  # type: ignore[arg-type]
            (
                "id",
                "case_number",
                "query_code",
                "place_code",
                "item_code",
                "item_version",
                "department_code",
                "applicant_id",
                "agent_staff_id",
                "status",
                "accepted_at",
                "deadline",
            ),
            case,
        ),
        Feed(
            CaseStep.__table__,  # type: ignore[arg-type]
            (
                "event_id",
                "case_id",
                "tier",
                "status",
                "reason_code",
                "acting_staff_id",
                "occurred_at",
            ),
            steps,
        ),
    ]


def _decision_status(c: Case) -> int:
    return cp.CASE_STATUS_REFUSED if c.kind == REFUSED else cp.CASE_STATUS_APPROVED


def _document(c: Case) -> tuple[str, str, str, str]:
    """(number, title, text, legal reason) of the city's decision on a closed case."""
    if c.kind == REFUSED:
        return "", "不予许可决定书", f"不予许可。办件编号 {c.number}。", "不符合法定条件"
    number = f"{c.item[2].upper()}-{c.decided_at:%Y}-{c.i:06d}"
    return number, "许可决定书", f"准予许可。文书编号 {number}。办件编号 {c.number}。", ""


def village_reply_feed() -> Feed:
    from village_room.case.models import Reply

    def reply(c: Case) -> list[Row]:
        if c.closed_at is None:
            return []
        number, title, text, legal = _document(c)
        status = _decision_status(c)
        return [(c.id_v, status, number, title, text, legal, c.decided_at, c.closed_at)]

    return Feed(
        Reply.__table__,  # type: ignore[arg-type]
        (
            "case_id",
            "decision_status",
            "result_document_number",
            "document_title",
            "document_text",
            "legal_reason",
            "ready_at",
            "handed_over_at",
        ),
        reply,
    )


def town_feeds() -> list[Feed]:
    from town_hall.case.models import TownCase, TownDecision

    names = Pool("town_case.applicant_name", _names())
    ids = Pool("town_case.applicant_id_number", [_id_number(i) for i in range(97)])

    def case(c: Case) -> list[Row]:
        status = _decision_status(c) if c.closed_at else cp.CASE_STATUS_TRANSMITTED
        received = c.accepted_at + timedelta(hours=1)
        return [
            (
                c.id_t,
                c.number,
                c.query_code,
                c.township,
                c.village,
                c.item[0],
                c.item[1],
                c.item[2],
                status,
                names[c.i],
                ids[c.i],
                c.accepted_at,
                c.deadline,
                c.agent_id,
                received,
                "assisted",
                "agriculture_forestry",
                False,
                "",
            )
        ]

    def decision(c: Case) -> list[Row]:
        if c.decided_at is None:
            return []
        number, title, text, legal = _document(c)
        status, dept, fetched = _decision_status(c), c.item[2], c.decided_at + timedelta(seconds=1)
        return [(c.id_t, status, number, title, text, legal, dept, c.rep_id, c.decided_at, fetched)]

    return [
        Feed(
            TownCase.__table__,  # type: ignore[arg-type]
            (
                "id",
                "case_number",
                "query_code",
                "township_code",
                "origin_place_code",
                "item_code",
                "item_version",
                "department_code",
                "status",
                "applicant_name",
                "applicant_id_number",
                "accepted_at",
                "deadline",
                "agent_staff_id",
                "received_at",
                "handling",
                "window_code",
                "walk_in",
                "owner_staff_id",
            ),
            case,
        ),
        Feed(
            TownDecision.__table__,  # type: ignore[arg-type]
            (
                "case_id",
                "status",
                "result_document_number",
                "document_title",
                "document_text",
                "legal_reason",
                "department_code",
                "decided_by",
                "decided_at",
                "fetched_at",
            ),
            decision,
        ),
    ]


def city_feeds() -> list[Feed]:
    from city_center.case.models import CaseDecision, CityCase
    from city_center.case.timers import CaseTimer
    from city_center.supervision.models import (
        DECIDED,
        FINISHED,
        HANDED_ON,
        RUNNING,
        CaseClock,
    )

    names = Pool("city_case.applicant_name", _names())
    ids = Pool("city_case.applicant_id_number", [_id_number(i) for i in range(97)])

    def case(c: Case) -> list[Row]:
        status = _decision_status(c) if c.decided_at else cp.CASE_STATUS_PENDING_DECISION
        owner = c.rep_id if c.decided_at or c.i % 2 else ""
        return [
            (
                c.id_c,
                c.number,
                c.item[0],
                c.item[1],
                c.item[2],
                c.village,
                c.township,
                status,
                names[c.i],
                ids[c.i],
                c.accepted_at,
                c.deadline,
                c.received_at,
                c.agent_id,
                owner,
                "",
                0,
            )
        ]

    def decision(c: Case) -> list[Row]:
        if c.decided_at is None:
            return []
        number, title, text, legal = _document(c)
        reason = "not_eligible" if c.kind == REFUSED else ""
        return [
            (
                c.id_c,
                _decision_status(c),
                number,
                title,
                text,
                reason,
                legal,
                c.item[2],
                c.rep_id,
                f"{c.i:032x}",
                c.decided_at,
            )
        ]

    def timer(c: Case) -> list[Row]:
        return [(c.id_c, c.deadline, c.received_at)] if c.kind == OPEN else []

    def clocks(c: Case) -> list[Row]:
        steps = history(c)
        last_id = _uuid(0x100 + len(steps) - 1, c.i, c.run)
        moved = c.accepted_at + timedelta(hours=1)
        closed = c.closed_at is not None
        dept, item, version = c.item[2], c.item[0], c.item[1]
        v_status = "closed" if closed else "transmitted"
        t_status = STATUS_NAME[_decision_status(c)] if closed else "transmitted"
        c_status = STATUS_NAME[_decision_status(c) if closed else cp.CASE_STATUS_RECEIVED]
        c_state = DECIDED if closed else RUNNING
        c_outcome = ("refused" if c.kind == REFUSED else "approved") if closed else ""
        last = c.closed_at or c.received_at
        common = (c.number, c.village, dept, item, version)

        def clock(n, tier, place, status, state, staff, started, outcome, handled, by):  # type: ignore[no-untyped-def]
            on_time = None if handled is None else handled <= c.deadline
            return (
                _uuid(0x200 + n, c.i, c.run),
                common[0],
                tier,
                place,
                *common[1:],
                "",
                status,
                state,
                False,
                c.deadline,
                staff,
                "",
                "",
                started,
                outcome,
                handled,
                on_time,
                by,
                None,
                "[]",
                last_id,
                last,
                last,
            )

        return [
            clock(
                0,
                "village",
                c.village,
                v_status,
                FINISHED if closed else HANDED_ON,
                c.agent_id,
                c.accepted_at,
                "handed_on",
                moved,
                c.agent_id,
            ),
            clock(
                1,
                "town",
                c.township,
                t_status,
                HANDED_ON,
                "",
                moved,
                "handed_on",
                c.received_at,
                "",
            ),
            clock(
                2,
                "city",
                CITY,
                c_status,
                c_state,
                c.rep_id if closed else "",
                c.received_at,
                c_outcome,
                c.decided_at,
                c.rep_id if closed else "",
            ),
        ]

    return [
        Feed(
            CityCase.__table__,  # type: ignore[arg-type]
            (
                "id",
                "case_number",
                "item_code",
                "item_version",
                "department_code",
                "origin_place_code",
                "sender_place_code",
                "status",
                "applicant_name",
                "applicant_id_number",
                "accepted_at",
                "deadline",
                "received_at",
                "agent_staff_id",
                "owner_staff_id",
                "process_agent_staff_id",
                "extended_days",
            ),
            case,
        ),
        Feed(
            CaseDecision.__table__,  # type: ignore[arg-type]
            (
                "case_id",
                "status",
                "result_document_number",
                "document_title",
                "document_text",
                "reason_code",
                "legal_reason",
                "department_code",
                "decided_by",
                "credential_id",
                "decided_at",
            ),
            decision,
        ),
        Feed(CaseTimer.__table__, ("case_id", "due_at", "armed_at"), timer),  # type: ignore[arg-type]
        Feed(
            CaseClock.__table__,  # type: ignore[arg-type]
            (
                "id",
                "case_number",
                "tier",
                "place_code",
                "origin_place_code",
                "department_code",
                "item_code",
                "item_version",
                "window_id",
                "status",
                "state",
                "suspended",
                "deadline",
                "responsible_staff_id",
                "reason_code",
                "flag",
                "started_at",
                "outcome",
                "handled_at",
                "on_time",
                "handled_by_staff_id",
                "next_warning_at",
                "warned",
                "last_event_id",
                "last_event_at",
                "updated_at",
            ),
            clocks,
        ),
    ]


def notify_feeds() -> list[Feed]:
    from notify.notification import templates
    from notify.notification.models import CaseEvent, Notification, Recipient
    from notify.notification.service import address_key

    sms = Pool("recipient.address", [_phone(i) for i in range(89)])
    inbox = Pool("recipient.address", [f"staff:{i:04d}" for i in range(50)])
    n_sms = Pool("notification.address", [_phone(i) for i in range(89)])
    n_inbox = Pool("notification.address", [f"staff:{i:04d}" for i in range(50)])
    roles = (("applicant", "sms"), ("agent", "in_app"))

    def recipients(c: Case) -> list[Row]:
        return [
            (_uuid(0x300, c.i, c.run), c.number, "applicant", "sms", "zh", sms[c.i], c.accepted_at),
            (
                _uuid(0x301, c.i, c.run),
                c.number,
                "agent",
                "in_app",
                "zh",
                inbox[c.i],
                c.accepted_at,
            ),
        ]

    def latest(c: Case) -> tuple[str, int, int, str, datetime]:
        steps = history(c)
        tier, status, place, at = steps[-1]
        return _uuid(0x100 + len(steps) - 1, c.i, c.run), tier, status, place, at

    def event(c: Case) -> list[Row]:
        event_id, tier, status, place, at = latest(c)
        document = _document(c)[0] if c.closed_at else ""
        return [(event_id, c.number, status, tier, place, document, c.deadline, at)]

    def notifications(c: Case) -> list[Row]:
        event_id, _tier, status, _place, at = latest(c)
        name = templates.template_name(status, has_deadline=True, has_document=True)
        rows: list[Row] = []
        for n, (role, channel) in enumerate(roles):
            address = (n_sms if channel == "sms" else n_inbox)[c.i]
            plain = _phone(c.i % 89) if channel == "sms" else f"staff:{c.i % 50:04d}"
            version = templates.current(name, channel).version
            sent = at + timedelta(seconds=1)
            rows.append(
                (
                    _uuid(0x400 + n, c.i, c.run),
                    event_id,
                    c.number,
                    role,
                    channel,
                    "zh",
                    address,
                    cached(address_key, plain),
                    name,
                    version,
                    f"您的办件{c.number}：{STATUS_NAME[status]}",
                    "delivered",
                    1,
                    None,
                    sent,
                    sent,
                    f"bench-{c.i}-{n}",
                    at,
                )
            )
        return rows

    return [
        Feed(
            Recipient.__table__,  # type: ignore[arg-type]
            ("id", "case_number", "role", "channel", "language", "address", "created_at"),
            recipients,
        ),
        Feed(
            CaseEvent.__table__,  # type: ignore[arg-type]
            (
                "event_id",
                "case_number",
                "status",
                "tier",
                "place_code",
                "result_document_number",
                "deadline",
                "occurred_at",
            ),
            event,
        ),
        Feed(
            Notification.__table__,  # type: ignore[arg-type]
            (
                "id",
                "event_id",
                "case_number",
                "role",
                "channel",
                "language",
                "address",
                "address_hash",
                "template",
                "template_version",
                "text",
                "status",
                "attempts",
                "next_attempt_at",
                "last_attempt_at",
                "delivered_at",
                "provider_reference",
                "created_at",
            ),
            notifications,
        ),
    ]


FEEDS: dict[str, Callable[[], list[Feed]]] = {
    "village-room": lambda: [*village_feeds(), village_reply_feed()],
    "town-hall": town_feeds,
    "city-center": city_feeds,
    "notify": notify_feeds,
}


# -- loading ----------------------------------------------------------------------------------


def connect(url: str) -> psycopg.Connection:
    """A psycopg connection to the database of a service's asyncpg URL."""
    u = make_url(url)
    host = u.query.get("host") or u.host
    return psycopg.connect(
        host=host if isinstance(host, str) else host[0],
        port=u.port,
        user=u.username,
        password=u.password,
        dbname=u.database,
    )


def city_items(city_url: str) -> tuple[tuple[str, int, str, bool], ...]:
    """The published items the city decides, from its own catalog."""
    from govnet.catalog.v1 import catalog_pb2

    with connect(city_url) as conn:
        rows = conn.execute("SELECT record FROM item WHERE status = 'published'").fetchall()
    items = []
    for (record,) in rows:
        item = catalog_pb2.CatalogItem.FromString(record)
        if item.deciding_tier == cp.TIER_CITY:
            defaults = bool(item.double_default_document) and not item.law_excludes_default
            items.append((item.code, item.version, item.department_code, defaults))
    return tuple(sorted(items)) or ITEMS


def _configure_keys(service: str, secrets: Mapping[str, str]) -> None:
    from govnet_kit import pii

    prefix = service.upper().replace("-", "_")
    key, lookup = secrets.get(f"{prefix}_PII_KEY"), secrets.get(f"{prefix}_PII_LOOKUP_KEY")
    if key and lookup:
        pii.configure(pii.Keyring(key, lookup))


def _load_service(
    service: str, url: str, secrets: Mapping[str, str], plan: Plan, done: object
) -> dict[str, int]:
    """One service's tables, chunk by chunk, one transaction per chunk; then ANALYZE."""
    _configure_keys(service, secrets)
    feeds = FEEDS[service]()
    for feed in feeds:
        feed.check()
    counts = {f.table.name: 0 for f in feeds}
    with connect(url) as conn:
        for chunk in plan.chunks():
            with conn.cursor() as cur:
                for feed in feeds:
                    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(feed.table.name),
                        sql.SQL(", ").join(map(sql.Identifier, feed.columns)),
                    )
                    with cur.copy(statement) as copy:
                        for case in chunk:
                            for row in feed.rows(case):
                                copy.write_row(row)
                                counts[feed.table.name] += 1
            conn.commit()
            with done.get_lock():  # type: ignore[attr-defined]
                done.value += len(chunk)  # type: ignore[attr-defined]
        conn.autocommit = True
        for feed in feeds:
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(feed.table.name)))
    return counts


def _worker(args: tuple) -> dict[str, int]:  # type: ignore[type-arg]
    service, url, secrets, plan = args
    return _load_service(service, url, secrets, plan, _DONE[service])


_DONE: dict[str, object] = {}


def _init(done: dict[str, object]) -> None:
    _DONE.update(done)


class _Counter:
    def __init__(self) -> None:
        self.value = 0

    def get_lock(self) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()


def _load_here(
    services: list[str], urls: Mapping[str, str], secrets: Mapping[str, str], plan: Plan
) -> LoadReport:
    """A small load in this process, one service after the other: no start-up of workers."""
    from govnet_kit import pii

    before = pii._keyring  # noqa: SLF001 - the caller's keyring, put back afterwards
    started = time.perf_counter()
    try:
        rows = {s: _load_service(s, urls[s], secrets, plan, _Counter()) for s in services}
    finally:
        pii._keyring = before  # noqa: SLF001
    return LoadReport(plan.cases, time.perf_counter() - started, rows)


@dataclass
class LoadReport:
    cases: int
    seconds: float
    rows: dict[str, dict[str, int]]

    @property
    def total_rows(self) -> int:
        return sum(sum(t.values()) for t in self.rows.values())


def load(
    urls: Mapping[str, str],
    secrets: Mapping[str, str],
    plan: Plan,
    *,
    processes: int = 2,
    progress: bool = True,
) -> LoadReport:
    """Load `plan` into the services' databases (keyed like FEEDS), one process per service,
    `processes` at a time; prints a progress bar to stderr."""
    services = [s for s in FEEDS if s in urls]
    if plan.cases <= IN_PROCESS_MAX:
        return _load_here(services, urls, secrets, plan)
    ctx = mp.get_context("spawn")
    done = {s: ctx.Value("q", 0) for s in services}
    started = time.perf_counter()
    with ctx.Pool(min(processes, len(services)), initializer=_init, initargs=(done,)) as pool:
        result = pool.map_async(_worker, [(s, urls[s], dict(secrets), plan) for s in services])
        while not result.ready():
            result.wait(0.5)
            if progress:
                _bar(sum(d.value for d in done.values()), plan.cases * len(services), started)
        rows = dict(zip(services, result.get(), strict=True))
    if progress:
        _bar(plan.cases * len(services), plan.cases * len(services), started)
        if sys.stderr.isatty():
            print(file=sys.stderr)
    _shown[0] = -1
    return LoadReport(plan.cases, time.perf_counter() - started, rows)


_shown = [-1]


def _bar(done: int, total: int, started: float) -> None:
    """A bar redrawn in place on a terminal; a line per tenth in a log."""
    share = done / max(total, 1)
    elapsed = time.perf_counter() - started
    eta = elapsed / share - elapsed if share > 0 else 0.0
    tty = sys.stderr.isatty()
    step = int(share * (100 if tty else 10))
    if step == _shown[0]:
        return
    _shown[0] = step
    bar = "#" * int(share * 30)
    print(
        f"{chr(13) if tty else ''}loading [{bar:<30}] {share:6.1%}  "
        f"{elapsed:5.0f} s elapsed, ~{eta:4.0f} s left",
        end="" if tty else "\n",
        file=sys.stderr,
        flush=True,
    )


def print_report(report: LoadReport) -> None:
    print(
        f"loaded {report.cases} cases ({report.total_rows} rows) in {report.seconds:.1f} s: "
        f"{report.cases / max(report.seconds, 1e-3):.0f} cases/s, "
        f"{report.total_rows / max(report.seconds, 1e-3):.0f} rows/s (COPY, then ANALYZE)"
    )
    for service, tables in report.rows.items():
        print(f"  {service}: " + ", ".join(f"{t} {n}" for t, n in tables.items()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from harness import Platform, free_ports, pg_databases, pg_server

    from tools import devsecrets

    secrets = devsecrets.generate()
    with (
        pg_server() as server,
        pg_databases(server, FEEDS) as urls,
        tempfile.TemporaryDirectory() as wd,
    ):
        platform = Platform(Path(wd), urls, free_ports(), secrets, services=FEEDS)
        platform.migrate_all()
        report = load(urls, secrets, Plan(args.cases), processes=args.processes)
    print_report(report)


if __name__ == "__main__":
    main()

"""Personal data at rest on PostgreSQL: ciphertext in every sensitive column, plain text through
the application, look-ups by keyed hash, and a key rotation while reads go on."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from city_center.appointment.models import Appointment
from city_center.case.models import CityCase
from govnet_kit import pii
from govnet_kit.db import Base, transaction, utcnow
from notify.notification import service as notify_service
from notify.notification.models import Notification, Recipient
from tests.dbkit import fresh_sessions
from town_hall.case.models import TownCase
from village_room.applicant import service as applicant_service
from village_room.case.models import Applicant

ID_NUMBER = "341102198001011232"
PHONE = "13800000001"
NAME = "赵大山"


def _secret() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def keys() -> Iterator[tuple[str, str]]:
    """A keyring of the test's own (active key, look-up key); the process's one restored after."""
    before = pii._keyring
    active, lookup = _secret(), _secret()
    pii.configure(pii.Keyring(active, lookup))
    yield active, lookup
    pii._keyring = before


def _rows() -> list[object]:
    when = utcnow()
    case = dict(
        item_code="LY-0001",
        item_version=1,
        department_code="forestry",
        status=1,
        accepted_at=when,
        deadline=when,
    )
    return [
        Applicant(
            place_code="341102101201",
            name=NAME,
            id_number=ID_NUMBER,
            id_number_hash=applicant_service.id_number_hash(ID_NUMBER),
            phone=PHONE,
            phone_hash=applicant_service.phone_hash(PHONE),
        ),
        TownCase(
            case_number="341102101201-20261128-0001",
            query_code="ABCDEFGH",
            township_code="341102101000",
            origin_place_code="341102101201",
            applicant_name=NAME,
            applicant_id_number=ID_NUMBER,
            **case,
        ),
        CityCase(
            case_number="341102101201-20261128-0001",
            origin_place_code="341102101201",
            sender_place_code="341102101000",
            applicant_name=NAME,
            applicant_id_number=ID_NUMBER,
            **case,
        ),
        Appointment(
            reference="K7PM-Q2XD",
            item_code="LY-0001",
            item_version=1,
            department_code="forestry",
            day=when.date(),
            starts_at=when,
            applicant_subject="applicant:" + applicant_service.subject_hash(PHONE),
            applicant_name=NAME,
            applicant_phone=PHONE,
            booked_by="staff:1",
        ),
        Recipient(
            case_number="341102101201-20261128-0001",
            role="applicant",
            channel="sms",
            language="zh",
            address=PHONE,
        ),
    ]


async def _raw_dump(session, table: str) -> str:  # type: ignore[no-untyped-def]
    rows = await session.execute(text(f"SELECT row_to_json(t)::text FROM {table} t"))
    return "\n".join(r[0] for r in rows)


async def test_every_sensitive_column_holds_ciphertext_and_reads_back_plain(keys, tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add_all(_rows())
        columns = pii.encrypted_columns(Base.metadata)
        names = {f"{t.name}.{c.name}" for t, cols in columns.items() for c in cols}
        assert {
            "applicant.name",
            "applicant.id_number",
            "applicant.phone",
            "town_case.applicant_name",
            "town_case.applicant_id_number",
            "city_case.applicant_name",
            "city_case.applicant_id_number",
            "appointment.applicant_name",
            "appointment.applicant_phone",
            "recipient.address",
            "notification.address",
        } <= names
        async with sessions() as s:
            for table, cols in columns.items():
                dump = await _raw_dump(s, table.name)
                # What a database dump or a stolen backup shows: no name, ID number or phone.
                for plain in (ID_NUMBER, PHONE, NAME):
                    assert plain not in dump, (table.name, plain)
                for col in cols:
                    raw = await s.scalars(text(f"SELECT {col.name} FROM {table.name}"))
                    for value in raw:
                        assert value.startswith(f"gv1:{pii.current().active.kid}:"), value
            # Through the application: plain text.
            person = await s.scalar(select(Applicant))
            assert (person.name, person.id_number, person.phone) == (NAME, ID_NUMBER, PHONE)
            town = await s.scalar(select(TownCase))
            city = await s.scalar(select(CityCase))
            booking = await s.scalar(select(Appointment))
            assert town.applicant_id_number == city.applicant_id_number == ID_NUMBER
            assert booking.applicant_phone == PHONE
            assert (await s.scalar(select(Recipient))).address == PHONE


async def test_lookups_use_keyed_hashes_never_a_plain_or_bare_hash(keys, tmp_path):
    import hashlib

    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(_rows()[0])
        async with sessions() as s:
            raw = (await s.execute(text("SELECT phone_hash, id_number_hash FROM applicant"))).one()
            bare = hashlib.sha256(PHONE.encode()).hexdigest()
            # The bare sha256 of a phone falls to brute force in minutes: it is not stored.
            assert raw.phone_hash != bare and raw.phone_hash == applicant_service.phone_key(bare)
            found = await s.scalar(
                select(Applicant).where(
                    Applicant.id_number_hash == applicant_service.id_number_hash(ID_NUMBER.lower())
                )
            )
            assert found is not None and found.phone == PHONE
        # Another look-up key: the same phone no longer matches (the key is what protects it).
        pii.configure(pii.Keyring(keys[0], _secret()))
        assert applicant_service.phone_key(bare) != raw.phone_hash


async def test_the_inbox_finds_an_encrypted_address_by_its_hash(keys, tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            for n in range(3):
                s.add(
                    Notification(
                        case_number=f"C-{n}",
                        role="agent",
                        channel="in_app",
                        language="zh",
                        address=" staff:duty-1 ",
                        address_hash=notify_service.address_key(" staff:duty-1 "),
                        template="case_status",
                        template_version=1,
                        text="您的办件已受理",
                        status="delivered",
                    )
                )
        async with sessions() as s:
            rows, _ = await notify_service.list_inbox(session=s, address="staff:duty-1")
            assert len(rows) == 3 and {r.address for r in rows} == {" staff:duty-1 "}
            assert "staff:duty-1" not in await _raw_dump(s, "notification")


async def test_a_ciphertext_moved_to_another_column_does_not_decrypt(keys, tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(_rows()[0])
        async with transaction(sessions) as s:
            await s.execute(text("UPDATE applicant SET name = id_number"))
        async with sessions() as s:
            with pytest.raises(pii.UnreadableCiphertext):
                await s.scalar(select(Applicant))


async def test_rotation_rewrites_every_value_while_reads_and_writes_go_on(keys, tmp_path):
    old_active, lookup = keys
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        people = {}
        async with transaction(sessions) as s:
            for n in range(400):
                phone = f"139{n:08d}"
                person = Applicant(
                    place_code="341102101201",
                    name=f"村民{n}",
                    id_number=ID_NUMBER,
                    phone=phone,
                    phone_hash=applicant_service.phone_hash(phone),
                )
                s.add(person)
                people[phone] = person
        # Steps 1 and 2 of the runbook: the new key is active, the old one still reads.
        new_active = _secret()
        pii.configure(pii.Keyring(new_active, lookup, [old_active]))
        new_kid = pii.current().active.kid
        async with sessions() as s:
            stale = await pii.stale_counts(s, Base.metadata)
        assert stale["applicant.phone"] == 400 and stale["applicant.id_number"] == 400

        reads = 0
        done = asyncio.Event()

        async def read_all_the_time() -> None:
            nonlocal reads
            while not done.is_set():
                async with sessions() as s:
                    rows = (await s.scalars(select(Applicant))).all()
                assert {r.phone for r in rows} == set(people)
                reads += 1
                await asyncio.sleep(0)

        async def write_meanwhile() -> None:
            # A write during the rotation (under the new key) must survive it unchanged.
            for n in range(0, 400, 40):
                async with transaction(sessions) as s:
                    row = await s.get(Applicant, people[f"139{n:08d}"].id)
                    row.name = f"改名{n}"
                await asyncio.sleep(0.01)

        reader = asyncio.create_task(read_all_the_time())
        writer = asyncio.create_task(write_meanwhile())
        report = await pii.reencrypt(sessions, Base.metadata, batch=25)
        await writer
        done.set()
        await reader
        assert reads >= 2, "reads went on during the rotation"
        assert report.rewritten["applicant.phone"] == 400
        async with sessions() as s:
            assert set((await pii.stale_counts(s, Base.metadata)).values()) == {0}
            kids = await s.scalars(
                text("SELECT DISTINCT split_part(id_number, ':', 2) FROM applicant")
            )
            assert list(kids) == [new_kid]

        # Step 4: the old key dropped, everything still reads, the writes kept.
        pii.configure(pii.Keyring(new_active, lookup))
        async with sessions() as s:
            rows = {r.phone: r for r in (await s.scalars(select(Applicant))).all()}
        assert set(rows) == set(people)
        assert rows["13900000040"].name == "改名40" and rows["13900000041"].name == "村民41"
        # And the old key alone reads nothing any more.
        pii.configure(pii.Keyring(old_active, lookup))
        async with sessions() as s:
            with pytest.raises(pii.UnreadableCiphertext):
                (await s.scalars(select(Applicant))).all()

"""Retention on PostgreSQL (issue 11): an expired case anonymised with every audit chain still
verifying, a case not yet due untouched, the job idempotent, attachments on their own shorter
period; and a person's export of their own data, exactly theirs."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select, text

import village_room.models  # noqa: F401 - registers the service's tables
from city_center.case.models import CaseMaterial, CityCase
from city_center.case.retention import SPEC as CITY
from city_center.seed import TREE_FELLING_PERMIT
from govnet.common.v1 import case_pb2
from govnet_kit import audit, catalog_replica, pii, retention
from govnet_kit.db import new_id, transaction, utcnow
from govnet_kit.worktime import WorkCalendar
from tests.dbkit import fresh_sessions
from tests.village_room.roomkit import room_app, token
from town_hall.case.models import TownCase, TownCaseMaterial
from town_hall.case.retention import SPEC as TOWN
from village_room.applicant.service import subject_hash
from village_room.case import service as case_service
from village_room.case.models import (
    Applicant,
    CaseStep,
    Reply,
    VillageCase,
    VillageCaseMaterial,
)
from village_room.privacy.retention import SPEC

VILLAGE = "341102101201"
ALL = ("application", "id_card", "forest_right", "felling_design")
OLD = ("赵大山", "341102198001011232", "13800000001")
NEW = ("钱小河", "34110219500101123X", "13900000002")
# Cases are accepted now; they close and expire later on the test's clock.
T0 = utcnow() + timedelta(days=1)
PERIODS = retention.Periods(records_days=3650, attachments_days=1825)


@pytest.fixture(autouse=True)
def keys() -> Iterator[None]:
    before = pii._keyring
    pii.configure(pii.Keyring(secrets.token_urlsafe(32), secrets.token_urlsafe(32)))
    yield
    pii._keyring = before


async def _accept(sessions, person: tuple[str, str, str]) -> VillageCase:  # type: ignore[no-untyped-def]
    name, id_number, phone = person
    async with transaction(sessions) as s:
        outcome = await case_service.apply(
            s,
            place_code=VILLAGE,
            staff_id="staff-v",
            item_code=TREE_FELLING_PERMIT.code,
            applicant=case_service.ApplicantData(name=name, id_number=id_number, phone=phone),
            materials=[
                case_service.MaterialData(
                    code=c,
                    filename=f"{name}-{c}.pdf",
                    content_type="application/pdf",
                    content=f"scan of {id_number}".encode(),
                )
                for c in ALL
            ],
            visit=None,
            calendar=WorkCalendar(confirmed_years=list(range(2025, 2040))),
        )
        assert outcome.case is not None
        return outcome.case


async def _close(sessions, case: VillageCase, at: datetime, status: int) -> None:  # type: ignore[no-untyped-def]
    """The case's history as the village records it: its last step, then the closing entry."""
    async with transaction(sessions) as s:
        row = await s.get(VillageCase, case.id)
        assert row is not None
        row.status = status
        s.add(CaseStep(event_id=new_id(), case_id=case.id, tier=1, status=status, occurred_at=at))
        s.add(
            Reply(
                case_id=case.id,
                decision_status=case_pb2.CASE_STATUS_APPROVED,
                result_document_number="LY-2026-0001",
                document_title="林木采伐许可证",
                document_text="准予许可。",
                ready_at=at,
                handed_over_at=at,
            )
        )
        await audit.append(
            s, actor="staff:staff-v", action="case.closed", case_number=case.case_number, at=at
        )


@pytest_asyncio.fixture
async def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with room_app("postgresql", tmp_path) as (client, runtime):
        async with transaction(runtime.sessions) as s:
            await catalog_replica.store(s, TREE_FELLING_PERMIT)
        yield client, runtime


async def _raw(sessions, sql: str, **params):  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return (await s.execute(text(sql), params)).mappings().all()


async def _verify(sessions) -> audit.ChainReport:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return await audit.verify(s)


async def test_expired_case_anonymised_chain_verifies_and_job_is_idempotent(app):
    _, runtime = app
    sessions = runtime.sessions
    expired = await _accept(sessions, OLD)
    recent = await _accept(sessions, NEW)
    open_case = await _accept(sessions, OLD)  # same person, still being decided: never touched
    await _close(sessions, expired, T0, case_pb2.CASE_STATUS_CLOSED)
    await _close(sessions, recent, T0 + timedelta(days=3620), case_pb2.CASE_STATUS_REPLIED)
    NOW = T0 + timedelta(days=3651)
    before = await _raw(
        sessions,
        "SELECT id, name, id_number, phone, id_number_hash, phone_hash FROM applicant",
    )
    old_cipher = {r["id"]: r for r in before}
    assert (await _verify(sessions)).ok
    entries_before = (await _verify(sessions)).entries

    report = await retention.run(sessions, SPEC, PERIODS, now=NOW, batch=1)

    assert report.anonymised == [expired.case_number]
    assert report.attachments_removed == []  # gone with the record
    assert report.materials == len(ALL)

    # The raw row: the marker in the clear, no ciphertext of the old values, hashes empty.
    row = (
        await _raw(
            sessions,
            "SELECT name, id_number, phone, id_number_hash, phone_hash FROM applicant "
            "WHERE id = :id",
            id=expired.applicant_id,
        )
    )[0]
    assert dict(row) == {
        "name": pii.ERASED,
        "id_number": pii.ERASED,
        "phone": pii.ERASED,
        "id_number_hash": "",
        "phone_hash": "",
    }
    dump = "\n".join(str(dict(r)) for r in await _raw(sessions, "SELECT * FROM applicant"))
    for col in ("name", "id_number", "phone"):  # the same person's open case keeps its hashes
        assert old_cipher[expired.applicant_id][col] not in dump
    mats = await _raw(
        sessions,
        "SELECT filename, length(content) AS size, sha256 FROM village_case_material "
        "WHERE case_id = :id",
        id=expired.id,
    )
    assert len(mats) == len(ALL)
    assert all(m["size"] == 0 and m["filename"] == pii.ERASED for m in mats)
    assert all(len(m["sha256"]) == 64 for m in mats)  # what was handed in stays on record

    # Through the application the marker reads as itself; the case and reply stay.
    async with sessions() as s:
        person = await s.get(Applicant, expired.applicant_id)
        assert (person.name, person.id_number, person.phone) == (pii.ERASED,) * 3
        assert await s.get(Reply, expired.id) is not None

    # Not yet due, and still open: untouched, attachments and all.
    for case in (recent, open_case):
        now_row = (
            await _raw(
                sessions,
                "SELECT name, id_number, phone, id_number_hash, phone_hash FROM applicant "
                "WHERE id = :id",
                id=case.applicant_id,
            )
        )[0]
        assert dict(now_row) == {
            k: old_cipher[case.applicant_id][k]
            for k in ("name", "id_number", "phone", "id_number_hash", "phone_hash")
        }
        sizes = await _raw(
            sessions,
            "SELECT length(content) AS size FROM village_case_material WHERE case_id = :id",
            id=case.id,
        )
        assert sizes and all(m["size"] > 0 for m in sizes)

    # The chain: one entry more, by reference only, and it verifies.
    chain = await _verify(sessions)
    assert chain.ok, chain
    assert chain.entries == entries_before + 1
    async with sessions() as s:
        last = (await audit.entries_for_case(s, expired.case_number))[-1]
    assert last.action == retention.ANONYMISED
    assert last.subject_ref == f"applicant:{expired.applicant_id}"
    assert last.facts["materials"] == len(ALL)
    assert "applicant.name" in last.facts["fields"]
    for value in OLD:
        assert value not in last.data

    # Again: nothing more to do, nothing changed, no entry added.
    snapshot = await _raw(sessions, "SELECT * FROM applicant ORDER BY id")
    again = await retention.run(sessions, SPEC, PERIODS, now=NOW, batch=1)
    assert again.anonymised == [] and again.attachments_removed == [] and again.materials == 0
    assert await _raw(sessions, "SELECT * FROM applicant ORDER BY id") == snapshot
    assert (await _verify(sessions)).entries == entries_before + 1


async def test_attachments_go_first_on_their_shorter_period_and_per_item(app):
    _, runtime = app
    sessions = runtime.sessions
    case = await _accept(sessions, NEW)
    await _close(sessions, case, T0, case_pb2.CASE_STATUS_WITHDRAWN)
    NOW = T0 + timedelta(days=2000)

    # Listed with a longer period for this item: nothing is due yet.
    longer = retention.Periods(3650, 1825, attachments_by_item={TREE_FELLING_PERMIT.code: 3000})
    nothing = await retention.run(sessions, SPEC, longer, now=NOW)
    assert nothing.anonymised == [] and nothing.attachments_removed == []

    report = await retention.run(sessions, SPEC, PERIODS, now=NOW)
    assert report.anonymised == []
    assert report.attachments_removed == [case.case_number]
    assert report.materials == len(ALL)
    async with sessions() as s:
        person = await s.get(Applicant, case.applicant_id)
        assert person.name == NEW[0]  # the record itself is kept for ten years
        mats = (
            await s.scalars(
                select(VillageCaseMaterial).where(VillageCaseMaterial.case_id == case.id)
            )
        ).all()
        assert all(m.content == b"" for m in mats)
        last = (await audit.entries_for_case(s, case.case_number))[-1]
        assert last.action == retention.ATTACHMENTS_REMOVED
    assert (await _verify(sessions)).ok
    again = await retention.run(sessions, SPEC, PERIODS, now=NOW)
    assert again.attachments_removed == [] and again.materials == 0

    # Ten years on, the record goes too (the attachments are already gone).
    later = await retention.run(sessions, SPEC, PERIODS, now=T0 + timedelta(days=3651))
    assert later.anonymised == [case.case_number] and later.materials == 0
    assert (await _verify(sessions)).ok


def _applicant(phone: str) -> dict[str, str]:
    return token({"sub": f"applicant:{subject_hash(phone)}", "kind": "applicant"})


async def test_export_is_the_persons_own_data_and_is_audited(app):
    client, runtime = app
    sessions = runtime.sessions
    mine = [await _accept(sessions, OLD), await _accept(sessions, OLD)]
    theirs = await _accept(sessions, NEW)
    await _close(sessions, mine[0], T0, case_pb2.CASE_STATUS_CLOSED)

    resp = await client.get("/api/v1/applicant/export", headers=_applicant(OLD[2]))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert {a["id"] for a in body["applicants"]} == {c.applicant_id for c in mine}
    assert {(a["name"], a["id_number"], a["phone"]) for a in body["applicants"]} == {OLD}
    assert sorted(c["case_number"] for c in body["cases"]) == sorted(c.case_number for c in mine)
    closed = next(c for c in body["cases"] if c["case_number"] == mine[0].case_number)
    assert closed["reply"]["result_document_number"] == "LY-2026-0001"
    assert [s["status"] for s in closed["steps"]] == ["CASE_STATUS_ACCEPTED", "CASE_STATUS_CLOSED"]
    assert len(closed["materials"]) == len(ALL)
    numbers = {c.case_number for c in mine}
    refs = {f"applicant:{c.applicant_id}" for c in mine}
    assert body["audit"], "the entries naming them or their cases"
    for e in body["audit"]:
        assert e["case_number"] in numbers or e["subject_ref"] in refs
    flat = resp.text
    for value in (*NEW, theirs.case_number, theirs.applicant_id):
        assert value not in flat

    # The other person sees only theirs; staff are refused.
    other = (await client.get("/api/v1/applicant/export", headers=_applicant(NEW[2]))).json()
    assert [c["case_number"] for c in other["cases"]] == [theirs.case_number]
    assert OLD[0] not in str(other)
    staff = token(
        {
            "sub": "staff-v",
            "kind": "staff",
            "roles": ["village_staff"],
            "tier": "village",
            "place": VILLAGE,
        }
    )
    assert (await client.get("/api/v1/applicant/export", headers=staff)).status_code == 403

    # Audited by reference, and the chain verifies.
    async with sessions() as s:
        exports = (
            await s.scalars(
                select(audit.AuditEntry)
                .where(audit.AuditEntry.action == "personal_data.exported")
                .order_by(audit.AuditEntry.seq)
            )
        ).all()
        assert len(exports) == 2
        assert set(exports[0].facts["cases"]) == numbers
        for value in OLD:
            assert value not in exports[0].data
        assert (await audit.verify(s)).ok

    # After anonymisation the export says so, rather than failing or showing old values.
    await retention.run(sessions, SPEC, PERIODS, now=T0 + timedelta(days=3700))
    after = (await client.get("/api/v1/applicant/export", headers=_applicant(OLD[2]))).json()
    # The erased row no longer carries the phone's hash: it is not theirs to find any more.
    assert {a["id"] for a in after["applicants"]} == {mine[1].applicant_id}


# -- the township and the city: the same job on their cases ---------------------------------


def _upper_rows(status: int, number: str) -> tuple[TownCase, CityCase]:
    when = utcnow()
    common = dict(
        case_number=number,
        origin_place_code=VILLAGE,
        item_code=TREE_FELLING_PERMIT.code,
        item_version=1,
        department_code="forestry",
        status=status,
        applicant_name=OLD[0],
        applicant_id_number=OLD[1],
        accepted_at=when,
        deadline=when,
    )
    return (
        TownCase(query_code="ABCDEFGH", township_code="341102101000", **common),
        CityCase(sender_place_code="341102101000", **common),
    )


async def test_township_and_city_cases_anonymised_with_their_chains_verifying(tmp_path):
    decided, waiting, walk_in = (f"{VILLAGE}-20261128-000{i}" for i in (1, 2, 3))
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            rows = [
                *_upper_rows(case_pb2.CASE_STATUS_APPROVED, decided),
                *_upper_rows(case_pb2.CASE_STATUS_PENDING_DECISION, waiting),
            ]
            town_walk_in, _ = _upper_rows(case_pb2.CASE_STATUS_APPROVED, walk_in)
            town_walk_in.walk_in = True  # decided here, not handed over yet: not over
            s.add_all([*rows, town_walk_in])
            await s.flush()
            for r in rows[:2]:
                model = TownCaseMaterial if isinstance(r, TownCase) else CaseMaterial
                s.add(
                    model(
                        case_id=r.id,
                        code="id_card",
                        filename=f"{OLD[0]}.pdf",
                        content_type="application/pdf",
                        sha256="0" * 64,
                        content=OLD[1].encode(),
                    )
                )
            for number in (decided, waiting, walk_in):
                await audit.append(
                    s, actor="staff:t", action="case.decided", case_number=number, at=T0
                )
        for spec, model in ((TOWN, TownCase), (CITY, CityCase)):
            report = await retention.run(sessions, spec, PERIODS, now=T0 + timedelta(days=3651))
            assert report.anonymised == [decided], spec.service
            raw = {
                r["case_number"]: r
                for r in await _raw(
                    sessions,
                    f"SELECT case_number, applicant_name, applicant_id_number "
                    f"FROM {model.__tablename__}",
                )
            }
            assert (
                raw[decided]["applicant_name"]
                == raw[decided]["applicant_id_number"]
                == (pii.ERASED)
            )
            for other in (waiting, walk_in):
                if other in raw:
                    assert raw[other]["applicant_name"].startswith("gv1:")
            again = await retention.run(sessions, spec, PERIODS, now=T0 + timedelta(days=3651))
            assert again.anonymised == [] and again.materials == 0
        sizes = await _raw(
            sessions,
            "SELECT length(content) AS n FROM town_case_material UNION ALL "
            "SELECT length(content) FROM city_case_material",
        )
        assert [r["n"] for r in sizes] == [0, 0]
        chain = await _verify(sessions)
        assert chain.ok and chain.entries == 3 + 2  # one entry per service and case done


def test_the_command_runs_the_job_with_a_given_now(tmp_path):
    """`town-hall retention run --now ...` on an empty database: the counts, exit 0."""
    import subprocess
    import sys

    db = tmp_path / "t.db"
    env = {
        **__import__("os").environ,
        "TOWN_HALL_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
    }
    subprocess.run(
        [sys.executable, "-m", "town_hall.cli", "migrate"], env=env, check=True, timeout=120
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "town_hall.cli",
            "retention",
            "run",
            "--now",
            "2040-01-01T00:00:00+08:00",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "0 case(s) anonymised" in done.stdout

"""A complainant's contact at the city is ciphertext at rest, on PostgreSQL: the stored bytes do
not hold it, the supervisors still read it; the migration encrypts contacts written before it
and gives them back in the clear on the way down."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio
from sqlalchemy import text

import city_center.models  # noqa: F401 - every table of the city
from city_center.complaint import service
from govnet_kit import pii
from govnet_kit.db import transaction
from tests.dbkit import PG_HOST, PG_USER, fresh_sessions

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "services" / "city-center" / "city_center"
BEFORE = "b2d4f6a8c0e3"  # the revision before the contact was encrypted
AFTER = "c3e5a7b9d1f2"
CONTACT = "13800000077"

ALEMBIC = """
import sys
from alembic import command
from govnet_kit.migrate import alembic_config
from pathlib import Path
package_dir, url, verb, target = sys.argv[1:]
getattr(command, verb)(alembic_config(Path(package_dir), url), target)
"""


@pytest_asyncio.fixture
async def sessions(tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        yield sessions


async def test_the_contact_is_ciphertext_at_rest_and_the_supervisors_read_it(sessions):
    form = service.ComplaintForm(
        kind="complaint", content="窗口推诿不办", contact=CONTACT, window_id="forestry-1"
    )
    async with transaction(sessions) as s:
        complaint, _ = await service.submit(s, form, now=datetime(2026, 9, 14, 2, tzinfo=UTC))
    async with transaction(sessions) as s:
        raw = await s.scalar(
            text("SELECT contact FROM complaint WHERE number = :n"), {"n": complaint.number}
        )
        assert raw.startswith("gv1:") and CONTACT not in raw
        # What the supervisors' record shows (the route reads it through the service).
        assert (await service.get(s, complaint.number)).contact == CONTACT


def _alembic(url: str, verb: str, target: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", ALEMBIC, str(PACKAGE), url, verb, target],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def database():  # type: ignore[no-untyped-def]
    name = f"govnet_city_contact_{uuid.uuid4().hex[:10]}"
    made = subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"no PostgreSQL on {PG_HOST}")
    yield name
    subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", name], check=False)


def _contact(name: str) -> str:
    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=name) as conn:
        return conn.execute("SELECT contact FROM complaint").fetchone()[0]


def test_the_migration_encrypts_contacts_kept_before_it(database):
    url = f"postgresql+asyncpg://{PG_USER}@/{database}?host={PG_HOST}"
    key, lookup = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    env = {"CITY_CENTER_PII_KEY": key, "CITY_CENTER_PII_LOOKUP_KEY": lookup}
    _alembic(url, "upgrade", BEFORE, env)
    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=database) as conn:
        conn.execute(
            "INSERT INTO complaint (id, number, code_hash, kind, case_number, tier, place_code,"
            " department_code, window_id, staff_id, person, content, contact, status,"
            " handler_staff_id, outcome, reply, received_at) VALUES ('c1', 'CP-20260914-0A0B0C',"
            " 'x', 'complaint', '', '', '', '', 'forestry-1', '', '', '窗口推诿不办', %s,"
            " 'received', '', '', '', now())",
            (CONTACT,),
        )

    _alembic(url, "upgrade", AFTER, env)
    stored = _contact(database)
    keyring = pii.Keyring(key, lookup)
    assert stored.startswith(f"gv1:{keyring.active.kid}:") and CONTACT not in stored
    assert keyring.decrypt(stored, context="complaint.contact") == CONTACT

    _alembic(url, "downgrade", BEFORE, env)
    assert _contact(database) == CONTACT

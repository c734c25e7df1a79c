"""The village's migration encrypts applicants written before it, on PostgreSQL: ciphertext in
the table, the same people through the application, the applicant's sign-in still finding
their rows; and it refuses to run on such rows without the service's keys."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from govnet_kit import pii
from tests.dbkit import PG_HOST, PG_USER

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "services" / "village-room" / "village_room"
BEFORE = "d7e2a9c4b1f0"  # the revision before personal data was encrypted

UPGRADE = """
import sys
from alembic import command
from govnet_kit.migrate import alembic_config
from pathlib import Path
package_dir, url, verb, target = sys.argv[1:]
getattr(command, verb)(alembic_config(Path(package_dir), url), target)
"""


def _alembic(
    url: str, target: str, env: dict[str, str], verb: str = "upgrade"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", UPGRADE, str(PACKAGE), url, verb, target],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def database():  # type: ignore[no-untyped-def]
    name = f"govnet_pii_mig_{uuid.uuid4().hex[:10]}"
    made = subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"no PostgreSQL on {PG_HOST}")
    yield name
    subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", name], check=False)


def _insert_plain(name: str) -> None:
    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=name) as conn:
        conn.execute(
            "INSERT INTO applicant (id, place_code, name, id_number, phone, phone_hash,"
            " language, channel, created_at) VALUES ('a1', '341102101201', '赵大山',"
            " '341102198001011232', '138 0000 0001', 'x', 'zh', 'sms', now())"
        )


def test_existing_applicants_are_encrypted_and_still_found(database):
    url = f"postgresql+asyncpg://{PG_USER}@/{database}?host={PG_HOST}"
    assert _alembic(url, BEFORE, {}).returncode == 0
    _insert_plain(database)

    # Without the service's keys the migration refuses: a throwaway key would lose the rows.
    refused = _alembic(url, "heads", {})
    assert refused.returncode != 0 and "PII_KEY" in refused.stderr

    key, lookup = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    env = {"VILLAGE_ROOM_PII_KEY": key, "VILLAGE_ROOM_PII_LOOKUP_KEY": lookup}
    done = _alembic(url, "heads", env)
    assert done.returncode == 0, done.stderr[-2000:]

    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=database) as conn:
        row = conn.execute(
            "SELECT name, id_number, phone, phone_hash, id_number_hash FROM applicant"
        ).fetchone()
    keyring = pii.Keyring(key, lookup)
    name, id_number, phone, phone_hash, id_number_hash = row
    assert all(v.startswith(f"gv1:{keyring.active.kid}:") for v in (name, id_number, phone))
    assert keyring.decrypt(id_number, context="applicant.id_number") == "341102198001011232"
    assert keyring.decrypt(name, context="applicant.name") == "赵大山"
    # The applicant who signs in with this phone (identity's subject) finds the row.
    subject = hashlib.sha256(b"13800000001").hexdigest()
    assert phone_hash == keyring.lookup_hash(subject, context="applicant.phone")
    assert id_number_hash == keyring.lookup_hash(
        "341102198001011232", context="applicant.id_number"
    )

    # And back down: the plain values return.
    down = _alembic(url, BEFORE, env, "downgrade")
    assert down.returncode == 0, down.stderr[-2000:]
    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=database) as conn:
        assert conn.execute("SELECT id_number, phone_hash FROM applicant").fetchone() == (
            "341102198001011232",
            subject,
        )

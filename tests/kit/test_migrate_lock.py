"""Two migrate steps that start together on one fresh PostgreSQL database (two new pods' init
containers) both succeed and leave one schema at head: the advisory lock serialises them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from govnet_kit.migrate import lock_key
from tests.dbkit import PG_HOST, PG_USER

psycopg = pytest.importorskip("psycopg")

ROOT = Path(__file__).resolve().parents[2]
SERVICE_DIR = ROOT / "services" / "town-hall" / "town_hall"

MIGRATE = """
import sys
from pathlib import Path
from govnet_kit.migrate import upgrade
upgrade(Path(sys.argv[1]), sys.argv[2])
"""

CHECK = """
import sys
from pathlib import Path
from alembic import command
from alembic.script import ScriptDirectory
from govnet_kit.migrate import alembic_config
cfg = alembic_config(Path(sys.argv[1]), sys.argv[2])
command.check(cfg)  # raises when the schema differs from the models
print(" ".join(sorted(ScriptDirectory.from_config(cfg).get_heads())))
"""


@pytest.fixture
def fresh_database():
    name = f"govnet_lock_{uuid.uuid4().hex[:10]}"
    made = subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"no PostgreSQL server on {PG_HOST}: {made.stderr.decode().strip()}")
    try:
        yield name
    finally:
        subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", name])


def _waiting_on_lock(conn, dbname: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = %s",
        (dbname,),
    ).fetchone()[0]


def test_two_concurrent_upgrades_leave_one_correct_schema(fresh_database):
    url = f"postgresql+asyncpg://{PG_USER}@/{fresh_database}?host={PG_HOST}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with psycopg.connect(
        host=PG_HOST, user=PG_USER, dbname=fresh_database, autocommit=True
    ) as holder:
        # Hold the service's lock so that both steps are surely waiting at the same moment,
        # then let them go together.
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(SERVICE_DIR.name),))
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", MIGRATE, str(SERVICE_DIR), url],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 60
        while _waiting_on_lock(holder, fresh_database) < 2:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline, "the migrate steps never waited on the lock"
            time.sleep(0.1)
        holder.execute("SELECT pg_advisory_unlock(%s)", (lock_key(SERVICE_DIR.name),))
        results = [p.communicate(timeout=120) for p in procs]

    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-3000:]

    check = subprocess.run(
        [sys.executable, "-c", CHECK, str(SERVICE_DIR), url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    heads = check.stdout.strip().splitlines()[-1].split()  # after check's own message
    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname=fresh_database) as conn:
        versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    assert sorted(versions) == heads, "exactly the script's heads, each once"


def test_lock_keys_differ_per_service_and_are_stable():
    assert lock_key("town_hall") == lock_key("town_hall")
    assert lock_key("town_hall") != lock_key("village_room")
    assert -(2**63) <= lock_key("notify") < 2**63

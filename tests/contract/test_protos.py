"""The contracts: generated code is current, buf lint passes, events stay thin (decision 2)."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf.descriptor import Descriptor

from govnet.events.v1 import events_pb2

ROOT = Path(__file__).resolve().parents[2]
# Field names that would carry personal data; no event may have one, at any depth.
PERSONAL = {
    "name",
    "id_number",
    "phone",
    "address",
    "email",
    "applicant",
    "contact",
    "name_zh",
    "name_en",
}


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    out = [str(a / n) for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


def test_generated_code_is_current(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_protos.py"), str(tmp_path)], check=True
    )
    stale = _differences(ROOT / "libs" / "contracts" / "govnet", tmp_path / "govnet")
    assert stale == [], f"run `make proto`: stale generated files {stale}"


def _buf() -> str:
    buf = shutil.which("buf", path=str(Path(sys.executable).parent)) or shutil.which("buf")
    if buf is None:
        pytest.skip("buf is not installed (it comes with the buf-bin wheel in the dev group)")
    return buf


def test_buf_lint_passes():
    result = subprocess.run([_buf(), "lint"], cwd=ROOT / "protos", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# The contracts as released: an image built by `make proto-baseline` (docs/operations.md).
BASELINE = ROOT / "protos" / "baseline.binpb"


def _breaking(protos: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_buf(), "breaking", str(protos), "--against", str(BASELINE)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_contracts_do_not_break_the_baseline():
    """Adding fields, enum values, messages and RPCs is fine; removing, renumbering or
    retyping them breaks deployed peers. A deliberate break: `make proto-baseline`."""
    result = _breaking(ROOT / "protos")
    assert result.returncode == 0, "buf breaking:\n" + result.stdout + result.stderr


def test_buf_breaking_catches_a_removed_field(tmp_path):
    """The guard above can fail: drop a field of a copy of the contracts."""
    _buf()
    copy = tmp_path / "protos"
    shutil.copytree(ROOT / "protos", copy, ignore=shutil.ignore_patterns("*.binpb"))
    case = copy / "govnet" / "common" / "v1" / "case.proto"
    text = case.read_text()
    assert "string id_number = 2;" in text
    case.write_text(text.replace("string id_number = 2;", ""))
    result = _breaking(copy)
    assert result.returncode != 0
    assert "id_number" in result.stdout + result.stderr


def _field_paths(descriptor: Descriptor, prefix: str = "", seen: frozenset[str] = frozenset()):
    for field in descriptor.fields:
        path = f"{prefix}{field.name}"
        yield field.name, path
        if field.message_type is not None and field.message_type.full_name not in seen:
            if field.message_type.full_name == "govnet.catalog.v1.CatalogItem":
                continue  # the public catalog: item names, not people
            yield from _field_paths(field.message_type, path + ".", seen | {descriptor.full_name})


def test_status_events_carry_no_personal_data():
    paths = list(_field_paths(events_pb2.CaseStatusChanged.DESCRIPTOR))
    personal = [path for name, path in paths if name in PERSONAL]
    assert personal == []
    # and the facts a supervisor needs are there (decision 2)
    names = {name for name, _ in paths}
    assert {
        "event_id",
        "case_number",
        "item_code",
        "item_version",
        "tier",
        "place_code",
        "department_code",
        "window_id",
        "acting_staff_id",
        "status",
        "deadline",
        "suspended",
        "reason_code",
        "result_document_number",
        "occurred_at",
        "traceparent",
    } <= names


def test_grant_events_carry_ids_only():
    names = {name for name, _ in _field_paths(events_pb2.GrantRevoked.DESCRIPTOR)}
    assert not names & PERSONAL


def test_calendar_events_carry_days_only():
    names = {name for name, _ in _field_paths(events_pb2.CalendarPublished.DESCRIPTOR)}
    assert not names & PERSONAL
    assert {"year", "confirmed", "days", "day", "working"} <= names


def test_every_event_message_is_checked():
    """A new event type must be added to the personal-data check above or to this list."""
    checked = {
        "CaseStatusChanged",
        "CatalogItemPublished",
        "GrantRevoked",
        "CalendarDay",
        "CalendarPublished",
    }
    assert set(events_pb2.DESCRIPTOR.message_types_by_name) == checked

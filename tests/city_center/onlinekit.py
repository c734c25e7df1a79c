"""Online cases at the city for tests: the city's app in process on PostgreSQL with the seed
catalog, sessions signed by the tests' key (`tests.tokens`; identity is not running), an
application made over the applicant's JSON API and decided by the department's representative under a delegated
credential (the domain function the decision route calls; exchanging the credential is
identity's, not running here)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.catalog import bulk
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.db import transaction
from tests import tokens
from tests.dbkit import fresh_sessions

CITY = "341100000000"
PHONE = "13900000002"
ID_NUMBER = "341102198001011232"
OTHER_ID_NUMBER = "341102198001011240"  # a valid number, someone else's
ITEM, DEPARTMENT = "GD-0001", "radio_television"  # open online; 广电局
MATERIALS = ("application", "id_card", "residence_proof")
PDF = b"%PDF-1.4\n% a scan\n%%EOF\n"
REP = "5b0c6a52-0000-4000-8000-00000000c0de"  # the department's representative


def token(*, kind: str = "applicant", phone: str = PHONE, dept: str = "", sub: str = "") -> str:
    if kind == "applicant":
        return tokens.sign({"sub": sub or tokens.applicant_subject(phone), "kind": "applicant"})
    assert kind == "staff", kind
    roles = ["chief_representative"]
    return tokens.staff_token(tier="city", place=CITY, dept=dept, roles=roles, sub=sub or REP)


def staff_headers(dept: str = DEPARTMENT, sub: str = REP) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(kind='staff', dept=dept, sub=sub)}"}


@asynccontextmanager
async def city_app(tmp: Path) -> AsyncIterator[tuple[Any, Any]]:
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await bulk.import_catalog(
                s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
            )
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(tokens.key_set())
        try:
            yield app, runtime
        finally:
            await runtime.engine.dispose()


def client_of(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://city")


async def apply_online(api: httpx.AsyncClient) -> dict[str, Any]:
    """A complete application for GD-0001: its acceptance slip (number and query code)."""
    body = {
        "item_code": ITEM,
        "applicant": {"name": "孙小梅", "id_number": ID_NUMBER, "phone": PHONE},
        "materials": [
            {
                "code": code,
                "filename": f"{code}.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
            for code in MATERIALS
        ],
    }
    resp = await api.post(
        "/api/v1/applicant/applications",
        json=body,
        headers={"Authorization": f"Bearer {token()}"},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["acceptance_slip"]


async def decide(runtime: Any, case_number: str, outcome: str = "approve") -> None:
    """The representative decides under the department's credential (A1)."""
    staff = Principal(
        subject=REP, kind="staff", tier="city", place_code=CITY, department_code=DEPARTMENT
    )
    credential = ApprovalCredential(
        department_code=DEPARTMENT,
        actor_staff_id=REP,
        item_codes=frozenset(),
        all_items=True,
        tier="city",
        on_behalf_of="",
        credential_id="cred-hand-over",
        expires_at=0,
    )
    reason = "《广播电视管理条例》第二十条：不在有线电视覆盖范围内" if outcome == "refuse" else ""
    async with transaction(runtime.sessions) as s:
        await case_service.decide(
            s,
            case_number=case_number,
            staff=staff,
            credential=credential,
            decision=case_service.DecisionInput(outcome=outcome, legal_reason=reason),  # type: ignore[arg-type]
            city_place_code=CITY,
        )

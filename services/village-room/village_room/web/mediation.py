"""Civil mediation at the village (T3): the room's mediations, a form to open one, and its page
recording each session and how it ended (an agreement, or a referral elsewhere)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response
from pydantic import ValidationError

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from govnet_kit.worktime import SHANGHAI
from village_room.applicant import service as applicant_service
from village_room.mediation import service as mediation_service
from village_room.mediation.models import DISPUTE_TYPES_ZH
from village_room.mediation.schemas import MediationIn, OutcomeIn, SessionIn
from village_room.privacy import service as privacy_service
from village_room.web.common import PAGES, RecordId, flash, people, text, village_staff

router = PAGES.router()
DISPUTE_TYPES_EN = {
    "neighbour": "neighbours",
    "family_support": "family support",
    "land_contract": "land contract",
}
STATUSES = {
    "open": ("调解中", "open"),
    "agreement": ("达成协议", "agreement reached"),
    "referral": ("已移送", "referred on"),
}
DONE = {
    "opened": ("调解已立案。", "Mediation opened."),
    "session": ("调解记录已保存。", "Session recorded."),
    "closed": ("调解已结案。", "Mediation closed."),
}
VisitId = Annotated[str, Query(max_length=36, pattern=r"^[0-9a-fA-F-]*$")]
StatusFilter = Annotated[Literal["", "open", "agreement", "referral"], Query()]


def _labels(lang: str) -> dict[str, object]:
    return {
        "dispute_types": DISPUTE_TYPES_ZH if lang == "zh" else DISPUTE_TYPES_EN,
        "statuses": {k: v[0] if lang == "zh" else v[1] for k, v in STATUSES.items()},
    }


async def _list(
    request: Request,
    principal: Principal,
    *,
    status: str = "",
    visit_id: str = "",
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        rows = await mediation_service.list_at(
            session, place_code=principal.place_code, status=status or None, dispute_type=None
        )
    return PAGES.render(
        request,
        "mediations.html",
        {
            "rows": rows,
            "status": status,
            "visit_id": visit_id,
            **_labels(pages.language(request)),
            "errors": errors or pages.FormErrors(),
            "values": values or {},
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/mediations")
async def mediations(request: Request, status: StatusFilter = "", visit: VisitId = "") -> Response:
    """The room's mediations, newest first, and the form to open one (from a visit, if any)."""
    return await _list(request, await village_staff(request), status=status, visit_id=visit)


@router.post("/duty/mediations")
async def open_mediation(request: Request) -> Response:
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {
        "dispute_type": text(form, "dispute_type", 30),
        "summary": text(form, "summary", 4000),
        "parties": text(form, "parties", 2000),
    }
    visit_id = text(form, "visit_id", 36)
    errors = pages.FormErrors()
    parties = people(values["parties"], field="parties", errors=errors)
    try:
        body = MediationIn.model_validate(
            {
                "dispute_type": values["dispute_type"],
                "summary": values["summary"],
                "party_applicant_ids": parties,
                "visit_id": visit_id or None,
            }
        )
    except ValidationError as exc:
        found = pages.FormErrors.from_validation(
            exc, rename={"party_applicant_ids": "parties", "visit_id": ""}
        )
        for name, message in found.by_field.items():
            errors.add(name, *message)
    if errors:
        return await _list(request, principal, visit_id=visit_id, errors=errors, values=values)
    try:
        async with transaction(get_runtime(request).sessions) as session:
            party_ids = await applicant_service.resolve_here(
                session, body.party_applicant_ids, place_code=principal.place_code, field="parties"
            )
            row = await mediation_service.open_case(
                session,
                place_code=principal.place_code,
                staff_id=principal.subject,
                **{**body.model_dump(), "party_applicant_ids": party_ids},
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(
            exc, rename={"party_applicant_ids": "parties", "visit_id": ""}
        )
        return await _list(request, principal, visit_id=visit_id, errors=errors, values=values)
    return PAGES.redirect(request, f"/duty/mediations/{row.id}?done=opened")


async def _detail(
    request: Request,
    principal: Principal,
    mediation_id: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        row = await mediation_service.get(
            session, place_code=principal.place_code, mediation_id=mediation_id
        )
        sessions = await mediation_service.sessions_of(session, row.id)
        parties = await privacy_service.masked_people(
            session, row.party_applicant_ids, place_code=principal.place_code
        )
    today = utcnow().astimezone(SHANGHAI).date().isoformat()
    return PAGES.render(
        request,
        "mediation.html",
        {
            "m": row,
            "sessions": sessions,
            "parties": [(p, parties.get(p)) for p in row.party_applicant_ids],
            **_labels(pages.language(request)),
            "errors": errors or pages.FormErrors(),
            "values": {"held_on": today, "outcome": "agreement", **(values or {})},
            "today": today,
            "flash": flash(request, DONE),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/mediations/{mediation_id}")
async def mediation(request: Request, mediation_id: RecordId) -> Response:
    return await _detail(request, await village_staff(request), mediation_id)


@router.post("/duty/mediations/{mediation_id}/sessions")
async def add_session(request: Request, mediation_id: RecordId) -> Response:
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {"held_on": text(form, "held_on", 10), "notes": text(form, "notes", 8000)}
    try:
        body = SessionIn.model_validate(values)
        async with transaction(get_runtime(request).sessions) as session:
            await mediation_service.add_session(
                session,
                place_code=principal.place_code,
                mediation_id=mediation_id,
                staff_id=principal.subject,
                **body.model_dump(),
            )
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _detail(request, principal, mediation_id, errors=errors, values=values)
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"id": "notes", "": "notes"})
        return await _detail(request, principal, mediation_id, errors=errors, values=values)
    return PAGES.redirect(request, f"/duty/mediations/{mediation_id}?done=session")


@router.post("/duty/mediations/{mediation_id}/outcome")
async def close(request: Request, mediation_id: RecordId) -> Response:
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {
        "outcome": text(form, "outcome", 20),
        "agreement": text(form, "agreement", 8000),
        "referred_to": text(form, "referred_to", 200),
    }
    try:
        body = OutcomeIn.model_validate(values)
        async with transaction(get_runtime(request).sessions) as session:
            await mediation_service.close(
                session,
                place_code=principal.place_code,
                mediation_id=mediation_id,
                staff_id=principal.subject,
                **body.model_dump(),
            )
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _detail(request, principal, mediation_id, errors=errors, values=values)
    except DomainError as exc:
        # "No session yet" or "closed already" concern the whole step: beside its choice.
        errors = pages.FormErrors.from_domain(exc, rename={"id": "outcome", "": "outcome"})
        return await _detail(request, principal, mediation_id, errors=errors, values=values)
    return PAGES.redirect(request, f"/duty/mediations/{mediation_id}?done=closed")

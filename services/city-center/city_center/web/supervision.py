"""The e-supervision dashboard (S1, S3, C4): every case clock in the supervisor's jurisdiction,
warnings, defaults and other flags, stationing gaps, the complaints queue with its follow-up,
and the check of the audit chain. The same domain functions as `/api/v1/supervision/*`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response
from pydantic import ValidationError

from city_center.case import flags
from city_center.catalog import stationing
from city_center.complaint import service as complaint_service
from city_center.complaint.router import Number
from city_center.complaint.schemas import NoteIn, OutcomeIn
from city_center.supervision import service as supervision_service
from city_center.supervision.dependencies import clock, scoped_place
from city_center.supervision.models import RUNNING
from city_center.web.common import (
    PAGES,
    SUPERVISION,
    CaseNumber,
    flash,
    pick,
    render,
    staff_of,
    status_label,
)
from city_center.web.complaints import OUTCOMES, STATUSES
from govnet_kit import audit, pages
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime

router = PAGES.router()
PAGE_SIZE = 50
TIERS = {"village": ("村", "village"), "town": ("乡镇", "township"), "city": ("市", "city")}
STATES = {
    "running": ("计时中", "running"),
    "suspended": ("中止", "suspended"),
    "handed_on": ("已上报", "handed on"),
    "decided": ("已决定", "decided"),
    "finished": ("已办结", "finished"),
}
FLAG_KINDS = {
    flags.DEEMED_APPROVED: ("超时默认视为准予", "deemed approved (timeout default)"),
    flags.OVERDUE_EXCLUDED: ("超期（法律排除默认）", "overdue, the law excludes the default"),
    flags.OVERDUE_NO_DEFAULT: ("超期（部门未采用默认）", "overdue, no default adopted"),
    flags.JOINT_DISAGREEMENT: ("联席会议有异议", "joint meeting disagreed"),
}
WARNINGS = {"due_soon": ("临期预警", "due soon"), "overdue": ("超期警告", "overdue")}
DONE = {
    "taken": ("已受理该投诉。", "The complaint is yours to follow up."),
    "noted": ("跟进记录已添加。", "Follow-up note added."),
    "concluded": ("已办结并答复。", "Concluded and replied."),
}


def options(names: dict[str, tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """A filter's choices, "all" first."""
    return [("", pick(lang, "全部", "all"))] + [(k, pick(lang, *v)) for k, v in names.items()]


@router.get("/supervision")
async def dashboard(
    request: Request,
    tier: Literal["", "village", "town", "city"] = "",
    state: Literal["", "running", "suspended", "handed_on", "decided", "finished"] = "",
    overdue: Literal["", "yes"] = "",
    place: Annotated[str, Query(pattern=r"^\d{0,12}$")] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    principal = await staff_of(request, SUPERVISION)
    now = clock()
    criteria = supervision_service.ClockFilter(
        tier=tier or None,
        place=scoped_place(principal, place or None),
        state=state or None,
        overdue=True if overdue else None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    async with transaction(get_runtime(request).sessions) as session:
        clocks, total = await supervision_service.clocks(session, criteria, now=now)
        warnings = await supervision_service.warnings(
            session, kind=None, place=criteria.place, department=None, staff=None, limit=20
        )
        raised = await flags.listing(session, kind=None, department_code=None, limit=20)
        gaps = await stationing.gaps(session)
        open_complaints = await complaint_service.queue(
            session, status="received", place=criteria.place, limit=500
        )
    lang = pages.language(request)
    return render(
        request,
        "supervision.html",
        {
            "clocks": [
                (
                    c,
                    status_label(c.status, lang),
                    c.state == RUNNING and c.deadline is not None and c.deadline < now,
                )
                for c in clocks
            ],
            "total": total,
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            "warnings": warnings,
            "flags": raised,
            "gaps": gaps,
            "open_complaints": len(open_complaints),
            "tiers": TIERS,
            "tier_options": options(TIERS, lang),
            "state_options": options(STATES, lang),
            "flag_kinds": FLAG_KINDS,
            "warning_kinds": WARNINGS,
            "values": {"tier": tier, "state": state, "overdue": overdue, "place": place},
        },
        principal=principal,
    )


@router.get("/supervision/cases/{case_number}")
async def case_clocks(request: Request, case_number: CaseNumber) -> Response:
    """One case's clock at each tier it went through (village, township, city)."""
    principal = await staff_of(request, SUPERVISION)
    own = scoped_place(principal, None)
    now = clock()
    async with transaction(get_runtime(request).sessions) as session:
        rows = await supervision_service.case_clocks(session, case_number)
    if not any(c.place_code.startswith(own) or c.origin_place_code.startswith(own) for c in rows):
        scoped_place(principal, rows[0].origin_place_code)  # refuses, naming the place (A2)
    lang = pages.language(request)
    return render(
        request,
        "supervision_case.html",
        {
            "case_number": case_number,
            "clocks": [
                (
                    c,
                    status_label(c.status, lang),
                    c.state == RUNNING and c.deadline is not None and c.deadline < now,
                )
                for c in rows
            ],
            "tiers": TIERS,
            "states": STATES,
        },
        principal=principal,
    )


@router.get("/supervision/complaints")
async def complaints(
    request: Request, status: Literal["", "received", "in_progress", "concluded"] = ""
) -> Response:
    principal = await staff_of(request, SUPERVISION)
    async with transaction(get_runtime(request).sessions) as session:
        rows = await complaint_service.queue(
            session, status=status or None, place=scoped_place(principal, None), limit=200
        )
    return render(
        request,
        "supervision_complaints.html",
        {"complaints": rows, "statuses": STATUSES, "values": {"status": status}},
        principal=principal,
    )


async def _complaint_page(
    request: Request,
    number: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    principal = await staff_of(request, SUPERVISION)
    async with transaction(get_runtime(request).sessions) as session:
        complaint = await complaint_service.get(session, number)
        scoped_place(principal, complaint.place_code or None)  # A2: within the jurisdiction
        steps = await complaint_service.steps(session, complaint)
    return render(
        request,
        "supervision_complaint.html",
        {
            "c": complaint,
            "steps": steps,
            "statuses": STATUSES,
            "outcomes": OUTCOMES,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": flash(request, DONE),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/supervision/complaints/{number}")
async def complaint(request: Request, number: Number) -> Response:
    return await _complaint_page(request, number)


@router.post("/supervision/complaints/{number}/{step}")
async def follow_up(
    request: Request, number: Number, step: Literal["take", "notes", "outcome"]
) -> Response:
    """Take the complaint, add a follow-up note, or conclude it with the reply (S3)."""
    principal = await staff_of(request, SUPERVISION)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")) for k in ("note", "outcome", "reply")}
    now = clock()
    try:
        async with transaction(get_runtime(request).sessions) as session:
            found = await complaint_service.get(session, number)
            scoped_place(principal, found.place_code or None)
            if step == "take":
                await complaint_service.take(session, number, staff_id=principal.subject, now=now)
            elif step == "notes":
                note = NoteIn(note=values["note"])
                await complaint_service.note(
                    session, number, staff_id=principal.subject, text=note.note, now=now
                )
            else:
                body = OutcomeIn(outcome=values["outcome"], reply=values["reply"])  # type: ignore[arg-type]
                await complaint_service.conclude(
                    session,
                    number,
                    staff_id=principal.subject,
                    outcome=body.outcome,
                    reply=body.reply,
                    now=now,
                )
    except ValidationError as exc:
        return await _complaint_page(
            request,
            number,
            errors=pages.FormErrors.from_validation(exc),
            values=values,
            status_code=422,
        )
    except DomainError as exc:
        return await _complaint_page(
            request,
            number,
            errors=pages.FormErrors.from_domain(exc, rename={"": f"{step}_form"}),
            values=values,
            status_code=exc.http_status,
        )
    done = {"take": "taken", "notes": "noted", "outcome": "concluded"}[step]
    return PAGES.redirect(request, f"/supervision/complaints/{number}?done={done}")


@router.get("/supervision/audit")
async def audit_page(request: Request) -> Response:
    principal = await staff_of(request, SUPERVISION)
    return render(request, "supervision_audit.html", {"report": None}, principal=principal)


@router.post("/supervision/audit")
async def audit_check(request: Request) -> Response:
    """Verify this service's audit chain now (decision 7), as `GET .../audit-chain` does."""
    principal = await staff_of(request, SUPERVISION)
    await pages.form_data(request)
    runtime = get_runtime(request)
    async with runtime.sessions() as session:
        report = await audit.verify(session)
    return render(
        request,
        "supervision_audit.html",
        {"report": report, "service": runtime.settings.service_name, "checked_at": clock()},
        principal=principal,
    )

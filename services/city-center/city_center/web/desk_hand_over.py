"""The department's hand-over of online cases' results (T1, L4), on the desk: the list of
results waiting, and one case's hand-over form: in person at the window, the applicant's ID
card checked against the case, or by post with the tracking number. The department's staff
only (the desk's people). The same domain functions as the JSON API
(`GET /api/v1/to-hand-over`, `POST /api/v1/cases/{number}/hand-over`); no JavaScript."""

from __future__ import annotations

from fastapi import Request, Response

from city_center.case import hand_over
from city_center.catalog import service as catalog_service
from city_center.web import service as web_service
from city_center.web.common import DESK, PAGES, CaseNumber, flash, render, staff_of, status_label
from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime

router = PAGES.router()
FIELDS = ("channel", "id_number", "tracking_number")
DONE = {
    "handed": (
        "结果已发放，申请人可在办件查询中看到。",
        "Handed over; the applicant sees it on the case look-up.",
    ),
}


@router.get("/desk/hand-over")
async def waiting(request: Request) -> Response:
    principal = await staff_of(request, DESK)
    async with transaction(get_runtime(request).sessions) as session:
        rows = await hand_over.to_hand_over(session, department_code=principal.department_code)
        names = await web_service.item_names(session, {c.item_code for c, _ in rows})
    lang = pages.language(request)
    return render(
        request,
        "desk_hand_over.html",
        {
            "rows": [
                (c, d, names.get(c.item_code, (c.item_code,) * 2), status_label(d.status, lang))
                for c, d in rows
            ],
            "flash": flash(request, DONE),
        },
        principal=principal,
    )


async def _form(
    request: Request,
    principal: Principal,
    case_number: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        case, decision = await hand_over.case_to_hand_over(
            session, case_number=case_number, staff=principal
        )
        item = await catalog_service.get_version(session, case.item_code, case.item_version)
    lang = pages.language(request)
    return render(
        request,
        "desk_hand_over_case.html",
        {
            "case": case,
            "decision": decision,
            "item_name": item.name_zh if lang == "zh" else item.name_en,
            "decision_status": status_label(decision.status, lang),
            "errors": errors or pages.FormErrors(),
            "values": {"channel": hand_over.IN_PERSON, **(values or {})},
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/desk/hand-over/{case_number}")
async def hand_over_form(request: Request, case_number: CaseNumber) -> Response:
    return await _form(request, await staff_of(request, DESK), case_number)


@router.post("/desk/hand-over/{case_number}")
async def hand_over_result(request: Request, case_number: CaseNumber) -> Response:
    principal = await staff_of(request, DESK)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:40] for k in FIELDS}
    runtime = get_runtime(request)
    try:
        async with transaction(runtime.sessions) as session:
            await hand_over.hand_over(
                session,
                case_number=case_number,
                staff=principal,
                given=hand_over.HandOverInput(**values),
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except DomainError as exc:
        if exc.http_status == 403:  # another department's case: the refusal page, logged
            raise
        errors = pages.FormErrors.from_domain(exc, rename={"": "hand_over", "holder": "hand_over"})
        return await _form(
            request,
            principal,
            case_number,
            errors=errors,
            values={**values, "id_number": ""},  # the ID number is not echoed back
            status_code=exc.http_status,
        )
    runtime.committed()  # the outbox relay: the status event goes out now
    return PAGES.redirect(request, "/desk/hand-over?done=handed")

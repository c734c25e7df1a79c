"""The duty console: sign-in (the kit's form), today's page: who is on duty, the visit register,
the replies and certificates waiting to be handed over, what waits to go up to the township and
why, and the latest cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response
from pydantic import ValidationError

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.web import get_runtime
from village_room.case import listing
from village_room.outbox import service as outbox_service
from village_room.visit import service as visit_service
from village_room.visit.models import OUTCOMES_ZH
from village_room.visit.schemas import VisitIn
from village_room.web import service as web_service
from village_room.web.common import OUTCOMES_EN, PAGES, status_label

router = PAGES.router()
router.include_router(PAGES.sign_in_router(home="/duty"))


@router.get("/")
async def home(request: Request) -> Response:
    return PAGES.redirect(request, "/duty")


async def _today(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    principal.require_staff(tier="village")
    runtime = get_runtime(request)
    place, now = principal.place_code, utcnow()
    async with transaction(runtime.sessions) as session:
        on_duty = await web_service.on_duty_today(session, place_code=place, now=now)
        visits = await web_service.visits_today(session, place_code=place, now=now)
        to_hand_over = await listing.to_hand_over(session, place_code=place)
        outbox = await outbox_service.open_calls(session, place)
        cases = await listing.recent(session, place_code=place)
    lang = pages.language(request)
    return PAGES.render(
        request,
        "today.html",
        {
            "on_duty": on_duty,
            "visits": visits,
            "to_hand_over": [
                (c, r, status_label(r.decision_status, lang)) for c, r in to_hand_over
            ],
            "outbox": outbox,
            "outcomes": OUTCOMES_ZH if lang == "zh" else OUTCOMES_EN,
            "cases": [(c, status_label(c.status, lang)) for c, _ in cases],
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": request.query_params.get("done") and _flash(request),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


def _flash(request: Request) -> str:
    done = request.query_params.get("done", "")
    zh, en = {
        "visit": ("来访已登记。", "Visit registered."),
        "handed": ("已发放。", "Handed over."),
    }.get(done, ("", ""))
    return zh if pages.language(request) == "zh" else en


@router.get("/duty")
async def today(request: Request) -> Response:
    return await _today(request, await PAGES.staff(request))


@router.post("/duty/visits")
async def register_visit(request: Request) -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="village")
    form = await pages.form_data(request)
    topic = str(form.get("topic", "")).strip()
    try:
        body = VisitIn(place_code=principal.place_code, topic=topic)
    except ValidationError as exc:
        return await _today(
            request,
            principal,
            errors=pages.FormErrors.from_validation(exc),
            values={"topic": topic},
        )
    runtime = get_runtime(request)
    async with transaction(runtime.sessions) as session:
        await visit_service.register(
            session, place_code=body.place_code, staff_id=principal.subject, topic=body.topic
        )
    return PAGES.redirect(request, "/duty?done=visit")


@router.get("/duty/cases")
async def open_case(
    request: Request, number: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    await PAGES.staff(request)
    return PAGES.redirect(request, f"/duty/cases/{number.strip()}" if number.strip() else "/duty")

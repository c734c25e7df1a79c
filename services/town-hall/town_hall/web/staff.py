"""The township staff's own views of the public side: the report box's list (where each report
stands; never the contact), and publishing and withdrawing notices (the editor's role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request, Response
from pydantic import ValidationError

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from town_hall.notice import service as notice_service
from town_hall.notice.models import EDITOR_ROLE, KINDS
from town_hall.notice.schemas import NoticeIn
from town_hall.report import service as report_service
from town_hall.web.common import PAGES

router = PAGES.router()
NOTICE_FIELDS = ("kind", "title_zh", "title_en", "body_zh", "body_en", "phone")
NoticeId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]


@router.get("/window/reports")
async def reports(request: Request) -> Response:
    principal = await PAGES.staff(request)
    async with transaction(get_runtime(request).sessions) as session:
        rows = await report_service.listing(
            session, staff=principal, township_code=principal.place_code
        )
    return PAGES.render(request, "reports.html", {"rows": rows}, principal=principal)


async def _notices(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    principal.require_staff(tier="town")
    async with transaction(get_runtime(request).sessions) as session:
        rows = await notice_service.in_force(session, principal.place_code)
    lang = pages.language(request)
    return PAGES.render(
        request,
        "notices_staff.html",
        {
            "rows": rows,
            "kinds": [(k, zh if lang == "zh" else en) for k, zh, en in KINDS],
            "names": {k: (zh, en) for k, zh, en in KINDS},
            "editor": principal.has_role(EDITOR_ROLE),
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": {
                "published": ("公告已发布。", "Published."),
                "withdrawn": ("公告已撤下。", "Withdrawn."),
            }.get(request.query_params.get("done", ""), ("", ""))[lang != "zh"],
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/window/notices")
async def notices(request: Request) -> Response:
    return await _notices(request, await PAGES.staff(request))


@router.post("/window/notices")
async def publish(request: Request) -> Response:
    principal = await PAGES.staff(request)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")) for k in NOTICE_FIELDS}
    try:
        body = NoticeIn(**values)
        async with transaction(get_runtime(request).sessions) as session:
            await notice_service.publish(
                session,
                township_code=principal.place_code,
                staff=principal,
                data=notice_service.NoticeData(**body.model_dump()),
            )
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        return await _notices(request, principal, errors=errors, values=values)
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "publish"})
        return await _notices(request, principal, errors=errors, values=values)
    return PAGES.redirect(request, "/window/notices?done=published")


@router.post("/window/notices/{notice_id}/withdrawal")
async def withdraw(request: Request, notice_id: NoticeId) -> Response:
    principal = await PAGES.staff(request)
    await pages.form_data(request)
    async with transaction(get_runtime(request).sessions) as session:
        await notice_service.withdraw(
            session, township_code=principal.place_code, notice_id=notice_id, staff=principal
        )
    return PAGES.redirect(request, "/window/notices?done=withdrawn")

"""What the village's pages share: the environment, the staff menu, status names, the form
helpers of the record pages (mediation, welfare, one matter one discussion)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Path, Request

from govnet_kit import lifecycle, pages
from govnet_kit.auth import Principal
from village_room.applicant import service as applicant_service
from village_room.visit.schemas import ID

PAGES = pages.Pages(
    "village_room.web",
    site_zh="村便民服务室",
    site_en="Village service room",
    sign_in_path="/duty/sign-in",
    sign_out_path="/duty/sign-out",
    nav=[
        ("/duty", "今日值班", "Today"),
        ("/duty/mediations", "民事调解", "Mediation"),
        ("/duty/welfare", "代领待遇", "Welfare"),
        ("/duty/proposals", "一事一议", "One matter, one discussion"),
        ("/lookup", "办件查询", "Case look-up"),
    ],
)
CaseNumber = Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
RecordId = Annotated[str, Path(max_length=36, pattern=ID)]
OUTCOMES_EN = {
    "open": "open",
    "consulted": "consulted",
    "redirected": "told where to apply",
    "incomplete": "one-time notice",
    "accepted": "accepted",
    "applied_as_agent": "applied as agent",
    "mediated": "mediated",
}


def status_label(status: int, lang: str) -> str:
    if lang == "zh":
        return lifecycle.NAMES_ZH.get(status, lifecycle.name(status))
    return lifecycle.name(status).replace("_", " ")


def flash(request: Request, texts: dict[str, tuple[str, str]]) -> str:
    """The line saying what the last post did (`?done=<key>`), in the reader's language."""
    zh, en = texts.get(request.query_params.get("done", ""), ("", ""))
    return zh if pages.language(request) == "zh" else en


async def village_staff(request: Request) -> Principal:
    """The signed-in duty staff of a village; their place is the room whose records they keep."""
    principal = await PAGES.staff(request)
    principal.require_staff(tier="village")
    return principal


def text(form: Any, name: str, limit: int) -> str:
    """A posted text field, trimmed and cut to a bound (the schema still says what is too long)."""
    return str(form.get(name, "")).strip()[: limit + 1]


def people(raw: str, *, field: str, errors: pages.FormErrors) -> list[str]:
    """People typed one a line (or separated by commas or spaces), each by resident ID card
    number or record number. Only the shape is checked here; the domain finds who they are."""
    out = [part for part in re.split(r"[\s,，]+", raw) if part]
    for part in out:
        why = applicant_service.person_ref_error(part)
        if why is not None:
            errors.add(field, *why)
    return out


def person(raw: str, *, field: str, errors: pages.FormErrors) -> str:
    """One person, by ID card number or record number ("" if none was typed)."""
    found = people(raw, field=field, errors=errors)
    if len(found) > 1:
        errors.add(field, "只能填写一人", "one person only")
    return found[0] if found else ""

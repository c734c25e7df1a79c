"""Welfare at the village (T3): benefits the staff collected for villagers who cannot come
themselves (the elderly, left-behind children, poverty relief), listed with who collected, for
whom, which month and the receipt, and the form recording one more."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Query, Request, Response
from pydantic import Field, ValidationError

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from village_room.applicant import service as applicant_service
from village_room.privacy import service as privacy_service
from village_room.web.common import PAGES, flash, person, text, village_staff
from village_room.welfare import service as welfare_service
from village_room.welfare.models import BENEFITS_ZH
from village_room.welfare.schemas import CollectionIn

router = PAGES.router()
BENEFITS_EN = {
    "elderly_allowance": "elderly allowance, collected",
    "left_behind_children": "left-behind children's allowance, collected",
    "poverty_relief": "poverty relief",
}
FIELDS = ("benefit", "beneficiary_applicant_id", "period", "amount", "receipt_number")
YUAN = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
Period = Annotated[str, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")]
PERSON = "beneficiary_applicant_id"


class CollectionForm(CollectionIn):
    """The API's schema, the beneficiary typed by ID card number or record number (its shape
    checked by `person`, who it is found by the domain before recording)."""

    beneficiary_applicant_id: str = Field(min_length=1, max_length=36)


def _fen(amount: str, errors: pages.FormErrors) -> int:
    """The amount as written on the receipt, in yuan (at most two decimals), as fen."""
    if not YUAN.match(amount):
        errors.add(
            "amount", "请填写金额（元），如 150 或 150.50", "the amount in yuan, e.g. 150.50"
        )
        return 0
    yuan, _, jiao_fen = amount.partition(".")
    return int(yuan) * 100 + int((jiao_fen + "00")[:2])


async def _page(
    request: Request,
    principal: Principal,
    *,
    period: str = "",
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        rows = await welfare_service.list_at(
            session, place_code=principal.place_code, beneficiary=None, period=period or None
        )
        people = await privacy_service.masked_people(
            session, (c.beneficiary_applicant_id for c in rows), place_code=principal.place_code
        )
    lang = pages.language(request)
    return PAGES.render(
        request,
        "welfare.html",
        {
            "rows": rows,
            "people": people,
            "period": period,
            "benefits": BENEFITS_ZH if lang == "zh" else BENEFITS_EN,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": flash(request, {"collected": ("代领已登记。", "Collection recorded.")}),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/welfare")
async def collections(request: Request, period: Period = "") -> Response:
    return await _page(request, await village_staff(request), period=period)


@router.post("/duty/welfare")
async def collect(request: Request) -> Response:
    principal = await village_staff(request)
    form = await pages.form_data(request)
    values = {name: text(form, name, 60) for name in FIELDS}
    errors = pages.FormErrors()
    person(values[PERSON], field=PERSON, errors=errors)
    amount_fen = _fen(values["amount"], errors)
    try:
        body = CollectionForm.model_validate({**values, "amount_fen": amount_fen})
    except ValidationError as exc:
        found = pages.FormErrors.from_validation(exc, rename={"amount_fen": "amount"})
        for name, message in found.by_field.items():
            errors.add(name, *message)
    if errors:
        return await _page(request, principal, errors=errors, values=values)
    try:
        async with transaction(get_runtime(request).sessions) as session:
            (beneficiary,) = await applicant_service.resolve_here(
                session,
                [body.beneficiary_applicant_id],
                place_code=principal.place_code,
                field=PERSON,
            )
            await welfare_service.collect(
                session,
                place_code=principal.place_code,
                staff_id=principal.subject,
                **{**body.model_dump(), PERSON: beneficiary},
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "receipt_number"})
        return await _page(request, principal, errors=errors, values=values)
    return PAGES.redirect(request, "/duty/welfare?done=collected")

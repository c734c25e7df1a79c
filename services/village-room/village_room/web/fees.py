"""A case's fee at the village window (C6, "one window collects"): the duty staff assess the
units counted, take cash or card, or waive the fee with a reason, and print the receipt.

Each post calls the fee domain as the JSON API does (fee/router.py): the same check that the
staff belong to the case's village, the same record of a refused operation. A refusal naming
one of the forms' fields is said beside it on the case page, the input kept; any other (another
village, no such case) is an error page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError, PermissionDenied, Unauthenticated
from govnet_kit.fees import MAX_UNITS
from govnet_kit.web import get_runtime
from village_room.case.models import VillageCase
from village_room.fee import router as fee_router
from village_room.fee import service as fee_service
from village_room.fee.schemas import AssessIn, WaiverIn, WindowPaymentIn
from village_room.web.cases import METHODS, render_case, staff_case
from village_room.web.common import PAGES, CaseNumber, flash, text, village_staff

router = PAGES.router()
# The fields a refusal may name, as the page calls them: "status" (paid already, waived, an
# online payment under way) is said beside the fee's status.
FIELDS = {"units": "units", "method": "method", "reason": "reason", "status": "fee_status"}
UNITS = re.compile(r"[0-9]{1,6}")
UNITS_WANTED = (f"请填写 0 至 {MAX_UNITS} 的整数", f"a whole number from 0 to {MAX_UNITS}")
Act = Callable[[AsyncSession, VillageCase], Awaitable[object]]
Schema = TypeVar("Schema", bound=BaseModel)


def _parse(schema: type[Schema], values: dict[str, str], errors: pages.FormErrors) -> Schema | None:
    """The form by the JSON API's own schema; its complaints beside their fields."""
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        for name, message in pages.FormErrors.from_validation(exc).by_field.items():
            errors.add(name, *message)
        return None


async def _act(
    request: Request,
    principal: Principal,
    case_number: str,
    *,
    attempt: str,
    act: Act,
    values: dict[str, str],
    done: str,
) -> Response:
    """One transaction, then a redirect to `done`; or the case page with the refusal."""
    runtime = get_runtime(request)
    try:
        async with fee_router.refusals(runtime, principal.subject, case_number, attempt):
            async with transaction(runtime.sessions) as session:
                case = await staff_case(session, principal, case_number)
                await act(session, case)
    except (Unauthenticated, PermissionDenied):
        raise
    except DomainError as exc:
        if exc.field not in FIELDS:
            raise  # no such case, its catalog version gone: the error page says so
        return await render_case(
            request,
            principal,
            case_number,
            errors=pages.FormErrors.from_domain(exc, rename=FIELDS),
            values=values,
            status_code=exc.http_status,
        )
    return PAGES.redirect(request, done)


async def _refused(
    request: Request,
    principal: Principal,
    case_number: str,
    errors: pages.FormErrors,
    values: dict[str, str],
) -> Response:
    return await render_case(
        request, principal, case_number, errors=errors, values=values, status_code=422
    )


@router.post("/duty/cases/{case_number}/fee")
async def assess(request: Request, case_number: CaseNumber) -> Response:
    """The units counted, for an item charging per unit: the fee is assessed again."""
    principal = await village_staff(request)
    values = {"units": text(await pages.form_data(request), "units", 10)}
    errors = pages.FormErrors()
    if not UNITS.fullmatch(values["units"]) or int(values["units"]) > MAX_UNITS:
        errors.add("units", *UNITS_WANTED)
    body = None if errors else _parse(AssessIn, values, errors)
    if body is None:
        return await _refused(request, principal, case_number, errors, values)
    units = body.units

    async def act(session: AsyncSession, case: VillageCase) -> object:
        return await fee_service.assess(session, case=case, units=units, actor=principal.subject)

    return await _act(
        request,
        principal,
        case_number,
        attempt="assess",
        act=act,
        values=values,
        done=f"/duty/cases/{case_number}?done=assessed#fee",
    )


@router.post("/duty/cases/{case_number}/fee/payment")
async def pay_at_window(request: Request, case_number: CaseNumber) -> Response:
    """Cash or card taken at the window: the receipt number is issued, the receipt printed."""
    principal = await village_staff(request)
    values = {"method": text(await pages.form_data(request), "method", 10)}
    errors = pages.FormErrors()
    body = _parse(WindowPaymentIn, values, errors)
    if body is None:
        return await _refused(request, principal, case_number, errors, values)
    method = body.method

    async def act(session: AsyncSession, case: VillageCase) -> object:
        return await fee_service.pay_at_window(
            session, case=case, method=method, staff_id=principal.subject
        )

    return await _act(
        request,
        principal,
        case_number,
        attempt="pay",
        act=act,
        values=values,
        done=f"/duty/cases/{case_number}/receipt?done=paid",
    )


@router.post("/duty/cases/{case_number}/fee/waiver")
async def waive(request: Request, case_number: CaseNumber) -> Response:
    """Waived only with the reason on record; its length is the domain's to judge."""
    principal = await village_staff(request)
    values = {"reason": text(await pages.form_data(request), "reason", 2000)}
    errors = pages.FormErrors()
    body = _parse(WaiverIn, values, errors)
    if body is None:
        return await _refused(request, principal, case_number, errors, values)
    reason = body.reason

    async def act(session: AsyncSession, case: VillageCase) -> object:
        return await fee_service.waive(
            session, case=case, reason=reason, staff_id=principal.subject
        )

    return await _act(
        request,
        principal,
        case_number,
        attempt="waive",
        act=act,
        values=values,
        done=f"/duty/cases/{case_number}?done=waived#fee",
    )


@router.get("/duty/cases/{case_number}/receipt")
async def receipt(request: Request, case_number: CaseNumber) -> Response:
    """The receipt, printable on A4: its number, the case number as text and QR, the lines."""
    principal = await village_staff(request)
    runtime = get_runtime(request)
    async with fee_router.refusals(runtime, principal.subject, case_number, "receipt"):
        async with transaction(runtime.sessions) as session:
            case = await staff_case(session, principal, case_number)
            found = await fee_service.receipt(session, case=case, actor=principal.subject)
    method = found.charge.method or ""
    zh, en = METHODS.get(method, (method, method))
    return PAGES.render(
        request,
        "receipt.html",
        {
            "r": fee_router.receipt_out(found),
            "received_by": found.charge.recorded_by or "",
            "method": zh if pages.language(request) == "zh" else en,
            "flash": flash(
                request,
                {
                    "paid": (
                        "已收费，请打印收据交申请人。",
                        "Paid: print the receipt for the applicant.",
                    )
                },
            ),
        },
        principal=principal,
    )

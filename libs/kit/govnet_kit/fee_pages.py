"""A case's fee at a window, as pages (C6): the staff assess the units counted, take cash or
card, or waive the fee with a reason, and print the receipt on A4 with the case number as text
and QR code. Every tier that collects mounts the same routes under its own prefix (the village
`/duty`, the township `/window`) over its own fee domain and case page.

Each post calls the tier's fee domain as its JSON API does: the same check that the staff belong
to the case's place, the same record of a refused operation. A refusal naming one of the forms'
fields is said beside it on the case page, the input kept; any other (another place, no such
case) is an error page. Templates: `fee_section.html` (included by the case page) and
`fee_receipt.html`, both in the kit's page_templates."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import fee_http, pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError, PermissionDenied, Unauthenticated
from govnet_kit.fee_records import METHODS, Receipt
from govnet_kit.fees import MAX_UNITS, yuan
from govnet_kit.web import get_runtime

CaseNumber = Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
# The fields a refusal may name, as the page calls them: "status" (paid already, waived, an
# online payment under way) is said beside the fee's status.
FIELDS = {"units": "units", "method": "method", "reason": "reason", "status": "fee_status"}
UNITS = re.compile(r"[0-9]{1,6}")
UNITS_WANTED = (f"请填写 0 至 {MAX_UNITS} 的整数", f"a whole number from 0 to {MAX_UNITS}")
# What the case page says after a fee's post (`?done=`); the receipt page says "paid".
DONE = {
    "assessed": ("费用已按计费数量重新核定。", "Fee assessed again with the units counted."),
    "waived": ("费用已减免，理由已记录。", "Fee waived; the reason is on record."),
}
PAID = ("已收费，请打印收据交申请人。", "Paid: print the receipt for the applicant.")
Schema = TypeVar("Schema", bound=BaseModel)


class FeeDomain(Protocol):
    """A tier's fee service (its module), over the tier's own case rows."""

    async def assess(
        self, session: AsyncSession, *, case: Any, units: int, actor: str
    ) -> object: ...

    async def pay_at_window(
        self, session: AsyncSession, *, case: Any, method: str, staff_id: str, staff_name: str
    ) -> object: ...

    async def waive(
        self, session: AsyncSession, *, case: Any, reason: str, staff_id: str
    ) -> object: ...

    async def receipt(self, session: AsyncSession, *, case: Any, actor: str) -> Receipt: ...


Staff = Callable[[Request], Awaitable[Principal]]
LoadCase = Callable[[AsyncSession, Principal, str], Awaitable[Any]]
RenderCase = Callable[..., Awaitable[Response]]


def case_context(
    *,
    prefix: str,
    case_number: str,
    fee: fee_http.FeeOut,
    item: Any,
    lang: str,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What `fee_section.html` reads, for the tier's case page to merge into its own."""
    return {
        "fee": fee,
        "fee_base": f"{prefix}/cases/{case_number}/fee",
        "receipt_href": f"{prefix}/cases/{case_number}/receipt",
        "unit_price": yuan(item.fee_per_unit_fen),
        "methods": {k: v[0] if lang == "zh" else v[1] for k, v in METHODS.items()},
        "values": {"units": str(fee.units), **(values or {})},
    }


def _text(form: Any, name: str, limit: int) -> str:
    return str(form.get(name, "")).strip()[: limit + 1]


def _parse(schema: type[Schema], values: dict[str, str], errors: pages.FormErrors) -> Schema | None:
    """The form by the JSON API's own schema; its complaints beside their fields."""
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        for name, message in pages.FormErrors.from_validation(exc).by_field.items():
            errors.add(name, *message)
        return None


def fee_routes(
    site: pages.Pages,
    *,
    prefix: str,
    staff: Staff,
    load_case: LoadCase,
    render_case: RenderCase,
    domain: FeeDomain,
    home: tuple[str, str, str],
) -> APIRouter:
    """The fee's posts and the receipt page under `{prefix}/cases/{number}`. `staff` signs the
    visitor in (a tier check), `load_case` finds the case for them (a place check),
    `render_case(request, principal, number, errors=, values=, status_code=)` answers a refusal,
    `home` is (href, Chinese, English) of the link back from the receipt."""
    router = site.router()
    Act = Callable[[AsyncSession, Any], Awaitable[object]]

    async def act_on(
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
            async with fee_http.refusals(runtime, principal.subject, case_number, attempt):
                async with transaction(runtime.sessions) as session:
                    await act(session, await load_case(session, principal, case_number))
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
        return site.redirect(request, done)

    async def refused(
        request: Request,
        principal: Principal,
        case_number: str,
        errors: pages.FormErrors,
        values: dict[str, str],
    ) -> Response:
        return await render_case(
            request, principal, case_number, errors=errors, values=values, status_code=422
        )

    @router.post(prefix + "/cases/{case_number}/fee")
    async def assess(request: Request, case_number: CaseNumber) -> Response:
        """The units counted, for an item charging per unit: the fee is assessed again."""
        principal = await staff(request)
        values = {"units": _text(await pages.form_data(request), "units", 10)}
        errors = pages.FormErrors()
        if not UNITS.fullmatch(values["units"]) or int(values["units"]) > MAX_UNITS:
            errors.add("units", *UNITS_WANTED)
        body = None if errors else _parse(fee_http.AssessIn, values, errors)
        if body is None:
            return await refused(request, principal, case_number, errors, values)
        units = body.units

        async def act(session: AsyncSession, case: Any) -> object:
            return await domain.assess(session, case=case, units=units, actor=principal.subject)

        return await act_on(
            request,
            principal,
            case_number,
            attempt="assess",
            act=act,
            values=values,
            done=f"{prefix}/cases/{case_number}?done=assessed#fee",
        )

    @router.post(prefix + "/cases/{case_number}/fee/payment")
    async def pay_at_window(request: Request, case_number: CaseNumber) -> Response:
        """Cash or card taken at the window: the receipt number is issued, the receipt printed."""
        principal = await staff(request)
        values = {"method": _text(await pages.form_data(request), "method", 10)}
        errors = pages.FormErrors()
        body = _parse(fee_http.WindowPaymentIn, values, errors)
        if body is None:
            return await refused(request, principal, case_number, errors, values)
        method = body.method

        async def act(session: AsyncSession, case: Any) -> object:
            return await domain.pay_at_window(
                session,
                case=case,
                method=method,
                staff_id=principal.subject,
                staff_name=principal.name,
            )

        return await act_on(
            request,
            principal,
            case_number,
            attempt="pay",
            act=act,
            values=values,
            done=f"{prefix}/cases/{case_number}/receipt?done=paid",
        )

    @router.post(prefix + "/cases/{case_number}/fee/waiver")
    async def waive(request: Request, case_number: CaseNumber) -> Response:
        """Waived only with the reason on record; its length is the domain's to judge."""
        principal = await staff(request)
        values = {"reason": _text(await pages.form_data(request), "reason", 2000)}
        errors = pages.FormErrors()
        body = _parse(fee_http.WaiverIn, values, errors)
        if body is None:
            return await refused(request, principal, case_number, errors, values)
        reason = body.reason

        async def act(session: AsyncSession, case: Any) -> object:
            return await domain.waive(session, case=case, reason=reason, staff_id=principal.subject)

        return await act_on(
            request,
            principal,
            case_number,
            attempt="waive",
            act=act,
            values=values,
            done=f"{prefix}/cases/{case_number}?done=waived#fee",
        )

    @router.get(prefix + "/cases/{case_number}/receipt")
    async def receipt(request: Request, case_number: CaseNumber) -> Response:
        """The receipt, printable on A4: its number, the case number as text and QR, the lines."""
        principal = await staff(request)
        runtime = get_runtime(request)
        async with fee_http.refusals(runtime, principal.subject, case_number, "receipt"):
            async with transaction(runtime.sessions) as session:
                case = await load_case(session, principal, case_number)
                found = await domain.receipt(session, case=case, actor=principal.subject)
        lang = pages.language(request)
        method = found.charge.method or ""
        zh, en = METHODS.get(method, (method, method))
        done = request.query_params.get("done") == "paid"
        return site.render(
            request,
            "fee_receipt.html",
            {
                "r": fee_http.receipt_out(found),
                "collected_by": fee_http.collected_by(found.charge),
                "method": zh if lang == "zh" else en,
                "case_href": f"{prefix}/cases/{case_number}",
                "home": home,
                "flash": (PAID[0] if lang == "zh" else PAID[1]) if done else "",
            },
            principal=principal,
        )

    return router

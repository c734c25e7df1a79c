"""The administrator's working-day table (decision 6): one year's make-up workdays and extra
days off, published whole to every tier by the calendar API's own handler."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request, Response
from pydantic import ValidationError

from city_center.catalog import calendar_router
from city_center.supervision.dependencies import clock
from city_center.web.common import CONSOLE, PAGES, flash, render, staff_of
from govnet_kit import pages
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from govnet_kit.worktime import SHANGHAI

router = PAGES.router()
Year = Annotated[int, Path(ge=2000, le=2100)]
NEW_ROWS = 3  # empty rows for new days; publish again for more


async def _page(
    request: Request,
    principal,  # type: ignore[no-untyped-def]
    year: int,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    shown = await calendar_router.get_year(get_runtime(request), year)
    return render(
        request,
        "console_calendar.html",
        {
            "year": shown,
            "new_rows": range(NEW_ROWS),
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": flash(request, {"published": ("工作日表已发布。", "The table is published.")}),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/console/calendar")
async def calendar(
    request: Request, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    principal = await staff_of(request, CONSOLE)
    return await _page(request, principal, year or clock().astimezone(SHANGHAI).year)


@router.post("/console/calendar/{year}")
async def publish(request: Request, year: Year) -> Response:
    """The days kept (each ticked), plus the new rows filled in, replace the year whole."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    errors = pages.FormErrors()
    days: list[calendar_router.DayIn] = []
    for kept in form.getlist("keep"):  # "<day>|<1 or 0>|<note>", as the page wrote it
        day, _, rest = str(kept).partition("|")
        working, _, note = rest.partition("|")
        try:
            days.append(calendar_router.DayIn(day=day, working=working == "1", note=note))  # type: ignore[arg-type]
        except ValidationError:
            errors.add(
                "publish", "表单已损坏，请重新打开本页", "the form is damaged; open the page again"
            )
    new = len(days)
    for i in range(NEW_ROWS):
        if not values.get(f"day_{i}"):
            continue
        try:
            days.append(
                calendar_router.DayIn(
                    day=values[f"day_{i}"],  # type: ignore[arg-type]
                    working=values.get(f"working_{i}") == "1",
                    note=values.get(f"note_{i}", ""),
                )
            )
        except ValidationError as exc:
            for name, msg in pages.FormErrors.from_validation(exc).by_field.items():
                errors.add(f"{name}_{i}", *msg)
    if not errors:
        body = calendar_router.YearIn(confirmed=values.get("confirmed") == "on", days=days)
        try:
            await calendar_router.publish_year(body, principal, get_runtime(request), year=year)
        except DomainError as exc:
            # "days[<n>].day": beside the new row it came from, else beside the button.
            index = (exc.field or "").removeprefix("days[").partition("]")[0]
            row = int(index) - new if index.isdigit() and int(index) >= new else None
            name = f"day_{row}" if row is not None else "publish"
            errors.add(name, exc.message_zh, exc.message)
    if errors:
        return await _page(request, principal, year, errors=errors, values=values)
    return PAGES.redirect(request, f"/console/calendar?year={year}&done=published")

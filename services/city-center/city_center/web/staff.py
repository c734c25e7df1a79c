"""City staff sign in on the center's own pages; the center relays it to identity (decision 8)
and each staff member lands on the area of their role."""

from __future__ import annotations

from fastapi import Request, Response

from city_center.web.common import MENU, PAGES, areas

router = PAGES.router()
router.include_router(PAGES.sign_in_router(home="/staff"))


@router.get("/staff")
async def staff_home(request: Request) -> Response:
    """The first area of the signed-in staff member's roles."""
    principal = await PAGES.staff(request)
    mine = areas(principal)
    return PAGES.redirect(request, MENU[mine[0]][0] if mine else "/catalog")

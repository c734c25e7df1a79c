"""Who may change the catalog (the administrator) and who sees stationing gaps (supervisors)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from govnet_kit.auth import Principal
from govnet_kit.errors import PermissionDenied
from govnet_kit.web import CurrentPrincipal


async def administrator(principal: CurrentPrincipal) -> Principal:
    if principal.kind != "staff" or not principal.has_role("administrator"):
        raise PermissionDenied("administrators only", message_zh="仅限管理员")
    return principal


async def supervisor(principal: CurrentPrincipal) -> Principal:
    if principal.kind != "staff" or not (
        principal.has_role("supervisor") or principal.has_role("administrator")
    ):
        raise PermissionDenied("supervisors only", message_zh="仅限电子监察人员")
    return principal


Administrator = Annotated[Principal, Depends(administrator)]
Supervisor = Annotated[Principal, Depends(supervisor)]


def actor(principal: Principal) -> str:
    return f"staff:{principal.subject}"

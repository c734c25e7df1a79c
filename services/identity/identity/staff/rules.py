"""What a staff account may be: its tier, place and roles; who keeps accounts."""

from __future__ import annotations

from collections.abc import Collection

from govnet_kit.auth import Principal
from govnet_kit.errors import InvalidArgument, PermissionDenied

TIERS = {"village", "town", "city"}
ROLES = {
    "village_staff",
    "town_window",
    "town_head",
    "town_notice_editor",
    "chief_representative",
    "department_head",
    "supervisor",
    "administrator",
}


def require_admin(actor: Principal) -> None:
    if not actor.has_role("administrator"):
        raise PermissionDenied("administrators only", message_zh="仅限管理员")


def check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise InvalidArgument(
            "tier must be village, town or city",
            message_zh="层级须为村、乡镇或市",
            field="tier",
        )


def check_place(place_code: str) -> None:
    if not (len(place_code) == 12 and place_code.isdigit()):
        raise InvalidArgument(
            "place_code must be a 12-digit division code",
            message_zh="地区代码须为12位行政区划代码",
            field="place_code",
        )


def check_roles(roles: Collection[str], *, field: str = "roles") -> None:
    unknown = sorted(set(roles) - ROLES)
    if unknown:
        raise InvalidArgument(
            f"unknown roles: {', '.join(unknown)}",
            message_zh=f"没有这个角色：{'、'.join(unknown)}",
            field=field,
        )


def check_scope(tier: str, place_code: str, roles: list[str]) -> None:
    check_tier(tier)
    check_place(place_code)
    if not roles:
        raise InvalidArgument(
            "give the account at least one role", message_zh="请至少选择一个角色", field="roles"
        )
    check_roles(roles)

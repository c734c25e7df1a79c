"""The room's registration and published rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import NotFound
from village_room.room.models import Room, RoomRules

RULE_FIELDS = (
    "first_inquiry_zh",
    "first_inquiry_en",
    "service_commitment_zh",
    "service_commitment_en",
    "one_time_notice_zh",
    "one_time_notice_en",
)


async def register(
    session: AsyncSession, *, place_code: str, staff_id: str, data: dict[str, Any]
) -> Room:
    """Register the room, or update its registration (same place, same row)."""
    room = await session.get(Room, place_code)
    action = "room.updated"
    if room is None:
        room = Room(place_code=place_code, updated_by=staff_id, **data)
        session.add(room)
        action = "room.registered"
    else:
        for key, value in data.items():
            setattr(room, key, value)
        room.updated_at = utcnow()
        room.updated_by = staff_id
    await audit.append(
        session,
        actor=staff_id,
        action=action,
        data={
            "place_code": place_code,
            "opening_days": sorted({h["weekday"] for h in data["opening_hours"]}),
            "contact_numbers": len(data["contact_numbers"]),
        },
    )
    return room


async def get_room(session: AsyncSession, place_code: str) -> Room | None:
    return await session.get(Room, place_code)


async def require_room(session: AsyncSession, place_code: str) -> Room:
    room = await session.get(Room, place_code)
    if room is None:
        raise NotFound(
            f"no room registered at {place_code}",
            message_zh=f"{place_code} 尚未登记便民服务室",
            field="place_code",
        )
    return room


async def set_rules(
    session: AsyncSession, *, place_code: str, staff_id: str, data: dict[str, str]
) -> RoomRules:
    """The township publishes (or revises) the room's rules; each revision counts up."""
    rules = await session.get(RoomRules, place_code)
    if rules is None:
        rules = RoomRules(place_code=place_code, updated_by=staff_id, version=1, **data)
        session.add(rules)
    else:
        for key in RULE_FIELDS:
            setattr(rules, key, data[key])
        rules.version += 1
        rules.updated_at = utcnow()
        rules.updated_by = staff_id
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="room.rules_published",
        data={"place_code": place_code, "version": rules.version},
    )
    return rules


async def get_rules(session: AsyncSession, place_code: str) -> RoomRules | None:
    return await session.get(RoomRules, place_code)

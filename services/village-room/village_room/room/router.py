"""The room's registration (its village staff), its rules (its township), and the public door."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from govnet_kit.db import transaction, utcnow
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from govnet_kit.worktime import SHANGHAI
from village_room.room import service
from village_room.room.dependencies import (
    PlaceCode,
    require_township_staff,
    require_village_staff,
)
from village_room.room.schemas import (
    OffDutyContact,
    PublicRoomOut,
    RoomIn,
    RoomOut,
    RulesIn,
    RulesOut,
)
from village_room.roster import service as roster_service

router = APIRouter(prefix="/api/v1", tags=["village room"])


@router.put("/rooms/{place_code}", response_model=RoomOut)
async def register_room(
    place_code: PlaceCode, body: RoomIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> RoomOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        room = await service.register(
            session, place_code=place_code, staff_id=principal.subject, data=body.model_dump()
        )
    return RoomOut.model_validate(room)


@router.put("/rooms/{place_code}/rules", response_model=RulesOut)
async def publish_rules(
    place_code: PlaceCode, body: RulesIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> RulesOut:
    """The township sets the rules its villages' rooms publish."""
    require_township_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rules = await service.set_rules(
            session, place_code=place_code, staff_id=principal.subject, data=body.model_dump()
        )
    return RulesOut.model_validate(rules)


@router.get("/public/rooms/{place_code}", response_model=PublicRoomOut)
async def public_room(place_code: PlaceCode, runtime: CurrentRuntime) -> PublicRoomOut:
    """Public on purpose, like the guide: what is on the room's door."""
    today = utcnow().astimezone(SHANGHAI).date()
    async with transaction(runtime.sessions) as session:
        room = await service.get_room(session, place_code)
        rules = await service.get_rules(session, place_code)
        members = await roster_service.members(session, place_code=place_code)
        duty = await roster_service.on_duty(session, place_code=place_code, start=today, end=today)
        next_month = today.replace(day=28) + timedelta(days=7)
        months = [today.strftime("%Y-%m"), next_month.strftime("%Y-%m")]
        collective = await roster_service.collective_days(
            session, place_code=place_code, months=months
        )
    return PublicRoomOut(
        place_code=place_code,
        room=RoomOut.model_validate(room) if room else None,
        rules=RulesOut.model_validate(rules) if rules else None,
        off_duty_contacts=[
            OffDutyContact(
                display_name=m.display_name,
                committee=m.committee,
                off_duty_contact=m.off_duty_contact,
            )
            for m in members
            if m.active
        ],
        on_duty_today=[m.display_name for m in duty.get(today, []) if m.active],
        next_collective_office_day=next((c.day for c in collective if c.day >= today), None),
    )

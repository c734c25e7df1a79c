"""Online application at the city (T1, L1): an applicant signed in with a one-time code applies
for a city item whose catalog record opens it to online application.

The same three answers as at every window: an item the city does not take online (not open to
online application, or not decided by the city) gets a redirect notice naming where to apply;
an incomplete application a one-time notice of every missing material at once, with nothing
stored as a case; a complete one a case numbered with the city's place code (decision 5), its
clock started in working days, its status event (the supervision clock), its audit entry, and
an acceptance slip. The case then waits on its department's desk like an escalated one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case import lookup, steps, timers
from city_center.case.models import CaseMaterial, CityCase, CityCaseSequence, OnlineApplicant
from city_center.catalog import service as catalog_service
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit, calls, cases, seasonal
from govnet_kit.auth import Principal
from govnet_kit.cases import MaterialData, missing_materials
from govnet_kit.db import utcnow
from govnet_kit.errors import InvalidArgument, NotFound, PermissionDenied
from govnet_kit.personal import applicant_subject_hash
from govnet_kit.pii import lookup_hash
from govnet_kit.tiers import TIER_NAMES
from govnet_kit.worktime import WorkCalendar

TIER = case_pb2.TIER_CITY
ONLINE = "online"
# The city accepted the case, so it registers the applicant's contact with notify (decision 2).
REGISTER_RECIPIENTS = "register_recipients"
SUBJECT_PREFIX = "applicant:"
SUBJECT_CONTEXT = "city_online_applicant.subject"
# Where an item is applied for, nearest the applicant first.
TIER_ORDER = ("village", "town", "city")
TIER_ZH = {"village": "村便民服务室", "town": "乡镇便民服务大厅", "city": "市行政服务中心"}
TIER_EN = {
    "village": "village service room",
    "town": "township service hall",
    "city": "city administrative service center",
}


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str
    language: str = "zh"
    channel: str = "sms"


@dataclass(frozen=True)
class RedirectNotice:
    """Where to apply instead, in both languages (L1: the tier and the department)."""

    tiers: list[str]
    text_zh: str
    text_en: str


@dataclass
class Outcome:
    """One of: redirected (redirect notice), incomplete (one-time notice), accepted (slip)."""

    kind: str
    item: catalog_pb2.CatalogItem
    redirect: RedirectNotice | None = None
    missing: list[catalog_pb2.RequiredMaterial] = field(default_factory=list)
    case: CityCase | None = None
    # Shown once on the slip; the city keeps only its keyed hash (case.lookup).
    query_code: str = ""
    calendar_warning: str | None = None


def require_applicant(principal: Principal) -> str:
    """The sha256 hex of the phone a signed-in applicant signed in with (identity's subject)."""
    if principal.kind != "applicant" or not principal.subject.startswith(SUBJECT_PREFIX):
        raise PermissionDenied("applicants only", message_zh="仅限申请人本人")
    return principal.subject.removeprefix(SUBJECT_PREFIX)


def subject_key(subject_hash: str) -> str:
    """What the city stores for the applicant's sign-in: a keyed hash, never the phone's hash."""
    return lookup_hash(subject_hash, context=SUBJECT_CONTEXT)


def open_to_online(item: catalog_pb2.CatalogItem) -> bool:
    return item.deciding_tier == TIER and item.online_application


async def open_items(session: AsyncSession) -> list[catalog_pb2.CatalogItem]:
    """The items in force that the city takes online, by department and code."""
    return [i for i in await catalog_service.in_force(session) if open_to_online(i)]


def redirect_notice(item: catalog_pb2.CatalogItem) -> RedirectNotice:
    """Where the item is applied for: its department's window at the tier that decides it,
    or where a lower tier takes it in (assisted or as agent), nearest that tier first."""
    deciding = TIER_NAMES[item.deciding_tier]
    accepting = {TIER_NAMES.get(h.tier, "") for h in item.handling}
    lower = [t for t in reversed(TIER_ORDER[: TIER_ORDER.index(deciding)]) if t in accepting]
    phone_zh = f"（咨询电话 {item.window_phone}）" if item.window_phone else ""
    phone_en = f" (phone {item.window_phone})" if item.window_phone else ""
    if item.deciding_tier != TIER:
        why_zh = "由乡镇决定，不在市行政服务中心网上受理范围内"
        why_en = "is decided by the township, not by the city"
    else:
        why_zh, why_en = "不接受网上申请", "is not open to online application"
    text_zh = (
        f"“{item.name_zh}”{why_zh}。请到{TIER_ZH[deciding]}{item.department_name_zh}窗口申请"
        f"{phone_zh}"
    )
    text_en = (
        f"'{item.name_en}' {why_en}. Apply at the {item.department_name_en} window of the "
        f"{TIER_EN[deciding]}{phone_en}"
    )
    if lower:
        text_zh += "，也可到" + "或".join(TIER_ZH[t] for t in lower) + "提交"
        text_en += ", or hand the application in at the " + " or the ".join(
            TIER_EN[t] for t in lower
        )
    return RedirectNotice(tiers=[deciding, *lower], text_zh=text_zh + "。", text_en=text_en + ".")


def check_phone(applicant: ApplicantData, subject_hash: str) -> None:
    """The phone given is the one signed in with: the case's contact is the applicant's own."""
    if applicant_subject_hash(applicant.phone) != subject_hash:
        raise InvalidArgument(
            "apply with the phone number you signed in with",
            message_zh="请使用登录时的手机号码申请",
            field="phone",
        )


async def apply(
    session: AsyncSession,
    *,
    principal: Principal,
    item_code: str,
    applicant: ApplicantData,
    materials: list[MaterialData],
    calendar: WorkCalendar,
    city_place_code: str,
) -> Outcome:
    subject_hash = require_applicant(principal)
    try:
        item = await catalog_service.get_in_force(session, item_code)
    except NotFound as exc:
        raise NotFound(
            f"no item {item_code} in force",
            message_zh=f"目录中无此事项：{item_code}",
            field="item_code",
        ) from exc
    if not open_to_online(item):
        return Outcome(kind="redirected", item=item, redirect=redirect_notice(item))
    check_phone(applicant, subject_hash)
    now = utcnow()
    # A seasonal item is received in its season and on its reception days only (C5).
    refusal = seasonal.reception_refusal(item, now, calendar)
    if refusal is not None:
        raise refusal
    missing = missing_materials(item, materials)
    if missing:
        # Told once, everything; nothing is stored but the record that it was told (L3).
        await audit.append(
            session,
            actor=principal.subject,
            action="case.one_time_notice",
            data={"item": item.code, "version": item.version, "missing": [m.code for m in missing]},
        )
        return Outcome(kind="incomplete", item=item, missing=missing)
    return await _accept(
        session,
        principal=principal,
        subject_hash=subject_hash,
        item=item,
        applicant=applicant,
        materials=materials,
        calendar=calendar,
        city_place_code=city_place_code,
    )


async def _accept(
    session: AsyncSession,
    *,
    principal: Principal,
    subject_hash: str,
    item: catalog_pb2.CatalogItem,
    applicant: ApplicantData,
    materials: list[MaterialData],
    calendar: WorkCalendar,
    city_place_code: str,
) -> Outcome:
    now = utcnow()
    deadline = calendar.deadline(now, item.time_limit_days)
    query_code = cases.query_code()
    case = CityCase(
        case_number=await cases.next_case_number(
            session, CityCaseSequence, place_code=city_place_code, now=now
        ),
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        origin_place_code=city_place_code,
        sender_place_code=city_place_code,
        origin=ONLINE,
        # Waiting on the department's desk, exactly like an escalated case.
        status=case_pb2.CASE_STATUS_PENDING_DECISION,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        query_code_hash=lookup.stored_hash(query_code),
        accepted_at=now,
        deadline=deadline.due_at,
        received_at=now,
        agent_staff_id="",
    )
    session.add(case)
    await session.flush()
    await timers.arm(session, case)
    wanted = {m.code for m in item.materials}
    kept = [m for m in materials if m.code in wanted and m.content]
    for m in kept:
        session.add(
            CaseMaterial(
                case_id=case.id,
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                sha256=hashlib.sha256(m.content).hexdigest(),
                content=m.content,
            )
        )
    session.add(
        OnlineApplicant(
            case_id=case.id,
            phone=applicant.phone,
            subject_hash=subject_key(subject_hash),
            language=applicant.language,
            channel=applicant.channel,
        )
    )
    steps.emit(session, case, city_place_code)
    await audit.append(
        session,
        actor=principal.subject,
        action="case.accepted",
        case_number=case.case_number,
        subject_ref=f"city_online_applicant:{case.id}",
        data={
            "item": item.code,
            "version": item.version,
            "materials": len(kept),
            "origin": ONLINE,
        },
    )
    await calls.enqueue(
        session, kind=REGISTER_RECIPIENTS, key=case.case_number, payload=case.case_number.encode()
    )
    await session.flush()
    return Outcome(
        kind="accepted",
        item=item,
        case=case,
        query_code=query_code,
        calendar_warning=deadline.warning,
    )


async def own_case(session: AsyncSession, *, principal: Principal, case_number: str) -> CityCase:
    """The signed-in applicant's own online case; anyone else's is "not found", exactly as a
    case that does not exist."""
    key = subject_key(require_applicant(principal))
    case = await session.scalar(
        select(CityCase)
        .join(OnlineApplicant, OnlineApplicant.case_id == CityCase.id)
        .where(CityCase.case_number == case_number, OnlineApplicant.subject_hash == key)
    )
    if case is None:
        raise NotFound(
            f"no case {case_number} of yours",
            message_zh=f"您名下无此办件：{case_number}",
            field="case_number",
        )
    return case

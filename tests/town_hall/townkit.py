"""The township's test world: a catalog copy with the township's own items and city items,
a village's transfer, town staff and their approval credentials."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import town_hall.models  # noqa: F401 - registers the service's tables
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import catalog_replica
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import ts
from govnet_kit.db import utcnow
from govnet_kit.messaging import OutboxMessage
from govnet_kit.worktime import SHANGHAI, WorkCalendar

TOWNSHIP = "341102101000"
OTHER_TOWNSHIP = "341102102000"
VILLAGE = "341102101201"
CAL = WorkCalendar(confirmed_years=[2025, 2026, 2027])
STAFF = Principal(
    subject="town-civil-1",
    kind="staff",
    tier="town",
    place_code=TOWNSHIP,
    department_code="civil_affairs",
)
WINDOW_STAFF = Principal(subject="town-window-1", kind="staff", tier="town", place_code=TOWNSHIP)

RESETTLEMENT = "MZ-0001"  # the township decides, commitment, its department adopted the default
NO_DEFAULT = "MZ-0101"  # the township decides; the department adopted no default
EXCLUDED = "MZ-0102"  # the township decides; the law excludes it from the default
BIRTH = "GA-0001"  # the township decides on the spot (direct)
CABLE_TV = "GD-0001"  # the city decides; townships may submit it online
FELLING = "LY-0001"  # the city decides; townships forward, no online submission


def _item(
    code: str,
    *,
    department: str = "civil_affairs",
    category: str = "civil_affairs",
    deciding: int = case_pb2.TIER_TOWN,
    town: int = catalog_pb2.HANDLING_COMMITMENT,
    village: int | None = catalog_pb2.HANDLING_AGENCY,
    default_document: str = "",
    excluded: bool = False,
    online: bool = False,
    days: int = 15,
) -> catalog_pb2.CatalogItem:
    handling = [catalog_pb2.TierHandling(tier=case_pb2.TIER_TOWN, handling=town)]
    if deciding == case_pb2.TIER_CITY:
        handling.append(
            catalog_pb2.TierHandling(
                tier=case_pb2.TIER_CITY, handling=catalog_pb2.HANDLING_COMMITMENT
            )
        )
    if village is not None:
        handling.append(catalog_pb2.TierHandling(tier=case_pb2.TIER_VILLAGE, handling=village))
    return catalog_pb2.CatalogItem(
        code=code,
        version=1,
        name_zh=f"事项{code}",
        name_en=f"Item {code}",
        department_code=department,
        category_code=category,
        deciding_tier=deciding,
        handling=handling,
        legal_basis_zh="示例法规",
        legal_basis_en="Sample regulation",
        materials=[
            catalog_pb2.RequiredMaterial(
                code="application", name_zh="申请书", name_en="Application"
            ),
            catalog_pb2.RequiredMaterial(
                code="household_register", name_zh="户口簿", name_en="Household register"
            ),
            catalog_pb2.RequiredMaterial(
                code="proof", name_zh="证明材料", name_en="Supporting proof"
            ),
        ],
        time_limit_days=days,
        double_default_document=default_document,
        double_default_date="2026-01-18" if default_document else "",
        law_excludes_default=excluded,
        town_online_submission=online,
    )


ITEMS = [
    _item(RESETTLEMENT, default_document="示例民发〔2026〕9号"),
    _item(NO_DEFAULT),
    _item(EXCLUDED, default_document="示例民发〔2026〕9号", excluded=True),
    _item(
        BIRTH,
        department="public_security",
        category="household_registration",
        town=catalog_pb2.HANDLING_DIRECT,
        days=1,
    ),
    _item(
        CABLE_TV,
        department="radio_television",
        category="agency",
        deciding=case_pb2.TIER_CITY,
        town=catalog_pb2.HANDLING_ASSISTED,
        online=True,
        default_document="示例广电发〔2026〕1号",
    ),
    _item(
        FELLING,
        department="forestry",
        category="agriculture_forestry",
        deciding=case_pb2.TIER_CITY,
        town=catalog_pb2.HANDLING_ASSISTED,
    ),
]


async def load_catalog(session: AsyncSession) -> None:
    for item in ITEMS:
        await catalog_replica.store(session, item)


ALL_MATERIALS = ("application", "household_register", "proof")


def transfer(
    seq: int = 1,
    *,
    item_code: str = RESETTLEMENT,
    accepted_at: datetime | None = None,
    deadline: datetime | None = None,
) -> case_pb2.CaseTransfer:
    accepted_at = accepted_at or utcnow()
    deadline = deadline or accepted_at + timedelta(days=21)
    day = accepted_at.astimezone(SHANGHAI)
    return case_pb2.CaseTransfer(
        case_number=f"{VILLAGE}-{day:%Y%m%d}-{seq:04d}",
        query_code="ABCD2345",
        item_code=item_code,
        item_version=1,
        origin_place_code=VILLAGE,
        origin_tier=case_pb2.TIER_VILLAGE,
        sender_place_code=VILLAGE,
        applicant=case_pb2.Applicant(name="赵大山", id_number="341102198001011232"),
        materials=[
            case_pb2.Material(code=c, filename=f"{c}.pdf", content=f"scan {c}".encode())
            for c in ALL_MATERIALS
        ],
        accepted_at=ts(accepted_at),
        deadline=ts(deadline),
        agent_staff_id="village-staff-1",
        acting_staff_id="village-staff-1",
    )


def credential(**overrides: object) -> ApprovalCredential:
    fields: dict[str, object] = dict(
        department_code="civil_affairs",
        actor_staff_id=STAFF.subject,
        item_codes=frozenset(),
        all_items=True,
        tier="town",
        on_behalf_of="",
        credential_id="cred-town-1",
        expires_at=0,
    )
    fields.update(overrides)
    return ApprovalCredential(**fields)  # type: ignore[arg-type]


async def events(session: AsyncSession, case_number: str) -> list[events_pb2.CaseStatusChanged]:
    rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.seq))
    out = [events_pb2.CaseStatusChanged.FromString(r.payload) for r in rows if "case" in r.subject]
    return [e for e in out if e.case_number == case_number]


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)

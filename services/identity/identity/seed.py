"""Demo accounts, the forestry bureau's delegation to its chief representative and the township
civil affairs office's to its representative (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govnet_kit.db import make_engine, make_sessionmaker, transaction, utcnow
from identity.config import IdentitySettings
from identity.staff.models import Delegation, Staff
from identity.staff.service import hash_password

CITY = "341100000000"
TOWNSHIP = "341102101000"
VILLAGE = "341102101201"
VILLAGE_2 = "341102101202"

DEMO_STAFF = [
    # username, display name, tier, place, department, roles
    ("village.duty", "李村务", "village", VILLAGE, "", ["village_staff"]),
    ("town.window", "王窗口", "town", TOWNSHIP, "", ["town_window"]),
    # The township's civil affairs representative: decides the township's civil affairs items
    # under a delegation of tier "town" (A1).
    ("town.civil", "赵民政", "town", TOWNSHIP, "civil_affairs", ["town_window"]),
    # The hall's office: publishes its public notices (a role of its own, least privilege).
    ("town.office", "钱办公室", "town", TOWNSHIP, "", ["town_notice_editor"]),
    ("forestry.rep", "张首席", "city", CITY, "forestry", ["chief_representative"]),
    # The same post's named substitute (L7); holds no delegation of their own.
    ("forestry.deputy", "刘副首席", "city", CITY, "forestry", ["chief_representative"]),
    ("forestry.head", "陈局长", "city", CITY, "forestry", ["department_head"]),
    ("city.admin", "周管理员", "city", CITY, "", ["administrator"]),
    ("city.supervisor", "吴监察", "city", CITY, "", ["supervisor"]),
    # A neighbouring village of the same township, to show staff act only in their own place.
    ("village2.duty", "孙村务", "village", VILLAGE_2, "", ["village_staff"]),
]
# username -> the tier its delegation (all the department's items, for a year) is valid at.
DELEGATED = {"forestry.rep": "city", "town.civil": "town"}


async def seed_demo(settings: IdentitySettings) -> None:
    password = settings.demo_password.get_secret_value()
    if len(password) < 12:
        raise SystemExit(
            "IDENTITY_DEMO_PASSWORD must be set (12+ characters) to seed demo accounts"
        )
    # The demo accounts share one password, so they share one hash: Argon2 is slow by design
    # (about 0.4 CPU seconds a hash here), and ten hashes were most of a platform's seeding.
    password_hash = ""
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    async with transaction(sessions) as session:
        for username, name, tier, place, dept, roles in DEMO_STAFF:
            staff = await session.scalar(select(Staff).where(Staff.username == username))
            if staff is None:
                password_hash = password_hash or hash_password(password)
                staff = Staff(
                    username=username,
                    password_hash=password_hash,
                    display_name=name,
                    tier=tier,
                    place_code=place,
                    department_code=dept,
                    roles=roles,
                )
                session.add(staff)
                await session.flush()
            if username in DELEGATED:
                granted = await session.scalar(
                    select(Delegation).where(Delegation.representative_id == staff.id)
                )
                if granted is None:
                    now = utcnow()
                    session.add(
                        Delegation(
                            department_code=dept,
                            representative_id=staff.id,
                            item_codes=[],
                            all_items=True,
                            tier=DELEGATED[username],
                            valid_from=now - timedelta(minutes=1),
                            valid_until=now + timedelta(days=365),
                        )
                    )
    await engine.dispose()
    print("identity: demo accounts ready:", ", ".join(s[0] for s in DEMO_STAFF))

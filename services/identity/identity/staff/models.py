"""Staff accounts and the delegations departments grant their chief representatives (A1)."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    # "village" | "town" | "city"; place is the administrative division code of the post.
    tier: Mapped[str] = mapped_column(String(10))
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    department_code: Mapped[str] = mapped_column(String(50), default="")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # The last suspension or password reset: the sessions and credentials issued until then
    # are refused (services learn it from the GrantRevoked event with the same time).
    sessions_ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def session_ended(self, issued_at: int) -> bool:
        """Was a token issued at `issued_at` (`iat`, whole seconds) ended since? Its own
        second counts as before, as services count it (govnet_kit.grants)."""
        ended = self.sessions_ended_at
        return ended is not None and issued_at <= int(ended.timestamp())


class Delegation(Base):
    """A department's grant to its representative: which items, which tier, from when to when."""

    __tablename__ = "delegation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    representative_id: Mapped[str] = mapped_column(String(36), index=True)
    item_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    all_items: Mapped[bool] = mapped_column(default=False)
    tier: Mapped[str] = mapped_column(String(10), default="city")
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(String(500), default="")
    granted_by: Mapped[str] = mapped_column(String(36), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Substitution(Base):
    """Same-post substitution (L7): a named substitute acts for the holder for a period."""

    __tablename__ = "substitution"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    holder_id: Mapped[str] = mapped_column(String(36), index=True)
    substitute_id: Mapped[str] = mapped_column(String(36), index=True)
    department_code: Mapped[str] = mapped_column(String(50))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    named_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntegrationClient(Base):
    """Another government system (A3): client credentials scoped to RPCs, places and subjects."""

    __tablename__ = "integration_client"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    # Full gRPC method names, e.g. "/govnet.citycenter.v1.CityCenterService/ListCatalogItems".
    methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    places: Mapped[list[str]] = mapped_column(JSON, default=list)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Sandbox credentials work against demo data only.
    sandbox: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""the township's own appointment book (C5): bookings of its appointment items' slots

Revision ID: d4e6f8a0b2c3
Revises: c2f9a6d1e8b4
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "d4e6f8a0b2c3"
down_revision: str | None = "c2f9a6d1e8b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "town_appointment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=9), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("item_code", sa.String(length=50), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        # Encrypted at rest (govnet_kit.pii.Encrypted): ciphertext as text.
        sa.Column("applicant_name", sa.Text(), nullable=False),
        sa.Column("applicant_phone", sa.Text(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("booked_by", sa.String(length=100), nullable=False),
        sa.Column("booked_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_by", sa.String(length=100), nullable=True),
        sa.Column("cancelled_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.Column("arrived_by", sa.String(length=100), nullable=True),
        sa.Column("arrived_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_appointment")),
        sa.UniqueConstraint("reference", name=op.f("uq_town_appointment_reference")),
    )
    with op.batch_alter_table("town_appointment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_town_appointment_slot", ["township_code", "item_code", "starts_at"], unique=False
        )
        batch_op.create_index("ix_town_appointment_day", ["township_code", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("town_appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_town_appointment_day")
        batch_op.drop_index("ix_town_appointment_slot")
    op.drop_table("town_appointment")

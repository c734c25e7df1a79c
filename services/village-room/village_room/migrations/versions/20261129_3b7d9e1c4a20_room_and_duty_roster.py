"""room and duty roster

Revision ID: 3b7d9e1c4a20
Revises: 5c8f02d6e1b7
Create Date: 2026-11-29 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "3b7d9e1c4a20"
down_revision: str | None = "5c8f02d6e1b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collective_office_day",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("place_code", "month", name=op.f("pk_collective_office_day")),
    )
    op.create_table(
        "duty_member",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=50), nullable=False),
        sa.Column("committee", sa.String(length=30), nullable=False),
        sa.Column("off_duty_contact", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_member")),
        sa.UniqueConstraint("place_code", "staff_id", name="uq_duty_member_staff"),
    )
    with op.batch_alter_table("duty_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_member_place_code"), ["place_code"], unique=False)

    op.create_table(
        "room",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=False),
        sa.Column("contact_numbers", sa.JSON(), nullable=False),
        sa.Column("registered_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("place_code", name=op.f("pk_room")),
    )
    op.create_table(
        "room_rules",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("first_inquiry_zh", sa.Text(), nullable=False),
        sa.Column("first_inquiry_en", sa.Text(), nullable=False),
        sa.Column("service_commitment_zh", sa.Text(), nullable=False),
        sa.Column("service_commitment_en", sa.Text(), nullable=False),
        sa.Column("one_time_notice_zh", sa.Text(), nullable=False),
        sa.Column("one_time_notice_en", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("place_code", name=op.f("pk_room_rules")),
    )
    op.create_table(
        "duty_assignment",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["duty_member.id"], name=op.f("fk_duty_assignment_member_id_duty_member")
        ),
        sa.PrimaryKeyConstraint("place_code", "day", "member_id", name=op.f("pk_duty_assignment")),
    )


def downgrade() -> None:
    op.drop_table("duty_assignment")
    op.drop_table("room_rules")
    op.drop_table("room")
    with op.batch_alter_table("duty_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_member_place_code"))

    op.drop_table("duty_member")
    op.drop_table("collective_office_day")

"""the hall's public notices and its report box

Revision ID: 8e41c7a2b5d3
Revises: f0b2d4c6e8a1
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "8e41c7a2b5d3"
down_revision: str | None = "f0b2d4c6e8a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "town_notice",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("published_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_notice")),
    )
    with op.batch_alter_table("town_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_town_notice_township_code"), ["township_code"], unique=False
        )
    op.create_table(
        "town_report",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("window_code", sa.String(length=50), nullable=False),
        sa.Column("person", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("follow_code", sa.Text(), nullable=True),
        sa.Column("received_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("forwarded_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("city_status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_report")),
        sa.UniqueConstraint("number", name=op.f("uq_town_report_number")),
    )
    with op.batch_alter_table("town_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_town_report_township_code"), ["township_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_town_report_received_at"), ["received_at"], unique=False
        )
    op.create_table(
        "town_report_sequence",
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("township_code", "day", name=op.f("pk_town_report_sequence")),
    )


def downgrade() -> None:
    op.drop_table("town_report_sequence")
    with op.batch_alter_table("town_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_report_received_at"))
        batch_op.drop_index(batch_op.f("ix_town_report_township_code"))
    op.drop_table("town_report")
    with op.batch_alter_table("town_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_notice_township_code"))
    op.drop_table("town_notice")

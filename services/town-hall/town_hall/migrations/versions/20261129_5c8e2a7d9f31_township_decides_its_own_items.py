"""township decides its own items: windows, clocks, flags, walk-in acceptance, hand-over

Revision ID: 5c8e2a7d9f31
Revises: 7b3e91c0d2a4
Create Date: 2026-11-29 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "5c8e2a7d9f31"
down_revision: str | None = "7b3e91c0d2a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "town_case_sequence",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("place_code", "day", name=op.f("pk_town_case_sequence")),
    )
    op.create_table(
        "town_document_sequence",
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "township_code", "department_code", "year", name=op.f("pk_town_document_sequence")
        ),
    )
    op.create_table(
        "town_one_time_notice",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("item_code", sa.String(length=50), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("issued_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_one_time_notice")),
    )
    with op.batch_alter_table("town_one_time_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_town_one_time_notice_township_code"), ["township_code"], unique=False
        )

    op.create_table(
        "town_window",
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("category_codes", sa.JSON(), nullable=False),
        sa.Column("department_codes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("township_code", "code", name=op.f("pk_town_window")),
    )
    op.create_table(
        "town_case_flag",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("window_code", sa.String(length=50), nullable=False),
        sa.Column("responsible_staff_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("raised_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["town_case.id"], name=op.f("fk_town_case_flag_case_id_town_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_case_flag")),
    )
    with op.batch_alter_table("town_case_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_town_case_flag_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_town_case_flag_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_town_case_flag_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_town_case_flag_township_code"), ["township_code"], unique=False
        )

    op.create_table(
        "town_case_timer",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("due_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("armed_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["town_case.id"],
            name=op.f("fk_town_case_timer_case_id_town_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_town_case_timer")),
    )
    with op.batch_alter_table("town_case_timer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_town_case_timer_due_at"), ["due_at"], unique=False)

    with op.batch_alter_table("town_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handling", sa.String(length=20), server_default="assisted", nullable=False)
        )
        batch_op.add_column(
            sa.Column("window_code", sa.String(length=50), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("walk_in", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("owner_staff_id", sa.String(length=36), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("suspended_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("remaining_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("supplement_request", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("calendar_warning", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_town_case_window_code"), ["window_code"], unique=False)

    with op.batch_alter_table("town_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason_code", sa.String(length=50), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("credential_id", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("handed_over_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("handed_over_by", sa.String(length=36), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("recipient_kind", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("recipient_note", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("town_decision", schema=None) as batch_op:
        batch_op.drop_column("recipient_note")
        batch_op.drop_column("recipient_kind")
        batch_op.drop_column("handed_over_by")
        batch_op.drop_column("handed_over_at")
        batch_op.drop_column("credential_id")
        batch_op.drop_column("reason_code")

    with op.batch_alter_table("town_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_case_window_code"))
        batch_op.drop_column("calendar_warning")
        batch_op.drop_column("supplement_request")
        batch_op.drop_column("remaining_days")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("owner_staff_id")
        batch_op.drop_column("walk_in")
        batch_op.drop_column("window_code")
        batch_op.drop_column("handling")

    with op.batch_alter_table("town_case_timer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_case_timer_due_at"))

    op.drop_table("town_case_timer")
    with op.batch_alter_table("town_case_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_case_flag_township_code"))
        batch_op.drop_index(batch_op.f("ix_town_case_flag_kind"))
        batch_op.drop_index(batch_op.f("ix_town_case_flag_department_code"))
        batch_op.drop_index(batch_op.f("ix_town_case_flag_case_id"))

    op.drop_table("town_case_flag")
    op.drop_table("town_window")
    with op.batch_alter_table("town_one_time_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_one_time_notice_township_code"))

    op.drop_table("town_one_time_notice")
    op.drop_table("town_document_sequence")
    op.drop_table("town_case_sequence")

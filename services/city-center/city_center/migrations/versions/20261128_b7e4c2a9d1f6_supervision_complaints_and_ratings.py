"""supervision, complaints and ratings: the clock projection built from the thin events, the
messages owed to window staff, complaints with their follow-up, rating codes and ratings

Revision ID: b7e4c2a9d1f6
Revises: 7a3c5e9f1b24, f1c7a3d9e2b4
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "b7e4c2a9d1f6"
down_revision: str | tuple[str, ...] | None = ("7a3c5e9f1b24", "f1c7a3d9e2b4")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("window_id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("handler_staff_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("received_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("concluded_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("number", name=op.f("uq_complaint_number")),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_case_number"), ["case_number"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_complaint_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaint_place_code"), ["place_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_status"), ["status"], unique=False)

    op.create_table(
        "rating",
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rated_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_number", name=op.f("pk_rating")),
    )
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_rated_at"), ["rated_at"], unique=False)

    op.create_table(
        "rating_invitation",
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_number", name=op.f("pk_rating_invitation")),
    )
    op.create_table(
        "supervision_clock",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("origin_place_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("item_code", sa.String(length=50), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("deadline", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("responsible_staff_id", sa.String(length=64), nullable=False),
        sa.Column("reason_code", sa.String(length=50), nullable=False),
        sa.Column("flag", sa.String(length=20), nullable=False),
        sa.Column("started_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("handled_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("handled_by_staff_id", sa.String(length=64), nullable=False),
        sa.Column("next_warning_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warned", sa.JSON(), nullable=False),
        sa.Column("last_event_id", sa.String(length=64), nullable=False),
        sa.Column("last_event_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_clock")),
        sa.UniqueConstraint("case_number", "tier", name="uq_supervision_clock_case_tier"),
    )
    with op.batch_alter_table("supervision_clock", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_clock_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supervision_clock_flag"), ["flag"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supervision_clock_handled_at"), ["handled_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_clock_item_code"), ["item_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_clock_next_warning_at"), ["next_warning_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_clock_origin_place_code"),
            ["origin_place_code"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_clock_responsible_staff_id"),
            ["responsible_staff_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_supervision_clock_state_deadline", ["state", "deadline"], unique=False
        )
        batch_op.create_index(
            "ix_supervision_clock_tier_place", ["tier", "place_code"], unique=False
        )

    op.create_table(
        "supervision_message",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("deadline", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("notification_id", sa.String(length=64), nullable=False),
        sa.Column("raised_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_message")),
        sa.UniqueConstraint("case_number", "tier", "kind", name="uq_supervision_message_case_kind"),
    )
    with op.batch_alter_table("supervision_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_message_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supervision_message_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_message_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "complaint_step",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_complaint_step_complaint_id_complaint"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_step")),
    )
    with op.batch_alter_table("complaint_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_step_complaint_id"), ["complaint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_step_complaint_id"))

    op.drop_table("complaint_step")
    with op.batch_alter_table("supervision_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_message_staff_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_message_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_supervision_message_kind"))

    op.drop_table("supervision_message")
    with op.batch_alter_table("supervision_clock", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_clock_tier_place")
        batch_op.drop_index("ix_supervision_clock_state_deadline")
        batch_op.drop_index(batch_op.f("ix_supervision_clock_responsible_staff_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_clock_origin_place_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_clock_next_warning_at"))
        batch_op.drop_index(batch_op.f("ix_supervision_clock_item_code"))
        batch_op.drop_index(batch_op.f("ix_supervision_clock_handled_at"))
        batch_op.drop_index(batch_op.f("ix_supervision_clock_flag"))
        batch_op.drop_index(batch_op.f("ix_supervision_clock_department_code"))

    op.drop_table("supervision_clock")
    op.drop_table("rating_invitation")
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_rated_at"))

    op.drop_table("rating")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_status"))
        batch_op.drop_index(batch_op.f("ix_complaint_staff_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_received_at"))
        batch_op.drop_index(batch_op.f("ix_complaint_place_code"))
        batch_op.drop_index(batch_op.f("ix_complaint_department_code"))
        batch_op.drop_index(batch_op.f("ix_complaint_case_number"))

    op.drop_table("complaint")

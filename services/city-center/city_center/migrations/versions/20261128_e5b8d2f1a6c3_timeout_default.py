"""timeout default: durable case clocks and supervisor flags

Revision ID: e5b8d2f1a6c3
Revises: c4a1f3e2b7d9
Create Date: 2026-11-28 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "e5b8d2f1a6c3"
down_revision: str | None = "c4a1f3e2b7d9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_timer",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("due_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("armed_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["city_case.id"],
            name=op.f("fk_case_timer_case_id_city_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_timer")),
    )
    with op.batch_alter_table("case_timer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_timer_due_at"), ["due_at"], unique=False)
    op.create_table(
        "case_flag",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("responsible_staff_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("raised_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["city_case.id"], name=op.f("fk_case_flag_case_id_city_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_flag")),
    )
    with op.batch_alter_table("case_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_flag_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_flag_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_flag_kind"), ["kind"], unique=False)
    # Clocks of cases already waiting (pending decision 4, in review 10) start running.
    op.execute(
        "INSERT INTO case_timer (case_id, due_at, armed_at) "
        "SELECT id, deadline, received_at FROM city_case WHERE status IN (4, 10)"
    )


def downgrade() -> None:
    with op.batch_alter_table("case_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_flag_kind"))
        batch_op.drop_index(batch_op.f("ix_case_flag_department_code"))
        batch_op.drop_index(batch_op.f("ix_case_flag_case_id"))
    op.drop_table("case_flag")
    with op.batch_alter_table("case_timer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_timer_due_at"))
    op.drop_table("case_timer")

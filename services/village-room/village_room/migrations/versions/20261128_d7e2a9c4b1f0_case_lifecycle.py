"""case lifecycle: supplements, withdrawal requests, the applicant's record of steps

Revision ID: d7e2a9c4b1f0
Revises: acafe2fe5f58
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "d7e2a9c4b1f0"
down_revision: str | None = "acafe2fe5f58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "village_case_step",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("reason_code", sa.String(length=50), nullable=False),
        sa.Column("acting_staff_id", sa.String(length=36), nullable=False),
        sa.Column("occurred_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["village_case.id"],
            name=op.f("fk_village_case_step_case_id_village_case"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_village_case_step")),
    )
    with op.batch_alter_table("village_case_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_village_case_step_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("village_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplement_request", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("supplements", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "withdrawal_requested_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("village_case_material", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("supplement_no", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("village_case_material", schema=None) as batch_op:
        batch_op.drop_column("supplement_no")
    with op.batch_alter_table("village_case", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawal_requested_at")
        batch_op.drop_column("supplements")
        batch_op.drop_column("supplement_request")
    with op.batch_alter_table("village_case_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_village_case_step_case_id"))
    op.drop_table("village_case_step")

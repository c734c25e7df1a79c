"""case lifecycle: owner, suspension clock, supplement request, extension

Revision ID: c4a1f3e2b7d9
Revises: ff8d1ca0868f
Create Date: 2026-11-27 23:59:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "c4a1f3e2b7d9"
down_revision: str | None = "ff8d1ca0868f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner_staff_id", sa.String(length=36), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("suspended_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("remaining_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("supplement_request", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("extended_days", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.drop_column("extended_days")
        batch_op.drop_column("supplement_request")
        batch_op.drop_column("remaining_days")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("owner_staff_id")

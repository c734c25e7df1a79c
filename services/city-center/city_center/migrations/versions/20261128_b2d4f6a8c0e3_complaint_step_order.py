"""complaint steps numbered within their complaint

Revision ID: b2d4f6a8c0e3
Revises: e9a1c3b5d7f0
Create Date: 2026-11-28 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2d4f6a8c0e3"
down_revision: str | None = "e9a1c3b5d7f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("complaint_step", schema=None) as batch_op:
        batch_op.drop_column("seq")

"""fee charge: the collector's display name, as the receipt names them

Revision ID: c2f9a6d1e8b4
Revises: a7c3e5f9b1d2
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c2f9a6d1e8b4"
down_revision: str | None = "a7c3e5f9b1d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("town_fee_charge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_name", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("town_fee_charge", schema=None) as batch_op:
        batch_op.drop_column("recorded_by_name")

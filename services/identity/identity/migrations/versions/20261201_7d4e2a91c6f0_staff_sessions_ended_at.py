"""staff: when the account's sessions were last ended (suspension, password reset)

Revision ID: 7d4e2a91c6f0
Revises: b9e1aa33eae9
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "7d4e2a91c6f0"
down_revision: str | None = "b9e1aa33eae9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sessions_ended_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("sessions_ended_at")

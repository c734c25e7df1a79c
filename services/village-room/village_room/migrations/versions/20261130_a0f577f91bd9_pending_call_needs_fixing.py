"""pending calls: why the last attempt failed, and "needs fixing" for a refused call

Revision ID: a0f577f91bd9
Revises: 4e9b2c6d8f11
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "a0f577f91bd9"
down_revision: str | None = "4e9b2c6d8f11"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pending_call", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("failure_field", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("failure_message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("failure_message_zh", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("needs_fixing_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_call", schema=None) as batch_op:
        batch_op.drop_column("needs_fixing_at")
        batch_op.drop_column("failure_message_zh")
        batch_op.drop_column("failure_message")
        batch_op.drop_column("failure_field")
        batch_op.drop_column("failure")

"""the hand-over of an online case's result at the city (T1, L4): when, by whom, in person or
by post, and the post's tracking number

Decisions recorded before this revision were of escalated cases, handed over below.

Revision ID: d2f4a6c8e0b3
Revises: c6e8a0b2d4f7
Create Date: 2026-11-29 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "d2f4a6c8e0b3"
down_revision: str | None = "c6e8a0b2d4f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("city_case_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handed_over_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("handed_over_by", sa.String(length=36), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("hand_over_channel", sa.String(length=10), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("tracking_number", sa.String(length=40), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("city_case_decision", schema=None) as batch_op:
        batch_op.drop_column("tracking_number")
        batch_op.drop_column("hand_over_channel")
        batch_op.drop_column("handed_over_by")
        batch_op.drop_column("handed_over_at")

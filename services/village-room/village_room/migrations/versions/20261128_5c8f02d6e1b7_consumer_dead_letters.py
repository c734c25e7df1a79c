"""consumer dead letters: what the durable consumers gave up on, kept for replay

Revision ID: 5c8f02d6e1b7
Revises: d7e2a9c4b1f0
Create Date: 2026-11-28 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "5c8f02d6e1b7"
down_revision: str | None = "d7e2a9c4b1f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consumer_dead_letter",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("stream", sa.String(length=100), nullable=False),
        sa.Column("stream_sequence", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("dead_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("replay_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consumer_dead_letter")),
        sa.UniqueConstraint(
            "consumer", "stream", "stream_sequence", name="uq_consumer_dead_letter_message"
        ),
    )


def downgrade() -> None:
    op.drop_table("consumer_dead_letter")

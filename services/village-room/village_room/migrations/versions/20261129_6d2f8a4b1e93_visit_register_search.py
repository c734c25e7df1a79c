"""visit register outcomes and search

Revision ID: 6d2f8a4b1e93
Revises: 3b7d9e1c4a20
Create Date: 2026-11-29 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "6d2f8a4b1e93"
down_revision: str | None = "3b7d9e1c4a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applicant_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("outcome_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_visit_visited_at"), ["visited_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_visited_at"))
        batch_op.drop_column("outcome_at")
        batch_op.drop_column("applicant_id")

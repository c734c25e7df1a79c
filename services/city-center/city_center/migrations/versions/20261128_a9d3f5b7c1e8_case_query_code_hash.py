"""a keyed hash of the case's query code, for the public look-up

Revision ID: a9d3f5b7c1e8
Revises: c3e5a7b9d1f2
Create Date: 2026-11-28 05:40:00

Cases received before this revision keep NULL: the code was never stored, so they cannot be
looked up at the city.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9d3f5b7c1e8"
down_revision: str | None = "c3e5a7b9d1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("query_code_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.drop_column("query_code_hash")

"""full-process agent of a project approval; joins the calendar and supervision branches

Revision ID: d8f2b4a6c0e1
Revises: a2c4e6f8b0d1, b7e4c2a9d1f6
Create Date: 2026-11-28 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d8f2b4a6c0e1"
down_revision: str | tuple[str, ...] | None = ("a2c4e6f8b0d1", "b7e4c2a9d1f6")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "process_agent_staff_id", sa.String(length=36), server_default="", nullable=False
            )
        )
        batch_op.create_index(
            batch_op.f("ix_city_case_process_agent_staff_id"),
            ["process_agent_staff_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_city_case_process_agent_staff_id"))
        batch_op.drop_column("process_agent_staff_id")

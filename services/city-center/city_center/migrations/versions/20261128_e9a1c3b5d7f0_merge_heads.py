"""one head again: joins the branches built in parallel (1993e0e4da0a; d8f2b4a6c0e1)

Revision ID: e9a1c3b5d7f0
Revises: 1993e0e4da0a, d8f2b4a6c0e1
Create Date: 2026-11-28 01:30:00
"""

from collections.abc import Sequence

revision: str = "e9a1c3b5d7f0"
down_revision: str | tuple[str, ...] | None = ("1993e0e4da0a", "d8f2b4a6c0e1")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

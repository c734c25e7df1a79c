"""one head again: joins the branches built in parallel (2d6f8b1e4a90; 3bbac28b2755; b3d5f7a9c1e2)

Revision ID: f0b2d4c6e8a1
Revises: 2d6f8b1e4a90, 3bbac28b2755, b3d5f7a9c1e2
Create Date: 2026-11-28 01:30:00
"""

from collections.abc import Sequence

revision: str = "f0b2d4c6e8a1"
down_revision: str | tuple[str, ...] | None = ("2d6f8b1e4a90", "3bbac28b2755", "b3d5f7a9c1e2")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

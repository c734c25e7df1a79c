"""one head again: joins the branches built in parallel (546ce4fce46f; 9e41c7a2d5b3; a0f577f91bd9; c4e6a8b0d2f3)

Revision ID: a1c3e5b7d9f2
Revises: 546ce4fce46f, 9e41c7a2d5b3, a0f577f91bd9, c4e6a8b0d2f3
Create Date: 2026-11-28 01:30:00
"""

from collections.abc import Sequence

revision: str = "a1c3e5b7d9f2"
down_revision: str | tuple[str, ...] | None = (
    "546ce4fce46f",
    "9e41c7a2d5b3",
    "a0f577f91bd9",
    "c4e6a8b0d2f3",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""complaint contact encrypted at rest, like the township's report box

Existing contacts are encrypted under the service's PII_KEY (refused without it).

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e3
Create Date: 2026-11-28 05:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from govnet_kit import pii

revision: str = "c3e5a7b9d1f2"
down_revision: str | None = "b2d4f6a8c0e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTEXTS = {"contact": "complaint.contact"}


def upgrade() -> None:
    from city_center.config import get_settings

    pii.migration_keyring(get_settings())
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.alter_column(
            "contact", existing_type=sa.String(length=200), type_=sa.Text(), nullable=False
        )
    pii.encrypt_existing(op.get_bind(), "complaint", CONTEXTS)


def downgrade() -> None:
    from city_center.config import get_settings

    pii.migration_keyring(get_settings())
    pii.decrypt_existing(op.get_bind(), "complaint", CONTEXTS)
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.alter_column(
            "contact", existing_type=sa.Text(), type_=sa.String(length=200), nullable=False
        )

"""personal data encrypted at rest: the applicant's name and ID number on town_case

Existing rows are encrypted under the service's PII_KEY (refused without it).

Revision ID: 2d6f8b1e4a90
Revises: e3a3929c6708
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from govnet_kit import pii

revision: str = "2d6f8b1e4a90"
down_revision: str | None = "e3a3929c6708"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"applicant_name": 100, "applicant_id_number": 30}
CONTEXTS = {c: f"town_case.{c}" for c in COLUMNS}


def upgrade() -> None:
    from town_hall.config import get_settings

    pii.migration_keyring(get_settings())
    with op.batch_alter_table("town_case", schema=None) as batch_op:
        for name, length in COLUMNS.items():
            batch_op.alter_column(
                name, existing_type=sa.String(length=length), type_=sa.Text(), nullable=False
            )
    pii.encrypt_existing(op.get_bind(), "town_case", CONTEXTS)


def downgrade() -> None:
    from town_hall.config import get_settings

    pii.migration_keyring(get_settings())
    pii.decrypt_existing(op.get_bind(), "town_case", CONTEXTS)
    with op.batch_alter_table("town_case", schema=None) as batch_op:
        for name, length in COLUMNS.items():
            batch_op.alter_column(
                name, existing_type=sa.Text(), type_=sa.String(length=length), nullable=False
            )

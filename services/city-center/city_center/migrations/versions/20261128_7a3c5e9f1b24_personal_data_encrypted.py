"""personal data encrypted at rest: the applicant's name and ID number on city_case, the
booked person's name and phone on appointment

Existing rows are encrypted under the service's PII_KEY (refused without it).

Revision ID: 7a3c5e9f1b24
Revises: 3afd77897873
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from govnet_kit import pii

revision: str = "7a3c5e9f1b24"
down_revision: str | None = "3afd77897873"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "city_case": {"applicant_name": 100, "applicant_id_number": 30},
    "appointment": {"applicant_name": 100, "applicant_phone": 11},
}


def _contexts(table: str) -> dict[str, str]:
    return {c: f"{table}.{c}" for c in TABLES[table]}


def upgrade() -> None:
    from city_center.config import get_settings

    pii.migration_keyring(get_settings())
    for table, columns in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length in columns.items():
                batch_op.alter_column(
                    name, existing_type=sa.String(length=length), type_=sa.Text(), nullable=False
                )
        pii.encrypt_existing(op.get_bind(), table, _contexts(table))


def downgrade() -> None:
    from city_center.config import get_settings

    pii.migration_keyring(get_settings())
    for table, columns in TABLES.items():
        pii.decrypt_existing(op.get_bind(), table, _contexts(table))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length in columns.items():
                batch_op.alter_column(
                    name, existing_type=sa.Text(), type_=sa.String(length=length), nullable=False
                )

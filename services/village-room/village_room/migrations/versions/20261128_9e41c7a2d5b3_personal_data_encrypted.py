"""personal data encrypted at rest: applicant name, ID number and phone; keyed look-up hashes

Existing rows are encrypted under the service's PII_KEY (the migration refuses to run on rows
without it); phone_hash becomes the HMAC of the sha256 of the phone, id_number_hash is new.

Revision ID: 9e41c7a2d5b3
Revises: d7e2a9c4b1f0
Create Date: 2026-11-28 02:00:00
"""

import hashlib
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from govnet_kit import pii

revision: str = "9e41c7a2d5b3"
down_revision: str | None = "d7e2a9c4b1f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"name": 100, "id_number": 30, "phone": 30}
CONTEXTS = {c: f"applicant.{c}" for c in COLUMNS}


def _sha256_phone(phone: str) -> str:  # frozen copy of the normalisation of this revision
    digits = re.sub(r"[\s\-()]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return hashlib.sha256(digits.encode()).hexdigest()


def upgrade() -> None:
    from village_room.config import get_settings

    pii.migration_keyring(get_settings())
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        for name, length in COLUMNS.items():
            batch_op.alter_column(
                name, existing_type=sa.String(length=length), type_=sa.Text(), nullable=False
            )
        batch_op.add_column(
            sa.Column("id_number_hash", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_applicant_id_number_hash"), ["id_number_hash"], unique=False
        )
    pii.encrypt_existing(
        op.get_bind(),
        "applicant",
        CONTEXTS,
        derive={
            "phone_hash": lambda k, row: k.lookup_hash(
                _sha256_phone(row["phone"]), context="applicant.phone"
            ),
            "id_number_hash": lambda k, row: k.lookup_hash(
                row["id_number"].strip().upper(), context="applicant.id_number"
            ),
        },
    )


def downgrade() -> None:
    from village_room.config import get_settings

    pii.migration_keyring(get_settings())
    pii.decrypt_existing(
        op.get_bind(),
        "applicant",
        CONTEXTS,
        derive={"phone_hash": lambda k, row: _sha256_phone(row["phone"])},
    )
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applicant_id_number_hash"))
        batch_op.drop_column("id_number_hash")
        for name, length in COLUMNS.items():
            batch_op.alter_column(
                name, existing_type=sa.Text(), type_=sa.String(length=length), nullable=False
            )

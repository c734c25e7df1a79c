"""contact addresses encrypted at rest (recipient, notification); the inbox finds an address
by its keyed hash

Existing rows are encrypted under the service's PII_KEY (refused without it).

Revision ID: c81f4d7b2e65
Revises: d9542d93931c
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from govnet_kit import pii

revision: str = "c81f4d7b2e65"
down_revision: str | None = "d9542d93931c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _address_key(keyring: pii.Keyring, row) -> str:  # type: ignore[no-untyped-def]
    return keyring.lookup_hash(row["address"].strip(), context="notification.address")


def upgrade() -> None:
    from notify.config import get_settings

    pii.migration_keyring(get_settings())
    with op.batch_alter_table("recipient", schema=None) as batch_op:
        batch_op.alter_column(
            "address", existing_type=sa.String(length=254), type_=sa.Text(), nullable=False
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_inbox")
        batch_op.alter_column(
            "address", existing_type=sa.String(length=254), type_=sa.Text(), nullable=False
        )
        batch_op.add_column(
            sa.Column("address_hash", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.create_index("ix_notification_inbox", ["address_hash", "created_at"], unique=False)
    bind = op.get_bind()
    pii.encrypt_existing(bind, "recipient", {"address": "recipient.address"})
    pii.encrypt_existing(
        bind,
        "notification",
        {"address": "notification.address"},
        derive={"address_hash": _address_key},
    )


def downgrade() -> None:
    from notify.config import get_settings

    pii.migration_keyring(get_settings())
    bind = op.get_bind()
    pii.decrypt_existing(bind, "recipient", {"address": "recipient.address"})
    pii.decrypt_existing(bind, "notification", {"address": "notification.address"})
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_inbox")
        batch_op.drop_column("address_hash")
        batch_op.alter_column(
            "address", existing_type=sa.Text(), type_=sa.String(length=254), nullable=False
        )
        batch_op.create_index("ix_notification_inbox", ["address", "created_at"], unique=False)
    with op.batch_alter_table("recipient", schema=None) as batch_op:
        batch_op.alter_column(
            "address", existing_type=sa.Text(), type_=sa.String(length=254), nullable=False
        )

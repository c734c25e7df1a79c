"""fees at the township window: the fee record of a walk-in case, receipt numbers

The fee record's columns and the receipt sequence are the kit's (govnet_kit.fee_records,
govnet_kit.receipts), the same as the village room's.

Revision ID: a7c3e5f9b1d2
Revises: 8e41c7a2b5d3
Create Date: 2026-11-28 17:23:13.473849
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "a7c3e5f9b1d2"
down_revision: str | None = "8e41c7a2b5d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_sequence",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("place_code", "year", name=op.f("pk_receipt_sequence")),
    )
    op.create_table(
        "town_fee_charge",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("item_code", sa.String(length=50), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("fee_basis_zh", sa.Text(), nullable=False),
        sa.Column("fee_basis_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assessed_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("receipt_number", sa.String(length=40), nullable=True),
        sa.Column("paid_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=80), nullable=True),
        sa.Column("waiver_reason", sa.Text(), nullable=True),
        sa.Column("waived_by", sa.String(length=80), nullable=True),
        sa.Column("waived_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["town_case.id"], name=op.f("fk_town_fee_charge_case_id_town_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_fee_charge")),
        sa.UniqueConstraint("case_id", name=op.f("uq_town_fee_charge_case_id")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_town_fee_charge_receipt_number")),
    )
    with op.batch_alter_table("town_fee_charge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_town_fee_charge_place_code"), ["place_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("town_fee_charge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_town_fee_charge_place_code"))

    op.drop_table("town_fee_charge")
    op.drop_table("receipt_sequence")

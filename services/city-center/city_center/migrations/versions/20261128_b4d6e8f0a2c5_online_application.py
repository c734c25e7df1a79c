"""online application at the city (T1): the case's origin, the city's own case numbers, and
the contact of the applicant who applied online (the phone encrypted)

Cases received before this revision were all escalated by townships.

Revision ID: b4d6e8f0a2c5
Revises: a9d3f5b7c1e8
Create Date: 2026-11-28 17:25:37
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b4d6e8f0a2c5"
down_revision: str | None = "a9d3f5b7c1e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "city_case_sequence",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("place_code", "day", name=op.f("pk_city_case_sequence")),
    )
    op.create_table(
        "city_online_applicant",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["city_case.id"],
            name=op.f("fk_city_online_applicant_case_id_city_case"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_city_online_applicant")),
    )
    with op.batch_alter_table("city_online_applicant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_city_online_applicant_subject_hash"), ["subject_hash"], unique=False
        )
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=10), server_default="escalated", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("city_case", schema=None) as batch_op:
        batch_op.drop_column("origin")
    with op.batch_alter_table("city_online_applicant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_city_online_applicant_subject_hash"))
    op.drop_table("city_online_applicant")
    op.drop_table("city_case_sequence")

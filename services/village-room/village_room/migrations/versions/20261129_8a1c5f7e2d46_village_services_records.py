"""village services records

Revision ID: 8a1c5f7e2d46
Revises: 6d2f8a4b1e93
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "8a1c5f7e2d46"
down_revision: str | None = "6d2f8a4b1e93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agency_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("case_number", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handed_over_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handed_over_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_record")),
    )
    with op.batch_alter_table("agency_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_record_place_code"), ["place_code"], unique=False
        )

    op.create_table(
        "consultation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("referred_to", sa.String(length=200), nullable=False),
        sa.Column("applicant_id", sa.String(length=36), nullable=True),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_place_code"), ["place_code"], unique=False
        )

    op.create_table(
        "development_activity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_activity")),
    )
    with op.batch_alter_table("development_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_activity_place_code"), ["place_code"], unique=False
        )

    op.create_table(
        "mediation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("dispute_type", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("party_applicant_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agreement", sa.Text(), nullable=False),
        sa.Column("referred_to", sa.String(length=200), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("opened_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation")),
    )
    with op.batch_alter_table("mediation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_place_code"), ["place_code"], unique=False)

    op.create_table(
        "welfare_collection",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("benefit", sa.String(length=30), nullable=False),
        sa.Column("beneficiary_applicant_id", sa.String(length=36), nullable=False),
        sa.Column("collected_by_staff_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=60), nullable=False),
        sa.Column("collected_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_collection")),
        sa.UniqueConstraint(
            "place_code",
            "beneficiary_applicant_id",
            "benefit",
            "period",
            name="uq_welfare_collection_period",
        ),
        sa.UniqueConstraint("place_code", "receipt_number", name="uq_welfare_collection_receipt"),
    )
    with op.batch_alter_table("welfare_collection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_welfare_collection_place_code"), ["place_code"], unique=False
        )

    op.create_table(
        "development_session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("instructor", sa.String(length=100), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("attendee_applicant_ids", sa.JSON(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["development_activity.id"],
            name=op.f("fk_development_session_activity_id_development_activity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_session")),
    )
    with op.batch_alter_table("development_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_development_session_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "mediation_session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("mediation_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("mediator_staff_id", sa.String(length=36), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["mediation.id"],
            name=op.f("fk_mediation_session_mediation_id_mediation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_session")),
        sa.UniqueConstraint("mediation_id", "number", name="uq_mediation_session_no"),
    )
    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediation_session_mediation_id"), ["mediation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_session_mediation_id"))

    op.drop_table("mediation_session")
    with op.batch_alter_table("development_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_session_activity_id"))

    op.drop_table("development_session")
    with op.batch_alter_table("welfare_collection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_collection_place_code"))

    op.drop_table("welfare_collection")
    with op.batch_alter_table("mediation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_place_code"))

    op.drop_table("mediation")
    with op.batch_alter_table("development_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_activity_place_code"))

    op.drop_table("development_activity")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_place_code"))

    op.drop_table("consultation")
    with op.batch_alter_table("agency_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_record_place_code"))

    op.drop_table("agency_record")

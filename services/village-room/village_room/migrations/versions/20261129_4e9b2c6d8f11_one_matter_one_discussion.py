"""one matter one discussion

Revision ID: 4e9b2c6d8f11
Revises: 8a1c5f7e2d46
Create Date: 2026-11-29 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "4e9b2c6d8f11"
down_revision: str | None = "8a1c5f7e2d46"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_rules",
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("quorum_numerator", sa.Integer(), nullable=False),
        sa.Column("quorum_denominator", sa.Integer(), nullable=False),
        sa.Column("adoption_numerator", sa.Integer(), nullable=False),
        sa.Column("adoption_denominator", sa.Integer(), nullable=False),
        sa.Column("deadline_working_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=False),
        sa.Column("updated_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("place_code", name=op.f("pk_discussion_rules")),
    )
    op.create_table(
        "proposal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("proposer_applicant_id", sa.String(length=36), nullable=True),
        sa.Column("submitted_by", sa.String(length=36), nullable=False),
        sa.Column("submitted_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("committees_opinion", sa.Text(), nullable=False),
        sa.Column("studied_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.Column("meeting_id", sa.String(length=36), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=False),
        sa.Column("votes_against", sa.Integer(), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), nullable=False),
        sa.Column("decided_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_place_code"), ["place_code"], unique=False)

    op.create_table(
        "representative_meeting",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("representatives_total", sa.Integer(), nullable=False),
        sa.Column("present_ids", sa.JSON(), nullable=False),
        sa.Column("quorum_needed", sa.Integer(), nullable=False),
        sa.Column("convened_by", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representative_meeting")),
    )
    with op.batch_alter_table("representative_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_representative_meeting_place_code"), ["place_code"], unique=False
        )

    op.create_table(
        "villager_representative",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("place_code", sa.String(length=12), nullable=False),
        sa.Column("display_name", sa.String(length=50), nullable=False),
        sa.Column("group_name", sa.String(length=50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_villager_representative")),
    )
    with op.batch_alter_table("villager_representative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_villager_representative_place_code"), ["place_code"], unique=False
        )

    op.create_table(
        "representative_vote",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("representative_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("vote", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("cast_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["representative_meeting.id"],
            name=op.f("fk_representative_vote_meeting_id_representative_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_representative_vote_proposal_id_proposal"),
        ),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["villager_representative.id"],
            name=op.f("fk_representative_vote_representative_id_villager_representative"),
        ),
        sa.PrimaryKeyConstraint(
            "proposal_id", "representative_id", name=op.f("pk_representative_vote")
        ),
    )


def downgrade() -> None:
    op.drop_table("representative_vote")
    with op.batch_alter_table("villager_representative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_villager_representative_place_code"))

    op.drop_table("villager_representative")
    with op.batch_alter_table("representative_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_representative_meeting_place_code"))

    op.drop_table("representative_meeting")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_place_code"))

    op.drop_table("proposal")
    op.drop_table("discussion_rules")

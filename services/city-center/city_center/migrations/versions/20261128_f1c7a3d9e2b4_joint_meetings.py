"""joint meetings with the absence default

Revision ID: f1c7a3d9e2b4
Revises: e5b8d2f1a6c3
Create Date: 2026-11-28 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govnet_kit.db

revision: str = "f1c7a3d9e2b4"
down_revision: str | None = "e5b8d2f1a6c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "joint_meeting",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("convened_by", sa.String(length=36), nullable=False),
        sa.Column("convened_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opinion_deadline", govnet_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["city_case.id"], name=op.f("fk_joint_meeting_case_id_city_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_meeting")),
        sa.UniqueConstraint("case_id", name=op.f("uq_joint_meeting_case_id")),
    )
    with op.batch_alter_table("joint_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_joint_meeting_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_joint_meeting_opinion_deadline"), ["opinion_deadline"], unique=False
        )
    op.create_table(
        "joint_opinion",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("department_code", sa.String(length=50), nullable=False),
        sa.Column("opinion", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=36), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("given_at", govnet_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["joint_meeting.id"],
            name=op.f("fk_joint_opinion_meeting_id_joint_meeting"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "department_code", name=op.f("pk_joint_opinion")),
    )


def downgrade() -> None:
    op.drop_table("joint_opinion")
    with op.batch_alter_table("joint_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_joint_meeting_opinion_deadline"))
        batch_op.drop_index(batch_op.f("ix_joint_meeting_closed_at"))
    op.drop_table("joint_meeting")

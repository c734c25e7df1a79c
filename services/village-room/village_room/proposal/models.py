"""One matter, one discussion (一事一议, T5): a villager's proposal, studied by the two committees,
put to the villager representatives' meeting, voted on with quorum, and published."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

# Defaults: two thirds of the representatives present; more than half of those present for.
QUORUM = (2, 3)
ADOPTION = (1, 2)
DEADLINE_WORKING_DAYS = 10


class DiscussionRules(Base):
    """A village's own quorum, majority and deadline (its 村民自治章程 may differ)."""

    __tablename__ = "discussion_rules"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    quorum_numerator: Mapped[int] = mapped_column(default=QUORUM[0])
    quorum_denominator: Mapped[int] = mapped_column(default=QUORUM[1])
    adoption_numerator: Mapped[int] = mapped_column(default=ADOPTION[0])
    adoption_denominator: Mapped[int] = mapped_column(default=ADOPTION[1])
    deadline_working_days: Mapped[int] = mapped_column(default=DEADLINE_WORKING_DAYS)
    updated_by: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Representative(Base):
    """A villager representative (村民代表): a public office, named on the published votes."""

    __tablename__ = "villager_representative"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    display_name: Mapped[str] = mapped_column(String(50))
    group_name: Mapped[str] = mapped_column(String(50), default="")  # 村民小组
    active: Mapped[bool] = mapped_column(default=True)


class Proposal(Base):
    __tablename__ = "proposal"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    proposer_applicant_id: Mapped[str | None] = mapped_column(String(36))
    submitted_by: Mapped[str] = mapped_column(String(36))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The committees must put it to the meeting by the end of this (Shanghai) day.
    deadline_day: Mapped[date]
    # submitted | studied | merged | adopted | rejected
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    committees_opinion: Mapped[str] = mapped_column(Text, default="")
    studied_at: Mapped[datetime | None]
    merged_into: Mapped[str | None] = mapped_column(String(36))
    meeting_id: Mapped[str | None] = mapped_column(String(36))
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    votes_abstain: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]


class RepresentativeMeeting(Base):
    __tablename__ = "representative_meeting"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    held_on: Mapped[date]
    representatives_total: Mapped[int]
    present_ids: Mapped[list[str]] = mapped_column(JSON)
    quorum_needed: Mapped[int]
    convened_by: Mapped[str] = mapped_column(String(36))

    @property
    def quorate(self) -> bool:
        return len(self.present_ids) >= self.quorum_needed


class RepresentativeVote(Base):
    """One representative's vote on one proposal: once, and only at a meeting with quorum."""

    __tablename__ = "representative_vote"

    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    representative_id: Mapped[str] = mapped_column(
        ForeignKey("villager_representative.id"), primary_key=True
    )
    meeting_id: Mapped[str] = mapped_column(ForeignKey("representative_meeting.id"))
    vote: Mapped[str] = mapped_column(String(10))  # for | against | abstain
    recorded_by: Mapped[str] = mapped_column(String(36))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)

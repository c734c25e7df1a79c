"""What subscribers send and receive. Lists are bounded here; their contents are checked by
the service (against the subscriber's scope), which names the field it refuses."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from govnet.common.v1 import case_pb2


def status_name(status: int) -> str:
    """CASE_STATUS_PENDING_DECISION -> "pending_decision"."""
    try:
        return case_pb2.CaseStatus.Name(status).removeprefix("CASE_STATUS_").lower()
    except ValueError:
        return str(status)


def tier_name(tier: int) -> str:
    try:
        return case_pb2.Tier.Name(tier).removeprefix("TIER_").lower()
    except ValueError:
        return str(tier)


STATUS_BY_NAME = {
    status_name(v): v for v in case_pb2.CaseStatus.values() if v != case_pb2.CASE_STATUS_UNSPECIFIED
}


class SubscriptionIn(BaseModel):
    callback_url: str = Field(max_length=500)
    # Division codes within the credential's `places` (a county's code covers its villages).
    places: list[str] = Field(default_factory=list, max_length=200)
    # Catalog item codes; empty: every item.
    items: list[str] = Field(default_factory=list, max_length=200)
    # Status names ("accepted", "approved", ...); empty: every status.
    statuses: list[str] = Field(default_factory=list, max_length=20)
    description: str = Field("", max_length=200)


class SubscriptionOut(BaseModel):
    id: str
    callback_url: str
    places: list[str]
    items: list[str]
    statuses: list[str]
    description: str
    created_at: datetime
    # Deliveries given up on (the events stay available from /events).
    failed_deliveries: int = 0


class SubscriptionCreated(SubscriptionOut):
    # Shown this once: the HMAC-SHA256 key of the Govnet-Signature header.
    secret: str


class EventOut(BaseModel):
    """The thin event a subscriber receives (pushed or fetched): ids and facts, no person."""

    event_id: str
    sequence: int
    case_number: str
    item_code: str
    item_version: int
    tier: str
    status: str
    place_code: str
    origin_place_code: str
    department_code: str
    suspended: bool
    reason_code: str
    result_document_number: str
    deadline: datetime | None
    occurred_at: datetime


class EventPage(BaseModel):
    events: list[EventOut]
    # More events match after the last one: ask again with after=<its event_id>.
    more: bool

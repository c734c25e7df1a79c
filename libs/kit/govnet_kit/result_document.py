"""The result document or refusal letter as a tier prints it for the applicant (issue 8,
printable documents): one template, `result_document.html`, for every tier that hands one over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DECIDED = ("决定时间", "Decided")
ARRIVED = ("送达时间", "Reached this office")


@dataclass(frozen=True)
class ResultDocument:
    title: str
    case_number: str
    item: str  # code and name, in the reader's language
    decision: str  # the decided status, in the reader's language
    document_number: str  # empty for a refusal letter without one
    when: datetime
    text: str
    place_code: str
    back_url: str
    legal_reason: str = ""
    # What `when` is: the decision's time where it was taken, or its arrival at a lower tier.
    when_label: tuple[str, str] = DECIDED

"""Notification texts per case status, in Chinese and English (N1).

A text names the case and the facts of the status change, nothing about the person: the thin
event carries no personal data (decision 2) and the text adds none. Bump TEMPLATE_VERSION when
a text changes meaning, so stored notifications can be told apart from newly rendered ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from govnet.common.v1 import case_pb2
from govnet_kit.worktime import SHANGHAI

TEMPLATE_VERSION = 1

S = case_pb2.CaseStatus

# Template name -> language -> text. Placeholders: {case_number}, {deadline}, {document_number},
# {office}. Every text contains {case_number}.
TEMPLATES: dict[str, dict[str, str]] = {
    "accepted": {
        "zh": "您的办件{case_number}已受理，承诺办结期限为{deadline}。",
        "en": "Your case {case_number} has been accepted; it will be decided by {deadline}.",
    },
    "accepted.no_deadline": {
        "zh": "您的办件{case_number}已受理。",
        "en": "Your case {case_number} has been accepted.",
    },
    "transmitted": {
        "zh": "您的办件{case_number}已报送上级办理。",
        "en": "Your case {case_number} has been transmitted to the next tier for handling.",
    },
    "received": {
        "zh": "您的办件{case_number}已由{office}接收。",
        "en": "Your case {case_number} has been received by the {office}.",
    },
    "pending_decision": {
        "zh": "您的办件{case_number}正在审批中。",
        "en": "Your case {case_number} is awaiting a decision.",
    },
    "approved": {
        "zh": "您的办件{case_number}已批准，结果文书编号为{document_number}。",
        "en": "Your case {case_number} has been approved; result document number {document_number}.",
    },
    "approved.no_document": {
        "zh": "您的办件{case_number}已批准。",
        "en": "Your case {case_number} has been approved.",
    },
    "refused": {
        "zh": "您的办件{case_number}未予批准。不予批准决定书载明法定理由及申请行政复议、提起行政诉讼的权利和期限，请到受理点领取。",
        "en": "Your case {case_number} has been refused. The refusal letter states the legal reason and your rights to administrative reconsideration and litigation, with their time limits; collect it where you applied.",
    },
    "deemed_approved": {
        "zh": "您的办件{case_number}在办结期限内未作决定，依法视为同意。",
        "en": "No decision was made on your case {case_number} within the time limit, so it is deemed approved.",
    },
    "reply_ready": {
        "zh": "您的办件{case_number}办理结果已送达受理点，请领取。",
        "en": "The result of your case {case_number} is ready for collection where you applied.",
    },
    "withdrawn": {
        "zh": "您的办件{case_number}已撤回。",
        "en": "Your case {case_number} has been withdrawn.",
    },
    # A status this version does not know yet: the recipient still hears that something changed.
    "updated": {
        "zh": "您的办件{case_number}办理状态已更新。",
        "en": "The status of your case {case_number} has changed.",
    },
}

_BY_STATUS = {
    S.CASE_STATUS_ACCEPTED: "accepted",
    S.CASE_STATUS_TRANSMITTED: "transmitted",
    S.CASE_STATUS_RECEIVED: "received",
    S.CASE_STATUS_PENDING_DECISION: "pending_decision",
    S.CASE_STATUS_APPROVED: "approved",
    S.CASE_STATUS_REFUSED: "refused",
    S.CASE_STATUS_DEEMED_APPROVED: "deemed_approved",
    S.CASE_STATUS_REPLY_READY: "reply_ready",
    S.CASE_STATUS_WITHDRAWN: "withdrawn",
}

OFFICES: dict[int, dict[str, str]] = {
    case_pb2.TIER_VILLAGE: {"zh": "村便民服务室", "en": "village service room"},
    case_pb2.TIER_TOWN: {"zh": "乡镇便民服务中心", "en": "township service hall"},
    case_pb2.TIER_CITY: {"zh": "市行政服务中心", "en": "city administrative service center"},
}
_NEXT_TIER = {"zh": "上级服务机构", "en": "next tier"}


def deadline_day(deadline: datetime, language: str) -> str:
    """The last day in Shanghai: a deadline of 24:00 is 00:00 of the next day (decision 6)."""
    day = (deadline.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def template_name(status: int, *, has_deadline: bool, has_document: bool) -> str:
    name = _BY_STATUS.get(status, "updated")
    if name == "accepted" and not has_deadline:
        return "accepted.no_deadline"
    if name == "approved" and not has_document:
        return "approved.no_document"
    return name


def render(
    *,
    status: int,
    language: str,
    case_number: str,
    tier: int,
    deadline: datetime | None,
    result_document_number: str,
) -> str:
    name = template_name(
        status, has_deadline=deadline is not None, has_document=bool(result_document_number)
    )
    return TEMPLATES[name][language].format(
        case_number=case_number,
        deadline=deadline_day(deadline, language) if deadline is not None else "",
        document_number=result_document_number,
        office=OFFICES.get(tier, _NEXT_TIER)[language],
    )

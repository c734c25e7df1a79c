"""Versioned notification templates per case status and channel, in Chinese and English (N1).

A template is named after the status it tells of (`accepted`, `approved.no_document`, ...) and
has versions per channel: SMS short, email with a subject, in-app. A notification stores the
name and version that rendered it; a changed text is a new version (template_texts.py).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from govnet.common.v1 import case_pb2
from govnet_kit.errors import InvalidArgument
from govnet_kit.worktime import SHANGHAI
from notify.notification import template_texts as texts
from notify.notification.models import CHANNELS, LANGUAGES

S = case_pb2.CaseStatus
PLACEHOLDERS = frozenset({"case_number", "deadline", "document_number", "office"})


@dataclass(frozen=True)
class Template:
    name: str
    channel: str
    version: int
    body: dict[str, str]  # language -> text
    subject: dict[str, str] | None = None  # language -> subject (email)


@dataclass(frozen=True)
class Rendered:
    template: str
    version: int
    subject: str | None
    text: str


def _history() -> dict[tuple[str, str], list[Template]]:
    """(name, channel) -> its versions, oldest first."""
    history: dict[tuple[str, str], list[Template]] = {}
    for name, body in texts.V1.items():
        for channel in CHANNELS:
            history[(name, channel)] = [Template(name, channel, 1, body)]
        history[(name, "sms")].append(Template(name, "sms", 2, texts.SMS_V2[name]))
        email_body = {lang: body[lang] + texts.EMAIL_FOOTER[lang] for lang in LANGUAGES}
        history[(name, "email")].append(
            Template(name, "email", 2, email_body, subject=texts.EMAIL_V2_SUBJECTS[name])
        )
    return history


TEMPLATES = _history()

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
    S.CASE_STATUS_IN_REVIEW: "in_review",
    S.CASE_STATUS_SUSPENDED: "suspended",
    S.CASE_STATUS_REPLIED: "replied",
    S.CASE_STATUS_CLOSED: "closed",
}

OFFICES: dict[int, dict[str, str]] = {
    case_pb2.TIER_VILLAGE: {"zh": "村便民服务室", "en": "village service room"},
    case_pb2.TIER_TOWN: {"zh": "乡镇便民服务中心", "en": "township service hall"},
    case_pb2.TIER_CITY: {"zh": "市行政服务中心", "en": "city administrative service center"},
}
_NEXT_TIER = {"zh": "上级服务机构", "en": "next tier"}


def current(name: str, channel: str) -> Template:
    return TEMPLATES[(name, channel)][-1]


def version(name: str, channel: str, number: int) -> Template:
    """A published version, e.g. to show what a stored notification was rendered from."""
    for template in TEMPLATES[(name, channel)]:
        if template.version == number:
            return template
    raise KeyError(f"{name} has no version {number} for {channel}")


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
    channel: str,
    language: str,
    case_number: str,
    tier: int,
    deadline: datetime | None,
    result_document_number: str,
    template_version: int | None = None,
) -> Rendered:
    """The status's template for the channel: its current version, or the one asked for."""
    name = template_name(
        status, has_deadline=deadline is not None, has_document=bool(result_document_number)
    )
    chosen = (
        current(name, channel)
        if template_version is None
        else version(name, channel, template_version)
    )
    values = {
        "case_number": case_number,
        "deadline": deadline_day(deadline, language) if deadline is not None else "",
        "document_number": result_document_number,
        "office": OFFICES.get(tier, _NEXT_TIER)[language],
    }
    return Rendered(
        template=chosen.name,
        version=chosen.version,
        subject=chosen.subject[language].format(**values) if chosen.subject else None,
        text=chosen.body[language].format(**values),
    )


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render_direct(*, name: str, channel: str, language: str, values: Mapping[str, str]) -> Rendered:
    """A direct message's current version; the values must fill exactly its placeholders."""
    versions = texts.DIRECT.get(name, {}).get(channel)
    if versions is None:
        raise InvalidArgument(f"no direct template {name} for {channel}", field="template")
    if language not in LANGUAGES:
        raise InvalidArgument("language must be zh or en", field="language")
    body = versions[-1][language]
    wanted = _placeholders(body)
    if set(values) != wanted:
        raise InvalidArgument(f"template {name} takes the values {sorted(wanted)}", field="values")
    return Rendered(template=name, version=len(versions), subject=None, text=body.format(**values))

"""Versioned templates per status and channel: what each notification stores, and the texts."""

from __future__ import annotations

import string
from datetime import datetime

import pytest

from govnet.common.v1 import case_pb2
from govnet_kit import lifecycle
from govnet_kit.worktime import SHANGHAI
from notify.notification import templates
from notify.notification.template_texts import V1
from notify.notification.templates import PLACEHOLDERS, TEMPLATES, render
from tests.notify.notifykit import (
    Sessions,
    case_number,
    email,
    in_app,
    notifications_of,
    notify_case,
    sms,
)

CASE = case_number()
DEADLINE = datetime(2025, 6, 13, 0, 0, tzinfo=SHANGHAI)


def fill(status: int, channel: str, language: str, version: int | None = None):  # type: ignore[no-untyped-def]
    return render(
        status=status,
        channel=channel,
        language=language,
        case_number=CASE,
        tier=case_pb2.TIER_CITY,
        deadline=None,
        result_document_number="",
        template_version=version,
    )


async def test_each_notification_stores_the_template_and_version_that_rendered_it(
    sessions: Sessions,
):
    await notify_case(sessions, CASE, sms("13800000001"), in_app("staff:1"))
    await notify_case(sessions, case_number(2), email("a@example.org", language="zh"))
    by_channel = {n.channel: n for n in await notifications_of(sessions)}

    stored = {c: (n.template, n.template_version) for c, n in by_channel.items()}
    assert stored == {
        "sms": ("accepted.no_deadline", 2),
        "email": ("accepted.no_deadline", 2),
        "in_app": ("accepted.no_deadline", 1),
    }
    # The stored name and version render exactly the stored subject and text again.
    for channel, n in by_channel.items():
        again = render(
            status=case_pb2.CASE_STATUS_ACCEPTED,
            channel=channel,
            language=n.language,
            case_number=n.case_number,
            tier=case_pb2.TIER_VILLAGE,
            deadline=None,
            result_document_number="",
            template_version=n.template_version,
        )
        assert (again.subject, again.text) == (n.subject, n.text)
    assert by_channel["email"].subject == f"办件{case_number(2)}已受理"
    assert by_channel["sms"].text.startswith("【政务服务】")


def test_older_versions_stay_available_and_unchanged():
    """Version 1 is the text every channel used before templates were per channel."""
    for channel in ("sms", "email", "in_app"):
        old = fill(case_pb2.CASE_STATUS_REPLY_READY, channel, "en", version=1)
        assert old.version == 1 and old.subject is None
        assert old.text == V1["reply_ready"]["en"].format(case_number=CASE)
    assert fill(case_pb2.CASE_STATUS_REPLY_READY, "sms", "en").version == 2
    with pytest.raises(KeyError):
        templates.version("reply_ready", "sms", 99)


def test_versions_count_up_from_one_for_every_template_and_channel():
    names = {name for name, _ in TEMPLATES}
    assert {(n, c) for n in names for c in ("sms", "email", "in_app")} == set(TEMPLATES)
    for key, versions in TEMPLATES.items():
        assert [t.version for t in versions] == list(range(1, len(versions) + 1)), key


def test_every_text_uses_only_known_placeholders_and_names_the_case():
    for key, versions in TEMPLATES.items():
        for t in versions:
            for texts in (t.body, t.subject or {}):
                for language, text_ in texts.items():
                    fields = {f for _, f, _, _ in string.Formatter().parse(text_) if f}
                    assert fields <= PLACEHOLDERS, (key, t.version, language, fields)
            for language, body in t.body.items():
                assert "{case_number}" in body, (key, t.version, language)


@pytest.mark.parametrize("status", case_pb2.CaseStatus.values())
def test_sms_fits_one_segment(status: int):
    """70 Chinese or 160 Latin characters, with a long document number and a deadline."""
    for language, limit in (("zh", 70), ("en", 160)):
        text_ = render(
            status=status,
            channel="sms",
            language=language,
            case_number=CASE,
            tier=case_pb2.TIER_CITY,
            deadline=DEADLINE,
            result_document_number="林采字〔2025〕第000042号",
        ).text
        assert len(text_) <= limit, (language, len(text_), text_)


def test_email_has_a_subject_and_a_footer_in_its_language():
    zh = fill(case_pb2.CASE_STATUS_REFUSED, "email", "zh")
    en = fill(case_pb2.CASE_STATUS_REFUSED, "email", "en")
    assert zh.subject == f"办件{CASE}未予批准" and "请勿直接回复" in zh.text
    assert en.subject == f"Case {CASE} refused" and "do not reply" in en.text
    assert "行政复议" in zh.text and "reconsideration" in en.text


def test_every_step_a_case_can_take_has_its_own_words():
    """No applicant reads the generic "status changed" for a step the lifecycle defines."""
    before_a_case = {
        case_pb2.CASE_STATUS_CONSULTED,
        case_pb2.CASE_STATUS_REDIRECTED,
        case_pb2.CASE_STATUS_INCOMPLETE,
    }
    for machine in lifecycle.MACHINES:
        for status in machine.states() - before_a_case:
            name = templates.template_name(status, has_deadline=True, has_document=True)
            assert name != "updated", lifecycle.name(status)
    text = templates.render(
        status=case_pb2.CASE_STATUS_SUSPENDED,
        channel="sms",
        language="zh",
        case_number="341102101201-20261128-0001",
        tier=case_pb2.TIER_CITY,
        deadline=None,
        result_document_number="",
    ).text
    assert "补正" in text and "341102101201-20261128-0001" in text

"""The answer that names who holds a case (issue 7): one shape at every tier, both languages,
a field, and never a person's data for an applicant or the system."""

from __future__ import annotations

from datetime import UTC, datetime

from govnet_kit.errors import Conflict, HeldByOther

SINCE = datetime(2026, 11, 27, 2, 5, tzinfo=UTC)  # 10:05 in Beijing


def test_it_names_the_staff_member_the_step_and_the_time_in_both_languages():
    error = HeldByOther(
        case_number="341102101201-20261127-0003",
        staff_id="duty-zhao",
        display_name="赵桂兰",
        step="replied",
        step_zh="已答复",
        since=SINCE,
    )
    assert isinstance(error, Conflict) and error.http_status == 409
    body = error.to_dict()
    assert (body["code"], body["field"]) == ("held_by_other", "holder")
    assert body["message"] == (
        "case 341102101201-20261127-0003 is held by 赵桂兰 (staff duty-zhao): replied"
        " since 2026-11-27 10:05 (Beijing time)"
    )
    assert body["message_zh"] == (
        "办件 341102101201-20261127-0003 已由赵桂兰（工号 duty-zhao）办理：已答复"
        "（自 2026-11-27 10:05 起）"
    )
    assert body["holder"] == {
        "staff_id": "duty-zhao",
        "display_name": "赵桂兰",
        "step": "replied",
        "step_zh": "已答复",
        "since": SINCE.isoformat(),
    }


def test_without_a_name_it_gives_the_staff_id_and_for_the_applicant_no_id_at_all():
    unnamed = HeldByOther(
        case_number="n",
        staff_id="rep-1",
        display_name="",
        step="in_review",
        step_zh="审查中",
        since=None,
    )
    assert "held by staff rep-1: in_review" in unnamed.message and "since" not in unnamed.message
    assert "工作人员 rep-1" in unnamed.message_zh
    applicant = HeldByOther(
        case_number="n",
        staff_id="",
        display_name="申请人 / the applicant",
        step="accepted",
        step_zh="已受理",
        since=SINCE,
    )
    assert "applicant" in applicant.message and applicant.to_dict()["holder"]["staff_id"] == ""

"""Decision 4: at an edge node's places a staff session lasts the working day (to 24:00
Asia/Shanghai), so a link that drops during the day locks nobody out; elsewhere, and late in
the evening, the usual lifetime holds."""

from datetime import datetime

from govnet_kit.worktime import SHANGHAI
from identity.staff.service import session_ttl_s

EIGHT_HOURS = 8 * 3600
EDGE = ["341102101201"]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 30, hour, minute, tzinfo=SHANGHAI)


def test_morning_sign_in_at_an_edge_village_lasts_until_midnight():
    ttl = session_ttl_s("341102101201", at(8, 30), ttl_s=EIGHT_HOURS, day_places=EDGE)
    assert ttl == (24 - 8.5) * 3600  # a nine-hour day plus overtime is covered


def test_evening_sign_in_keeps_the_usual_lifetime():
    assert session_ttl_s("341102101201", at(20), ttl_s=EIGHT_HOURS, day_places=EDGE) == EIGHT_HOURS


def test_other_places_keep_the_usual_lifetime():
    assert session_ttl_s("341102101202", at(8), ttl_s=EIGHT_HOURS, day_places=EDGE) == EIGHT_HOURS


def test_the_day_is_shanghai_s_whatever_the_clock_s_zone():
    utc = at(8, 30).astimezone(datetime.now().astimezone().tzinfo)
    assert session_ttl_s("341102101201", utc, ttl_s=EIGHT_HOURS, day_places=EDGE) == 15.5 * 3600

"""Durable clocks of the city's cases (L5): the kit's timer rows (govnet_kit.deadlines) on the
city's own table. Lock order is always the case row, then its timer (decide, suspend, sweep).
"""

from __future__ import annotations

from govnet_kit.db import Base
from govnet_kit.deadlines import Clocks, Timer


class CaseTimer(Timer, Base):
    __tablename__ = "case_timer"
    case_table = "city_case"


CLOCKS = Clocks(CaseTimer)
arm, disarm = CLOCKS.arm, CLOCKS.disarm

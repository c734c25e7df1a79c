"""Durable clocks of the cases this hall decides (L5): the kit's timer rows
(govnet_kit.deadlines) on the township's own table. Lock order is always the case row, then its
timer (decide, suspend, withdraw, sweep).
"""

from __future__ import annotations

from govnet_kit.db import Base
from govnet_kit.deadlines import Clocks, Timer


class TownCaseTimer(Timer, Base):
    __tablename__ = "town_case_timer"
    case_table = "town_case"


CLOCKS = Clocks(TownCaseTimer)
arm, disarm = CLOCKS.arm, CLOCKS.disarm

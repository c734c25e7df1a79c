"""The township hall's own metrics, beside the kit's (govnet_kit.metrics): its cases per status and
those overdue. The runtime finds this module by its name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govnet_kit.deadlines import metrics_source
from govnet_kit.metrics import Source, case_source
from town_hall.case.models import TownCase
from town_hall.case.timers import CLOCKS

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime


def sources(runtime: Runtime) -> list[Source]:
    return [case_source(runtime.sessions, TownCase), metrics_source(runtime.sessions, CLOCKS)]

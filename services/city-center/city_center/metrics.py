"""The city service center's own metrics, beside the kit's (govnet_kit.metrics): its cases per status and
those overdue. The runtime finds this module by its name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from city_center.case.models import CityCase
from city_center.case.timers import CLOCKS
from govnet_kit.deadlines import metrics_source
from govnet_kit.metrics import Source, case_source

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime


def sources(runtime: Runtime) -> list[Source]:
    return [case_source(runtime.sessions, CityCase), metrics_source(runtime.sessions, CLOCKS)]

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class RowOut(BaseModel):
    unit: str
    tier: str
    key: str
    handled: int
    on_time: int
    on_time_rate: float | None
    defaults: int
    refusals: int
    complaints: int
    complaints_upheld: int
    ratings: int
    satisfaction: float | None
    satisfied_rate: float | None


class ReportOut(BaseModel):
    period: str
    start: datetime
    end: datetime
    unit: str
    rows: list[RowOut]

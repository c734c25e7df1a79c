from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from govnet_kit.pii import PersonalDataSettings
from govnet_kit.retention import RetentionSettings


class CityCenterSettings(PersonalDataSettings, RetentionSettings):
    model_config = SettingsConfigDict(env_prefix="CITY_CENTER_", extra="ignore")

    service_name: str = "city-center"
    http_port: int = 8001
    grpc_port: int = 50051
    database_url: str = "sqlite+aiosqlite:///var/city-center.db"
    # The city's administrative division code.
    place_code: str = "341100000000"
    notify_grpc_target: str = "127.0.0.1:50055"
    # Years whose official holiday schedule the administrator has confirmed (decision 6).
    confirmed_calendar_years: list[int] = [2025, 2026]
    # How often, at most, the timeout-default sweep looks for clocks run out (seconds); it also
    # wakes at the next due clock, so a default fires well within this.
    deadline_sweep_seconds: float = 1.0
    # E-supervision (S1): warn the responsible staff when at most this many working days are
    # left before a deadline (0: only when overdue); how often the warnings are looked for.
    warning_working_days: int = Field(default=1, ge=0, le=10)
    supervision_poll_seconds: float = Field(default=30.0, gt=0)


@lru_cache
def get_settings() -> CityCenterSettings:
    return CityCenterSettings()  # type: ignore[call-arg]

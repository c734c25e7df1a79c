from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from govnet_kit.pii import PersonalDataSettings
from govnet_kit.retention import RetentionSettings


class TownHallSettings(PersonalDataSettings, RetentionSettings):
    model_config = SettingsConfigDict(env_prefix="TOWN_HALL_", extra="ignore")

    service_name: str = "town-hall"
    http_port: int = 8002
    grpc_port: int = 50052
    database_url: str = "sqlite+aiosqlite:///var/town-hall.db"
    city_center_grpc_target: str = "127.0.0.1:50051"
    notify_grpc_target: str = "127.0.0.1:50055"
    # Years whose official holiday schedule the administrator has confirmed (decision 6).
    confirmed_calendar_years: list[int] = [2025, 2026]
    # How often, at most, the timeout-default sweep of the township's own items looks for
    # clocks run out (seconds); it also wakes when the next clock is due (L5).
    deadline_sweep_seconds: float = 1.0


@lru_cache
def get_settings() -> TownHallSettings:
    return TownHallSettings()  # type: ignore[call-arg]

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from govnet_kit.settings import ServiceSettings


class VillageRoomSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VILLAGE_ROOM_", extra="ignore")

    service_name: str = "village-room"
    http_port: int = 8003
    grpc_port: int = 50053
    database_url: str = "sqlite+aiosqlite:///var/village-room.db"
    town_hall_grpc_target: str = "127.0.0.1:50052"
    notify_grpc_target: str = "127.0.0.1:50055"
    # Years whose official holiday schedule the administrator has confirmed (decision 6).
    confirmed_calendar_years: list[int] = [2025, 2026]


@lru_cache
def get_settings() -> VillageRoomSettings:
    return VillageRoomSettings()  # type: ignore[call-arg]

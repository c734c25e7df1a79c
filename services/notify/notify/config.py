from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from govnet_kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify"
    http_port: int = 8005
    grpc_port: int = 50055
    database_url: str = "sqlite+aiosqlite:///var/notify.db"


@lru_cache
def get_settings() -> NotifySettings:
    return NotifySettings()

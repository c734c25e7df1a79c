import secrets
from functools import lru_cache
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from govnet_kit.pii import PersonalDataSettings
from govnet_kit.retention import RetentionSettings


class VillageRoomSettings(PersonalDataSettings, RetentionSettings):
    model_config = SettingsConfigDict(env_prefix="VILLAGE_ROOM_", extra="ignore")

    service_name: str = "village-room"
    http_port: int = 8003
    grpc_port: int = 50053
    database_url: str = "sqlite+aiosqlite:///var/village-room.db"
    town_hall_grpc_target: str = "127.0.0.1:50052"
    notify_grpc_target: str = "127.0.0.1:50055"
    # Years whose official holiday schedule the administrator has confirmed (decision 6).
    confirmed_calendar_years: list[int] = [2025, 2026]
    # Online fee payment (C6, village_room/fee). "test" moves no money and decides the outcome
    # by the amount (govnet_kit.payments), so it is refused in prod; "none": no online payment,
    # the window still collects.
    payment_provider: Literal["test", "none"] = "test"
    # The HMAC key of the provider's callbacks. Left empty outside prod, one is generated at
    # start: the test provider lives in this one process, so nobody else needs to know it.
    payment_callback_secret: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _payment_settings(self) -> "VillageRoomSettings":
        if self.environment == "prod" and self.payment_provider == "test":
            raise ValueError(
                "payment_provider 'test' takes no money: set a real provider (or 'none') in prod"
            )
        secret = self.payment_callback_secret.get_secret_value()
        if not secret and self.payment_provider != "none" and self.environment != "prod":
            self.payment_callback_secret = SecretStr(secrets.token_urlsafe(32))
        elif self.payment_provider != "none" and len(secret) < 16:
            raise ValueError("payment_callback_secret must be at least 16 characters")
        return self


@lru_cache
def get_settings() -> VillageRoomSettings:
    return VillageRoomSettings()  # type: ignore[call-arg]

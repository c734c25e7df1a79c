import re
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
    # The edge profile (decision 4, docs/operations.md "Edge node"): a node of its own for
    # villages with a weak link, beside a leaf nats-server. Empty: the central service. Named,
    # the node takes only `edge_places`' status events under durable consumers of its own, leaves
    # the central streams alone, and keeps identity's key set in `key_cache_file`, so the day's
    # sessions still verify after a restart while the link is down.
    edge_node: str = ""
    edge_places: list[str] = []
    key_cache_file: str = ""

    @model_validator(mode="after")
    def _edge_settings(self) -> "VillageRoomSettings":
        if not self.edge_node:
            return self
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", self.edge_node):
            # It names JetStream durables: no dots, wildcards or spaces.
            raise ValueError("edge_node: 1 to 40 of a-z, 0-9 and '-'")
        if not self.edge_places or not all(re.fullmatch(r"\d{12}", p) for p in self.edge_places):
            raise ValueError("edge_places: the 12-digit place codes this edge node serves")
        if not self.key_cache_file:
            raise ValueError("key_cache_file: where the edge node keeps identity's key set")
        return self

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

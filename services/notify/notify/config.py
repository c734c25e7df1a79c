from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from govnet_kit.pii import PersonalDataSettings


class NotifySettings(PersonalDataSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify"
    http_port: int = 8005
    grpc_port: int = 50055
    database_url: str = "sqlite+aiosqlite:///var/notify.db"

    # SMS provider adapter. "test" sends nothing and decides the outcome by the number
    # (notification/channels/sms.py), so it is refused in prod. "none": no provider yet; every
    # SMS fails as a technical failure, is retried, then alerts (loud, never silent).
    sms_provider: Literal["test", "none"] = "test"
    sms_timeout_seconds: float = Field(10.0, gt=0)
    # Email over SMTP.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_sender: str = "政务服务 <noreply@govnet.localhost>"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = Field(10.0, gt=0)

    # Delivery: attempts per notification (the first included), then permanent-failure and an
    # alert; retries wait base * 2^(n-1) seconds, at most max.
    delivery_max_attempts: int = Field(6, ge=1)
    delivery_retry_base_seconds: float = Field(30.0, gt=0)
    delivery_retry_max_seconds: float = Field(3600.0, gt=0)
    # How long a worker holds a claimed notification; past it another replica takes it over.
    # Must exceed the slowest send (the channel timeouts above).
    delivery_lease_seconds: float = Field(60.0, gt=0)
    delivery_poll_seconds: float = Field(1.0, gt=0)
    # Sends per second and channel, per replica.
    sms_per_second: int = Field(10, ge=1)
    email_per_second: int = Field(10, ge=1)
    in_app_per_second: int = Field(200, ge=1)

    # Deliveries of a status event before it goes to the dead-letter store.
    consumer_max_deliver: int = Field(20, ge=1)

    # Event subscriptions of integration clients (A3). Callback hosts notify may post to:
    # "host" exactly or ".domain" for every host under it (JSON list); empty: none. The network
    # policy notify-to-subscribers must let the same addresses out.
    subscription_callback_hosts: list[str] = []
    # Plain-HTTP callbacks (tests, a closed network); HTTPS otherwise.
    subscription_allow_http: bool = False
    subscription_max_per_client: int = Field(20, ge=1)
    # Attempts per delivery (the first included), then an audit entry and an ERROR log; retries
    # wait base * 2^(n-1) seconds, at most max. Defaults: about a day and a half in all.
    subscription_max_attempts: int = Field(15, ge=1)
    subscription_retry_base_seconds: float = Field(10.0, gt=0)
    subscription_retry_max_seconds: float = Field(3 * 3600.0, gt=0)
    subscription_timeout_seconds: float = Field(10.0, gt=0)
    # Deliveries in flight per replica.
    subscription_lanes: int = Field(4, ge=1)

    @model_validator(mode="after")
    def _refuse_test_provider_in_prod(self) -> "NotifySettings":
        if self.environment == "prod" and self.sms_provider == "test":
            raise ValueError(
                "sms_provider 'test' pretends to deliver and sends nothing: set a real provider "
                "(or 'none', which fails every SMS loudly) in prod"
            )
        slowest = max(
            self.sms_timeout_seconds, self.smtp_timeout_seconds, self.subscription_timeout_seconds
        )
        if self.delivery_lease_seconds <= slowest:
            raise ValueError("delivery_lease_seconds must exceed the channel timeouts")
        return self

    def rates(self) -> dict[str, int]:
        return {
            "sms": self.sms_per_second,
            "email": self.email_per_second,
            "in_app": self.in_app_per_second,
        }


@lru_cache
def get_settings() -> NotifySettings:
    return NotifySettings()

"""The settings base: each service subclasses it once with its own env prefix (rule 8)."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Fields every service has. Secrets have no defaults: `make run` and the tests generate them."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    service_name: str = "govnet"
    environment: Literal["dev", "test", "prod"] = "dev"
    http_host: str = "127.0.0.1"
    http_port: int
    grpc_host: str = "127.0.0.1"
    grpc_port: int
    database_url: str
    nats_url: str = "nats://127.0.0.1:4222"
    # Where identity publishes its JWKS and takes sign-in relays.
    identity_http_url: str = "http://127.0.0.1:8004"
    identity_grpc_target: str = "127.0.0.1:50054"
    # This service's own client credentials with identity (for service tokens).
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    log_level: str = "INFO"
    # Console span exporter for local debugging; production wires an OTLP exporter here.
    trace_console: bool = False
    # Secure cookies need HTTPS; the embedded profile serves plain HTTP on loopback.
    cookie_secure: bool = False

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> ServiceSettings:
        secret = self.client_secret.get_secret_value()
        if self.client_id and len(secret) < 16:
            raise ValueError("client_secret must be at least 16 characters (generate one)")
        if self.environment == "prod" and not self.cookie_secure:
            raise ValueError("cookie_secure must be true in prod")
        return self

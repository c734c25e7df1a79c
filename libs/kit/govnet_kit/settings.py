"""The settings base: each service subclasses it once with its own env prefix (rule 8)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
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
    # Console span exporter for local debugging.
    trace_console: bool = False
    # Spans as JSON lines to this file (tests read them back); empty: off.
    trace_file: str = ""
    # An OpenTelemetry collector's OTLP/gRPC endpoint (http://otel-collector:4317): spans and
    # the instrumentation's metrics go there. Empty: no OTLP export.
    otlp_endpoint: str = ""
    # Prometheus text format at GET /metrics on this port, apart from the public HTTP port
    # (docs/operations.md, "Metrics"). 0: no metrics port (the default of `make run`).
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=0, ge=0, le=65535)
    # Replicas of the JetStream streams the service creates or updates: 1 on one nats-server,
    # 3 on the production cluster (one copy per server).
    stream_replicas: int = Field(default=1, ge=1, le=5)
    # Connections each process keeps open to PostgreSQL (bursts may open as many again, briefly).
    # Replicas x services x this must stay under the server's max_connections.
    database_pool_size: int = Field(default=10, ge=1, le=100)
    # Secure cookies need HTTPS; the embedded profile serves plain HTTP on loopback.
    cookie_secure: bool = False
    # Mutual TLS on gRPC (optional; `make certs` makes development ones). With a client CA set,
    # this service's gRPC port accepts only callers with a certificate that CA signed; with a CA
    # file set, its own calls verify the peer and present this same certificate.
    grpc_tls_cert_file: str = ""
    grpc_tls_key_file: str = ""
    grpc_tls_client_ca_file: str = ""
    grpc_tls_ca_file: str = ""

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> ServiceSettings:
        secret = self.client_secret.get_secret_value()
        if self.client_id and len(secret) < 16:
            raise ValueError("client_secret must be at least 16 characters (generate one)")
        if self.environment == "prod" and not self.cookie_secure:
            raise ValueError("cookie_secure must be true in prod")
        return self

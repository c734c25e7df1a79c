"""Mutual TLS for the gRPC ports (A3, as X-Road's member systems): optional, set by files.

With a server certificate and a client CA configured, a gRPC port accepts only callers whose
certificate that CA signed; tokens are still checked on top (defence in depth).
"""

from __future__ import annotations

from pathlib import Path

import grpc


def server_credentials(
    cert_file: str, key_file: str, client_ca_file: str = ""
) -> grpc.ServerCredentials | None:
    if not cert_file:
        return None
    ca = Path(client_ca_file).read_bytes() if client_ca_file else None
    return grpc.ssl_server_credentials(
        [(Path(key_file).read_bytes(), Path(cert_file).read_bytes())],
        root_certificates=ca,
        require_client_auth=ca is not None,
    )


def channel_credentials(
    ca_file: str, cert_file: str = "", key_file: str = ""
) -> grpc.ChannelCredentials | None:
    if not ca_file:
        return None
    return grpc.ssl_channel_credentials(
        root_certificates=Path(ca_file).read_bytes(),
        private_key=Path(key_file).read_bytes() if key_file else None,
        certificate_chain=Path(cert_file).read_bytes() if cert_file else None,
    )

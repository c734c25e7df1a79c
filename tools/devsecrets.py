"""Generate the secrets of a local platform into an env file (never committed: var/ is ignored).

Usage: python tools/devsecrets.py var/secrets.env
Keeps an existing file, so tokens and accounts survive restarts of `make run`.
"""

import json
import secrets
import sys
from pathlib import Path

from joserfc.jwk import OKPKey

CLIENTS = ("city-center", "town-hall", "village-room", "notify")


def generate() -> dict[str, str]:
    key = OKPKey.generate_key("Ed25519", parameters={"kid": secrets.token_hex(8)}, private=True)
    client_secrets = {c: secrets.token_urlsafe(24) for c in CLIENTS}
    env = {
        "IDENTITY_SIGNING_KEY": json.dumps(key.as_dict(private=True)),
        "IDENTITY_SERVICE_CLIENTS": json.dumps(client_secrets),
        "IDENTITY_DEMO_PASSWORD": secrets.token_urlsafe(12),
    }
    for client, secret in client_secrets.items():
        prefix = client.upper().replace("-", "_")
        env[f"{prefix}_CLIENT_ID"] = client
        env[f"{prefix}_CLIENT_SECRET"] = secret
    return env


def write(path: Path, env: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}='{v}'\n" for k, v in env.items()))
    path.chmod(0o600)


def read(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value.strip("'")
    return env


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/secrets.env")
    if not target.exists():
        write(target, generate())
    print(target)

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
# Services that keep personal data: each has its own encryption and look-up keys (pii).
PERSONAL_DATA = ("city-center", "town-hall", "village-room", "notify")
PII_SUFFIXES = ("_PII_KEY", "_PII_LOOKUP_KEY")


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
    for service in PERSONAL_DATA:
        prefix = service.upper().replace("-", "_")
        env[f"{prefix}_PII_KEY"] = secrets.token_urlsafe(32)
        env[f"{prefix}_PII_LOOKUP_KEY"] = secrets.token_urlsafe(32)
    return env


def ensure(path: Path) -> None:
    """The file, made if missing; an older one gains the secrets added since (never replaced:
    a changed personal-data key would make every encrypted row unreadable)."""
    if not path.exists():
        write(path, generate())
        return
    env = read(path)
    missing = {k: v for k, v in generate().items() if k.endswith(PII_SUFFIXES) and k not in env}
    if missing:
        write(path, {**env, **missing})


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
    ensure(target)
    print(target)

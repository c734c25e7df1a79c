"""What every benchmark runs against: a started platform on fresh PostgreSQL databases, its
secrets, and the HTTP sign-ins the journeys need."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))  # tests/harness.py: free ports, databases, platform

from harness import Platform  # noqa: E402


@dataclass
class Context:
    platform: Platform
    district: str = "341102"  # where the generator put its cases (bench/datagen.py)
    loaded: int = 0  # cases loaded so far
    _tokens: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @property
    def password(self) -> str:
        return self.platform.secrets["IDENTITY_DEMO_PASSWORD"]

    def http(self, service: str) -> str:
        return self.platform.http(service)

    def db(self, service: str) -> str:
        return self.platform.database_urls[service]

    async def staff(self, client: httpx.AsyncClient, service: str, username: str) -> dict[str, str]:
        """A signed-in staff member's Authorization header (signed in once per run)."""
        key = (service, username)
        if key not in self._tokens:
            for attempt in range(10):  # 503: identity busy or still connecting; it says retry
                resp = await client.post(
                    f"{self.http(service)}/api/v1/session",
                    json={"username": username, "password": self.password},
                )
                if resp.status_code != 503:
                    break
                await asyncio.sleep(1.0 + attempt)
            resp.raise_for_status()
            self._tokens[key] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
        return self._tokens[key]

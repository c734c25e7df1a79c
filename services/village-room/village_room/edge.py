"""The edge profile (decision 4): a village node of its own, with a weak link to the centre.

Its nats-server is a leaf node of the central JetStream (deploy/edge/leafnode.conf). While the
link is down the node keeps working on its own database: slips are issued, transmissions and
events wait in its outbox and pending calls, and staff already signed in stay signed in,
because their tokens are verified with identity's key set cached here (also on disk, for a
restart during the outage). When the link returns, what waits goes at once instead of at the
end of its backoff, and the node's durable consumer catches up with the decisions made above.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

import httpx
from joserfc.jwk import KeySet
from sqlalchemy import update

from govnet_kit.auth import TokenVerifier
from govnet_kit.calls import PendingCall
from govnet_kit.db import transaction, utcnow
from govnet_kit.messaging import NatsLink, OutboxRelay
from govnet_kit.runtime import Runtime

log = logging.getLogger(__name__)

# Keys are refreshed by the uplink probe, never on a request: a request must not wait for a
# link that is down. A key identity drops stops verifying at the next refresh while linked.
KEYS_MAX_AGE_S = 36 * 3600.0
PROBE_DOWN_S = 5.0  # how soon a returning link is noticed
PROBE_UP_S = 60.0  # how often the key set is refreshed while linked


class EdgeLink(NatsLink):
    """The connection to the node's own leaf nats-server, which answers even without the link.

    Unlike the central services it never creates or reconfigures the streams: they belong to
    the central cluster (an edge default of one replica would shrink its three), and ensuring
    them would need the link, so a node restarted during an outage would never become ready.
    Publishing and consuming retry until JetStream answers through the leaf connection.
    """

    manages_streams = False
    client_name = "govnet-edge"


class Uplink:
    """Probes the link by fetching identity's key set: keeps it (in memory and on disk) and,
    when the link comes back, makes the waiting upward calls due now."""

    def __init__(self, runtime: Runtime, key_cache: Path):
        self._rt = runtime
        self._jwks_url = runtime.settings.identity_http_url.rstrip("/") + "/.well-known/jwks.json"
        self._cache = key_cache
        self.up = False

    def load_cached_keys(self) -> bool:
        try:
            keys = KeySet.import_key_set(json.loads(self._cache.read_text()))
        except FileNotFoundError:
            return False
        except (ValueError, KeyError) as exc:
            log.warning("key cache %s unreadable (%s); waiting for the link", self._cache, exc)
            return False
        self._rt.verifier.set_keys(keys)
        return True

    async def refresh_keys(self) -> None:
        async with httpx.AsyncClient(timeout=5.0) as client:
            resp = await client.get(self._jwks_url)
            resp.raise_for_status()
        document = resp.json()
        self._rt.verifier.set_keys(KeySet.import_key_set(document))
        self._cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self._cache.with_suffix(".tmp")
        partial.write_text(json.dumps(document))
        os.replace(partial, self._cache)  # never a half-written cache after a power cut

    async def run(self) -> None:
        while True:
            try:
                await self.refresh_keys()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the link is down: work on the cached keys
                if self.up:
                    log.warning("link to the centre lost (%s); working on cached keys", exc)
                self.up = False
            else:
                if not self.up:
                    log.info("link to the centre up")
                    self.up = True
                    await self._send_waiting_now()
            await asyncio.sleep(PROBE_UP_S if self.up else PROBE_DOWN_S)

    async def _send_waiting_now(self) -> None:
        """Calls backed off during the outage go now; refused ones still wait for a requeue."""
        async with transaction(self._rt.sessions) as session:
            await session.execute(
                update(PendingCall)
                .where(
                    PendingCall.done_at.is_(None),
                    PendingCall.needs_fixing_at.is_(None),
                    PendingCall.next_attempt_at > utcnow(),
                )
                .values(next_attempt_at=utcnow())
            )
        self._rt.calls.wake()


def equip(runtime: Runtime, key_cache: str) -> Uplink:
    """Turn a runtime into an edge node's: its own NATS link and relays, cached keys."""
    settings = runtime.settings
    runtime.nats = EdgeLink(settings.nats_url, stream_replicas=settings.stream_replicas)
    runtime.outbox = OutboxRelay(runtime.sessions, runtime.nats)
    runtime.verifier = TokenVerifier(
        settings.identity_http_url.rstrip("/") + "/.well-known/jwks.json",
        max_age=KEYS_MAX_AGE_S,
    )
    uplink = Uplink(runtime, Path(key_cache))
    uplink.load_cached_keys()
    return uplink


def durable_subjects(places: list[str]) -> list[str]:
    """The status events of these places' cases, from the township and the city."""
    return [f"govnet.case.status.{tier}.{p}" for tier in ("town", "city") for p in places]

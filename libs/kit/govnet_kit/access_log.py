"""Refused access and cross-tier exchanges, recorded in the audit chain (A1-A3, decision 7).

A refusal is recorded in a transaction of its own: it rolls back the request's work, not its
record. A call served is recorded by the interceptor after the servicer returns, in a
transaction of its own, unless the servicer recorded it in its own transaction (`served`):
then the entry commits with the work it logs, one transaction and one lock of the chain's
head less per call (the escalation hop's and the decision fetch's).
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit import audit
from govnet_kit.db import transaction

log = logging.getLogger(__name__)

# gRPC metadata a caller sends along, as X-Road sends its user, issue and represented party.
ACTING_USER = "x-govnet-acting-user"
CASE = "x-govnet-case"
REPRESENTED_PARTY = "x-govnet-represented-party"


@dataclass
class Served:
    """The entry owed for the RPC being served, as the interceptor knows it."""

    actor: str
    case_number: str
    data: dict[str, object]
    recorded: bool = False


_served: contextvars.ContextVar[Served | None] = contextvars.ContextVar("served", default=None)


def expect(entry: Served | None) -> contextvars.Token[Served | None]:
    """The interceptor, before an RPC runs: the entry it will owe (None: not a service's)."""
    return _served.set(entry)


def forget(token: contextvars.Token[Served | None]) -> None:
    _served.reset(token)


async def served(session: AsyncSession) -> None:
    """In the servicer's own transaction: the cross-tier log's entry of this call, committed
    with the work (or rolled back with it, as a failed call logs nothing). Nothing outside an
    RPC from another service."""
    entry = _served.get()
    if entry is None or entry.recorded:
        return
    await audit.append(
        session,
        actor=entry.actor,
        action="rpc.served",
        case_number=entry.case_number or None,
        data={**entry.data, "outcome": "ok"},
    )
    entry.recorded = True


async def record(
    sessions: async_sessionmaker[AsyncSession] | None,
    *,
    actor: str,
    action: str,
    case_number: str | None = None,
    data: dict[str, object],
) -> None:
    if sessions is None:
        return
    try:
        async with transaction(sessions) as session:
            await audit.append(
                session,
                actor=actor or "anonymous",
                action=action,
                case_number=case_number or None,
                data=data,
            )
    except Exception as exc:  # noqa: BLE001 - never turn a refusal into a 500; the log keeps it
        log.error("could not record %s by %s: %s", action, actor, exc)


def exchange_metadata(
    *, case_number: str = "", acting_user: str = "", represented_party: str = ""
) -> tuple[tuple[str, str], ...]:
    pairs = (
        (CASE, case_number),
        (ACTING_USER, acting_user),
        (REPRESENTED_PARTY, represented_party),
    )
    return tuple((k, v) for k, v in pairs if v)

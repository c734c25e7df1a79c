"""Refused access and cross-tier exchanges, recorded in the audit chain (A1-A3, decision 7).

Recorded in a transaction of its own: a refusal rolls back the request's work, not its record.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit import audit
from govnet_kit.db import transaction

log = logging.getLogger(__name__)

# gRPC metadata a caller sends along, as X-Road sends its user, issue and represented party.
ACTING_USER = "x-govnet-acting-user"
CASE = "x-govnet-case"
REPRESENTED_PARTY = "x-govnet-represented-party"


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

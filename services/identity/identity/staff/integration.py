"""Integration clients (A3): other government systems' client credentials, scoped to the RPCs,
places and event subjects an administrator names."""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.errors import InvalidArgument
from identity.staff.models import IntegrationClient
from identity.staff.passwords import hash_password
from identity.staff.rules import require_admin


async def register_client(
    session: AsyncSession,
    *,
    actor: Principal,
    name: str,
    methods: list[str],
    places: list[str],
    subjects: list[str],
    sandbox: bool,
) -> tuple[IntegrationClient, str]:
    """Returns the client and its secret, shown this once and stored only as a hash."""
    require_admin(actor)
    if not name:
        raise InvalidArgument("name is required", field="name")
    if not methods or any(not m.startswith("/govnet.") for m in methods):
        raise InvalidArgument("name the govnet RPCs the client may call", field="methods")
    for place in places:
        if not (len(place) == 12 and place.isdigit()):
            raise InvalidArgument(f"{place} is not a 12-digit division code", field="places")
    secret = secrets.token_urlsafe(32)
    client = IntegrationClient(
        client_id=f"{'sandbox' if sandbox else 'client'}-{secrets.token_hex(6)}",
        secret_hash=hash_password(secret),
        name=name,
        methods=sorted(set(methods)),
        places=sorted(set(places)),
        subjects=sorted(set(subjects)),
        sandbox=sandbox,
        created_by=actor.subject,
    )
    session.add(client)
    await session.flush()
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="integration_client.registered",
        subject_ref=f"client:{client.client_id}",
        data={
            "methods": client.methods,
            "places": client.places,
            "subjects": client.subjects,
            "sandbox": sandbox,
        },
    )
    return client, secret

"""`village-room migrate | serve | dead-letters list [--all] | dead-letters replay <id> |
retention run [--now ISO] | outbox list [--place CODE] [--needs-fixing]`.

Imports are inside the functions: each command loads only what it runs (`migrate` never loads
the web app), and `--help` loads nothing of the service.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from govnet_kit.cli import run_cli

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from govnet_kit.consumer import DurableConsumer
    from govnet_kit.retention import CaseRetention
    from village_room.config import VillageRoomSettings


def _settings() -> VillageRoomSettings:
    from village_room.config import get_settings

    return get_settings()


async def _serve(settings: VillageRoomSettings) -> None:
    from village_room.main import serve

    await serve(settings)


def _consumers(
    settings: VillageRoomSettings, sessions: async_sessionmaker[AsyncSession]
) -> Sequence[DurableConsumer]:
    # Only for their idempotent step (a replay): nothing connects to NATS.
    from govnet_kit.messaging import NatsLink
    from village_room.main import consumers

    return consumers(
        NatsLink(settings.nats_url),
        sessions,
        edge_node=settings.edge_node,
        edge_places=settings.edge_places,
    )


def _retention() -> CaseRetention:
    from village_room.privacy.retention import SPEC

    return SPEC


def main() -> None:
    if sys.argv[1:2] == ["outbox"]:  # `village-room outbox list [--place CODE] [--needs-fixing]`
        from village_room.outbox.cli import run

        raise SystemExit(run(sys.argv[2:], _settings().database_url))
    run_cli(
        prog="village-room",
        package_dir=Path(__file__).parent,
        settings=_settings,
        serve=_serve,
        dead_letter_consumers=_consumers,
        retention=_retention,
    )


if __name__ == "__main__":
    main()

"""`town-hall migrate | serve | dead-letters list [--all] | dead-letters replay <id> |
retention run [--now ISO]`.

Imports are inside the functions: each command loads only what it runs (`migrate` never loads
the web app), and `--help` loads nothing of the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govnet_kit.cli import run_cli

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from govnet_kit.consumer import DurableConsumer
    from govnet_kit.retention import CaseRetention
    from town_hall.config import TownHallSettings


def _settings() -> TownHallSettings:
    from town_hall.config import get_settings

    return get_settings()


async def _serve(settings: TownHallSettings) -> None:
    from town_hall.main import serve

    await serve(settings)


def _consumers(
    settings: TownHallSettings, sessions: async_sessionmaker[AsyncSession]
) -> Sequence[DurableConsumer]:
    # Only for their idempotent step (a replay): nothing connects to NATS.
    from govnet_kit.messaging import NatsLink
    from town_hall.main import consumers

    return consumers(NatsLink(settings.nats_url), sessions)


def _retention() -> CaseRetention:
    from town_hall.case.retention import SPEC

    return SPEC


def main() -> None:
    run_cli(
        prog="town-hall",
        package_dir=Path(__file__).parent,
        settings=_settings,
        serve=_serve,
        dead_letter_consumers=_consumers,
        retention=_retention,
    )


if __name__ == "__main__":
    main()

"""`village-room migrate | serve | dead-letters list [--all] | dead-letters replay <id> |
retention run [--now ISO]`."""

import sys
from pathlib import Path

from govnet_kit.cli import run_cli
from village_room.config import VillageRoomSettings, get_settings


def _consumers(settings: VillageRoomSettings, sessions):  # type: ignore[no-untyped-def]
    # Only for their idempotent step (a replay): nothing connects to NATS.
    from govnet_kit.messaging import NatsLink
    from village_room.main import consumers

    return consumers(
        NatsLink(settings.nats_url),
        sessions,
        edge_node=settings.edge_node,
        edge_places=settings.edge_places,
    )


def _retention():  # type: ignore[no-untyped-def]
    from village_room.privacy.retention import SPEC

    return SPEC


def main() -> None:
    if sys.argv[1:2] == ["outbox"]:  # `village-room outbox list [--place CODE] [--needs-fixing]`
        from village_room.outbox.cli import run

        raise SystemExit(run(sys.argv[2:], get_settings().database_url))
    from village_room.main import serve

    run_cli(
        prog="village-room",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
        dead_letter_consumers=_consumers,
        retention=_retention,
    )


if __name__ == "__main__":
    main()

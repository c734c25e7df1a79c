"""`village-room migrate | serve | dead-letters list [--all] | dead-letters replay <id>`."""

from pathlib import Path

from govnet_kit.cli import run_cli
from village_room.config import VillageRoomSettings, get_settings


def _consumers(settings: VillageRoomSettings, sessions):  # type: ignore[no-untyped-def]
    # Only for their idempotent step (a replay): nothing connects to NATS.
    from govnet_kit.messaging import NatsLink
    from village_room.main import consumers

    return consumers(NatsLink(settings.nats_url), sessions)


def main() -> None:
    from village_room.main import serve

    run_cli(
        prog="village-room",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
        dead_letter_consumers=_consumers,
    )


if __name__ == "__main__":
    main()

"""`town-hall migrate | serve | dead-letters list [--all] | dead-letters replay <id>`."""

from pathlib import Path

from govnet_kit.cli import run_cli
from town_hall.config import TownHallSettings, get_settings


def _consumers(settings: TownHallSettings, sessions):  # type: ignore[no-untyped-def]
    # Only for their idempotent step (a replay): nothing connects to NATS.
    from govnet_kit.messaging import NatsLink
    from town_hall.main import consumers

    return consumers(NatsLink(settings.nats_url), sessions)


def main() -> None:
    from town_hall.main import serve

    run_cli(
        prog="town-hall",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
        dead_letter_consumers=_consumers,
    )


if __name__ == "__main__":
    main()

"""`town-hall migrate | serve | dead-letters list [--all] | dead-letters replay <id> |
retention run [--now ISO]`."""

from pathlib import Path

from govnet_kit.cli import run_cli
from town_hall.config import TownHallSettings, get_settings


def _consumers(settings: TownHallSettings, sessions):  # type: ignore[no-untyped-def]
    # Only for their idempotent step (a replay): nothing connects to NATS.
    from govnet_kit.messaging import NatsLink
    from town_hall.main import consumers

    return consumers(NatsLink(settings.nats_url), sessions)


def _retention():  # type: ignore[no-untyped-def]
    from town_hall.case.retention import SPEC

    return SPEC


def main() -> None:
    from town_hall.main import serve

    run_cli(
        prog="town-hall",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
        dead_letter_consumers=_consumers,
        retention=_retention,
    )


if __name__ == "__main__":
    main()

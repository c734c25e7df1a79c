from pathlib import Path

from govnet_kit.cli import run_cli
from town_hall.config import get_settings


def main() -> None:
    from town_hall.main import serve

    run_cli(prog="town-hall", package_dir=Path(__file__).parent, settings=get_settings, serve=serve)


if __name__ == "__main__":
    main()

from pathlib import Path

from govnet_kit.cli import run_cli
from notify.config import get_settings


def main() -> None:
    from notify.main import serve

    run_cli(
        prog="notify",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
    )


if __name__ == "__main__":
    main()

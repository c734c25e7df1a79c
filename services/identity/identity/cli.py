from pathlib import Path

from govnet_kit.cli import run_cli
from identity.config import get_settings


def main() -> None:
    from identity.main import serve
    from identity.seed import seed_demo

    run_cli(
        prog="identity",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
        seed_demo=seed_demo,
    )


if __name__ == "__main__":
    main()

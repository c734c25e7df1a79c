import sys
from pathlib import Path

from city_center.config import get_settings
from govnet_kit.cli import run_cli


def _retention():  # type: ignore[no-untyped-def]
    from city_center.case.retention import SPEC

    return SPEC


def main() -> None:
    from city_center.catalog import cli as catalog_cli

    # The catalog's own commands; migrate, serve and seed-demo are the kit's.
    if len(sys.argv) > 1 and sys.argv[1] in catalog_cli.COMMANDS:
        sys.exit(catalog_cli.run(sys.argv[1:], get_settings()))

    from city_center.main import serve
    from city_center.seed import seed_demo

    run_cli(
        prog="city-center",
        package_dir=Path(__file__).parent,
        settings=get_settings,
        serve=serve,
        seed_demo=seed_demo,
        retention=_retention,
    )


if __name__ == "__main__":
    main()

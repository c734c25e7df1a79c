"""`city-center migrate | serve | seed-demo | import-catalog | export-catalog | ...`.

Imports are inside the functions: each command loads only what it runs (`migrate` and
`seed-demo` never load the web app), and `--help` loads nothing of the service.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from govnet_kit.cli import run_cli

if TYPE_CHECKING:
    from city_center.config import CityCenterSettings
    from govnet_kit.retention import CaseRetention


def _settings() -> CityCenterSettings:
    from city_center.config import get_settings

    return get_settings()


async def _serve(settings: CityCenterSettings) -> None:
    from city_center.main import serve

    await serve(settings)


async def _seed_demo(settings: CityCenterSettings) -> None:
    from city_center.seed import seed_demo

    await seed_demo(settings)


def _retention() -> CaseRetention:
    from city_center.case.retention import SPEC

    return SPEC


def main() -> None:
    from city_center.catalog import cli as catalog_cli

    # The catalog's own commands; migrate, serve and seed-demo are the kit's.
    if len(sys.argv) > 1 and sys.argv[1] in catalog_cli.COMMANDS:
        sys.exit(catalog_cli.run(sys.argv[1:], _settings()))

    run_cli(
        prog="city-center",
        package_dir=Path(__file__).parent,
        settings=_settings,
        serve=_serve,
        seed_demo=_seed_demo,
        retention=_retention,
    )


if __name__ == "__main__":
    main()

"""`identity migrate | serve | seed-demo | ...`: the kit's command line. Imports are inside the
functions, so each command loads only what it runs and `--help` loads nothing of the service."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govnet_kit.cli import run_cli

if TYPE_CHECKING:
    from identity.config import IdentitySettings


def _settings() -> IdentitySettings:
    from identity.config import get_settings

    return get_settings()


async def _serve(settings: IdentitySettings) -> None:
    from identity.main import serve

    await serve(settings)


async def _seed_demo(settings: IdentitySettings) -> None:
    from identity.seed import seed_demo

    await seed_demo(settings)


def main() -> None:
    run_cli(
        prog="identity",
        package_dir=Path(__file__).parent,
        settings=_settings,
        serve=_serve,
        seed_demo=_seed_demo,
    )


if __name__ == "__main__":
    main()

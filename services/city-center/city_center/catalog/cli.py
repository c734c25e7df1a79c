"""`city-center import-catalog FILE` and `city-center export-catalog [FILE]`.

An import is checked in full first and every error printed with its row, line, item and field;
nothing is written unless the whole file is valid. A progress bar follows a large import.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from city_center.config import CityCenterSettings

# The catalog code and the database are imported inside the commands: `city-center` imports
# this module for COMMANDS whatever the command is.
COMMANDS = ("import-catalog", "export-catalog")


class _CheckedOnly(Exception):
    """Raised inside the transaction of `--check`, so nothing is written."""


SMALL = 100


class ProgressBar:
    """A bar redrawn in place on a terminal; in a log, a line every 10% of a large import."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30):
        self._stream, self._width = stream, width
        self._tty = stream.isatty()
        self._last = -1
        self._started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        step = percent if self._tty else percent // 10 * 10
        if step == self._last and done != total:
            return
        if not self._tty and total < SMALL and done != total:
            return  # a small import in a log: the final line is enough
        self._last = step
        filled = self._width * done // max(total, 1)
        bar = "#" * filled + "." * (self._width - filled)
        line = f"[{bar}] {done}/{total} items {percent:3d}% {time.monotonic() - self._started:.1f}s"
        if self._tty:
            self._stream.write("\r" + line + ("\n" if done == total else ""))
        else:
            self._stream.write(line + "\n")
        self._stream.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="city-center")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import-catalog", help="check and import a catalog file (YAML or CSV)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=["yaml", "csv"], help="default: from the file name")
    imp.add_argument("--publish", action="store_true", help="publish the drafts it creates")
    imp.add_argument("--check", action="store_true", help="check only; write nothing")
    exp = sub.add_parser("export-catalog", help="write the catalog in force (YAML or CSV)")
    exp.add_argument("file", type=Path, nargs="?", help="default: standard output")
    exp.add_argument("--format", choices=["yaml", "csv"], help="default: from the file name")
    return parser


def _format(given: str | None, path: Path | None) -> str:
    if given:
        return given
    return "csv" if path is not None and path.suffix.lower() == ".csv" else "yaml"


async def _import(settings: CityCenterSettings, args: argparse.Namespace) -> int:
    from city_center.catalog import bulk, rules
    from govnet_kit.db import make_engine, make_sessionmaker

    text = args.file.read_text(encoding="utf-8")
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            report = await bulk.import_catalog(
                session,
                text,
                fmt=_format(args.format, args.file),
                publish=args.publish,
                actor="system:import-catalog",
                progress=ProgressBar(),
            )
            if args.check:
                raise _CheckedOnly  # roll back
    except _CheckedOnly:
        pass
    except rules.CatalogInvalid as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} error(s); nothing imported", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    verb = "would write" if args.check else "wrote"
    print(
        f"{report.items} items: {verb} {len(report.created)} drafts, "
        f"published {0 if args.check else len(report.published)}, "
        f"{len(report.unchanged)} unchanged; {report.departments} departments"
    )
    return 0


async def _export(settings: CityCenterSettings, args: argparse.Namespace) -> int:
    from city_center.catalog import export
    from govnet_kit.db import make_engine, make_sessionmaker, transaction

    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            fmt = _format(args.format, args.file)
            text = await (export.export_csv if fmt == "csv" else export.export_yaml)(session)
    finally:
        await engine.dispose()
    if args.file is None:
        sys.stdout.write(text)
    else:
        args.file.write_text(text, encoding="utf-8")
    return 0


def run(argv: list[str], settings: CityCenterSettings) -> int:
    args = _parser().parse_args(argv)
    command = _import if args.command == "import-catalog" else _export
    return asyncio.run(command(settings, args))

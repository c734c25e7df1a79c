"""Debian's chromium driven by Playwright (the wheel's own browser download is never used).

Tests here are marked `browser` and skip, saying why, where chromium is not installed
(`sh tools/system-packages.sh` installs it with a CJK font as root).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# The viewports are in web_helpers, where test modules import them from: in a test module
# `conftest` may name another directory's conftest, whichever pytest imported last.
from web_helpers import DESKTOP

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Module scope: Playwright's sync API leaves its event loop set as the thread's running loop
# while it lives, and an async test after it (pytest-asyncio) could not start its own.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed: run `sh tools/system-packages.sh` as root")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright wheel is not installed: run `make setup`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Shots:
    """Screenshots (and PDFs) numbered in the order taken, kept under the test's tmp dir."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, name: str) -> Path:  # type: ignore[no-untyped-def]
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    return Shots(tmp_path / "screenshots")


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small PDF per material of LY-0001, as the duty staff's scanner would leave them."""
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for code in ("application", "id_card", "forest_right", "felling_design"):
        path = folder / f"{code}.pdf"
        path.write_bytes(b"%PDF-1.4\n% scan of " + code.encode() + b"\n%%EOF\n")
        out[code] = path
    return out

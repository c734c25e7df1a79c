"""Appointments (C5) in a real browser on a 360 px phone, with JavaScript off: the city's app
served by uvicorn in a thread of this test on PostgreSQL (no platform: identity's sign-in is
stood in for by a session cookie signed with the test's key, as the HTTP tests do), the clock
fixed on Monday 2026-08-31. The applicant reads the exam's reception days and slots on its
catalog page, books one with the keyboard, finds it among their bookings and cancels it; the
window's list of the day fits the phone too. No page is wider than the screen."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn
from web_helpers import PHONE

from city_center.appointment import dependencies
from city_center.catalog import bulk
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from govnet_kit.db import transaction
from tests.dbkit import fresh_sessions
from tests.tokens import key_set
from tests.web.test_city_appointment_pages_http import DEPARTMENT, EXAM, NOW, token

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The city's app on PostgreSQL, served on a local port from a thread with its own loop."""
    tmp = tmp_path_factory.mktemp("city-appointments-browser")
    port = _free_port()
    ready, stop = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    async def serve() -> None:
        async with fresh_sessions("postgresql", tmp) as sessions:
            async with transaction(sessions) as s:
                await bulk.import_catalog(
                    s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
                )
            settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'u.db'}")  # type: ignore[call-arg]
            runtime, app = build(settings)
            runtime.sessions = sessions
            runtime.verifier.set_keys(key_set())
            app.dependency_overrides[dependencies.clock] = lambda: NOW
            server = uvicorn.Server(
                uvicorn.Config(
                    app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
                )
            )
            task = asyncio.create_task(server.serve())
            while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
                await asyncio.sleep(0.05)
            ready.set()
            await asyncio.to_thread(stop.wait)
            server.should_exit = True
            await task
            await runtime.engine.dispose()

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failure.append(exc)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(60), "the city's app did not start"
    if failure:
        raise failure[0]
    yield f"http://127.0.0.1:{port}"
    stop.set()
    thread.join(30)


def _phone(browser, base: str, session_token: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "govnet_session", "value": session_token, "url": base}])
    return context


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_an_applicant_books_and_cancels_on_a_phone(city, browser, shots):  # type: ignore[no-untyped-def]
    context = _phone(browser, city, token(phone="13900000051"))
    page = context.new_page()
    # JavaScript is off: `page.evaluate` still runs (Playwright's own script), the page's not.
    page.goto(f"{city}/catalog/{EXAM}")
    assert "每周二、周四" in page.locator("#reception-lines").inner_text()
    assert "09:00 · 余20个名额（共20）" in page.locator("#slots").inner_text()
    _fits(page)
    shots(page, "catalog-seasonal-phone")

    page.click("#book-link")
    page.wait_for_url(f"{city}/appointments/new/{EXAM}?from=2026-08-31")
    _fits(page)
    # With the keyboard: the first slot, then the name, then submit.
    page.focus('input[name="starts_at"] >> nth=0')
    page.keyboard.press("Space")
    page.get_by_label("姓名（窗口核对用）").fill("吴春耕")
    shots(page, "booking-form-phone")
    page.get_by_role("button", name="确认预约").press("Enter")
    page.wait_for_url(f"{city}/appointments?done=booked")
    row = page.locator("#bookings tbody tr").first
    assert row.get_attribute("data-status") == "booked"
    assert "2026-09-01 09:00" in row.inner_text()
    _fits(page)
    shots(page, "my-bookings-phone")

    row.get_by_role("button").click()
    page.wait_for_url(f"{city}/appointments?done=cancelled")
    assert page.locator("#bookings tbody tr").first.get_attribute("data-status") == "cancelled"
    context.close()

    window = _phone(browser, city, token(dept=DEPARTMENT)).new_page()
    window.goto(f"{city}/desk/appointments?day=2026-09-01")
    assert window.locator("#booked-count").inner_text() == "0"
    assert "吴春耕" in window.locator("#appointments").inner_text()  # cancelled, still listed
    _fits(window)
    shots(window, "window-day-phone")
    window.context.close()

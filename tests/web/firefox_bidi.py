"""Debian's Firefox ESR, headless, driven over WebDriver BiDi: the browser's own remote protocol
on a websocket, so neither geckodriver nor a downloaded browser is needed (Playwright drives
only its own patched Firefox). Just what the tests need: open a page, read it, fill a field,
click as a user does (a real pointer click, so a form posts even with JavaScript off) and
size the window.

Firefox's remote agent applies its recommended preferences, which turn off updates, telemetry
and the other background traffic; the profile is a fresh one per browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import websockets

TIMEOUT = 20.0


def executable() -> str | None:
    return shutil.which("firefox-esr") or shutil.which("firefox")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_prefs(profile: str, *, javascript: bool) -> None:
    prefs = {"javascript.enabled": javascript, "intl.accept_languages": "zh-CN"}
    lines = (f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())
    Path(profile, "user.js").write_text("".join(lines))


def _value(remote: dict[str, Any]) -> Any:
    """A BiDi remote value as Python: the primitives and arrays of them the tests read."""
    kind = remote["type"]
    if kind in ("undefined", "null"):
        return None
    if kind == "array":
        return [_value(v) for v in remote["value"]]
    if kind == "node":
        return remote
    return remote["value"]


class BidiError(AssertionError):
    pass


class Firefox:
    def __init__(self, ws: websockets.ClientConnection) -> None:
        self._ws = ws
        self._next = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._loads: asyncio.Queue[str] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        self.context = ""

    @classmethod
    @contextlib.asynccontextmanager
    async def launch(cls, *, javascript: bool = True) -> AsyncIterator[Firefox]:
        binary = executable()
        assert binary, "firefox-esr is not installed"
        port = _free_port()
        with tempfile.TemporaryDirectory(prefix="firefox-") as profile:
            _write_prefs(profile, javascript=javascript)
            proc = await asyncio.create_subprocess_exec(
                binary,
                *("--headless", "--no-remote", "--profile", profile),
                f"--remote-debugging-port={port}",
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                ws = await cls._connect(port, proc)
                browser = cls(ws)
                try:
                    await browser._call("session.new", capabilities={})
                    tree = await browser._call("browsingContext.getTree")
                    browser.context = tree["contexts"][0]["context"]
                    await browser._call("session.subscribe", events=["browsingContext.load"])
                    yield browser
                finally:
                    with contextlib.suppress(Exception):
                        await browser._call("session.end")
                    browser._reader.cancel()
                    await ws.close()
            finally:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()

    @staticmethod
    async def _connect(port: int, proc: asyncio.subprocess.Process) -> websockets.ClientConnection:
        for _ in range(int(TIMEOUT / 0.2)):
            if proc.returncode is not None:
                raise BidiError(f"firefox exited with {proc.returncode} before listening")
            try:
                return await websockets.connect(f"ws://127.0.0.1:{port}/session", max_size=2**24)
            except OSError:
                await asyncio.sleep(0.2)
        raise BidiError(f"firefox did not listen on {port} within {TIMEOUT} s")

    async def _read(self) -> None:
        async for raw in self._ws:
            message = json.loads(raw)
            if "id" in message and message["id"] in self._waiting:
                self._waiting.pop(message["id"]).set_result(message)
            elif message.get("method") == "browsingContext.load":
                self._loads.put_nowait(message["params"]["url"])

    async def _call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._next] = answer
        await self._ws.send(json.dumps({"id": self._next, "method": method, "params": params}))
        message = await asyncio.wait_for(answer, TIMEOUT)
        if message.get("type") == "error":
            raise BidiError(f"{method}: {message['error']}: {message.get('message')}")
        return dict(message["result"])

    async def goto(self, url: str) -> None:
        await self._call("browsingContext.navigate", context=self.context, url=url, wait="complete")

    async def read(self, expression: str) -> Any:
        """Evaluate in a sandbox: works with the page's own JavaScript off, and cannot be
        changed by it."""
        result = await self._call(
            "script.evaluate",
            expression=expression,
            target={"context": self.context, "sandbox": "tests"},
            awaitPromise=False,
            resultOwnership="root",
        )
        if result["type"] == "exception":
            raise BidiError(f"{expression}: {result['exceptionDetails']['text']}")
        return _value(result["result"])

    async def url(self) -> str:
        return str(await self.read("location.href"))

    async def text(self, selector: str) -> str:
        return str(await self.read(f"document.querySelector({json.dumps(selector)}).textContent"))

    async def count(self, selector: str) -> int:
        return int(await self.read(f"document.querySelectorAll({json.dumps(selector)}).length"))

    async def fill(self, selector: str, value: str) -> None:
        found = await self.read(
            f"(() => {{ const f = document.querySelector({json.dumps(selector)});"
            f" if (!f) return false; f.value = {json.dumps(value)}; return true; }})()"
        )
        assert found, f"no field {selector}"

    async def click(
        self, selector: str, *, navigates: bool = True, wait_s: float = TIMEOUT
    ) -> None:
        """A real pointer click in the middle of the element; wait for the next page if it
        navigates (a form post answered by a redirect or a page)."""
        node = await self.read(f"document.querySelector({json.dumps(selector)})")
        assert node, f"nothing matches {selector}"
        while not self._loads.empty():
            self._loads.get_nowait()
        move = {"type": "pointerMove", "x": 0, "y": 0}
        move["origin"] = {"type": "element", "element": {"sharedId": node["sharedId"]}}
        pointer = [move, {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]
        await self._call(
            "input.performActions",
            context=self.context,
            actions=[{"type": "pointer", "id": "mouse", "actions": pointer}],
        )
        if navigates:
            await asyncio.wait_for(self._loads.get(), wait_s)

    async def viewport(self, width: int, height: int) -> None:
        await self._call(
            "browsingContext.setViewport",
            context=self.context,
            viewport={"width": width, "height": height},
        )

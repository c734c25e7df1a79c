"""What the edge tests stand on: a cuttable link, the central platform with a leaf-node
listener, and an edge node run as the operator runs it (tools/edge.py run, one process group).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import httpx
import psycopg

from tools.launcher import BIN, ROOT, SERVICES, env_prefix, log_tail

T = TypeVar("T")


def patiently(read: Callable[[], T], tries: int = 20) -> T:
    """A read of the centre's databases, again if the shared PostgreSQL is out of connections
    for a moment (other test runs use it too); reads only, so repeating is harmless."""
    for attempt in range(tries):
        try:
            return read()
        except psycopg.OperationalError:
            if attempt == tries - 1:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


EDGE = ROOT / "deploy" / "edge"
LEAF_USER = "edge-nodes"


def hub_config(workdir: Path, leaf_port: int, password: str) -> Path:
    """The shipped hub-leafnodes.conf with its variables defined on top, as an operator would."""
    path = workdir / "hub.conf"
    path.write_text(
        f'GOVNET_LEAF_PORT: {leaf_port}\nGOVNET_LEAF_USER: "{LEAF_USER}"\n'
        f'GOVNET_LEAF_PASSWORD: "{password}"\n' + (EDGE / "hub-leafnodes.conf").read_text()
    )
    return path


class Link:
    """The edge node's link to the centre: TCP forwarders on 127.0.0.1, one per address the
    node uses there. cut() drops every connection and refuses new ones until restore()."""

    def __init__(self, targets: Mapping[str, int]):
        self.up = True
        self.ports: dict[str, int] = {}
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._servers = [self._call(self._listen(name, port)) for name, port in targets.items()]

    def _call(self, coro):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _listen(self, name: str, target: int) -> asyncio.base_events.Server:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            if not self.up:
                writer.transport.abort()
                return
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
            except OSError:
                writer.transport.abort()
                return
            self._writers |= {writer, up_writer}
            try:
                await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
            finally:
                for w in (writer, up_writer):
                    self._writers.discard(w)
                    w.transport.abort()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        self.ports[name] = server.sockets[0].getsockname()[1]
        return server

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()  # one side gone: the other goes too

    def cut(self) -> None:
        self.up = False

        async def drop() -> None:
            for w in list(self._writers):
                w.transport.abort()

        self._call(drop())

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        for server in self._servers:
            self._loop.call_soon_threadsafe(server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


class EdgeProcess:
    """`tools/edge.py run` as systemd would run it: its own process group, settings in env."""

    def __init__(self, env: Mapping[str, str], state: Path, http_port: int):
        self.env = dict(env)
        self.state = state
        self.url = f"http://127.0.0.1:{http_port}"
        self.log = state / "edge.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        prefixes = tuple(env_prefix(s) for s in SERVICES)
        base = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "python"), str(ROOT / "tools" / "edge.py"), "run"],
                cwd=ROOT,
                env={**base, **self.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"edge node exited {self.proc.returncode}:\n{self.tail()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2.0, trust_env=False).is_success:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"edge node not ready after {timeout:.0f}s:\n{self.tail()}")
            time.sleep(0.3)

    def stop(self) -> int | None:
        """SIGTERM to the supervisor, as systemd does; it stops its children in order."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(45)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in its group
        except ProcessLookupError:
            pass
        return proc.returncode

    def tail(self) -> str:
        logs = [self.log, *sorted((self.state / "logs").glob("*.log"))]
        return "\n".join(f"--- {p.name}\n{log_tail(p, 30)}" for p in logs)

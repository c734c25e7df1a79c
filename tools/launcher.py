"""Run the whole platform as real processes: nats-server plus the five services.

`Platform` is used by `make run` (the embedded profile below) and by the integration-test
fixtures (tests/harness.py). Usage: python tools/launcher.py run
"""

import sys
from pathlib import Path

if __name__ == "__main__" and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # Run as a script, this folder comes first on sys.path and this file would shadow the
    # standard library's `platform` (httpx imports it). Import from the repository root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import atexit
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Self

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.prefix) / "bin"

# Start order; stop is the reverse. Identity first: the others fetch its keys.
SERVICES = ("identity", "notify", "city-center", "town-hall", "village-room")
# The services with demo data. Each seed writes only its own database and calls no other
# service (identity: staff accounts; city-center: the catalog, relayed later by its own outbox),
# so they run side by side, like the migrations.
SEEDED = ("identity", "city-center")
DEFAULT_PORTS = {
    "city-center.http": 8001,
    "city-center.grpc": 50051,
    "town-hall.http": 8002,
    "town-hall.grpc": 50052,
    "village-room.http": 8003,
    "village-room.grpc": 50053,
    "identity.http": 8004,
    "identity.grpc": 50054,
    "notify.http": 8005,
    "notify.grpc": 50055,
    "nats": 4222,
}
# The other services each one calls over gRPC: <PREFIX><OTHER>_GRPC_TARGET.
GRPC_PEERS = {
    "identity": ("notify",),  # applicants' one-time codes go out by SMS
    "city-center": ("notify",),
    "town-hall": ("city-center", "notify"),
    "village-room": ("town-hall", "notify"),
}
STOP_GRACE_S = 10.0


class PlatformError(RuntimeError):
    """A process of the platform failed to start, migrate, seed or become ready."""


def env_prefix(service: str) -> str:
    return service.upper().replace("-", "_") + "_"


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Platform:
    """nats-server and the services as subprocesses, each in its own process group.

    Own process groups keep a terminal's Ctrl-C away from the children: the runner catches it
    and stops them in order. `ports` is keyed "<service>.http", "<service>.grpc" and "nats"
    (see DEFAULT_PORTS); `secrets` is the env of tools/devsecrets.py; `extra_env` adds
    prefixed variables (e.g. {"TOWN_HALL_LOG_LEVEL": "DEBUG"}); `nats_config` is a
    nats-server configuration file read before the flags (e.g. a leaf-node listener).
    """

    def __init__(
        self,
        workdir: Path,
        database_urls: Mapping[str, str],
        ports: Mapping[str, int],
        secrets: Mapping[str, str],
        *,
        environment: str = "dev",
        services: Iterable[str] = SERVICES,
        extra_env: Mapping[str, str] | None = None,
        nats_config: Path | None = None,
    ):
        wanted = set(services)
        if unknown := wanted - set(SERVICES):
            raise ValueError(f"unknown services: {sorted(unknown)}")
        self.services = tuple(s for s in SERVICES if s in wanted)
        # Ports of every service, even those not run: the others' peer targets need them.
        missing = [s for s in self.services if s not in database_urls]
        missing += [k for k in DEFAULT_PORTS if k not in ports]
        if missing:
            raise ValueError(f"missing database URLs or ports: {missing}")
        self.workdir = Path(workdir).resolve()
        self.logs = self.workdir / "logs"
        self.database_urls = dict(database_urls)
        self.ports = dict(ports)
        self.secrets = dict(secrets)
        self.environment = environment
        self.extra_env = dict(extra_env or {})
        self.nats_config = nats_config
        self.nats_url = f"nats://127.0.0.1:{self.ports['nats']}"
        self._procs: dict[str, subprocess.Popen[bytes]] = {}  # in start order
        self._atexit = False

    # -- addresses -----------------------------------------------------------------------

    def http(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[f'{service}.http']}"

    def grpc(self, service: str) -> str:
        return f"127.0.0.1:{self.ports[f'{service}.grpc']}"

    def urls(self) -> dict[str, dict[str, str]]:
        return {
            s: {"http": self.http(s), "docs": self.http(s) + "/docs", "grpc": self.grpc(s)}
            for s in self.services
        }

    def env_for(self, service: str) -> dict[str, str]:
        """The variables of one service, as its manifest would set them."""
        p = env_prefix(service)
        env = {
            f"{p}DATABASE_URL": self.database_urls[service],
            f"{p}HTTP_PORT": str(self.ports[f"{service}.http"]),
            f"{p}GRPC_PORT": str(self.ports[f"{service}.grpc"]),
            f"{p}NATS_URL": self.nats_url,
            f"{p}IDENTITY_HTTP_URL": self.http("identity"),
            f"{p}IDENTITY_GRPC_TARGET": self.grpc("identity"),
            f"{p}ENVIRONMENT": self.environment,
        }
        if self.environment == "test":
            # Several test platforms share one PostgreSQL server (max_connections 100 by
            # default): each keeps few idle connections.
            env[f"{p}DATABASE_POOL_SIZE"] = "3"
        for peer in GRPC_PEERS.get(service, ()):
            env[f"{p}{env_prefix(peer)}GRPC_TARGET"] = self.grpc(peer)
        for source in (self.secrets, self.extra_env):
            env.update({k: v for k, v in source.items() if k.startswith(p)})
        return env

    def _process_env(self, service: str | None) -> dict[str, str]:
        # Drop the caller's own service variables: a stray TOWN_HALL_DATABASE_URL in a shell
        # must never reach a test platform.
        prefixes = tuple(env_prefix(s) for s in SERVICES)
        env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
        env["PYTHONUNBUFFERED"] = "1"  # so a crash's last lines are in the log
        if service is not None:
            env.update(self.env_for(service))
        return env

    # -- processes -----------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str], service: str | None) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        if service is not None:
            _make_sqlite_dir(self.database_urls[service])
        if not self._atexit:
            atexit.register(self.stop)
            self._atexit = True
        with open(self.logs / f"{name}.log", "ab") as log:
            log.write(f"\n$ {' '.join(argv)}\n".encode())
            log.flush()
            return subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self._process_env(service),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _fail(self, name: str, message: str) -> PlatformError:
        log = self.logs / f"{name}.log"
        return PlatformError(f"{message}\n--- last lines of {log} ---\n{log_tail(log)}")

    def nats_argv(self) -> list[str]:
        store = self.workdir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        config = ["-c", str(self.nats_config)] if self.nats_config else []
        argv = [str(BIN / "nats-server"), *config, "-js", "-sd", str(store), "-a", "127.0.0.1"]
        return [*argv, "-p", str(self.ports["nats"])]

    def start_nats(self, timeout: float = 15.0) -> None:
        proc = self._spawn("nats", self.nats_argv(), None)
        self._procs["nats"] = proc
        deadline = time.monotonic() + timeout
        while not _nats_answers(self.ports["nats"]):
            if proc.poll() is not None:
                raise self._fail("nats", f"nats-server exited with code {proc.returncode}")
            if time.monotonic() > deadline:
                raise self._fail("nats", f"nats-server not answering after {timeout:.0f}s")
            time.sleep(0.1)

    def run_command(self, service: str, *args: str, timeout: float = 120.0) -> None:
        """Run `<service> <args>` to completion (output in its log); raise if it fails."""
        self._run_all([(service, args)], timeout)

    def _run_all(self, commands: list[tuple[str, Iterable[str]]], timeout: float) -> None:
        running = [
            (s, self._spawn(s, [str(BIN / s), *args], s), " ".join(args)) for s, args in commands
        ]
        try:
            deadline = time.monotonic() + timeout
            for service, proc, what in running:
                try:
                    rc = proc.wait(max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    raise self._fail(
                        service, f"`{service} {what}` timed out after {timeout:.0f}s"
                    ) from None
                if rc != 0:
                    raise self._fail(service, f"`{service} {what}` failed with code {rc}")
        finally:
            for _, proc, _ in running:
                _terminate(proc, grace=0)

    def migrate_all(self, timeout: float = 120.0) -> None:
        # Each service has its own database: the migrations run side by side.
        self._run_all([(s, ["migrate"]) for s in self.services], timeout)

    def seed_all(self, timeout: float = 120.0) -> None:
        self._run_all([(s, ["seed-demo"]) for s in SEEDED if s in self.services], timeout)

    def start_services(self) -> None:
        for s in self.services:
            self._procs[s] = self._spawn(s, [str(BIN / s), "serve"], s)

    def stop_service(self, service: str, *, kill: bool = False) -> int | None:
        """SIGTERM one service (SIGKILL with kill=True) and wait; returns its exit code."""
        proc = self._procs.pop(service)
        _terminate(proc, grace=0 if kill else STOP_GRACE_S)
        return proc.returncode

    def start_service(self, service: str, timeout: float = 60.0) -> None:
        self._procs[service] = self._spawn(service, [str(BIN / service), "serve"], service)
        self.wait_ready(timeout)

    def kill_service(self, service: str) -> int | None:
        """kill -9: no shutdown at all, as when a node dies (fault tests)."""
        return self.stop_service(service, kill=True)

    def stop_nats(self, *, kill: bool = False) -> int | None:
        """Stop nats-server (SIGKILL with kill=True); its JetStream store stays on disk."""
        proc = self._procs.pop("nats")
        _terminate(proc, grace=0 if kill else STOP_GRACE_S)
        return proc.returncode

    def restart_nats(self, *, kill: bool = False, down_for: float = 0.0) -> None:
        """Stop nats-server and start it again on the same port and store directory."""
        self.stop_nats(kill=kill)
        time.sleep(down_for)
        self.start_nats()
        # Back to the front of the start order, so that stop() still stops it last.
        self._procs = {"nats": self._procs.pop("nats"), **self._procs}

    def freeze(self, name: str) -> None:
        """SIGSTOP a process ("nats" or a service): it holds its sockets but answers nothing."""
        _killpg(self._procs[name].pid, signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        _killpg(self._procs[name].pid, signal.SIGCONT)

    def dead(self) -> dict[str, int]:
        """Processes that have exited, with their exit codes."""
        return {n: p.returncode for n, p in self._procs.items() if p.poll() is not None}

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll every service's /readyz until all answer 200; raise early if one dies."""
        pending = [s for s in self.services if s in self._procs]
        last: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while pending:
                for s in list(pending):
                    if (rc := self._procs[s].poll()) is not None:
                        raise self._fail(s, f"{s} exited with code {rc} while starting")
                    try:
                        r = client.get(self.http(s) + "/readyz")
                    except httpx.HTTPError as exc:
                        last[s] = repr(exc)
                        continue
                    if r.status_code == 200:
                        pending.remove(s)
                    else:
                        last[s] = f"{r.status_code} {r.text[:300]}"
                if pending and time.monotonic() > deadline:
                    s = pending[0]
                    raise self._fail(
                        s, f"not ready after {timeout:.0f}s: {pending}; {s} /readyz: {last.get(s)}"
                    )
                if pending:
                    time.sleep(0.05)  # a refused connection costs nothing; don't oversleep

    def up(self, *, seed: bool = True, timeout: float = 60.0) -> None:
        """The whole start-up: NATS, migrations, services, readiness, then the demo data."""
        self.start_nats()
        self.migrate_all()
        self.start_services()
        self.wait_ready(timeout)
        if seed:
            self.seed_all()

    def stop(self) -> None:
        """SIGTERM each process in reverse start order, SIGKILL after the grace. Idempotent."""
        while self._procs:
            _, proc = self._procs.popitem()  # the last started
            _terminate(proc, grace=STOP_GRACE_S)
        if self._atexit:
            atexit.unregister(self.stop)
            self._atexit = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _terminate(proc: subprocess.Popen[bytes], *, grace: float) -> None:
    """Stop a process and everything in its group (it leads its own session)."""
    if proc.poll() is None:
        _killpg(proc.pid, signal.SIGTERM if grace > 0 else signal.SIGKILL)
        _killpg(proc.pid, signal.SIGCONT)  # a frozen process (freeze()) must see the SIGTERM
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            _killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    _killpg(proc.pid, signal.SIGKILL)  # any child it left behind


def _killpg(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _nats_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            return sock.recv(4).startswith(b"INFO")
    except OSError:
        return False


def _make_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite") and ":///" in url:
        Path(url.split(":///", 1)[1].split("?", 1)[0]).parent.mkdir(parents=True, exist_ok=True)


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        # SO_REUSEADDR ignores TIME_WAIT leftovers of a previous run but still fails on a
        # listener; gRPC listens with SO_REUSEPORT, which would otherwise share the port silently.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


# -- the embedded profile: `make run` --------------------------------------------------------


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signal.Signals(signum).name)


def embedded(var: Path, services: Iterable[str] = SERVICES) -> Platform:
    from tools import devsecrets

    secrets_file = var / "secrets.env"
    devsecrets.ensure(secrets_file)  # made once; later secrets added, never replaced
    return Platform(
        var,
        {s: f"sqlite+aiosqlite:///{var / s}.db" for s in SERVICES},
        DEFAULT_PORTS,
        devsecrets.read(secrets_file),
        environment="dev",
        services=services,
    )


def run(services: Sequence[str] = SERVICES) -> int:
    wanted = [n for n in DEFAULT_PORTS if n == "nats" or n.rsplit(".", 1)[0] in services]
    taken = [f"{DEFAULT_PORTS[n]} ({n})" for n in wanted if port_taken(DEFAULT_PORTS[n])]
    if taken:
        print(
            f"ports already in use: {', '.join(taken)}.\n"
            "Is `make run` already running? See who holds them with `ss -ltnp`.",
            file=sys.stderr,
        )
        return 1
    var = ROOT / "var"
    platform = embedded(var, services)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        print(
            f"starting NATS and {', '.join(platform.services)}; logs in {platform.logs}/",
            flush=True,
        )
        platform.up()
        _print_summary(platform, var)
        while not (dead := platform.dead()):
            time.sleep(0.5)
        name, rc = next(iter(dead.items()))
        print(f"\n{name} exited with code {rc}; stopping the platform.", file=sys.stderr)
        print(log_tail(platform.logs / f"{name}.log"), file=sys.stderr)
        return 1
    except _Stop:
        return 0
    except PlatformError as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not leave half the platform running.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nstopping (SIGTERM, in reverse order)...", file=sys.stderr, flush=True)
        platform.stop()
        print("stopped.", file=sys.stderr)


def _print_summary(platform: Platform, var: Path) -> None:
    print("\ngovnet is running (embedded profile: SQLite + local nats-server)\n")
    for service, u in platform.urls().items():
        print(f"  {service:<13} {u['http']:<23} docs {u['docs']:<28} gRPC {u['grpc']}")
    print(f"  {'nats':<13} {platform.nats_url}")
    print(
        f"\n  demo accounts: services/identity/identity/seed.py;"
        f" password: IDENTITY_DEMO_PASSWORD in {var / 'secrets.env'}"
    )
    print(f"  data and logs: {var}/   (Ctrl-C to stop)\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="tools/launcher.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("run", help="the embedded profile: SQLite under var/, default ports")
    cmd.add_argument(
        "--only",
        metavar="SERVICE,...",
        type=lambda v: [s.strip() for s in v.split(",") if s.strip()],
        default=list(SERVICES),
        help="run only these services (with NATS), e.g. --only identity,notify",
    )
    args = parser.parse_args()
    if unknown := set(args.only) - set(SERVICES):
        parser.error(f"unknown services {sorted(unknown)}; choose from {', '.join(SERVICES)}")
    sys.exit(run(args.only))


if __name__ == "__main__":
    main()

"""The edge node (decision 4, issue 9): a village's (or township's) own node on the embedded
profile, for a weak link: nats-server as a leaf node of the central JetStream
(deploy/edge/leafnode.conf) and the village-room service on SQLite, as one process group under
this supervisor. If either process dies, both stop and the supervisor exits non-zero, so systemd
(deploy/edge/govnet-edge.service) restarts the pair. docs/operations.md, "Edge node".

    python tools/edge.py run      [--env-file FILE]   leaf nats-server, migrations, the service
    python tools/edge.py migrate  [--env-file FILE]   the migrations only (install.sh, updates)
    python tools/edge.py check    [--env-file FILE]   validate the configuration, start nothing

Configuration is the environment (systemd's EnvironmentFile=/etc/govnet-edge/edge.env, see
deploy/edge/edge.env.example): GOVNET_EDGE_NODE (the node's name), GOVNET_EDGE_NATS_PORT,
GOVNET_EDGE_HUB_URL, GOVNET_EDGE_STATE_DIR, and the service's own VILLAGE_ROOM_* settings.
This runner sets VILLAGE_ROOM_NATS_URL (its leaf) and VILLAGE_ROOM_EDGE_NODE itself, so the
service always talks to its own leaf under the node's name.
"""

import sys
from pathlib import Path

if __name__ == "__main__" and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # As in launcher.py: import from the release root, not from this folder.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import os
import signal
import subprocess
import time
from collections.abc import Mapping

from tools.launcher import (
    BIN,
    DEFAULT_PORTS,
    ROOT,
    Platform,
    PlatformError,
    _raise_stop,
    _Stop,
    log_tail,
)

SERVICE = "village-room"
LEAF_CONFIG = ROOT / "deploy" / "edge" / "leafnode.conf"
REQUIRED = (
    "GOVNET_EDGE_NODE",
    "GOVNET_EDGE_NATS_PORT",
    "GOVNET_EDGE_HUB_URL",
    "GOVNET_EDGE_STATE_DIR",
    "VILLAGE_ROOM_DATABASE_URL",
    "VILLAGE_ROOM_EDGE_PLACES",
)
READY_S = 180.0  # an old village PC imports the service slowly


class EdgeNode(Platform):
    """The leaf nats-server and village-room, configured from the environment."""

    def __init__(self, env: Mapping[str, str], *, leaf_config: Path = LEAF_CONFIG):
        if missing := [k for k in REQUIRED if not env.get(k)]:
            raise PlatformError(f"missing settings: {', '.join(missing)}")
        self.env = dict(env)
        state = Path(env["GOVNET_EDGE_STATE_DIR"])
        ports = {
            **DEFAULT_PORTS,
            f"{SERVICE}.http": int(
                env.get("VILLAGE_ROOM_HTTP_PORT", DEFAULT_PORTS[f"{SERVICE}.http"])
            ),
            f"{SERVICE}.grpc": int(
                env.get("VILLAGE_ROOM_GRPC_PORT", DEFAULT_PORTS[f"{SERVICE}.grpc"])
            ),
            "nats": int(env["GOVNET_EDGE_NATS_PORT"]),
        }
        super().__init__(
            state,
            {SERVICE: env["VILLAGE_ROOM_DATABASE_URL"]},
            ports,
            {},
            environment=env.get("VILLAGE_ROOM_ENVIRONMENT", "prod"),
            services=[SERVICE],
        )
        # systemd's LogsDirectory=, else beside the state.
        self.logs = Path(env.get("LOGS_DIRECTORY") or state / "logs")
        self.leaf_config = leaf_config

    def env_for(self, service: str) -> dict[str, str]:
        env = {k: v for k, v in self.env.items() if k.startswith("VILLAGE_ROOM_")}
        env.setdefault("VILLAGE_ROOM_ENVIRONMENT", self.environment)
        env.setdefault("VILLAGE_ROOM_KEY_CACHE_FILE", str(self.workdir / "identity-keys.json"))
        env["VILLAGE_ROOM_NATS_URL"] = self.nats_url
        env["VILLAGE_ROOM_EDGE_NODE"] = self.env["GOVNET_EDGE_NODE"]
        return env

    def _process_env(self, service: str | None) -> dict[str, str]:
        # The leaf's configuration reads GOVNET_EDGE_* from its environment.
        env = super()._process_env(service)
        env.update({k: v for k, v in self.env.items() if k.startswith("GOVNET_EDGE_")})
        return env

    def nats_argv(self) -> list[str]:
        return [str(BIN / "nats-server"), "-c", str(self.leaf_config)]

    def check(self) -> list[str]:
        """What is wrong with the configuration (empty: nothing): the leaf configuration as
        nats-server reads it, and the service's settings as the service reads them."""
        problems = []
        leaf = subprocess.run(
            [*self.nats_argv(), "-t"],
            env=self._process_env(None),
            capture_output=True,
            text=True,
            timeout=30,
        )
        if leaf.returncode != 0:
            problems.append(f"leaf node configuration: {leaf.stderr.strip()}")
        settings = subprocess.run(
            [
                str(BIN / "python"),
                "-c",
                "from village_room.config import VillageRoomSettings; VillageRoomSettings()",
            ],
            env=self._process_env(SERVICE),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if settings.returncode != 0:
            lines = settings.stderr.strip().splitlines()
            problems.append("village-room settings: " + "\n".join(lines[-8:]))
        return problems


def run(node: EdgeNode) -> int:
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        print(f"edge node {node.env['GOVNET_EDGE_NODE']}: logs in {node.logs}/", flush=True)
        node.start_nats()
        node.migrate_all()
        node.start_services()
        node.wait_ready(READY_S)
        print(f"ready: {node.http(SERVICE)}, leaf {node.nats_url}", flush=True)
        while not (dead := node.dead()):
            time.sleep(1.0)
        name, rc = next(iter(dead.items()))
        print(f"{name} exited with code {rc}; stopping the node", file=sys.stderr)
        print(log_tail(node.logs / f"{name}.log"), file=sys.stderr)
        return 1
    except _Stop:
        return 0
    except PlatformError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        node.stop()


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments, optional quotes)."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise PlatformError(f"{path}: not KEY=VALUE: {line[:40]}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def main() -> None:
    parser = argparse.ArgumentParser(prog="tools/edge.py", description=__doc__)
    parser.add_argument("command", choices=("run", "migrate", "check"))
    parser.add_argument("--env-file", type=Path, help="read the settings from this file too")
    args = parser.parse_args()
    env = dict(os.environ)
    try:
        if args.env_file:
            env.update(read_env_file(args.env_file))
        node = EdgeNode(env)
        if args.command == "run":
            sys.exit(run(node))
        if args.command == "migrate":
            node.migrate_all(timeout=READY_S)
            sys.exit(0)
        problems = node.check()
    except PlatformError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("configuration valid" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

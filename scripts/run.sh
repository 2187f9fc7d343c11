#!/usr/bin/env bash
# Sets up this machine, builds, and starts Disclosure Desk. A new data folder opens with the
# sample catalog (the 2019 work plan). Extra arguments go to the app, e.g. --data-dir DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: starting the app under Xvfb"
  exec xvfb-run -a -s "-screen 0 1280x800x24" target/debug/disclosure-desk "$@"
fi
exec target/debug/disclosure-desk "$@"

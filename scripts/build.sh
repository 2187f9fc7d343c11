#!/usr/bin/env bash
# Builds the UI, then the app and the CLI (debug unless --release).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ui && npm run build)
if [ "${1:-}" = "--release" ]; then
  cargo build --release -p disclosure-desk -p desk-cli --features disclosure-desk/custom-protocol
else
  cargo build -p disclosure-desk -p desk-cli
fi

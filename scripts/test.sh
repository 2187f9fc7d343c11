#!/usr/bin/env bash
# Sets up this machine and runs every test: formatting, lints, the Rust tests, the UI's checks
# and tests, and the end-to-end tests of the real app window under Xvfb over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "UI: build, type check, unit tests"
(cd ui && npm run build && npm run check && npm test)

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests"
cargo test --workspace

step "build the app, the CLI and the catalog generator (the window tests use all three)"
cargo build -p disclosure-desk -p desk-cli -p desk-bench

step "end to end: the real window under Xvfb"
# A screen wide enough for the catalog test at 1920 px; every other window keeps its own size.
xvfb-run -a -s "-screen 0 1920x1080x24" node --test --test-concurrency=1 tests/e2e/

step "Windows: the app, desk.exe and the installer cross-built, then tested under Wine"
bash scripts/windows-test.sh

step "packaging: the release .deb installed, then updated from the shared folder to the next version"
bash scripts/package-test.sh

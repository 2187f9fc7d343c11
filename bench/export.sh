#!/usr/bin/env bash
# The export benchmark: 10,000 signed-off items with about 1 GiB of attachments (incompressible,
# one per item), exported in full three times, against `cp -r` of the same attachment store in
# the same run (alternating which goes first; both end with `sync`). Prints the results that
# bench/export.md records. Not part of scripts/test.sh. About 5 minutes on 2 cores after the
# release build; needs about 3 GiB free in the temporary folder. BENCH_ITEMS, BENCH_BYTES and
# BENCH_RUNS size it; BENCH_JSON=FILE also writes the figures as JSON (scripts/bench.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
items="${BENCH_ITEMS:-10000}"
bytes="${BENCH_BYTES:-1073741824}"
runs="${BENCH_RUNS:-3}"
cargo build --release -p desk-export --example export_bench
target="${CARGO_TARGET_DIR:-target}"
work="$(mktemp -d "${TMPDIR:-/tmp}/desk-export-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
json=()
[[ -n "${BENCH_JSON:-}" ]] && json=(--json "$BENCH_JSON")
"$target/release/examples/export_bench" --dir "$work" --items "$items" --bytes "$bytes" --runs "$runs" "${json[@]}"

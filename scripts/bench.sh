#!/usr/bin/env bash
# Benchmarks: how fast and how lean the catalog is at 1,000, 10,000 and 100,000 items, measured
# against plain baselines in the same run. Builds what it needs in release, generates the catalogs
# into a temporary folder, runs the domain benchmarks (desk-bench), the window benchmark
# (bench/window.mjs, the real app under Xvfb over WebDriver), the sync benchmark (desk-bench sync)
# and the export benchmark (bench/export.sh), and writes bench/RESULTS.md and bench/results.json.
# Not part of scripts/test.sh: performance is a goal set here, not a test.
#
# Settings (environment): BENCH_SIZES ("1000 10000 100000"), BENCH_WINDOW_SIZES (the same),
# BENCH_RUNS (5), BENCH_SCROLL_RUNS (3: of those runs, how many scroll the list to its end),
# BENCH_SEED (2019), BENCH_KEEP=1 keeps the temporary folder, BENCH_CATALOGS=DIR uses the catalogs
# a kept run left there (DIR/catalog-N with DIR/generate-N.json, same seed) instead of generating
# them again (100,000 items take 10 minutes or more); they are copied, never changed.
# BENCH_SYNC_OPS and BENCH_SYNC_ITEMS (100000 each) and BENCH_SYNC_RUNS (3) size the sync
# benchmark; BENCH_EXPORT_ITEMS (10000), BENCH_EXPORT_BYTES (1 GiB) and BENCH_EXPORT_RUNS (3) the
# export benchmark (it needs about 3 GiB free in the temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/setup.sh

SIZES=${BENCH_SIZES:-"1000 10000 100000"}
WINDOW_SIZES=${BENCH_WINDOW_SIZES:-$SIZES}
RUNS=${BENCH_RUNS:-5}
SCROLL_RUNS=${BENCH_SCROLL_RUNS:-3}
SEED=${BENCH_SEED:-2019}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/desk-bench.XXXXXX")
if [[ "${BENCH_KEEP:-}" == 1 ]]; then echo "catalogs and figures kept in $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

step() {
  printf '\n== %s\n' "$*"
  # The load on the machine at each step, for the report (other work inflates absolute times).
  printf '%s\t%s\n' "$(cut -d' ' -f1 /proc/loadavg)" "$*" >>"$WORK/load.tsv"
}

step "build: the UI, the release app, the benchmark binary"
(cd ui && npm run build)
cargo build --release -p disclosure-desk --features disclosure-desk/custom-protocol
cargo build --release -p desk-bench
APP="$TARGET/release/disclosure-desk"
BENCH="$TARGET/release/desk-bench"
printf '{"bytes": %s}\n' "$(stat -c %s "$APP")" >"$WORK/binary.json"

for n in $SIZES; do
  if [[ -n "${BENCH_CATALOGS:-}" && -d "$BENCH_CATALOGS/catalog-$n" && -f "$BENCH_CATALOGS/generate-$n.json" ]]; then
    step "copy the catalog of $n items from $BENCH_CATALOGS"
    cp -r "$BENCH_CATALOGS/catalog-$n" "$WORK/catalog-$n"
    cp "$BENCH_CATALOGS/generate-$n.json" "$WORK/generate-$n.json"
    echo "$n" >>"$WORK/reused.txt"
  else
    step "generate a catalog of $n items (seed $SEED)"
    "$BENCH" generate --items "$n" --seed "$SEED" --data-dir "$WORK/catalog-$n" | tee "$WORK/generate-$n.json"
  fi
done

for n in $WINDOW_SIZES; do
  step "window: the app on $n items under Xvfb"
  xvfb-run -a -s "-screen 0 1280x800x24" \
    node bench/window.mjs --app "$APP" --data-dir "$WORK/catalog-$n" --runs "$RUNS" --scroll-runs "$SCROLL_RUNS" \
    --label "$n" --out "$WORK/window-$n.json"
done

for n in $SIZES; do
  step "domain benchmarks on $n items"
  "$BENCH" run --data-dir "$WORK/catalog-$n" --work-dir "$WORK/run-$n" --runs "$RUNS" --out "$WORK/domain-$n.json"
  rm -rf "$WORK/run-$n"
done

step "sync: applying other PCs' operations, and a new PC from a snapshot"
"$BENCH" sync --ops "${BENCH_SYNC_OPS:-100000}" --items "${BENCH_SYNC_ITEMS:-100000}" \
  --runs "${BENCH_SYNC_RUNS:-3}" --json "$WORK/sync.json"

step "export: signed-off items with their attachments, against cp"
BENCH_ITEMS="${BENCH_EXPORT_ITEMS:-10000}" BENCH_BYTES="${BENCH_EXPORT_BYTES:-1073741824}" \
  BENCH_RUNS="${BENCH_EXPORT_RUNS:-3}" BENCH_JSON="$WORK/export.json" bash bench/export.sh

step "results"
cut -d' ' -f1 /proc/loadavg | sed 's/$/\tend/' >>"$WORK/load.tsv"
node bench/report.mjs --work "$WORK" --out-dir bench --started "$started" --seed "$SEED" \
  --command "bash scripts/bench.sh"
echo "bench/RESULTS.md and bench/results.json written ($(( $(date +%s) - started )) s)"

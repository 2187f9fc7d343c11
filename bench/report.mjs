// Gathers the figures of one benchmark run into bench/results.json and bench/RESULTS.md.
//
//   node bench/report.mjs --work DIR --out-dir bench --started EPOCH_SECONDS --command "bash scripts/bench.sh"
//     [--note "a sentence on how this run differed"]
//
// DIR holds what scripts/bench.sh left there: generate-N.json, domain-N.json, window-N.json,
// binary.json, sync.json (desk-bench sync --json) and export.json (export_bench --json). bench/FINDINGS.md (written by hand after profiling) is appended to RESULTS.md.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';

function parseArgs(argv) {
  const args = {};
  for (let i = 2; i < argv.length; i++) args[argv[i].replace(/^--/, '')] = argv[++i];
  return args;
}

const args = parseArgs(process.argv);
const work = args.work;
const outDir = args['out-dir'] ?? 'bench';

function read(name) {
  const path = join(work, name);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function sizes(prefix) {
  return readdirSync(work)
    .map((f) => f.match(new RegExp(`^${prefix}-(\\d+)\\.json$`)))
    .filter(Boolean)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function tryRun(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const memKb = Number(readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+)/m)?.[1] ?? 0);
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const pretty = osRelease.match(/^PRETTY_NAME="?([^"\n]+)"?/m)?.[1] ?? os.type();
  const webkit = tryRun('pkg-config', ['--modversion', 'webkit2gtk-4.1']);
  return {
    cpu: model,
    cores: os.cpus().length,
    ram_gib: Math.round((memKb / 1024 / 1024) * 10) / 10,
    os: pretty,
    kernel: os.release(),
    rustc: tryRun('rustc', ['--version']),
    node: process.version,
    webkit2gtk: webkit,
  };
}

const fmt = (x, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const ms = (f, d = 1) => (f ? `${fmt(f.median, d)} (${fmt(f.min, d)}–${fmt(f.max, d)})` : '–');
const n = (x) => x.toLocaleString('en-US');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

const domainSizes = sizes('domain');
const windowSizes = sizes('window');
const generateSizes = sizes('generate');
const domain = Object.fromEntries(domainSizes.map((s) => [s, read(`domain-${s}.json`)]));
const windows = Object.fromEntries(windowSizes.map((s) => [s, read(`window-${s}.json`)]));
const generated = Object.fromEntries(generateSizes.map((s) => [s, read(`generate-${s}.json`)]));
const binary = read('binary.json');
const syncBench = read('sync.json');
const exportBench = read('export.json');

/** Median, smallest and largest of a list of numbers. */
function spread(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Each run's time, its same-run baseline and their ratio, summarised over the runs. */
function versus(runs, app, base) {
  return {
    app: spread(runs.map((r) => r[app])),
    baseline: spread(runs.map((r) => r[base])),
    ratio: spread(runs.map((r) => r[app] / r[base])),
  };
}
const syncFigures = syncBench
  ? {
      apply: versus(syncBench.runs, 'apply_seconds', 'apply_baseline_seconds'),
      snapshot: versus(syncBench.runs, 'snapshot_seconds', 'snapshot_baseline_seconds'),
    }
  : null;
const exportFigures = exportBench
  ? { ...versus(exportBench.runs, 'export_seconds', 'cp_seconds'), verify: spread(exportBench.runs.map((r) => r.verify_seconds)) }
  : null;
const largest = Math.max(...domainSizes, ...windowSizes);
const started = Number(args.started ?? 0);
const now = new Date();

// ---- goals ----
const goals = [];
const w = windows[largest]?.summary;
if (w) {
  goals.push({
    goal: `first page ≤ 300 ms after the window opens (${n(largest)} items)`,
    target_ms: 300,
    measured: w.firstRowPaintedInPageMs.median,
    detail: `first row painted ${fmt(w.firstRowPaintedInPageMs.median, 0)} ms after the page's time origin (in the DOM at ${fmt(w.firstRowInPageMs.median, 0)} ms); ${fmt(w.firstRowFromAppStartMs.median, 0)} ms from the app process's start; ${fmt(w.firstRowFromRequestMs.median, 0)} ms from the WebDriver request`,
    met: w.firstRowPaintedInPageMs.median <= 300,
  });
}
const d = domain[largest];
if (d) {
  const worst = d.search.results.reduce((a, r) => (r.app.p95.median > a.app.p95.median ? r : a));
  goals.push({
    goal: `search p95 ≤ 30 ms (${n(largest)} items, every query length and filter)`,
    target_ms: 30,
    measured: worst.app.p95.median,
    detail: `worst: ${worst.length}-character queries ${worst.filter}, p95 ${fmt(worst.app.p95.median)} ms`,
    met: d.search.results.every((r) => r.app.p95.median <= 30),
  });
  const slower = d.search.results.filter((r) => r.p95_vs_grep >= 1);
  goals.push({
    goal: `search faster than grep over the CSV (${n(largest)} items, p95)`,
    measured: Math.max(...d.search.results.map((r) => r.p95_vs_grep)),
    detail: slower.length
      ? `slower than grep in ${slower.length} of ${d.search.results.length} cases: ${slower.map((r) => `${r.length} chars ${r.filter} (${ratio(r.p95_vs_grep)})`).join(', ')}`
      : `faster in all ${d.search.results.length} cases (app p95 ÷ grep p95 at most ${ratio(Math.max(...d.search.results.map((r) => r.p95_vs_grep)))})`,
    met: slower.length === 0,
  });
}
if (w) {
  const scrolled = w.scrolledRssMb?.median ?? null;
  goals.push({
    goal: `resident memory ≤ 150 MB, app + WebKit processes (${n(largest)} items)`,
    target_mb: 150,
    measured: Math.max(w.idleRssMb.median, scrolled ?? 0),
    detail: `idle ${fmt(w.idleRssMb.median, 0)} MB RSS (PSS ${fmt(w.idlePssMb.median, 0)} MB); after scrolling to the end ${fmt(scrolled, 0)} MB RSS (PSS ${fmt(w.scrolledPssMb?.median, 0)} MB); baseline: WebKitGTK's MiniBrowser on about:blank ${fmt(w.engineBaselineRssMb?.median, 0)} MB RSS`,
    met: w.idleRssMb.median <= 150 && (scrolled === null || scrolled <= 150),
  });
}
if (binary) {
  goals.push({
    goal: 'release binary ≤ 20 MB',
    target_mb: 20,
    measured: binary.bytes / 1024 / 1024,
    detail: `${fmt(binary.bytes / 1024 / 1024, 1)} MiB (${n(binary.bytes)} bytes), stripped, fat LTO in one codegen unit, UI embedded`,
    met: binary.bytes <= 20 * 1024 * 1024,
  });
}

if (syncFigures) {
  for (const [key, label] of [['apply', `apply ${n(syncBench.ops)} remote operations`], ['snapshot', `a new PC from a snapshot of ${n(syncBench.items)} items`]]) {
    const f = syncFigures[key];
    goals.push({
      goal: `sync: ${label} within 3× of plain SQLite writing the same rows`,
      measured: f.ratio.median,
      detail: `${fmt(f.app.median, 2)} s against ${fmt(f.baseline.median, 2)} s: ${ratio(f.ratio.median)} (${ratio(f.ratio.min)}–${ratio(f.ratio.max)} over ${syncBench.runs.length} runs)`,
      met: f.ratio.median <= 3,
    });
  }
}
if (exportFigures) {
  goals.push({
    goal: `export of ${n(exportBench.items)} items with ${fmt(exportBench.attachment_bytes / 1073741824, 2)} GiB of attachments within 1.5× of cp`,
    measured: exportFigures.ratio.median,
    detail: `${fmt(exportFigures.app.median, 2)} s against cp ${fmt(exportFigures.baseline.median, 2)} s: ${ratio(exportFigures.ratio.median)} (${ratio(exportFigures.ratio.min)}–${ratio(exportFigures.ratio.max)} over ${exportBench.runs.length} runs)`,
    met: exportFigures.ratio.median <= 1.5,
  });
}

// The 1-minute load average at each step of the run (scripts/bench.sh writes it).
const loadPath = join(work, 'load.tsv');
const load = existsSync(loadPath)
  ? readFileSync(loadPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [value, ...step] = line.split('\t');
        return { load: Number(value), step: step.join('\t') };
      })
  : [];
const reusedPath = join(work, 'reused.txt');
const reused = existsSync(reusedPath)
  ? readFileSync(reusedPath, 'utf8').split('\n').filter(Boolean).map(Number)
  : [];

const results = {
  date: now.toISOString(),
  load,
  catalogs_reused: reused,
  duration_seconds: started ? Math.round(now.getTime() / 1000 - started) : null,
  command: args.command ?? 'bash scripts/bench.sh',
  seed: Number(args.seed ?? 2019),
  machine: machine(),
  goals,
  generate: generated,
  domain,
  window: Object.fromEntries(Object.entries(windows).map(([s, v]) => [s, v.summary])),
  binary,
  sync: syncBench ? { ...syncBench, summary: syncFigures } : null,
  export: exportBench ? { ...exportBench, summary: exportFigures } : null,
};
writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');

// ---- RESULTS.md ----
const L = [];
const m = results.machine;
L.push('# Benchmark results');
L.push('');
L.push(`Measured on ${now.toISOString().slice(0, 10)}${results.duration_seconds ? `; the whole run took ${Math.round(results.duration_seconds / 60)} minutes` : ''}.`);
L.push('Every figure is the median of several runs, with the smallest and largest in brackets; a latency is');
L.push('the p50 or p95 of the samples of one run, then the median (min–max) of that over the runs. Baselines');
L.push('ran in the same run on the same rows; a ratio is app ÷ baseline (below 1: the app is faster).');
L.push('Machine-readable: [`results.json`](results.json).');
L.push('');
L.push('Reproduce (from a fresh clone, on Debian 12 / Ubuntu with Rust and Node.js 20+):');
L.push('');
L.push('```sh');
L.push(results.command);
L.push('```');
L.push('');
const loads = load.map((l) => l.load).filter(Number.isFinite);
const busy = loads.length > 0 && Math.max(...loads) > m.cores / 2;
const loadNote = loads.length
  ? ` The 1-minute load average at the run's steps was ${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)} on ${m.cores} cores${busy ? ': other work (builds) was running on the machine during the run, which inflates absolute times; the ratios against baselines measured in the same run are the fairer figures' : ''}.`
  : '';
const reusedNote = reused.length
  ? ` The catalogs of ${reused.map(n).join(', ')} items were generated before the run by the same generator and seed (\`BENCH_CATALOGS\`), and copied.`
  : '';
const notes = args.note ? ` ${args.note}` : '';
L.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ram_gib} GiB RAM, ${m.os} (Linux ${m.kernel}); ${m.rustc ?? 'rustc ?'}, Node.js ${m.node}, WebKitGTK ${m.webkit2gtk ?? '?'}; the window under Xvfb (1280×800×24, software rendering). Catalogs generated with seed ${results.seed}.${reusedNote}${loadNote}${notes}`);
L.push('');
L.push('## Goals');
L.push('');
L.push('| goal | measured | met |');
L.push('| --- | --- | --- |');
for (const g of goals) L.push(`| ${g.goal} | ${g.detail} | ${g.met ? 'yes' : '**no**'} |`);
L.push('');

L.push('## Catalog open: app start to the first page');
L.push('');
if (windowSizes.length) {
  L.push('The real window under Xvfb, measured through WebDriver: a new session starts the app with `--data-dir`');
  L.push('of a generated catalog, and the first `[data-testid=item-row]` is awaited. "In the page" is measured by the');
  L.push("page itself (a MutationObserver; `performance.now()` counts from the document's time origin, when the");
  L.push('window starts loading the UI); "painted" is two animation frames later. "From app start" uses the app');
  L.push("process's start time in `/proc` (10 ms resolution). One warm-up start is not counted.");
  L.push('');
  L.push('| items | from the WebDriver request (ms) | from app start (ms) | in the page: DOMContentLoaded (ms) | in the page: first row in DOM (ms) | in the page: first row painted (ms) |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of windowSizes) {
    const x = windows[s].summary;
    L.push(`| ${n(s)} | ${ms(x.firstRowFromRequestMs, 0)} | ${ms(x.firstRowFromAppStartMs, 0)} | ${ms(x.domContentLoadedInPageMs, 0)} | ${ms(x.firstRowInPageMs, 0)} | ${ms(x.firstRowPaintedInPageMs, 0)} |`);
  }
  L.push('');
}
if (domainSizes.length) {
  L.push('Domain level (no window): `Catalog::open` on the data folder, then `list_items` for the first page (200 rows,');
  L.push("the UI's page size, in 索引号 order); the baseline opens a plain rusqlite connection, counts the rows and reads");
  L.push('the same 200 rows with the same joins.');
  L.push('');
  L.push('| items | database | `Catalog::open` (ms) | first page query (ms) | open + first page (ms) | plain SQLite (ms) | ratio |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of domainSizes) {
    const o = domain[s].open;
    L.push(`| ${n(s)} | ${fmt(domain[s].database_bytes / 1048576, 0)} MiB | ${ms(o.catalog_open_ms, 2)} | ${ms(o.first_page_query_ms, 2)} | ${ms(o.open_and_first_page.app, 2)} | ${ms(o.open_and_first_page.baseline, 2)} | ${ratio(o.open_and_first_page.ratio)} |`);
  }
  L.push('');
  L.push(`What the window asks at start, one query after the other (the app's catalog lock serialises them), at ${n(largest)} items:`);
  L.push('');
  L.push('| query | ms |');
  L.push('| --- | ---: |');
  for (const q of domain[largest].open.startup_queries_ms) L.push(`| ${q.query} | ${ms(q.ms, 2)} |`);
  L.push(`| all of the above, with app info, departments, categories, settings | ${ms(domain[largest].open.startup_queries_total_ms, 2)} |`);
  L.push('');

  L.push('## Search latency');
  L.push('');
  L.push('`list_items` with the text (and filter) as the UI sends it while someone types: count and first page of');
  L.push('200, best match first. Queries per length are words of the catalog, from a 文号 prefix found in most items');
  L.push('to one found nowhere (the lists are in `desk-bench/src/vocab.rs`). Baselines: a plain `LIKE \'%q%\'` over');
  L.push('title, 文号 and summary (count and 200 rows), and `grep -c -F q` over a CSV export of the same items (for a');
  L.push(`filter, piped into a second \`grep -c -F\`), process start included. Department filter: ${domain[largest].search.department_filter}; status filter: ${domain[largest].search.status_filter}.`);
  L.push('');
  for (const s of domainSizes) {
    const sr = domain[s].search;
    L.push(`### ${n(s)} items (CSV ${fmt(domain[s].csv_bytes / 1048576, 1)} MiB)`);
    L.push('');
    L.push('| query | filter | hits (median / max) | app p50 (ms) | app p95 (ms) | LIKE p95 (ms) | grep p95 (ms) | app ÷ grep (p95) | app ÷ LIKE (p95) |');
    L.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of sr.results) {
      L.push(`| ${r.length} characters | ${r.filter} | ${n(r.hits_median)} / ${n(r.hits_max)} | ${ms(r.app.p50, 2)} | ${ms(r.app.p95, 2)} | ${ms(r.sqlite_like?.p95, 1)} | ${ms(r.grep_csv.p95, 1)} | ${ratio(r.p95_vs_grep)} | ${ratio(r.p95_vs_like)} |`);
    }
    L.push('');
  }

  L.push('## Saving an item');
  L.push('');
  L.push('`Catalog::save_item` (validation, 索引号, one operation per changed field, search index, one transaction),');
  L.push('50 items per run spread over the catalog, each with its summary changed; and 50 new items. Baseline:');
  L.push('the same row change as one plain `UPDATE` (or `INSERT`) in its own transaction, same database, same');
  L.push('journal settings (WAL, synchronous NORMAL).');
  L.push('');
  L.push('| items | edit p50 (ms) | edit p95 (ms) | plain UPDATE p50 (ms) | ratio (p50) | new p50 (ms) | new p95 (ms) | plain INSERT p50 (ms) | ratio (p50) |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of domainSizes) {
    const v = domain[s].save;
    L.push(`| ${n(s)} | ${ms(v.edit.p50, 2)} | ${ms(v.edit.p95, 2)} | ${ms(v.plain_update.p50, 3)} | ${ratio(v.edit_ratio_p50)} | ${ms(v.create.p50, 2)} | ${ms(v.create.p95, 2)} | ${ms(v.plain_insert.p50, 3)} | ${ratio(v.create_ratio_p50)} |`);
  }
  L.push('');

  L.push('## Plan import');
  L.push('');
  L.push('Preview (decode, parse, match departments) and import with every unknown department confirmed, as the');
  L.push('office does it in the window: the real sample plan (the 2019 plan, 17 tasks) and a generated plan of 1,000');
  L.push('tasks in the same text format (`desk-bench plan`), each run a new plan. Baseline: the same task rows');
  L.push('inserted plainly in one transaction.');
  L.push('');
  L.push('| items in the catalog | plan | preview (ms) | import (ms) | total (ms) | plain inserts (ms) | ratio |');
  L.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of domainSizes) {
    const p = domain[s].plan_import;
    if (s === domainSizes[0]) {
      L.push(`| 0 (new catalog) | sample plan | ${ms(p.sample_plan_into_new_catalog.preview_ms, 2)} | ${ms(p.sample_plan_into_new_catalog.import_ms, 2)} | ${ms(p.sample_plan_into_new_catalog.total.app, 2)} | ${ms(p.sample_plan_into_new_catalog.total.baseline, 3)} | ${ratio(p.sample_plan_into_new_catalog.total.ratio)} |`);
      L.push(`| 0 (new catalog) | 1,000 tasks | ${ms(p.plan_1000_into_new_catalog.preview_ms, 1)} | ${ms(p.plan_1000_into_new_catalog.import_ms, 1)} | ${ms(p.plan_1000_into_new_catalog.total.app, 1)} | ${ms(p.plan_1000_into_new_catalog.total.baseline, 2)} | ${ratio(p.plan_1000_into_new_catalog.total.ratio)} |`);
    }
    L.push(`| ${n(s)} | sample plan, first import | – | – | ${fmt(p.sample_plan_into_catalog.first_import_ms, 1)} (1 run) | – | – |`);
    L.push(`| ${n(s)} | sample plan again (nothing new) | – | – | ${ms(p.sample_plan_into_catalog.again_ms, 1)} | – | – |`);
    L.push(`| ${n(s)} | 1,000 tasks | ${ms(p.plan_1000_into_catalog.preview_ms, 1)} | ${ms(p.plan_1000_into_catalog.import_ms, 1)} | ${ms(p.plan_1000_into_catalog.total.app, 1)} | ${ms(p.plan_1000_into_catalog.total.baseline, 2)} | ${ratio(p.plan_1000_into_catalog.total.ratio)} |`);
  }
  L.push('');
}

if (windowSizes.length) {
  L.push('## Memory');
  L.push('');
  L.push('Resident memory summed over the app process and every process below it (WebKitWebProcess,');
  L.push('WebKitNetworkProcess), read from `/proc/PID/status` (VmRSS, the goal\'s measure) and `/proc/PID/smaps_rollup`');
  L.push('(PSS: shared pages divided among the processes that share them, so libraries are not counted twice).');
  L.push('"Idle": 5 s after the first page, then the median of three readings a second apart. "Scrolled": after');
  L.push('scrolling the catalog list (VirtualList.svelte\'s viewport) to its last row in steps of 200 rows, the UI\'s');
  L.push('page size (so every page is fetched; the page cache of the UI keeps the six nearest the viewport), each step waiting until its rows are shown.');
  L.push('');
  L.push('Baseline: WebKitGTK\'s own MiniBrowser (shipped with the library the app links) showing `about:blank` in');
  L.push('the same display, measured the same way: what any window of this web engine takes before an app adds');
  L.push('anything. Ratio: app idle RSS ÷ MiniBrowser RSS.');
  L.push('');
  L.push('| items | idle RSS (MB) | idle PSS (MB) | scrolled RSS (MB) | scrolled PSS (MB) | MiniBrowser about:blank RSS (MB) | ratio (idle) | scroll |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const s of windowSizes) {
    const x = windows[s].summary;
    const sc = x.scroll[0];
    const base = x.engineBaselineRssMb;
    L.push(`| ${n(s)} | ${ms(x.idleRssMb, 0)} | ${ms(x.idlePssMb, 0)} | ${ms(x.scrolledRssMb, 0)} | ${ms(x.scrolledPssMb, 0)} | ${ms(base, 0)} | ${base ? ratio(x.idleRssMb.median / base.median) : '–'} | ${sc ? `${n(sc.steps)} steps in ${fmt(sc.ms / 1000, 1)} s, slowest step ${fmt(sc.slowestStepMs, 0)} ms, last row shown: ${sc.lastRowShown ? 'yes' : 'no'}` : '–'} |`);
  }
  L.push('');
  L.push(`Per process at ${n(largest)} items (median over the runs, MB):`);
  L.push('');
  L.push('| process | count | idle RSS | idle PSS | scrolled RSS | scrolled PSS | MiniBrowser RSS | MiniBrowser PSS |');
  L.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const x = windows[largest].summary;
  // The MiniBrowser process stands where the app's process stands.
  const engineOf = (name) => x.engineBaselineByProcess?.find((q) => q.process === name || (name === 'disclosure-desk' && q.process === 'MiniBrowser'));
  // /proc/PID/comm keeps 15 characters.
  const fullName = (name) => ({ WebKitNetworkPr: 'WebKitNetworkProcess', WebKitWebProces: 'WebKitWebProcess' })[name] ?? name;
  for (const p of x.idleByProcess) {
    const sp = x.scrolledByProcess?.find((q) => q.process === p.process);
    const e = engineOf(p.process);
    L.push(`| ${fullName(p.process)} | ${p.count} | ${fmt(p.rssMb, 0)} | ${fmt(p.pssMb, 0)} | ${fmt(sp?.rssMb, 0)} | ${fmt(sp?.pssMb, 0)} | ${fmt(e?.rssMb, 0)} | ${fmt(e?.pssMb, 0)} |`);
  }
  L.push('');
}

if (binary) {
  L.push('## Release binary');
  L.push('');
  L.push('`cd ui && npm run build`, then `cargo build --release -p disclosure-desk --features disclosure-desk/custom-protocol`');
  L.push(`(strip, fat LTO in one codegen unit, the UI embedded): \`target/release/disclosure-desk\` is ${fmt(binary.bytes / 1048576, 2)} MiB (${n(binary.bytes)} bytes). It links the system's WebKitGTK, which is not counted.`);
  L.push('');
}

const sec = (f) => (f ? `${fmt(f.median, 2)} (${fmt(f.min, 2)}–${fmt(f.max, 2)})` : '–');
const times = (f) => (f ? `${ratio(f.median)} (${ratio(f.min)}–${ratio(f.max)})` : '–');
if (syncFigures) {
  L.push('## Sync: applying other PCs\' operations');
  L.push('');
  L.push('`desk-bench sync` (`src-tauri/crates/desk-bench/src/sync.rs`): segments written into a real folder in');
  L.push('the sync format, then one sync round of a fresh catalog reads, checks and applies them as the app does');
  L.push('(checksums, causal and clock checks, the operation log, register heads, item and list rows, the search');
  L.push('index, due dates, sign-off checks). Baseline: plain SQLite inserting the same operation rows and writing the');
  L.push('same item rows in one transaction with prepared statements, in the same run on the same disk. Goal: within 3×.');
  L.push('What the time goes to: [sync.md](sync.md).');
  L.push('');
  L.push('| benchmark | sync (s) | plain SQLite (s) | ratio |');
  L.push('| --- | ---: | ---: | ---: |');
  L.push(`| apply ${n(syncBench.ops)} remote operations (${n(syncBench.apply_items ?? syncBench.ops / 5)} items created, the rest edits) | ${sec(syncFigures.apply.app)} | ${sec(syncFigures.apply.baseline)} | ${times(syncFigures.apply.ratio)} |`);
  L.push(`| a new PC from a snapshot of ${n(syncBench.items)} items | ${sec(syncFigures.snapshot.app)} | ${sec(syncFigures.snapshot.baseline)} | ${times(syncFigures.snapshot.ratio)} |`);
  L.push('');
}
if (exportFigures) {
  L.push('## Export for the web team');
  L.push('');
  L.push('`bash bench/export.sh` (`src-tauri/crates/desk-export/examples/export_bench.rs`): a catalog of signed-off items,');
  L.push('each with one incompressible attachment, exported in full to a new bundle (choosing the items, re-hashing every');
  L.push('attachment from the store, the zip, manifest, index page and checksums, fsync and rename); baseline: `cp -r` of');
  L.push('the same attachment store, alternating which goes first, both followed by `sync`. Goal: within 1.5× of cp.');
  L.push('What the time goes to: [export.md](export.md).');
  L.push('');
  L.push('| items | attachment bytes | bundle bytes | export (s) | cp (s) | ratio | verify the bundle (s) |');
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  L.push(`| ${n(exportBench.items)} | ${n(exportBench.attachment_bytes)} | ${n(exportBench.bundle_bytes)} | ${sec(exportFigures.app)} | ${sec(exportFigures.baseline)} | ${times(exportFigures.ratio)} | ${sec(exportFigures.verify)} |`);
  L.push('');
}

if (generateSizes.length) {
  L.push('## The generated catalogs');
  L.push('');
  L.push('`desk-bench generate --items N --seed S --data-dir DIR` writes through `desk_store::Catalog` (save_department,');
  L.push('save_person, save_item, mark_check, act), one transaction per call as in the app: a city education');
  L.push("bureau's 20 departments and 78 people, items with Chinese titles (5 % in traditional characters), 文号,");
  L.push('categories, channels, levels, dates, keywords, links from interpretations to policies, check marks and');
  L.push('statuses from draft to published, each with its operations, 索引号 and search entry.');
  L.push('');
  L.push('| items | seconds | check marks | workflow transitions | database |');
  L.push('| ---: | ---: | ---: | ---: | ---: |');
  for (const s of generateSizes) {
    const g = generated[s];
    L.push(`| ${n(s)} | ${fmt(g.seconds, 0)} | ${n(g.check_marks)} | ${n(g.transitions)} | ${domain[s] ? `${fmt(domain[s].database_bytes / 1048576, 0)} MiB` : '–'} |`);
  }
  L.push('');
}

const findings = join(outDir, 'FINDINGS.md');
if (existsSync(findings)) {
  L.push(readFileSync(findings, 'utf8').trim());
  L.push('');
}
writeFileSync(join(outDir, 'RESULTS.md'), L.join('\n'));

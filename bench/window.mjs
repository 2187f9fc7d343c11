// The window benchmark: the real app on a generated catalog, under Xvfb, driven over WebDriver
// (tauri-driver + WebKitWebDriver, through the end-to-end tests' client).
//
// For each run: a new session starts the app with `--data-dir`; we wait for the first
// `[data-testid=item-row]` of the catalog list and time it three ways (from the WebDriver
// request, from the app process's start, and inside the page from the document's time origin);
// then, idle, the resident memory of the app and all its WebKit processes (VmRSS and PSS, read
// from /proc); in the scroll runs, the list is scrolled to its end in steps of 200 rows (the UI's
// page size, so every page is fetched), each step waiting for its rows, and the memory is read
// again. Then the baseline: WebKitGTK's own MiniBrowser on about:blank in the same
// display, the memory any window of this web engine takes before the app adds anything.
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node bench/window.mjs \
//     --app target/release/disclosure-desk --data-dir DIR --runs 5 --scroll-runs 1 --out FILE

import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDriver, Session } from '../tests/e2e/webdriver.mjs';

function parseArgs(argv) {
  const args = { runs: 5, scrollRuns: 1, idleMs: 5000, scrollStepRows: 200, engineRuns: 3, label: '' };
  for (let i = 2; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    args[key] = argv[++i];
  }
  for (const k of ['runs', 'scrollRuns', 'idleMs', 'scrollStepRows', 'engineRuns']) args[k] = Number(args[k]);
  if (!args.app || !args.dataDir || !args.out) {
    throw new Error('usage: window.mjs --app PATH --data-dir DIR --out FILE [--runs N] [--scroll-runs N]');
  }
  return args;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** pid → { ppid, comm, startTicks } for every process we may read. */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(name, 'stat');
    if (!stat) continue;
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    table.set(Number(name), { ppid: Number(fields[1]), comm, startTicks: Number(fields[19]) });
  }
  return table;
}

/** The app process started for this data folder (its executable is the app binary). */
function findApp(appPath, dataDir) {
  const want = realpathSync(appPath);
  for (const [pid] of processTable()) {
    let exe;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      continue;
    }
    if (exe !== want) continue;
    const cmdline = (readProc(pid, 'cmdline') ?? '').split('\0');
    if (cmdline.includes(dataDir)) return pid;
  }
  return null;
}

/** The app and every process below it (WebKitWebProcess, WebKitNetworkProcess, any sandbox). */
function processTree(root) {
  const table = processTable();
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const [pid, p] of table) if (p.ppid === out[i]) out.push(pid);
  }
  return out.map((pid) => ({ pid, comm: table.get(pid)?.comm ?? '?' }));
}

function kb(text, key) {
  const m = text?.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

/** Resident memory of the tree: VmRSS (what the goal counts) and PSS (shared pages split). */
function memory(root) {
  const processes = processTree(root).map(({ pid, comm }) => ({
    pid,
    comm,
    rssKb: kb(readProc(pid, 'status'), 'VmRSS'),
    pssKb: kb(readProc(pid, 'smaps_rollup'), 'Pss'),
  }));
  const sum = (k) => processes.reduce((s, p) => s + p[k], 0);
  return { rssMb: sum('rssKb') / 1024, pssMb: sum('pssKb') / 1024, processes };
}

/** Memory read three times a second apart; the median. */
async function settledMemory(root) {
  const samples = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(1000);
    samples.push(memory(root));
  }
  samples.sort((a, b) => a.rssMb - b.rssMb);
  return samples[1];
}

function uptimeSeconds() {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

// In the page: resolves when the first catalog row is in the document (a MutationObserver, so
// the time is the page's own), then after the next two frames (the row painted).
const WAIT_FIRST_ROW = `
const done = arguments[arguments.length - 1];
const nav = () => {
  const n = performance.getEntriesByType('navigation')[0];
  return n ? { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd } : null;
};
const finish = (already) => {
  const inDom = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const rows = document.querySelectorAll('[data-testid=item-row]').length;
    done({ already, inDom, painted: performance.now(), nav: nav(), rows });
  }));
};
if (document.querySelector('[data-testid=item-row]')) { finish(true); }
else {
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-testid=item-row]')) { observer.disconnect(); finish(false); }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
}
`;

// In the page: scrolls the catalog's virtual list (VirtualList.svelte's viewport, role=grid)
// towards the end, `stepRows` rows at a time (every page of rows gets fetched), at most
// `maxSteps` steps per call (one WebDriver call must answer within the HTTP client's timeout, and
// a loaded machine scrolls 100,000 rows in more than that); each step waits until the row at the
// top of the screen is loaded (its page fetched and rendered).
const SCROLL_TO_END = `
const done = arguments[arguments.length - 1];
const stepRows = arguments[0];
const maxSteps = arguments[1];
const vp = document.querySelector('.list-area [role=grid]');
if (!vp) { done({ error: 'no list' }); return; }
const total = Number(vp.getAttribute('aria-rowcount')) - 1;
const rowHeight = 32;
const frame = () => new Promise((r) => requestAnimationFrame(r));
const loaded = (i) => vp.querySelector('[data-testid=item-row][data-index="' + i + '"]');
(async () => {
  const t0 = performance.now();
  let steps = 0, waits = 0, slowest = 0, missed = 0;
  const step = stepRows * rowHeight;
  while (vp.scrollTop + vp.clientHeight < vp.scrollHeight - 1 && steps < maxSteps) {
    vp.scrollTop = vp.scrollTop + step;
    steps++;
    const want = Math.min(total - 1, Math.floor(vp.scrollTop / rowHeight) + 1);
    const s = performance.now();
    await frame();
    while (!loaded(want)) {
      waits++;
      if (performance.now() - s > 10000) { missed++; break; }
      await frame();
    }
    slowest = Math.max(slowest, performance.now() - s);
  }
  const last = loaded(total - 1) !== null;
  const atEnd = vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 1;
  done({ steps, ms: performance.now() - t0, slowestStepMs: slowest, waits, missed, lastRowShown: last, total, atEnd });
})();
`;

/** Scrolls the list to its end in calls of at most 100 steps; the figures are summed. */
async function scrollToEnd(session, stepRows) {
  const sum = { steps: 0, ms: 0, slowestStepMs: 0, waits: 0, missed: 0, lastRowShown: false, total: 0, calls: 0 };
  for (;;) {
    const part = await session.execute_async(SCROLL_TO_END, [stepRows, 100]);
    if (part.error) return part;
    sum.calls++;
    sum.steps += part.steps;
    sum.ms += part.ms;
    sum.slowestStepMs = Math.max(sum.slowestStepMs, part.slowestStepMs);
    sum.waits += part.waits;
    sum.missed += part.missed;
    sum.lastRowShown = part.lastRowShown;
    sum.total = part.total;
    if (part.atEnd || part.steps === 0) return sum;
  }
}

async function oneRun(base, args, scroll) {
  const t0 = performance.now();
  const session = await Session.start(base, args.app, ['--data-dir', args.dataDir]);
  const tSession = performance.now();
  const result = { sessionMs: tSession - t0 };
  try {
    await session.cmd('POST', '/timeouts', { script: 120000 });
    const page = await session.execute_async(WAIT_FIRST_ROW);
    const tRow = performance.now();
    const upAtRow = uptimeSeconds();
    const pid = findApp(args.app, args.dataDir);
    if (!pid) throw new Error('the app process was not found');
    const start = processTable().get(pid).startTicks / CLK_TCK;
    Object.assign(result, {
      firstRowFromRequestMs: tRow - t0,
      firstRowFromAppStartMs: (upAtRow - start) * 1000,
      inPage: page,
    });
    await sleep(args.idleMs);
    result.idle = await settledMemory(pid);
    if (scroll) {
      await session.cmd('POST', '/timeouts', { script: 1800000 });
      result.scroll = await scrollToEnd(session, args.scrollStepRows);
      await sleep(2000);
      result.scrolled = await settledMemory(pid);
    }
    return result;
  } finally {
    await session.end().catch(() => {});
    await sleep(1500);
  }
}

/** WebKitGTK's own MiniBrowser on about:blank, in the same display: the engine's floor. */
async function engineBaseline(miniBrowser, idleMs) {
  const child = spawn(miniBrowser, ['about:blank'], { stdio: 'ignore' });
  try {
    await sleep(Math.max(idleMs, 3000) + 3000);
    return await settledMemory(child.pid);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      setTimeout(resolve, 5000);
    });
    await sleep(1000);
  }
}

function findMiniBrowser() {
  try {
    const libdir = execFileSync('pkg-config', ['--variable=libdir', 'webkit2gtk-4.1'], { encoding: 'utf8' }).trim();
    const path = `${libdir}/webkit2gtk-4.1/MiniBrowser`;
    if (!existsSync(path)) return null;
    return path;
  } catch {
    return null;
  }
}

Session.prototype.execute_async = function (script, args = []) {
  return this.cmd('POST', '/execute/async', { script, args });
};

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
}

function figure(xs) {
  const s = xs.filter((x) => Number.isFinite(x));
  return { median: median(s), min: Math.min(...s), max: Math.max(...s), runs: s.length };
}

/** Per process name, the median resident memory over the runs. */
function byProcess(mems) {
  const names = new Map();
  for (const m of mems) {
    const sums = new Map();
    for (const p of m.processes) {
      const name = p.comm;
      const e = sums.get(name) ?? { rssKb: 0, pssKb: 0, count: 0 };
      e.rssKb += p.rssKb;
      e.pssKb += p.pssKb;
      e.count++;
      sums.set(name, e);
    }
    for (const [name, e] of sums) {
      if (!names.has(name)) names.set(name, []);
      names.get(name).push(e);
    }
  }
  return [...names].map(([name, es]) => ({
    process: name,
    count: median(es.map((e) => e.count)),
    rssMb: median(es.map((e) => e.rssKb / 1024)),
    pssMb: median(es.map((e) => e.pssKb / 1024)),
  }));
}

async function main() {
  const args = parseArgs(process.argv);
  const port = 4600 + (process.pid % 400) * 2;
  const driver = await startDriver({ port, nativePort: port + 1 });
  const runs = [];
  try {
    // One start to warm the caches (fonts, the database file), as on a PC used every day.
    await oneRun(driver.base, { ...args, idleMs: 0 }, false);
    for (let i = 0; i < args.runs; i++) {
      const scroll = i < args.scrollRuns;
      const r = await oneRun(driver.base, args, scroll);
      process.stderr.write(
        `  run ${i + 1}: first row ${r.firstRowFromRequestMs.toFixed(0)} ms from the request, ` +
          `${r.inPage.inDom.toFixed(0)} ms in the page; idle ${r.idle.rssMb.toFixed(0)} MB RSS` +
          (r.scrolled ? `; scrolled ${r.scroll.steps} steps in ${(r.scroll.ms / 1000).toFixed(1)} s, ${r.scrolled.rssMb.toFixed(0)} MB RSS` : '') +
          '\n',
      );
      runs.push(r);
    }
  } finally {
    await driver.stop();
  }
  const engine = [];
  const miniBrowser = findMiniBrowser();
  if (miniBrowser && args.engineRuns !== 0) {
    for (let i = 0; i < (args.engineRuns ?? 3); i++) engine.push(await engineBaseline(miniBrowser, args.idleMs));
    process.stderr.write(`  WebKitGTK MiniBrowser on about:blank: ${median(engine.map((m) => m.rssMb)).toFixed(0)} MB RSS\n`);
  }
  const scrolled = runs.filter((r) => r.scrolled);
  const summary = {
    label: args.label,
    firstRowFromRequestMs: figure(runs.map((r) => r.firstRowFromRequestMs)),
    firstRowFromAppStartMs: figure(runs.map((r) => r.firstRowFromAppStartMs)),
    firstRowInPageMs: figure(runs.map((r) => r.inPage.inDom)),
    firstRowPaintedInPageMs: figure(runs.map((r) => r.inPage.painted)),
    domContentLoadedInPageMs: figure(runs.map((r) => r.inPage.nav?.domContentLoaded)),
    firstRowAfterDomContentLoadedMs: figure(runs.map((r) => r.inPage.inDom - (r.inPage.nav?.domContentLoaded ?? NaN))),
    rowAlreadyThereWhenAsked: runs.filter((r) => r.inPage.already).length,
    idleRssMb: figure(runs.map((r) => r.idle.rssMb)),
    idlePssMb: figure(runs.map((r) => r.idle.pssMb)),
    idleByProcess: byProcess(runs.map((r) => r.idle)),
    scrolledRssMb: scrolled.length ? figure(scrolled.map((r) => r.scrolled.rssMb)) : null,
    scrolledPssMb: scrolled.length ? figure(scrolled.map((r) => r.scrolled.pssMb)) : null,
    scrolledByProcess: scrolled.length ? byProcess(scrolled.map((r) => r.scrolled)) : null,
    scroll: scrolled.map((r) => r.scroll),
    engineBaselineRssMb: engine.length ? figure(engine.map((m) => m.rssMb)) : null,
    engineBaselinePssMb: engine.length ? figure(engine.map((m) => m.pssMb)) : null,
    engineBaselineByProcess: engine.length ? byProcess(engine) : null,
  };
  writeFileSync(args.out, JSON.stringify({ summary, runs }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Where the window's first page waits: the app on a catalog, and in its page the start-up calls
// replayed through the app's own IPC (`__TAURI_INTERNALS__.invoke`), timed by the page.
//
//   xvfb-run -a -s "-screen 0 1280x800x24" node bench/startup-probe.mjs --app PATH --data-dir DIR
//
// 1. the first page (list_items, 200 rows) alone;
// 2. the first page sent after the counts the catalog screen sends at start (five tab counts,
//    the reminder's two or four), all at once, as the UI sends them;
// 3. the same calls with the first page sent first;
// each repeated five times, the medians printed as JSON. Then
// 4. the catalog screen left and opened again, with the calls it makes traced (`window.fetch`,
//    which carries the IPC): when each was sent and answered, and when the first row appeared.

import { startDriver, Session } from '../tests/e2e/webdriver.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i++) args[process.argv[i].replace(/^--/, '')] = process.argv[++i];

const REPLAY = `
const done = arguments[arguments.length - 1];
const invoke = window.__TAURI_INTERNALS__.invoke;
const q = (o) => ({ text: '', department_id: null, status: null, category_id: null, disclosure: null, due: null, view: null, sort: 'relevance', descending: false, offset: 0, limit: 1, ...o });
const page = () => q({ limit: 200 });
const counts = [
  q({}), q({ view: 'my_work' }), q({ view: 'my_department' }), q({ view: 'awaiting_my_signoff' }), q({ due: 'overdue_or_due_this_week' }),
  q({ view: 'my_work', due: 'overdue' }), q({ view: 'my_work', due: 'due_this_week' }),
  q({ view: 'awaiting_my_signoff', due: 'overdue' }), q({ view: 'awaiting_my_signoff', due: 'due_this_week' }),
];
const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
(async () => {
  const alone = [], after = [], afterAll = [], first = [], firstAll = [], each = counts.map(() => []);
  for (let r = 0; r < 5; r++) {
    let t = performance.now();
    await invoke('list_items', { query: page() });
    alone.push(performance.now() - t);
    for (let i = 0; i < counts.length; i++) {
      t = performance.now();
      await invoke('list_items', { query: counts[i] });
      each[i].push(performance.now() - t);
    }
    t = performance.now();
    const c = counts.map((query) => invoke('list_items', { query }));
    await invoke('list_items', { query: page() });
    after.push(performance.now() - t);
    await Promise.all(c);
    afterAll.push(performance.now() - t);
    t = performance.now();
    const p = invoke('list_items', { query: page() });
    const c2 = counts.map((query) => invoke('list_items', { query }));
    await p;
    first.push(performance.now() - t);
    await Promise.all(c2);
    firstAll.push(performance.now() - t);
  }
  done({
    firstPageAloneMs: med(alone),
    eachCountAloneMs: counts.map((c, i) => ({ view: c.view, due: c.due, ms: med(each[i]) })),
    firstPageSentAfterCountsMs: med(after),
    allDoneMs: med(afterAll),
    firstPageSentFirstMs: med(first),
    allDoneWhenPageFirstMs: med(firstAll),
  });
})().catch((e) => done({ error: String(e) }));
`;

const TRACE = `
const done = arguments[arguments.length - 1];
const log = [];
const orig = window.fetch;
window.fetch = function (url, init) {
  let query = null;
  try { query = JSON.parse(init.body).query ?? null; } catch {}
  const e = { command: String(url).split('/').pop(), view: query?.view ?? null, due: query?.due ?? null, limit: query?.limit ?? null, sent: performance.now() };
  log.push(e);
  const p = orig.call(this, url, init);
  p.then(() => { e.answered = performance.now(); }, () => { e.answered = performance.now(); });
  return p;
};
(async () => {
  document.querySelector('[data-testid=nav-about]').click();
  await new Promise((r) => setTimeout(r, 1500));
  log.length = 0;
  const t0 = performance.now();
  document.querySelector('[data-testid=nav-catalog]').click();
  while (!document.querySelector('[data-testid=item-row]')) await new Promise((r) => setTimeout(r, 1));
  const firstRowMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1500));
  window.fetch = orig;
  done({ firstRowMs, calls: log.map((e) => ({ ...e, sent: Math.round(e.sent - t0), answered: Math.round(e.answered - t0) })) });
})().catch((e) => done({ error: String(e) }));
`;

const port = 4900 + (process.pid % 300) * 2;
const driver = await startDriver({ port, nativePort: port + 1 });
try {
  const session = await Session.start(driver.base, args.app, ['--data-dir', args['data-dir']]);
  try {
    await session.waitFor('[data-testid=item-row]', 60000);
    await new Promise((r) => setTimeout(r, 3000));
    await session.cmd('POST', '/timeouts', { script: 600000 });
    const replay = await session.cmd('POST', '/execute/async', { script: REPLAY, args: [] });
    const remount = await session.cmd('POST', '/execute/async', { script: TRACE, args: [] });
    console.log(JSON.stringify({ replay, remount }, null, 2));
  } finally {
    await session.end().catch(() => {});
  }
} finally {
  await driver.stop();
}

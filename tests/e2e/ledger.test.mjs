// End to end: an office's 台账 of 3,000 rows, written by openpyxl as Excel writes it, chosen in
// the native file dialog, previewed (columns, counts, rows with problems), imported with its
// progress bar, confirmed by the CLI; the same file again creates nothing.
//
//   xvfb-run -a -s "-screen 0 1920x1080x24" node --test --test-concurrency=1 tests/e2e/ledger.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, Session } from './webdriver.mjs';
import { app, chooseInDialog, cli, desk, root, shot } from './harness.mjs';

const port = 4444 + ((process.pid + 250) % 500) * 2;
const ROWS = 3000;
const PROBLEMS = 12; // rows 100, 200, … 1200 have a 公开属性 no office uses
const REPEATS = 2; // the last two rows repeat the first two

let driver;
const folders = [];

function dataFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'desk-e2e-ledger-'));
  folders.push(dir);
  return dir;
}

/** The ledger as openpyxl writes it: a title row above the header, dates as date cells. */
function writeLedger(path) {
  const script = `
import sys, datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['2024年政府信息主动公开目录'])
ws.append(['序号', '索引号', '标题', '发文字号', '成文日期', '公开方式', '责任部门', '说明'])
rows = []
for n in range(1, ${ROWS - REPEATS} + 1):
    disclosure = '半公开' if n % 100 == 0 and n <= ${PROBLEMS * 100} else '主动公开'
    dept = '办公室' if n % 2 else '督导室'
    rows.append([n, f'210200-JY-2024-{n:05d}', f'关于做好第{n}批政务公开事项的通知', f'大教发〔2024〕{n}号',
                 datetime.date(2024, 1 + n % 12, 1 + n % 28), disclosure, dept, '台账导入'])
rows.append(rows[0][:]); rows.append(rows[1][:])
for r in rows: ws.append(r)
wb.save(sys.argv[1])
`;
  // openpyxl, as scripts/setup.sh installs it for the tests.
  execFileSync(join(root, 'target/pytools/bin/python'), ['-c', script, path]);
}

async function number(session, testid) {
  return Number((await session.text(await session.find(`[data-testid=${testid}]`))).replace(/[^0-9]/g, ''));
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  driver = await startDriver({ port, nativePort: port + 1 });
});

after(async () => {
  spawnSync('pkill', ['-x', 'xclip']);
  await driver?.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

test('a 3,000-row ledger imports through the screen once', { timeout: 300000 }, async () => {
  const dataDir = dataFolder();
  const ledger = join(dataDir, '2024年公开目录台账.xlsx');
  writeLedger(ledger);
  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    const later = await session.findAll('[data-testid=welcome-later]');
    if (later.length > 0) await session.click(later[0]);
    const before = cli(dataDir, 'item', 'list').total;
    await session.click(await session.find('[data-testid=nav-ledger]'));

    let started = Date.now();
    await chooseInDialog(session, '[data-testid=ledger-open-file]', ledger, ['打开台账', 'Open a ledger']);
    await session.waitFor('[data-testid=ledger-preview]', 120000);
    const previewMs = Date.now() - started;
    assert.equal(await number(session, 'ledger-total'), ROWS);
    assert.equal(await number(session, 'ledger-new'), ROWS - REPEATS - PROBLEMS);
    assert.equal(await number(session, 'ledger-problem-count'), PROBLEMS);
    assert.equal((await session.findAll('[data-testid=ledger-problem-row]')).length, PROBLEMS);
    const problems = await session.text(await session.find('[data-testid=ledger-problem-row]'));
    assert.match(problems, /第 102 行/, 'the problem is shown at its row in the sheet');
    const unknown = await session.text(await session.find('[data-testid=ledger-unknown-departments]'));
    assert.match(unknown, /督导室/);
    // 说明 is left out: nothing is matched to it, and the field table says so.
    const fields = await session.execute(`return [...document.querySelectorAll('[data-testid=ledger-column-field]')].map((s) => s.value)`);
    assert.deepEqual(fields, ['', 'index_no', 'title', 'doc_no', 'date_written', 'disclosure', 'lead_department_id', '']);
    await shot(session, 'ledger-01-preview');

    // Corrected: 说明 becomes the summary; the preview comes back from the app.
    await session.execute(`const s = document.querySelectorAll('[data-testid=ledger-column-field]')[7]; s.value = 'summary'; s.dispatchEvent(new Event('change'))`);
    await session.until('the column corrected', async () => (await session.execute(`return document.querySelectorAll('[data-testid=ledger-column-field]')[7].value`)) === 'summary' && (await session.findAll('[data-testid=ledger-import-button]')).length === 1 && (await session.execute(`return document.querySelector('[data-testid=ledger-import-button]').disabled`)) === false);

    started = Date.now();
    await session.click(await session.find('[data-testid=ledger-import-button]'));
    // The bar shows while rows are saved (a short import may finish before it is seen).
    let sawBar = false;
    await session.until('the import report', async () => {
      if ((await session.findAll('[data-testid=ledger-progress]')).length > 0) sawBar = true;
      return (await session.findAll('[data-testid=ledger-report]')).length > 0;
    }, 240000);
    const importMs = Date.now() - started;
    assert.equal(await number(session, 'ledger-report-created'), ROWS - REPEATS - PROBLEMS);
    await shot(session, 'ledger-02-result');
    assert.equal(cli(dataDir, 'item', 'list').total, before + ROWS - REPEATS - PROBLEMS, 'the CLI counts the new items');
    const one = cli(dataDir, 'item', 'list', '--query', '第1501批').items;
    assert.equal(one.length, 1);

    // The same file again: every row is in the catalog already.
    await session.click(await session.find('[data-testid=ledger-again]'));
    await chooseInDialog(session, '[data-testid=ledger-open-file]', ledger, ['打开台账', 'Open a ledger']);
    await session.waitFor('[data-testid=ledger-preview]', 120000);
    await session.until('nothing new', async () => (await number(session, 'ledger-new')) === 0);
    // The repeated rows now match the items their first rows made.
    assert.equal(await number(session, 'ledger-existing'), ROWS - PROBLEMS);
    assert.equal(await session.execute(`return document.querySelector('[data-testid=ledger-import-button]').disabled`), true);
    await shot(session, 'ledger-03-again');
    assert.equal(cli(dataDir, 'item', 'list').total, before + ROWS - REPEATS - PROBLEMS, 'nothing was created');
    console.log(`ledger of ${ROWS} rows: preview ${previewMs} ms (dialog included), import ${importMs} ms, progress bar seen: ${sawBar}`);
  } finally {
    spawnSync('pkill', ['-x', 'xclip']);
    await session.end();
  }
});

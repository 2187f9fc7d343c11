// End to end: the real app window under Xvfb, driven over WebDriver (tauri-driver +
// WebKitWebDriver), on a real data folder, cross-checked with the `desk` CLI on the same folder.
//
// Run through `scripts/test.sh` (it builds the app and starts Xvfb), or by hand:
//   xvfb-run -a node --test tests/e2e/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session } from './webdriver.mjs';
import { app, artifacts, chooseInDialog, cli, desk, root, shot, targetDir } from './harness.mjs';

const port = 4444 + (process.pid % 500) * 2;

let driver;
const folders = [];

function dataFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'desk-e2e-'));
  folders.push(dir);
  return dir;
}

async function total(session) {
  const text = await session.text(await session.find('[data-testid=catalog-total]'));
  const digits = text.replace(/[^0-9]/g, '');
  return digits === '' ? -1 : Number(digits);
}

async function search(session, query) {
  const box = await session.waitFor('[data-testid=search-input]');
  await session.clear(box);
  await session.type(box, query);
  const value = await session.property(box, 'value');
  assert.equal(value, query, 'the search box holds what was typed');
}

async function setLanguage(session, lang) {
  await session.until(`the ${lang} interface`, async () => {
    if ((await session.execute('return document.documentElement.lang')) === lang) return true;
    await session.click(await session.find('[data-testid=lang-switch]'));
    return false;
  });
}

async function rowTitles(session) {
  const rows = await session.findAll('[data-testid=item-row-title]');
  // textContent, not the rendered text: a long title is cut off with an ellipsis on screen.
  return Promise.all(rows.map((r) => session.property(r, 'textContent')));
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  driver = await startDriver({ port, nativePort: port + 1 });
});

after(async () => {
  await driver?.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

test('sample catalog, Chinese search, an edit that survives a restart', async () => {
  const dataDir = dataFolder();
  let savedId;
  let session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    await session.until('17 sample items', async () => (await total(session)) === 17);
    await shot(session, '01-catalog');

    // A two-character word; the sample shows the plan in simplified characters.
    await search(session, '解读');
    const expected = cli(dataDir, 'item', 'list', '--query', '解读').items.map((i) => i.title).sort();
    assert.deepEqual(expected, ['充分发挥政策解读的释疑引导作用'], 'the CLI finds the task');
    await session.until('the search result', async () => (await total(session)) === expected.length);
    const shown = (await rowTitles(session)).sort();
    assert.deepEqual(shown, expected);
    await shot(session, '02-search');

    // Open the first match, change its 文号, save.
    const firstRow = await session.find('[data-testid=item-row]');
    savedId = await session.dataset(firstRow, 'id');
    await session.doubleClick(firstRow);
    const docNo = await session.waitFor('[data-testid=field-doc-no]');
    await session.clear(docNo);
    await session.type(docNo, '大教发〔2019〕27号');
    // Dates as offices write them: a date that does not exist is refused at its field, and
    // 20190305 is 5 March 2019 (a date picker read it as the year 0005). Empty fields stay empty.
    const written = await session.find('#f-date-written');
    assert.equal(await session.property(written, 'value'), '');
    await session.type(written, '2019年2月30日');
    await session.click(await session.find('[data-testid=save-item]'));
    await session.waitFor('[data-testid=f-date-written-problem]');
    await shot(session, '03a-date-refused');
    await session.clear(written);
    await session.type(written, '20190305');
    await session.click(await session.find('[data-testid=save-item]'));
    await session.until('the save confirmation', async () => {
      const status = await session.find('[data-testid=save-status]');
      return (await session.text(status)).length > 0;
    });
    assert.equal(await session.property(written, 'value'), '2019-03-05');
    await shot(session, '03-saved');
    const saved = cli(dataDir, 'item', 'show', savedId);
    assert.equal(saved.doc_no, '大教发〔2019〕27号');
    assert.equal(saved.date_written, '2019-03-05');
  } finally {
    await session.end();
  }

  // The app restarts on the same folder: the edit is still there, and its history says so.
  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    await search(session, '27号');
    await session.until('the edited item', async () => (await total(session)) === 1);
    const row = await session.find('[data-testid=item-row]');
    assert.equal(await session.dataset(row, 'id'), savedId);
    const history = cli(dataDir, 'item', 'history', savedId).history;
    assert.ok(history.some((h) => h.field === 'doc_no' && h.new_value === '大教发〔2019〕27号'));
  } finally {
    await session.end();
  }
});

test('item text is shown as text, never as markup', async () => {
  const dataDir = dataFolder();
  // Create the catalog (with its sample) through the app first, then add a hostile title.
  let session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  await session.waitFor('[data-testid=item-row]');
  await session.end();
  const hostile = '<img src=x onerror="document.title=\'pwned\'">招生公告';
  cli(dataDir, 'item', 'add', '--title', hostile);
  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    await search(session, '招生公告');
    await session.until('the hostile item', async () => (await total(session)) === 1);
    assert.deepEqual(await rowTitles(session), [hostile]);
    const images = await session.execute('return document.querySelectorAll("img").length');
    assert.equal(images, 0);
    assert.notEqual(await session.execute('return document.title'), 'pwned');
    await shot(session, '04-markup-as-text');
  } finally {
    await session.end();
  }
});

test('a damaged database is explained in the window and left untouched', async () => {
  const dataDir = dataFolder();
  const garbage = Buffer.alloc(64 * 1024, 7);
  Buffer.from('SQLite format 3\0').copy(garbage);
  writeFileSync(join(dataDir, 'catalog.db'), garbage);
  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    const banner = await session.waitFor('[data-testid=error-banner]');
    await session.until('the damaged-database message', async () => (await session.text(banner)).length > 0);
    await shot(session, '05-damaged-database');
  } finally {
    await session.end();
  }
  assert.ok(readFileSync(join(dataDir, 'catalog.db')).equals(garbage), 'the damaged file is unchanged');
});

test('every screen: plan import with a new department, people, history, about, English', async () => {
  const dataDir = dataFolder();
  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');

    // Plan import: 规法处 and 学前处 match the registry's; 招生考试中心 is new.
    await session.click(await session.find('[data-testid=nav-plan]'));
    const plan = [
      '一、加强招生信息公开',
      '(一)公开2019年义务教育招生方案。通过市教育局网站公开招生范围和报名条件。（牵头单位：规法处；配合单位：学前处、招生考试中心）',
      '(二)做好招生政策解读。按照谁起草谁解读的原则同步发布解读材料。(责任部门:办公室)',
    ].join('\n');
    const box = await session.waitFor('[data-testid=plan-text]');
    await session.type(box, plan);
    await session.click(await session.find('[data-testid=plan-preview-button]'));
    await session.until('two tasks in the preview', async () => (await session.findAll('[data-testid=plan-task]')).length === 2);
    const confirm = await session.waitFor('[data-testid=plan-confirm-department]');
    await session.click(confirm);
    await shot(session, '06-plan-preview');
    await session.click(await session.find('[data-testid=plan-import-button]'));
    await session.waitFor('[data-testid=plan-report]');
    // The result is shown from its heading, not scrolled to where the import button was.
    await session.until('the report at the top of its pane', async () =>
      session.execute('const r = document.querySelector("[data-testid=plan-report]").getBoundingClientRect(); const pane = document.querySelector(".screen-slot").getBoundingClientRect(); return r.top >= pane.top && r.top < pane.top + 120;'));
    await shot(session, '07-plan-imported');
    assert.equal(cli(dataDir, 'item', 'list').total, 19);
    const names = cli(dataDir, 'department', 'list').departments.map((d) => d.name);
    assert.ok(names.includes('招生考试中心'), names.join(','));
    assert.equal(names.filter((n) => n === '规法处').length, 1, '规法处 was matched, not created again');

    // Departments and people: add a person and make her the current one.
    await session.click(await session.find('[data-testid=nav-departments]'));
    await session.until('the departments', async () => (await session.findAll('[data-testid=department-row]')).length === 7);
    await session.click(await session.find('[data-testid=add-person]'));
    await session.type(await session.waitFor('[data-testid=person-name]'), '王芳');
    await session.click(await session.find('[data-testid=person-save]'));
    const me = await session.waitFor('[data-testid=this-is-me]');
    await session.click(me);
    await session.until('王芳 as the current person', async () => cli(dataDir, 'info').current_person?.name === '王芳');
    await shot(session, '08-departments-people');

    // An edit is recorded in the history under her name.
    await session.click(await session.find('[data-testid=nav-catalog]'));
    await search(session, '2019年义务');
    await session.until('the imported task', async () => (await total(session)) === 1);
    await session.doubleClick(await session.find('[data-testid=item-row]'));
    const title = await session.waitFor('[data-testid=field-title]');
    await session.type(title, '（2019）');
    await session.click(await session.find('[data-testid=save-item]'));
    await session.until('the save', async () => (await session.text(await session.find('[data-testid=save-status]'))).length > 0);
    await session.click(await session.find('[data-testid=open-history]'));
    await session.until('two history rows', async () => (await session.findAll('[data-testid=history-row]')).length === 2);
    const rows = await session.findAll('[data-testid=history-row]');
    assert.match(await session.property(rows[0], 'textContent'), /王芳/);
    await shot(session, '09-history');

    // Catalog settings: a new channel, saved for everyone who uses this catalog.
    await session.click(await session.find('[data-testid=nav-settings]'));
    await session.waitFor('[data-testid=settings-channel]');
    const channelsBefore = (await session.findAll('[data-testid=settings-channel]')).length;
    await session.click(await session.find('[data-testid=settings-add-channel]'));
    await session.until('a new channel row', async () => (await session.findAll('[data-testid=settings-channel]')).length === channelsBefore + 1);
    const channels = await session.findAll('[data-testid=settings-channel]');
    await session.type(channels[channels.length - 1], '政务服务网');
    await session.click(await session.find('[data-testid=settings-save]'));
    await session.until('the settings saved', async () => (await session.text(await session.find('[data-testid=settings-saved]'))).length > 0);
    assert.ok(cli(dataDir, 'settings', 'show').channels.includes('政务服务网'));
    await shot(session, '10-settings');

    // About shows where the log is; English switch.
    await session.click(await session.find('[data-testid=nav-about]'));
    const logDir = await session.property(await session.waitFor('[data-testid=log-dir]'), 'textContent');
    assert.equal(logDir.trim(), join(dataDir, 'logs'));
    assert.ok(existsSync(join(dataDir, 'logs', 'disclosure-desk.log')), 'the log file is written');
    await setLanguage(session, 'en');
    await session.click(await session.find('[data-testid=nav-catalog]'));
    await session.until('English', async () => /items?/i.test(await session.text(await session.find('[data-testid=catalog-total]'))));
    await shot(session, '11-english');
    // The webview remembers the language: leave it as a new user finds it.
    await setLanguage(session, 'zh-CN');
  } finally {
    await session.end();
  }
});

test('bad input in the window: a 100,000-character title, a read-only data folder', async () => {
  const dataDir = dataFolder();
  let session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    const row = await session.find('[data-testid=item-row]');
    const id = await session.dataset(row, 'id');
    const before = cli(dataDir, 'item', 'show', id);
    await session.doubleClick(row);
    const title = await session.waitFor('[data-testid=field-title]');
    await session.execute(
      'arguments[0].value = "长".repeat(100000); arguments[0].dispatchEvent(new Event("input", {bubbles: true}));',
      [{ 'element-6066-11e4-a52e-4f735466cecf': title }],
    );
    await session.click(await session.find('[data-testid=save-item]'));
    const problem = await session.waitFor('[data-testid=problem-title]');
    await session.until('the title problem', async () => (await session.text(problem)).length > 0);
    await shot(session, '12-title-too-long');
    assert.deepEqual(cli(dataDir, 'item', 'show', id), before, 'nothing saved changed');
  } finally {
    await session.end();
  }

  // chmod stops everyone but root; root cannot write into an immutable folder.
  const asRoot = process.getuid() === 0;
  const lock = (on) =>
    asRoot ? execFileSync('chattr', [on ? '+i' : '-i', dataDir]) : chmodSync(dataDir, on ? 0o555 : 0o755);
  lock(true);
  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    try {
      const banner = await session.waitFor('[data-testid=error-banner]');
      await session.until('the read-only message', async () => (await session.text(banner)).length > 0);
      await shot(session, '13-read-only-folder');
    } finally {
      lock(false);
    }
    // Once the folder is writable again, "retry" opens the catalog without a restart.
    await session.click(await session.find('[data-testid=error-retry]'));
    await session.waitFor('[data-testid=item-row]');
  } finally {
    await session.end();
  }
  assert.equal(cli(dataDir, 'item', 'list').total, 17, 'the catalog is intact');
});

test('a GBK plan file chosen in the native file dialog', async () => {
  const dataDir = dataFolder();
  const planFile = join(dataDir, 'plan-2019-gbk.txt');
  // The sample as an office PC saves it: GB18030/GBK. Node cannot encode GBK, so the CLI's
  // fixture is converted by iconv (glibc, always present).
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030', join(root, 'src-tauri/crates/desk-core/tests/fixtures/plan/dalian-education-2019-plan.txt')]);
  writeFileSync(planFile, gbk);
  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    await session.click(await session.find('[data-testid=nav-plan]'));
    await chooseInDialog(session, '[data-testid=plan-open-file]', planFile, ['打开工作计划', 'Open a work plan']);
    await session.until('17 tasks from the GBK file', async () => (await session.findAll('[data-testid=plan-task]')).length === 17);
    const page = await session.execute('return document.body.textContent');
    assert.match(page, /GB18030/, 'the detected encoding is shown');
    await shot(session, '14-plan-from-gbk-file');
  } finally {
    // xclip stays in the background to serve the clipboard until it is told to go.
    spawnSync('pkill', ['-x', 'xclip']);
    await session.end();
  }
});

test('the catalog at 1024, 1280 and 1920 px: 文号, 索引号 and dates whole, 办理期限 in view', { timeout: 240000 }, async () => {
  const dataDir = dataFolder();
  // The first start makes the catalog (with its sample); items as offices number them follow.
  let session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
  } finally {
    await session.end();
  }
  for (const [n, day] of [[12, '2019-03-05'], [3, '2025-04-10'], [108, '2025-11-28']]) {
    cli(
      dataDir,
      'item',
      'add',
      '--title',
      `关于做好2025年第${n}批政务公开重点工作任务分解落实情况统计报送工作的通知`,
      `doc_no=大教发〔2025〕${n}号`,
      `成文日期=${day}`,
      `形成日期=${day}`,
      'lead=规法处',
    );
  }
  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row-doc-no]');
    await setLanguage(session, 'zh-CN');
    const later = await session.findAll('[data-testid=welcome-later]');
    if (later.length > 0) await session.click(later[0]);
    for (const width of [1024, 1280, 1920]) {
      await session.cmd('POST', '/window/rect', { width, height: 800 });
      await session.until(`the window ${width} px wide`, async () => (await session.execute('return window.innerWidth')) <= width && (await session.execute('return window.innerWidth')) >= width - 40);
      // Laid out again, then judged: nothing cut in the cells people read whole, and the due
      // column (with its overdue warning) inside the window without scrolling sideways.
      await session.until(`columns fitted at ${width} px`, async () => {
        const verdict = await session.execute(`
          const cut = (el) => el.scrollWidth > el.clientWidth + 1;
          const cells = [...document.querySelectorAll('[data-testid=item-row-doc-no], [data-testid=item-row-date-written], [data-testid=item-row-due]')];
          const index = [...document.querySelectorAll('[data-testid=item-row] .cell.mono')];
          const due = document.querySelector('[data-testid=column-head-due_date]');
          const right = due ? due.getBoundingClientRect().right : Infinity;
          return { cut: [...cells, ...index].filter(cut).map((el) => el.textContent), dueRight: right, inner: window.innerWidth };
        `);
        return verdict.cut.length === 0 && verdict.dueRight <= verdict.inner;
      });
      await shot(session, `catalog-columns-${width}`);
    }
  } finally {
    await session.end();
  }
});

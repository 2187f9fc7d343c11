// End to end: the review cycle in the real window. A clerk fills an item and passes its checks,
// the section head signs it off, a later edit voids the sign-off and the item is back in review.
// Every step is cross-checked with `desk` on the same data folder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session } from './webdriver.mjs';
import { app, artifacts, cli, desk, press, root, shot, targetDir } from './harness.mjs';

// Another port range than app.test.mjs: node runs test files in parallel.
const port = 5444 + (process.pid % 500) * 2;

let driver;
const folders = [];

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

async function openItem(session, id) {
  const row = await session.waitFor(`[data-testid=item-row][data-id="${id}"]`);
  await session.doubleClick(row);
  await session.waitFor('[data-testid=status-badge]');
}

async function statusText(session) {
  return session.text(await session.find('[data-testid=status-badge]'));
}

async function act(session, action) {
  await press(session, `[data-testid=workflow-action-${action}]`);
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

test('a clerk passes the checks, the section head signs off, a later edit voids it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-e2e-review-'));
  folders.push(dataDir);
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
  cli(dataDir, 'person', 'add', '李处长', '--department', '规法处', '--role', 'section_head');
  cli(dataDir, 'whoami', '--set', '王芳');
  const created = cli(
    dataDir,
    'item',
    'add',
    '--title',
    '大连市教育局关于规范中小学招生工作的通知',
    'lead=规法处',
    'clerk=王芳',
    'signer=李处长',
    'date_formed=2026-11-20',
    'summary=招生咨询电话：13812345678',
  );
  const id = created.id;

  // The clerk: the item is in "my work"; she masks the number, passes the checks, submits.
  let session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.click(await session.waitFor('[data-testid=view-my_work]'));
    await openItem(session, id);
    const docNo = await session.waitFor('[data-testid=field-doc-no]');
    await session.clear(docNo);
    await session.type(docNo, '大教发〔2026〕12号');
    await session.click(await session.find('[data-testid=save-item]'));
    await session.until('the 文号 saved', async () => cli(dataDir, 'item', 'show', id).doc_no === '大教发〔2026〕12号');
    await session.until('the form shows the saved 文号', async () =>
      (await session.property(await session.find('[data-testid=field-doc-no]'), 'value')) === '大教发〔2026〕12号');

    // The personal-data scan flags the mobile number; masking fixes the text.
    const hit = await session.waitFor('[data-testid=pii-hit]');
    await session.execute('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: hit }]);
    await shot(session, 'review-01-personal-data');
    await press(session, '[data-testid=mask-all]');
    await session.until('the number masked', async () => cli(dataDir, 'item', 'show', id).summary.includes('138****5678'));

    // Every required manual check passed, one by one, as a clerk would.
    const checks = cli(dataDir, 'check', 'list', id).checks.filter((c) => c.def.required && c.def.rule.type === 'manual');
    assert.ok(checks.length >= 10, `the manual checks: ${checks.length}`);
    for (const check of checks) {
      await press(session, `[data-testid=check-${check.def.key}-pass]`);
      await session.until(`${check.def.key} passed`, async () => {
        const state = await session.find(`[data-testid=check-${check.def.key}-state]`);
        return (await session.dataset(state, 'state')) === 'passed';
      });
    }
    await shot(session, 'review-02-checklist');
    await act(session, 'submit');
    await session.until('in review', async () => cli(dataDir, 'item', 'show', id).status === 'in_review');
    await act(session, 'request_signoff');
    await session.until('awaiting sign-off', async () => cli(dataDir, 'item', 'show', id).status === 'awaiting_signoff');
    await shot(session, 'review-03-awaiting');
  } finally {
    await session.end();
  }

  // The section head: "awaiting my sign-off" lists it; he signs it off.
  cli(dataDir, 'whoami', '--set', '李处长');
  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.click(await session.waitFor('[data-testid=view-awaiting_my_signoff]'));
    await openItem(session, id);
    await act(session, 'sign_off');
    await press(session, '[data-testid=signoff-confirm]');
    await session.until('signed off', async () => cli(dataDir, 'item', 'show', id).status === 'signed_off');
    await session.until('the badge says signed off', async () =>
      (await session.dataset(await session.find('[data-testid=status-badge]'), 'status')) === 'signed_off');
    await session.until('the sign-off shown as valid', async () => {
      const valid = await session.find('[data-testid=signoff-valid]');
      return session.execute('return arguments[0].classList.contains("valid")', [{ [ELEMENT]: valid }]);
    });
    await shot(session, 'review-04-signed');
    const review = cli(dataDir, 'item', 'review', id);
    assert.equal(review.signoffs.length, 1);
    assert.equal(review.signoffs[0].signer_name, '李处长');
    assert.equal(review.signoff_matches, true);
  } finally {
    await session.end();
  }

  // The clerk edits the 文号 of the signed item: the sign-off is void, back in review, saying why.
  cli(dataDir, 'whoami', '--set', '王芳');
  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    await openItem(session, id);
    const docNo = await session.waitFor('[data-testid=field-doc-no]');
    await session.clear(docNo);
    await session.type(docNo, '大教发〔2026〕13号');
    await session.click(await session.find('[data-testid=save-item]'));
    await session.until('back in review', async () => cli(dataDir, 'item', 'show', id).status === 'in_review');
    await session.until('the badge says in review', async () =>
      (await session.dataset(await session.find('[data-testid=status-badge]'), 'status')) === 'in_review');
    const warning = await session.waitFor('[data-testid=changed-after-signoff]');
    assert.match(await session.text(warning), /文号/);
    await shot(session, 'review-05-voided');
    const item = cli(dataDir, 'item', 'show', id);
    assert.deepEqual(item.changed_after_signoff, ['doc_no']);
    const review = cli(dataDir, 'item', 'review', id);
    assert.equal(review.signoffs.length, 1, 'the record stays');
    assert.equal(review.signoff_matches, false);
  } finally {
    await session.end();
  }
});

test('the office screens: progress opens the catalog, the log, checklist templates, the calendar', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-e2e-office-'));
  folders.push(dataDir);
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '张主任', '--department', '规法处', '--role', 'coordinator');
  cli(dataDir, 'whoami', '--set', '张主任');
  for (const [title, formed] of [['逾期的事项', '2026-09-01'], ['本周到期的事项', '2026-11-01'], ['新的事项', '2026-11-20']]) {
    cli(dataDir, 'item', 'add', '--title', title, 'lead=规法处', 'clerk=张主任', `date_formed=${formed}`, `summary=${title}：做好招生考试信息的主动公开`);
  }
  const dueOf = (title) => cli(dataDir, 'item', 'list').items.find((i) => i.title === title).due_date;
  const dueBefore = dueOf('本周到期的事项');
  const progress = cli(dataDir, 'progress');
  const line = (progress.departments ?? progress).find((l) => l.department_name === '规法处');
  assert.equal(line.total, 3);

  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    // Progress: the department's row; its total opens the catalog on those items.
    await press(session, '[data-testid=nav-progress]');
    await session.waitFor('[data-testid=progress-table]');
    const total = await session.waitFor(`[data-testid=progress-cell-${line.department_id}-total]`);
    assert.equal(await session.text(total), '3');
    await shot(session, 'office-01-progress');
    await press(session, `[data-testid=progress-cell-${line.department_id}-total]`);
    await session.until('the catalog on 规法处', async () => {
      const text = await session.text(await session.find('[data-testid=catalog-total]'));
      return text.replace(/[^0-9]/g, '') === '3';
    });
    await shot(session, 'office-02-progress-to-catalog');

    // The views: overdue and due this week.
    await press(session, '[data-testid=view-attention]');
    await session.waitFor('[data-testid=item-row]');
    await shot(session, 'office-03-attention');

    // The catalog-wide log: the three items created by 张主任.
    await press(session, '[data-testid=nav-audit]');
    await session.waitFor('[data-testid=audit-row]');
    const rows = await session.findAll('[data-testid=audit-row]');
    assert.ok(rows.length >= 3, `log rows: ${rows.length}`);
    await shot(session, 'office-04-audit');

    // Checklist templates: the three shipped ones.
    await press(session, '[data-testid=nav-templates]');
    await session.until('three templates', async () => (await session.findAll('[data-testid=template-row]')).length === 3);
    await shot(session, 'office-05-templates');

    // The calendar: a month grid; 2019 shows 春节 off and cites its notice in the text view.
    await press(session, '[data-testid=nav-calendar]');
    await press(session, '[data-testid=calendar-year-2019]');
    await session.until('春节 marked off on the grid', async () =>
      /放假 春节/.test(await session.attribute(await session.find('[data-testid=calendar-day-2019-02-05]'), 'aria-label')));
    await shot(session, 'office-06-calendar-grid');
    await press(session, '[data-testid=calendar-view-text]');
    await session.until('the 2019 file', async () =>
      (await session.property(await session.find('[data-testid=calendar-text]'), 'value')).includes('国办发明电'));
    await shot(session, 'office-06-calendar');

    // Three local days off in November 2026, marked by clicking: the due date moves three working days.
    await press(session, '[data-testid=calendar-year-2026]');
    await press(session, '[data-testid=calendar-view-grid]');
    const note = await session.waitFor('[data-testid=calendar-note]');
    await session.type(note, '地方假日');
    for (const day of ['2026-11-16', '2026-11-17', '2026-11-18']) await press(session, `[data-testid=calendar-day-${day}]`);
    await session.until('the days marked', async () =>
      /放假 地方假日/.test(await session.attribute(await session.find('[data-testid=calendar-day-2026-11-18]'), 'aria-label')));
    await shot(session, 'office-07-calendar-marked');
    await press(session, '[data-testid=calendar-save]');
    await session.until('the year saved', async () => (await session.findAll('[data-testid=calendar-reset]')).length === 1);
    const dueAfter = dueOf('本周到期的事项');
    assert.ok(dueAfter > dueBefore, `due ${dueBefore} → ${dueAfter}`);
    await press(session, '[data-testid=calendar-view-text]');
    await session.until('the file written from the grid', async () =>
      (await session.property(await session.find('[data-testid=calendar-text]'), 'value')).includes('holiday 2026-11-16..2026-11-18 地方假日'));

    // Search says why an item is listed: 招生 is only in the summaries.
    await press(session, '[data-testid=nav-catalog]');
    await press(session, '[data-testid=view-all]');
    const box = await session.waitFor('[data-testid=search-input]');
    await session.type(box, '招生');
    await session.until('three rows, each saying where 招生 is', async () => (await session.findAll('[data-testid=item-row-hit]')).length === 3);
    const hit = await session.text(await session.find('[data-testid=item-row-hit]'));
    assert.match(hit, /摘要.*招生/);
    await shot(session, 'office-08-search-hits');

    // The 索引号 rule as pieces, with the live example.
    await press(session, '[data-testid=nav-settings]');
    const parts = await session.waitFor('[data-testid=settings-index-parts]');
    await session.execute('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: parts }]);
    await shot(session, 'office-09-index-rule');
  } finally {
    await session.end();
  }
});

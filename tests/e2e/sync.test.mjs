// End to end: two real app windows (two data folders, two tauri-driver processes) on one shared
// folder. The second PC chooses the folder in its window and joins; an edit in one window reaches
// the other with "sync now"; a field both change becomes a conflict shown in both status areas,
// is settled on the conflicts screen of one window, and the settlement reaches the other. A new PC
// pulling a generated catalog of hundreds of items shows the round's progress in its status area.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session } from './webdriver.mjs';
import { app, artifacts, cli, desk, root, shot, targetDir } from './harness.mjs';

const bench = process.env.DESK_BENCH ?? join(targetDir, 'debug', 'desk-bench');

// Two drivers, each with its own WebDriver and native port, in a range of their own.
const port = 6444 + (process.pid % 400) * 4;

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const drivers = [];
const folders = [];

function temp(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

async function rowText(session, id) {
  const row = await session.find(`[data-testid=item-row][data-id="${id}"]`);
  return session.execute('return arguments[0].textContent', [{ [ELEMENT]: row }]);
}

/** Presses "sync now" and waits until the round is over. */
async function syncNow(session) {
  const button = await session.waitFor('[data-testid=sync-now]');
  await session.until('sync now enabled', async () => (await session.property(button, 'disabled')) === false);
  await session.click(button);
  await session.until('the round over', async () => (await tone(session)) !== 'running'
    && (await session.property(await session.find('[data-testid=sync-now]'), 'disabled')) === false);
}

/** The status area's tone: none, ok, waiting, offline, problem, or running. */
async function tone(session) {
  return session.dataset(await session.find('[data-testid=sync-summary]'), 'tone');
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  assert.ok(existsSync(bench), `build the catalog generator first: ${bench}`);
  drivers.push(await startDriver({ port, nativePort: port + 1 }));
  drivers.push(await startDriver({ port: port + 2, nativePort: port + 3 }));
});

after(async () => {
  for (const driver of drivers) await driver.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

test('two windows sync through one folder, and a conflict is settled in one of them', { timeout: 240000 }, async () => {
  const share = temp('desk-e2e-share-');
  const a = temp('desk-e2e-sync-a-');
  const b = temp('desk-e2e-sync-b-');
  cli(a, 'department', 'add', '办公室');
  cli(a, 'person', 'add', '张主任', '--department', '办公室', '--role', 'coordinator');
  cli(a, 'whoami', '--set', '张主任');
  const item = cli(a, 'item', 'add', '--title', '关于做好年度政务公开工作的通知', 'lead=办公室');
  // PC A created the catalog in the folder before; PC B starts empty and joins in its window.
  assert.equal(cli(a, 'sync', '--folder', share).created_catalog, true);
  cli(b, 'person', 'add', '李明', '--role', 'clerk');
  cli(b, 'whoami', '--set', '李明');

  const winA = await Session.start(drivers[0].base, app, ['--data-dir', a]);
  const winB = await Session.start(drivers[1].base, app, ['--data-dir', b]);
  try {
    await winA.waitFor(`[data-testid=item-row][data-id="${item.id}"]`);
    await winA.until('A synced', async () => (await tone(winA)) === 'ok');

    // B chooses the shared folder by typing it, and joins the catalog there.
    await winB.until('B not syncing yet', async () => (await tone(winB)) === 'none');
    await winB.click(await winB.waitFor('[data-testid=sync-summary]'));
    const input = await winB.waitFor('[data-testid=sync-folder-input]');
    await winB.type(input, share);
    await winB.click(await winB.find('[data-testid=sync-folder-use]'));
    await winB.until('B synced', async () => (await tone(winB)) === 'ok', 30000);
    await shot(winB, 'sync-01-folder-chosen');
    assert.equal(cli(b, 'sync', 'status').folder, share);
    await winB.click(await winB.find('[data-testid=nav-catalog]'));
    await winB.until('the item arrived in B', async () => (await rowText(winB, item.id)).includes('关于做好年度政务公开工作的通知'));

    // An edit on A reaches B's window after "sync now" on both.
    cli(a, 'item', 'set', item.id, 'title=关于做好2026年度政务公开工作的通知');
    await syncNow(winA);
    await syncNow(winB);
    await winB.until('the edit shown in B', async () => (await rowText(winB, item.id)).includes('2026年度'));

    // Both change the 文号 before seeing each other's change.
    cli(a, 'item', 'set', item.id, 'doc_no=办〔2026〕1号');
    cli(b, 'item', 'set', item.id, 'doc_no=办〔2026〕2号');
    await syncNow(winA);
    await syncNow(winB);
    await syncNow(winA);
    for (const win of [winA, winB]) {
      await win.until('one conflict in the status area', async () =>
        (await win.dataset(await win.find('[data-testid=sync-conflicts]'), 'count')) === '1');
    }
    await shot(winA, 'sync-02-status-area-conflict');

    // B settles it on the conflicts screen: keep the value that is not shown now.
    await winB.click(await winB.find('[data-testid=sync-conflicts]'));
    await winB.waitFor('[data-testid=conflict]');
    const values = await winB.findAll('[data-testid=conflict-value]');
    assert.equal(values.length, 2);
    const shownNow = cli(b, 'item', 'show', item.id).doc_no;
    const keep = shownNow === '办〔2026〕1号' ? '办〔2026〕2号' : '办〔2026〕1号';
    const secondText = await winB.execute('return arguments[0].textContent', [{ [ELEMENT]: values[1] }]);
    assert.ok(secondText.includes(keep), `the other value is listed second: ${secondText}`);
    await shot(winB, 'sync-03-conflicts-screen');
    const keepButtons = await winB.findAll('[data-testid=conflict-keep]');
    await winB.click(keepButtons[1]);
    await winB.waitFor('[data-testid=conflicts-empty]');
    assert.equal(cli(b, 'item', 'show', item.id).doc_no, keep);
    await shot(winB, 'sync-04-conflict-settled');

    // The settlement is an operation: it reaches A.
    await syncNow(winB);
    await syncNow(winA);
    await winA.until('no conflict left on A', async () => (await winA.findAll('[data-testid=sync-conflicts]')).length === 0);
    assert.equal(cli(a, 'item', 'show', item.id).doc_no, keep);
    assert.deepEqual(cli(a, 'conflicts', 'list').conflicts, []);
    await winA.until('A synced again', async () => (await tone(winA)) === 'ok');
    await shot(winA, 'sync-05-status-area-synced');
  } finally {
    await winA.end();
    await winB.end();
  }
});

test('a new PC pulling a large catalog shows how far the sync has got', { timeout: 600000 }, async () => {
  const share = temp('desk-e2e-share-big-');
  const a = temp('desk-e2e-sync-big-a-');
  const b = temp('desk-e2e-sync-big-b-');
  // A catalog of generated items (Chinese titles, checks, workflow), published from A by the CLI:
  // every field and check is an operation, so B has many segments to apply.
  const items = 3000;
  execFileSync(bench, ['generate', '--items', String(items), '--seed', '7', '--data-dir', a], { encoding: 'utf8' });
  const published = cli(a, 'sync', '--folder', share);
  assert.ok(published.segments_published >= 10, `segments published: ${published.segments_published}`);
  const total = cli(a, 'item', 'list', '--limit', '1').total;
  // B's data folder is made by the CLI (as in the test above), so the app does not put the
  // sample catalog in it.
  cli(b, 'person', 'add', '新来的信息员', '--role', 'clerk');

  const winB = await Session.start(drivers[1].base, app, ['--data-dir', b]);
  try {
    await winB.until('B not syncing yet', async () => (await tone(winB)) === 'none');
    await winB.click(await winB.waitFor('[data-testid=sync-summary]'));
    await winB.type(await winB.waitFor('[data-testid=sync-folder-input]'), share);
    await winB.click(await winB.find('[data-testid=sync-folder-use]'));
    // While the round applies A's segments, the status area counts them with a bar.
    const seen = await winB.until('the progress shown', async () => {
      const running = await winB.findAll('[data-testid=sync-running][data-total]');
      if (running.length === 0) return false;
      const done = Number(await winB.dataset(running[0], 'done'));
      const all = Number(await winB.dataset(running[0], 'total'));
      return done > 0 && done < all ? { done, all } : false;
    }, 120000);
    assert.ok(seen.all >= published.segments_published, JSON.stringify(seen));
    assert.equal((await winB.findAll('.sync-area progress')).length, 1);
    await shot(winB, 'sync-06-progress');
    await winB.until('B synced', async () => (await tone(winB)) === 'ok', 300000);
    assert.equal((await winB.findAll('.sync-area progress')).length, 0);
    assert.equal(cli(b, 'item', 'list', '--limit', '1').total, total);
  } finally {
    await winB.end();
  }
});

test('a first day: the window opens with the sample, joins the office folder, and brings none of it', { timeout: 240000 }, async () => {
  const share = temp('desk-e2e-share-first-');
  const office = temp('desk-e2e-first-office-');
  const head = temp('desk-e2e-first-head-');
  const clerk = temp('desk-e2e-first-clerk-');
  cli(office, 'department', 'add', '规法处');
  cli(office, 'person', 'add', '李处长', '--department', '规法处', '--role', 'section_head');
  const item = cli(office, 'item', 'add', '--title', '本单位的第一项', 'lead=规法处');
  assert.equal(cli(office, 'sync', '--folder', share).created_catalog, true);

  // The section head's new install: the sample, and the question how to start.
  let win = await Session.start(drivers[0].base, app, ['--data-dir', head]);
  try {
    await win.until('the Chinese interface', async () => {
      if ((await win.execute('return document.documentElement.lang')) === 'zh-CN') return true;
      await win.click(await win.find('[data-testid=lang-switch]'));
      return false;
    });
    const panel = await win.waitFor('[data-testid=start-panel]');
    assert.match(await win.text(panel), /17/);
    assert.equal((await win.findAll('[data-testid=welcome-dialog]')).length, 0);
    await shot(win, 'start-01-first-run');
    await win.click(await win.find('[data-testid=start-join]'));
    await win.waitFor('[data-testid=sync-sample-note]');
    await win.type(await win.waitFor('[data-testid=sync-folder-input]'), share);
    await shot(win, 'start-02-join-note');
    await win.click(await win.find('[data-testid=sync-folder-use]'));
    await win.until('joined', async () => (await tone(win)) === 'ok', 30000);
    assert.equal((await win.findAll('[data-testid=sync-sample-note]')).length, 0);
    await win.click(await win.find('[data-testid=nav-catalog]'));
    await win.waitFor(`[data-testid=item-row][data-id="${item.id}"]`);
    await win.until('only the office item', async () => (await win.findAll('[data-testid=item-row]')).length === 1);
    // Now she says who she is, from the office's list.
    const people = await win.waitFor('[data-testid=welcome-person-select]');
    assert.match(await win.text(people), /李处长/);
    await shot(win, 'start-03-joined');
  } finally {
    await win.end();
  }
  assert.equal(cli(head, 'item', 'list').total, 1);
  assert.deepEqual(cli(head, 'department', 'list').departments.map((d) => d.name), ['规法处']);
  assert.equal(cli(office, 'sync').ops_published, 0);
  assert.equal(cli(office, 'item', 'list').total, 1, 'nothing of the sample reached the office');

  // A clerk who practised in the sample first is asked before it goes anywhere.
  win = await Session.start(drivers[1].base, app, ['--data-dir', clerk]);
  try {
    await win.waitFor('[data-testid=start-panel]');
    await win.click(await win.find('[data-testid=start-sample]'));
    cli(clerk, 'item', 'add', '--title', '练习用的事项');
    await win.click(await win.waitFor('[data-testid=sync-summary]'));
    await win.type(await win.waitFor('[data-testid=sync-folder-input]'), share);
    await win.click(await win.find('[data-testid=sync-folder-use]'));
    const choice = await win.waitFor('[data-testid=sync-sample-choice]', 30000);
    assert.match(await win.text(choice), /1/);
    assert.equal(cli(clerk, 'sync', 'status').last_error, 'sync_sample_edited');
    await shot(win, 'start-04-edited-sample');
    await win.click(await win.find('[data-testid=sync-sample-remove]'));
    await shot(win, 'start-05-remove-confirm');
    await win.click(await win.waitFor('[data-testid=sync-sample-remove-confirm]'));
    await win.until('joined after removing', async () => (await tone(win)) === 'ok', 30000);
  } finally {
    await win.end();
  }
  assert.equal(cli(clerk, 'item', 'list').total, 1);
  assert.equal(cli(office, 'sync').ops_published, 0);
  assert.equal(cli(office, 'item', 'list').total, 1);
});

// Sync through a real SMB share: Samba on 127.0.0.1 reached through two smbnetfs FUSE mounts, one
// per simulated office PC (tests/share/share.sh). Two data folders edit the same catalog — on both
// sides, one of them while its share is away, and both the same field before seeing each other —
// then sync both ways until each shows the same items and the same kept conflict.
// Through these mounts hard links and RENAME_NOREPLACE fail, rename overwrites and names are
// case-insensitive: the engine must not depend on any of them.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, desk, root, targetDir } from './harness.mjs';

const shareScript = join(root, 'tests', 'share', 'share.sh');

const folders = [];
let shareDir = null;

/** The error code a failing command prints with --json. */
function cliError(dataDir, ...args) {
  const run = spawnSync(desk, ['--data-dir', dataDir, '--json', ...args], { encoding: 'utf8' });
  assert.notEqual(run.status, 0, `expected ${args.join(' ')} to fail`);
  return JSON.parse(run.stderr).error.code;
}

function stopShare() {
  if (shareDir === null) return;
  spawnSync('setsid', ['bash', shareScript, 'stop', shareDir], { stdio: 'inherit' });
  shareDir = null;
}

after(() => {
  stopShare();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Items as both PCs must show them: by id, with the fields sync carries. */
function items(dataDir) {
  const page = cli(dataDir, 'item', 'list', '--limit', '1000');
  return page.items
    .map((item) => ({ id: item.id, title: item.title, doc_no: item.doc_no, status: item.status, index_no: item.index_no }))
    .sort((x, y) => x.id.localeCompare(y.id));
}

function conflicts(dataDir) {
  return cli(dataDir, 'conflicts', 'list').conflicts;
}

test('two PCs edit one catalog through a real SMB share and end the same', { timeout: 240000 }, () => {
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  assert.equal(process.getuid?.(), 0, 'the share test mounts FUSE file systems: run it as root');
  shareDir = mkdtempSync(join(tmpdir(), 'desk-share-'));
  folders.push(shareDir);
  // In a session of its own: Samba signals its whole process group when it stops.
  const mounts = execFileSync('setsid', ['bash', shareScript, 'start', shareDir], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  assert.equal(mounts.length, 2, `two mounts expected, got ${mounts.join(', ')}`);
  const [shareA, shareB] = mounts;

  const a = mkdtempSync(join(tmpdir(), 'desk-share-a-'));
  const b = mkdtempSync(join(tmpdir(), 'desk-share-b-'));
  folders.push(a, b);

  // PC A starts the catalog in the share; PC B joins it through its own mount.
  const first = cli(a, 'item', 'add', '--title', '关于共享同步的通知');
  cli(a, 'item', 'add', '--title', '甲电脑的事项');
  const created = cli(a, 'sync', '--folder', shareA);
  assert.equal(created.created_catalog, true);
  const joined = cli(b, 'sync', '--folder', shareB);
  assert.equal(joined.joined_catalog, true);
  assert.ok(cli(b, 'item', 'show', first.id).title === '关于共享同步的通知');

  // Edits on both sides, and the same field changed by both before either synced.
  cli(b, 'item', 'add', '--title', '乙电脑的事项');
  cli(a, 'item', 'set', first.id, 'doc_no=教办〔2026〕1号');
  cli(a, 'item', 'set', first.id, 'title=甲改的标题');
  cli(b, 'item', 'set', first.id, 'title=乙改的标题');

  // PC B edits while its share is away (a folder that is not there is never an empty catalog).
  const away = join(shareB, '..', 'no-such-share');
  assert.equal(cliError(b, 'sync', '--folder', away), 'sync_folder_unreachable');
  cli(b, 'item', 'add', '--title', '离线时新建的事项');
  assert.ok(cli(b, 'sync', 'status').ops_waiting_to_go_out > 0);

  // Sync both ways, twice, so each sees everything the other published.
  for (let round = 0; round < 2; round++) {
    cli(a, 'sync', '--folder', shareA);
    cli(b, 'sync', '--folder', shareB);
  }
  cli(a, 'sync', '--folder', shareA);

  const listA = items(a);
  const listB = items(b);
  assert.deepEqual(listA, listB);
  const titles = listA.map((item) => item.title);
  for (const title of ['甲电脑的事项', '乙电脑的事项', '离线时新建的事项']) {
    assert.ok(titles.includes(title), `${title} on both PCs`);
  }
  assert.equal(listA.find((item) => item.id === first.id).doc_no, '教办〔2026〕1号');

  // The concurrent title edit: one value shown, the other kept as a conflict, the same on both.
  const conflictsA = conflicts(a);
  assert.deepEqual(conflictsA, conflicts(b));
  assert.equal(conflictsA.length, 1);
  const [conflict] = conflictsA;
  assert.equal(conflict.entity_id, first.id);
  assert.equal(conflict.field, 'title');
  const values = [conflict.current.value, ...conflict.others.map((o) => o.value)].sort();
  assert.deepEqual(values, ['甲改的标题', '乙改的标题'].sort());
  for (const dir of [a, b]) {
    const status = cli(dir, 'sync', 'status');
    assert.equal(status.ops_waiting_to_go_out, 0);
    assert.equal(status.conflicts, 1);
    assert.equal(status.last_error, null);
  }

  // Settling on B reaches A through the share.
  const keep = conflict.others[0];
  cli(b, 'conflicts', 'resolve', conflict.key, keep.op_id);
  cli(b, 'sync', '--folder', shareB);
  cli(a, 'sync', '--folder', shareA);
  for (const dir of [a, b]) {
    assert.deepEqual(conflicts(dir), []);
    assert.equal(cli(dir, 'item', 'show', first.id).title, keep.value);
  }
  assert.deepEqual(items(a), items(b));
  stopShare();
});

/** The files under `dir`, by path relative to it. */
function filesUnder(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out;
}

test('a file damaged on the real share heals, and files of Windows and other programs are ignored', { timeout: 240000 }, () => {
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  assert.equal(process.getuid?.(), 0, 'the share test mounts FUSE file systems: run it as root');
  shareDir = mkdtempSync(join(tmpdir(), 'desk-share-'));
  folders.push(shareDir);
  const mounts = execFileSync('setsid', ['bash', shareScript, 'start', shareDir], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const [shareA, shareB] = mounts;
  const a = mkdtempSync(join(tmpdir(), 'desk-share-a-'));
  const b = mkdtempSync(join(tmpdir(), 'desk-share-b-'));
  folders.push(a, b);
  cli(a, 'item', 'add', '--title', '共享中的第一项');
  cli(a, 'sync', '--folder', shareA);
  cli(b, 'sync', '--folder', shareB);
  const later = cli(a, 'item', 'add', '--title', '文件损坏后修复的事项');
  cli(a, 'sync', '--folder', shareA);

  // What the server holds: A's newest segment is cut in half, as a failed copy or a disk error
  // would leave it; Windows and people leave their own files beside sync's.
  const exported = join(shareDir, 'export');
  const deviceA = cli(a, 'sync', 'status').device_id;
  const files = filesUnder(exported);
  const segment = files.filter((f) => f.includes(`/ops/${deviceA}/`) && f.endsWith('.seg')).sort().at(-1);
  assert.ok(segment, `a segment of ${deviceA} in ${files.join(', ')}`);
  const whole = readFileSync(join(exported, segment));
  writeFileSync(join(exported, segment), whole.subarray(0, Math.floor(whole.length / 2)));
  const catalogDir = segment.split('/ops/')[0];
  writeFileSync(join(exported, catalogDir, 'desktop.ini'), '[.ShellClassInfo]\r\nIconResource=C:\\Windows\\System32\\shell32.dll,4\r\n');
  writeFileSync(join(exported, catalogDir, 'ops', 'desktop.ini'), '[.ShellClassInfo]\r\n');
  writeFileSync(join(exported, catalogDir, 'ops', 'Thumbs.db'), 'not ours');
  mkdirSync(join(exported, catalogDir, 'ops', deviceA, '新建文件夹'), { recursive: true });

  // B meets the damage: it waits, says so, and the foreign files fail nothing.
  const seen = cli(b, 'sync', '--folder', shareB);
  assert.ok(seen.damaged.some((d) => segment.endsWith(d.file)), JSON.stringify(seen.damaged));
  assert.ok(seen.ignored.some((f) => f.endsWith('desktop.ini')), JSON.stringify(seen.ignored));
  assert.equal(cli(b, 'sync', 'status').damaged.length, 1);
  // A reads B's report and writes the segment again under a new name; B then has the item.
  const repaired = cli(a, 'sync', '--folder', shareA);
  assert.equal(repaired.repaired.length, 1, JSON.stringify(repaired));
  assert.match(repaired.repaired[0], /-r1\.seg$/);
  cli(b, 'sync', '--folder', shareB);
  assert.equal(cli(b, 'item', 'show', later.id).title, '文件损坏后修复的事项');
  assert.deepEqual(items(a), items(b));
  for (const dir of [a, b]) {
    const status = cli(dir, 'sync', 'status');
    assert.equal(status.last_error, null);
    assert.deepEqual(status.damaged, []);
  }
  stopShare();
});

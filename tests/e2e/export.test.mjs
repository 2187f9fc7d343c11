// End to end: the office exports the signed-off items of a catalog to a bundle in the real window
// and verifies it there; `desk verify` agrees; the bundle's index page, unpacked, is rendered in
// headless Chromium and lists the items.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { startDriver, Session } from './webdriver.mjs';
import { app, artifacts, cli, desk, press, root, shot, signedItem, targetDir } from './harness.mjs';

// Another port range than the other window tests.
const port = 6444 + (process.pid % 500) * 2;

let driver;
const folders = [];

/** The entries of a zip (stored or deflated), read from its central directory. */
function unzip(file, into) {
  const bytes = readFileSync(file);
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, 'end of central directory');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50);
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(dataAt, dataAt + compressed);
    const content = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    assert.ok(!name.includes('..') && !name.startsWith('/'), name);
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), content);
    names.push(name);
    at += 46 + nameLength + extra + comment;
  }
  return names;
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

test('the signed-off items leave as one bundle that verifies in the app and with desk', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-e2e-export-'));
  folders.push(dataDir);
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
  cli(dataDir, 'person', 'add', '李处长', '--department', '规法处', '--role', 'section_head');
  const pdf = join(dataDir, '招生工作通知.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% 招生工作通知\n');
  const first = signedItem(
    dataDir,
    '关于做好2026年义务教育招生工作的通知',
    ['doc_no=大教发〔2026〕12号', 'channels=政府网站、两微一端', 'date_written=2026-03-05', 'issuing_body=大连市教育局'],
    pdf,
  );
  const second = signedItem(dataDir, '2026年学前教育资助政策解读', ['channels=政府网站'], null);
  cli(dataDir, 'whoami', '--set', '王芳');
  const draft = cli(dataDir, 'item', 'add', '--title', '尚在起草的事项', 'lead=规法处').id;
  const bundle = join(dataDir, '政务公开导出包.zip');

  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await press(session, '[data-testid=nav-export]');
    await session.until('the preview counts two items', async () =>
      (await session.text(await session.waitFor('[data-testid=export-summary]'))).includes('2'));
    const rows = await session.findAll('[data-testid=export-items] tbody tr');
    assert.equal(rows.length, 2);
    await session.type(await session.find('[data-testid=export-path]'), bundle);
    await shot(session, 'export-01-preview');
    await press(session, '[data-testid=export-run]');
    await session.waitFor('[data-testid=export-result]', 60000);
    assert.ok(existsSync(bundle));
    await shot(session, 'export-02-exported');

    // The catalog agrees: both exported, the draft untouched.
    assert.equal(cli(dataDir, 'item', 'show', first).status, 'exported');
    assert.equal(cli(dataDir, 'item', 'show', second).status, 'exported');
    assert.equal(cli(dataDir, 'item', 'show', draft).status, 'draft');

    await press(session, '[data-testid=export-verify-this]');
    const ok = await session.waitFor('[data-testid=verify-ok]', 60000);
    assert.match(await session.text(ok), /2/);
    const verifiedRows = await session.findAll('[data-testid=verify-items] tbody tr');
    assert.equal(verifiedRows.length, 2);
    await shot(session, 'export-03-verified');

    // A damaged copy is refused on the same screen with its problems listed.
    const damaged = join(dataDir, 'damaged.zip');
    const bytes = readFileSync(bundle);
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const path = await session.find('[data-testid=verify-path]');
    await session.clear(path);
    await session.type(path, damaged);
    await press(session, '[data-testid=verify-run]');
    await session.waitFor('[data-testid=verify-problems]', 60000);
    await shot(session, 'export-04-damaged');

    // Table 二 of the annual report in the window gives the figures `desk report annual` gives.
    await press(session, '[data-testid=export-tab-reports]');
    const year = await session.waitFor('[data-testid=report-year]');
    await session.clear(year);
    await session.type(year, '2026');
    await press(session, '[data-testid=report-show]');
    await session.waitFor('[data-testid=report-table]', 30000);
    const annual = cli(dataDir, 'report', 'annual', '--year', '2026');
    const cells = (selector) => session.execute(
      `return [...document.querySelectorAll(${JSON.stringify(selector)})].map((row) => [...row.querySelectorAll('td')].map((c) => c.textContent.trim()).join('|'))`,
    );
    assert.deepEqual(
      await cells('[data-testid=report-table] tbody tr'),
      [annual.rules, annual.normative].map((f) => [f.issued, f.repealed, f.in_force].join('|')),
    );
    assert.ok(annual.by_channel.length > 0, JSON.stringify(annual));
    assert.deepEqual(
      await cells('.side tbody tr'),
      [...annual.by_channel, ...annual.by_department].map((r) => `${r.label}|${r.count}`),
    );
    await shot(session, 'export-05-annual-table');
  } finally {
    await session.end();
  }

  // The web team's command agrees.
  const verified = cli(join(dataDir, 'elsewhere'), 'verify', bundle);
  assert.equal(verified.ok, true);
  assert.deepEqual(verified.items.map((i) => i.title).sort(), ['2026年学前教育资助政策解读', '关于做好2026年义务教育招生工作的通知'].sort());

  // The index page, unpacked and rendered from disk by headless Chromium, lists the items.
  const unpacked = join(dataDir, 'unpacked');
  const names = unzip(bundle, unpacked);
  assert.ok(names.includes('index.html'));
  const page = `file://${join(unpacked, 'index.html')}`;
  const chromium = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1280,800'];
  const dom = execFileSync('chromium', [...chromium, '--dump-dom', page], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.ok(dom.includes('关于做好2026年义务教育招生工作的通知'));
  assert.ok(dom.includes('2026年学前教育资助政策解读'));
  assert.ok(dom.includes('招生工作通知.pdf'));
  assert.ok(!dom.includes('<script'));
  mkdirSync(artifacts, { recursive: true });
  execFileSync('chromium', [...chromium, `--screenshot=${join(artifacts, 'export-06-index-chromium.png')}`, page], {
    stdio: 'ignore',
  });
  assert.ok(existsSync(join(artifacts, 'export-06-index-chromium.png')));
});

// End to end: updates in the real window. A release is published with `desk release publish` into
// a folder that a local HTTP server on 127.0.0.1 serves, and into a plain folder (the shared-folder
// path). The app finds it at start, downloads and verifies it; a tampered package, another office's
// key, a half-copied package, a damaged latest.json, a server that is down and a version that is
// not newer are each refused with their message. This build of the app was not installed from a
// package, so a verified update ends in "cannot update itself" (the install of a real .deb is
// tests/package/update-deb.sh).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session } from './webdriver.mjs';
import { app, artifacts, desk, root, shot, targetDir } from './harness.mjs';

const port = 5444 + (process.pid % 500) * 2;
const PACKAGE = 'disclosure-desk_9.0.0_amd64.deb';

let driver;
let work;

function run(...args) {
  return JSON.parse(execFileSync(desk, ['--json', ...args], { encoding: 'utf8' }));
}

/** Serves `state.dir`; `state.manifest` replaces latest.json, `state.tamper` flips a byte of the package. */
function serve(state) {
  const server = createServer((req, res) => {
    const name = basename(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (name === 'latest.json' && state.manifest !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(state.manifest);
      return;
    }
    const path = join(state.dir, name);
    if (!existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(path);
    if (name === PACKAGE && state.tamper) body[body.length - 10] ^= 1;
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function configure(dataDir, config) {
  writeFileSync(join(dataDir, 'update.json'), JSON.stringify(config, null, 2));
}

async function errorShown(session) {
  const el = await session.waitFor('[data-testid=update-error]');
  return session.property(el, 'textContent');
}

async function checkAndWait(session, what) {
  await session.click(await session.find('[data-testid=update-check]'));
  return session.until(what, async () => {
    const result = await session.property(await session.find('[data-testid=update-result]'), 'textContent');
    const error = (await session.findAll('[data-testid=update-error]')).length > 0;
    if (result.includes('Looking')) return false;
    return error ? await errorShown(session) : result.trim();
  });
}

async function installAndWait(session) {
  await session.click(await session.waitFor('[data-testid=update-install]'));
  return session.until('the install to end', () => errorShown(session));
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  work = mkdtempSync(join(tmpdir(), 'desk-update-e2e-'));
  driver = await startDriver({ port, nativePort: port + 1 });
});

after(async () => {
  await driver?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('an update from the intranet server and from the shared folder: found, verified, refused when wrong', async () => {
  const office = run('release', 'keygen', '--out', join(work, 'office.key'), '--no-password');
  const stranger = run('release', 'keygen', '--out', join(work, 'stranger.key'), '--no-password');
  const build = join(work, 'build');
  mkdirSync(build);
  const bytes = Buffer.alloc(600_000);
  Buffer.from('!<arch>\ndebian-binary   ').copy(bytes);
  for (let i = 40; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
  writeFileSync(join(build, PACKAGE), bytes);

  const state = { dir: join(work, 'www'), tamper: false, manifest: undefined };
  const server = await serve(state);
  const base = `http://127.0.0.1:${server.address().port}`;
  const publish = (to, version, extra = []) =>
    run('release', 'publish', join(build, PACKAGE), '--version', version, '--key', join(work, 'office.key'),
      '--pubkey', office.public_key, '--to', to, '--notes', '修正：导出时附件的文件名\nFaster search', '--target', 'linux-x86_64', ...extra);
  publish(state.dir, '9.0.0', ['--base-url', `${base}/`]);
  const share = join(work, 'share', 'releases');
  publish(share, '9.0.0');

  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  configure(dataDir, { endpoints: [`${base}/latest.json`], pubkey: office.pubkey, check_at_start: true });
  const session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    // Found at start, with its notes.
    const headline = await session.waitFor('[data-testid=update-headline]');
    assert.match(await session.property(headline, 'textContent'), /9\.0\.0/);
    assert.match(await session.property(await session.find('[data-testid=update-notes]'), 'textContent'), /修正：导出时附件的文件名\nFaster search/);
    await shot(session, 'update-01-found-at-start');
    // The language is kept between runs: switch until it is English.
    await session.until('English', async () => {
      if ((await session.execute('return document.documentElement.lang')) === 'en') return true;
      await session.click(await session.find('[data-testid=lang-switch]'));
      return false;
    });
    await session.click(await session.find('[data-testid=nav-about]'));
    await session.waitFor('[data-testid=update-settings]');

    // Downloaded and verified by the updater plugin; this build then declines to install itself.
    assert.match(await installAndWait(session), /verified, but this copy of the app was not installed from a package/);
    await shot(session, 'update-02-server-verified');

    // The server hands out a package with one byte changed.
    state.tamper = true;
    assert.match(await checkAndWait(session, 'the check'), /Version 9\.0\.0 is available/);
    assert.match(await installAndWait(session), /changed after it was signed/);
    await shot(session, 'update-03-server-tampered');
    state.tamper = false;

    // This PC trusts another office's key.
    configure(dataDir, { endpoints: [`${base}/latest.json`], pubkey: stranger.pubkey });
    await checkAndWait(session, 'the check');
    assert.match(await installAndWait(session), /not signed with this office's key/);
    configure(dataDir, { endpoints: [`${base}/latest.json`], pubkey: office.pubkey });

    // A server whose release is not newer than this one: nothing is offered.
    const sameWww = join(work, 'same-www');
    publish(sameWww, '0.1.0', ['--base-url', `${base}/`]);
    state.manifest = readFileSync(join(sameWww, 'latest.json'), 'utf8');
    assert.match(await checkAndWait(session, 'the check'), /This is the newest version \(0\.1\.0\)\./);
    await shot(session, 'update-04-server-not-newer');

    // A damaged latest.json, then a server that is down.
    state.manifest = '{"version": "9.0.0", "platforms": ';
    assert.match(await checkAndWait(session, 'the check'), /damaged or incomplete/);
    await shot(session, 'update-04b-server-malformed');
    state.manifest = undefined;
    await new Promise((ok) => server.close(ok));
    assert.match(await checkAndWait(session, 'the check'), /server cannot be reached/);

    // The shared folder: the same release, read and verified by the app itself.
    configure(dataDir, { folder: share, pubkey: office.pubkey });
    assert.match(await checkAndWait(session, 'the check'), /Version 9\.0\.0 is available/);
    assert.match(await installAndWait(session), /verified, but this copy of the app was not installed from a package/);
    await shot(session, 'update-05-folder-verified');

    const copied = join(share, PACKAGE);
    const good = readFileSync(copied);
    writeFileSync(copied, good.subarray(0, 200_000));
    await checkAndWait(session, 'the check');
    assert.match(await installAndWait(session), /not completely copied yet/);
    await shot(session, 'update-06-folder-half-copied');

    const changed = Buffer.from(good);
    changed[1234] ^= 1;
    writeFileSync(copied, changed);
    await checkAndWait(session, 'the check');
    assert.match(await installAndWait(session), /changed after it was signed/);
    writeFileSync(copied, good);

    configure(dataDir, { folder: share, pubkey: stranger.pubkey });
    await checkAndWait(session, 'the check');
    assert.match(await installAndWait(session), /not signed with this office's key/);

    configure(dataDir, { folder: join(work, 'nowhere'), pubkey: office.pubkey });
    assert.match(await checkAndWait(session, 'the check'), /folder cannot be reached/);

    // A version that is not newer than this one.
    const same = join(work, 'same');
    publish(same, '0.1.0');
    configure(dataDir, { folder: same, pubkey: office.pubkey });
    assert.match(await checkAndWait(session, 'the check'), /newest version \(0\.1\.0\); the update source offers 0\.1\.0/);
    await shot(session, 'update-07-not-newer');
  } finally {
    await session.end();
  }
});

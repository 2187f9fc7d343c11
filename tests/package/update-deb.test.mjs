// The installed .deb updates itself (run by scripts/package-test.sh, which builds and installs
// version N and publishes N+1 into a folder): a tampered copy is refused and nothing changes; the
// real one is verified and installed with dpkg; the app started again is N+1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, Session } from '../e2e/webdriver.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = join(root, 'tests', 'e2e', '.artifacts');
const work = process.env.DESK_PACKAGE_WORK;
const version = process.env.DESK_VERSION;
const next = process.env.DESK_NEXT;
const app = '/usr/bin/disclosure-desk';
const port = 6444 + (process.pid % 500) * 2;
let driver;

function installed() {
  return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'disclosure-desk'], { encoding: 'utf8' });
}

async function shot(session, name) {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, `${name}.png`), await session.screenshot());
}

async function english(session) {
  await session.until('English', async () => {
    if ((await session.execute('return document.documentElement.lang')) === 'en') return true;
    await session.click(await session.find('[data-testid=lang-switch]'));
    return false;
  });
}

async function text(session, selector) {
  return session.property(await session.waitFor(selector, 60000), 'textContent');
}

before(async () => {
  assert.ok(work && version && next, 'run through scripts/package-test.sh');
  driver = await startDriver({ port, nativePort: port + 1 });
});

after(async () => {
  await driver?.stop();
});

test(`the installed ${version} refuses a tampered ${next}, then installs the real one`, async () => {
  const pubkey = readFileSync(join(work, 'office.key.pub'), 'utf8').trim();
  const share = join(work, 'share', 'releases');
  const tampered = join(work, 'tampered');
  cpSync(share, tampered, { recursive: true });
  const deb = join(tampered, `disclosure-desk_${next}_amd64.deb`);
  const bytes = readFileSync(deb);
  bytes[bytes.length - 100] ^= 1;
  writeFileSync(deb, bytes);

  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { recursive: true });
  const configure = (folder) => writeFileSync(join(dataDir, 'update.json'), JSON.stringify({ folder, pubkey }));

  configure(tampered);
  let session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    // The installed app starts, and finds the update at start.
    assert.match(await text(session, '[data-testid=update-headline]'), new RegExp(next.replace(/\./g, '\\.')));
    await english(session);
    await session.click(await session.find('[data-testid=nav-about]'));
    assert.equal(await text(session, '[data-testid=app-version]'), version);
    await session.click(await session.waitFor('[data-testid=update-install]'));
    assert.match(await text(session, '[data-testid=update-error]'), /changed after it was signed/);
    assert.equal(installed(), version, 'nothing was installed');
    await shot(session, 'package-01-tampered-refused');

    configure(share);
    await session.click(await session.find('[data-testid=update-check]'));
    await session.click(await session.waitFor('[data-testid=update-install]'));
    const outcome = await session.until(
      'the install to end',
      async () => {
        if ((await session.findAll('[data-testid=update-restart]')).length > 0) return 'installed';
        const errors = await session.findAll('[data-testid=update-error]');
        return errors.length > 0 ? session.property(errors[0], 'textContent') : false;
      },
      120000,
    );
    assert.equal(outcome, 'installed');
    assert.match(await text(session, '[data-testid=update-headline]'), /is installed/);
    assert.equal(installed(), next, 'dpkg has the new version');
    await shot(session, 'package-02-installed');
  } finally {
    await session.end();
  }

  session = await Session.start(driver.base, app, ['--data-dir', dataDir]);
  try {
    await english(session);
    await session.click(await session.waitFor('[data-testid=nav-about]'));
    assert.equal(await text(session, '[data-testid=app-version]'), next);
    await session.click(await session.waitFor('[data-testid=update-check]'));
    await session.until('the check', async () => /newest version/.test(await text(session, '[data-testid=update-result]')));
    await shot(session, 'package-03-after-restart');
  } finally {
    await session.end();
  }
});

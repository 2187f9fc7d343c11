// End to end: signing in two real app windows on one shared folder. The coordinator sets signing
// up in her window and reads the fingerprint out; the section head's PC pins it and makes her key;
// the coordinator enrols her from the roster screen; the head signs an item off with her password
// (a wrong one is refused in the dialog); the coordinator's PC shows 签名有效 with the key's
// fingerprint. The bundle exported from it verifies with the office fingerprint and fails with
// another.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, Session } from './webdriver.mjs';
import { app, cli, desk, press, shot } from './harness.mjs';

const port = 7444 + (process.pid % 400) * 4;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const el = (id) => ({ [ELEMENT]: id });
const drivers = [];
const folders = [];

const OFFICE_PASSWORD = '办公室口令-2026';
const HEAD_PASSWORD = '李处长的口令-2026';

function temp(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

// Each PC's secret that seals its keys, kept out of the person's real configuration folder.
const secrets = temp('desk-e2e-secrets-');
function secretOf(name) {
  return join(secrets, name);
}

function cliAs(pc, dataDir, ...args) {
  const out = execFileSync(desk, ['--data-dir', dataDir, '--json', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DISCLOSURE_DESK_PC_SECRET: secretOf(pc) },
  });
  return out.trim() === '' ? null : JSON.parse(out);
}

async function syncNow(session) {
  const button = await session.waitFor('[data-testid=sync-now]');
  await session.until('sync now enabled', async () => (await session.property(button, 'disabled')) === false);
  await session.click(button);
  await session.until('the round over', async () => {
    const tone = await session.dataset(await session.find('[data-testid=sync-summary]'), 'tone');
    return tone !== 'running' && (await session.property(await session.find('[data-testid=sync-now]'), 'disabled')) === false;
  });
}

async function typeInto(session, selector, text) {
  await session.type(await session.waitFor(selector), text);
}

async function openSigning(session) {
  await press(session, '[data-testid=nav-signing]');
  await session.waitFor('#signing-heading');
}

async function openItem(session, id) {
  await press(session, '[data-testid=nav-catalog]');
  await session.doubleClick(await session.waitFor(`[data-testid=item-row][data-id="${id}"]`));
  await session.waitFor('[data-testid=workflow-bar]');
}

/** The window itself never scrolls: the top bar is at the top, nothing below the status bar. */
async function topBarInPlace(session) {
  await session.until('the top bar in place', async () => {
    const at = await session.execute(
      'const bar = document.querySelector(".topbar").getBoundingClientRect(); const status = document.querySelector(".statusbar").getBoundingClientRect(); return [bar.top, Math.round(status.bottom), window.innerHeight, document.scrollingElement.scrollTop];',
    );
    return at[0] === 0 && at[1] === at[2] && at[3] === 0;
  }, 5000);
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(desk), `build the CLI first: ${desk}`);
  drivers.push(await startDriver({ port, nativePort: port + 1, env: { DISCLOSURE_DESK_PC_SECRET: secretOf('office') } }));
  drivers.push(await startDriver({ port: port + 2, nativePort: port + 3, env: { DISCLOSURE_DESK_PC_SECRET: secretOf('head') } }));
});

after(async () => {
  for (const driver of drivers) await driver.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

test('the coordinator enrols a section head, she signs off in her window, and the other PC shows 签名有效', { timeout: 300000 }, async () => {
  const share = temp('desk-e2e-share-sign-');
  const office = temp('desk-e2e-sign-office-');
  const head = temp('desk-e2e-sign-head-');
  cli(office, 'department', 'add', '规法处');
  cli(office, 'person', 'add', '张主任', '--role', 'coordinator');
  cli(office, 'person', 'add', '李处长', '--department', '规法处', '--role', 'section_head');
  cli(office, 'whoami', '--set', '张主任');
  const item = cli(office, 'item', 'add', '--title', '关于印发2026年政务公开工作要点的通知', 'lead=规法处');
  cli(office, 'item', 'submit', item.id);
  const checks = cli(office, 'check', 'list', item.id).checks.filter((c) => c.def.required && c.def.rule.type === 'manual');
  for (const check of checks) cli(office, 'check', 'set', item.id, check.def.key, 'pass');
  cli(office, 'item', 'request-signoff', item.id);
  assert.equal(cli(office, 'sync', '--folder', share).created_catalog, true);
  cli(head, 'sync', '--folder', share);
  cli(head, 'whoami', '--set', '李处长');

  let fingerprint = '';
  const winA = await Session.start(drivers[0].base, app, ['--data-dir', office]);
  const winB = await Session.start(drivers[1].base, app, ['--data-dir', head]);
  try {
    for (const win of [winA, winB]) {
      await win.until('the Chinese interface', async () => {
        if ((await win.execute('return document.documentElement.lang')) === 'zh-CN') return true;
        await win.click(await win.find('[data-testid=lang-switch]'));
        return false;
      });
    }

    // The coordinator sets signing up; a password typed differently twice is refused first.
    await openSigning(winA);
    await typeInto(winA, '[data-testid=office-setup-password]', OFFICE_PASSWORD);
    await typeInto(winA, '[data-testid=office-setup-password-again]', `${OFFICE_PASSWORD}x`);
    await press(winA, '[data-testid=office-setup-submit]');
    await winA.until('the mismatch said', async () => (await winA.execute('return document.body.textContent')).includes('两次输入的密码不一样'));
    const again = await winA.find('[data-testid=office-setup-password-again]');
    await winA.execute('arguments[0].value = ""; arguments[0].dispatchEvent(new Event("input"))', [el(again)]);
    await winA.type(again, OFFICE_PASSWORD);
    await press(winA, '[data-testid=office-setup-submit]');
    const fingerprintA = await winA.waitFor('[data-testid=office-fingerprint]', 60000);
    fingerprint = (await winA.execute('return arguments[0].textContent', [el(fingerprintA)])).trim();
    assert.match(fingerprint, /^(\d{5} ){7}\d{5}$/);
    assert.equal(cliAs('office', office, 'office', 'fingerprint').fingerprint, fingerprint);
    await shot(winA, 'signing-01-office-set-up');
    await syncNow(winA);

    // The head's PC learns signing is set up, pins the fingerprint read out to her, makes her key.
    await syncNow(winB);
    await openSigning(winB);
    await typeInto(winB, '[data-testid=pin-fingerprint]', fingerprint);
    await press(winB, '[data-testid=pin-submit]');
    await winB.waitFor('[data-testid=office-fingerprint]');
    // Pinned, the PC has a device key; its changes wait on the other PCs until the office
    // enrols it.
    const headDevice = (await winB.execute('return arguments[0].textContent', [el(await winB.waitFor('[data-testid=device-fingerprint]'))])).trim();
    assert.match(headDevice, /^(\d{5} ){7}\d{5}$/);
    assert.equal(await winB.dataset(await winB.find('[data-testid=device-state]'), 'enrolled'), 'false');
    await typeInto(winB, '[data-testid=key-create-password]', HEAD_PASSWORD);
    await typeInto(winB, '[data-testid=key-create-password-again]', HEAD_PASSWORD);
    await press(winB, '[data-testid=key-create-submit]');
    const state = await winB.waitFor('[data-testid=my-key-state]', 60000);
    assert.equal(await winB.dataset(state, 'enrolled'), 'false');
    const headKey = (await winB.execute('return arguments[0].textContent', [el(await winB.find('[data-testid=my-key-fingerprint]'))])).trim();
    await shot(winB, 'signing-02-key-waiting');
    // Not enrolled yet: the sign-off button says why, and nobody may sign it off yet.
    await openItem(winB, item.id);
    await winB.until('nobody to sign said', async () =>
      (await winB.execute('return arguments[0].textContent', [el(await winB.waitFor('[data-testid=workflow-signers]'))])).includes('还没有可以签批的人'));
    await winB.until('sign-off refused with the reason', async () => {
      const refusal = await winB.findAll('[data-testid=signoff-refusal]');
      return refusal.length > 0 && (await winB.execute('return arguments[0].textContent', [el(refusal[0])])).includes('尚未登记');
    });
    await syncNow(winB);

    // The coordinator first enrols the head's PC, comparing its device key: until then what the
    // head's PC publishes (her key among it) waits on the coordinator's PC.
    await syncNow(winA);
    await press(winA, '[data-testid=nav-catalog]');
    await openSigning(winA);
    await winA.until('the head\'s PC listed', async () => {
      const rows = await winA.findAll('[data-testid=device-request]');
      return rows.length === 1 && (await winA.execute('return arguments[0].textContent', [el(rows[0])])).includes(headDevice);
    }, 30000);
    assert.equal((await winA.findAll('[data-testid=key-request]')).length, 0, 'her key waits with her PC');
    await press(winA, '[data-testid=enrol-device-open]');
    await typeInto(winA, '[data-testid=roster-office-password]', OFFICE_PASSWORD);
    await shot(winA, 'signing-03a-enrol-pc');
    await press(winA, '[data-testid=roster-confirm]');
    await winA.until('the PC enrolled', async () => (await winA.findAll('[data-testid=device-request]')).length === 0, 60000);
    await syncNow(winA);

    // Then the head's key, after comparing its fingerprint.
    await syncNow(winA);
    await press(winA, '[data-testid=nav-catalog]');
    await openSigning(winA);
    await winA.until('the key request listed', async () => {
      const rows = await winA.findAll('[data-testid=key-request]');
      return rows.length === 1 && (await winA.execute('return arguments[0].textContent', [el(rows[0])])).includes(headKey);
    }, 30000);
    await press(winA, '[data-testid=enrol-open]');
    await winA.until('section head ticked', async () => (await winA.property(await winA.waitFor('[data-testid=enrol-role-section_head]'), 'checked')) === true);
    await typeInto(winA, '[data-testid=roster-office-password]', OFFICE_PASSWORD);
    await shot(winA, 'signing-03-enrol-dialog');
    await press(winA, '[data-testid=roster-confirm]');
    await winA.waitFor('[data-testid=roster-person]', 60000);
    await shot(winA, 'signing-04-roster');
    await syncNow(winA);

    // The head signs off in her window: a wrong password first, then hers.
    await syncNow(winB);
    await openSigning(winB);
    await winB.until('enrolled', async () => (await winB.dataset(await winB.find('[data-testid=my-key-state]'), 'enrolled')) === 'true');
    assert.equal(await winB.dataset(await winB.find('[data-testid=device-state]'), 'enrolled'), 'true');
    await openItem(winB, item.id);
    await winB.until('the signer named', async () =>
      (await winB.execute('return arguments[0].textContent', [el(await winB.waitFor('[data-testid=workflow-signers]'))])).includes('可由 李处长 签批'));
    await press(winB, '[data-testid=workflow-action-sign_off]');
    await typeInto(winB, '[data-testid=signoff-password]', '不对的口令-0000');
    await press(winB, '[data-testid=signoff-confirm]');
    await winB.until('the wrong password said', async () => {
      const error = await winB.findAll('[data-testid=dialog-error]');
      return error.length > 0 && (await winB.execute('return arguments[0].textContent', [el(error[0])])).includes('密码不对');
    }, 60000);
    await shot(winB, 'signing-05-wrong-password');
    const password = await winB.find('[data-testid=signoff-password]');
    await winB.execute('arguments[0].value = ""; arguments[0].dispatchEvent(new Event("input"))', [el(password)]);
    await winB.type(password, HEAD_PASSWORD);
    await press(winB, '[data-testid=signoff-confirm]');
    const verdictB = await winB.waitFor('[data-testid=signature-verdict][data-state=valid]', 60000);
    assert.ok((await winB.execute('return arguments[0].textContent', [el(verdictB)])).includes('签名有效'));
    await winB.execute('arguments[0].scrollIntoView({ block: "center" })', [el(verdictB)]);
    await topBarInPlace(winB);
    await shot(winB, 'signing-06-signed');
    await syncNow(winB);

    // The coordinator's PC checks the signature itself.
    await syncNow(winA);
    await openItem(winA, item.id);
    const verdictA = await winA.waitFor('[data-testid=signature-verdict][data-state=valid]', 30000);
    const text = await winA.execute('return arguments[0].textContent', [el(verdictA)]);
    assert.ok(text.includes('签名有效') && text.includes('李处长') && text.includes(headKey), text);
    await winA.execute('arguments[0].scrollIntoView({ block: "center" })', [el(verdictA)]);
    await topBarInPlace(winA);
    await shot(winA, 'signing-07-valid-on-the-other-pc');
    // The checklist link scrolls the editor's pane, never the window: the top bar stays.
    await press(winA, '[data-testid=jump-checklist]');
    await topBarInPlace(winA);
    await shot(winA, 'signing-08-checklist-link');
    await press(winA, '[data-testid=nav-about]');
    await shot(winA, 'signing-09-about');
    await winA.until('the fingerprint in 关于', async () =>
      (await winA.execute('return arguments[0].textContent', [el(await winA.waitFor('[data-testid=about-office-fingerprint]'))])).includes(fingerprint));
  } finally {
    await winA.end();
    await winB.end();
  }

  // The bundle the office exports verifies against its fingerprint, and not against another.
  const bundle = join(temp('desk-e2e-sign-bundle-'), 'bundle.zip');
  cliAs('office', office, 'export', '--out', bundle);
  const good = cliAs('office', office, 'verify', bundle, '--office-key', fingerprint);
  assert.equal(good.ok, true, JSON.stringify(good.problems));
  assert.equal(good.office_key_pinned, true);
  const other = fingerprint.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
  let failed = null;
  try {
    cliAs('office', office, 'verify', bundle, '--office-key', other);
  } catch (e) {
    failed = JSON.parse(e.stderr).error;
  }
  assert.ok(failed && failed.code === 'bundle_invalid', 'a wrong office key fails');
  assert.ok(failed.problems.some((p) => p.code === 'bundle_roster_other_office'), JSON.stringify(failed.problems));
});

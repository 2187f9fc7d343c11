// What every window test shares: where the built app and CLI are, the CLI with JSON output, and
// screenshots and clicks that wait for the window to settle.

import { before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver } from './webdriver.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
export const app = process.env.DESK_APP ?? join(targetDir, 'debug', 'disclosure-desk');
export const desk = process.env.DESK_CLI ?? join(targetDir, 'debug', 'desk');
export const artifacts = join(root, 'tests', 'e2e', '.artifacts');

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** `desk --data-dir DIR --json ARGS…`, its output parsed (null when it printed nothing). */
export function cli(dataDir, ...args) {
  const out = execFileSync(desk, ['--data-dir', dataDir, '--json', ...args], { encoding: 'utf8' });
  return out.trim() === '' ? null : JSON.parse(out);
}

export async function shot(session, name) {
  // The window paints a moment after the DOM changes; a screenshot taken at once can be stale.
  await new Promise((done) => setTimeout(done, 600));
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, `${name}.png`), await session.screenshot());
}

/** Clicks an element once it exists, scrolled to the middle of the window first. */
export async function press(session, selector) {
  const element = await session.waitFor(selector);
  await session.execute('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: element }]);
  await session.click(element);
}

/**
 * Picks `file` in the native file dialog that a click on `selector` opens. The dialog's title is
 * one of `titles` (it is in the UI's language, and an earlier test may have left it English);
 * xdotool's name search does not match Chinese titles, so every named window's title is compared.
 */
export async function chooseInDialog(session, selector, file, titles) {
  const open = await session.waitFor(selector);
  // The click returns only when the dialog closes, so do not wait for it here.
  const clicked = session.click(open).catch(() => {});
  const dialog = await session.until('the file dialog', async () => {
    try {
      const windows = execFileSync('xdotool', ['search', '--name', '.'], { encoding: 'utf8' }).trim().split('\n');
      return windows.find((w) => titles.includes(execFileSync('xdotool', ['getwindowname', w], { encoding: 'utf8' }).trim())) ?? false;
    } catch {
      return false;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the dialog take input
  // No window manager under Xvfb: keys go to the window under the pointer. The path is pasted,
  // not typed, so the dialog's name completion cannot interleave with it. xclip stays in the
  // background to serve the clipboard: the caller ends it (pkill -x xclip) when done.
  execFileSync('xdotool', ['mousemove', '--window', dialog, '400', '300']);
  execFileSync('xdotool', ['key', 'ctrl+l']);
  // A save dialog starts with the proposed name's stem selected: the pasted path replaces all of it.
  execFileSync('xdotool', ['key', 'ctrl+a']);
  execFileSync('xclip', ['-selection', 'clipboard'], { input: file, stdio: ['pipe', 'ignore', 'ignore'] });
  await new Promise((resolve) => setTimeout(resolve, 500)); // xclip takes the clipboard
  execFileSync('xdotool', ['key', 'ctrl+v']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  execFileSync('xdotool', ['key', 'Return']);
  await clicked;
}

/**
 * Ends the xclip that chooseInDialog left serving the clipboard: only those on this test's X
 * display (xvfb-run gives each run its own), by process id, so another run's paste is untouched.
 */
export function endClipboardServers() {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!command[0].endsWith('xclip')) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!env.includes(`DISPLAY=${process.env.DISPLAY}`)) continue;
      process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone already, or not ours to read
    }
  }
}

/**
 * A WebDriver for one test file, on ports of its own (node may run files at once), stopped after
 * its tests; `dataFolder(name)` makes a data folder that is removed then too.
 */
export function windowTests(portBase) {
  const port = portBase + (process.pid % 500) * 2;
  const folders = [];
  const context = {
    driver: null,
    dataFolder(name) {
      const dir = mkdtempSync(join(tmpdir(), `desk-e2e-${name}-`));
      folders.push(dir);
      return dir;
    },
  };
  before(async () => {
    context.driver = await startDriver({ port, nativePort: port + 1 });
  });
  after(async () => {
    await context.driver?.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
  return context;
}

/**
 * A clerk (王芳) records an item of 规法处 and works its checks, the section head (李处长) signs it
 * off, all with `desk`; `attachment` is a file to attach first, or null.
 */
export function signedItem(dataDir, title, fields, attachment = null) {
  cli(dataDir, 'whoami', '--set', '王芳');
  const id = cli(dataDir, 'item', 'add', '--title', title, 'lead=规法处', ...fields).id;
  if (attachment) cli(dataDir, 'item', 'attach', id, attachment);
  cli(dataDir, 'item', 'submit', id);
  for (const check of cli(dataDir, 'check', 'list', id).checks.filter((c) => c.def.required)) {
    try {
      cli(dataDir, 'check', 'set', id, check.def.key, 'pass');
    } catch {
      cli(dataDir, 'check', 'set', id, check.def.key, 'na', '--note', '本件不涉及');
    }
  }
  cli(dataDir, 'item', 'request-signoff', id);
  cli(dataDir, 'whoami', '--set', '李处长');
  cli(dataDir, 'item', 'sign-off', id);
  return id;
}

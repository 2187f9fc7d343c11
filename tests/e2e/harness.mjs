// What every window test shares: where the built app and CLI are, the CLI with JSON output, and
// screenshots and clicks that wait for the window to settle.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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

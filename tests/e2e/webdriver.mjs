// A small W3C WebDriver client over fetch, and a tauri-driver it starts and stops.
// tauri-driver runs WebKitWebDriver, which starts the real app binary in the current display.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export async function startDriver({ port, nativePort, env }) {
  const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${base}/status`);
      if (res.ok) return { base, stop: () => stopDriver(child) };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGTERM');
  throw new Error('tauri-driver did not start');
}

async function stopDriver(child) {
  // SIGTERM, not SIGKILL: a killed driver leaves WebKitWebDriver holding its port.
  child.kill('SIGTERM');
  await new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    setTimeout(resolve, 5000);
  });
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = json.value ?? json;
    throw new Error(`${method} ${path}: ${res.status} ${error.error ?? ''} ${error.message ?? ''}`);
  }
  return json.value;
}

export class Session {
  static async start(base, application, args = []) {
    const value = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    return new Session(base, value.sessionId, [application, ...args]);
  }

  constructor(base, id, command = []) {
    this.base = base;
    this.id = id;
    this.command = command;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Ends the session, and makes sure its app is gone: an app left running after its window
   * closed holds the test runner's output open, and the run would never finish. */
  async end() {
    await this.cmd('DELETE', '');
    if (this.command.length === 0) return;
    for (let tries = 0; tries < 50; tries++) {
      const left = processesRunning(this.command);
      if (left.length === 0) return;
      if (tries === 30) left.forEach((pid) => signal(pid, 'SIGTERM'));
      if (tries === 45) left.forEach((pid) => signal(pid, 'SIGKILL'));
      await sleep(100);
    }
  }

  async find(selector) {
    const found = await this.cmd('POST', '/element', { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  async findAll(selector) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: selector });
    return found.map((f) => f[ELEMENT]);
  }

  /** Waits until `selector` matches, and returns the first element. */
  async waitFor(selector, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        return await this.find(selector);
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`${selector} did not appear: ${last?.message}`);
  }

  /** Waits until `predicate()` resolves truthy. */
  async until(what, predicate, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let value;
    while (Date.now() < deadline) {
      try {
        value = await predicate();
        if (value) return value;
      } catch {
        // the page may be changing under us
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
  }

  text(element) {
    return this.cmd('GET', `/element/${element}/text`);
  }

  /** Clicks after bringing the element to the middle of its pane: sticky bars and the notices
   * above the screens cover the edges, where WebKit's own scrolling leaves an element. Focused
   * first: WebKit settles some layout only when focus leaves the last element clicked, which
   * would move the element between the press and the release (a mouse's hover does the same). */
  async click(element) {
    await this.execute(
      'arguments[0].focus({ preventScroll: true }); arguments[0].scrollIntoView({ block: "center", inline: "nearest" })',
      [{ [ELEMENT]: element }],
    );
    return this.cmd('POST', `/element/${element}/click`, {});
  }

  /** A real double click through the input actions API. */
  async doubleClick(element) {
    const origin = { [ELEMENT]: element };
    await this.cmd('POST', '/actions', {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', origin, x: 0, y: 0 },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
    await this.cmd('DELETE', '/actions');
  }

  /** The value of a `data-` attribute. */
  dataset(element, name) {
    return this.execute(`return arguments[0].dataset[${JSON.stringify(name)}]`, [{ [ELEMENT]: element }]);
  }

  /**
   * Presses keys on the keyboard, one after another, as a person would: each entry is a key
   * (`Key.Tab`, 'a') or a chord of keys held together ([Key.Control, 's']).
   */
  async keys(...presses) {
    const actions = [];
    for (const press of presses) {
      const chord = Array.isArray(press) ? press : [press];
      for (const value of chord) actions.push({ type: 'keyDown', value });
      for (const value of [...chord].reverse()) actions.push({ type: 'keyUp', value });
    }
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** The `data-testid` of the element that has the keyboard ('' when none has it). */
  focused() {
    return this.execute('const e = document.activeElement; return (e && e.getAttribute("data-testid")) || (e && e.id) || ""');
  }

  /** Types into the element that has the keyboard. */
  async typeHere(text) {
    const element = await this.execute('return document.activeElement');
    await this.cmd('POST', `/element/${element[ELEMENT]}/value`, { text });
  }

  /** The value of an attribute (null when absent). */
  attribute(element, name) {
    return this.cmd('GET', `/element/${element}/attribute/${name}`);
  }

  clear(element) {
    return this.cmd('POST', `/element/${element}/clear`, {});
  }

  async type(element, text) {
    await this.cmd('POST', `/element/${element}/value`, { text });
  }

  property(element, name) {
    return this.cmd('GET', `/element/${element}/property/${name}`);
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }
}

/** WebDriver's codes for the keys that are not characters. */
export const Key = {
  Tab: '\uE004',
  Enter: '\uE007',
  Shift: '\uE008',
  Control: '\uE009',
  Escape: '\uE00C',
  Space: '\uE00D',
  ArrowDown: '\uE015',
  ArrowUp: '\uE013',
};

/** The ids of the processes running exactly `command` (Linux: read from /proc). */
function processesRunning(command) {
  const wanted = command.join('\0');
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const line = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0$/, '');
      if (line === wanted) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

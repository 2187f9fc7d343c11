// End to end, keyboard only: a clerk's daily loop without the mouse. Find the item (Ctrl+F),
// open it (Enter), edit and save (Ctrl+S), pass the remaining checks in one confirmed step, take
// the next workflow steps from where the keyboard lands, leave an unsaved edit and answer the
// question, and go back to the list (Esc); then a new item (Ctrl+N) starts in its first field.
// Every step is cross-checked with `desk` on the same data folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, Key } from './webdriver.mjs';
import { app, cli, shot, windowTests } from './harness.mjs';

const run = windowTests(6444);

/** Waits until the keyboard is on `testid`, saying where it is otherwise. */
async function keyboardOn(session, testid, what) {
  let last = '';
  try {
    await session.until(what, async () => (last = await session.focused()) === testid);
  } catch (e) {
    assert.fail(`${what}: the keyboard is on "${last}", not "${testid}"`);
  }
}

/** Presses `key` until the keyboard is on `testid`; how many presses it took. */
async function tabTo(session, testid, key, most) {
  for (let presses = 1; presses <= most; presses++) {
    await session.keys(key);
    if ((await session.focused()) === testid) return presses;
  }
  assert.fail(`${testid} not reached in ${most} presses (the keyboard is on "${await session.focused()}")`);
}

test('a clerk works an item from search to 提请签批 and back without the mouse', async () => {
  const dataDir = run.dataFolder('keyboard');
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
  cli(dataDir, 'person', 'add', '李处长', '--department', '规法处', '--role', 'section_head');
  cli(dataDir, 'whoami', '--set', '王芳');
  const { id } = cli(dataDir, 'item', 'add', '--title', '关于做好2026年招生工作的通知', 'lead=规法处', 'clerk=王芳', 'date_formed=2026-11-20');
  cli(dataDir, 'item', 'add', '--title', '学前教育资源供给情况', 'lead=规法处', 'clerk=王芳', 'date_formed=2026-11-20');

  const session = await Session.start(run.driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');

    // Find: Ctrl+F puts the keyboard in the search box.
    await session.keys([Key.Control, 'f']);
    await keyboardOn(session, 'search-input', 'the search box has the keyboard');
    await session.typeHere('招生');
    await session.until('one match', async () => (await session.findAll('[data-testid=item-row]')).length === 1);

    // Open: down into the list, Enter; the keyboard starts in the title.
    await session.keys(Key.ArrowDown, Key.Enter);
    await keyboardOn(session, 'field-title', 'the title field has the keyboard');

    // Edit and save with Ctrl+S.
    await session.typeHere('（修订）');
    await session.keys([Key.Control, 's']);
    await session.until('the title saved', async () => cli(dataDir, 'item', 'show', id).title.endsWith('（修订）'));

    // Check: the checklist link is a few Shift+Tabs above the title; Enter goes there.
    const up = await tabTo(session, 'jump-checklist', [Key.Shift, Key.Tab], 8);
    await session.keys(Key.Enter);
    const down = await tabTo(session, 'checklist-pass-all', Key.Tab, 6);
    await shot(session, 'keyboard-01-pass-all');
    await session.keys(Key.Enter);
    await session.waitFor('[data-testid=confirm-dialog]');
    await keyboardOn(session, 'checklist-pass-all-confirm', 'the confirmation has the keyboard');
    await session.keys(Key.Enter);
    await session.until('every manual check passed', async () =>
      cli(dataDir, 'check', 'list', id).checks.filter((c) => c.def.required && c.def.rule.type === 'manual').every((c) => c.state === 'passed'));

    // The next step is in view with the keyboard on it: 提交审查, then 提请签批.
    await keyboardOn(session, 'workflow-action-submit', 'the keyboard on 提交审查');
    await shot(session, 'keyboard-02-next-action');
    await session.keys(Key.Enter);
    await session.until('in review', async () => cli(dataDir, 'item', 'show', id).status === 'in_review');
    await keyboardOn(session, 'workflow-action-request_signoff', 'the keyboard on 提请签批');
    await session.keys(Key.Enter);
    await session.until('awaiting sign-off', async () => cli(dataDir, 'item', 'show', id).status === 'awaiting_signoff');

    // Leave with an unsaved edit: the question takes the keyboard; Esc keeps editing, Esc again
    // asks again, and 放弃修改 (Shift+Tab, Enter) leaves without saving.
    await session.keys([Key.Shift, Key.Tab]);
    await session.click(await session.find('[data-testid=field-title]'));
    await session.typeHere('草稿字');
    await session.keys(Key.Escape);
    await keyboardOn(session, 'keep-editing', 'the question has the keyboard');
    await shot(session, 'keyboard-03-unsaved-question');
    await session.keys(Key.Escape);
    await session.until('the question gone', async () => (await session.findAll('[data-testid=discard-prompt]')).length === 0);
    await session.keys(Key.Escape);
    await keyboardOn(session, 'keep-editing', 'asked again');
    await session.keys([Key.Shift, Key.Tab], Key.Enter);
    await session.waitFor('[data-testid=item-row]');
    assert.ok(!cli(dataDir, 'item', 'show', id).title.includes('草稿字'), 'the dropped edit was not saved');

    // A new item: Ctrl+N, and the keyboard is in its first field.
    await session.keys([Key.Control, 'n']);
    await keyboardOn(session, 'field-title', 'the new item starts in the title');
    await shot(session, 'keyboard-04-new-item');
    assert.ok(up <= 6 && down <= 4, `Shift+Tab ×${up} to the checklist link, Tab ×${down} to 其余全部通过`);
  } finally {
    await session.end();
  }
});

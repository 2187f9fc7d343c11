// End to end: the catalog, the editor and the checklist at the window sizes offices have
// (1024×700 on old PCs, 1280×800, 1920×1080): nothing scrolls sideways, the editor's save and
// workflow buttons and each check's buttons sit inside the window. Screenshots of each.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from './webdriver.mjs';
import { app, cli, press, shot, windowTests } from './harness.mjs';

const run = windowTests(7444);

/** What sticks out of the window: the page's sideways overflow and elements past its right edge. */
function outside(session, selectors) {
  return session.execute(
    `const inner = window.innerWidth;
     const wide = document.scrollingElement.scrollWidth > inner + 1;
     const past = arguments[0].filter((s) => [...document.querySelectorAll(s)].some((el) => {
       const r = el.getBoundingClientRect();
       return r.width > 0 && (r.right > inner + 1 || r.left < -1);
     }));
     return { wide, past };`,
    [selectors],
  );
}

test('the catalog, the editor and the checklist fit 1024×700, 1280×800 and 1920×1080', async () => {
  const dataDir = run.dataFolder('sizes');
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
  cli(dataDir, 'whoami', '--set', '王芳');
  const { id } = cli(
    dataDir, 'item', 'add', '--title', '大连市教育局关于做好2025年普通高中招生工作的通知',
    'doc_no=大教发〔2025〕12号', 'date_written=2025-04-10', 'date_formed=2025-04-10', 'lead=规法处', 'clerk=王芳',
    'summary=为做好2025年普通高中招生工作，现将有关事项通知如下。',
  );
  for (let n = 1; n <= 12; n++) {
    cli(dataDir, 'item', 'add', '--title', `关于第${n}批政务公开重点工作任务分解落实情况的通知`, `doc_no=大教发〔2025〕${n + 20}号`, 'date_formed=2025-11-28', 'lead=规法处');
  }

  const session = await Session.start(run.driver.base, app, ['--data-dir', dataDir]);
  try {
    await session.waitFor('[data-testid=item-row]');
    for (const [width, height] of [[1024, 700], [1280, 800], [1920, 1080]]) {
      await session.cmd('POST', '/window/rect', { width, height });
      await session.until(`the window ${width}×${height}`, async () => {
        const [w, h] = await session.execute('return [window.innerWidth, window.innerHeight]');
        return w <= width && w >= width - 40 && h <= height && h >= height - 80;
      });
      const size = `${width}x${height}`;

      await press(session, '[data-testid=nav-catalog]');
      await session.waitFor('[data-testid=item-row]');
      await session.until(`the catalog fits at ${size}`, async () => {
        const seen = await outside(session, ['[data-testid=column-head-due_date]', '[data-testid=search-input]']);
        return !seen.wide && seen.past.length === 0;
      });
      await shot(session, `size-${size}-catalog`);

      await session.doubleClick(await session.waitFor(`[data-testid=item-row][data-id="${id}"]`));
      await session.waitFor('[data-testid=workflow-bar]');
      const editorParts = ['[data-testid=save-item]', '[data-testid=back-to-list]', '[data-testid=workflow-bar] button', '[data-testid=field-title]'];
      let seen = await outside(session, editorParts);
      assert.deepEqual(seen, { wide: false, past: [] }, `the editor at ${size}`);
      await shot(session, `size-${size}-editor`);

      await press(session, '[data-testid=jump-checklist]');
      await session.waitFor('[data-testid=checklist-pass-all]');
      seen = await outside(session, ['[data-testid=checklist-pass-all]', '[data-testid$=-pass]', '[data-testid=save-item]']);
      assert.deepEqual(seen, { wide: false, past: [] }, `the checklist at ${size}`);
      await shot(session, `size-${size}-checklist`);
      await press(session, '[data-testid=back-to-list]');
    }
  } finally {
    await session.end();
  }
});

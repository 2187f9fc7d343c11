// End to end: the paper forms in the real window. The office saves an item's 审查呈批单 as PDF
// from the item screen, and the sheets of what the catalog lists; a code read off the paper
// finds its item on 核对纸质单, unchanged, then changed after an edit with `desk`, and a mistyped
// code is refused; the 移送明细表 of a bundle exported in the window is saved too. The PDFs are
// read back with pdftotext (poppler-utils).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Key, Session } from './webdriver.mjs';
import { app, chooseInDialog, cli, endClipboardServers, press, shot, signedItem, windowTests } from './harness.mjs';

const run = windowTests(9444);

const SAVE_SHEETS = ['保存审查呈批单（PDF）', 'Save the sign-off sheets (PDF)'];
const SAVE_HANDOVER = ['保存移送明细表（PDF）', 'Save the handover list (PDF)'];
const TITLE = '关于做好2026年义务教育招生工作的通知';
const OTHER_TITLE = '2026年学前教育资助政策解读';

/** The PDF's text without spaces and line breaks: a wrapped title reads back whole. */
function pdfText(pdf) {
  return execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }).replace(/\s/g, '');
}

/** The same code with its last (check) character changed: a misread the check must catch. */
function mistyped(code) {
  const last = code.at(-1);
  return code.slice(0, -1) + (last === 'X' ? 'Y' : 'X');
}

/** The webview keeps the language between runs (and other tests change it): Chinese here. */
async function inChinese(session) {
  await session.until('the Chinese interface', async () => {
    if ((await session.execute('return document.documentElement.lang')) === 'zh-CN') return true;
    await session.click(await session.waitFor('[data-testid=lang-switch]'));
    return false;
  });
}

async function checkCode(session, code) {
  const input = await session.waitFor('[data-testid=paper-code]');
  await session.clear(input);
  // As a scanner does: the characters, then Enter.
  await session.type(input, code);
  await session.keys(Key.Enter);
}

async function verdict(session) {
  return session.until('a verdict', async () => {
    const found = await session.findAll('[data-testid=paper-match]');
    return found.length === 1 ? session.dataset(found[0], 'unchanged') : false;
  });
}

test('a sheet saved from the item and the list, matched back from its code before and after an edit', async () => {
  const dataDir = run.dataFolder('paper');
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
  cli(dataDir, 'person', 'add', '李处长', '--department', '规法处', '--role', 'section_head');
  const id = signedItem(dataDir, TITLE, ['doc_no=大教发〔2026〕12号', 'channels=政府网站', 'date_written=2026-03-05']);
  const other = signedItem(dataDir, OTHER_TITLE, ['channels=政府网站']);
  const code = cli(dataDir, 'print', 'signoff-sheet', id, '--out', join(dataDir, 'cli.pdf')).sheets[0].code;
  assert.match(code, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);

  const sheet = join(dataDir, '呈批单-招生.pdf');
  const listed = join(dataDir, '呈批单-列表.pdf');
  const bundle = join(dataDir, '政务公开导出包.zip');
  const handover = join(dataDir, '移送明细表.pdf');
  const session = await Session.start(run.driver.base, app, ['--data-dir', dataDir]);
  try {
    await inChinese(session);
    // The item screen: print and save beside the workflow.
    await session.doubleClick(await session.waitFor(`[data-testid=item-row][data-id="${id}"]`));
    await session.waitFor('[data-testid=print-sheet-save]');
    await shot(session, 'paper-01-item-buttons');
    await chooseInDialog(session, '[data-testid=print-sheet-save]', sheet, SAVE_SHEETS);
    const done = await session.waitFor('[data-testid=print-sheet-done]', 60000);
    assert.ok((await session.text(done)).endsWith(sheet), await session.text(done));
    assert.ok(existsSync(sheet));
    const text = pdfText(sheet);
    assert.ok(text.includes('审查呈批单'), text.slice(0, 200));
    assert.ok(text.includes(TITLE), text.slice(0, 400));
    assert.ok(text.includes(code), `the code ${code} on the sheet`);
    await shot(session, 'paper-02-item-saved');

    // 核对纸质单: the code typed from the paper finds the item as it is.
    await press(session, '[data-testid=nav-paper]');
    await checkCode(session, code.toLowerCase().replaceAll('-', ' '));
    assert.equal(await verdict(session), 'true');
    const result = await session.text(await session.find('[data-testid=paper-result]'));
    assert.ok(result.includes('与打印时一致'), result);
    assert.ok(result.includes(TITLE), result);
    assert.ok(result.includes('李处长'), result);
    await shot(session, 'paper-03-check-unchanged');

    // The export screen: a bundle, then its 移送明细表 saved as PDF.
    await press(session, '[data-testid=nav-export]');
    await session.until('the preview counts two items', async () =>
      (await session.text(await session.waitFor('[data-testid=export-summary]'))).includes('2'));
    await session.type(await session.find('[data-testid=export-path]'), bundle);
    await press(session, '[data-testid=export-run]');
    await session.waitFor('[data-testid=export-result]', 60000);
    await chooseInDialog(session, '[data-testid=export-handover-save]', handover, SAVE_HANDOVER);
    await session.waitFor('[data-testid=export-handover-done]', 60000);
    await shot(session, 'paper-04-export-handover');
    const bundleId = cli(join(dataDir, 'elsewhere'), 'verify', bundle).bundle_id;
    const handoverText = pdfText(handover);
    assert.ok(handoverText.includes('移送明细表'), handoverText.slice(0, 200));
    assert.ok(handoverText.includes(bundleId), `the bundle id ${bundleId} on the list`);
    assert.ok(handoverText.includes(TITLE) && handoverText.includes(OTHER_TITLE));

    // The catalog: the sheets of every item the list shows, in one file.
    await press(session, '[data-testid=nav-catalog]');
    await press(session, '[data-testid=catalog-print]');
    const dialog = await session.waitFor('[data-testid=print-list-dialog]');
    assert.ok((await session.text(dialog)).includes('2 项'));
    await shot(session, 'paper-05-catalog-dialog');
    await chooseInDialog(session, '[data-testid=print-list-save]', listed, SAVE_SHEETS);
    await session.waitFor('[data-testid=print-list-done]', 60000);
    const both = pdfText(listed);
    assert.ok(both.includes(TITLE) && both.includes(OTHER_TITLE));
    await press(session, '[data-testid=print-list-close]');

    // An edit after printing: the same code now says the item changed.
    cli(dataDir, 'whoami', '--set', '王芳');
    cli(dataDir, 'item', 'set', id, 'doc_no=大教发〔2026〕13号');
    await press(session, '[data-testid=nav-paper]');
    await checkCode(session, code);
    assert.equal(await verdict(session), 'false');
    const changed = await session.text(await session.find('[data-testid=paper-result]'));
    assert.ok(changed.includes('打印后已改动'), changed);
    assert.ok(!changed.includes('与打印时一致'), changed);
    await shot(session, 'paper-06-check-changed');

    // A character misread from the paper.
    await checkCode(session, mistyped(code));
    const error = await session.waitFor('[data-testid=paper-error]');
    assert.equal(await session.dataset(error, 'code'), 'verify_code_mistyped');
    assert.ok((await session.text(error)).includes('核对码对不上'));
    await shot(session, 'paper-07-check-mistyped');

    // Another office's sheet: a well-formed code that names no item here.
    const elsewhere = run.dataFolder('paper-elsewhere');
    cli(elsewhere, 'department', 'add', '规法处');
    cli(elsewhere, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
    cli(elsewhere, 'whoami', '--set', '王芳');
    const foreign = cli(elsewhere, 'item', 'add', '--title', '外单位的事项', 'lead=规法处').id;
    const foreignCode = cli(elsewhere, 'print', 'signoff-sheet', foreign, '--out', join(elsewhere, 'x.pdf')).sheets[0].code;
    await checkCode(session, foreignCode);
    const none = await session.waitFor('[data-testid=paper-none]');
    assert.ok((await session.text(none)).includes('其他单位'));
    await shot(session, 'paper-08-check-none');

    // The item found opens from the result.
    await checkCode(session, code);
    await verdict(session);
    await press(session, '[data-testid=paper-open-item]');
    await session.until('the item open', async () =>
      (await session.property(await session.waitFor('[data-testid=field-doc-no]'), 'value')) === '大教发〔2026〕13号');
  } finally {
    await session.end();
    endClipboardServers();
  }
  assert.equal(cli(dataDir, 'item', 'show', other).status, 'exported');
});

test('a clerk marks an item 删减后公开 in the window: the ground and note are asked, the redaction checks appear, the sheet says so', async () => {
  const dataDir = run.dataFolder('redacted');
  cli(dataDir, 'department', 'add', '规法处');
  cli(dataDir, 'person', 'add', '王芳', '--department', '规法处', '--role', 'clerk');
  cli(dataDir, 'whoami', '--set', '王芳');
  const title = '2026年学生资助对象名单';
  const id = cli(dataDir, 'item', 'add', '--title', title, 'lead=规法处').id;
  const session = await Session.start(run.driver.base, app, ['--data-dir', dataDir]);
  try {
    await inChinese(session);
    await session.doubleClick(await session.waitFor(`[data-testid=item-row][data-id="${id}"]`));
    await session.click(await session.waitFor('input[name=disclosure][value=redacted]'));
    // The reason of what is removed is asked under its own words.
    await session.waitFor('#f-reason');
    const labels = await session.text(await session.find('[data-testid=item-editor]'));
    assert.ok(labels.includes('删减依据') && labels.includes('删减说明'), 'the redaction ground and note are asked');
    // Saving without them is refused, and nothing is saved.
    await press(session, '[data-testid=save-item]');
    await session.waitFor('[data-testid=error-banner]');
    assert.equal(cli(dataDir, 'item', 'show', id).disclosure, 'proactive');
    await session.execute(
      "const s = document.querySelector('#f-reason'); s.value = 'privacy'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await session.type(await session.find('#f-reason-note'), '删去学生身份证号和家庭住址');
    await press(session, '[data-testid=save-item]');
    await session.until('saved as 删减后公开', async () => cli(dataDir, 'item', 'show', id).disclosure === 'redacted');
    const saved = cli(dataDir, 'item', 'show', id);
    assert.equal(saved.withheld_reason, 'privacy');
    assert.equal(saved.withheld_note, '删去学生身份证号和家庭住址');
    // The checklist asks for the redacted file and the redaction checked.
    await session.until('the redaction checks listed', async () => {
      const page = await session.text(await session.find('[data-testid=item-editor]'));
      return page.includes('附件为删减后的版本') && page.includes('删减内容已核对');
    });
    await session.execute("document.querySelector('#f-reason').scrollIntoView({ block: 'center' })");
    await shot(session, 'paper-09-redacted-item');
  } finally {
    await session.end();
  }
  const sheet = join(dataDir, 'redacted.pdf');
  cli(dataDir, 'print', 'signoff-sheet', id, '--out', sheet);
  const text = pdfText(sheet);
  assert.ok(text.includes('公开属性删减后公开'), text.slice(0, 400));
  assert.ok(text.includes('删减依据个人隐私：删去学生身份证号和家庭住址'), text.slice(0, 600));
});

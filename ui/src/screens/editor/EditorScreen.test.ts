import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { Action, CheckState, Item, Person, PiiHit } from '../../ipc/bindings';

const getItem = vi.fn();
const saveItem = vi.fn();
const itemReview = vi.fn();
const listPeople = vi.fn();
const actOnItem = vi.fn();
const markCheck = vi.fn();
const applyMasks = vi.fn();
const printSignoffSheets = vi.fn();
vi.mock('../../ipc/api', () => ({
  getItem: (id: string) => getItem(id),
  saveItem: (item: Item) => saveItem(item),
  itemReview: (id: string) => itemReview(id),
  listPeople: () => listPeople(),
  actOnItem: (id: string, action: Action, text: string) => actOnItem(id, action, text),
  markCheck: (id: string, key: string, state: CheckState, note: string) => markCheck(id, key, state, note),
  applyMasks: (id: string, hits: PiiHit[]) => applyMasks(id, hits),
  printSignoffSheets: (ids: string[], save: boolean) => printSignoffSheets(ids, save),
  appInfo: async () => null,
  listItems: async () => ({ items: [], total: 0, offset: 0 }),
  // The backend's rule, for the forms these tests type.
  parseDate: async (text: string) => {
    const t = text.trim();
    if (t === '') return null;
    const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
    throw { code: 'invalid_date', message: `${t} is not a date`, problems: [] };
  },
}));

const { default: EditorScreen } = await import('./EditorScreen.svelte');
const { blankItem } = await import('../../lib/item');
const { setLang } = await import('../../i18n/index.svelte');
const { session } = await import('../../lib/session.svelte');
const { ID_HIT, MOBILE_HIT, action, sampleReview } = await import('../../lib/reviewFixtures');

const PEOPLE: Person[] = [
  { id: 'p-wang', name: '王芳', department_id: 'd-gfc', roles: ['clerk'] },
  { id: 'p-zhao', name: '赵强', department_id: 'd-gfc', roles: ['section_head'] },
];

function stored(): Item {
  return { ...blankItem(), id: 'item-1', index_no: 'IDX-1', title: '关于招生工作的通知', doc_no: '大教发〔2026〕1号' };
}

beforeEach(() => {
  for (const f of [getItem, saveItem, itemReview, listPeople, actOnItem, markCheck, applyMasks, printSignoffSheets]) f.mockReset();
  setLang('zh-CN');
  getItem.mockResolvedValue(stored());
  itemReview.mockResolvedValue(sampleReview());
  listPeople.mockResolvedValue(PEOPLE);
  session.departments = [{ id: 'd-gfc', name: '规法处', code: 'GFC', kind: 'department' }];
});

describe('EditorScreen', () => {
  it('loads the item into the form', async () => {
    const { getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).toBe('关于招生工作的通知'));
    expect((getByTestId('field-doc-no') as HTMLInputElement).value).toBe('大教发〔2026〕1号');
  });

  it('shows each problem beside its field, translated by code', async () => {
    saveItem.mockRejectedValue({
      code: 'invalid_item',
      message: 'invalid',
      problems: [
        { field: 'title', code: 'title_empty', message: 'english text' },
        { field: 'source', code: 'brand_new_rule', message: 'the source is odd' },
      ],
    });
    const { getByTestId, findByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    await fireEvent.input(getByTestId('field-title'), { target: { value: '' } });
    await fireEvent.click(getByTestId('save-item'));
    const problem = await findByTestId('problem-title');
    expect(problem.textContent).toContain('名称不能为空');
    expect(getByTestId('field-title').getAttribute('aria-invalid')).toBe('true');
    const banner = getByTestId('error-banner');
    expect(banner.textContent).toContain('the source is odd');
    expect(saveItem.mock.calls[0][0]).toMatchObject({ id: 'item-1', title: '' });
  });

  it('saves with Ctrl+S and says so', async () => {
    saveItem.mockImplementation(async (item: Item) => ({ ...item, doc_no: item.doc_no.trim() }));
    const { getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-doc-no') as HTMLInputElement).value).not.toBe(''));
    await fireEvent.input(getByTestId('field-doc-no'), { target: { value: '大教发〔2026〕2号' } });
    expect(getByTestId('unsaved-changes').textContent).toContain('有未保存的修改');
    expect(getByTestId('save-status').textContent?.trim()).toBe('');
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(getByTestId('save-status').textContent).toContain('已保存'));
    expect(saveItem).toHaveBeenCalledTimes(1);
  });

  it('creates a new item from a blank form and shows other errors in a banner', async () => {
    saveItem.mockRejectedValue({ code: 'data_dir_read_only', message: 'EACCES', problems: [] });
    const { getByTestId, findByTestId } = render(EditorScreen, { itemId: '' });
    expect(getItem).not.toHaveBeenCalled();
    await fireEvent.input(getByTestId('field-title'), { target: { value: '新事项' } });
    await fireEvent.click(getByTestId('save-item'));
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('数据文件夹不可写');
    expect(saveItem.mock.calls[0][0]).toMatchObject({ id: '', index_no: '', title: '新事项' });
  });

  it('hides the withholding reason for proactive items and shows it otherwise', async () => {
    const { getByTestId, queryByLabelText, getByLabelText } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    expect(queryByLabelText('不公开依据')).toBeNull();
    await fireEvent.click(getByLabelText('不予公开'));
    expect(getByLabelText('不公开依据')).toBeTruthy();
  });

  it('names the reason and note of 删减后公开 for what was removed, and sends it', async () => {
    saveItem.mockImplementation(async (item: Item) => item);
    const { getByTestId, getByLabelText, queryByLabelText, container } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    await fireEvent.click(getByLabelText('不予公开'));
    expect(getByLabelText('不公开依据')).toBeTruthy();
    await fireEvent.click(getByLabelText('删减后公开'));
    expect(queryByLabelText('不公开依据')).toBeNull();
    const reason = getByLabelText('删减依据') as HTMLSelectElement;
    const offered = [...reason.options].map((o) => o.value);
    expect(offered[0]).toBe('');
    expect(offered).toContain('privacy');
    expect(offered).not.toContain('on_request_only');
    expect(reason.options[0].textContent).toBe('（请选择删减依据）');
    await fireEvent.change(reason, { target: { value: 'privacy' } });
    await fireEvent.input(getByLabelText('删减说明'), { target: { value: '删去了当事人的身份证号' } });
    expect((container.querySelector('input[name=disclosure][value=redacted]') as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(getByTestId('save-item'));
    await waitFor(() => expect(saveItem).toHaveBeenCalledTimes(1));
    expect(saveItem.mock.calls[0][0]).toMatchObject({
      disclosure: 'redacted',
      withheld_reason: 'privacy',
      withheld_note: '删去了当事人的身份证号',
    });
  });

  it('shows the problems of a redaction without its reason beside the fields', async () => {
    saveItem.mockRejectedValue({
      code: 'invalid_item',
      message: 'invalid',
      problems: [
        { field: 'withheld_reason', code: 'redaction_reason_required', message: 'english text' },
        { field: 'withheld_note', code: 'redaction_note_required', message: 'english text' },
      ],
    });
    getItem.mockResolvedValue({ ...stored(), disclosure: 'redacted' });
    const { getByTestId, findByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    await fireEvent.click(getByTestId('save-item'));
    expect((await findByTestId('problem-withheld_reason')).textContent).toContain('请选择删减依据');
    expect((await findByTestId('problem-withheld_note')).textContent).toContain('请写明删去了哪些内容');
  });

  it('sends the chosen radios and dates, and marks a date the backend refused', async () => {
    saveItem.mockRejectedValue({
      code: 'invalid_item',
      message: 'invalid',
      problems: [{ field: 'date_published', code: 'brand_new_rule', message: 'published before written' }],
    });
    getItem.mockResolvedValue({ ...stored(), date_written: '2026-03-01', audience: 'specific_group' });
    const { getByTestId, getByLabelText, findByTestId, container } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    const written = container.querySelector('#f-date-written') as HTMLInputElement;
    expect(written.value).toBe('2026-03-01');
    expect((container.querySelector('input[name=audience][value=specific_group]') as HTMLInputElement).checked).toBe(true);

    await fireEvent.click(container.querySelector('input[name=audience][value=public]') as HTMLInputElement);
    await fireEvent.click(container.querySelector('input[name=validity][value=expired]') as HTMLInputElement);
    await fireEvent.click(getByLabelText('依申请公开'));
    const publishedInput = container.querySelector('#f-date-published') as HTMLInputElement;
    await fireEvent.input(publishedInput, { target: { value: '20260201' } });
    await fireEvent.blur(publishedInput);
    await waitFor(() => expect(publishedInput.value).toBe('2026-02-01'));
    await fireEvent.input(written, { target: { value: '' } });
    written.focus();
    // Saved straight from the date being typed: the field is read first.
    await fireEvent.click(getByTestId('save-item'));

    await findByTestId('problem-date_published');
    expect(saveItem.mock.calls[0][0]).toMatchObject({
      audience: 'public',
      validity: 'expired',
      disclosure: 'on_request',
      date_written: null,
      date_published: '2026-02-01',
    });
    const published = container.querySelector('#f-date-published') as HTMLInputElement;
    expect(published.getAttribute('aria-invalid')).toBe('true');
    expect(published.getAttribute('aria-describedby')).toBe('problems-date_published');
    expect(written.getAttribute('aria-invalid')).toBeNull();
  });

  it('refuses to save a date that is not one, saying why at the field', async () => {
    getItem.mockResolvedValue(stored());
    const { getByTestId, findByTestId, container } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    const written = container.querySelector('#f-date-written') as HTMLInputElement;
    expect(written.type).toBe('text');
    expect(written.value).toBe('');
    await fireEvent.input(written, { target: { value: '2019年2月30日' } });
    await fireEvent.blur(written);
    expect((await findByTestId('f-date-written-problem')).textContent).toContain('日期无效');
    await fireEvent.click(getByTestId('save-item'));
    await waitFor(() => expect(document.activeElement).toBe(written));
    expect(saveItem).not.toHaveBeenCalled();
  });

  it('starts the keyboard in the title, and Esc goes back to the list', async () => {
    getItem.mockResolvedValue(stored());
    const { go, route } = await import('../../lib/nav.svelte');
    go('editor', 'item-1');
    const { getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect(document.activeElement).toBe(getByTestId('field-title')));
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(route.screen).toBe('catalog');
  });

  it('asks for the review only once the item is saved', async () => {
    const { getByTestId } = render(EditorScreen, { itemId: '' });
    expect(getByTestId('checklist-save-first').textContent).toContain('保存后可审查');
    expect(getByTestId('status-badge').textContent).toContain('草稿');
    expect(itemReview).not.toHaveBeenCalled();
  });

  it('assigns people by name and department, and sets the comment period', async () => {
    saveItem.mockImplementation(async (item: Item) => item);
    const { getByTestId, findByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-title') as HTMLInputElement).value).not.toBe(''));
    const clerk = getByTestId('field-clerk_id') as HTMLSelectElement;
    await waitFor(() => expect([...clerk.options].map((o) => o.textContent)).toContain('王芳（规法处）'));
    await fireEvent.change(clerk, { target: { value: 'p-wang' } });
    await fireEvent.change(getByTestId('field-signer_id'), { target: { value: 'p-zhao' } });
    await fireEvent.input(getByTestId('field-comment_start'), { target: { value: '2026-11-01' } });
    await fireEvent.blur(getByTestId('field-comment_start'));
    await fireEvent.input(getByTestId('field-comment_end'), { target: { value: '2026-11-12' } });
    await fireEvent.blur(getByTestId('field-comment_end'));
    expect((await findByTestId('comment-days')).textContent).toContain('12 天');
    await fireEvent.click(getByTestId('save-item'));
    await waitFor(() => expect(saveItem).toHaveBeenCalled());
    expect(saveItem.mock.calls[0][0]).toMatchObject({
      clerk_id: 'p-wang',
      reviewer_id: null,
      signer_id: 'p-zhao',
      comment_start: '2026-11-01',
      comment_end: '2026-11-12',
    });
    await waitFor(() => expect(itemReview).toHaveBeenCalledTimes(2));
  });

  it('shows the status, the due date and the review beneath the form', async () => {
    getItem.mockResolvedValue({ ...stored(), status: 'in_review', changed_after_signoff: ['doc_no'] });
    const { findByTestId, getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    expect((await findByTestId('changed-after-signoff')).textContent).toContain('签批后已修改：文号 — 已退回审查');
    expect(getByTestId('status-badge').textContent).toContain('审查中');
    expect((await findByTestId('due-info')).textContent).toContain('还剩 12 个工作日');
    expect(getByTestId('checklist-progress').textContent).toContain('必查项 3/8 已完成');
    expect(getByTestId('check-secrecy_review-mark').textContent).toContain('王芳');
    expect(getByTestId('jump-checklist').textContent).toContain('3/8');
  });

  it('takes an action, then shows the item and review as they now stand', async () => {
    actOnItem.mockResolvedValue({ ...stored(), status: 'awaiting_signoff' });
    const { findByTestId, getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    const button = await findByTestId('workflow-action-request_signoff');
    itemReview.mockResolvedValue(
      sampleReview({ status: 'awaiting_signoff', actions: [action('sign_off', false, { refusal_code: 'workflow_not_entitled' })] }),
    );
    await fireEvent.click(button);
    await waitFor(() => expect(getByTestId('status-badge').textContent).toContain('待签批'));
    expect(actOnItem).toHaveBeenCalledWith('item-1', 'request_signoff', '');
    expect(((await findByTestId('workflow-action-sign_off')) as HTMLButtonElement).disabled).toBe(true);
    expect(getByTestId('signoff-refusal').textContent).toContain('处室负责人');
  });

  it('says before saving that an edit would void the sign-off', async () => {
    getItem.mockResolvedValue({ ...stored(), status: 'signed_off' });
    itemReview.mockResolvedValue(sampleReview({ status: 'signed_off' }));
    const { getByTestId, queryByTestId, findByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await waitFor(() => expect((getByTestId('field-doc-no') as HTMLInputElement).value).not.toBe(''));
    await fireEvent.input(getByTestId('field-doc-no'), { target: { value: '大教发〔2026〕13号' } });
    expect((await findByTestId('will-void')).textContent).toContain('保存后签批将失效：文号');
    await fireEvent.input(getByTestId('field-doc-no'), { target: { value: stored().doc_no } });
    expect(queryByTestId('will-void')).toBeNull();
  });

  it('keeps actions back while there are unsaved edits', async () => {
    const { findByTestId, getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    const button = (await findByTestId('workflow-action-request_signoff')) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    await fireEvent.input(getByTestId('field-doc-no'), { target: { value: '大教发〔2026〕9号' } });
    expect(button.disabled).toBe(true);
    expect(getByTestId('workflow-save-first')).toBeTruthy();
  });

  it('masks the numbers found and takes the masked text into the form', async () => {
    getItem.mockResolvedValue({ ...stored(), summary: '身份证 350102199001011234', elements: '13812345678' });
    applyMasks.mockResolvedValue({ ...stored(), summary: '身份证 35*************234', elements: '138****5678' });
    const { findByTestId, container } = render(EditorScreen, { itemId: 'item-1' });
    await fireEvent.click(await findByTestId('mask-all'));
    await waitFor(() => expect((container.querySelector('#f-summary') as HTMLTextAreaElement).value).toBe('身份证 35*************234'));
    expect(applyMasks).toHaveBeenCalledWith('item-1', [ID_HIT, MOBILE_HIT]);
    expect(itemReview).toHaveBeenCalledTimes(2);
  });

  it('reloads the item when a mark voids its sign-off', async () => {
    getItem.mockResolvedValueOnce({ ...stored(), status: 'signed_off' });
    itemReview.mockResolvedValueOnce(sampleReview({ status: 'signed_off' }));
    markCheck.mockResolvedValue(sampleReview({ status: 'in_review' }));
    const { findByTestId, getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    getItem.mockResolvedValue({ ...stored(), status: 'in_review', changed_after_signoff: ['checklist'] });
    await fireEvent.click(await findByTestId('check-check_political-pass'));
    // Marking a signed-off item voids the sign-off: asked first.
    expect(getByTestId('confirm-dialog').textContent).toContain('会使签批失效');
    expect(markCheck).not.toHaveBeenCalled();
    await fireEvent.click(getByTestId('checklist-signed-confirm'));
    expect((await findByTestId('changed-after-signoff')).textContent).toContain('审查清单');
    expect(getByTestId('status-badge').textContent).toContain('审查中');
    expect(markCheck).toHaveBeenCalledWith('item-1', 'check_political', 'passed', '');
  });

  it('prints the item\'s 审查呈批单, or saves it as PDF, and not while edits are unsaved', async () => {
    printSignoffSheets.mockResolvedValue({ path: '/home/wang/审查呈批单.pdf', bytes: 900, sheets: [], bundle_id: null, items: 1 });
    const { findByTestId, getByTestId } = render(EditorScreen, { itemId: 'item-1' });
    const print = (await findByTestId('print-sheet-print')) as HTMLButtonElement;
    expect(print.textContent).toContain('打印呈批单');
    await fireEvent.click(print);
    expect(printSignoffSheets).toHaveBeenLastCalledWith(['item-1'], false);
    await fireEvent.click(getByTestId('print-sheet-save'));
    expect(printSignoffSheets).toHaveBeenLastCalledWith(['item-1'], true);
    expect((await findByTestId('print-sheet-done')).textContent).toContain('/home/wang/审查呈批单.pdf');

    await fireEvent.input(getByTestId('field-doc-no'), { target: { value: '大教发〔2026〕9号' } });
    expect(print.disabled).toBe(true);
    expect(getByTestId('print-sheet').textContent).toContain('请先保存');
  });

  it('shows a failed print by its code', async () => {
    printSignoffSheets.mockRejectedValue({ code: 'print_open_failed', message: 'xdg-open failed', problems: [] });
    const { findByTestId } = render(EditorScreen, { itemId: 'item-1' });
    await fireEvent.click(await findByTestId('print-sheet-print'));
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('没有程序能打开 PDF 来打印');
  });

  it('offers no printing for a new, unsaved item', async () => {
    const { queryByTestId, getByTestId } = render(EditorScreen, { itemId: '' });
    expect(getByTestId('field-title')).toBeTruthy();
    expect(queryByTestId('print-sheet')).toBeNull();
  });
});

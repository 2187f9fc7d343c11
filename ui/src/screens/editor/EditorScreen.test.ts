import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { Item } from '../../ipc/bindings';

const getItem = vi.fn();
const saveItem = vi.fn();
vi.mock('../../ipc/api', () => ({
  getItem: (id: string) => getItem(id),
  saveItem: (item: Item) => saveItem(item),
  appInfo: async () => null,
  listItems: async () => ({ items: [], total: 0, offset: 0 }),
}));

const { default: EditorScreen } = await import('./EditorScreen.svelte');
const { blankItem } = await import('../../lib/item');
const { setLang } = await import('../../i18n/index.svelte');

function stored(): Item {
  return { ...blankItem(), id: 'item-1', index_no: 'IDX-1', title: '关于招生工作的通知', doc_no: '大教发〔2026〕1号' };
}

beforeEach(() => {
  getItem.mockReset();
  saveItem.mockReset();
  setLang('zh-CN');
  getItem.mockResolvedValue(stored());
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
    await fireEvent.input(container.querySelector('#f-date-published') as HTMLInputElement, { target: { value: '2026-02-01' } });
    await fireEvent.input(written, { target: { value: '' } });
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
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import type { CatalogSettings } from '../../ipc/bindings';

const getSettings = vi.fn();
const saveSettings = vi.fn();
vi.mock('../../ipc/api', () => ({
  getSettings: () => getSettings(),
  saveSettings: (settings: CatalogSettings) => saveSettings(settings),
  getItem: async () => null,
  appInfo: async () => null,
  listItems: async () => ({ items: [], total: 0, offset: 0 }),
}));

const { default: SettingsScreen } = await import('./SettingsScreen.svelte');
const { default: EditorScreen } = await import('../editor/EditorScreen.svelte');
const { session } = await import('../../lib/session.svelte');
const { setLang } = await import('../../i18n/index.svelte');

function stored(): CatalogSettings {
  return {
    channels: ['政府网站', '政府公报', '两微一端'],
    levels: ['市级', '区县级'],
    index_rule: '{org}-{dept}-{cat}-{year}-{seq:4}',
    org_code: '210200-JY',
    due_working_days: 20,
    category_deadlines: [],
    office_signs: false,
    export_omit_names: false,
  };
}

function values(inputs: HTMLElement[]): string[] {
  return inputs.map((i) => (i as HTMLInputElement).value);
}

beforeEach(() => {
  getSettings.mockReset();
  saveSettings.mockReset();
  getSettings.mockResolvedValue(stored());
  saveSettings.mockImplementation(async (s: CatalogSettings) => s);
  session.settings = null;
  setLang('zh-CN');
});

describe('SettingsScreen', () => {
  it('shows the stored settings and a live index number example', async () => {
    const { findAllByTestId, getByTestId } = render(SettingsScreen);
    expect(values(await findAllByTestId('settings-channel'))).toEqual(['政府网站', '政府公报', '两微一端']);
    expect(values(await findAllByTestId('settings-level'))).toEqual(['市级', '区县级']);
    const example = getByTestId('settings-index-example');
    expect(example.textContent).toBe('210200-JY-D01-GFXWJ-2019-0001');
    await fireEvent.input(getByTestId('settings-org-code'), { target: { value: '110000-ZF' } });
    expect(example.textContent).toBe('110000-ZF-D01-GFXWJ-2019-0001');
    await fireEvent.input(getByTestId('settings-index-rule'), { target: { value: '{org}〔{year}〕{seq}号' } });
    expect(example.textContent).toBe('110000-ZF〔2019〕1号');
    expect(getByTestId('settings-screen').textContent).toContain('{seq:4}');
  });

  it('builds the index rule from fill-in pieces with a live example', async () => {
    const { findByTestId, getByTestId } = render(SettingsScreen);
    const rule = (await findByTestId('settings-index-rule')) as HTMLInputElement;
    const example = getByTestId('settings-index-example');
    const before = rule.value;
    const kinds = () => [...getByTestId('settings-index-parts').querySelectorAll('select')].map((s) => (s as HTMLSelectElement).value);
    expect(kinds().length).toBeGreaterThan(1);
    const last = kinds().length - 1;
    expect(kinds()[last]).toBe('seq');
    await fireEvent.input(getByTestId(`settings-index-part-${last}-width`), { target: { value: '6' } });
    expect(rule.value).toBe(before.replace('{seq:4}', '{seq:6}'));
    expect(example.textContent).toMatch(/-000001$/);
    await fireEvent.change(getByTestId('settings-index-part-0-kind'), { target: { value: 'dept' } });
    expect(rule.value.startsWith('{dept}')).toBe(true);
    await fireEvent.click(getByTestId('settings-index-part-add'));
    expect(rule.value.endsWith('-{year}')).toBe(true);
    expect(example.textContent).toMatch(/-2019$/);
    await fireEvent.input(rule, { target: { value: '{org}-{region}' } });
    expect(getByTestId('settings-index-parts-unreadable')).toBeTruthy();
  });

  it('hints at a rule the backend will refuse, in the clerk\'s language', async () => {
    const { findByTestId, getByTestId, queryByTestId } = render(SettingsScreen);
    const rule = await findByTestId('settings-index-rule');
    expect(queryByTestId('settings-index-problems')).toBeNull();
    await fireEvent.input(rule, { target: { value: '{org}-{region}' } });
    const problems = getByTestId('settings-index-problems').textContent ?? '';
    expect(problems).toContain('流水号');
    expect(problems).toContain('{region}');
    expect(rule.getAttribute('aria-invalid')).toBe('true');
  });

  it('adds, renames, reorders and removes entries, then saves them', async () => {
    const { findAllByTestId, getAllByTestId, getByTestId } = render(SettingsScreen);
    await findAllByTestId('settings-channel');
    expect(getByTestId('settings-saved').textContent?.trim()).toBe('');

    await fireEvent.click(getByTestId('settings-add-channel'));
    let inputs = getAllByTestId('settings-channel');
    expect(inputs).toHaveLength(4);
    await waitFor(() => expect(document.activeElement).toBe(inputs[3]));
    await fireEvent.input(inputs[3], { target: { value: '  广播电视 ' } });
    expect(getByTestId('settings-unsaved')).toBeTruthy();

    await fireEvent.click(getAllByTestId('settings-channel-up')[3]);
    expect(values(getAllByTestId('settings-channel'))).toEqual(['政府网站', '政府公报', '  广播电视 ', '两微一端']);
    await fireEvent.input(getAllByTestId('settings-channel')[0], { target: { value: '本机关网站' } });
    await fireEvent.click(getAllByTestId('settings-channel-remove')[1]);
    await fireEvent.click(getAllByTestId('settings-level-down')[0]);
    inputs = getAllByTestId('settings-channel');
    expect(values(inputs)).toEqual(['本机关网站', '  广播电视 ', '两微一端']);

    await fireEvent.click(getByTestId('settings-save'));
    await waitFor(() => expect(getByTestId('settings-saved').textContent).toContain('已保存'));
    expect(saveSettings).toHaveBeenCalledTimes(1);
    expect(saveSettings.mock.calls[0][0]).toEqual({
      ...stored(),
      channels: ['本机关网站', '广播电视', '两微一端'],
      levels: ['区县级', '市级'],
    });
    expect(session.settings?.channels).toEqual(['本机关网站', '广播电视', '两微一端']);
  });

  it('saves with Ctrl+S and the editor offers the new lists at once', async () => {
    const { findAllByTestId, getAllByTestId, getByTestId, unmount } = render(SettingsScreen);
    await findAllByTestId('settings-level');
    await fireEvent.click(getByTestId('settings-add-level'));
    await fireEvent.input(getAllByTestId('settings-level')[2], { target: { value: '乡镇(街道)' } });
    await fireEvent.click(getByTestId('settings-add-channel'));
    await fireEvent.input(getAllByTestId('settings-channel')[3], { target: { value: '公开查阅点' } });
    await fireEvent.input(getByTestId('settings-due-days'), { target: { value: '15' } });
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(getByTestId('settings-saved').textContent).toContain('已保存'));
    expect(saveSettings.mock.calls[0][0]).toMatchObject({ due_working_days: 15 });
    unmount();

    const editor = render(EditorScreen, { itemId: '' });
    expect(editor.getByText('公开查阅点')).toBeTruthy();
    const level = editor.container.querySelector('#f-level') as HTMLSelectElement;
    expect([...level.options].map((o) => o.value)).toContain('乡镇(街道)');
    expect(editor.container.textContent).toContain('15 个工作日');
  });

  it('shows the backend\'s reason when it refuses the settings, and keeps the edits', async () => {
    saveSettings.mockRejectedValue({
      code: 'invalid_argument',
      message: 'the 索引号 rule must contain {seq} exactly once (for example {org}-{year}-{seq:4})',
      problems: [],
    });
    const { findByTestId, getByTestId } = render(SettingsScreen);
    const rule = await findByTestId('settings-index-rule');
    await fireEvent.input(rule, { target: { value: '{org}-{year}' } });
    await fireEvent.click(getByTestId('settings-save'));
    const banner = await findByTestId('error-banner');
    expect(banner.textContent).toContain('没有被接受');
    expect(getByTestId('error-detail').textContent).toContain('must contain {seq} exactly once');
    expect((rule as HTMLInputElement).value).toBe('{org}-{year}');
    expect(getByTestId('settings-saved').textContent?.trim()).toBe('');
    expect(session.settings?.index_rule).toBe('{org}-{dept}-{cat}-{year}-{seq:4}');
  });

  it('undoes the changes', async () => {
    const { findAllByTestId, getAllByTestId, getByTestId } = render(SettingsScreen);
    await findAllByTestId('settings-channel');
    const revert = getByTestId('settings-revert') as HTMLButtonElement;
    expect(revert.disabled).toBe(true);
    await fireEvent.click(getAllByTestId('settings-channel-remove')[0]);
    await fireEvent.input(getByTestId('settings-org-code'), { target: { value: 'X' } });
    expect(revert.disabled).toBe(false);
    await fireEvent.click(revert);
    expect(values(getAllByTestId('settings-channel'))).toEqual(['政府网站', '政府公报', '两微一端']);
    expect((getByTestId('settings-org-code') as HTMLInputElement).value).toBe('210200-JY');
    expect(revert.disabled).toBe(true);
    expect(saveSettings).not.toHaveBeenCalled();
  });

  it('flags empty and repeated entries and an out-of-range due period', async () => {
    const { findAllByTestId, getAllByTestId, getByTestId, container } = render(SettingsScreen);
    await findAllByTestId('settings-channel');
    await fireEvent.input(getAllByTestId('settings-channel')[1], { target: { value: '政府网站' } });
    await fireEvent.input(getAllByTestId('settings-channel')[2], { target: { value: ' ' } });
    expect(getAllByTestId('settings-channel')[1].getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain('与上面的一项重复');
    expect(container.textContent).toContain('这一项是空的');
    await fireEvent.input(getByTestId('settings-due-days'), { target: { value: '300' } });
    expect(getByTestId('settings-due-days').getAttribute('aria-invalid')).toBe('true');
  });

  it('holds a navigation back while there are unsaved changes, until they are kept or discarded', async () => {
    const { go, route } = await import('../../lib/nav.svelte');
    const { findAllByTestId, getAllByTestId, getByRole, getByText, queryByRole } = render(SettingsScreen);
    await findAllByTestId('settings-channel');
    await fireEvent.input(getAllByTestId('settings-channel')[0], { target: { value: '本机关网站' } });
    const before = route.visit;

    go('about');
    await tick();
    expect(route.visit).toBe(before);
    expect(getByRole('alertdialog').textContent).toContain('目录设置有未保存的修改');
    await fireEvent.click(getByText('继续编辑'));
    expect(queryByRole('alertdialog')).toBeNull();
    expect((getAllByTestId('settings-channel')[0] as HTMLInputElement).value).toBe('本机关网站');

    go('about');
    await tick();
    await fireEvent.click(getByText('放弃修改'));
    expect(route.screen).toBe('about');
    expect(route.visit).toBe(before + 1);
    expect(values(getAllByTestId('settings-channel'))).toEqual(['政府网站', '政府公报', '两微一端']);
  });

  it('adds per-category time limits and the office sign-off, and saves them', async () => {
    const { categoryOptions } = await import('../../lib/categories');
    const categories = [
      { id: 'c-gz', parent_id: null, name: '规章', code: 'GZ' },
      { id: 'c-gfxwj', parent_id: null, name: '行政规范性文件', code: 'GFXWJ' },
    ];
    session.categories = categories;
    session.categoryOptions = categoryOptions(categories);
    getSettings.mockResolvedValue({ ...stored(), category_deadlines: [{ category_id: 'c-gz', working_days: 30 }] });
    const { findAllByTestId, getAllByTestId, getByTestId, getByLabelText, container } = render(SettingsScreen);
    const rows = await findAllByTestId('settings-deadline');
    expect(rows).toHaveLength(1);
    expect((getByLabelText('第 1 行的类别') as HTMLSelectElement).value).toBe('c-gz');
    expect((getAllByTestId('settings-deadline-days')[0] as HTMLInputElement).value).toBe('30');
    const officeSigns = getByTestId('settings-office-signs') as HTMLInputElement;
    expect(officeSigns.checked).toBe(false);

    await fireEvent.click(getByTestId('settings-add-deadline'));
    const category = getByLabelText('第 2 行的类别') as HTMLSelectElement;
    await waitFor(() => expect(document.activeElement).toBe(category));
    // A new row says what it lacks.
    expect(container.textContent).toContain('请选择类别，或移除这一行');
    await fireEvent.change(category, { target: { value: 'c-gz' } });
    expect(container.textContent).toContain('这个类别在上面已经设置过期限');
    await fireEvent.change(category, { target: { value: 'c-gfxwj' } });
    await fireEvent.input(getAllByTestId('settings-deadline-days')[1], { target: { value: '15' } });
    expect(container.querySelectorAll('.problems')).toHaveLength(0);
    await fireEvent.click(officeSigns);
    expect(getByTestId('settings-unsaved')).toBeTruthy();

    await fireEvent.click(getByTestId('settings-save'));
    await waitFor(() => expect(getByTestId('settings-saved').textContent).toContain('已保存'));
    expect(saveSettings.mock.calls[0][0]).toEqual({
      ...stored(),
      category_deadlines: [
        { category_id: 'c-gz', working_days: 30 },
        { category_id: 'c-gfxwj', working_days: 15 },
      ],
      office_signs: true,
    });

    // Removing a limit is a change like any other.
    await fireEvent.click(getAllByTestId('settings-deadline-remove')[0]);
    expect(getAllByTestId('settings-deadline')).toHaveLength(1);
    await fireEvent.click(getByTestId('settings-save'));
    await waitFor(() => expect(saveSettings).toHaveBeenCalledTimes(2));
    expect(saveSettings.mock.calls[1][0].category_deadlines).toEqual([{ category_id: 'c-gfxwj', working_days: 15 }]);
  });
});

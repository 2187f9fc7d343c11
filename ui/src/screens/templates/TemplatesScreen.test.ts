import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import type { ChecklistTemplate } from '../../ipc/bindings';

const listTemplates = vi.fn();
const templateVersions = vi.fn();
const saveTemplate = vi.fn();
vi.mock('../../ipc/api', () => ({
  listTemplates: () => listTemplates(),
  templateVersions: (id: string) => templateVersions(id),
  saveTemplate: (t: ChecklistTemplate) => saveTemplate(t),
  listPeople: async () => [{ id: 'p-zhao', name: '赵敏', department_id: null, roles: ['coordinator'] }],
}));

const { default: TemplatesScreen } = await import('./TemplatesScreen.svelte');
const { session } = await import('../../lib/session.svelte');
const { categoryOptions } = await import('../../lib/categories');
const { go, route } = await import('../../lib/nav.svelte');
const { setLang } = await import('../../i18n/index.svelte');
const { checkIssues, checkRow } = await import('./templateForm');

function regulations(version = 2): ChecklistTemplate {
  return {
    id: 't-gz',
    name: '规章审查清单',
    category_ids: ['c-gz'],
    version,
    checks: [
      { key: 'secrecy', group: '保密审查', label: '保密审查', guidance: '一事一审', required: true, allow_not_applicable: false, rule: { type: 'manual' }, disclosures: [] },
      { key: 'comment', group: '', label: '征求意见', guidance: '', required: true, allow_not_applicable: true, rule: { type: 'comment_period', min_days: 30 }, disclosures: [] },
    ],
    created_at: '2026-11-20T01:00:00Z',
    created_by: 'p-zhao',
  };
}

function defaults(): ChecklistTemplate {
  return {
    id: 't-default',
    name: '默认清单',
    category_ids: [],
    version: 1,
    checks: [{ key: 'disclosure', group: '', label: '公开属性已确定', guidance: '', required: true, allow_not_applicable: false, rule: { type: 'disclosure_decided' }, disclosures: [] }],
    created_at: '2026-11-01T01:00:00Z',
    created_by: 'system',
  };
}

beforeEach(() => {
  listTemplates.mockReset();
  listTemplates.mockResolvedValue([defaults(), regulations()]);
  templateVersions.mockReset();
  templateVersions.mockImplementation(async (id: string) => (id === 't-gz' ? [regulations(1), regulations(2)] : [defaults()]));
  saveTemplate.mockReset();
  saveTemplate.mockImplementation(async (t: ChecklistTemplate) => ({ ...t, id: t.id || 't-new', version: t.version + 1, created_at: '2026-11-24T02:00:00Z', created_by: 'p-zhao' }));
  const categories = [
    { id: 'c-gz', parent_id: null, name: '规章', code: 'GZ' },
    { id: 'c-gfxwj', parent_id: null, name: '行政规范性文件', code: 'GFXWJ' },
  ];
  session.categories = categories;
  session.categoryOptions = categoryOptions(categories);
  route.screen = 'templates';
  setLang('zh-CN');
});

async function openRegulations() {
  const screen = render(TemplatesScreen);
  const rows = await screen.findAllByTestId('template-row');
  await fireEvent.click(rows[1].querySelector('button') as HTMLButtonElement);
  await screen.findByTestId('template-editor');
  return screen;
}

function keys(getAll: (id: string) => HTMLElement[]): string[] {
  return getAll('check-key').map((i) => (i as HTMLInputElement).value);
}

describe('TemplatesScreen', () => {
  it('lists the templates with categories, version and number of checks', async () => {
    const { findAllByTestId } = render(TemplatesScreen);
    const rows = await findAllByTestId('template-row');
    const cells = rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(cells).toEqual([
      ['默认清单', '默认（所有其他类别）', 'v1', '1 项'],
      ['规章审查清单', '规章', 'v2', '2 项'],
    ]);
  });

  it('edits a template, says what saving does, and saves it as the next version', async () => {
    const { getByTestId, getAllByTestId, getByLabelText } = await openRegulations();
    expect((getByTestId('template-name') as HTMLInputElement).value).toBe('规章审查清单');
    expect(keys(getAllByTestId)).toEqual(['secrecy', 'comment']);
    expect((getAllByTestId('check-min-days')[0] as HTMLInputElement).value).toBe('30');
    expect(getByTestId('template-save').textContent).toContain('保存为 v3');
    expect(getByTestId('template-editor').textContent).toContain('保存为 v3；已在审的事项保持原版本，可逐项升级');
    await waitFor(() => expect(getAllByTestId('template-version')).toHaveLength(2));
    expect(templateVersions).toHaveBeenCalledWith('t-gz');
    expect(getAllByTestId('template-version')[0].textContent).toContain('赵敏');

    // Another category, a new check moved to the top, a rule with its days.
    await fireEvent.click(getByLabelText('行政规范性文件'));
    await fireEvent.click(getByTestId('check-add'));
    const added = getAllByTestId('check-key')[2];
    await waitFor(() => expect(document.activeElement).toBe(added));
    await fireEvent.input(added, { target: { value: 'interpretation' } });
    await fireEvent.input(getAllByTestId('check-label')[2], { target: { value: ' 政策解读同步 ' } });
    await fireEvent.change(getAllByTestId('check-rule')[2], { target: { value: 'interpretation_linked' } });
    await fireEvent.click(getByLabelText('上移第 3 项'));
    await fireEvent.click(getByLabelText('上移第 2 项'));
    expect(keys(getAllByTestId)).toEqual(['interpretation', 'secrecy', 'comment']);
    await fireEvent.input(getAllByTestId('check-min-days')[0], { target: { value: '15' } });
    expect(getByTestId('template-unsaved')).toBeTruthy();

    await fireEvent.click(getByTestId('template-save'));
    await waitFor(() => expect(getByTestId('template-saved').textContent).toContain('已保存为 v3'));
    expect(saveTemplate).toHaveBeenCalledTimes(1);
    const sent = saveTemplate.mock.calls[0][0] as ChecklistTemplate;
    expect(sent).toMatchObject({ id: 't-gz', version: 2, name: '规章审查清单', category_ids: ['c-gz', 'c-gfxwj'] });
    expect(sent.checks.map((c) => c.key)).toEqual(['interpretation', 'secrecy', 'comment']);
    expect(sent.checks[0]).toEqual({
      key: 'interpretation',
      group: '',
      label: '政策解读同步',
      guidance: '',
      required: true,
      allow_not_applicable: false,
      rule: { type: 'interpretation_linked' },
      disclosures: [],
    });
    expect(sent.checks[2].rule).toEqual({ type: 'comment_period', min_days: 15 });
    expect(listTemplates).toHaveBeenCalledTimes(2);
    expect(getByTestId('template-save').textContent).toContain('保存为 v4');
  });

  it('refuses a repeated or malformed key before asking the backend', async () => {
    const { getByTestId, getAllByTestId, findAllByTestId } = await openRegulations();
    await fireEvent.input(getAllByTestId('check-key')[1], { target: { value: 'secrecy' } });
    await fireEvent.click(getByTestId('template-save'));
    const problems = await findAllByTestId('check-problems');
    expect(problems[0].textContent).toContain('代码与第 1 项重复');
    expect(getAllByTestId('check-key')[1].getAttribute('aria-invalid')).toBe('true');
    expect(getByTestId('template-editor').textContent).toContain('有 1 处需要修改');
    expect(saveTemplate).not.toHaveBeenCalled();

    await fireEvent.input(getAllByTestId('check-key')[1], { target: { value: '征求意见' } });
    await fireEvent.click(getByTestId('template-save'));
    expect(getAllByTestId('check-problems')[0].textContent).toContain('代码只能用字母、数字、下划线和连字符');
    expect(saveTemplate).not.toHaveBeenCalled();

    await fireEvent.input(getAllByTestId('check-key')[1], { target: { value: 'comment-2' } });
    await fireEvent.click(getByTestId('template-save'));
    await waitFor(() => expect(saveTemplate).toHaveBeenCalledTimes(1));
  });

  it('shows the backend\'s reason when it refuses, and keeps the edits', async () => {
    saveTemplate.mockRejectedValue({
      code: 'invalid_argument',
      message: 'category 规章 already has the checklist 规章审查清单',
      problems: [],
    });
    const { getByTestId, findByTestId } = await openRegulations();
    await fireEvent.input(getByTestId('template-name'), { target: { value: '规章清单（新）' } });
    await fireEvent.click(getByTestId('template-save'));
    expect((await findByTestId('error-detail')).textContent).toContain('already has the checklist');
    expect((getByTestId('template-name') as HTMLInputElement).value).toBe('规章清单（新）');
  });

  it('makes a new template with id "" and removes checks', async () => {
    const { findByTestId, getByTestId, getAllByTestId } = render(TemplatesScreen);
    await fireEvent.click(await findByTestId('template-new'));
    await findByTestId('template-editor');
    expect(getByTestId('template-save').textContent).toContain('保存为 v1');
    await fireEvent.input(getByTestId('template-name'), { target: { value: '政策解读清单' } });
    await fireEvent.input(getAllByTestId('check-key')[0], { target: { value: 'five_checks' } });
    await fireEvent.input(getAllByTestId('check-label')[0], { target: { value: '五关' } });
    await fireEvent.click(getByTestId('check-add'));
    expect(getAllByTestId('template-check')).toHaveLength(2);
    await fireEvent.click(getAllByTestId('check-remove')[1]);
    await fireEvent.click(getByTestId('template-save'));
    await waitFor(() => expect(saveTemplate).toHaveBeenCalledTimes(1));
    expect(saveTemplate.mock.calls[0][0]).toMatchObject({ id: '', version: 0, name: '政策解读清单', category_ids: [] });
    expect((saveTemplate.mock.calls[0][0] as ChecklistTemplate).checks).toHaveLength(1);
    await waitFor(() => expect(getByTestId('template-saved').textContent).toContain('已保存为 v1'));
  });

  it('loads an older version to save it again as the newest', async () => {
    const { getAllByTestId, getByTestId, getByText } = await openRegulations();
    await waitFor(() => expect(getAllByTestId('template-version')).toHaveLength(2));
    expect(getAllByTestId('template-version').map((r) => r.querySelector('td')?.textContent)).toEqual(['v2', 'v1']);
    await fireEvent.click(getByText('载入此版本'));
    expect(getByTestId('template-old-note').textContent).toContain('载入的是 v1，保存后成为 v3');
    await fireEvent.click(getByTestId('template-save'));
    await waitFor(() => expect(saveTemplate).toHaveBeenCalledTimes(1));
    expect(saveTemplate.mock.calls[0][0]).toMatchObject({ id: 't-gz', version: 2 });
  });

  it('asks before unsaved changes are left behind', async () => {
    const { getByTestId, getByRole, getByText, getAllByTestId, queryByRole } = await openRegulations();
    await fireEvent.input(getByTestId('template-name'), { target: { value: '改过的名称' } });
    await fireEvent.click(getAllByTestId('template-row')[0].querySelector('button') as HTMLButtonElement);
    expect(getByRole('alertdialog').textContent).toContain('清单有未保存的修改');
    await fireEvent.click(getByText('继续编辑'));
    expect(queryByRole('alertdialog')).toBeNull();
    expect((getByTestId('template-name') as HTMLInputElement).value).toBe('改过的名称');

    go('about');
    await tick();
    expect(route.screen).toBe('templates');
    await fireEvent.click(getByText('放弃修改'));
    expect(route.screen).toBe('about');
  });
});

describe('template checks', () => {
  it('flags empty, malformed and repeated keys, empty labels and out-of-range days', () => {
    const row = (key: string, label = 'x', extra = {}) => ({ ...checkRow(), key, label, ...extra });
    expect(
      checkIssues([
        row('a'),
        row(''),
        row('a b'),
        row('a'),
        row('b', ' '),
        row('c', 'x', { rule: 'comment_period', min_days: 0 }),
        row('d', 'x', { rule: 'comment_period', min_days: 30 }),
      ]).map((list) => list.map((i) => i.kind)),
    ).toEqual([[], ['key_empty'], ['key_invalid'], ['key_duplicate'], ['label_empty'], ['min_days'], []]);
  });
});

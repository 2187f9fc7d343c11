import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { PlanImportRequest, PlanPreview } from '../../ipc/bindings';

const previewPlanText = vi.fn();
const importPlan = vi.fn();
vi.mock('../../ipc/api', () => ({
  previewPlanText: (text: string) => previewPlanText(text),
  openPlanFile: async () => null,
  importPlan: (request: PlanImportRequest) => importPlan(request),
  appInfo: async () => null,
  listDepartments: async () => [],
}));

const { default: PlanScreen } = await import('./PlanScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');

const preview: PlanPreview = {
  parse: {
    tasks: [
      { path: [1, 1], number: '1', section: '一、', title: '做好招生政策公开', text: '做好招生政策公开。（責任部門：規法處、督导室）', departments: [], key: 'k1' },
      { path: [1, 2], number: '2', section: '一、', title: '锟斤拷', text: '…', departments: [], key: 'k2' },
    ],
    warnings: [{ task: 1, code: 'garbled_heading', message: 'heading looks garbled', excerpt: '锟斤拷' }],
    year: 2019,
  },
  encoding: 'GB18030',
  tasks: [
    {
      already_imported: false,
      departments: [
        { name: '規法處', role: 'lead', group: false, department_id: 'd-gfc' },
        { name: '督导室', role: 'co', group: false, department_id: null },
        { name: '各相关处室', role: 'co', group: true, department_id: null },
      ],
    },
    { already_imported: true, departments: [] },
  ],
  unknown_departments: ['督导室'],
};

beforeEach(() => {
  setLang('zh-CN');
  previewPlanText.mockReset();
  importPlan.mockReset();
  previewPlanText.mockResolvedValue(preview);
  importPlan.mockResolvedValue({ items_created: 1, tasks_already_imported: 0, departments_created: 1, item_ids: ['i'], departments_not_created: [] });
});

describe('PlanScreen', () => {
  it('previews, lets the person edit and confirm, then imports', async () => {
    const { getByTestId, findAllByTestId, getByText, getAllByRole, findByTestId } = render(PlanScreen);
    await fireEvent.input(getByTestId('plan-text'), { target: { value: '计划全文' } });
    await fireEvent.click(getByTestId('plan-preview-button'));
    const tasks = await findAllByTestId('plan-task');
    expect(previewPlanText).toHaveBeenCalledWith('计划全文');
    expect(tasks).toHaveLength(2);
    expect(getByText('编码：GB18030')).toBeTruthy();
    expect(tasks[1].textContent).toContain('已导入');
    expect(tasks[0].textContent).toContain('未登记部门');
    expect(tasks[0].textContent).toContain('集体');
    expect(getByText('标题中有乱码，请核对并修改名称')).toBeTruthy();

    const checkboxes = getAllByRole('checkbox', { name: '导入此项' }) as HTMLInputElement[];
    expect(checkboxes.map((c) => c.checked)).toEqual([true, false]);
    expect(getByTestId('plan-import-button').textContent).toContain('导入 1 项');

    const title = tasks[0].querySelector('input[type=text]') as HTMLInputElement;
    await fireEvent.input(title, { target: { value: '改过的名称' } });
    await fireEvent.click(getByTestId('plan-confirm-department'));
    await fireEvent.click(getByTestId('plan-import-button'));
    await findByTestId('plan-report');
    const request = importPlan.mock.calls[0][0] as PlanImportRequest;
    expect(request.tasks.map((t) => t.title)).toEqual(['改过的名称']);
    expect(request.create_departments).toEqual(['督导室']);
    expect(request.plan_year).toBe(2019);
  });

  it('translates a plan error by its code', async () => {
    previewPlanText.mockRejectedValue({ code: 'plan_unknown_encoding', message: 'x', problems: [] });
    const { getByTestId, findByTestId } = render(PlanScreen);
    await fireEvent.input(getByTestId('plan-text'), { target: { value: '???' } });
    await fireEvent.click(getByTestId('plan-preview-button'));
    await waitFor(async () => expect((await findByTestId('error-banner')).textContent).toContain('无法识别文件编码'));
  });
});

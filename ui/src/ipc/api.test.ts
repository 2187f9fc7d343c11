import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const api = await import('./api');
const { COMMAND_NAMES } = await import('./commands');
const apiSource = (await import('./api.ts?raw')).default;
const { blankItem } = await import('../lib/item');
const { buildQuery, defaultFilters } = await import('../lib/query');

beforeEach(() => {
  invoke.mockReset();
  invoke.mockResolvedValue(null);
});

describe('api', () => {
  it('calls each command with its argument names', async () => {
    const query = buildQuery(defaultFilters());
    const item = blankItem();
    const settings = {
      channels: ['政府网站'],
      levels: ['市级'],
      index_rule: '{org}-{seq:4}',
      org_code: 'JY',
      due_working_days: 20,
      category_deadlines: [{ category_id: 'c1', working_days: 30 }],
      office_signs: true,
      export_omit_names: false,
    };
    const template = {
      id: '',
      name: '规章',
      category_ids: ['c1'],
      version: 0,
      checks: [
        { key: 'comment', group: '', label: '征求意见', guidance: '', required: true, allow_not_applicable: false, rule: { type: 'comment_period' as const, min_days: 30 }, disclosures: [] },
      ],
      created_at: '',
      created_by: '',
    };
    const audit = { author_id: 'p1', from: '2026-11-01', to: '2026-11-30', offset: 0, limit: 100 };
    const calls: [() => Promise<unknown>, string, Record<string, unknown> | undefined][] = [
      [() => api.appInfo(), 'app_info', undefined],
      [() => api.listItems(query), 'list_items', { query }],
      [() => api.getItem('i1'), 'get_item', { id: 'i1' }],
      [() => api.saveItem(item), 'save_item', { item }],
      [() => api.itemHistory('i1'), 'item_history', { id: 'i1' }],
      [() => api.listDepartments(), 'list_departments', undefined],
      [() => api.saveDepartment({ id: '', name: '规法处', code: 'GFC', kind: 'department' }), 'save_department', { department: { id: '', name: '规法处', code: 'GFC', kind: 'department' } }],
      [() => api.listPeople(), 'list_people', undefined],
      [() => api.savePerson({ id: '', name: '王芳', department_id: null, roles: ['clerk'] }), 'save_person', { person: { id: '', name: '王芳', department_id: null, roles: ['clerk'] } }],
      [() => api.setCurrentPerson('p1'), 'set_current_person', { id: 'p1' }],
      [() => api.listCategories(), 'list_categories', undefined],
      [() => api.getSettings(), 'get_settings', undefined],
      [() => api.saveSettings(settings), 'save_settings', { settings }],
      [() => api.previewPlanText('计划'), 'preview_plan_text', { text: '计划' }],
      [() => api.openPlanFile(), 'open_plan_file', { title: '打开工作计划' }],
      [() => api.importPlan({ tasks: [], create_departments: ['督导室'], plan_year: 2019 }), 'import_plan', { request: { tasks: [], create_departments: ['督导室'], plan_year: 2019 } }],
      [() => api.listTemplates(), 'list_templates', undefined],
      [() => api.templateVersions('t1'), 'template_versions', { id: 't1' }],
      [() => api.saveTemplate(template), 'save_template', { template }],
      [() => api.departmentProgress(), 'department_progress', undefined],
      [() => api.auditLog(audit), 'audit_log', { query: audit }],
      [() => api.exportAuditCsv(audit), 'export_audit_csv', { query: audit, title: '导出操作日志' }],
    ];
    for (const [call, command, args] of calls) {
      invoke.mockClear();
      await call();
      expect(invoke).toHaveBeenCalledTimes(1);
      const [name, sent] = invoke.mock.calls[0];
      expect(name).toBe(command);
      expect(sent).toEqual(args);
    }
  });

  it('passes a rejection through as the error payload', async () => {
    invoke.mockRejectedValue({ code: 'not_found', message: 'no item', problems: [] });
    await expect(api.getItem('x')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('calls every listed command, each through the typed call and nothing else', () => {
    const called = [...apiSource.matchAll(/\bcall\('(\w+)'/g)].map((m) => m[1]).sort();
    expect(called).toEqual([...COMMAND_NAMES].sort());
    // The one invoke is call's own.
    expect(apiSource.match(/\binvoke(<[^>]*>)?\(/g)).toHaveLength(1);
  });
});

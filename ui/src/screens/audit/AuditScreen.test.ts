import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { AuditEntry, AuditQuery, HistoryEntry } from '../../ipc/bindings';

const auditLog = vi.fn();
const exportAuditCsv = vi.fn();
vi.mock('../../ipc/api', () => ({
  auditLog: (q: AuditQuery) => auditLog(q),
  exportAuditCsv: (q: AuditQuery) => exportAuditCsv(q),
  listPeople: async () => [
    { id: 'p1', name: '王芳', department_id: null, roles: ['clerk'] },
    { id: 'p2', name: '李强', department_id: null, roles: ['section_head'] },
  ],
}));

const { default: AuditScreen } = await import('./AuditScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');
const { session } = await import('../../lib/session.svelte');
const { auditChange, auditFieldLabel, buildAuditQuery, shorten } = await import('./auditRows');

function entry(over: Partial<HistoryEntry>, rest: Partial<AuditEntry> = {}): AuditEntry {
  return {
    entry: {
      op_id: `op-${Math.random()}`,
      at: '2026-11-24T02:05:00Z',
      author_id: 'p1',
      author_name: '王芳',
      device_id: 'a1b2c3d4e5f6',
      kind: 'set',
      field: 'doc_no',
      old_value: '大教发〔2019〕1号',
      new_value: '大教发〔2019〕12号',
      ...over,
    },
    entity: 'item',
    entity_id: 'item-1',
    entity_label: '关于招生工作的通知',
    key_events: [],
    ...rest,
  };
}

const ENTRIES: AuditEntry[] = [
  entry({}),
  entry({ field: 'status', old_value: 'in_review', new_value: 'awaiting_signoff' }),
  entry({ kind: 'add', field: 'channels', old_value: null, new_value: '政府网站' }),
  entry({ kind: 'set', field: 'name', old_value: '规法处', new_value: '政策法规处', author_name: '' }, { entity: 'department', entity_id: 'd1', entity_label: '政策法规处' }),
  entry({ kind: 'set', field: 'office_signs', old_value: false, new_value: true }, { entity: 'setting', entity_id: 'catalog', entity_label: null }),
  entry({ kind: 'create', field: null, old_value: null, new_value: { title: 'x' } }, { entity_label: null }),
];

function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

beforeEach(() => {
  auditLog.mockReset();
  auditLog.mockImplementation(async (q: AuditQuery) => ({ entries: ENTRIES, total: 250, offset: q.offset }));
  exportAuditCsv.mockReset();
  session.departments = [];
  setLang('zh-CN');
});

describe('AuditScreen', () => {
  it('lists the newest entries with time, person, PC, object, action, field and values', async () => {
    const { findByTestId, getAllByTestId, getByTestId } = render(AuditScreen);
    await findByTestId('audit-table');
    expect(auditLog).toHaveBeenCalledWith({ author_id: null, from: null, to: null, offset: 0, limit: 100 });
    const rows = getAllByTestId('audit-row').map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()));
    expect(rows[0]).toEqual([localTime('2026-11-24T02:05:00Z'), '王芳', '电脑 a1b2c3d4', '事项 关于招生工作的通知', '修改', '文号', '大教发〔2019〕1号 → 大教发〔2019〕12号']);
    expect(rows[0][0]).toMatch(/^2026年11月2[34]日 \d\d:\d\d$/);
    expect(rows[1][6]).toBe('审查中 → 待签批');
    expect(rows[2].slice(4)).toEqual(['添加', '公开渠道', '政府网站']);
    expect(rows[3].slice(1)).toEqual(['（未知）', '电脑 a1b2c3d4', '部门 政策法规处', '修改', '名称', '规法处 → 政策法规处']);
    expect(rows[4].slice(3)).toEqual(['目录设置 catalog', '修改', '允许政务公开办签批各部门事项', '否 → 是']);
    expect(rows[5].slice(3)).toEqual(['事项 （已删除）', '创建', '', '']);
    expect(getByTestId('audit-total').textContent).toContain('第 1–6 条，共 250 条');
  });

  it('asks again with the chosen person and dates, and pages through', async () => {
    const { findByTestId, getByTestId } = render(AuditScreen);
    await findByTestId('audit-table');
    const person = getByTestId('audit-person') as HTMLSelectElement;
    await waitFor(() => expect(person.options).toHaveLength(3));
    await fireEvent.change(person, { target: { value: 'p2' } });
    await fireEvent.change(getByTestId('audit-from'), { target: { value: '2026-11-01' } });
    await fireEvent.change(getByTestId('audit-to'), { target: { value: '2026-11-30' } });
    await waitFor(() =>
      expect(auditLog).toHaveBeenLastCalledWith({ author_id: 'p2', from: '2026-11-01', to: '2026-11-30', offset: 0, limit: 100 }),
    );
    await fireEvent.click(getByTestId('audit-next'));
    await waitFor(() => expect(auditLog).toHaveBeenLastCalledWith(expect.objectContaining({ author_id: 'p2', offset: 100 })));
    await fireEvent.click(getByTestId('audit-prev'));
    await waitFor(() => expect(auditLog).toHaveBeenLastCalledWith(expect.objectContaining({ offset: 0 })));
  });

  it('refuses a start date after the end date without asking', async () => {
    const { findByTestId, getByTestId, queryByTestId } = render(AuditScreen);
    await findByTestId('audit-table');
    const calls = auditLog.mock.calls.length;
    await fireEvent.change(getByTestId('audit-from'), { target: { value: '2026-12-01' } });
    await fireEvent.change(getByTestId('audit-to'), { target: { value: '2026-11-01' } });
    expect((await findByTestId('audit-range-invalid')).textContent).toContain('开始日期晚于结束日期');
    expect(auditLog.mock.calls.slice(calls).every(([q]) => q.to === null)).toBe(true);
    expect(queryByTestId('audit-table')).toBeNull();
    expect((getByTestId('audit-export') as HTMLButtonElement).disabled).toBe(true);
  });

  it('exports the filtered log as CSV and says where it went', async () => {
    exportAuditCsv.mockResolvedValueOnce('/home/wang/操作日志-2026-11-24.csv').mockResolvedValueOnce(null);
    const { findByTestId, getByTestId, queryByTestId } = render(AuditScreen);
    await findByTestId('audit-table');
    await fireEvent.change(getByTestId('audit-from'), { target: { value: '2026-11-01' } });
    await fireEvent.click(getByTestId('audit-export'));
    expect(exportAuditCsv).toHaveBeenCalledWith({ author_id: null, from: '2026-11-01', to: null, offset: 0, limit: 0 });
    expect((await findByTestId('audit-exported')).textContent).toContain('已导出到 /home/wang/操作日志-2026-11-24.csv');

    // Cancelled in the dialog: nothing is claimed.
    await fireEvent.click(getByTestId('audit-export'));
    await waitFor(() => expect(exportAuditCsv).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(queryByTestId('audit-exported')).toBeNull());
  });

  it('shows an export failure with the backend\'s reason', async () => {
    exportAuditCsv.mockRejectedValue({ code: 'storage', message: 'cannot write /mnt/share/x.csv', problems: [] });
    const { findByTestId, getByTestId } = render(AuditScreen);
    await findByTestId('audit-table');
    await fireEvent.click(getByTestId('audit-export'));
    expect((await findByTestId('error-detail')).textContent).toContain('/mnt/share/x.csv');
  });
});

describe('audit rows', () => {
  it('shortens long values and keeps the whole text for the tooltip', () => {
    const long = '长'.repeat(100);
    const change = auditChange(entry({ field: 'summary', old_value: long, new_value: '短' }), {
      lang: 'zh-CN',
      departments: new Map(),
      categories: new Map(),
    });
    expect(change.short).toBe(`${shorten(long)} → 短`);
    expect([...shorten(long)].length).toBe(40);
    expect(change.full).toBe(`${long} → 短`);
  });

  it('tells what a roster version or a key did instead of its signed text', () => {
    const change = auditChange(
      entry(
        { kind: 'create', field: null, old_value: null, new_value: { body: '{…}', signature: 'ab' } },
        {
          entity: 'roster',
          entity_id: 'v2-1234',
          entity_label: null,
          key_events: [
            { kind: 'person_enrolled', name: '李处长', roles: ['section_head'], fingerprint: '11111 22222' },
            { kind: 'device_enrolled', device_id: 'a1b2c3d4e5f6', fingerprint: '33333 44444' },
          ],
        },
      ),
      { lang: 'zh-CN', departments: [], people: [], categories: [] } as never,
    );
    expect(change.full).toBe('登记 李处长（处室负责人），密钥指纹 11111 22222；登记电脑 a1b2c3d4e5f6，设备密钥指纹 33333 44444');
  });

  it('names fields of other objects, or keeps an unknown key', () => {
    expect(auditFieldLabel('person', 'roles', 'zh-CN')).toBe('角色');
    expect(auditFieldLabel('template', 'checks', 'en')).toBe('Checks');
    expect(auditFieldLabel('signoff', 'content_hash', 'zh-CN')).toBe('content_hash');
    expect(auditFieldLabel('item', null, 'zh-CN')).toBe('');
  });

  it('builds the query: empty filters are no filters', () => {
    expect(buildAuditQuery({ authorId: '', from: '', to: '2026-11-30' }, 200)).toEqual({
      author_id: null,
      from: null,
      to: '2026-11-30',
      offset: 200,
      limit: 100,
    });
  });
});

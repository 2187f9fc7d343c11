import { describe, expect, it, vi } from 'vitest';
import { render, waitFor } from '@testing-library/svelte';
import type { HistoryEntry } from '../../ipc/bindings';
import { blankItem } from '../../lib/item';
import { sampleReview } from '../../lib/reviewFixtures';

const entries: HistoryEntry[] = [
  { op_id: 'o2', at: '2026-11-24T10:00:00+08:00', author_id: 'p1', author_name: '王芳', device_id: 'a3f9c2d17e4b', kind: 'set', field: 'doc_no', old_value: '旧', new_value: '新' },
  { op_id: 'o3', at: '2026-11-24T11:00:00+08:00', author_id: 'p1', author_name: '王芳', device_id: 'a3f9c2d17e4b', kind: 'set', field: 'check:check_political', old_value: null, new_value: { key: 'check_political', state: 'passed', by: 'p1', at: '2026-11-24T03:00:00Z', note: '' } },
  { op_id: 'o4', at: '2026-11-24T11:30:00+08:00', author_id: 'p1', author_name: '王芳', device_id: 'a3f9c2d17e4b', kind: 'set', field: 'reviewer_id', old_value: null, new_value: 'p2' },
  { op_id: 'o1', at: '2026-11-24T09:00:00+08:00', author_id: 'p1', author_name: '<i>王芳</i>', device_id: 'a3f9c2d17e4b', kind: 'create', field: null, old_value: null, new_value: null },
];

vi.mock('../../ipc/api', () => ({
  itemHistory: async () => entries,
  getItem: async (id: string) => ({ ...blankItem(), id, title: '关于招生的通知' }),
  listPeople: async () => [{ id: 'p2', name: '赵强', department_id: null, roles: ['section_head'] }],
  itemReview: async () => sampleReview(),
  listTemplates: async () => {
    throw { code: 'storage', message: 'x', problems: [] };
  },
}));

const { default: HistoryScreen } = await import('./HistoryScreen.svelte');

describe('HistoryScreen', () => {
  it('lists who changed what, on which PC, newest first', async () => {
    const { findAllByTestId, container } = render(HistoryScreen, { itemId: 'item-1' });
    const rows = await findAllByTestId('history-row');
    expect(rows).toHaveLength(4);
    expect(rows[0].textContent).toContain('修改 文号：旧 → 新');
    await waitFor(() => expect(rows[1].textContent).toContain('修改 检查项 政治关：（空） → 通过'));
    expect(rows[2].textContent).toContain('修改 审核人：（空） → 赵强');
    expect(rows[0].textContent).toContain('王芳');
    expect(rows[0].textContent).toContain('a3f9c2d1');
    expect(rows[0].textContent).toContain('2026年11月24日');
    expect(rows[3].textContent).toContain('创建');
    expect(container.querySelector('i')).toBeNull();
  });
});

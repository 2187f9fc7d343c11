import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render } from '@testing-library/svelte';
import Filters from './Filters.svelte';
import { catalogState } from './catalogState.svelte';
import { defaultFilters } from '../../lib/query';
import { session } from '../../lib/session.svelte';
import { setLang } from '../../i18n/index.svelte';

beforeEach(() => {
  catalogState.filters = defaultFilters();
  session.departments = [{ id: 'd1', name: '办公室', code: 'BGS', kind: 'department' }];
  setLang('zh-CN');
});

describe('Filters', () => {
  it('offers "all" and each choice, sets a filter and clears them all', async () => {
    const { getByLabelText, getByText, queryByText } = render(Filters);
    const department = getByLabelText('部门') as HTMLSelectElement;
    const due = getByLabelText('办理期限') as HTMLSelectElement;
    expect([...department.options].map((o) => o.textContent)).toEqual(['全部部门', '办公室']);
    expect([...due.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', '全部期限'],
      ['overdue', '已逾期'],
      ['due_this_week', '本周到期'],
      ['overdue_or_due_this_week', '逾期或本周到期'],
    ]);
    expect(queryByText('清除筛选')).toBeNull();

    await fireEvent.change(due, { target: { value: 'overdue' } });
    await fireEvent.change(getByLabelText('状态'), { target: { value: 'in_review' } });
    expect(catalogState.filters).toMatchObject({ due: 'overdue', status: 'in_review', departmentId: null, disclosure: null });

    await fireEvent.change(due, { target: { value: '' } });
    expect(catalogState.filters.due).toBeNull();
    await fireEvent.click(getByText('清除筛选'));
    expect(catalogState.filters.status).toBeNull();
  });
});

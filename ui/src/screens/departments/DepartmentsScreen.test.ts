import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { Department, Person } from '../../ipc/bindings';

let departments: Department[] = [];
let people: Person[] = [];
const saveDepartment = vi.fn(async (d: Department) => {
  const saved = { ...d, id: d.id || `d${departments.length + 1}` };
  departments = [...departments.filter((x) => x.id !== saved.id), saved];
  return saved;
});
const savePerson = vi.fn(async (p: Person) => {
  const saved = { ...p, id: p.id || `p${people.length + 1}` };
  people = [...people.filter((x) => x.id !== saved.id), saved];
  return saved;
});

vi.mock('../../ipc/api', () => ({
  listDepartments: async () => departments,
  saveDepartment: (d: Department) => saveDepartment(d),
  listPeople: async () => people,
  savePerson: (p: Person) => savePerson(p),
  setCurrentPerson: async () => null,
}));

const { default: DepartmentsScreen } = await import('./DepartmentsScreen.svelte');
const { session } = await import('../../lib/session.svelte');
const { setLang } = await import('../../i18n/index.svelte');

beforeEach(() => {
  departments = [{ id: 'd1', name: '办公室', code: 'BGS', kind: 'department' }];
  people = [];
  session.departments = departments;
  saveDepartment.mockClear();
  savePerson.mockClear();
  setLang('zh-CN');
});

describe('DepartmentsScreen', () => {
  it('adds a person in a row form that Enter saves', async () => {
    const { findByText, getByTestId, findAllByTestId, queryByTestId } = render(DepartmentsScreen);
    await findByText('还没有人员。');
    await fireEvent.click(getByTestId('add-person'));
    expect((getByTestId('add-person') as HTMLButtonElement).disabled).toBe(true);
    const name = getByTestId('person-name');
    await fireEvent.input(name, { target: { value: ' 王芳 ' } });
    await fireEvent.keyDown(name, { key: 'Enter' });
    const rows = await findAllByTestId('person-row');
    expect(rows).toHaveLength(1);
    expect(rows[0].textContent).toContain('王芳');
    expect(savePerson).toHaveBeenCalledWith({ id: '', name: '王芳', department_id: null, roles: ['clerk'] });
    expect(queryByTestId('person-name')).toBeNull();
  });

  it('edits a department in place; Escape leaves it unchanged', async () => {
    const { getAllByTestId, getByTestId, getByText, queryByTestId } = render(DepartmentsScreen);
    expect(getAllByTestId('department-row')).toHaveLength(1);
    await fireEvent.click(getByText('编辑'));
    expect(queryByTestId('department-row')).toBeNull();
    const name = getByTestId('department-name');
    await fireEvent.input(name, { target: { value: '' } });
    await fireEvent.keyDown(name, { key: 'Escape' });
    expect(getByTestId('department-row').textContent).toContain('办公室');

    await fireEvent.click(getByText('编辑'));
    await fireEvent.input(getByTestId('department-name'), { target: { value: '政府办公室' } });
    await fireEvent.click(getByTestId('department-save'));
    await waitFor(() => expect(getByTestId('department-row').textContent).toContain('政府办公室'));
    expect(saveDepartment).toHaveBeenCalledWith({ id: 'd1', name: '政府办公室', code: 'BGS', kind: 'department' });
  });
});

import { describe, expect, it } from 'vitest';
import type { PlanPreview, PlanTask } from '../../ipc/bindings';
import { buildImportRequest, initialSelection, tasksWithWarning } from './planSelection';

function task(n: number): PlanTask {
  return { path: [n], number: String(n), section: '', title: `任务${n}`, text: '', departments: [], key: `k${n}` };
}

const preview: PlanPreview = {
  parse: {
    tasks: [task(1), task(2), task(3)],
    warnings: [
      { task: 1, code: 'garbled_heading', message: '', excerpt: '锟斤拷' },
      { task: null, code: 'garbled_heading', message: '', excerpt: '' },
      { task: 2, code: 'no_departments', message: '', excerpt: '' },
    ],
    year: 2019,
  },
  encoding: 'GB18030',
  tasks: [
    { already_imported: false, departments: [] },
    { already_imported: true, departments: [] },
    { already_imported: false, departments: [] },
  ],
  unknown_departments: ['新设处', '督导室'],
};

describe('plan selection', () => {
  it('leaves tasks imported before unticked', () => {
    expect(initialSelection(preview)).toEqual([true, false, true]);
  });

  it('sends the ticked (edited) tasks and only the confirmed departments', () => {
    const tasks = preview.parse.tasks.map((t) => ({ ...t }));
    tasks[2].title = '改过的名称';
    const request = buildImportRequest(tasks, [true, false, true], preview.unknown_departments, new Set(['督导室']));
    expect(request.tasks.map((t) => t.title)).toEqual(['任务1', '改过的名称']);
    expect(request.create_departments).toEqual(['督导室']);
  });

  it('finds the tasks with a given warning', () => {
    expect([...tasksWithWarning(preview, 'garbled_heading')]).toEqual([1]);
  });
});

// What the person picked in a plan preview, turned into the import request.

import type { PlanImportRequest, PlanPreview, PlanTask } from '../../ipc/bindings';

/** Tasks imported before start unticked; everything else is ticked. */
export function initialSelection(preview: PlanPreview): boolean[] {
  return preview.parse.tasks.map((_, i) => !(preview.tasks[i]?.already_imported ?? false));
}

export function buildImportRequest(
  tasks: PlanTask[],
  included: boolean[],
  unknownDepartments: string[],
  confirmed: ReadonlySet<string>,
  planYear: number | null = null,
): PlanImportRequest {
  return {
    tasks: tasks.filter((_, i) => included[i]),
    create_departments: unknownDepartments.filter((name) => confirmed.has(name)),
    plan_year: planYear,
  };
}

/** Tasks that have a warning of the given code, by index. */
export function tasksWithWarning(preview: PlanPreview, code: string): Set<number> {
  return new Set(
    preview.parse.warnings.filter((w) => w.code === code && w.task !== null).map((w) => w.task as number),
  );
}

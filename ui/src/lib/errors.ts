// Turning a rejected command into words. The backend's `code` picks the message; `message` is only
// shown for a code this version does not know.

import type { ErrorPayload, FieldProblem } from '../ipc/bindings';
import { tDynamic, t } from '../i18n/index.svelte';

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as Partial<ErrorPayload>;
    return {
      code: e.code as string,
      message: typeof e.message === 'string' ? e.message : '',
      problems: Array.isArray(e.problems) ? e.problems : [],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_client', message, problems: [] };
}

export function errorText(error: ErrorPayload): string {
  return tDynamic(`errors.${error.code}`, t('errors.unknown', { message: error.message || error.code }));
}

export function problemText(problem: FieldProblem): string {
  return tDynamic(`problems.${problem.code}`, problem.message || problem.code);
}

/** Problems grouped by field, in the order they came. */
export function problemsByField(problems: FieldProblem[]): Map<string, FieldProblem[]> {
  const out = new Map<string, FieldProblem[]>();
  for (const p of problems) {
    const list = out.get(p.field) ?? [];
    list.push(p);
    out.set(p.field, list);
  }
  return out;
}

// Turning a rejected command into words. The backend's `code` picks the headline. The backend's
// `message` is shown for a code this version does not know, and beneath the headline for the codes
// where it names the file or the exact fault (see errorDetail).

import type { ErrorPayload, FieldProblem } from '../ipc/bindings';
import { hasKey, tDynamic, t } from '../i18n/index.svelte';
import {
  CHECK_KEY_MAX_CHARS,
  COMMENT_PERIOD_DAYS_MAX,
  COMMENT_PERIOD_DAYS_MIN,
  DUE_DAYS_MAX,
  DUE_DAYS_MIN,
  OFFICE_YEAR_MAX,
  OFFICE_YEAR_MIN,
} from '../ipc/rules';

/** The backend's limits, for the translations of the problems that name them. */
const LIMITS = {
  CHECK_KEY_MAX_CHARS,
  COMMENT_PERIOD_DAYS_MAX,
  COMMENT_PERIOD_DAYS_MIN,
  DUE_DAYS_MAX,
  DUE_DAYS_MIN,
  OFFICE_YEAR_MAX,
  OFFICE_YEAR_MIN,
};

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

/**
 * Codes whose backend message is worth showing beneath the translated headline: storage errors name
 * the file or folder and what to do with it (for IT), invalid_argument says exactly what was refused.
 */
export const DETAIL_CODES: ReadonlySet<string> = new Set([
  'database_corrupt',
  'disk_full',
  'database_foreign',
  'database_newer',
  'data_dir_read_only',
  'data_dir_unavailable',
  'storage',
  'invalid_argument',
  'sync_folder_unreachable',
  'sync_folder_rename_failed',
  'sync_format_unreadable',
  'sync_catalog_mismatch',
  'sync_catalog_ambiguous',
  'update_config_invalid',
  'update_folder_unreachable',
  'update_server_unreachable',
  'update_manifest_invalid',
  'update_package_incomplete',
  'update_wrong_key',
  'update_version_mismatch',
  'update_install_failed',
]);

/**
 * What to show beneath errorText(), or "" when there is nothing to add: a refusal's problems in
 * the person's language, else the backend's own words for the codes above.
 */
export function errorDetail(error: ErrorPayload): string {
  if (error.code === 'invalid_argument' && error.problems.length > 0) return error.problems.map(problemText).join(' ');
  const message = error.message.trim();
  return DETAIL_CODES.has(error.code) && hasKey(`errors.${error.code}`) ? message : '';
}

/**
 * A problem in words, from its code. A translation may name the problem's `{field}` (for a
 * calendar file, the line) and the backend's limits (`{DUE_DAYS_MAX}`).
 */
export function problemText(problem: FieldProblem): string {
  return tDynamic(`problems.${problem.code}`, problem.message || problem.code, { ...LIMITS, field: problem.field });
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

// A checklist template as the editor holds it: checks as rows that keep their identity while they
// move, the checks' problems the backend would refuse (said early, in the person's language), and
// the template that is sent back.

import type { CheckDef, CheckRule, ChecklistTemplate, Disclosure } from '../../ipc/bindings';
import { CHECK_KEY_MAX_CHARS, CHECK_KEY_SYMBOLS, COMMENT_PERIOD_DAYS_MAX, COMMENT_PERIOD_DAYS_MIN } from '../../ipc/rules';

export type RuleType = CheckRule['type'];

export const RULE_TYPES: readonly RuleType[] = [
  'manual',
  'disclosure_decided',
  'personal_data',
  'interpretation_linked',
  'comment_period',
  'attachments_and_links',
];

/** The sample plan asks 15 days of public comment; 规章 need 30. */
export const DEFAULT_MIN_DAYS = 15;
/** The backend's limits of a template (generated from desk-core). */
export { COMMENT_PERIOD_DAYS_MIN as MIN_DAYS_MIN, COMMENT_PERIOD_DAYS_MAX as MIN_DAYS_MAX } from '../../ipc/rules';

/** Whether a check key is what the backend accepts: 1 to CHECK_KEY_MAX_CHARS ASCII letters, digits or CHECK_KEY_SYMBOLS. */
export function keyIsValid(key: string): boolean {
  return key.length >= 1 && key.length <= CHECK_KEY_MAX_CHARS && [...key].every((c) => /^[A-Za-z0-9]$/.test(c) || CHECK_KEY_SYMBOLS.includes(c));
}

export interface CheckRow {
  /** Stays with the row when it moves. */
  row: number;
  key: string;
  group: string;
  label: string;
  guidance: string;
  required: boolean;
  allow_not_applicable: boolean;
  rule: RuleType;
  /** For comment_period; null while the box is empty. */
  min_days: number | null;
  /** The 公开属性 the check is asked of (empty: every item), kept as it came. */
  disclosures: Disclosure[];
}

export interface TemplateForm {
  name: string;
  category_ids: string[];
  checks: CheckRow[];
}

let lastRow = 0;

export function checkRow(def?: CheckDef): CheckRow {
  lastRow += 1;
  return {
    row: lastRow,
    key: def?.key ?? '',
    group: def?.group ?? '',
    label: def?.label ?? '',
    guidance: def?.guidance ?? '',
    required: def?.required ?? true,
    allow_not_applicable: def?.allow_not_applicable ?? false,
    rule: def?.rule.type ?? 'manual',
    min_days: def?.rule.type === 'comment_period' ? def.rule.min_days : DEFAULT_MIN_DAYS,
    disclosures: [...(def?.disclosures ?? [])],
  };
}

export function blankTemplate(): ChecklistTemplate {
  return { id: '', name: '', category_ids: [], version: 0, checks: [], created_at: '', created_by: '' };
}

export function toForm(template: ChecklistTemplate): TemplateForm {
  return {
    name: template.name,
    category_ids: [...template.category_ids],
    checks: template.checks.map((c) => checkRow(c)),
  };
}

function rule(row: CheckRow): CheckRule {
  if (row.rule === 'comment_period') {
    const days = row.min_days;
    return { type: 'comment_period', min_days: typeof days === 'number' && Number.isInteger(days) && days > 0 ? days : 0 };
  }
  return { type: row.rule };
}

/**
 * The template to save: the form's content on the base's identity (id, and the version it was made
 * from). Texts go without surrounding spaces.
 */
export function fromForm(form: TemplateForm, base: ChecklistTemplate): ChecklistTemplate {
  return {
    ...base,
    name: form.name.trim(),
    category_ids: [...form.category_ids],
    checks: form.checks.map(
      (row): CheckDef => ({
        key: row.key.trim(),
        group: row.group.trim(),
        label: row.label.trim(),
        guidance: row.guidance.trim(),
        required: row.required,
        allow_not_applicable: row.allow_not_applicable,
        rule: rule(row),
        disclosures: [...row.disclosures],
      }),
    ),
  };
}

/** Whether two templates say the same (identity and version aside). */
export function sameContent(a: ChecklistTemplate, b: ChecklistTemplate): boolean {
  const content = (t: ChecklistTemplate) => JSON.stringify([t.name, [...t.category_ids].sort(), t.checks]);
  return content(a) === content(b);
}

export type CheckIssue =
  | { kind: 'key_empty' }
  | { kind: 'key_invalid' }
  | { kind: 'key_duplicate'; of: number }
  | { kind: 'label_empty' }
  | { kind: 'min_days' };

/** Per check, what the backend would refuse; `of` is the 1-based number of the earlier check. */
export function checkIssues(rows: readonly CheckRow[]): CheckIssue[][] {
  const firstWithKey = new Map<string, number>();
  return rows.map((row, index) => {
    const issues: CheckIssue[] = [];
    const key = row.key.trim();
    if (key === '') issues.push({ kind: 'key_empty' });
    else if (!keyIsValid(key)) issues.push({ kind: 'key_invalid' });
    else if (firstWithKey.has(key)) issues.push({ kind: 'key_duplicate', of: (firstWithKey.get(key) ?? 0) + 1 });
    else firstWithKey.set(key, index);
    if (row.label.trim() === '') issues.push({ kind: 'label_empty' });
    if (row.rule === 'comment_period') {
      const days = row.min_days;
      if (!(typeof days === 'number' && Number.isInteger(days) && days >= COMMENT_PERIOD_DAYS_MIN && days <= COMMENT_PERIOD_DAYS_MAX)) {
        issues.push({ kind: 'min_days' });
      }
    }
    return issues;
  });
}

export interface FormIssues {
  name: boolean;
  noChecks: boolean;
  checks: CheckIssue[][];
  count: number;
}

export function formIssues(form: TemplateForm): FormIssues {
  const checks = checkIssues(form.checks);
  const name = form.name.trim() === '';
  const noChecks = form.checks.length === 0;
  const count = (name ? 1 : 0) + (noChecks ? 1 : 0) + checks.reduce((sum, list) => sum + list.length, 0);
  return { name, noChecks, checks, count };
}

// The item's review in words and figures: checklist groups and progress, findings as sentences,
// which workflow buttons to show, sign-off hashes, people by name, and taking the backend's copy
// of an item into a form that may hold unsaved edits.

import type {
  Action,
  ActionState,
  CheckState,
  CheckView,
  Department,
  Finding,
  Item,
  ItemChecklist,
  Person,
  Status,
} from '../ipc/bindings';
import { t, tDynamic, type Lang } from '../i18n/index.svelte';
import { errorText } from './errors';
import { SIGNED_FIELDS } from '../ipc/rules';
import { WORKFLOW_FIELDS } from './item';
import { fieldLabel } from './history';
import type { Tone } from './status';

/** A run of checks under one heading; `group` is "" for checks that stand on their own. */
export interface CheckGroup {
  group: string;
  checks: CheckView[];
}

/**
 * Checks grouped by `def.group` in the template's order: a named group gathers all its checks at
 * the place it first appears; checks without a group stay where they are, as runs of their own.
 */
export function groupChecks(checks: readonly CheckView[]): CheckGroup[] {
  const out: CheckGroup[] = [];
  const named = new Map<string, CheckGroup>();
  for (const check of checks) {
    const group = check.def.group.trim();
    if (group === '') {
      const last = out[out.length - 1];
      if (last && last.group === '') last.checks.push(check);
      else out.push({ group: '', checks: [check] });
      continue;
    }
    const existing = named.get(group);
    if (existing) {
      existing.checks.push(check);
    } else {
      const fresh = { group, checks: [check] };
      named.set(group, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/** Whether a check state lets the item through sign-off. */
export function isSettled(state: CheckState): boolean {
  return state === 'passed' || state === 'not_applicable';
}

/** Required checks settled (passed or not applicable) out of all required checks. */
export function requiredProgress(checks: readonly CheckView[]): { done: number; total: number } {
  const required = checks.filter((c) => c.def.required);
  return { done: required.filter((c) => isSettled(c.state)).length, total: required.length };
}

/** Labels of the required checks that stop sign-off, in order. */
export function blockingLabels(checks: readonly CheckView[]): string[] {
  return checks.filter((c) => c.def.required && !isSettled(c.state)).map((c) => c.def.label);
}

export function isAutomatic(check: CheckView): boolean {
  return check.def.rule.type !== 'manual';
}

export function checkStateTone(state: CheckState): Tone {
  switch (state) {
    case 'pending':
      return 'neutral';
    case 'passed':
      return 'done';
    case 'failed':
      return 'stop';
    case 'not_applicable':
      return 'muted';
  }
}

/** A finding as a sentence in the current language, with its figures. */
export function findingText(finding: Finding): string {
  const key = `checklist.findings.${finding.code}`;
  switch (finding.code) {
    case 'personal_data':
      return tDynamic(key, finding.code, { n: finding.hits.length });
    case 'interpretation_not_going_out':
      return tDynamic(key, finding.code, { title: finding.title });
    case 'comment_period_too_short':
      return tDynamic(key, finding.code, { days: finding.days, min_days: finding.min_days });
    case 'attachment_missing':
    case 'attachment_damaged':
      return tDynamic(key, finding.code, { name: finding.name });
    case 'link_broken':
      return tDynamic(key, finding.code, { id: shortId(finding.target_id) });
    case 'url_malformed':
      return tDynamic(key, finding.code, { url: finding.url });
    default:
      return tDynamic(key, finding.code);
  }
}

function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** The findings about one attachment (missing or damaged in the store), from the whole checklist. */
export function attachmentFindings(checklist: ItemChecklist | null | undefined, name: string): Finding[] {
  if (!checklist) return [];
  return checklist.checks.flatMap((c) =>
    c.findings.filter((f) => (f.code === 'attachment_missing' || f.code === 'attachment_damaged') && f.name === name),
  );
}

/**
 * The buttons of the action bar: what the backend allows now, in the bar's order, plus sign-off
 * while the item waits for it even when this person may not sign (shown disabled with why).
 */
export function visibleActions(actions: readonly ActionState[], status: Status, order: readonly Action[]): ActionState[] {
  const rank = (a: Action) => {
    const i = order.indexOf(a);
    return i < 0 ? order.length : i;
  };
  // The person's own work first (by their roles), then what others usually do.
  return actions
    .filter((a) => a.allowed || (a.action === 'sign_off' && status === 'awaiting_signoff'))
    .sort((a, b) => Number(!a.own_work) - Number(!b.own_work) || rank(a.action) - rank(b.action));
}

/** Why an action is refused, in words: the translated code, and the checks that block. */
export function refusalText(state: ActionState, checks: readonly CheckView[]): string {
  const code = state.refusal_code ?? '';
  if (code === 'workflow_checks_blocking') {
    const labels = blockingLabels(checks);
    if (labels.length > 0) return t('workflow.blockingChecks', { checks: labels.join('、') });
  }
  if (code === '') return state.refusal ?? '';
  return errorText({ code, message: state.refusal ?? '', problems: [] });
}

/** "sha256:0123…" → the first 12 hex digits, enough to compare by eye. */
export function shortHash(hash: string): string {
  const hex = hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
  return hex.slice(0, 12);
}

/** The fields whose change voided the sign-off, by label: "文号、审查清单". */
export function changedFieldsText(keys: readonly string[], lang: Lang, checks?: readonly CheckView[]): string {
  const labels = checks ? new Map(checks.map((c) => [c.def.key, c.def.label])) : undefined;
  return keys.map((key) => fieldLabel(key, lang, labels)).join(lang === 'en' ? ', ' : '、');
}

/** What the status note means, by the status it left the item in. */
export function statusNoteText(status: Status, note: string): string {
  if (note.trim() === '') return '';
  if (status === 'withdrawn') return t('review.noteWithdraw', { note });
  if (status === 'not_disclosed') return t('review.noteNotDisclosed', { note });
  return t('review.noteSendBack', { note });
}

/** "王芳（规法处）", or the name alone when the person has no known department. */
export function personLabel(person: Person, departments: readonly Department[]): string {
  const department = departments.find((d) => d.id === person.department_id)?.name;
  return department ? t('review.personWithDepartment', { name: person.name, department }) : person.name;
}

/** A person's name by id; an id no one has (a person since removed, an OS account "os:<user>") as is. */
export function personName(id: string, people: readonly Person[]): string {
  return people.find((p) => p.id === id)?.name ?? id;
}

/** Calendar days of a comment period, first and last day counted; null when incomplete or reversed. */
export function commentPeriodDays(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const a = Date.parse(`${start}T00:00:00Z`);
  const b = Date.parse(`${end}T00:00:00Z`);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return null;
  return Math.round((b - a) / 86_400_000) + 1;
}

/**
 * The backend's copy of an item taken into a form: fields the person changed since `base` (the
 * copy the form started from) keep their edits, every other field takes the new value, and the
 * workflow's own fields always come from the backend.
 */
export function rebaseItem(local: Item, base: Item, server: Item): Item {
  const out = { ...server } as Record<string, unknown>;
  const localRecord = local as unknown as Record<string, unknown>;
  const baseRecord = base as unknown as Record<string, unknown>;
  for (const key of Object.keys(server)) {
    if ((WORKFLOW_FIELDS as readonly string[]).includes(key) || key === 'id') continue;
    if (JSON.stringify(localRecord[key]) !== JSON.stringify(baseRecord[key])) out[key] = localRecord[key];
  }
  return JSON.parse(JSON.stringify(out)) as Item;
}

/** Statuses a sign-off stands behind: any change to signed content voids it (generated from desk-core). */
export { SIGNED_STATUSES } from '../ipc/rules';

/** The signed fields that differ between the form and the stored item: saving them voids a sign-off. */
export function changedSignedFields(local: Item, stored: Item): string[] {
  const a = local as unknown as Record<string, unknown>;
  const b = stored as unknown as Record<string, unknown>;
  const signed: readonly string[] = SIGNED_FIELDS;
  return Object.keys(stored).filter((key) => signed.includes(key) && JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

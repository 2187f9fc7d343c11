// Editing an item in the form: a blank draft, list-typed fields, and the few form conveniences
// that keep hidden fields from holding values the person cannot see.

import type {
  Action,
  Audience,
  CheckState,
  Disclosure,
  DepartmentKind,
  Item,
  ItemField,
  LinkKind,
  Role,
  Status,
  Validity,
  WithheldReason,
} from '../ipc/bindings';
import { REDACTION_REASONS } from '../ipc/rules';
import type { MessageKey } from '../i18n/index.svelte';

export const STATUSES: readonly Status[] = [
  'draft',
  'in_review',
  'awaiting_signoff',
  'signed_off',
  'exported',
  'published',
  'withdrawn',
  'not_disclosed',
];
/** Every 公开属性, generated from desk-core. */
export { DISCLOSURES } from '../ipc/rules';
export const VALIDITIES: readonly Validity[] = ['valid', 'expired', 'repealed'];
export const AUDIENCES: readonly Audience[] = ['public', 'specific_group'];
export const WITHHELD_REASONS: readonly WithheldReason[] = [
  'state_secret',
  'law_forbids',
  'security_stability',
  'trade_secret',
  'privacy',
  'internal_affairs',
  'process_information',
  'enforcement_case_file',
  'on_request_only',
];
export const LINK_KINDS: readonly LinkKind[] = [
  'interpretation',
  'interprets',
  'comment_feedback',
  'feedback_summary',
  'related',
];
export const DEPARTMENT_KINDS: readonly DepartmentKind[] = ['department', 'unit'];
export const ROLES: readonly Role[] = ['clerk', 'section_head', 'coordinator', 'web_team'];

export const ITEM_FIELDS: readonly ItemField[] = [
  'index_no',
  'title',
  'category_id',
  'summary',
  'elements',
  'legal_basis',
  'issuing_body',
  'doc_no',
  'subject_category',
  'keywords',
  'date_written',
  'date_formed',
  'date_published',
  'due_date',
  'validity',
  'disclosure',
  'withheld_reason',
  'withheld_note',
  'audience',
  'channels',
  'level',
  'lead_department_id',
  'co_department_ids',
  'other_responsible',
  'clerk_id',
  'reviewer_id',
  'signer_id',
  'comment_start',
  'comment_end',
  'attachments',
  'links',
  'status',
  'status_note',
  'changed_after_signoff',
  'published_url',
  'notes',
  'source',
];

/** Fields only workflow actions change: a save keeps the stored values whatever the form sends. */
/** Fields only the workflow changes (generated from desk-core). */
export { WORKFLOW_FIELDS } from '../ipc/rules';

/** The workflow actions in the order their buttons appear. */
export const ACTIONS: readonly Action[] = [
  'submit',
  'request_signoff',
  'sign_off',
  'send_back',
  'decide_not_disclose',
  'mark_exported',
  'mark_published',
  'withdraw',
  'reopen',
];

export const CHECK_STATES: readonly CheckState[] = ['pending', 'passed', 'failed', 'not_applicable'];

export function isItemField(key: string): key is ItemField {
  return (ITEM_FIELDS as readonly string[]).includes(key);
}

/** A new draft; `id: ""` tells the backend to create it. */
export function blankItem(): Item {
  return {
    id: '',
    index_no: '',
    title: '',
    category_id: null,
    summary: '',
    elements: '',
    legal_basis: '',
    issuing_body: '',
    doc_no: '',
    subject_category: '',
    keywords: [],
    date_written: null,
    date_formed: null,
    date_published: null,
    due_date: null,
    validity: 'valid',
    disclosure: 'proactive',
    withheld_reason: null,
    withheld_note: '',
    audience: 'public',
    channels: [],
    level: '',
    lead_department_id: null,
    co_department_ids: [],
    other_responsible: [],
    clerk_id: null,
    reviewer_id: null,
    signer_id: null,
    comment_start: null,
    comment_end: null,
    attachments: [],
    links: [],
    status: 'draft',
    status_note: '',
    changed_after_signoff: [],
    published_url: '',
    notes: '',
    source: '',
  };
}

export function cloneItem(item: Item): Item {
  return JSON.parse(JSON.stringify(item)) as Item;
}

export function sameItem(a: Item, b: Item): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The withholding reason only applies when the item is not proactively disclosed. */
export function showsWithheldReason(disclosure: Disclosure): boolean {
  return disclosure !== 'proactive';
}

/** The reasons a 公开属性 may cite: a redaction cites a ground for what it removed (generated list). */
export function reasonChoices(disclosure: Disclosure): readonly WithheldReason[] {
  return disclosure === 'redacted' ? REDACTION_REASONS : WITHHELD_REASONS;
}

/** The reasons the select lists: those it may cite, and the one held if it is not among them (so the select shows it, and the backend says why it is refused). */
export function reasonOptions(disclosure: Disclosure, held: WithheldReason | null): readonly WithheldReason[] {
  const choices = reasonChoices(disclosure);
  return held === null || choices.includes(held) ? choices : [...choices, held];
}

/** What the reason and its note are called: for 删减后公开 they speak of what was removed. */
export function reasonLabels(disclosure: Disclosure): { reason: MessageKey; note: MessageKey; none: MessageKey } {
  return disclosure === 'redacted'
    ? { reason: 'editor.redactionReason', note: 'editor.redactionNote', none: 'editor.redactionReasonNone' }
    : { reason: 'fields.withheld_reason', note: 'fields.withheld_note', none: 'editor.reasonNone' };
}

/**
 * Changing 公开属性 to 主动公开 clears the reason, which would otherwise be hidden yet refused;
 * a reason the new 公开属性 cannot cite (依申请公开 for a redaction) is cleared too.
 */
export function withDisclosure(item: Item, disclosure: Disclosure): Item {
  const reason = item.withheld_reason;
  const kept = showsWithheldReason(disclosure) && reason !== null && reasonChoices(disclosure).includes(reason);
  return {
    ...item,
    disclosure,
    withheld_reason: kept ? reason : null,
  };
}

/** An empty date input means "no date". */
/** Splits typed text into list entries as the backend does: 、，,；; and line breaks separate. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[、，,；;\n]/)) {
    const trimmed = part.trim();
    if (trimmed && !out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}

/** The list with the entries typed in `text` added (no duplicates). */
export function addToList(list: string[], text: string): string[] {
  const out = [...list];
  for (const entry of splitList(text)) if (!out.includes(entry)) out.push(entry);
  return out;
}

export function toggleInList<T>(list: T[], value: T, on: boolean): T[] {
  const without = list.filter((v) => v !== value);
  return on ? [...without, value] : without;
}

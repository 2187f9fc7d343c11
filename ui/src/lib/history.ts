// One line of an item's history in words: "修改 文号：旧 → 新", "添加 公开渠道：政府网站", "创建".

import type { HistoryEntry, JsonValue } from '../ipc/bindings';
import { tIn, type Lang, type MessageKey } from '../i18n/index.svelte';
import { formatDate } from './format';
import { isItemField } from './item';

export interface HistoryContext {
  lang: Lang;
  /** Department id → name. */
  departments: Map<string, string>;
  /** Category id → path. */
  categories: Map<string, string>;
  /** Item id → title, for links. */
  items?: Map<string, string>;
  /** Person id → name, for assignments. */
  people?: Map<string, string>;
  /** Check key → label, for marks on the checklist ("check:<key>"). */
  checks?: Map<string, string>;
  /** Checklist template id → name. */
  templates?: Map<string, string>;
}

const ENUM_FIELDS: Record<string, string> = {
  status: 'status',
  disclosure: 'disclosure',
  validity: 'validity',
  audience: 'audience',
  withheld_reason: 'withheldReason',
};

const DATE_FIELDS = new Set(['date_written', 'date_formed', 'date_published', 'due_date', 'comment_start', 'comment_end']);
const DEPARTMENT_FIELDS = new Set(['lead_department_id', 'co_department_ids']);
const PERSON_FIELDS = new Set(['clerk_id', 'reviewer_id', 'signer_id']);
const CHECK_PREFIX = 'check:';

function lookupKey(lang: Lang, key: string, fallback: string): string {
  const text = tIn(lang, key as MessageKey);
  return text === key ? fallback : text;
}

export function fieldLabel(field: string, lang: Lang, checks?: Map<string, string>): string {
  if (isItemField(field)) return tIn(lang, `fields.${field}`);
  if (field === 'checklist') return tIn(lang, 'checklist.fieldLabel');
  if (field === 'signature') return tIn(lang, 'review.signatureField');
  if (field.startsWith(CHECK_PREFIX)) {
    const key = field.slice(CHECK_PREFIX.length);
    return tIn(lang, 'checklist.historyField', { label: checks?.get(key) ?? key });
  }
  return tIn(lang, 'history.unknownField', { field });
}

function isRecord(value: JsonValue): value is { [key in string]?: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A mark on a check: its state in words, with the note when there is one. */
function markValue(value: { [key in string]?: JsonValue }, ctx: HistoryContext): string {
  const state = typeof value.state === 'string' ? lookupKey(ctx.lang, `checklist.state.${value.state}`, value.state) : '';
  const note = typeof value.note === 'string' ? value.note.trim() : '';
  return note ? `${state}（${note}）` : state;
}

/** One value (or one element of a list field) as a person reads it. */
export function historyValue(field: string | null, value: JsonValue, ctx: HistoryContext): string {
  const { lang } = ctx;
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return tIn(lang, 'app.empty');
  }
  if (Array.isArray(value)) {
    return value.map((v) => historyValue(field, v, ctx)).join('、');
  }
  if (typeof value === 'string') {
    if (field && field in ENUM_FIELDS) return lookupKey(lang, `${ENUM_FIELDS[field]}.${value}`, value);
    if (field && DATE_FIELDS.has(field)) return formatDate(value, lang);
    if (field && DEPARTMENT_FIELDS.has(field)) return ctx.departments.get(value) ?? value;
    if (field && PERSON_FIELDS.has(field)) return ctx.people?.get(value) ?? value;
    if (field === 'category_id') return ctx.categories.get(value) ?? value;
    if (field === 'changed_after_signoff') return fieldLabel(value, lang, ctx.checks);
    return value;
  }
  if (isRecord(value) && field?.startsWith(CHECK_PREFIX)) return markValue(value, ctx);
  if (isRecord(value) && field === 'checklist') {
    const id = typeof value.template_id === 'string' ? value.template_id : '';
    const version = typeof value.version === 'number' ? value.version : '';
    return tIn(lang, 'checklist.template', { name: ctx.templates?.get(id) ?? id, version });
  }
  if (isRecord(value) && field === 'attachments') {
    return typeof value.name === 'string' ? value.name : JSON.stringify(value);
  }
  if (typeof value === 'object' && field === 'links') {
    const target = typeof value.target_id === 'string' ? value.target_id : '';
    const kind = typeof value.kind === 'string' ? lookupKey(lang, `linkKind.${value.kind}`, value.kind) : '';
    const title = ctx.items?.get(target) ?? tIn(lang, 'editor.linkUnknown', { id: target.slice(0, 8) });
    return kind ? `${kind}：${title}` : title;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function describeHistoryEntry(entry: HistoryEntry, ctx: HistoryContext): string {
  const { lang } = ctx;
  switch (entry.kind) {
    case 'create':
      return tIn(lang, 'history.create');
    case 'delete':
      return tIn(lang, 'history.delete');
    case 'unknown':
      return tIn(lang, 'history.unknown');
    case 'set':
      if (entry.field === null) return tIn(lang, 'history.setWhole');
      return tIn(lang, 'history.set', {
        field: fieldLabel(entry.field, lang, ctx.checks),
        old: historyValue(entry.field, entry.old_value, ctx),
        new: historyValue(entry.field, entry.new_value, ctx),
      });
    case 'add':
    case 'remove': {
      const field = entry.field ?? '';
      // The element added or removed is the new value for an add and the old one for a remove,
      // but be lenient about which side the backend fills.
      const element = entry.kind === 'add' ? (entry.new_value ?? entry.old_value) : (entry.old_value ?? entry.new_value);
      return tIn(lang, entry.kind === 'add' ? 'history.add' : 'history.remove', {
        field: fieldLabel(field, lang, ctx.checks),
        value: historyValue(field, element, ctx),
      });
    }
  }
}

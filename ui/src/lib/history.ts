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
}

const ENUM_FIELDS: Record<string, string> = {
  status: 'status',
  disclosure: 'disclosure',
  validity: 'validity',
  audience: 'audience',
  withheld_reason: 'withheldReason',
};

const DATE_FIELDS = new Set(['date_written', 'date_formed', 'date_published', 'due_date']);
const DEPARTMENT_FIELDS = new Set(['lead_department_id', 'co_department_ids']);

function lookupKey(lang: Lang, key: string, fallback: string): string {
  const text = tIn(lang, key as MessageKey);
  return text === key ? fallback : text;
}

export function fieldLabel(field: string, lang: Lang): string {
  if (isItemField(field)) return tIn(lang, `fields.${field}`);
  return tIn(lang, 'history.unknownField', { field });
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
    if (field === 'category_id') return ctx.categories.get(value) ?? value;
    return value;
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
    case 'set':
      if (entry.field === null) return tIn(lang, 'history.setWhole');
      return tIn(lang, 'history.set', {
        field: fieldLabel(entry.field, lang),
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
        field: fieldLabel(field, lang),
        value: historyValue(field, element, ctx),
      });
    }
  }
}

// One audit-log entry in words: which object, which field, the values before and after, shortened
// for a table cell (the full text goes in a tooltip). Item fields use the item history's labels and
// value formatting; the other objects' few fields are named here.

import type { AuditEntry, AuditQuery, EntityKind, JsonValue, KeyEvent, Role } from '../../ipc/bindings';
import { tIn, type Lang, type MessageKey } from '../../i18n/index.svelte';
import { fieldLabel, historyValue, type HistoryContext } from '../../lib/history';

export const AUDIT_PAGE_SIZE = 100;
export const SHORT_LENGTH = 40;

export interface AuditFilters {
  /** '' for everyone. */
  authorId: string;
  /** YYYY-MM-DD, or '' for open-ended. */
  from: string;
  to: string;
}

export function emptyAuditFilters(): AuditFilters {
  return { authorId: '', from: '', to: '' };
}

export function buildAuditQuery(filters: AuditFilters, offset = 0, limit = AUDIT_PAGE_SIZE): AuditQuery {
  return {
    author_id: filters.authorId === '' ? null : filters.authorId,
    from: filters.from === '' ? null : filters.from,
    to: filters.to === '' ? null : filters.to,
    offset: Math.max(0, Math.floor(offset)),
    limit,
  };
}

/** A range whose start is after its end would list nothing: say so instead of asking. */
export function rangeIsValid(filters: AuditFilters): boolean {
  return filters.from === '' || filters.to === '' || filters.from <= filters.to;
}

const OTHER_FIELDS: Partial<Record<EntityKind, Record<string, MessageKey>>> = {
  department: { name: 'departments.name', code: 'departments.code', kind: 'departments.kind' },
  person: { name: 'departments.personName', department_id: 'departments.personDepartment', roles: 'departments.roles' },
  setting: {
    channels: 'settings.channelsHeading',
    levels: 'settings.levelsHeading',
    index_rule: 'settings.indexRule',
    org_code: 'settings.orgCode',
    due_working_days: 'settings.dueDays',
    category_deadlines: 'settings.deadlinesHeading',
    office_signs: 'settings.officeSigns',
    export_omit_names: 'settings.exportOmitNames',
  },
  template: { name: 'templates.name', category_ids: 'templates.categories', checks: 'templates.checks' },
};

/** The field's name as a person reads it; an unknown field of another object keeps its key. */
export function auditFieldLabel(entity: EntityKind, field: string | null, lang: Lang): string {
  if (!field) return '';
  if (entity === 'item') return fieldLabel(field, lang);
  const key = OTHER_FIELDS[entity]?.[field];
  return key ? tIn(lang, key) : field;
}

/** Other objects' fields that hold the same kind of value as an item field. */
const VALUE_AS: Record<string, string> = {
  'person:department_id': 'lead_department_id',
  'department:kind': 'department_kind',
};

export function auditValue(entry: AuditEntry, value: JsonValue, ctx: HistoryContext): string {
  const field = entry.entry.field;
  if (typeof value === 'boolean') return tIn(ctx.lang, value ? 'app.yes' : 'app.no');
  if (entry.entity === 'item') return historyValue(field, value, ctx);
  const as = VALUE_AS[`${entry.entity}:${field}`];
  if (as === 'department_kind' && typeof value === 'string') {
    const text = tIn(ctx.lang, `departmentKind.${value}` as MessageKey);
    return text.startsWith('departmentKind.') ? value : text;
  }
  if (entry.entity === 'person' && field === 'roles') {
    const roles = Array.isArray(value) ? value : [value];
    return roles
      .map((r) => {
        const text = typeof r === 'string' ? tIn(ctx.lang, `role.${r}` as MessageKey) : '';
        return text === '' || text.startsWith('role.') ? String(r) : text;
      })
      .join('、');
  }
  return historyValue(as ?? null, value, ctx);
}

export function shorten(text: string, max = SHORT_LENGTH): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
}

function rolesText(roles: Role[], lang: Lang): string {
  return roles.map((r) => tIn(lang, `role.${r}` as MessageKey)).join('、');
}

/** A key event of the office's signing (a roster version, a personal key made) in words. */
export function keyEventText(event: KeyEvent, lang: Lang): string {
  switch (event.kind) {
    case 'set_up':
      return tIn(lang, 'audit.keyEvent.set_up', { fingerprint: event.office_fingerprint });
    case 'person_enrolled':
      return tIn(lang, 'audit.keyEvent.person_enrolled', { name: event.name, roles: rolesText(event.roles, lang), fingerprint: event.fingerprint });
    case 'roles_changed':
      return tIn(lang, 'audit.keyEvent.roles_changed', { name: event.name, roles: rolesText(event.roles, lang) });
    case 'key_revoked':
      return tIn(lang, 'audit.keyEvent.key_revoked', { owner: event.owner, fingerprint: event.fingerprint });
    case 'device_enrolled':
      return tIn(lang, 'audit.keyEvent.device_enrolled', { device: event.device_id, fingerprint: event.fingerprint });
    case 'office_key_rotated':
      return tIn(lang, 'audit.keyEvent.office_key_rotated', { from: event.from, to: event.to });
    case 'key_made':
      return tIn(lang, 'audit.keyEvent.key_made', { name: event.name, device: event.device_id, fingerprint: event.fingerprint });
  }
}

/** The change in one line: "old → new" for a set, the element for an add or a remove; what a
 *  key event did. */
export function auditChange(entry: AuditEntry, ctx: HistoryContext): { short: string; full: string } {
  const e = entry.entry;
  let full = '';
  if (entry.key_events.length > 0) {
    full = entry.key_events.map((k) => keyEventText(k, ctx.lang)).join('；');
    return { short: shorten(full, SHORT_LENGTH * 2), full };
  }
  switch (e.kind) {
    case 'set':
      full = `${auditValue(entry, e.old_value, ctx)} → ${auditValue(entry, e.new_value, ctx)}`;
      return {
        short: `${shorten(auditValue(entry, e.old_value, ctx))} → ${shorten(auditValue(entry, e.new_value, ctx))}`,
        full,
      };
    case 'add':
      full = auditValue(entry, e.new_value ?? e.old_value, ctx);
      return { short: shorten(full, SHORT_LENGTH * 2), full };
    case 'remove':
      full = auditValue(entry, e.old_value ?? e.new_value, ctx);
      return { short: shorten(full, SHORT_LENGTH * 2), full };
    default:
      return { short: '', full: '' };
  }
}

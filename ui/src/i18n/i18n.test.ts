import { afterEach, describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import en from './en';
import { catalogs, fill, hasKey, setLang, t, tDynamic, tIn, type Lang } from './index.svelte';
import { PROBLEM_CODES as RULE_PROBLEM_CODES } from '../ipc/rules';
import { ITEM_FIELDS, STATUSES, DISCLOSURES, VALIDITIES, AUDIENCES, WITHHELD_REASONS, LINK_KINDS, ROLES, DEPARTMENT_KINDS } from '../lib/item';

function leaves(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (value !== null && typeof value === 'object') for (const [k, v] of leaves(value, path)) out.set(k, v);
      else out.set(path, value);
    }
  }
  return out;
}

const ERROR_CODES = [
  'invalid_item', 'not_found', 'database_newer', 'database_foreign', 'database_corrupt', 'disk_full', 'data_dir_read_only',
  'data_dir_unavailable', 'plan_too_large', 'plan_binary', 'plan_unknown_encoding', 'plan_empty',
  'plan_file_unreadable', 'plan_old_office_format', 'plan_encrypted', 'plan_reader_stopped', 'plan_unknown_document', 'plan_not_a_file',
  'plan_document_damaged', 'plan_archive_too_large', 'plan_archive_too_many_entries', 'plan_xml_doctype',
  'plan_xml_too_deep', 'plan_table_too_large', 'plan_no_text_layer', 'plan_too_many_pages', 'plan_no_table', 'ledger_no_header', 'ledger_bad_column', 'storage', 'internal', 'invalid_argument',
  'workflow_not_from_status', 'workflow_reason_required', 'workflow_checks_blocking', 'workflow_no_person',
  'workflow_not_entitled', 'workflow_no_lead_department', 'workflow_not_proactive', 'workflow_disclosure_proactive',
  'workflow_url_required', 'check_unknown', 'check_not_applicable_refused', 'check_note_required', 'check_rule_not_met',
  'attachment_unreadable', 'attachment_too_large', 'attachment_damaged', 'attachment_open_failed', 'file_write',
  'sync_folder_unreachable', 'sync_folder_rename_failed', 'sync_folder_read_only', 'sync_folder_full',
  'sync_format_newer', 'sync_format_unreadable', 'sync_catalog_mismatch', 'sync_catalog_ambiguous',
  'print_too_many', 'print_open_failed', 'file_name_not_allowed', 'file_in_use', 'file_read_only',
];
const PROBLEM_CODES = [
  'title_empty', 'title_too_long', 'title_control_chars', 'text_too_long', 'keyword_invalid', 'index_no_taken',
  'reason_on_proactive', 'reason_required', 'reason_note_required', 'redaction_reason_required',
  'redaction_reason_not_withholding', 'redaction_note_required', 'published_before_written', 'unknown_category',
  'unknown_department', 'co_is_lead', 'unknown_channel', 'unknown_level', 'link_to_self', 'unknown_link_target',
  'invalid_date',
];
const PLAN_WARNING_CODES = [
  'garbled_heading', 'garbled_text', 'no_departments', 'numbering_gap', 'numbering_out_of_order',
  'text_before_first_heading', 'unattached_text', 'deadline_not_understood', 'deadline_without_year',
];
const LANGS: Lang[] = ['zh-CN', 'en'];

afterEach(() => setLang('zh-CN'));

describe('message catalogs', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const zh = [...leaves(zhCN).keys()].sort();
    const english = [...leaves(en).keys()].sort();
    expect(english).toEqual(zh);
    expect(zh.length).toBeGreaterThan(200);
  });

  it.each(LANGS)('%s has no empty or non-string messages', (lang) => {
    for (const [key, value] of leaves(catalogs[lang])) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });

  it.each(LANGS)('%s uses the same placeholders as zh-CN for every key', (lang) => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const zh = leaves(zhCN);
    for (const [key, value] of leaves(catalogs[lang])) {
      if (key === 'date.format') continue; // each language picks its own date parts
      expect(names(value as string), key).toEqual(names(zh.get(key) as string));
    }
  });

  it.each(LANGS)('%s translates every error code', (lang) => {
    for (const code of ERROR_CODES) expect(hasKey(`errors.${code}`, lang), code).toBe(true);
  });

  it.each(LANGS)('%s translates every field problem code', (lang) => {
    for (const code of PROBLEM_CODES) expect(hasKey(`problems.${code}`, lang), code).toBe(true);
  });

  it.each(LANGS)('%s translates every problem code the domain declares (generated)', (lang) => {
    expect(RULE_PROBLEM_CODES.length).toBeGreaterThan(PROBLEM_CODES.length);
    for (const code of RULE_PROBLEM_CODES) expect(hasKey(`problems.${code}`, lang), code).toBe(true);
  });

  it.each(LANGS)('%s translates every plan warning code', (lang) => {
    for (const code of PLAN_WARNING_CODES) expect(hasKey(`planWarning.${code}`, lang), code).toBe(true);
  });

  it.each(LANGS)('%s names every item field and enum value', (lang) => {
    for (const field of ITEM_FIELDS) expect(hasKey(`fields.${field}`, lang), field).toBe(true);
    const groups: [string, readonly string[]][] = [
      ['status', STATUSES],
      ['disclosure', DISCLOSURES],
      ['validity', VALIDITIES],
      ['audience', AUDIENCES],
      ['withheldReason', WITHHELD_REASONS],
      ['linkKind', LINK_KINDS],
      ['role', ROLES],
      ['departmentKind', DEPARTMENT_KINDS],
    ];
    for (const [group, values] of groups) for (const v of values) expect(hasKey(`${group}.${v}`, lang), `${group}.${v}`).toBe(true);
  });
});

describe('t()', () => {
  it('fills placeholders and follows the current language', () => {
    setLang('zh-CN');
    expect(t('catalog.total', { n: 12 })).toBe('共 12 项');
    setLang('en');
    expect(t('catalog.total', { n: 12 })).toBe('12 items');
  });

  it('remembers the language', () => {
    setLang('en');
    expect(localStorage.getItem('disclosure-desk.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('falls back for unknown dynamic keys and leaves unknown placeholders', () => {
    expect(tDynamic('errors.something_new', 'the backend message')).toBe('the backend message');
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(tIn('en', 'status.draft')).toBe('Draft');
  });
});

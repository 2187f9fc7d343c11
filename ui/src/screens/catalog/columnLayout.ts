// How wide each catalog column is and which are shown: widths from the content (so a 文号, an
// 索引号 or a date is never cut), the title taking what is left, a person's own widths and hidden
// columns on top, and at narrow panes the least-needed columns left out by default.

import type { ItemSummary, Status } from '../../ipc/bindings';
import { tIn, type Lang } from '../../i18n/index.svelte';
import { formatDate } from '../../lib/format';
import { COLUMNS, columnById, columnLabel, type ColumnId } from './columns';
import { textWidth } from './measure';

/** Left and right padding of a cell (8 px each, as in CatalogRow). */
export const CELL_PADDING = 16;
/** The title never gets narrower than this; the grid scrolls sideways instead. */
export const TITLE_MIN = 160;
/**
 * Room the default layout keeps for the title before it leaves columns out: about twelve
 * characters, the start that tells items apart (the whole title shows on hover).
 */
export const TITLE_FIT = 180;
/** The widest a column may be dragged. */
export const MAX_WIDTH = 640;
/** The list's vertical scrollbar, which takes its width from the pane. */
export const SCROLLBAR = 17;

/**
 * The columns left out by default when the pane is too narrow for them all beside a readable
 * title, first to last. 经办人 and 牵头部门 go first: the views 我的工作 and 本部门 already answer
 * "whose is it". Then 索引号, the longest value and one clerks look up rather than read. 办理期限
 * with its overdue warning, 文号 and the status are never left out, so at a 1024 px window the
 * overdue items stay in sight without scrolling sideways. A person who shows a column again
 * keeps it, whatever the width.
 */
export const DROP_ORDER: readonly ColumnId[] = ['clerk', 'lead_department', 'index_no', 'date_written'];

// Longest values seen are capped: one odd 文号 should not squeeze every title.
const AUTO_MAX: Partial<Record<ColumnId, number>> = { index_no: 320, doc_no: 300, lead_department: 200, clerk: 140 };

// Real formats, for before the first page arrives.
const SAMPLE_INDEX_NO = '11500000MB1234567X/2026-00001';
const SAMPLE_DOC_NO = '大教发〔2019〕12号';
const SAMPLE_DATE = '2026-12-28';

const MONO = { size: 13 };
const BODY = { size: 14 };
const HEAD = { size: 14, bold: true };
const NOTE = { size: 12 };
const NOTE_BOLD = { size: 12, bold: true };
/** The sort arrow beside a sortable header's label. */
const SORT_MARK = 18;
/** A status badge's dot, gap, padding and border around its label. */
const BADGE_CHROME = 7 + 4 + 12 + 2;
/** The gap between the due date and its working-days note. */
const DUE_GAP = 6;

/** The longest values among the items loaded so far for one query; widths only grow with it. */
export interface ContentSeen {
  any: boolean;
  index_no: number;
  doc_no: number;
  lead_department: number;
  clerk: number;
  /** The largest overdue and days-left counts: their words are measured in the current language. */
  overdue: number;
  days_left: number;
  due_today: boolean;
}

export function emptySeen(): ContentSeen {
  return { any: false, index_no: 0, doc_no: 0, lead_department: 0, clerk: 0, overdue: 0, days_left: -1, due_today: false };
}

/** Widens `seen` by `items` (a page of 200 strings measured from text, not from the DOM). */
export function observeItems(seen: ContentSeen, items: Iterable<ItemSummary | undefined>): void {
  for (const item of items) {
    if (!item) continue;
    seen.any = true;
    seen.index_no = Math.max(seen.index_no, textWidth(item.index_no, MONO));
    seen.doc_no = Math.max(seen.doc_no, textWidth(item.doc_no, BODY));
    seen.lead_department = Math.max(seen.lead_department, textWidth(item.lead_department_name ?? '', BODY));
    seen.clerk = Math.max(seen.clerk, textWidth(item.clerk_name ?? '', BODY));
    const overdue = item.overdue_days ?? 0;
    if (overdue > 0) seen.overdue = Math.max(seen.overdue, overdue);
    else if (item.days_left === 0) seen.due_today = true;
    else if (item.days_left !== null && item.days_left !== undefined) seen.days_left = Math.max(seen.days_left, item.days_left);
  }
}

const STATUSES: readonly Status[] = [
  'draft',
  'in_review',
  'awaiting_signoff',
  'signed_off',
  'exported',
  'published',
  'withdrawn',
  'not_disclosed',
];

function headerWidth(id: ColumnId, lang: Lang): number {
  return textWidth(tIn(lang, columnLabel(id)), HEAD) + CELL_PADDING + (columnById(id).sort ? SORT_MARK : 0);
}

function dueNoteWidth(seen: ContentSeen, lang: Lang): number {
  if (!seen.any) return textWidth(tIn(lang, 'catalog.overdueDays', { n: 99 }), NOTE_BOLD);
  let width = 0;
  if (seen.overdue > 0) {
    const text = seen.overdue === 1 ? tIn(lang, 'catalog.overdueDaysOne') : tIn(lang, 'catalog.overdueDays', { n: seen.overdue });
    width = Math.max(width, textWidth(text, NOTE_BOLD));
  }
  if (seen.days_left > 0) {
    const text = seen.days_left === 1 ? tIn(lang, 'catalog.daysLeftOne') : tIn(lang, 'catalog.daysLeft', { n: seen.days_left });
    width = Math.max(width, textWidth(text, NOTE));
  }
  if (seen.due_today) width = Math.max(width, textWidth(tIn(lang, 'catalog.dueToday'), NOTE));
  return width;
}

export type Widths = Record<ColumnId, number>;

/** Each column's width fitted to its content in `lang`; the title's is its minimum. */
export function contentWidths(seen: ContentSeen, lang: Lang): Widths {
  const cap = (id: ColumnId, width: number) => Math.min(AUTO_MAX[id] ?? MAX_WIDTH, width);
  const date = textWidth(formatDate(SAMPLE_DATE, lang), BODY);
  const note = dueNoteWidth(seen, lang);
  const content: Widths = {
    index_no: cap('index_no', seen.any ? seen.index_no : textWidth(SAMPLE_INDEX_NO, MONO)),
    title: TITLE_MIN,
    doc_no: cap('doc_no', seen.any ? seen.doc_no : textWidth(SAMPLE_DOC_NO, BODY)),
    status: Math.max(...STATUSES.map((s) => textWidth(tIn(lang, `status.${s}`), MONO))) + BADGE_CHROME,
    lead_department: cap('lead_department', seen.lead_department),
    clerk: cap('clerk', seen.clerk),
    date_written: date,
    due_date: date + (note > 0 ? DUE_GAP + note : 0),
  };
  const widths = {} as Widths;
  for (const { id, min } of COLUMNS) {
    widths[id] = id === 'title' ? TITLE_MIN : Math.max(min, headerWidth(id, lang), content[id] + CELL_PADDING);
  }
  return widths;
}

/** What a person chose: widths they dragged, columns they hid (true) or showed again (false). */
export interface ColumnPrefs {
  widths: Partial<Record<ColumnId, number>>;
  hidden: Partial<Record<ColumnId, boolean>>;
}

export function emptyPrefs(): ColumnPrefs {
  return { widths: {}, hidden: {} };
}

export function clampWidth(id: ColumnId, width: number): number {
  return Math.round(Math.max(columnById(id).min, Math.min(MAX_WIDTH, width)));
}

/**
 * The columns the default layout leaves out in a pane `available` px wide (0: not known yet,
 * nothing left out). Judged on the content widths alone, so showing one column again never makes
 * another disappear.
 */
export function autoHidden(content: Widths, available: number): ColumnId[] {
  if (available <= 0) return [];
  let needed = TITLE_FIT + COLUMNS.reduce((sum, { id }) => sum + (id === 'title' ? 0 : content[id]), 0);
  const hidden: ColumnId[] = [];
  for (const id of DROP_ORDER) {
    if (needed <= available) break;
    hidden.push(id);
    needed -= content[id];
  }
  return hidden;
}

export interface Layout {
  /** The shown columns, in order. */
  columns: ColumnId[];
  widths: Widths;
  /** Columns the narrow pane leaves out (and the person has not shown again). */
  autoHidden: ColumnId[];
  /** The grid-template-columns of the header and every row. */
  template: string;
  /** The grid's narrowest width: below it the list scrolls sideways. */
  minWidth: number;
}

/** The catalog's columns in a pane `paneWidth` px wide (the scrollbar's width is taken off here). */
export function layoutColumns(content: Widths, prefs: ColumnPrefs, paneWidth: number): Layout {
  const dropped = autoHidden(content, paneWidth > 0 ? paneWidth - SCROLLBAR : 0);
  const isHidden = (id: ColumnId) => id !== 'title' && (prefs.hidden[id] ?? dropped.includes(id));
  const widths = {} as Widths;
  for (const { id } of COLUMNS) {
    const chosen = prefs.widths[id];
    widths[id] = id === 'title' ? TITLE_MIN : chosen !== undefined ? clampWidth(id, chosen) : content[id];
  }
  const columns = COLUMNS.map((c) => c.id).filter((id) => !isHidden(id));
  return {
    columns,
    widths,
    autoHidden: dropped.filter((id) => prefs.hidden[id] === undefined),
    template: columns.map((id) => (id === 'title' ? `minmax(${TITLE_MIN}px, 1fr)` : `${widths[id]}px`)).join(' '),
    minWidth: columns.reduce((sum, id) => sum + widths[id], 0),
  };
}

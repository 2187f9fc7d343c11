import { describe, expect, it } from 'vitest';
import type { ItemSummary } from '../../ipc/bindings';
import {
  CELL_PADDING,
  SCROLLBAR,
  TITLE_FIT,
  TITLE_MIN,
  autoHidden,
  clampWidth,
  contentWidths,
  emptyPrefs,
  emptySeen,
  layoutColumns,
  observeItems,
  type ContentSeen,
} from './columnLayout';
import { estimateWidth, textWidth } from './measure';

/** The catalog pane in a window this wide: the navigation (184), the screen's padding and border. */
const pane = (windowWidth: number) => windowWidth - 184 - 28 - 2;

function item(overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id: 'item-1',
    index_no: '11500000MB1234567X/2026-00001',
    title: '关于印发《大连市教育局2019年招生工作实施方案》的通知',
    doc_no: '大教发〔2019〕12号',
    status: 'awaiting_signoff',
    disclosure: 'proactive',
    category_name: null,
    lead_department_name: '规法处',
    date_written: '2025-04-10',
    due_date: '2025-05-09',
    overdue_days: 12,
    days_left: null,
    clerk_name: '王芳',
    changed_after_signoff: [],
    updated_at: '',
    hits: [],
    ...overrides,
  };
}

function realistic(): ContentSeen {
  const seen = emptySeen();
  observeItems(seen, [item(), item({ overdue_days: null, days_left: 3, doc_no: '教办〔2026〕3号' }), undefined]);
  return seen;
}

describe('text widths', () => {
  it('counts CJK and full-width brackets as a full em and digits narrower', () => {
    expect(estimateWidth('大教发', { size: 14 })).toBe(42);
    expect(estimateWidth('〔〕', { size: 14 })).toBe(28);
    expect(estimateWidth('2019', { size: 10 })).toBe(24);
    expect(estimateWidth('大', { size: 14, bold: true })).toBeGreaterThan(14);
    // Without a canvas (as here) the estimate is the measure.
    expect(textWidth('大教发〔2019〕12号', { size: 14 })).toBe(estimateWidth('大教发〔2019〕12号', { size: 14 }));
    expect(textWidth('', { size: 14 })).toBe(0);
  });
});

describe('content widths', () => {
  it('fits the longest 文号, 索引号, dates and overdue words with padding to spare', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const widths = contentWidths(realistic(), lang);
      expect(widths.doc_no).toBeGreaterThanOrEqual(textWidth('大教发〔2019〕12号', { size: 14 }) + CELL_PADDING);
      expect(widths.index_no).toBeGreaterThanOrEqual(textWidth('11500000MB1234567X/2026-00001', { size: 13 }) + CELL_PADDING);
      const date = lang === 'zh-CN' ? '2025年12月28日' : '2025-12-28';
      expect(widths.date_written).toBeGreaterThanOrEqual(textWidth(date, { size: 14 }) + CELL_PADDING);
      const overdue = lang === 'zh-CN' ? '逾期12个工作日' : '12 workdays overdue';
      expect(widths.due_date).toBeGreaterThanOrEqual(textWidth(date, { size: 14 }) + 6 + textWidth(overdue, { size: 12, bold: true }) + CELL_PADDING);
      expect(widths.title).toBe(TITLE_MIN);
    }
  });

  it('never makes a column narrower than its header', () => {
    const seen = emptySeen();
    observeItems(seen, [item({ clerk_name: '王', lead_department_name: null, doc_no: '' })]);
    const widths = contentWidths(seen, 'zh-CN');
    expect(widths.clerk).toBeGreaterThanOrEqual(textWidth('经办人', { size: 14, bold: true }) + CELL_PADDING);
    expect(widths.lead_department).toBeGreaterThanOrEqual(textWidth('牵头部门', { size: 14, bold: true }) + CELL_PADDING);
    expect(widths.doc_no).toBeGreaterThanOrEqual(textWidth('文号', { size: 14, bold: true }) + CELL_PADDING);
  });

  it('sizes from real formats before any item is loaded, and grows with longer values', () => {
    const seen = emptySeen();
    const before = contentWidths(seen, 'zh-CN');
    expect(before.doc_no).toBeGreaterThanOrEqual(textWidth('大教发〔2019〕12号', { size: 14 }) + CELL_PADDING);
    observeItems(seen, [item({ doc_no: '短' })]);
    const small = contentWidths(seen, 'zh-CN').doc_no;
    observeItems(seen, [item({ doc_no: '中共大连市教育局委员会办公室〔2026〕123号' })]);
    expect(contentWidths(seen, 'zh-CN').doc_no).toBeGreaterThan(small);
    observeItems(seen, [item({ doc_no: '短' })]);
    expect(contentWidths(seen, 'zh-CN').doc_no).toBeLessThanOrEqual(300 + CELL_PADDING);
  });

  it('leaves room only for the working-days words the loaded items need', () => {
    const none = emptySeen();
    observeItems(none, [item({ overdue_days: null, days_left: null })]);
    const some = realistic();
    expect(contentWidths(none, 'zh-CN').due_date).toBeLessThan(contentWidths(some, 'zh-CN').due_date);
  });
});

describe('layout', () => {
  const content = () => contentWidths(realistic(), 'zh-CN');

  it('keeps every column in a wide pane, the title taking the rest', () => {
    const layout = layoutColumns(content(), emptyPrefs(), pane(1920));
    expect(layout.columns).toEqual(['index_no', 'title', 'doc_no', 'status', 'lead_department', 'clerk', 'date_written', 'due_date']);
    expect(layout.template).toContain(`minmax(${TITLE_MIN}px, 1fr)`);
    expect(layout.template.split(' ').length).toBe(9);
    expect(layout.autoHidden).toEqual([]);
    // The title gets what is left: some 700 px, nothing empty at the right.
    expect(pane(1920) - SCROLLBAR - layout.minWidth + TITLE_MIN).toBeGreaterThan(650);
  });

  it('leaves out 经办人 and 牵头部门 by default at a 1280 px window, so the title has room', () => {
    const layout = layoutColumns(content(), emptyPrefs(), pane(1280));
    expect(layout.autoHidden).toEqual(['clerk', 'lead_department']);
    expect(layout.columns).toEqual(['index_no', 'title', 'doc_no', 'status', 'date_written', 'due_date']);
    expect(layout.minWidth - TITLE_MIN + TITLE_FIT).toBeLessThanOrEqual(pane(1280) - SCROLLBAR);
  });

  it('keeps 办理期限, 文号, 状态 and 成文日期 in sight without scrolling sideways at a 1024 px window', () => {
    const layout = layoutColumns(content(), emptyPrefs(), pane(1024));
    expect(layout.autoHidden).toEqual(['clerk', 'lead_department', 'index_no']);
    expect(layout.columns).toEqual(['title', 'doc_no', 'status', 'date_written', 'due_date']);
    expect(layout.minWidth).toBeLessThanOrEqual(pane(1024) - SCROLLBAR);
    // English words are longer: 成文日期 goes too, 办理期限 stays.
    const en = layoutColumns(contentWidths(realistic(), 'en'), emptyPrefs(), pane(1024));
    expect(en.columns).toEqual(['title', 'doc_no', 'status', 'due_date']);
    expect(en.minWidth).toBeLessThanOrEqual(pane(1024) - SCROLLBAR);
  });

  it('leaves nothing out while the pane width is unknown', () => {
    expect(autoHidden(content(), 0)).toEqual([]);
    expect(layoutColumns(content(), emptyPrefs(), 0).columns).toHaveLength(8);
  });

  it('applies a person’s widths, clamped, and their hidden and shown-again columns', () => {
    const prefs = emptyPrefs();
    prefs.widths = { doc_no: 250, status: 3, due_date: 5000 };
    prefs.hidden = { status: true, index_no: false };
    const layout = layoutColumns(content(), prefs, pane(1024));
    expect(layout.widths.doc_no).toBe(250);
    expect(layout.widths.status).toBe(64);
    expect(layout.widths.due_date).toBe(640);
    expect(layout.columns).toEqual(['index_no', 'title', 'doc_no', 'date_written', 'due_date']);
    // Showing 索引号 again did not make another column disappear.
    expect(layout.autoHidden).toEqual(['clerk', 'lead_department']);
    expect(clampWidth('title', 10)).toBe(160);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import type { DueInfo, Item } from '../../ipc/bindings';
import StatusHeader from './StatusHeader.svelte';
import DueSummary from './DueSummary.svelte';
import SignoffPanel from './SignoffPanel.svelte';
import { setLang } from '../../i18n/index.svelte';
import { blankItem } from '../../lib/item';
import { sampleReview } from '../../lib/reviewFixtures';

function item(overrides: Partial<Item> = {}): Item {
  return { ...blankItem(), id: 'item-1', title: '通知', ...overrides };
}

function due(overrides: Partial<DueInfo> = {}): DueInfo {
  return {
    due_date: '2026-12-22',
    explicit: false,
    counted_from: '2026-11-24',
    working_days: 20,
    uncovered_years: [],
    working_days_left: 12,
    overdue_working_days: null,
    ...overrides,
  };
}

beforeEach(() => setLang('zh-CN'));

describe('StatusHeader', () => {
  it('shows the status in words and the reason it was sent back', () => {
    const { getByTestId, queryByTestId } = render(StatusHeader, { item: item({ status: 'in_review', status_note: '文号有误' }) });
    expect(getByTestId('status-badge').textContent).toContain('审查中');
    expect(getByTestId('status-note').textContent).toBe('退回原因：文号有误');
    expect(queryByTestId('changed-after-signoff')).toBeNull();
  });

  it('warns, with field labels, when a change voided the sign-off', () => {
    const voided = item({ status: 'in_review', changed_after_signoff: ['doc_no', 'checklist'] });
    const { getByTestId, unmount } = render(StatusHeader, { item: voided });
    expect(getByTestId('changed-after-signoff').textContent).toContain('签批后已修改：文号、审查清单 — 已退回审查');
    unmount();
    setLang('en');
    const english = render(StatusHeader, { item: item({ status: 'in_review', changed_after_signoff: ['doc_no'] }) });
    expect(english.getByTestId('changed-after-signoff').textContent).toContain('Changed after sign-off: Document number — back in review');
  });

  it('shows where a published item went', () => {
    const { getByTestId } = render(StatusHeader, { item: item({ status: 'published', published_url: 'https://jyj.dl.gov.cn/1.html' }) });
    expect(getByTestId('status-badge').textContent).toContain('已发布');
    expect(getByTestId('published-url').textContent).toContain('https://jyj.dl.gov.cn/1.html');
  });
});

describe('DueSummary', () => {
  it('shows the due date, the working days left and how it was counted', () => {
    const { getByTestId, queryByTestId } = render(DueSummary, { due: due() });
    const info = getByTestId('due-info');
    expect(info.textContent).toContain('办理期限：2026年12月22日');
    expect(info.textContent).toContain('还剩 12 个工作日');
    expect(info.textContent).toContain('依形成日期起算 20 个工作日');
    expect(queryByTestId('due-uncovered')).toBeNull();
  });

  it('shows overdue working days in words', () => {
    const { getByTestId } = render(DueSummary, { due: due({ working_days_left: null, overdue_working_days: 3 }) });
    expect(getByTestId('due-overdue').textContent).toContain('已逾期 3 个工作日');
  });

  it('says one working day in the singular', () => {
    setLang('en');
    expect(render(DueSummary, { due: due({ working_days_left: 1 }) }).getByTestId('due-left').textContent).toContain('1 working day left');
  });

  it('warns when the calendar lacks a year of holidays', () => {
    const { getByTestId, unmount } = render(DueSummary, { due: due({ due_date: '2027-01-20', uncovered_years: [2027] }) });
    expect(getByTestId('due-uncovered').textContent).toContain('2027 年的节假日安排尚未载入，只按周末计算；请在设置中补充该年日历');
    unmount();
    setLang('en');
    const english = render(DueSummary, { due: due({ uncovered_years: [2027, 2028] }) });
    expect(english.getByTestId('due-uncovered').textContent).toContain('The public holidays of 2027, 2028 are not loaded yet');
  });

  it('says when there is no due date yet', () => {
    const { getByTestId } = render(DueSummary, { due: due({ due_date: null, counted_from: null, working_days_left: null }) });
    expect(getByTestId('due-info').textContent).toContain('未定办理期限');
  });
});

describe('SignoffPanel', () => {
  const signoff = {
    id: 's1',
    item_id: 'item-1',
    signer_id: 'p-zhao',
    signer_name: '赵处长',
    basis: 'section_head' as const,
    at: '2026-11-24T02:05:00Z',
    device_id: 'a3f9c2d17e4b5c6d',
    content_hash: 'sha256:fedcba9876543210fedcba',
    form_version: 1,
  };

  it('lists the sign-offs and says the newest still holds', () => {
    const { getAllByTestId, getByTestId } = render(SignoffPanel, { review: sampleReview({ signoffs: [signoff], signoff_matches: true }) });
    const row = getAllByTestId('signoff-row')[0];
    expect(row.textContent).toContain('赵处长');
    expect(row.textContent).toContain('牵头部门负责人');
    expect(row.textContent).toContain('2026年11月24日');
    // The PC and the content hash are kept out of the row, under the technical details.
    expect(row.textContent).not.toContain('fedcba987654');
    const details = getByTestId('signoff-details');
    expect(details.textContent).toContain('a3f9c2d1');
    expect(details.textContent).toContain('fedcba987654');
    expect(getByTestId('signoff-valid').textContent).toContain('签批有效');
  });

  it('says when the content changed since', () => {
    const { getByTestId } = render(SignoffPanel, { review: sampleReview({ signoffs: [signoff], signoff_matches: false }) });
    expect(getByTestId('signoff-valid').textContent).toContain('签批已失效（内容已变）');
  });

  it('says when nothing was signed', () => {
    const { queryByTestId, getByTestId } = render(SignoffPanel, { review: sampleReview() });
    expect(queryByTestId('signoff-valid')).toBeNull();
    expect(getByTestId('signoff-panel').textContent).toContain('尚未签批');
  });
});

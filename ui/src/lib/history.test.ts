import { describe, expect, it } from 'vitest';
import type { HistoryEntry, JsonValue } from '../ipc/bindings';
import { describeHistoryEntry, historyValue, type HistoryContext } from './history';

function entry(kind: HistoryEntry['kind'], field: string | null, old_value: JsonValue, new_value: JsonValue): HistoryEntry {
  return { op_id: 'o', at: '2026-11-24T09:00:00Z', author_id: 'p', author_name: '王芳', device_id: 'pc', kind, field, old_value, new_value };
}

const zh: HistoryContext = {
  lang: 'zh-CN',
  departments: new Map([['d-gfc', '规法处'], ['d-bgs', '办公室']]),
  categories: new Map([['c-1-1', '政策文件 / 规范性文件']]),
  items: new Map([['item-2', '关于招生工作的政策解读']]),
  people: new Map([['p-wang', '王芳']]),
  checks: new Map([['check_political', '政治关']]),
  templates: new Map([['normative', '行政规范性文件审查清单']]),
};
const en: HistoryContext = { ...zh, lang: 'en' };

describe('describeHistoryEntry', () => {
  it('says what changed, in words', () => {
    expect(describeHistoryEntry(entry('create', null, null, null), zh)).toBe('创建');
    expect(describeHistoryEntry(entry('set', 'doc_no', '旧', '新'), zh)).toBe('修改 文号：旧 → 新');
    expect(describeHistoryEntry(entry('add', 'channels', null, '政府网站'), zh)).toBe('添加 公开渠道：政府网站');
    expect(describeHistoryEntry(entry('remove', 'keywords', '招生', null), zh)).toBe('移除 关键词：招生');
    expect(describeHistoryEntry(entry('delete', null, null, null), en)).toBe('Deleted');
    expect(describeHistoryEntry(entry('set', 'doc_no', '', 'A-1'), en)).toBe('Changed Document number: (empty) → A-1');
  });

  it('translates enum keys and dates', () => {
    expect(describeHistoryEntry(entry('set', 'status', 'draft', 'awaiting_signoff'), zh)).toBe('修改 状态：草稿 → 待签批');
    expect(describeHistoryEntry(entry('set', 'disclosure', 'proactive', 'withheld'), en)).toBe('Changed Disclosure: Proactive → Withheld');
    expect(describeHistoryEntry(entry('set', 'date_written', null, '2026-11-24'), zh)).toBe('修改 成文日期：（空） → 2026年11月24日');
    expect(describeHistoryEntry(entry('set', 'withheld_reason', null, 'process_information'), zh)).toBe('修改 不公开依据：（空） → 过程性信息（第十六条）');
  });

  it('shows department names and category paths instead of ids', () => {
    expect(describeHistoryEntry(entry('set', 'lead_department_id', 'd-bgs', 'd-gfc'), zh)).toBe('修改 牵头部门：办公室 → 规法处');
    expect(describeHistoryEntry(entry('add', 'co_department_ids', null, 'd-unknown'), zh)).toBe('添加 配合部门：d-unknown');
    expect(describeHistoryEntry(entry('set', 'category_id', null, 'c-1-1'), zh)).toBe('修改 类别：（空） → 政策文件 / 规范性文件');
  });

  it('shows links by kind and title', () => {
    expect(describeHistoryEntry(entry('add', 'links', null, { target_id: 'item-2', kind: 'interpretation' }), zh)).toBe(
      '添加 关联事项：政策解读：关于招生工作的政策解读',
    );
  });

  it('names fields it does not know', () => {
    expect(describeHistoryEntry(entry('set', 'colour', 'red', 'blue'), en)).toBe('Changed field colour: red → blue');
  });
});

describe('review history', () => {
  it('names people, comment dates and attachments', () => {
    expect(describeHistoryEntry(entry('set', 'clerk_id', null, 'p-wang'), zh)).toBe('修改 经办人：（空） → 王芳');
    expect(describeHistoryEntry(entry('set', 'signer_id', 'p-wang', 'p-gone'), en)).toBe('Changed Signer: 王芳 → p-gone');
    expect(describeHistoryEntry(entry('set', 'comment_end', null, '2026-12-01'), zh)).toBe('修改 征求意见截止日期：（空） → 2026年12月1日');
    expect(
      describeHistoryEntry(entry('add', 'attachments', null, { sha256: 'ab', name: '通知.pdf', size: 3, media_type: 'application/pdf' }), zh),
    ).toBe('添加 附件：通知.pdf');
  });

  it('shows status notes, voided sign-offs and published addresses', () => {
    expect(describeHistoryEntry(entry('set', 'status_note', '', '文号有误'), zh)).toBe('修改 流转理由：（空） → 文号有误');
    expect(describeHistoryEntry(entry('set', 'changed_after_signoff', [], ['doc_no', 'checklist']), zh)).toBe(
      '修改 签批后修改的内容：（空） → 文号、审查清单',
    );
    expect(describeHistoryEntry(entry('set', 'published_url', '', 'https://jyj.dl.gov.cn/1'), en)).toBe(
      'Changed Published at: (empty) → https://jyj.dl.gov.cn/1',
    );
  });

  it('shows a mark on a check by its label, state and note', () => {
    const mark = { key: 'check_political', state: 'failed', by: 'p-wang', at: '2026-11-24T02:00:00Z', note: '表述需修改', covers: [] };
    expect(describeHistoryEntry(entry('set', 'check:check_political', null, mark), zh)).toBe('修改 检查项 政治关：（空） → 不通过（表述需修改）');
    expect(describeHistoryEntry(entry('set', 'check:gone_check', { ...mark, note: '' }, null), en)).toBe('Changed Check gone_check: Failed → (empty)');
  });

  it('shows the checklist template change', () => {
    expect(
      describeHistoryEntry(entry('set', 'checklist', { template_id: 'normative', version: 1 }, { template_id: 'normative', version: 2 }), zh),
    ).toBe('修改 审查清单：行政规范性文件审查清单 v1 → 行政规范性文件审查清单 v2');
    expect(describeHistoryEntry(entry('set', 'checklist', null, { template_id: 'general', version: 1 }), en)).toBe(
      'Changed Checklist: (empty) → general v1',
    );
  });
});

describe('historyValue', () => {
  it('joins lists and never returns HTML', () => {
    expect(historyValue('channels', ['政府网站', '两微一端'], zh)).toBe('政府网站、两微一端');
    expect(historyValue('title', '<b>x</b>', zh)).toBe('<b>x</b>');
    expect(historyValue('notes', 3, en)).toBe('3');
    expect(historyValue('source', [], en)).toBe('(empty)');
  });
});

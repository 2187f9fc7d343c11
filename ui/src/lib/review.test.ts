import { afterEach, describe, expect, it } from 'vitest';
import type { Item } from '../ipc/bindings';
import { hasKey, setLang } from '../i18n/index.svelte';
import { ACTIONS, CHECK_STATES, blankItem } from './item';
import {
  attachmentFindings,
  blockingLabels,
  changedFieldsText,
  changedSignedFields,
  commentPeriodDays,
  findingText,
  groupChecks,
  personLabel,
  personName,
  rebaseItem,
  refusalText,
  requiredProgress,
  shortHash,
  statusNoteText,
  visibleActions,
} from './review';
import { action, def, sampleChecks, sampleReview, view } from './reviewFixtures';
import { humanSize, typeLabel } from './attachments';
import { hitFieldLabel, isMaskable, piiHits } from './pii';

afterEach(() => setLang('zh-CN'));

describe('checklist', () => {
  it('groups checks by group in the template order, keeping lone checks in place', () => {
    const groups = groupChecks(sampleChecks());
    expect(groups.map((g) => g.group)).toEqual(['', '保密审查', '内容审查(五关)', '个人信息与商业秘密', '']);
    expect(groups[1].checks.map((c) => c.def.key)).toEqual(['secrecy_review', 'secrecy_declassified']);
    expect(groups[4].checks.map((c) => c.def.key)).toEqual(['attachments_links', 'comment_period', 'extra_note']);
  });

  it('gathers a group that comes back later under its first heading', () => {
    const checks = [view(def('a', 'G', 'A')), view(def('b', 'H', 'B')), view(def('c', 'G', 'C'))];
    expect(groupChecks(checks).map((g) => [g.group, g.checks.map((c) => c.def.key).join()])).toEqual([
      ['G', 'a,c'],
      ['H', 'b'],
    ]);
  });

  it('counts the required checks passed or not applicable, and names the rest', () => {
    expect(requiredProgress(sampleChecks())).toEqual({ done: 3, total: 8 });
    expect(blockingLabels(sampleChecks())).toEqual(['政治关', '法律关', '未发现未遮蔽的个人信息', '附件可读、链接有效', '征求意见期满且反馈已公开']);
  });

  it('says what an automatic rule found, with its figures, in both languages', () => {
    const short = { code: 'comment_period_too_short', days: 12, min_days: 15 } as const;
    expect(findingText(short)).toBe('征求意见期为12天，最少需15天');
    expect(findingText({ code: 'attachment_missing', name: '通知.pdf' })).toContain('通知.pdf');
    expect(findingText({ code: 'link_broken', target_id: '0192f7a0-aaaa-bbbb' })).toContain('0192f7a0');
    setLang('en');
    expect(findingText(short)).toBe('The comment period was 12 days; the minimum is 15');
    expect(findingText({ code: 'interpretation_not_going_out', title: '解读' })).toContain('“解读”');
  });

  it('finds the findings about one attachment', () => {
    const review = sampleReview();
    expect(attachmentFindings(review.checklist, '通知.pdf')).toEqual([{ code: 'attachment_damaged', name: '通知.pdf' }]);
    expect(attachmentFindings(review.checklist, 'other.pdf')).toEqual([]);
    expect(attachmentFindings(null, '通知.pdf')).toEqual([]);
  });
});

describe('workflow', () => {
  it('shows allowed actions in the bar order, and sign-off while it is awaited', () => {
    const actions = [action('withdraw', true), action('sign_off', false), action('send_back', true), action('submit', false)];
    expect(visibleActions(actions, 'in_review', ACTIONS).map((a) => a.action)).toEqual(['send_back', 'withdraw']);
    expect(visibleActions(actions, 'awaiting_signoff', ACTIONS).map((a) => a.action)).toEqual(['sign_off', 'send_back', 'withdraw']);
  });

  it('explains a refusal by code, naming the checks that block', () => {
    const checks = sampleChecks();
    const blocking = action('sign_off', false, { refusal_code: 'workflow_checks_blocking', refusal: 'english' });
    expect(refusalText(blocking, checks)).toBe('以下必查项尚未通过：政治关、法律关、未发现未遮蔽的个人信息、附件可读、链接有效、征求意见期满且反馈已公开');
    const entitled = action('sign_off', false, { refusal_code: 'workflow_not_entitled', refusal: 'english' });
    expect(refusalText(entitled, checks)).toContain('处室负责人');
    expect(refusalText(action('sign_off', false, { refusal_code: 'brand_new', refusal: 'backend words' }), checks)).toContain('backend words');
  });

  it('words the status note by where the item went', () => {
    expect(statusNoteText('in_review', '文号有误')).toBe('退回原因：文号有误');
    expect(statusNoteText('withdrawn', '重复')).toBe('撤销公开的原因：重复');
    expect(statusNoteText('not_disclosed', '过程性信息')).toBe('不予公开理由：过程性信息');
    expect(statusNoteText('draft', '  ')).toBe('');
  });

  it('names the fields that voided a sign-off', () => {
    expect(changedFieldsText(['doc_no'], 'zh-CN')).toBe('文号');
    expect(changedFieldsText(['doc_no', 'checklist', 'attachments'], 'zh-CN')).toBe('文号、审查清单、附件');
    expect(changedFieldsText(['doc_no', 'checklist'], 'en')).toBe('Document number, Checklist');
  });

  it('shortens hashes', () => {
    expect(shortHash('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortHash('abc')).toBe('abc');
  });
});

describe('people and dates', () => {
  const people = [{ id: 'p-wang', name: '王芳', department_id: 'd-gfc', roles: ['clerk' as const] }];
  it('names people with their department, and falls back to the id', () => {
    expect(personLabel(people[0], [{ id: 'd-gfc', name: '规法处', code: 'GFC', kind: 'department' }])).toBe('王芳（规法处）');
    expect(personLabel(people[0], [])).toBe('王芳');
    expect(personName('p-wang', people)).toBe('王芳');
    expect(personName('p-x', people)).toBe('p-x');
    expect(personName('os:zhang', people)).toBe('os:zhang');
  });

  it('counts comment-period days with both ends', () => {
    expect(commentPeriodDays('2026-11-01', '2026-11-12')).toBe(12);
    expect(commentPeriodDays('2026-11-01', '2026-11-01')).toBe(1);
    expect(commentPeriodDays('2026-11-12', '2026-11-01')).toBeNull();
    expect(commentPeriodDays(null, '2026-11-01')).toBeNull();
  });
});

describe('changedSignedFields', () => {
  it('names the edits a sign-off covers, not notes or assignments', () => {
    const stored: Item = { ...blankItem(), id: 'i', doc_no: 'A' };
    const local: Item = { ...stored, doc_no: 'B', notes: '内部', clerk_id: 'p-wang', keywords: ['招生'] };
    expect(changedSignedFields(local, stored)).toEqual(['doc_no', 'keywords']);
    expect(changedSignedFields(stored, stored)).toEqual([]);
  });
});

describe('rebaseItem', () => {
  it('keeps unsaved edits and takes everything else from the stored item', () => {
    const base: Item = { ...blankItem(), id: 'i', title: '旧名称', summary: '身份证 350102199001011234' };
    const local: Item = { ...base, title: '新名称' };
    const stored: Item = {
      ...base,
      summary: '身份证 35*************234',
      status: 'in_review',
      changed_after_signoff: ['summary'],
      attachments: [{ sha256: 'ab', name: 'a.pdf', size: 1, media_type: 'application/pdf' }],
    };
    const out = rebaseItem(local, base, stored);
    expect(out.title).toBe('新名称');
    expect(out.summary).toBe('身份证 35*************234');
    expect(out.status).toBe('in_review');
    expect(out.changed_after_signoff).toEqual(['summary']);
    expect(out.attachments).toHaveLength(1);
    expect(Object.keys(out)).toEqual(Object.keys(stored));
  });
});

describe('attachments', () => {
  it('shows sizes as people read them', () => {
    expect(humanSize(0)).toBe('0 B');
    expect(humanSize(812)).toBe('812 B');
    expect(humanSize(1536)).toBe('1.5 KB');
    expect(humanSize(350 * 1024)).toBe('350 KB');
    expect(humanSize(1.2 * 1024 * 1024)).toBe('1.2 MB');
    expect(humanSize(1024 * 1024 - 1)).toBe('1.0 MB');
    expect(humanSize(3 * 1024 ** 3)).toBe('3.0 GB');
  });

  it('names types shortly', () => {
    expect(typeLabel('application/pdf', 'a.pdf')).toBe('PDF');
    expect(typeLabel('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a.docx')).toBe('Word');
    expect(typeLabel('application/octet-stream', '附件.ofd2')).toBe('OFD2');
    expect(typeLabel('application/octet-stream', 'noext')).toBe('application/octet-stream');
  });
});

describe('personal data', () => {
  it('collects hits once and knows which can be masked in place', () => {
    const hits = piiHits(sampleReview().checklist);
    expect(hits.map((h) => h.text)).toEqual(['350102199001011234', '13812345678', '13987654321']);
    expect(hits.map(isMaskable)).toEqual([true, true, false]);
    expect(hitFieldLabel('summary', 'zh-CN')).toBe('内容概述');
    expect(hitFieldLabel('attachment:名单.txt', 'zh-CN')).toBe('附件“名单.txt”');
  });
});

describe('review messages', () => {
  const FINDING_CODES = [
    'disclosure_reason_missing', 'personal_data', 'interpretation_missing', 'interpretation_not_going_out',
    'comment_period_missing', 'comment_period_too_short', 'comment_feedback_missing', 'attachment_missing',
    'attachment_damaged', 'link_broken', 'url_malformed',
  ];
  it.each(['zh-CN', 'en'] as const)('%s names every finding, action, check state, number kind and signing basis', (lang) => {
    for (const code of FINDING_CODES) expect(hasKey(`checklist.findings.${code}`, lang), code).toBe(true);
    for (const a of ACTIONS) expect(hasKey(`workflow.action.${a}`, lang), a).toBe(true);
    for (const s of CHECK_STATES) expect(hasKey(`checklist.state.${s}`, lang), s).toBe(true);
    for (const k of ['id_number', 'mobile', 'bank_card']) expect(hasKey(`pii.kind.${k}`, lang), k).toBe(true);
    for (const b of ['section_head', 'office']) expect(hasKey(`review.signBasis.${b}`, lang), b).toBe(true);
  });
});

// Sample reviews for the tests: a normative document's checklist in the shape the backend sends.

import type { ActionState, CheckDef, CheckView, ItemReview, PiiHit } from '../ipc/bindings';

export function def(key: string, group: string, label: string, overrides: Partial<CheckDef> = {}): CheckDef {
  return { key, group, label, guidance: `${label}的审查要点`, required: true, allow_not_applicable: false, rule: { type: 'manual' }, disclosures: [], ...overrides };
}

export function view(definition: CheckDef, overrides: Partial<CheckView> = {}): CheckView {
  return { def: definition, mark: null, findings: [], state: 'pending', ...overrides };
}

export const ID_HIT: PiiHit = {
  kind: 'id_number',
  field: 'summary',
  start: 4,
  end: 22,
  text: '350102199001011234',
  masked: '35*************234',
};
export const MOBILE_HIT: PiiHit = { kind: 'mobile', field: 'elements', start: 0, end: 11, text: '13812345678', masked: '138****5678' };
export const ATTACHMENT_HIT: PiiHit = {
  kind: 'mobile',
  field: 'attachment:名单.txt',
  start: 0,
  end: 11,
  text: '13987654321',
  masked: '139****4321',
};

export function sampleChecks(): CheckView[] {
  return [
    view(def('disclosure_decided', '', '公开属性已确定', { rule: { type: 'disclosure_decided' } }), { state: 'passed' }),
    view(def('secrecy_review', '保密审查', '已完成保密审查'), {
      state: 'passed',
      mark: { key: 'secrecy_review', state: 'passed', by: 'p-wang', at: '2026-11-24T02:05:00Z', note: '', covers: [] },
    }),
    view(def('secrecy_declassified', '保密审查', '曾定密的已依法解密', { allow_not_applicable: true }), {
      state: 'not_applicable',
      mark: { key: 'secrecy_declassified', state: 'not_applicable', by: 'os:zhang', at: '2026-11-24T02:06:00Z', note: '未曾定密', covers: [] },
    }),
    view(def('check_political', '内容审查(五关)', '政治关')),
    view(def('check_legal', '内容审查(五关)', '法律关'), {
      state: 'failed',
      mark: { key: 'check_legal', state: 'failed', by: 'p-li', at: '2026-11-24T03:00:00Z', note: '依据条款引用有误', covers: [] },
    }),
    view(def('privacy_scan', '个人信息与商业秘密', '未发现未遮蔽的个人信息', { rule: { type: 'personal_data' } }), {
      state: 'failed',
      findings: [{ code: 'personal_data', hits: [ID_HIT, MOBILE_HIT, ATTACHMENT_HIT] }],
    }),
    view(def('attachments_links', '', '附件可读、链接有效', { rule: { type: 'attachments_and_links' } }), {
      state: 'failed',
      findings: [{ code: 'attachment_damaged', name: '通知.pdf' }],
    }),
    view(def('comment_period', '', '征求意见期满且反馈已公开', { rule: { type: 'comment_period', min_days: 15 }, allow_not_applicable: true }), {
      state: 'failed',
      findings: [{ code: 'comment_period_too_short', days: 12, min_days: 15 }, { code: 'comment_feedback_missing' }],
    }),
    view(def('extra_note', '', '备注齐全', { required: false })),
  ];
}

export function action(name: ActionState['action'], allowed: boolean, overrides: Partial<ActionState> = {}): ActionState {
  return { action: name, allowed, to: null, refusal_code: allowed ? null : 'workflow_not_from_status', refusal: allowed ? null : 'no', asks_text: false, own_work: true, ...overrides };
}

export function sampleReview(overrides: Partial<ItemReview> = {}): ItemReview {
  return {
    item_id: 'item-1',
    status: 'in_review',
    checklist: {
      template_id: 'normative',
      template_name: '行政规范性文件审查清单',
      template_version: 1,
      upgrade_to: null,
      checks: sampleChecks(),
    },
    due: {
      due_date: '2026-12-22',
      explicit: false,
      counted_from: '2026-11-24',
      working_days: 20,
      uncovered_years: [],
      working_days_left: 12,
      overdue_working_days: null,
    },
    signoffs: [],
    content_hash: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    signoff_matches: null,
    verdicts: [],
    signing_required: false,
    signers: [],
    office_key_here: false,
    actions: [
      action('submit', false),
      action('request_signoff', true, { to: 'awaiting_signoff' }),
      action('sign_off', false),
      action('send_back', true, { to: 'draft', asks_text: true }),
      action('withdraw', true, { to: 'withdrawn', asks_text: true }),
      action('reopen', false),
      action('decide_not_disclose', false, { refusal_code: 'workflow_disclosure_proactive' }),
      action('mark_exported', false),
      action('mark_published', false),
    ],
    ...overrides,
  };
}

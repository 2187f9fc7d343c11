import { describe, expect, it } from 'vitest';
import type { Disclosure, WithheldReason } from '../ipc/bindings';
import {
  DISCLOSURES,
  ITEM_FIELDS,
  LINK_KINDS,
  WITHHELD_REASONS,
  addToList,
  blankItem,
  reasonChoices,
  reasonLabels,
  reasonOptions,
  sameItem,
  splitList,
  toggleInList,
  withDisclosure,
} from './item';

describe('item form helpers', () => {
  it('starts a draft the backend will create', () => {
    const item = blankItem();
    expect(item.id).toBe('');
    expect(item.status).toBe('draft');
    expect(item.disclosure).toBe('proactive');
    expect(Object.keys(item)).toHaveLength(38);
    expect(item.attachments).toEqual([]);
    expect(item.changed_after_signoff).toEqual([]);
    expect([item.clerk_id, item.reviewer_id, item.signer_id, item.comment_start, item.comment_end]).toEqual([null, null, null, null, null]);
  });

  it('lists every field of the item, and every link kind', () => {
    expect([...ITEM_FIELDS, 'id'].sort()).toEqual(Object.keys(blankItem()).sort());
    expect(LINK_KINDS).toContain('feedback_summary');
  });

  it('clears the withholding reason when the item becomes proactive', () => {
    const withheld = { ...withDisclosure(blankItem(), 'withheld'), withheld_reason: 'privacy' as const };
    expect(withDisclosure(withheld, 'on_request').withheld_reason).toBe('privacy');
    expect(withDisclosure(withheld, 'proactive').withheld_reason).toBeNull();
  });

  it('offers 删减后公开 with the grounds of arts. 14–16 only', () => {
    expect(DISCLOSURES).toEqual(['proactive', 'on_request', 'withheld', 'redacted']);
    expect(reasonChoices('redacted')).not.toContain('on_request_only');
    expect(reasonChoices('redacted')).toEqual(WITHHELD_REASONS.filter((r) => r !== 'on_request_only'));
    expect(reasonChoices('withheld')).toEqual(WITHHELD_REASONS);
    // A reason held that the disclosure cannot cite stays listed, last, so the select shows it.
    expect(reasonOptions('redacted', 'on_request_only').at(-1)).toBe('on_request_only');
    expect(reasonOptions('redacted', 'privacy')).toEqual(reasonChoices('redacted'));
    expect(reasonLabels('redacted')).toEqual({ reason: 'editor.redactionReason', note: 'editor.redactionNote', none: 'editor.redactionReasonNone' });
    expect(reasonLabels('withheld').reason).toBe('fields.withheld_reason');
  });

  it.each<[Disclosure, WithheldReason | null, Disclosure, WithheldReason | null]>([
    ['withheld', 'privacy', 'redacted', 'privacy'],
    ['on_request', 'on_request_only', 'redacted', null],
    ['redacted', 'trade_secret', 'withheld', 'trade_secret'],
    ['redacted', 'trade_secret', 'proactive', null],
    ['proactive', null, 'redacted', null],
  ])('from %s (%s) to %s keeps the reason %s', (from, reason, to, kept) => {
    const item = { ...blankItem(), disclosure: from, withheld_reason: reason, withheld_note: '删去了住址' };
    const changed = withDisclosure(item, to);
    expect(changed.disclosure).toBe(to);
    expect(changed.withheld_reason).toBe(kept);
    expect(changed.withheld_note).toBe('删去了住址');
  });

  it('splits typed lists like the backend', () => {
    expect(splitList('政府网站、政务微信，公开查阅点;政府网站')).toEqual(['政府网站', '政务微信', '公开查阅点']);
    expect(addToList(['招生'], '招生, 划片')).toEqual(['招生', '划片']);
    expect(toggleInList(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggleInList(['b'], 'a', true)).toEqual(['b', 'a']);
  });

  it('compares items by value', () => {
    expect(sameItem(blankItem(), blankItem())).toBe(true);
    expect(sameItem(blankItem(), { ...blankItem(), title: 'x' })).toBe(false);
  });
});

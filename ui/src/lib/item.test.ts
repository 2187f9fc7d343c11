import { describe, expect, it } from 'vitest';
import { ITEM_FIELDS, LINK_KINDS, addToList, blankItem, sameItem, splitList, toggleInList, withDisclosure } from './item';

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

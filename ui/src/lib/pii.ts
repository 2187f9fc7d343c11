// Unmasked personal numbers found by the checklist's scan: where they are, and which of them the
// backend can mask in place (the item's own text; a number inside an attachment cannot be).

import type { ItemChecklist, PiiHit } from '../ipc/bindings';
import { tDynamic, tIn, type Lang } from '../i18n/index.svelte';
import { ATTACHMENT_FIELD_PREFIX, MASKABLE_FIELDS } from '../ipc/rules';
import { isItemField } from './item';

/** Whether the backend can mask the hit in place: it is in one of the item's own text fields. */
export function isMaskable(hit: PiiHit): boolean {
  return (MASKABLE_FIELDS as readonly string[]).includes(hit.field);
}

/** Every personal-data hit on the checklist, once each. */
export function piiHits(checklist: ItemChecklist | null | undefined): PiiHit[] {
  if (!checklist) return [];
  const seen = new Set<string>();
  const out: PiiHit[] = [];
  for (const check of checklist.checks) {
    for (const finding of check.findings) {
      if (finding.code !== 'personal_data') continue;
      for (const hit of finding.hits) {
        const key = `${hit.field}\u0000${hit.start}\u0000${hit.end}\u0000${hit.text}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(hit);
        }
      }
    }
  }
  return out;
}

/** Where a hit was found: the field's label, or the attachment's name. */
export function hitFieldLabel(field: string, lang: Lang): string {
  if (field.startsWith(ATTACHMENT_FIELD_PREFIX)) return tIn(lang, 'pii.attachmentField', { name: field.slice(ATTACHMENT_FIELD_PREFIX.length) });
  if (isItemField(field)) return tIn(lang, `fields.${field}`);
  return field;
}

export function hitKindLabel(kind: string): string {
  return tDynamic(`pii.kind.${kind}`, kind);
}

// The fields the editor shows, so a problem for any other field goes to the banner instead.

import type { ItemField } from '../../ipc/bindings';

export const EDITOR_FIELDS: ReadonlySet<string> = new Set<ItemField>([
  'index_no',
  'title',
  'category_id',
  'summary',
  'elements',
  'legal_basis',
  'issuing_body',
  'doc_no',
  'subject_category',
  'keywords',
  'date_written',
  'date_formed',
  'date_published',
  'due_date',
  'validity',
  'disclosure',
  'withheld_reason',
  'withheld_note',
  'audience',
  'channels',
  'level',
  'lead_department_id',
  'co_department_ids',
  'other_responsible',
  'links',
  'status',
  'notes',
]);

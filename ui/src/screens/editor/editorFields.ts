// The fields the editor shows, so a problem for any other field goes to the banner instead.

import { ITEM_FIELDS } from '../../lib/item';

/** Every item field but `source`, which the editor shows only as a note and never edits. */
export const EDITOR_FIELDS: ReadonlySet<string> = new Set<string>(ITEM_FIELDS.filter((field) => field !== 'source'));

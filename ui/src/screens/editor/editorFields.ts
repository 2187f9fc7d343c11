// The fields the editor shows, so a problem for any other field goes to the banner instead.

import { ITEM_FIELDS, WORKFLOW_FIELDS } from '../../lib/item';

/** Fields the form has no control for: the source (shown only as a note), the workflow's own
 *  fields (changed by actions) and attachments (changed through their own panel). */
const NOT_IN_FORM: ReadonlySet<string> = new Set<string>(['source', 'attachments', ...WORKFLOW_FIELDS]);

export const EDITOR_FIELDS: ReadonlySet<string> = new Set<string>(ITEM_FIELDS.filter((field) => !NOT_IN_FORM.has(field)));

// Words and numbers for the export screen: every code the backend can give here, so a test can
// prove both languages translate each one.

import type { Exclusion, FeedbackOutcome } from '../../ipc/bindings';

export const EXCLUSIONS: Exclusion[] = [
  'not_proactive',
  'not_signed_off',
  'already_exported',
  'signoff_missing',
  'signoff_void',
  'signoff_unsigned',
];

/** Problem codes of `verify` (desk-export/src/verify.rs). */
export const BUNDLE_PROBLEMS = [
  'zip_unreadable',
  'zip_too_many_entries',
  'zip_too_large',
  'entry_duplicate',
  'entry_unsafe_path',
  'entry_symlink',
  'entry_unexpected',
  'entry_encrypted',
  'entry_compression',
  'entry_too_large',
  'entry_ratio',
  'entry_size_mismatch',
  'entry_damaged',
  'entry_missing',
  'entry_unlisted',
  'checksum_mismatch',
  'checksums_invalid',
  'manifest_invalid',
  'manifest_format_newer',
  'manifest_inconsistent',
  'item_not_proactive',
  'item_reason_missing',
  'item_not_signed_off',
  'attachment_missing',
  'attachment_mismatch',
  'signoff_missing',
  'signoff_mismatch',
  'entry_overlap',
  'zip_inflate_limit',
  'index_mismatch',
  'bundle_roster_bad_signature',
  'bundle_roster_invalid',
  'bundle_roster_missing',
  'bundle_roster_other_office',
  'signoff_bad_signature',
  'signoff_roster_version',
  'signoff_unsigned',
  'signoff_signer_unknown',
  'signoff_key_not_in_roster',
  'signoff_key_not_valid',
  'signoff_signer_without_role',
  'signoff_other_catalog',
  'office_key_not_pinned',
] as const;

/** Why a feedback row was not applied (desk-export/src/feedback.rs and the workflow). */
export const FEEDBACK_CODES = [
  'feedback_item_missing',
  'feedback_unknown_item',
  'feedback_bad_url',
  'feedback_bad_date',
  'feedback_duplicate_row',
  'feedback_not_exported',
  'feedback_published_elsewhere',
  'workflow_not_from_status',
  'workflow_not_proactive',
  'workflow_url_required',
] as const;

export const FEEDBACK_OUTCOMES: FeedbackOutcome[] = ['applied', 'unchanged', 'refused'];

/** Error codes of the export commands. */
export const EXPORT_ERRORS = [
  'export_cancelled',
  'export_nothing',
  'export_catalog_changed',
  'bundle_invalid',
  'feedback_format',
  'file_unreadable',
  'file_exists',
  'invalid_path',
] as const;

/** 12.3 MB, 850 KB: sizes as people read them. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(0, bytes / 1024).toFixed(1)} KB`;
}

/** Percent done, 0–100, for the progress bar. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((done * 100) / total));
}

/** The year before `today`'s: what the annual report is usually for (published by 1月31日). */
export function reportYear(today: Date): number {
  return today.getFullYear() - 1;
}

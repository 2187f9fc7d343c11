// Generated from desk-core's rules by `desk-core/tests/bindings.rs`: do not edit.

import type { Disclosure, ItemField, KeptAsideReason, Status, WithheldReason } from './bindings';

/** Fewest working days of a due period or a category's time limit (settings::DUE_DAYS_MIN). */
export const DUE_DAYS_MIN = 1;

/** Most working days of a due period or a category's time limit (settings::DUE_DAYS_MAX). */
export const DUE_DAYS_MAX = 250;

/** The widest serial of the 索引号 rule, {seq:N} (index_rule::MAX_SEQ_WIDTH). */
export const INDEX_RULE_MAX_SEQ_WIDTH = 12;

/** The longest check key of a template (checklist::CHECK_KEY_MAX_CHARS). */
export const CHECK_KEY_MAX_CHARS = 64;

/** Besides ASCII letters and digits, the characters of a check key (checklist::CHECK_KEY_SYMBOLS). */
export const CHECK_KEY_SYMBOLS = "_-";

/** Shortest minimum comment period a template may ask for, in days. */
export const COMMENT_PERIOD_DAYS_MIN = 1;

/** Longest minimum comment period a template may ask for, in days. */
export const COMMENT_PERIOD_DAYS_MAX = 365;

/** First year an office may write a calendar file for (workdays::OFFICE_YEAR_MIN). */
export const OFFICE_YEAR_MIN = 2000;

/** Last year an office may write a calendar file for (workdays::OFFICE_YEAR_MAX). */
export const OFFICE_YEAR_MAX = 2100;

/** The most 审查呈批单 printed into one file (verify_code::MAX_SHEETS). */
export const MAX_SHEETS = 2000;

/** The item's own text fields, scanned for personal numbers and masked in place (pii::MASKABLE_FIELDS). */
export const MASKABLE_FIELDS: readonly ItemField[] = ["title", "summary", "elements", "legal_basis", "issuing_body", "keywords"];

/** How a personal-data hit in an attachment names its field (pii::ATTACHMENT_FIELD_PREFIX). */
export const ATTACHMENT_FIELD_PREFIX = "attachment:";

/** Fields a sign-off covers: a change to one voids it (ItemField::is_signed_content). */
export const SIGNED_FIELDS: readonly ItemField[] = ["index_no", "title", "category_id", "summary", "elements", "legal_basis", "issuing_body", "doc_no", "subject_category", "keywords", "date_written", "date_formed", "disclosure", "withheld_reason", "withheld_note", "audience", "channels", "level", "lead_department_id", "co_department_ids", "other_responsible", "comment_start", "comment_end", "attachments", "links"];

/** Fields a 台账 column may fill, for correcting a column (ledger_import::ledger_fields). */
export const LEDGER_FIELDS: readonly ItemField[] = ["index_no", "title", "category_id", "summary", "elements", "legal_basis", "issuing_body", "doc_no", "subject_category", "keywords", "date_written", "date_formed", "date_published", "due_date", "validity", "disclosure", "withheld_reason", "withheld_note", "audience", "channels", "level", "lead_department_id", "co_department_ids", "other_responsible", "comment_start", "comment_end", "notes"];

/** Fields only the workflow changes; a save keeps their stored values (ItemField::is_workflow_managed). */
export const WORKFLOW_FIELDS: readonly ItemField[] = ["status", "status_note", "changed_after_signoff", "published_url"];

/** Statuses a valid sign-off stands behind (Status::is_signed). */
export const SIGNED_STATUSES: readonly Status[] = ["signed_off", "exported", "published"];

/** Reasons an arriving change is kept aside that are alerts: no PC of the office writes it (KeptAsideReason::is_alert). */
export const ALERT_REASONS: readonly KeptAsideReason[] = ["refused_transition", "signature_invalid"];

/** Every 公开属性, in the order the item screen offers them (Disclosure::ALL). */
export const DISCLOSURES: readonly Disclosure[] = ["proactive", "on_request", "withheld", "redacted"];

/** The reasons a 删减后公开 item may cite for what it removed (WithheldReason::withholds). */
export const REDACTION_REASONS: readonly WithheldReason[] = ["state_secret", "law_forbids", "security_stability", "trade_secret", "privacy", "internal_affairs", "process_information", "enforcement_case_file"];

/** Every code a rule of the domain refuses with (problem::Code); the UI translates each one. */
export const PROBLEM_CODES: readonly string[] = ["title_empty", "title_too_long", "title_control_chars", "text_too_long", "keyword_invalid", "index_no_taken", "reason_on_proactive", "reason_required", "reason_note_required", "redaction_reason_required", "redaction_reason_not_withholding", "redaction_note_required", "published_before_written", "unknown_category", "unknown_department", "co_is_lead", "unknown_channel", "unknown_level", "link_to_self", "unknown_link_target", "unknown_person", "list_entry_empty", "list_entry_repeated", "channels_empty", "index_rule_seq_count", "index_rule_unknown_placeholder", "index_rule_unclosed", "deadline_repeated", "due_days_out_of_range", "template_name_empty", "template_no_checks", "check_key_empty", "check_key_invalid", "check_key_repeated", "check_label_empty", "comment_period_out_of_range", "template_category_taken", "no_template", "department_name_empty", "department_name_taken", "person_name_empty", "calendar_unknown_keyword", "calendar_missing_date", "calendar_bad_date", "calendar_range_backwards", "calendar_bad_year", "calendar_year_changed", "calendar_outside_year", "calendar_conflict", "calendar_no_year", "calendar_duplicate_year", "calendar_year_out_of_range", "view_needs_person", "conflict_key_invalid", "catalog_already_joined", "not_sample", "sample_needs_empty_catalog", "own_segments", "verify_code_malformed", "verify_code_mistyped"];

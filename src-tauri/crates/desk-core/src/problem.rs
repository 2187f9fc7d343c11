//! Every code a rule of the domain can refuse something with, in one list.
//!
//! A [`FieldProblem`] names the field, a stable code and an English sentence for the CLI and the
//! logs. The UI never shows the sentence: it translates the code. So the codes are declared here
//! once, the rules build their problems from them, and `tests/bindings.rs` hands the list to the
//! UI, whose tests check that both languages translate every code.

use crate::validate::FieldProblem;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// A stable problem code (`FieldProblem::code`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order declared.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }
        }
    };
}

codes! {
    // An item (validate.rs).
    TitleEmpty = "title_empty",
    TitleTooLong = "title_too_long",
    TitleControlChars = "title_control_chars",
    TextTooLong = "text_too_long",
    KeywordInvalid = "keyword_invalid",
    IndexNoTaken = "index_no_taken",
    ReasonOnProactive = "reason_on_proactive",
    ReasonRequired = "reason_required",
    ReasonNoteRequired = "reason_note_required",
    /// 删减后公开 without the legal reason for what was removed.
    RedactionReasonRequired = "redaction_reason_required",
    /// 删减后公开 citing 依申请公开, which is no ground for removing anything.
    RedactionReasonNotWithholding = "redaction_reason_not_withholding",
    /// 删减后公开 without the written explanation of what was removed and why.
    RedactionNoteRequired = "redaction_note_required",
    PublishedBeforeWritten = "published_before_written",
    UnknownCategory = "unknown_category",
    UnknownDepartment = "unknown_department",
    CoIsLead = "co_is_lead",
    UnknownChannel = "unknown_channel",
    UnknownLevel = "unknown_level",
    LinkToSelf = "link_to_self",
    UnknownLinkTarget = "unknown_link_target",
    /// A clerk, reviewer or signer who is not in the registry.
    UnknownPerson = "unknown_person",

    // The catalog's settings (settings.rs, index_rule.rs).
    ListEntryEmpty = "list_entry_empty",
    ListEntryRepeated = "list_entry_repeated",
    ChannelsEmpty = "channels_empty",
    IndexRuleSeqCount = "index_rule_seq_count",
    IndexRuleUnknownPlaceholder = "index_rule_unknown_placeholder",
    IndexRuleUnclosed = "index_rule_unclosed",
    DeadlineRepeated = "deadline_repeated",
    DueDaysOutOfRange = "due_days_out_of_range",

    // Checklist templates (checklist.rs).
    TemplateNameEmpty = "template_name_empty",
    TemplateNoChecks = "template_no_checks",
    CheckKeyEmpty = "check_key_empty",
    CheckKeyInvalid = "check_key_invalid",
    CheckKeyRepeated = "check_key_repeated",
    CheckLabelEmpty = "check_label_empty",
    CommentPeriodOutOfRange = "comment_period_out_of_range",
    TemplateCategoryTaken = "template_category_taken",
    /// No template serves the item's category and there is no default template.
    NoTemplate = "no_template",

    // Departments and people (registry.rs).
    DepartmentNameEmpty = "department_name_empty",
    DepartmentNameTaken = "department_name_taken",
    PersonNameEmpty = "person_name_empty",

    // A year file of the working-day calendar (workdays.rs); the field is the line number.
    CalendarUnknownKeyword = "calendar_unknown_keyword",
    CalendarMissingDate = "calendar_missing_date",
    CalendarBadDate = "calendar_bad_date",
    CalendarRangeBackwards = "calendar_range_backwards",
    CalendarBadYear = "calendar_bad_year",
    CalendarYearChanged = "calendar_year_changed",
    CalendarOutsideYear = "calendar_outside_year",
    CalendarConflict = "calendar_conflict",
    CalendarNoYear = "calendar_no_year",
    CalendarDuplicateYear = "calendar_duplicate_year",
    CalendarYearOutOfRange = "calendar_year_out_of_range",

    // The list and sync.
    /// A personal view asked for before choosing who you are.
    ViewNeedsPerson = "view_needs_person",
    /// A conflict key that is not `entity/id/field`.
    ConflictKeyInvalid = "conflict_key_invalid",
    /// The catalog already syncs with another shared folder's catalog.
    CatalogAlreadyJoined = "catalog_already_joined",
    /// Keeping or removing the sample asked of a catalog that is not the sample.
    NotSample = "not_sample",
    /// The sample asked for in a catalog that holds something or syncs already.
    SampleNeedsEmptyCatalog = "sample_needs_empty_catalog",
    /// Only a broken sync peer asks a PC to apply its own segments.
    OwnSegments = "own_segments",

    // The code printed on a paper form (verify_code.rs).
    /// Not 20 letters and digits of the code's alphabet.
    VerifyCodeMalformed = "verify_code_malformed",
    /// The code's check characters do not match: a character was misread or mistyped.
    VerifyCodeMistyped = "verify_code_mistyped",
}

impl Code {
    /// A problem of `field` with this code; `message` is for the CLI and the logs.
    pub fn problem(self, field: impl Into<String>, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            code: self.as_str().into(),
            message: message.into(),
        }
    }
}

/// Every code as the UI receives it.
pub fn all_codes() -> impl Iterator<Item = &'static str> {
    Code::ALL.iter().map(|c| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in all_codes() {
            assert!(seen.insert(code), "{code} twice");
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
        }
    }
}

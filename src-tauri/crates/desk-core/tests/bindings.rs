//! The TypeScript declarations of every type that crosses IPC, generated from the Rust types, and
//! the rules the UI needs to know (limits, which fields are signed or maskable, problem codes),
//! generated from the constants and functions that enforce them.
//!
//! `ui/src/ipc/bindings.ts` and `ui/src/ipc/rules.ts` are committed; these tests fail when they
//! differ from what desk-core generates, so the UI cannot drift from the domain. Regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p desk-core --test bindings`.

use desk_core::*;
use ts_rs::{Config, TS};

fn declare<T: TS>(cfg: &Config, out: &mut String) {
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}

fn generate() -> String {
    let cfg = Config::new();
    let mut out = String::from(
        "// Generated from the Rust types by `desk-core/tests/bindings.rs`: do not edit.\n\n",
    );
    out.push_str("export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n\n");
    declare::<model::Item>(&cfg, &mut out);
    declare::<model::Validity>(&cfg, &mut out);
    declare::<model::Disclosure>(&cfg, &mut out);
    declare::<model::WithheldReason>(&cfg, &mut out);
    declare::<model::Audience>(&cfg, &mut out);
    declare::<model::Status>(&cfg, &mut out);
    declare::<model::ItemLink>(&cfg, &mut out);
    declare::<model::LinkKind>(&cfg, &mut out);
    declare::<model::Department>(&cfg, &mut out);
    declare::<model::DepartmentKind>(&cfg, &mut out);
    declare::<model::Person>(&cfg, &mut out);
    declare::<model::Role>(&cfg, &mut out);
    declare::<model::Category>(&cfg, &mut out);
    declare::<fields::ItemField>(&cfg, &mut out);
    declare::<query::ItemQuery>(&cfg, &mut out);
    declare::<query::DueFilter>(&cfg, &mut out);
    declare::<query::SortKey>(&cfg, &mut out);
    declare::<search_hit::SearchHit>(&cfg, &mut out);
    declare::<search_hit::HitField>(&cfg, &mut out);
    declare::<query::ItemSummary>(&cfg, &mut out);
    declare::<query::ItemPage>(&cfg, &mut out);
    declare::<hlc::Hlc>(&cfg, &mut out);
    declare::<ops::Operation>(&cfg, &mut out);
    declare::<ops::EntityKind>(&cfg, &mut out);
    declare::<ops::OpKind>(&cfg, &mut out);
    declare::<ops::HistoryEntry>(&cfg, &mut out);
    declare::<sync::SyncReport>(&cfg, &mut out);
    declare::<sync::DeviceCount>(&cfg, &mut out);
    declare::<sync::WaitReason>(&cfg, &mut out);
    declare::<sync::WaitingSegment>(&cfg, &mut out);
    declare::<sync::DamagedFile>(&cfg, &mut out);
    declare::<sync::DeviceChange>(&cfg, &mut out);
    declare::<sync::FolderProblem>(&cfg, &mut out);
    declare::<sync::ClockWarning>(&cfg, &mut out);
    declare::<sync::SyncStatus>(&cfg, &mut out);
    declare::<sync::KeptAsideOp>(&cfg, &mut out);
    declare::<sync::KeptAsideReason>(&cfg, &mut out);
    declare::<sync::SyncProgress>(&cfg, &mut out);
    declare::<sync::Conflict>(&cfg, &mut out);
    declare::<sync::ConflictValue>(&cfg, &mut out);
    declare::<sync::DuplicateIndexNo>(&cfg, &mut out);
    declare::<sync::PendingRenumber>(&cfg, &mut out);
    declare::<settings::CatalogSettings>(&cfg, &mut out);
    declare::<validate::FieldProblem>(&cfg, &mut out);
    declare::<error::ErrorPayload>(&cfg, &mut out);
    declare::<ipc::SampleState>(&cfg, &mut out);
    declare::<ipc::AppInfo>(&cfg, &mut out);
    declare::<ipc::DeviceName>(&cfg, &mut out);
    declare::<ipc::SigningState>(&cfg, &mut out);
    declare::<ipc::PersonalKey>(&cfg, &mut out);
    declare::<ipc::RosterView>(&cfg, &mut out);
    declare::<ipc::RosterPersonView>(&cfg, &mut out);
    declare::<ipc::RosterKeyView>(&cfg, &mut out);
    declare::<ipc::KeyRequestView>(&cfg, &mut out);
    declare::<ipc::DeviceKeyView>(&cfg, &mut out);
    declare::<ipc::RosterDeviceView>(&cfg, &mut out);
    declare::<ipc::DeviceRequestView>(&cfg, &mut out);
    declare::<plan::PlanParse>(&cfg, &mut out);
    declare::<plan::PlanTask>(&cfg, &mut out);
    declare::<plan::PlanDeadline>(&cfg, &mut out);
    declare::<plan::PlanDepartment>(&cfg, &mut out);
    declare::<plan::DepartmentRole>(&cfg, &mut out);
    declare::<plan::PlanWarning>(&cfg, &mut out);
    declare::<plan::DecodedPlan>(&cfg, &mut out);
    declare::<plan_import::PlanPreview>(&cfg, &mut out);
    declare::<plan_import::TaskPreview>(&cfg, &mut out);
    declare::<plan_import::DepartmentMatch>(&cfg, &mut out);
    declare::<plan_import::PlanImportRequest>(&cfg, &mut out);
    declare::<plan_import::PlanImportReport>(&cfg, &mut out);
    declare::<ledger_import::LedgerColumn>(&cfg, &mut out);
    declare::<ledger_import::RowProblem>(&cfg, &mut out);
    declare::<ledger_import::ColumnChoice>(&cfg, &mut out);
    declare::<ledger_import::LedgerRowState>(&cfg, &mut out);
    declare::<ledger_import::LedgerRowSummary>(&cfg, &mut out);
    declare::<ledger_import::LedgerSummary>(&cfg, &mut out);
    declare::<ledger_import::LedgerProgress>(&cfg, &mut out);
    declare::<ledger_import::LedgerImportReport>(&cfg, &mut out);
    declare::<model::Attachment>(&cfg, &mut out);
    declare::<query::View>(&cfg, &mut out);
    declare::<query::DepartmentProgress>(&cfg, &mut out);
    declare::<query::AuditQuery>(&cfg, &mut out);
    declare::<query::AuditEntry>(&cfg, &mut out);
    declare::<query::AuditPage>(&cfg, &mut out);
    declare::<query::KeyEvent>(&cfg, &mut out);
    declare::<settings::CategoryDeadline>(&cfg, &mut out);
    declare::<checklist::CheckState>(&cfg, &mut out);
    declare::<checklist::CheckRule>(&cfg, &mut out);
    declare::<checklist::CheckDef>(&cfg, &mut out);
    declare::<checklist::ChecklistTemplate>(&cfg, &mut out);
    declare::<checklist::CheckMark>(&cfg, &mut out);
    declare::<checklist::Finding>(&cfg, &mut out);
    declare::<checklist::CheckView>(&cfg, &mut out);
    declare::<checklist::ItemChecklist>(&cfg, &mut out);
    declare::<checklist::TemplateRef>(&cfg, &mut out);
    declare::<pii::PiiKind>(&cfg, &mut out);
    declare::<pii::PiiHit>(&cfg, &mut out);
    declare::<due::DueInfo>(&cfg, &mut out);
    declare::<signoff::Signoff>(&cfg, &mut out);
    declare::<signoff::SignBasis>(&cfg, &mut out);
    declare::<signoff::SignoffSignature>(&cfg, &mut out);
    declare::<signoff::SignatureVerdict>(&cfg, &mut out);
    declare::<workflow::Action>(&cfg, &mut out);
    declare::<review::ItemReview>(&cfg, &mut out);
    declare::<review::ActionState>(&cfg, &mut out);
    declare::<workdays::CalendarYear>(&cfg, &mut out);
    declare::<workdays::CalendarDay>(&cfg, &mut out);
    declare::<export::ExportScope>(&cfg, &mut out);
    declare::<export::Exclusion>(&cfg, &mut out);
    declare::<export::ExcludedItem>(&cfg, &mut out);
    declare::<export::ExportPreview>(&cfg, &mut out);
    declare::<export::ExportCandidate>(&cfg, &mut out);
    declare::<export::ExclusionCount>(&cfg, &mut out);
    declare::<export::ExportProgress>(&cfg, &mut out);
    declare::<export::ExportReport>(&cfg, &mut out);
    declare::<export::BundleRecord>(&cfg, &mut out);
    declare::<export::BundleProblem>(&cfg, &mut out);
    declare::<export::VerifyReport>(&cfg, &mut out);
    declare::<verify_code::PaperCheck>(&cfg, &mut out);
    declare::<verify_code::PaperMatch>(&cfg, &mut out);
    declare::<verify_code::PrintedSignoff>(&cfg, &mut out);
    declare::<verify_code::PaperReport>(&cfg, &mut out);
    declare::<verify_code::SheetCode>(&cfg, &mut out);
    declare::<export::VerifiedItem>(&cfg, &mut out);
    declare::<export::SignatureCheck>(&cfg, &mut out);
    declare::<export::FeedbackRow>(&cfg, &mut out);
    declare::<export::FeedbackOutcome>(&cfg, &mut out);
    declare::<export::FeedbackResult>(&cfg, &mut out);
    declare::<export::FeedbackReport>(&cfg, &mut out);
    declare::<export::DocumentFigures>(&cfg, &mut out);
    declare::<export::CountRow>(&cfg, &mut out);
    declare::<export::AnnualFigures>(&cfg, &mut out);
    declare::<export::LedgerReport>(&cfg, &mut out);
    declare::<desk_update::ipc::UpdateSettings>(&cfg, &mut out);
    declare::<desk_update::ipc::UpdateSource>(&cfg, &mut out);
    declare::<desk_update::ipc::UpdateInfo>(&cfg, &mut out);
    declare::<desk_update::ipc::UpdateCheck>(&cfg, &mut out);
    declare::<desk_update::ipc::UpdateProgress>(&cfg, &mut out);
    out.trim_end().to_string() + "\n"
}

/// A TypeScript literal of a value (strings quoted and escaped, enums as serde writes them).
fn literal<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| panic!("serialize a rule: {e}"))
}

fn constant(out: &mut String, doc: &str, name: &str, value: String) {
    out.push_str(&format!("/** {doc} */\nexport const {name} = {value};\n\n"));
}

fn list<T: serde::Serialize>(out: &mut String, doc: &str, name: &str, ty: &str, values: &[T]) {
    let items: Vec<String> = values.iter().map(literal).collect();
    let value = format!("[{}]", items.join(", "));
    out.push_str(&format!(
        "/** {doc} */\nexport const {name}: readonly {ty}[] = {value};\n\n"
    ));
}

fn generate_rules() -> String {
    use desk_core::fields::ItemField;
    use desk_core::model::Status;
    let mut out = String::from(
        "// Generated from desk-core's rules by `desk-core/tests/bindings.rs`: do not edit.\n\n\
         import type { Disclosure, ItemField, KeptAsideReason, Status, WithheldReason } from './bindings';\n\n",
    );
    constant(
        &mut out,
        "Fewest working days of a due period or a category's time limit (settings::DUE_DAYS_MIN).",
        "DUE_DAYS_MIN",
        literal(&settings::DUE_DAYS_MIN),
    );
    constant(
        &mut out,
        "Most working days of a due period or a category's time limit (settings::DUE_DAYS_MAX).",
        "DUE_DAYS_MAX",
        literal(&settings::DUE_DAYS_MAX),
    );
    constant(
        &mut out,
        "The widest serial of the 索引号 rule, {seq:N} (index_rule::MAX_SEQ_WIDTH).",
        "INDEX_RULE_MAX_SEQ_WIDTH",
        literal(&index_rule::MAX_SEQ_WIDTH),
    );
    constant(
        &mut out,
        "The longest check key of a template (checklist::CHECK_KEY_MAX_CHARS).",
        "CHECK_KEY_MAX_CHARS",
        literal(&checklist::CHECK_KEY_MAX_CHARS),
    );
    constant(
        &mut out,
        "Besides ASCII letters and digits, the characters of a check key (checklist::CHECK_KEY_SYMBOLS).",
        "CHECK_KEY_SYMBOLS",
        literal(&checklist::CHECK_KEY_SYMBOLS),
    );
    constant(
        &mut out,
        "Shortest minimum comment period a template may ask for, in days.",
        "COMMENT_PERIOD_DAYS_MIN",
        literal(&checklist::COMMENT_PERIOD_DAYS_MIN),
    );
    constant(
        &mut out,
        "Longest minimum comment period a template may ask for, in days.",
        "COMMENT_PERIOD_DAYS_MAX",
        literal(&checklist::COMMENT_PERIOD_DAYS_MAX),
    );
    constant(
        &mut out,
        "First year an office may write a calendar file for (workdays::OFFICE_YEAR_MIN).",
        "OFFICE_YEAR_MIN",
        literal(&workdays::OFFICE_YEAR_MIN),
    );
    constant(
        &mut out,
        "Last year an office may write a calendar file for (workdays::OFFICE_YEAR_MAX).",
        "OFFICE_YEAR_MAX",
        literal(&workdays::OFFICE_YEAR_MAX),
    );
    constant(
        &mut out,
        "The most 审查呈批单 printed into one file (verify_code::MAX_SHEETS).",
        "MAX_SHEETS",
        literal(&verify_code::MAX_SHEETS),
    );
    list(
        &mut out,
        "The item's own text fields, scanned for personal numbers and masked in place (pii::MASKABLE_FIELDS).",
        "MASKABLE_FIELDS",
        "ItemField",
        &pii::MASKABLE_FIELDS,
    );
    constant(
        &mut out,
        "How a personal-data hit in an attachment names its field (pii::ATTACHMENT_FIELD_PREFIX).",
        "ATTACHMENT_FIELD_PREFIX",
        literal(&pii::ATTACHMENT_FIELD_PREFIX),
    );
    let signed: Vec<ItemField> = ItemField::ALL
        .into_iter()
        .filter(|f| f.is_signed_content())
        .collect();
    list(
        &mut out,
        "Fields a sign-off covers: a change to one voids it (ItemField::is_signed_content).",
        "SIGNED_FIELDS",
        "ItemField",
        &signed,
    );
    list(
        &mut out,
        "Fields a 台账 column may fill, for correcting a column (ledger_import::ledger_fields).",
        "LEDGER_FIELDS",
        "ItemField",
        &ledger_import::ledger_fields(),
    );
    let workflow: Vec<ItemField> = ItemField::ALL
        .into_iter()
        .filter(|f| f.is_workflow_managed())
        .collect();
    list(
        &mut out,
        "Fields only the workflow changes; a save keeps their stored values (ItemField::is_workflow_managed).",
        "WORKFLOW_FIELDS",
        "ItemField",
        &workflow,
    );
    let signed_statuses: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_signed()).collect();
    list(
        &mut out,
        "Statuses a valid sign-off stands behind (Status::is_signed).",
        "SIGNED_STATUSES",
        "Status",
        &signed_statuses,
    );
    let alerts: Vec<desk_core::sync::KeptAsideReason> = desk_core::sync::KeptAsideReason::ALL
        .into_iter()
        .filter(|r| r.is_alert())
        .collect();
    list(
        &mut out,
        "Reasons an arriving change is kept aside that are alerts: no PC of the office writes it (KeptAsideReason::is_alert).",
        "ALERT_REASONS",
        "KeptAsideReason",
        &alerts,
    );
    list(
        &mut out,
        "Every 公开属性, in the order the item screen offers them (Disclosure::ALL).",
        "DISCLOSURES",
        "Disclosure",
        &desk_core::model::Disclosure::ALL,
    );
    let withholding: Vec<desk_core::model::WithheldReason> = desk_core::model::WithheldReason::ALL
        .into_iter()
        .filter(|r| r.withholds())
        .collect();
    list(
        &mut out,
        "The reasons a 删减后公开 item may cite for what it removed (WithheldReason::withholds).",
        "REDACTION_REASONS",
        "WithheldReason",
        &withholding,
    );
    let codes: Vec<&str> = problem::all_codes().collect();
    list(
        &mut out,
        "Every code a rule of the domain refuses with (problem::Code); the UI translates each one.",
        "PROBLEM_CODES",
        "string",
        &codes,
    );
    out.trim_end().to_string() + "\n"
}

/// Compares a committed generated file with what desk-core generates now, or rewrites it when
/// `UPDATE_BINDINGS` is set.
fn check_fresh(relative: &str, generated: &str) {
    let path = format!("{}/../../../{relative}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, generated).unwrap_or_else(|e| panic!("write {path}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale: run UPDATE_BINDINGS=1 cargo test -p desk-core --test bindings"
    );
}

#[test]
fn bindings_are_fresh() {
    check_fresh("ui/src/ipc/bindings.ts", &generate());
}

#[test]
fn rules_are_fresh() {
    check_fresh("ui/src/ipc/rules.ts", &generate_rules());
}

//! The TypeScript declarations of every type that crosses IPC, generated from the Rust types.
//!
//! `ui/src/ipc/bindings.ts` is committed; this test fails when it differs from what the Rust
//! types generate. Regenerate with `UPDATE_BINDINGS=1 cargo test -p desk-core --test bindings`.

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
    declare::<sync::DeviceChange>(&cfg, &mut out);
    declare::<sync::FolderProblem>(&cfg, &mut out);
    declare::<sync::ClockWarning>(&cfg, &mut out);
    declare::<sync::SyncStatus>(&cfg, &mut out);
    declare::<sync::SyncProgress>(&cfg, &mut out);
    declare::<sync::Conflict>(&cfg, &mut out);
    declare::<sync::ConflictValue>(&cfg, &mut out);
    declare::<settings::CatalogSettings>(&cfg, &mut out);
    declare::<validate::FieldProblem>(&cfg, &mut out);
    declare::<error::ErrorPayload>(&cfg, &mut out);
    declare::<ipc::AppInfo>(&cfg, &mut out);
    declare::<plan::PlanParse>(&cfg, &mut out);
    declare::<plan::PlanTask>(&cfg, &mut out);
    declare::<plan::PlanDepartment>(&cfg, &mut out);
    declare::<plan::DepartmentRole>(&cfg, &mut out);
    declare::<plan::PlanWarning>(&cfg, &mut out);
    declare::<plan::DecodedPlan>(&cfg, &mut out);
    declare::<plan_import::PlanPreview>(&cfg, &mut out);
    declare::<plan_import::TaskPreview>(&cfg, &mut out);
    declare::<plan_import::DepartmentMatch>(&cfg, &mut out);
    declare::<plan_import::PlanImportRequest>(&cfg, &mut out);
    declare::<plan_import::PlanImportReport>(&cfg, &mut out);
    declare::<model::Attachment>(&cfg, &mut out);
    declare::<query::View>(&cfg, &mut out);
    declare::<query::DepartmentProgress>(&cfg, &mut out);
    declare::<query::AuditQuery>(&cfg, &mut out);
    declare::<query::AuditEntry>(&cfg, &mut out);
    declare::<query::AuditPage>(&cfg, &mut out);
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
    declare::<workflow::Action>(&cfg, &mut out);
    declare::<review::ItemReview>(&cfg, &mut out);
    declare::<review::ActionState>(&cfg, &mut out);
    declare::<workdays::CalendarYear>(&cfg, &mut out);
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
    declare::<export::VerifiedItem>(&cfg, &mut out);
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

#[test]
fn bindings_are_fresh() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../ui/src/ipc/bindings.ts"
    );
    let generated = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(path, &generated).unwrap_or_else(|e| panic!("write {path}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/ipc/bindings.ts is stale: run UPDATE_BINDINGS=1 cargo test -p desk-core --test bindings"
    );
}

//! The sample catalog a new installation opens with: the real 2019 work plan of a city
//! education bureau, imported as a coordinator would (every department confirmed).

use crate::error::Result;
use crate::Catalog;
use desk_core::plan_import::PlanImportRequest;

pub const SAMPLE_PLAN: &str =
    include_str!("../../../desk-core/tests/fixtures/plan/dalian-education-2019-plan.txt");

pub fn seed(catalog: &mut Catalog) -> Result<()> {
    let preview = catalog.preview_plan_text(SAMPLE_PLAN)?;
    let request = PlanImportRequest {
        create_departments: preview.unknown_departments.clone(),
        tasks: preview.parse.tasks,
    };
    let report = catalog.import_plan(&request)?;
    log::info!(
        "sample catalog: {} items, {} departments",
        report.items_created,
        report.departments_created
    );
    Ok(())
}

//! The sample catalog a new installation opens with: the real 2019 work plan of a city
//! education bureau, imported as a coordinator would (every department confirmed).
//!
//! It is for trying the app, never the office's data: `sample_seq` in `meta` marks a catalog
//! that began as the sample (its last operation then), so that an untouched sample is removed,
//! not sent, when the PC joins or starts the office's shared folder, and an edited one waits
//! for the person to keep or remove it (see `desk_core::ipc::SampleState`).

use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::ipc::SampleState;
use desk_core::plan_import::PlanImportRequest;
use desk_core::problem::Code;
use rusqlite::params;

pub const SAMPLE_PLAN: &str =
    include_str!("../../../desk-core/tests/fixtures/plan/dalian-education-2019-plan.txt");

const SAMPLE_SEQ: &str = "sample_seq";

/// What a catalog removed with the sample loses: everything made in it, and nothing the
/// installation brings (categories, checklist templates, settings, this PC's identity).
const SAMPLE_TABLES: &[&str] = &[
    "item_checks",
    "item_checklists",
    "item_sets",
    "signoffs",
    "bundle_items",
    "bundles",
    "items",
    "people",
    "departments",
    "sync_heads",
    "sync_tombstones",
    "sync_deleted_items",
    "sync_kept_aside",
    "ops",
];

/// The sample plan as a well-kept catalog shows it: the real plan was published in traditional
/// characters, and one heading of it arrived garbled (`加強日;A工作`), which a person repairs
/// after the import's warning.
pub fn sample_plan_text() -> String {
    desk_core::text::to_simplified(SAMPLE_PLAN).replace("加强日;\u{e2a6}A工作", "加强日常工作")
}

pub fn seed(catalog: &mut Catalog) -> Result<()> {
    let preview = catalog.preview_plan_text(&sample_plan_text())?;
    let request = PlanImportRequest {
        create_departments: preview.unknown_departments.clone(),
        plan_year: preview.parse.year,
        tasks: preview.parse.tasks,
    };
    let report = catalog.import_plan(&request)?;
    meta_set(&catalog.conn, SAMPLE_SEQ, &catalog.own_seq()?.to_string())?;
    log::info!(
        "sample catalog: {} items, {} departments",
        report.items_created,
        report.departments_created
    );
    Ok(())
}

impl Catalog {
    /// Whether this catalog is the sample, and whether it was changed since it was loaded.
    pub fn sample_state(&self) -> Result<SampleState> {
        let Some(loaded) = meta_get(&self.conn, SAMPLE_SEQ)?.and_then(|s| s.parse::<u64>().ok())
        else {
            return Ok(SampleState::None);
        };
        // Once it went to a shared folder it is the office's catalog.
        if self.sync_value("folder_catalog")?.is_some() {
            return Ok(SampleState::None);
        }
        let changes = self.own_seq()?.saturating_sub(loaded);
        Ok(if changes == 0 {
            SampleState::Untouched
        } else {
            SampleState::Edited { changes }
        })
    }

    /// Loads the sample into a new catalog: one with nothing in it that never synced.
    pub fn load_sample(&mut self) -> Result<()> {
        let empty = crate::sync::bulk::catalog_is_empty(&self.conn)?
            && crate::catalog::registry::departments(&self.conn)?.is_empty()
            && self.sync_value("folder_catalog")?.is_none();
        if !empty {
            return Err(StoreError::refused(Code::SampleNeedsEmptyCatalog.problem(
                "catalog",
                "the sample goes only into a new, empty catalog that does not sync yet: nothing was changed",
            )));
        }
        seed(self)
    }

    /// The person keeps the (edited) sample as this PC's catalog: it syncs like any other.
    pub fn keep_sample(&mut self) -> Result<()> {
        self.refuse_unless_sample()?;
        self.conn
            .execute("DELETE FROM meta WHERE key = ?1", params![SAMPLE_SEQ])?;
        log::info!("the sample catalog is kept as this PC's catalog");
        Ok(())
    }

    /// Removes the sample and whatever was made in it, leaving an empty catalog with this PC's
    /// identity, settings, categories and templates. Only a sample that never went to a shared
    /// folder: nothing of it has left this PC, so its operations are forgotten and the PC's
    /// sequence starts again (no PC waits for the ones removed).
    pub fn discard_sample(&mut self) -> Result<()> {
        self.refuse_unless_sample()?;
        let tx = crate::write_transaction(&mut self.conn)?;
        for table in SAMPLE_TABLES {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        tx.execute(
            "INSERT INTO item_search (item_search) VALUES ('delete-all')",
            [],
        )?;
        tx.execute(
            "DELETE FROM meta WHERE key IN (?1, 'current_person_id')",
            params![SAMPLE_SEQ],
        )?;
        meta_set(&tx, "op_seq", "0")?;
        tx.commit()?;
        log::info!("the sample catalog was removed");
        Ok(())
    }

    fn refuse_unless_sample(&self) -> Result<()> {
        if self.sample_state()? == SampleState::None {
            return Err(StoreError::refused(Code::NotSample.problem(
                "catalog",
                "this catalog is not the sample catalog (or it already syncs with a shared folder): nothing was changed",
            )));
        }
        Ok(())
    }
}

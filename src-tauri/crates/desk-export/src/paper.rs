//! The paper forms written to a file: the 审查呈批单 of catalog items and the 移送明细表 of a
//! bundle, gathered here and set by desk-print.

use crate::error::{ExportError, Result};
use crate::saved::{refuse_existing, save_bytes};
use crate::verify::{verify_bundle_keeping_manifest, VerifyOptions};
use desk_core::export::VerifyReport;
use desk_core::query::{ItemQuery, MAX_PAGE_SIZE};
use desk_core::verify_code::{PaperReport, SheetCode};
use desk_print::{Handover, HandoverItem, Names, SignoffSheet};
use desk_store::Catalog;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

pub use desk_core::verify_code::MAX_SHEETS;

/// The ids of the items `query` lists (its filters, search, view and order; not its page), to
/// print the sheets of what a list shows. More than [`MAX_SHEETS`] are refused before any is
/// read, so a person learns it before choosing where to save.
pub fn listed_item_ids(
    catalog: &Catalog,
    query: &ItemQuery,
    today: chrono::NaiveDate,
) -> Result<Vec<String>> {
    let mut page_query = ItemQuery {
        offset: 0,
        limit: MAX_PAGE_SIZE,
        ..query.clone()
    };
    let mut ids = Vec::new();
    loop {
        let page = catalog.list_items(&page_query, today)?;
        let total = page.total as usize;
        if total > MAX_SHEETS {
            return Err(ExportError::TooManySheets {
                chosen: total,
                most: MAX_SHEETS,
            });
        }
        if page.items.is_empty() {
            break;
        }
        ids.extend(page.items.into_iter().map(|i| i.id));
        // The list may grow while it is read (sync): never past the limit, never forever.
        if ids.len() >= total || ids.len() >= MAX_SHEETS {
            break;
        }
        page_query.offset = ids.len() as u32;
    }
    ids.truncate(MAX_SHEETS);
    Ok(ids)
}

/// The 审查呈批单 of `ids`, in that order, as PDF bytes, with the code printed on each.
pub fn signoff_sheets_pdf(
    catalog: &Catalog,
    ids: &[String],
    today: chrono::NaiveDate,
) -> Result<(Vec<u8>, Vec<SheetCode>)> {
    if ids.is_empty() {
        return Err(ExportError::InvalidArgument(
            "nothing to print: choose at least one item".into(),
        ));
    }
    if ids.len() > MAX_SHEETS {
        return Err(ExportError::TooManySheets {
            chosen: ids.len(),
            most: MAX_SHEETS,
        });
    }
    let names = Names::new(&catalog.departments()?, &catalog.people()?);
    let printed_by = catalog
        .current_person()?
        .map(|p| p.name)
        .unwrap_or_default();
    let printed_at = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    let mut gathered = Vec::with_capacity(ids.len());
    for id in ids {
        let item = catalog.item(id)?;
        let review = catalog.item_review(id, today)?;
        gathered.push((item, review));
    }
    let sheets: Vec<SignoffSheet> = gathered
        .iter()
        .map(|(item, review)| SignoffSheet {
            item,
            review,
            names: &names,
            printed_at: printed_at.clone(),
            printed_by: printed_by.clone(),
        })
        .collect();
    let codes = sheets
        .iter()
        .map(|s| SheetCode {
            item_id: s.item.id.clone(),
            code: s.code().to_string(),
        })
        .collect();
    let bytes = desk_print::signoff_sheets(&sheets).map_err(print_failed)?;
    Ok((bytes, codes))
}

/// Writes the 审查呈批单 of `ids` to `out`.
pub fn write_signoff_sheets(
    catalog: &Catalog,
    ids: &[String],
    today: chrono::NaiveDate,
    out: &Path,
    overwrite: bool,
) -> Result<PaperReport> {
    refuse_existing(out, overwrite)?;
    let (bytes, sheets) = signoff_sheets_pdf(catalog, ids, today)?;
    save_bytes(&bytes, out)?;
    Ok(PaperReport {
        path: out.display().to_string(),
        bytes: bytes.len() as u64,
        items: sheets.len() as u32,
        sheets,
        bundle_id: None,
    })
}

/// The 移送明细表 of the bundle at `bundle` as PDF bytes: only a bundle that passes verification
/// is listed, since the form attests what was handed over.
pub fn handover_pdf(bundle: &Path, options: &VerifyOptions) -> Result<(Vec<u8>, Handover)> {
    let (report, manifest) = verify_bundle_keeping_manifest(bundle, options);
    let Some(manifest) = manifest.filter(|_| report.ok) else {
        return Err(ExportError::BundleInvalid(report.problems));
    };
    let file_sha256 = file_digest(bundle)?;
    let text = |fields: &serde_json::Map<String, serde_json::Value>, key: &str| {
        fields
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let items = manifest
        .items
        .iter()
        .map(|item| {
            let newest = item.signoffs.first();
            HandoverItem {
                index_no: text(&item.fields, "index_no"),
                title: text(&item.fields, "title"),
                doc_no: text(&item.fields, "doc_no"),
                signer: newest
                    .and_then(|s| s.signer_name.clone())
                    .unwrap_or_default(),
                signed_on: newest
                    .map(|s| desk_print::local_time(&s.at, "%Y-%m-%d"))
                    .unwrap_or_default(),
                attachments: item.attachments.len() as u32,
            }
        })
        .collect();
    let handover = Handover {
        bundle_id: manifest.bundle_id.clone(),
        file_name: bundle
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file_sha256,
        manifest_sha256: report.manifest_sha256.clone().unwrap_or_default(),
        created_at: desk_print::local_time(&manifest.created_at, "%Y-%m-%d %H:%M"),
        created_by: manifest
            .created_by
            .name
            .clone()
            .unwrap_or_else(|| manifest.created_by.id.clone()),
        verification: verification(&report),
        items,
        printed_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
    };
    let bytes = desk_print::handover_list(&handover).map_err(print_failed)?;
    Ok((bytes, handover))
}

/// Writes the 移送明细表 of `bundle` to `out`.
pub fn write_handover(
    bundle: &Path,
    options: &VerifyOptions,
    out: &Path,
    overwrite: bool,
) -> Result<PaperReport> {
    refuse_existing(out, overwrite)?;
    let (bytes, handover) = handover_pdf(bundle, options)?;
    save_bytes(&bytes, out)?;
    Ok(PaperReport {
        path: out.display().to_string(),
        bytes: bytes.len() as u64,
        sheets: Vec::new(),
        bundle_id: Some(handover.bundle_id),
        items: handover.items.len() as u32,
    })
}

fn verification(report: &VerifyReport) -> String {
    let signed = report.office_key.as_deref().map(|key| {
        if report.office_key_pinned {
            format!("签名经办公室密钥 {key} 核验")
        } else {
            format!("签名按批次所附办公室密钥 {key} 核验（接收方未预先登记该密钥）")
        }
    });
    match signed {
        Some(signed) => format!("校验通过，{signed}"),
        None => "校验通过（本批次未启用电子签名）".into(),
    }
}

fn print_failed(e: desk_print::PrintError) -> ExportError {
    ExportError::InvalidArgument(e.to_string())
}

fn file_digest(path: &Path) -> Result<String> {
    let unreadable = |e: std::io::Error| ExportError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(format!("sha256:{}", crate::digest::hex(&hasher.finalize())))
}

//! Writing a bundle: the zip the web team receives (docs/bundle-format.md).
//!
//! The zip is written beside its destination under a hidden temporary name, checked as it is
//! written (each attachment is re-hashed from the store: a damaged blob stops the export rather
//! than going out), renamed to its final name only when whole, and the bundle is recorded in the
//! catalog (the items move to exported) only then. A cancelled or failed export removes the
//! temporary file, so nothing half-written ever carries the final name.
//!
//! Attachments are stored, not deflated: they are mostly PDFs and office files that are already
//! compressed, and storing them keeps an export of a gigabyte close to the speed of a copy.

use crate::copy::{copy_attachments, Blob};
use crate::digest::sha256_hex;
use crate::error::{ExportError, Result};
use crate::html;
use chrono::{SecondsFormat, Utc};
use desk_core::export::{
    exclusion, manifest_item, BundleRecord, ExcludedItem, Exclusion, ExclusionCount,
    ExportCandidate, ExportPreview, ExportProgress, ExportReport, ExportScope, ItemContext, Labels,
    Manifest, ManifestPerson, ManifestRoster, ManifestSigning, BUNDLE_FORMAT,
};
use desk_core::model::{Attachment, Item};
use desk_core::signoff::Signoff;
use desk_store::ExportSource;
use desk_store::{Catalog, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The names every bundle has besides its attachments.
pub const MANIFEST: &str = "manifest.json";
pub const INDEX: &str = "index.html";
pub const CHECKSUMS: &str = "checksums.sha256";

/// Where and how to write a bundle.
pub struct ExportOptions<'a> {
    pub scope: ExportScope,
    pub out: &'a Path,
    /// Replace a file of that name (the app's save dialog asked already).
    pub overwrite: bool,
}

/// The items an export of `scope` takes, and the others by reason.
struct Plan {
    sources: Vec<ExportSource>,
    excluded_counts: Vec<ExclusionCount>,
    void: Vec<ExcludedItem>,
}

fn plan(catalog: &Catalog, scope: ExportScope) -> Result<Plan> {
    let items = catalog.export_items()?;
    let signed = catalog.signing_required()?;
    // Most items are decided without their checklist (not 主动公开, not signed off, no record):
    // `exclusion` gives the same answer whether or not the sign-off covers them. Only the others
    // need their checklists evaluated, all together.
    let needs_checklist = |(item, signoffs): &(Item, Vec<Signoff>)| {
        let covered = exclusion(item, scope, signoffs.first(), true, signed);
        covered.is_none() || covered != exclusion(item, scope, signoffs.first(), false, signed)
    };
    let needs: Vec<bool> = items.iter().map(needs_checklist).collect();
    let checked: Vec<&Item> = items
        .iter()
        .zip(&needs)
        .filter(|(_, needs)| **needs)
        .map(|((item, _), _)| item)
        .collect();
    let mut checklists = catalog.export_checklists(&checked)?.into_iter();
    let mut sources = Vec::new();
    let mut counts: BTreeMap<&'static str, (Exclusion, u32)> = BTreeMap::new();
    let mut void = Vec::new();
    for ((item, signoffs), needs) in items.into_iter().zip(needs) {
        let source = ExportSource {
            item,
            checks: if needs {
                checklists.next().unwrap_or_default()
            } else {
                Vec::new()
            },
            signoffs,
        };
        // Without a checklist the answer does not depend on coverage (see above).
        let covered = needs && source.covered();
        match exclusion(
            &source.item,
            scope,
            source.signoffs.first(),
            covered,
            signed,
        ) {
            None => sources.push(source),
            Some(reason) => {
                counts.entry(reason.key()).or_insert((reason, 0)).1 += 1;
                if matches!(
                    reason,
                    Exclusion::SignoffVoid | Exclusion::SignoffMissing | Exclusion::SignoffUnsigned
                ) {
                    void.push(ExcludedItem {
                        id: source.item.id.clone(),
                        index_no: source.item.index_no.clone(),
                        title: source.item.title.clone(),
                        reason,
                    });
                }
            }
        }
    }
    Ok(Plan {
        sources,
        excluded_counts: counts
            .into_values()
            .map(|(reason, count)| ExclusionCount { reason, count })
            .collect(),
        void,
    })
}

/// Each attachment content once (an attachment shared by items goes out once).
fn unique_attachments(sources: &[ExportSource]) -> Vec<(Attachment, String)> {
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for source in sources {
        for a in &source.item.attachments {
            if seen.insert(a.sha256.clone(), ()).is_none() {
                out.push((a.clone(), source.item.id.clone()));
            }
        }
    }
    out
}

/// What an export of `scope` would carry (nothing is written).
pub fn preview(catalog: &Catalog, scope: ExportScope) -> Result<ExportPreview> {
    let plan = plan(catalog, scope)?;
    let attachments = unique_attachments(&plan.sources);
    Ok(ExportPreview {
        scope,
        items: plan
            .sources
            .iter()
            .map(|s| ExportCandidate {
                id: s.item.id.clone(),
                index_no: s.item.index_no.clone(),
                title: s.item.title.clone(),
                status: s.item.status,
                attachment_count: s.item.attachments.len() as u32,
            })
            .collect(),
        attachment_count: attachments.len() as u64,
        attachment_bytes: attachments.iter().map(|(a, _)| a.size).sum(),
        excluded_counts: plan.excluded_counts,
        void: plan.void,
    })
}

/// What the web team needs to check the sign-offs' signatures offline: the office's public key,
/// and every roster version a sign-off names with the newest this PC holds, each as the office
/// key signed it. `None` where the catalog has no signing set up, or no roster signed by the
/// pinned key has reached this PC (the signatures then go out without one, and a check against
/// the office key says the roster is missing).
///
/// A roster's signature covers its exact text, so it goes out whole, people's names included,
/// even where the catalog leaves names out of bundles.
fn signing(
    catalog: &Catalog,
    sources: &[ExportSource],
    catalog_id: &str,
) -> Result<Option<ManifestSigning>> {
    let Some(pinned) = catalog.office_fingerprint()? else {
        return Ok(None);
    };
    let Some(newest) = catalog.signed_roster(None)? else {
        return Ok(None);
    };
    let Ok(roster) = newest.open(&pinned, catalog_id) else {
        return Ok(None);
    };
    let named: BTreeSet<u64> = sources
        .iter()
        .flat_map(|s| &s.signoffs)
        .filter_map(|s| s.signature.as_ref().map(|sig| sig.roster_version))
        .filter(|v| *v != roster.version)
        .collect();
    let mut rosters = vec![newest];
    for version in named {
        match catalog.signed_roster(Some(version))? {
            Some(signed) => rosters.push(signed),
            None => log::warn!("roster version {version} named by a sign-off is not on this PC"),
        }
    }
    let rotation = catalog
        .office_endorsement()?
        .map(|e| desk_core::export::ManifestRotation {
            previous_key: e.previous_key.to_hex(),
            signature: e.signature.to_hex(),
        });
    Ok(Some(ManifestSigning {
        office_key: roster.office_key.to_hex(),
        office_signs: catalog.settings().office_signs,
        rotation,
        rosters: rosters
            .into_iter()
            .map(|r| ManifestRoster {
                body: r.body,
                signature: r.signature.to_hex(),
            })
            .collect(),
    }))
}

/// Removes the temporary file unless it was renamed to its final name.
struct Partial {
    path: PathBuf,
    done: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            if let Err(e) = std::fs::remove_file(&self.path) {
                log::warn!("cannot remove {}: {e}", self.path.display());
            }
        }
    }
}

/// Writes a bundle of `options.scope`, records it, and moves its signed-off items to exported.
/// `progress` is called as bytes go out; setting `cancel` stops the export at the next chunk.
pub fn export(
    catalog: &mut Catalog,
    options: &ExportOptions,
    progress: &mut dyn FnMut(&ExportProgress),
    cancel: &AtomicBool,
) -> Result<ExportReport> {
    let out = options.out;
    crate::saved::refuse_existing(out, options.overwrite)?;
    let file_name = out
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ExportError::InvalidArgument(format!("{} is not a file name", out.display()))
        })?
        .to_string();
    let mut status = ExportProgress {
        phase: "preparing".into(),
        bytes_done: 0,
        bytes_total: 0,
        files_done: 0,
        files_total: 0,
    };
    progress(&status);
    let plan = plan(catalog, options.scope)?;
    if plan.sources.is_empty() {
        return Err(ExportError::Nothing);
    }
    let attachments = unique_attachments(&plan.sources);
    status.bytes_total = attachments.iter().map(|(a, _)| a.size).sum();
    status.files_total = attachments.len() as u32;

    let bundle_id = uuid::Uuid::now_v7().to_string();
    let created_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let omit_names = catalog.settings().export_omit_names;
    let person = catalog.current_person()?;
    let created_by = ManifestPerson {
        id: person.as_ref().map(|p| p.id.clone()).unwrap_or_default(),
        name: person
            .as_ref()
            .filter(|_| !omit_names)
            .map(|p| p.name.clone()),
    };
    let departments: HashMap<String, String> = catalog
        .departments()?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let categories: HashMap<String, String> = catalog
        .categories()?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let catalog_id = catalog.catalog_id()?;
    let signing = signing(catalog, &plan.sources, &catalog_id)?;
    let name_of = |map: &HashMap<String, String>, id: &Option<String>| {
        id.as_ref()
            .and_then(|id| map.get(id))
            .cloned()
            .unwrap_or_default()
    };
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let partial = Partial {
        path: folder.join(format!(".{file_name}.{bundle_id}.partial")),
        done: false,
    };
    let write_error = |source: std::io::Error| ExportError::Write {
        path: out.to_path_buf(),
        source,
    };
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(&partial.path)
        .map_err(write_error)?;
    let zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, file));
    let blobs: Vec<Blob> = attachments
        .iter()
        .map(|(attachment, item_id)| Blob {
            path: catalog.attachment_blob(&attachment.sha256),
            entry: desk_core::export::attachment_path(attachment),
            sha256: attachment.sha256.clone(),
            size: attachment.size,
            item_id: item_id.clone(),
            name: attachment.name.clone(),
        })
        .collect();
    status.phase = "attachments".into();
    progress(&status);
    // The manifest is built while the attachments are copied.
    let build_manifest = || {
        let manifest = Manifest {
            format: BUNDLE_FORMAT,
            bundle_id: bundle_id.clone(),
            catalog_id,
            scope: options.scope,
            created_at: created_at.clone(),
            created_by,
            signing,
            items: plan
                .sources
                .iter()
                .map(|s| {
                    manifest_item(
                        &s.item,
                        ItemContext {
                            checks: &s.checks,
                            signoffs: &s.signoffs,
                            labels: Labels {
                                category: name_of(&categories, &s.item.category_id),
                                lead_department: name_of(&departments, &s.item.lead_department_id),
                                co_departments: s
                                    .item
                                    .co_department_ids
                                    .iter()
                                    .map(|id| departments.get(id).cloned().unwrap_or_default())
                                    .collect(),
                            },
                            omit_names,
                        },
                    )
                })
                .collect(),
        };
        let json = serde_json::to_vec_pretty(&manifest);
        let index = html::index_page(&manifest);
        (manifest, json, index)
    };
    let ((mut zip, mut checksums), (manifest, manifest_json, index)) =
        copy_attachments(zip, &blobs, out, cancel, build_manifest, &mut |copied| {
            status.bytes_done = copied.bytes;
            status.files_done = copied.files;
            progress(&status);
        })?;
    status.phase = "finishing".into();
    progress(&status);
    // The fastest deflate level: the manifest of 10,000 items is some 20 MB of JSON, and the
    // default level spends three times as long on it for a slightly smaller zip.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    let manifest_json =
        manifest_json.map_err(|e| ExportError::InvalidArgument(format!("manifest: {e}")))?;
    let manifest_digest = sha256_hex(&manifest_json);
    for (name, bytes) in [
        (MANIFEST, manifest_json.as_slice()),
        (INDEX, index.as_bytes()),
    ] {
        zip.start_file(name, deflated)
            .map_err(|e| write_error(e.into()))?;
        zip.write_all(bytes).map_err(write_error)?;
        checksums.push((name.to_string(), sha256_hex(bytes)));
    }
    checksums.sort();
    let mut listing = String::new();
    for (path, digest) in &checksums {
        listing.push_str(&format!("{digest}  {path}\n"));
    }
    zip.start_file(CHECKSUMS, deflated)
        .map_err(|e| write_error(e.into()))?;
    zip.write_all(listing.as_bytes()).map_err(write_error)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(ExportError::Cancelled);
    }
    let writer = zip.finish().map_err(|e| write_error(e.into()))?;
    let file = writer
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    file.sync_all().map_err(write_error)?;
    drop(file);

    let mut partial = partial;
    if !options.overwrite && out.exists() {
        return Err(ExportError::FileExists {
            path: out.to_path_buf(),
        });
    }
    match desk_core::windows::files::rename_into_place(&partial.path, out) {
        Ok(renamed) => renamed.map_err(write_error)?,
        Err(held) => return Err(held.into()),
    }
    partial.done = true;

    let item_ids: Vec<String> = plan.sources.iter().map(|s| s.item.id.clone()).collect();
    let record = BundleRecord {
        id: bundle_id.clone(),
        created_at,
        created_by: manifest.created_by.id.clone(),
        scope: options.scope,
        file_name,
        item_ids: item_ids.clone(),
        manifest_sha256: format!("sha256:{manifest_digest}"),
    };
    let marked = match catalog.record_bundle(&record) {
        Ok(marked) => marked,
        Err(e) => {
            if let Err(remove) = std::fs::remove_file(out) {
                log::warn!("cannot remove {}: {remove}", out.display());
            }
            return Err(match e {
                StoreError::Workflow(_) => ExportError::CatalogChanged,
                other => ExportError::Store(other),
            });
        }
    };
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or_default();
    status.bytes_done = status.bytes_total;
    progress(&status);
    log::info!(
        "bundle {bundle_id} written to {} ({} items, {} attachments, {bytes} bytes)",
        out.display(),
        item_ids.len(),
        attachments.len()
    );
    Ok(ExportReport {
        bundle_id,
        path: out.display().to_string(),
        scope: options.scope,
        item_ids,
        marked_exported: marked,
        attachment_count: attachments.len() as u32,
        bytes,
        excluded_counts: plan.excluded_counts,
        void: plan.void,
    })
}

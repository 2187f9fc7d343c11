//! `desk export`, `verify`, `feedback import`, `ledger` and `report annual`: thin adapters over
//! `desk-export`, for the office's scripts and for the web team's machine.

use crate::{fail, open, print_json, Cli, Failure, Outcome};
use clap::{Args, Subcommand};
use desk_core::export::{Exclusion, ExportScope, FeedbackOutcome, SignatureCheck};
use desk_export::bundle::{self, ExportOptions};
use desk_export::ExportError;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

impl From<ExportError> for Failure {
    fn from(e: ExportError) -> Self {
        Failure(e.payload())
    }
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// The bundle to write (a .zip).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Every item with a standing sign-off, not only those not exported yet.
    #[arg(long)]
    full: bool,
    /// Replace the file when it exists.
    #[arg(long)]
    force: bool,
    /// Show what would go out; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The bundle (a .zip).
    file: PathBuf,
    /// The office's fingerprint, as `desk office fingerprint` prints it on the office's PC (given
    /// on paper or by phone): the signatures must come from a roster this key signed.
    #[arg(long, value_name = "FINGERPRINT")]
    office_key: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum FeedbackCommand {
    /// Apply the web team's rows (CSV or JSON: item id or 索引号, url, published_at).
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// Table 二 of the annual report (主动公开政府信息情况) for a year.
    Annual {
        #[arg(long)]
        year: i32,
        /// Also write the table as an .xlsx workbook.
        #[arg(long, value_name = "FILE.xlsx")]
        out: Option<PathBuf>,
        #[arg(long)]
        force: bool,
    },
}

fn scope(full: bool) -> ExportScope {
    if full {
        ExportScope::Full
    } else {
        ExportScope::Incremental
    }
}

fn reason_text(reason: Exclusion) -> &'static str {
    match reason {
        Exclusion::NotProactive => "not 主动公开",
        Exclusion::NotSignedOff => "not signed off",
        Exclusion::AlreadyExported => "already exported",
        Exclusion::SignoffMissing => "no sign-off record",
        Exclusion::SignoffVoid => "sign-off void",
        Exclusion::SignoffUnsigned => {
            "signed off before signing was set up: sign it again (desk item sign-again)"
        }
    }
}

pub(crate) fn export(cli: &Cli, args: &ExportArgs) -> Outcome {
    let mut catalog = open(cli)?;
    if args.dry_run {
        let preview = bundle::preview(&catalog, scope(args.full))?;
        if cli.json {
            return print_json(&preview);
        }
        outln!(
            "{} items, {} attachments ({} bytes) would go out",
            preview.items.len(),
            preview.attachment_count,
            preview.attachment_bytes
        );
        for item in &preview.items {
            outln!("  {}  {}", item.index_no, item.title);
        }
        for count in &preview.excluded_counts {
            outln!("left out: {} {}", count.count, reason_text(count.reason));
        }
        return Ok(());
    }
    let out = args.out.as_ref().ok_or_else(|| {
        fail(
            "invalid_argument",
            "name the bundle to write: desk export --out FILE.zip",
        )
    })?;
    let show_progress = !cli.json && std::io::stderr().is_terminal();
    let cancel = AtomicBool::new(false);
    let report = bundle::export(
        &mut catalog,
        &ExportOptions {
            scope: scope(args.full),
            out,
            overwrite: args.force,
        },
        &mut |p| {
            if show_progress && p.bytes_total > 0 {
                eprint!(
                    "\r{} {:>3}%",
                    p.phase,
                    p.bytes_done * 100 / p.bytes_total.max(1)
                );
            }
        },
        &cancel,
    )?;
    if show_progress {
        eprintln!();
    }
    if cli.json {
        return print_json(&report);
    }
    outln!(
        "bundle {} written to {}: {} items ({} now exported), {} attachments, {} bytes",
        report.bundle_id,
        report.path,
        report.item_ids.len(),
        report.marked_exported,
        report.attachment_count,
        report.bytes
    );
    for item in &report.void {
        outln!(
            "not exported, {}: {}  {}",
            reason_text(item.reason),
            item.index_no,
            item.title
        );
    }
    Ok(())
}

pub(crate) fn verify(cli: &Cli, args: &VerifyArgs) -> Outcome {
    let office_key = match &args.office_key {
        Some(text) => {
            Some(desk_trust::Fingerprint::parse(text).map_err(|e| fail(e.code(), e.to_string()))?)
        }
        None => None,
    };
    let file = &args.file;
    let report = desk_export::verify::verify_bundle(
        file,
        &desk_export::verify::VerifyOptions {
            limits: Default::default(),
            office_key,
        },
    );
    let listed = |problems: &[desk_core::export::BundleProblem], kind: &str| {
        for p in problems {
            let subject = if p.subject.is_empty() {
                "bundle"
            } else {
                &p.subject
            };
            eprintln!("  {kind}[{}] {subject}: {}", p.code, p.message);
        }
    };
    if !report.ok {
        if cli.json {
            return Err(ExportError::BundleInvalid(report.problems).into());
        }
        // The list, one problem a line with its code, then the one-line verdict.
        listed(&report.problems, "");
        listed(&report.warnings, "warning ");
        return Err(fail(
            "bundle_invalid",
            format!(
                "{} did not pass verification: {} problem(s) listed above; do not publish it",
                file.display(),
                report.problems.len()
            ),
        ));
    }
    if cli.json {
        return print_json(&report);
    }
    outln!(
        "OK: bundle {} of catalog {}, {} items, {} entries, {} bytes",
        report.bundle_id.as_deref().unwrap_or(""),
        report.catalog_id.as_deref().unwrap_or(""),
        report.items.len(),
        report.entries,
        report.bytes
    );
    outln!(
        "manifest {}",
        report.manifest_sha256.as_deref().unwrap_or("")
    );
    match (&report.office_key, report.office_key_pinned) {
        (Some(key), true) => outln!("signed off under the office key {key}, the one given"),
        (Some(key), false) => outln!(
            "NOT PINNED: the bundle names the office key {key}; compare it with the office's fingerprint, or verify with --office-key \"FINGERPRINT\": until then nothing shows the office made this bundle"
        ),
        (None, _) => outln!(
            "no signatures: the bundle carries no office roster (signing was not set up); compare the manifest's hash with the office's record"
        ),
    }
    for item in &report.items {
        let signature = match item.signature {
            SignatureCheck::Valid if !report.office_key_pinned => {
                "signature matches the key the bundle names"
            }
            SignatureCheck::Valid => "signature valid",
            SignatureCheck::Unsigned => "unsigned",
            SignatureCheck::Invalid => "signature invalid",
        };
        outln!(
            "  {}  {}  ({} attachments, sign-off matches, {signature})",
            item.index_no,
            item.title,
            item.attachments
        );
    }
    listed(&report.warnings, "warning ");
    Ok(())
}

pub(crate) fn feedback(cli: &Cli, command: &FeedbackCommand) -> Outcome {
    let FeedbackCommand::Import { file } = command;
    let mut catalog = open(cli)?;
    let report = desk_export::feedback::import(&mut catalog, file)?;
    if cli.json {
        return print_json(&report);
    }
    outln!(
        "{} applied, {} unchanged, {} not applied",
        report.applied,
        report.unchanged,
        report.refused
    );
    for row in &report.rows {
        if row.outcome == FeedbackOutcome::Refused {
            outln!(
                "  line {}: {}: {} ({})",
                row.row.line,
                row.row.item,
                row.message,
                row.code
            );
        }
    }
    Ok(())
}

pub(crate) fn ledger(cli: &Cli, year: i32, out: &std::path::Path, force: bool) -> Outcome {
    let catalog = open(cli)?;
    let report = desk_export::ledger::write_ledger(&catalog, year, out, force)?;
    if cli.json {
        return print_json(&report);
    }
    outln!(
        "{}: {} items in the {} ledger, {} 规章 and 行政规范性文件",
        report.path,
        report.items,
        report.year,
        report.documents
    );
    Ok(())
}

pub(crate) fn report(cli: &Cli, command: &ReportCommand) -> Outcome {
    let ReportCommand::Annual { year, out, force } = command;
    let catalog = open(cli)?;
    let figures = desk_export::annual::annual_figures(&catalog, *year)?;
    if let Some(out) = out {
        desk_export::annual::write_xlsx(&figures, out, *force)?;
    }
    if cli.json {
        return print_json(&figures);
    }
    outln!("{}年度 二、主动公开政府信息情况", figures.year);
    outln!("信息内容        本年制发件数  本年废止件数  现行有效件数");
    for (label, f) in [
        ("规章", figures.rules),
        ("行政规范性文件", figures.normative),
    ] {
        outln!(
            "{label:<12}  {:>12}  {:>12}  {:>12}",
            f.issued,
            f.repealed,
            f.in_force
        );
    }
    outln!("本年主动公开 {} 项", figures.disclosed);
    for row in &figures.by_channel {
        outln!("  渠道 {}: {}", row.label, row.count);
    }
    for row in &figures.by_department {
        outln!("  部门 {}: {}", row.label, row.count);
    }
    Ok(())
}

//! `desk print` and `desk item verify-code`: the paper forms, and a form's code matched back to
//! its item. Thin adapters over desk-export's paper module and the catalog.

use crate::{fail, open, print_json, today, Cli, Outcome};
use clap::Subcommand;
use desk_core::fields::status_label_zh;
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum PrintCommand {
    /// The 审查呈批单 of one or more items (one sheet each), as a PDF to print.
    SignoffSheet {
        /// Item ids, in the order to print.
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Replace the file when it exists.
        #[arg(long)]
        force: bool,
    },
    /// The 移送明细表 of a bundle (a .zip that passes `desk verify`), as a PDF to print.
    Handover {
        bundle: PathBuf,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// The office's fingerprint, as given to the web team: the signatures are checked
        /// against it.
        #[arg(long, value_name = "FINGERPRINT")]
        office_key: Option<String>,
        /// Replace the file when it exists.
        #[arg(long)]
        force: bool,
    },
}

pub(crate) fn print(cli: &Cli, command: &PrintCommand) -> Outcome {
    let report = match command {
        PrintCommand::SignoffSheet { ids, out, force } => {
            let catalog = open(cli)?;
            desk_export::paper::write_signoff_sheets(&catalog, ids, today(), out, *force)?
        }
        PrintCommand::Handover {
            bundle,
            out,
            office_key,
            force,
        } => {
            let office_key = match office_key {
                Some(text) => Some(
                    desk_trust::Fingerprint::parse(text)
                        .map_err(|e| fail(e.code(), e.to_string()))?,
                ),
                None => None,
            };
            let options = desk_export::verify::VerifyOptions {
                limits: Default::default(),
                office_key,
            };
            desk_export::paper::write_handover(bundle, &options, out, *force)?
        }
    };
    if cli.json {
        return print_json(&report);
    }
    match &report.bundle_id {
        Some(bundle) => outln!(
            "{}: 移送明细表 of bundle {bundle}, {} items",
            report.path,
            report.items
        ),
        None => {
            outln!("{}: {} 审查呈批单", report.path, report.items);
            for sheet in &report.sheets {
                outln!("  {}  {}", sheet.code, sheet.item_id);
            }
        }
    }
    Ok(())
}

/// Which item a printed form's code names, and whether it changed since printing. Exits 1 when
/// the catalog holds no such item.
pub(crate) fn verify_code(cli: &Cli, code: &str) -> Outcome {
    let catalog = open(cli)?;
    let check = catalog.check_paper(code, today())?;
    if check.matches.is_empty() {
        return Err(fail(
            "verify_code_unknown",
            format!(
                "no item of this catalog has the code {}: the form may be another office's, or its item was deleted or has not reached this PC yet (sync, then try again)",
                check.code
            ),
        ));
    }
    if cli.json {
        return print_json(&check);
    }
    for found in &check.matches {
        let index = if found.index_no.is_empty() {
            "(no 索引号)"
        } else {
            &found.index_no
        };
        outln!(
            "{index}  {}  [{}]",
            found.title,
            status_label_zh(found.status)
        );
        outln!("  id {}", found.item_id);
        if found.unchanged {
            outln!("  unchanged: the item is as it was printed");
        } else {
            outln!("  changed since the form was printed: print it again, or compare with `desk item history {}`", found.item_id);
        }
        if let Some(signoff) = &found.printed_signoff {
            outln!(
                "  the printed content was signed off by {} at {}",
                signoff.signer_name,
                signoff.at
            );
        }
    }
    Ok(())
}

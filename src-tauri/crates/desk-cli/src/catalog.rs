//! `desk catalog import`: an office's existing 台账 brought into the catalog, after a preview of
//! its columns and rows.

use crate::{fail, open, print_json, Cli, Outcome};
use clap::Subcommand;
use desk_core::ledger_import::LedgerPreview;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// Rows with problems listed in the text preview; `--json` gives them all.
const PROBLEM_ROWS_SHOWN: usize = 20;

#[derive(Subcommand)]
pub(crate) enum CatalogCommand {
    /// Import a 台账 (.xlsx, .xls, .et, or .csv in UTF-8 or GBK): columns matched by header,
    /// each row checked; asks before saving unless --yes. With --json and without --yes it only
    /// prints the preview.
    Import {
        file: PathBuf,
        /// Accept the preview and import its new rows without asking.
        #[arg(long)]
        yes: bool,
        /// Correct a column's field: HEADER=FIELD (the header, its letter or number; FIELD a
        /// field key or Chinese name, or - to leave the column out). May be repeated.
        #[arg(long = "column", value_name = "HEADER=FIELD")]
        columns: Vec<String>,
    },
}

pub(crate) fn run(cli: &Cli, command: &CatalogCommand) -> Outcome {
    match command {
        CatalogCommand::Import { file, yes, columns } => import(cli, file, *yes, columns),
    }
}

fn import(cli: &Cli, file: &std::path::Path, yes: bool, columns: &[String]) -> Outcome {
    let corrections = columns
        .iter()
        .map(|c| {
            c.split_once('=')
                .map(|(h, f)| (h.trim().to_owned(), f.trim().to_owned()))
                .ok_or_else(|| {
                    fail(
                        "invalid_argument",
                        format!("--column {c}: write it as HEADER=FIELD"),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut catalog = open(cli)?;
    let bytes = desk_store::read_plan_file(file)?;
    let preview = catalog.preview_ledger_bytes(&bytes, &corrections)?;
    if cli.json && !yes {
        return print_json(&preview);
    }
    if !cli.json {
        show(&preview);
    }
    if !yes {
        confirm(&preview)?;
    }
    let report = catalog.import_ledger(&preview)?;
    if cli.json {
        return print_json(&report);
    }
    outln!(
        "imported {} items ({} rows already in the catalog, {} repeated in the ledger, {} with problems left out)",
        report.items_created,
        report.rows_already_in_catalog,
        report.rows_duplicated_in_ledger,
        report.rows_with_problems
    );
    Ok(())
}

fn show(preview: &LedgerPreview) {
    outln!("header in row {}:", preview.header_line);
    for column in &preview.columns {
        outln!(
            "  {} → {}",
            column.header,
            column.field.as_deref().unwrap_or("(left out)")
        );
    }
    outln!(
        "{} rows: {} new, {} already in the catalog, {} repeated, {} with problems",
        preview.rows.len(),
        preview.new_rows,
        preview.existing_rows,
        preview.duplicate_rows,
        preview.rows_with_problems
    );
    for row in preview
        .rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .take(PROBLEM_ROWS_SHOWN)
    {
        for problem in &row.problems {
            outln!("  row {}: {}", row.line, problem.message);
        }
    }
    if !preview.unknown_departments.is_empty() {
        outln!(
            "departments not in the catalog (kept as text): {}",
            preview.unknown_departments.join("、")
        );
    }
}

fn confirm(preview: &LedgerPreview) -> Outcome {
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            "confirmation_required",
            format!(
                "{} new rows would be imported; run again with --yes to import them",
                preview.new_rows
            ),
        ));
    }
    print!("Import {} new rows? [y/N] ", preview.new_rows);
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| fail("internal", e.to_string()))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
        Ok(())
    } else {
        Err(fail("cancelled", "nothing was imported"))
    }
}

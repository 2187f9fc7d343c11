//! `desk plan`: a year's work plan split into tasks (nothing saved), or imported as items after
//! the unknown departments are confirmed.

use crate::{fail, open, print_json, Cli, Outcome};
use clap::Subcommand;
use desk_core::plan::{parse_plan_document, read_plan_document};
use desk_core::plan_import::PlanImportRequest;
use desk_store::StoreError;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub(crate) enum PlanCommand {
    /// Split a plan into tasks with their responsible departments (nothing is saved).
    Parse { file: PathBuf },
    /// Import a plan's tasks as items; asks before creating unknown departments.
    Import {
        file: PathBuf,
        /// Accept the preview (create every unknown department) without asking.
        #[arg(long)]
        yes: bool,
    },
}

pub(crate) fn run(cli: &Cli, command: &PlanCommand) -> Outcome {
    match command {
        PlanCommand::Parse { file } => parse(cli, file),
        PlanCommand::Import { file, yes } => import(cli, file, *yes),
    }
}

fn parse(cli: &Cli, file: &Path) -> Outcome {
    let bytes = desk_store::read_plan_file(file)?;
    let document = read_plan_document(&bytes).map_err(StoreError::from)?;
    let parse = parse_plan_document(&document);
    if cli.json {
        return print_json(&serde_json::json!({
            "format": document.format,
            "encoding": document.encoding,
            "tasks": parse.tasks,
            "warnings": parse.warnings,
        }));
    }
    let format = serde_json::to_value(document.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    outln!(
        "{} tasks ({format}, {})",
        parse.tasks.len(),
        document.encoding
    );
    for task in &parse.tasks {
        let departments: Vec<String> = task.departments.iter().map(|d| d.name.clone()).collect();
        let deadline = task
            .deadline
            .as_ref()
            .map_or(String::new(), |d| format!("  完成时限: {}", d.text));
        outln!(
            "{} {}  [{}]{deadline}",
            task.number,
            task.title,
            departments.join("、")
        );
    }
    for warning in &parse.warnings {
        outln!("warning: {} ({})", warning.message, warning.excerpt);
    }
    Ok(())
}

fn import(cli: &Cli, file: &Path, yes: bool) -> Outcome {
    let mut catalog = open(cli)?;
    let preview = catalog.preview_plan_file(file)?;
    let new_tasks = preview.tasks.iter().filter(|t| !t.already_imported).count();
    if !cli.json {
        outln!(
            "{} tasks in the plan, {} new, {} already imported",
            preview.tasks.len(),
            new_tasks,
            preview.tasks.len() - new_tasks
        );
        for warning in &preview.parse.warnings {
            outln!("warning: {} ({})", warning.message, warning.excerpt);
        }
    }
    if !preview.unknown_departments.is_empty() && !yes {
        confirm_departments(&preview.unknown_departments)?;
    }
    let request = PlanImportRequest {
        create_departments: preview.unknown_departments.clone(),
        plan_year: preview.parse.year,
        tasks: preview.parse.tasks,
    };
    let report = catalog.import_plan(&request)?;
    if cli.json {
        return print_json(&report);
    }
    outln!(
        "imported {} items, created {} departments ({} tasks were already imported)",
        report.items_created,
        report.departments_created,
        report.tasks_already_imported
    );
    Ok(())
}

fn confirm_departments(unknown: &[String]) -> Outcome {
    let list = unknown.join("、");
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            "confirmation_required",
            format!("the plan names departments that are not in the catalog ({list}); run again with --yes to create them"),
        ));
    }
    print!("Create these departments: {list}? [y/N] ");
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

//! `desk department`: the departments (处室) and subordinate units (局属单位) items are assigned to.

use crate::{open, print_json, Cli, Outcome};
use clap::Subcommand;

#[derive(Subcommand)]
pub(crate) enum DepartmentCommand {
    List,
    Add {
        name: String,
        #[arg(long, default_value = "", hide_default_value = true)]
        code: String,
        /// A subordinate unit (局属单位) rather than a department (处室).
        #[arg(long)]
        unit: bool,
    },
}

pub(crate) fn run(cli: &Cli, command: &DepartmentCommand) -> Outcome {
    match command {
        DepartmentCommand::List => list(cli),
        DepartmentCommand::Add { name, code, unit } => add(cli, name, code, *unit),
    }
}

fn list(cli: &Cli) -> Outcome {
    let catalog = open(cli)?;
    let departments = catalog.departments()?;
    if cli.json {
        return print_json(&serde_json::json!({ "departments": departments }));
    }
    for d in &departments {
        outln!("{}  {}  {}", d.id, d.code, d.name);
    }
    Ok(())
}

fn add(cli: &Cli, name: &str, code: &str, unit: bool) -> Outcome {
    let mut catalog = open(cli)?;
    let saved = catalog.save_department(desk_core::model::Department {
        id: String::new(),
        name: name.to_string(),
        code: code.to_string(),
        kind: if unit {
            desk_core::model::DepartmentKind::Unit
        } else {
            desk_core::model::DepartmentKind::Department
        },
    })?;
    if cli.json {
        return print_json(&saved);
    }
    outln!("{}  {}  {}", saved.id, saved.code, saved.name);
    Ok(())
}

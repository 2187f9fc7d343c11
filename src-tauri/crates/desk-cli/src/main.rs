//! `desk`: the catalog from the command line, for scripts, the web team and benchmarks.
//!
//! Every command is a thin adapter over `desk-store`, like the app's Tauri commands. With
//! `--json` the output is one JSON document on stdout (documented in the README); errors go to
//! stderr (as `{"error": {code, message, problems}}` with `--json`) and the exit code is 1
//! (2 for a command line that does not parse).

use clap::{Args, Parser, Subcommand, ValueEnum};
use desk_core::assign::{assign, split_assignment, Names};
use desk_core::error::ErrorPayload;
use desk_core::model::Item;
use desk_core::plan::{decode_plan_bytes, parse_plan};
use desk_core::plan_import::PlanImportRequest;
use desk_core::query::{DueFilter, ItemQuery, SortKey};
use desk_store::{Catalog, OpenOptions, StoreError};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "desk",
    version,
    about = "Disclosure Desk (政务公开工作台) from the command line"
)]
struct Cli {
    /// The data folder (default: $DISCLOSURE_DESK_DATA_DIR, else the per-user data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work plans: parse or import a year's plan (UTF-8 or GB18030/GBK text).
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Catalog items.
    #[command(subcommand)]
    Item(ItemCommand),
    /// Departments and units.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// The catalog's settings: channel and level lists, the 索引号 rule, the due period.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Where the data is and what it holds.
    Info,
}

#[derive(Subcommand)]
enum PlanCommand {
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

#[derive(Subcommand)]
enum ItemCommand {
    /// Search and filter the catalog.
    List(ListArgs),
    /// One item with every field.
    Show { id: String },
    /// Create an item: desk item add --title T [FIELD=VALUE …]
    Add {
        #[arg(long)]
        title: String,
        /// FIELD=VALUE pairs (field keys or Chinese names, e.g. doc_no=… 成文日期=2019-03-05).
        assignments: Vec<String>,
    },
    /// Change fields: desk item set ID FIELD=VALUE …
    Set {
        id: String,
        #[arg(required = true)]
        assignments: Vec<String>,
    },
    /// Every change of an item: who, when, on which PC, old and new value.
    History { id: String },
}

#[derive(Args)]
struct ListArgs {
    /// Text to find (two or more characters; simplified or traditional).
    #[arg(long)]
    query: Option<String>,
    /// Department (name or id), lead or co-department.
    #[arg(long)]
    department: Option<String>,
    /// Status key or Chinese name (draft, in_review, 待签批 …).
    #[arg(long)]
    status: Option<String>,
    /// Category (name, code or id), with everything below it.
    #[arg(long)]
    category: Option<String>,
    /// 公开属性 (proactive, on_request, withheld, or the Chinese name).
    #[arg(long)]
    disclosure: Option<String>,
    #[arg(long, value_enum)]
    due: Option<DueArg>,
    #[arg(long, value_enum, default_value = "relevance")]
    sort: SortArg,
    #[arg(long)]
    desc: bool,
    #[arg(long, default_value_t = 100)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

#[derive(Clone, Copy, ValueEnum)]
enum DueArg {
    Overdue,
    Week,
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Title,
    IndexNo,
    Due,
    Written,
    Updated,
    Status,
}

#[derive(Subcommand)]
enum SettingsCommand {
    Show,
    /// KEY=VALUE: channels=政府网站、两微一端 levels=… index_rule={org}-{year}-{seq:4} org_code=… due_working_days=20
    Set {
        #[arg(required = true)]
        assignments: Vec<String>,
    },
}

#[derive(Subcommand)]
enum DepartmentCommand {
    List,
    Add {
        name: String,
        #[arg(long, default_value = "")]
        code: String,
        /// A subordinate unit (局属单位) rather than a department (处室).
        #[arg(long)]
        unit: bool,
    },
}

/// A failure with its stable code.
struct Failure(ErrorPayload);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(e.payload())
    }
}

fn fail(code: &str, message: impl Into<String>) -> Failure {
    Failure(ErrorPayload::new(code, message))
}

type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(payload)) => {
            if json {
                let body = serde_json::json!({ "error": payload });
                eprintln!("{body}");
            } else {
                eprintln!("desk: {}", payload.message);
                for problem in &payload.problems {
                    eprintln!("  - {}: {}", problem.field, problem.message);
                }
            }
            ExitCode::from(1)
        }
    }
}

fn open(cli: &Cli) -> Result<Catalog, Failure> {
    let dir = desk_store::db::resolve_data_dir(cli.data_dir.as_deref())?;
    Ok(Catalog::open(&dir, OpenOptions::default())?)
}

fn print_json<T: Serialize>(value: &T) -> Outcome {
    let text = serde_json::to_string_pretty(value).map_err(|e| fail("internal", e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn run(cli: Cli) -> Outcome {
    match &cli.command {
        Command::Plan(PlanCommand::Parse { file }) => {
            let bytes = desk_store::plan::read_plan_file(file)?;
            let decoded = decode_plan_bytes(&bytes).map_err(StoreError::from)?;
            let parse = parse_plan(&decoded.text);
            if cli.json {
                return print_json(&serde_json::json!({
                    "encoding": decoded.encoding,
                    "tasks": parse.tasks,
                    "warnings": parse.warnings,
                }));
            }
            println!("{} tasks ({})", parse.tasks.len(), decoded.encoding);
            for task in &parse.tasks {
                let departments: Vec<String> =
                    task.departments.iter().map(|d| d.name.clone()).collect();
                println!(
                    "{} {}  [{}]",
                    task.number,
                    task.title,
                    departments.join("、")
                );
            }
            for warning in &parse.warnings {
                println!("warning: {} ({})", warning.message, warning.excerpt);
            }
            Ok(())
        }
        Command::Plan(PlanCommand::Import { file, yes }) => {
            let mut catalog = open(&cli)?;
            let preview = catalog.preview_plan_file(file)?;
            let new_tasks = preview.tasks.iter().filter(|t| !t.already_imported).count();
            if !cli.json {
                println!(
                    "{} tasks in the plan, {} new, {} already imported",
                    preview.tasks.len(),
                    new_tasks,
                    preview.tasks.len() - new_tasks
                );
                for warning in &preview.parse.warnings {
                    println!("warning: {} ({})", warning.message, warning.excerpt);
                }
            }
            if !preview.unknown_departments.is_empty() && !yes {
                confirm_departments(&preview.unknown_departments)?;
            }
            let request = PlanImportRequest {
                create_departments: preview.unknown_departments.clone(),
                tasks: preview.parse.tasks,
            };
            let report = catalog.import_plan(&request)?;
            if cli.json {
                return print_json(&report);
            }
            println!(
                "imported {} items, created {} departments ({} tasks were already imported)",
                report.items_created, report.departments_created, report.tasks_already_imported
            );
            Ok(())
        }
        Command::Item(ItemCommand::List(args)) => {
            let catalog = open(&cli)?;
            let query = list_query(&catalog, args)?;
            let page = catalog.list_items(&query, today())?;
            if cli.json {
                return print_json(&page);
            }
            for row in &page.items {
                println!(
                    "{}  {}  {}  [{}]",
                    row.id,
                    row.index_no,
                    row.title,
                    desk_core::fields::status_label_zh(row.status)
                );
            }
            println!("{} of {} items", page.items.len(), page.total);
            Ok(())
        }
        Command::Item(ItemCommand::Show { id }) => {
            let catalog = open(&cli)?;
            let item = catalog.item(id)?;
            print_item(&item, cli.json)
        }
        Command::Item(ItemCommand::Add { title, assignments }) => {
            let mut catalog = open(&cli)?;
            let mut item = Item::blank(String::new());
            item.title = title.clone();
            apply(&catalog, &mut item, assignments)?;
            let saved = catalog.save_item(item)?;
            print_item(&saved, cli.json)
        }
        Command::Item(ItemCommand::Set { id, assignments }) => {
            let mut catalog = open(&cli)?;
            let mut item = catalog.item(id)?;
            apply(&catalog, &mut item, assignments)?;
            let saved = catalog.save_item(item)?;
            print_item(&saved, cli.json)
        }
        Command::Item(ItemCommand::History { id }) => {
            let catalog = open(&cli)?;
            let history = catalog.item_history(id)?;
            if cli.json {
                return print_json(&serde_json::json!({ "history": history }));
            }
            for entry in &history {
                println!(
                    "{}  {}  {}  {:?} {}: {} -> {}",
                    entry.at,
                    entry.author_name,
                    entry.device_id,
                    entry.kind,
                    entry.field.as_deref().unwrap_or(""),
                    entry.old_value,
                    entry.new_value
                );
            }
            Ok(())
        }
        Command::Department(DepartmentCommand::List) => {
            let catalog = open(&cli)?;
            let departments = catalog.departments()?;
            if cli.json {
                return print_json(&serde_json::json!({ "departments": departments }));
            }
            for d in &departments {
                println!("{}  {}  {}", d.id, d.code, d.name);
            }
            Ok(())
        }
        Command::Department(DepartmentCommand::Add { name, code, unit }) => {
            let mut catalog = open(&cli)?;
            let saved = catalog.save_department(desk_core::model::Department {
                id: String::new(),
                name: name.clone(),
                code: code.clone(),
                kind: if *unit {
                    desk_core::model::DepartmentKind::Unit
                } else {
                    desk_core::model::DepartmentKind::Department
                },
            })?;
            if cli.json {
                return print_json(&saved);
            }
            println!("{}  {}  {}", saved.id, saved.code, saved.name);
            Ok(())
        }
        Command::Settings(SettingsCommand::Show) => {
            let catalog = open(&cli)?;
            print_settings(catalog.settings(), cli.json)
        }
        Command::Settings(SettingsCommand::Set { assignments }) => {
            let mut catalog = open(&cli)?;
            let mut settings = catalog.settings().clone();
            for text in assignments {
                let (key, value) = split_assignment(text).ok_or_else(|| {
                    fail(
                        "invalid_argument",
                        format!("{text}: write KEY=VALUE, e.g. due_working_days=20"),
                    )
                })?;
                match key {
                    "channels" => settings.channels = desk_core::fields::split_list(value),
                    "levels" => settings.levels = desk_core::fields::split_list(value),
                    "index_rule" => settings.index_rule = value.trim().to_string(),
                    "org_code" => settings.org_code = value.trim().to_string(),
                    "due_working_days" => {
                        settings.due_working_days = value.trim().parse().map_err(|_| {
                            fail("invalid_argument", format!("due_working_days: {value} is not a number of days"))
                        })?
                    }
                    other => {
                        return Err(fail(
                            "invalid_argument",
                            format!("unknown setting {other}: use channels, levels, index_rule, org_code or due_working_days"),
                        ))
                    }
                }
            }
            let saved = catalog.save_settings(settings)?;
            print_settings(&saved, cli.json)
        }
        Command::Info => {
            let catalog = open(&cli)?;
            let info = catalog.app_info(env!("CARGO_PKG_VERSION"), Path::new(""))?;
            if cli.json {
                return print_json(&info);
            }
            println!("data folder: {}", info.data_dir);
            println!("database:    {}", info.database_path);
            println!("device:      {}", info.device_id);
            println!("items:       {}", info.item_count);
            Ok(())
        }
    }
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

fn apply(catalog: &Catalog, item: &mut Item, assignments: &[String]) -> Outcome {
    let departments = catalog.departments()?;
    let categories = catalog.categories()?;
    let names = Names {
        departments: &departments,
        categories: &categories,
    };
    for text in assignments {
        let (field, value) = split_assignment(text).ok_or_else(|| {
            fail(
                "invalid_argument",
                format!("{text}: write FIELD=VALUE, e.g. doc_no=大教发〔2019〕1号"),
            )
        })?;
        assign(item, field, value, &names).map_err(|e| {
            let mut payload = ErrorPayload::new("invalid_item", e.to_string());
            payload.problems.push(desk_core::validate::FieldProblem {
                field: e.field.to_string(),
                code: e.code.to_string(),
                message: e.message,
            });
            Failure(payload)
        })?;
    }
    Ok(())
}

fn list_query(catalog: &Catalog, args: &ListArgs) -> Result<ItemQuery, Failure> {
    let departments = catalog.departments()?;
    let categories = catalog.categories()?;
    let names = Names {
        departments: &departments,
        categories: &categories,
    };
    // Resolve names through a scratch item so the CLI accepts exactly what `item set` accepts.
    let mut scratch = Item::blank(String::new());
    let mut resolve = |field: &str, value: &Option<String>| -> Result<(), Failure> {
        if let Some(value) = value {
            assign(&mut scratch, field, value, &names)
                .map_err(|e| fail("invalid_argument", e.to_string()))?;
        }
        Ok(())
    };
    resolve("lead_department_id", &args.department)?;
    resolve("status", &args.status)?;
    resolve("category_id", &args.category)?;
    resolve("disclosure", &args.disclosure)?;
    Ok(ItemQuery {
        text: args.query.clone().unwrap_or_default(),
        department_id: args
            .department
            .as_ref()
            .and(scratch.lead_department_id.clone()),
        status: args.status.as_ref().map(|_| scratch.status),
        category_id: args.category.as_ref().and(scratch.category_id.clone()),
        disclosure: args.disclosure.as_ref().map(|_| scratch.disclosure),
        due: args.due.map(|d| match d {
            DueArg::Overdue => DueFilter::Overdue,
            DueArg::Week => DueFilter::DueThisWeek,
        }),
        view: None,
        sort: match args.sort {
            SortArg::Relevance => SortKey::Relevance,
            SortArg::Title => SortKey::Title,
            SortArg::IndexNo => SortKey::IndexNo,
            SortArg::Due => SortKey::DueDate,
            SortArg::Written => SortKey::DateWritten,
            SortArg::Updated => SortKey::Updated,
            SortArg::Status => SortKey::Status,
        },
        descending: args.desc,
        offset: args.offset,
        limit: args.limit,
    })
}

fn print_settings(settings: &desk_core::settings::CatalogSettings, json: bool) -> Outcome {
    if json {
        return print_json(settings);
    }
    println!("channels:         {}", settings.channels.join("、"));
    println!("levels:           {}", settings.levels.join("、"));
    println!("index_rule:       {}", settings.index_rule);
    println!("org_code:         {}", settings.org_code);
    println!("due_working_days: {}", settings.due_working_days);
    Ok(())
}

fn print_item(item: &Item, json: bool) -> Outcome {
    if json {
        return print_json(item);
    }
    for field in desk_core::fields::ItemField::ALL {
        let value = item.get(field);
        let shown = match &value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        if !shown.is_empty() && shown != "[]" {
            println!("{}: {}", field.label_zh(), shown);
        }
    }
    println!("id: {}", item.id);
    Ok(())
}

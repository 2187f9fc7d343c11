//! `desk`: the catalog from the command line, for scripts, the web team and benchmarks.
//!
//! Every command is a thin adapter over `desk-store`, like the app's Tauri commands. With
//! `--json` the output is one JSON document on stdout (documented in the README); errors go to
//! stderr (as `{"error": {code, message, problems}}` with `--json`) and the exit code is 1
//! (2 for a command line that does not parse).

/// `println!` that ends quietly when stdout is closed (`desk log | head`) instead of panicking.
macro_rules! outln {
    () => {
        $crate::write_out(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::write_out(format_args!($($arg)*))
    };
}

mod export;
mod people;
mod release;
mod report;
mod review;
mod sync;
mod templates;
mod text;

use clap::{Args, Parser, Subcommand, ValueEnum};
use desk_core::assign::{assign, split_assignment, Names};
use desk_core::error::ErrorPayload;
use desk_core::fields::{parse_enum_value, ItemField};
use desk_core::model::{Item, Status};
use desk_core::plan::{decode_plan_bytes, parse_plan};
use desk_core::plan_import::PlanImportRequest;
use desk_core::query::{DueFilter, ItemQuery, SortKey, View};
use desk_core::workflow::Action;
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
pub(crate) struct Cli {
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
    /// An item's review checklist: list, mark, move to the newest template.
    #[command(subcommand)]
    Check(CheckCommand),
    /// Checklist templates (versioned, per category).
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Departments and units.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// People and their roles.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Sync through a shared folder: one round (publish, then apply), or its status.
    Sync(sync::SyncArgs),
    /// Values two PCs set without seeing each other's change: list them, keep one.
    #[command(subcommand)]
    Conflicts(sync::ConflictsCommand),
    /// Who this PC's changes and sign-offs are recorded as.
    Whoami {
        /// Choose the person (name or id).
        #[arg(long, value_name = "PERSON")]
        set: Option<String>,
    },
    /// Per department: items in each status, overdue, due this week.
    Progress,
    /// The catalog-wide audit log: who changed what, when, on which PC.
    Log(LogArgs),
    /// The catalog's settings: channel and level lists, the 索引号 rule, the due period.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Where the data is and what it holds.
    Info,
    /// A bundle of the signed-off 主动公开 items for the web team (a .zip).
    Export(export::ExportArgs),
    /// Check a bundle: zip, checksums, manifest, sign-off hashes; exits 1 listing problems.
    Verify { file: PathBuf },
    /// The web team's publication feedback.
    #[command(subcommand)]
    Feedback(export::FeedbackCommand),
    /// The year's 公开台账 as an .xlsx workbook.
    Ledger {
        #[arg(long)]
        year: i32,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
        /// Replace the file when it exists.
        #[arg(long)]
        force: bool,
    },
    /// Reports: the annual report's figures.
    #[command(subcommand)]
    Report(export::ReportCommand),
    /// Updates: make the office's signing key, publish a version into a folder, check a folder.
    #[command(subcommand)]
    Release(release::ReleaseCommand),
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
    /// Delete an item (synced as a tombstone; an edit made elsewhere meanwhile keeps it).
    Delete { id: String },
    /// Draft → in review.
    Submit { id: String },
    /// In review → awaiting sign-off (every required check passed or not applicable).
    RequestSignoff { id: String },
    /// Awaiting sign-off → signed off, as the current person (a section head of the lead
    /// department, or the office when it signs).
    SignOff { id: String },
    /// Back one step (awaiting sign-off → in review, in review → draft), with a reason.
    SendBack {
        id: String,
        #[arg(long, default_value = "", hide_default_value = true)]
        reason: String,
    },
    /// Withdraw the item, with a reason.
    Withdraw {
        id: String,
        #[arg(long, default_value = "", hide_default_value = true)]
        reason: String,
    },
    /// A withdrawn or not-disclosed item back to draft.
    Reopen { id: String },
    /// Decide not to disclose (公开属性 not 主动公开, with its legal reason), with a reason.
    NotDisclose {
        id: String,
        #[arg(long, default_value = "", hide_default_value = true)]
        reason: String,
    },
    /// Signed off → exported (what the export for the web team does).
    MarkExported { id: String },
    /// Signed off or exported → published, with the address it was published at.
    Publish {
        id: String,
        #[arg(long, default_value = "", hide_default_value = true)]
        url: String,
    },
    /// Checklist, due date, sign-offs and the actions the current person may take.
    Review { id: String },
    /// The due date, working days left or overdue, and the rule that set it.
    Due { id: String },
    /// The sign-off records, and whether the newest still covers the item.
    Signoffs { id: String },
    /// Unmasked ID, mobile and bank card numbers in the item's text and text attachments.
    Scan { id: String },
    /// Replace the numbers found in the item's text with their masked forms.
    Mask { id: String },
    /// Attach files (each stored once by its SHA-256).
    Attach {
        id: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Remove an attachment (its SHA-256, the first characters of it, or its file name).
    Detach { id: String, attachment: String },
    /// Save an attachment's checked content to a file or folder.
    AttachmentSave {
        id: String,
        attachment: String,
        destination: PathBuf,
        /// Replace the file when it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum CheckCommand {
    /// Every check: group, key, label, state, who marked it, what the rules found.
    List { item: String },
    /// Mark one check: desk check set ITEM KEY pass|fail|na|pending [--note TEXT]
    Set {
        item: String,
        /// The check's key or label.
        key: String,
        /// pass, fail, na, pending (通过, 不通过, 不适用, 待查).
        state: String,
        /// Why it failed or does not apply (required then).
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
    },
    /// Move the item's checklist to the newest template for its category.
    Upgrade { item: String },
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// The newest version of every template.
    List,
    /// One template (id or name); --json gives the JSON `template save` reads.
    Show {
        id: String,
        #[arg(long)]
        version: Option<u32>,
    },
    /// Save a template from a JSON file as its next version ("id": "" for a new one).
    Save { file: PathBuf },
}

#[derive(Subcommand)]
enum PersonCommand {
    List,
    /// desk person add NAME --department D --role clerk[,section_head …]
    Add {
        name: String,
        /// The person's department or unit (name or id).
        #[arg(long)]
        department: Option<String>,
        /// clerk, section_head, coordinator, web_team (or 信息员, 处室负责人, 政务公开办,
        /// 网站管理员); repeat it or separate with commas.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
}

#[derive(Args)]
struct LogArgs {
    /// Only this person's changes (name or id).
    #[arg(long)]
    person: Option<String>,
    /// First day (2019-03-05, 2019/3/5, 2019年3月5日 …).
    #[arg(long)]
    from: Option<String>,
    /// Last day, included.
    #[arg(long)]
    to: Option<String>,
    /// Entries per page (default 200, at most 2000).
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Write every matching entry to FILE as CSV (UTF-8 with BOM, opens in Excel and WPS).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
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
    /// overdue, week (due within seven days) or attention (either).
    #[arg(long, value_enum)]
    due: Option<DueArg>,
    /// The current person's lists (desk whoami --set NAME first).
    #[arg(long, value_enum)]
    view: Option<ViewArg>,
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
    #[value(alias = "逾期")]
    Overdue,
    #[value(alias = "本周到期")]
    Week,
    #[value(alias = "需关注")]
    Attention,
}

#[derive(Clone, Copy, ValueEnum)]
enum ViewArg {
    /// Open items where I am the clerk or the reviewer.
    #[value(alias = "my_work", alias = "我的事项")]
    MyWork,
    /// Items whose lead or co-department is mine.
    #[value(alias = "my_department", alias = "本部门")]
    MyDepartment,
    /// Items awaiting a sign-off I may give.
    #[value(alias = "awaiting_my_signoff", alias = "待我签批")]
    AwaitingMySignoff,
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
        #[arg(long, default_value = "", hide_default_value = true)]
        code: String,
        /// A subordinate unit (局属单位) rather than a department (处室).
        #[arg(long)]
        unit: bool,
    },
}

/// A failure with its stable code.
pub(crate) struct Failure(ErrorPayload);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(e.payload())
    }
}

pub(crate) fn fail(code: &str, message: impl Into<String>) -> Failure {
    Failure(ErrorPayload::new(code, message))
}

pub(crate) type Outcome = Result<(), Failure>;

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

pub(crate) fn open(cli: &Cli) -> Result<Catalog, Failure> {
    let dir = desk_store::db::resolve_data_dir(cli.data_dir.as_deref())?;
    Ok(Catalog::open(&dir, OpenOptions::default())?)
}

pub(crate) fn print_json<T: Serialize>(value: &T) -> Outcome {
    let text = serde_json::to_string_pretty(value).map_err(|e| fail("internal", e.to_string()))?;
    outln!("{text}");
    Ok(())
}

/// Writes one line to stdout. A reader that went away (a pipe into `head`) ends the program
/// quietly: everything was saved before anything was printed.
pub(crate) fn write_out(args: std::fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("desk: cannot write the output: {e}");
        std::process::exit(1);
    }
}

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn run(cli: Cli) -> Outcome {
    match &cli.command {
        Command::Sync(args) => sync::run_sync(&cli, args),
        Command::Conflicts(command) => sync::run_conflicts(&cli, command),
        Command::Item(ItemCommand::Delete { id }) => {
            let mut catalog = open(&cli)?;
            catalog.delete_item(id)?;
            if cli.json {
                return print_json(&serde_json::json!({ "deleted": id }));
            }
            outln!("deleted {id}");
            Ok(())
        }
        Command::Plan(PlanCommand::Parse { file }) => {
            let bytes = desk_store::read_plan_file(file)?;
            let decoded = decode_plan_bytes(&bytes).map_err(StoreError::from)?;
            let parse = parse_plan(&decoded.text);
            if cli.json {
                return print_json(&serde_json::json!({
                    "encoding": decoded.encoding,
                    "tasks": parse.tasks,
                    "warnings": parse.warnings,
                }));
            }
            outln!("{} tasks ({})", parse.tasks.len(), decoded.encoding);
            for task in &parse.tasks {
                let departments: Vec<String> =
                    task.departments.iter().map(|d| d.name.clone()).collect();
                outln!(
                    "{} {}  [{}]",
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
        Command::Plan(PlanCommand::Import { file, yes }) => {
            let mut catalog = open(&cli)?;
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
        Command::Item(ItemCommand::List(args)) => {
            let catalog = open(&cli)?;
            let query = list_query(&catalog, args)?;
            let page = catalog.list_items(&query, today())?;
            if cli.json {
                return print_json(&page);
            }
            for row in &page.items {
                let due = match (row.due_date, row.overdue_days, row.days_left) {
                    (_, Some(over), _) => format!("  overdue {over} working day(s)"),
                    (Some(date), None, Some(left)) => format!("  due {date} ({left} left)"),
                    _ => String::new(),
                };
                let changed = if row.changed_after_signoff.is_empty() {
                    String::new()
                } else {
                    "  changed after sign-off".to_string()
                };
                outln!(
                    "{}  {}  {}  [{}]{due}{changed}",
                    row.id,
                    row.index_no,
                    row.title,
                    desk_core::fields::status_label_zh(row.status)
                );
            }
            outln!("{} of {} items", page.items.len(), page.total);
            Ok(())
        }
        Command::Item(ItemCommand::Show { id }) => {
            let catalog = open(&cli)?;
            let item = catalog.item(id)?;
            print_item(&catalog, &item, cli.json)
        }
        Command::Item(ItemCommand::Add { title, assignments }) => {
            let mut catalog = open(&cli)?;
            let mut item = Item::blank(String::new());
            item.title = title.clone();
            apply(&catalog, &mut item, assignments)?;
            let saved = catalog.save_item(item)?;
            print_item(&catalog, &saved, cli.json)
        }
        Command::Item(ItemCommand::Set { id, assignments }) => {
            let mut catalog = open(&cli)?;
            let mut item = catalog.item(id)?;
            apply(&catalog, &mut item, assignments)?;
            let saved = catalog.save_item(item)?;
            print_item(&catalog, &saved, cli.json)
        }
        Command::Item(ItemCommand::History { id }) => report::history(&cli, id),
        Command::Item(ItemCommand::Submit { id }) => review::act(&cli, id, Action::Submit, ""),
        Command::Item(ItemCommand::RequestSignoff { id }) => {
            review::act(&cli, id, Action::RequestSignoff, "")
        }
        Command::Item(ItemCommand::SignOff { id }) => review::act(&cli, id, Action::SignOff, ""),
        Command::Item(ItemCommand::SendBack { id, reason }) => {
            review::act(&cli, id, Action::SendBack, reason)
        }
        Command::Item(ItemCommand::Withdraw { id, reason }) => {
            review::act(&cli, id, Action::Withdraw, reason)
        }
        Command::Item(ItemCommand::Reopen { id }) => review::act(&cli, id, Action::Reopen, ""),
        Command::Item(ItemCommand::NotDisclose { id, reason }) => {
            review::act(&cli, id, Action::DecideNotDisclose, reason)
        }
        Command::Item(ItemCommand::MarkExported { id }) => {
            review::act(&cli, id, Action::MarkExported, "")
        }
        Command::Item(ItemCommand::Publish { id, url }) => {
            review::act(&cli, id, Action::MarkPublished, url)
        }
        Command::Item(ItemCommand::Review { id }) => review::review(&cli, id),
        Command::Item(ItemCommand::Due { id }) => review::due(&cli, id),
        Command::Item(ItemCommand::Signoffs { id }) => review::signoffs(&cli, id),
        Command::Item(ItemCommand::Scan { id }) => review::scan(&cli, id),
        Command::Item(ItemCommand::Mask { id }) => review::mask(&cli, id),
        Command::Item(ItemCommand::Attach { id, files }) => review::attach(&cli, id, files),
        Command::Item(ItemCommand::Detach { id, attachment }) => {
            review::detach(&cli, id, attachment)
        }
        Command::Item(ItemCommand::AttachmentSave {
            id,
            attachment,
            destination,
            force,
        }) => review::save_attachment(&cli, id, attachment, destination, *force),
        Command::Check(CheckCommand::List { item }) => review::check_list(&cli, item),
        Command::Check(CheckCommand::Set {
            item,
            key,
            state,
            note,
        }) => review::check_set(&cli, item, key, state, note),
        Command::Check(CheckCommand::Upgrade { item }) => review::check_upgrade(&cli, item),
        Command::Template(TemplateCommand::List) => templates::list(&cli),
        Command::Template(TemplateCommand::Show { id, version }) => {
            templates::show(&cli, id, *version)
        }
        Command::Template(TemplateCommand::Save { file }) => templates::save(&cli, file),
        Command::Person(PersonCommand::List) => people::list(&cli),
        Command::Person(PersonCommand::Add {
            name,
            department,
            roles,
        }) => people::add(&cli, name, department.as_deref(), roles),
        Command::Whoami { set } => people::whoami(&cli, set.as_deref()),
        Command::Progress => report::progress(&cli),
        Command::Log(args) => report::log(
            &cli,
            &report::LogOptions {
                person: args.person.as_deref(),
                from: args.from.as_deref(),
                to: args.to.as_deref(),
                limit: args.limit,
                offset: args.offset,
                csv: args.csv.as_ref(),
            },
        ),
        Command::Department(DepartmentCommand::List) => {
            let catalog = open(&cli)?;
            let departments = catalog.departments()?;
            if cli.json {
                return print_json(&serde_json::json!({ "departments": departments }));
            }
            for d in &departments {
                outln!("{}  {}  {}", d.id, d.code, d.name);
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
            outln!("{}  {}  {}", saved.id, saved.code, saved.name);
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
                    "export_omit_names" => {
                        settings.export_omit_names = matches!(value.trim(), "true" | "yes" | "1" | "是")
                    }
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
        Command::Export(args) => export::export(&cli, args),
        Command::Verify { file } => export::verify(&cli, file),
        Command::Feedback(command) => export::feedback(&cli, command),
        Command::Ledger { year, out, force } => export::ledger(&cli, *year, out, *force),
        Command::Report(command) => export::report(&cli, command),
        Command::Release(command) => release::run(&cli, command),
        Command::Info => {
            let catalog = open(&cli)?;
            let info = catalog.app_info(env!("CARGO_PKG_VERSION"), Path::new(""))?;
            if cli.json {
                return print_json(&info);
            }
            outln!("data folder: {}", info.data_dir);
            outln!("database:    {}", info.database_path);
            outln!("device:      {}", info.device_id);
            outln!("items:       {}", info.item_count);
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
    let people = catalog.people()?;
    let names = Names {
        departments: &departments,
        categories: &categories,
        people: &people,
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
        people: &[],
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
    resolve("category_id", &args.category)?;
    resolve("disclosure", &args.disclosure)?;
    // Status is the workflow's field: typed here as a filter, never assigned.
    let status = match &args.status {
        None => None,
        Some(text) => {
            let value = parse_enum_value(ItemField::Status, text).ok_or_else(|| {
                fail(
                    "invalid_argument",
                    format!(
                        "status: {text} is not a status: use one of {}",
                        Status::ALL
                            .iter()
                            .map(|s| text::status_text(*s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            Some(
                serde_json::from_value::<Status>(value)
                    .map_err(|e| fail("internal", e.to_string()))?,
            )
        }
    };
    if args.view.is_some() && catalog.current_person()?.is_none() {
        return Err(fail(
            "no_current_person",
            "choose who you are first with desk whoami --set NAME: --view lists the current person's items",
        ));
    }
    Ok(ItemQuery {
        text: args.query.clone().unwrap_or_default(),
        department_id: args
            .department
            .as_ref()
            .and(scratch.lead_department_id.clone()),
        status,
        category_id: args.category.as_ref().and(scratch.category_id.clone()),
        disclosure: args.disclosure.as_ref().map(|_| scratch.disclosure),
        due: args.due.map(|d| match d {
            DueArg::Overdue => DueFilter::Overdue,
            DueArg::Week => DueFilter::DueThisWeek,
            DueArg::Attention => DueFilter::OverdueOrDueThisWeek,
        }),
        view: args.view.map(|v| match v {
            ViewArg::MyWork => View::MyWork,
            ViewArg::MyDepartment => View::MyDepartment,
            ViewArg::AwaitingMySignoff => View::AwaitingMySignoff,
        }),
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
    outln!("channels:         {}", settings.channels.join("、"));
    outln!("levels:           {}", settings.levels.join("、"));
    outln!("index_rule:       {}", settings.index_rule);
    outln!("org_code:         {}", settings.org_code);
    outln!("due_working_days: {}", settings.due_working_days);
    Ok(())
}

fn print_item(catalog: &Catalog, item: &Item, json: bool) -> Outcome {
    if json {
        return print_json(item);
    }
    let registry = text::Registry::load(catalog)?;
    for field in ItemField::ALL {
        let value = item.get(field);
        let empty = match &value {
            serde_json::Value::Null => true,
            serde_json::Value::String(s) => s.is_empty(),
            serde_json::Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if empty {
            continue;
        }
        let shown = match (field, &value) {
            (ItemField::Attachments | ItemField::Links, serde_json::Value::Array(list)) => list
                .iter()
                .map(|v| text::value_text(Some(field.key()), v, &registry))
                .collect::<Vec<_>>()
                .join("、"),
            (
                ItemField::Summary
                | ItemField::Elements
                | ItemField::LegalBasis
                | ItemField::Notes
                | ItemField::WithheldNote,
                serde_json::Value::String(s),
            ) => s.clone(),
            _ => text::value_text(Some(field.key()), &value, &registry),
        };
        outln!("{}: {}", field.label_zh(), shown);
    }
    outln!("id: {}", item.id);
    Ok(())
}

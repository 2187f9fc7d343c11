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

mod catalog;
mod departments;
mod export;
mod items;
mod paper;
mod people;
mod plan;
mod release;
mod report;
mod review;
mod sample;
mod settings;
mod sync;
mod templates;
mod text;
mod trust;

use clap::{Parser, Subcommand};
use desk_core::error::ErrorPayload;
use desk_store::{Catalog, OpenOptions, StoreError};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
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
    Plan(plan::PlanCommand),
    /// Catalog items.
    #[command(subcommand)]
    Item(items::ItemCommand),
    /// The catalog as a whole: import an existing 台账.
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// An item's review checklist: list, mark, move to the newest template.
    #[command(subcommand)]
    Check(review::CheckCommand),
    /// Checklist templates (versioned, per category).
    #[command(subcommand)]
    Template(templates::TemplateCommand),
    /// Departments and units.
    #[command(subcommand)]
    Department(departments::DepartmentCommand),
    /// People and their roles.
    #[command(subcommand)]
    Person(people::PersonCommand),
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
    /// The sample catalog: keep it as this PC's catalog, or remove it (before joining a share).
    #[command(subcommand)]
    Sample(sample::SampleCommand),
    /// Per department: items in each status, overdue, due this week.
    Progress,
    /// The catalog-wide audit log: who changed what, when, on which PC.
    Log(report::LogArgs),
    /// The catalog's settings: channel and level lists, the 索引号 rule, the due period.
    #[command(subcommand)]
    Settings(settings::SettingsCommand),
    /// Where the data is and what it holds.
    Info,
    /// A bundle of the signed-off 主动公开 items for the web team (a .zip).
    Export(export::ExportArgs),
    /// Check a bundle: zip, checksums, manifest, index page, sign-off hashes and signatures;
    /// exits 1 listing problems.
    Verify(export::VerifyArgs),
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
    /// Signing: set up the office key, show or pin its fingerprint.
    #[command(subcommand)]
    Office(trust::OfficeCommand),
    /// Your personal signing key on this PC.
    #[command(subcommand)]
    Key(trust::KeyCommand),
    /// The office-signed roster: show it, enrol people, revoke keys.
    #[command(subcommand)]
    Roster(trust::RosterCommand),
    /// Paper forms as PDF: the 审查呈批单 of items, the 移送明细表 of a bundle.
    #[command(subcommand)]
    Print(paper::PrintCommand),
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
    match run(&cli) {
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
    let catalog = Catalog::open(&dir, OpenOptions::default())?;
    for moved in catalog.set_aside_at_open() {
        eprintln!(
            "desk: {} did not belong to the database ({}); it was set aside, not replayed, as {}. Nothing in the catalog was changed; keep that file for whoever looks after this PC.",
            moved.file.display(),
            moved.reason,
            moved.moved_to.display()
        );
    }
    Ok(catalog)
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

/// Sends the command to its area's handler; each handler opens the catalog, does its work and
/// prints (text, or one JSON document with `--json`).
fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Plan(command) => plan::run(cli, command),
        Command::Item(command) => items::run(cli, command),
        Command::Catalog(command) => catalog::run(cli, command),
        Command::Check(command) => review::check(cli, command),
        Command::Template(command) => templates::run(cli, command),
        Command::Department(command) => departments::run(cli, command),
        Command::Person(command) => people::run(cli, command),
        Command::Sync(args) => sync::run_sync(cli, args),
        Command::Conflicts(command) => sync::run_conflicts(cli, command),
        Command::Whoami { set } => people::whoami(cli, set.as_deref()),
        Command::Sample(command) => sample::run(cli, command),
        Command::Progress => report::progress(cli),
        Command::Log(args) => report::log(cli, args),
        Command::Settings(command) => settings::run(cli, command),
        Command::Info => report::info(cli),
        Command::Export(args) => export::export(cli, args),
        Command::Verify(args) => export::verify(cli, args),
        Command::Feedback(command) => export::feedback(cli, command),
        Command::Ledger { year, out, force } => export::ledger(cli, *year, out, *force),
        Command::Report(command) => export::report(cli, command),
        Command::Release(command) => release::run(cli, command),
        Command::Office(command) => trust::office(cli, command),
        Command::Key(command) => trust::key(cli, command),
        Command::Roster(command) => trust::roster(cli, command),
        Command::Print(command) => paper::print(cli, command),
    }
}

//! `desk-bench`: generate catalogs, measure, and write the results (see `bench/README.md`).

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use desk_bench::generate::{generate, GenerateOptions};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "desk-bench", about = "Disclosure Desk benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a realistic catalog of N items into an empty data folder.
    Generate {
        #[arg(long)]
        items: usize,
        #[arg(long, default_value_t = 2019)]
        seed: u64,
        #[arg(long)]
        data_dir: PathBuf,
        /// The day the catalog is as of (YYYY-MM-DD); today when left out.
        #[arg(long)]
        today: Option<NaiveDate>,
    },
    /// Runs the domain benchmarks on a generated catalog and writes their figures as JSON.
    Run {
        /// The generated catalog's data folder (not changed: writes go to a copy).
        #[arg(long)]
        data_dir: PathBuf,
        /// A scratch folder (the copy, the CSV export, new catalogs).
        #[arg(long)]
        work_dir: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[arg(long)]
        out: PathBuf,
        /// Leave out the plain LIKE baseline (slow at 100,000 items).
        #[arg(long)]
        skip_like: bool,
    },
    /// Writes a work plan of N tasks in the sample plan's text format.
    Plan {
        #[arg(long)]
        tasks: usize,
        #[arg(long, default_value_t = 2019)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() {
    let cli = Cli::parse();
    let result: Result<(), String> = match cli.command {
        Command::Generate {
            items,
            seed,
            data_dir,
            today,
        } => {
            let options = GenerateOptions {
                items,
                seed,
                today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
            };
            generate(&data_dir, &options)
                .map(|report| {
                    println!("{}", serde_json::to_string(&report).unwrap_or_default());
                })
                .map_err(|e| e.to_string())
        }
        Command::Run {
            data_dir,
            work_dir,
            runs,
            out,
            skip_like,
        } => {
            let options = desk_bench::domain::RunOptions {
                catalog_dir: data_dir,
                work_dir,
                runs,
                today: chrono::Local::now().date_naive(),
                skip_like,
            };
            desk_bench::domain::run(&options)
                .map_err(|e| e.to_string())
                .and_then(|figures| {
                    let text = serde_json::to_string_pretty(&figures).unwrap_or_default();
                    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))
                })
        }
        Command::Plan { tasks, seed, out } => {
            std::fs::write(&out, desk_bench::plan::generate_plan(tasks, seed, 0))
                .map_err(|e| format!("{}: {e}", out.display()))
        }
    };
    if let Err(e) = result {
        eprintln!("desk-bench: {e}");
        std::process::exit(1);
    }
}

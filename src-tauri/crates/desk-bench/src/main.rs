//! `desk-bench`: generate catalogs, measure, profile one query (see "Benchmarks" in the README).

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
    /// Runs one catalog list query N times and prints its timings (for profiling).
    Query {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, default_value = "")]
        text: String,
        /// A department by name.
        #[arg(long)]
        department: Option<String>,
        /// A status key (draft, in_review, …).
        #[arg(long)]
        status: Option<String>,
        /// A personal view (my_work, my_department, awaiting_my_signoff).
        #[arg(long)]
        view: Option<String>,
        /// A due filter (overdue, due_this_week, overdue_or_due_this_week).
        #[arg(long)]
        due: Option<String>,
        #[arg(long, default_value_t = 200)]
        limit: u32,
        #[arg(long, default_value_t = 20)]
        repeat: usize,
        /// A PRAGMA to set on the catalog's connection first (`cache_size=-262144`,
        /// `mmap_size=1073741824`): to try what a setting would change. May be repeated.
        #[arg(long)]
        pragma: Vec<String>,
    },
    /// Times one SQL statement on a catalog's database and prints its query plan (for profiling:
    /// to try another form of a query of the app on the same rows).
    Sql {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 10)]
        repeat: usize,
        sql: String,
    },
    /// Measures sync applying other PCs' operations, and a new PC from a snapshot, against plain
    /// SQLite; prints the table and writes the figures as JSON.
    Sync {
        /// Remote operations to apply (a fifth of them create items, the rest edit them).
        #[arg(long, default_value_t = 100_000)]
        ops: usize,
        /// Items in the snapshot a new PC starts from.
        #[arg(long, default_value_t = 100_000)]
        items: usize,
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Also write the table (Markdown) to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// A new PC joining the shared folder at SHARE (run by `sync` in a process of its own, so
    /// that its peak resident memory is the join's alone); prints its figures as JSON.
    #[command(hide = true)]
    SyncJoin { share: PathBuf },
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
        Command::Query {
            data_dir,
            text,
            department,
            status,
            view,
            due,
            limit,
            repeat,
            pragma,
        } => query(
            &data_dir, text, department, status, view, due, limit, repeat, &pragma,
        ),
        Command::Sql {
            data_dir,
            repeat,
            sql,
        } => sql_timing(&data_dir, &sql, repeat).map_err(|e| e.to_string()),
        Command::Sync {
            ops,
            items,
            runs,
            out,
            json,
        } => desk_bench::sync::run(&desk_bench::sync::SyncBenchOptions {
            ops,
            items,
            runs,
            out,
            json,
        }),
        Command::SyncJoin { share } => desk_bench::sync::join(&share),
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

fn parse_key<T: serde::de::DeserializeOwned>(key: Option<String>) -> Result<Option<T>, String> {
    key.map(|k| serde_json::from_value(serde_json::Value::String(k)).map_err(|e| e.to_string()))
        .transpose()
}

#[allow(clippy::too_many_arguments)]
fn query(
    data_dir: &std::path::Path,
    text: String,
    department: Option<String>,
    status: Option<String>,
    view: Option<String>,
    due: Option<String>,
    limit: u32,
    repeat: usize,
    pragmas: &[String],
) -> Result<(), String> {
    use desk_bench::stats::{ms_since, percentile};
    let catalog = desk_store::Catalog::open(data_dir, desk_store::OpenOptions::default())
        .map_err(|e| e.to_string())?;
    for pragma in pragmas {
        let (name, value) = pragma.split_once('=').ok_or("--pragma NAME=VALUE")?;
        catalog
            .connection()
            .execute_batch(&format!("PRAGMA {name} = {value}"))
            .map_err(|e| e.to_string())?;
    }
    let department_id = match department {
        Some(name) => Some(
            catalog
                .departments()
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|d| d.name == name)
                .ok_or(format!("no department {name}"))?
                .id,
        ),
        None => None,
    };
    let query = desk_core::query::ItemQuery {
        text,
        department_id,
        status: parse_key(status)?,
        view: parse_key(view)?,
        due: parse_key(due)?,
        limit,
        ..Default::default()
    };
    let today = chrono::Local::now().date_naive();
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..repeat {
        let t = std::time::Instant::now();
        total = catalog
            .list_items(&query, today)
            .map_err(|e| e.to_string())?
            .total;
        times.push(ms_since(t));
    }
    println!(
        "{total} items; p50 {:.2} ms, p95 {:.2} ms, min {:.2} ms over {repeat} runs",
        percentile(&times, 50.0),
        percentile(&times, 95.0),
        percentile(&times, 0.0)
    );
    Ok(())
}

fn sql_timing(data_dir: &std::path::Path, sql: &str, repeat: usize) -> rusqlite::Result<()> {
    use desk_bench::stats::{ms_since, percentile};
    let conn = rusqlite::Connection::open(data_dir.join("catalog.db"))?;
    let mut plan = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let lines = plan.query_map([], |r| r.get::<_, String>(3))?;
    for line in lines {
        println!("plan: {}", line?);
    }
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let mut times = Vec::new();
    let mut first_row = String::new();
    let mut rows = 0;
    for _ in 0..repeat {
        let t = std::time::Instant::now();
        let mut result = stmt.query([])?;
        rows = 0;
        while let Some(row) = result.next()? {
            if rows == 0 {
                first_row = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).ok()))
                    .collect::<Vec<_>>()
                    .join(" | ");
            }
            rows += 1;
        }
        times.push(ms_since(t));
    }
    println!(
        "{rows} rows (first: {first_row}); p50 {:.2} ms, p95 {:.2} ms, min {:.2} ms over {repeat} runs",
        percentile(&times, 50.0),
        percentile(&times, 95.0),
        percentile(&times, 0.0)
    );
    Ok(())
}

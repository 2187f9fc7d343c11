//! The domain benchmarks, each beside its baseline on the same rows in the same run:
//!
//! - catalog open and the first page of the list (`Catalog::open` + `list_items`), against a
//!   plain rusqlite connection reading the same 200 rows;
//! - search latency for 2-, 3- and 5-character queries, alone and with a filter, against a
//!   plain `LIKE` scan of the same columns and `grep -c` over a CSV export of the same items;
//! - saving an item (with its operations), against a plain `UPDATE`/`INSERT` of the row;
//! - importing the sample plan and a generated 1,000-task plan, against plain inserts of the
//!   same rows.
//!
//! Writes go to a copy of the catalog, so the generated one stays as it was.

use crate::rng::Rng;
use crate::stats::{ms_since, percentile, Figure, Latency};
use crate::vocab::{QUERIES_2, QUERIES_3, QUERIES_5};
use chrono::NaiveDate;
use desk_core::fields::status_label_zh;
use desk_core::model::{Item, Role, Status};
use desk_core::plan_import::PlanImportRequest;
use desk_core::query::{DueFilter, ItemQuery, View};
use desk_store::{Catalog, OpenOptions};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;
type Result<T> = std::result::Result<T, Error>;

/// What the UI asks for a page (ui/src/lib/query.ts PAGE_SIZE).
pub const PAGE_SIZE: u32 = 200;

pub struct RunOptions {
    /// The generated catalog's data folder (left untouched).
    pub catalog_dir: PathBuf,
    /// A scratch folder for the copy, the CSV export and new catalogs.
    pub work_dir: PathBuf,
    pub runs: usize,
    pub today: NaiveDate,
    /// Leave out the slow plain `LIKE` baseline (for quick runs while developing).
    pub skip_like: bool,
}

#[derive(Debug, Serialize)]
pub struct Ratio {
    pub app: Figure,
    pub baseline: Figure,
    /// app ÷ baseline (medians): how many times the baseline's time the app takes.
    pub ratio: f64,
}

fn ratio(app: Figure, baseline: Figure) -> Ratio {
    Ratio {
        ratio: app.median / baseline.median,
        app,
        baseline,
    }
}

/// Copies the catalog into `work_dir/copy` (the database and its write-ahead log, if any).
fn copy_catalog(from: &Path, work_dir: &Path) -> Result<PathBuf> {
    let to = work_dir.join("copy");
    if to.exists() {
        std::fs::remove_dir_all(&to)?;
    }
    std::fs::create_dir_all(&to)?;
    for name in ["catalog.db", "catalog.db-wal"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name))?;
        }
    }
    Ok(to)
}

fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The items as an office keeps them in a spreadsheet: one line per item, the columns of the
/// catalog list plus summary and keywords (UTF-8, as Excel/WPS save "CSV UTF-8").
pub fn export_csv(conn: &Connection, path: &Path) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT i.index_no, i.title, i.doc_no, i.status, d.name, coalesce(i.date_written, ''), \
         i.summary, coalesce((SELECT group_concat(json_extract(s.value, '$'), '、') FROM item_sets s \
         WHERE s.item_id = i.id AND s.field = 'keywords'), '') \
         FROM items i LEFT JOIN departments d ON d.id = i.lead_department_id ORDER BY i.index_no",
    )?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all("索引号,名称,文号,状态,牵头部门,成文日期,内容概述,关键词\n".as_bytes())?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    let mut line = String::new();
    while let Some(row) = rows.next()? {
        line.clear();
        for i in 0..8 {
            if i > 0 {
                line.push(',');
            }
            let value: Option<String> = row.get(i)?;
            let value = value.unwrap_or_default();
            if i == 3 {
                let status: Status = serde_json::from_value(Value::String(value.clone()))?;
                csv_field(&mut line, status_label_zh(status));
            } else {
                csv_field(&mut line, &value);
            }
        }
        line.push('\n');
        file.write_all(line.as_bytes())?;
        count += 1;
    }
    file.flush()?;
    Ok(count)
}

fn open_catalog(dir: &Path) -> Result<Catalog> {
    // As the app opens it (a new folder would get the sample; these are never new).
    Ok(Catalog::open(dir, OpenOptions { seed_sample: true })?)
}

fn page_query(text: &str) -> ItemQuery {
    ItemQuery {
        text: text.to_string(),
        limit: PAGE_SIZE,
        ..ItemQuery::default()
    }
}

/// The same columns and joins as the catalog list's page, with no app logic.
const PLAIN_PAGE: &str =
    "SELECT i.id, i.index_no, i.title, i.doc_no, i.status, i.disclosure, c.name, d.name, \
     i.date_written, i.effective_due, i.updated_at, p.name, i.changed_after_signoff \
     FROM items i LEFT JOIN categories c ON c.id = i.category_id \
     LEFT JOIN departments d ON d.id = i.lead_department_id \
     LEFT JOIN people p ON p.id = i.clerk_id ORDER BY i.index_no, i.seq LIMIT 200";

fn plain_first_page(dir: &Path) -> Result<usize> {
    let conn = Connection::open(dir.join("catalog.db"))?;
    let _total: i64 = conn.query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(PLAIN_PAGE)?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        let _: String = row.get(2)?;
        n += 1;
    }
    Ok(n)
}

/// The queries the window sends at start, as the UI sends them (catalog page, tab counts,
/// reminder counts), to see where the first page's time goes.
fn startup_queries(person_signs: bool) -> Vec<(&'static str, ItemQuery)> {
    let count = |view: Option<View>, due: Option<DueFilter>| ItemQuery {
        view,
        due,
        limit: 1,
        ..ItemQuery::default()
    };
    let mut out = vec![
        ("first page (200 rows)", page_query("")),
        ("tab count: all", count(None, None)),
        ("tab count: my work", count(Some(View::MyWork), None)),
        (
            "tab count: my department",
            count(Some(View::MyDepartment), None),
        ),
        (
            "tab count: awaiting my sign-off",
            count(Some(View::AwaitingMySignoff), None),
        ),
        (
            "tab count: attention",
            count(None, Some(DueFilter::OverdueOrDueThisWeek)),
        ),
        (
            "reminder: my work overdue",
            count(Some(View::MyWork), Some(DueFilter::Overdue)),
        ),
        (
            "reminder: my work due this week",
            count(Some(View::MyWork), Some(DueFilter::DueThisWeek)),
        ),
    ];
    if person_signs {
        out.push((
            "reminder: awaiting my sign-off overdue",
            count(Some(View::AwaitingMySignoff), Some(DueFilter::Overdue)),
        ));
        out.push((
            "reminder: awaiting my sign-off due this week",
            count(Some(View::AwaitingMySignoff), Some(DueFilter::DueThisWeek)),
        ));
    }
    out
}

fn bench_open(options: &RunOptions, copy: &Path) -> Result<Value> {
    let mut open_ms = Vec::new();
    let mut first_page_ms = Vec::new();
    let mut total_ms = Vec::new();
    let mut plain_ms = Vec::new();
    let mut startup_all_ms = Vec::new();
    let mut per_query: Vec<(String, Vec<f64>)> = Vec::new();
    // One open to warm the operating system's cache, as on a PC where the app ran before.
    drop(open_catalog(copy)?);
    plain_first_page(copy)?;
    for _ in 0..options.runs {
        let start = Instant::now();
        let catalog = open_catalog(copy)?;
        let opened = ms_since(start);
        let page_start = Instant::now();
        let page = catalog.list_items(&page_query(""), options.today)?;
        let page_ms = ms_since(page_start);
        assert!(page.items.len() as u32 == PAGE_SIZE.min(page.total));
        open_ms.push(opened);
        first_page_ms.push(page_ms);
        total_ms.push(ms_since(start));

        // Everything the window asks at start, one after the other (the app's catalog lock
        // serialises them).
        let signs = catalog.current_person()?.is_some_and(|p| {
            p.roles
                .iter()
                .any(|r| matches!(r, Role::SectionHead | Role::Coordinator))
        });
        let all = Instant::now();
        let _ = catalog.app_info("bench", copy)?;
        let _ = catalog.departments()?;
        let _ = catalog.categories()?;
        let _ = catalog.settings();
        for (label, query) in startup_queries(signs) {
            let t = Instant::now();
            catalog.list_items(&query, options.today)?;
            let ms = ms_since(t);
            match per_query.iter_mut().find(|(l, _)| l == label) {
                Some((_, v)) => v.push(ms),
                None => per_query.push((label.to_string(), vec![ms])),
            }
        }
        startup_all_ms.push(ms_since(all));
        drop(catalog);

        let start = Instant::now();
        plain_first_page(copy)?;
        plain_ms.push(ms_since(start));
    }
    Ok(json!({
        "catalog_open_ms": Figure::of(&open_ms),
        "first_page_query_ms": Figure::of(&first_page_ms),
        "open_and_first_page": ratio(Figure::of(&total_ms), Figure::of(&plain_ms)),
        "startup_queries_total_ms": Figure::of(&startup_all_ms),
        "startup_queries_ms": per_query.iter().map(|(l, v)| json!({"query": l, "ms": Figure::of(v)})).collect::<Vec<_>>(),
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    None,
    Department,
    Status,
}

impl Filter {
    fn label(self) -> &'static str {
        match self {
            Filter::None => "alone",
            Filter::Department => "with department filter",
            Filter::Status => "with status filter",
        }
    }
}

struct SearchContext {
    department_id: String,
    department_name: String,
    status: Status,
    csv: PathBuf,
}

fn plain_like(conn: &Connection, query: &str, filter: Filter, ctx: &SearchContext) -> Result<i64> {
    let pattern = format!("%{query}%");
    let (extra, arg) = match filter {
        Filter::None => ("", String::new()),
        Filter::Department => (" AND lead_department_id = ?2", ctx.department_id.clone()),
        Filter::Status => (
            " AND status = ?2",
            serde_json::to_value(ctx.status)?
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ),
    };
    let condition = format!("(title LIKE ?1 OR doc_no LIKE ?1 OR summary LIKE ?1){extra}");
    let count_sql = format!("SELECT count(*) FROM items WHERE {condition}");
    let page_sql = format!(
        "SELECT id, index_no, title, doc_no, status FROM items WHERE {condition} LIMIT 200"
    );
    let (total, rows) = if filter == Filter::None {
        let total: i64 = conn.query_row(&count_sql, params![pattern], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(&page_sql)?;
        let rows = stmt
            .query_map(params![pattern], |r| r.get::<_, String>(2))?
            .count();
        (total, rows)
    } else {
        let total: i64 = conn.query_row(&count_sql, params![pattern, arg], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(&page_sql)?;
        let rows = stmt
            .query_map(params![pattern, arg], |r| r.get::<_, String>(2))?
            .count();
        (total, rows)
    };
    let _ = rows;
    Ok(total)
}

fn grep_count(query: &str, filter: Filter, ctx: &SearchContext) -> Result<i64> {
    let output = match filter {
        Filter::None => Command::new("grep")
            .args(["-c", "-F", "-e", query])
            .arg(&ctx.csv)
            .output()?,
        Filter::Department | Filter::Status => {
            let second = if filter == Filter::Department {
                format!(",{},", ctx.department_name)
            } else {
                format!(",{},", status_label_zh(ctx.status))
            };
            Command::new("sh")
                .args([
                    "-c",
                    "grep -F -e \"$1\" \"$3\" | grep -c -F -e \"$2\"",
                    "sh",
                    query,
                    &second,
                ])
                .arg(&ctx.csv)
                .output()?
        }
    };
    Ok(String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(0))
}

fn bench_search(options: &RunOptions, copy: &Path, csv: &Path) -> Result<Value> {
    let catalog = open_catalog(copy)?;
    let plain = Connection::open(copy.join("catalog.db"))?;
    let department = catalog
        .departments()?
        .into_iter()
        .find(|d| d.name == "基础教育处")
        .ok_or("the generated catalog has no 基础教育处")?;
    let ctx = SearchContext {
        department_id: department.id.clone(),
        department_name: department.name.clone(),
        status: Status::InReview,
        csv: csv.to_path_buf(),
    };
    let mut results = Vec::new();
    for filter in [Filter::None, Filter::Department, Filter::Status] {
        for (length, queries) in [(2, QUERIES_2), (3, QUERIES_3), (5, QUERIES_5)] {
            let mut app_runs = Vec::new();
            let mut like_runs = Vec::new();
            let mut grep_runs = Vec::new();
            let mut hits = Vec::new();
            let mut grep_hits = Vec::new();
            for run in 0..options.runs {
                let mut app = Vec::new();
                let mut like = Vec::new();
                let mut grep = Vec::new();
                for query in queries.iter() {
                    let mut q = page_query(query);
                    match filter {
                        Filter::None => {}
                        Filter::Department => q.department_id = Some(ctx.department_id.clone()),
                        Filter::Status => q.status = Some(ctx.status),
                    }
                    let t = Instant::now();
                    let page = catalog.list_items(&q, options.today)?;
                    app.push(ms_since(t));
                    if !options.skip_like {
                        let t = Instant::now();
                        plain_like(&plain, query, filter, &ctx)?;
                        like.push(ms_since(t));
                    }
                    let t = Instant::now();
                    let found = grep_count(query, filter, &ctx)?;
                    grep.push(ms_since(t));
                    if run == 0 {
                        hits.push(page.total as f64);
                        grep_hits.push(found as f64);
                    }
                }
                app_runs.push(app);
                like_runs.push(like);
                grep_runs.push(grep);
            }
            let app = Latency::of(&app_runs);
            let grep = Latency::of(&grep_runs);
            let like = (!options.skip_like).then(|| Latency::of(&like_runs));
            results.push(json!({
                "length": length,
                "filter": filter.label(),
                "queries": queries,
                "hits_median": percentile(&hits, 50.0),
                "hits_max": percentile(&hits, 100.0),
                "grep_lines_median": percentile(&grep_hits, 50.0),
                "app": app,
                "sqlite_like": like,
                "grep_csv": grep,
                "p95_vs_grep": app.p95.median / grep.p95.median,
                "p95_vs_like": like.as_ref().map(|l| app.p95.median / l.p95.median),
            }));
        }
    }
    Ok(json!({
        "department_filter": ctx.department_name,
        "status_filter": status_label_zh(ctx.status),
        "page_size": PAGE_SIZE,
        "results": results,
    }))
}

/// Ids of `n` items spread over the catalog, the same for the same seed.
fn sample_ids(conn: &Connection, n: usize, seed: u64) -> Result<Vec<String>> {
    let total: i64 = conn.query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
    let mut rng = Rng::new(seed);
    let mut ids = Vec::new();
    let mut stmt = conn.prepare("SELECT id FROM items ORDER BY seq LIMIT 1 OFFSET ?1")?;
    for _ in 0..n {
        let offset = rng.below(total as usize) as i64;
        ids.push(stmt.query_row(params![offset], |r| r.get(0))?);
    }
    Ok(ids)
}

fn new_item(catalog: &Catalog, k: usize) -> Result<Item> {
    let departments = catalog.departments()?;
    let mut item = Item::blank(String::new());
    item.title = format!("关于做好第{k}批中小学课后服务工作的通知");
    item.summary = "为切实减轻学生过重课业负担，根据有关规定，市教育局部署课后服务有关工作。请各学校认真贯彻执行。".into();
    item.doc_no = format!("大教发〔2025〕{}号", 9000 + k);
    item.keywords = vec!["课后服务".into(), "双减".into()];
    item.category_id = Some("cat-education".into());
    item.lead_department_id = departments.get(k % departments.len()).map(|d| d.id.clone());
    item.channels = vec![catalog.settings().channels[0].clone()];
    item.date_written = NaiveDate::from_ymd_opt(2025, 3, 1);
    item.date_formed = NaiveDate::from_ymd_opt(2025, 3, 3);
    Ok(item)
}

fn bench_save(options: &RunOptions, copy: &Path) -> Result<Value> {
    const PER_RUN: usize = 50;
    let mut catalog = open_catalog(copy)?;
    let plain = Connection::open(copy.join("catalog.db"))?;
    plain.busy_timeout(std::time::Duration::from_secs(5))?;
    plain.pragma_update(None, "synchronous", "NORMAL")?;
    let mut edit_runs = Vec::new();
    let mut create_runs = Vec::new();
    let mut plain_update_runs = Vec::new();
    let mut plain_insert_runs = Vec::new();
    for run in 0..options.runs {
        let ids = sample_ids(catalog.connection(), PER_RUN, 1000 + run as u64)?;
        let mut edits = Vec::new();
        for id in &ids {
            let mut item = catalog.item(id)?;
            item.summary.push_str("（已修订）");
            let t = Instant::now();
            catalog.save_item(item)?;
            edits.push(ms_since(t));
        }
        let mut creates = Vec::new();
        for k in 0..PER_RUN {
            let item = new_item(&catalog, run * PER_RUN + k)?;
            let t = Instant::now();
            catalog.save_item(item)?;
            creates.push(ms_since(t));
        }
        // The same row writes with nothing around them: one statement per transaction.
        let mut updates = Vec::new();
        for id in &ids {
            let t = Instant::now();
            plain.execute_batch("BEGIN IMMEDIATE")?;
            plain.execute(
                "UPDATE items SET summary = summary || '（已修订）', updated_at = ?2 WHERE id = ?1",
                params![id, "2025-03-03T00:00:00.000Z"],
            )?;
            plain.execute_batch("COMMIT")?;
            updates.push(ms_since(t));
        }
        let mut inserts = Vec::new();
        for k in 0..PER_RUN {
            let t = Instant::now();
            plain.execute_batch("BEGIN IMMEDIATE")?;
            plain.execute(
                "INSERT INTO items (id, index_no, title, summary, doc_no, validity, disclosure, audience, status, created_at, updated_at, source) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'valid', 'proactive', 'public', 'draft', ?6, ?6, 'bench')",
                params![
                    format!("plain-{run}-{k}"),
                    format!("plain-{run}-{k}"),
                    format!("关于做好第{k}批中小学课后服务工作的通知"),
                    "为切实减轻学生过重课业负担，根据有关规定，市教育局部署课后服务有关工作。请各学校认真贯彻执行。",
                    format!("大教发〔2025〕{}号", 9000 + k),
                    "2025-03-03T00:00:00.000Z"
                ],
            )?;
            plain.execute_batch("COMMIT")?;
            inserts.push(ms_since(t));
        }
        edit_runs.push(edits);
        create_runs.push(creates);
        plain_update_runs.push(updates);
        plain_insert_runs.push(inserts);
    }
    let edit = Latency::of(&edit_runs);
    let create = Latency::of(&create_runs);
    let update = Latency::of(&plain_update_runs);
    let insert = Latency::of(&plain_insert_runs);
    Ok(json!({
        "edit_ratio_p50": edit.p50.median / update.p50.median,
        "create_ratio_p50": create.p50.median / insert.p50.median,
        "edit": edit,
        "create": create,
        "plain_update": update,
        "plain_insert": insert,
    }))
}

/// Preview (parse and match) and import with every unknown department confirmed, as the
/// office does it in the window.
fn import(catalog: &mut Catalog, text: &str) -> Result<(f64, f64, u32)> {
    let t = Instant::now();
    let preview = catalog.preview_plan_text(text)?;
    let preview_ms = ms_since(t);
    let request = PlanImportRequest {
        create_departments: preview.unknown_departments.clone(),
        plan_year: preview.parse.year,
        tasks: preview.parse.tasks,
    };
    let t = Instant::now();
    let report = catalog.import_plan(&request)?;
    Ok((preview_ms, ms_since(t), report.items_created))
}

/// The rows a plan import writes, written plainly: one transaction, one insert per task.
fn plain_import(dir: &Path, text: &str) -> Result<f64> {
    let tasks = desk_core::plan::parse_plan(text).tasks;
    let conn = Connection::open(dir.join("plain.db"))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS items (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, summary TEXT NOT NULL, category_id TEXT, source TEXT NOT NULL);",
    )?;
    let t = Instant::now();
    conn.execute_batch("BEGIN IMMEDIATE")?;
    {
        let mut insert = conn.prepare(
            "INSERT INTO items (id, title, summary, category_id, source) VALUES (?1, ?2, ?3, 'cat-plan-tasks', ?4)",
        )?;
        for task in &tasks {
            insert.execute(params![
                format!("{}-{}", task.key, dir.display()),
                task.title,
                task.text,
                format!("plan:{}", task.key)
            ])?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(ms_since(t))
}

fn bench_plans(options: &RunOptions, copy: &Path) -> Result<Value> {
    let sample = desk_store::SAMPLE_PLAN;
    let sample_tasks = desk_core::plan::parse_plan(sample).tasks.len();
    let mut out = serde_json::Map::new();
    // Into a new, empty catalog (a fresh folder each run).
    for (label, make) in [
        ("sample_plan_into_new_catalog", None),
        ("plan_1000_into_new_catalog", Some(1000usize)),
    ] {
        let mut preview = Vec::new();
        let mut import_ms = Vec::new();
        let mut total = Vec::new();
        let mut plain = Vec::new();
        let mut created = 0;
        for run in 0..options.runs {
            let text = match make {
                None => sample.to_string(),
                Some(n) => crate::plan::generate_plan(n, 2019, run as u32 + 1),
            };
            let dir = tempfile::tempdir_in(&options.work_dir)?;
            let mut catalog = Catalog::open(dir.path(), OpenOptions { seed_sample: false })?;
            let t = Instant::now();
            let (p, i, c) = import(&mut catalog, &text)?;
            total.push(ms_since(t));
            preview.push(p);
            import_ms.push(i);
            created = c;
            let plain_dir = tempfile::tempdir_in(&options.work_dir)?;
            plain.push(plain_import(plain_dir.path(), &text)?);
        }
        out.insert(
            label.into(),
            json!({
                "tasks": created,
                "preview_ms": Figure::of(&preview),
                "import_ms": Figure::of(&import_ms),
                "total": ratio(Figure::of(&total), Figure::of(&plain)),
            }),
        );
    }
    // Into the generated catalog: the sample plan once (new), then again (nothing new), and a
    // new 1,000-task plan in each run.
    let mut catalog = open_catalog(copy)?;
    let t = Instant::now();
    let (_, _, created) = import(&mut catalog, sample)?;
    let first = ms_since(t);
    let mut again = Vec::new();
    for _ in 0..options.runs {
        let t = Instant::now();
        let (_, _, c) = import(&mut catalog, sample)?;
        assert_eq!(c, 0);
        again.push(ms_since(t));
    }
    out.insert(
        "sample_plan_into_catalog".into(),
        json!({"tasks": sample_tasks, "created": created, "first_import_ms": first, "again_ms": Figure::of(&again)}),
    );
    let mut preview = Vec::new();
    let mut import_ms = Vec::new();
    let mut total = Vec::new();
    let mut plain = Vec::new();
    for run in 0..options.runs {
        let text = crate::plan::generate_plan(1000, 2019, 100 + run as u32);
        let t = Instant::now();
        let (p, i, c) = import(&mut catalog, &text)?;
        total.push(ms_since(t));
        preview.push(p);
        import_ms.push(i);
        assert_eq!(c, 1000);
        let plain_dir = tempfile::tempdir_in(&options.work_dir)?;
        plain.push(plain_import(plain_dir.path(), &text)?);
    }
    out.insert(
        "plan_1000_into_catalog".into(),
        json!({
            "tasks": 1000,
            "preview_ms": Figure::of(&preview),
            "import_ms": Figure::of(&import_ms),
            "total": ratio(Figure::of(&total), Figure::of(&plain)),
        }),
    );
    Ok(Value::Object(out))
}

/// Runs every domain benchmark on one generated catalog.
pub fn run(options: &RunOptions) -> Result<Value> {
    std::fs::create_dir_all(&options.work_dir)?;
    let started = Instant::now();
    let items: i64 = Connection::open(options.catalog_dir.join("catalog.db"))?.query_row(
        "SELECT count(*) FROM items",
        [],
        |r| r.get(0),
    )?;
    let copy = copy_catalog(&options.catalog_dir, &options.work_dir)?;
    let csv = options.work_dir.join("items.csv");
    let exported = export_csv(&Connection::open(copy.join("catalog.db"))?, &csv)?;
    let database_bytes = std::fs::metadata(copy.join("catalog.db"))?.len();
    let csv_bytes = std::fs::metadata(&csv)?.len();
    eprintln!("[{items} items] open and first page");
    let open = bench_open(options, &copy)?;
    eprintln!("[{items} items] search");
    let search = bench_search(options, &copy, &csv)?;
    eprintln!("[{items} items] save");
    let save = bench_save(options, &copy)?;
    eprintln!("[{items} items] plan import");
    let plans = bench_plans(options, &copy)?;
    Ok(json!({
        "items": items,
        "database_bytes": database_bytes,
        "csv_rows": exported,
        "csv_bytes": csv_bytes,
        "runs": options.runs,
        "open": open,
        "search": search,
        "save": save,
        "plan_import": plans,
        "sync": "not yet measurable: sync does not exist yet",
        "export": "not yet measurable: export does not exist yet",
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

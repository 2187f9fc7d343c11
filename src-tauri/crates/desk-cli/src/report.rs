//! Catalog-wide reading: progress per department, the audit log, an item's history, where the
//! data is and what it holds.

use crate::people::find_person;
use crate::review::check_labels;
use crate::text::{
    change_text, entity_label_zh, key_of, pad, pad_left, short, status_text, CheckLabels, Registry,
};
use crate::{fail, open, print_json, today, Cli, Failure, Outcome};
use clap::Args;
use desk_core::fields::{parse_date, status_label_zh};
use desk_core::ipc::SampleState;
use desk_core::model::Status;
use desk_core::query::AuditQuery;
use std::path::{Path, PathBuf};

pub fn progress(cli: &Cli) -> Outcome {
    let catalog = open(cli)?;
    let lines = catalog.department_progress(today())?;
    if cli.json {
        let statuses: Vec<String> = Status::ALL.iter().map(key_of).collect();
        return print_json(&serde_json::json!({
            "statuses": statuses,
            "departments": lines,
        }));
    }
    if lines.is_empty() {
        outln!("the catalog has no items yet");
        return Ok(());
    }
    let name_of = |name: &str| {
        if name.is_empty() {
            "(无牵头部门)".to_string()
        } else {
            name.to_string()
        }
    };
    let first = lines
        .iter()
        .map(|l| crate::text::width(&name_of(&l.department_name)))
        .max()
        .unwrap_or(0)
        .max(4);
    let mut headers: Vec<String> = Status::ALL
        .iter()
        .map(|s| status_label_zh(*s).to_string())
        .collect();
    headers.extend(["合计", "逾期", "本周到期"].map(String::from));
    let widths: Vec<usize> = headers
        .iter()
        .map(|h| crate::text::width(h).max(4))
        .collect();
    let row = |name: &str, cells: &[String]| {
        let mut line = pad(name, first);
        for (cell, width) in cells.iter().zip(&widths) {
            line.push_str("  ");
            line.push_str(&pad_left(cell, *width));
        }
        outln!("{}", line.trim_end());
    };
    row("部门", &headers);
    let mut totals = vec![0u32; headers.len()];
    for line in &lines {
        let mut cells: Vec<u32> = line.by_status.clone();
        cells.extend([line.total, line.overdue, line.due_this_week]);
        for (total, cell) in totals.iter_mut().zip(&cells) {
            *total += cell;
        }
        let cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
        row(&name_of(&line.department_name), &cells);
    }
    let totals: Vec<String> = totals.iter().map(|c| c.to_string()).collect();
    row("合计", &totals);
    Ok(())
}

#[derive(Args)]
pub(crate) struct LogArgs {
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

fn date(flag: &str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>, Failure> {
    text.map(|t| parse_date(t).map_err(|m| fail("invalid_argument", format!("{flag}: {m}"))))
        .transpose()
}

pub(crate) fn log(cli: &Cli, options: &LogArgs) -> Outcome {
    let catalog = open(cli)?;
    let author_id = match options.person.as_deref().map(str::trim) {
        None => None,
        // Changes made before anyone chose a person are recorded under the system user.
        Some(text) if text.starts_with("os:") || text == "system" => Some(text.to_string()),
        Some(text) => Some(find_person(&catalog, text)?.id),
    };
    let query = AuditQuery {
        author_id,
        from: date("--from", options.from.as_deref())?,
        to: date("--to", options.to.as_deref())?,
        offset: options.offset,
        limit: options.limit.unwrap_or(0),
    };
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            return Err(fail(
                "invalid_argument",
                format!("--from {from} is after --to {to}"),
            ));
        }
    }
    if let Some(path) = &options.csv {
        let csv = catalog.audit_csv(&query)?;
        let total = catalog
            .audit_log(&AuditQuery {
                limit: 1,
                ..query.clone()
            })?
            .total;
        desk_store::save_whole(path, csv.as_bytes()).map_err(|e| Failure(e.payload()))?;
        if cli.json {
            return print_json(&serde_json::json!({
                "path": path.display().to_string(),
                "entries": total,
            }));
        }
        outln!("wrote {total} entries to {}", path.display());
        return Ok(());
    }
    let page = catalog.audit_log(&query)?;
    if cli.json {
        return print_json(&page);
    }
    let registry = Registry::load(&catalog)?;
    let no_checks = CheckLabels::new();
    for entry in &page.entries {
        let h = &entry.entry;
        let subject = entry
            .entity_label
            .clone()
            .unwrap_or_else(|| entry.entity_id.clone());
        outln!(
            "{}  {}  @{}  {} {}  {}",
            h.at,
            h.author_name,
            h.device_id,
            entity_label_zh(entry.entity),
            short(&subject, 30),
            change_text(h, &registry, &no_checks)
        );
    }
    let shown = page.offset as usize + page.entries.len();
    outln!("{} of {} entries", page.entries.len(), page.total);
    if (shown as u32) < page.total {
        outln!("more with --offset {shown}, or all of them with --csv FILE");
    }
    Ok(())
}

pub fn history(cli: &Cli, id: &str) -> Outcome {
    let catalog = open(cli)?;
    let history = catalog.item_history(id)?;
    let signoffs = catalog.signoffs(id)?;
    if cli.json {
        return print_json(&serde_json::json!({ "history": history, "signoffs": signoffs }));
    }
    let registry = Registry::load(&catalog)?;
    // The checklist gives the checks' labels; an item no template serves still has a history.
    let checks = catalog
        .item_review(id, today())
        .map(|r| check_labels(&r.checklist))
        .unwrap_or_default();
    for entry in &history {
        outln!(
            "{}  {}  @{}  {}",
            entry.at,
            entry.author_name,
            entry.device_id,
            change_text(entry, &registry, &checks)
        );
        let signed = entry.field.as_deref() == Some("status")
            && entry.new_value.as_str() == Some(key_of(&Status::SignedOff).as_str());
        if signed {
            if let Some(record) = signoffs
                .iter()
                .find(|s| s.signer_id == entry.author_id && same_moment(&s.at, &entry.at))
            {
                outln!(
                    "    签批记录 (sign-off record) {}: covers {}",
                    record.id,
                    short(&record.content_hash, 23)
                );
            }
        }
    }
    if history.is_empty() {
        outln!("no changes recorded");
    } else if let Ok(item) = catalog.item(id) {
        outln!("now: {}", status_text(item.status));
    }
    Ok(())
}

/// Whether two RFC 3339 times are the same moment to within the second they were rounded to
/// (a sign-off record and its status change are written in one transaction, a tick apart).
fn same_moment(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => (a - b).num_seconds().abs() <= 1,
        _ => a == b,
    }
}

/// `desk info`: where the data is and what it holds.
pub(crate) fn info(cli: &Cli) -> Outcome {
    let catalog = open(cli)?;
    let info = catalog.app_info(env!("CARGO_PKG_VERSION"), Path::new(""))?;
    if cli.json {
        return print_json(&info);
    }
    outln!("data folder: {}", info.data_dir);
    outln!("database:    {}", info.database_path);
    outln!("device:      {}", info.device_id);
    outln!("items:       {}", info.item_count);
    match info.sample {
        SampleState::None => {}
        SampleState::Untouched => outln!(
            "sample:      the sample catalog, untouched (removed when this PC joins a shared folder)"
        ),
        SampleState::Edited { changes } => outln!(
            "sample:      the sample catalog with {changes} changes (desk sample keep | desk sample remove before joining a shared folder)"
        ),
    }
    for file in &info.set_aside_files {
        outln!("set aside:   {file} (did not belong to the database; never replayed)");
    }
    Ok(())
}

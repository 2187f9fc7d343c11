//! Catalog-wide reading: the progress table per department and the audit log.

use crate::error::{Result, StoreError};
use crate::oplog::log;
use chrono::{Local, NaiveDate, TimeZone};
use desk_core::model::Status;
use desk_core::ops::EntityKind;
use desk_core::query::{AuditEntry, AuditPage, AuditQuery, DepartmentProgress};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};

const AUDIT_PAGE_SIZE: u32 = 200;
const AUDIT_MAX_PAGE: u32 = 2_000;

fn status_key(status: Status) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// One line per department with items as lead department (and one for items without one),
/// counting by status, overdue and due within seven days.
pub fn department_progress(conn: &Connection, today: NaiveDate) -> Result<Vec<DepartmentProgress>> {
    let week_end = today + chrono::Days::new(6);
    let mut stmt = conn.prepare(
        "SELECT d.id, d.name, i.status, count(*),
                sum(i.status IN ('draft', 'in_review', 'awaiting_signoff') AND i.effective_due < ?1),
                sum(i.status IN ('draft', 'in_review', 'awaiting_signoff') AND i.effective_due BETWEEN ?1 AND ?2)
         FROM items i LEFT JOIN departments d ON d.id = i.lead_department_id
         GROUP BY d.id, i.status
         ORDER BY d.name IS NULL, d.name",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![today.to_string(), week_end.to_string()],
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        },
    )?;
    let mut lines: Vec<DepartmentProgress> = Vec::new();
    for row in rows {
        let (id, name, status, count, overdue, due_soon) = row?;
        let index = Status::ALL
            .iter()
            .position(|s| status_key(*s) == status)
            .ok_or_else(|| StoreError::Decode(format!("status {status}")))?;
        let line = match lines.iter_mut().position(|l| l.department_id == id) {
            Some(position) => &mut lines[position],
            None => {
                lines.push(DepartmentProgress {
                    department_id: id.clone(),
                    department_name: name.unwrap_or_default(),
                    by_status: vec![0; Status::ALL.len()],
                    total: 0,
                    overdue: 0,
                    due_this_week: 0,
                });
                let last = lines.len() - 1;
                &mut lines[last]
            }
        };
        line.by_status[index] += count as u32;
        line.total += count as u32;
        line.overdue += overdue.unwrap_or(0) as u32;
        line.due_this_week += due_soon.unwrap_or(0) as u32;
    }
    Ok(lines)
}

/// A local calendar day as the range of hybrid-clock strings that fall in it.
fn clock_bound(day: NaiveDate, end: bool) -> String {
    let day = if end {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    let millis = day
        .and_hms_opt(0, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
        .max(0);
    // Clocks are stored as zero-padded wall milliseconds first, so text order is time order.
    desk_core::hlc::Hlc {
        wall_ms: millis,
        counter: 0,
    }
    .to_string()
}

fn conditions(query: &AuditQuery) -> (String, Vec<SqlValue>) {
    let mut clauses = Vec::new();
    let mut args = Vec::new();
    if let Some(author) = &query.author_id {
        args.push(SqlValue::Text(author.clone()));
        clauses.push(format!("o.author_id = ?{}", args.len()));
    }
    if let Some(from) = query.from {
        args.push(SqlValue::Text(clock_bound(from, false)));
        clauses.push(format!("o.clock >= ?{}", args.len()));
    }
    if let Some(to) = query.to {
        args.push(SqlValue::Text(clock_bound(to, true)));
        clauses.push(format!("o.clock < ?{}", args.len()));
    }
    let where_clause = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (where_clause, args)
}

fn entries(conn: &Connection, query: &AuditQuery, limit: u32) -> Result<Vec<AuditEntry>> {
    let (where_clause, args) = conditions(query);
    let sql = format!(
        "SELECT o.entity, o.entity_id, coalesce(i.title, d.name, p.name),
                o.id, o.clock, o.author_id, a.name, o.device_id, o.kind, o.field, o.old_value, o.new_value
         FROM ops o
         LEFT JOIN people a ON a.id = o.author_id
         LEFT JOIN items i ON o.entity = 'item' AND i.id = o.entity_id
         LEFT JOIN departments d ON o.entity = 'department' AND d.id = o.entity_id
         LEFT JOIN people p ON o.entity = 'person' AND p.id = o.entity_id
         {where_clause}
         ORDER BY o.clock DESC, o.device_id DESC, o.seq DESC
         LIMIT {} OFFSET {}",
        i64::from(limit),
        query.offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            log::history_row(r, 3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (entity, entity_id, label, history) = row?;
        // A newer version's entity, stored and kept aside, is listed as such.
        let entity = EntityKind::parse(&entity).unwrap_or(EntityKind::Unknown);
        let entry = log::to_history_entry(history)?;
        let key_events = match entity {
            EntityKind::Roster | EntityKind::KeyRequest => {
                crate::catalog::trust::key_events(conn, entity, &entry.new_value)?
            }
            _ => Vec::new(),
        };
        out.push(AuditEntry {
            entry,
            entity,
            entity_id,
            entity_label: label,
            key_events,
        });
    }
    Ok(out)
}

pub fn audit_log(conn: &Connection, query: &AuditQuery) -> Result<AuditPage> {
    let (where_clause, args) = conditions(query);
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM ops o{where_clause}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let limit = match query.limit {
        0 => AUDIT_PAGE_SIZE,
        n => n.min(AUDIT_MAX_PAGE),
    };
    Ok(AuditPage {
        entries: entries(conn, query, limit)?,
        total: total as u32,
        offset: query.offset,
    })
}

pub fn audit_csv(conn: &Connection, query: &AuditQuery) -> Result<String> {
    let all = AuditQuery {
        offset: 0,
        ..query.clone()
    };
    Ok(desk_core::audit::audit_csv(&entries(conn, &all, u32::MAX)?))
}

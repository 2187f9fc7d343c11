//! What a person asks of the catalog list: text, filters, sort, page.

use crate::model::{Disclosure, Status};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ItemQuery {
    /// Any substring of two or more characters of title, 文号, summary or keywords, in
    /// simplified or traditional form.
    pub text: String,
    /// Lead or co-department.
    pub department_id: Option<String>,
    pub status: Option<Status>,
    /// The category and everything below it.
    pub category_id: Option<String>,
    pub disclosure: Option<Disclosure>,
    pub due: Option<DueFilter>,
    /// A personal view, resolved against the current person.
    pub view: Option<View>,
    pub sort: SortKey,
    pub descending: bool,
    pub offset: u32,
    /// 0 means the default page size.
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DueFilter {
    /// Open items whose due date has passed.
    Overdue,
    /// Open items due within the next seven days (today included).
    DueThisWeek,
    /// Both: what needs attention now.
    OverdueOrDueThisWeek,
}

/// The lists a person works from (DESIGN 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Open items where I am the handling clerk or the reviewer.
    MyWork,
    /// Items whose lead or co-department is mine.
    MyDepartment,
    /// Items awaiting sign-off that I may sign: my department's as its section head (or all,
    /// for the office when it signs), and those naming me as signer.
    AwaitingMySignoff,
}

/// One department's line of the progress table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DepartmentProgress {
    /// `None` for items without a lead department.
    pub department_id: Option<String>,
    pub department_name: String,
    /// Items in each status, in the order of [`Status::ALL`].
    pub by_status: Vec<u32>,
    pub total: u32,
    pub overdue: u32,
    pub due_this_week: u32,
}

/// What the audit log screen asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AuditQuery {
    pub author_id: Option<String>,
    /// First and last day (local dates, both included).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub offset: u32,
    /// 0 means the default page size.
    pub limit: u32,
}

/// One line of the catalog-wide log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    pub entry: crate::ops::HistoryEntry,
    pub entity: crate::ops::EntityKind,
    pub entity_id: String,
    /// The item's title or the department's/person's name, when it still exists.
    pub entity_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Best match first when there is a text query, else in 索引号 order (the ledger's order).
    #[default]
    Relevance,
    Title,
    IndexNo,
    DueDate,
    DateWritten,
    Updated,
    Status,
}

/// One row of the catalog list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemSummary {
    pub id: String,
    pub index_no: String,
    pub title: String,
    pub doc_no: String,
    pub status: Status,
    pub disclosure: Disclosure,
    pub category_name: Option<String>,
    pub lead_department_name: Option<String>,
    pub date_written: Option<NaiveDate>,
    /// Explicit or computed.
    pub due_date: Option<NaiveDate>,
    /// Working days past the due date, for open items that are overdue.
    pub overdue_days: Option<u32>,
    /// Working days left until the due date, for open items not overdue.
    pub days_left: Option<u32>,
    pub clerk_name: Option<String>,
    /// The last sign-off was voided by these changes (field keys).
    pub changed_after_signoff: Vec<String>,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemPage {
    pub items: Vec<ItemSummary>,
    /// How many items match in all, for the scroll bar and "n items".
    pub total: u32,
    pub offset: u32,
}

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 1_000;

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
    /// What a roster version or a personal key did, in words a person reads (signing's key
    /// events); empty for every other operation, and for a roster no office key this PC trusts
    /// signed.
    #[serde(default)]
    pub key_events: Vec<KeyEvent>,
}

/// One key event of the office's signing, as the log tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyEvent {
    /// Signing set up: the first roster, signed by the office key.
    SetUp {
        office_fingerprint: String,
    },
    PersonEnrolled {
        name: String,
        roles: Vec<crate::model::Role>,
        fingerprint: String,
    },
    RolesChanged {
        name: String,
        roles: Vec<crate::model::Role>,
    },
    KeyRevoked {
        owner: String,
        fingerprint: String,
    },
    DeviceEnrolled {
        device_id: String,
        fingerprint: String,
    },
    OfficeKeyRotated {
        from: String,
        to: String,
    },
    /// A person made a personal key on a PC, for the office to enrol.
    KeyMade {
        name: String,
        fingerprint: String,
        device_id: String,
    },
}

impl KeyEvent {
    /// The event in Chinese, for the CSV log.
    pub fn text_zh(&self) -> String {
        let roles_zh = |roles: &[crate::model::Role]| {
            roles
                .iter()
                .map(|r| r.label_zh())
                .collect::<Vec<_>>()
                .join("、")
        };
        match self {
            KeyEvent::SetUp { office_fingerprint } => {
                format!("启用签名，办公室密钥指纹 {office_fingerprint}")
            }
            KeyEvent::PersonEnrolled {
                name,
                roles,
                fingerprint,
            } => format!("登记 {name}（{}），密钥指纹 {fingerprint}", roles_zh(roles)),
            KeyEvent::RolesChanged { name, roles } => {
                format!("{name} 的角色改为 {}", roles_zh(roles))
            }
            KeyEvent::KeyRevoked { owner, fingerprint } => {
                format!("吊销 {owner} 的密钥 {fingerprint}")
            }
            KeyEvent::DeviceEnrolled {
                device_id,
                fingerprint,
            } => format!("登记电脑 {device_id}，设备密钥指纹 {fingerprint}"),
            KeyEvent::OfficeKeyRotated { from, to } => {
                format!("办公室密钥由 {from} 更换为 {to}")
            }
            KeyEvent::KeyMade {
                name,
                fingerprint,
                device_id,
            } => format!("{name} 在电脑 {device_id} 上生成个人密钥，指纹 {fingerprint}"),
        }
    }
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
    /// Where the searched words are, when the list was searched: why the item is listed.
    pub hits: Vec<crate::search_hit::SearchHit>,
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

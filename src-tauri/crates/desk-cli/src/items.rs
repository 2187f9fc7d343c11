//! `desk item`: find, show, create, change and delete items. The workflow's actions, the review,
//! attachments and personal data are in `review`, an item's history in `report`; this module
//! only sends those commands there.

use crate::{fail, open, print_json, report, review, text, today, Cli, Failure, Outcome};
use clap::{Args, Subcommand, ValueEnum};
use desk_core::assign::{assign, split_assignment, Names};
use desk_core::error::ErrorPayload;
use desk_core::fields::{parse_enum_value, ItemField};
use desk_core::model::{Item, Status};
use desk_core::query::{DueFilter, ItemQuery, SortKey, View};
use desk_core::workflow::Action;
use desk_store::Catalog;
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum ItemCommand {
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
    /// Which item a printed 审查呈批单's code names, and whether it changed since printing.
    VerifyCode { code: String },
    /// Draft → in review.
    Submit { id: String },
    /// In review → awaiting sign-off (every required check passed or not applicable).
    RequestSignoff { id: String },
    /// Awaiting sign-off → signed off, as the current person (a section head of the lead
    /// department, or the office when it signs).
    SignOff {
        id: String,
        /// Where signing is set up: the environment variable holding your key's password.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
    /// Sign again, with your key, an item signed off before the office set signing up (it is
    /// not exported until then): a new signed record of the same content.
    SignAgain {
        id: String,
        /// The environment variable holding your key's password.
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// On the coordinator's PC: the office accepts, signed with the office key, an item's
    /// sign-off made before signing was set up (when its signer cannot sign again), so that it
    /// can be exported.
    AcceptSignoff {
        id: String,
        /// The environment variable holding the office key's password.
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
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

#[derive(Args)]
pub(crate) struct ListArgs {
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
    /// 公开属性 (proactive, on_request, withheld, redacted, or the Chinese name).
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

pub(crate) fn run(cli: &Cli, command: &ItemCommand) -> Outcome {
    match command {
        ItemCommand::List(args) => list(cli, args),
        ItemCommand::Show { id } => show(cli, id),
        ItemCommand::Add { title, assignments } => add(cli, title, assignments),
        ItemCommand::Set { id, assignments } => set(cli, id, assignments),
        ItemCommand::History { id } => report::history(cli, id),
        ItemCommand::Delete { id } => delete(cli, id),
        ItemCommand::VerifyCode { code } => crate::paper::verify_code(cli, code),
        ItemCommand::Submit { id } => review::act(cli, id, Action::Submit, ""),
        ItemCommand::RequestSignoff { id } => review::act(cli, id, Action::RequestSignoff, ""),
        ItemCommand::SignOff {
            id,
            password_env: Some(var),
        } => crate::trust::sign_off(cli, id, var),
        ItemCommand::SignOff {
            id,
            password_env: None,
        } => review::act(cli, id, Action::SignOff, ""),
        ItemCommand::AcceptSignoff { id, password_env } => {
            crate::trust::accept_signoff(cli, id, password_env)
        }
        ItemCommand::SignAgain { id, password_env } => {
            crate::trust::sign_again(cli, id, password_env)
        }
        ItemCommand::SendBack { id, reason } => review::act(cli, id, Action::SendBack, reason),
        ItemCommand::Withdraw { id, reason } => review::act(cli, id, Action::Withdraw, reason),
        ItemCommand::Reopen { id } => review::act(cli, id, Action::Reopen, ""),
        ItemCommand::NotDisclose { id, reason } => {
            review::act(cli, id, Action::DecideNotDisclose, reason)
        }
        ItemCommand::MarkExported { id } => review::act(cli, id, Action::MarkExported, ""),
        ItemCommand::Publish { id, url } => review::act(cli, id, Action::MarkPublished, url),
        ItemCommand::Review { id } => review::review(cli, id),
        ItemCommand::Due { id } => review::due(cli, id),
        ItemCommand::Signoffs { id } => review::signoffs(cli, id),
        ItemCommand::Scan { id } => review::scan(cli, id),
        ItemCommand::Mask { id } => review::mask(cli, id),
        ItemCommand::Attach { id, files } => review::attach(cli, id, files),
        ItemCommand::Detach { id, attachment } => review::detach(cli, id, attachment),
        ItemCommand::AttachmentSave {
            id,
            attachment,
            destination,
            force,
        } => review::save_attachment(cli, id, attachment, destination, *force),
    }
}

fn list(cli: &Cli, args: &ListArgs) -> Outcome {
    let catalog = open(cli)?;
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

fn show(cli: &Cli, id: &str) -> Outcome {
    let catalog = open(cli)?;
    let item = catalog.item(id)?;
    print_item(&catalog, &item, cli.json)
}

fn add(cli: &Cli, title: &str, assignments: &[String]) -> Outcome {
    let mut catalog = open(cli)?;
    let mut item = Item::blank(String::new());
    item.title = title.to_string();
    apply(&catalog, &mut item, assignments)?;
    let saved = catalog.save_item(item)?;
    print_item(&catalog, &saved, cli.json)
}

fn set(cli: &Cli, id: &str, assignments: &[String]) -> Outcome {
    let mut catalog = open(cli)?;
    let mut item = catalog.item(id)?;
    apply(&catalog, &mut item, assignments)?;
    let saved = catalog.save_item(item)?;
    print_item(&catalog, &saved, cli.json)
}

fn delete(cli: &Cli, id: &str) -> Outcome {
    let mut catalog = open(cli)?;
    catalog.delete_item(id)?;
    if cli.json {
        return print_json(&serde_json::json!({ "deleted": id }));
    }
    outln!("deleted {id}");
    Ok(())
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

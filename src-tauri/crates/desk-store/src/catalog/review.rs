//! Checklists, templates, transitions and sign-offs in SQLite.
//!
//! The rules are `desk_core::checklist` and `desk_core::workflow`; this module gathers the facts
//! they need (marks, linked items, attachments, personal data), applies their verdicts, and
//! records every change as operations in the same transaction.

use crate::attachments::AttachmentStore;
use crate::catalog::items;
use crate::catalog::registry;
use crate::error::{Result, StoreError};
use crate::oplog::Recorder;
use desk_core::checklist::{
    self, CheckFacts, CheckMark, CheckState, ChecklistTemplate, ItemChecklist, LinkedItem,
    TemplateRef,
};
use desk_core::model::{Item, ItemLink, Person};
use desk_core::ops::{EntityKind, OpKind};
use desk_core::pii;
use desk_core::problem::Code;
use desk_core::signoff::{self, SignBasis, Signoff, SignoffSignature};
use desk_core::workflow::{self, Action, Actor, Policy, Subject};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

pub(crate) fn write_template(conn: &Connection, t: &ChecklistTemplate) -> Result<()> {
    conn.execute(
        "INSERT INTO checklist_templates (id, version, name, category_ids, checks, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            t.id,
            t.version,
            t.name,
            to_json(&t.category_ids)?,
            to_json(&t.checks)?,
            t.created_at,
            t.created_by
        ],
    )?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

fn read_template(row: &rusqlite::Row) -> rusqlite::Result<[String; 7]> {
    Ok([
        row.get(0)?,
        row.get::<_, i64>(1)?.to_string(),
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ])
}

fn decode_template(fields: [String; 7]) -> Result<ChecklistTemplate> {
    let [id, version, name, categories, checks, created_at, created_by] = fields;
    Ok(ChecklistTemplate {
        version: version
            .parse()
            .map_err(|_| StoreError::Decode(format!("template {id} version {version}")))?,
        category_ids: from_json("template categories", &categories)?,
        checks: from_json("template checks", &checks)?,
        id,
        name,
        created_at,
        created_by,
    })
}

const TEMPLATE_COLUMNS: &str = "id, version, name, category_ids, checks, created_at, created_by";

/// The newest version of every template, default first, then by name.
pub fn latest_templates(conn: &Connection) -> Result<Vec<ChecklistTemplate>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM checklist_templates t
         WHERE version = (SELECT max(version) FROM checklist_templates u WHERE u.id = t.id)
         ORDER BY category_ids <> '[]', name"
    ))?;
    let rows = stmt.query_map([], read_template)?;
    rows.map(|r| decode_template(r?)).collect()
}

/// Every version of one template, newest first.
pub fn template_versions(conn: &Connection, id: &str) -> Result<Vec<ChecklistTemplate>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM checklist_templates WHERE id = ?1 ORDER BY version DESC"
    ))?;
    let rows = stmt.query_map(params![id], read_template)?;
    rows.map(|r| decode_template(r?)).collect()
}

pub(crate) fn template_version(
    conn: &Connection,
    id: &str,
    version: u32,
) -> Result<ChecklistTemplate> {
    conn.prepare_cached(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM checklist_templates WHERE id = ?1 AND version = ?2"
    ))?
    .query_row(params![id, version], read_template)
    .optional()?
    .map(decode_template)
    .transpose()?
    .ok_or_else(|| StoreError::NotFound {
        what: "checklist template",
        id: format!("{id} v{version}"),
    })
}

/// Saves a template as its next version (or as version 1 of a new one), after checking it.
pub(crate) fn save_template_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    mut template: ChecklistTemplate,
) -> Result<ChecklistTemplate> {
    template.name = template.name.trim().to_string();
    for check in &mut template.checks {
        check.key = check.key.trim().to_string();
        check.label = check.label.trim().to_string();
    }
    checklist::validate_template(&template).map_err(StoreError::Refused)?;
    let categories = registry::categories(tx)?;
    if let Some(unknown) = template
        .category_ids
        .iter()
        .find(|c| !categories.iter().any(|k| &k.id == *c))
    {
        return Err(StoreError::refused(Code::UnknownCategory.problem(
            "category_ids",
            format!("the category {unknown} does not exist"),
        )));
    }
    let previous = if template.id.is_empty() {
        template.id = crate::clock::uuid_v7().to_string();
        None
    } else {
        template_versions(tx, &template.id)?.into_iter().next()
    };
    if let Some(previous) = &previous {
        let same = previous.name == template.name
            && previous.category_ids == template.category_ids
            && previous.checks == template.checks;
        if same {
            return Ok(previous.clone());
        }
    }
    if let Some(clash) = checklist::category_clash(&template, &latest_templates(tx)?) {
        return Err(StoreError::refused(clash));
    }
    template.version = previous.as_ref().map_or(1, |p| p.version + 1);
    template.created_at = recorder_time(recorder);
    template.created_by = recorder.author_id().to_string();
    write_template(tx, &template)?;
    let whole = serde_json::to_value(&template).unwrap_or(Value::Null);
    recorder.record(
        tx,
        EntityKind::Template,
        &format!("{}@{}", template.id, template.version),
        OpKind::Create,
        None,
        &Value::Null,
        &whole,
    )?;
    Ok(template)
}

/// Now, for records written beside operations: the wall clock, never before the last operation
/// (the recorder's clock is the previous operation's until the next one is recorded).
fn recorder_time(recorder: &Recorder) -> String {
    let wall = crate::oplog::now_ms().max(recorder.clock().wall_ms);
    chrono::DateTime::from_timestamp_millis(wall)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub(crate) fn attached(conn: &Connection, item_id: &str) -> Result<Option<(String, u32)>> {
    Ok(conn
        .prepare_cached(
            "SELECT template_id, template_version FROM item_checklists WHERE item_id = ?1",
        )?
        .query_row(params![item_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn applicable_template(conn: &Connection, item: &Item) -> Result<ChecklistTemplate> {
    let templates = latest_templates(conn)?;
    let ancestry = registry::category_ancestry(conn, item.category_id.as_deref())?;
    template_for(&templates, &ancestry).cloned()
}

/// The newest template serving a category with this ancestry, or why there is none.
pub(crate) fn template_for<'a>(
    templates: &'a [ChecklistTemplate],
    ancestry: &[String],
) -> Result<&'a ChecklistTemplate> {
    checklist::template_for(templates, ancestry).ok_or_else(|| {
        StoreError::refused(Code::NoTemplate.problem(
            "category_id",
            "no checklist template serves this item's category and there is no default template: add one under Templates",
        ))
    })
}

pub(crate) fn marks(conn: &Connection, item_id: &str) -> Result<Vec<CheckMark>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MARK_COLUMNS} FROM item_checks WHERE item_id = ?1 ORDER BY key"
    ))?;
    let rows = stmt.query_map(params![item_id], read_mark)?;
    rows.map(|r| decode_mark(r?)).collect()
}

/// The columns `read_mark` reads, in its order.
pub(crate) const MARK_COLUMNS: &str = "key, state, by, at, note, covers";

pub(crate) fn read_mark(r: &rusqlite::Row) -> rusqlite::Result<[String; 6]> {
    Ok([
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ])
}

pub(crate) fn decode_mark(fields: [String; 6]) -> Result<CheckMark> {
    let [key, state, by, at, note, covers] = fields;
    Ok(CheckMark {
        covers: from_json("check covers", &covers)?,
        state: CheckState::parse(&state)
            .ok_or_else(|| StoreError::Decode(format!("check state {state}")))?,
        key,
        by,
        at,
        note,
    })
}

fn linked_items(conn: &Connection, item: &Item) -> Result<(Vec<LinkedItem>, Vec<String>)> {
    // Links written on the other item, read from this side.
    let mut stmt = conn.prepare_cached(
        "SELECT item_id, value FROM item_sets WHERE field = 'links' AND value LIKE ?1
         ORDER BY value, rowid",
    )?;
    let pattern = format!("%\"target_id\":\"{}\"%", item.id.replace(['%', '_'], ""));
    let rows = stmt.query_map(params![pattern], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut incoming = Vec::new();
    for row in rows {
        let (source_id, json) = row?;
        let link: ItemLink = from_json("link", &json)?;
        if link.target_id == item.id {
            incoming.push((source_id, link));
        }
    }
    gather_links(item, &incoming, |id| items::load_optional(conn, id))
}

/// An incoming link: the item that wrote it, and the link as written there.
pub(crate) type IncomingLink = (String, ItemLink);

/// The linked items either way: the item's own links as written, then `incoming` turned around
/// (an item linked both ways counts once, as this item wrote it). `load` reads another item.
pub(crate) fn gather_links(
    item: &Item,
    incoming: &[IncomingLink],
    mut load: impl FnMut(&str) -> Result<Option<Item>>,
) -> Result<(Vec<LinkedItem>, Vec<String>)> {
    let mut linked = Vec::new();
    let mut broken = Vec::new();
    for link in &item.links {
        match load(&link.target_id)? {
            Some(target) => linked.push(LinkedItem {
                id: target.id,
                title: target.title,
                kind: link.kind,
                status: target.status,
                disclosure: target.disclosure,
            }),
            None => broken.push(link.target_id.clone()),
        }
    }
    for (source_id, link) in incoming {
        if link.target_id != item.id || linked.iter().any(|l| &l.id == source_id) {
            continue;
        }
        if let Some(source) = load(source_id)? {
            linked.push(LinkedItem {
                id: source.id,
                title: source.title,
                kind: link.kind.reversed(),
                status: source.status,
                disclosure: source.disclosure,
            });
        }
    }
    Ok((linked, broken))
}

/// The facts the automatic checks need. `verify_content` re-hashes every attachment (done at
/// sign-off); otherwise presence and size are checked, which is instant.
pub(crate) fn check_facts(
    conn: &Connection,
    item: &Item,
    store: &AttachmentStore,
    verify_content: bool,
) -> Result<CheckFacts> {
    let links = linked_items(conn, item)?;
    Ok(facts_with_links(item, store, verify_content, links))
}

/// The facts of [`check_facts`] once the linked items are known.
pub(crate) fn facts_with_links(
    item: &Item,
    store: &AttachmentStore,
    verify_content: bool,
    (linked, broken_links): (Vec<LinkedItem>, Vec<String>),
) -> CheckFacts {
    let mut pii_hits = pii::scan_item(item);
    let mut missing_attachments = Vec::new();
    let mut damaged_attachments = Vec::new();
    for attachment in &item.attachments {
        match store.check(attachment, verify_content) {
            crate::attachments::BlobState::Intact => {
                if let Some(text) = store.read_text(attachment) {
                    pii_hits.extend(pii::scan_text(
                        &format!("{}{}", pii::ATTACHMENT_FIELD_PREFIX, attachment.name),
                        &text,
                    ));
                }
            }
            crate::attachments::BlobState::Missing => {
                missing_attachments.push(attachment.name.clone())
            }
            crate::attachments::BlobState::Damaged => {
                damaged_attachments.push(attachment.name.clone())
            }
        }
    }
    CheckFacts {
        linked,
        broken_links,
        pii_hits,
        missing_attachments,
        damaged_attachments,
    }
}

/// The item's checklist as it stands: under the version it is attached to, or (not yet worked)
/// under the newest template for its category.
pub(crate) fn checklist(
    conn: &Connection,
    item: &Item,
    store: &AttachmentStore,
    verify_content: bool,
) -> Result<ItemChecklist> {
    let newest = applicable_template(conn, item)?;
    let template = match attached(conn, &item.id)? {
        Some((id, version)) => template_version(conn, &id, version)?,
        None => newest.clone(),
    };
    let facts = check_facts(conn, item, store, verify_content)?;
    Ok(evaluate(
        item,
        &newest,
        template,
        &marks(conn, &item.id)?,
        &facts,
    ))
}

/// The checklist under `template` (the attached version or `newest`), offering `newest` as an
/// upgrade when they differ.
pub(crate) fn evaluate(
    item: &Item,
    newest: &ChecklistTemplate,
    template: ChecklistTemplate,
    marks: &[CheckMark],
    facts: &CheckFacts,
) -> ItemChecklist {
    let checks = checklist::evaluate(&template, marks, item, facts);
    let upgrade_to =
        (newest.id != template.id || newest.version != template.version).then(|| TemplateRef {
            id: newest.id.clone(),
            name: newest.name.clone(),
            version: newest.version,
        });
    ItemChecklist {
        template_id: template.id,
        template_name: template.name,
        template_version: template.version,
        upgrade_to,
        checks,
    }
}

/// Fixes the checklist's template version on the item (when review starts or a check is first
/// marked), so later template edits leave it alone.
fn ensure_attached(tx: &Transaction, recorder: &mut Recorder, item: &Item) -> Result<()> {
    if attached(tx, &item.id)?.is_some() {
        return Ok(());
    }
    let template = applicable_template(tx, item)?;
    attach(tx, recorder, &item.id, None, &template)
}

fn attach(
    tx: &Transaction,
    recorder: &mut Recorder,
    item_id: &str,
    old: Option<(String, u32)>,
    template: &ChecklistTemplate,
) -> Result<()> {
    tx.execute(
        "INSERT INTO item_checklists (item_id, template_id, template_version) VALUES (?1, ?2, ?3)
         ON CONFLICT (item_id) DO UPDATE SET template_id = excluded.template_id, template_version = excluded.template_version",
        params![item_id, template.id, template.version],
    )?;
    let old = old.map_or(
        Value::Null,
        |(id, version)| serde_json::json!({"template_id": id, "version": version}),
    );
    recorder.record(
        tx,
        EntityKind::Item,
        item_id,
        OpKind::Set,
        Some("checklist"),
        &old,
        &serde_json::json!({"template_id": template.id, "version": template.version}),
    )?;
    Ok(())
}

/// Moves an item's checklist to the newest template for its category. Marks of checks that
/// remain are kept; marks of checks the new version dropped are removed (and logged).
pub(crate) fn upgrade_checklist_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    item: &mut Item,
) -> Result<()> {
    let newest = applicable_template(tx, item)?;
    let current = attached(tx, &item.id)?;
    if current.as_ref() == Some(&(newest.id.clone(), newest.version)) {
        return Ok(());
    }
    for mark in marks(tx, &item.id)? {
        if !newest.checks.iter().any(|c| c.key == mark.key) {
            tx.execute(
                "DELETE FROM item_checks WHERE item_id = ?1 AND key = ?2",
                params![item.id, mark.key],
            )?;
            recorder.record(
                tx,
                EntityKind::Item,
                &item.id,
                OpKind::Set,
                Some(&format!("check:{}", mark.key)),
                &serde_json::to_value(&mark).unwrap_or(Value::Null),
                &Value::Null,
            )?;
        }
    }
    attach(tx, recorder, &item.id, current, &newest)?;
    void_if_signed(
        tx,
        recorder,
        item,
        vec![workflow::CHECKLIST_FIELD.to_string()],
    )
}

/// Voids a signed item's sign-off (see `workflow::void_signoff`) and records the return to
/// review; nothing happens to an item without one.
pub(crate) fn void_if_signed(
    tx: &Transaction,
    recorder: &mut Recorder,
    item: &mut Item,
    changed: Vec<String>,
) -> Result<()> {
    let before = item.clone();
    if !workflow::void_signoff(item, changed) {
        return Ok(());
    }
    recorder.record_item_changes(tx, &before, item)?;
    items::write_row_only(tx, item, &recorder.last_op_time())
}

/// Puts a person's mark on one check, after the checklist's rules allow it.
pub(crate) fn mark_check_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    store: &AttachmentStore,
    item_id: &str,
    key: &str,
    state: CheckState,
    note: &str,
) -> Result<()> {
    let mut item = items::load(tx, item_id)?;
    ensure_attached(tx, recorder, &item)?;
    let current = checklist(tx, &item, store, false)?;
    checklist::check_mark(&current.checks, key, state, note).map_err(StoreError::Mark)?;
    let old = marks(tx, item_id)?.into_iter().find(|m| m.key == key);
    let covers = match current.checks.iter().find(|c| c.def.key == key) {
        Some(view) if state == CheckState::Passed => checklist::waiver_covers(view),
        _ => Vec::new(),
    };
    let mark = CheckMark {
        key: key.to_string(),
        state,
        by: recorder.author_id().to_string(),
        at: recorder_time(recorder),
        note: note.trim().to_string(),
        covers,
    };
    if old
        .as_ref()
        .is_some_and(|o| o.state == mark.state && o.note == mark.note && o.covers == mark.covers)
    {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO item_checks (item_id, key, state, by, at, note, covers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (item_id, key) DO UPDATE SET state = excluded.state, by = excluded.by, at = excluded.at, note = excluded.note, covers = excluded.covers",
        params![item_id, mark.key, state.key(), mark.by, mark.at, mark.note, to_json(&mark.covers)?],
    )?;
    recorder.record(
        tx,
        EntityKind::Item,
        item_id,
        OpKind::Set,
        Some(&format!("check:{key}")),
        &old.map_or(Value::Null, |o| {
            serde_json::to_value(o).unwrap_or(Value::Null)
        }),
        &serde_json::to_value(&mark).unwrap_or(Value::Null),
    )?;
    void_if_signed(
        tx,
        recorder,
        &mut item,
        vec![workflow::CHECKLIST_FIELD.to_string()],
    )
}

pub(crate) fn subject<'a>(item: &'a Item, checklist: &ItemChecklist) -> Subject<'a> {
    Subject {
        status: item.status,
        disclosure: item.disclosure,
        lead_department_id: item.lead_department_id.as_deref(),
        reviewer_id: item.reviewer_id.as_deref(),
        blocking_checks: checklist.signoff_blockers(item.disclosure),
    }
}

pub(crate) fn actor(person: Option<&Person>) -> Option<Actor<'_>> {
    person.map(|p| Actor {
        person_id: &p.id,
        department_id: p.department_id.as_deref(),
        roles: &p.roles,
    })
}

/// Takes a workflow action on an item: checks it with the state machine, moves the status,
/// records the reason, and for a sign-off writes the record with the content hash.
#[allow(clippy::too_many_arguments)]
pub(crate) fn act_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    store: &AttachmentStore,
    policy: Policy,
    person: Option<&Person>,
    device_id: &str,
    item_id: &str,
    action: Action,
    text: &str,
    seal: Seal,
) -> Result<Item> {
    let item = items::load(tx, item_id)?;
    if matches!(
        action,
        Action::Submit | Action::RequestSignoff | Action::SignOff
    ) {
        ensure_attached(tx, recorder, &item)?;
    }
    // A sign-off re-reads every attachment: it must cover the files as they are.
    let current = checklist(tx, &item, store, action == Action::SignOff)?;
    act_with(
        tx, recorder, policy, person, device_id, item, &current, action, text, seal,
    )
}

/// Signs a sign-off record as it is written (`None`: the record goes out unsigned).
pub(crate) type Seal<'a> = Option<&'a dyn Fn(&Signoff) -> Result<SignoffSignature>>;

/// [`act_in`] once the item and its checklist are read (`current` evaluated in this transaction).
#[allow(clippy::too_many_arguments)]
pub(crate) fn act_with(
    tx: &Transaction,
    recorder: &mut Recorder,
    policy: Policy,
    person: Option<&Person>,
    device_id: &str,
    mut item: Item,
    current: &ItemChecklist,
    action: Action,
    text: &str,
    seal: Seal,
) -> Result<Item> {
    let transition = workflow::decide(
        &subject(&item, current),
        actor(person).as_ref(),
        action,
        text,
        policy,
    )
    .map_err(StoreError::Workflow)?;
    let before = item.clone();
    item.status = transition.to;
    item.status_note = transition.note;
    if action == Action::MarkPublished {
        item.published_url = text.trim().to_string();
    }
    // Whoever submits an item nobody handles becomes its 经办人: it is then in her 我的工作.
    if action == Action::Submit && item.clerk_id.is_none() {
        item.clerk_id = person.map(|p| p.id.clone());
    }
    if action == Action::SignOff {
        item.changed_after_signoff.clear();
        let signer = person.ok_or(StoreError::Workflow(workflow::WorkflowError::NoPerson))?;
        record_signoff(
            tx,
            recorder,
            &item,
            &current.checks,
            signer,
            device_id,
            seal,
        )?;
    }
    recorder.record_item_changes(tx, &before, &item)?;
    items::write_row_only(tx, &item, &recorder.last_op_time())?;
    Ok(item)
}

/// Writes and records a sign-off record of `item` as it is now (its content and `checks`), by
/// `signer` on this PC, signed when `seal` is given. The record is written once, never edited.
pub(crate) fn record_signoff(
    tx: &Transaction,
    recorder: &mut Recorder,
    item: &Item,
    checks: &[desk_core::checklist::CheckView],
    signer: &Person,
    device_id: &str,
    seal: Seal,
) -> Result<Signoff> {
    let basis = if signer.department_id == item.lead_department_id
        && signer.roles.contains(&desk_core::model::Role::SectionHead)
    {
        SignBasis::SectionHead
    } else {
        SignBasis::Office
    };
    let record = Signoff {
        id: crate::clock::uuid_v7().to_string(),
        item_id: item.id.clone(),
        signer_id: signer.id.clone(),
        signer_name: signer.name.clone(),
        basis,
        at: recorder_time(recorder),
        device_id: device_id.to_string(),
        content_hash: signoff::content_hash(item, checks),
        form_version: signoff::CANONICAL_FORM_VERSION,
        signature: None,
    };
    let record = match seal {
        Some(seal) => Signoff {
            signature: Some(seal(&record)?),
            ..record
        },
        None => record,
    };
    write_signoff(tx, &record)?;
    recorder.record(
        tx,
        EntityKind::Signoff,
        &record.id,
        OpKind::Create,
        None,
        &Value::Null,
        &serde_json::to_value(&record).unwrap_or(Value::Null),
    )?;
    Ok(record)
}

pub(crate) fn write_signoff(conn: &Connection, s: &Signoff) -> Result<()> {
    conn.execute(
        "INSERT INTO signoffs (id, item_id, signer_id, signer_name, basis, at, device_id, content_hash, form_version, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            s.id,
            s.item_id,
            s.signer_id,
            s.signer_name,
            match s.basis {
                SignBasis::SectionHead => "section_head",
                SignBasis::Office => "office",
            },
            s.at,
            s.device_id,
            s.content_hash,
            s.form_version,
            s.signature
                .as_ref()
                .map(|sig| serde_json::to_string(sig).unwrap_or_default())
        ],
    )?;
    Ok(())
}

/// An item's sign-off records, newest first.
pub fn signoffs(conn: &Connection, item_id: &str) -> Result<Vec<Signoff>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SIGNOFF_COLUMNS} FROM signoffs WHERE item_id = ?1 ORDER BY at DESC, id DESC"
    ))?;
    let rows = stmt.query_map(params![item_id], read_signoff)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every item's sign-off records, newest first, by item (one query).
pub fn all_signoffs(conn: &Connection) -> Result<std::collections::HashMap<String, Vec<Signoff>>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SIGNOFF_COLUMNS} FROM signoffs ORDER BY item_id, at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([], read_signoff)?;
    let mut out: std::collections::HashMap<String, Vec<Signoff>> = Default::default();
    for row in rows {
        let record = row?;
        out.entry(record.item_id.clone()).or_default().push(record);
    }
    Ok(out)
}

const SIGNOFF_COLUMNS: &str =
    "id, item_id, signer_id, signer_name, basis, at, device_id, content_hash, form_version, signature";

fn read_signoff(r: &rusqlite::Row) -> rusqlite::Result<Signoff> {
    Ok(Signoff {
        id: r.get(0)?,
        item_id: r.get(1)?,
        signer_id: r.get(2)?,
        signer_name: r.get(3)?,
        basis: if r.get::<_, String>(4)? == "office" {
            SignBasis::Office
        } else {
            SignBasis::SectionHead
        },
        at: r.get(5)?,
        device_id: r.get(6)?,
        content_hash: r.get(7)?,
        form_version: r.get(8)?,
        // A signature that does not read is kept as none: the sign-off then counts as unsigned.
        signature: r
            .get::<_, Option<String>>(9)?
            .and_then(|text| serde_json::from_str(&text).ok()),
    })
}

/// Which signed fields an arrived edit changed under a sign-off (sync voids it on every PC). The
/// record holds only a hash, so each signed field is tried with the other values its operations
/// gave it: a field whose earlier value makes the hash match again is the one that changed. When
/// no single field explains the difference (several changed, or the checklist), the answer is
/// `sync`, as before.
pub(crate) fn fields_changed_since(
    conn: &Connection,
    item: &Item,
    checks: &[desk_core::checklist::CheckView],
    record: &Signoff,
) -> Result<Vec<String>> {
    use desk_core::fields::{FieldShape, ItemField};
    let ops: Vec<(String, Option<String>, String, String)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, field, old_value, new_value FROM ops
             WHERE entity = 'item' AND entity_id = ?1 AND kind <> 'delete'",
        )?;
        let rows = stmt.query_map(params![item.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    let mut named = Vec::new();
    for field in ItemField::ALL {
        if !field.is_signed_content() {
            continue;
        }
        let current = item.get(field);
        let mut candidates: Vec<Value> = Vec::new();
        for (kind, op_field, old, new) in &ops {
            match (kind.as_str(), op_field.as_deref()) {
                ("create", _) => candidates.extend(parse(new).get(field.key()).cloned()),
                ("set", Some(f)) if f == field.key() => {
                    candidates.push(parse(old));
                    candidates.push(parse(new));
                }
                ("add" | "remove", Some(f))
                    if f == field.key() && field.shape() == FieldShape::Set =>
                {
                    // The list with this element the other way round.
                    let element = parse(if kind == "add" { new } else { old });
                    let mut list = current.as_array().cloned().unwrap_or_default();
                    if list.contains(&element) {
                        list.retain(|e| e != &element);
                    } else {
                        list.push(element);
                    }
                    candidates.push(Value::Array(list));
                }
                _ => {}
            }
        }
        for value in candidates {
            if value == current {
                continue;
            }
            let mut trial = item.clone();
            if trial.set(field, value).is_ok() && signoff::record_matches(record, &trial, checks) {
                named.push(field.key().to_string());
                break;
            }
        }
    }
    if named.is_empty() {
        named.push("sync".to_string());
    }
    Ok(named)
}

//! Applying a device's segments in a row in one transaction, and a snapshot into an empty
//! catalog with its indexes built at the end: the same catalog as one segment at a time, and a
//! failure half-way leaves the cursor and the data together.

mod common;

use common::{add_department, dump, now_ms, open_catalog};
use desk_core::model::{Department, DepartmentKind, Item};
use desk_core::ops::Operation;
use desk_core::query::ItemQuery;
use desk_store::RemoteSegment;
use desk_store::{Catalog, StoreError};

struct Source {
    _dir: tempfile::TempDir,
    catalog: Catalog,
}

/// A catalog whose history has creations, repeated edits of the same items (search fields, due
/// date inputs, set elements added and removed) and a delete.
fn source() -> Source {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut catalog = open_catalog(dir.path());
    let department = add_department(&mut catalog);
    let mut ids = Vec::new();
    for n in 0..12 {
        let mut item = Item::blank(String::new());
        item.title = format!("关于第{n}项招生工作的通知");
        item.lead_department_id = Some(department.clone());
        ids.push(catalog.save_item(item).unwrap_or_else(|e| panic!("{e}")).id);
    }
    for round in 0..3 {
        for (n, id) in ids.iter().enumerate() {
            let mut item = catalog.item(id).unwrap_or_else(|e| panic!("{e}"));
            match (n + round) % 4 {
                0 => item.title = format!("解读{round}：第{n}项"),
                1 => item.summary = format!("第{round}次修改摘要"),
                2 => item.keywords = vec![format!("关键词{round}"), "招生".into()],
                _ => item.date_formed = chrono::NaiveDate::from_ymd_opt(2024, 3, 1 + round as u32),
            }
            catalog.save_item(item).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    catalog
        .delete_item(&ids[5])
        .unwrap_or_else(|e| panic!("{e}"));
    Source { _dir: dir, catalog }
}

fn operations(source: &Source) -> (String, Vec<Operation>) {
    let device = source.catalog.device_id().to_string();
    let last = source.catalog.own_seq().unwrap_or_else(|e| panic!("{e}"));
    let ops = source
        .catalog
        .device_operations(&device, 1, last)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ops.len() as u64, last);
    (device, ops)
}

fn segments(ops: &[Operation]) -> Vec<RemoteSegment> {
    ops.chunks(5)
        .map(|chunk| RemoteSegment {
            ops: chunk.to_vec(),
            last_seq: chunk.last().map_or(0, |o| o.seq),
            version_vector: chunk
                .last()
                .map(|o| [(o.device_id.clone(), o.seq)].into_iter().collect())
                .unwrap_or_default(),
        })
        .collect()
}

fn fresh() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let catalog = open_catalog(dir.path());
    (dir, catalog)
}

/// Applies every segment from the device's cursor on, in one run.
/// A new catalog with every segment applied in one run: what the other paths must end as.
fn applied_fresh(device: &str, all: &[RemoteSegment]) -> (tempfile::TempDir, Catalog) {
    let (dir, mut catalog) = fresh();
    apply_run(&mut catalog, device, all).unwrap_or_else(|e| panic!("{e}"));
    (dir, catalog)
}

fn apply_run(
    catalog: &mut Catalog,
    device: &str,
    all: &[RemoteSegment],
) -> Result<u32, StoreError> {
    let outcome = catalog.apply_remote_segments(device, now_ms(), |cursor| {
        Ok::<_, StoreError>(all.iter().find(|s| s.last_seq > cursor).cloned())
    })?;
    Ok(outcome.applied)
}

/// What the list and the search show, besides what `dump` compares.
fn found(catalog: &Catalog, text: &str) -> Vec<String> {
    let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
    let query = ItemQuery {
        text: text.into(),
        limit: 500,
        ..ItemQuery::default()
    };
    let mut ids: Vec<String> = catalog
        .list_items(&query, today)
        .unwrap_or_else(|e| panic!("{e}"))
        .items
        .into_iter()
        .map(|i| format!("{} {:?}", i.id, i.due_date))
        .collect();
    ids.sort();
    ids
}

fn same_catalog(a: &Catalog, b: &Catalog) {
    assert_eq!(dump(a), dump(b));
    for text in ["", "招生", "解读", "摘要", "关键词1"] {
        assert_eq!(found(a, text), found(b, text), "search for {text:?}");
    }
}

fn indexes(catalog: &Catalog) -> Vec<String> {
    let conn = catalog.connection();
    let mut stmt = conn
        .prepare("SELECT name || ' ' || ifnull(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn integrity(catalog: &Catalog) -> String {
    catalog
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_run_of_segments_makes_the_same_catalog_as_one_segment_at_a_time() {
    let source = source();
    let (device, ops) = operations(&source);
    let all = segments(&ops);
    let (_a, mut one_by_one) = fresh();
    for segment in &all {
        one_by_one
            .apply_remote_segment(&device, segment, now_ms())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let (_b, mut run) = fresh();
    let applied = apply_run(&mut run, &device, &all).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied as usize, ops.len());
    same_catalog(&one_by_one, &run);
    assert_eq!(
        run.item_count().ok(),
        Some(11),
        "the deleted item stays deleted"
    );
    // A replay changes nothing.
    assert_eq!(apply_run(&mut run, &device, &all).ok(), Some(0));
    same_catalog(&one_by_one, &run);
}

#[test]
fn a_failure_while_applying_rolls_back_the_whole_batch_with_its_cursor() {
    let source = source();
    let (device, ops) = operations(&source);
    let all = segments(&ops);
    let (_r, reference) = applied_fresh(&device, &all);

    let (_d, mut catalog) = fresh();
    // The third segment holds an operation of another device (a segment no PC writes; an
    // operation that merely cannot be applied is kept aside instead, see `poison.rs`): the
    // first two were applied in the same transaction and go with it.
    let mut damaged = all.clone();
    damaged[2].ops[1].device_id = "0123456789ab".into();
    assert!(apply_run(&mut catalog, &device, &damaged).is_err());
    assert_eq!(
        catalog.sync_cursors().unwrap_or_default().get(&device),
        None
    );
    assert_eq!(catalog.item_count().ok(), Some(0));
    let logged: i64 = catalog
        .connection()
        .query_row("SELECT count(*) FROM ops", [], |r| r.get(0))
        .unwrap_or(-1);
    assert_eq!(logged, 0, "no operation of the failed batch stays");
    // The good segments apply afterwards as if nothing had happened.
    apply_run(&mut catalog, &device, &all).unwrap_or_else(|e| panic!("{e}"));
    same_catalog(&reference, &catalog);
}

#[test]
fn a_folder_failing_between_segments_keeps_what_was_applied_and_its_cursor() {
    let source = source();
    let (device, ops) = operations(&source);
    let all = segments(&ops);
    let (_r, reference) = applied_fresh(&device, &all);

    let (_d, mut catalog) = fresh();
    let mut handed = 0;
    let result = catalog.apply_remote_segments(&device, now_ms(), |cursor| {
        if handed == 3 {
            return Err(StoreError::InvalidArgument(
                "the share does not answer".into(),
            ));
        }
        handed += 1;
        Ok(all.iter().find(|s| s.last_seq > cursor).cloned())
    });
    assert!(result.is_err());
    let cursor = catalog
        .sync_cursors()
        .unwrap_or_default()
        .get(&device)
        .copied();
    assert_eq!(cursor, Some(all[2].last_seq));
    let logged: i64 = catalog
        .connection()
        .query_row("SELECT count(*) FROM ops", [], |r| r.get(0))
        .unwrap_or(-1);
    assert_eq!(logged as u64, all[2].last_seq);
    apply_run(&mut catalog, &device, &all).unwrap_or_else(|e| panic!("{e}"));
    same_catalog(&reference, &catalog);
}

#[test]
fn a_snapshot_into_an_empty_catalog_rebuilds_its_indexes_and_matches_the_normal_path() {
    let source = source();
    let ops = source
        .catalog
        .operations_in_clock_order()
        .unwrap_or_else(|e| panic!("{e}"));
    let covers = source
        .catalog
        .version_vector()
        .unwrap_or_else(|e| panic!("{e}"));

    // Empty: the bulk path.
    let (_e, mut empty) = fresh();
    let before = indexes(&empty);
    empty
        .apply_snapshot(&ops, &covers, now_ms())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        indexes(&empty),
        before,
        "every index is there again, as defined"
    );
    assert_eq!(integrity(&empty), "ok");

    // The same snapshot one segment at a time (the normal path) gives the same catalog.
    let (device, device_ops) = operations(&source);
    let (_r, reference) = applied_fresh(&device, &segments(&device_ops));
    same_catalog(&reference, &empty);

    // Not empty (an item of its own): the normal path, and that item stays.
    let (_n, mut busy) = fresh();
    let department = busy
        .save_department(Department {
            id: String::new(),
            name: "办公室".into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .id;
    let mut own = Item::blank(String::new());
    own.title = "本机的招生事项".into();
    own.lead_department_id = Some(department);
    let own = busy.save_item(own).unwrap_or_else(|e| panic!("{e}"));
    let before = indexes(&busy);
    busy.apply_snapshot(&ops, &covers, now_ms())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(indexes(&busy), before);
    assert_eq!(integrity(&busy), "ok");
    assert!(busy.item(&own.id).is_ok());
    assert_eq!(found(&busy, "招生").len(), found(&empty, "招生").len() + 1);
}

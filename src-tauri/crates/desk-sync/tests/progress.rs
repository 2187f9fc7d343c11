//! The progress a round reports while it applies other PCs' segments (the app's progress bar
//! for a new PC pulling a large catalog).

mod common;

use common::{now_ms, options, Office};
use desk_core::model::Item;
use desk_core::sync::SyncProgress;

fn add_items(office: &mut Office, pc: usize, count: usize) {
    for n in 0..count {
        let mut item = Item::blank(String::new());
        item.title = format!("第{n}项公开事项");
        item.lead_department_id = Some(office.department.clone());
        office.pcs[pc]
            .catalog
            .save_item(item)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Runs a round on `pc`, collecting every progress report.
fn round_with_progress(office: &mut Office, pc: usize) -> (u32, Vec<SyncProgress>) {
    office.tick();
    let mut seen = Vec::new();
    let p = &mut office.pcs[pc];
    let report = desk_sync::sync_round_with_progress(
        &mut p.catalog,
        &p.view,
        &options(now_ms() + p.skew_ms),
        &mut |progress| seen.push(*progress),
    )
    .unwrap_or_else(|e| panic!("{e} ({})", e.code()));
    (report.applied.iter().map(|a| a.ops).sum(), seen)
}

#[test]
fn a_round_counts_up_to_every_segment_it_applies() {
    let mut office = Office::new(2, 11);
    // 30 items at 7 operations a segment (the tests' segment size) make several segments.
    add_items(&mut office, 0, 30);
    office.sync(0).unwrap_or_else(|e| panic!("{e}"));

    let (applied, seen) = round_with_progress(&mut office, 1);

    assert!(applied > 0);
    let last = seen.last().copied().unwrap_or_default();
    assert!(last.segments_total >= 4, "{seen:?}");
    assert_eq!(last.segments_done, last.segments_total, "{seen:?}");
    assert_eq!(last.ops_applied, applied);
    // The first report gives the total before anything is applied; then one per segment, in order.
    assert_eq!(seen[0].segments_done, 0);
    assert_eq!(seen.len(), last.segments_total as usize + 1);
    for pair in seen.windows(2) {
        assert_eq!(pair[1].segments_done, pair[0].segments_done + 1);
        assert!(pair[1].ops_applied >= pair[0].ops_applied);
    }
}

#[test]
fn a_round_with_nothing_to_apply_reports_no_progress() {
    let mut office = Office::new(2, 12);
    add_items(&mut office, 0, 3);
    office.sync(0).unwrap_or_else(|e| panic!("{e}"));
    office.sync(1).unwrap_or_else(|e| panic!("{e}"));

    let (applied, seen) = round_with_progress(&mut office, 1);

    assert_eq!(applied, 0);
    assert!(seen.is_empty(), "{seen:?}");
}

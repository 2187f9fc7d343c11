//! The sample catalog never becomes the office's: a PC that tried the sample and then joins (or
//! starts) the office's shared folder brings none of it, and an edited sample waits for the
//! person to keep or remove it. Real folders and the real sample.

mod common;

use common::{now_ms, open_catalog, options};
use desk_core::ipc::SampleState;
use desk_core::model::Item;
use desk_store::{Catalog, OpenOptions};
use desk_sync::FsFolder;

fn sample_catalog(dir: &std::path::Path) -> Catalog {
    Catalog::open(dir, OpenOptions { seed_sample: true }).unwrap_or_else(|e| panic!("{e}"))
}

fn item_count(catalog: &Catalog) -> usize {
    catalog
        .app_info("test", std::path::Path::new("log"))
        .unwrap_or_else(|e| panic!("{e}"))
        .item_count as usize
}

/// An office whose coordinator already started the shared folder with one item.
fn office(share: &std::path::Path, dir: &std::path::Path) -> (Catalog, Item) {
    let mut coordinator = open_catalog(dir);
    let mut item = Item::blank(String::new());
    item.title = "本单位的事项".into();
    let item = coordinator
        .save_item(item)
        .unwrap_or_else(|e| panic!("{e}"));
    let folder = FsFolder::open(share).unwrap_or_else(|e| panic!("{e}"));
    let report = desk_sync::sync_round(&mut coordinator, &folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.created_catalog);
    (coordinator, item)
}

#[test]
fn an_untouched_sample_is_removed_when_the_pc_joins_and_nothing_of_it_reaches_the_office() {
    let share = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (a_dir, b_dir) = (tempfile::tempdir(), tempfile::tempdir());
    let (a_dir, b_dir) = (
        a_dir.unwrap_or_else(|e| panic!("{e}")),
        b_dir.unwrap_or_else(|e| panic!("{e}")),
    );
    let (mut coordinator, item) = office(share.path(), a_dir.path());
    let mut head = sample_catalog(b_dir.path());
    assert_eq!(head.sample_state().ok(), Some(SampleState::Untouched));
    assert_eq!(item_count(&head), 17);
    let folder = FsFolder::open(share.path()).unwrap_or_else(|e| panic!("{e}"));
    let report = desk_sync::sync_round(&mut head, &folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.joined_catalog && report.sample_removed, "{report:?}");
    assert_eq!(report.ops_published, 0, "nothing of the sample is sent");
    assert_eq!(item_count(&head), 1, "only the office's item");
    assert!(head.item(&item.id).is_ok());
    assert!(head.departments().unwrap_or_default().is_empty());
    assert_eq!(head.sample_state().ok(), Some(SampleState::None));
    // Her first edit in the office's catalog reaches the coordinator, and nothing else does.
    let mut mine = Item::blank(String::new());
    mine.title = "处长的事项".into();
    head.save_item(mine).unwrap_or_else(|e| panic!("{e}"));
    desk_sync::sync_round(&mut head, &folder, &options(now_ms())).unwrap_or_else(|e| panic!("{e}"));
    desk_sync::sync_round(&mut coordinator, &folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item_count(&coordinator), 2);
    assert!(coordinator.departments().unwrap_or_default().is_empty());
}

#[test]
fn an_untouched_sample_does_not_start_the_office_folder_either() {
    let share = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut catalog = sample_catalog(dir.path());
    let folder = FsFolder::open(share.path()).unwrap_or_else(|e| panic!("{e}"));
    let report = desk_sync::sync_round(&mut catalog, &folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.created_catalog && report.sample_removed,
        "{report:?}"
    );
    assert_eq!(report.ops_published, 0);
    assert_eq!(item_count(&catalog), 0);
}

#[test]
fn an_edited_sample_waits_for_the_person_then_goes_as_she_says() {
    let share = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let (mut coordinator, _) = office(share.path(), dirs[0].path());
    let folder = FsFolder::open(share.path()).unwrap_or_else(|e| panic!("{e}"));
    let files_before = walk(share.path());

    let mut keeper = sample_catalog(dirs[1].path());
    let mut practised = Item::blank(String::new());
    practised.title = "练习用的事项".into();
    keeper
        .save_item(practised)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        keeper.sample_state().ok(),
        Some(SampleState::Edited { changes: 1 })
    );
    let refused = desk_sync::sync_round(&mut keeper, &folder, &options(now_ms()));
    match refused {
        Err(e) => assert_eq!(e.code(), "sync_sample_edited", "{e}"),
        Ok(report) => panic!("an edited sample was synced: {report:?}"),
    }
    assert_eq!(walk(share.path()), files_before, "nothing was written");
    assert_eq!(item_count(&keeper), 18, "nothing was removed");

    // Another PC's person removes hers; this one keeps hers and sends it.
    let mut remover = sample_catalog(dirs[2].path());
    let mut scratch = Item::blank(String::new());
    scratch.title = "随便试试".into();
    remover.save_item(scratch).unwrap_or_else(|e| panic!("{e}"));
    remover.discard_sample().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item_count(&remover), 0);
    assert_eq!(remover.own_seq().ok(), Some(0));
    keeper.keep_sample().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(keeper.sample_state().ok(), Some(SampleState::None));
    for _ in 0..2 {
        for catalog in [&mut keeper, &mut remover, &mut coordinator] {
            desk_sync::sync_round(catalog, &folder, &options(now_ms()))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    for catalog in [&keeper, &remover, &coordinator] {
        assert_eq!(
            item_count(catalog),
            19,
            "the office, the kept sample and its edit"
        );
    }
    // Neither is possible once the catalog is the office's.
    for result in [keeper.keep_sample(), remover.discard_sample()] {
        match result {
            Err(e) => assert_eq!(e.payload().problems[0].code, "not_sample", "{e}"),
            Ok(()) => panic!("a synced catalog was treated as the sample"),
        }
    }
}

fn walk(root: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
                out.push((path.display().to_string(), len));
            }
        }
    }
    out.sort();
    out
}

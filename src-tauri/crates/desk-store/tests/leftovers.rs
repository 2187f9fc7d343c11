//! Opening a catalog beside leftover files: a `-wal` that belongs to it (a crash's) is replayed,
//! one that does not (another catalog's, a stale one beside a restored backup) is set aside and
//! the person told; a WAL in use by another open catalog is never touched.

mod common;

use common::*;
use desk_store::db::leftover::{companion, set_aside_files, SET_ASIDE_MARK};
use desk_store::db::DATABASE_FILE;
use desk_store::Catalog;
use std::path::{Path, PathBuf};

fn db(dir: &Path) -> PathBuf {
    dir.join(DATABASE_FILE)
}

fn wal(dir: &Path) -> PathBuf {
    companion(&db(dir), "-wal")
}

fn shm(dir: &Path) -> PathBuf {
    companion(&db(dir), "-shm")
}

/// Every item's title, sorted: what the person sees.
fn titles(catalog: &Catalog) -> Vec<String> {
    let mut stmt = catalog
        .connection()
        .prepare("SELECT title FROM items ORDER BY title")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn integrity(catalog: &Catalog) -> String {
    catalog
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn save_many(catalog: &mut Catalog, prefix: &str, count: usize) {
    for n in 0..count {
        save(
            catalog,
            item(&format!("{prefix} {n} {}", "说明".repeat(40))),
        );
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("{} → {}: {e}", from.display(), to.display()));
}

/// Copies the database and its WAL while `catalog` holds them open: what a crash (or power cut)
/// leaves on disk, committed transactions not yet checkpointed.
fn crash_copy(catalog: &Catalog, to: &Path) {
    let from = catalog.data_dir();
    assert!(
        std::fs::metadata(wal(from)).map(|m| m.len()).unwrap_or(0) > 0,
        "the catalog has work in its WAL"
    );
    copy(&db(from), &db(to));
    copy(&wal(from), &wal(to));
}

fn titles_after_close(dir: &Path) -> Vec<String> {
    let catalog = open(dir);
    titles(&catalog)
}

/// Opens `dir`, which holds a WAL that does not belong: it must be set aside (its bytes kept),
/// the catalog must hold exactly `expected`, whole, and the person must be told.
fn check_set_aside(dir: &Path, expected: &[String]) {
    let foreign_wal = std::fs::read(wal(dir)).unwrap_or_else(|e| panic!("{e}"));
    let catalog = open(dir);
    let told = catalog.set_aside_at_open().to_vec();
    assert_eq!(titles(&catalog), expected, "the list shows foreign rows");
    assert_eq!(integrity(&catalog), "ok");
    assert!(!told.is_empty(), "the person is told");
    assert_eq!(told[0].file, wal(dir));
    assert!(told[0]
        .moved_to
        .to_string_lossy()
        .contains(&format!("catalog.db-wal{SET_ASIDE_MARK}")));
    assert_eq!(
        std::fs::read(&told[0].moved_to).unwrap_or_default(),
        foreign_wal,
        "the WAL is kept as it was"
    );
    assert_eq!(set_aside_files(dir).len(), told.len());
    drop(catalog);
    // Nothing was lost and the catalog keeps working.
    let mut catalog = open(dir);
    assert!(catalog.set_aside_at_open().is_empty());
    save(&mut catalog, item("之后保存的事项"));
    assert_eq!(titles(&catalog).len(), expected.len() + 1);
}

#[test]
fn a_crash_wal_is_replayed_and_its_work_kept() {
    let source = temp();
    let copy_dir = temp();
    let mut catalog = open(source.path());
    save_many(&mut catalog, "崩溃之前", 30);
    let expected = titles(&catalog);
    crash_copy(&catalog, copy_dir.path());
    drop(catalog);
    let copied = open(copy_dir.path());
    assert!(copied.set_aside_at_open().is_empty());
    assert_eq!(titles(&copied), expected);
    assert_eq!(integrity(&copied), "ok");
    assert!(set_aside_files(copy_dir.path()).is_empty());
}

#[test]
fn a_crash_wal_of_a_new_catalog_is_replayed() {
    // The crash came before the first checkpoint: the file alone has no tables yet.
    let source = temp();
    let copy_dir = temp();
    let mut catalog = open(source.path());
    save(&mut catalog, item("第一条"));
    let expected = titles(&catalog);
    crash_copy(&catalog, copy_dir.path());
    let copied = open(copy_dir.path());
    assert!(copied.set_aside_at_open().is_empty());
    assert_eq!(titles(&copied), expected);
}

#[test]
fn another_catalogs_wal_is_set_aside() {
    let ours = temp();
    let theirs = temp();
    let staging = temp();
    {
        let mut catalog = open(ours.path());
        save_many(&mut catalog, "本目录", 20);
    }
    let expected = titles_after_close(ours.path());
    let mut other = open(theirs.path());
    save_many(&mut other, "别的目录", 20);
    crash_copy(&other, staging.path());
    copy(&wal(staging.path()), &wal(ours.path()));
    check_set_aside(ours.path(), &expected);
}

#[test]
fn another_catalogs_small_wal_is_set_aside() {
    // One edit's worth of foreign pages, on catalogs of the same shape.
    let ours = temp();
    let theirs = temp();
    let staging = temp();
    {
        let mut catalog = open(ours.path());
        save_many(&mut catalog, "本目录", 5);
    }
    let expected = titles_after_close(ours.path());
    {
        let mut other = open(theirs.path());
        save_many(&mut other, "别的目录", 5);
    }
    let mut other = open(theirs.path());
    save(&mut other, item("别的目录 新的一条"));
    crash_copy(&other, staging.path());
    copy(&wal(staging.path()), &wal(ours.path()));
    check_set_aside(ours.path(), &expected);
}

#[test]
fn a_stale_wal_beside_a_database_restored_from_backup_is_set_aside() {
    let dir = temp();
    let staging = temp();
    {
        let mut catalog = open(dir.path());
        save_many(&mut catalog, "备份之前", 20);
    }
    let backup = std::fs::read(db(dir.path())).unwrap_or_default();
    let expected = titles_after_close(dir.path());
    {
        let mut catalog = open(dir.path());
        save_many(&mut catalog, "备份之后", 20);
    }
    // The app was killed with work in its WAL; then the database was restored from the backup.
    let mut catalog = open(dir.path());
    save_many(&mut catalog, "崩溃之前", 10);
    crash_copy(&catalog, staging.path());
    drop(catalog);
    std::fs::write(db(staging.path()), &backup).unwrap_or_else(|e| panic!("{e}"));
    check_set_aside(staging.path(), &expected);
}

#[test]
fn a_wal_without_its_database_is_set_aside_not_deleted() {
    let theirs = temp();
    let empty = temp();
    let mut other = open(theirs.path());
    save_many(&mut other, "别的目录", 5);
    crash_copy(&other, empty.path());
    std::fs::remove_file(db(empty.path())).unwrap_or_else(|e| panic!("{e}"));
    check_set_aside(empty.path(), &[]);
}

#[test]
fn a_wal_in_use_by_another_open_catalog_is_never_set_aside() {
    let dir = temp();
    let mut first = open(dir.path());
    save_many(&mut first, "第一个窗口", 20);
    assert!(
        std::fs::metadata(wal(dir.path()))
            .map(|m| m.len())
            .unwrap_or(0)
            > 0
    );
    // The CLI opens while the app holds the catalog: the WAL is live, nothing is judged.
    let mut second = open(dir.path());
    assert!(second.set_aside_at_open().is_empty());
    assert!(set_aside_files(dir.path()).is_empty());
    assert_eq!(titles(&second), titles(&first));
    save(&mut second, item("命令行保存的"));
    save(&mut first, item("窗口保存的"));
    assert_eq!(titles(&first).len(), 22);
    drop(second);
    drop(first);
    assert_eq!(titles_after_close(dir.path()).len(), 22);
}

#[test]
fn while_a_catalog_is_open_a_second_open_does_not_judge_even_a_foreign_wal() {
    // The lock, not the judgement, keeps a live WAL safe: shown with a WAL that would fail it.
    let dir = temp();
    let theirs = temp();
    let staging = temp();
    {
        let mut catalog = open(dir.path());
        save_many(&mut catalog, "本目录", 5);
    }
    let mut other = open(theirs.path());
    save_many(&mut other, "别的目录", 5);
    crash_copy(&other, staging.path());
    let holder = desk_store::db::lock::hold_for_test(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    copy(&wal(staging.path()), &wal(dir.path()));
    let before = snapshot(dir.path());
    let result = Catalog::open(dir.path(), desk_store::OpenOptions::default());
    // Whatever SQLite makes of it, no file was renamed while the folder was in use.
    drop(result);
    assert!(set_aside_files(dir.path()).is_empty());
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert!(names(&snapshot(dir.path()))
        .iter()
        .all(|n| !n.contains(SET_ASIDE_MARK)));
    assert!(names(&before).contains(&"catalog.db-wal".to_string()));
    drop(holder);
}

#[test]
fn a_zero_length_wal_changes_nothing() {
    let dir = temp();
    {
        let mut catalog = open(dir.path());
        save_many(&mut catalog, "事项", 10);
    }
    let expected = titles_after_close(dir.path());
    std::fs::write(wal(dir.path()), b"").unwrap_or_else(|e| panic!("{e}"));
    let catalog = open(dir.path());
    assert!(catalog.set_aside_at_open().is_empty());
    assert_eq!(titles(&catalog), expected);
    assert_eq!(integrity(&catalog), "ok");
}

#[test]
fn a_shm_alone_changes_nothing() {
    let dir = temp();
    let theirs = temp();
    {
        let mut catalog = open(dir.path());
        save_many(&mut catalog, "事项", 10);
    }
    let expected = titles_after_close(dir.path());
    // Another catalog's -shm, its WAL not brought along.
    let mut other = open(theirs.path());
    save_many(&mut other, "别的目录", 10);
    copy(&shm(theirs.path()), &shm(dir.path()));
    drop(other);
    let mut catalog = open(dir.path());
    assert!(catalog.set_aside_at_open().is_empty());
    assert_eq!(titles(&catalog), expected);
    assert_eq!(integrity(&catalog), "ok");
    save(&mut catalog, item("之后保存的事项"));
    drop(catalog);
    assert_eq!(titles_after_close(dir.path()).len(), expected.len() + 1);
}

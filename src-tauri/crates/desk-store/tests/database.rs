//! Opening databases: new, upgraded, and every kind of file that must be refused untouched.

mod common;

use common::*;
use desk_store::db::{inspect, Existing, APPLICATION_ID, DATABASE_FILE};
use desk_store::migrations::{LATEST_VERSION, MIGRATIONS};
use desk_store::{Catalog, OpenOptions, StoreError};
use rusqlite::Connection;
use std::path::Path;

fn code_of(result: Result<Catalog, StoreError>) -> String {
    match result {
        Ok(_) => "opened".into(),
        Err(e) => e.code().to_string(),
    }
}

/// Opening `dir` must fail with `code` and leave every byte of the folder as it was.
fn check_refused(dir: &Path, code: &str) {
    let before = snapshot(dir);
    let result = Catalog::open(dir, OpenOptions::default());
    let message = result
        .as_ref()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(code_of(result), code, "{message}");
    assert!(
        message.contains("untouched") || message.contains("nothing was changed"),
        "{message}"
    );
    assert_eq!(snapshot(dir), before, "the folder changed");
}

#[test]
fn a_new_catalog_uses_wal_foreign_keys_and_the_latest_schema() {
    let dir = temp();
    let catalog = open(dir.path());
    let conn = catalog.connection();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap_or_default();
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap_or_default();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap_or_default();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(version, LATEST_VERSION);
    drop(catalog);
    assert_eq!(
        inspect(&dir.path().join(DATABASE_FILE)).ok(),
        Some(Existing::Ours(LATEST_VERSION))
    );
    let again = open(dir.path());
    assert_eq!(again.item_count().ok(), Some(0));
}

#[test]
fn every_earlier_version_upgrades_and_keeps_its_data() {
    for start in 1..LATEST_VERSION {
        let dir = temp();
        let path = dir.path().join(DATABASE_FILE);
        // A schema built only up to `start`, with data as that version wrote it. The search index
        // of rows written here is built when the catalog opens: migration 2 marked it for a rebuild.
        catalog_at(
            &path,
            start as usize,
            "INSERT INTO meta (key, value) VALUES ('device_id', 'olddevice'), ('catalog_id', 'c1');
             INSERT INTO items (id, title, summary, validity, disclosure, audience, status, created_at, updated_at)
             VALUES ('old-1', '关于义务教育招生工作的通知', '招生范围', 'valid', 'proactive', 'public', 'draft', '2019-01-01', '2019-01-01');",
        );
        let catalog = open(dir.path());
        let item = catalog
            .item("old-1")
            .unwrap_or_else(|e| panic!("from {start}: {e}"));
        assert_eq!(item.title, "关于义务教育招生工作的通知");
        let found = catalog
            .list_items(
                &desk_core::query::ItemQuery {
                    text: "招生".into(),
                    ..Default::default()
                },
                chrono::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.total, 1, "search works after upgrading from {start}");
        assert_eq!(catalog.device_id(), "olddevice");
        // Review arrived in schema 3: old items get the default checklist and no sign-off.
        let review = catalog
            .item_review(
                "old-1",
                chrono::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default(),
            )
            .unwrap_or_else(|e| panic!("from {start}: {e}"));
        assert_eq!(review.checklist.template_id, "general");
        assert!(review.signoffs.is_empty());
        assert!(item.changed_after_signoff.is_empty());
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let dir = temp();
    drop(open(dir.path()));
    {
        let conn =
            Connection::open(dir.path().join(DATABASE_FILE)).unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "user_version", LATEST_VERSION + 5)
            .unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "journal_mode", "DELETE")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    check_refused(dir.path(), "database_newer");
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let dir = temp();
    {
        let conn =
            Connection::open(dir.path().join(DATABASE_FILE)).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    check_refused(dir.path(), "database_foreign");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = temp();
    std::fs::write(
        dir.path().join(DATABASE_FILE),
        b"PK\x03\x04 this is a zip, not a database",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_refused(dir.path(), "database_foreign");
}

#[test]
fn a_damaged_database_is_refused_untouched() {
    let dir = temp();
    {
        let mut catalog = open(dir.path());
        for n in 0..200 {
            save(
                &mut catalog,
                item(&format!("事项 {n} {}", "内容".repeat(50))),
            );
        }
        catalog
            .connection()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let path = dir.path().join(DATABASE_FILE);
    let mut bytes = std::fs::read(&path).unwrap_or_default();
    assert!(bytes.len() > 8192);
    // Keep the header, overwrite the schema page and beyond with noise.
    for (i, b) in bytes.iter_mut().enumerate().skip(100).take(8000) {
        *b = (i * 7 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    check_refused(dir.path(), "database_corrupt");
}

/// Makes `dir` unwritable even for root (chmod is not enough there), runs `f`, restores it.
fn with_read_only_dir(dir: &Path, f: impl FnOnce()) {
    use std::os::unix::fs::PermissionsExt;
    let set = |mode| std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode));
    set(0o555).unwrap_or_else(|e| panic!("{e}"));
    let mut immutable = false;
    if std::fs::write(dir.join("probe"), b"").is_ok() {
        let _ = std::fs::remove_file(dir.join("probe"));
        let status = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status();
        immutable = matches!(status, Ok(s) if s.success());
        assert!(
            immutable,
            "cannot make a folder read-only on this machine (chattr +i failed)"
        );
    }
    f();
    if immutable {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(dir)
            .status();
    }
    let _ = set(0o755);
}

#[test]
fn a_read_only_data_folder_is_refused_with_a_clear_message() {
    let dir = temp();
    {
        let mut catalog = open(dir.path());
        save(&mut catalog, item("已保存的事项"));
    }
    with_read_only_dir(dir.path(), || {
        check_refused(dir.path(), "data_dir_read_only")
    });
    let catalog = open(dir.path());
    assert_eq!(catalog.item_count().ok(), Some(1));
}

#[test]
fn a_data_folder_whose_path_is_too_long_for_sqlite_is_refused_saying_so() {
    let dir = temp();
    let limit = desk_store::db::sqlite_file::MAX_NAME_BYTES;
    // Names of 200 bytes each (Linux takes 255), enough of them to pass SQLite's limit.
    let name = "政务公开".repeat(200 / "政务公开".len());
    let mut long = dir.path().to_path_buf();
    while long.as_os_str().len() <= limit {
        long.push(&name);
    }
    let result = Catalog::open(&long, OpenOptions::default());
    let message = result
        .as_ref()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(code_of(result), "data_dir_unavailable", "{message}");
    assert!(message.contains("too long"), "{message}");
    assert!(message.contains(&format!("at most {limit}")), "{message}");
    assert!(!long.join(DATABASE_FILE).exists());
}

#[test]
fn the_data_dir_comes_from_the_flag_then_the_environment() {
    let explicit = Path::new("/tmp/explicit");
    assert_eq!(
        desk_store::db::resolve_data_dir(Some(explicit))
            .ok()
            .as_deref(),
        Some(explicit)
    );
}

#[test]
fn a_new_catalog_holds_the_default_templates_as_migrations_3_and_12_wrote_them() {
    let dir = temp();
    let catalog = open(dir.path());
    let mut installed = catalog.templates().unwrap_or_else(|e| panic!("{e}"));
    installed.sort_by(|a, b| a.id.cmp(&b.id));
    let mut defaults = desk_core::checklist::default_templates("");
    defaults.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(installed.len(), defaults.len());
    for (got, want) in installed.iter().zip(&defaults) {
        // When the defaults change, a new migration adds them as a new version (12: redaction).
        assert_eq!(
            (
                &got.id,
                got.version,
                &got.name,
                &got.category_ids,
                &got.checks,
                &got.created_by
            ),
            (
                &want.id,
                want.version,
                &want.name,
                &want.category_ids,
                &want.checks,
                &want.created_by
            ),
            "template {}",
            want.id
        );
        assert!(
            got.created_at.ends_with('Z') && got.created_at.len() == 20,
            "{}",
            got.created_at
        );
    }
}

/// A catalog at `version` (its migrations only), with `sql` run on it.
fn catalog_at(path: &Path, version: usize, sql: &str) {
    let mut conn = Connection::open(path).unwrap_or_else(|e| panic!("{e}"));
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap_or_else(|e| panic!("{e}"));
    for (index, migration) in MIGRATIONS.iter().enumerate().take(version) {
        let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
        tx.execute_batch(migration.sql)
            .unwrap_or_else(|e| panic!("{e}"));
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .unwrap_or_else(|e| panic!("{e}"));
        tx.commit().unwrap_or_else(|e| panic!("{e}"));
    }
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn migration_12_adds_the_redaction_checks_to_the_newest_version_of_every_template() {
    let dir = temp();
    // Before 12: the coordinator cut the general template to one check (version 2), made a
    // template of their own, and one that already asks a check under one of the new keys.
    catalog_at(
        &dir.path().join(DATABASE_FILE),
        11,
        r#"INSERT INTO meta (key, value) VALUES ('device_id', 'olddevice'), ('catalog_id', 'c1');
           INSERT INTO checklist_templates (id, version, name, category_ids, checks, created_at, created_by)
           VALUES ('general', 2, '通用审查清单', '[]',
                   '[{"key":"check_text","group":"","label":"文字关","guidance":"","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}}]',
                   '2024-01-01T00:00:00Z', 'p1'),
                  ('own', 1, '本局清单', '["cat-own"]',
                   '[{"key":"check_legal","group":"","label":"法律关","guidance":"","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}}]',
                   '2024-01-01T00:00:00Z', 'p1'),
                  ('done', 1, '已有删减检查', '["cat-done"]',
                   '[{"key":"redaction_checked","group":"","label":"删减已核对","guidance":"","required":true,"allow_not_applicable":false,"rule":{"type":"manual"}}]',
                   '2024-01-01T00:00:00Z', 'p1');"#,
    );
    let catalog = open(dir.path());
    let templates = catalog.templates().unwrap_or_else(|e| panic!("{e}"));
    let shape = |id: &str| {
        templates
            .iter()
            .find(|t| t.id == id)
            .map(|t| {
                let keys: Vec<(&str, Vec<desk_core::model::Disclosure>)> = t
                    .checks
                    .iter()
                    .map(|c| (c.key.as_str(), c.disclosures.clone()))
                    .collect();
                (t.version, t.created_by.clone(), format!("{keys:?}"))
            })
            .unwrap_or_else(|| panic!("no template {id}"))
    };
    let redacted = "[Redacted]";
    let cases = [
        (
            "general",
            3,
            "system",
            format!("[(\"check_text\", []), (\"redacted_attachment\", {redacted}), (\"redaction_checked\", {redacted})]"),
        ),
        (
            "own",
            2,
            "system",
            format!("[(\"check_legal\", []), (\"redacted_attachment\", {redacted}), (\"redaction_checked\", {redacted})]"),
        ),
        ("done", 1, "p1", "[(\"redaction_checked\", [])]".to_string()),
    ];
    for (id, version, by, keys) in cases {
        assert_eq!(shape(id), (version, by.to_string(), keys), "template {id}");
    }
    // The versions items were worked under are kept.
    let versions = catalog
        .template_versions("general")
        .unwrap_or_else(|e| panic!("{e}"));
    let numbers: Vec<u32> = versions.iter().map(|t| t.version).collect();
    assert_eq!(numbers, [3, 2, 1]);
}

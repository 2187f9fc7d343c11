//! A full disk under the data folder is reported as a full disk, never as damage, and the
//! database comes through whole: on a real small filesystem (a 2 MB tmpfs), filled to the last
//! byte. Mounting needs root; elsewhere the test says why it did not run.

mod common;

use common::*;
use desk_store::{Catalog, OpenOptions, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A mounted tmpfs, unmounted when dropped.
struct SmallDisk {
    mount: tempfile::TempDir,
}

impl SmallDisk {
    fn mount() -> Result<SmallDisk, String> {
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("mounting a small filesystem needs root".into());
        }
        let mount = tempfile::tempdir().map_err(|e| e.to_string())?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2M", "tmpfs"])
            .arg(mount.path())
            .status()
            .map_err(|e| format!("mount: {e}"))?;
        if !status.success() {
            return Err(format!("mount -t tmpfs failed ({status})"));
        }
        Ok(SmallDisk { mount })
    }

    fn path(&self) -> &Path {
        self.mount.path()
    }

    /// Writes a filler file until the disk refuses; proves that it refused as full.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap_or_else(|e| panic!("{e}"));
        let block = vec![0u8; 4096];
        loop {
            if let Err(e) = file.write_all(&block).and_then(|_| file.flush()) {
                assert_eq!(e.kind(), std::io::ErrorKind::StorageFull, "{e}");
                break;
            }
        }
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.mount.path()).status();
    }
}

fn expect_disk_full<T>(result: Result<T, StoreError>, doing: &str) {
    match result {
        Ok(_) => panic!("{doing}: succeeded on a full disk"),
        Err(e) => {
            let message = e.to_string();
            assert_eq!(e.code(), "disk_full", "{doing}: {message}");
            assert!(message.contains("full"), "{message}");
            assert!(!message.contains("move it away"), "{message}");
            assert!(!message.contains("damaged"), "{message}");
        }
    }
}

fn integrity(catalog: &Catalog) -> String {
    catalog
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_full_disk_is_reported_as_full_and_nothing_is_lost() {
    let disk = match SmallDisk::mount() {
        Ok(disk) => disk,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    let data = disk.path().join("data");
    {
        let mut catalog = open(&data);
        for n in 0..3 {
            save(&mut catalog, item(&format!("满盘之前 {n}")));
        }
    }
    let database = std::fs::read(data.join("catalog.db")).unwrap_or_default();

    // Nothing open, the disk full: opening (as `desk item list` does) says so.
    let filler = disk.fill();
    expect_disk_full(Catalog::open(&data, OpenOptions::default()), "open");
    assert_eq!(
        std::fs::read(data.join("catalog.db")).unwrap_or_default(),
        database,
        "the database was left as it was"
    );
    std::fs::remove_file(&filler).unwrap_or_else(|e| panic!("{e}"));

    // Open while there was room, then the disk fills: a save says so, reading still works.
    let mut catalog = open(&data);
    save(&mut catalog, item("满盘之前 3"));
    let filler = disk.fill();
    expect_disk_full(catalog.save_item(item("满盘时的事项")), "save");
    assert_eq!(catalog.item_count().ok(), Some(4));
    match Catalog::open(&data, OpenOptions::default()) {
        Ok(second) => assert_eq!(second.item_count().ok(), Some(4)),
        Err(e) => assert_eq!(e.code(), "disk_full", "{e}"),
    }

    // Space freed: everything works and nothing was lost.
    std::fs::remove_file(&filler).unwrap_or_else(|e| panic!("{e}"));
    save(&mut catalog, item("空间释放之后"));
    drop(catalog);
    let catalog = open(&data);
    assert_eq!(catalog.item_count().ok(), Some(5));
    assert_eq!(integrity(&catalog), "ok");
}

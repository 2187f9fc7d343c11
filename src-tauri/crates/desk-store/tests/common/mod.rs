//! Helpers shared by the storage tests: a real catalog in a fresh temporary folder.

#![allow(dead_code)]

use desk_core::model::{Department, DepartmentKind, Item};
use desk_store::{Catalog, OpenOptions};
use std::path::Path;

pub fn open(dir: &Path) -> Catalog {
    Catalog::open(dir, OpenOptions::default()).unwrap_or_else(|e| panic!("open: {e}"))
}

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

pub fn department(catalog: &mut Catalog, name: &str) -> Department {
    catalog
        .save_department(Department {
            id: String::new(),
            name: name.into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("department {name}: {e}"))
}

pub fn item(title: &str) -> Item {
    let mut item = Item::blank(String::new());
    item.title = title.into();
    item
}

pub fn save(catalog: &mut Catalog, item: Item) -> Item {
    catalog
        .save_item(item)
        .unwrap_or_else(|e| panic!("save: {e}"))
}

/// Every file of a folder with its bytes, to prove that nothing was touched.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

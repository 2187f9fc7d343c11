//! A real catalog in a temporary folder with an office's people, and items taken through the
//! real review workflow to sign-off (no shortcut around `Catalog`).

#![allow(dead_code)]

use chrono::NaiveDate;
use desk_core::checklist::CheckState;
use desk_core::model::{Department, DepartmentKind, Item, Person, Role};
use desk_core::workflow::Action;
use desk_store::{Catalog, OpenOptions};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

pub struct Office {
    pub dir: tempfile::TempDir,
    pub catalog: Catalog,
    pub clerk: Person,
    pub head: Person,
    pub department: String,
    pub other_department: String,
}

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn department(catalog: &mut Catalog, name: &str) -> Department {
    catalog
        .save_department(Department {
            id: String::new(),
            name: name.into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("department {name}: {e}"))
}

fn person(catalog: &mut Catalog, name: &str, department: &str, roles: &[Role]) -> Person {
    catalog
        .save_person(Person {
            id: String::new(),
            name: name.into(),
            department_id: Some(department.into()),
            roles: roles.to_vec(),
        })
        .unwrap_or_else(|e| panic!("person {name}: {e}"))
}

pub fn office() -> Office {
    let dir = temp();
    let data = dir.path().join("data");
    let mut catalog =
        Catalog::open(&data, OpenOptions::default()).unwrap_or_else(|e| panic!("open: {e}"));
    let gfc = department(&mut catalog, "规法处");
    let xqc = department(&mut catalog, "学前处");
    let clerk = person(&mut catalog, "王芳芳", &gfc.id, &[Role::Clerk]);
    let head = person(&mut catalog, "李建国", &gfc.id, &[Role::SectionHead]);
    Office {
        dir,
        catalog,
        clerk,
        head,
        department: gfc.id,
        other_department: xqc.id,
    }
}

pub fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

impl Office {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A file to attach, written into the temporary folder.
    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join("files").join(name);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, content).unwrap_or_else(|e| panic!("{e}"));
        path
    }

    pub fn as_clerk(&mut self) {
        let id = self.clerk.id.clone();
        self.catalog
            .set_current_person(&id)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    pub fn as_head(&mut self) {
        let id = self.head.id.clone();
        self.catalog
            .set_current_person(&id)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Saves a draft of the lead department with `edit` applied.
    pub fn draft(&mut self, title: &str, edit: impl FnOnce(&mut Item)) -> Item {
        self.as_clerk();
        let mut item = Item::blank(String::new());
        item.title = title.into();
        item.lead_department_id = Some(self.department.clone());
        item.clerk_id = Some(self.clerk.id.clone());
        item.doc_no = "大教发〔2019〕12号".into();
        item.date_formed = date("2019-09-27");
        edit(&mut item);
        self.catalog
            .save_item(item)
            .unwrap_or_else(|e| panic!("save {title}: {e}"))
    }

    pub fn attach(&mut self, id: &str, name: &str, content: &[u8]) {
        self.as_clerk();
        let file = self.file(name, content);
        self.catalog
            .add_attachment(id, &file)
            .unwrap_or_else(|e| panic!("attach {name}: {e}"));
    }

    /// Takes a draft through review to sign-off; `check_note` goes on every check passed.
    pub fn sign_off(&mut self, id: &str, check_note: &str) {
        self.request_signoff(id, check_note);
        self.as_head();
        self.catalog
            .act(id, Action::SignOff, "")
            .unwrap_or_else(|e| panic!("sign off: {e}"));
    }

    /// Takes a draft through review to 待签批; `check_note` goes on every check passed.
    pub fn request_signoff(&mut self, id: &str, check_note: &str) {
        self.as_clerk();
        self.catalog
            .act(id, Action::Submit, "")
            .unwrap_or_else(|e| panic!("submit: {e}"));
        let today = NaiveDate::from_ymd_opt(2019, 10, 8).unwrap_or_default();
        let review = self
            .catalog
            .item_review(id, today)
            .unwrap_or_else(|e| panic!("{e}"));
        for check in review.checklist.checks {
            if !check.def.required {
                continue;
            }
            let passed =
                self.catalog
                    .mark_check(id, &check.def.key, CheckState::Passed, check_note);
            if passed.is_err() {
                self.catalog
                    .mark_check(id, &check.def.key, CheckState::NotApplicable, "本件不涉及")
                    .unwrap_or_else(|e| panic!("{}: {e}", check.def.key));
            }
        }
        self.catalog
            .act(id, Action::RequestSignoff, "")
            .unwrap_or_else(|e| panic!("request sign-off: {e}"));
    }

    /// A draft taken to sign-off.
    pub fn signed(&mut self, title: &str, edit: impl FnOnce(&mut Item)) -> Item {
        let item = self.draft(title, edit);
        self.sign_off(&item.id, "已核对");
        self.catalog
            .item(&item.id)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn status(&self, id: &str) -> desk_core::model::Status {
        self.catalog
            .item(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .status
    }
}

pub fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a zip of `entries` (deflated), in order.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = ZipWriter::new(file);
    for (name, bytes) in entries {
        zip.start_file(
            name.as_str(),
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        zip.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}"));
}

/// The checksum list for `entries` (as the exporter writes it).
pub fn checksums(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut lines: Vec<String> = entries
        .iter()
        .filter(|(n, _)| n != "checksums.sha256")
        .map(|(n, b)| format!("{}  {n}\n", hex(b)))
        .collect();
    lines.sort();
    lines.concat().into_bytes()
}

/// Rewrites the entries of the zip at `from` with `change` into `to`; with `rehash`, the
/// checksum list is made to agree with the changed entries (an attacker who edits both).
pub fn rewrite_zip(
    from: &Path,
    to: &Path,
    rehash: bool,
    change: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) {
    let mut entries = entries(from);
    change(&mut entries);
    if rehash {
        let list = checksums(&entries);
        if let Some(entry) = entries.iter_mut().find(|(n, _)| n == "checksums.sha256") {
            entry.1 = list;
        }
    }
    write_zip(to, &entries);
}

/// Every entry of a zip, decompressed.
pub fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {path:?}: {e}"));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("zip: {e}"));
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap_or_else(|e| panic!("{e}"));
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("{e}"));
            (
                String::from_utf8_lossy(entry.name_raw()).into_owned(),
                bytes,
            )
        })
        .collect()
}

/// The files of a folder (names only).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

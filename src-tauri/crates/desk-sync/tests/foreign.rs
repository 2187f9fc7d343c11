//! The real folder (an `FsFolder` over a temporary directory) with what people and other
//! programs leave in an office share: `desktop.ini` at every level, `Thumbs.db`, `~$` lock files,
//! folders and empty files at a segment's name, files no one may open, links (to `/dev/zero`, to
//! a folder outside the share), pipes and huge sparse files. Every round completes within a few
//! seconds, says what it ignored or waits on, applies everything else, and leaves those things
//! as they are; nothing outside the share is followed, read or written.

mod common;

use common::{now_ms, open_catalog, options};
use desk_core::model::Item;
use desk_core::sync::SyncReport;
use desk_store::Catalog;
use desk_sync::FsFolder;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Two PCs that have synced once through a real folder.
struct Office {
    share: tempfile::TempDir,
    dirs: Vec<tempfile::TempDir>,
    pcs: Vec<Catalog>,
    folder: FsFolder,
    catalog_id: String,
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

impl Office {
    fn new() -> Office {
        let share = temp();
        let dirs = vec![temp(), temp()];
        let pcs: Vec<Catalog> = dirs.iter().map(|d| open_catalog(d.path())).collect();
        let folder = FsFolder::open(share.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut office = Office {
            share,
            dirs,
            pcs,
            folder,
            catalog_id: String::new(),
        };
        office.add_item(0, "开始");
        office.round(0);
        office.round(1);
        office.catalog_id = office.pcs[1].catalog_id().unwrap_or_default();
        office
    }

    fn add_item(&mut self, pc: usize, title: &str) -> Item {
        let mut item = Item::blank(String::new());
        item.title = title.into();
        self.pcs[pc]
            .save_item(item)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// One round of `pc`, which must complete, and within a few seconds.
    fn round(&mut self, pc: usize) -> SyncReport {
        let started = Instant::now();
        let report = desk_sync::sync_round(&mut self.pcs[pc], &self.folder, &options(now_ms()))
            .unwrap_or_else(|e| panic!("pc {pc}: {e} ({})", e.code()));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "pc {pc}: the round took {:?}",
            started.elapsed()
        );
        report
    }

    fn app(&self) -> PathBuf {
        self.share.path().join(desk_sync::folder::APP_FOLDER)
    }

    /// A path inside the catalog's folder.
    fn at(&self, rest: &str) -> PathBuf {
        self.app().join(&self.catalog_id).join(rest)
    }

    fn device(&self, pc: usize) -> String {
        self.pcs[pc].device_id().to_string()
    }

    /// A new item on PC 0 reaches PC 1 (everything else is applied).
    fn edit_arrives(&mut self, title: &str) -> SyncReport {
        let item = self.add_item(0, title);
        self.round(0);
        let report = self.round(1);
        assert_eq!(
            self.pcs[1].item(&item.id).ok().map(|i| i.title).as_deref(),
            Some(title),
            "{report:?}"
        );
        report
    }
}

/// Puts something at a path of the share.
#[cfg(unix)]
type Make<'a> = Box<dyn Fn(&Path) + 'a>;

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A sparse file of 2 GB: nothing is written, yet reading it whole would take 2 GB.
#[cfg(unix)]
fn sparse(path: &Path) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(2_000_000_000)
        .unwrap_or_else(|e| panic!("{e}"));
}

fn assert_ignored(report: &SyncReport, path: &str) {
    assert!(
        report.ignored.iter().any(|p| p == path),
        "{path} not among the ignored: {:?}",
        report.ignored
    );
}

/// Whether the round waits on a device's file as damaged.
#[cfg(unix)]
fn waits_damaged(report: &SyncReport, device: &str, file: &str) -> bool {
    report.waiting.iter().any(|w| {
        w.device_id == device && w.file == file && w.reason == desk_core::sync::WaitReason::Damaged
    })
}

#[test]
fn desktop_ini_thumbs_db_and_lock_files_at_every_level_are_ignored_and_left_alone() {
    let mut office = Office::new();
    let (a, b) = (office.device(0), office.device(1));
    let cat = office.catalog_id.clone();
    let mut folders = vec![String::new(), cat.clone()];
    for rest in [
        "ops".to_string(),
        format!("ops/{a}"),
        format!("ops/{b}"),
        "devices".into(),
        "acks".into(),
        "snapshots".into(),
        "blobs".into(),
        "blobs/ab".into(),
    ] {
        folders.push(format!("{cat}/{rest}"));
    }
    let names = ["desktop.ini", "Thumbs.db", "~$报告.docx", "说明.txt"];
    for folder in &folders {
        for name in names {
            write(
                &office.app().join(folder).join(name),
                b"[.ShellClassInfo]\r\n",
            );
        }
    }
    let report = office.edit_arrives("桌面文件之后");
    for folder in folders.iter().skip(1) {
        // What is inside the folders of blobs is not listed (there are many).
        if folder.ends_with("blobs/ab") {
            continue;
        }
        for name in names {
            assert_ignored(&report, &format!("{folder}/{name}"));
        }
    }
    assert!(report.waiting.is_empty(), "{:?}", report.waiting);
    // A new PC lists the app folder itself to find the catalog.
    let dir = temp();
    let mut newcomer = open_catalog(dir.path());
    let report = desk_sync::sync_round(&mut newcomer, &office.folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.joined_catalog, "{report:?}");
    assert_ignored(&report, "desktop.ini");
    // Nothing of theirs was touched.
    for folder in &folders {
        for name in names {
            assert!(
                office.app().join(folder).join(name).is_file(),
                "{folder}/{name}"
            );
        }
    }
}

#[test]
fn a_file_where_a_folder_belongs_is_ignored() {
    let mut office = Office::new();
    // A file named like a device, where its folder would be; a file named like a blob folder.
    write(&office.at("ops/0123456789ab"), b"notes");
    write(&office.at("blobs/cd"), b"notes");
    let report = office.edit_arrives("文件占了文件夹的位置");
    let cat = office.catalog_id.clone();
    assert_ignored(&report, &format!("{cat}/ops/0123456789ab"));
    assert!(report.waiting.is_empty(), "{:?}", report.waiting);
}

/// Makes a pipe (a FIFO): opening it to read waits for a writer that never comes.
#[cfg(unix)]
fn fifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap_or_default();
    // SAFETY: `name` is a valid NUL-terminated path that lives across the call.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o644) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::os::unix::fs::symlink(target, link).unwrap_or_else(|e| panic!("{e}"));
}

#[cfg(unix)]
#[test]
fn what_is_not_a_segment_at_a_segments_name_waits_as_damaged_and_never_stops_the_round() {
    use std::os::unix::fs::PermissionsExt;
    let mut office = Office::new();
    let outside = temp();
    write(&outside.path().join("x"), b"outside");
    // Each stranger's first segment is something else.
    let first = "000000000001.seg";
    let strangers: Vec<(&str, Make)> = vec![
        (
            "00000000000a",
            Box::new(|p: &Path| {
                std::fs::create_dir_all(p).unwrap_or_else(|e| panic!("{e}"));
            }),
        ),
        ("00000000000b", Box::new(|p: &Path| write(p, b""))),
        ("00000000000c", Box::new(fifo)),
        (
            "00000000000d",
            Box::new(|p: &Path| symlink(Path::new("/dev/zero"), p)),
        ),
        ("00000000000e", Box::new(sparse)),
        (
            "00000000000f",
            Box::new(|p: &Path| {
                write(p, b"DDSEG\0\r\nlocked");
                let locked = std::fs::Permissions::from_mode(0o000);
                std::fs::set_permissions(p, locked).unwrap_or_else(|e| panic!("{e}"));
            }),
        ),
        (
            "0000000000aa",
            Box::new(|p: &Path| symlink(&outside.path().join("x"), p)),
        ),
    ];
    for (device, make) in &strangers {
        make(&office.at(&format!("ops/{device}/{first}")));
    }
    let report = office.edit_arrives("段文件的位置上不是段");
    for (device, _) in &strangers {
        // A file no one may open waits as damaged too; run as root, it opens and is no segment.
        assert!(
            waits_damaged(&report, device, first),
            "{device}: {:?}",
            report.waiting
        );
    }
    // The writer itself meets a pipe and a sparse file among its own names, beyond what it wrote.
    let a = office.device(0);
    fifo(&office.at(&format!("ops/{a}/000000000900.seg")));
    sparse(&office.at(&format!("ops/{a}/000000000901.seg")));
    office.edit_arrives("自己的文件夹里也有");
    assert_eq!(
        std::fs::read(outside.path().join("x")).unwrap_or_default(),
        b"outside"
    );
}

#[cfg(unix)]
#[test]
fn a_huge_or_strange_format_json_is_left_as_it_is_and_the_pcs_sync_on() {
    let make: [(&str, Make); 4] = [
        ("sparse", Box::new(sparse)),
        ("fifo", Box::new(fifo)),
        ("zero", Box::new(|p| symlink(Path::new("/dev/zero"), p))),
        (
            "folder",
            Box::new(|p| std::fs::create_dir_all(p.join("x")).unwrap_or_else(|e| panic!("{e}"))),
        ),
    ];
    for (kind, make) in make {
        let mut office = Office::new();
        let format = office.at("format.json");
        std::fs::remove_file(&format).unwrap_or_else(|e| panic!("{e}"));
        make(&format);
        let report = office.edit_arrives(&format!("format.json 是{kind}"));
        assert_ignored(&report, &format!("{}/format.json", office.catalog_id));
        assert!(
            report
                .folder_problems
                .iter()
                .any(|p| p.code == "format_not_readable"),
            "{kind}: {report:?}"
        );
        // A new PC cannot tell which catalog the folder holds: it is told, and starts none.
        let dir = temp();
        let mut newcomer = open_catalog(dir.path());
        let error = desk_sync::sync_round(&mut newcomer, &office.folder, &options(now_ms())).err();
        assert_eq!(
            error.map(|e| e.code()),
            Some("sync_format_unreadable"),
            "{kind}"
        );
        let catalogs = std::fs::read_dir(office.app())
            .map(|entries| entries.count())
            .unwrap_or_default();
        assert_eq!(catalogs, 1, "{kind}: no second catalog was started");
    }
}

#[cfg(unix)]
#[test]
fn links_lead_nowhere_outside_the_share() {
    let mut office = Office::new();
    let (a, b) = (office.device(0), office.device(1));
    // Outside the share: a folder that looks like a device's, with a real segment of PC 0's.
    let outside = temp();
    let segment = office.at(&format!("ops/{a}/000000000001.seg"));
    let bytes = std::fs::read(&segment).unwrap_or_else(|e| panic!("{e}"));
    write(&outside.path().join("000000000001.seg"), &bytes);
    write(&outside.path().join("victim.json"), b"victim");
    symlink(outside.path(), &office.at("ops/0123456789ab"));
    symlink(outside.path(), &office.at("blobs/ef"));
    symlink(outside.path(), &office.at("snapshots"));
    // This PC's own acknowledgement replaced by a link to a file outside: the next one is
    // written in the share, never through the link.
    let ack = office.at(&format!("acks/{b}.json"));
    std::fs::remove_file(&ack).unwrap_or_else(|e| panic!("{e}"));
    symlink(&outside.path().join("victim.json"), &ack);
    let report = office.edit_arrives("链接不出共享");
    let cat = office.catalog_id.clone();
    assert_ignored(&report, &format!("{cat}/ops/0123456789ab"));
    assert!(
        !report.applied.iter().any(|d| d.device_id == "0123456789ab"),
        "{report:?}"
    );
    assert_eq!(
        std::fs::read(outside.path().join("victim.json")).unwrap_or_default(),
        b"victim"
    );
    let meta = std::fs::symlink_metadata(&ack).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        meta.is_file(),
        "the acknowledgement is a file in the share again"
    );
    // The link to the snapshots is not followed to write one either.
    let mut listed: Vec<String> = std::fs::read_dir(outside.path())
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    listed.sort();
    assert_eq!(listed, ["000000000001.seg", "victim.json"]);
}

#[cfg(unix)]
#[test]
fn a_blob_or_a_segment_that_is_a_link_to_dev_zero_is_never_read() {
    let mut office = Office::new();
    let a = office.device(0);
    // PC 0 publishes an item with an attachment; its blob and then its segment become links.
    let item = office.add_item(0, "附件");
    let file = office.dirs[0].path().join("附件.txt");
    write(&file, "附件内容".as_bytes());
    let with = office.pcs[0]
        .add_attachment(&item.id, &file)
        .unwrap_or_else(|e| panic!("{e}"));
    office.round(0);
    let hash = &with.attachments[0].sha256;
    let blob = office.at(&format!("blobs/{}/{hash}", &hash[..2]));
    std::fs::remove_file(&blob).unwrap_or_else(|e| panic!("{e}"));
    symlink(Path::new("/dev/zero"), &blob);
    let report = office.round(1);
    assert!(
        report
            .folder_problems
            .iter()
            .any(|p| p.code == "damaged_blob"),
        "{report:?}"
    );
    assert_eq!(report.blobs_fetched, 0);
    assert!(
        office.pcs[1].item(&item.id).is_ok(),
        "the item itself is applied"
    );
    // The next segment of PC 0 is a link to /dev/zero: PC 1 waits on it, and does not hang.
    office.add_item(0, "段");
    office.round(0);
    let newest = std::fs::read_dir(office.at(&format!("ops/{a}")))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .max()
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let segment = office.at(&format!("ops/{a}/{newest}"));
    std::fs::remove_file(&segment).unwrap_or_else(|e| panic!("{e}"));
    symlink(Path::new("/dev/zero"), &segment);
    let report = office.round(1);
    assert!(waits_damaged(&report, &a, &newest), "{:?}", report.waiting);
}

/// What the real folder answers for each kind of thing at a name: `None` for the bytes.
#[cfg(unix)]
#[test]
fn the_real_folder_opens_only_regular_files_within_the_limit() {
    use desk_sync::folder::{refusal, Refusal};
    use desk_sync::SyncFolder;
    let share = temp();
    let folder = FsFolder::open(share.path()).unwrap_or_else(|e| panic!("{e}"));
    let app = share.path().join(desk_sync::folder::APP_FOLDER);
    let outside = temp();
    write(&outside.path().join("secret"), b"secret");
    write(&app.join("d/small"), b"12345");
    write(&app.join("d/empty"), b"");
    sparse(&app.join("d/sparse"));
    fifo(&app.join("d/pipe"));
    symlink(Path::new("/dev/zero"), &app.join("d/zero"));
    symlink(&outside.path().join("secret"), &app.join("d/secret"));
    symlink(outside.path(), &app.join("d/out"));
    write(&app.join("d/file"), b"x");
    std::fs::create_dir_all(app.join("d/folder")).unwrap_or_else(|e| panic!("{e}"));
    let check = |path: &str, limit: u64, expected: Result<&[u8], Refusal>| {
        let started = Instant::now();
        let got = folder.read(path, limit);
        assert!(started.elapsed() < Duration::from_secs(2), "{path}");
        match (&got, expected) {
            (Ok(bytes), Ok(want)) => assert_eq!(bytes.as_slice(), want, "{path}"),
            (Err(e), Err(want)) => {
                assert_eq!(refusal(e).map(|r| r.refusal), Some(want), "{path}: {e}")
            }
            _ => panic!("{path}: {got:?}"),
        }
    };
    check("d/small", 5, Ok(b"12345".as_slice()));
    check("d/small", 4, Err(Refusal::TooLarge { size: 5, limit: 4 }));
    check("d/empty", 4, Ok(b"".as_slice()));
    check(
        "d/sparse",
        1 << 20,
        Err(Refusal::TooLarge {
            size: 2_000_000_000,
            limit: 1 << 20,
        }),
    );
    check("d/pipe", 1 << 20, Err(Refusal::NotAFile));
    check("d/zero", 1 << 20, Err(Refusal::NotAFile));
    check("d/secret", 1 << 20, Err(Refusal::NotAFile));
    check("d/folder", 1 << 20, Err(Refusal::NotAFile));
    check("d/out/secret", 1 << 20, Err(Refusal::NotAFolder));
    check("d/file/x", 1 << 20, Err(Refusal::NotAFolder));
    assert!(folder
        .read("d/absent", 10)
        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound));
    // Listing: a link to a folder and a file are no folders to list; an absent one is empty.
    for path in ["d/out", "d/file", "d/zero"] {
        let listed = folder.list(path);
        assert!(
            listed
                .as_ref()
                .is_err_and(|e| refusal(e).is_some_and(|r| r.refusal == Refusal::NotAFolder)),
            "{path}: {listed:?}"
        );
    }
    assert!(folder.list("d/absent").is_ok_and(|names| names.is_empty()));
    // Writing: never through a link, neither a folder's nor the file's own.
    assert!(folder.create_new("d/out/new", b"x").is_err());
    assert!(folder.replace("d/out/secret", b"x").is_err());
    assert!(folder.replace("d/folder", b"x").is_err());
    folder
        .replace("d/secret", b"mine")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read(outside.path().join("secret")).unwrap_or_default(),
        b"secret"
    );
    assert_eq!(
        std::fs::read(app.join("d/secret")).unwrap_or_default(),
        b"mine"
    );
    assert!(folder
        .create_new("d/zero", b"x")
        .is_err_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists));
    let names: Vec<String> = std::fs::read_dir(outside.path())
        .map(|e| {
            e.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["secret"]);
}

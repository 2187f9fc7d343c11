//! The simulated office: several PCs, each a real `Catalog` in its own temporary folder, and one
//! shared folder in memory whose every access can be delayed or made to fail, deterministically
//! from a seed.
//!
//! What the share can do to a PC, as SMB shares do: show a new file late (each PC on its own
//! schedule, so files appear out of order), let time pass within a round (a file appears
//! between a listing and the reads that follow it), hand out a file still being copied (a
//! prefix), list a name twice, hide a file it showed and show it again (a stale cache: a segment
//! seen again after it was applied), leave other programs' debris (`.tmp`, "conflicted copy"),
//! fail a rename, be read-only, be full, or be unreachable (a partition). A test can also hook
//! an access of one PC to change the share right after it (a writer finishing a file mid-round).
//! People and other programs leave their own things anywhere (`Office::drop_foreign`): files of
//! any name, folders, and what is not a file at all (a pipe, a link, a device, a file no one may
//! open, a huge sparse file), which the share refuses to read as the real folder does.

#![allow(dead_code)]

use desk_core::model::{Department, DepartmentKind, Person, Role};
use desk_store::{Catalog, OpenOptions};
use desk_sync::folder::{refused, within_limit, Refusal};
use desk_sync::{SyncFolder, SyncOptions};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::rc::Rc;

/// A small deterministic generator (xorshift64*), so a seed replays a whole run.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }
}

/// What the share holds: path → (bytes, step written, writer).
pub type Files = BTreeMap<String, (Vec<u8>, u64, usize)>;

#[derive(Default)]
pub struct Share {
    pub files: Files,
    pub step: u64,
    /// The office's simulated wall clock (each PC sees it plus its skew).
    pub now_ms: i64,
    /// Changes to make right after a given access (see [`Hook`]).
    pub hooks: Vec<Hook>,
    /// What stands at a path and is not a file sync could read.
    pub specials: BTreeMap<String, Special>,
}

/// Something in the share that is not a regular file of a size sync reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Fifo,
    /// A link (to `/dev/zero`, to a folder outside the share).
    Link,
    Device,
    /// A file this PC may not open.
    Unreadable,
    /// A sparse file of this many bytes.
    Huge(u64),
}

/// Who wrote what a person or another program left in the share.
pub const FOREIGN: usize = 99;

impl Share {
    /// The first folder on the way to `path` (not `path` itself) that is a file or a special.
    fn blocked_at(&self, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        (1..parts.len())
            .map(|n| parts[..n].join("/"))
            .find(|prefix| self.files.contains_key(prefix) || self.specials.contains_key(prefix))
    }

    /// Whether something is below `path` (it is a folder).
    fn is_folder(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.files
            .keys()
            .chain(self.specials.keys())
            .any(|p| p.starts_with(&prefix))
    }

    /// Leaves a file (a person's, another program's) at `path`.
    pub fn put_foreign(&mut self, path: &str, bytes: &[u8]) {
        let step = self.step;
        self.files
            .insert(path.to_string(), (bytes.to_vec(), step, FOREIGN));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    List,
    Read,
}

/// Runs once, right after PC `pc` lists or reads `path`: the share changes between that access
/// and the next one of the same round.
pub struct Hook {
    pub pc: usize,
    pub access: Access,
    pub path: String,
    pub run: Box<dyn FnOnce(&mut Share)>,
}

/// Where the simulated clock starts: 2026-11-29, fixed so that a seed replays a run exactly.
pub const START_MS: i64 = 1_796_000_000_000;
/// How far the clock moves per step of the share.
pub const STEP_MS: i64 = 1_000;

/// What goes wrong for one PC's view of the share.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Files written by others become visible after up to this many steps.
    pub max_delay: u64,
    /// Percent of reads that return a prefix (a copy in progress).
    pub torn_reads: u64,
    /// Percent of creates whose rename fails.
    pub failed_renames: u64,
    /// Percent of creates that leave debris beside the file.
    pub debris: u64,
    /// The next this many reads of a segment return a prefix (a copy that stays half-done).
    pub torn_segment_reads: u32,
    /// Percent of the names a listing gives twice.
    pub duplicates: u64,
    /// Percent of accesses on which a visible file of another PC is not shown (it comes back).
    pub flapping: u64,
    /// Percent of accesses after which the share moves on a step (files appear mid-round).
    pub mid_round: u64,
    pub partitioned: bool,
    pub read_only: bool,
    pub full: bool,
}

pub struct View {
    pub share: Rc<RefCell<Share>>,
    pub pc: usize,
    pub seed: u64,
    pub faults: RefCell<Faults>,
    pub rng: RefCell<Rng>,
}

impl View {
    /// PC `pc`'s view of the share, without faults.
    pub fn new(share: Rc<RefCell<Share>>, pc: usize, seed: u64) -> View {
        View {
            share,
            pc,
            seed,
            faults: RefCell::new(Faults::default()),
            rng: RefCell::new(Rng::new(seed ^ ((pc as u64 + 1) * 7919))),
        }
    }
}

fn mix(a: u64, b: u64) -> u64 {
    let mut rng = Rng::new(a ^ b.rotate_left(17));
    rng.next_u64()
}

fn path_hash(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

impl View {
    fn read_now(&self, path: &str, limit: u64) -> io::Result<Vec<u8>> {
        let share = self.share.borrow();
        if let Some(prefix) = share.blocked_at(path) {
            return Err(refused(&prefix, Refusal::NotAFolder));
        }
        match share.specials.get(path) {
            Some(Special::Huge(size)) => {
                return Err(refused(path, Refusal::TooLarge { size: *size, limit }))
            }
            Some(Special::Unreadable) => return Err(refused(path, Refusal::Unreadable)),
            Some(_) => return Err(refused(path, Refusal::NotAFile)),
            None => {}
        }
        if !share.files.contains_key(path) && share.is_folder(path) {
            return Err(refused(path, Refusal::NotAFile));
        }
        if !self.visible(&share, path) {
            return Err(io::Error::new(io::ErrorKind::NotFound, path.to_string()));
        }
        let bytes = share
            .files
            .get(path)
            .map(|(b, _, _)| b.clone())
            .unwrap_or_default();
        let bytes = within_limit(path, bytes, limit)?;
        if path.ends_with(".seg") && !bytes.is_empty() {
            let mut faults = self.faults.borrow_mut();
            if faults.torn_segment_reads > 0 {
                faults.torn_segment_reads -= 1;
                return Ok(bytes[..bytes.len() - 1].to_vec());
            }
        }
        let torn = self.faults.borrow().torn_reads;
        let mut rng = self.rng.borrow_mut();
        if torn > 0 && rng.chance(torn) && !bytes.is_empty() {
            let cut = rng.below(bytes.len() as u64) as usize;
            return Ok(bytes[..cut].to_vec());
        }
        Ok(bytes)
    }

    /// Where the real folder would refuse to write `path`: a file or a special on the way.
    fn writable_at(&self, path: &str) -> io::Result<()> {
        match self.share.borrow().blocked_at(path) {
            Some(prefix) => Err(refused(&prefix, Refusal::NotAFolder)),
            None => Ok(()),
        }
    }

    /// What happens on the share right after an access: the hooks waiting for it, and maybe a
    /// step of time (files written before become visible in the middle of the round).
    fn after(&self, access: Access, path: &str) {
        let mut share = self.share.borrow_mut();
        let mut index = 0;
        while index < share.hooks.len() {
            let hook = &share.hooks[index];
            if hook.pc == self.pc && hook.access == access && hook.path == path {
                let hook = share.hooks.remove(index);
                (hook.run)(&mut share);
            } else {
                index += 1;
            }
        }
        let mid_round = self.faults.borrow().mid_round;
        if mid_round > 0 && self.rng.borrow_mut().chance(mid_round) {
            share.step += 1;
        }
    }

    fn visible(&self, share: &Share, path: &str) -> bool {
        let Some((_, written, writer)) = share.files.get(path) else {
            return false;
        };
        if *writer == self.pc {
            return true;
        }
        let flapping = self.faults.borrow().flapping;
        if flapping > 0 && self.rng.borrow_mut().chance(flapping) {
            return false;
        }
        let max = self.faults.borrow().max_delay;
        let delay = if max == 0 {
            0
        } else {
            mix(self.seed ^ self.pc as u64, path_hash(path)) % (max + 1)
        };
        share.step >= written + delay
    }

    fn reachable(&self) -> io::Result<()> {
        if self.faults.borrow().partitioned {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the share does not answer",
            ))
        } else {
            Ok(())
        }
    }

    fn writable(&self) -> io::Result<()> {
        self.reachable()?;
        let faults = self.faults.borrow();
        if faults.read_only {
            return Err(io::Error::new(io::ErrorKind::PermissionDenied, "read-only"));
        }
        if faults.full {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
        }
        Ok(())
    }
}

impl SyncFolder for View {
    fn list(&self, dir: &str) -> io::Result<Vec<String>> {
        self.reachable()?;
        let share = self.share.borrow();
        let dir = dir.trim_end_matches('/');
        if let Some(prefix) = share.blocked_at(&format!("{dir}/x")) {
            return Err(refused(&prefix, Refusal::NotAFolder));
        }
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names: Vec<String> = share
            .files
            .keys()
            .filter(|p| p.starts_with(&prefix) && self.visible(&share, p))
            .chain(share.specials.keys().filter(|p| p.starts_with(&prefix)))
            .filter_map(|p| p[prefix.len()..].split('/').next().map(String::from))
            .collect();
        names.sort();
        names.dedup();
        drop(share);
        let duplicates = self.faults.borrow().duplicates;
        if duplicates > 0 {
            let mut rng = self.rng.borrow_mut();
            names = names
                .into_iter()
                .flat_map(|name| {
                    let times = if rng.chance(duplicates) { 2 } else { 1 };
                    std::iter::repeat_n(name, times)
                })
                .collect();
        }
        self.after(Access::List, dir);
        Ok(names)
    }

    fn read(&self, path: &str, limit: u64) -> io::Result<Vec<u8>> {
        self.reachable()?;
        let result = self.read_now(path, limit);
        self.after(Access::Read, path);
        result
    }

    fn open(&self, path: &str, limit: u64) -> io::Result<Box<dyn io::Read>> {
        self.reachable()?;
        let result = self.read_now(path, limit);
        self.after(Access::Read, path);
        result.map(|bytes| Box::new(io::Cursor::new(bytes)) as Box<dyn io::Read>)
    }

    fn create_new(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.writable()?;
        desk_sync::folder::parts(path)?;
        self.writable_at(path)?;
        let failed = self.faults.borrow().failed_renames;
        let debris = self.faults.borrow().debris;
        let mut share = self.share.borrow_mut();
        if share.files.contains_key(path)
            || share.specials.contains_key(path)
            || share.is_folder(path)
        {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "taken"));
        }
        let step = share.step;
        let mut rng = self.rng.borrow_mut();
        if failed > 0 && rng.chance(failed) {
            // The temporary file stays behind; the name never appears.
            share
                .files
                .insert(format!("{path}.4242.tmp"), (bytes.to_vec(), step, self.pc));
            return Err(desk_sync::folder::rename_failed(
                path,
                io::Error::other("the file is in use by another program"),
            ));
        }
        if debris > 0 && rng.chance(debris) {
            share.files.insert(
                format!("{path} (conflicted copy)"),
                (bytes[..bytes.len() / 2].to_vec(), step, self.pc),
            );
        }
        share
            .files
            .insert(path.to_string(), (bytes.to_vec(), step, self.pc));
        Ok(())
    }

    fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.writable()?;
        self.writable_at(path)?;
        let mut share = self.share.borrow_mut();
        if share.is_folder(path) {
            return Err(refused(path, Refusal::NotAFile));
        }
        // A rename replaces whatever else has the name.
        share.specials.remove(path);
        let step = share.step;
        share
            .files
            .insert(path.to_string(), (bytes.to_vec(), step, self.pc));
        Ok(())
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        self.writable()?;
        self.share.borrow_mut().files.remove(path);
        Ok(())
    }
}

pub struct Pc {
    pub dir: tempfile::TempDir,
    pub catalog: Catalog,
    pub view: View,
    pub person: Option<Person>,
    /// This PC's wall clock offset (ms) as the engine sees it.
    pub skew_ms: i64,
    /// The PC's secret for its keys (outside its data folder, as on a real PC).
    pub secret: Vec<u8>,
}

pub fn new_pc_secret() -> Vec<u8> {
    desk_trust::sealed::new_pc_secret().unwrap_or_else(|e| panic!("{e}"))
}

pub fn options(now_ms: i64) -> SyncOptions {
    SyncOptions {
        future_limit_ms: 10 * 60 * 1000,
        retention_ms: 0,
        segment_max_ops: 7,
        compact: false,
        now_ms: Some(now_ms),
        folder_label: "sim".into(),
        app_version: "test".into(),
        // A damaged own file is written again after a few simulated seconds, not minutes, and a
        // PC holding another's damaged segment relays it after twenty.
        own_unreadable_after_ms: 5_000,
        relay_after_ms: 20_000,
        ..SyncOptions::default()
    }
}

/// The clock the catalogs on this thread see now (the simulated one inside an `Office`).
pub fn now_ms() -> i64 {
    desk_store::clock::now_ms()
}

pub struct Office {
    pub share: Rc<RefCell<Share>>,
    pub pcs: Vec<Pc>,
    pub department: String,
    pub seed: u64,
    /// Whether rounds compact (remove own segments every PC has, once a snapshot covers them).
    pub compact: bool,
    /// The share's name for the next PC to join (a PC keeps its name when others retire).
    pub next_view: usize,
    /// The device ids retired PCs had (their last and every earlier one).
    pub retired_ids: Vec<String>,
}

pub fn open_catalog(dir: &std::path::Path) -> Catalog {
    Catalog::open(dir, OpenOptions::default()).unwrap_or_else(|e| panic!("open: {e}"))
}

/// The ids a PC had before it found itself cloned or restored.
pub fn previous_ids(catalog: &Catalog) -> Vec<String> {
    catalog
        .sync_value("previous_device_ids")
        .unwrap_or_else(|e| panic!("{e}"))
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Copies a catalog's database files from one folder to another.
pub fn copy_catalog(from: &std::path::Path, to: &std::path::Path) {
    for name in ["catalog.db", "catalog.db-wal", "catalog.db-shm"] {
        let _ = std::fs::remove_file(to.join(name));
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// The department the simulated office's items belong to; returns its id.
pub fn add_department(catalog: &mut Catalog) -> String {
    catalog
        .save_department(Department {
            id: String::new(),
            name: "规法处".into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .id
}

impl Office {
    /// `n` PCs; the first creates the department and one section head per PC, and every PC
    /// joins the catalog through the share.
    pub fn new(n: usize, seed: u64) -> Office {
        // Time and every new id (catalogs, devices, items) from the seed: a run replays exactly.
        desk_store::clock::simulate(START_MS, seed);
        let share = Rc::new(RefCell::new(Share {
            now_ms: START_MS,
            ..Share::default()
        }));
        let mut pcs = Vec::new();
        for pc in 0..n {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let catalog = open_catalog(dir.path());
            pcs.push(Pc {
                dir,
                catalog,
                view: View::new(share.clone(), pc, seed),
                person: None,
                skew_ms: 0,
                secret: new_pc_secret(),
            });
        }
        let department = add_department(&mut pcs[0].catalog);
        let mut people = Vec::new();
        for pc in 0..n {
            people.push(
                pcs[0]
                    .catalog
                    .save_person(Person {
                        id: String::new(),
                        name: format!("处长{pc}"),
                        department_id: Some(department.clone()),
                        roles: vec![Role::Clerk, Role::SectionHead],
                    })
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        let mut office = Office {
            share,
            pcs,
            department,
            seed,
            compact: false,
            next_view: n,
            retired_ids: Vec::new(),
        };
        for pc in 0..n {
            office.sync(pc).unwrap_or_else(|e| panic!("joining: {e}"));
        }
        office.sync(0).unwrap_or_else(|e| panic!("{e}"));
        for (pc, person) in people.into_iter().enumerate() {
            office.pcs[pc]
                .catalog
                .set_current_person(&person.id)
                .unwrap_or_else(|e| panic!("pc {pc} person: {e}"));
            office.pcs[pc].person = Some(person);
        }
        office
    }

    /// A backup of PC `pc`'s database as it is now (after a checkpoint, the database file alone).
    pub fn backup(&self, pc: usize) -> tempfile::TempDir {
        let p = &self.pcs[pc];
        let _ = p
            .catalog
            .connection()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        let backup = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        copy_catalog(p.dir.path(), backup.path());
        backup
    }

    /// PC `pc`'s disk dies and its database comes back from `backup`, the same PC on the share.
    pub fn restore(&mut self, pc: usize, backup: &std::path::Path) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        copy_catalog(backup, dir.path());
        let p = &mut self.pcs[pc];
        p.catalog = open_catalog(dir.path());
        p.dir = dir;
    }

    /// A new PC whose database is a copy of PC `pc`'s (the same device id, the same person),
    /// joins the share under a name of its own. Returns its index.
    pub fn clone_pc(&mut self, pc: usize) -> usize {
        let dir = self.backup(pc);
        let catalog = open_catalog(dir.path());
        let view = View::new(self.share.clone(), self.next_view, self.seed);
        self.next_view += 1;
        let source = &self.pcs[pc];
        let clone = Pc {
            dir,
            catalog,
            view,
            person: source.person.clone(),
            skew_ms: source.skew_ms,
            secret: source.secret.clone(),
        };
        self.pcs.push(clone);
        self.pcs.len() - 1
    }

    /// PC `pc` leaves the office for good: it never syncs again.
    pub fn retire(&mut self, pc: usize) -> Pc {
        let gone = self.pcs.remove(pc);
        self.retired_ids.extend(previous_ids(&gone.catalog));
        self.retired_ids.push(gone.catalog.device_id().to_string());
        gone
    }

    /// The device ids a PC still in the office answers for: its own and those it left behind.
    pub fn answered_ids(&self) -> std::collections::BTreeSet<String> {
        self.pcs
            .iter()
            .flat_map(|p| {
                let mut ids = previous_ids(&p.catalog);
                ids.push(p.catalog.device_id().to_string());
                ids
            })
            .collect()
    }

    /// The operations in every segment on the share that reads whole: id → writer. A side of
    /// an id clash issued again under a new id (listed on a device card, with its content hash)
    /// is not counted under its old id: it lives on under the new one.
    pub fn ops_on_share(&self) -> BTreeMap<String, String> {
        let share = self.share.borrow();
        let moved: std::collections::BTreeSet<(String, String)> = share
            .files
            .iter()
            .filter(|(path, _)| path.contains("/devices/") && path.ends_with(".json"))
            .filter_map(|(_, (bytes, _, _))| {
                serde_json::from_slice::<desk_sync::format::DeviceFile>(bytes).ok()
            })
            .flat_map(|card| card.reissued)
            .map(|r| (format!("{}:{}", r.device_id, r.seq), r.hash))
            .collect();
        share
            .files
            .iter()
            .filter(|(path, _)| path.contains("/ops/") && path.ends_with(".seg"))
            .filter_map(|(_, (bytes, _, _))| desk_sync::format::decode_segment(bytes).ok())
            .filter(|segment| segment.header.kind == desk_sync::format::SegmentKind::Ops)
            .flat_map(|segment| segment.ops.into_iter())
            .filter(|op| !moved.contains(&(op.id.clone(), desk_sync::format::op_content_hash(op))))
            .map(|op| (op.id, op.device_id))
            .collect()
    }

    /// One step of the share: files written before may become visible, the clock moves on.
    pub fn tick(&self) {
        let mut share = self.share.borrow_mut();
        share.step += 1;
        share.now_ms += STEP_MS;
        desk_store::clock::set_now(share.now_ms);
    }

    /// The office's clock now (without any PC's skew).
    pub fn now(&self) -> i64 {
        self.share.borrow().now_ms
    }

    /// PC `pc`'s catalog, with the clock set to what that PC's clock says (its skew) for the
    /// changes that follow.
    pub fn at(&mut self, pc: usize) -> &mut Catalog {
        let now = self.now();
        let p = &mut self.pcs[pc];
        desk_store::clock::set_now(now + p.skew_ms);
        &mut p.catalog
    }

    pub fn sync(&mut self, pc: usize) -> Result<desk_core::sync::SyncReport, desk_sync::SyncError> {
        self.tick();
        let now = self.now() + self.pcs[pc].skew_ms;
        desk_store::clock::set_now(now);
        let p = &mut self.pcs[pc];
        let options = SyncOptions {
            compact: self.compact,
            pc_secret: Some(desk_sync::PcSecret(p.secret.clone())),
            ..options(now)
        };
        let report = desk_sync::sync_round(&mut p.catalog, &p.view, &options);
        desk_store::clock::set_now(self.now());
        report
    }

    /// A person or another program leaves something in the share: a file of any name, a folder,
    /// a pipe, a link, a device, a locked or a huge file, at any level, at a name sync never
    /// writes or under a device folder no PC uses; or, at a PC's card or acknowledgement, what
    /// that PC replaces at its next round. Returns what it left, for the counts.
    pub fn drop_foreign(&self, rng: &mut Rng) -> &'static str {
        let catalog = self.pcs[0].catalog.catalog_id().unwrap_or_default();
        let devices: Vec<String> = self
            .pcs
            .iter()
            .map(|p| p.catalog.device_id().to_string())
            .collect();
        let device = rng.pick(&devices).cloned().unwrap_or_default();
        // A device id no PC has: what stands there is never one of sync's own files.
        let stranger = "0000000000ff";
        let places = [
            String::new(),
            catalog.clone(),
            format!("{catalog}/ops"),
            format!("{catalog}/ops/{device}"),
            format!("{catalog}/ops/{stranger}"),
            format!("{catalog}/devices"),
            format!("{catalog}/acks"),
            format!("{catalog}/snapshots"),
            format!("{catalog}/blobs"),
        ];
        let place = rng.pick(&places).cloned().unwrap_or_default();
        let at = |name: &str| {
            if place.is_empty() {
                name.to_string()
            } else {
                format!("{place}/{name}")
            }
        };
        let mut share = self.share.borrow_mut();
        if share.blocked_at(&at("x")).is_some() {
            return "nothing";
        }
        match rng.below(14) {
            0 => {
                share.put_foreign(
                    &at("desktop.ini"),
                    b"[.ShellClassInfo]\r\nIconResource=x\r\n",
                );
                "desktop.ini"
            }
            1 => {
                share.put_foreign(&at("Thumbs.db"), &[0xd0, 0xcf, 0x11, 0xe0]);
                "thumbs.db"
            }
            2 => {
                share.put_foreign(&at("~$说明.docx"), b"lock");
                "lock file"
            }
            3 => {
                share.put_foreign(&at("000000000001 (1).seg"), b"DDSEG\0\r\ncopy");
                "copy"
            }
            4 => {
                share.put_foreign(&at("说明.txt"), "请勿删除".as_bytes());
                "notes"
            }
            5 => {
                share.put_foreign(&at("新建文件夹/readme.txt"), b"");
                "folder"
            }
            6 => {
                share.specials.insert(at("pipe"), Special::Fifo);
                "fifo"
            }
            7 => {
                share.specials.insert(at("zero"), Special::Link);
                "link"
            }
            8 => {
                share.specials.insert(at("null"), Special::Device);
                "device"
            }
            9 => {
                share.specials.insert(at("locked.txt"), Special::Unreadable);
                "unreadable"
            }
            10 => {
                // A file where a device's folder should be.
                let path = format!("{catalog}/ops/{stranger}");
                if share.is_folder(&path) {
                    return "nothing";
                }
                share.put_foreign(&path, b"x");
                "file as folder"
            }
            11 => {
                // Where a segment should be: empty, a folder, a pipe, a huge sparse file.
                let dir = format!("{catalog}/ops/{stranger}");
                if share.files.contains_key(&dir) {
                    return "nothing";
                }
                let seg = |n: u64| format!("{dir}/{n:012}.seg");
                match rng.below(4) {
                    0 => share.put_foreign(&seg(1), b""),
                    1 => share.put_foreign(&format!("{}/x", seg(2)), b"x"),
                    2 => {
                        share.specials.insert(seg(3), Special::Fifo);
                    }
                    _ => {
                        share.specials.insert(seg(4), Special::Huge(2_000_000_000));
                    }
                }
                "segment name"
            }
            12 => {
                let snapshot =
                    format!("{catalog}/snapshots/{stranger}-000000000000001-0000000000.snap");
                share
                    .specials
                    .insert(snapshot, Special::Huge(3_000_000_000));
                "snapshot name"
            }
            _ => {
                // Where a PC's own small file is: that PC replaces it at its next round.
                let file = if rng.chance(50) { "devices" } else { "acks" };
                let path = format!("{catalog}/{file}/{device}.json");
                if !share.files.contains_key(&path) {
                    return "nothing";
                }
                share.files.remove(&path);
                let special = if rng.chance(50) {
                    Special::Fifo
                } else {
                    Special::Huge(2_000_000_000)
                };
                share.specials.insert(path, special);
                "own file"
            }
        }
    }

    /// Lifts every fault and syncs every PC until a full pass publishes and applies nothing.
    pub fn converge(&mut self) -> usize {
        for pc in &self.pcs {
            *pc.view.faults.borrow_mut() = Faults::default();
        }
        // Damage a PC meets for the first time moves things (its writer repairs it next); damage
        // nobody can repair (a foreign file posing as a segment of no PC) does not.
        let mut damage_seen: std::collections::BTreeSet<(usize, String)> = Default::default();
        // Waits for a relay: a PC holding a segment another reported damaged or missing publishes
        // it again only once its writer had `relay_after_ms` to do so (a retired writer never
        // does), so a quiet pass while some PC still waits lets that time pass, three times at most.
        let mut relay_waits = 0;
        for pass in 0..40 {
            let mut moved = 0;
            let mut waiting = false;
            for pc in 0..self.pcs.len() {
                let report = match self.sync(pc) {
                    Ok(report) => report,
                    // The rest of the round was done; the own file is written again shortly.
                    Err(e) if e.code() == "sync_own_segment_unreadable" => {
                        moved += 1;
                        continue;
                    }
                    Err(e) => panic!("seed {}: converging pc {pc}: {e}", self.seed),
                };
                waiting |= !report.waiting.is_empty() || !report.damaged.is_empty();
                let new_damage = report
                    .damaged
                    .iter()
                    .filter(|d| damage_seen.insert((pc, d.file.clone())))
                    .count() as u32;
                moved += report.ops_published
                    + report.applied.iter().map(|a| a.ops).sum::<u32>()
                    + report.device_changes.len() as u32
                    + report.repaired.len() as u32
                    + new_damage;
                if pass > 30 && std::env::var_os("SYNC_PROPTEST_DEBUG").is_some() {
                    eprintln!(
                        "pass {pass} pc {pc}: published {} applied {:?} changes {:?} repaired {:?} new damage {new_damage}",
                        report.ops_published, report.applied, report.device_changes, report.repaired
                    );
                }
            }
            if moved == 0 && pass > 0 {
                if !waiting || relay_waits == 3 {
                    return pass;
                }
                relay_waits += 1;
                let relay_after = options(self.now()).relay_after_ms;
                for _ in 0..=relay_after / STEP_MS {
                    self.tick();
                }
            }
        }
        if std::env::var_os("SYNC_PROPTEST_DEBUG").is_some() {
            for (pc, p) in self.pcs.iter().enumerate() {
                eprintln!(
                    "pc {pc} {} previous {:?}",
                    p.catalog.device_id(),
                    previous_ids(&p.catalog)
                );
                if let Ok(status) = desk_sync::status(&p.catalog) {
                    eprintln!(
                        "pc {pc}: waiting {:?}\n  damaged {:?}\n  cursors {:?}",
                        status.waiting, status.damaged, status.cursors
                    );
                }
                if let Ok(want) = std::env::var("SYNC_DEBUG_OPS") {
                    for op in p.catalog.operations().unwrap_or_default() {
                        if op.id.starts_with(&want) {
                            eprintln!(
                                "pc {pc} op {}#{} {:?} base {:?}",
                                op.id,
                                &desk_sync::format::op_content_hash(&op)[..6],
                                op.field,
                                op.base
                            );
                        }
                    }
                }
                eprintln!(
                    "pc {pc}: reissued {:?} ends {:?}",
                    p.catalog.sync_value("reissued"),
                    p.catalog.sync_value("previous_ends")
                );
            }
            for (path, (bytes, _, _)) in self.share.borrow().files.iter() {
                if let Ok(segment) = desk_sync::format::decode_segment(bytes) {
                    if path.contains("/ops/") {
                        let ids: Vec<String> = segment
                            .ops
                            .iter()
                            .map(|o| {
                                format!("{}#{}", o.id, &desk_sync::format::op_content_hash(o)[..6])
                            })
                            .collect();
                        eprintln!("share {path}: {ids:?}");
                    }
                }
            }
        }
        panic!("seed {}: the PCs did not settle in 40 passes", self.seed);
    }
}

/// Every manual check of the general template, passed on the way to sign-off.
pub const ALL_MANUAL: &[&str] = &[
    "secrecy_review",
    "secrecy_unmarked",
    "secrecy_content",
    "secrecy_declassified",
    "secrecy_partial",
    "secrecy_joint",
    "check_political",
    "check_legal",
    "check_policy",
    "check_secrecy",
    "check_text",
    "privacy_review",
];

/// An item of the office's department, walked to 待签批 on `pc`.
pub fn awaiting_signoff(office: &mut Office, pc: usize, title: &str) -> desk_core::model::Item {
    let mut item = desk_core::model::Item::blank(String::new());
    item.title = title.into();
    item.lead_department_id = Some(office.department.clone());
    let catalog = office.at(pc);
    let item = catalog.save_item(item).unwrap_or_else(|e| panic!("{e}"));
    catalog
        .act(&item.id, desk_core::workflow::Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    for key in ALL_MANUAL {
        catalog
            .mark_check(&item.id, key, desk_core::checklist::CheckState::Passed, "")
            .unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    catalog
        .act(&item.id, desk_core::workflow::Action::RequestSignoff, "")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Walks an item to sign-off on one catalog: submit, pass every manual check, request, sign.
pub fn sign_off(catalog: &mut Catalog, id: &str) -> desk_store::Result<desk_core::model::Item> {
    use desk_core::checklist::CheckState;
    use desk_core::workflow::Action;
    let _ = catalog.act(id, Action::Submit, "");
    for key in ALL_MANUAL {
        let _ = catalog.mark_check(id, key, CheckState::Passed, "");
    }
    let _ = catalog.act(id, Action::RequestSignoff, "");
    catalog.act(id, Action::SignOff, "")
}

/// Everything a person could see of a catalog, in a canonical order (set elements sorted, the
/// local-only facts left out), to compare PCs.
pub fn dump(catalog: &Catalog) -> serde_json::Value {
    let conn = catalog.connection();
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let mapped = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap_or_else(|e| panic!("{e}"));
        mapped
            .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
            .collect()
    };
    let mut items = Vec::new();
    for id in rows("SELECT id FROM items ORDER BY id") {
        let item = catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
        let mut value = serde_json::to_value(&item).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            for (_, v) in fields.iter_mut() {
                if let Some(list) = v.as_array_mut() {
                    list.sort_by_key(|e| e.to_string());
                }
            }
        }
        items.push(value);
    }
    serde_json::json!({
        "items": items,
        "sets": rows("SELECT item_id || '|' || field || '|' || value FROM item_sets ORDER BY 1"),
        "checks": rows("SELECT item_id || '|' || key || '|' || state || '|' || note || '|' || by FROM item_checks ORDER BY 1"),
        "checklists": rows("SELECT item_id || '|' || template_id || '|' || template_version FROM item_checklists ORDER BY 1"),
        "signoffs": rows("SELECT id || '|' || item_id || '|' || content_hash FROM signoffs ORDER BY 1"),
        "departments": rows("SELECT id || '|' || name || '|' || code FROM departments ORDER BY 1"),
        "people": rows("SELECT id || '|' || name || '|' || roles FROM people ORDER BY 1"),
        "templates": rows("SELECT id || '|' || version || '|' || checks FROM checklist_templates ORDER BY 1"),
        "ops": rows("SELECT id || '|' || clock || '|' || base FROM ops ORDER BY 1"),
        "heads": rows("SELECT entity || '|' || entity_id || '|' || field || '|' || element || '|' || op_id FROM sync_heads ORDER BY 1"),
        "bundles": rows("SELECT id || '|' || created_at || '|' || created_by || '|' || scope || '|' || file_name || '|' || manifest_sha256 FROM bundles ORDER BY 1"),
        "bundle_items": rows("SELECT bundle_id || '|' || item_id FROM bundle_items ORDER BY 1"),
        "conflicts": catalog.conflicts().unwrap_or_else(|e| panic!("{e}")).iter().map(|c| c.key.clone()).collect::<Vec<_>>(),
    })
}

/// Writes a whole, valid segment of `device`'s `ops` into the share, as a hostile or broken PC
/// would; `seen` is its header's version vector (what the writer claims to have applied).
#[allow(dead_code)]
pub fn publish_forged(
    office: &Office,
    device: &str,
    ops: &[desk_core::ops::Operation],
    seen: desk_core::merge::VersionVector,
) {
    publish_forged_signed(office, device, ops, seen, None);
}

/// [`publish_forged`], signed with `device_key` when given (a device the office enrolled, in
/// a forger's hands, or a key it never enrolled).
pub fn publish_forged_signed(
    office: &Office,
    device: &str,
    ops: &[desk_core::ops::Operation],
    mut seen: desk_core::merge::VersionVector,
    device_key: Option<&desk_trust::KeyPair>,
) {
    let catalog_id = office.pcs[0]
        .catalog
        .catalog_id()
        .unwrap_or_else(|e| panic!("{e}"));
    let last = ops.last().map_or(0, |o| o.seq);
    seen.insert(device.into(), last);
    let mut header =
        desk_sync::format::ops_header(&catalog_id, device, ops, seen, "2026-11-29T00:00:00Z");
    if let Some(key) = device_key {
        desk_sync::format::sign_header(&mut header, ops, key).unwrap_or_else(|e| panic!("{e}"));
    }
    let bytes = desk_sync::format::encode_segment(&header, ops).unwrap_or_else(|e| panic!("{e}"));
    let first = ops.first().map_or(1, |o| o.seq);
    let path = format!(
        "{catalog_id}/ops/{device}/{}",
        desk_sync::format::segment_name(first)
    );
    let mut share = office.share.borrow_mut();
    let step = share.step;
    share.files.insert(path, (bytes, step, usize::MAX));
}

/// Signing set up on PC 0 (the coordinator's) under `password`: the fingerprint to pin.
pub fn set_up_signing(office: &mut Office, password: &str) -> desk_trust::Fingerprint {
    let secret = office.pcs[0].secret.clone();
    office
        .at(0)
        .set_up_office(password, &secret, 1_000)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The coordinator (PC 0, holding the office key under `password`) enrols every device key
/// announced on the share that the roster does not hold yet; returns how many.
pub fn enrol_devices(office: &mut Office, password: &str) -> usize {
    let secret = office.pcs[0].secret.clone();
    let requests = office.pcs[0]
        .catalog
        .device_key_requests()
        .unwrap_or_else(|e| panic!("{e}"));
    for request in &requests {
        office
            .at(0)
            .enrol_device(&request.device_id, password, &secret)
            .unwrap_or_else(|e| panic!("enrol {}: {e}", request.device_id));
    }
    requests.len()
}

/// The device key of a PC the office enrolled and a forger then took over (the same for a whole
/// test binary).
pub fn enrolled_forger_key() -> &'static desk_trust::KeyPair {
    static KEY: std::sync::OnceLock<desk_trust::KeyPair> = std::sync::OnceLock::new();
    KEY.get_or_init(|| desk_trust::KeyPair::generate().unwrap_or_else(|e| panic!("{e}")))
}

/// An item titled `title` of the office's department, saved on `pc` at its clock.
pub fn add_item(office: &mut Office, pc: usize, title: &str) -> desk_core::model::Item {
    let mut item = desk_core::model::Item::blank(String::new());
    item.title = title.into();
    item.lead_department_id = Some(office.department.clone());
    office
        .at(pc)
        .save_item(item)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A round's result, or the test fails naming the error and its code.
pub fn ok<T>(result: Result<T, desk_sync::SyncError>) -> T {
    result.unwrap_or_else(|e| panic!("{} ({})", e, e.code()))
}

/// `rounds` times, a round on every PC in turn, each one bound to succeed.
pub fn sync_all(office: &mut Office, rounds: usize) {
    for _ in 0..rounds {
        for pc in 0..office.pcs.len() {
            ok(office.sync(pc));
        }
    }
}

/// What PC `pc` makes of the signature of the newest sign-off of `item`.
pub fn newest_verdict(
    office: &Office,
    pc: usize,
    item: &str,
) -> desk_core::signoff::SignatureVerdict {
    let catalog = &office.pcs[pc].catalog;
    let signoff = catalog
        .signoffs(item)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("pc {pc}: no sign-off of {item}"));
    catalog
        .signature_verdict(&signoff)
        .unwrap_or_else(|e| panic!("{e}"))
}

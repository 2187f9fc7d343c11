//! Convergence under random interleavings: several PCs edit at random (fields, sets, check
//! marks, workflow with sign-offs, deletes, settling conflicts), sync at random through a share
//! that delays, reorders, tears and fails, are cut off and rejoin, while people and other programs
//! leave their own files, folders, pipes and links in it and published files are damaged in
//! place. In the end every PC shows the same catalog, holds every operation ever made, every
//! field shows what the merge rules say the full set of operations gives (so each edit is the
//! value, a kept conflict, or history), and no 索引号 is held by two items (PCs numbering items at
//! once are settled).
//!
//! The office as a whole meets its own events too: the share rolled back to an old copy, a PC
//! restored from its backup, a PC retiring for good (sometimes right after its file was
//! damaged), the same department, person or work plan made on two PCs before they sync, and
//! with `SYNC_PROPTEST_IDENTITY=1` cloned PCs and restores together with a rollback.
//!
//! Seeded: a case is a function of its seed alone (the simulated clock and ids come from it,
//! see `common`), so a failure prints the seed and `SYNC_PROPTEST_SEED=<seed>` replays exactly
//! that case (with the same `SYNC_PROPTEST_IDENTITY`); `SYNC_PROPTEST_CASES` runs more cases
//! than the default, on `SYNC_PROPTEST_THREADS` threads; `SYNC_PROPTEST_DEBUG=1` prints each
//! PC's sync status and any operation id two PCs hold with different content.

mod common;

use common::{dump, sign_off, Faults, Files, Office, Rng};
use desk_core::checklist::CheckState;
use desk_core::export::{BundleRecord, ExportScope};
use desk_core::fields::ItemField;
use desk_core::merge::{self, Head, VersionVector};
use desk_core::model::{Department, DepartmentKind, Item, Person, Role};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::plan_import::{fold_name, PlanImportRequest};
use std::collections::{BTreeMap, BTreeSet};

const TEXTS: &[&str] = &[
    "关于招生",
    "规法处通知",
    "解读",
    "大教发〔2019〕12号",
    "",
    "第二版",
];
const KEYWORDS: &[&str] = &["招生", "义务教育", "政策解读", "收费"];
const FIELDS: &[ItemField] = &[
    ItemField::Title,
    ItemField::DocNo,
    ItemField::Summary,
    ItemField::Notes,
];
const CHECKS: &[&str] = &[
    "secrecy_review",
    "check_political",
    "check_text",
    "check_legal",
];

fn item_ids(office: &Office, pc: usize) -> Vec<String> {
    let conn = office.pcs[pc].catalog.connection();
    let mut stmt = conn
        .prepare("SELECT id FROM items ORDER BY id")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_default()).collect()
}

/// One random thing a person or the network does. Refusals (an item deleted meanwhile, a
/// transition not allowed now) are what people meet too, and change nothing.
fn act(office: &mut Office, rng: &mut Rng, counts: &mut BTreeMap<&'static str, u32>) {
    let n = office.pcs.len();
    let pc = rng.below(n as u64) as usize;
    let ids = item_ids(office, pc);
    let target = rng.pick(&ids).cloned();
    let roll = rng.below(100);
    let department = office.department.clone();
    let catalog = office.at(pc);
    let count = |counts: &mut BTreeMap<&'static str, u32>, k: &'static str| {
        *counts.entry(k).or_default() += 1
    };
    match (roll, target) {
        (0..=9, _) | (_, None) => {
            let mut item = Item::blank(String::new());
            item.title = format!("事项{}", rng.below(1000));
            item.lead_department_id = Some(department);
            item.keywords = vec![KEYWORDS[rng.below(4) as usize].to_string()];
            if catalog.save_item(item).is_ok() {
                count(counts, "create");
            }
            if rng.chance(40) {
                // Another PC numbers an item at the same moment: the same serial on both.
                let other = (pc + 1 + rng.below(n as u64 - 1) as usize) % n;
                let mut item = Item::blank(String::new());
                item.title = format!("同时{}", rng.below(1000));
                if office.at(other).save_item(item).is_ok() {
                    count(counts, "numbered_at_once");
                }
            }
        }
        (10..=34, Some(id)) => {
            if let Ok(mut item) = catalog.item(&id) {
                let field = FIELDS[rng.below(FIELDS.len() as u64) as usize];
                let mut text = TEXTS[rng.below(TEXTS.len() as u64) as usize].to_string();
                if field == ItemField::Title && text.is_empty() {
                    text = "标题".into();
                }
                let _ = item.set(
                    field,
                    serde_json::Value::String(format!("{text}{}", rng.below(3))),
                );
                if catalog.save_item(item).is_ok() {
                    count(counts, "field");
                }
            }
        }
        (35..=44, Some(id)) => {
            if let Ok(mut item) = catalog.item(&id) {
                let keyword = KEYWORDS[rng.below(4) as usize].to_string();
                if item.keywords.contains(&keyword) {
                    item.keywords.retain(|k| k != &keyword);
                    count(counts, "set_remove");
                } else {
                    item.keywords.push(keyword);
                    count(counts, "set_add");
                }
                let _ = catalog.save_item(item);
            }
        }
        (45..=54, Some(id)) => {
            let key = CHECKS[rng.below(CHECKS.len() as u64) as usize];
            let (state, note) = match rng.below(3) {
                0 => (CheckState::Passed, ""),
                1 => (CheckState::Failed, "需修改"),
                _ => (CheckState::Pending, ""),
            };
            if catalog.mark_check(&id, key, state, note).is_ok() {
                count(counts, "check");
            }
        }
        (55..=64, Some(id)) => {
            if sign_off(catalog, &id).is_ok() {
                count(counts, "signoff");
            }
        }
        (65..=69, Some(id)) => {
            if catalog.delete_item(&id).is_ok() {
                count(counts, "delete");
            }
        }
        (70..=74, _) => {
            let conflicts = catalog.conflicts().unwrap_or_default();
            if let Some(conflict) = rng.pick(&conflicts) {
                let chosen = if rng.chance(50) {
                    conflict.current.op_id.clone()
                } else {
                    conflict
                        .others
                        .first()
                        .map(|o| o.op_id.clone())
                        .unwrap_or_default()
                };
                if catalog.settle_conflict(&conflict.key, &chosen).is_ok() {
                    count(counts, "settle");
                }
            }
        }
        (75..=79, _) => {
            // Export what this PC sees signed off: the bundle mark must reach every PC.
            let signed: Vec<String> = ids
                .iter()
                .filter(|id| {
                    catalog
                        .item(id)
                        .is_ok_and(|i| i.status == desk_core::model::Status::SignedOff)
                })
                .take(1 + rng.below(2) as usize)
                .cloned()
                .collect();
            if !signed.is_empty() {
                let record = BundleRecord {
                    id: format!("b{:016x}", rng.next_u64()),
                    created_at: "2026-11-30T08:00:00Z".into(),
                    created_by: format!("pc{pc}"),
                    scope: ExportScope::Incremental,
                    file_name: "bundle.zip".into(),
                    item_ids: signed,
                    manifest_sha256: String::new(),
                };
                if catalog.record_bundle(&record).is_ok() {
                    count(counts, "export");
                }
            }
        }
        _ => match office.sync(pc) {
            Ok(report) => {
                count(counts, "sync");
                *counts.entry("waiting_seen").or_default() += report.waiting.len() as u32;
                *counts.entry("new_conflicts").or_default() += report.new_conflicts;
                *counts.entry("signoffs_voided").or_default() += report.signoffs_voided;
                *counts.entry("segments_compacted").or_default() += report.segments_compacted;
                *counts.entry("snapshots_written").or_default() += report.snapshot_written as u32;
                *counts.entry("folder_problems").or_default() +=
                    report.folder_problems.len() as u32;
                *counts.entry("ignored_seen").or_default() += report.ignored.len() as u32;
            }
            Err(_) => count(counts, "sync_failed"),
        },
    }
}

fn perturb(
    office: &mut Office,
    rng: &mut Rng,
    counts: &mut BTreeMap<&'static str, u32>,
    past: &mut Past,
) {
    if rng.chance(25) {
        upheave(office, rng, counts, past);
        return;
    }
    if rng.chance(20) {
        // A person or another program leaves something of its own in the share.
        let kind = office.drop_foreign(rng);
        *counts.entry("foreign").or_default() += 1;
        *counts.entry(kind).or_default() += 1;
        return;
    }
    let pc = rng.below(office.pcs.len() as u64) as usize;
    if rng.chance(10) {
        // A clock off by up to five minutes either way (within the allowed drift).
        office.pcs[pc].skew_ms = rng.below(600_001) as i64 - 300_000;
        *counts.entry("skew").or_default() += 1;
        return;
    }
    if rng.chance(12) {
        damage_a_file(office, rng, counts, "");
        return;
    }
    let mut faults = office.pcs[pc].view.faults.borrow_mut();
    match rng.below(11) {
        0 => {
            faults.partitioned = !faults.partitioned;
            *counts.entry("partition_toggle").or_default() += 1;
        }
        1 => faults.max_delay = rng.below(6),
        2 => faults.torn_reads = rng.below(30),
        3 => faults.failed_renames = rng.below(20),
        4 => faults.debris = rng.below(30),
        5 => {
            faults.full = rng.chance(30);
            faults.read_only = !faults.full && rng.chance(20);
        }
        6 => faults.duplicates = rng.below(50),
        7 => faults.flapping = rng.below(20),
        8 => faults.mid_round = rng.below(30),
        _ => *faults = Faults::default(),
    }
}

/// A file already published is damaged in place, as an antivirus scan, a half-finished restore or
/// a disk error would: cut at any offset, a byte flipped, zeroed, replaced by another valid file
/// of the same kind, or deleted. The office must heal it. Only files whose path contains `within`
/// are candidates.
fn damage_a_file(
    office: &mut Office,
    rng: &mut Rng,
    counts: &mut BTreeMap<&'static str, u32>,
    within: &str,
) {
    let mut share = office.share.borrow_mut();
    let paths: Vec<String> = share.files.keys().cloned().collect();
    let candidates: Vec<String> = paths
        .iter()
        .filter(|p| p.contains(within))
        .cloned()
        .collect();
    let Some(path) = rng.pick(&candidates).cloned() else {
        return;
    };
    let kind = |p: &str| {
        [
            "/ops/",
            "/snapshots/",
            "/acks/",
            "/devices/",
            "/blobs/",
            "format.json",
        ]
        .into_iter()
        .find(|k| p.contains(k))
        .unwrap_or("")
    };
    let how = rng.below(5);
    if how == 4 {
        share.files.remove(&path);
        *counts.entry("damage_deleted").or_default() += 1;
        return;
    }
    let same_kind: Vec<String> = paths
        .iter()
        .filter(|p| **p != path && kind(p) == kind(&path))
        .cloned()
        .collect();
    let other = rng
        .pick(&same_kind)
        .and_then(|p| share.files.get(p))
        .map(|f| f.0.clone());
    let cut = rng.next_u64();
    let Some(file) = share.files.get_mut(&path) else {
        return;
    };
    let bytes = &mut file.0;
    match how {
        0 => {
            let at = (cut % (bytes.len() as u64 + 1)) as usize;
            bytes.truncate(at);
            *counts.entry("damage_cut").or_default() += 1;
        }
        1 if !bytes.is_empty() => {
            let at = (cut % bytes.len() as u64) as usize;
            bytes[at] ^= 1 << (cut % 8);
            *counts.entry("damage_flipped").or_default() += 1;
        }
        2 => {
            bytes.iter_mut().for_each(|b| *b = 0);
            *counts.entry("damage_zeroed").or_default() += 1;
        }
        _ => {
            if let Some(other) = other {
                *bytes = other;
                *counts.entry("damage_replaced").or_default() += 1;
            }
        }
    }
}

/// What a case keeps to turn the office back later: a copy of the share and a backup of one PC
/// (by its name on the share), taken at the same step, and whether a PC retired already.
#[derive(Default)]
struct Past {
    share: Option<Files>,
    backup: Option<(usize, tempfile::TempDir)>,
    taken_at: u64,
    retired: bool,
    /// Whether PCs are cloned, and a PC restored together with the share rolled back: the faults
    /// under which two PCs can publish different operations under one id before any file on the
    /// share shows it (see `SYNC_PROPTEST_IDENTITY`).
    identity: bool,
}

/// The most PCs a case ever has (clones included).
const MOST_PCS: usize = 5;

/// What befalls the office as a whole, now and then: a copy of the share and a backup of a PC
/// kept, then the share rolled back to its copy and the PC restored from its backup (both, or
/// either alone); a PC retiring for good (sometimes right after one of its files on the share was
/// damaged); a PC cloned (its database copied to a new PC that joins and edits); the same
/// department and person, or the same work plan, made on two PCs before they sync.
fn upheave(
    office: &mut Office,
    rng: &mut Rng,
    counts: &mut BTreeMap<&'static str, u32>,
    past: &mut Past,
) {
    let mut count = |k: &'static str| *counts.entry(k).or_default() += 1;
    let n = office.pcs.len();
    let step = office.share.borrow().step;
    match rng.below(100) {
        0..=24 => {
            if past.share.is_none() {
                let pc = rng.below(n as u64) as usize;
                past.share = Some(office.share.borrow().files.clone());
                past.backup = Some((office.pcs[pc].view.pc, office.backup(pc)));
                past.taken_at = step;
                count("copies_kept");
            } else if step >= past.taken_at + 5 {
                let share = past.share.take().unwrap_or_default();
                let backup = past.backup.take();
                let mut how = rng.below(3);
                if how == 0 && !past.identity {
                    how = 1;
                }
                if how != 2 {
                    office.share.borrow_mut().files = share;
                }
                let restored = match backup {
                    Some((view, dir)) if how != 1 => {
                        match office.pcs.iter().position(|p| p.view.pc == view) {
                            Some(pc) => {
                                office.restore(pc, dir.path());
                                true
                            }
                            None => false,
                        }
                    }
                    _ => false,
                };
                match (how, restored) {
                    (0, true) => count("share_and_pc_rolled_back"),
                    (0 | 1, _) => count("share_rolled_back"),
                    (_, true) => count("pc_restored"),
                    _ => {}
                }
            }
        }
        25..=39 => {
            if past.retired || n < 3 {
                return;
            }
            past.retired = true;
            let pc = rng.below(n as u64) as usize;
            if rng.chance(50) {
                let device = office.pcs[pc].catalog.device_id().to_string();
                damage_a_file(office, rng, counts, &format!("/{device}"));
                *counts.entry("retired_after_damage").or_default() += 1;
            } else {
                *counts.entry("retired").or_default() += 1;
            }
            drop(office.retire(pc));
        }
        40..=54 => {
            if office.next_view >= MOST_PCS || !past.identity {
                return;
            }
            let pc = rng.below(n as u64) as usize;
            office.clone_pc(pc);
            count("cloned");
        }
        55..=77 => {
            let (a, b) = two_pcs(n, rng);
            let which = rng.below(DEPARTMENTS.len() as u64) as usize;
            let person = PEOPLE[rng.below(PEOPLE.len() as u64) as usize];
            let mut made = 0;
            for (pc, spelling) in [(a, 0), (b, 1)] {
                let name = DEPARTMENTS[which][spelling];
                let department = office.at(pc).save_department(Department {
                    id: String::new(),
                    name: name.into(),
                    code: String::new(),
                    kind: DepartmentKind::Department,
                });
                if let Ok(department) = department {
                    let saved = office.at(pc).save_person(Person {
                        id: String::new(),
                        name: person.into(),
                        department_id: Some(department.id),
                        roles: vec![Role::Clerk],
                    });
                    made += saved.is_ok() as u32;
                }
            }
            if made == 2 {
                count("same_department");
            }
        }
        _ => {
            let (a, b) = two_pcs(n, rng);
            let plan = PLANS[rng.below(PLANS.len() as u64) as usize];
            let mut made = 0;
            for pc in [a, b] {
                let catalog = office.at(pc);
                let Ok(preview) = catalog.preview_plan_text(plan) else {
                    continue;
                };
                let imported = catalog.import_plan(&PlanImportRequest {
                    create_departments: preview.unknown_departments.clone(),
                    plan_year: preview.parse.year,
                    tasks: preview.parse.tasks,
                });
                made += imported.is_ok_and(|r| r.items_created > 0) as u32;
            }
            if made == 2 {
                count("same_plan");
            }
        }
    }
}

/// Two different PCs.
fn two_pcs(n: usize, rng: &mut Rng) -> (usize, usize) {
    let a = rng.below(n as u64) as usize;
    let b = (a + 1 + rng.below(n as u64 - 1) as usize) % n;
    (a, b)
}

/// Departments two PCs may both create, each in the spellings of the two.
const DEPARTMENTS: &[[&str; 2]] = &[
    ["办公室", " 辦公室 "],
    ["财务处", "财务处"],
    ["人事处", "人事处 "],
];
const PEOPLE: &[&str] = &["张伟", "李娜"];
const PLANS: &[&str] = &[
    "2026年政务公开工作要点\n\
一、推进政策公开\n\
1.做好规范性文件公开。全面公开行政规范性文件，及时更新目录。（牵头单位：办公室；配合单位：规法处）\n\
2.加强政策解读。重要政策文件与解读材料同步起草、同步审签、同步发布。（牵头单位：规法处）\n",
    "2027年政务公开工作要点\n\
一、回应社会关切\n\
1.做好招生入学信息公开。及时发布义务教育招生政策。（牵头单位：基础教育处）\n\
2.做好收费信息公开。公开收费项目和标准。（牵头单位：财务处）\n",
];

/// Register winners, deleted items, set elements present.
type Expected = (
    BTreeMap<(String, String), serde_json::Value>,
    BTreeSet<String>,
    BTreeMap<(String, String), bool>,
);

/// The merge rules applied to the union of every PC's operations, independently of the store:
/// what each item field must show.
fn expected_state(ops: &[Operation]) -> Expected {
    let mut ordered: Vec<&Operation> = ops.iter().collect();
    ordered.sort_by(|a, b| (a.clock, &a.device_id, a.seq).cmp(&(b.clock, &b.device_id, b.seq)));
    let mut heads: BTreeMap<(String, String, String), Vec<Head>> = BTreeMap::new();
    let mut creates: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let mut deletes: BTreeMap<String, Vec<VersionVector>> = BTreeMap::new();
    let mut item_ops: BTreeMap<String, VersionVector> = BTreeMap::new();
    for op in ordered {
        if op.entity != EntityKind::Item {
            continue;
        }
        match op.kind {
            OpKind::Create => {
                creates
                    .entry(op.entity_id.clone())
                    .or_insert_with(|| op.new_value.clone());
            }
            OpKind::Delete => {
                deletes
                    .entry(op.entity_id.clone())
                    .or_default()
                    .push(op.covers.clone().unwrap_or_default());
                continue;
            }
            _ => {
                let field = op.field.clone().unwrap_or_default();
                let element = match op.kind {
                    OpKind::Add => op.new_value.to_string(),
                    OpKind::Remove => op.old_value.to_string(),
                    _ => String::new(),
                };
                let key = (op.entity_id.clone(), field, element.clone());
                let head = Head {
                    op_id: op.id.clone(),
                    clock: op.clock,
                    device_id: op.device_id.clone(),
                    kind: op.kind,
                    value: if op.kind == OpKind::Set {
                        op.new_value.clone()
                    } else {
                        serde_json::Value::String(element)
                    },
                };
                let current = heads.remove(&key).unwrap_or_default();
                heads.insert(key, merge::next_heads(&current, &head, &op.base));
            }
        }
        let entry = item_ops.entry(op.entity_id.clone()).or_default();
        let seq = entry.entry(op.device_id.clone()).or_insert(0);
        *seq = (*seq).max(op.seq);
    }
    let mut registers = BTreeMap::new();
    let mut elements = BTreeMap::new();
    for ((item, field, element), hs) in &heads {
        if element.is_empty() {
            if let Some(state) = merge::register_state(hs) {
                registers.insert((item.clone(), field.clone()), state.winner.value.clone());
            }
        } else {
            elements.insert(
                (item.clone(), format!("{field}|{element}")),
                merge::element_present(hs),
            );
        }
    }
    let mut gone = BTreeSet::new();
    for (item, vvs) in &deletes {
        if merge::deleted(vvs, item_ops.get(item).unwrap_or(&VersionVector::new())) {
            gone.insert(item.clone());
        }
    }
    (registers, gone, elements)
}

fn run_case(seed: u64, pcs: usize, steps: usize) -> BTreeMap<&'static str, u32> {
    let (office, counts) = play(seed, pcs, steps);
    check(&office, seed);
    counts
}

/// The random part of a case: PCs edit and sync under faults, then every fault is lifted and
/// they sync until nothing moves.
fn play(seed: u64, pcs: usize, steps: usize) -> (Office, BTreeMap<&'static str, u32>) {
    let mut office = Office::new(pcs, seed);
    let mut rng = Rng::new(seed);
    let mut counts = BTreeMap::new();
    let mut past = Past {
        identity: identity_faults(),
        ..Past::default()
    };
    // Compaction in a third of the cases (it removes segments every PC has applied).
    office.compact = rng.chance(33);
    if office.compact {
        counts.insert("compacting", 1);
    }
    for _ in 0..steps {
        if rng.chance(15) {
            perturb(&mut office, &mut rng, &mut counts, &mut past);
        }
        act(&mut office, &mut rng, &mut counts);
    }
    let passes = office.converge();
    *counts.entry("converge_passes").or_default() += passes as u32;
    (office, counts)
}

/// What must hold once the PCs settled: one catalog everywhere, every operation everywhere, and
/// every field as the merge rules say for the full set of operations.
fn check(office: &Office, seed: u64) {
    if std::env::var_os("SYNC_PROPTEST_DEBUG").is_some() {
        eprintln!("retired {:?}", office.retired_ids);
        let first: BTreeMap<String, Operation> = office.pcs[0]
            .catalog
            .operations()
            .unwrap_or_default()
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        for (pc, p) in office.pcs.iter().enumerate().skip(1) {
            for op in p.catalog.operations().unwrap_or_default() {
                if let Some(other) = first.get(&op.id) {
                    if other != &op {
                        eprintln!("differs pc0/pc{pc}: {other:?}\n   vs {op:?}");
                    }
                    if other.new_value != op.new_value || other.entity_id != op.entity_id {
                        eprintln!(
                            "clash pc0/pc{pc}: {} {:?} vs {:?}",
                            op.id, other.new_value, op.new_value
                        );
                    }
                }
            }
        }
        for (pc, p) in office.pcs.iter().enumerate() {
            let mut held: BTreeMap<String, Vec<u64>> = BTreeMap::new();
            for op in p.catalog.operations().unwrap_or_default() {
                held.entry(op.device_id.clone()).or_default().push(op.seq);
            }
            for (device, mut seqs) in held {
                seqs.sort_unstable();
                let gaps: Vec<u64> = seqs
                    .windows(2)
                    .filter(|w| w[1] != w[0] + 1)
                    .map(|w| w[0])
                    .collect();
                eprintln!(
                    "pc {pc} holds {device}: {} ops, {:?}..{:?}, gaps after {gaps:?}",
                    seqs.len(),
                    seqs.first(),
                    seqs.last()
                );
            }
            if let Ok(want) = std::env::var("SYNC_DEBUG_ITEM") {
                let mut ops = p.catalog.operations().unwrap_or_default();
                ops.sort_by_key(|o| o.clock);
                for op in ops.iter().filter(|o| o.entity_id.starts_with(&want)) {
                    eprintln!(
                        "pc {pc} op {} {:?} {:?} {:?} {} base {:?} covers {:?}",
                        op.id,
                        op.clock,
                        op.kind,
                        op.field,
                        op.new_value
                            .to_string()
                            .chars()
                            .take(60)
                            .collect::<String>(),
                        op.base,
                        op.covers
                    );
                }
            }
            eprintln!(
                "pc {pc} reissued {:?} ends {:?}",
                p.catalog.sync_value("reissued"),
                p.catalog.sync_value("previous_ends")
            );
            if let Ok(want) = std::env::var("SYNC_DEBUG_OPS") {
                for op in p.catalog.operations().unwrap_or_default() {
                    if op.id.starts_with(&want) {
                        eprintln!(
                            "pc {pc} op {} {:?} {:?} base {:?}",
                            op.id, op.clock, op.field, op.base
                        );
                    }
                }
            }
            for k in p.catalog.kept_aside().unwrap_or_default() {
                eprintln!("pc {pc} kept aside {k:?}");
            }
            eprintln!(
                "pc {pc} previous ids {:?}",
                p.catalog.sync_value("previous_device_ids")
            );
            if let Ok(status) = desk_sync::status(&p.catalog) {
                eprintln!(
                    "pc {pc} {}: waiting {:?}\n  damaged {:?}\n  cursors {:?}\n  error {:?}",
                    status.device_id,
                    status.waiting,
                    status.damaged,
                    status.cursors,
                    status.last_error
                );
            }
        }
    }
    const KEYS: [&str; 11] = [
        "items",
        "sets",
        "checks",
        "checklists",
        "signoffs",
        "bundles",
        "bundle_items",
        "people",
        "ops",
        "heads",
        "conflicts",
    ];
    let first = dump(&office.pcs[0].catalog);
    for pc in 1..office.pcs.len() {
        let other = dump(&office.pcs[pc].catalog);
        if other != first {
            for key in KEYS {
                if first[key] != other[key] && std::env::var_os("SYNC_PROPTEST_DEBUG").is_some() {
                    eprintln!("differ in {key}: {}", difference(&first[key], &other[key]));
                }
            }
            for key in KEYS {
                if first[key] != other[key] {
                    panic!(
                        "seed {seed}: pc 0 and pc {pc} differ in {key}: {}",
                        difference(&first[key], &other[key])
                    );
                }
            }
            assert_eq!(first, other, "seed {seed}: pc 0 and pc {pc} differ");
        }
    }
    // No 索引号 is held by two items, on any PC (two PCs numbering at once were settled), but
    // those an id no PC answers for any more was to renumber (a retired PC's, or one a restored
    // PC held after its backup was made and never learned of): the sync screen lists them, and a
    // person gives them another number.
    let answered = office.answered_ids();
    let gone = |d: &desk_core::sync::PendingRenumber| {
        d.device_id
            .as_ref()
            .is_some_and(|id| !answered.contains(id))
    };
    for (pc, p) in office.pcs.iter().enumerate() {
        let (left, duplicates): (Vec<_>, Vec<_>) = p
            .catalog
            .duplicate_index_numbers()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .partition(|d| d.kept_by.is_some() && d.to_renumber.iter().all(gone));
        assert!(
            duplicates.is_empty(),
            "seed {seed}: pc {pc} holds duplicate 索引号: {duplicates:?}"
        );
        let shared: i64 = p
            .catalog
            .connection()
            .query_row(
                "SELECT count(*) FROM (SELECT index_no FROM items WHERE index_no <> '' GROUP BY index_no HAVING count(*) > 1)",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shared as usize,
            left.len(),
            "seed {seed}: pc {pc} holds duplicate 索引号"
        );
    }
    // The same thing made on two PCs is one: no department twice by name, no person twice by
    // name in one department, no plan task twice under the same title, but a task imported
    // again after its item was deleted on one PC: that is a new item, and where an edit made
    // meanwhile kept the old one, both stay.
    for (pc, p) in office.pcs.iter().enumerate() {
        let mut names = BTreeMap::new();
        for d in p.catalog.departments().unwrap_or_else(|e| panic!("{e}")) {
            if let Some(other) = names.insert(fold_name(&d.name), d.id.clone()) {
                panic!(
                    "seed {seed}: pc {pc} holds department {:?} twice ({other}, {})",
                    d.name, d.id
                );
            }
        }
        let mut names = BTreeMap::new();
        for person in p.catalog.people().unwrap_or_else(|e| panic!("{e}")) {
            let key = (person.department_id.clone(), fold_name(&person.name));
            if let Some(other) = names.insert(key, person.id.clone()) {
                panic!(
                    "seed {seed}: pc {pc} holds {:?} twice in one department ({other}, {})",
                    person.name, person.id
                );
            }
        }
        let tasks: Vec<String> = p
            .catalog
            .connection()
            .prepare(
                "SELECT source || ' ' || title || ' ' || group_concat(id, ' ') FROM items i WHERE source LIKE 'plan:%' GROUP BY source, title HAVING count(*) > 1
                 AND NOT EXISTS (SELECT 1 FROM ops o WHERE o.entity = 'item' AND o.kind = 'delete'
                     AND o.entity_id IN (SELECT id FROM items i2 WHERE i2.source = i.source AND i2.title = i.title))",
            )
            .and_then(|mut stmt| {
                stmt.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            tasks.is_empty(),
            "seed {seed}: pc {pc} holds a plan task twice: {tasks:?}"
        );
    }
    // Every operation a PC holds is on every PC (the history keeps every edit), and so is every
    // operation in a segment on the share, but a retired PC's: those that never left it are
    // lost, and so are those after one whose only copy was damaged (each PC applies another's
    // operations in their order) and those of any PC that build on them, but none that any PC
    // still here holds.
    let ops = office.pcs[0]
        .catalog
        .operations()
        .unwrap_or_else(|e| panic!("{e}"));
    let held: BTreeSet<String> = ops.iter().map(|o| o.id.clone()).collect();
    // Operations that build on lost ones of a retired PC wait for them for good: the sync screen
    // names the PC that would have to come back.
    let blocked: BTreeSet<String> = office
        .pcs
        .iter()
        .filter_map(|p| desk_sync::status(&p.catalog).ok())
        .flat_map(|status| status.waiting)
        .filter(|w| {
            w.reason == desk_core::sync::WaitReason::Causal
                && office
                    .retired_ids
                    .iter()
                    .any(|r| w.detail.contains(r.as_str()))
        })
        .map(|w| w.device_id)
        .collect();
    // Nor those after an operation no copy of which survives (only in a file damaged for good,
    // and on a PC gone or restored from a backup older than it): each PC applies another's
    // operations in their order.
    let on_share = office.ops_on_share();
    let anywhere: BTreeSet<String> = office
        .pcs
        .iter()
        .flat_map(|p| p.catalog.operations().unwrap_or_default())
        .map(|o| o.id)
        .chain(on_share.keys().cloned())
        .collect();
    let seq_of = |id: &str| {
        id.rsplit_once(':')
            .and_then(|(_, n)| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut first_lost: BTreeMap<String, u64> = BTreeMap::new();
    for device in on_share.values().collect::<BTreeSet<_>>() {
        let last = on_share
            .iter()
            .filter(|(_, d)| *d == device)
            .map(|(id, _)| seq_of(id))
            .max()
            .unwrap_or(0);
        if let Some(gap) = (1..=last).find(|n| !anywhere.contains(&format!("{device}:{n}"))) {
            first_lost.insert(device.clone(), gap);
        }
    }
    let missing: Vec<String> = on_share
        .into_iter()
        .filter(|(id, device)| {
            !held.contains(id)
                && !office.retired_ids.contains(device)
                && !blocked.contains(device)
                && first_lost.get(device).is_none_or(|&gap| seq_of(id) < gap)
        })
        .map(|(id, _)| id)
        .collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: operations on the share never reached the PCs: {missing:?}"
    );
    for pc in &office.pcs {
        let own: BTreeSet<String> = pc
            .catalog
            .operations()
            .unwrap_or_default()
            .into_iter()
            .filter(|o| o.device_id == pc.catalog.device_id())
            .map(|o| o.id)
            .collect();
        let everywhere: BTreeSet<String> = ops.iter().map(|o| o.id.clone()).collect();
        assert!(
            own.is_subset(&everywhere),
            "seed {seed}: some operations of {} never arrived",
            pc.catalog.device_id()
        );
        assert_eq!(
            pc.catalog.outbox_len().unwrap_or(1),
            0,
            "seed {seed}: an outbox is not empty"
        );
    }
    // Every field shows what the merge rules give for the full set of operations.
    let (registers, gone, elements) = expected_state(&ops);
    let catalog = &office.pcs[0].catalog;
    let live: BTreeSet<String> = item_ids(office, 0).into_iter().collect();
    for ((item, field), value) in &registers {
        if gone.contains(item) {
            continue;
        }
        assert!(
            live.contains(item),
            "seed {seed}: item {item} edited but not deleted is missing"
        );
        if let Some(f) = ItemField::parse(field).filter(|f| f.key() == field) {
            let shown = catalog.item(item).map(|i| i.get(f)).unwrap_or_default();
            assert_eq!(&shown, value, "seed {seed}: {item}.{field}");
        }
    }
    for ((item, key), present) in &elements {
        if gone.contains(item) || !live.contains(item) {
            continue;
        }
        let (field, element) = key.split_once('|').unwrap_or_default();
        let shown = catalog
            .item(item)
            .ok()
            .and_then(|i| ItemField::parse(field).map(|f| i.get(f)))
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .any(|e| {
                Some(e)
                    == serde_json::from_str::<serde_json::Value>(element)
                        .ok()
                        .as_ref()
            });
        assert_eq!(
            shown, *present,
            "seed {seed}: {item}.{field} element {element}"
        );
    }
    for item in &gone {
        assert!(
            !live.contains(item),
            "seed {seed}: {item} should be deleted"
        );
    }
}

/// Only what differs between two lists of a dump (items by id, field by field), to read.
fn difference(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let empty = Vec::new();
    let (a, b) = (
        a.as_array().unwrap_or(&empty),
        b.as_array().unwrap_or(&empty),
    );
    let key = |v: &serde_json::Value| {
        v.get("id")
            .and_then(|id| id.as_str())
            .map(String::from)
            .unwrap_or_else(|| v.to_string())
    };
    let index = |list: &[serde_json::Value]| -> BTreeMap<String, serde_json::Value> {
        list.iter().map(|v| (key(v), v.clone())).collect()
    };
    let (a, b) = (index(a), index(b));
    let mut out = Vec::new();
    for id in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        match (a.get(id), b.get(id)) {
            (Some(x), Some(y)) if x != y => {
                let fields = x.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
                let changed: Vec<String> = fields
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| x.get(f) != y.get(f))
                    .map(|f| format!("{f}: {} vs {}", x[&f], y[&f]))
                    .collect();
                out.push(format!("{id}: {}", changed.join("; ")));
            }
            (Some(_), None) => out.push(format!("{id}: only on pc 0")),
            (None, Some(_)) => out.push(format!("{id}: only on the other")),
            _ => {}
        }
    }
    out.join("\n")
}

/// `SYNC_PROPTEST_IDENTITY=1` adds cloned PCs and PCs restored together with a rolled-back
/// share. Left out of the default run: two PCs under one id can still publish different
/// operations under the same numbers when the share loses the first one's files before the
/// second looks (the known open case, see docs/sync-format.md).
fn identity_faults() -> bool {
    std::env::var("SYNC_PROPTEST_IDENTITY").is_ok_and(|v| v == "1")
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    match text.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={text:?} is not a number"),
    }
}

/// Runs one case; a failure names the seed that replays it.
fn run_seed(seed: u64, pcs: usize, steps: usize) -> BTreeMap<&'static str, u32> {
    match std::panic::catch_unwind(|| run_case(seed, pcs, steps)) {
        Ok(counts) => counts,
        Err(panic) => {
            eprintln!(
                "FAILED: seed {seed} ({pcs} PCs, {steps} steps); replay it with SYNC_PROPTEST_SEED={seed}"
            );
            std::panic::resume_unwind(panic)
        }
    }
}

/// What a panic said.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Runs every seed's case on `threads` threads (each case on one thread, with its own office),
/// on to the end even when some fail; returns the summed counts and the failed seeds with what
/// they said.
fn run_cases(
    seeds: &[u64],
    threads: usize,
    pcs: usize,
    steps: usize,
) -> (BTreeMap<&'static str, u32>, Vec<(u64, String)>) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let passed = std::sync::atomic::AtomicUsize::new(0);
    let totals = std::sync::Mutex::new(BTreeMap::<&'static str, u32>::new());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(&seed) = seeds.get(index) else {
                    break;
                };
                match std::panic::catch_unwind(|| run_case(seed, pcs, steps)) {
                    Ok(counts) => {
                        let mut totals = totals.lock().unwrap_or_else(|e| e.into_inner());
                        for (key, n) in counts {
                            *totals.entry(key).or_default() += n;
                        }
                        let done = passed.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        if done.is_multiple_of(100) {
                            eprintln!("{done} cases passed");
                        }
                    }
                    Err(panic) => {
                        eprintln!(
                            "FAILED: seed {seed} ({pcs} PCs, {steps} steps); replay it with SYNC_PROPTEST_SEED={seed}"
                        );
                        failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((seed, panic_message(&*panic)));
                    }
                }
            });
        }
    });
    (
        totals.into_inner().unwrap_or_else(|e| e.into_inner()),
        failures.into_inner().unwrap_or_else(|e| e.into_inner()),
    )
}

#[test]
fn three_pcs_converge_under_faults() {
    if let Some(seed) = env_number("SYNC_PROPTEST_SEED") {
        // What was injected is shown before the end is checked.
        let (office, counts) = play(seed, 3, 120);
        eprintln!("seed {seed}: {counts:?}");
        check(&office, seed);
        return;
    }
    let cases = env_number("SYNC_PROPTEST_CASES").unwrap_or(48);
    let threads = env_number("SYNC_PROPTEST_THREADS").unwrap_or(1) as usize;
    // A new start every run (printed), each case's seed drawn from it before any case runs.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    eprintln!("{cases} cases on {threads} threads from start {start}");
    let mut draw = Rng::new(start);
    let seeds: Vec<u64> = (0..cases).map(|_| draw.next_u64()).collect();
    let (totals, mut failures) = run_cases(&seeds, threads, 3, 120);
    if failures.is_empty() {
        eprintln!("{cases} cases passed: {totals:?}");
        return;
    }
    failures.sort();
    let list: Vec<String> = failures
        .iter()
        .map(|(seed, message)| format!("SYNC_PROPTEST_SEED={seed}: {message}"))
        .collect();
    eprintln!(
        "{} of {cases} cases passed: {totals:?}",
        cases as usize - failures.len()
    );
    panic!(
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        list.join("\n")
    );
}

#[test]
fn a_seed_replays_the_same_run() {
    for seed in [5u64, 77] {
        let (first, counts) = play(seed, 3, 80);
        let (second, again) = play(seed, 3, 80);
        assert_eq!(counts, again, "seed {seed}");
        assert_eq!(first.pcs.len(), second.pcs.len(), "seed {seed}");
        for pc in 0..first.pcs.len() {
            assert_eq!(
                first.pcs[pc].catalog.device_id(),
                second.pcs[pc].catalog.device_id()
            );
            assert_eq!(
                dump(&first.pcs[pc].catalog),
                dump(&second.pcs[pc].catalog),
                "seed {seed}, pc {pc}: the same operations, clocks and ids"
            );
        }
        let files = |o: &Office| o.share.borrow().files.clone();
        assert!(
            files(&first) == files(&second),
            "seed {seed}: the same share"
        );
    }
}

#[test]
fn four_pcs_fixed_seeds() {
    for seed in [1u64, 2019, 42] {
        let counts = run_seed(seed, 4, 60);
        eprintln!("seed {seed}: {counts:?}");
    }
}

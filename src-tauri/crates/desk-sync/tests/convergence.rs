//! Convergence under random interleavings: several PCs edit at random (fields, sets, check
//! marks, workflow with sign-offs, deletes, settling conflicts), sync at random through a share
//! that delays, reorders, tears and fails, are cut off and rejoin, while people and other programs
//! leave their own files, folders, pipes and links in it and published files are damaged in
//! place. In the end every PC shows the same catalog, holds every operation ever made, every
//! field shows what the merge rules say the full set of operations gives (so each edit is the
//! value, a kept conflict, or history), and no 索引号 is held by two items (PCs numbering items at
//! once are settled).
//!
//! Seeded: a case is a function of its seed alone (the simulated clock and ids come from it,
//! see `common`), so a failure prints the seed and `SYNC_PROPTEST_SEED=<seed>` replays exactly
//! that case; `SYNC_PROPTEST_CASES` runs more cases than the default.

mod common;

use common::{dump, sign_off, Faults, Office, Rng};
use desk_core::checklist::CheckState;
use desk_core::export::{BundleRecord, ExportScope};
use desk_core::fields::ItemField;
use desk_core::merge::{self, Head, VersionVector};
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind, Operation};
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

fn perturb(office: &mut Office, rng: &mut Rng, counts: &mut BTreeMap<&'static str, u32>) {
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
        damage_a_file(office, rng, counts);
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
/// of the same kind, or deleted. The office must heal it.
fn damage_a_file(office: &mut Office, rng: &mut Rng, counts: &mut BTreeMap<&'static str, u32>) {
    let mut share = office.share.borrow_mut();
    let paths: Vec<String> = share.files.keys().cloned().collect();
    let Some(path) = rng.pick(&paths).cloned() else {
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
    // Compaction in a third of the cases (it removes segments every PC has applied).
    office.compact = rng.chance(33);
    if office.compact {
        counts.insert("compacting", 1);
    }
    for _ in 0..steps {
        if rng.chance(15) {
            perturb(&mut office, &mut rng, &mut counts);
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
    let first = dump(&office.pcs[0].catalog);
    for pc in 1..office.pcs.len() {
        let other = dump(&office.pcs[pc].catalog);
        if other != first {
            for key in [
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
            ] {
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
    // No 索引号 is held by two items, on any PC (two PCs numbering at once were settled).
    for (pc, p) in office.pcs.iter().enumerate() {
        let duplicates = p
            .catalog
            .duplicate_index_numbers()
            .unwrap_or_else(|e| panic!("{e}"));
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
        assert_eq!(shared, 0, "seed {seed}: pc {pc} holds duplicate 索引号");
    }
    // Every operation made anywhere is on every PC (the history keeps every edit).
    let ops = office.pcs[0]
        .catalog
        .operations()
        .unwrap_or_else(|e| panic!("{e}"));
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

#[test]
fn three_pcs_converge_under_faults() {
    if let Some(seed) = env_number("SYNC_PROPTEST_SEED") {
        let counts = run_seed(seed, 3, 120);
        eprintln!("seed {seed}: {counts:?}");
        return;
    }
    let cases = env_number("SYNC_PROPTEST_CASES").unwrap_or(48);
    // A new start every run (printed), each case's seed drawn from it.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    eprintln!("{cases} cases from start {start}");
    let mut seeds = Rng::new(start);
    let mut totals: BTreeMap<&'static str, u32> = BTreeMap::new();
    for case in 1..=cases {
        let seed = seeds.next_u64();
        let counts = run_seed(seed, 3, 120);
        for (key, n) in counts {
            *totals.entry(key).or_default() += n;
        }
        if case % 100 == 0 {
            eprintln!("{case} cases passed");
        }
    }
    eprintln!("{cases} cases passed: {totals:?}");
}

#[test]
fn a_seed_replays_the_same_run() {
    for seed in [5u64, 77] {
        let (first, counts) = play(seed, 3, 80);
        let (second, again) = play(seed, 3, 80);
        assert_eq!(counts, again, "seed {seed}");
        for pc in 0..3 {
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

//! `desk-bench sync`: how fast sync brings operations in, against plain SQLite inserting the
//! same rows in the same run (DESIGN 5: benchmarks are ratios against a baseline, not timed
//! tests).
//!
//! 1. `apply`: 100,000 remote operations (items created, then their fields edited, each edit
//!    naming the one it overwrote), read from segment files in a real folder and applied by a
//!    sync round into a fresh catalog.
//! 2. `snapshot`: a new PC brought up from a snapshot of a 100,000-item catalog.
//!
//! `apply` runs twice: as written before signing, and as an office that signs writes it (every
//! segment signed by its PC's device key, the roster enrolling that PC in a segment of the
//! coordinator's PC, the reader pinned to the office key): the cost of checking one SM2
//! signature and one SM3 digest per segment.
//!
//! Baseline for both: one SQLite transaction with prepared statements inserting the same
//! operation rows and writing the same item rows (no merge, no index, no checks).
//! Usage: desk-bench sync [--ops N] [--items N] [--runs N] [--out FILE.md] [--json FILE]

use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_store::{Catalog, OpenOptions};
use desk_sync::format::{self, FormatFile, SegmentKind};
use desk_sync::{FsFolder, SyncFolder, SyncOptions};
use std::path::PathBuf;
use std::time::Instant;

const DEVICE: &str = "be0c00000001";
/// The coordinator's PC, whose segment carries the roster that enrols `DEVICE`.
const COORDINATOR: &str = "be0c000000c0";
const CATALOG: &str = "0b6f2a4e-8c1d-4e2f-9a3b-5c6d7e8f9a0b";

/// The sizes of a run and where its figures go.
pub struct SyncBenchOptions {
    /// Remote operations to apply (a fifth of them create items, the rest edit them).
    pub ops: usize,
    /// Items in the snapshot a new PC starts from.
    pub items: usize,
    pub runs: usize,
    /// The table as Markdown.
    pub out: Option<PathBuf>,
    /// The figures as JSON (for scripts/bench.sh, which puts them into bench/RESULTS.md).
    pub json: Option<PathBuf>,
}

/// `items` creates, then edits until there are `total` operations, each edit based on the
/// register's previous operation.
fn generate(items: usize, total: usize) -> Vec<Operation> {
    let mut ops = Vec::with_capacity(total);
    let base_ms = 1_700_000_000_000i64;
    let mut last: Vec<[String; 3]> = Vec::with_capacity(items);
    let fields = ["title", "doc_no", "summary"];
    for n in 0..total {
        let seq = n as u64 + 1;
        let id = format!("{DEVICE}:{seq}");
        let clock = Hlc {
            wall_ms: base_ms + n as i64,
            counter: 0,
        };
        let (entity_id, kind, field, new_value, base) = if n < items {
            let mut item = Item::blank(format!("item-{n:06}"));
            item.title = format!("关于做好2019年第{n}项政务公开工作的通知");
            item.doc_no = format!("大教发〔2019〕{n}号");
            item.summary = "规法处负责落实，按季度公开。".into();
            last.push([id.clone(), id.clone(), id.clone()]);
            (
                item.id.clone(),
                OpKind::Create,
                None,
                serde_json::to_value(&item).unwrap_or_default(),
                Vec::new(),
            )
        } else {
            let target = (n * 7919) % items;
            let which = n % 3;
            let base = vec![last[target][which].clone()];
            last[target][which] = id.clone();
            (
                format!("item-{target:06}"),
                OpKind::Set,
                Some(fields[which].to_string()),
                serde_json::Value::String(format!("第{n}次修改")),
                base,
            )
        };
        ops.push(Operation {
            id,
            device_id: DEVICE.into(),
            seq,
            clock,
            author_id: "bench".into(),
            entity: EntityKind::Item,
            entity_id,
            kind,
            field,
            old_value: serde_json::Value::Null,
            new_value,
            base,
            covers: None,
            newer: None,
        });
    }
    ops
}

/// An office that signs: its key, the device key of the PC whose operations are applied, and the
/// coordinator's signed segment carrying the roster that enrols both PCs.
struct Office {
    fingerprint: desk_trust::Fingerprint,
    device: desk_trust::KeyPair,
    roster_segment: Vec<u8>,
}

fn office() -> Result<Office, String> {
    use desk_trust::roster::{EnrolledKey, Roster, RosterDevice};
    let key = |e: desk_trust::TrustError| e.to_string();
    let office = desk_trust::KeyPair::generate().map_err(key)?;
    let device = desk_trust::KeyPair::generate().map_err(key)?;
    let coordinator = desk_trust::KeyPair::generate().map_err(key)?;
    // Set up before the generated operations' time (2023-11-14): they must all be signed.
    let at = "2023-11-01T00:00:00Z";
    let mut roster = Roster::first(CATALOG, office.public_key(), at);
    for (id, pair) in [(DEVICE, &device), (COORDINATOR, &coordinator)] {
        roster.devices.push(RosterDevice {
            device_id: id.into(),
            keys: vec![EnrolledKey {
                public_key: pair.public_key(),
                enrolled_at: at.into(),
                revoked_at: None,
            }],
        });
    }
    let signed = roster.sign(&office).map_err(key)?;
    let op = Operation {
        id: format!("{COORDINATOR}:1"),
        device_id: COORDINATOR.into(),
        seq: 1,
        clock: Hlc {
            wall_ms: 1_699_999_000_000,
            counter: 0,
        },
        author_id: "bench".into(),
        entity: EntityKind::Roster,
        entity_id: format!("v1-{}", office.public_key().fingerprint().digits()),
        kind: OpKind::Create,
        field: None,
        old_value: serde_json::Value::Null,
        new_value: serde_json::to_value(&signed).map_err(|e| e.to_string())?,
        base: Vec::new(),
        covers: None,
        newer: None,
    };
    let mut vv = VersionVector::new();
    vv.insert(COORDINATOR.into(), 1);
    let ops = [op];
    let mut header = format::ops_header(CATALOG, COORDINATOR, &ops, vv, "");
    format::sign_header(&mut header, &ops, &coordinator).map_err(|e| e.to_string())?;
    let roster_segment = format::encode_segment(&header, &ops).map_err(|e| e.to_string())?;
    Ok(Office {
        fingerprint: office.public_key().fingerprint(),
        device,
        roster_segment,
    })
}

fn folder_with(ops: &[Operation], snapshot: bool) -> Result<tempfile::TempDir, String> {
    folder_signed(ops, snapshot, None)
}

fn folder_signed(
    ops: &[Operation],
    snapshot: bool,
    office: Option<&Office>,
) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let folder = FsFolder::open(dir.path()).map_err(|e| e.to_string())?;
    let format = FormatFile {
        format: format::FORMAT_NAME.into(),
        major: format::FORMAT_MAJOR,
        minor: format::FORMAT_MINOR,
        catalog_id: CATALOG.into(),
        created_by: DEVICE.into(),
        created_at: String::new(),
        check: None,
    };
    let json = serde_json::to_vec(&format).map_err(|e| e.to_string())?;
    folder
        .create_new(&format!("{CATALOG}/format.json"), &json)
        .map_err(|e| e.to_string())?;
    let last = ops.last().map_or(0, |o| o.seq);
    if snapshot {
        let mut vv = VersionVector::new();
        vv.insert(DEVICE.into(), last);
        let mut header = format::ops_header(CATALOG, DEVICE, ops, vv, "");
        header.kind = SegmentKind::Snapshot;
        let bytes = format::encode_segment(&header, ops).map_err(|e| e.to_string())?;
        let clock = ops.last().map_or(Hlc::ZERO, |o| o.clock);
        folder
            .create_new(
                &format!(
                    "{CATALOG}/snapshots/{}",
                    format::snapshot_name(DEVICE, clock)
                ),
                &bytes,
            )
            .map_err(|e| e.to_string())?;
        // The newest segment stays after compaction: one operation past the snapshot would be
        // in it; here the snapshot holds everything, so the last segment repeats the tail.
        let tail = &ops[ops.len().saturating_sub(1)..];
        let mut vv = VersionVector::new();
        vv.insert(DEVICE.into(), last);
        let header = format::ops_header(CATALOG, DEVICE, tail, vv, "");
        let bytes = format::encode_segment(&header, tail).map_err(|e| e.to_string())?;
        folder
            .create_new(
                &format!("{CATALOG}/ops/{DEVICE}/{}", format::segment_name(last)),
                &bytes,
            )
            .map_err(|e| e.to_string())?;
    } else {
        if let Some(office) = office {
            folder
                .create_new(
                    &format!("{CATALOG}/ops/{COORDINATOR}/{}", format::segment_name(1)),
                    &office.roster_segment,
                )
                .map_err(|e| e.to_string())?;
        }
        for chunk in ops.chunks(2000) {
            let mut vv = VersionVector::new();
            vv.insert(DEVICE.into(), chunk.last().map_or(0, |o| o.seq));
            let mut header = format::ops_header(CATALOG, DEVICE, chunk, vv, "");
            if let Some(office) = office {
                format::sign_header(&mut header, chunk, &office.device)
                    .map_err(|e| e.to_string())?;
            }
            let bytes = format::encode_segment(&header, chunk).map_err(|e| e.to_string())?;
            let first = chunk.first().map_or(1, |o| o.seq);
            folder
                .create_new(
                    &format!("{CATALOG}/ops/{DEVICE}/{}", format::segment_name(first)),
                    &bytes,
                )
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(dir)
}

/// Runs one sync round of a fresh catalog against the folder; returns seconds and ops applied.
fn sync_into_fresh(share: &std::path::Path) -> Result<(f64, u32, u32), String> {
    sync_into_fresh_pinned(share, None)
}

/// [`sync_into_fresh`] on a PC that pinned the office key `pinned` first.
fn sync_into_fresh_pinned(
    share: &std::path::Path,
    pinned: Option<&desk_trust::Fingerprint>,
) -> Result<(f64, u32, u32), String> {
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut catalog =
        Catalog::open(data.path(), OpenOptions::default()).map_err(|e| e.to_string())?;
    if let Some(fingerprint) = pinned {
        catalog
            .pin_office_key(fingerprint)
            .map_err(|e| e.to_string())?;
    }
    let folder = FsFolder::open(share).map_err(|e| e.to_string())?;
    let options = SyncOptions {
        folder_label: "bench".into(),
        compact: false,
        ..SyncOptions::default()
    };
    let start = Instant::now();
    let report =
        desk_sync::sync_round(&mut catalog, &folder, &options).map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let applied = report.applied.iter().map(|a| a.ops).sum();
    let items = catalog.item_count().map_err(|e| e.to_string())?;
    if !report.waiting.is_empty() {
        return Err(format!("segments left waiting: {:?}", report.waiting));
    }
    // Checked, not merely applied: the PC still trusts the office key and holds its roster.
    if pinned.is_some() && catalog.roster().map_err(|e| e.to_string())?.is_none() {
        return Err("the signed run ended without the office's roster".into());
    }
    Ok((seconds, applied, items))
}

/// Plain SQLite: the same operation rows and the same item rows in one transaction, with the
/// catalog's own connection settings. The two narrow tables are the baseline's own, not the
/// catalog's schema: without its indexes and constraints they are what plain SQLite needs to
/// hold the rows, and the ratio is against that.
fn baseline(ops: &[Operation]) -> Result<f64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut conn =
        rusqlite::Connection::open(dir.path().join("plain.db")).map_err(|e| e.to_string())?;
    // The settings the catalog runs sync with (WAL, synchronous NORMAL, a 64 MB page cache):
    // SQLite's defaults (a sync at every commit, a 2 MB cache that spills a large transaction
    // to the log) would make the baseline slower than plain SQLite needs to be.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -65536;
         CREATE TABLE ops (id TEXT PRIMARY KEY, device_id TEXT, seq INTEGER, clock TEXT, author_id TEXT, entity TEXT, entity_id TEXT, kind TEXT, field TEXT, old_value TEXT, new_value TEXT, base TEXT);
         CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT, doc_no TEXT, summary TEXT, body TEXT);",
    )
    .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    {
        let mut insert_op = tx
            .prepare("INSERT INTO ops VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
            .map_err(|e| e.to_string())?;
        let mut insert_item = tx
            .prepare("INSERT INTO items VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(|e| e.to_string())?;
        let mut updates = [
            tx.prepare("UPDATE items SET title = ?2 WHERE id = ?1")
                .map_err(|e| e.to_string())?,
            tx.prepare("UPDATE items SET doc_no = ?2 WHERE id = ?1")
                .map_err(|e| e.to_string())?,
            tx.prepare("UPDATE items SET summary = ?2 WHERE id = ?1")
                .map_err(|e| e.to_string())?,
        ];
        for op in ops {
            insert_op
                .execute(rusqlite::params![
                    op.id,
                    op.device_id,
                    op.seq as i64,
                    op.clock.to_string(),
                    op.author_id,
                    op.entity.key(),
                    op.entity_id,
                    op.kind.key(),
                    op.field,
                    op.old_value.to_string(),
                    op.new_value.to_string(),
                    serde_json::to_string(&op.base).unwrap_or_default(),
                ])
                .map_err(|e| e.to_string())?;
            match op.field.as_deref() {
                None => {
                    let v = &op.new_value;
                    insert_item
                        .execute(rusqlite::params![
                            op.entity_id,
                            v["title"].as_str(),
                            v["doc_no"].as_str(),
                            v["summary"].as_str(),
                            v.to_string()
                        ])
                        .map_err(|e| e.to_string())?;
                }
                Some(field) => {
                    let which = match field {
                        "title" => 0,
                        "doc_no" => 1,
                        _ => 2,
                    };
                    updates[which]
                        .execute(rusqlite::params![op.entity_id, op.new_value.as_str()])
                        .map_err(|e| e.to_string())?;
                }
            }
        }
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(start.elapsed().as_secs_f64())
}

/// Runs both benchmarks `options.runs` times, printing the table as it goes.
pub fn run(options: &SyncBenchOptions) -> Result<(), String> {
    let total = options.ops;
    let items = options.items;
    let runs = options.runs.max(1);
    let mut lines = Vec::new();
    let mut say = |line: String| {
        println!("{line}");
        lines.push(line);
    };
    say("| benchmark | sync | plain SQLite | ratio |".into());
    say("| --- | ---: | ---: | ---: |".into());

    let apply_ops = generate((total / 5).max(1), total);
    let mut measured = Vec::new();
    for _ in 0..runs {
        let share = folder_with(&apply_ops, false)?;
        let (apply_seconds, applied, _) = sync_into_fresh(share.path())?;
        if applied as usize != total {
            return Err(format!("applied {applied} of {total} operations"));
        }
        drop(share);
        let apply_plain = baseline(&apply_ops)?;
        say(format!(
            "| apply {total} remote operations ({} items, {} edits; 2,000 per segment, from files) | {apply_seconds:.2} s | {apply_plain:.2} s | {:.1}× |",
            total / 5,
            total - total / 5,
            apply_seconds / apply_plain.max(1e-9)
        ));
        let signing = office()?;
        let share = folder_signed(&apply_ops, false, Some(&signing))?;
        let (signed_seconds, applied, _) =
            sync_into_fresh_pinned(share.path(), Some(&signing.fingerprint))?;
        // The roster's own operation comes with them.
        if applied as usize != total + 1 {
            return Err(format!(
                "applied {applied} of {} signed operations",
                total + 1
            ));
        }
        drop(share);
        say(format!(
            "| the same, every segment signed and checked against the roster ({:.2}× unsigned) | {signed_seconds:.2} s | {apply_plain:.2} s | {:.1}× |",
            signed_seconds / apply_seconds.max(1e-9),
            signed_seconds / apply_plain.max(1e-9)
        ));

        // The new PC joins in a process of its own: the peak resident memory measured is the
        // join's, not the benchmark's copy of the operations.
        let share = folder_with(&generate(items, items), true)?;
        let (snapshot_seconds, count, snapshot_peak_kib) = join_in_own_process(share.path())?;
        if count as usize != items {
            return Err(format!(
                "{count} items after the snapshot, {items} expected"
            ));
        }
        drop(share);
        let snapshot_plain = baseline(&generate(items, items))?;
        let peak = snapshot_peak_kib.map_or(String::new(), |kib| {
            format!(", peak resident {} MB", kib / 1024)
        });
        say(format!(
            "| new PC from a snapshot of {items} items{peak} | {snapshot_seconds:.2} s | {snapshot_plain:.2} s | {:.1}× |",
            snapshot_seconds / snapshot_plain.max(1e-9)
        ));
        measured.push(serde_json::json!({
            "apply_seconds": apply_seconds,
            "apply_baseline_seconds": apply_plain,
            "apply_signed_seconds": signed_seconds,
            "snapshot_seconds": snapshot_seconds,
            "snapshot_baseline_seconds": snapshot_plain,
            "snapshot_peak_kib": snapshot_peak_kib,
        }));
    }
    if let Some(out) = &options.out {
        std::fs::write(out, lines.join("\n") + "\n")
            .map_err(|e| format!("{}: {e}", out.display()))?;
    }
    // For scripts/bench.sh, which puts the figures into bench/RESULTS.md.
    if let Some(out) = &options.json {
        let json = serde_json::json!({
            "ops": total,
            "apply_items": (total / 5).max(1),
            "items": items,
            "runs": measured,
        });
        let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        std::fs::write(out, text + "\n").map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(())
}

/// Runs `sync-join` on `share` in a child process: its seconds, items, and peak resident KiB.
fn join_in_own_process(share: &std::path::Path) -> Result<(f64, u32, Option<u64>), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = std::process::Command::new(exe)
        .arg("sync-join")
        .arg(share)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let figures: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    Ok((
        figures["seconds"].as_f64().unwrap_or(0.0),
        figures["items"].as_u64().unwrap_or(0) as u32,
        figures["peak_kib"].as_u64(),
    ))
}

/// A new PC joining the folder at `share`; prints its figures as JSON (see
/// [`join_in_own_process`]).
pub fn join(share: &std::path::Path) -> Result<(), String> {
    let (seconds, applied, items) = sync_into_fresh(share)?;
    let figures = serde_json::json!({
        "seconds": seconds,
        "applied": applied,
        "items": items,
        "peak_kib": peak_resident_kib(),
    });
    println!("{figures}");
    Ok(())
}

/// The process's peak resident memory, in KiB (Linux only).
fn peak_resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

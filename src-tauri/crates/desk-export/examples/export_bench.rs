//! The export benchmark (bench/export.md): a catalog of signed-off items with about 1 GiB of
//! attachments, exported in full and, in the same run, the same attachment bytes copied with
//! `cp`. Not a test: run it with `bash bench/export.sh` (release build).
//!
//! Usage: export_bench --dir DIR [--items 10000] [--bytes 1073741824] [--runs 3] [--json FILE]

use chrono::NaiveDate;
use desk_core::checklist::CheckState;
use desk_core::export::ExportScope;
use desk_core::model::{Department, DepartmentKind, Item, Person, Role};
use desk_core::workflow::Action;
use desk_export::bundle::{self, ExportOptions};
use desk_store::{Catalog, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

struct Args {
    dir: PathBuf,
    items: usize,
    bytes: u64,
    runs: usize,
    /// Where to write the figures as JSON (for scripts/bench.sh's report).
    json: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        dir: PathBuf::new(),
        items: 10_000,
        bytes: 1 << 30,
        runs: 3,
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let value = it.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--dir" => out.dir = PathBuf::from(value),
            "--items" => out.items = value.parse().map_err(|_| "--items N")?,
            "--bytes" => out.bytes = value.parse().map_err(|_| "--bytes N")?,
            "--runs" => out.runs = value.parse().map_err(|_| "--runs N")?,
            "--json" => out.json = Some(PathBuf::from(value)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.dir.as_os_str().is_empty() {
        return Err("--dir DIR (an empty folder) is needed".into());
    }
    Ok(out)
}

/// Incompressible bytes (xorshift), different for every seed.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn build_catalog(data: &Path, files: &Path, items: usize, bytes: u64) -> Result<(), String> {
    let err = |e: desk_store::StoreError| e.to_string();
    let mut c = Catalog::open(data, OpenOptions::default()).map_err(err)?;
    c.connection()
        .pragma_update(None, "synchronous", "OFF")
        .map_err(|e| e.to_string())?;
    let dep = c
        .save_department(Department {
            id: String::new(),
            name: "规法处".into(),
            code: "GFC".into(),
            kind: DepartmentKind::Department,
        })
        .map_err(err)?;
    let clerk = c
        .save_person(Person {
            id: String::new(),
            name: "王芳".into(),
            department_id: Some(dep.id.clone()),
            roles: vec![Role::Clerk],
        })
        .map_err(err)?;
    let head = c
        .save_person(Person {
            id: String::new(),
            name: "李处长".into(),
            department_id: Some(dep.id.clone()),
            roles: vec![Role::SectionHead],
        })
        .map_err(err)?;
    std::fs::create_dir_all(files).map_err(|e| e.to_string())?;
    let per_item = (bytes / items.max(1) as u64) as usize;
    let mut check_keys: Option<Vec<String>> = None;
    for n in 0..items {
        c.set_current_person(&clerk.id).map_err(err)?;
        let mut item = Item::blank(String::new());
        item.title = format!("关于第{n}号事项的通知");
        item.lead_department_id = Some(dep.id.clone());
        item.doc_no = format!("大教发〔2026〕{n}号");
        item.date_written = NaiveDate::from_ymd_opt(2026, 3, 5);
        item.channels = vec!["政府网站".into()];
        let item = c.save_item(item).map_err(err)?;
        // Sizes vary around the mean (half to one and a half), as real PDFs do.
        let size = per_item / 2 + (n * 7919) % per_item.max(1);
        let file = files.join(format!("{n}.pdf"));
        std::fs::write(&file, noise(n as u64 + 1, size)).map_err(|e| e.to_string())?;
        c.add_attachment(&item.id, &file).map_err(err)?;
        std::fs::remove_file(&file).map_err(|e| e.to_string())?;
        c.act(&item.id, Action::Submit, "").map_err(err)?;
        let keys = match &check_keys {
            Some(keys) => keys.clone(),
            None => {
                let review = c
                    .item_review(
                        &item.id,
                        NaiveDate::from_ymd_opt(2026, 3, 6).unwrap_or_default(),
                    )
                    .map_err(err)?;
                let keys: Vec<String> = review
                    .checklist
                    .checks
                    .iter()
                    .filter(|k| k.def.required)
                    .map(|k| k.def.key.clone())
                    .collect();
                check_keys = Some(keys.clone());
                keys
            }
        };
        for key in keys {
            if c.mark_check(&item.id, &key, CheckState::Passed, "")
                .is_err()
            {
                c.mark_check(&item.id, &key, CheckState::NotApplicable, "不涉及")
                    .map_err(err)?;
            }
        }
        c.act(&item.id, Action::RequestSignoff, "").map_err(err)?;
        c.set_current_person(&head.id).map_err(err)?;
        c.act(&item.id, Action::SignOff, "").map_err(err)?;
        if (n + 1) % 1000 == 0 {
            eprintln!("  {} items", n + 1);
        }
    }
    Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("export_bench: {e}");
            std::process::exit(2);
        }
    };
    let data = args.dir.join("data");
    let started = Instant::now();
    if let Err(e) = build_catalog(&data, &args.dir.join("files"), args.items, args.bytes) {
        eprintln!("export_bench: building the catalog: {e}");
        std::process::exit(1);
    }
    let setup = started.elapsed().as_secs_f64();
    let attachments = data.join("attachments");
    let store_bytes: u64 = walk(&attachments).iter().map(|(_, len)| len).sum();
    eprintln!("catalog ready in {setup:.0} s, {store_bytes} attachment bytes");

    let mut catalog = match Catalog::open(&data, OpenOptions::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("export_bench: {e}");
            std::process::exit(1);
        }
    };
    // The part of an export that is the catalog's, not the bytes': choosing the items (each
    // item's checklist and sign-off checked) is what `preview` does.
    let t = Instant::now();
    let preview = bundle::preview(&catalog, ExportScope::Full);
    let preview_seconds = t.elapsed().as_secs_f64();
    if let Err(e) = preview {
        eprintln!("export_bench: {e}");
        std::process::exit(1);
    }
    let (mut export_times, mut cp_times, mut verify_times) = (Vec::new(), Vec::new(), Vec::new());
    let mut bundle_bytes = 0;
    for run in 0..args.runs {
        // cp first and export second in even runs, the other way in odd ones.
        let order = if run % 2 == 0 {
            ["cp", "export"]
        } else {
            ["export", "cp"]
        };
        for what in order {
            let out = args.dir.join(format!("run-{run}"));
            let _ = std::fs::remove_dir_all(&out);
            if let Err(e) = std::fs::create_dir_all(&out) {
                eprintln!("export_bench: {e}");
                std::process::exit(1);
            }
            if what == "cp" {
                let t = Instant::now();
                let status = Command::new("cp")
                    .arg("-r")
                    .arg(&attachments)
                    .arg(out.join("copy"))
                    .status();
                if !status.is_ok_and(|s| s.success()) {
                    eprintln!("export_bench: cp failed");
                    std::process::exit(1);
                }
                sync();
                cp_times.push(t.elapsed().as_secs_f64());
            } else {
                let path = out.join("bundle.zip");
                let t = Instant::now();
                let report = bundle::export(
                    &mut catalog,
                    &ExportOptions {
                        scope: ExportScope::Full,
                        out: &path,
                        overwrite: false,
                    },
                    &mut |_| {},
                    &AtomicBool::new(false),
                );
                match report {
                    Ok(r) => bundle_bytes = r.bytes,
                    Err(e) => {
                        eprintln!("export_bench: {e}");
                        std::process::exit(1);
                    }
                }
                sync();
                export_times.push(t.elapsed().as_secs_f64());
                let t = Instant::now();
                let verified = desk_export::verify::verify(&path);
                verify_times.push(t.elapsed().as_secs_f64());
                if !verified.ok {
                    eprintln!(
                        "export_bench: the bundle did not verify: {:?}",
                        verified.problems
                    );
                    std::process::exit(1);
                }
            }
        }
    }
    let export = median(export_times.clone());
    let cp = median(cp_times.clone());
    println!("items: {}", args.items);
    println!("attachment bytes: {store_bytes}");
    println!("bundle bytes: {bundle_bytes}");
    println!("catalog setup seconds: {setup:.1}");
    println!("export seconds (each run): {export_times:.2?}");
    println!("cp seconds (each run): {cp_times:.2?}");
    println!("verify seconds (each run): {verify_times:.2?}");
    println!("choosing the items (preview) seconds: {preview_seconds:.2}");
    println!(
        "median export {export:.2} s, median cp {cp:.2} s, ratio {:.2}",
        export / cp
    );
    if let Some(path) = &args.json {
        let runs: Vec<serde_json::Value> = export_times
            .iter()
            .zip(&cp_times)
            .zip(&verify_times)
            .map(|((export, cp), verify)| {
                serde_json::json!({ "export_seconds": export, "cp_seconds": cp, "verify_seconds": verify })
            })
            .collect();
        let json = serde_json::json!({
            "items": args.items,
            "attachment_bytes": store_bytes,
            "bundle_bytes": bundle_bytes,
            "catalog_setup_seconds": setup,
            "choosing_items_seconds": preview_seconds,
            "runs": runs,
        });
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("export_bench: {}: {e}", path.display());
            std::process::exit(1);
        }
    }
}

/// Flushes written data, so both timings include getting the bytes to disk.
fn sync() {
    let _ = Command::new("sync").status();
}

fn walk(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else if let Ok(meta) = entry.metadata() {
                out.push((path, meta.len()));
            }
        }
    }
    out
}

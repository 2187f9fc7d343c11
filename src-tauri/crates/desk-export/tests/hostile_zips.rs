//! Zips written byte by byte to cost `verify` as much as they can: entries sharing one piece of
//! compressed data (a small zip that inflates to gigabytes under every per-entry limit), many
//! entries each inflating within the limits until the total is too much, and tens of thousands
//! of bad entries that must not make a report of tens of thousands of lines.

use desk_export::verify::{verify, verify_with, Limits};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// One entry as a zip writer lays it out: its local record (header, name, data) and its record
/// in the central directory, both naming it `NAME_TEMPLATE`.
struct Template {
    local: Vec<u8>,
    central: Vec<u8>,
}

const NAME_TEMPLATE: &str = "x0000000000";

fn u32_at(bytes: &[u8], at: usize) -> usize {
    let field: [u8; 4] = bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .unwrap_or_else(|| panic!("no field at {at}"));
    u32::from_le_bytes(field) as usize
}

fn entry_template(content: &[u8], method: CompressionMethod) -> Template {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        NAME_TEMPLATE,
        SimpleFileOptions::default().compression_method(method),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    zip.write_all(content).unwrap_or_else(|e| panic!("{e}"));
    let bytes = zip.finish().unwrap_or_else(|e| panic!("{e}")).into_inner();
    // The end of central directory record (no comment): the directory's size and offset.
    let end = bytes.len() - 22;
    assert_eq!(&bytes[end..end + 4], b"PK\x05\x06");
    let (size, offset) = (u32_at(&bytes, end + 12), u32_at(&bytes, end + 16));
    let template = Template {
        local: bytes[..offset].to_vec(),
        central: bytes[offset..offset + size].to_vec(),
    };
    assert_eq!(
        &template.local[30..30 + NAME_TEMPLATE.len()],
        NAME_TEMPLATE.as_bytes()
    );
    assert_eq!(
        &template.central[46..46 + NAME_TEMPLATE.len()],
        NAME_TEMPLATE.as_bytes()
    );
    template
}

/// A zip of the template's entry under each of `names` (as long as the template's name). With
/// `shared`, every entry of the directory points at the one local record; else each has its own.
fn assemble(template: &Template, names: &[String], shared: bool) -> Vec<u8> {
    let n = NAME_TEMPLATE.len();
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (i, name) in names.iter().enumerate() {
        assert_eq!(name.len(), n, "{name}");
        let offset = out.len() as u32;
        if !shared || i == 0 {
            let mut local = template.local.clone();
            local[30..30 + n].copy_from_slice(name.as_bytes());
            out.extend_from_slice(&local);
        }
        let mut central = template.central.clone();
        central[46..46 + n].copy_from_slice(name.as_bytes());
        let at = if shared { 0 } else { offset };
        central[42..46].copy_from_slice(&at.to_le_bytes());
        directory.extend_from_slice(&central);
    }
    let count = u16::try_from(names.len()).unwrap_or_else(|_| panic!("too many for a plain zip"));
    let directory_offset = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fn names(prefix: &str, count: usize) -> Vec<String> {
    let width = NAME_TEMPLATE.len() - prefix.len();
    (0..count).map(|i| format!("{prefix}{i:0width$}")).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn count(problems: &[desk_core::export::BundleProblem], code: &str) -> usize {
    problems.iter().filter(|p| p.code == code).count()
}

#[test]
fn entries_sharing_compressed_data_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // 1 MiB of zeros deflates to about a kilobyte; at 1 MiB the ratio is not asked. Four
    // thousand entries of the directory point at that one kilobyte: 4 GiB from a zip of 250 KB.
    let template = entry_template(&vec![0u8; 1 << 20], CompressionMethod::Deflated);
    let bomb = assemble(&template, &names("a", 4096), true);
    assert!(bomb.len() < 300 << 10, "{}", bomb.len());
    let path = write(dir.path(), "overlap.zip", &bomb);
    // The zip library reads every entry of it, whole: the bomb is real.
    {
        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        for i in [0, 4095] {
            let mut entry = archive.by_index(i).unwrap_or_else(|e| panic!("{e}"));
            let read = std::io::copy(&mut entry, &mut std::io::sink()).unwrap_or_default();
            assert_eq!(read, 1 << 20);
        }
    }
    let report = verify(&path);
    assert!(!report.ok);
    assert_eq!(report.bytes, 0, "nothing of it is inflated");
    // Each entry overlaps: listed a hundred times, then summed up.
    assert_eq!(count(&report.problems, "entry_overlap"), 101);
    assert_eq!(report.left_out, 4096 - 100);
    assert!(report
        .problems
        .iter()
        .any(|p| p.code == "entry_overlap" && p.message.contains("3996 more")));

    // Two entries, the second's local record (a real one) inside the first's stored data.
    let inner = entry_template(&[7u8; 4096], CompressionMethod::Stored);
    let outer = entry_template(&inner.local, CompressionMethod::Stored);
    let data_start = 30 + NAME_TEMPLATE.len();
    let mut bytes = outer.local.clone();
    let mut directory = outer.central.clone();
    let mut second = inner.central.clone();
    second[46..46 + NAME_TEMPLATE.len()].copy_from_slice(b"y0000000001");
    second[42..46].copy_from_slice(&(data_start as u32).to_le_bytes());
    directory.extend_from_slice(&second);
    let directory_offset = bytes.len() as u32;
    bytes.extend_from_slice(&directory);
    bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x02\0\x02\0");
    bytes.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&directory_offset.to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    let path = write(dir.path(), "overlap-inside.zip", &bytes);
    {
        // Both read whole.
        let mut archive =
            zip::ZipArchive::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(archive.len(), 2);
        for i in 0..2 {
            let mut entry = archive.by_index(i).unwrap_or_else(|e| panic!("{e}"));
            assert!(std::io::copy(&mut entry, &mut std::io::sink()).is_ok());
        }
    }
    let report = verify(&path);
    assert_eq!(
        count(&report.problems, "entry_overlap"),
        2,
        "{:#?}",
        report.problems
    );
    assert_eq!(report.bytes, 0);
}

#[test]
fn the_bytes_inflated_in_all_are_bounded() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A hundred entries of 1 MiB each, every one within its limits and apart from the others:
    // 100 MiB from a zip of some 100 KB, more than the 64 MiB any zip may inflate to.
    let template = entry_template(&vec![0u8; 1 << 20], CompressionMethod::Deflated);
    let zip = assemble(&template, &names("c", 100), false);
    let path = write(dir.path(), "many.zip", &zip);
    let report = verify(&path);
    assert_eq!(
        count(&report.problems, "zip_inflate_limit"),
        1,
        "{:#?}",
        report.problems
    );
    assert_eq!(count(&report.problems, "entry_overlap"), 0);
    assert!(report.bytes <= (64 << 20) + (1 << 20), "{}", report.bytes);
    assert!(report.bytes >= 64 << 20, "{}", report.bytes);

    // A lower limit stops it sooner.
    let limits = Limits {
        max_inflated_bytes: 8 << 20,
        ..Limits::default()
    };
    let report = verify_with(&path, &limits);
    assert_eq!(count(&report.problems, "zip_inflate_limit"), 1);
    assert!(report.bytes <= 9 << 20, "{}", report.bytes);

    // Within the budget the same entries are read whole (and fail only as no bundle).
    let zip = assemble(&template, &names("d", 10), false);
    let path = write(dir.path(), "few.zip", &zip);
    let report = verify(&path);
    assert_eq!(count(&report.problems, "zip_inflate_limit"), 0);
    assert_eq!(report.bytes, 10 << 20);
}

#[test]
fn a_flood_of_bad_entries_makes_a_bounded_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let template = entry_template(b"", CompressionMethod::Stored);
    // Sixty thousand entries named `../…`.
    let zip = assemble(&template, &names("../", 60_000), false);
    let path = write(dir.path(), "flood.zip", &zip);
    let report = verify(&path);
    assert!(!report.ok);
    assert_eq!(count(&report.problems, "entry_unsafe_path"), 101);
    assert_eq!(report.left_out, 60_000 - 100);
    assert!(report.problems.len() < 110, "{}", report.problems.len());
    let json = serde_json::to_string(&report).unwrap_or_default();
    assert!(json.len() < 64 << 10, "{} bytes of report", json.len());

    // The bound is the web team's to set.
    let limits = Limits {
        max_problems_per_code: 5,
        ..Limits::default()
    };
    let report = verify_with(&path, &limits);
    assert_eq!(count(&report.problems, "entry_unsafe_path"), 6);
    assert_eq!(report.left_out, 60_000 - 5);
}

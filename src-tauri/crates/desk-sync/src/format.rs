//! The files in the shared folder: `format.json`, device cards, acknowledgements, segments and
//! snapshots (see docs/sync-format.md, which a person can read without this code).
//!
//! Segments are binary frames around JSON records, so that a torn or altered copy is always
//! detected and never half-applied: a fixed magic and version, a JSON header, each record with
//! its length and CRC-32, and a trailer with the record count and the SHA-256 of everything
//! before it. A file that fails any check is "not there yet", never a partial batch.

use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::ops::Operation;
use desk_trust::segment::{RecordDigest, SegmentClaim, SegmentProof};
use desk_trust::KeyPair;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read as _;

/// The layout version this build writes; a folder with a higher major is refused.
pub const FORMAT_MAJOR: u16 = 1;
pub const FORMAT_MINOR: u16 = 1;
pub const FORMAT_NAME: &str = "disclosure-desk-sync";

const SEGMENT_MAGIC: &[u8; 8] = b"DDSEG\0\r\n";
const TRAILER_MAGIC: &[u8; 8] = b"DDEND\0\r\n";
const TRAILER_LEN: usize = 8 + 4 + 32;
/// Larger than any segment this build writes; a length beyond it is damage, not data.
const MAX_RECORD: usize = 64 * 1024 * 1024;

// What sync reads at most of each kind of file. Anything larger is not read at all (it is
// damaged, or not sync's), so a PC's memory stays bounded whatever the share holds; the writer
// keeps within the same limits.

/// `format.json`: a few hundred bytes.
pub const MAX_FORMAT_BYTES: u64 = 64 * 1024;
/// A device card: a few hundred bytes, and the ids the PC had before.
pub const MAX_CARD_BYTES: u64 = 1024 * 1024;
/// An acknowledgement: one entry of about 40 bytes per device the office ever had.
pub const MAX_ACK_BYTES: u64 = 1024 * 1024;
/// A segment: at most `segment_max_ops` operations, and the writer cuts a run of operations
/// shorter where they would pass this (a single operation is at most [`MAX_RECORD`]).
pub const MAX_SEGMENT_BYTES: u64 = 128 * 1024 * 1024;
/// A snapshot: every operation of the catalog. Read as a stream ([`SegmentReader`]), so this
/// bounds the time a read takes, not the memory.
pub const MAX_SNAPSHOT_BYTES: u64 = 1024 * 1024 * 1024;
/// An attachment: what the catalog accepts as one.
pub const MAX_BLOB_BYTES: u64 = desk_store::attachments::MAX_ATTACHMENT_BYTES;

/// The room a segment's frame and header take besides its records (the header's version
/// vector grows with the devices of the office).
pub const SEGMENT_FRAME_ROOM: u64 = 1024 * 1024;
/// What one record takes in a segment besides its JSON: its length and CRC-32.
pub const RECORD_FRAME_BYTES: u64 = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatFile {
    pub format: String,
    pub major: u16,
    pub minor: u16,
    pub catalog_id: String,
    pub created_by: String,
    pub created_at: String,
    /// SHA-256 (hex) of the fields above (see [`format_check`]): a byte changed on the share
    /// reads as damage, not as a newer format. Absent in files of earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// What `format.json`'s `check` holds: SHA-256 over its fields, each length-prefixed.
pub fn format_check(file: &FormatFile) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in [
        file.format.as_str(),
        &file.major.to_string(),
        &file.minor.to_string(),
        file.catalog_id.as_str(),
        file.created_by.as_str(),
        file.created_at.as_str(),
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFile {
    pub device_id: String,
    pub catalog_id: String,
    /// Who uses the PC, for people reading the folder.
    pub person: Option<String>,
    pub app_version: String,
    /// Ids this PC had before it was found cloned or restored.
    #[serde(default)]
    pub previous_device_ids: Vec<String>,
    /// The public part of the PC's device key, for the office to enrol (once the PC pinned the
    /// office key). Proves nothing by itself: the coordinator compares its fingerprint with
    /// the one the PC shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<desk_trust::PublicKey>,
    /// Operations of an id this PC held that it issued again under this id (`device_id`) after
    /// another PC under that id had given other operations the same numbers (an id clash). A PC
    /// holding one of them (same id, same content hash) moves it to the new id; a copy of it
    /// under the old id is superseded. At most [`MAX_REISSUED`] are read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reissued: Vec<Reissued>,
}

/// One operation issued again under a new id: `device_id:seq` with content hash `hash` (see
/// [`op_content_hash`]) is now `<the card's id>:new_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reissued {
    pub device_id: String,
    pub seq: u64,
    pub hash: String,
    pub new_seq: u64,
}

/// Operations issued again under a new id after a clash: at most this many at once (a card
/// stays well under its read limit); a longer divergence stays shown as a clash.
pub const MAX_REISSUED: usize = 4000;

/// Content hashes of one PC's operations from `first` on, consecutive, as the acknowledging PC
/// holds them: where two PCs hold different operations under one id, the PC that owns the id
/// finds the first number their runs differ at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashRun {
    pub first: u64,
    pub hashes: Vec<String>,
}

/// The most hashes a run holds (the last ones up to what the PC applied of that id).
pub const MAX_HASH_RUN: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckFile {
    pub device_id: String,
    /// For every device, the highest sequence this PC has applied (its own included).
    pub applied: VersionVector,
    pub written_at: String,
    /// Files of the folder this PC found damaged, so that whoever can writes them again.
    #[serde(default)]
    pub damaged: Vec<DamageReport>,
    /// For every device in `applied`, the content hash ([`op_content_hash`]) of the operation at
    /// that sequence as this PC holds it: a PC holding other content under the same id learns
    /// that two PCs gave one id to different operations (a clone, a restored backup).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub applied_hashes: std::collections::BTreeMap<String, String>,
    /// For each device whose operations this PC found another PC holding with other content
    /// (an id clash), the hashes of its last operations held here (at most [`MAX_HASH_RUN`]).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub clash_hashes: std::collections::BTreeMap<String, HashRun>,
    /// For every device in `applied` whose operations this PC holds without a gap, the chained
    /// hash of them all ([`chain_hash`] from the first to the one at that sequence): two PCs
    /// that applied a device as far as each other and hold different operations anywhere under
    /// its numbers find out.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub applied_chains: std::collections::BTreeMap<String, String>,
}

/// One link of the chained hash of a device's operations: SHA-256 (hex) of the chain so far
/// (empty before the first) and the operation's content hash ([`op_content_hash`]).
pub fn chain_hash(before: &str, op_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(before.as_bytes());
    hasher.update(op_hash.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SHA-256 (hex) of what an operation is: its id, clock, author, entity, kind, field and
/// new value. Two PCs holding the same operation get the same hash; two operations given one
/// id on two PCs (a clone, a restored backup) do not.
pub fn op_content_hash(op: &Operation) -> String {
    let parts = [
        op.id.clone(),
        op.clock.to_string(),
        op.author_id.clone(),
        op.entity_key().to_string(),
        op.entity_id.clone(),
        op.kind_key().to_string(),
        op.field.clone().unwrap_or_default(),
        op.new_value.to_string(),
    ];
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One damaged file as a PC reports it in its acknowledgements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DamageReport {
    /// The path under the catalog's folder.
    pub file: String,
    /// When the reporting PC first found it damaged (milliseconds since 1970, UTC).
    pub since_ms: i64,
    /// Not there at all (a gap in a PC's segments), rather than there but not whole.
    #[serde(default)]
    pub missing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// One device's operations `first_seq..=last_seq`.
    Ops,
    /// Operations of many devices in clock order: what a new PC starts from.
    Snapshot,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentHeader {
    pub kind: SegmentKind,
    pub catalog_id: String,
    pub device_id: String,
    pub first_seq: u64,
    pub last_seq: u64,
    pub count: u64,
    pub clock_min: Hlc,
    pub clock_max: Hlc,
    /// What the writer had applied of every device when it wrote this (its own last sequence
    /// included): a reader applies the segment only once it has all of that.
    pub version_vector: VersionVector,
    pub written_at: String,
    /// The writing device's signature over the operations (see `desk_trust::segment`); a relay
    /// carries the writer's. Absent in segments written before the office set signing up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<SegmentProof>,
    /// In a snapshot: the proofs of the segments its operations were first published in, each
    /// by the PC that wrote them, so a reader checks every PC's operations against their own
    /// writer's signature, not only the snapshot writer's word.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proofs: Vec<CarriedProof>,
}

/// One segment's proof as a snapshot carries it: whose operations, which run of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedProof {
    pub device_id: String,
    pub first_seq: u64,
    pub last_seq: u64,
    pub proof: SegmentProof,
}

impl CarriedProof {
    /// The claim its proof must sign, for records whose digest is `digest`.
    pub fn claim(&self, catalog_id: &str, digest: &str) -> SegmentClaim {
        SegmentClaim {
            catalog_id: catalog_id.to_string(),
            device_id: self.device_id.clone(),
            kind: "ops",
            first_seq: self.first_seq,
            last_seq: self.last_seq,
            count: self.last_seq.saturating_sub(self.first_seq) + 1,
            digest: digest.to_string(),
        }
    }
}

impl SegmentHeader {
    /// What the header's proof must be a signature over, for records whose digest is `digest`.
    pub fn claim(&self, digest: &str) -> SegmentClaim {
        SegmentClaim {
            catalog_id: self.catalog_id.clone(),
            device_id: self.device_id.clone(),
            kind: match self.kind {
                SegmentKind::Ops => "ops",
                SegmentKind::Snapshot => "snapshot",
            },
            first_seq: self.first_seq,
            last_seq: self.last_seq,
            count: self.count,
            digest: digest.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub header: SegmentHeader,
    pub ops: Vec<Operation>,
    /// The digest of its records as they were read (what a proof covers).
    pub digest: String,
}

/// The digest of `ops` as a segment carries them.
pub fn records_digest(ops: &[Operation]) -> Result<String, SegmentError> {
    let mut digest = RecordDigest::new();
    for op in ops {
        digest.add(&op.to_record().map_err(malformed)?);
    }
    Ok(digest.finish())
}

/// Signs `header` for `ops` with this PC's device key.
pub fn sign_header(
    header: &mut SegmentHeader,
    ops: &[Operation],
    device_key: &KeyPair,
) -> Result<(), SegmentError> {
    let digest = records_digest(ops)?;
    header.proof = Some(header.claim(&digest).sign(device_key));
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("the file is shorter than a segment ({0} bytes): still being copied or cut off")]
    Short(usize),
    #[error("the file does not start like a segment")]
    NotASegment,
    #[error("the segment is of format {0}, newer than this version reads")]
    Newer(u16),
    #[error("the segment's checksum does not match: damaged or still being copied")]
    Checksum,
    #[error("the segment does not read: {0}")]
    Malformed(String),
}

/// Whether a name is a device id, as `desk_store` makes them: twelve lowercase hex digits.
pub fn is_device_id(name: &str) -> bool {
    name.len() == 12 && name.bytes().all(is_lower_hex)
}

/// Whether a name is a catalog id: a UUID in its hyphenated lowercase form.
pub fn is_catalog_id(name: &str) -> bool {
    name.len() == 36
        && name.bytes().enumerate().all(|(at, b)| match at {
            8 | 13 | 18 | 23 => b == b'-',
            _ => is_lower_hex(b),
        })
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// The device of a device card's or an acknowledgement's file name (`<device>.json`).
pub fn parse_device_file_name(name: &str) -> Option<&str> {
    name.strip_suffix(".json").filter(|d| is_device_id(d))
}

/// The names sync keeps in a catalog's folder.
pub const CATALOG_ENTRIES: &[&str] = &[
    "format.json",
    "devices",
    "acks",
    "ops",
    "snapshots",
    "blobs",
];

/// Whether a name is one of the folders `blobs/` is split into (the first two hex digits).
pub fn is_blob_folder(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(is_lower_hex)
}

/// The name of a segment file from its first sequence (fixed width, so names sort by number).
pub fn segment_name(first_seq: u64) -> String {
    segment_file_name(first_seq, 0)
}

/// The highest generation a segment is written again under (see [`segment_file_name`]).
pub const MAX_GENERATION: u32 = 999;

/// The name of a segment written for the `generation`-th time: the plain name first, then
/// `<first>-r<generation>.seg` each time its copy in the folder was found damaged or missing
/// (files are never overwritten, so a repair takes a new name; readers take any whole copy).
pub fn segment_file_name(first_seq: u64, generation: u32) -> String {
    if generation == 0 {
        format!("{first_seq:012}.seg")
    } else {
        format!("{first_seq:012}-r{generation}.seg")
    }
}

/// The first sequence and generation of a segment file name; `None` for anything else
/// (temporary files, "conflicted copies", other programs' files). Case does not matter (Windows
/// shares).
pub fn parse_segment_file(name: &str) -> Option<(u64, u32)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower.strip_suffix(".seg")?;
    let (digits, generation) = match stem.split_once("-r") {
        Some((digits, generation)) => {
            let ok = !generation.is_empty()
                && generation.len() <= 3
                && !generation.starts_with('0')
                && generation.bytes().all(|b| b.is_ascii_digit());
            (
                digits,
                if ok {
                    generation.parse().ok()?
                } else {
                    return None;
                },
            )
        }
        None => (stem, 0),
    };
    if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let first = digits.parse().ok().filter(|&seq| seq > 0)?;
    Some((first, generation))
}

/// The first sequence of a segment file name, whatever its generation.
pub fn parse_segment_name(name: &str) -> Option<u64> {
    parse_segment_file(name).map(|(first, _)| first)
}

pub fn snapshot_name(device: &str, clock: Hlc) -> String {
    format!("{device}-{:015}-{:010}.snap", clock.wall_ms, clock.counter)
}

/// The device and clock of a snapshot file name.
pub fn parse_snapshot_name(name: &str) -> Option<(String, Hlc)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower.strip_suffix(".snap")?;
    let mut parts = stem.rsplitn(3, '-');
    let counter = parts.next()?;
    let wall = parts.next()?;
    let device = parts.next()?;
    if counter.len() != 10 || wall.len() != 15 || !crate::folder::is_plain_name(device) {
        return None;
    }
    Some((
        device.to_string(),
        Hlc {
            wall_ms: wall.parse().ok()?,
            counter: counter.parse().ok()?,
        },
    ))
}

pub fn blob_path(sha256: &str) -> Option<String> {
    let ok = sha256.len() == 64 && sha256.bytes().all(is_lower_hex);
    ok.then(|| format!("blobs/{}/{sha256}", &sha256[..2]))
}

fn malformed(e: impl std::fmt::Display) -> SegmentError {
    SegmentError::Malformed(e.to_string())
}

/// Encodes a segment. The header's count and ranges are taken from `ops`.
pub fn encode_segment(header: &SegmentHeader, ops: &[Operation]) -> Result<Vec<u8>, SegmentError> {
    let mut out = Vec::with_capacity(256 + ops.len() * 256);
    out.extend_from_slice(SEGMENT_MAGIC);
    out.extend_from_slice(&FORMAT_MAJOR.to_le_bytes());
    out.extend_from_slice(&FORMAT_MINOR.to_le_bytes());
    let header_json = serde_json::to_vec(header).map_err(malformed)?;
    out.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_json);
    for op in ops {
        let record = op.to_record().map_err(malformed)?;
        out.extend_from_slice(&(record.len() as u32).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&record).to_le_bytes());
        out.extend_from_slice(&record);
    }
    let digest = Sha256::digest(&out);
    out.extend_from_slice(TRAILER_MAGIC);
    out.extend_from_slice(&(ops.len() as u32).to_le_bytes());
    out.extend_from_slice(&digest);
    Ok(out)
}

/// How many of `ops`, from the first, one segment holds within `limit` bytes
/// ([`MAX_SEGMENT_BYTES`] for what is published), at least one: a single operation is never
/// larger than a record may be.
pub fn ops_that_fit(ops: &[Operation], limit: u64) -> usize {
    let budget = limit.saturating_sub(SEGMENT_FRAME_ROOM);
    let mut used = 0u64;
    for (index, op) in ops.iter().enumerate() {
        let size = match &op.newer {
            // Rare: written under a newer version's names, measured as written.
            Some(_) => op.to_record().map(|r| r.len() as u64).unwrap_or(0),
            None => {
                let mut size = ByteCount(0);
                let _ = serde_json::to_writer(&mut size, op);
                size.0
            }
        };
        used += size + RECORD_FRAME_BYTES;
        if used > budget {
            return index.max(1);
        }
    }
    ops.len()
}

/// Counts what is written to it, to measure a JSON text without keeping it.
struct ByteCount(u64);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, SegmentError> {
    let slice = bytes
        .get(at..at + 4)
        .ok_or(SegmentError::Short(bytes.len()))?;
    let mut word = [0u8; 4];
    word.copy_from_slice(slice);
    Ok(u32::from_le_bytes(word))
}

/// Decodes and checks a whole segment: framing, checksums, and that its operations are what the
/// header says (one device, dense sequences, for an ops segment).
pub fn decode_segment(bytes: &[u8]) -> Result<Segment, SegmentError> {
    if bytes.len() < 16 + TRAILER_LEN {
        return Err(SegmentError::Short(bytes.len()));
    }
    if &bytes[..8] != SEGMENT_MAGIC {
        return Err(SegmentError::NotASegment);
    }
    // The trailer (magic, count, SHA-256 of all before it) keeps its layout in every major
    // version, so that a damaged file is told from one written by a newer version: only a file
    // whose checksum holds is taken for newer (a flipped bit in the version is damage).
    let body_len = bytes.len() - TRAILER_LEN;
    let trailer = &bytes[body_len..];
    if &trailer[..8] != TRAILER_MAGIC {
        return Err(SegmentError::Short(bytes.len()));
    }
    if Sha256::digest(&bytes[..body_len]).as_slice() != &trailer[12..] {
        return Err(SegmentError::Checksum);
    }
    let major = u16::from_le_bytes([bytes[8], bytes[9]]);
    if major > FORMAT_MAJOR {
        return Err(SegmentError::Newer(major));
    }
    let count = u32_at(trailer, 8)? as usize;
    let header_len = u32_at(bytes, 12)? as usize;
    let header_end = 16usize
        .checked_add(header_len)
        .filter(|&e| e <= body_len)
        .ok_or(SegmentError::Checksum)?;
    let header: SegmentHeader =
        serde_json::from_slice(&bytes[16..header_end]).map_err(malformed)?;
    let mut ops = Vec::with_capacity(count.min(1 << 20));
    let mut digest = RecordDigest::new();
    let mut at = header_end;
    while at < body_len {
        let len = u32_at(bytes, at)? as usize;
        let crc = u32_at(bytes, at + 4)?;
        let start = at + 8;
        let end = start
            .checked_add(len)
            .filter(|&e| e <= body_len && len <= MAX_RECORD)
            .ok_or(SegmentError::Checksum)?;
        let record = &bytes[start..end];
        if crc32fast::hash(record) != crc {
            return Err(SegmentError::Checksum);
        }
        digest.add(record);
        ops.push(Operation::from_record(record).map_err(malformed)?);
        at = end;
    }
    if ops.len() != count || header.count != count as u64 {
        return Err(SegmentError::Malformed(format!(
            "{} records where the trailer says {count}",
            ops.len()
        )));
    }
    check_contents(&header, &ops)?;
    Ok(Segment {
        header,
        ops,
        digest: digest.finish(),
    })
}

/// A segment read as a stream (a snapshot, too large to hold whole): the header first, then one
/// operation at a time, each record's CRC-32 checked as it comes and the file's SHA-256 at the
/// end. The file is whole only once the iterator has ended without an error: a caller applies
/// what it yields so that the error at the end can still undo it (one transaction).
pub struct SegmentReader<R> {
    input: R,
    hasher: Sha256,
    header: SegmentHeader,
    /// Bytes read so far, for the "cut short" error.
    read: usize,
    records: u64,
    digest: RecordDigest,
    /// The record last yielded, as read (what a carried proof's digest covers).
    last: Vec<u8>,
    /// Ended, with or without an error: nothing more is yielded.
    done: bool,
}

impl<R: std::io::Read> SegmentReader<R> {
    /// Reads the frame's start and the header. A file of a newer major is read to its end to
    /// tell it from damage, as [`decode_segment`] does.
    pub fn new(input: R) -> Result<SegmentReader<R>, SegmentError> {
        let mut reader = SegmentReader {
            input,
            hasher: Sha256::new(),
            header: SegmentHeader {
                kind: SegmentKind::Snapshot,
                catalog_id: String::new(),
                device_id: String::new(),
                first_seq: 0,
                last_seq: 0,
                count: 0,
                clock_min: Hlc::ZERO,
                clock_max: Hlc::ZERO,
                version_vector: VersionVector::new(),
                written_at: String::new(),
                proof: None,
                proofs: Vec::new(),
            },
            read: 0,
            records: 0,
            digest: RecordDigest::new(),
            last: Vec::new(),
            done: false,
        };
        let mut start = [0u8; 16];
        reader.fill(&mut start)?;
        if &start[..8] != SEGMENT_MAGIC {
            return Err(SegmentError::NotASegment);
        }
        let major = u16::from_le_bytes([start[8], start[9]]);
        if major > FORMAT_MAJOR {
            return Err(reader.newer(major));
        }
        let header_len = u32_at(&start, 12)? as usize;
        if header_len > MAX_RECORD {
            return Err(SegmentError::Checksum);
        }
        let header = reader.take_bytes(header_len)?;
        reader.header = serde_json::from_slice(&header).map_err(malformed)?;
        Ok(reader)
    }

    /// The header, as the file says (trust it only once the iterator has ended well).
    pub fn header(&self) -> &SegmentHeader {
        &self.header
    }

    /// The record of the operation last yielded, exactly as the file holds it.
    pub fn last_record(&self) -> &[u8] {
        &self.last
    }

    /// The digest of the records read so far: of all of them once the iterator has ended well.
    pub fn digest(&self) -> String {
        self.digest.clone().finish()
    }

    /// Exactly `buf.len()` bytes, hashed; a file that ends first is cut short.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), SegmentError> {
        let mut at = 0;
        while at < buf.len() {
            match self.input.read(&mut buf[at..]) {
                Ok(0) => return Err(SegmentError::Short(self.read + at)),
                Ok(n) => at += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(malformed(e)),
            }
        }
        self.read += at;
        self.hasher.update(&buf[..]);
        Ok(())
    }

    /// `len` bytes (at most [`MAX_RECORD`], checked by the caller), allocated only as they come.
    fn take_bytes(&mut self, len: usize) -> Result<Vec<u8>, SegmentError> {
        let mut bytes = Vec::new();
        let got = std::io::Read::by_ref(&mut self.input)
            .take(len as u64)
            .read_to_end(&mut bytes)
            .map_err(malformed)?;
        self.read += got;
        if got < len {
            return Err(SegmentError::Short(self.read));
        }
        self.hasher.update(&bytes);
        Ok(bytes)
    }

    /// The rest of a newer version's file: `Newer` when its checksum holds, else damage.
    fn newer(&mut self, major: u16) -> SegmentError {
        let mut hasher = self.hasher.clone();
        let mut tail: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match self.input.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    self.read += n;
                    tail.extend_from_slice(&chunk[..n]);
                    if tail.len() > TRAILER_LEN {
                        let keep = tail.len() - TRAILER_LEN;
                        hasher.update(&tail[..keep]);
                        tail.drain(..keep);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return malformed(e),
            }
        }
        if tail.len() < TRAILER_LEN || &tail[..8] != TRAILER_MAGIC {
            return SegmentError::Short(self.read);
        }
        if hasher.finalize().as_slice() != &tail[12..] {
            return SegmentError::Checksum;
        }
        SegmentError::Newer(major)
    }

    fn next_op(&mut self) -> Result<Option<Operation>, SegmentError> {
        let mut frame = [0u8; 8];
        let before = self.hasher.clone();
        self.fill(&mut frame)?;
        if &frame == TRAILER_MAGIC {
            // Never a record: as a length, these bytes are far beyond MAX_RECORD.
            let mut rest = [0u8; TRAILER_LEN - 8];
            self.fill(&mut rest)?;
            let mut more = [0u8; 1];
            let extra = loop {
                match self.input.read(&mut more) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(malformed(e)),
                }
            };
            if extra != 0 {
                return Err(SegmentError::Checksum);
            }
            if before.finalize().as_slice() != &rest[4..] {
                return Err(SegmentError::Checksum);
            }
            let count = u64::from(u32_at(&rest, 0)?);
            if self.records != count || self.header.count != count {
                return Err(SegmentError::Malformed(format!(
                    "{} records where the trailer says {count}",
                    self.records
                )));
            }
            return Ok(None);
        }
        let len = u32_at(&frame, 0)? as usize;
        let crc = u32_at(&frame, 4)?;
        if len > MAX_RECORD {
            return Err(SegmentError::Checksum);
        }
        let record = self.take_bytes(len)?;
        if crc32fast::hash(&record) != crc {
            return Err(SegmentError::Checksum);
        }
        self.records += 1;
        self.digest.add(&record);
        let op = Operation::from_record(&record);
        self.last = record;
        op.map(Some).map_err(malformed)
    }
}

impl<R: std::io::Read> Iterator for SegmentReader<R> {
    type Item = Result<Operation, SegmentError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_op() {
            Ok(Some(op)) => Some(Ok(op)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Reads a segment through as a stream, keeping nothing: its header when the file is whole.
pub fn check_stream(input: impl std::io::Read) -> Result<SegmentHeader, SegmentError> {
    let mut reader = SegmentReader::new(input)?;
    for op in reader.by_ref() {
        op?;
    }
    Ok(reader.header)
}

fn check_contents(header: &SegmentHeader, ops: &[Operation]) -> Result<(), SegmentError> {
    if header.kind == SegmentKind::Snapshot {
        return Ok(());
    }
    if ops.is_empty() || header.last_seq < header.first_seq {
        return Err(malformed("an operations segment with no operations"));
    }
    for (index, op) in ops.iter().enumerate() {
        let seq = header.first_seq + index as u64;
        if op.device_id != header.device_id || op.seq != seq {
            return Err(malformed(format!(
                "record {index} is {} where {}:{seq} belongs",
                op.id, header.device_id
            )));
        }
        if op.id != format!("{}:{}", op.device_id, op.seq) {
            return Err(malformed(format!("record id {}", op.id)));
        }
    }
    if header.first_seq + ops.len() as u64 - 1 != header.last_seq {
        return Err(malformed("the sequence range does not match the records"));
    }
    Ok(())
}

/// The header for a run of one device's operations.
pub fn ops_header(
    catalog_id: &str,
    device_id: &str,
    ops: &[Operation],
    version_vector: VersionVector,
    written_at: &str,
) -> SegmentHeader {
    SegmentHeader {
        kind: SegmentKind::Ops,
        catalog_id: catalog_id.to_string(),
        device_id: device_id.to_string(),
        first_seq: ops.first().map_or(0, |o| o.seq),
        last_seq: ops.last().map_or(0, |o| o.seq),
        count: ops.len() as u64,
        clock_min: ops.iter().map(|o| o.clock).min().unwrap_or(Hlc::ZERO),
        clock_max: ops.iter().map(|o| o.clock).max().unwrap_or(Hlc::ZERO),
        version_vector,
        written_at: written_at.to_string(),
        proof: None,
        proofs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use desk_core::ops::{EntityKind, OpKind};

    fn op(seq: u64) -> Operation {
        Operation {
            id: format!("dev1:{seq}"),
            device_id: "dev1".into(),
            seq,
            clock: Hlc {
                wall_ms: 1_700_000_000_000 + seq as i64,
                counter: 0,
            },
            author_id: "p1".into(),
            entity: EntityKind::Item,
            entity_id: "i1".into(),
            kind: OpKind::Set,
            field: Some("title".into()),
            old_value: serde_json::json!("旧"),
            new_value: serde_json::json!("新标题"),
            base: vec![format!("dev1:{}", seq.saturating_sub(1))],
            covers: None,
            newer: None,
        }
    }

    fn sample() -> Vec<u8> {
        let ops: Vec<Operation> = (1..=3).map(op).collect();
        let header = ops_header(
            "cat",
            "dev1",
            &ops,
            VersionVector::new(),
            "2026-01-01T00:00:00Z",
        );
        encode_segment(&header, &ops).unwrap_or_default()
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let segment = decode_segment(&bytes);
        assert!(
            matches!(&segment, Ok(s) if s.ops.len() == 3 && s.header.last_seq == 3),
            "{segment:?}"
        );
    }

    #[test]
    fn every_cut_is_refused() {
        let bytes = sample();
        for cut in 0..bytes.len() {
            assert!(decode_segment(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let bytes = sample();
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert!(decode_segment(&damaged).is_err(), "flip at {at}");
        }
    }

    #[test]
    fn a_run_of_large_operations_is_cut_within_the_segment_limit() {
        let sized = |seq: u64, chars: usize| {
            let mut op = op(seq);
            op.new_value = serde_json::json!("x".repeat(chars));
            op
        };
        let ops: Vec<Operation> = (1..=6).map(|seq| sized(seq, 300 * 1024)).collect();
        let limit = SEGMENT_FRAME_ROOM + 1024 * 1024;
        assert_eq!(ops_that_fit(&ops, limit), 3, "about 300 KiB each in 1 MiB");
        assert_eq!(ops_that_fit(&ops[..2], limit), 2);
        assert_eq!(
            ops_that_fit(&[sized(1, 2 * 1024 * 1024)], limit),
            1,
            "one always goes"
        );
        assert_eq!(ops_that_fit(&[], limit), 0);
        let small: Vec<Operation> = (1..=2000).map(op).collect();
        assert_eq!(ops_that_fit(&small, MAX_SEGMENT_BYTES), 2000);
        // What fits is what the encoder writes within the limit.
        let header = ops_header("cat", "dev1", &ops[..3], VersionVector::new(), "");
        let bytes = encode_segment(&header, &ops[..3]).unwrap_or_default();
        assert!(!bytes.is_empty() && bytes.len() as u64 <= limit);
    }

    #[test]
    fn a_newer_major_is_named() {
        // As a newer version writes it: its own checksum holds.
        let mut bytes = sample();
        bytes[8] = 9;
        let body = bytes.len() - TRAILER_LEN;
        let digest = Sha256::digest(&bytes[..body]);
        bytes[body + 12..].copy_from_slice(&digest);
        assert_eq!(decode_segment(&bytes), Err(SegmentError::Newer(9)));
    }

    #[test]
    fn a_flipped_bit_in_the_version_is_damage_not_a_newer_version() {
        let mut bytes = sample();
        bytes[8] ^= 0x80;
        assert_eq!(decode_segment(&bytes), Err(SegmentError::Checksum));
    }

    fn streamed(bytes: &[u8]) -> Result<(SegmentHeader, Vec<Operation>), SegmentError> {
        let mut reader = SegmentReader::new(bytes)?;
        let ops = reader.by_ref().collect::<Result<Vec<_>, _>>()?;
        Ok((reader.header().clone(), ops))
    }

    #[test]
    fn a_stream_reads_what_decoding_reads() {
        let bytes = sample();
        let whole = decode_segment(&bytes).map(|s| (s.header, s.ops));
        assert!(whole.is_ok());
        assert_eq!(streamed(&bytes), whole);
        assert!(check_stream(&bytes[..]).is_ok());
    }

    #[test]
    fn a_stream_refuses_every_cut_and_every_flipped_byte() {
        let bytes = sample();
        for cut in 0..bytes.len() {
            assert!(streamed(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert!(streamed(&damaged).is_err(), "flip at {at}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(streamed(&longer).is_err(), "a byte after the trailer");
    }

    #[test]
    fn a_stream_names_a_newer_major_and_takes_a_flipped_version_for_damage() {
        let mut newer = sample();
        newer[8] = 9;
        let body = newer.len() - TRAILER_LEN;
        let digest = Sha256::digest(&newer[..body]);
        newer[body + 12..].copy_from_slice(&digest);
        assert_eq!(streamed(&newer).err(), Some(SegmentError::Newer(9)));
        let mut flipped = sample();
        flipped[8] ^= 0x80;
        assert_eq!(streamed(&flipped).err(), Some(SegmentError::Checksum));
    }

    #[test]
    fn segment_names() {
        let check =
            |name: &str, seq: Option<u64>| assert_eq!(parse_segment_name(name), seq, "{name}");
        check("000000000001.seg", Some(1));
        check("000000000123.SEG", Some(123));
        check(&segment_name(42), Some(42));
        check("000000000001.seg.4242.tmp", None);
        check("000000000001 (conflicted copy).seg", None);
        check("000000000001.sync-conflict-20260101.seg", None);
        check("1.seg", None);
        check("000000000000.seg", None);
        check("00000000000a.seg", None);
    }

    #[test]
    fn repaired_segment_names() {
        let check = |name: &str, parsed: Option<(u64, u32)>| {
            assert_eq!(parse_segment_file(name), parsed, "{name}")
        };
        check("000000000007.seg", Some((7, 0)));
        check("000000000007-r1.seg", Some((7, 1)));
        check("000000000007-R12.SEG", Some((7, 12)));
        check(&segment_file_name(9, 999), Some((9, 999)));
        check("000000000007-r0.seg", None);
        check("000000000007-r01.seg", None);
        check("000000000007-r1000.seg", None);
        check("000000000007-r.seg", None);
        check("000000000007-rx.seg", None);
        check("000000000007-r1.seg.77.tmp", None);
        assert_eq!(parse_segment_name("000000000007-r3.seg"), Some(7));
    }

    #[test]
    fn ids_and_other_names() {
        let device = |name: &str, ok: bool| assert_eq!(is_device_id(name), ok, "{name}");
        device("a1b2c3d4e5f6", true);
        device("000000000000", true);
        device("A1B2C3D4E5F6", false);
        device("a1b2c3d4e5f", false);
        device("a1b2c3d4e5f6a", false);
        device("desktop.ini", false);
        device("g1b2c3d4e5f6", false);
        let catalog = |name: &str, ok: bool| assert_eq!(is_catalog_id(name), ok, "{name}");
        catalog("0b6f2a4e-8c1d-4e2f-9a3b-5c6d7e8f9a0b", true);
        catalog("0B6F2A4E-8C1D-4E2F-9A3B-5C6D7E8F9A0B", false);
        catalog("0b6f2a4e8c1d4e2f9a3b5c6d7e8f9a0b", false);
        catalog("0b6f2a4e-8c1d-4e2f-9a3b-5c6d7e8f9a0", false);
        catalog("desktop.ini", false);
        let card = |name: &str, device: Option<&str>| {
            assert_eq!(parse_device_file_name(name), device, "{name}")
        };
        card("a1b2c3d4e5f6.json", Some("a1b2c3d4e5f6"));
        card("a1b2c3d4e5f6.json.4242.tmp", None);
        card("desktop.ini", None);
        card("~$a1b2c3d4e5f6.json", None);
        card("a1b2c3d4e5f6.JSON", None);
        assert!(is_blob_folder("0f") && !is_blob_folder("0F") && !is_blob_folder("0f0"));
        assert!(CATALOG_ENTRIES.contains(&"ops") && !CATALOG_ENTRIES.contains(&"Thumbs.db"));
    }

    #[test]
    fn snapshot_names() {
        let clock = Hlc {
            wall_ms: 1_700_000_000_000,
            counter: 3,
        };
        let name = snapshot_name("a1b2c3", clock);
        assert_eq!(parse_snapshot_name(&name), Some(("a1b2c3".into(), clock)));
        assert_eq!(parse_snapshot_name("x.snap"), None);
    }
}

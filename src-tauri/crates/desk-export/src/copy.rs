//! Attachments into a bundle's zip on two threads: one reads each blob from the store and hashes
//! it as it reads (one read of every blob), the other writes the same chunks into the zip (CRC
//! and write). The hash is of the very bytes written; a blob whose hash or size is not the one
//! recorded stops the export, as does `cancel`. The calling thread meanwhile does other work and
//! then relays progress, so the progress callback is only ever called on it.

use crate::digest::hex;
use crate::error::{ExportError, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// One attachment content to copy.
pub(crate) struct Blob {
    /// Where the store keeps it (`None`: the recorded hash is not one).
    pub path: Option<PathBuf>,
    /// Its name in the zip.
    pub entry: String,
    pub sha256: String,
    pub size: u64,
    /// For the error: an item that carries it, and the attachment's name there.
    pub item_id: String,
    pub name: String,
}

impl Blob {
    fn damaged(&self) -> ExportError {
        ExportError::AttachmentDamaged {
            item: self.item_id.clone(),
            name: self.name.clone(),
        }
    }
}

/// Bytes written and files completed so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Copied {
    pub bytes: u64,
    pub files: u32,
}

const CHUNK: usize = 1 << 20;
/// Chunks read ahead of the writer (bounded memory: DEPTH + 2 chunks in flight).
const DEPTH: usize = 4;
/// How often the writer reports.
const REPORT_EVERY: u64 = 8 << 20;

/// The zip with the attachments in, and each entry's name and SHA-256 (hex).
pub(crate) type Written<W> = (ZipWriter<W>, Vec<(String, String)>);

enum Piece {
    Start(usize),
    Bytes(Vec<u8>, usize),
    /// The blob is whole and its hash (hex) is the recorded one.
    End(usize, String),
}

/// Copies `blobs` into `zip` (stored), returning it with each entry's name and SHA-256. While the
/// threads copy, `meanwhile` runs on the calling thread; then `progress` gets every report.
/// `out` names the bundle in write errors.
pub(crate) fn copy_attachments<W, T>(
    zip: ZipWriter<W>,
    blobs: &[Blob],
    out: &Path,
    cancel: &AtomicBool,
    meanwhile: impl FnOnce() -> T,
    progress: &mut dyn FnMut(Copied),
) -> Result<(Written<W>, T)>
where
    W: Write + Seek + Send,
{
    std::thread::scope(|scope| {
        let (pieces, received) = mpsc::sync_channel::<Piece>(DEPTH);
        let (spent, reusable) = mpsc::channel::<Vec<u8>>();
        let (report, reports) = mpsc::channel::<Copied>();
        let reader = scope.spawn(move || read_blobs(blobs, cancel, pieces, reusable));
        let writer =
            scope.spawn(move || write_blobs(zip, blobs, out, cancel, received, spent, report));
        let done = meanwhile();
        for copied in reports {
            progress(copied);
        }
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(ExportError::InvalidArgument("the reader failed".into())));
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(ExportError::InvalidArgument("the writer failed".into())));
        // The reader's error is the cause when it stopped first (damage, cancel); when the
        // writer failed, the reader only saw its channel close.
        match (read, written) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e),
            (Ok(ReadEnd::Finished), Ok(written)) => Ok((written, done)),
            (Ok(ReadEnd::WriterGone), Ok(_)) => Err(ExportError::InvalidArgument(
                "the writer stopped before the attachments were written".into(),
            )),
        }
    })
}

enum ReadEnd {
    Finished,
    /// The writer stopped (its own error says why).
    WriterGone,
}

fn read_blobs(
    blobs: &[Blob],
    cancel: &AtomicBool,
    pieces: mpsc::SyncSender<Piece>,
    reusable: mpsc::Receiver<Vec<u8>>,
) -> Result<ReadEnd> {
    let mut spare = None;
    for (index, blob) in blobs.iter().enumerate() {
        let path = blob.path.as_ref().ok_or_else(|| blob.damaged())?;
        let mut input = File::open(path).map_err(|_| blob.damaged())?;
        if pieces.send(Piece::Start(index)).is_err() {
            return Ok(ReadEnd::WriterGone);
        }
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(ExportError::Cancelled);
            }
            let mut buffer = spare
                .take()
                .or_else(|| reusable.try_recv().ok())
                .unwrap_or_else(|| vec![0u8; CHUNK]);
            let read = input.read(&mut buffer).map_err(|_| blob.damaged())?;
            if read == 0 {
                // Kept for the next blob: most blobs are smaller than a chunk.
                spare = Some(buffer);
                break;
            }
            hasher.update(&buffer[..read]);
            size += read as u64;
            if pieces.send(Piece::Bytes(buffer, read)).is_err() {
                return Ok(ReadEnd::WriterGone);
            }
        }
        let digest = hex(&hasher.finalize());
        if digest != blob.sha256 || size != blob.size {
            return Err(blob.damaged());
        }
        if pieces.send(Piece::End(index, digest)).is_err() {
            return Ok(ReadEnd::WriterGone);
        }
    }
    Ok(ReadEnd::Finished)
}

fn write_blobs<W: Write + Seek>(
    mut zip: ZipWriter<W>,
    blobs: &[Blob],
    out: &Path,
    cancel: &AtomicBool,
    received: mpsc::Receiver<Piece>,
    spent: mpsc::Sender<Vec<u8>>,
    report: mpsc::Sender<Copied>,
) -> Result<Written<W>> {
    let write_error = |source: std::io::Error| ExportError::Write {
        path: out.to_path_buf(),
        source,
    };
    let mut checksums = Vec::with_capacity(blobs.len());
    let mut copied = Copied { bytes: 0, files: 0 };
    let mut last_report = 0u64;
    // Ends when the reader is done or stopped; the caller tells which.
    for piece in received {
        if cancel.load(Ordering::Relaxed) {
            return Err(ExportError::Cancelled);
        }
        match piece {
            Piece::Start(index) => {
                let blob = &blobs[index];
                let entry = SimpleFileOptions::default()
                    .compression_method(CompressionMethod::Stored)
                    .large_file(blob.size >= u64::from(u32::MAX));
                zip.start_file(blob.entry.as_str(), entry)
                    .map_err(|e| write_error(e.into()))?;
            }
            Piece::Bytes(buffer, len) => {
                zip.write_all(&buffer[..len]).map_err(write_error)?;
                // The reader may have finished: a buffer nobody takes back is just dropped.
                let _ = spent.send(buffer);
                copied.bytes += len as u64;
                if copied.bytes - last_report >= REPORT_EVERY {
                    last_report = copied.bytes;
                    let _ = report.send(copied);
                }
            }
            Piece::End(index, digest) => {
                checksums.push((blobs[index].entry.clone(), digest));
                copied.files += 1;
            }
        }
    }
    let _ = report.send(copied);
    Ok((zip, checksums))
}

//! Background sync: one worker thread runs `desk_sync::sync_configured` when `desk_core`'s
//! `SyncSchedule` says so (at start, a few seconds after local edits, every few minutes, sooner
//! after a failure, and when the person asks).
//!
//! Why a thread with its own catalog: a round reads and writes a network share, which can take
//! seconds or hang until the share times out. The worker opens its own `Catalog` on the same data
//! folder (SQLite in WAL mode lets both connections work), so the window's commands never wait
//! behind share I/O. Local edits are noticed by watching the outbox length, which is cheap and
//! needs no hook in every command. After a round that applied other PCs' operations (or gave this
//! PC a new device id) the window's catalog is reopened, so its cached settings, calendar and
//! device id are fresh, and the window is told to refresh its screens.
//!
//! Events (all to every window): `sync-status` (a `SyncStatus`), `sync-running` (a bool),
//! `sync-progress` (a `SyncProgress`, while a round applies other PCs' segments) and
//! `sync-applied` (how many operations arrived).

use desk_core::error::ErrorPayload;
use desk_core::sync::{SyncProgress, SyncReport, SyncStatus};
use desk_core::sync_schedule::{SyncSchedule, SyncTiming};
use desk_store::{Catalog, OpenOptions};
use desk_sync::{RoundEvent, SyncOptions};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How often the worker looks at the outbox for local edits.
const WATCH_EVERY: Duration = Duration::from_secs(2);
/// At most this often the window hears how far a round has got.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

type Reply = Sender<Result<SyncReport, ErrorPayload>>;

enum Request {
    /// Run a round now; the reply (if any) gets its result.
    Now(Option<Reply>),
}

/// The handle the commands use to ask the worker for rounds.
#[derive(Clone)]
pub struct SyncWorker {
    requests: Sender<Request>,
}

/// What the worker calls back into the shell with (events, reopening the window's catalog).
pub trait SyncHost: Send + 'static {
    fn running(&self, running: bool);
    fn status(&self, status: &SyncStatus);
    /// How far the running round has applied other PCs' segments.
    fn progress(&self, progress: &SyncProgress);
    /// Operations from other PCs arrived (or this PC's identity changed).
    fn applied(&self, ops: u32);
}

impl SyncWorker {
    /// Starts the worker on its own thread. It opens its own catalog in `data_dir`; when that
    /// fails (the window explains why through its own catalog), the worker retries at each round.
    pub fn start(data_dir: PathBuf, host: impl SyncHost) -> SyncWorker {
        SyncWorker::start_with(data_dir, host, SyncTiming::default())
    }

    fn start_with(data_dir: PathBuf, host: impl SyncHost, timing: SyncTiming) -> SyncWorker {
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || run(&data_dir, &host, &receiver, timing));
        if let Err(e) = spawned {
            log::error!("sync: the background worker could not start: {e}");
        }
        SyncWorker { requests: sender }
    }

    /// Asks for a round now and waits for its result (blocking: call from a blocking thread).
    pub fn round_now(&self) -> Result<SyncReport, ErrorPayload> {
        let (reply, answer) = mpsc::channel();
        self.send(Request::Now(Some(reply)))?;
        answer
            .recv()
            .map_err(|_| ErrorPayload::new("internal", "the background sync stopped"))?
    }

    /// Asks for a round soon, without waiting for it.
    pub fn request(&self) -> Result<(), ErrorPayload> {
        self.send(Request::Now(None))
    }

    fn send(&self, request: Request) -> Result<(), ErrorPayload> {
        self.requests
            .send(request)
            .map_err(|_| ErrorPayload::new("internal", "the background sync stopped"))
    }
}

fn run(data_dir: &Path, host: &dyn SyncHost, requests: &Receiver<Request>, timing: SyncTiming) {
    let mut schedule = SyncSchedule::new(timing, Instant::now());
    let mut catalog: Option<Catalog> = None;
    let mut outbox_seen: Option<u32> = None;
    let mut replies: Vec<Reply> = Vec::new();
    loop {
        let now = Instant::now();
        let next = schedule.next_round_at(now).min(now + WATCH_EVERY);
        match requests.recv_timeout(next.saturating_duration_since(now)) {
            Ok(Request::Now(reply)) => {
                schedule.request_now();
                replies.extend(reply);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if catalog.is_none() {
            catalog = Catalog::open(data_dir, OpenOptions { seed_sample: false })
                .map_err(|e| log::warn!("sync: cannot open the catalog: {e}"))
                .ok();
        }
        let Some(open) = catalog.as_mut() else {
            for reply in replies.drain(..) {
                let _ = reply.send(Err(ErrorPayload::new(
                    "internal",
                    "the catalog could not be opened for sync",
                )));
            }
            continue;
        };
        // Local edits: the outbox grew since the last look.
        if let Ok(outbox) = open.outbox_len() {
            if outbox_seen.is_some_and(|seen| outbox > seen) {
                schedule.local_change(Instant::now());
            }
            outbox_seen = Some(outbox);
        }
        let now = Instant::now();
        if schedule.next_round_at(now) > now {
            continue;
        }
        let Some(reason) = schedule.due(now) else {
            continue;
        };
        log::info!("sync: round ({reason:?})");
        let result = round(open, host);
        schedule.finished(Instant::now(), result.is_ok());
        outbox_seen = open.outbox_len().ok();
        if let Ok(status) = desk_sync::status(open) {
            host.status(&status);
        }
        for reply in replies.drain(..) {
            let _ = reply.send(result.clone());
        }
    }
}

/// One round against the folder the person chose; nothing to do before one is chosen.
fn round(catalog: &mut Catalog, host: &dyn SyncHost) -> Result<SyncReport, ErrorPayload> {
    let mut started = false;
    let mut told_at: Option<Instant> = None;
    let mut on_event = |event: RoundEvent| match event {
        RoundEvent::Started => {
            started = true;
            host.running(true);
        }
        RoundEvent::Progress(progress) => {
            // A window needs a few updates a second, not one per segment of a 100,000-item pull.
            let finished = progress.segments_done >= progress.segments_total;
            if finished || told_at.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
                told_at = Some(Instant::now());
                host.progress(progress);
            }
        }
    };
    let result = desk_sync::sync_configured(catalog, None, &SyncOptions::default(), &mut on_event)
        .map_err(|e| e.payload());
    if started {
        host.running(false);
        match &result {
            Ok(report) => {
                let applied: u32 = report.applied.iter().map(|a| a.ops).sum();
                if applied > 0
                    || !report.device_changes.is_empty()
                    || report.joined_catalog
                    || report.sample_removed
                {
                    host.applied(applied);
                }
            }
            Err(e) => log::warn!("sync: {}: {}", e.code, e.message),
        }
    }
    result
}

/// The window side: events to every window, and a fresh catalog after remote changes.
pub struct WindowHost<R: tauri::Runtime> {
    pub app: tauri::AppHandle<R>,
}

impl<R: tauri::Runtime> SyncHost for WindowHost<R> {
    fn running(&self, running: bool) {
        emit(&self.app, "sync-running", running);
    }

    fn status(&self, status: &SyncStatus) {
        emit(&self.app, "sync-status", status);
    }

    fn progress(&self, progress: &SyncProgress) {
        emit(&self.app, "sync-progress", *progress);
    }

    fn applied(&self, ops: u32) {
        use tauri::Manager;
        self.app.state::<crate::state::AppState>().reopen();
        emit(&self.app, "sync-applied", ops);
    }
}

fn emit<R: tauri::Runtime, T: serde::Serialize + Clone>(
    app: &tauri::AppHandle<R>,
    event: &str,
    payload: T,
) {
    use tauri::Emitter;
    if let Err(e) = app.emit(event, payload) {
        log::warn!("sync: cannot tell the window ({event}): {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use desk_core::model::Item;
    use std::sync::mpsc::Receiver;

    #[derive(Debug, PartialEq)]
    enum Told {
        Running(bool),
        Status { waiting: u32 },
        Progress { done: u32, total: u32 },
        Applied(u32),
    }

    struct Recorder(Sender<Told>);

    impl SyncHost for Recorder {
        fn running(&self, running: bool) {
            let _ = self.0.send(Told::Running(running));
        }
        fn status(&self, status: &SyncStatus) {
            let _ = self.0.send(Told::Status {
                waiting: status.ops_waiting_to_go_out,
            });
        }
        fn progress(&self, progress: &SyncProgress) {
            let _ = self.0.send(Told::Progress {
                done: progress.segments_done,
                total: progress.segments_total,
            });
        }
        fn applied(&self, ops: u32) {
            let _ = self.0.send(Told::Applied(ops));
        }
    }

    fn quick() -> SyncTiming {
        SyncTiming {
            after_change: Duration::from_millis(100),
            longest_wait: Duration::from_secs(1),
            every: Duration::from_secs(3600),
            after_failure: Duration::from_secs(3600),
        }
    }

    fn add_item(data_dir: &Path, title: &str) -> String {
        let mut catalog = Catalog::open(data_dir, OpenOptions { seed_sample: false })
            .unwrap_or_else(|e| panic!("open: {e}"));
        let mut item = Item::blank(String::new());
        item.title = title.into();
        catalog
            .save_item(item)
            .unwrap_or_else(|e| panic!("save: {e}"))
            .id
    }

    fn choose(data_dir: &Path, folder: &Path) {
        let catalog = Catalog::open(data_dir, OpenOptions { seed_sample: false })
            .unwrap_or_else(|e| panic!("open: {e}"));
        catalog
            .set_sync_value("folder", &folder.display().to_string())
            .unwrap_or_else(|e| panic!("set: {e}"));
    }

    /// Waits for what the worker says until `wanted` shows up.
    fn wait_for(told: &Receiver<Told>, wanted: &Told) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(t) = told.recv_timeout(Duration::from_millis(200)) {
                if &t == wanted {
                    return;
                }
            }
        }
        panic!("the worker never said {wanted:?}");
    }

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
    }

    #[test]
    fn without_a_folder_a_round_asked_for_says_so() {
        let data = temp();
        add_item(data.path(), "事项");
        let (tx, _told) = mpsc::channel();
        let worker = SyncWorker::start_with(data.path().to_path_buf(), Recorder(tx), quick());
        let error = worker.round_now().err().map(|e| e.code);
        assert_eq!(error.as_deref(), Some("sync_no_folder"));
    }

    #[test]
    fn a_local_edit_goes_out_by_itself_and_the_other_pc_is_told() {
        let (share, a, b) = (temp(), temp(), temp());
        add_item(a.path(), "甲的事项");
        choose(a.path(), share.path());
        choose(b.path(), share.path());
        let (tx_a, told_a) = mpsc::channel();
        let worker_a = SyncWorker::start_with(a.path().to_path_buf(), Recorder(tx_a), quick());
        // The round at start creates the catalog in the folder and sends the item.
        let report = worker_a.round_now().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(report.created_catalog || report.ops_published == 0);
        wait_for(&told_a, &Told::Status { waiting: 0 });

        // An edit made outside the worker (as the window's commands do) goes out unasked.
        add_item(a.path(), "甲又加的事项");
        wait_for(&told_a, &Told::Running(true));
        wait_for(&told_a, &Told::Status { waiting: 0 });

        let (tx_b, told_b) = mpsc::channel();
        let worker_b = SyncWorker::start_with(b.path().to_path_buf(), Recorder(tx_b), quick());
        let report = worker_b.round_now().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(report.joined_catalog);
        let arrived: u32 = report.applied.iter().map(|a| a.ops).sum();
        assert!(arrived > 0);
        let mut applied = false;
        let mut finished = false;
        while let Ok(t) = told_b.try_recv() {
            applied |= matches!(t, Told::Applied(_));
            finished |= matches!(t, Told::Progress { done, total } if done == total && total > 0);
        }
        assert!(applied, "the window of B is told to reload");
        assert!(
            finished,
            "the window of B saw the round's progress reach its end"
        );
        let catalog = Catalog::open(b.path(), OpenOptions { seed_sample: false })
            .unwrap_or_else(|e| panic!("open: {e}"));
        let titles: Vec<String> = catalog
            .list_items(
                &desk_core::query::ItemQuery {
                    limit: 100,
                    ..Default::default()
                },
                chrono::Local::now().date_naive(),
            )
            .unwrap_or_else(|e| panic!("list: {e}"))
            .items
            .into_iter()
            .map(|i| i.title)
            .collect();
        assert!(titles.contains(&"甲又加的事项".to_string()), "{titles:?}");
    }
}

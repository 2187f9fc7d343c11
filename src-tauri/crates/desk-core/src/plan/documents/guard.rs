//! Third-party readers run so that a panic or a hang becomes an error.
//!
//! The PDF and old Excel readers are large code that has panicked and looped on crafted files.
//! `bounded` runs one on a worker thread: a panic is caught there, and a reader with no answer
//! within the limit is given up on (told to stop through the flag, which this crate's own loops
//! check; code that cannot be told is left to finish alone, its work bounded by the input).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::super::PlanError;

/// Runs `work` on its own thread: a panic, or no answer within `limit`, becomes
/// `ReaderStopped`. A worker given up on is told to stop and left to finish alone.
pub(crate) fn bounded<T, F>(limit: Duration, work: F) -> Result<T, PlanError>
where
    T: Send + 'static,
    F: FnOnce(&AtomicBool) -> Result<T, PlanError> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let (send, receive) = mpsc::channel();
    let flag = Arc::clone(&stop);
    let worker = std::thread::Builder::new()
        .name("document-reader".into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| work(&flag)));
            // The receiver may have given up; nothing to tell then.
            let _ = send.send(result);
        })
        .map_err(|error| PlanError::ReaderStopped {
            detail: format!("no thread to read it on: {error}"),
        })?;
    match receive.recv_timeout(limit) {
        Ok(Ok(result)) => {
            let _ = worker.join();
            result
        }
        Ok(Err(panic)) => {
            let _ = worker.join();
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_owned());
            Err(PlanError::ReaderStopped {
                detail: format!("the reader failed: {detail}"),
            })
        }
        Err(_) => {
            stop.store(true, Ordering::Relaxed);
            Err(PlanError::ReaderStopped {
                detail: format!("no result after {} seconds", limit.as_secs()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_panics_or_never_ends_is_given_up() {
        let panics = bounded(Duration::from_secs(5), |_| -> Result<(), PlanError> {
            panic!("crafted")
        });
        assert_eq!(
            panics,
            Err(PlanError::ReaderStopped {
                detail: "the reader failed: crafted".into()
            })
        );
        let (done, finished) = mpsc::channel();
        let endless = bounded(Duration::from_millis(200), move |stop| {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = done.send(());
            Ok(())
        });
        assert!(matches!(endless, Err(PlanError::ReaderStopped { .. })));
        // The worker given up on was told to stop, and did.
        assert!(finished.recv_timeout(Duration::from_secs(5)).is_ok());
        assert_eq!(bounded(Duration::from_secs(5), |_| Ok(7)), Ok(7));
    }
}

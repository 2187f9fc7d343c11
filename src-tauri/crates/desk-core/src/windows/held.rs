//! A file another program holds for a moment: an antivirus scanning a new file, Explorer's
//! preview, a sync tool, Excel with the workbook open. Windows then refuses to open, replace or
//! remove it (a sharing or lock violation, or access denied while renaming); most such holds
//! end within a second or two, so an operation is tried again for a bounded time before the
//! person is told which file is open and what to do.

use std::io;
use std::time::Duration;

/// ERROR_ACCESS_DENIED: what a rename or remove gets while another program has the file open.
const ERROR_ACCESS_DENIED: i32 = 5;
/// ERROR_SHARING_VIOLATION: opened by another program that shares it with nobody.
const ERROR_SHARING_VIOLATION: i32 = 32;
/// ERROR_LOCK_VIOLATION: a range of it is locked by another program.
const ERROR_LOCK_VIOLATION: i32 = 33;

/// The pauses between tries: about two seconds in all.
pub const RETRY_PAUSES: &[Duration] = &[
    Duration::from_millis(50),
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
    Duration::from_millis(500),
    Duration::from_millis(750),
];

/// Whether a Windows error code means another program may hold the file.
pub fn is_held_code(code: i32) -> bool {
    matches!(
        code,
        ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION
    )
}

/// Whether `error` may mean another program holds the file. Only Windows reports holds; the
/// same numbers mean other things elsewhere.
pub fn is_held(error: &io::Error) -> bool {
    cfg!(windows) && error.raw_os_error().is_some_and(is_held_code)
}

/// Whether `error` is certainly a sharing or lock violation (not a plain access denied, which
/// may also be a missing permission).
pub fn is_sharing_violation(error: &io::Error) -> bool {
    cfg!(windows)
        && matches!(
            error.raw_os_error(),
            Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
        )
}

/// Runs `operation`, and again after each of [`RETRY_PAUSES`] while it fails as held.
pub fn retry_while_held<T>(operation: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    retry(operation, is_held, RETRY_PAUSES, std::thread::sleep)
}

/// [`retry_while_held`] with what counts as held, the pauses and the sleep given.
pub fn retry<T>(
    mut operation: impl FnMut() -> io::Result<T>,
    held: impl Fn(&io::Error) -> bool,
    pauses: &[Duration],
    mut sleep: impl FnMut(Duration),
) -> io::Result<T> {
    let mut pauses = pauses.iter();
    loop {
        match operation() {
            Err(e) if held(&e) => match pauses.next() {
                Some(pause) => sleep(*pause),
                None => return Err(e),
            },
            done => return done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os_error(code: i32) -> io::Error {
        io::Error::from_raw_os_error(code)
    }

    #[test]
    fn held_codes() {
        for (code, held) in [
            (5, true),
            (32, true),
            (33, true),
            (2, false),
            (80, false),
            (183, false),
        ] {
            assert_eq!(is_held_code(code), held, "{code}");
        }
        assert_eq!(is_held(&os_error(32)), cfg!(windows));
        assert!(!is_held(&io::Error::other("no code")));
    }

    #[test]
    fn retried_until_released() {
        let mut tries = 0;
        let mut slept = Duration::ZERO;
        let result = retry(
            || {
                tries += 1;
                if tries < 4 {
                    Err(os_error(32))
                } else {
                    Ok("renamed")
                }
            },
            |e| e.raw_os_error().is_some_and(is_held_code),
            RETRY_PAUSES,
            |pause| slept += pause,
        );
        assert_eq!(result.ok(), Some("renamed"));
        assert_eq!(tries, 4);
        assert_eq!(slept, Duration::from_millis(350));
    }

    #[test]
    fn given_up_after_the_last_pause() {
        let mut tries = 0;
        let mut slept = Duration::ZERO;
        let result: io::Result<()> = retry(
            || {
                tries += 1;
                Err(os_error(33))
            },
            |e| e.raw_os_error().is_some_and(is_held_code),
            RETRY_PAUSES,
            |pause| slept += pause,
        );
        assert_eq!(result.err().and_then(|e| e.raw_os_error()), Some(33));
        assert_eq!(tries, RETRY_PAUSES.len() + 1);
        assert_eq!(slept, RETRY_PAUSES.iter().sum::<Duration>());
        assert!(slept <= Duration::from_millis(2500));
    }

    #[test]
    fn other_errors_not_retried() {
        let mut tries = 0;
        let result: io::Result<()> = retry(
            || {
                tries += 1;
                Err(os_error(2))
            },
            |e| e.raw_os_error().is_some_and(is_held_code),
            RETRY_PAUSES,
            |_| panic!("no pause for an error that is not a hold"),
        );
        assert!(result.is_err());
        assert_eq!(tries, 1);
    }
}

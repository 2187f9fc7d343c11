//! Where the catalog's time and new ids come from: the system clock and random UUIDs, unless a
//! simulation on this thread has set them.
//!
//! Why: sync's merge decisions depend on clocks and device ids. The sync simulator replays a
//! whole run of several PCs from one seed, so it sets the time each PC sees and draws every id
//! from a seeded generator. Nothing else calls [`simulate`]; the app never does.

use std::cell::RefCell;

struct Simulated {
    now_ms: i64,
    state: u64,
}

thread_local! {
    static SIMULATED: RefCell<Option<Simulated>> = const { RefCell::new(None) };
}

/// From now on, on this thread: time is `now_ms` (until [`set_now`] moves it) and ids come from
/// a generator seeded with `seed`.
pub fn simulate(now_ms: i64, seed: u64) {
    SIMULATED.with(|s| {
        *s.borrow_mut() = Some(Simulated {
            now_ms,
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        })
    });
}

/// Sets the simulated time (no effect without [`simulate`]).
pub fn set_now(now_ms: i64) {
    SIMULATED.with(|s| {
        if let Some(sim) = s.borrow_mut().as_mut() {
            sim.now_ms = now_ms;
        }
    });
}

/// Back to the system clock and random ids on this thread.
pub fn stop_simulating() {
    SIMULATED.with(|s| *s.borrow_mut() = None);
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SIMULATED
        .with(|s| s.borrow().as_ref().map(|sim| sim.now_ms))
        .unwrap_or_else(|| chrono::Utc::now().timestamp_millis())
}

/// Now, as the RFC 3339 text records carry (whole seconds, UTC).
pub fn now_text() -> String {
    chrono::DateTime::from_timestamp_millis(now_ms())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// 16 bytes from the simulation's generator (xorshift64*), or `None` when not simulating.
fn simulated_bytes() -> Option<[u8; 16]> {
    SIMULATED.with(|s| {
        let mut guard = s.borrow_mut();
        let sim = guard.as_mut()?;
        let mut next = || {
            let mut x = sim.state;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            sim.state = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let (a, b) = (next(), next());
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..].copy_from_slice(&b.to_le_bytes());
        Some(bytes)
    })
}

/// A random (version 4) UUID.
pub fn uuid_v4() -> uuid::Uuid {
    match simulated_bytes() {
        Some(bytes) => uuid::Builder::from_random_bytes(bytes).into_uuid(),
        None => uuid::Uuid::new_v4(),
    }
}

/// A time-ordered (version 7) UUID.
pub fn uuid_v7() -> uuid::Uuid {
    match simulated_bytes() {
        Some(bytes) => {
            let mut tail = [0u8; 10];
            tail.copy_from_slice(&bytes[..10]);
            uuid::Builder::from_unix_timestamp_millis(now_ms().max(0) as u64, &tail).into_uuid()
        }
        None => uuid::Uuid::now_v7(),
    }
}

/// A new device id: twelve hex digits of a random (or simulated) UUID.
pub(crate) fn new_device_id() -> String {
    uuid_v4().simple().to_string()[..12].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulation_replays_and_ends() {
        let run = || {
            simulate(1_000, 7);
            set_now(2_000);
            (now_ms(), uuid_v4(), uuid_v7(), uuid_v7())
        };
        let first = run();
        assert_eq!(first, run(), "the same seed gives the same ids");
        assert_eq!(first.0, 2_000);
        assert_eq!(first.1.get_version_num(), 4);
        assert_eq!(first.2.get_version_num(), 7);
        assert_ne!(first.2, first.3);
        stop_simulating();
        assert!(now_ms() > 1_600_000_000_000);
        assert_ne!(uuid_v4(), first.1);
    }
}

//! Hybrid logical clocks (Kulkarni et al., 2014).
//!
//! Every operation carries one, so that operations from PCs whose wall clocks disagree still
//! order consistently with causality: a clock never goes backwards, and observing a remote clock
//! moves ours past it. The text form sorts like the clock, which lets SQLite order by it.

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (the largest wall time seen).
    pub wall_ms: i64,
    /// Orders events within the same millisecond.
    pub counter: u32,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc {
        wall_ms: 0,
        counter: 0,
    };

    /// The clock for a local event at wall time `now_ms`.
    pub fn tick(self, now_ms: i64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                counter: self.counter.saturating_add(1),
            }
        }
    }

    /// The clock after receiving an event stamped `remote`.
    pub fn observe(self, remote: Hlc, now_ms: i64) -> Hlc {
        let wall_ms = self.wall_ms.max(remote.wall_ms).max(now_ms);
        let counter = if wall_ms == self.wall_ms && wall_ms == remote.wall_ms {
            self.counter.max(remote.counter).saturating_add(1)
        } else if wall_ms == self.wall_ms {
            self.counter.saturating_add(1)
        } else if wall_ms == remote.wall_ms {
            remote.counter.saturating_add(1)
        } else {
            0
        };
        Hlc { wall_ms, counter }
    }

    /// Parses the text form written by `Display`.
    pub fn parse(text: &str) -> Option<Hlc> {
        let (wall, counter) = text.split_once('.')?;
        Some(Hlc {
            wall_ms: wall.parse().ok()?,
            counter: counter.parse().ok()?,
        })
    }

    /// The wall-clock part as a UTC time, for people.
    pub fn to_datetime(self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::from_timestamp_millis(self.wall_ms)
    }
}

impl fmt::Display for Hlc {
    /// Fixed width, so that text order is clock order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}.{:010}", self.wall_ms, self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_ticks_never_go_back_when_the_wall_clock_does() {
        let a = Hlc::ZERO.tick(1_000);
        let b = a.tick(500);
        assert!(b > a);
        assert_eq!(b.wall_ms, 1_000);
    }

    #[test]
    fn observing_a_future_clock_moves_past_it() {
        let local = Hlc::ZERO.tick(1_000);
        let remote = Hlc {
            wall_ms: 5_000,
            counter: 7,
        };
        let after = local.observe(remote, 1_001);
        assert!(after > remote);
        assert!(after.tick(1_002) > after);
    }

    proptest! {
        #[test]
        fn text_order_is_clock_order(a in 0i64..4_000_000_000_000, b in 0i64..4_000_000_000_000, ca in 0u32..100_000, cb in 0u32..100_000) {
            let x = Hlc { wall_ms: a, counter: ca };
            let y = Hlc { wall_ms: b, counter: cb };
            prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
            prop_assert_eq!(Hlc::parse(&x.to_string()), Some(x));
        }

        #[test]
        fn events_stay_monotonic(steps in proptest::collection::vec((0i64..10_000, proptest::option::of((0i64..20_000, 0u32..5))), 1..50)) {
            let mut clock = Hlc::ZERO;
            for (now, remote) in steps {
                let next = match remote {
                    Some((wall_ms, counter)) => {
                        let remote = Hlc { wall_ms, counter };
                        let next = clock.observe(remote, now);
                        prop_assert!(next > remote);
                        next
                    }
                    None => clock.tick(now),
                };
                prop_assert!(next > clock);
                clock = next;
            }
        }
    }
}

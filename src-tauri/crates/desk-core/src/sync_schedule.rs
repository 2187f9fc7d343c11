//! When the app's background sync runs a round: once at start, a few seconds after local edits
//! (so a burst of edits goes out together, yet a steady stream of edits still goes out within a
//! bounded delay), every few minutes to pick up the other PCs' work, sooner again after a failed
//! round, and at once when the person asks.
//!
//! Pure policy over instants: the worker thread feeds it events and the current time, so the rules
//! are tested without sleeping. Rounds never overlap: the worker asks for the next one only after
//! the previous one finished.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncTiming {
    /// Quiet time after the last local edit before its operations go out.
    pub after_change: Duration,
    /// The longest a local edit waits while edits keep coming.
    pub longest_wait: Duration,
    /// Between rounds when nothing happens locally.
    pub every: Duration,
    /// Before trying again after a failed round (folder unreachable, disk full …).
    pub after_failure: Duration,
}

impl Default for SyncTiming {
    fn default() -> SyncTiming {
        SyncTiming {
            after_change: Duration::from_secs(3),
            longest_wait: Duration::from_secs(30),
            every: Duration::from_secs(3 * 60),
            after_failure: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundReason {
    Start,
    LocalChange,
    Periodic,
    Requested,
}

#[derive(Debug, Clone)]
pub struct SyncSchedule {
    timing: SyncTiming,
    started: bool,
    requested: bool,
    /// The first edit not yet sent, and the quiet deadline the latest edit set.
    change: Option<(Instant, Instant)>,
    periodic_at: Instant,
}

impl SyncSchedule {
    pub fn new(timing: SyncTiming, now: Instant) -> SyncSchedule {
        SyncSchedule {
            timing,
            started: false,
            requested: false,
            change: None,
            periodic_at: now + timing.every,
        }
    }

    pub fn local_change(&mut self, now: Instant) {
        let first = self.change.map_or(now, |(first, _)| first);
        self.change = Some((first, now + self.timing.after_change));
    }

    pub fn request_now(&mut self) {
        self.requested = true;
    }

    /// When the worker should next look (it may be woken earlier by an event).
    pub fn next_round_at(&self, now: Instant) -> Instant {
        if !self.started || self.requested {
            return now;
        }
        let mut at = self.periodic_at;
        if let Some(change_at) = self.change_due_at() {
            at = at.min(change_at);
        }
        at
    }

    fn change_due_at(&self) -> Option<Instant> {
        self.change
            .map(|(first, quiet)| quiet.min(first + self.timing.longest_wait))
    }

    /// The reason for a round due at `now`, if one is; the worker then runs it and reports back
    /// with [`SyncSchedule::finished`].
    pub fn due(&mut self, now: Instant) -> Option<RoundReason> {
        let reason = if !self.started {
            RoundReason::Start
        } else if self.requested {
            RoundReason::Requested
        } else if self.change_due_at().is_some_and(|at| at <= now) {
            RoundReason::LocalChange
        } else if self.periodic_at <= now {
            RoundReason::Periodic
        } else {
            return None;
        };
        self.started = true;
        self.requested = false;
        // The round publishes every edit made so far; edits made while it runs set a new one.
        self.change = None;
        Some(reason)
    }

    pub fn finished(&mut self, now: Instant, succeeded: bool) {
        let wait = if succeeded {
            self.timing.every
        } else {
            self.timing.after_failure
        };
        self.periodic_at = now + wait;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// Runs a script of (second, event) and returns the seconds at which rounds ran, with why.
    /// Events: "edit", "ask", "fail" (the round at that second fails), "tick" (just look).
    fn check(script: &[(u64, &str)], until: u64, expected: &[(u64, RoundReason)]) {
        let t0 = Instant::now();
        let mut schedule = SyncSchedule::new(SyncTiming::default(), t0);
        let mut rounds = Vec::new();
        for second in 0..=until {
            let now = t0 + secs(second);
            let mut fails = false;
            for (_, event) in script.iter().filter(|(at, _)| *at == second) {
                match *event {
                    "edit" => schedule.local_change(now),
                    "ask" => schedule.request_now(),
                    "fail" => fails = true,
                    _ => {}
                }
            }
            if schedule.next_round_at(now) <= now {
                if let Some(reason) = schedule.due(now) {
                    rounds.push((second, reason));
                    schedule.finished(now, !fails);
                }
            }
        }
        assert_eq!(rounds, expected);
    }

    use RoundReason::*;

    #[test]
    fn a_round_at_start_then_every_three_minutes() {
        check(&[], 400, &[(0, Start), (180, Periodic), (360, Periodic)]);
    }

    #[test]
    fn an_edit_goes_out_after_three_quiet_seconds() {
        check(&[(10, "edit")], 60, &[(0, Start), (13, LocalChange)]);
    }

    #[test]
    fn a_burst_of_edits_goes_out_once() {
        check(
            &[(10, "edit"), (11, "edit"), (12, "edit"), (14, "edit")],
            60,
            &[(0, Start), (17, LocalChange)],
        );
    }

    #[test]
    fn steady_edits_still_go_out_within_thirty_seconds() {
        let edits: Vec<(u64, &str)> = (10..100).map(|s| (s, "edit")).collect();
        check(
            &edits,
            100,
            &[(0, Start), (40, LocalChange), (71, LocalChange)],
        );
    }

    #[test]
    fn asking_runs_a_round_at_once() {
        check(&[(50, "ask")], 60, &[(0, Start), (50, Requested)]);
    }

    #[test]
    fn a_failed_round_is_retried_after_a_minute() {
        check(
            &[(0, "fail"), (60, "fail")],
            250,
            &[(0, Start), (60, Periodic), (120, Periodic)],
        );
    }

    #[test]
    fn the_periodic_round_counts_from_the_last_round() {
        check(
            &[(100, "ask")],
            300,
            &[(0, Start), (100, Requested), (280, Periodic)],
        );
    }
}

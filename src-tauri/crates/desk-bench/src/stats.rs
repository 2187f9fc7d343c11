//! Summaries of timings: percentiles of one run, and the median, min and max over runs.

use serde::Serialize;
use std::time::{Duration, Instant};

/// Milliseconds since `start`.
pub fn ms_since(start: Instant) -> f64 {
    duration_ms(start.elapsed())
}

pub fn duration_ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile `p` (0–100) of `samples`.
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One figure measured in several runs: the median of the runs, with the smallest and largest.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Figure {
    pub fn of(runs: &[f64]) -> Figure {
        let min = runs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = runs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Figure {
            median: percentile(runs, 50.0),
            min,
            max,
            runs: runs.len(),
        }
    }
}

/// A latency measured over many samples in each of several runs: p50 and p95 of each run, then
/// the median (min, max) of those over the runs.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub p50: Figure,
    pub p95: Figure,
    /// Samples in each run.
    pub samples_per_run: usize,
}

impl Latency {
    pub fn of(runs: &[Vec<f64>]) -> Latency {
        let p50: Vec<f64> = runs.iter().map(|r| percentile(r, 50.0)).collect();
        let p95: Vec<f64> = runs.iter().map(|r| percentile(r, 95.0)).collect();
        Latency {
            p50: Figure::of(&p50),
            p95: Figure::of(&p95),
            samples_per_run: runs.first().map_or(0, Vec::len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 50.0), 50.0);
        assert_eq!(percentile(&xs, 95.0), 95.0);
        assert_eq!(percentile(&[3.0], 95.0), 3.0);
        let f = Figure::of(&[3.0, 1.0, 2.0]);
        assert_eq!((f.median, f.min, f.max), (2.0, 1.0, 3.0));
    }
}

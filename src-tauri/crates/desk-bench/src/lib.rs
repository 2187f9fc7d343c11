//! Benchmarks of Disclosure Desk: a generator of realistic catalogs, and measurements of the
//! domain (open, first page, search, save, plan import) against plain baselines run on the same
//! rows in the same run (plain SQLite through rusqlite, `grep -c` over a CSV export).
//!
//! `desk-bench generate` writes a catalog the app opens normally; `desk-bench run` measures and
//! writes its figures as JSON; `desk-bench query` and `desk-bench sql` time one query, to profile
//! it; `desk-bench sync` measures a sync round bringing in other PCs' operations. `scripts/bench.sh` runs it all with the window benchmark (`bench/window.mjs`), and
//! `bench/report.mjs` writes `bench/RESULTS.md` and `bench/results.json`.

pub mod domain;
pub mod generate;
pub mod plan;
pub mod rng;
pub mod stats;
pub mod sync;
pub mod vocab;

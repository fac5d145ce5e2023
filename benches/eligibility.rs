//! Benchmark of `zikao eligibility` on generated exports (not a timed test).
//!
//! ```text
//! cargo run --release --example gen_exports -- --candidates 200000 --out /tmp/elig200k
//! ZIKAO_ELIG_DIR=/tmp/elig200k cargo bench --bench eligibility
//! /usr/bin/time -v target/release/zikao eligibility --candidates ... (peak memory)
//! python3 benches/duckdb_elig.py /tmp/elig200k      (DuckDB baseline, 2 threads)
//! ```
//! Without ZIKAO_ELIG_DIR it generates nothing and audits the small
//! committed fixture in tests/fixtures/elig/.

use std::path::PathBuf;

// the allocator the `zikao` binary uses
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use zikao::elig::{audit, EligInputs, EligOptions};
use zikao::policy::Policy;

fn main() {
    let dir = std::env::var("ZIKAO_ELIG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("tests/fixtures/elig/bench"));
    let opt = |n: &str| {
        let p = dir.join(n);
        p.exists().then_some(p)
    };
    let inputs = EligInputs {
        candidates: dir.join("candidates.csv"),
        scores: dir.join("scores.csv"),
        plans: dir.join("plans.csv"),
        violations: opt("violations.csv"),
        graduates: opt("graduates.csv"),
        certificates: opt("certificates.csv"),
        prereq: opt("prereq.json"),
        read: Default::default(),
    };
    let policy = Policy::builtin("guangdong").expect("built-in policy");
    let opts = EligOptions {
        batch: "2022-06".parse().expect("batch"),
        as_of: chrono::NaiveDate::from_ymd_opt(2022, 6, 16).expect("date"),
    };
    let runs = 3;
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        match audit(&inputs, &policy, &opts) {
            Ok(r) => {
                let s = t.elapsed().as_secs_f64();
                best = best.min(s);
                eprintln!(
                    "{} candidates, {} input problems: {s:.3} s",
                    r.results.len(),
                    r.input_errors.len()
                );
            }
            Err(e) => {
                eprintln!("audit failed: {e}");
                return;
            }
        }
    }
    eprintln!("best of {runs}: {best:.3} s");
}

//! Reading a generated 1,000,000-row scores CSV (UTF-8 and GBK) with the
//! table reader. `cargo bench --bench table`; the throughput is printed in
//! rows per second ("elem/s").

use std::io::Write;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zikao::table::{self, schemas::SCORES, ReadOptions};

const ROWS: usize = 1_000_000;
const COURSES: [(&str, &str); 6] = [
    ("00015", "英语（二）"),
    ("03708", "中国近现代史纲要"),
    ("03709", "马克思主义基本原理概论"),
    ("00018", "计算机应用基础"),
    ("00054", "管理学原理"),
    ("00144", "企业管理概论"),
];

fn write_scores(path: &Path, gbk: bool) {
    let mut text = String::with_capacity(ROWS * 64);
    text.push_str("准考证号,课程代码,课程名称,成绩,考试年月\n");
    for i in 0..ROWS {
        let (code, name) = COURSES[i % COURSES.len()];
        let score = 40 + (i * 7919) % 61;
        let month = if i % 2 == 0 { "04" } else { "10" };
        let year = 2015 + i % 9;
        text.push_str(&format!(
            "{:012},{code},{name},{score},{year}{month}\n",
            10_118_000_000_u64 + (i / 12) as u64
        ));
    }
    let bytes = if gbk {
        encoding_rs::GB18030.encode(&text).0.into_owned()
    } else {
        text.into_bytes()
    };
    std::fs::File::create(path)
        .unwrap()
        .write_all(&bytes)
        .unwrap();
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("table");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS as u64));
    for (name, gbk) in [("scores_1m_utf8_csv", false), ("scores_1m_gbk_csv", true)] {
        let path = dir.path().join(format!("{name}.csv"));
        write_scores(&path, gbk);
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                let mut total = 0usize;
                let problems = table::read(&path, &SCORES, &ReadOptions::default(), &mut |r| {
                    n += 1;
                    total += r.get("score").map_or(0, str::len);
                })
                .unwrap();
                assert_eq!(n, ROWS);
                assert!(problems.is_empty());
                total
            })
        });
    }
    g.finish();

    // The machine running this may be shared: also report the CPU time of
    // the reading thread itself (Linux schedstat), i.e. rows per second on
    // one core regardless of contention.
    for gbk in [false, true] {
        let path = dir
            .path()
            .join(if gbk { "cpu_gbk.csv" } else { "cpu_utf8.csv" });
        write_scores(&path, gbk);
        let runs = 5;
        let before = thread_cpu_ns();
        for _ in 0..runs {
            let mut n = 0usize;
            table::read(&path, &SCORES, &ReadOptions::default(), &mut |_| n += 1).unwrap();
            assert_eq!(n, ROWS);
        }
        if let (Some(a), Some(b)) = (before, thread_cpu_ns()) {
            let per_run = (b - a) as f64 / runs as f64 / 1e9;
            println!(
                "{}: {:.0} ms CPU per {ROWS} rows = {:.2} M rows/s per core",
                if gbk { "GBK" } else { "UTF-8" },
                per_run * 1e3,
                ROWS as f64 / per_run / 1e6
            );
        }
    }
}

/// CPU time of the current thread in nanoseconds (Linux).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Pixel analysis cost per photo (480x640 real photo, real geometry).
//! `cargo bench --bench pixels`

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use zikao::face::{FaceBox, FaceGeometry, Point};
use zikao::photo::annotate::{annotate, GeometryRanges};
use zikao::photo::pixels::{analyze_with, PixelRules};
use zikao::photo::profile::Background;

fn geometry() -> FaceGeometry {
    // Reference geometry of astronaut_ok_white.jpg (tests/fixtures/photos/reference.json).
    let (cx, eye_y, fw) = (240.0, 268.0, 200.0);
    let el = Point {
        x: cx - 44.0,
        y: 265.1,
    };
    let er = Point {
        x: cx + 44.0,
        y: 270.9,
    };
    FaceGeometry {
        face_box: FaceBox {
            x: cx - fw / 2.0,
            y: eye_y - 80.0,
            width: fw,
            height: 240.0,
            score: 5.0,
        },
        landmarks: [
            el,
            el,
            er,
            er,
            Point {
                x: cx,
                y: eye_y + 70.0,
            },
        ],
        eye_left: el,
        eye_right: er,
        head_top: Some(78.2),
        head_cut: false,
        head_top_estimated: false,
        head_top_proportional: 0.0,
        face_width: Some(fw),
        face_left_x: Some(cx - fw / 2.0),
        face_right_x: Some(cx + fw / 2.0),
        face_center_x: cx,
        tilt_deg: 1.9,
    }
}

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/photos/astronaut_ok_white.jpg"
    );
    let img = image::open(path).unwrap().to_rgb8();
    let face = geometry();
    let bgs = vec![
        Background {
            name: "light_blue".into(),
            rgb: [100, 197, 255],
        },
        Background {
            name: "white".into(),
            rgb: [255, 255, 255],
        },
        Background {
            name: "light_gray".into(),
            rgb: [240, 240, 240],
        },
    ];
    let rules = PixelRules::default();
    // The machine may be shared: also print on-CPU time per call (Linux
    // schedstat), which contention does not inflate.
    let cpu = || -> Option<u64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        s.split_whitespace().next()?.parse().ok()
    };
    if let Some(t0) = cpu() {
        let n = 300;
        for _ in 0..n {
            black_box(analyze_with(
                black_box(&img),
                Some(&face),
                &bgs,
                10.0,
                &rules,
            ));
        }
        if let Some(t1) = cpu() {
            eprintln!(
                "pixels 480x640 with face: {:.3} ms on-CPU per photo",
                (t1 - t0) as f64 / n as f64 / 1e6
            );
        }
    }
    c.bench_function("pixels 480x640 with face", |b| {
        b.iter(|| analyze_with(black_box(&img), Some(&face), &bgs, 10.0, &rules))
    });
    c.bench_function("pixels 480x640 no face", |b| {
        b.iter(|| analyze_with(black_box(&img), None, &bgs, 10.0, &rules))
    });
    c.bench_function("annotate 480x640", |b| {
        b.iter(|| annotate(black_box(&img), Some(&face), &GeometryRanges::default()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

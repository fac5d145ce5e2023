//! Face geometry speed: `cargo bench --bench face`.
//! One full `zikao::face::analyze` (detection, landmarks, eyes, head top,
//! width) on 480x640 ID photos, and on an upscaled 1500x2000 copy.

use criterion::{criterion_group, criterion_main, Criterion};

fn load(name: &str) -> image::RgbImage {
    let p = format!(
        "{}/tests/fixtures/photos/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    image::open(p).unwrap().to_rgb8()
}

fn bench(c: &mut Criterion) {
    let ok = load("astronaut_ok_white.jpg");
    let hopper = load("grace_hopper_ok_gray.jpg");
    let small = load("grace_hopper_small_face.jpg");
    let big = image::imageops::resize(&ok, 1500, 2000, image::imageops::FilterType::Triangle);
    // load the models once outside the timing
    zikao::face::analyze(&ok).unwrap();
    c.bench_function("face/analyze 480x640 astronaut", |b| {
        b.iter(|| zikao::face::analyze(std::hint::black_box(&ok)).unwrap())
    });
    c.bench_function("face/analyze 480x640 hopper", |b| {
        b.iter(|| zikao::face::analyze(std::hint::black_box(&hopper)).unwrap())
    });
    c.bench_function("face/analyze 480x640 small face", |b| {
        b.iter(|| zikao::face::analyze(std::hint::black_box(&small)).unwrap())
    });
    c.bench_function("face/analyze 1500x2000", |b| {
        b.iter(|| zikao::face::analyze(std::hint::black_box(&big)).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

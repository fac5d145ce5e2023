//! Face geometry speed: `cargo bench --bench face`.
//! One full `zikao::face::analyze` (BlazeFace detection, Face Mesh, eyes,
//! head top, width) on 480x640 ID photos and on an upscaled 1500x2000
//! copy; the two model runs alone; and the one-time model load (parse and
//! optimise both ONNX models, paid once per process).

use criterion::{criterion_group, criterion_main, Criterion};
use zikao::face::mesh;

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
    let coffee = load("coffee.png");
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
    c.bench_function("face/analyze no face (coffee)", |b| {
        b.iter(|| zikao::face::analyze(std::hint::black_box(&coffee)).unwrap())
    });
    c.bench_function("face/analyze 1500x2000", |b| {
        b.iter(|| zikao::face::analyze(std::hint::black_box(&big)).unwrap())
    });
    let (w, h) = (ok.width() as usize, ok.height() as usize);
    c.bench_function("face/stage BlazeFace detect 480x640", |b| {
        b.iter(|| mesh::detect(std::hint::black_box(ok.as_raw()), w, h).unwrap())
    });
    let roi = mesh::roi_from_detection(&mesh::detect(ok.as_raw(), w, h).unwrap()[0]);
    c.bench_function("face/stage Face Mesh on the crop", |b| {
        b.iter(|| mesh::mesh(std::hint::black_box(ok.as_raw()), w, h, roi).unwrap())
    });
    let mut g = c.benchmark_group("face/once");
    g.sample_size(10);
    g.bench_function("load and optimise both models", |b| {
        b.iter(|| mesh::load_models_uncached().unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

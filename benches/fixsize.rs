//! Time per 12-megapixel phone photo (3000x4000) for `photo fix-size`,
//! one core: decoding alone, and the whole `fix_image` (decode, face,
//! crop plan, Lanczos3 resize, quality search, check). The photo is a
//! real face (tests/fixtures/photos) enlarged 4x into a plain frame.
//!
//! `RAYON_NUM_THREADS=1 cargo bench --bench fixsize`

use criterion::{criterion_group, criterion_main, Criterion};
use image::RgbImage;
use zikao::photo::fix::{encode, fix_image, FixOptions};
use zikao::photo::PhotoProfile;

fn phone_photo() -> Vec<u8> {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/photos/grace_hopper_ok_gray.jpg"
    );
    let src = image::open(p).unwrap().to_rgb8();
    let big = image::imageops::resize(&src, 1920, 2560, image::imageops::FilterType::Triangle);
    let mut img = RgbImage::from_pixel(3000, 4000, *src.get_pixel(3, 3));
    image::imageops::replace(&mut img, &big, 600, 1440);
    encode::encode_rgb(img.as_raw(), 3000, 4000, 90, encode::Sampling::S444, 72).unwrap()
}

fn bench(c: &mut Criterion) {
    let bytes = phone_photo();
    let target = PhotoProfile::builtin("national").unwrap();
    let opts = FixOptions::default();
    // sanity: the photo is fixable
    fix_image(&bytes, &target, &opts).expect("fixable");
    let mut g = c.benchmark_group("fixsize_12mp");
    g.sample_size(10);
    g.bench_function("decode", |b| {
        b.iter(|| image::load_from_memory(&bytes).unwrap())
    });
    g.bench_function("fix_image_total", |b| {
        b.iter(|| fix_image(&bytes, &target, &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

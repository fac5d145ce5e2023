//! Photo check throughput: `cargo bench --bench photo_check`.
//! A folder of 64 480x640 JPEGs (the fixture ID photos, copied with small
//! pixel shifts so no two files are identical) checked by
//! `zikao::photo::check::check_paths` — decode, JPEG structure, face
//! geometry and pixel analysis, in parallel with rayon — against decoding
//! alone (`image::load_from_memory`, also in parallel) on the same files.
//! Criterion's throughput line gives photos/second; the ratio of the two
//! times is the cost of checking relative to decoding.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use std::path::PathBuf;

const N: usize = 64;

fn corpus(dir: &std::path::Path) -> Vec<PathBuf> {
    let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos");
    let mut bases: Vec<image::RgbImage> = std::fs::read_dir(&fx)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .map(|p| image::open(p).unwrap().to_rgb8())
        .filter(|i| i.dimensions() == (480, 640))
        .collect();
    bases.sort_by_key(|i| i.as_raw()[..64].to_vec());
    let mut out = Vec::new();
    for k in 0..N {
        let b = &bases[k % bases.len()];
        let shift = (k / bases.len()) as u32; // 0..=n shifts right by a pixel each round
        let img =
            image::RgbImage::from_fn(480, 640, |x, y| *b.get_pixel(x.saturating_sub(shift), y));
        let p = dir.join(format!("p{k:03}.jpg"));
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 90);
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(300));
        enc.encode_image(&img).unwrap();
        drop(enc);
        out.push(p);
    }
    out
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let paths = corpus(dir.path());
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let profile = zikao::photo::PhotoProfile::builtin("national").unwrap();
    let opts = zikao::photo::CheckOptions::default();
    // load the face models once outside the timing
    zikao::photo::check::check_paths(&paths[..1], &profile, &opts, &|_, _| ()).unwrap();

    let mut g = c.benchmark_group("photo_check");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("check_paths 64 x 480x640", |b| {
        b.iter(|| {
            let r = zikao::photo::check::check_paths(&paths, &profile, &opts, &|_, _| ()).unwrap();
            assert_eq!(r.results.len(), N);
        })
    });
    g.bench_function("decode only 64 x 480x640", |b| {
        b.iter(|| {
            let n: u64 = bytes
                .par_iter()
                .map(|b| image::load_from_memory(b).unwrap().width() as u64)
                .sum();
            assert_eq!(n, 480 * N as u64);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! A photo folder against the candidate list: `cargo bench --bench photo_folder`.
//!
//! 20,000 small generated JPEGs (60x80, each a picture of its own, named by
//! a generated ID number, 1 in 50 an unlisted name and 1 in 100 the same
//! picture as the one before under another candidate's name) and a list of
//! 20,000 candidates. Measured, per file (criterion's throughput line):
//! - `walk`: the folder walker;
//! - `signature`: the perceptual signature of a decoded image (DCT hashes
//!   of the centre and the whole image, colour grid);
//! - `match`: stems to candidates, same-picture grouping (banded, no
//!   all-pairs comparison) and the report, on the checked items in memory;
//! - `check`: the photo check itself (decode, JPEG structure, face engine,
//!   pixel checks) on 500 of the files, for comparison.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};
use zikao::photo::folder::{self, Listed};

const N: usize = 20_000;

fn id(i: usize) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let first17 = format!(
        "440106{}{:02}{:02}{:03}",
        1960 + i % 40,
        1 + i % 12,
        1 + i % 28,
        i % 1000
    );
    let s: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(s % 11) as usize] as char)
}

/// A small picture of its own for each seed.
fn picture(seed: u64) -> image::RgbImage {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let c: Vec<[u8; 3]> = (0..4)
        .map(|_| [next() as u8, next() as u8, next() as u8])
        .collect();
    let (cx, cy, r) = (10 + next() % 40, 10 + next() % 60, 8 + next() % 20);
    let (bx, by) = (next() % 60, next() % 80);
    image::RgbImage::from_fn(60, 80, |x, y| {
        let (dx, dy) = (x as i64 - cx as i64, y as i64 - cy as i64);
        if dx * dx + dy * dy < (r * r) as i64 {
            image::Rgb(c[0])
        } else if (x as u64) < bx && (y as u64) > by {
            image::Rgb(c[1])
        } else if (x + y) % 16 < 8 {
            image::Rgb(c[2])
        } else {
            image::Rgb(c[3])
        }
    })
}

fn corpus(dir: &Path) -> (Vec<PathBuf>, Vec<Listed>) {
    use rayon::prelude::*;
    let list: Vec<Listed> = (0..N)
        .map(|i| Listed {
            exam_no: format!("01012{i:07}"),
            name: format!("考生{i}"),
            id_no: id(i),
            row: i + 2,
        })
        .collect();
    let paths: Vec<PathBuf> = (0..N)
        .into_par_iter()
        .map(|i| {
            let stem = if i % 50 == 49 {
                format!("unlisted{i}")
            } else {
                id(i)
            };
            let seed = if i % 100 == 1 { i - 1 } else { i };
            let mut v = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut v, 80)
                .encode_image(&picture(seed as u64))
                .unwrap();
            let p = dir.join(format!("{stem}.jpg"));
            std::fs::write(&p, v).unwrap();
            p
        })
        .collect();
    (paths, list)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (paths, list) = corpus(dir.path());
    let profile = zikao::photo::PhotoProfile::builtin("national").unwrap();
    let opts = zikao::photo::CheckOptions {
        face: false,
        ..Default::default()
    };
    // the checked items and decoded images, once (the face engine off: the
    // small pictures have no face; the check's cost is measured below)
    let sig_of = |r: &zikao::photo::PhotoResult| {
        r.image
            .as_ref()
            .map(|img| folder::phash::signature(img, None))
    };
    let (checked, mapped) = zikao::photo::check::check_paths_map(
        &[dir.path().to_path_buf()],
        &profile,
        &opts,
        &|_, _| (),
        &sig_of,
    )
    .unwrap();
    assert_eq!(checked.results.len(), N);
    let sigs: Vec<Option<folder::Signature>> = mapped.into_iter().map(Option::flatten).collect();
    let images: Vec<image::RgbImage> = paths[..1000]
        .iter()
        .map(|p| image::open(p).unwrap().to_rgb8())
        .collect();

    let mut g = c.benchmark_group("photo_folder");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("walk 20000 files", |b| {
        b.iter(|| {
            let e = zikao::photo::walk::walk(
                &[dir.path().to_path_buf()],
                &zikao::photo::walk::WalkOptions::default(),
            );
            assert_eq!(e.len(), N);
        })
    });
    g.bench_function("match + same-picture groups 20000 files", |b| {
        b.iter(|| {
            let r = folder::match_folder(
                checked.clone(),
                sigs.clone(),
                &list,
                vec![],
                &folder::FolderOptions::default(),
            );
            let s = r.summary();
            assert_eq!(s["files"]["unlisted"], N / 50);
            assert_eq!(s["same_picture_groups"], N / 100);
        })
    });
    g.throughput(Throughput::Elements(images.len() as u64));
    g.bench_function("signature 1000 decoded 60x80 images", |b| {
        b.iter(|| {
            for img in &images {
                std::hint::black_box(folder::phash::signature(img, None));
            }
        })
    });
    let face_on = zikao::photo::CheckOptions::default();
    let some: Vec<PathBuf> = paths[..500].to_vec();
    g.throughput(Throughput::Elements(some.len() as u64));
    g.bench_function("photo check 500 files (face engine on)", |b| {
        b.iter(|| {
            let r =
                zikao::photo::check::check_paths(&some, &profile, &face_on, &|_, _| ()).unwrap();
            assert_eq!(r.results.len(), some.len());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Converts dlib's 5-point landmark model (`shape_predictor_5_face_landmarks.dat`,
//! dlib's serialisation) into the compact format the library embeds
//! (`src/face/models/shape_predictor_5_face_landmarks.zksp`; format in
//! `src/face/shape.rs`), and shows what the conversion changes.
//!
//! ```sh
//! cargo run --release --example convert_shape_model -- \
//!     ../shared/models/shape_predictor_5_face_landmarks.dat \
//!     src/face/models/shape_predictor_5_face_landmarks.zksp \
//!     tests/fixtures/photos ../shared/photos
//! ```
//!
//! The photos (files or folders of .jpg/.png) are optional: on each one with a
//! face, both models are run as the face engine runs its model (three passes,
//! each on the box the previous points imply), from the same start (the five
//! points `zikao::face::analyze` finds), and the distances between their five
//! points are reported, beside those of the dlib model against itself started
//! 0.001 px to the right (the cascade's own sensitivity, for scale).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zikao::face::{fit_box, Point, ShapePredictor};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: convert_shape_model IN.dat OUT.zksp [PHOTO_OR_FOLDER ...]");
        return ExitCode::from(2);
    }
    match run(&args[0], &args[1], &args[2..]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convert_shape_model: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &str, output: &str, photos: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let dat = std::fs::read(input)?;
    let dlib = ShapePredictor::read(&dat)?;
    let compact = dlib.to_compact()?;
    let back = ShapePredictor::read_compact(&compact)?;
    if back.to_compact()? != compact {
        return Err("the compact model does not convert back to the same bytes".into());
    }
    std::fs::write(output, &compact)?;
    println!(
        "{input}: {} bytes ({} gzipped) -> {output}: {} bytes ({} gzipped)",
        dat.len(),
        gzip_len(&dat),
        compact.len(),
        gzip_len(&compact)
    );

    let mut files = Vec::new();
    for p in photos {
        collect(Path::new(p), &mut files)?;
    }
    let (mut dists, mut moved_dists) = (Vec::new(), Vec::new());
    let mut faces = 0;
    for f in &files {
        let img = image::open(f)?.to_rgb8();
        let Some(g) = zikao::face::analyze(&img)?.primary else {
            println!("{}: no face", f.display());
            continue;
        };
        faces += 1;
        let (w, h) = (img.width() as usize, img.height() as usize);
        let a = landmarks(&dlib, &img, &g.landmarks);
        let b = landmarks(&back, &img, &g.landmarks);
        let d: Vec<f32> = a.iter().zip(&b).map(|(p, q)| dist(*p, *q)).collect();
        // For scale: the dlib model against itself, started 0.001 px to the
        // right. The cascade rounds its feature pixels' positions to whole
        // pixels, so a tiny change anywhere (a leaf, the start, float noise)
        // can flip a split, which moves the points by a fraction of a pixel.
        let moved: Vec<Point> = g
            .landmarks
            .iter()
            .map(|p| Point {
                x: p.x + 0.001,
                y: p.y,
            })
            .collect();
        let c = landmarks(&dlib, &img, &moved);
        let e: Vec<f32> = a.iter().zip(&c).map(|(p, q)| dist(*p, *q)).collect();
        println!(
            "{} ({w}x{h}): largest of the 5 points: compact vs dlib {:.3} px; dlib moved 0.001 px {:.3} px",
            f.display(),
            max(&d),
            max(&e)
        );
        dists.extend(d);
        moved_dists.extend(e);
    }
    if !dists.is_empty() {
        println!(
            "{} photos, {faces} faces, {} points: compact vs dlib median {:.3} px, max {:.3} px; \
             dlib moved 0.001 px median {:.3} px, max {:.3} px",
            files.len(),
            dists.len(),
            median(&mut dists),
            max(&dists),
            median(&mut moved_dists),
            max(&moved_dists)
        );
    }
    Ok(())
}

/// The face engine's use of the model (src/face/measure.rs `landmarks`).
fn landmarks(sp: &ShapePredictor, img: &image::RgbImage, start: &[Point]) -> Vec<Point> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let rgb = img.as_raw();
    let mean = sp.mean_shape();
    let mut pts = start.to_vec();
    for _ in 0..3 {
        pts = sp.predict_with(w, h, fit_box(&mean, &pts), |x, y| {
            let p = &rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
            ((p[0] as u16 + p[1] as u16 + p[2] as u16) / 3) as u8
        });
    }
    pts
}

fn max(v: &[f32]) -> f32 {
    v.iter().fold(0f32, |m, &x| m.max(x))
}

fn median(v: &mut [f32]) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

fn dist(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            let ext = e.extension().and_then(|x| x.to_str()).unwrap_or("");
            if e.is_dir() || ["jpg", "jpeg", "png"].contains(&ext.to_ascii_lowercase().as_str()) {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

fn gzip_len(b: &[u8]) -> usize {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(b).expect("writing to memory");
    z.finish().expect("writing to memory").len()
}

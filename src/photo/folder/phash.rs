//! "The same picture": a perceptual signature of a decoded photo, and the
//! grouping of a folder's signatures without comparing every pair
//! (docs/photo.md, "Same picture").
//!
//! A [`Signature`] has three parts, each computed from the pixels only (so
//! metadata, the file's bytes and its JPEG quality do not matter):
//! - `face`: a 64-bit DCT hash (pHash) of the face region: a square around
//!   the eyes found by the face engine (side 2.4 × the distance between the
//!   eyes, centred half that distance below the eye line), or the centre of
//!   the image when there is no face;
//! - `frame`: the same DCT hash of the whole image;
//! - `colour`: the mean colour of each cell of a 4x4 grid over the image.
//!
//! The DCT hash: the region is reduced to 32x32 gray levels by area
//! averaging (so the size of the image does not matter), the 2-D DCT-II is
//! taken, and each of the 63 lowest-frequency AC coefficients (u, v < 8,
//! DC left out) gives one bit: above the median of the 63, or not. Bit 63
//! is always 0.
//!
//! Two photos show the same picture when all three agree ([`same_picture`]):
//! face hashes at most [`FACE_MAX`] bits apart, frame hashes at most
//! [`FRAME_MAX`], colours at most [`COLOUR_MAX`] gray levels apart on
//! average. Re-encoding, small resizes and stripped metadata change none
//! of them much; another person changes the face hash; another photo of
//! the same person changes the face and usually the frame; the same face
//! moved or rescaled in the frame, or put on another background, changes
//! the frame hash or the colours.

use image::RgbImage;

use crate::face::FaceGeometry;

/// Largest Hamming distance of two face hashes of the same picture.
pub const FACE_MAX: u32 = 10;
/// Largest Hamming distance of two frame hashes of the same picture.
pub const FRAME_MAX: u32 = 8;
/// Largest mean absolute difference (0-255) of the 4x4 colour grids.
pub const COLOUR_MAX: f32 = 3.0;

/// What is compared between two photos.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// DCT hash of the face region (or of the centre of the image).
    pub face: u64,
    /// Whether `face` was taken around a face the engine found.
    pub face_found: bool,
    /// DCT hash of the whole image.
    pub frame: u64,
    /// Mean R, G, B of each cell of a 4x4 grid, row by row.
    pub colour: [u8; 48],
}

/// A rectangle in pixels (x0, y0 inclusive; x1, y1 exclusive).
type Rect = (f32, f32, f32, f32);

/// The signature of a decoded image; `face` is the face engine's primary
/// face when it found one.
pub fn signature(img: &RgbImage, face: Option<&FaceGeometry>) -> Signature {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let region = face.and_then(|f| face_region(f, w, h));
    let face_found = region.is_some();
    let region = region.unwrap_or((0.2 * w, 0.15 * h, 0.8 * w, 0.75 * h));
    let mut colour = [0u8; 48];
    for cy in 0..4 {
        for cx in 0..4 {
            let r = (
                cx as f32 * w / 4.0,
                cy as f32 * h / 4.0,
                (cx + 1) as f32 * w / 4.0,
                (cy + 1) as f32 * h / 4.0,
            );
            let m = mean_rgb(img, r);
            let i = (cy * 4 + cx) * 3;
            colour[i..i + 3].copy_from_slice(&m);
        }
    }
    Signature {
        face: dct_hash(&gray32(img, region)),
        face_found,
        frame: dct_hash(&gray32(img, (0.0, 0.0, w, h))),
        colour,
    }
}

fn face_region(f: &FaceGeometry, w: f32, h: f32) -> Option<Rect> {
    let (l, r) = (f.eye_left, f.eye_right);
    let d = ((r.x - l.x).powi(2) + (r.y - l.y).powi(2)).sqrt();
    if !(d.is_finite() && d >= 4.0) {
        return None;
    }
    let (cx, cy) = ((l.x + r.x) / 2.0, (l.y + r.y) / 2.0 + 0.5 * d);
    let half = 1.2 * d;
    let rect = (
        (cx - half).max(0.0),
        (cy - half).max(0.0),
        (cx + half).min(w),
        (cy + half).min(h),
    );
    (rect.2 - rect.0 >= 8.0 && rect.3 - rect.1 >= 8.0).then_some(rect)
}

fn mean_rgb(img: &RgbImage, (x0, y0, x1, y1): Rect) -> [u8; 3] {
    let (xa, xb) = (x0.floor() as u32, (x1.ceil() as u32).min(img.width()));
    let (ya, yb) = (y0.floor() as u32, (y1.ceil() as u32).min(img.height()));
    let mut s = [0u64; 3];
    let mut n = 0u64;
    for y in ya..yb.max(ya + 1).min(img.height()) {
        for x in xa..xb.max(xa + 1).min(img.width()) {
            let p = img.get_pixel(x, y).0;
            for (acc, v) in s.iter_mut().zip(p) {
                *acc += u64::from(v);
            }
            n += 1;
        }
    }
    let n = n.max(1);
    [(s[0] / n) as u8, (s[1] / n) as u8, (s[2] / n) as u8]
}

/// The region reduced to 32x32 gray levels (BT.601 luma), each output
/// cell the mean of the source pixels it covers (area averaging with
/// fractional edges).
pub fn gray32(img: &RgbImage, (x0, y0, x1, y1): Rect) -> [f32; 1024] {
    const N: usize = 32;
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut out = [0f32; N * N];
    if w == 0 || h == 0 {
        return out;
    }
    // per column and row of the output: the source span it covers
    let span = |a: f32, b: f32, i: usize| -> (f32, f32) {
        let step = (b - a) / N as f32;
        (a + step * i as f32, a + step * (i + 1) as f32)
    };
    // gray levels of the source rows needed, computed once
    let ya = (y0.floor().max(0.0) as usize).min(h - 1);
    let yb = (y1.ceil() as usize).clamp(ya + 1, h);
    let xa = (x0.floor().max(0.0) as usize).min(w - 1);
    let xb = (x1.ceil() as usize).clamp(xa + 1, w);
    let gw = xb - xa;
    let mut gray = vec![0f32; gw * (yb - ya)];
    for y in ya..yb {
        for x in xa..xb {
            let p = img.get_pixel(x as u32, y as u32).0;
            gray[(y - ya) * gw + (x - xa)] =
                0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
        }
    }
    // weights of source pixels for one output cell along one axis
    let weights = |lo: f32, hi: f32, first: usize, last: usize| -> Vec<(usize, f32)> {
        let mut v = Vec::new();
        let a = lo.floor().max(first as f32) as usize;
        let b = (hi.ceil() as usize).min(last).max(a + 1);
        for i in a..b.min(last) {
            let wgt = (hi.min(i as f32 + 1.0) - lo.max(i as f32)).max(0.0);
            if wgt > 0.0 {
                v.push((i, wgt));
            }
        }
        if v.is_empty() {
            v.push((a.min(last - 1), 1.0));
        }
        v
    };
    let xs: Vec<Vec<(usize, f32)>> = (0..N)
        .map(|i| {
            let (lo, hi) = span(x0, x1, i);
            weights(lo, hi, xa, xb)
        })
        .collect();
    for j in 0..N {
        let (lo, hi) = span(y0, y1, j);
        let ys = weights(lo, hi, ya, yb);
        for (i, xw) in xs.iter().enumerate() {
            let mut s = 0f32;
            let mut n = 0f32;
            for &(y, wy) in &ys {
                let row = &gray[(y - ya) * gw..];
                for &(x, wx) in xw {
                    s += row[x - xa] * wx * wy;
                    n += wx * wy;
                }
            }
            out[j * N + i] = if n > 0.0 { s / n } else { 0.0 };
        }
    }
    out
}

/// The 64-bit DCT hash of 32x32 gray levels (see the module doc).
// the 2-D DCT reads clearest with its indices
#[allow(clippy::needless_range_loop)]
pub fn dct_hash(g: &[f32; 1024]) -> u64 {
    const N: usize = 32;
    const K: usize = 8;
    let mut cos = [[0f32; N]; K];
    for (u, row) in cos.iter_mut().enumerate() {
        for (x, c) in row.iter_mut().enumerate() {
            *c = ((2 * x + 1) as f32 * u as f32 * std::f32::consts::PI / (2 * N) as f32).cos();
        }
    }
    // rows: r[y][u] = sum_x g[y][x] cos(u, x)
    let mut r = [[0f32; K]; N];
    for y in 0..N {
        for u in 0..K {
            r[y][u] = (0..N).map(|x| g[y * N + x] * cos[u][x]).sum();
        }
    }
    let mut coef = Vec::with_capacity(K * K - 1);
    for v in 0..K {
        for u in 0..K {
            if u == 0 && v == 0 {
                continue;
            }
            coef.push((0..N).map(|y| r[y][u] * cos[v][y]).sum::<f32>());
        }
    }
    let mut sorted = coef.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = sorted[sorted.len() / 2];
    coef.iter()
        .enumerate()
        .filter(|(_, c)| **c > median)
        .fold(0u64, |h, (i, _)| h | 1 << i)
}

/// Hamming distance of two hashes.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Mean absolute difference of two colour grids (0-255).
pub fn colour_distance(a: &[u8; 48], b: &[u8; 48]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f32::from(x.abs_diff(*y)))
        .sum::<f32>()
        / 48.0
}

/// Whether two signatures show the same picture (see the module doc).
pub fn same_picture(a: &Signature, b: &Signature) -> bool {
    distance(a.face, b.face) <= FACE_MAX
        && distance(a.frame, b.frame) <= FRAME_MAX
        && colour_distance(&a.colour, &b.colour) <= COLOUR_MAX
}

/// Groups of indices of `sigs` (`None`: no signature, never grouped) that
/// show the same picture, each group sorted, groups of two or more only,
/// in order of their first index. Pairs are linked transitively.
///
/// No all-pairs comparison: the frame hash is cut into 4 bands of 16 bits
/// (multi-index hashing). Two hashes at most 11 bits apart differ in at
/// most 2 bits in one of the 4 bands (pigeonhole: 4 × 3 > 11), so every
/// hash is looked up in each band's table under its band value and every
/// value 1 or 2 bits away; only the signatures found are compared in full.
pub fn groups(sigs: &[Option<Signature>]) -> Vec<Vec<usize>> {
    use std::collections::HashMap;
    const _: () = assert!(FRAME_MAX < 12, "the band search covers 11 bits");
    let n = sigs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut bands: [HashMap<u16, Vec<usize>>; 4] = Default::default();
    for (i, s) in sigs.iter().enumerate() {
        let Some(s) = s else { continue };
        for (b, table) in bands.iter_mut().enumerate() {
            table
                .entry((s.frame >> (16 * b)) as u16)
                .or_default()
                .push(i);
        }
    }
    let mut probes: Vec<u16> = Vec::with_capacity(1 + 16 + 120);
    for (i, s) in sigs.iter().enumerate() {
        let Some(s) = s else { continue };
        for (b, table) in bands.iter().enumerate() {
            let key = (s.frame >> (16 * b)) as u16;
            probes.clear();
            probes.push(key);
            for x in 0..16 {
                probes.push(key ^ (1 << x));
                for y in x + 1..16 {
                    probes.push(key ^ (1 << x) ^ (1 << y));
                }
            }
            for k in &probes {
                let Some(list) = table.get(k) else { continue };
                for &j in list {
                    if j <= i {
                        continue;
                    }
                    let other = sigs[j].as_ref().expect("indexed");
                    if same_picture(s, other) {
                        let (a, c) = (root(&mut parent, i), root(&mut parent, j));
                        if a != c {
                            parent[a.max(c)] = a.min(c);
                        }
                    }
                }
            }
        }
    }
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, sig) in sigs.iter().enumerate() {
        if sig.is_some() {
            let r = root(&mut parent, i);
            by_root.entry(r).or_default().push(i);
        }
    }
    let mut out: Vec<Vec<usize>> = by_root.into_values().filter(|g| g.len() > 1).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn fixture(name: &str) -> RgbImage {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/photos")
            .join(name);
        image::open(p).unwrap().to_rgb8()
    }

    fn reencode(img: &RgbImage, q: u8) -> RgbImage {
        let mut v = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut v, q)
            .encode_image(img)
            .unwrap();
        image::load_from_memory(&v).unwrap().to_rgb8()
    }

    fn resize(img: &RgbImage, f: f32) -> RgbImage {
        let (w, h) = (
            (img.width() as f32 * f).round() as u32,
            (img.height() as f32 * f).round() as u32,
        );
        image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle)
    }

    fn sig(img: &RgbImage) -> Signature {
        let fa = crate::face::analyze(img).ok();
        signature(img, fa.as_ref().and_then(|f| f.primary.as_ref()))
    }

    fn show(a: &Signature, b: &Signature) -> String {
        format!(
            "face {} frame {} colour {:.1}",
            distance(a.face, b.face),
            distance(a.frame, b.frame),
            colour_distance(&a.colour, &b.colour)
        )
    }

    #[test]
    fn dct_hash_basics() {
        let flat = [100f32; 1024];
        assert_eq!(dct_hash(&flat) >> 63, 0);
        let mut grad = [0f32; 1024];
        for (i, g) in grad.iter_mut().enumerate() {
            *g = (i % 32) as f32 * 8.0;
        }
        let mut inv = grad;
        for g in inv.iter_mut() {
            *g = 255.0 - *g;
        }
        // the negative of a picture is another picture
        assert!(distance(dct_hash(&grad), dct_hash(&inv)) > 20);
        assert_eq!(distance(0b1011, 0b0110), 3);
        // area averaging: a 64x64 pixel checker gives uniform 32x32 cells
        let img = RgbImage::from_fn(64, 64, |x, y| {
            if (x + y) % 2 == 0 {
                Rgb([200, 200, 200])
            } else {
                Rgb([0, 0, 0])
            }
        });
        let g = gray32(&img, (0.0, 0.0, 64.0, 64.0));
        assert!(g.iter().all(|v| (v - 100.0).abs() < 0.5), "{:?}", &g[..4]);
        let g = gray32(&img, (0.0, 0.0, 1.0, 1.0));
        assert!(g.iter().all(|v| (v - 200.0).abs() < 0.5), "{:?}", &g[..4]);
    }

    /// Re-encoded, resized and different photos (docs/photo.md, "Same
    /// picture"): the thresholds hold on real faces.
    #[test]
    fn same_and_different_pictures() {
        let names = [
            "astronaut_ok_white.jpg",
            "astronaut_ok_blue.jpg",
            "astronaut_ok_gray.jpg",
            "astronaut_big_face.jpg",
            "astronaut_off_centre.jpg",
            "grace_hopper_ok_white.jpg",
            "grace_hopper_ok_gray.jpg",
            "grace_hopper_small_face.jpg",
        ];
        let imgs: Vec<RgbImage> = names.iter().map(|n| fixture(n)).collect();
        let sigs: Vec<Signature> = imgs.iter().map(sig).collect();
        for (i, img) in imgs.iter().enumerate() {
            assert!(sigs[i].face_found, "{}", names[i]);
            for (what, v) in [
                ("q70", reencode(img, 70)),
                ("q40", reencode(img, 40)),
                ("95%", resize(img, 0.95)),
                ("90% q70", reencode(&resize(img, 0.9), 70)),
                ("105%", resize(img, 1.05)),
            ] {
                let s = sig(&v);
                eprintln!("{} {what}: {}", names[i], show(&sigs[i], &s));
                assert!(
                    same_picture(&sigs[i], &s),
                    "{} {what}: {}",
                    names[i],
                    show(&sigs[i], &s)
                );
            }
        }
        for i in 0..imgs.len() {
            for j in i + 1..imgs.len() {
                eprintln!("{} vs {}: {}", names[i], names[j], show(&sigs[i], &sigs[j]));
                assert!(
                    !same_picture(&sigs[i], &sigs[j]),
                    "{} vs {}: {}",
                    names[i],
                    names[j],
                    show(&sigs[i], &sigs[j])
                );
            }
        }
    }

    #[test]
    fn groups_link_only_same_pictures() {
        let mut rng = 12345u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mk = |face: u64, frame: u64, c: u8| {
            Some(Signature {
                face,
                face_found: true,
                frame,
                colour: [c; 48],
            })
        };
        let mut sigs = Vec::new();
        for _ in 0..2000 {
            sigs.push(mk(next(), next(), 100));
        }
        // 5 and 1500: frame 8 bits apart (all in one band), face 3 bits
        let f = sigs[5].clone().unwrap();
        sigs[1500] = mk(f.face ^ 0b111, f.frame ^ 0xff, 102);
        // 7 and 8: same hashes, other colours (another background)
        let g = sigs[7].clone().unwrap();
        sigs[8] = mk(g.face, g.frame, 160);
        // 9 and 10: same frame, another face
        let h = sigs[9].clone().unwrap();
        sigs[10] = mk(!h.face, h.frame, 100);
        sigs[11] = None;
        assert_eq!(groups(&sigs), vec![vec![5, 1500]]);
        // chained: 20 ~ 21 ~ 22
        let a = sigs[20].clone().unwrap();
        sigs[21] = mk(a.face, a.frame ^ 0b11111, 100);
        sigs[22] = mk(a.face, a.frame ^ 0b1111111111, 100);
        assert_eq!(groups(&sigs), vec![vec![5, 1500], vec![20, 21, 22]]);
    }
}

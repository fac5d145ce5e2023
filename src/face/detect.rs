//! Face detection with the SeetaFace frontal detector (`rustface`), on a
//! downscaled grey copy so the cost is bounded whatever the input size.

use std::cell::RefCell;
use std::sync::OnceLock;

use rustface::{Detector, ImageData, Model};

use super::FaceBox;

/// Length and FNV-1a 64 hash of the embedded SeetaFace model: `rustface`'s
/// reader may panic (or try a huge allocation) on corrupt bytes, so the
/// bytes are checked to be exactly the shipped model before it parses them.
const SEETA_LEN: usize = 1_209_904;
const SEETA_FNV: u64 = 0xa73c_f041_164d_43cb;

fn fnv1a(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Reads the SeetaFace model; bytes that are not the shipped model (corrupt,
/// truncated) give an error.
pub fn read_seeta(bytes: &[u8]) -> crate::Result<Model> {
    if bytes.len() != SEETA_LEN || fnv1a(bytes) != SEETA_FNV {
        return Err(crate::Error::Model(format!(
            "SeetaFace detector: {} bytes that are not the shipped model (corrupt or truncated)",
            bytes.len()
        )));
    }
    match std::panic::catch_unwind(|| rustface::read_model(bytes)) {
        Ok(Ok(m)) => Ok(m),
        Ok(Err(e)) => Err(crate::Error::Model(format!("SeetaFace detector: {e}"))),
        Err(_) => Err(crate::Error::Model(
            "SeetaFace detector: malformed model".into(),
        )),
    }
}

fn model() -> crate::Result<&'static Model> {
    static M: OnceLock<Result<Model, String>> = OnceLock::new();
    M.get_or_init(|| read_seeta(super::SEETA_MODEL).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| crate::Error::Model(e.clone()))
}

thread_local! {
    /// One detector per thread (the detector keeps scratch buffers and
    /// needs `&mut`); the model itself is loaded once per process.
    static DETECTOR: RefCell<Option<Box<dyn Detector>>> = const { RefCell::new(None) };
}

/// Score threshold for a face (rustface's default is 3.85; its docs name
/// 0.95, 2.8 and 4.5 as typical values). Non-faces that pass it are
/// filtered by the landmark frontal check.
pub const SCORE_THRESH: f64 = 3.0;

/// Detects faces on a grey image; boxes are in that image's pixels.
pub fn detect_gray(gray: &[u8], w: u32, h: u32) -> crate::Result<Vec<FaceBox>> {
    if w < 48 || h < 48 || gray.len() < (w * h) as usize {
        return Ok(Vec::new());
    }
    let model = model()?;
    DETECTOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let det = slot.get_or_insert_with(|| {
            let mut d = rustface::create_detector_with_model(model.clone());
            d.set_min_face_size(20);
            d.set_score_thresh(SCORE_THRESH);
            d.set_pyramid_scale_factor(0.8);
            d.set_slide_window_step(4, 4);
            d
        });
        // rustface's pyramid stops at scale 40/min(w,h); capping the face
        // size 2 px below the short side keeps every scaled image at least
        // 40 px (its window) despite float rounding, which would otherwise
        // underflow its window arithmetic.
        det.set_max_face_size(w.min(h) - 2);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            det.detect(&ImageData::new(gray, w, h))
        }));
        let faces = match run {
            Ok(f) => f,
            Err(_) => {
                *slot = None;
                return Err(crate::Error::Model(format!(
                    "SeetaFace detector failed on a {w}x{h} image"
                )));
            }
        };
        Ok(faces
            .iter()
            .map(|f| {
                let b = f.bbox();
                FaceBox {
                    x: b.x() as f32,
                    y: b.y() as f32,
                    width: b.width() as f32,
                    height: b.height() as f32,
                    score: f.score() as f32,
                }
            })
            .collect())
    })
}

/// Area-average downscale of a grey image to `nw` x `nh` (both not larger
/// than the source).
pub fn downscale(gray: &[u8], w: usize, h: usize, nw: usize, nh: usize) -> Vec<u8> {
    downscale_c(gray, w, h, 1, nw, nh)
}

/// Area-average downscale of an image with `c` interleaved channels.
pub fn downscale_c(img: &[u8], w: usize, h: usize, c: usize, nw: usize, nh: usize) -> Vec<u8> {
    let mut out = vec![0u8; nw * nh * c];
    let fx = w as f32 / nw as f32;
    let fy = h as f32 / nh as f32;
    let xs: Vec<(usize, usize)> = (0..nw)
        .map(|x| {
            let a = (x as f32 * fx) as usize;
            let b = (((x + 1) as f32 * fx) as usize).clamp(a + 1, w);
            (a, b)
        })
        .collect();
    let mut acc = vec![0u32; nw * c];
    for y in 0..nh {
        let a = (y as f32 * fy) as usize;
        let b = (((y + 1) as f32 * fy) as usize).clamp(a + 1, h);
        acc.iter_mut().for_each(|v| *v = 0);
        for row in img[a * w * c..b * w * c].chunks_exact(w * c) {
            for (x, &(x0, x1)) in xs.iter().enumerate() {
                for px in row[x0 * c..x1 * c].chunks_exact(c) {
                    for k in 0..c {
                        acc[x * c + k] += px[k] as u32;
                    }
                }
            }
        }
        for (x, &(x0, x1)) in xs.iter().enumerate() {
            let n = ((x1 - x0) * (b - a)) as u32;
            for k in 0..c {
                out[(y * nw + x) * c + k] = ((acc[x * c + k] + n / 2) / n) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_detector_model_loads() {
        assert!(read_seeta(super::super::SEETA_MODEL).is_ok());
    }

    #[test]
    fn truncated_or_corrupted_detector_model_is_an_error() {
        let m = super::super::SEETA_MODEL;
        assert!(read_seeta(&m[..m.len() / 2]).is_err());
        assert!(read_seeta(&[]).is_err());
        let mut c = m.to_vec();
        c[1000] ^= 0x55;
        assert!(read_seeta(&c).is_err());
    }

    #[test]
    fn downscale_averages_blocks() {
        let g = [0u8, 100, 200, 100, 0, 100, 200, 100];
        let d = downscale(&g, 4, 2, 2, 1);
        assert_eq!(d, vec![50, 150]);
    }

    #[test]
    fn tiny_or_blank_image_has_no_face() {
        assert!(detect_gray(&[0u8; 100], 10, 10).unwrap().is_empty());
        // every short side from 48 up: no pyramid level below the window
        for m in 48..120u32 {
            let g = vec![90u8; (m * (m + 7)) as usize];
            assert!(detect_gray(&g, m, m + 7).unwrap().is_empty(), "{m}");
            assert!(detect_gray(&g, m + 7, m).unwrap().is_empty(), "{m}");
        }
        assert!(detect_gray(&vec![128u8; 200 * 200], 200, 200)
            .unwrap()
            .is_empty());
    }
}

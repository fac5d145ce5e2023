//! `--pad-background`: extending the top, left or right edge with the
//! photo's own plain background colour when the person stands too close
//! to it. Only edges whose strip is plain (uniform, one colour) may be
//! extended, by at most a fifth of the photo's size; the bottom never is.

use image::RgbImage;

use super::msg::Edge;
use super::orient::Photo;
use super::plan::{PadAllowance, Plan};
use super::target::Target;

/// Largest standard deviation (per channel, 0-255) of a plain edge strip.
const PLAIN_STD: f64 = 8.0;
/// Largest difference (per channel) between two edges' colours.
const SAME_COLOUR: f64 = 12.0;
/// Largest extension, as a fraction of the photo's width (left/right) or
/// height (top).
const MAX_FRACTION: f64 = 0.2;

/// Which edges may be extended, and with which colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Padding {
    pub allowance: PadAllowance,
    pub rgb: [u8; 3],
}

fn strip_stats(img: &RgbImage, x0: u32, y0: u32, w: u32, h: u32) -> ([f64; 3], f64) {
    let mut sum = [0f64; 3];
    let mut sq = [0f64; 3];
    let mut n = 0f64;
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let p = img.get_pixel(x, y).0;
            for c in 0..3 {
                sum[c] += p[c] as f64;
                sq[c] += (p[c] as f64).powi(2);
            }
            n += 1.0;
        }
    }
    let mean = [sum[0] / n, sum[1] / n, sum[2] / n];
    let std = (0..3)
        .map(|c| (sq[c] / n - mean[c].powi(2)).max(0.0).sqrt())
        .fold(0.0, f64::max);
    (mean, std)
}

impl Padding {
    /// No padding.
    pub fn none() -> Padding {
        Padding {
            allowance: PadAllowance::default(),
            rgb: [0, 0, 0],
        }
    }

    /// Measures the edges of the upright overview (`kx`, `ky`: overview
    /// pixels per photo pixel).
    pub fn measure(overview: &RgbImage, kx: f64, ky: f64) -> Padding {
        let (w, h) = overview.dimensions();
        if w < 8 || h < 8 {
            return Padding::none();
        }
        let sx = (w / 50).max(2);
        let sy = (h / 50).max(2);
        let top = strip_stats(overview, 0, 0, w, sy);
        let left = strip_stats(overview, 0, 0, sx, h * 3 / 4);
        let right = strip_stats(overview, w - sx, 0, sx, h * 3 / 4);
        let plain = |s: &([f64; 3], f64)| s.1 <= PLAIN_STD;
        let Some(reference) = [top, left, right].into_iter().find(|s| plain(s)) else {
            return Padding::none();
        };
        let same = |s: &([f64; 3], f64)| {
            plain(s) && (0..3).all(|c| (s.0[c] - reference.0[c]).abs() <= SAME_COLOUR)
        };
        let (uw, uh) = (w as f64 / kx, h as f64 / ky);
        Padding {
            allowance: PadAllowance {
                top: if same(&top) { uh * MAX_FRACTION } else { 0.0 },
                left: if same(&left) { uw * MAX_FRACTION } else { 0.0 },
                right: if same(&right) { uw * MAX_FRACTION } else { 0.0 },
            },
            rgb: [
                reference.0[0].round() as u8,
                reference.0[1].round() as u8,
                reference.0[2].round() as u8,
            ],
        }
    }

    /// The edges a plan extends, with the extension in photo pixels.
    pub fn used_by(&self, p: &Plan, src_w: u32) -> Vec<(Edge, f64)> {
        p.overflow(src_w, u32::MAX)
            .into_iter()
            .filter(|(e, v)| *e != Edge::Bottom && *v > 1e-6)
            .collect()
    }
}

/// Renders a plan: the crop resized with Lanczos3 and, where the plan
/// reaches beyond the top, left or right edge, the padding colour.
pub fn render(photo: &Photo, p: &Plan, t: &Target, pad: &Padding) -> Result<RgbImage, String> {
    let (uw, uh) = photo.upright_size();
    let (uw, uh) = (uw as f64, uh as f64);
    let inside =
        p.x >= -1e-9 && p.y >= -1e-9 && p.x + p.width <= uw + 1e-9 && p.y + p.height <= uh + 1e-9;
    let clamp_rect = |x: f64, y: f64, w: f64, h: f64| {
        let x = x.max(0.0);
        let y = y.max(0.0);
        (x, y, w.min(uw - x), h.min(uh - y))
    };
    if inside {
        return photo.render_lanczos(clamp_rect(p.x, p.y, p.width, p.height), t.width, t.height);
    }
    let s = p.scale;
    // the part of the output that shows the photo, in whole output pixels
    let ox0 = ((0.0 - p.x).max(0.0) * s).ceil() as u32;
    let oy0 = ((0.0 - p.y).max(0.0) * s).ceil() as u32;
    let ox1 = (((uw - p.x) * s).floor() as u32).min(t.width);
    let oy1 = (((uh - p.y) * s).floor() as u32).min(t.height);
    if ox1 <= ox0 || oy1 <= oy0 {
        return Err("the crop does not overlap the photo".into());
    }
    let rect = clamp_rect(
        p.x + ox0 as f64 / s,
        p.y + oy0 as f64 / s,
        (ox1 - ox0) as f64 / s,
        (oy1 - oy0) as f64 / s,
    );
    let part = photo.render_lanczos(rect, ox1 - ox0, oy1 - oy0)?;
    let mut out = RgbImage::from_pixel(t.width, t.height, image::Rgb(pad.rgb));
    image::imageops::replace(&mut out, &part, ox0 as i64, oy0 as i64);
    Ok(out)
}

//! The measurement pipeline: detection, landmarks, eyes, head top, width.
//!
//! Everything is measured on a "working" copy of the image whose long side
//! is at most [`WORK_LONG`] pixels, and reported in the input's pixels.

use std::borrow::Cow;

use super::detect::{detect_gray, downscale, downscale_c};
use super::shape::{fit_box, Rect};
use super::{FaceAnalysis, FaceBox, FaceGeometry, Point};

/// Long side of the working image (inputs larger than this are averaged
/// down first, so the cost is bounded for 3000x4000 camera pictures).
pub const WORK_LONG: usize = 800;

/// Long sides at which the detector is tried, smallest first; the next is
/// tried only when a smaller one finds no face. The first tier finds faces
/// wider than about a quarter of the image's short side; the last about a
/// tenth.
pub const DETECT_TIERS: [usize; 3] = [192, 320, 480];

/// A second detection counts as another face only when it is at least this
/// fraction of the main face's width (smaller boxes are noise or pictures
/// in the background).
pub const MIN_RELATIVE_FACE: f32 = 0.3;

/// Eye centre = midpoint of the eye's two corners moved down by this
/// fraction of the eye's width (corner-to-corner): the corners lie slightly
/// above the centre of the eye opening (calibration, docs/face.md).
pub const EYE_DY: f32 = -0.03;

/// Face width (cheek to cheek) as a multiple of the distance between the
/// eye centres, when the cheeks cannot be measured in the image.
pub const WIDTH_PER_EYE_DIST: f32 = 2.1;

pub fn analyze(img: &image::RgbImage) -> crate::Result<FaceAnalysis> {
    let (w0, h0) = (img.width() as usize, img.height() as usize);
    let empty = FaceAnalysis {
        faces: Vec::new(),
        primary: None,
    };
    if w0 < 40 || h0 < 40 {
        return Ok(empty);
    }
    let ws = (WORK_LONG as f32 / w0.max(h0) as f32).min(1.0);
    let (w, h, rgb): (usize, usize, Cow<[u8]>) = if ws < 1.0 {
        let (w, h) = (
            ((w0 as f32 * ws).round() as usize).max(1),
            ((h0 as f32 * ws).round() as usize).max(1),
        );
        (w, h, Cow::Owned(downscale_c(img.as_raw(), w0, h0, 3, w, h)))
    } else {
        (w0, h0, Cow::Borrowed(img.as_raw().as_slice()))
    };
    // exact factors back to input pixels
    let (bx, by) = (w0 as f32 / w as f32, h0 as f32 / h as f32);
    let gray = to_gray(&rgb);
    // keep the frontal faces (a three-quarter view is not a frontal face)
    let mut faces = Vec::new();
    let mut main_pts = None;
    for f in detect_faces(&gray, w, h)? {
        let pts = landmarks(&gray, w, h, f)?;
        if is_frontal(&pts) {
            if main_pts.is_none() {
                main_pts = Some(pts);
            }
            faces.push(f);
        }
    }
    let Some(pts) = main_pts else {
        return Ok(empty);
    };
    let geom = measure_face(&rgb, w, h, faces[0], &pts);
    Ok(FaceAnalysis {
        faces: faces.iter().map(|f| scale_box(f, bx, by)).collect(),
        primary: Some(scale_geom(geom, bx, by)),
    })
}

fn scale_box(f: &FaceBox, bx: f32, by: f32) -> FaceBox {
    FaceBox {
        x: f.x * bx,
        y: f.y * by,
        width: f.width * bx,
        height: f.height * by,
        score: f.score,
    }
}

fn scale_geom(g: FaceGeometry, bx: f32, by: f32) -> FaceGeometry {
    if bx == 1.0 && by == 1.0 {
        return g;
    }
    let p = |p: Point| Point {
        x: p.x * bx,
        y: p.y * by,
    };
    let el = p(g.eye_left);
    let er = p(g.eye_right);
    FaceGeometry {
        face_box: scale_box(&g.face_box, bx, by),
        landmarks: g.landmarks.map(p),
        eye_left: el,
        eye_right: er,
        head_top: g.head_top.map(|v| v * by),
        head_top_proportional: g.head_top_proportional * by,
        face_width: g.face_width.map(|v| v * bx),
        face_left_x: g.face_left_x.map(|v| v * bx),
        face_right_x: g.face_right_x.map(|v| v * bx),
        face_center_x: g.face_center_x * bx,
        tilt_deg: (er.y - el.y).atan2(er.x - el.x).to_degrees(),
        ..g
    }
}

pub(crate) fn to_gray(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .map(|p| ((p[0] as u16 + p[1] as u16 + p[2] as u16) / 3) as u8)
        .collect()
}

/// Detects faces, largest first, in working-image pixels.
fn detect_faces(gray: &[u8], w: usize, h: usize) -> crate::Result<Vec<FaceBox>> {
    let mut faces = Vec::new();
    for (i, &long) in DETECT_TIERS.iter().enumerate() {
        let last = i + 1 == DETECT_TIERS.len() || long >= w.max(h);
        let s = (long as f32 / w.max(h) as f32).min(1.0);
        let found = if s < 1.0 {
            let (nw, nh) = (
                ((w as f32 * s).round() as usize).max(1),
                ((h as f32 * s).round() as usize).max(1),
            );
            let d = downscale(gray, w, h, nw, nh);
            let (fx, fy) = (w as f32 / nw as f32, h as f32 / nh as f32);
            detect_gray(&d, nw as u32, nh as u32)?
                .iter()
                .map(|f| scale_box(f, fx, fy))
                .collect()
        } else {
            detect_gray(gray, w as u32, h as u32)?
        };
        if !found.is_empty() || last {
            faces = found;
            break;
        }
    }
    faces.sort_by(|a, b| b.width.total_cmp(&a.width));
    // drop boxes that are small relative to the main face or overlap a
    // bigger one (the same face found twice)
    let mut kept: Vec<FaceBox> = Vec::new();
    for f in faces {
        if let Some(m) = kept.first() {
            if f.width < MIN_RELATIVE_FACE * m.width {
                continue;
            }
        }
        let (cx, cy) = (f.x + f.width / 2.0, f.y + f.height / 2.0);
        if kept
            .iter()
            .any(|k| cx > k.x && cx < k.x + k.width && cy > k.y && cy < k.y + k.height)
        {
            continue;
        }
        kept.push(f);
    }
    Ok(kept)
}

/// Five landmarks on the face: the shape model is run on the detector's
/// box, then twice more on the box that the landmarks imply (the mean
/// shape fitted to them), which makes the result independent of the
/// detector's box convention.
/// How many times the landmarks are re-run on the box they imply.
const LANDMARK_REFITS: usize = 2;

fn landmarks(gray: &[u8], w: usize, h: usize, f: FaceBox) -> crate::Result<Vec<Point>> {
    let sp = super::shape_model()?;
    let mean = sp.mean_shape();
    let mut rect = Rect {
        left: f.x,
        top: f.y,
        width: f.width,
        height: f.height,
    };
    let mut pts = sp.predict(gray, w, h, rect);
    for _ in 0..LANDMARK_REFITS {
        rect = fit_box(&mean, &pts);
        pts = sp.predict(gray, w, h, rect);
    }
    Ok(pts)
}

/// Whether five landmarks look like a frontal face: both eyes about as
/// wide (in a turned head the far eye is foreshortened), the nose base
/// near the middle of the eyes, and below them at a plausible distance.
pub fn is_frontal(pts: &[Point]) -> bool {
    let d = |a: Point, b: Point| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    let w1 = d(pts[0], pts[1]);
    let w2 = d(pts[2], pts[3]);
    let c1 = mid(pts[0], pts[1]);
    let c2 = mid(pts[2], pts[3]);
    let ed = d(c1, c2);
    if ed <= 0.0 || w1.max(w2) <= 0.0 {
        return false;
    }
    let c = mid(c1, c2);
    // the nose in the eye line's frame
    let (ux, uy) = ((c2.x - c1.x) / ed, (c2.y - c1.y) / ed);
    let (nx, ny) = (pts[4].x - c.x, pts[4].y - c.y);
    let along = (nx * ux + ny * uy).abs() / ed;
    let drop = (-nx * uy + ny * ux).abs() / ed;
    w1.min(w2) / w1.max(w2) >= FRONTAL_MIN_EYE_RATIO
        && along <= FRONTAL_MAX_NOSE_SHIFT
        && (FRONTAL_NOSE_DROP.0..=FRONTAL_NOSE_DROP.1).contains(&drop)
}

fn mid(a: Point, b: Point) -> Point {
    Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    }
}

/// Frontal face: narrower eye / wider eye at least this.
pub const FRONTAL_MIN_EYE_RATIO: f32 = 0.75;
/// Frontal face: nose base at most this many eye distances off the middle.
pub const FRONTAL_MAX_NOSE_SHIFT: f32 = 0.25;
/// Frontal face: nose base this many eye distances below the eye line.
pub const FRONTAL_NOSE_DROP: (f32, f32) = (0.45, 0.95);

fn measure_face(rgb: &[u8], w: usize, h: usize, f: FaceBox, pts: &[Point]) -> FaceGeometry {
    // dlib's 5 points: 0,1 = corners of one eye, 2,3 = the other, 4 = nose.
    let eye = |a: Point, b: Point| {
        let ew = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        Point {
            x: (a.x + b.x) / 2.0,
            y: (a.y + b.y) / 2.0 + EYE_DY * ew,
        }
    };
    let e1 = eye(pts[0], pts[1]);
    let e2 = eye(pts[2], pts[3]);
    let (el, er) = if e1.x <= e2.x { (e1, e2) } else { (e2, e1) };
    let eye_dist = ((er.x - el.x).powi(2) + (er.y - el.y).powi(2)).sqrt();
    let cx = (el.x + er.x) / 2.0;
    let tilt = (er.y - el.y).atan2(er.x - el.x).to_degrees();

    let ctx = Ctx {
        rgb,
        w,
        h,
        el,
        er,
        eye_dist,
    };
    let (fl, fr) = ctx.cheeks();
    let width = fr - fl;
    let top = ctx.head_top(fl, fr);
    let mut lm = [Point::default(); 5];
    lm.copy_from_slice(&pts[..5]);
    FaceGeometry {
        face_box: f,
        landmarks: lm,
        eye_left: el,
        eye_right: er,
        head_top: top.y,
        head_cut: top.cut,
        face_width: Some(width),
        face_left_x: Some(fl),
        face_right_x: Some(fr),
        face_center_x: cx,
        tilt_deg: tilt,
        head_top_estimated: top.estimated,
        head_top_proportional: ctx.proportional_top(),
    }
}

struct Ctx<'a> {
    rgb: &'a [u8],
    w: usize,
    h: usize,
    el: Point,
    er: Point,
    eye_dist: f32,
}

struct HeadTop {
    y: Option<f32>,
    cut: bool,
    estimated: bool,
}

impl Ctx<'_> {
    fn px(&self, x: usize, y: usize) -> [f32; 3] {
        let i = (y * self.w + x) * 3;
        [
            self.rgb[i] as f32,
            self.rgb[i + 1] as f32,
            self.rgb[i + 2] as f32,
        ]
    }

    /// Cheek boundaries (left x, right x).
    fn cheeks(&self) -> (f32, f32) {
        let cx = (self.el.x + self.er.x) / 2.0;
        let half = WIDTH_PER_EYE_DIST * self.eye_dist / 2.0;
        (cx - half, cx + half)
    }

    /// Robust colour of a patch: per-channel median and the 90th
    /// percentile of the pixels' distance (max over channels) to it.
    fn patch_stats(&self, x0: usize, x1: usize, y0: usize, y1: usize) -> ([f32; 3], f32) {
        let mut hist = [[0u32; 256]; 3];
        let mut n = 0u32;
        for y in y0..y1 {
            for x in x0..x1 {
                let i = (y * self.w + x) * 3;
                for (c, hc) in hist.iter_mut().enumerate() {
                    hc[self.rgb[i + c] as usize] += 1;
                }
                n += 1;
            }
        }
        let mut med = [0f32; 3];
        for c in 0..3 {
            let mut acc = 0;
            for (v, &k) in hist[c].iter().enumerate() {
                acc += k;
                if acc * 2 >= n {
                    med[c] = v as f32;
                    break;
                }
            }
        }
        let mut dh = [0u32; 256];
        for y in y0..y1 {
            for x in x0..x1 {
                dh[dist(self.px(x, y), med).min(255.0) as usize] += 1;
            }
        }
        let mut acc = 0;
        let mut p90 = 255.0;
        for (v, &k) in dh.iter().enumerate() {
            acc += k;
            if acc * 10 >= n * 9 {
                p90 = v as f32;
                break;
            }
        }
        (med, p90)
    }

    /// Head top: where the person departs from the background above the
    /// face (see docs/face.md).
    fn head_top(&self, fl: f32, fr: f32) -> HeadTop {
        let (w, h) = (self.w, self.h);
        let eye_y = self.el.y.min(self.er.y);
        let pw = ((w as f32 * 0.08) as usize).max(2);
        let ph = ((h as f32 * 0.10) as usize).max(2);
        let (bl, sl) = self.patch_stats(0, pw, 0, ph);
        let (br, sr) = self.patch_stats(w - pw, w, 0, ph);
        let plain_l = sl <= BG_MAX_SPREAD;
        let plain_r = sr <= BG_MAX_SPREAD;
        let bg_at: Box<dyn Fn(usize) -> [f32; 3]> = match (plain_l, plain_r) {
            (true, true) if dist(bl, br) <= BG_MAX_LR_DIFF => Box::new(move |x: usize| {
                let t = x as f32 / (w - 1).max(1) as f32;
                [
                    bl[0] + (br[0] - bl[0]) * t,
                    bl[1] + (br[1] - bl[1]) * t,
                    bl[2] + (br[2] - bl[2]) * t,
                ]
            }),
            (true, false) => Box::new(move |_| bl),
            (false, true) => Box::new(move |_| br),
            (true, true) => {
                // two plain but different corners: take the brighter one
                // (a dark corner is more likely hair or clothing)
                let b = if bl.iter().sum::<f32>() >= br.iter().sum::<f32>() {
                    bl
                } else {
                    br
                };
                Box::new(move |_| b)
            }
            (false, false) => {
                return self.head_top_from_proportions();
            }
        };
        let spread = if plain_l && plain_r {
            sl.max(sr)
        } else if plain_l {
            sl
        } else {
            sr
        };
        let thresh = (HEAD_T_MIN).max(HEAD_T_K * spread);
        let run = ((self.eye_dist / 30.0).round() as usize).max(2);
        let y_end = ((eye_y - 0.3 * self.eye_dist).max(0.0) as usize).min(h);
        let x0 = fl.max(0.0) as usize;
        let x1 = (fr.ceil().max(0.0) as usize).min(w);
        if x1 <= x0 + 2 || y_end < run {
            return self.head_top_from_proportions();
        }
        // interior sample below the first departure, to find the edge at
        // half the contrast (the 50% point of a soft or anti-aliased edge)
        let k = ((self.eye_dist / 15.0).round() as usize).max(3);
        let mut tops: Vec<usize> = Vec::with_capacity(x1 - x0);
        let mut d = vec![0f32; y_end];
        for x in x0..x1 {
            let bg = bg_at(x);
            for (y, dy) in d.iter_mut().enumerate() {
                *dy = dist(self.px(x, y), bg);
            }
            let mut count = 0;
            let mut first = None;
            for (y, &dy) in d.iter().enumerate() {
                if dy > thresh {
                    count += 1;
                    if count == run {
                        first = Some(y + 1 - run);
                        break;
                    }
                } else {
                    count = 0;
                }
            }
            let Some(y0) = first else {
                tops.push(y_end);
                continue;
            };
            let a = y0 + run;
            let b = (a + k).min(y_end);
            let mut inner: Vec<f32> = d[y0.max(a.min(b.saturating_sub(1)))..b.max(y0 + 1)].to_vec();
            inner.sort_by(|p, q| p.total_cmp(q));
            let contrast = inner[inner.len() / 2].max(thresh);
            let half = contrast * 0.5;
            let from = y0.saturating_sub(2 * run);
            let top = (from..b.max(y0 + 1))
                .find(|&y| d[y] >= half && d.get(y + 1).is_none_or(|&v| v >= half))
                .unwrap_or(y0);
            tops.push(top);
        }
        // median filter across columns: a strand narrower than half the
        // window does not count
        let m = (((self.eye_dist * 0.1) as usize) | 1).max(3);
        let smooth = median_filter(&tops, m);
        let best = *smooth.iter().min().unwrap_or(&y_end);
        // nothing departs above the eyes, or only something implausibly
        // close to them (the forehead: hair the colour of the background)
        let eye_mid = (self.el.y + self.er.y) / 2.0;
        if best >= y_end || eye_mid - (best as f32) < HEAD_MIN_PER_EYE_DIST * self.eye_dist {
            return self.head_top_from_proportions();
        }
        if best == 0 {
            return HeadTop {
                y: None,
                cut: true,
                estimated: false,
            };
        }
        HeadTop {
            y: Some(best as f32),
            cut: false,
            estimated: false,
        }
    }

    /// The eye line minus HEAD_PER_EYE_DIST eye distances (may be < 0).
    fn proportional_top(&self) -> f32 {
        (self.el.y + self.er.y) / 2.0 - HEAD_PER_EYE_DIST * self.eye_dist
    }

    /// Head top from the face's proportions, when the background is not
    /// plain enough to see where the head ends.
    fn head_top_from_proportions(&self) -> HeadTop {
        let y = self.proportional_top();
        HeadTop {
            y: if y > 0.0 { Some(y) } else { None },
            cut: y <= 0.0,
            estimated: true,
        }
    }
}

/// Background corners whose 90th-percentile spread exceeds this are not
/// plain (texture, objects, strong gradient).
const BG_MAX_SPREAD: f32 = 24.0;
/// Left and right corners further apart than this are not one background.
const BG_MAX_LR_DIFF: f32 = 40.0;
/// A pixel departs from the background when its colour differs (max over
/// channels) by more than max(HEAD_T_MIN, HEAD_T_K * background spread).
const HEAD_T_MIN: f32 = 10.0;
const HEAD_T_K: f32 = 3.0;
/// A head top seen less than this many eye distances above the eye line is
/// not the top of the head (a head is ~2 eye distances above the eyes, a
/// hairline ~1.2): the hair is invisible against the background and the
/// head top is estimated instead.
const HEAD_MIN_PER_EYE_DIST: f32 = 1.4;
/// Eye line to head top as a multiple of the eye distance (fallback).
const HEAD_PER_EYE_DIST: f32 = 2.0;

fn dist(a: [f32; 3], b: [f32; 3]) -> f32 {
    (a[0] - b[0])
        .abs()
        .max((a[1] - b[1]).abs())
        .max((a[2] - b[2]).abs())
}

fn median_filter(v: &[usize], m: usize) -> Vec<usize> {
    let r = m / 2;
    let mut buf = Vec::with_capacity(m);
    (0..v.len())
        .map(|i| {
            let a = i.saturating_sub(r);
            let b = (i + r + 1).min(v.len());
            buf.clear();
            buf.extend_from_slice(&v[a..b]);
            buf.sort_unstable();
            buf[buf.len() / 2]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> image::RgbImage {
        let p = format!(
            "{}/tests/fixtures/photos/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        image::open(p).unwrap().to_rgb8()
    }

    fn names() -> Vec<String> {
        let dir = format!("{}/tests/fixtures/photos", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".jpg") || n.ends_with(".png"))
            .collect();
        names.sort();
        names
    }

    /// A synthetic portrait: background `bg`, a head of colour `hair`
    /// (a half-disc of radius 90 centred at x=240 whose top is at y=`top`),
    /// eyes at y=300.
    fn synthetic(bg: [u8; 3], hair: [u8; 3], top: i32) -> Vec<u8> {
        let (w, h) = (480i32, 640i32);
        let mut v = Vec::with_capacity((w * h * 3) as usize);
        let cy = top + 90;
        for y in 0..h {
            for x in 0..w {
                let inside = (y >= cy && (x - 240).abs() <= 90)
                    || ((x - 240).pow(2) + (y - cy).pow(2) <= 90 * 90);
                v.extend_from_slice(if inside { &hair } else { &bg });
            }
        }
        v
    }

    fn ctx(rgb: &[u8]) -> Ctx<'_> {
        Ctx {
            rgb,
            w: 480,
            h: 640,
            el: Point { x: 200.0, y: 300.0 },
            er: Point { x: 280.0, y: 300.0 },
            eye_dist: 80.0,
        }
    }

    #[test]
    fn head_top_dark_hair_on_white() {
        let img = synthetic([255; 3], [60, 50, 40], 100);
        let c = ctx(&img);
        let (l, r) = c.cheeks();
        let t = c.head_top(l, r);
        assert!(!t.cut && !t.estimated);
        assert!((t.y.unwrap() - 100.0).abs() <= 1.0, "{:?}", t.y);
    }

    #[test]
    fn head_top_grey_hair_on_white_and_on_light_grey() {
        let img = synthetic([255; 3], [228, 226, 224], 80);
        let c = ctx(&img);
        let t = c.head_top(c.cheeks().0, c.cheeks().1);
        assert!((t.y.unwrap() - 80.0).abs() <= 1.0, "{:?}", t.y);
        let img = synthetic([240; 3], [215, 215, 215], 120);
        let c = ctx(&img);
        let t = c.head_top(c.cheeks().0, c.cheeks().1);
        assert!((t.y.unwrap() - 120.0).abs() <= 1.0, "{:?}", t.y);
    }

    #[test]
    fn head_top_ignores_a_flyaway_strand() {
        let mut img = synthetic([100, 197, 255], [40, 30, 20], 100);
        for y in 60..100 {
            for x in [240usize, 241] {
                let i = (y * 480 + x) * 3;
                img[i..i + 3].copy_from_slice(&[40, 30, 20]);
            }
        }
        let c = ctx(&img);
        let t = c.head_top(c.cheeks().0, c.cheeks().1);
        assert!((t.y.unwrap() - 100.0).abs() <= 1.0, "{:?}", t.y);
    }

    #[test]
    fn hair_invisible_against_the_background_is_estimated() {
        // white hair on white: only the forehead (skin) departs, 80 px =
        // 1.0 eye distance above the eyes
        let mut img = synthetic([255; 3], [255; 3], 100);
        for y in 220..640usize {
            for x in 160..320usize {
                let i = (y * 480 + x) * 3;
                img[i..i + 3].copy_from_slice(&[220, 170, 140]);
            }
        }
        let c = ctx(&img);
        let t = c.head_top(c.cheeks().0, c.cheeks().1);
        assert!(t.estimated, "{:?}", t.y);
        assert!((t.y.unwrap() - (300.0 - HEAD_PER_EYE_DIST * 80.0)).abs() < 0.01);
    }

    #[test]
    fn head_cut_by_the_top_edge() {
        let img = synthetic([255; 3], [60, 50, 40], -30);
        let c = ctx(&img);
        let t = c.head_top(c.cheeks().0, c.cheeks().1);
        assert!(t.cut && t.y.is_none());
    }

    #[test]
    fn head_top_on_a_busy_background_is_estimated() {
        let mut img = synthetic([255; 3], [60, 50, 40], 100);
        for (i, p) in img.chunks_exact_mut(3).enumerate() {
            if p[0] == 255 && (i / 7 + i / (480 * 7)) % 2 == 0 {
                p.copy_from_slice(&[20, 120, 20]);
            }
        }
        let c = ctx(&img);
        let t = c.head_top(c.cheeks().0, c.cheeks().1);
        assert!(t.estimated);
        assert!((t.y.unwrap() - (300.0 - HEAD_PER_EYE_DIST * 80.0)).abs() < 0.01);
    }

    #[test]
    fn cheeks_span_is_centred_on_the_eyes() {
        let img = synthetic([255; 3], [60, 50, 40], 100);
        let c = ctx(&img);
        let (l, r) = c.cheeks();
        assert!(((r - l) - WIDTH_PER_EYE_DIST * 80.0).abs() < 0.01);
        assert!(((l + r) / 2.0 - 240.0).abs() < 0.01);
    }

    #[test]
    fn frontal_and_turned_faces() {
        let p = |x: f32, y: f32| Point { x, y };
        // astronaut_ok_white's landmarks
        let frontal = [
            p(307., 270.),
            p(268., 272.),
            p(175., 263.),
            p(212., 269.),
            p(238., 337.),
        ];
        assert!(is_frontal(&frontal));
        // camera.png: a three-quarter view (far eye foreshortened)
        let turned = [
            p(259., 145.),
            p(252., 146.),
            p(228., 146.),
            p(239., 147.),
            p(248., 167.),
        ];
        assert!(!is_frontal(&turned));
        // nose far to the side
        let mut side = frontal;
        side[4] = p(290., 337.);
        assert!(!is_frontal(&side));
        // degenerate
        assert!(!is_frontal(&[p(0., 0.); 5]));
    }

    #[test]
    fn tiny_and_blank_images_have_no_face() {
        let a = analyze(&image::RgbImage::new(10, 10)).unwrap();
        assert!(a.faces.is_empty() && a.primary.is_none());
        let a = analyze(&image::RgbImage::from_pixel(
            480,
            640,
            image::Rgb([255, 255, 255]),
        ))
        .unwrap();
        assert!(a.faces.is_empty() && a.primary.is_none());
    }

    #[test]
    fn big_images_report_input_pixels() {
        let img = fixture("grace_hopper_ok_white.jpg");
        let small = analyze(&img).unwrap().primary.unwrap();
        let big = image::imageops::resize(&img, 1500, 2000, image::imageops::FilterType::Triangle);
        let a = analyze(&big).unwrap();
        assert_eq!(a.faces.len(), 1);
        let g = a.primary.unwrap();
        let k = 1500.0 / 480.0;
        assert!((g.eye_left.y - small.eye_left.y * k).abs() < 3.0 * k);
        assert!((g.face_center_x - small.face_center_x * k).abs() < 3.0 * k);
        assert!((g.face_width.unwrap() - small.face_width.unwrap() * k).abs() < 6.0 * k);
        assert!((g.head_top.unwrap() - small.head_top.unwrap() * k).abs() < 3.0 * k);
    }

    #[test]
    fn analyze_is_thread_safe() {
        use rayon::prelude::*;
        let names = [
            "astronaut_ok_blue.jpg",
            "grace_hopper_ok_blue.jpg",
            "coffee.png",
        ];
        let imgs: Vec<_> = names.iter().map(|n| fixture(n)).collect();
        let counts: Vec<usize> = imgs
            .par_iter()
            .map(|i| analyze(i).unwrap().faces.len())
            .collect();
        assert_eq!(counts, vec![1, 1, 0]);
    }

    /// CPU time of this thread in ms (Linux), immune to other processes'
    /// load: `cargo test --release --lib face::measure::tests::cpu -- --ignored --nocapture`.
    fn cpu_ms() -> f64 {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        s.split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1e6
    }

    #[test]
    #[ignore]
    fn cpu_time_per_stage() {
        let n = 30;
        for name in [
            "astronaut_ok_white.jpg",
            "grace_hopper_ok_gray.jpg",
            "grace_hopper_small_face.jpg",
            "coffee.png",
        ] {
            let img = fixture(name);
            analyze(&img).unwrap();
            let (w, h) = (img.width() as usize, img.height() as usize);
            let t = cpu_ms();
            for _ in 0..n {
                analyze(&img).unwrap();
            }
            let total = (cpu_ms() - t) / n as f64;
            let g = to_gray(img.as_raw());
            let t = cpu_ms();
            let mut faces = Vec::new();
            for _ in 0..n {
                faces = detect_faces(&g, w, h).unwrap();
            }
            let det = (cpu_ms() - t) / n as f64;
            let t = cpu_ms();
            for _ in 0..n {
                if let Some(f) = faces.first() {
                    landmarks(&g, w, h, *f).unwrap();
                }
            }
            let lm = (cpu_ms() - t) / n as f64;
            println!("{name:30} total {total:6.2} ms  detect {det:6.2}  landmarks {lm:5.2}");
        }
        let big = image::imageops::resize(
            &fixture("astronaut_ok_white.jpg"),
            1500,
            2000,
            image::imageops::FilterType::Triangle,
        );
        let t = cpu_ms();
        for _ in 0..5 {
            analyze(&big).unwrap();
        }
        println!("1500x2000 total {:6.2} ms", (cpu_ms() - t) / 5.0);
    }

    #[test]
    #[ignore]
    fn explore_print() {
        for n in names() {
            let img = fixture(&n);
            let t = std::time::Instant::now();
            let a = analyze(&img).unwrap();
            let el = t.elapsed().as_secs_f32() * 1000.0;
            print!("{n:32} {el:6.1}ms faces={} ", a.faces.len());
            if let Some(g) = a.primary {
                let b = g.face_box;
                print!(
                    "box=[{:.0},{:.0},{:.0}] eL=({:.1},{:.1}) eR=({:.1},{:.1}) cx={:.1} w={:?} top={:?} cut={} lm={:?}",
                    b.x, b.y, b.width, g.eye_left.x, g.eye_left.y, g.eye_right.x, g.eye_right.y,
                    g.face_center_x, g.face_width, g.head_top, g.head_cut,
                    g.landmarks.iter().map(|p| (p.x.round(), p.y.round())).collect::<Vec<_>>()
                );
            }
            println!();
        }
    }
}

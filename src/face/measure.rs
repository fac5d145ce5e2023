//! The measurement pipeline: detection, landmarks, eyes, head top, width.
//!
//! Everything is measured on a "working" copy of the image whose long side
//! is at most [`WORK_LONG`] pixels, and reported in the input's pixels.

use std::borrow::Cow;

use super::detect::downscale_c;
use super::mesh::{self, Mesh};
use super::shape::fit_box;
use super::{FaceAnalysis, FaceBox, FaceGeometry, Point};

/// Long side of the working image (inputs larger than this are averaged
/// down first, so the cost is bounded for 3000x4000 camera pictures).
pub const WORK_LONG: usize = 800;

/// A second detection counts as another face only when it is at least this
/// fraction of the main face's width (smaller boxes are noise or pictures
/// in the background).
pub const MIN_RELATIVE_FACE: f32 = 0.3;

/// Eye centre = midpoint of the eye's two corners (dlib's 5-point model)
/// moved down by this fraction of the eye's width: the corners lie slightly
/// above the centre of the eye opening (calibration, docs/face.md).
pub const EYE_DY: f32 = -0.03;

/// How many times the 5-point model is re-run on the box its own points
/// imply (more passes drift rather than converge).
const LANDMARK_REFITS: usize = 2;

/// Face width (cheek to cheek, the standard's 脸部宽度（两脸颊之间）) as a
/// multiple of the mean of the mesh's two cheek spans at eye level, points
/// 234-454 and 93-323 (see [`cheek_span`]; fitted on the reference, docs/face.md).
pub const WIDTH_PER_CHEEK_SPAN: f32 = 1.0;

/// The mesh's cheek pairs (face oval, subject's right then left) whose
/// spans give the width: at the outer eye corners' height and just below.
pub const CHEEK_PAIRS: [(usize, usize); 2] = [(234, 454), (93, 323)];

/// Nose tip in the mesh.
const NOSE_TIP: usize = 1;
/// Base of the nose (subnasale) in the mesh.
const NOSE_BASE: usize = 2;

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
    // keep the frontal faces (a three-quarter view is not a frontal face)
    let mut found: Vec<(FaceBox, Mesh)> = Vec::new();
    let mut dets = mesh::detect(&rgb, w, h)?;
    dets.sort_by(|a, b| b.width.total_cmp(&a.width));
    for d in dets {
        let f = FaceBox {
            x: d.xmin,
            y: d.ymin,
            width: d.width,
            height: d.height,
            score: d.score,
        };
        // the same face found twice (centre inside a bigger face)
        let (cx, cy) = (f.x + f.width / 2.0, f.y + f.height / 2.0);
        if found
            .iter()
            .any(|(k, _)| cx > k.x && cx < k.x + k.width && cy > k.y && cy < k.y + k.height)
        {
            continue;
        }
        let m = mesh::mesh(&rgb, w, h, mesh::roi_from_detection(&d))?;
        if m.presence >= mesh::MESH_MIN_PRESENCE && mesh_is_frontal(&m.points) {
            found.push((f, m));
        }
    }
    let Some(main_w) = found.first().map(|(f, _)| f.width) else {
        return Ok(empty);
    };
    let faces: Vec<FaceBox> = found
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| f.width >= MIN_RELATIVE_FACE * main_w)
        .collect();
    let (f, m) = &found[0];
    let five = landmarks(&rgb, w, h, &five_points(&m.points))?;
    let geom = measure_face(&rgb, w, h, *f, &m.points, &five);
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

/// The grey value of pixel (x, y) of `rgb` (`w` wide): the mean of its
/// three channels (the grey image the landmark model reads).
#[inline]
fn gray_at(rgb: &[u8], w: usize, x: usize, y: usize) -> u8 {
    let p = &rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
    ((p[0] as u16 + p[1] as u16 + p[2] as u16) / 3) as u8
}

fn pt(p: [f32; 3]) -> Point {
    Point { x: p[0], y: p[1] }
}

fn dist2(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// The five points of the old 5-point model's layout, taken from the mesh:
/// the corners of each eye (33, 133; 362, 263) and the base of the nose.
pub fn five_points(pts: &[[f32; 3]]) -> [Point; 5] {
    [
        pt(pts[263]),
        pt(pts[362]),
        pt(pts[33]),
        pt(pts[133]),
        pt(pts[NOSE_BASE]),
    ]
}

/// The mean of the mesh's cheek spans ([`CHEEK_PAIRS`]), each the distance
/// between the two oval points in the image plane.
pub fn cheek_span(pts: &[[f32; 3]]) -> f32 {
    CHEEK_PAIRS
        .iter()
        .map(|&(a, b)| dist2(pt(pts[a]), pt(pts[b])))
        .sum::<f32>()
        / CHEEK_PAIRS.len() as f32
}

/// Where the nose tip sits between the two cheeks (234 and 454) along the
/// eye line: 0.5 for a face looking straight ahead, towards 0 or 1 as the
/// head turns.
pub fn yaw_balance(pts: &[[f32; 3]]) -> f32 {
    let (l, r) = (pt(pts[CHEEK_PAIRS[0].0]), pt(pts[CHEEK_PAIRS[0].1]));
    let n = pt(pts[NOSE_TIP]);
    let (ux, uy) = (r.x - l.x, r.y - l.y);
    let len2 = ux * ux + uy * uy;
    if len2 <= 0.0 {
        return f32::NAN;
    }
    ((n.x - l.x) * ux + (n.y - l.y) * uy) / len2
}

/// Frontal face from the mesh: the five-point test ([`is_frontal`]) on the
/// mesh's eye corners and nose base, and the nose tip within
/// [`FRONTAL_YAW_BALANCE`] of the middle of the cheeks.
pub fn mesh_is_frontal(pts: &[[f32; 3]]) -> bool {
    let b = yaw_balance(pts);
    is_frontal(&five_points(pts)) && (FRONTAL_YAW_BALANCE.0..=FRONTAL_YAW_BALANCE.1).contains(&b)
}

/// Frontal face: the nose tip's place between the cheeks ([`yaw_balance`]).
pub const FRONTAL_YAW_BALANCE: (f32, f32) = (0.3, 0.7);

/// dlib's five points (eye corners, nose base), started from the box that
/// the mesh's own five points imply (the model's mean shape fitted to
/// them by least squares), then re-run on the box its points imply.
fn landmarks(rgb: &[u8], w: usize, h: usize, start: &[Point]) -> crate::Result<Vec<Point>> {
    let sp = super::shape_model()?;
    let mean = sp.mean_shape();
    let mut pts = start.to_vec();
    for _ in 0..=LANDMARK_REFITS {
        pts = sp.predict_with(w, h, fit_box(&mean, &pts), |x, y| gray_at(rgb, w, x, y));
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

fn measure_face(
    rgb: &[u8],
    w: usize,
    h: usize,
    f: FaceBox,
    pts: &[[f32; 3]],
    five: &[Point],
) -> FaceGeometry {
    // eye centres from dlib's 5-point model (more precise than the mesh's
    // eye contours on the reference, docs/face.md)
    let eye = |a: Point, b: Point| {
        let ew = dist2(a, b);
        Point {
            x: (a.x + b.x) / 2.0,
            y: (a.y + b.y) / 2.0 + EYE_DY * ew,
        }
    };
    let e1 = eye(five[0], five[1]);
    let e2 = eye(five[2], five[3]);
    let (el, er) = if e1.x <= e2.x { (e1, e2) } else { (e2, e1) };
    let eye_dist = dist2(el, er);
    let cx = (el.x + er.x) / 2.0;
    let tilt = (er.y - el.y).atan2(er.x - el.x).to_degrees();
    // cheeks: the fitted width, centred on the cheek points' midpoint
    let width = WIDTH_PER_CHEEK_SPAN * cheek_span(pts);
    let mid = CHEEK_PAIRS
        .iter()
        .map(|&(a, b)| (pts[a][0] + pts[b][0]) / 2.0)
        .sum::<f32>()
        / CHEEK_PAIRS.len() as f32;
    let (fl, fr) = (mid - width / 2.0, mid + width / 2.0);
    let ctx = Ctx {
        rgb,
        w,
        h,
        el,
        er,
        eye_dist,
    };
    let top = ctx.head_top(fl, fr);
    FaceGeometry {
        face_box: f,
        landmarks: [five[0], five[1], five[2], five[3], five[4]],
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

    /// Local noise of a patch: the 90th percentile of the difference (max
    /// over channels) between pixels two rows apart. A smooth gradient or
    /// shadow adds a fraction of a level; texture and objects add tens.
    fn patch_noise(&self, x0: usize, x1: usize, y0: usize, y1: usize) -> f32 {
        let mut dh = [0u32; 256];
        let mut n = 0u32;
        for y in (y0 + 2)..y1 {
            for x in x0..x1 {
                dh[dist(self.px(x, y), self.px(x, y - 2)).min(255.0) as usize] += 1;
                n += 1;
            }
        }
        let mut acc = 0;
        for (v, &k) in dh.iter().enumerate() {
            acc += k;
            if acc * 10 >= n * 9 {
                return v as f32;
            }
        }
        255.0
    }

    /// The mean colour of the pixels (x-1..=x+1, y).
    fn px3(&self, x: usize, y: usize) -> [f32; 3] {
        let a = x.saturating_sub(1);
        let b = (x + 1).min(self.w - 1);
        let mut o = [0f32; 3];
        for xx in a..=b {
            for (o, v) in o.iter_mut().zip(self.px(xx, y)) {
                *o += v;
            }
        }
        let n = (b - a + 1) as f32;
        o.map(|v| v / n)
    }

    /// Head top: where the person departs from the background above the
    /// face, each column's hair edge measured against the background just
    /// above it (so smooth gradients and shadows do not count as the
    /// head; see docs/face.md).
    fn head_top(&self, fl: f32, fr: f32) -> HeadTop {
        let (w, h) = (self.w, self.h);
        let eye_y = self.el.y.min(self.er.y);
        let pw = ((w as f32 * 0.08) as usize).max(2);
        let ph = ((h as f32 * 0.10) as usize).max(2);
        let sl = self.patch_noise(0, pw, 0, ph);
        let sr = self.patch_noise(w - pw, w, 0, ph);
        let spread = match (sl <= BG_MAX_SPREAD, sr <= BG_MAX_SPREAD) {
            (true, true) => sl.max(sr),
            (true, false) => sl,
            (false, true) => sr,
            // textured or cluttered above the head: nothing to measure against
            (false, false) => return self.head_top_unmeasured(),
        };
        let thresh = HEAD_T_MIN.max(HEAD_T_K * spread);
        let run = ((self.eye_dist / 30.0).round() as usize).max(2);
        let y_end = ((eye_y - 0.3 * self.eye_dist).max(0.0) as usize).min(h);
        let x0 = fl.max(0.0) as usize;
        let x1 = (fr.ceil().max(0.0) as usize).min(w);
        if x1 <= x0 + 2 || y_end < HEAD_WIN + HEAD_GAP + run + 1 {
            return self.head_top_unmeasured();
        }
        // the head's own colour is sampled over k pixels below the edge
        let k = ((self.eye_dist / 15.0).round() as usize).max(3);
        let mut col: Vec<[f32; 3]> = Vec::with_capacity(y_end);
        let mut tops: Vec<usize> = Vec::with_capacity(x1 - x0);
        for x in x0..x1 {
            col.clear();
            col.extend((0..y_end).map(|y| self.px3(x, y)));
            tops.push(edge_along(&col, thresh, run, k).unwrap_or(y_end));
        }
        // median filter across columns: a strand narrower than half the
        // window does not count
        let m = (((self.eye_dist * 0.1) as usize) | 1).max(3);
        let smooth = median_filter(&tops, m);
        let best = *smooth.iter().min().unwrap_or(&y_end);
        // the middle third of the face shows no edge at all while the hair
        // is seen running off the top edge: the head is cut (the edges
        // found at the sides are where the hair curves away)
        let third = &tops[tops.len() / 3..tops.len() * 2 / 3];
        let open = third.iter().filter(|&&t| t >= y_end).count();
        if open * 2 > third.len() && self.reaches_top_edge(fl, fr, thresh, run) {
            return HeadTop {
                y: None,
                cut: true,
                estimated: false,
            };
        }
        // nothing departs above the eyes, or only something implausibly
        // close to them (the forehead: hair the colour of the background)
        let eye_mid = (self.el.y + self.er.y) / 2.0;
        if best >= y_end || eye_mid - (best as f32) < HEAD_MIN_PER_EYE_DIST * self.eye_dist {
            // no hair edge seen above the face: either the hair runs off
            // the top edge (seen as an edge along the top rows) or it
            // cannot be told from the background
            if self.reaches_top_edge(fl, fr, thresh, run) {
                return HeadTop {
                    y: None,
                    cut: true,
                    estimated: false,
                };
            }
            return self.head_top_unmeasured();
        }
        HeadTop {
            y: Some(best as f32),
            cut: false,
            estimated: false,
        }
    }

    /// Whether the person reaches the image's top edge above the face:
    /// along the top rows, walking in from either side, the colour departs
    /// sharply from the background (the hair's edge) before the face's
    /// middle and within the head's reach of it.
    fn reaches_top_edge(&self, fl: f32, fr: f32, thresh: f32, run: usize) -> bool {
        let w = self.w;
        let rows = 2.min(self.h);
        let band: Vec<[f32; 3]> = (0..w)
            .map(|x| {
                let mut o = [0f32; 3];
                for y in 0..rows {
                    for (o, v) in o.iter_mut().zip(self.px(x, y)) {
                        *o += v / rows as f32;
                    }
                }
                o
            })
            .collect();
        let mid = (fl + fr) / 2.0;
        let cx = mid.clamp(0.0, (w - 1) as f32) as usize;
        let reach = 0.9 * (fr - fl);
        let k = run + 1;
        let from_left =
            edge_along(&band[..=cx], thresh, run, k).is_some_and(|x| x as f32 >= mid - reach);
        let mut rev: Vec<[f32; 3]> = band[cx..].to_vec();
        rev.reverse();
        let from_right =
            edge_along(&rev, thresh, run, k).is_some_and(|i| ((w - 1 - i) as f32) <= mid + reach);
        from_left || from_right
    }

    /// The eye line minus HEAD_PER_EYE_DIST eye distances (may be < 0).
    fn proportional_top(&self) -> f32 {
        (self.el.y + self.er.y) / 2.0 - HEAD_PER_EYE_DIST * self.eye_dist
    }

    /// The head top could not be seen (background above the head not
    /// plain, or hair the colour of the background): the value from the
    /// face's proportions, flagged as an estimate (never a cut).
    fn head_top_unmeasured(&self) -> HeadTop {
        let y = self.proportional_top();
        HeadTop {
            y: (y > 0.0).then_some(y),
            cut: false,
            estimated: true,
        }
    }
}

/// Background corners whose local noise ([`Ctx::patch_noise`]) exceeds
/// this are not plain (texture, objects).
const BG_MAX_SPREAD: f32 = 24.0;
/// The background an edge is measured against: the mean of HEAD_WIN pixels
/// ending HEAD_GAP pixels before it (a smooth gradient changes by a
/// fraction of a level over that span, a hair edge by tens of levels).
const HEAD_WIN: usize = 4;
const HEAD_GAP: usize = 2;
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

/// The first sharp departure along a line of colours: a run of `run`
/// samples each differing by more than `thresh` (max over R, G, B) from the
/// local background (mean of HEAD_WIN samples ending HEAD_GAP before the
/// run); the edge is then placed where the colour reaches half the
/// contrast between that background and the median of the `k` samples
/// after the run (the 50% point of a soft or anti-aliased edge).
fn edge_along(line: &[[f32; 3]], thresh: f32, run: usize, k: usize) -> Option<usize> {
    let i0 = HEAD_WIN + HEAD_GAP;
    if line.len() <= i0 + run {
        return None;
    }
    // prefix sums for the background windows
    let mut ps = Vec::with_capacity(line.len() + 1);
    ps.push([0f32; 3]);
    for p in line {
        let l = ps[ps.len() - 1];
        ps.push([l[0] + p[0], l[1] + p[1], l[2] + p[2]]);
    }
    let bg_at = |i: usize| -> [f32; 3] {
        let (a, b) = (i - HEAD_GAP - HEAD_WIN, i - HEAD_GAP);
        let n = HEAD_WIN as f32;
        [
            (ps[b][0] - ps[a][0]) / n,
            (ps[b][1] - ps[a][1]) / n,
            (ps[b][2] - ps[a][2]) / n,
        ]
    };
    let mut count = 0;
    let mut y0 = None;
    for (i, &p) in line.iter().enumerate().skip(i0) {
        // during a run, compare with the background before the run
        if dist(p, bg_at(i - count)) > thresh {
            count += 1;
            if count == run {
                y0 = Some(i + 1 - run);
                break;
            }
        } else {
            count = 0;
        }
    }
    let y0 = y0?;
    let bg = bg_at(y0);
    let d = |y: usize| dist(line[y], bg);
    let a = y0 + run;
    let b = (a + k).min(line.len());
    let mut inner: Vec<f32> = (a.min(b)..b).map(d).collect();
    if inner.is_empty() {
        inner.push(d(line.len() - 1));
    }
    inner.sort_by(|p, q| p.total_cmp(q));
    let half = inner[inner.len() / 2].max(thresh) * 0.5;
    let from = y0.saturating_sub(HEAD_GAP);
    let top = (from..b.max(y0 + 1).min(line.len()))
        .find(|&y| d(y) >= half && (y + 1 >= line.len() || d(y + 1) >= half))
        .unwrap_or(y0);
    Some(top)
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
        let t = c.head_top(156.0, 324.0);
        assert!(!t.cut && !t.estimated);
        assert!((t.y.unwrap() - 100.0).abs() <= 1.0, "{:?}", t.y);
    }

    #[test]
    fn head_top_grey_hair_on_white_and_on_light_grey() {
        let img = synthetic([255; 3], [228, 226, 224], 80);
        let c = ctx(&img);
        let t = c.head_top(156.0, 324.0);
        assert!((t.y.unwrap() - 80.0).abs() <= 1.0, "{:?}", t.y);
        let img = synthetic([240; 3], [215, 215, 215], 120);
        let c = ctx(&img);
        let t = c.head_top(156.0, 324.0);
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
        let t = c.head_top(156.0, 324.0);
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
        let t = c.head_top(156.0, 324.0);
        assert!(t.estimated, "{:?}", t.y);
        assert!((t.y.unwrap() - (300.0 - HEAD_PER_EYE_DIST * 80.0)).abs() < 0.01);
    }

    #[test]
    fn head_cut_by_the_top_edge() {
        let img = synthetic([255; 3], [60, 50, 40], -30);
        let c = ctx(&img);
        let t = c.head_top(156.0, 324.0);
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
        let t = c.head_top(156.0, 324.0);
        assert!(t.estimated);
        assert!((t.y.unwrap() - (300.0 - HEAD_PER_EYE_DIST * 80.0)).abs() < 0.01);
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
            let t = cpu_ms();
            let mut dets = Vec::new();
            for _ in 0..n {
                dets = mesh::detect(img.as_raw(), w, h).unwrap();
            }
            let det = (cpu_ms() - t) / n as f64;
            let t = cpu_ms();
            for _ in 0..n {
                if let Some(d) = dets.first() {
                    mesh::mesh(img.as_raw(), w, h, mesh::roi_from_detection(d)).unwrap();
                }
            }
            let lm = (cpu_ms() - t) / n as f64;
            println!("{name:30} total {total:6.2} ms  detect {det:6.2}  mesh {lm:5.2}");
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

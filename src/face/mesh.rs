//! MediaPipe's BlazeFace short-range detector and Face Mesh (468 points),
//! run with `tract-onnx` (pure Rust), with MediaPipe's own pre- and
//! post-processing: letterboxed 128x128 input in [-1, 1], SSD anchors,
//! weighted non-maximum suppression; the mesh on a rotated square crop
//! 1.5 x the detector's box, aligned with its eye keypoints, 192x192 in
//! [0, 1]. The conventions are those of mediapipe 0.10.14's graphs
//! (`face_detection_short_range.pbtxt`, `face_detection_front_detection_to_roi.pbtxt`,
//! `face_landmark_cpu.pbtxt`); `tests/fixtures/face/mediapipe_mesh.json`
//! holds MediaPipe's own output for the comparison test.
//!
//! The models are parsed and optimised once per process; every thread
//! keeps its own run state (buffers), so no photo reloads a model.

use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::{Arc, OnceLock};

use tract_onnx::prelude::*;

use super::Point;

/// BlazeFace short-range (Apache-2.0, see models/).
pub(crate) static DETECT_MODEL: &[u8] = include_bytes!("models/face_detection_short_range.onnx");
/// Face Mesh (Apache-2.0, see models/).
pub(crate) static MESH_MODEL: &[u8] = include_bytes!("models/face_landmark.onnx");

const DET_SIZE: usize = 128;
const MESH_SIZE: usize = 192;
/// Number of mesh points.
pub const MESH_POINTS: usize = 468;
/// MediaPipe's detection score threshold (after the sigmoid).
pub const DET_MIN_SCORE: f32 = 0.5;
/// MediaPipe's non-maximum suppression overlap (intersection over union).
const NMS_IOU: f32 = 0.3;
/// MediaPipe's face-presence threshold on the mesh's score (after the sigmoid).
pub const MESH_MIN_PRESENCE: f32 = 0.5;
/// The mesh crop is this many times the detector's box (long side).
const ROI_SCALE: f32 = 1.5;

type Plan = Arc<TypedRunnableModel>;

fn load(bytes: &[u8], input: [usize; 4], what: &str) -> crate::Result<Plan> {
    let err = |e: TractError| crate::Error::Model(format!("{what}: {e}"));
    tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(bytes))
        .map_err(err)?
        .with_input_fact(0, f32::fact(input).into())
        .map_err(err)?
        .into_optimized()
        .map_err(err)?
        .into_runnable()
        .map_err(err)
}

fn plans() -> crate::Result<&'static (Plan, Plan)> {
    static P: OnceLock<Result<(Plan, Plan), String>> = OnceLock::new();
    P.get_or_init(|| {
        let d = load(DETECT_MODEL, [1, DET_SIZE, DET_SIZE, 3], "BlazeFace");
        let m = load(MESH_MODEL, [1, MESH_SIZE, MESH_SIZE, 3], "Face Mesh");
        match (d, m) {
            (Ok(d), Ok(m)) => Ok((d, m)),
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        }
    })
    .as_ref()
    .map_err(|e| crate::Error::Model(e.clone()))
}

/// Parses and optimises both embedded models afresh (what the first photo
/// of a process pays once; for the benchmark).
#[doc(hidden)]
pub fn load_models_uncached() -> crate::Result<()> {
    load(DETECT_MODEL, [1, DET_SIZE, DET_SIZE, 3], "BlazeFace")?;
    load(MESH_MODEL, [1, MESH_SIZE, MESH_SIZE, 3], "Face Mesh")?;
    Ok(())
}

/// Reads a model from bytes (for the corrupt-model tests).
#[cfg(test)]
pub(crate) fn try_load(bytes: &[u8]) -> crate::Result<()> {
    load(bytes, [1, MESH_SIZE, MESH_SIZE, 3], "model").map(|_| ())
}

struct Engine {
    det: TypedSimpleState,
    mesh: TypedSimpleState,
    anchors: Vec<[f32; 2]>,
    /// The input tensors, reused run after run (a fresh 442 KB tensor per
    /// run costs an allocation, page faults and a copy).
    det_in: Arc<Tensor>,
    mesh_in: Arc<Tensor>,
}

thread_local! {
    /// One engine (run states and buffers) per thread, made on the
    /// thread's first photo.
    /// Never dropped (`ManuallyDrop`): tract's run state reaches for its
    /// own thread-local scratch space when dropped, which is gone by the
    /// time a thread's locals are destroyed.
    static ENGINE: RefCell<Option<ManuallyDrop<Engine>>> = const { RefCell::new(None) };
}

fn with_engine<T>(f: impl FnOnce(&mut Engine) -> crate::Result<T>) -> crate::Result<T> {
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let (d, m) = plans()?;
            let err = |e: TractError| crate::Error::Model(e.to_string());
            *slot = Some(ManuallyDrop::new(Engine {
                det: d.spawn().map_err(err)?,
                mesh: m.spawn().map_err(err)?,
                anchors: anchors(),
                det_in: Arc::new(Tensor::zero::<f32>(&[1, DET_SIZE, DET_SIZE, 3]).map_err(err)?),
                mesh_in: Arc::new(Tensor::zero::<f32>(&[1, MESH_SIZE, MESH_SIZE, 3]).map_err(err)?),
            }));
        }
        f(slot.as_mut().expect("engine"))
    })
}

/// The 896 SSD anchor centres of the short-range model (MediaPipe's
/// `SsdAnchorsCalculator`: 4 layers, strides 8, 16, 16, 16, two anchors
/// per layer, fixed size 1; layers of equal stride share a grid).
fn anchors() -> Vec<[f32; 2]> {
    let mut out = Vec::with_capacity(896);
    for (stride, per_cell) in [(8usize, 2usize), (16, 6)] {
        let n = DET_SIZE.div_ceil(stride);
        for y in 0..n {
            for x in 0..n {
                for _ in 0..per_cell {
                    out.push([(x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32]);
                }
            }
        }
    }
    out
}

/// A BlazeFace detection, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    pub xmin: f32,
    pub ymin: f32,
    pub width: f32,
    pub height: f32,
    /// Right eye, left eye (the subject's: image-left first), nose tip,
    /// mouth, right and left ear tragion.
    pub keypoints: [Point; 6],
    pub score: f32,
}

/// Overwrites the values of a reused input tensor with `fill`: in place
/// when the last run let go of it, else in a new tensor of the same shape.
fn fill_input(slot: &mut Arc<Tensor>, fill: impl FnOnce(&mut [f32])) -> crate::Result<()> {
    let err = |x: TractError| crate::Error::Model(x.to_string());
    if Arc::get_mut(slot).is_none() {
        let shape: Vec<usize> = slot.shape().to_vec();
        *slot = Arc::new(Tensor::zero::<f32>(&shape).map_err(err)?);
    }
    let t = Arc::get_mut(slot).expect("unique after replacement");
    let mut view = t.try_as_plain_ram_mut().map_err(err)?;
    fill(view.as_slice_mut::<f32>().map_err(err)?);
    Ok(())
}

/// Bilinear sample of `rgb` (w x h) at (x, y), pixel centres at integers;
/// outside the image: `border` (None = replicate the edge).
#[inline]
fn sample(rgb: &[u8], w: usize, h: usize, x: f32, y: f32, border: Option<f32>, out: &mut [f32]) {
    if let Some(b) = border {
        if x <= -1.0 || y <= -1.0 || x >= w as f32 || y >= h as f32 {
            out[..3].iter_mut().for_each(|v| *v = b);
            return;
        }
    }
    let (fx, fy) = (x.floor(), y.floor());
    let (ax, ay) = (x - fx, y - fy);
    let (x0, y0) = (fx as isize, fy as isize);
    // the four neighbours inside the image (almost every sample): read
    // them directly; the same arithmetic as below, so the same values
    if x0 >= 0 && y0 >= 0 && (x0 as usize + 1) < w && (y0 as usize + 1) < h {
        let i = (y0 as usize * w + x0 as usize) * 3;
        let j = i + w * 3;
        let (r0, r1) = (&rgb[i..i + 6], &rgb[j..j + 6]);
        for (c, o) in out[..3].iter_mut().enumerate() {
            let top = r0[c] as f32 * (1.0 - ax) + r0[c + 3] as f32 * ax;
            let bot = r1[c] as f32 * (1.0 - ax) + r1[c + 3] as f32 * ax;
            *o = top * (1.0 - ay) + bot * ay;
        }
        return;
    }
    let px = |xx: isize, yy: isize, c: usize| -> f32 {
        let inside = xx >= 0 && yy >= 0 && (xx as usize) < w && (yy as usize) < h;
        match (inside, border) {
            (true, _) => rgb[(yy as usize * w + xx as usize) * 3 + c] as f32,
            (false, Some(b)) => b,
            (false, None) => {
                let cx = xx.clamp(0, w as isize - 1) as usize;
                let cy = yy.clamp(0, h as isize - 1) as usize;
                rgb[(cy * w + cx) * 3 + c] as f32
            }
        }
    };
    for (c, o) in out[..3].iter_mut().enumerate() {
        let top = px(x0, y0, c) * (1.0 - ax) + px(x0 + 1, y0, c) * ax;
        let bot = px(x0, y0 + 1, c) * (1.0 - ax) + px(x0 + 1, y0 + 1, c) * ax;
        *o = top * (1.0 - ay) + bot * ay;
    }
}

/// Detects faces in an RGB image (MediaPipe's short-range face detection:
/// the whole image letterboxed into 128x128).
pub fn detect(rgb: &[u8], w: usize, h: usize) -> crate::Result<Vec<Detection>> {
    with_engine(|e| {
        let side = w.max(h) as f32;
        let (x0, y0) = ((w as f32 - side) / 2.0, (h as f32 - side) / 2.0);
        let k = side / DET_SIZE as f32;
        fill_input(&mut e.det_in, |buf| {
            let mut px = [0f32; 3];
            for j in 0..DET_SIZE {
                for i in 0..DET_SIZE {
                    // OpenCV's warp: output pixel i maps to the input point at
                    // i * scale from the crop's corner.
                    sample(
                        rgb,
                        w,
                        h,
                        x0 + i as f32 * k,
                        y0 + j as f32 * k,
                        Some(0.0),
                        &mut px,
                    );
                    let o = (j * DET_SIZE + i) * 3;
                    for (b, v) in buf[o..o + 3].iter_mut().zip(px) {
                        *b = v * (2.0 / 255.0) - 1.0;
                    }
                }
            }
        })?;
        let out = e
            .det
            .run(tvec!(e.det_in.clone().into_tvalue()))
            .map_err(|x| crate::Error::Model(format!("BlazeFace: {x}")))?;
        let (boxes, scores) = split_outputs(&out)?;
        let mut dets = Vec::new();
        for (a, anchor) in e.anchors.iter().enumerate() {
            let s = sigmoid(scores[a].clamp(-100.0, 100.0));
            if s < DET_MIN_SCORE {
                continue;
            }
            let r = &boxes[a * 16..a * 16 + 16];
            let sc = DET_SIZE as f32;
            let (cx, cy) = (r[0] / sc + anchor[0], r[1] / sc + anchor[1]);
            let (bw, bh) = (r[2] / sc, r[3] / sc);
            let to = |x: f32, y: f32| Point {
                x: x0 + x * side,
                y: y0 + y * side,
            };
            let mut kp = [Point::default(); 6];
            for (i, p) in kp.iter_mut().enumerate() {
                *p = to(r[4 + 2 * i] / sc + anchor[0], r[5 + 2 * i] / sc + anchor[1]);
            }
            let tl = to(cx - bw / 2.0, cy - bh / 2.0);
            dets.push(Detection {
                xmin: tl.x,
                ymin: tl.y,
                width: bw * side,
                height: bh * side,
                keypoints: kp,
                score: s,
            });
        }
        Ok(weighted_nms(dets))
    })
}

fn split_outputs(out: &TVec<TValue>) -> crate::Result<(&[f32], &[f32])> {
    let mut boxes = None;
    let mut scores = None;
    for o in out.iter() {
        let v = o
            .try_as_plain_ram()
            .and_then(|v| v.as_slice::<f32>())
            .map_err(|e| crate::Error::Model(e.to_string()))?;
        match v.len() {
            n if n == 896 * 16 => boxes = Some(v),
            896 => scores = Some(v),
            _ => {}
        }
    }
    match (boxes, scores) {
        (Some(b), Some(s)) => Ok((b, s)),
        _ => Err(crate::Error::Model(
            "BlazeFace: unexpected output shapes".into(),
        )),
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn iou(a: &Detection, b: &Detection) -> f32 {
    let x1 = a.xmin.max(b.xmin);
    let y1 = a.ymin.max(b.ymin);
    let x2 = (a.xmin + a.width).min(b.xmin + b.width);
    let y2 = (a.ymin + a.height).min(b.ymin + b.height);
    let inter = (x2 - x1).max(0.0) * (y2 - y1).max(0.0);
    let uni = a.width * a.height + b.width * b.height - inter;
    if uni <= 0.0 {
        0.0
    } else {
        inter / uni
    }
}

/// MediaPipe's weighted non-maximum suppression: each kept detection is
/// the score-weighted mean of the detections overlapping it, with the
/// best one's score.
fn weighted_nms(mut dets: Vec<Detection>) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(top) = dets.first().copied() {
        let (cand, rest): (Vec<Detection>, Vec<Detection>) =
            dets.into_iter().partition(|d| iou(&top, d) > NMS_IOU);
        let total: f32 = cand.iter().map(|d| d.score).sum();
        let mut m = top;
        if total > 0.0 && !cand.is_empty() {
            let wavg = |f: &dyn Fn(&Detection) -> f32| {
                cand.iter().map(|d| f(d) * d.score).sum::<f32>() / total
            };
            let (x1, y1) = (wavg(&|d| d.xmin), wavg(&|d| d.ymin));
            let (x2, y2) = (wavg(&|d| d.xmin + d.width), wavg(&|d| d.ymin + d.height));
            m.xmin = x1;
            m.ymin = y1;
            m.width = x2 - x1;
            m.height = y2 - y1;
            for (i, k) in m.keypoints.iter_mut().enumerate() {
                *k = Point {
                    x: wavg(&|d| d.keypoints[i].x),
                    y: wavg(&|d| d.keypoints[i].y),
                };
            }
        }
        out.push(m);
        dets = rest;
    }
    out
}

/// The mesh's crop: a square of side `size` centred at `center`, turned by
/// `rotation` radians (MediaPipe's `NormalizedRect`, in pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Roi {
    pub center: Point,
    pub size: f32,
    pub rotation: f32,
}

/// MediaPipe's crop for the mesh from a detection: the box's centre, its
/// long side x 1.5, turned so the eye keypoints are level.
pub fn roi_from_detection(d: &Detection) -> Roi {
    let (a, b) = (d.keypoints[0], d.keypoints[1]);
    let rot = -(-(b.y - a.y)).atan2(b.x - a.x);
    Roi {
        center: Point {
            x: d.xmin + d.width / 2.0,
            y: d.ymin + d.height / 2.0,
        },
        size: d.width.max(d.height) * ROI_SCALE,
        rotation: normalize_radians(rot),
    }
}

fn normalize_radians(a: f32) -> f32 {
    use std::f32::consts::PI;
    a - 2.0 * PI * ((a + PI) / (2.0 * PI)).floor()
}

/// The mesh on one crop: 468 points (x, y in image pixels; z in the same
/// scale, relative depth) and the face-presence score (0-1).
pub struct Mesh {
    pub points: Vec<[f32; 3]>,
    pub presence: f32,
    pub roi: Roi,
}

/// Runs the mesh on the crop `roi` of an RGB image.
pub fn mesh(rgb: &[u8], w: usize, h: usize, roi: Roi) -> crate::Result<Mesh> {
    with_engine(|e| {
        let (c, s) = (roi.rotation.cos(), roi.rotation.sin());
        let k = roi.size / MESH_SIZE as f32;
        // the crop's top-left corner and axes (OpenCV's RotatedRect points)
        let ox = roi.center.x - roi.size / 2.0 * c + roi.size / 2.0 * s;
        let oy = roi.center.y - roi.size / 2.0 * s - roi.size / 2.0 * c;
        fill_input(&mut e.mesh_in, |buf| {
            let mut px = [0f32; 3];
            for j in 0..MESH_SIZE {
                for i in 0..MESH_SIZE {
                    let (u, v) = (i as f32 * k, j as f32 * k);
                    sample(
                        rgb,
                        w,
                        h,
                        ox + u * c - v * s,
                        oy + u * s + v * c,
                        None,
                        &mut px,
                    );
                    let o = (j * MESH_SIZE + i) * 3;
                    for (b, v) in buf[o..o + 3].iter_mut().zip(px) {
                        *b = v * (1.0 / 255.0);
                    }
                }
            }
        })?;
        let out = e
            .mesh
            .run(tvec!(e.mesh_in.clone().into_tvalue()))
            .map_err(|x| crate::Error::Model(format!("Face Mesh: {x}")))?;
        let mut lm = None;
        let mut score = None;
        for o in out.iter() {
            let v = o
                .try_as_plain_ram()
                .and_then(|v| v.as_slice::<f32>())
                .map_err(|x| crate::Error::Model(x.to_string()))?;
            match v.len() {
                n if n == MESH_POINTS * 3 => lm = Some(v),
                1 => score = Some(v[0]),
                _ => {}
            }
        }
        let (Some(lm), Some(score)) = (lm, score) else {
            return Err(crate::Error::Model(
                "Face Mesh: unexpected output shapes".into(),
            ));
        };
        let n = MESH_SIZE as f32;
        let points = lm
            .chunks_exact(3)
            .map(|p| {
                let (x, y) = (p[0] / n - 0.5, p[1] / n - 0.5);
                [
                    roi.center.x + roi.size * (c * x - s * y),
                    roi.center.y + roi.size * (s * x + c * y),
                    p[2] / n * roi.size,
                ]
            })
            .collect();
        Ok(Mesh {
            points,
            presence: sigmoid(score),
            roi,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_mediapipes() {
        let a = anchors();
        assert_eq!(a.len(), 896);
        assert_eq!(a[0], [0.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2], [1.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[512], [0.5 / 8.0, 0.5 / 8.0]);
        assert_eq!(a[895], [7.5 / 8.0, 7.5 / 8.0]);
    }

    #[test]
    fn nms_merges_overlapping_boxes_by_score() {
        let d = |x: f32, s: f32| Detection {
            xmin: x,
            ymin: 0.0,
            width: 10.0,
            height: 10.0,
            keypoints: [Point { x, y: 0.0 }; 6],
            score: s,
        };
        let out = weighted_nms(vec![d(0.0, 0.6), d(2.0, 0.9), d(50.0, 0.7)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        assert!((out[0].xmin - (2.0 * 0.9) / 1.5).abs() < 1e-4);
        assert_eq!(out[1].xmin, 50.0);
    }

    #[test]
    fn roi_is_level_with_the_eyes_and_one_and_a_half_the_box() {
        let mut kp = [Point::default(); 6];
        kp[0] = Point { x: 100.0, y: 100.0 };
        kp[1] = Point { x: 200.0, y: 200.0 };
        let d = Detection {
            xmin: 50.0,
            ymin: 60.0,
            width: 200.0,
            height: 180.0,
            keypoints: kp,
            score: 1.0,
        };
        let r = roi_from_detection(&d);
        assert!((r.rotation - std::f32::consts::FRAC_PI_4).abs() < 1e-5);
        assert_eq!(r.size, 300.0);
        assert_eq!(r.center, Point { x: 150.0, y: 150.0 });
    }

    #[test]
    fn corrupt_models_are_errors() {
        assert!(try_load(&MESH_MODEL[..MESH_MODEL.len() / 2]).is_err());
        assert!(try_load(&[]).is_err());
        assert!(try_load(b"not a model at all").is_err());
    }
}

#[cfg(test)]
mod explore {
    use super::*;

    #[test]
    #[ignore]
    fn explore_mesh() {
        let dir = format!("{}/tests/fixtures/photos", env!("CARGO_MANIFEST_DIR"));
        let refs: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{dir}/reference.json")).unwrap(),
        )
        .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".jpg") || n.ends_with(".png"))
            .collect();
        names.sort();
        for n in names {
            let img = image::open(format!("{dir}/{n}")).unwrap().to_rgb8();
            let (w, h) = (img.width() as usize, img.height() as usize);
            let t = std::time::Instant::now();
            let dets = detect(img.as_raw(), w, h).unwrap();
            let td = t.elapsed().as_secs_f32() * 1000.0;
            println!("{n}: {} dets ({td:.1} ms)", dets.len());
            let rf = refs
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["file"] == n.as_str())
                .map(|r| r["reference"].clone());
            for d in &dets {
                let roi = roi_from_detection(d);
                let t = std::time::Instant::now();
                let m = mesh(img.as_raw(), w, h, roi).unwrap();
                let tm = t.elapsed().as_secs_f32() * 1000.0;
                let p = |i: usize| m.points[i];
                let span = |a: usize, b: usize| {
                    ((p(a)[0] - p(b)[0]).powi(2) + (p(a)[1] - p(b)[1]).powi(2)).sqrt()
                };
                let eye = |ix: [usize; 6]| {
                    let (mut x, mut y) = (0.0, 0.0);
                    for i in ix {
                        x += p(i)[0] / 6.0;
                        y += p(i)[1] / 6.0;
                    }
                    (x, y)
                };
                let e1 = eye([33, 160, 158, 133, 153, 144]);
                let e2 = eye([362, 385, 387, 263, 373, 380]);
                let yaw = (p(1)[0] - p(234)[0]) / (p(454)[0] - p(234)[0]);
                let ew1 = span(33, 133);
                let ew2 = span(362, 263);
                print!(
                    "  det score {:.2} box {:.0},{:.0},{:.0}x{:.0} presence {:.3} mesh {tm:.1} ms yaw {yaw:.2} eyeratio {:.2} spans 234 {:.1} 93 {:.1} 132 {:.1} 127 {:.1} 58 {:.1} eyes ({:.1},{:.1}) ({:.1},{:.1})",
                    d.score, d.xmin, d.ymin, d.width, d.height, m.presence,
                    ew1.min(ew2) / ew1.max(ew2),
                    span(234, 454), span(93, 323), span(132, 361), span(127, 356), span(58, 288),
                    e1.0, e1.1, e2.0, e2.1
                );
                if let Some(r) = &rf {
                    let f = |k: &str| r[k].as_f64().unwrap() as f32;
                    let ed = ((e2.0 - e1.0).powi(2) + (e2.1 - e1.1).powi(2)).sqrt();
                    print!(
                        " | ref w {} r234 {:.3} r93 {:.3} eyeL {:+.1} eyeR {:+.1} cx {:+.1} w/ed {:.3}",
                        f("face_width"),
                        span(234, 454) / f("face_width"),
                        span(93, 323) / f("face_width"),
                        e1.1 - f("eye_left_y"),
                        e2.1 - f("eye_right_y"),
                        (e1.0 + e2.0) / 2.0 - f("face_center_x"),
                        f("face_width") / ed
                    );
                }
                println!();
            }
        }
    }
}

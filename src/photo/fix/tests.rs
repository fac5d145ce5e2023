//! Tests of fix-size on real faces (tests/fixtures/photos/): photos
//! enlarged and moved into phone-like frames generated here, EXIF-rotated
//! files, GPS metadata, already-good-but-too-big files, and unfixable
//! inputs. Every output is read back independently: markers, density,
//! quantisation tables (quality), size, and the reference landmarks of
//! reference.json (measured with dlib by another tool) mapped through the
//! reported crop.

use std::path::PathBuf;

use fast_image_resize::{FilterType, ResizeAlg};
use image::{Rgb, RgbImage};
use serde_json::Value;

use super::encode::{encode_with, Sampling};
use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reference geometry (dlib) of a fixture photo, in its 480x640 pixels.
struct Reference {
    head_top: f64,
    eye_y: f64,
    face_width: f64,
    center_x: f64,
}

fn reference(name: &str) -> Reference {
    let all: Value = serde_json::from_slice(&fixture("reference.json")).unwrap();
    let r = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == name)
        .unwrap_or_else(|| panic!("{name} not in reference.json"))["reference"]
        .clone();
    Reference {
        head_top: r["head_top"].as_f64().unwrap(),
        eye_y: r["eye_y"].as_f64().unwrap(),
        face_width: r["face_width"].as_f64().unwrap(),
        center_x: r["face_center_x"].as_f64().unwrap(),
    }
}

fn decode_rgb(b: &[u8]) -> RgbImage {
    image::load_from_memory(b).unwrap().to_rgb8()
}

/// Median colour of the top-left corner (the plain background).
fn corner_colour(img: &RgbImage) -> Rgb<u8> {
    let mut px: Vec<[u8; 3]> = (0..12)
        .flat_map(|y| (0..12).map(move |x| (x, y)))
        .map(|(x, y)| img.get_pixel(x, y).0)
        .collect();
    let mut c = [0u8; 3];
    for (k, v) in c.iter_mut().enumerate() {
        px.sort_by_key(|p| p[k]);
        *v = px[px.len() / 2][k];
    }
    Rgb(c)
}

fn resize(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    let p = orient::Photo {
        stored: img.clone(),
        orientation: image::metadata::Orientation::NoTransforms,
        exif_orientation: 1,
    };
    p.render(
        (0.0, 0.0, img.width() as f64, img.height() as f64),
        w,
        h,
        ResizeAlg::Convolution(FilterType::Lanczos3),
    )
    .unwrap()
}

/// A phone-like frame: the portrait enlarged `k` times and placed with its
/// bottom edge on the frame's bottom edge (the body continues out of the
/// picture) at `left`, on an extended plain background of its own colour.
struct Frame {
    img: RgbImage,
    k: f64,
    left: f64,
    top: f64,
}

fn frame(src: &RgbImage, k: f64, fw: u32, fh: u32, left: u32) -> Frame {
    let (w, h) = (
        (src.width() as f64 * k).round() as u32,
        (src.height() as f64 * k).round() as u32,
    );
    let big = resize(src, w, h);
    let mut img = RgbImage::from_pixel(fw, fh, corner_colour(src));
    let top = fh - h;
    image::imageops::replace(&mut img, &big, left as i64, top as i64);
    Frame {
        img,
        k: w as f64 / src.width() as f64,
        left: left as f64,
        top: top as f64,
    }
}

fn to_jpeg(img: &RgbImage, q: u8, orientation: Option<u16>) -> Vec<u8> {
    encode_with(
        img.as_raw(),
        img.width(),
        img.height(),
        q,
        Sampling::S444,
        72,
        orientation,
    )
    .unwrap()
}

/// Markers of a JPEG before the scan.
fn markers(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&b[..2], &[0xFF, 0xD8]);
    let mut i = 2;
    let mut out = Vec::new();
    loop {
        assert_eq!(b[i], 0xFF, "marker expected at {i}");
        let m = b[i + 1];
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        out.push((m, b[i + 4..i + 2 + len].to_vec()));
        if m == 0xDA {
            return out;
        }
        i += 2 + len;
    }
}

const ANNEX_K_LUMA: [u32; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Independent reading of an output: returns the quality whose scaled
/// Annex K luma table matches the file's exactly.
fn read_properties(b: &[u8]) -> u8 {
    let ms = markers(b);
    // only JFIF APP0 and one minimal EXIF APP1
    let apps: Vec<u8> = ms
        .iter()
        .filter(|(m, _)| (0xE0..=0xEF).contains(m) || *m == 0xFE)
        .map(|(m, _)| *m)
        .collect();
    assert_eq!(apps, vec![0xE0, 0xE1], "metadata segments");
    let app0 = &ms.iter().find(|(m, _)| *m == 0xE0).unwrap().1;
    assert!(app0.starts_with(b"JFIF\0"));
    assert_eq!(app0[7], 1, "JFIF unit: dots per inch");
    assert_eq!(&app0[8..12], &[1, 44, 1, 44], "JFIF 300x300");
    let app1 = &ms.iter().find(|(m, _)| *m == 0xE1).unwrap().1;
    assert!(app1.starts_with(b"Exif\0\0"));
    let t = &app1[6..];
    assert_eq!(&t[..2], b"MM");
    let n = u16::from_be_bytes([t[8], t[9]]) as usize;
    let mut tags = Vec::new();
    for k in 0..n {
        let e = &t[10 + 12 * k..22 + 12 * k];
        let tag = u16::from_be_bytes([e[0], e[1]]);
        tags.push(tag);
        if tag == 0x011A || tag == 0x011B {
            let off = u32::from_be_bytes([e[8], e[9], e[10], e[11]]) as usize;
            let num = u32::from_be_bytes([t[off], t[off + 1], t[off + 2], t[off + 3]]);
            let den = u32::from_be_bytes([t[off + 4], t[off + 5], t[off + 6], t[off + 7]]);
            assert_eq!((num, den), (300, 1));
        }
        if tag == 0x0128 {
            assert_eq!(u16::from_be_bytes([e[8], e[9]]), 2);
        }
    }
    assert_eq!(tags, vec![0x011A, 0x011B, 0x0128], "EXIF tags");
    let next = &t[10 + 12 * n..14 + 12 * n];
    assert_eq!(next, &[0, 0, 0, 0], "no IFD1 (thumbnail)");
    // baseline, 8-bit, 480x640, 3 components
    let sof = &ms
        .iter()
        .find(|(m, _)| *m == 0xC0)
        .expect("baseline SOF0")
        .1;
    assert_eq!(sof[0], 8);
    assert_eq!(u16::from_be_bytes([sof[1], sof[2]]), 640);
    assert_eq!(u16::from_be_bytes([sof[3], sof[4]]), 480);
    assert_eq!(sof[5], 3);
    assert!(!ms.iter().any(|(m, _)| *m == 0xC2), "not progressive");
    // size window: 20-40 KB under both readings of KB (issue 17 item 14)
    assert!((20_480..=40_000).contains(&b.len()), "{} bytes", b.len());
    // quality from the luma table (first table of the first DQT)
    let dqt = &ms.iter().find(|(m, _)| *m == 0xDB).unwrap().1;
    assert_eq!(dqt[0], 0);
    let mut got: Vec<u32> = dqt[1..65].iter().map(|&v| v as u32).collect();
    got.sort_unstable();
    let q = (1..=100u32)
        .find(|&q| {
            let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
            let mut want: Vec<u32> = ANNEX_K_LUMA
                .iter()
                .map(|&v| ((v * scale + 50) / 100).clamp(1, 255))
                .collect();
            want.sort_unstable();
            want == got
        })
        .expect("standard Annex K table") as u8;
    assert!(q >= 60, "quality {q}");
    let img = decode_rgb(b);
    assert_eq!(img.dimensions(), (480, 640));
    // colour, not gray
    assert!(img.pixels().any(|p| p[0].abs_diff(p[2]) > 20));
    q
}

/// The reference landmarks of `name`, placed in `f`, then through the
/// reported crop: must be inside every range.
fn assert_reference_geometry(
    name: &str,
    f: &Frame,
    upright_xy: impl Fn(f64, f64) -> (f64, f64),
    o: &FixOutcome,
) {
    let r = reference(name);
    let p = o.plan.expect("cropped");
    let to_out = |x: f64, y: f64| {
        let (x, y) = upright_xy(f.left + x * f.k, f.top + y * f.k);
        ((x - p.x) * p.scale, (y - p.y) * p.scale)
    };
    let (_, head) = to_out(0.0, r.head_top);
    let (cx, eye) = to_out(r.center_x, r.eye_y);
    let fw = r.face_width * f.k * p.scale;
    let t = Target::national();
    assert!(
        t.head_top.contains(head as f32),
        "{name}: head top {head:.1}"
    );
    assert!(t.eye_y.contains(eye as f32), "{name}: eyes {eye:.1}");
    assert!(
        t.face_width.contains(fw as f32),
        "{name}: face width {fw:.1}"
    );
    assert!((cx - 240.0).abs() <= 24.0, "{name}: centre {cx:.1}");
}

/// The output is the reported crop of the upright photo, not a mirror:
/// compared with an independent crop and resize (image crate).
fn assert_not_mirrored(upright: &RgbImage, o: &FixOutcome) {
    let p = o.plan.unwrap();
    let (x, y) = (p.x.max(0.0).round() as u32, p.y.max(0.0).round() as u32);
    let (w, h) = (p.width.round() as u32, p.height.round() as u32);
    let crop = image::imageops::crop_imm(upright, x, y, w, h).to_image();
    let want = image::imageops::resize(&crop, 480, 640, image::imageops::FilterType::Triangle);
    let got = decode_rgb(&o.bytes);
    let mirror = image::imageops::flip_horizontal(&want);
    let diff = |a: &RgbImage, b: &RgbImage| {
        a.as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(a, b)| a.abs_diff(*b) as f64)
            .sum::<f64>()
            / a.as_raw().len() as f64
    };
    let same = diff(&got, &want);
    let mir = diff(&got, &mirror);
    assert!(
        same < 6.0,
        "output differs from the reported crop: {same:.2}"
    );
    assert!(mir > 2.0 * same, "mirror {mir:.2} vs same {same:.2}");
}

fn national() -> PhotoProfile {
    PhotoProfile::builtin("national").unwrap()
}

fn fix(bytes: &[u8]) -> std::result::Result<FixOutcome, Refusal> {
    fix_image(bytes, &national(), &FixOptions::default())
}

fn codes(r: &Refusal) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code).collect()
}

#[test]
fn phone_frames_of_real_faces_are_fixed() {
    for name in [
        "astronaut_ok_white.jpg",
        "grace_hopper_ok_blue.jpg",
        "astronaut_off_centre.jpg",
    ] {
        let src = decode_rgb(&fixture(name));
        let f = frame(&src, 2.0, 1500, 2000, 300);
        let o = fix(&to_jpeg(&f.img, 92, None)).unwrap_or_else(|r| panic!("{name}: {r:?}"));
        assert_eq!(o.action, Action::Fixed);
        read_properties(&o.bytes);
        assert!(target::check(&o.bytes, &Target::national()).pass);
        assert_reference_geometry(name, &f, |x, y| (x, y), &o);
        assert_not_mirrored(&f.img, &o);
    }
}

#[test]
#[ignore = "12-megapixel frame: slow in debug builds"]
fn twelve_megapixel_frame_is_fixed() {
    let name = "grace_hopper_ok_gray.jpg";
    let src = decode_rgb(&fixture(name));
    let f = frame(&src, 4.0, 3000, 4000, 700);
    let o = fix(&to_jpeg(&f.img, 90, None)).unwrap();
    read_properties(&o.bytes);
    assert_reference_geometry(name, &f, |x, y| (x, y), &o);
}

/// Rotates an upright image into the stored form for EXIF value `o`.
fn stored_for(up: &RgbImage, o: u16) -> RgbImage {
    match o {
        6 => image::imageops::rotate270(up),
        8 => image::imageops::rotate90(up),
        3 => image::imageops::rotate180(up),
        _ => up.clone(),
    }
}

#[test]
fn exif_rotated_photos_are_turned_upright() {
    let name = "astronaut_ok_gray.jpg";
    let src = decode_rgb(&fixture(name));
    let f = frame(&src, 2.0, 1500, 2000, 250);
    let plain = fix(&to_jpeg(&f.img, 92, None)).unwrap();
    for o in [6u16, 8, 3] {
        let stored = stored_for(&f.img, o);
        let out = fix(&to_jpeg(&stored, 92, Some(o))).unwrap_or_else(|r| panic!("exif {o}: {r:?}"));
        read_properties(&out.bytes);
        assert!(out.findings.iter().any(|f| f.code == "fix.orientation"));
        assert_reference_geometry(name, &f, |x, y| (x, y), &out);
        assert_not_mirrored(&f.img, &out);
        // the same crop as the upright file, within a pixel
        let (a, b) = (plain.plan.unwrap(), out.plan.unwrap());
        assert!(
            (a.x - b.x).abs() < 2.0 && (a.y - b.y).abs() < 2.0,
            "{a:?} {b:?}"
        );
    }
}

/// An EXIF block with a GPS IFD (latitude ref 'N') and a camera model.
fn gps_exif() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"II\x2a\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0: Model (ASCII, inline "Cam"), GPS pointer
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0110u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&4u32.to_le_bytes());
    t.extend_from_slice(b"Cam\0");
    t.extend_from_slice(&0x8825u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&38u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 38: GPSLatitudeRef = "N"
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x0001u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

fn jpeg_with_gps(img: &RgbImage, q: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, q);
    enc.add_exif_metadata(&gps_exif()).unwrap();
    enc.add_app_segment(13, b"Photoshop 3.0\0".to_vec())
        .unwrap();
    enc.encode(
        img.as_raw(),
        img.width() as u16,
        img.height() as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    out
}

#[test]
fn gps_and_camera_metadata_are_dropped() {
    let name = "grace_hopper_ok_white.jpg";
    let src = decode_rgb(&fixture(name));
    let f = frame(&src, 2.0, 1500, 2000, 280);
    let input = jpeg_with_gps(&f.img, 90);
    let blocks = encode::metadata_blocks(&input);
    assert!(blocks.contains(&"EXIF+GPS".to_string()), "{blocks:?}");
    let o = fix(&input).unwrap();
    read_properties(&o.bytes); // asserts only JFIF + minimal EXIF
    assert!(!o.bytes.windows(3).any(|w| w == b"Cam"));
    let removed = o
        .extra
        .iter()
        .find(|(k, _)| *k == "metadata_removed")
        .unwrap();
    assert!(removed.1.to_string().contains("GPS"));
}

#[test]
fn already_good_but_too_big_is_only_reencoded() {
    let name = "astronaut_ok_blue.jpg";
    let src = decode_rgb(&fixture(name));
    let big = encode_with(src.as_raw(), 480, 640, 98, Sampling::S444, 72, None).unwrap();
    assert!(big.len() > 60_000, "{}", big.len());
    let o = fix(&big).unwrap();
    assert_eq!(o.action, Action::Reencoded);
    assert!(o.plan.is_none());
    read_properties(&o.bytes);
    // same pixels, not re-cropped
    let got = decode_rgb(&o.bytes);
    let mean: f64 = got
        .as_raw()
        .iter()
        .zip(src.as_raw())
        .map(|(a, b)| a.abs_diff(*b) as f64)
        .sum::<f64>()
        / got.as_raw().len() as f64;
    assert!(mean < 4.0, "{mean}");
}

#[test]
fn compliant_photo_is_kept_byte_for_byte() {
    let bytes = fixture("astronaut_ok_white.jpg");
    let o = fix(&bytes).unwrap();
    assert_eq!(o.action, Action::Kept, "{:?}", o.findings);
    let strip = encode::strip_metadata(&bytes).unwrap();
    assert_eq!(o.bytes, strip);
}

#[test]
fn unfixable_inputs_are_refused() {
    // face too small: needs more than 1.25x
    let r = fix(&fixture("astronaut_small_face.jpg")).unwrap_err();
    assert!(
        codes(&r).contains(&"fix.face_too_small") || codes(&r).contains(&"fix.too_close_to_edge"),
        "{r:?}"
    );

    // no face: a plain wall with a gradient
    let wall = RgbImage::from_fn(900, 1200, |x, y| {
        Rgb([200, (150 + x / 10) as u8, (100 + y / 20) as u8])
    });
    let r = fix(&to_jpeg(&wall, 90, None)).unwrap_err();
    assert_eq!(codes(&r), vec!["photo.face_count"]);

    // two people
    let src = decode_rgb(&fixture("grace_hopper_ok_white.jpg"));
    let mut two = RgbImage::from_pixel(1600, 1000, corner_colour(&src));
    image::imageops::replace(&mut two, &src, 100, 360);
    image::imageops::replace(&mut two, &src, 900, 360);
    let r = fix(&to_jpeg(&two, 90, None)).unwrap_err();
    assert_eq!(codes(&r), vec!["photo.face_count"], "{r:?}");

    // face at the very left edge of a frame
    let f = frame(&src, 2.0, 1500, 2000, 0);
    let mut shifted = RgbImage::from_pixel(1500, 2000, corner_colour(&src));
    image::imageops::replace(&mut shifted, &f.img, -250, 0);
    let r = fix(&to_jpeg(&shifted, 90, None)).unwrap_err();
    assert!(codes(&r).contains(&"fix.too_close_to_edge"), "{r:?}");

    // head cut by the top edge
    let cut = image::imageops::crop_imm(&src, 0, 120, 480, 520).to_image();
    let r = fix(&to_jpeg(&cut, 92, None)).unwrap_err();
    assert!(
        codes(&r)
            .iter()
            .any(|c| ["fix.head_cut", "fix.too_close_to_edge"].contains(c)),
        "{r:?}"
    );

    // a GIF (by its magic bytes): named, not decoded
    let r = fix(b"GIF89a not really").unwrap_err();
    assert_eq!(codes(&r), vec!["photo.format"]);
    // not an image at all
    let r = fix(b"hello, not an image").unwrap_err();
    assert_eq!(codes(&r), vec!["photo.unreadable"]);
}

#[test]
fn batch_writes_fixed_and_nothing_for_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    let out = dir.path().join("out");
    std::fs::create_dir_all(inp.join("sub")).unwrap();
    let src = decode_rgb(&fixture("astronaut_ok_white.jpg"));
    let f = frame(&src, 2.0, 1500, 2000, 300);
    std::fs::write(inp.join("phone.jpg"), to_jpeg(&f.img, 90, None)).unwrap();
    std::fs::write(
        inp.join("sub/small.jpg"),
        fixture("astronaut_small_face.jpg"),
    )
    .unwrap();
    // same folder, same stem: a clash; the same name in a subfolder is
    // written under that subfolder (issue 17 item 16)
    std::fs::write(inp.join("phone.png"), b"clash").unwrap();
    std::fs::write(inp.join("sub/phone.jpg"), to_jpeg(&f.img, 90, None)).unwrap();
    let before = std::fs::read(inp.join("phone.jpg")).unwrap();
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let rep = fix_paths(
        std::slice::from_ref(&inp),
        &out,
        &national(),
        &FixOptions::default(),
        &|_, _| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        },
    )
    .unwrap();
    assert_eq!(calls.into_inner(), 4);
    assert_eq!(rep.results.len(), 4);
    assert_eq!(rep.exit_code(), 1);
    let by = |p: &str| {
        rep.results
            .iter()
            .find(|i| i.get("path").unwrap().as_str().unwrap().ends_with(p))
            .unwrap()
    };
    assert_eq!(by("in/phone.jpg").verdict, "fixed");
    assert_eq!(by("small.jpg").verdict, "refused");
    assert!(by("in/phone.png").has_code("fix.name_clash"));
    assert_eq!(by("sub/phone.jpg").verdict, "fixed");
    assert!(by("sub/phone.jpg")
        .get("output")
        .unwrap()
        .as_str()
        .unwrap()
        .ends_with("out/sub/phone.jpg"));
    assert!(out.join("sub/phone.jpg").is_file());
    assert!(!out.join("sub/small.jpg").exists());
    assert_eq!(
        std::fs::read(inp.join("phone.jpg")).unwrap(),
        before,
        "original untouched"
    );
    let written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let mut written = written;
    written.sort();
    assert_eq!(
        written,
        vec![
            std::ffi::OsString::from("phone.jpg"),
            std::ffi::OsString::from("sub")
        ]
    );
    read_properties(&std::fs::read(out.join("phone.jpg")).unwrap());

    // again without --force: one error before any work, file unchanged
    let written_bytes = std::fs::read(out.join("phone.jpg")).unwrap();
    let again = fix_paths(
        &[inp.join("phone.jpg")],
        &out,
        &national(),
        &FixOptions::default(),
        &|_, _| {},
    );
    assert!(
        matches!(&again, Err(Error::OutputExists { path }) if path.ends_with("phone.jpg")),
        "{:?}",
        again.map(|r| r.results.len())
    );
    assert_eq!(std::fs::read(out.join("phone.jpg")).unwrap(), written_bytes);
    // output folder = input folder: the original is never overwritten
    let same = fix_paths(
        &[inp.join("phone.jpg")],
        &inp,
        &national(),
        &FixOptions {
            force: true,
            ..Default::default()
        },
        &|_, _| {},
    )
    .unwrap();
    assert!(same.results[0].has_code("fix.output_is_input"));
    assert_eq!(std::fs::read(inp.join("phone.jpg")).unwrap(), before);
    // a missing path is an error (exit 2)
    assert!(fix_paths(
        &[dir.path().join("nope")],
        &out,
        &national(),
        &FixOptions::default(),
        &|_, _| {}
    )
    .is_err());
}

#[test]
fn pad_background_only_with_the_flag() {
    let src = decode_rgb(&fixture("astronaut_ok_white.jpg"));
    // head top close to the top edge, plain background above it
    let top = image::imageops::crop_imm(&src, 0, 50, 480, 590).to_image();
    let f = frame(&top, 2.0, 1500, 2000, 300);
    let mut high = RgbImage::from_pixel(1500, 2000, corner_colour(&src));
    image::imageops::replace(&mut high, &f.img, 0, -(f.top as i64));
    let bytes = to_jpeg(&high, 92, None);
    let r = fix(&bytes).unwrap_err();
    assert!(codes(&r).contains(&"fix.too_close_to_edge"), "{r:?}");
    let o = fix_image(
        &bytes,
        &national(),
        &FixOptions {
            pad_background: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(o.findings.iter().any(|f| f.code == "fix.padded"));
    read_properties(&o.bytes);
}

#[test]
fn the_aimed_window_holds_under_both_readings_of_kb() {
    use super::target::both_kb_readings;
    assert_eq!(both_kb_readings(20_480, 40_960), (20_480, 40_000));
    // plain byte limits (a user's profile) are kept
    assert_eq!(both_kb_readings(20_000, 40_000), (20_000, 40_000));
    assert_eq!(both_kb_readings(0, u64::MAX), (0, u64::MAX));
    // 1 KB..1 KB: the reading 1,000 would empty the window: kept
    assert_eq!(both_kb_readings(1024, 1024), (1024, 1024));
    let t =
        super::target::Target::from_profile(&PhotoProfile::builtin("national").unwrap()).unwrap();
    assert_eq!((t.aim_min_bytes, t.aim_max_bytes), (20_480, 40_000));
}

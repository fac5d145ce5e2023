//! `--annotate DIR`: the photo with the geometry guides drawn on it, so a
//! candidate sees at once what is wrong.
//!
//! Drawn (pure Rust on an [`RgbImage`], no font files):
//! - translucent bands where the head top (yellow) and the eyes (blue) must
//!   lie, and the two zones where the cheek boundaries must lie for the
//!   face width to be in range (magenta), centred on the face;
//! - the required centre line (white, dashed) and its tolerance (grey);
//! - what was measured: the head-top line, a cross on each eye and the eye
//!   line, the cheek boundaries, the face centre, the detector's face box —
//!   green when inside its range, red when outside — with the measured
//!   value written beside it in small digits;
//! - with [`annotate_with_legend`], a legend strip under the photo that
//!   says what each colour means, in Chinese or English (labels rendered
//!   once from a font into `legend_labels.rs`).

use image::{Rgb, RgbImage};

use crate::face::FaceGeometry;

/// The geometry ranges to draw, in pixels of the image given to
/// [`annotate`] (use [`GeometryRanges::scaled`] for other sizes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeometryRanges {
    /// Head top: distance from the top edge, (min, max).
    pub head_top: (f32, f32),
    /// Eye centres: distance from the top edge, (min, max).
    pub eyes: (f32, f32),
    /// Face width cheek to cheek, (min, max).
    pub face_width: (f32, f32),
    /// Required horizontal centre of the face.
    pub center_x: f32,
    /// Allowed distance of the face centre from `center_x`.
    pub center_tolerance: f32,
}

impl Default for GeometryRanges {
    /// The national standard on 480x640 (centre tolerance: 5% of the width;
    /// the photo rules of the profile give the one in force).
    fn default() -> Self {
        GeometryRanges {
            head_top: (50.0, 110.0),
            eyes: (200.0, 300.0),
            face_width: (180.0, 300.0),
            center_x: 240.0,
            center_tolerance: 24.0,
        }
    }
}

impl GeometryRanges {
    /// The same ranges on an image scaled by `sx` horizontally and `sy`
    /// vertically (e.g. 2.0, 2.0 for a 960x1280 picture of 480x640 ranges).
    pub fn scaled(&self, sx: f32, sy: f32) -> GeometryRanges {
        GeometryRanges {
            head_top: (self.head_top.0 * sy, self.head_top.1 * sy),
            eyes: (self.eyes.0 * sy, self.eyes.1 * sy),
            face_width: (self.face_width.0 * sx, self.face_width.1 * sx),
            center_x: self.center_x * sx,
            center_tolerance: self.center_tolerance * sx,
        }
    }
}

const OK: [u8; 3] = [0, 200, 60];
const BAD: [u8; 3] = [235, 20, 20];
const HEAD_BAND: [u8; 3] = [255, 200, 0];
const EYE_BAND: [u8; 3] = [0, 150, 255];
const WIDTH_BAND: [u8; 3] = [230, 0, 230];

fn inside(v: f32, r: (f32, f32)) -> bool {
    v >= r.0 && v <= r.1
}

fn verdict(ok: bool) -> [u8; 3] {
    if ok {
        OK
    } else {
        BAD
    }
}

/// Blends `c` into the pixels of a rectangle (float bounds, clamped).
fn tint(img: &mut RgbImage, x0: f32, y0: f32, x1: f32, y1: f32, c: [u8; 3], alpha: f32) {
    let (w, h) = img.dimensions();
    let cl = |v: f32, m: u32| v.round().clamp(0.0, m as f32) as u32;
    let (x0, x1, y0, y1) = (cl(x0, w), cl(x1, w), cl(y0, h), cl(y1, h));
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel_mut(x, y);
            for (v, ck) in p.0.iter_mut().zip(c) {
                *v = (*v as f32 * (1.0 - alpha) + ck as f32 * alpha).round() as u8;
            }
        }
    }
}

fn put(img: &mut RgbImage, x: i64, y: i64, c: [u8; 3]) {
    if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
        img.put_pixel(x as u32, y as u32, Rgb(c));
    }
}

/// A line `thick` pixels wide; `dash` > 0 draws dashes of that length.
#[allow(clippy::too_many_arguments)]
fn line(
    img: &mut RgbImage,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    c: [u8; 3],
    thick: i64,
    dash: usize,
) {
    let n = ((x1 - x0).abs().max((y1 - y0).abs()).ceil() as usize).max(1);
    for i in 0..=n {
        if dash > 0 && (i / dash) % 2 == 1 {
            continue;
        }
        let t = i as f32 / n as f32;
        let x = (x0 + (x1 - x0) * t).round() as i64;
        let y = (y0 + (y1 - y0) * t).round() as i64;
        for dy in 0..thick {
            for dx in 0..thick {
                put(img, x + dx - thick / 2, y + dy - thick / 2, c);
            }
        }
    }
}

fn cross(img: &mut RgbImage, x: f32, y: f32, r: f32, c: [u8; 3]) {
    line(img, x - r, y, x + r, y, c, 2, 0);
    line(img, x, y - r, x, y + r, c, 2, 0);
}

/// 3x5 glyphs for digits, '-' and '.'; each row is 3 bits, high bit left.
fn glyph(ch: char) -> Option<[u8; 5]> {
    Some(match ch {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        _ => return None,
    })
}

/// Writes `text` (digits, '-', '+', '.') with its top-left at (x, y), each
/// glyph cell `s` pixels, on a dark backing so it reads on any background.
fn text(img: &mut RgbImage, x: f32, y: f32, s: i64, s_text: &str, c: [u8; 3]) {
    let n = s_text.chars().count() as i64;
    let (w, h) = (img.width() as i64, img.height() as i64);
    // Keep the label inside the picture.
    let tw = n * 4 * s + s;
    let x = (x.round() as i64).clamp(0, (w - tw).max(0));
    let y = (y.round() as i64).clamp(0, (h - 7 * s).max(0));
    for yy in y..y + 7 * s {
        for xx in x..x + tw {
            put(img, xx, yy, [20, 20, 20]);
        }
    }
    for (i, ch) in s_text.chars().enumerate() {
        let Some(g) = glyph(ch) else { continue };
        let gx = x + s + i as i64 * 4 * s;
        for (row, bits) in g.iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    for dy in 0..s {
                        for dx in 0..s {
                            put(img, gx + col * s + dx, y + s + row as i64 * s + dy, c);
                        }
                    }
                }
            }
        }
    }
}

/// The photo with the guides and the measured geometry drawn on it.
pub fn annotate(img: &RgbImage, face: Option<&FaceGeometry>, ranges: &GeometryRanges) -> RgbImage {
    let mut out = img.clone();
    let (w, h) = (img.width() as f32, img.height() as f32);
    // Label size: 2 px cells on 480 wide, more on bigger pictures.
    let s = ((w / 240.0).round() as i64).max(1);
    let pen = Pen {
        s,
        thin: (s / 2).max(1),
        w,
        h,
    };
    let cx = face.map(|f| f.face_center_x).unwrap_or(ranges.center_x);
    let eye_y = face
        .map(|f| (f.eye_left.y + f.eye_right.y) / 2.0)
        .unwrap_or((ranges.eyes.0 + ranges.eyes.1) / 2.0);
    // the cheek zone: from a little above the eyes to well below them
    let cheeks = (eye_y - 0.05 * h, eye_y + 0.15 * h);
    range_bands(&mut out, ranges, cx, cheeks, &pen);
    centre_guides(&mut out, ranges, &pen);
    if let Some(f) = face {
        measured(&mut out, f, ranges, cheeks, &pen);
    }
    out
}

/// Sizes of the drawing on one picture: label cell `s`, line width
/// `thin`, picture `w` x `h`.
struct Pen {
    s: i64,
    thin: i64,
    w: f32,
    h: f32,
}

/// The translucent bands where the head top, the eyes and the cheek
/// boundaries (around the face centre `cx`, over `cheeks`) must lie.
fn range_bands(
    out: &mut RgbImage,
    ranges: &GeometryRanges,
    cx: f32,
    (by0, by1): (f32, f32),
    pen: &Pen,
) {
    let w = pen.w;
    tint(
        out,
        0.0,
        ranges.head_top.0,
        w,
        ranges.head_top.1,
        HEAD_BAND,
        0.22,
    );
    tint(out, 0.0, ranges.eyes.0, w, ranges.eyes.1, EYE_BAND, 0.18);
    let (wmin, wmax) = (ranges.face_width.0 / 2.0, ranges.face_width.1 / 2.0);
    tint(out, cx - wmax, by0, cx - wmin, by1, WIDTH_BAND, 0.22);
    tint(out, cx + wmin, by0, cx + wmax, by1, WIDTH_BAND, 0.22);
}

/// The required centre line (white and black dashes) and its tolerance
/// (grey dashes).
fn centre_guides(out: &mut RgbImage, ranges: &GeometryRanges, pen: &Pen) {
    let (c, h, s, thin) = (ranges.center_x, pen.h, pen.s, pen.thin);
    line(out, c, 0.0, c, h, [255, 255, 255], thin, 0);
    line(out, c, 0.0, c, h, [0, 0, 0], thin, (6 * s) as usize);
    for t in [c - ranges.center_tolerance, c + ranges.center_tolerance] {
        line(out, t, 0.0, t, h, [150, 150, 150], thin, (3 * s) as usize);
    }
}

/// What was measured, green inside its range and red outside, with the
/// values: the detector's box, the head top, the eyes, the cheek
/// boundaries and the face width, the face centre and its offset.
fn measured(
    out: &mut RgbImage,
    f: &FaceGeometry,
    ranges: &GeometryRanges,
    (by0, by1): (f32, f32),
    pen: &Pen,
) {
    let Pen { s, thin, w, h } = *pen;

    // Detector box, for orientation.
    let b = f.face_box;
    let grey = [170, 170, 170];
    let (x0, y0, x1, y1) = (b.x, b.y, b.x + b.width, b.y + b.height);
    for (ax, ay, bx, by) in [
        (x0, y0, x1, y0),
        (x0, y1, x1, y1),
        (x0, y0, x0, y1),
        (x1, y0, x1, y1),
    ] {
        line(out, ax, ay, bx, by, grey, thin, 0);
    }

    // Head top.
    if let Some(t) = f.head_top {
        let col = verdict(inside(t, ranges.head_top) && !f.head_cut);
        line(out, 0.0, t, w, t, col, 2 * thin, 0);
        text(out, 2.0, t + 3.0, s, &format!("{t:.0}"), col);
    } else if f.head_cut {
        line(out, 0.0, 0.0, w, 0.0, BAD, 3 * thin, 0);
    }

    // Eyes.
    let r = 0.04 * w;
    let (l, rt) = (f.eye_left, f.eye_right);
    line(out, l.x, l.y, rt.x, rt.y, [255, 255, 255], thin, 0);
    for (e, dx) in [(l, -1.0f32), (rt, 1.0)] {
        let col = verdict(inside(e.y, ranges.eyes));
        cross(out, e.x, e.y, r, col);
        let label = format!("{:.0}", e.y);
        let lw = (label.len() as f32 * 4.0 + 1.0) * s as f32;
        let lx = if dx < 0.0 {
            e.x - r - lw - 2.0
        } else {
            e.x + r + 2.0
        };
        text(out, lx, e.y - 3.5 * s as f32, s, &label, col);
    }

    // Cheek boundaries and the face width.
    if let (Some(l), Some(rx)) = (f.face_left_x, f.face_right_x) {
        let fw = f.face_width.unwrap_or(rx - l);
        let col = verdict(inside(fw, ranges.face_width));
        for x in [l, rx] {
            line(out, x, by0, x, by1, col, 2 * thin, 0);
        }
        line(out, l, by1, rx, by1, col, thin, 0);
        let label = format!("{fw:.0}");
        let lw = (label.len() as f32 * 4.0 + 1.0) * s as f32;
        text(out, (l + rx) / 2.0 - lw / 2.0, by1 + 3.0, s, &label, col);
    }

    // Face centre and its offset from the required centre.
    let off = f.face_center_x - ranges.center_x;
    let col = verdict(off.abs() <= ranges.center_tolerance);
    let top = by0 - 0.1 * h;
    line(
        out,
        f.face_center_x,
        top,
        f.face_center_x,
        by1,
        col,
        2 * thin,
        0,
    );
    text(
        out,
        f.face_center_x + 3.0,
        top,
        s,
        &format!("{off:+.0}"),
        col,
    );
}

/// [`annotate`], with a legend strip in `lang` added under the photo (the
/// picture `--annotate DIR` and the HTML report show).
pub fn annotate_with_legend(
    img: &RgbImage,
    face: Option<&FaceGeometry>,
    ranges: &GeometryRanges,
    lang: crate::msg::Lang,
) -> RgbImage {
    with_legend(&annotate(img, face, ranges), lang)
}

/// One legend entry: how its swatch is drawn, and its label.
enum Swatch {
    Band([u8; 3], f32),
    Dashed,
    Line([u8; 3]),
}

/// `img` with a white strip below it holding the legend: a swatch and a
/// label for each band and line colour, two columns when wide enough.
fn with_legend(img: &RgbImage, lang: crate::msg::Lang) -> RgbImage {
    use super::legend_labels as l;
    let zh = lang == crate::msg::Lang::Zh;
    let pick = |a: l::Label, b: l::Label| if zh { a } else { b };
    let entries = [
        (
            Swatch::Band(HEAD_BAND, 0.55),
            pick(l::HEAD_BAND_ZH, l::HEAD_BAND_EN),
        ),
        (
            Swatch::Band(EYE_BAND, 0.5),
            pick(l::EYE_BAND_ZH, l::EYE_BAND_EN),
        ),
        (
            Swatch::Band(WIDTH_BAND, 0.55),
            pick(l::WIDTH_BAND_ZH, l::WIDTH_BAND_EN),
        ),
        (Swatch::Dashed, pick(l::CENTRE_ZH, l::CENTRE_EN)),
        (Swatch::Line(OK), pick(l::MEASURED_OK_ZH, l::MEASURED_OK_EN)),
        (
            Swatch::Line(BAD),
            pick(l::MEASURED_BAD_ZH, l::MEASURED_BAD_EN),
        ),
    ];
    let w = img.width() as i64;
    // label scale: 1 on a 480-wide photo, 2 from 720 px on
    let k = ((w as f32 / 480.0).round() as i64).max(1);
    let widest = entries
        .iter()
        .map(|(_, lab)| lab.width as i64)
        .max()
        .unwrap_or(0);
    let col_w = (28 + widest + 8) * k;
    let cols = if 2 * col_w <= w { 2 } else { 1 };
    let row_h = (l::HEIGHT as i64 + 4) * k;
    let rows = entries.len().div_ceil(cols) as i64;
    let strip = rows * row_h + 6 * k;
    let top = img.height() as i64;
    let mut out = RgbImage::from_pixel(img.width(), (top + strip) as u32, Rgb([255, 255, 255]));
    image::imageops::replace(&mut out, img, 0, 0);
    line(
        &mut out,
        0.0,
        top as f32,
        w as f32,
        top as f32,
        [200, 200, 200],
        1,
        0,
    );
    for (i, (swatch, label)) in entries.iter().enumerate() {
        let x0 = (i % cols) as i64 * (w / cols as i64) + 4 * k;
        let y0 = top + 4 * k + (i / cols) as i64 * row_h;
        let mid = (y0 + row_h / 2 - k) as f32;
        let (sx0, sx1) = (x0 as f32, (x0 + 22 * k) as f32);
        match *swatch {
            Swatch::Band(c, alpha) => tint(
                &mut out,
                sx0,
                mid - 5.0 * k as f32,
                sx1,
                mid + 5.0 * k as f32,
                c,
                alpha,
            ),
            Swatch::Dashed => line(&mut out, sx0, mid, sx1, mid, [0, 0, 0], k, (3 * k) as usize),
            Swatch::Line(c) => line(&mut out, sx0, mid, sx1, mid, c, 3 * k, 0),
        }
        draw_label(&mut out, x0 + 28 * k, y0, k, label);
    }
    out
}

/// Draws a label bitmap (dark grey, its 4-bit alpha blended) with its
/// top-left at (x, y), each pixel `k` x `k`.
fn draw_label(img: &mut RgbImage, x: i64, y: i64, k: i64, label: &super::legend_labels::Label) {
    let stride = label.width.div_ceil(2);
    for (row, bytes) in label.alpha.chunks(stride).enumerate() {
        for col in 0..label.width {
            let nibble = (bytes[col / 2] >> if col % 2 == 0 { 4 } else { 0 }) & 0x0f;
            if nibble == 0 {
                continue;
            }
            let a = nibble as f32 / 15.0;
            for dy in 0..k {
                for dx in 0..k {
                    let (px, py) = (x + col as i64 * k + dx, y + row as i64 * k + dy);
                    if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height()
                    {
                        let p = img.get_pixel_mut(px as u32, py as u32);
                        for v in p.0.iter_mut() {
                            *v = (*v as f32 * (1.0 - a) + 30.0 * a).round() as u8;
                        }
                    }
                }
            }
        }
    }
}

/// PNG bytes of an image (what `--annotate DIR` writes).
pub fn png_bytes(img: &RgbImage) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    // Writing an in-memory RGB8 image as PNG cannot fail.
    img.write_to(&mut buf, image::ImageFormat::Png)
        .expect("PNG encoding into memory");
    buf.into_inner()
}

impl GeometryRanges {
    /// A profile's geometry ranges drawn on an image of `width` x `height`
    /// (the profile gives them for its frame, e.g. 480x640).
    pub fn for_image(
        rules: &crate::photo::profile::GeometryRules,
        width: u32,
        height: u32,
    ) -> GeometryRanges {
        let r = GeometryRanges {
            head_top: (rules.head_top[0] as f32, rules.head_top[1] as f32),
            eyes: (rules.eye_y[0] as f32, rules.eye_y[1] as f32),
            face_width: (rules.face_width[0] as f32, rules.face_width[1] as f32),
            center_x: rules.frame_width as f32 / 2.0,
            center_tolerance: rules.center_tolerance as f32,
        };
        r.scaled(
            width as f32 / rules.frame_width.max(1) as f32,
            height as f32 / rules.frame_height.max(1) as f32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::pixels::tests::{face, portrait};

    fn count(img: &RgbImage, c: [u8; 3]) -> usize {
        img.pixels().filter(|p| p.0 == c).count()
    }

    #[test]
    fn guides_are_green_when_in_range_and_red_when_not() {
        let img = portrait([255, 255, 255]);
        let good = face(240.0, 235.0, 200.0, 80.0);
        let out = annotate(&img, Some(&good), &GeometryRanges::default());
        assert_eq!(out.dimensions(), img.dimensions());
        assert!(count(&out, OK) > 200);
        assert_eq!(count(&out, BAD), 0);
        // Head top out of range, eyes too low, face too narrow, off centre.
        let bad = face(300.0, 330.0, 150.0, 140.0);
        let out = annotate(&img, Some(&bad), &GeometryRanges::default());
        assert!(count(&out, BAD) > 200);
        assert_eq!(count(&out, OK), 0);
        // The bands are drawn: a background pixel inside the head-top band
        // is tinted, one outside it is not.
        assert_ne!(out.get_pixel(5, 60).0, [255, 255, 255]);
        assert_eq!(out.get_pixel(5, 20).0, [255, 255, 255]);
        // The original is untouched; the PNG decodes to the same picture.
        assert_eq!(img.get_pixel(5, 60).0, [255, 255, 255]);
        let png = png_bytes(&out);
        let back = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(back, out);
    }

    #[test]
    fn works_without_a_face_and_on_any_size() {
        let img = RgbImage::from_pixel(100, 60, Rgb([240, 240, 240]));
        let r = GeometryRanges::default().scaled(100.0 / 480.0, 60.0 / 640.0);
        let out = annotate(&img, None, &r);
        assert_eq!(out.dimensions(), (100, 60));
        // A face partly outside the picture does not panic.
        let f = face(95.0, 58.0, 80.0, -5.0);
        let _ = annotate(&img, Some(&f), &r);
        let tiny = RgbImage::from_pixel(1, 1, Rgb([0, 0, 0]));
        let _ = annotate(&tiny, Some(&f), &GeometryRanges::default());
    }

    #[test]
    fn legend_is_a_strip_under_the_photo_in_either_language() {
        use crate::msg::Lang;
        let img = RgbImage::from_pixel(480, 640, Rgb([255, 255, 255]));
        let zh = annotate_with_legend(&img, None, &GeometryRanges::default(), Lang::Zh);
        let en = annotate_with_legend(&img, None, &GeometryRanges::default(), Lang::En);
        assert_eq!(zh.width(), 480);
        assert!(zh.height() > 640 && zh.height() < 720, "{}", zh.height());
        // the photo part is the annotated photo, unchanged
        let plain = annotate(&img, None, &GeometryRanges::default());
        for (x, y) in [(0, 0), (240, 100), (479, 639)] {
            assert_eq!(zh.get_pixel(x, y), plain.get_pixel(x, y));
        }
        // swatches of every colour and dark text, and the languages differ
        let strip =
            |i: &RgbImage| image::imageops::crop_imm(i, 0, 640, 480, i.height() - 640).to_image();
        let (sz, se) = (strip(&zh), strip(&en));
        assert!(count(&sz, OK) > 20 && count(&sz, BAD) > 20);
        assert!(sz.pixels().filter(|p| p.0[0] < 80 && p.0[1] < 80).count() > 200);
        assert_ne!(sz, se);
        // a narrow picture gets one column, a large one bigger labels
        let narrow = annotate_with_legend(
            &RgbImage::new(240, 320),
            None,
            &GeometryRanges::default().scaled(0.5, 0.5),
            Lang::En,
        );
        assert!(narrow.height() - 320 > zh.height() - 640);
        let big = annotate_with_legend(
            &RgbImage::new(960, 1280),
            None,
            &GeometryRanges::default().scaled(2.0, 2.0),
            Lang::Zh,
        );
        assert_eq!(big.height() - 1280, 2 * (zh.height() - 640));
    }

    #[test]
    fn digits_are_drawn() {
        let mut img = RgbImage::from_pixel(40, 20, Rgb([255, 255, 255]));
        text(&mut img, 0.0, 0.0, 1, "8", [255, 0, 0]);
        // An 8 lights 13 of the 15 cells.
        assert_eq!(count(&img, [255, 0, 0]), 13);
    }
}

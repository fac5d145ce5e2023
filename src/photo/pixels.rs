//! Pixel half of `photo check`: colour (monochrome), background colour and
//! uniformity, sharpness, exposure, left/right lighting and added borders.
//!
//! Works on any image size; uses the face geometry (when there is one) to
//! keep the person out of the background samples and to find the face for
//! the quality measures. Every threshold is a field of [`PixelRules`] (the
//! `[pixels]` table of a photo profile); the defaults and why they are what
//! they are: docs/photo-pixels.md.
//!
//! Colour distances are CIE ΔE in CIELAB (D65) computed from sRGB: the
//! background's distance to an allowed colour and the gradient span use
//! CIEDE2000; per-sample residuals (noise, objects) use ΔE76, which is
//! cheap and, at the small distances involved, close to ΔE00 scaled.

use std::sync::OnceLock;

use image::RgbImage;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::face::FaceGeometry;
use crate::finding::Finding;
use crate::msg::{Lang, Msg};
use crate::photo::profile::{Background, PhotoProfile};

/// Finding codes emitted here.
pub mod code {
    pub const MONOCHROME: &str = "photo.monochrome";
    pub const BACKGROUND_COLOR: &str = "photo.background_color";
    pub const BACKGROUND_UNIFORM: &str = "photo.background_uniform";
    pub const SHARPNESS: &str = "photo.sharpness";
    pub const EXPOSURE: &str = "photo.exposure";
    pub const LIGHTING: &str = "photo.lighting";
    pub const BORDER: &str = "photo.border";
}

/// Thresholds of the pixel analysis (the `[pixels]` table of a photo
/// profile). Missing keys take the defaults of [`PixelRules::default`].
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PixelRules {
    /// A pixel "carries colour" when max(R,G,B) - min(R,G,B) reaches this.
    pub colour_pixel_min: u8,
    /// Below this share of coloured pixels the photo is monochrome.
    pub colour_share_min: f32,
    /// Below this median max-min spread on the face skin the face is
    /// black-and-white (a grey person on a coloured background).
    pub face_colour_min: f32,
    /// Largest colour change (CIEDE2000) across the background explained by
    /// a smooth (quadratic) surface: gradients, vignetting, broad shadows.
    pub background_gradient_max_de: f32,
    /// Largest RMS ΔE76 of the background around that surface (texture,
    /// heavy noise).
    pub background_residual_max_de: f32,
    /// A background sample further than this (ΔE76) from the surface is
    /// "something else" (an object, a person, a hard shadow).
    pub background_outlier_de: f32,
    /// Largest share of such samples.
    pub background_outlier_share_max: f32,
    /// Fewest background samples needed to judge the background.
    pub background_min_samples: usize,
    /// Largest blur (re-blur ratio, 0 = sharp, 1 = flat) on the face
    /// normalised to `sharpness_face_px` pixels across.
    pub blur_max: f32,
    /// Face width the sharpness is measured at (larger faces are
    /// downscaled to it, so the figure does not depend on image size).
    pub sharpness_face_px: u32,
    /// Median CIE L* of the face skin: lowest acceptable.
    pub face_lightness_min: f32,
    /// Median CIE L* of the face skin: highest acceptable.
    pub face_lightness_max: f32,
    /// Largest share of clipped (blown or crushed) face-skin pixels.
    pub clipped_share_max: f32,
    /// Largest ratio of luminance Y between the brighter and the darker
    /// cheek.
    pub lighting_ratio_max: f32,
    /// A frame line differs from the picture inside by at least this ΔE76.
    pub border_min_de: f32,
    /// Deepest border looked for, as a share of the shorter side.
    pub border_max_fraction: f32,
}

impl Default for PixelRules {
    fn default() -> Self {
        PixelRules {
            colour_pixel_min: 12,
            colour_share_min: 0.005,
            face_colour_min: 6.0,
            background_gradient_max_de: 4.0,
            background_residual_max_de: 3.0,
            background_outlier_de: 12.0,
            background_outlier_share_max: 0.02,
            background_min_samples: 200,
            blur_max: 0.6,
            sharpness_face_px: 128,
            face_lightness_min: 25.0,
            face_lightness_max: 90.0,
            clipped_share_max: 0.05,
            lighting_ratio_max: 1.6,
            border_min_de: 10.0,
            border_max_fraction: 0.1,
        }
    }
}

/// What the pixel analysis found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PixelReport {
    pub findings: Vec<Finding>,
    /// Mean colour of the background samples (after removing outliers).
    pub background_rgb: Option<[u8; 3]>,
    /// Language-independent measurements (see docs/photo-pixels.md).
    pub measurements: Map<String, Value>,
}

/// Which cheek is the darker one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The cheek on the image's left.
    Left,
    /// The cheek on the image's right.
    Right,
}

/// Messages of the pixel analysis (wrapped in `PhotoMsg::Pixel`).
#[derive(Clone, Debug, PartialEq)]
pub enum PixelMsg {
    /// Hardly any pixel carries colour.
    Monochrome { colour_share: f32 },
    /// The face carries no colour though the rest may.
    MonochromeFace { face_colour: f32 },
    /// Background far from every allowed colour.
    BackgroundColor {
        rgb: [u8; 3],
        closest: String,
        delta_e: f32,
        tolerance: f32,
    },
    /// A smooth change of colour across the background.
    BackgroundGradient { span_de: f32, max_de: f32 },
    /// Parts of the background differ from it (objects, people, shadows).
    BackgroundObjects { share: f32, max_share: f32 },
    /// The background is textured or noisy.
    BackgroundNoise { rms_de: f32, max_de: f32 },
    /// The face is blurred.
    Blurred { blur: f32, max: f32 },
    /// The face is too dark.
    TooDark { lightness: f32, min: f32 },
    /// The face is too bright.
    TooBright { lightness: f32, max: f32 },
    /// Too many blown-out face pixels.
    ClippedHighlights { share: f32, max: f32 },
    /// Too many pure-black face pixels.
    ClippedShadows { share: f32, max: f32 },
    /// One side of the face is much darker.
    UnevenLighting { ratio: f32, max: f32, darker: Side },
    /// A frame of uniform colour along all four edges.
    Border {
        /// Widths in pixels: top, right, bottom, left.
        widths: [u32; 4],
        rgb: [u8; 3],
    },
}

fn pct(x: f32) -> String {
    format!("{:.1}%", x * 100.0)
}

impl PixelMsg {
    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        use PixelMsg::*;
        match self {
            Monochrome { colour_share } => match lang {
                Lang::Zh => format!(
                    "照片为黑白（单色）图像：仅 {} 的像素带有颜色，应为彩色照片",
                    pct(*colour_share)
                ),
                Lang::En => format!(
                    "black-and-white (monochrome) picture: only {} of the pixels carry colour; a colour photo is required",
                    pct(*colour_share)
                ),
            },
            MonochromeFace { face_colour } => match lang {
                Lang::Zh => format!(
                    "人脸部分没有颜色（肤色色差中位数 {face_colour:.1}），应为彩色头像"
                ),
                Lang::En => format!(
                    "the face carries no colour (median skin colour spread {face_colour:.1}); a colour portrait is required"
                ),
            },
            BackgroundColor {
                rgb,
                closest,
                delta_e,
                tolerance,
            } => match lang {
                Lang::Zh => format!(
                    "背景颜色 RGB({},{},{}) 不是允许的背景色：与最接近的「{}」色差 ΔE00={:.1}，允许不超过 {:.1}",
                    rgb[0], rgb[1], rgb[2], closest, delta_e, tolerance
                ),
                Lang::En => format!(
                    "background colour RGB({},{},{}) is not an allowed one: ΔE00 {:.1} from the closest ({}), at most {:.1} allowed",
                    rgb[0], rgb[1], rgb[2], delta_e, closest, tolerance
                ),
            },
            BackgroundGradient { span_de, max_de } => match lang {
                Lang::Zh => format!(
                    "背景不均匀（渐变、暗角或阴影）：背景各处色差达 ΔE00={span_de:.1}，允许不超过 {max_de:.1}"
                ),
                Lang::En => format!(
                    "background not uniform (gradient, vignetting or shadow): its colour varies by ΔE00 {span_de:.1} across the picture, at most {max_de:.1} allowed"
                ),
            },
            BackgroundObjects { share, max_share } => match lang {
                Lang::Zh => format!(
                    "背景中有其他物体、人或阴影：{} 的背景区域与背景色明显不同，允许不超过 {}",
                    pct(*share),
                    pct(*max_share)
                ),
                Lang::En => format!(
                    "objects, people or shadows in the background: {} of the background area clearly differs from it, at most {} allowed",
                    pct(*share),
                    pct(*max_share)
                ),
            },
            BackgroundNoise { rms_de, max_de } => match lang {
                Lang::Zh => format!(
                    "背景有纹理或噪点：均方根色差 ΔE={rms_de:.1}，允许不超过 {max_de:.1}"
                ),
                Lang::En => format!(
                    "background is textured or noisy: RMS ΔE {rms_de:.1}, at most {max_de:.1} allowed"
                ),
            },
            Blurred { blur, max } => match lang {
                Lang::Zh => format!(
                    "人脸对焦不准或模糊：模糊度 {blur:.2}（0 为清晰，1 为全模糊），允许不超过 {max:.2}"
                ),
                Lang::En => format!(
                    "face out of focus or blurred: blur {blur:.2} (0 sharp, 1 flat), at most {max:.2} allowed"
                ),
            },
            TooDark { lightness, min } => match lang {
                Lang::Zh => format!("脸部曝光不足：亮度 L*={lightness:.0}，应不低于 {min:.0}"),
                Lang::En => {
                    format!("face under-exposed: lightness L* {lightness:.0}, at least {min:.0} expected")
                }
            },
            TooBright { lightness, max } => match lang {
                Lang::Zh => format!("脸部曝光过度：亮度 L*={lightness:.0}，应不高于 {max:.0}"),
                Lang::En => {
                    format!("face over-exposed: lightness L* {lightness:.0}, at most {max:.0} expected")
                }
            },
            ClippedHighlights { share, max } => match lang {
                Lang::Zh => format!(
                    "脸部有过曝（纯白）区域：占 {}，允许不超过 {}",
                    pct(*share),
                    pct(*max)
                ),
                Lang::En => format!(
                    "blown-out highlights on the face: {} of it, at most {} allowed",
                    pct(*share),
                    pct(*max)
                ),
            },
            ClippedShadows { share, max } => match lang {
                Lang::Zh => format!(
                    "脸部有死黑区域：占 {}，允许不超过 {}",
                    pct(*share),
                    pct(*max)
                ),
                Lang::En => format!(
                    "crushed (pure black) shadows on the face: {} of it, at most {} allowed",
                    pct(*share),
                    pct(*max)
                ),
            },
            UnevenLighting { ratio, max, darker } => match lang {
                Lang::Zh => format!(
                    "脸部左右光照不均：{}侧脸颊较暗，亮度比 {ratio:.2}，允许不超过 {max:.2}",
                    match darker {
                        Side::Left => "图像左",
                        Side::Right => "图像右",
                    }
                ),
                Lang::En => format!(
                    "face lit unevenly: the cheek on the image's {} is darker, luminance ratio {ratio:.2}, at most {max:.2} allowed",
                    match darker {
                        Side::Left => "left",
                        Side::Right => "right",
                    }
                ),
            },
            Border { widths, rgb } => match lang {
                Lang::Zh => format!(
                    "照片四周有添加的边框：颜色 RGB({},{},{})，宽度 上{} 右{} 下{} 左{} 像素",
                    rgb[0], rgb[1], rgb[2], widths[0], widths[1], widths[2], widths[3]
                ),
                Lang::En => format!(
                    "an added frame along all four edges: colour RGB({},{},{}), width top {} right {} bottom {} left {} px",
                    rgb[0], rgb[1], rgb[2], widths[0], widths[1], widths[2], widths[3]
                ),
            },
        }
    }
}

impl From<PixelMsg> for Msg {
    fn from(m: PixelMsg) -> Self {
        Msg::Photo(crate::photo::PhotoMsg::Pixel(m))
    }
}

// ---------------------------------------------------------------------------
// Colour science

fn srgb_lut() -> &'static [f32; 256] {
    static LUT: OnceLock<[f32; 256]> = OnceLock::new();
    LUT.get_or_init(|| {
        let mut t = [0f32; 256];
        for (i, v) in t.iter_mut().enumerate() {
            let c = i as f64 / 255.0;
            *v = if c <= 0.04045 {
                (c / 12.92) as f32
            } else {
                ((c + 0.055) / 1.055).powf(2.4) as f32
            };
        }
        t
    })
}

/// Relative luminance Y (0..1) of an sRGB pixel.
fn luminance(p: [u8; 3]) -> f32 {
    let l = srgb_lut();
    0.2126729 * l[p[0] as usize] + 0.7151522 * l[p[1] as usize] + 0.0721750 * l[p[2] as usize]
}

#[inline]
fn lab_f(t: f32) -> f32 {
    if t > 0.008856 {
        t.cbrt()
    } else {
        7.787 * t + 16.0 / 116.0
    }
}

/// CIELAB (D65) of an sRGB pixel.
pub fn srgb_to_lab(p: [u8; 3]) -> [f32; 3] {
    let l = srgb_lut();
    let (r, g, b) = (l[p[0] as usize], l[p[1] as usize], l[p[2] as usize]);
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
    let (fx, fy, fz) = (lab_f(x), lab_f(y), lab_f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIE L* of a relative luminance Y (0..1).
fn lightness_of_y(y: f32) -> f32 {
    116.0 * lab_f(y) - 16.0
}

/// Relative luminance Y of a CIE L*.
fn y_of_lightness(l: f32) -> f32 {
    let f = (l + 16.0) / 116.0;
    if f > 0.206_893 {
        f * f * f
    } else {
        (f - 16.0 / 116.0) / 7.787
    }
}

/// CIE ΔE76 (Euclidean distance in CIELAB).
pub fn delta_e76(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL=kC=kH=1.
pub fn ciede2000(lab1: [f32; 3], lab2: [f32; 3]) -> f32 {
    let (l1, a1, b1) = (lab1[0] as f64, lab1[1] as f64, lab1[2] as f64);
    let (l2, a2, b2) = (lab2[0] as f64, lab2[1] as f64, lab2[2] as f64);
    let p7 = 25f64.powi(7);
    let c1 = a1.hypot(b1);
    let c2 = a2.hypot(b2);
    let cbar7 = ((c1 + c2) / 2.0).powi(7);
    let g = 0.5 * (1.0 - (cbar7 / (cbar7 + p7)).sqrt());
    let a1p = (1.0 + g) * a1;
    let a2p = (1.0 + g) * a2;
    let c1p = a1p.hypot(b1);
    let c2p = a2p.hypot(b2);
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            let h = b.atan2(a).to_degrees();
            if h < 0.0 {
                h + 360.0
            } else {
                h
            }
        }
    };
    let h1p = hue(b1, a1p);
    let h2p = hue(b2, a2p);
    let dlp = l2 - l1;
    let dcp = c2p - c1p;
    let zero_c = c1p * c2p == 0.0;
    let dhp = if zero_c {
        0.0
    } else {
        let d = h2p - h1p;
        if d > 180.0 {
            d - 360.0
        } else if d < -180.0 {
            d + 360.0
        } else {
            d
        }
    };
    let dhp_big = 2.0 * (c1p * c2p).sqrt() * (dhp.to_radians() / 2.0).sin();
    let lbp = (l1 + l2) / 2.0;
    let cbp = (c1p + c2p) / 2.0;
    let hbp = if zero_c {
        h1p + h2p
    } else if (h1p - h2p).abs() > 180.0 {
        if h1p + h2p < 360.0 {
            (h1p + h2p + 360.0) / 2.0
        } else {
            (h1p + h2p - 360.0) / 2.0
        }
    } else {
        (h1p + h2p) / 2.0
    };
    let t = 1.0 - 0.17 * (hbp - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hbp).to_radians().cos()
        + 0.32 * (3.0 * hbp + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hbp - 63.0).to_radians().cos();
    let dtheta = 30.0 * (-((hbp - 275.0) / 25.0).powi(2)).exp();
    let cbp7 = cbp.powi(7);
    let rc = 2.0 * (cbp7 / (cbp7 + p7)).sqrt();
    let sl = 1.0 + 0.015 * (lbp - 50.0).powi(2) / (20.0 + (lbp - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cbp;
    let sh = 1.0 + 0.015 * cbp * t;
    let rt = -(2.0 * dtheta).to_radians().sin() * rc;
    let (ql, qc, qh) = (dlp / sl, dcp / sc, dhp_big / sh);
    (ql * ql + qc * qc + qh * qh + rt * qc * qh).sqrt() as f32
}

// ---------------------------------------------------------------------------
// Regions

/// A pixel rectangle, `x0..x1` x `y0..y1` (ends exclusive).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

impl Rect {
    /// Builds a rectangle from float bounds, clamped to a `w` x `h` image.
    fn clamped(x0: f32, y0: f32, x1: f32, y1: f32, w: u32, h: u32) -> Option<Rect> {
        let c = |v: f32, m: u32| v.round().clamp(0.0, m as f32) as u32;
        let r = Rect {
            x0: c(x0, w),
            y0: c(y0, h),
            x1: c(x1, w),
            y1: c(y1, h),
        };
        (r.x1 > r.x0 && r.y1 > r.y0).then_some(r)
    }
    fn area(&self) -> u64 {
        (self.x1 - self.x0) as u64 * (self.y1 - self.y0) as u64
    }
    fn to_json(self) -> Value {
        json!([self.x0, self.y0, self.x1, self.y1])
    }
}

/// Where the face is, in the numbers the measures need.
#[derive(Clone, Copy, Debug)]
struct FaceFrame {
    cx: f32,
    eye_y: f32,
    /// Cheek-to-cheek width (or the detector box width).
    fw: f32,
    /// Top of the head (hair), estimated from the box when not measured.
    top: f32,
}

impl FaceFrame {
    fn of(f: &FaceGeometry) -> FaceFrame {
        let fw = f
            .face_width
            .filter(|w| *w > 4.0)
            .unwrap_or(f.face_box.width)
            .max(4.0);
        let eye_y = (f.eye_left.y + f.eye_right.y) / 2.0;
        let top = match f.head_top {
            _ if f.head_cut => 0.0,
            // An estimated head top (hair not seen against the background)
            // may be too low: keep the top band clear of any usual hair.
            Some(t) if f.head_top_estimated => t.min(eye_y - 1.3 * fw).max(0.0),
            Some(t) => t,
            None => (eye_y - 1.1 * fw).max(0.0),
        };
        FaceFrame {
            cx: f.face_center_x,
            eye_y,
            fw,
            top,
        }
    }
}

// ---------------------------------------------------------------------------
// Entry points

/// Runs the pixel analysis with the thresholds of a photo profile.
pub fn analyze(img: &RgbImage, face: Option<&FaceGeometry>, profile: &PhotoProfile) -> PixelReport {
    analyze_with(
        img,
        face,
        &profile.backgrounds,
        profile.background_tolerance_de,
        &profile.pixels,
    )
}

/// Runs the pixel analysis: `backgrounds` are the allowed colours (an empty
/// list skips the colour check), `tolerance_de` the largest CIEDE2000
/// distance to one of them.
pub fn analyze_with(
    img: &RgbImage,
    face: Option<&FaceGeometry>,
    backgrounds: &[Background],
    tolerance_de: f32,
    rules: &PixelRules,
) -> PixelReport {
    let mut rep = PixelReport::default();
    let (w, h) = img.dimensions();
    if w < 8 || h < 8 {
        rep.measurements
            .insert("pixels_skipped".into(), json!("image too small"));
        return rep;
    }
    let frame = face.map(FaceFrame::of);

    monochrome(img, frame, rules, &mut rep);
    let border = border(img, rules, &mut rep);
    background(
        img,
        frame,
        border,
        backgrounds,
        tolerance_de,
        rules,
        &mut rep,
    );
    sharpness(img, frame, rules, &mut rep);
    if let Some(fr) = frame {
        exposure(img, fr, rules, &mut rep);
        lighting(img, fr, rules, &mut rep);
    }
    rep
}

fn round2(x: f32) -> Value {
    json!(crate::text::round_to(x as f64, 2))
}

fn round4(x: f32) -> Value {
    json!(crate::text::round_to(x as f64, 4))
}

// ---------------------------------------------------------------------------
// Monochrome

/// Skin zone of the face: between the cheeks, from just under the eyes to
/// the mouth.
fn skin_rect(fr: FaceFrame, w: u32, h: u32) -> Option<Rect> {
    Rect::clamped(
        fr.cx - 0.35 * fr.fw,
        fr.eye_y + 0.05 * fr.fw,
        fr.cx + 0.35 * fr.fw,
        fr.eye_y + 0.5 * fr.fw,
        w,
        h,
    )
}

fn spread(p: &image::Rgb<u8>) -> u8 {
    let [r, g, b] = p.0;
    r.max(g).max(b) - r.min(g).min(b)
}

fn monochrome(img: &RgbImage, fr: Option<FaceFrame>, rules: &PixelRules, rep: &mut PixelReport) {
    let (w, h) = img.dimensions();
    let step = if (w as u64 * h as u64) > 200_000 {
        2
    } else {
        1
    };
    let (mut n, mut coloured) = (0u64, 0u64);
    for y in (0..h).step_by(step) {
        for x in (0..w).step_by(step) {
            n += 1;
            if spread(img.get_pixel(x, y)) >= rules.colour_pixel_min {
                coloured += 1;
            }
        }
    }
    let share = coloured as f32 / n.max(1) as f32;
    rep.measurements
        .insert("colour_share".into(), round4(share));
    if share < rules.colour_share_min {
        rep.findings.push(
            Finding::error(
                code::MONOCHROME,
                PixelMsg::Monochrome {
                    colour_share: share,
                },
            )
            .measured(json!({ "colour_share": round4(share) }))
            .expected(json!({ "colour_share_min": round4(rules.colour_share_min) })),
        );
        return;
    }
    let Some(fr) = fr else { return };
    let Some(r) = skin_rect(fr, w, h) else { return };
    let mut hist = [0u32; 256];
    let mut cnt = 0u32;
    for y in (r.y0..r.y1).step_by(2) {
        for x in (r.x0..r.x1).step_by(2) {
            hist[spread(img.get_pixel(x, y)) as usize] += 1;
            cnt += 1;
        }
    }
    if cnt < 16 {
        return;
    }
    let med = hist_quantile(&hist, cnt, 0.5) as f32;
    rep.measurements.insert("face_colour".into(), json!(med));
    if med < rules.face_colour_min {
        rep.findings.push(
            Finding::error(
                code::MONOCHROME,
                PixelMsg::MonochromeFace { face_colour: med },
            )
            .measured(json!({ "face_colour": med }))
            .expected(json!({ "face_colour_min": rules.face_colour_min })),
        );
    }
}

fn hist_quantile(hist: &[u32], total: u32, q: f32) -> usize {
    let target = ((total as f32) * q).ceil().max(1.0) as u32;
    let mut acc = 0u32;
    for (i, c) in hist.iter().enumerate() {
        acc += c;
        if acc >= target {
            return i;
        }
    }
    hist.len() - 1
}

// ---------------------------------------------------------------------------
// Border

struct LineStats {
    mean: [f32; 3],
    uniform: bool,
}

fn line_pixels(img: &RgbImage, side: usize, d: u32) -> Vec<[u8; 3]> {
    let (w, h) = img.dimensions();
    match side {
        0 => (0..w).map(|x| img.get_pixel(x, d).0).collect(),
        1 => (0..h).map(|y| img.get_pixel(w - 1 - d, y).0).collect(),
        2 => (0..w).map(|x| img.get_pixel(x, h - 1 - d).0).collect(),
        _ => (0..h).map(|y| img.get_pixel(d, y).0).collect(),
    }
}

fn line_stats(px: &[[u8; 3]]) -> LineStats {
    let mut s = [0f32; 3];
    for p in px {
        for c in 0..3 {
            s[c] += p[c] as f32;
        }
    }
    let n = px.len().max(1) as f32;
    let mean = [s[0] / n, s[1] / n, s[2] / n];
    // JPEG ringing beside a sharp frame edge stays well under 24 levels.
    let off = px
        .iter()
        .filter(|p| (0..3).any(|c| (p[c] as f32 - mean[c]).abs() > 24.0))
        .count();
    LineStats {
        mean,
        uniform: (off as f32) <= 0.02 * n,
    }
}

fn rgb_u8(m: [f32; 3]) -> [u8; 3] {
    [
        m[0].round().clamp(0.0, 255.0) as u8,
        m[1].round().clamp(0.0, 255.0) as u8,
        m[2].round().clamp(0.0, 255.0) as u8,
    ]
}

/// Width of a frame along one side (0 top, 1 right, 2 bottom, 3 left), or 0.
fn border_side(img: &RgbImage, side: usize, max_depth: u32, min_de: f32) -> (u32, [f32; 3]) {
    let first = line_stats(&line_pixels(img, side, 0));
    if !first.uniform {
        return (0, first.mean);
    }
    let lab0 = srgb_to_lab(rgb_u8(first.mean));
    let mut d = 1;
    while d < max_depth {
        let px = line_pixels(img, side, d);
        let s = line_stats(&px);
        if s.uniform && delta_e76(srgb_to_lab(rgb_u8(s.mean)), lab0) < min_de / 2.0 {
            d += 1;
            continue;
        }
        // The first line that is not the frame: most of it must differ
        // clearly from the frame colour.
        let differ = px
            .iter()
            .filter(|p| delta_e76(srgb_to_lab(**p), lab0) >= min_de)
            .count();
        if differ * 2 >= px.len() {
            return (d, first.mean);
        }
        return (0, first.mean);
    }
    (0, first.mean)
}

/// Detects a frame along all four edges; returns the deepest side width.
fn border(img: &RgbImage, rules: &PixelRules, rep: &mut PixelReport) -> u32 {
    let (w, h) = img.dimensions();
    let max_depth = ((w.min(h) as f32 * rules.border_max_fraction) as u32).max(2);
    let mut widths = [0u32; 4];
    let mut colours = [[0f32; 3]; 4];
    for side in 0..4 {
        let (d, c) = border_side(img, side, max_depth, rules.border_min_de);
        widths[side] = d;
        colours[side] = c;
        if d == 0 {
            break;
        }
    }
    let all = widths.iter().all(|d| *d > 0);
    // The four sides must be one frame: the same colour all round.
    let same = all && {
        let l0 = srgb_to_lab(rgb_u8(colours[0]));
        colours[1..]
            .iter()
            .all(|c| delta_e76(srgb_to_lab(rgb_u8(*c)), l0) < rules.border_min_de)
    };
    rep.measurements.insert(
        "border_px".into(),
        json!(if same { widths } else { [0; 4] }),
    );
    if !same {
        return 0;
    }
    let rgb = rgb_u8(colours[0]);
    rep.findings.push(
        Finding::warning(code::BORDER, PixelMsg::Border { widths, rgb })
            .measured(json!({ "widths_px": widths, "rgb": rgb }))
            .expected(json!({ "widths_px": [0, 0, 0, 0] })),
    );
    *widths.iter().max().unwrap_or(&0)
}

// ---------------------------------------------------------------------------
// Background

/// The background regions: beside and above the head (with a face), or the
/// top strip and top corners (without).
fn background_rects(
    w: u32,
    h: u32,
    fr: Option<FaceFrame>,
    inset: u32,
) -> (Vec<Rect>, &'static str) {
    let (wf, hf, i) = (w as f32, h as f32, inset as f32);
    let mut v = Vec::new();
    match fr {
        Some(fr) => {
            // Hair and ears reach about 0.3 face widths beyond the cheeks;
            // keep a further margin for volume.
            let half = 0.85 * fr.fw;
            let gap = (0.08 * fr.fw).max(6.0);
            let top_end = fr.top - gap;
            v.extend(Rect::clamped(i, i, wf - i, top_end, w, h));
            // Beside the head down to mouth level: still above the
            // shoulders in a head-and-shoulders portrait.
            let y0 = top_end.max(i);
            let y1 = (fr.eye_y + 0.5 * fr.fw).min(0.8 * hf);
            v.extend(Rect::clamped(i, y0, fr.cx - half, y1, w, h));
            v.extend(Rect::clamped(fr.cx + half, y0, wf - i, y1, w, h));
            (v, "around_face")
        }
        None => {
            let top_end = 0.06 * hf;
            v.extend(Rect::clamped(i, i, wf - i, top_end, w, h));
            v.extend(Rect::clamped(i, top_end, 0.12 * wf, 0.3 * hf, w, h));
            v.extend(Rect::clamped(0.88 * wf, top_end, wf - i, 0.3 * hf, w, h));
            (v, "corners_no_face")
        }
    }
}

struct Sample {
    basis: [f64; 6],
    lab: [f32; 3],
    rgb: [u8; 3],
}

fn basis(x: f32, y: f32, w: u32, h: u32) -> [f64; 6] {
    let u = (2.0 * x as f64 / w as f64) - 1.0;
    let v = (2.0 * y as f64 / h as f64) - 1.0;
    [1.0, u, v, u * u, u * v, v * v]
}

/// Least-squares quadratic surface for L*, a*, b* over the samples with
/// `keep[i]`. A small ridge keeps directions the samples do not span (a
/// thin strip) at zero instead of wild.
#[allow(clippy::needless_range_loop)]
fn fit(samples: &[Sample], keep: &[bool]) -> Option<[[f64; 6]; 3]> {
    let mut ata = [[0f64; 6]; 6];
    let mut aty = [[0f64; 6]; 3];
    let mut n = 0usize;
    for (s, k) in samples.iter().zip(keep) {
        if !*k {
            continue;
        }
        n += 1;
        let b = &s.basis;
        for i in 0..6 {
            for j in i..6 {
                ata[i][j] += b[i] * b[j];
            }
            for c in 0..3 {
                aty[c][i] += b[i] * s.lab[c] as f64;
            }
        }
    }
    if n < 6 {
        return None;
    }
    for i in 0..6 {
        for j in 0..i {
            ata[i][j] = ata[j][i];
        }
        if i > 0 {
            ata[i][i] += 1e-4 * n as f64;
        }
    }
    // Gaussian elimination with partial pivoting, three right-hand sides.
    let mut m = ata;
    let mut r = aty;
    for col in 0..6 {
        let piv = (col..6).max_by(|a, b| m[*a][col].abs().total_cmp(&m[*b][col].abs()))?;
        if m[piv][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, piv);
        for rc in r.iter_mut() {
            rc.swap(col, piv);
        }
        for row in col + 1..6 {
            let f = m[row][col] / m[col][col];
            for k in col..6 {
                m[row][k] -= f * m[col][k];
            }
            for rc in r.iter_mut() {
                rc[row] -= f * rc[col];
            }
        }
    }
    let mut coef = [[0f64; 6]; 3];
    for c in 0..3 {
        for row in (0..6).rev() {
            let mut s = r[c][row];
            for k in row + 1..6 {
                s -= m[row][k] * coef[c][k];
            }
            coef[c][row] = s / m[row][row];
        }
    }
    Some(coef)
}

fn eval(coef: &[[f64; 6]; 3], b: &[f64; 6]) -> [f32; 3] {
    let mut out = [0f32; 3];
    for c in 0..3 {
        out[c] = (0..6).map(|i| coef[c][i] * b[i]).sum::<f64>() as f32;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn background(
    img: &RgbImage,
    fr: Option<FaceFrame>,
    border_px: u32,
    backgrounds: &[Background],
    tolerance_de: f32,
    rules: &PixelRules,
    rep: &mut PixelReport,
) {
    let (w, h) = img.dimensions();
    // Keep clear of the outermost pixels (and of a frame, reported apart).
    let inset = 2 + border_px + if border_px > 0 { 2 } else { 0 };
    let (rects, how) = background_rects(w, h, fr, inset);
    let m = &mut rep.measurements;
    m.insert("background_region".into(), json!(how));
    m.insert(
        "background_rects".into(),
        Value::Array(rects.iter().map(|r| r.to_json()).collect()),
    );
    let samples = background_samples(img, &rects);
    m.insert("background_samples".into(), json!(samples.len()));
    if samples.len() < rules.background_min_samples.max(6) {
        m.insert(
            "background_skipped".into(),
            json!("too little background visible to measure"),
        );
        return;
    }
    let Some(surface) = fit_surface(&samples, rules.background_outlier_de) else {
        return;
    };
    let bg_rgb = surface.rgb;
    let bg_lab = surface.lab;
    rep.background_rgb = Some(bg_rgb);
    let span = surface_span(&surface.coef, &rects, w, h, bg_lab);
    let (rms, outlier_share) = (surface.rms, surface.outlier_share);

    let m = &mut rep.measurements;
    m.insert("background_rgb".into(), json!(bg_rgb));
    m.insert(
        "background_lab".into(),
        json!([round2(bg_lab[0]), round2(bg_lab[1]), round2(bg_lab[2])]),
    );
    m.insert("background_gradient_de".into(), round2(span));
    m.insert("background_residual_de".into(), round2(rms));
    m.insert("background_outlier_share".into(), round4(outlier_share));
    background_colour(bg_rgb, bg_lab, backgrounds, tolerance_de, rep);
    background_uniformity(span, rms, outlier_share, rules, rep);
}

/// About 6,000 pixels of the background regions, evenly spaced, with
/// their position's basis for the surface fit.
fn background_samples(img: &RgbImage, rects: &[Rect]) -> Vec<Sample> {
    let (w, h) = img.dimensions();
    let area: u64 = rects.iter().map(Rect::area).sum();
    let step = ((area as f64 / 6000.0).sqrt().floor() as u32).max(1);
    let mut samples = Vec::with_capacity((area / (step as u64 * step as u64)) as usize + 16);
    for r in rects {
        for y in (r.y0..r.y1).step_by(step as usize) {
            for x in (r.x0..r.x1).step_by(step as usize) {
                let rgb = img.get_pixel(x, y).0;
                samples.push(Sample {
                    basis: basis(x as f32, y as f32, w, h),
                    lab: srgb_to_lab(rgb),
                    rgb,
                });
            }
        }
    }
    samples
}

/// A smooth colour surface fitted to the background samples.
struct Surface {
    coef: [[f64; 6]; 3],
    /// Mean colour of the samples on the surface (all samples when none is).
    rgb: [u8; 3],
    lab: [f32; 3],
    /// RMS distance of the inliers from the surface (ΔE76).
    rms: f32,
    /// Share of the samples farther than `outlier_de` from the surface.
    outlier_share: f32,
}

/// Fits the surface, drops samples farther than `outlier_de` from it,
/// refits on the rest (twice), and measures the final fit.
fn fit_surface(samples: &[Sample], outlier_de: f32) -> Option<Surface> {
    let mut keep = vec![true; samples.len()];
    let mut coef = fit(samples, &keep)?;
    let mut residuals = vec![0f32; samples.len()];
    for _ in 0..2 {
        for (i, s) in samples.iter().enumerate() {
            residuals[i] = delta_e76(s.lab, eval(&coef, &s.basis));
            keep[i] = residuals[i] <= outlier_de;
        }
        match fit(samples, &keep) {
            Some(c) => coef = c,
            None => break,
        }
    }
    let (mut n_in, mut ss, mut sum_rgb, mut sum_lab) = (0usize, 0f64, [0f64; 3], [0f64; 3]);
    for (i, s) in samples.iter().enumerate() {
        residuals[i] = delta_e76(s.lab, eval(&coef, &s.basis));
        if residuals[i] <= outlier_de {
            n_in += 1;
            ss += (residuals[i] as f64).powi(2);
            for c in 0..3 {
                sum_rgb[c] += s.rgb[c] as f64;
                sum_lab[c] += s.lab[c] as f64;
            }
        }
    }
    let outlier_share = 1.0 - n_in as f32 / samples.len() as f32;
    let rms = if n_in > 0 {
        (ss / n_in as f64).sqrt() as f32
    } else {
        f32::INFINITY
    };
    // Colour of the background: mean of the inliers (or of everything when
    // nothing fits).
    let (mean_rgb, mean_lab) = if n_in > 0 {
        let k = n_in as f64;
        (
            [sum_rgb[0] / k, sum_rgb[1] / k, sum_rgb[2] / k],
            [sum_lab[0] / k, sum_lab[1] / k, sum_lab[2] / k],
        )
    } else {
        let k = samples.len() as f64;
        let mut r = [0f64; 3];
        let mut l = [0f64; 3];
        for s in samples {
            for c in 0..3 {
                r[c] += s.rgb[c] as f64;
                l[c] += s.lab[c] as f64;
            }
        }
        (
            [r[0] / k, r[1] / k, r[2] / k],
            [l[0] / k, l[1] / k, l[2] / k],
        )
    };
    Some(Surface {
        coef,
        rgb: rgb_u8([mean_rgb[0] as f32, mean_rgb[1] as f32, mean_rgb[2] as f32]),
        lab: [mean_lab[0] as f32, mean_lab[1] as f32, mean_lab[2] as f32],
        rms,
        outlier_share,
    })
}

/// Span of the smooth surface over the sampled area (CIEDE2000): it is
/// evaluated on a 5x5 grid of each region and the farthest pair is taken
/// (two sweeps from the mean colour `from`).
fn surface_span(coef: &[[f64; 6]; 3], rects: &[Rect], w: u32, h: u32, from: [f32; 3]) -> f32 {
    let mut pts: Vec<[f32; 3]> = Vec::new();
    for r in rects {
        for gy in 0..5 {
            for gx in 0..5 {
                let x = r.x0 as f32 + (r.x1 - 1 - r.x0) as f32 * gx as f32 / 4.0;
                let y = r.y0 as f32 + (r.y1 - 1 - r.y0) as f32 * gy as f32 / 4.0;
                pts.push(eval(coef, &basis(x, y, w, h)));
            }
        }
    }
    let far = |from: [f32; 3]| {
        pts.iter()
            .copied()
            .max_by(|a, b| delta_e76(*a, from).total_cmp(&delta_e76(*b, from)))
            .unwrap_or(from)
    };
    let p1 = far(from);
    let p2 = far(p1);
    ciede2000(p1, p2)
}

/// `photo.background_color`: the background's colour against the closest
/// allowed one.
fn background_colour(
    bg_rgb: [u8; 3],
    bg_lab: [f32; 3],
    backgrounds: &[Background],
    tolerance_de: f32,
    rep: &mut PixelReport,
) {
    let closest = backgrounds
        .iter()
        .map(|b| (b, ciede2000(bg_lab, srgb_to_lab(b.rgb))))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let Some((b, de)) = closest else { return };
    let m = &mut rep.measurements;
    m.insert("background_match".into(), json!(b.name));
    m.insert("background_de".into(), round2(de));
    if de > tolerance_de {
        rep.findings.push(
            Finding::error(
                code::BACKGROUND_COLOR,
                PixelMsg::BackgroundColor {
                    rgb: bg_rgb,
                    closest: b.name.clone(),
                    delta_e: de,
                    tolerance: tolerance_de,
                },
            )
            .measured(json!({ "rgb": bg_rgb, "closest": b.name, "delta_e": round2(de) }))
            .expected(json!({
                "colours": backgrounds.iter().map(|b| json!({"name": b.name, "rgb": b.rgb})).collect::<Vec<_>>(),
                "delta_e_max": round2(tolerance_de),
            })),
        );
    }
}

/// `photo.background_uniform`: one finding per aspect that fails (objects,
/// a gradient, noise).
fn background_uniformity(
    span: f32,
    rms: f32,
    outlier_share: f32,
    rules: &PixelRules,
    rep: &mut PixelReport,
) {
    let measured = json!({
        "gradient_de": round2(span),
        "residual_de": round2(rms),
        "outlier_share": round4(outlier_share),
    });
    let expected = json!({
        "gradient_de_max": round2(rules.background_gradient_max_de),
        "residual_de_max": round2(rules.background_residual_max_de),
        "outlier_share_max": round4(rules.background_outlier_share_max),
    });
    let mut push = |msg: PixelMsg| {
        rep.findings.push(
            Finding::error(code::BACKGROUND_UNIFORM, msg)
                .measured(measured.clone())
                .expected(expected.clone()),
        )
    };
    if outlier_share > rules.background_outlier_share_max {
        push(PixelMsg::BackgroundObjects {
            share: outlier_share,
            max_share: rules.background_outlier_share_max,
        });
    }
    if span > rules.background_gradient_max_de {
        push(PixelMsg::BackgroundGradient {
            span_de: span,
            max_de: rules.background_gradient_max_de,
        });
    }
    if rms > rules.background_residual_max_de {
        push(PixelMsg::BackgroundNoise {
            rms_de: rms,
            max_de: rules.background_residual_max_de,
        });
    }
}

// ---------------------------------------------------------------------------
// Sharpness

/// Re-blur blur measure (Crété-Roffet et al. 2007) of a grey image: how
/// much of its neighbour differences survive a 9-tap box blur. 0 = sharp,
/// 1 = nothing left to blur. Independent of contrast.
fn reblur(g: &[f32], w: usize, h: usize) -> f32 {
    if w < 12 || h < 12 {
        return 0.0;
    }
    let k = 9usize;
    let half = k / 2;
    // Horizontal and vertical box blurs (clamped edges).
    let mut bh = vec![0f32; w * h];
    let mut bv = vec![0f32; w * h];
    for y in 0..h {
        let row = &g[y * w..(y + 1) * w];
        for x in 0..w {
            let mut s = 0.0;
            for t in 0..k {
                let xx = (x + t).saturating_sub(half).min(w - 1);
                s += row[xx];
            }
            bh[y * w + x] = s / k as f32;
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0;
            for t in 0..k {
                let yy = (y + t).saturating_sub(half).min(h - 1);
                s += g[yy * w + x];
            }
            bv[y * w + x] = s / k as f32;
        }
    }
    let (mut sfh, mut svh, mut sfv, mut svv) = (0f64, 0f64, 0f64, 0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            let dfh = (g[i] - g[i - 1]).abs();
            let dbh = (bh[i] - bh[i - 1]).abs();
            let dfv = (g[i] - g[i - w]).abs();
            let dbv = (bv[i] - bv[i - w]).abs();
            sfh += dfh as f64;
            svh += (dfh - dbh).max(0.0) as f64;
            sfv += dfv as f64;
            svv += (dfv - dbv).max(0.0) as f64;
        }
    }
    let bh = if sfh > 0.0 { (sfh - svh) / sfh } else { 1.0 };
    let bv = if sfv > 0.0 { (sfv - svv) / sfv } else { 1.0 };
    bh.max(bv) as f32
}

/// Grey (luma) crop of `r`, box-downscaled so it is at most `target` wide.
fn grey_crop(img: &RgbImage, r: Rect, target: u32) -> (Vec<f32>, usize, usize) {
    let (cw, ch) = (r.x1 - r.x0, r.y1 - r.y0);
    let f = (cw as f32 / target.max(8) as f32).max(1.0);
    let ow = ((cw as f32 / f).round() as usize).max(1);
    let oh = ((ch as f32 / f).round() as usize).max(1);
    let mut out = vec![0f32; ow * oh];
    let mut cnt = vec![0u32; ow * oh];
    for y in r.y0..r.y1 {
        let oy = (((y - r.y0) as f32 / f) as usize).min(oh - 1);
        for x in r.x0..r.x1 {
            let ox = (((x - r.x0) as f32 / f) as usize).min(ow - 1);
            let [rr, gg, bb] = img.get_pixel(x, y).0;
            out[oy * ow + ox] += 0.299 * rr as f32 + 0.587 * gg as f32 + 0.114 * bb as f32;
            cnt[oy * ow + ox] += 1;
        }
    }
    for (o, c) in out.iter_mut().zip(&cnt) {
        if *c > 0 {
            *o /= *c as f32;
        }
    }
    (out, ow, oh)
}

fn sharpness(img: &RgbImage, fr: Option<FaceFrame>, rules: &PixelRules, rep: &mut PixelReport) {
    let (w, h) = img.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    // The face from the brows to the chin, cheek to cheek; without a face
    // the middle of the picture, where a portrait's subject is.
    let (rect, scale_to) = match fr {
        Some(fr) => (
            Rect::clamped(
                fr.cx - 0.5 * fr.fw,
                fr.eye_y - 0.3 * fr.fw,
                fr.cx + 0.5 * fr.fw,
                fr.eye_y + 0.7 * fr.fw,
                w,
                h,
            ),
            rules.sharpness_face_px,
        ),
        None => (
            Rect::clamped(0.3 * wf, 0.25 * hf, 0.7 * wf, 0.6 * hf, w, h),
            rules.sharpness_face_px,
        ),
    };
    let Some(rect) = rect else { return };
    let (g, gw, gh) = grey_crop(img, rect, scale_to);
    if gw < 12 || gh < 12 {
        return;
    }
    let blur = reblur(&g, gw, gh);
    let m = &mut rep.measurements;
    m.insert("blur".into(), round4(blur));
    m.insert(
        "sharpness_region".into(),
        json!(if fr.is_some() {
            "face"
        } else {
            "centre_no_face"
        }),
    );
    if blur > rules.blur_max {
        rep.findings.push(
            Finding::warning(
                code::SHARPNESS,
                PixelMsg::Blurred {
                    blur,
                    max: rules.blur_max,
                },
            )
            .measured(json!({ "blur": round4(blur) }))
            .expected(json!({ "blur_max": round4(rules.blur_max) })),
        );
    }
}

// ---------------------------------------------------------------------------
// Exposure and lighting

/// Median L* (0.5 steps) of the pixels of `r`, sampled every `step`.
fn lightness_hist(img: &RgbImage, r: Rect, step: usize) -> ([u32; 201], u32) {
    let mut hist = [0u32; 201];
    let mut n = 0;
    for y in (r.y0..r.y1).step_by(step) {
        for x in (r.x0..r.x1).step_by(step) {
            let l = lightness_of_y(luminance(img.get_pixel(x, y).0));
            hist[((l * 2.0).round().clamp(0.0, 200.0)) as usize] += 1;
            n += 1;
        }
    }
    (hist, n)
}

fn exposure(img: &RgbImage, fr: FaceFrame, rules: &PixelRules, rep: &mut PixelReport) {
    let (w, h) = img.dimensions();
    let Some(r) = skin_rect(fr, w, h) else { return };
    let step = if r.x1 - r.x0 > 120 { 2 } else { 1 };
    let (hist, n) = lightness_hist(img, r, step);
    if n < 16 {
        return;
    }
    let med = hist_quantile(&hist, n, 0.5) as f32 / 2.0;
    let (mut hi, mut lo) = (0u32, 0u32);
    for y in (r.y0..r.y1).step_by(step) {
        for x in (r.x0..r.x1).step_by(step) {
            let p = img.get_pixel(x, y).0;
            // Blown: every channel near white (one saturated channel
            // in warm skin is colour, not over-exposure). Crushed: every
            // channel near black.
            if p[0].min(p[1]).min(p[2]) >= 245 {
                hi += 1;
            } else if p[0].max(p[1]).max(p[2]) <= 10 {
                lo += 1;
            }
        }
    }
    let (hi, lo) = (hi as f32 / n as f32, lo as f32 / n as f32);
    let m = &mut rep.measurements;
    m.insert("face_lightness".into(), round2(med));
    m.insert("face_clipped_high".into(), round4(hi));
    m.insert("face_clipped_low".into(), round4(lo));
    let measured =
        json!({ "lightness": round2(med), "clipped_high": round4(hi), "clipped_low": round4(lo) });
    let expected = json!({
        "lightness": [round2(rules.face_lightness_min), round2(rules.face_lightness_max)],
        "clipped_max": round4(rules.clipped_share_max),
    });
    let mut push = |msg: PixelMsg| {
        rep.findings.push(
            Finding::warning(code::EXPOSURE, msg)
                .measured(measured.clone())
                .expected(expected.clone()),
        )
    };
    if med < rules.face_lightness_min {
        push(PixelMsg::TooDark {
            lightness: med,
            min: rules.face_lightness_min,
        });
    } else if med > rules.face_lightness_max {
        push(PixelMsg::TooBright {
            lightness: med,
            max: rules.face_lightness_max,
        });
    }
    if hi > rules.clipped_share_max {
        push(PixelMsg::ClippedHighlights {
            share: hi,
            max: rules.clipped_share_max,
        });
    }
    if lo > rules.clipped_share_max {
        push(PixelMsg::ClippedShadows {
            share: lo,
            max: rules.clipped_share_max,
        });
    }
}

fn lighting(img: &RgbImage, fr: FaceFrame, rules: &PixelRules, rep: &mut PixelReport) {
    let (w, h) = img.dimensions();
    // The cheeks: from the eye line down to above the mouth, leaving out
    // the nose in the middle.
    let y0 = fr.eye_y + 0.1 * fr.fw;
    let y1 = fr.eye_y + 0.4 * fr.fw;
    let left = Rect::clamped(fr.cx - 0.4 * fr.fw, y0, fr.cx - 0.1 * fr.fw, y1, w, h);
    let right = Rect::clamped(fr.cx + 0.1 * fr.fw, y0, fr.cx + 0.4 * fr.fw, y1, w, h);
    let (Some(left), Some(right)) = (left, right) else {
        return;
    };
    let step = if left.x1 - left.x0 > 60 { 2 } else { 1 };
    let med = |r: Rect| {
        let (hist, n) = lightness_hist(img, r, step);
        (n >= 16).then(|| hist_quantile(&hist, n, 0.5) as f32 / 2.0)
    };
    let (Some(ll), Some(lr)) = (med(left), med(right)) else {
        return;
    };
    let (yl, yr) = (y_of_lightness(ll).max(1e-4), y_of_lightness(lr).max(1e-4));
    let ratio = yl.max(yr) / yl.min(yr);
    let darker = if yl < yr { Side::Left } else { Side::Right };
    let m = &mut rep.measurements;
    m.insert("lighting_ratio".into(), round2(ratio));
    m.insert("cheek_lightness".into(), json!([round2(ll), round2(lr)]));
    if ratio > rules.lighting_ratio_max {
        rep.findings.push(
            Finding::warning(
                code::LIGHTING,
                PixelMsg::UnevenLighting {
                    ratio,
                    max: rules.lighting_ratio_max,
                    darker,
                },
            )
            .measured(json!({
                "ratio": round2(ratio),
                "cheek_lightness_left_right": [round2(ll), round2(lr)],
            }))
            .expected(json!({ "ratio_max": round2(rules.lighting_ratio_max) })),
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::face::{FaceBox, Point};
    use crate::finding::Severity;
    use image::Rgb;

    /// The allowed colours of the national standard.
    pub(crate) fn national() -> Vec<Background> {
        vec![
            Background {
                name: "light_blue".into(),
                rgb: [100, 197, 255],
            },
            Background {
                name: "white".into(),
                rgb: [255, 255, 255],
            },
            Background {
                name: "light_gray".into(),
                rgb: [240, 240, 240],
            },
        ]
    }

    /// A face geometry from the few numbers the tests know.
    pub(crate) fn face(cx: f32, eye_y: f32, fw: f32, head_top: f32) -> FaceGeometry {
        let el = Point {
            x: cx - 0.22 * fw,
            y: eye_y,
        };
        let er = Point {
            x: cx + 0.22 * fw,
            y: eye_y,
        };
        FaceGeometry {
            face_box: FaceBox {
                x: cx - fw / 2.0,
                y: eye_y - 0.4 * fw,
                width: fw,
                height: 1.2 * fw,
                score: 5.0,
            },
            landmarks: [
                el,
                el,
                er,
                er,
                Point {
                    x: cx,
                    y: eye_y + 0.35 * fw,
                },
            ],
            eye_left: el,
            eye_right: er,
            head_top: Some(head_top),
            head_cut: false,
            head_top_estimated: false,
            head_top_proportional: 0.0,
            face_width: Some(fw),
            face_left_x: Some(cx - fw / 2.0),
            face_right_x: Some(cx + fw / 2.0),
            face_center_x: cx,
            tilt_deg: 0.0,
        }
    }

    /// Deterministic noise in -1..1.
    fn noise(x: u32, y: u32, seed: u32) -> f32 {
        let mut h =
            x.wrapping_mul(374761393) ^ y.wrapping_mul(668265263) ^ seed.wrapping_mul(2246822519);
        h = (h ^ (h >> 13)).wrapping_mul(1274126177);
        h ^= h >> 16;
        (h & 0xffff) as f32 / 32767.5 - 1.0
    }

    fn in_ellipse(x: u32, y: u32, cx: f32, cy: f32, rx: f32, ry: f32) -> bool {
        let dx = (x as f32 - cx) / rx;
        let dy = (y as f32 - cy) / ry;
        dx * dx + dy * dy <= 1.0
    }

    fn add(p: [u8; 3], d: f32) -> [u8; 3] {
        [
            (p[0] as f32 + d).clamp(0.0, 255.0) as u8,
            (p[1] as f32 + d).clamp(0.0, 255.0) as u8,
            (p[2] as f32 + d).clamp(0.0, 255.0) as u8,
        ]
    }

    /// A synthetic 480x640 ID photo scaled by `s`: a person (hair, face
    /// with eyes, brows, mouth, neck, shoulders) on a background given per
    /// pixel. The face: centre x 240, eyes at y 235, width 200, hair top 80.
    pub(crate) fn portrait_with(s: f32, bg: impl Fn(u32, u32) -> [u8; 3]) -> RgbImage {
        let (w, h) = ((480.0 * s) as u32, (640.0 * s) as u32);
        RgbImage::from_fn(w, h, |x, y| {
            let (xf, yf) = (x as f32 / s, y as f32 / s);
            let (xs, ys) = (xf as u32, yf as u32);
            let e = |cx: f32, cy: f32, rx: f32, ry: f32| in_ellipse(xs, ys, cx, cy, rx, ry);
            let skin = [224, 172, 140];
            let p = if e(196.0, 235.0, 14.0, 7.0) || e(284.0, 235.0, 14.0, 7.0) {
                [45, 35, 35]
            } else if (210..217).contains(&ys)
                && ((172..222).contains(&xs) || (258..308).contains(&xs))
            {
                [60, 45, 40]
            } else if e(240.0, 320.0, 30.0, 8.0) {
                [170, 80, 80]
            } else if e(240.0, 260.0, 100.0, 125.0) {
                let shade = if (236..244).contains(&xs) && (250..300).contains(&ys) {
                    -25.0
                } else {
                    0.0
                };
                add(skin, 6.0 * noise(xs, ys, 1) + shade)
            } else if e(240.0, 215.0, 118.0, 135.0) {
                add([40, 30, 25], 15.0 * noise(xs, ys, 2))
            } else if (200..280).contains(&xs) && (370..450).contains(&ys) {
                add(skin, 4.0 * noise(xs, ys, 3))
            } else if e(240.0, 660.0, 230.0, 215.0) {
                add([40, 45, 70], 5.0 * noise(xs, ys, 4))
            } else {
                bg(x, y)
            };
            let _ = yf;
            Rgb(p)
        })
    }

    pub(crate) fn portrait(bg: [u8; 3]) -> RgbImage {
        portrait_with(1.0, |_, _| bg)
    }

    pub(crate) fn the_face() -> FaceGeometry {
        face(240.0, 235.0, 200.0, 80.0)
    }

    fn run(img: &RgbImage, f: Option<&FaceGeometry>) -> PixelReport {
        analyze_with(img, f, &national(), 10.0, &PixelRules::default())
    }

    fn codes(r: &PixelReport) -> Vec<&'static str> {
        r.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn ciede2000_matches_sharma_pairs() {
        let cases = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            ([2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082),
        ];
        for (a, b, want) in cases {
            let got = ciede2000(a, b);
            assert!((got - want).abs() < 1e-3, "{a:?} {b:?}: {got} vs {want}");
            assert!((ciede2000(b, a) - want).abs() < 1e-3);
        }
        let white = srgb_to_lab([255, 255, 255]);
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.01 && white[2].abs() < 0.01);
    }

    #[test]
    fn plain_backgrounds_of_each_colour_pass() {
        for bg in national() {
            let img = portrait(bg.rgb);
            let r = run(&img, Some(&the_face()));
            assert!(
                r.findings.is_empty(),
                "{}: {:?} {:?}",
                bg.name,
                r.findings,
                r.measurements
            );
            assert_eq!(r.measurements["background_match"], json!(bg.name));
            assert_eq!(r.background_rgb, Some(bg.rgb));
        }
    }

    #[test]
    fn an_estimated_head_top_keeps_the_hair_out_of_the_samples() {
        // The engine guessed the head top 70 px too low (the hair is at 80).
        let mut f = the_face();
        f.head_top = Some(150.0);
        let img = portrait([240, 240, 240]);
        assert!(codes(&run(&img, Some(&f))).contains(&code::BACKGROUND_UNIFORM));
        f.head_top_estimated = true;
        let r = run(&img, Some(&f));
        assert!(r.findings.is_empty(), "{:?}", r.measurements);
    }

    #[test]
    fn wrong_background_colour_fails() {
        for bg in [[255, 200, 200], [128, 128, 128], [0, 90, 200]] {
            let r = run(&portrait(bg), Some(&the_face()));
            assert_eq!(
                codes(&r),
                vec![code::BACKGROUND_COLOR],
                "{bg:?} {:?}",
                r.measurements
            );
            assert_eq!(r.findings[0].severity, Severity::Error);
        }
        // Guangdong: blue is not allowed.
        let gd: Vec<_> = national()
            .into_iter()
            .filter(|b| b.name != "light_blue")
            .collect();
        let r = analyze_with(
            &portrait([100, 197, 255]),
            Some(&the_face()),
            &gd,
            10.0,
            &PixelRules::default(),
        );
        assert_eq!(codes(&r), vec![code::BACKGROUND_COLOR]);
        // A slightly off white is still white.
        assert!(run(&portrait([248, 250, 252]), Some(&the_face()))
            .findings
            .is_empty());
    }

    #[test]
    fn gradient_vignette_and_shadow_are_caught() {
        let f = the_face();
        let horiz = portrait_with(1.0, |x, _| add([255, 255, 255], -(x as f32) / 479.0 * 40.0));
        let vert = portrait_with(1.0, |_, y| add([240, 240, 240], -(y as f32) / 639.0 * 45.0));
        let vignette = portrait_with(1.0, |x, y| {
            let d = ((x as f32 - 240.0).powi(2) + (y as f32 - 320.0).powi(2)).sqrt() / 400.0;
            add([240, 240, 240], -45.0 * d * d)
        });
        let shadow = portrait_with(1.0, |x, y| {
            // A soft shadow cast to the image's right of the head.
            let d =
                (((x as f32 - 380.0) / 90.0).powi(2) + ((y as f32 - 260.0) / 200.0).powi(2)).sqrt();
            add([240, 240, 240], -50.0 * (1.0 - d).max(0.0))
        });
        for (name, img) in [
            ("horizontal", horiz),
            ("vertical", vert),
            ("vignette", vignette),
            ("shadow", shadow),
        ] {
            let r = run(&img, Some(&f));
            assert!(
                r.findings
                    .iter()
                    .any(|x| x.code == code::BACKGROUND_UNIFORM),
                "{name}: {:?}",
                r.measurements
            );
            // The measured numbers are reported.
            let fd = r
                .findings
                .iter()
                .find(|x| x.code == code::BACKGROUND_UNIFORM)
                .unwrap();
            assert!(fd.measured["gradient_de"].as_f64().unwrap() > 0.0);
        }
        // A faint gradient below the limit passes.
        let faint = portrait_with(1.0, |x, _| add([255, 255, 255], -(x as f32) / 479.0 * 8.0));
        assert!(run(&faint, Some(&f)).findings.is_empty());
    }

    #[test]
    fn objects_and_texture_in_the_background_are_caught() {
        let f = the_face();
        // A picture frame on the wall in the top left corner.
        let object = portrait_with(1.0, |x, y| {
            if (20..60).contains(&x) && (120..220).contains(&y) {
                [150, 110, 70]
            } else {
                [255, 255, 255]
            }
        });
        let r = run(&object, Some(&f));
        assert!(
            r.findings.iter().any(|x| matches!(
                x.message,
                Msg::Photo(crate::photo::PhotoMsg::Pixel(
                    PixelMsg::BackgroundObjects { .. }
                ))
            )),
            "{:?}",
            r.measurements
        );
        // A second person's head peeping in at the right.
        let person = portrait_with(1.0, |x, y| {
            if in_ellipse(x, y, 470.0, 200.0, 40.0, 60.0) {
                [60, 40, 30]
            } else {
                [240, 240, 240]
            }
        });
        assert!(codes(&run(&person, Some(&f))).contains(&code::BACKGROUND_UNIFORM));
        // A textured wall.
        let texture = portrait_with(1.0, |x, y| {
            let stripes = 16.0 * ((x as f32 + 0.5 * y as f32) * std::f32::consts::TAU / 14.0).sin();
            add([240, 240, 240], stripes + 4.0 * noise(x, y, 9))
        });
        let r = run(&texture, Some(&f));
        assert!(
            r.findings.iter().any(|x| matches!(
                x.message,
                Msg::Photo(crate::photo::PhotoMsg::Pixel(
                    PixelMsg::BackgroundNoise { .. }
                ))
            )),
            "{:?}",
            r.measurements
        );
        // Mild sensor noise passes.
        let mild = portrait_with(1.0, |x, y| add([240, 240, 240], 3.0 * noise(x, y, 9)));
        assert!(run(&mild, Some(&f)).findings.is_empty());
    }

    #[test]
    fn monochrome_pictures_fail() {
        let colour = portrait([100, 197, 255]);
        let grey = RgbImage::from_fn(480, 640, |x, y| {
            let p = colour.get_pixel(x, y).0;
            let l = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) as u8;
            Rgb([l, l, l])
        });
        let r = run(&grey, Some(&the_face()));
        assert!(
            codes(&r).contains(&code::MONOCHROME),
            "{:?}",
            r.measurements
        );
        // A black-and-white person on a blue background.
        let mut pasted = colour.clone();
        for (x, y, p) in pasted.enumerate_pixels_mut() {
            if in_ellipse(x, y, 240.0, 260.0, 100.0, 125.0) {
                *p = *grey.get_pixel(x, y);
            }
        }
        let r = run(&pasted, Some(&the_face()));
        assert_eq!(codes(&r), vec![code::MONOCHROME], "{:?}", r.measurements);
        assert!(!codes(&run(&colour, Some(&the_face()))).contains(&code::MONOCHROME));
    }

    #[test]
    fn blur_is_a_warning() {
        let sharp = portrait([255, 255, 255]);
        let r = run(&sharp, Some(&the_face()));
        assert!(
            !codes(&r).contains(&code::SHARPNESS),
            "{:?}",
            r.measurements
        );
        let blurred = image::imageops::blur(&sharp, 4.0);
        let r = run(&blurred, Some(&the_face()));
        let f = r
            .findings
            .iter()
            .find(|f| f.code == code::SHARPNESS)
            .expect("blurred");
        assert_eq!(f.severity, Severity::Warning);
    }

    #[test]
    fn exposure_problems_are_warnings() {
        let f = the_face();
        let dark = portrait_with(1.0, |_, _| [240, 240, 240]);
        let dark = RgbImage::from_fn(480, 640, |x, y| {
            let p = dark.get_pixel(x, y).0;
            Rgb([p[0] / 6, p[1] / 6, p[2] / 6])
        });
        let r = run(&dark, Some(&f));
        assert!(
            r.findings.iter().any(|x| x.code == code::EXPOSURE
                && matches!(
                    x.message,
                    Msg::Photo(crate::photo::PhotoMsg::Pixel(PixelMsg::TooDark { .. }))
                )),
            "{:?}",
            r.measurements
        );
        let mut bright = portrait([240, 240, 240]);
        for (x, y, p) in bright.enumerate_pixels_mut() {
            if in_ellipse(x, y, 240.0, 260.0, 100.0, 125.0) {
                *p = Rgb(add(p.0, 80.0));
            }
        }
        let r = run(&bright, Some(&f));
        assert!(
            r.findings.iter().any(|x| matches!(
                x.message,
                Msg::Photo(crate::photo::PhotoMsg::Pixel(PixelMsg::TooBright { .. }))
            )),
            "{:?}",
            r.measurements
        );
        // Blown-out white patches on a normally exposed face.
        let mut blown = portrait([240, 240, 240]);
        for (x, y, p) in blown.enumerate_pixels_mut() {
            if in_ellipse(x, y, 200.0, 300.0, 25.0, 18.0)
                || in_ellipse(x, y, 280.0, 300.0, 25.0, 18.0)
            {
                *p = Rgb([255, 255, 255]);
            }
        }
        let r = run(&blown, Some(&f));
        assert!(
            r.findings.iter().any(|x| matches!(
                x.message,
                Msg::Photo(crate::photo::PhotoMsg::Pixel(
                    PixelMsg::ClippedHighlights { .. }
                ))
            )),
            "{:?}",
            r.measurements
        );
        assert!(!codes(&run(&portrait([240, 240, 240]), Some(&f))).contains(&code::EXPOSURE));
        assert!(r
            .findings
            .iter()
            .all(|x| x.code != code::EXPOSURE || x.severity == Severity::Warning));
    }

    #[test]
    fn one_sided_lighting_is_a_warning() {
        let mut img = portrait([255, 255, 255]);
        for (x, y, p) in img.enumerate_pixels_mut() {
            if x > 240 && in_ellipse(x, y, 240.0, 260.0, 100.0, 125.0) {
                *p = Rgb([p[0] / 2, p[1] / 2, p[2] / 2]);
            }
        }
        let r = run(&img, Some(&the_face()));
        let f = r
            .findings
            .iter()
            .find(|f| f.code == code::LIGHTING)
            .expect("uneven");
        assert!(matches!(
            f.message,
            Msg::Photo(crate::photo::PhotoMsg::Pixel(PixelMsg::UnevenLighting {
                darker: Side::Right,
                ..
            }))
        ));
        assert!(
            !codes(&run(&portrait([255, 255, 255]), Some(&the_face()))).contains(&code::LIGHTING)
        );
    }

    #[test]
    fn added_frames_are_found() {
        for (frame, width) in [
            ([0u8, 0, 0], 8u32),
            ([200, 30, 30], 3),
            ([120, 120, 120], 20),
        ] {
            let mut img = portrait([255, 255, 255]);
            for (x, y, p) in img.enumerate_pixels_mut() {
                if x < width || y < width || x >= 480 - width || y >= 640 - width {
                    *p = Rgb(frame);
                }
            }
            let r = run(&img, Some(&the_face()));
            assert_eq!(
                codes(&r),
                vec![code::BORDER],
                "{frame:?}: {:?}",
                r.measurements
            );
            assert_eq!(r.findings[0].measured["widths_px"], json!(vec![width; 4]));
        }
        // A frame on three sides only (or none) is not reported.
        let mut img = portrait([255, 255, 255]);
        for (x, y, p) in img.enumerate_pixels_mut() {
            if x < 5 || y < 5 || x >= 475 {
                *p = Rgb([0, 0, 0]);
            }
        }
        assert!(!codes(&run(&img, Some(&the_face()))).contains(&code::BORDER));
        assert_eq!(
            run(&portrait([255, 255, 255]), Some(&the_face())).measurements["border_px"],
            json!([0, 0, 0, 0])
        );
    }

    #[test]
    fn works_without_a_face_and_at_other_sizes() {
        let r = run(&portrait([240, 240, 240]), None);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_eq!(
            r.measurements["background_region"],
            json!("corners_no_face")
        );
        let r = run(&portrait([255, 200, 200]), None);
        assert_eq!(codes(&r), vec![code::BACKGROUND_COLOR]);
        // 2.5x larger photo, face scaled alike.
        let big = portrait_with(2.5, |_, _| [255, 255, 255]);
        let f = face(600.0, 587.5, 500.0, 200.0);
        let r = run(&big, Some(&f));
        assert!(
            r.findings.is_empty(),
            "{:?} {:?}",
            r.findings,
            r.measurements
        );
        let r = run(&image::imageops::blur(&big, 10.0), Some(&f));
        assert!(codes(&r).contains(&code::SHARPNESS), "{:?}", r.measurements);
        // Tiny images do not panic.
        let tiny = RgbImage::from_pixel(5, 5, Rgb([1, 2, 3]));
        assert!(run(&tiny, None).findings.is_empty());
        let small = RgbImage::from_pixel(30, 40, Rgb([255, 255, 255]));
        let _ = run(&small, Some(&face(15.0, 18.0, 12.0, 5.0)));
    }

    fn reference_faces() -> Vec<(String, FaceGeometry)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/photos");
        let text = std::fs::read_to_string(format!("{dir}/reference.json")).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let r = &e["reference"];
                let g = |k: &str| r[k].as_f64().unwrap() as f32;
                let mut f = face(
                    g("face_center_x"),
                    g("eye_y"),
                    g("face_width"),
                    g("head_top"),
                );
                f.eye_left.y = g("eye_left_y");
                f.eye_right.y = g("eye_right_y");
                (format!("{dir}/{}", e["file"].as_str().unwrap()), f)
            })
            .collect()
    }

    #[test]
    fn real_photos_have_no_pixel_errors() {
        for (path, f) in reference_faces() {
            let img = image::open(&path).unwrap().to_rgb8();
            let r = run(&img, Some(&f));
            eprintln!("{path}: {:?}\n   {:?}", codes(&r), r.measurements);
            let errors: Vec<_> = r
                .findings
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{path}: {errors:?}");
            if path.contains("_ok_") {
                assert!(r.findings.is_empty(), "{path}: {:?}", r.findings);
            }
            if path.contains("_ok_") {
                // Without the face geometry the corner samples still see a
                // plain background.
                let r0 = run(&img, None);
                assert!(
                    r0.findings.iter().all(|x| x.severity != Severity::Error),
                    "{path} no face: {:?}",
                    r0.findings
                );
                assert_eq!(
                    r0.measurements["background_region"],
                    json!("corners_no_face")
                );
                // The same photo with its background darkened towards the
                // right (a side light), with a picture on the wall, and in
                // black and white.
                let bg = r.background_rgb.unwrap();
                let near = |p: [u8; 3]| (0..3).all(|c| (p[c] as i32 - bg[c] as i32).abs() <= 3);
                let mut grad = img.clone();
                let mut obj = img.clone();
                for (x, y, p) in grad.enumerate_pixels_mut() {
                    if near(p.0) {
                        *p = image::Rgb(add(p.0, -(x as f32) / 479.0 * 35.0));
                    }
                    if (15..55).contains(&x) && (100..160).contains(&y) {
                        obj.put_pixel(x, y, image::Rgb([120, 90, 60]));
                    }
                }
                let r = run(&grad, Some(&f));
                assert!(
                    codes(&r).contains(&code::BACKGROUND_UNIFORM),
                    "{path} gradient: {:?}",
                    r.measurements
                );
                let r = run(&obj, Some(&f));
                assert_eq!(
                    codes(&r),
                    vec![code::BACKGROUND_UNIFORM],
                    "{path} object: {:?}",
                    r.measurements
                );
                let grey = image::DynamicImage::ImageRgb8(img.clone())
                    .grayscale()
                    .to_rgb8();
                assert!(
                    codes(&run(&grey, Some(&f))).contains(&code::MONOCHROME),
                    "{path} grey"
                );
            }
            // The same photo blurred (by 1.5% of the face width) gets the
            // warning.
            let sigma = 0.015 * f.face_width.unwrap();
            let r = run(&image::imageops::blur(&img, sigma), Some(&f));
            assert!(
                codes(&r).contains(&code::SHARPNESS),
                "{path} blurred: {:?}",
                r.measurements
            );
        }
    }

    #[test]
    fn messages_render_in_both_languages() {
        let m = PixelMsg::BackgroundGradient {
            span_de: 7.5,
            max_de: 6.0,
        };
        assert!(m.render(Lang::Zh).contains("渐变"));
        assert!(m.render(Lang::En).contains("gradient"));
        let msg: Msg = m.into();
        assert!(msg.render(Lang::En).contains("7.5"));
    }
}

#[cfg(test)]
mod explore {
    use super::tests::*;
    use super::*;

    #[test]
    #[ignore]
    fn explore_blur() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/photos");
        std::fs::create_dir_all("/tmp/ann").unwrap();
        for (name, f) in [
            ("astronaut_ok_white.jpg", face(240.0, 268.0, 200.0, 78.0)),
            ("grace_hopper_ok_white.jpg", face(240.0, 264.0, 200.0, 80.0)),
            ("synthetic", the_face()),
        ] {
            let img = if name == "synthetic" {
                portrait([255, 255, 255])
            } else {
                image::open(format!("{dir}/{name}")).unwrap().to_rgb8()
            };
            let a = crate::photo::annotate::annotate(&img, Some(&f), &Default::default());
            a.save(format!("/tmp/ann/{name}.png")).unwrap();
            eprintln!(
                "{name}: annotated png {} B, jpeg q80 {} B, thumb {} B",
                crate::photo::annotate::png_bytes(&a).len(),
                crate::photo::html::jpeg_bytes(&a, 80).len(),
                crate::photo::html::thumbnail_jpeg(&img, 120).len()
            );
            for s in [0.0f32, 0.7, 1.0, 1.5, 2.0, 3.0] {
                let b = if s > 0.0 {
                    image::imageops::blur(&img, s)
                } else {
                    img.clone()
                };
                let r = analyze_with(&b, Some(&f), &national(), 10.0, &PixelRules::default());
                eprintln!("{name} sigma {s}: blur {}", r.measurements["blur"]);
            }
        }
    }
}

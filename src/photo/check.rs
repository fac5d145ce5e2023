//! The `photo check` pipeline: files or folders in, a [`Report`] out.
//!
//! Per file: the size and the extension; what the bytes are ([`jpeg::sniff`]);
//! for a JPEG the marker structure ([`jpeg::parse`]: dimensions, colour depth,
//! JFIF and EXIF density, quantization tables for the quality estimate,
//! orientation, progressive/baseline, bytes after EOI); then the pixels are
//! decoded (within a pixel budget) and handed to the face engine and the
//! pixel checks. No EXIF rotation is applied: the checks judge the stored
//! pixels, and an orientation other than 1 is reported (`photo.orientation`).
//!
//! Use from the CLI:
//! ```no_run
//! use zikao::photo::{check_paths, CheckOptions, PhotoProfile};
//! let profile = PhotoProfile::builtin("national")?;
//! let report = check_paths(&["photos/".into()], &profile, &CheckOptions::default(),
//!     &|done, total| eprintln!("{done}/{total}"))?;
//! std::process::exit(report.exit_code());
//! # Ok::<(), zikao::Error>(())
//! ```

use crate::text::round_to;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use image::RgbImage;
use rayon::prelude::*;
use serde_json::{json, Map, Value};

use super::jpeg::{self, JpegInfo, Sniffed};
use super::msg::{ColorKind, PhotoMsg};
use super::profile::PhotoProfile;
use super::qfactor;
use crate::face::FaceAnalysis;
use crate::finding::{Finding, InputProblem, Item, Report, Severity};
use crate::msg::{Detail, Lang};
use crate::Result;

/// Options of a check run.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Largest number of pixels decoded for one photo (width x height).
    /// A file whose header claims more is not decoded (`photo.unreadable`).
    pub max_pixels: u64,
    /// Largest file read into memory; a bigger file is reported, not read.
    pub max_file_bytes: u64,
    /// Run the face engine (when false, geometry is reported as not measured).
    pub face: bool,
}

/// Default pixel budget: 64 megapixels (about 192 MB as RGB).
pub const DEFAULT_MAX_PIXELS: u64 = 64_000_000;
/// Default file-size cap: 256 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_pixels: DEFAULT_MAX_PIXELS,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            face: true,
        }
    }
}

/// The result for one photo: the report item, plus the decoded pixels and
/// the face analysis for annotation and HTML output.
#[derive(Clone, Debug)]
pub struct PhotoResult {
    pub item: Item,
    /// The decoded image as stored (no EXIF rotation), when decodable.
    pub image: Option<RgbImage>,
    /// The face engine's result, when it ran successfully.
    pub face: Option<FaceAnalysis>,
}

fn ext_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The measurement keys every item carries (null when not measurable).
const MEASUREMENT_KEYS: &[&str] = &[
    "width",
    "height",
    "dpi_x",
    "dpi_y",
    "bytes",
    "quality",
    "head_top",
    "eye_left_y",
    "eye_right_y",
    "face_width",
    "face_center_x",
    "background_rgb",
];

struct Builder<'a> {
    profile: &'a PhotoProfile,
    findings: Vec<Finding>,
    m: Map<String, Value>,
}

impl Builder<'_> {
    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }
    fn set(&mut self, k: &str, v: impl Into<Value>) {
        self.m.insert(k.to_string(), v.into());
    }
}

/// Checks one file's bytes (`path` gives the name for the extension rule
/// and the report; it is not read).
pub fn check_bytes(path: &Path, bytes: &[u8], profile: &PhotoProfile) -> PhotoResult {
    check_bytes_with(path, bytes, profile, &CheckOptions::default())
}

/// [`check_bytes`] with options.
pub fn check_bytes_with(
    path: &Path,
    bytes: &[u8],
    profile: &PhotoProfile,
    opts: &CheckOptions,
) -> PhotoResult {
    let mut b = Builder {
        profile,
        findings: Vec::new(),
        m: Map::new(),
    };
    for k in MEASUREMENT_KEYS {
        b.set(k, Value::Null);
    }
    b.set("bytes", bytes.len() as u64);
    check_size(&mut b, bytes.len() as u64);
    check_extension(&mut b, path);

    let sniffed = jpeg::sniff(bytes);
    b.set("format", sniffed.key());
    let mut decoded: Option<RgbImage> = None;
    match sniffed {
        Sniffed::Empty => b.push(Finding::error("photo.unreadable", PhotoMsg::Empty)),
        Sniffed::Unknown => b.push(Finding::error("photo.unreadable", PhotoMsg::NotAnImage)),
        _ => {
            if !profile.format_ok(sniffed.key()) {
                b.push(
                    Finding::error(
                        "photo.format",
                        PhotoMsg::Format {
                            found: sniffed.name().into(),
                            allowed: allowed_formats(profile),
                        },
                    )
                    .measured(sniffed.key())
                    .expected(json!(profile.file.formats)),
                );
            }
            match sniffed {
                Sniffed::Jpeg => decoded = check_jpeg(&mut b, bytes, opts),
                Sniffed::Png => decoded = check_png(&mut b, bytes, opts),
                s if s.is_image() && profile.format_ok(s.key()) => {
                    // Unreachable with validated profiles (jpeg/png only).
                    b.push(Finding::error(
                        "photo.unreadable",
                        PhotoMsg::NotDecoded {
                            format: s.name().into(),
                        },
                    ));
                }
                _ => {} // GIF, WebP, HTML...: photo.format says it all.
            }
        }
    }

    let mut face_result = None;
    if let Some(img) = &decoded {
        let mut primary = None;
        if profile.needs_face() {
            if opts.face {
                match crate::face::analyze(img) {
                    Ok(fa) => {
                        check_geometry(&mut b, &fa, img.width(), img.height());
                        primary = fa.primary.clone();
                        face_result = Some(fa);
                    }
                    Err(e) => b.push(
                        Finding::error(
                            "photo.geometry_unmeasured",
                            PhotoMsg::GeometryUnmeasured {
                                reason_zh: e.render(crate::Lang::Zh),
                                reason_en: e.render(crate::Lang::En),
                            },
                        )
                        .expected(geometry_expected(profile)),
                    ),
                }
            } else {
                b.push(
                    Finding::error("photo.geometry_unmeasured", PhotoMsg::GeometrySwitchedOff)
                        .expected(geometry_expected(profile)),
                );
            }
        }
        let px = super::pixels::analyze(img, primary.as_ref(), profile);
        b.findings.extend(px.findings);
        if let Some(rgb) = px.background_rgb {
            b.set("background_rgb", json!(rgb));
        }
        for (k, v) in px.measurements {
            b.m.insert(k, v);
        }
        if let Some(fa) = &face_result {
            if fixable(&b.findings, fa, img, profile) {
                b.push(Finding::info("photo.fixable", PhotoMsg::Fixable));
            }
        }
    }

    let ok = !b.findings.iter().any(|f| f.severity == Severity::Error);
    let mut item =
        Item::new(if ok { "pass" } else { "fail" }, ok).key("path", path.display().to_string());
    item.findings = b.findings;
    item.extra.push(("measurements", Value::Object(b.m)));
    PhotoResult {
        item,
        image: decoded,
        face: face_result,
    }
}

/// A failing photo whose every error fix-size repairs, and whose face
/// fix-size can crop into the frame (`photo.fixable`, information).
fn fixable(
    findings: &[Finding],
    fa: &crate::face::FaceAnalysis,
    img: &RgbImage,
    profile: &PhotoProfile,
) -> bool {
    let mut errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .peekable();
    errors.peek().is_some()
        && errors.all(|f| super::fix::repairs(f.code))
        && super::fix::could_fix(fa, img.width(), img.height(), profile)
}

fn allowed_formats(p: &PhotoProfile) -> String {
    p.file
        .formats
        .iter()
        .map(|f| f.to_uppercase())
        .collect::<Vec<_>>()
        .join("/")
}

fn geometry_expected(p: &PhotoProfile) -> Value {
    let g = &p.geometry;
    let mut m = Map::new();
    if g.face_count {
        m.insert("face_count".into(), json!(1));
    }
    if g.enabled {
        m.insert("head_top".into(), json!(g.head_top));
        m.insert("eye_y".into(), json!(g.eye_y));
        m.insert("face_width".into(), json!(g.face_width));
        m.insert(
            "face_center_x".into(),
            json!([
                g.frame_width as f64 / 2.0 - g.center_tolerance,
                g.frame_width as f64 / 2.0 + g.center_tolerance
            ]),
        );
    }
    Value::Object(m)
}

fn check_size(b: &mut Builder, n: u64) {
    let f = &b.profile.file;
    let expected = json!({"min": f.min_bytes, "max": f.max_bytes});
    if let Some(min) = f.min_bytes {
        if n < min {
            b.push(
                Finding::error("photo.file_size", PhotoMsg::FileTooSmall { bytes: n, min })
                    .measured(n)
                    .expected(expected.clone()),
            );
        }
    }
    if let Some(max) = f.max_bytes {
        if n > max {
            b.push(
                Finding::error("photo.file_size", PhotoMsg::FileTooLarge { bytes: n, max })
                    .measured(n)
                    .expected(expected),
            );
        }
    }
}

fn check_extension(b: &mut Builder, path: &Path) {
    let ext = ext_of(path);
    if !b.profile.extension_ok(&ext) {
        let allowed = b
            .profile
            .file
            .extensions
            .iter()
            .map(|e| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(" / ");
        b.push(
            Finding::error(
                "photo.extension",
                PhotoMsg::Extension {
                    found: ext.clone(),
                    allowed,
                },
            )
            .measured(ext)
            .expected(json!(b.profile.file.extensions)),
        );
    }
}

fn check_dimensions(b: &mut Builder, w: u32, h: u32) {
    b.set("width", w);
    b.set("height", h);
    let r = &b.profile.image;
    let measured = json!({"width": w, "height": h});
    if let (Some(ew), Some(eh)) = (r.width, r.height) {
        if w != ew || h != eh {
            b.push(
                Finding::error(
                    "photo.dimensions",
                    PhotoMsg::DimensionsExact {
                        width: w,
                        height: h,
                        exp_width: ew,
                        exp_height: eh,
                    },
                )
                .measured(measured.clone())
                .expected(json!({"width": ew, "height": eh})),
            );
        }
    } else if r.width.is_some() || r.height.is_some() {
        let ew = r.width.unwrap_or(w);
        let eh = r.height.unwrap_or(h);
        if w != ew || h != eh {
            b.push(
                Finding::error(
                    "photo.dimensions",
                    PhotoMsg::DimensionsExact {
                        width: w,
                        height: h,
                        exp_width: ew,
                        exp_height: eh,
                    },
                )
                .measured(measured.clone())
                .expected(json!({"width": r.width, "height": r.height})),
            );
        }
    }
    if r.min_width.is_some() || r.min_height.is_some() {
        let mw = r.min_width.unwrap_or(0);
        let mh = r.min_height.unwrap_or(0);
        if w < mw || h < mh {
            b.push(
                Finding::error(
                    "photo.dimensions",
                    PhotoMsg::DimensionsMin {
                        width: w,
                        height: h,
                        min_width: mw,
                        min_height: mh,
                    },
                )
                .measured(measured)
                .expected(json!({"min_width": mw, "min_height": mh})),
            );
        }
    }
}

fn color_finding(b: &mut Builder, kind: Option<ColorKind>, measured: Value) {
    b.set("color", measured.clone());
    if let Some(kind) = kind {
        if b.profile.image.rgb24 {
            b.push(
                Finding::error("photo.color_depth", PhotoMsg::ColorDepth { kind })
                    .measured(measured)
                    .expected(json!({"components": 3, "bits": 8})),
            );
        }
    }
}

/// A density in dpi from a JFIF APP0 (units 0 = aspect ratio only: none).
pub fn jfif_dpi(j: &jpeg::Jfif) -> Option<(f64, f64)> {
    match j.units {
        1 => Some((j.x_density as f64, j.y_density as f64)),
        2 => Some((j.x_density as f64 * 2.54, j.y_density as f64 * 2.54)),
        _ => None,
    }
}

/// A density in dpi from EXIF IFD0 (ResolutionUnit absent = inch, the TIFF
/// default; unit 1 = no absolute unit: none).
pub fn exif_dpi(e: &jpeg::Exif) -> Option<(f64, f64)> {
    let x = e.x_resolution.and_then(|r| r.value());
    let y = e.y_resolution.and_then(|r| r.value());
    let (x, y) = match (x, y) {
        (Some(x), Some(y)) => (x, y),
        (Some(x), None) => (x, x),
        (None, Some(y)) => (y, y),
        (None, None) => return None,
    };
    match e.resolution_unit.unwrap_or(2) {
        2 => Some((x, y)),
        3 => Some((x * 2.54, y * 2.54)),
        _ => None,
    }
}

fn fmt_dpi(d: (f64, f64)) -> String {
    format!("{}x{} dpi", round_to(d.0, 1), round_to(d.1, 1))
}

fn check_dpi(b: &mut Builder, sources: &[(&str, Option<(f64, f64)>)]) {
    let present: Vec<(&str, (f64, f64))> = sources
        .iter()
        .filter_map(|(n, d)| d.map(|d| (*n, d)))
        .collect();
    let mut dens = Map::new();
    for (n, d) in sources {
        dens.insert(
            n.to_lowercase().replace(' ', "_"),
            d.map_or(Value::Null, |d| json!([round_to(d.0, 1), round_to(d.1, 1)])),
        );
    }
    b.set("density", Value::Object(dens));
    if let Some((_, d)) = present.first() {
        b.set("dpi_x", round_to(d.0, 1));
        b.set("dpi_y", round_to(d.1, 1));
    }
    let Some(req) = b.profile.image.dpi else {
        return;
    };
    let tol = b.profile.image.dpi_tolerance;
    let expected = json!(req);
    let measured = json!(present
        .iter()
        .map(|(n, d)| (n.to_string(), json!([round_to(d.0, 1), round_to(d.1, 1)])))
        .collect::<Map<_, _>>());
    if present.is_empty() {
        b.push(
            Finding::error("photo.dpi", PhotoMsg::DpiMissing { required: req })
                .measured(Value::Null)
                .expected(expected),
        );
        return;
    }
    if present.len() >= 2 {
        let (na, a) = present[0];
        let (nb, c) = present[1];
        if (a.0 - c.0).abs() > tol || (a.1 - c.1).abs() > tol {
            let _ = (na, nb);
            b.push(
                Finding::error(
                    "photo.dpi",
                    PhotoMsg::DpiConflict {
                        jfif: fmt_dpi(a),
                        exif: fmt_dpi(c),
                        required: req,
                    },
                )
                .measured(measured)
                .expected(expected),
            );
            return;
        }
    }
    let (src, d) = present[0];
    if (d.0 - req).abs() > tol || (d.1 - req).abs() > tol {
        b.push(
            Finding::error(
                "photo.dpi",
                PhotoMsg::DpiWrong {
                    x: round_to(d.0, 1),
                    y: round_to(d.1, 1),
                    source: src.to_string(),
                    required: req,
                },
            )
            .measured(measured)
            .expected(expected),
        );
    }
}

fn too_large(b: &mut Builder, w: u32, h: u32, opts: &CheckOptions) -> bool {
    let n = w as u64 * h as u64;
    if n > opts.max_pixels {
        b.push(Finding::error(
            "photo.unreadable",
            PhotoMsg::TooLarge {
                width: w,
                height: h,
                budget: opts.max_pixels,
            },
        ));
        return true;
    }
    false
}

/// Why the decoder refused the data: its kind in Chinese, the decoder's
/// own text in English.
fn decode_failure(e: &image::ImageError) -> Detail {
    use image::ImageError as E;
    let zh = match e {
        E::Decoding(_) => "图像数据损坏或不完整",
        E::Unsupported(_) => "使用了本工具不支持的编码方式",
        E::Limits(_) => "图像太大，超出本工具的处理上限",
        E::IoError(_) => "读取图像数据时出错",
        _ => "解码器无法处理",
    };
    Detail::new(zh, e.to_string())
}

fn decode(
    b: &mut Builder,
    bytes: &[u8],
    fmt: image::ImageFormat,
    opts: &CheckOptions,
) -> Option<RgbImage> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), fmt);
    let mut limits = image::Limits::default();
    let side = u32::try_from(opts.max_pixels).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(opts.max_pixels.saturating_mul(8).max(64 * 1024 * 1024));
    reader.limits(limits);
    match reader.decode() {
        Ok(img) => Some(img.to_rgb8()),
        Err(e) => {
            b.push(Finding::error(
                "photo.unreadable",
                PhotoMsg::Corrupt {
                    detail: decode_failure(&e),
                },
            ));
            None
        }
    }
}

fn check_jpeg(b: &mut Builder, bytes: &[u8], opts: &CheckOptions) -> Option<RgbImage> {
    let info: JpegInfo = jpeg::parse(bytes);
    let frame = info.frame.clone();
    if let Some(f) = &frame {
        check_dimensions(b, f.width as u32, f.height as u32);
        b.set("process", f.process.as_str());
        b.set("progressive", f.process == jpeg::Process::Progressive);
        b.set("components", f.components.len());
        b.set("bit_depth", f.precision);
        let n = f.components.len() as u8;
        let kind = match n {
            3 if f.precision == 8 => None,
            3 => Some(ColorKind::Bits(f.precision)),
            1 => Some(ColorKind::Gray),
            4 if info.adobe.map(|a| a.transform) == Some(2) => Some(ColorKind::Ycck),
            4 => Some(ColorKind::Cmyk),
            n => Some(ColorKind::Components(n)),
        };
        color_finding(
            b,
            kind,
            json!({"components": n, "bits": f.precision,
                   "adobe_transform": info.adobe.map(|a| a.transform)}),
        );
    }
    // Density: JFIF and EXIF, both reported; a disagreement is a finding.
    let jd = info.jfif.as_ref().and_then(jfif_dpi);
    let ed = info.exif.as_ref().and_then(exif_dpi);
    check_dpi(b, &[("JFIF", jd), ("EXIF", ed)]);
    // Quality.
    if !info.qtables.is_empty() || frame.is_some() {
        let est = qfactor::estimate(&info.qtables);
        b.set("quality", est.quality);
        b.set("quality_method", est.method.as_str());
        b.set("quality_per_table", json!(est.per_table));
        if let Some(min) = b.profile.image.min_quality {
            match est.quality {
                Some(q) if q < min => b.push(
                    Finding::error(
                        "photo.quality",
                        PhotoMsg::Quality {
                            quality: q,
                            min,
                            method: est.method.as_str(),
                        },
                    )
                    .measured(q)
                    .expected(json!({"min": min})),
                ),
                Some(_) => {}
                None => b.push(
                    Finding::error("photo.quality", PhotoMsg::QualityUndetermined { min })
                        .measured(Value::Null)
                        .expected(json!({"min": min})),
                ),
            }
        }
    }
    // Orientation: reported (a portal may show the file sideways) and
    // applied to the pixels below, so the other checks measure the
    // upright picture.
    let orientation = info.exif.as_ref().and_then(|e| e.orientation);
    b.set("orientation", orientation);
    if let Some(o) = orientation {
        if o != 1 {
            b.push(
                Finding::error("photo.orientation", PhotoMsg::Orientation { value: o })
                    .measured(o)
                    .expected(1),
            );
        }
    }
    b.set("trailing_bytes", info.trailing_bytes);
    b.set(
        "metadata",
        json!({
            "exif": info.exif.is_some(),
            "gps": info.exif.as_ref().is_some_and(|e| e.gps),
            "xmp": info.xmp,
            "icc_bytes": info.icc_bytes,
            "photoshop": info.photoshop,
            "trailing_jpeg": info.trailing_jpeg,
        }),
    );
    if !info.complete() {
        let describe = |lang| {
            info.problems
                .iter()
                .map(|p| p.describe(lang))
                .collect::<Vec<_>>()
                .join(lang.pick("；", "; "))
        };
        let detail = Detail::new(describe(Lang::Zh), describe(Lang::En));
        b.set("structure_problems", detail.en.clone());
        b.push(Finding::error(
            "photo.unreadable",
            PhotoMsg::Broken { detail },
        ));
        return None;
    }
    let f = frame?;
    if too_large(b, f.width as u32, f.height as u32, opts) {
        return None;
    }
    let img = decode(b, bytes, image::ImageFormat::Jpeg, opts)?;
    Some(match orientation {
        Some(o) if o != 1 => super::fix::orient::apply_exif(img, o),
        _ => img,
    })
}

fn check_png(b: &mut Builder, bytes: &[u8], opts: &CheckOptions) -> Option<RgbImage> {
    let Some(p) = jpeg::parse_png(bytes) else {
        b.push(Finding::error(
            "photo.unreadable",
            PhotoMsg::Broken {
                detail: Detail::new(
                    "PNG 文件缺少可读的 IHDR 文件头",
                    "PNG without a readable IHDR header",
                ),
            },
        ));
        return None;
    };
    check_dimensions(b, p.width, p.height);
    let kind = match (p.color_type, p.bit_depth) {
        (2, 8) => None,
        (2, d) => Some(ColorKind::Bits(d)),
        (0, _) => Some(ColorKind::Gray),
        (3, _) => Some(ColorKind::Palette),
        (4, _) => Some(ColorKind::GrayAlpha),
        (6, _) => Some(ColorKind::Rgba),
        (c, _) => Some(ColorKind::Components(c)),
    };
    color_finding(
        b,
        kind,
        json!({"png_color_type": p.color_type, "bits": p.bit_depth}),
    );
    let d = p
        .phys
        .and_then(|(x, y, unit)| (unit == 1).then_some((x as f64 * 0.0254, y as f64 * 0.0254)));
    check_dpi(b, &[("PNG pHYs", d)]);
    if !p.complete {
        b.push(Finding::error(
            "photo.unreadable",
            PhotoMsg::Broken {
                detail: Detail::new(
                    "没有 IEND 结束块：PNG 文件不完整",
                    "no IEND chunk: the PNG is truncated",
                ),
            },
        ));
        return None;
    }
    if too_large(b, p.width, p.height, opts) {
        return None;
    }
    decode(b, bytes, image::ImageFormat::Png, opts)
}

fn range_ok(v: f64, r: [f64; 2]) -> bool {
    v >= r[0] && v <= r[1]
}

fn check_geometry(b: &mut Builder, fa: &FaceAnalysis, img_w: u32, img_h: u32) {
    let g = b.profile.geometry.clone();
    let count = fa.faces.len();
    b.set("face_count", count);
    if (g.face_count || (g.enabled && fa.primary.is_none())) && count != 1 {
        b.push(
            Finding::error("photo.face_count", PhotoMsg::FaceCount { count })
                .measured(count)
                .expected(1),
        );
    }
    let Some(p) = &fa.primary else {
        return;
    };
    // Measurements in the image's own pixels.
    b.set("head_top", p.head_top.map(|v| round_to(v as f64, 1)));
    b.set("head_cut", p.head_cut);
    b.set("eye_left_y", round_to(p.eye_left.y as f64, 1));
    b.set("eye_right_y", round_to(p.eye_right.y as f64, 1));
    b.set("face_width", p.face_width.map(|v| round_to(v as f64, 1)));
    b.set("face_center_x", round_to(p.face_center_x as f64, 1));
    b.set("tilt_deg", round_to(p.tilt_deg as f64, 1));
    if !g.enabled {
        return;
    }
    // The ranges are in the profile's frame; scale other sizes to it.
    let sx = g.frame_width as f64 / img_w.max(1) as f64;
    let sy = g.frame_height as f64 / img_h.max(1) as f64;
    if p.head_top_estimated {
        // the head top was not seen: say so, never claim a cut or a
        // position from an estimate
        let est = p.head_top.map(|y| round_to(y as f64 * sy, 1));
        b.push(
            Finding::warning(
                "photo.head_top_unmeasured",
                PhotoMsg::HeadTopNotFound {
                    estimate: est,
                    min: g.head_top[0],
                    max: g.head_top[1],
                },
            )
            .measured(json!(est))
            .expected(json!(g.head_top)),
        );
    } else if p.head_cut {
        b.push(
            Finding::error("photo.head_top", PhotoMsg::HeadCut)
                .measured(0)
                .expected(json!(g.head_top)),
        );
    } else {
        match p.head_top {
            Some(y) => {
                let y = round_to(y as f64 * sy, 1);
                if !range_ok(y, g.head_top) {
                    b.push(
                        Finding::error(
                            "photo.head_top",
                            PhotoMsg::HeadTop {
                                y,
                                min: g.head_top[0],
                                max: g.head_top[1],
                            },
                        )
                        .measured(y)
                        .expected(json!(g.head_top)),
                    );
                }
            }
            None => b.push(
                Finding::error("photo.head_top", PhotoMsg::HeadTopUnmeasured)
                    .expected(json!(g.head_top)),
            ),
        }
    }
    let ly = round_to(p.eye_left.y as f64 * sy, 1);
    let ry = round_to(p.eye_right.y as f64 * sy, 1);
    if !range_ok(ly, g.eye_y) || !range_ok(ry, g.eye_y) {
        b.push(
            Finding::error(
                "photo.eye_position",
                PhotoMsg::EyePosition {
                    left: ly,
                    right: ry,
                    min: g.eye_y[0],
                    max: g.eye_y[1],
                },
            )
            .measured(json!([ly, ry]))
            .expected(json!(g.eye_y)),
        );
    }
    match p.face_width {
        Some(w) => {
            let w = round_to(w as f64 * sx, 1);
            if !range_ok(w, g.face_width) {
                b.push(
                    Finding::error(
                        "photo.face_width",
                        PhotoMsg::FaceWidth {
                            width: w,
                            min: g.face_width[0],
                            max: g.face_width[1],
                        },
                    )
                    .measured(w)
                    .expected(json!(g.face_width)),
                );
            }
        }
        None => b.push(
            Finding::error("photo.face_width", PhotoMsg::FaceWidthUnmeasured)
                .expected(json!(g.face_width)),
        ),
    }
    let cx = round_to(p.face_center_x as f64 * sx, 1);
    let mid = g.frame_width as f64 / 2.0;
    if (cx - mid).abs() > g.center_tolerance {
        b.push(
            Finding::error(
                "photo.centered",
                PhotoMsg::Centered {
                    center_x: cx,
                    expected: mid,
                    tolerance: g.center_tolerance,
                },
            )
            .measured(cx)
            .expected(json!([mid - g.center_tolerance, mid + g.center_tolerance])),
        );
    }
    let tilt = p.tilt_deg as f64;
    if tilt.abs() > g.max_tilt_deg {
        b.push(
            Finding::warning(
                "photo.head_tilt",
                PhotoMsg::HeadTilt {
                    degrees: tilt,
                    max: g.max_tilt_deg,
                },
            )
            .measured(round_to(tilt, 1))
            .expected(json!({"max_abs_deg": g.max_tilt_deg})),
        );
    }
}

enum Outcome<T> {
    Item(Box<Item>, Option<T>),
    Skipped(InputProblem),
}

fn unreadable_item(path: &Path, findings: Vec<Finding>, bytes: Option<u64>) -> Item {
    let mut m = Map::new();
    for k in MEASUREMENT_KEYS {
        m.insert((*k).to_string(), Value::Null);
    }
    m.insert("bytes".into(), json!(bytes));
    let mut item = Item::new("fail", false).key("path", path.display().to_string());
    item.findings = findings;
    item.extra.push(("measurements", Value::Object(m)));
    item
}

/// Checks one file on disk (read errors become a `photo.unreadable` item).
pub fn check_file(path: &Path, profile: &PhotoProfile, opts: &CheckOptions) -> PhotoResult {
    match read_capped(path, opts.max_file_bytes) {
        Ok(Ok(bytes)) => check_bytes_with(path, &bytes, profile, opts),
        Ok(Err(size)) => {
            let mut f = vec![Finding::error(
                "photo.unreadable",
                PhotoMsg::ReadFailed {
                    detail: Detail::new(
                        format!(
                            "{} 字节，超过本工具读取的上限 {} 字节",
                            crate::text::thousands(size),
                            crate::text::thousands(opts.max_file_bytes)
                        ),
                        format!(
                            "{size} bytes, more than the {} bytes this tool reads",
                            opts.max_file_bytes
                        ),
                    ),
                },
            )];
            if let Some(max) = profile.file.max_bytes {
                f.push(
                    Finding::error(
                        "photo.file_size",
                        PhotoMsg::FileTooLarge { bytes: size, max },
                    )
                    .measured(size)
                    .expected(json!({"min": profile.file.min_bytes, "max": max})),
                );
            }
            PhotoResult {
                item: unreadable_item(path, f, Some(size)),
                image: None,
                face: None,
            }
        }
        Err(e) => PhotoResult {
            item: unreadable_item(
                path,
                vec![Finding::error(
                    "photo.unreadable",
                    PhotoMsg::ReadFailed {
                        detail: Detail::io(&e),
                    },
                )],
                None,
            ),
            image: None,
            face: None,
        },
    }
}

/// Reads a file unless it is larger than `cap` (then `Ok(Err(size))`).
fn read_capped(path: &Path, cap: u64) -> std::io::Result<std::result::Result<Vec<u8>, u64>> {
    let f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    if size > cap {
        return Ok(Err(size));
    }
    let mut buf = Vec::with_capacity(size as usize);
    f.take(cap + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > cap {
        return Ok(Err(buf.len() as u64));
    }
    Ok(Ok(buf))
}

fn check_input<T>(
    path: &Path,
    explicit: bool,
    profile: &PhotoProfile,
    opts: &CheckOptions,
    map: &(dyn Fn(&PhotoResult) -> T + Sync),
) -> Outcome<T> {
    if let Some(p) = super::walk::not_an_image(path, explicit) {
        return Outcome::Skipped(p);
    }
    // A panic in a decoder or an analysis must not stop the batch: the file
    // gets a `photo.internal_error` finding instead.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let res = check_file(path, profile, opts);
        let extra = map(&res);
        (res.item, extra)
    }));
    let (item, extra) = match r {
        Ok((item, extra)) => (item, Some(extra)),
        Err(e) => (unreadable_after_panic(path, e), None),
    };
    Outcome::Item(Box::new(item), extra)
}

/// The item of a file whose check panicked (a bug): `photo.internal_error`.
fn unreadable_after_panic(path: &Path, e: Box<dyn std::any::Any + Send>) -> Item {
    unreadable_item(
        path,
        vec![Finding::error(
            "photo.internal_error",
            PhotoMsg::InternalError {
                detail: crate::error::panic_text(e.as_ref()),
            },
        )],
        None,
    )
}

/// Checks files and folders (folders recursively, entries sorted by path):
/// one item per photo in input order, checked in parallel. Files in folders
/// that are not images (by extension and by content) are reported in
/// `input_errors` as skipped (warning); paths that cannot be read are
/// reported there as errors. One bad file never stops the batch.
/// `progress(done, total)` is called after each file.
pub fn check_paths(
    paths: &[PathBuf],
    profile: &PhotoProfile,
    opts: &CheckOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report> {
    check_paths_map(paths, profile, opts, progress, &|_| ()).map(|(r, _)| r)
}

/// [`check_paths`], also calling `map` on every checked photo's full
/// result (decoded pixels, face analysis) while it is in memory, e.g. to
/// draw an annotated picture or a thumbnail. The second vector is aligned
/// with `report.results` (`None` where a file could not be checked at all).
pub fn check_paths_map<T: Send>(
    paths: &[PathBuf],
    profile: &PhotoProfile,
    opts: &CheckOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    map: &(dyn Fn(&PhotoResult) -> T + Sync),
) -> Result<(Report, Vec<Option<T>>)> {
    use super::walk::Entry;
    let inputs = super::walk::walk(paths, &super::walk::WalkOptions::default());
    let total = inputs
        .iter()
        .filter(|i| matches!(i, Entry::File { .. }))
        .count();
    let done = AtomicUsize::new(0);
    let outcomes: Vec<Outcome<T>> = inputs
        .into_par_iter()
        .map(|inp| match inp {
            Entry::Skipped(p) => Outcome::Skipped(p),
            Entry::File { path, explicit } => {
                let o = check_input(&path, explicit, profile, opts, map);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(n, total);
                o
            }
        })
        .collect();
    let mut report = Report::new("photo check");
    let mut extras = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Item(i, x) => {
                report.results.push(*i);
                extras.push(x);
            }
            Outcome::Skipped(p) => report.input_errors.push(p),
        }
    }
    report.summary_extra.push(("profile", json!(profile.name)));
    Ok((report, extras))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::jpeg::tests::exif_payload;
    use std::collections::BTreeSet;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    fn national() -> PhotoProfile {
        PhotoProfile::builtin("national").unwrap()
    }

    fn no_face() -> CheckOptions {
        CheckOptions {
            face: false,
            ..CheckOptions::default()
        }
    }

    /// Codes owned by the pixel checks (another module): left out of the
    /// exact comparisons here, which are about the file rules.
    const PIXEL_CODES: &[&str] = &[
        "photo.monochrome",
        "photo.background_color",
        "photo.background_uniform",
        "photo.sharpness",
        "photo.exposure",
        "photo.lighting",
        "photo.border",
    ];

    fn codes(item: &Item) -> BTreeSet<&'static str> {
        item.findings
            .iter()
            .map(|f| f.code)
            .filter(|c| !PIXEL_CODES.contains(c))
            .collect()
    }

    fn set(c: &[&'static str]) -> BTreeSet<&'static str> {
        c.iter().copied().collect()
    }

    fn run(name: &str, bytes: &[u8]) -> Item {
        check_bytes_with(Path::new(name), bytes, &national(), &no_face()).item
    }

    fn base_bytes() -> Vec<u8> {
        std::fs::read(fixture("photos/astronaut_ok_white.jpg")).unwrap()
    }

    fn base_image() -> RgbImage {
        image::load_from_memory(&base_bytes()).unwrap().to_rgb8()
    }

    fn encode_rgb(img: &RgbImage, q: u8, progressive: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, q);
        enc.set_progressive(progressive);
        enc.set_density(jpeg_encoder::PixelDensity::dpi(300));
        enc.encode(
            img.as_raw(),
            img.width() as u16,
            img.height() as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap();
        out
    }

    const LO: usize = 20 * 1024;
    const HI: usize = 40 * 1024;

    /// The highest quality in 60..=95 whose file fits 20-40 KB.
    fn encode_fit(img: &RgbImage, progressive: bool) -> Vec<u8> {
        let mut sizes = Vec::new();
        for q in (60..=95u8).rev() {
            let j = encode_rgb(img, q, progressive);
            if (LO..=HI).contains(&j.len()) {
                return j;
            }
            sizes.push((q, j.len()));
        }
        panic!("no quality fits 20-40 KB: {sizes:?}");
    }

    fn noisy(img: &RgbImage, amp: u32) -> RgbImage {
        let mut out = img.clone();
        let mut s: u32 = 12345;
        for p in out.pixels_mut() {
            for c in p.0.iter_mut() {
                s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let n = ((s >> 16) % (2 * amp + 1)) as i32 - amp as i32;
                *c = (*c as i32 + n).clamp(0, 255) as u8;
            }
        }
        out
    }

    /// Inserts an APPn segment after the JFIF APP0.
    fn insert_after_app0(j: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
        assert_eq!(&j[2..4], &[0xFF, 0xE0]);
        let app0_end = 4 + u16::from_be_bytes([j[4], j[5]]) as usize;
        let mut out = j[..app0_end].to_vec();
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&j[app0_end..]);
        out
    }

    fn set_jfif(j: &mut [u8], units: u8, x: u16, y: u16) {
        crate::photo::jpeg::tests::set_jfif(j, units, x, y)
    }

    #[test]
    fn real_fixture_file_rules_pass() {
        let item = run("astronaut_ok_white.jpg", &base_bytes());
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));
        assert_eq!(item.verdict, "fail"); // geometry not measured: never a silent pass
        let m = item.get("measurements").unwrap();
        for k in MEASUREMENT_KEYS {
            assert!(m.get(*k).is_some(), "{k}");
        }
        assert_eq!(m["width"], 480);
        assert_eq!(m["height"], 640);
        assert_eq!(m["dpi_x"], 300.0);
        assert_eq!(m["dpi_y"], 300.0);
        assert!(m["quality"].as_u64().unwrap() >= 60);
        assert_eq!(m["progressive"], false);
        assert_eq!(m["trailing_bytes"], 0);
    }

    #[test]
    fn upper_case_extension_is_accepted() {
        let item = run("X.JPG", &base_bytes());
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));
    }

    #[test]
    fn jpeg_extension_fails_national() {
        let item = run("photo.jpeg", &base_bytes());
        assert_eq!(
            codes(&item),
            set(&["photo.extension", "photo.geometry_unmeasured"])
        );
        // ...but .jpeg is fine for an ID attachment (no geometry there).
        let a = PhotoProfile::builtin("id-attachment").unwrap();
        let item = check_bytes_with(Path::new("photo.jpeg"), &base_bytes(), &a, &no_face()).item;
        assert_eq!(codes(&item), set(&[]));
        assert_eq!(item.verdict, "pass");
    }

    #[test]
    fn quality_below_60() {
        let img = base_image();
        let mut found = None;
        for amp in [4u32, 8, 12, 16, 24, 32, 48] {
            let j = encode_rgb(&noisy(&img, amp), 50, false);
            if (LO..=HI).contains(&j.len()) {
                found = Some(j);
                break;
            }
        }
        let j = found.expect("a q50 file in 20-40 KB");
        let item = run("q50.jpg", &j);
        assert_eq!(
            codes(&item),
            set(&["photo.quality", "photo.geometry_unmeasured"])
        );
        let f = item
            .findings
            .iter()
            .find(|f| f.code == "photo.quality")
            .unwrap();
        assert_eq!(f.measured, 50);
        let m = item.get("measurements").unwrap();
        assert_eq!(m["quality_method"], "exact");
    }

    #[test]
    fn dpi_72_missing_and_conflict() {
        let mut j = base_bytes();
        set_jfif(&mut j, 1, 72, 72);
        let item = run("a.jpg", &j);
        assert_eq!(
            codes(&item),
            set(&["photo.dpi", "photo.geometry_unmeasured"])
        );
        assert_eq!(item.get("measurements").unwrap()["dpi_x"], 72.0);

        let mut j = base_bytes();
        set_jfif(&mut j, 0, 1, 1);
        let item = run("a.jpg", &j);
        assert_eq!(
            codes(&item),
            set(&["photo.dpi", "photo.geometry_unmeasured"])
        );
        let f = item
            .findings
            .iter()
            .find(|f| f.code == "photo.dpi")
            .unwrap();
        assert!(matches!(
            f.message,
            crate::Msg::Photo(PhotoMsg::DpiMissing { .. })
        ));
        assert_eq!(item.get("measurements").unwrap()["dpi_x"], Value::Null);

        // JFIF 300, EXIF 72: a conflict.
        for be in [false, true] {
            let j = insert_after_app0(&base_bytes(), 0xE1, &exif_payload(be, (72, 1), 2, 1, false));
            let item = run("a.jpg", &j);
            assert_eq!(
                codes(&item),
                set(&["photo.dpi", "photo.geometry_unmeasured"])
            );
            let f = item
                .findings
                .iter()
                .find(|f| f.code == "photo.dpi")
                .unwrap();
            assert!(matches!(
                f.message,
                crate::Msg::Photo(PhotoMsg::DpiConflict { .. })
            ));
        }

        // JFIF none, EXIF 300 dpi in centimetres (118.11/cm): fine.
        let mut j = base_bytes();
        set_jfif(&mut j, 0, 1, 1);
        let j = insert_after_app0(&j, 0xE1, &exif_payload(true, (11811, 100), 3, 1, false));
        let item = run("a.jpg", &j);
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));

        // JFIF 300 and EXIF 300: agree.
        let j = insert_after_app0(
            &base_bytes(),
            0xE1,
            &exif_payload(false, (300, 1), 2, 1, true),
        );
        let item = run("a.jpg", &j);
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));
        assert_eq!(item.get("measurements").unwrap()["metadata"]["gps"], true);

        // JFIF in dots per cm: 118 dpcm = 299.7 dpi, accepted.
        let mut j = base_bytes();
        set_jfif(&mut j, 2, 118, 118);
        let item = run("a.jpg", &j);
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));
    }

    #[test]
    fn exif_rotated_is_an_error() {
        let j = insert_after_app0(
            &base_bytes(),
            0xE1,
            &exif_payload(false, (300, 1), 2, 6, false),
        );
        let item = run("a.jpg", &j);
        assert_eq!(
            codes(&item),
            set(&["photo.orientation", "photo.geometry_unmeasured"])
        );
        let f = item
            .findings
            .iter()
            .find(|f| f.code == "photo.orientation")
            .unwrap();
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.measured, 6);
    }

    /// A photo saved sideways (stored pixels turned a quarter, EXIF
    /// orientation 6 or 8 to turn them upright) is measured upright: same
    /// face geometry and background as the upright photo, plus
    /// `photo.orientation` (error) and the stored frame's dimensions.
    #[test]
    fn exif_rotated_photo_is_measured_upright() {
        let up = base_image();
        let upright = check_bytes(Path::new("a.jpg"), &encode_fit(&up, false), &national()).item;
        let m_up = upright.get("measurements").unwrap().clone();
        for (tag, stored) in [
            (6u16, image::imageops::rotate270(&up)),
            (8, image::imageops::rotate90(&up)),
        ] {
            let j = insert_after_app0(
                &encode_fit(&stored, false),
                0xE1,
                &exif_payload(false, (300, 1), 2, tag, false),
            );
            let item = check_bytes(Path::new("a.jpg"), &j, &national()).item;
            let all: BTreeSet<&str> = item.findings.iter().map(|f| f.code).collect();
            // and fix-size can repair both (photo.fixable, information)
            assert_eq!(
                all,
                set(&["photo.orientation", "photo.dimensions", "photo.fixable"]),
                "tag {tag}: {:?}",
                item.findings
            );
            let f = item
                .findings
                .iter()
                .find(|f| f.code == "photo.orientation")
                .unwrap();
            assert_eq!(f.severity, Severity::Error);
            assert!(f.message.render(crate::Lang::En).contains("fix-size"));
            assert!(f.message.render(crate::Lang::Zh).contains("fix-size"));
            let m = item.get("measurements").unwrap();
            for k in [
                "eye_left_y",
                "eye_right_y",
                "face_center_x",
                "face_width",
                "head_top",
            ] {
                let (a, b) = (m[k].as_f64().unwrap(), m_up[k].as_f64().unwrap());
                assert!((a - b).abs() <= 2.0, "tag {tag} {k}: {a} vs upright {b}");
            }
        }
    }

    fn encode_other(img: &RgbImage, color: jpeg_encoder::ColorType) -> Vec<u8> {
        let bpp = if color == jpeg_encoder::ColorType::Luma {
            1
        } else {
            4
        };
        let mut data = Vec::with_capacity(img.len() / 3 * bpp);
        for p in img.pixels() {
            let [r, g, b] = p.0;
            if bpp == 1 {
                data.push(((r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000) as u8);
            } else {
                let k = 255 - r.max(g).max(b);
                data.extend_from_slice(&[255 - r - k, 255 - g - k, 255 - b - k, k]);
            }
        }
        for q in (60..=95u8).rev() {
            let mut out = Vec::new();
            let mut enc = jpeg_encoder::Encoder::new(&mut out, q);
            enc.set_density(jpeg_encoder::PixelDensity::dpi(300));
            enc.encode(&data, img.width() as u16, img.height() as u16, color)
                .unwrap();
            if (LO..=HI).contains(&out.len()) {
                return out;
            }
        }
        panic!("no size fit");
    }

    #[test]
    fn grayscale_and_cmyk() {
        let img = base_image();
        let g = encode_other(&img, jpeg_encoder::ColorType::Luma);
        let item = run("g.jpg", &g);
        assert_eq!(
            codes(&item),
            set(&["photo.color_depth", "photo.geometry_unmeasured"])
        );
        assert_eq!(item.get("measurements").unwrap()["components"], 1);
        let c = encode_other(&img, jpeg_encoder::ColorType::Cmyk);
        let item = run("c.jpg", &c);
        let mut exp = set(&["photo.color_depth"]);
        // A CMYK file the decoder cannot turn into RGB is also unreadable.
        if item.has_code("photo.unreadable") {
            exp.insert("photo.unreadable");
        } else {
            exp.insert("photo.geometry_unmeasured");
        }
        assert_eq!(codes(&item), exp);
        assert_eq!(item.get("measurements").unwrap()["components"], 4);
    }

    #[test]
    fn png_renamed_jpg() {
        let img = base_image();
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let item = run("photo.jpg", &png);
        let mut exp = set(&["photo.format", "photo.dpi", "photo.geometry_unmeasured"]);
        if !(LO..=HI).contains(&png.len()) {
            exp.insert("photo.file_size");
        }
        assert_eq!(codes(&item), exp);
        assert_eq!(item.get("measurements").unwrap()["format"], "png");
        assert_eq!(item.get("measurements").unwrap()["width"], 480);
    }

    #[test]
    fn wrong_dimensions_481() {
        let img = base_image();
        let mut wide = RgbImage::new(481, 640);
        for (x, y, p) in wide.enumerate_pixels_mut() {
            *p = *img.get_pixel(x.min(479), y);
        }
        let j = encode_fit(&wide, false);
        let item = run("w.jpg", &j);
        assert_eq!(
            codes(&item),
            set(&["photo.dimensions", "photo.geometry_unmeasured"])
        );
        let f = item
            .findings
            .iter()
            .find(|f| f.code == "photo.dimensions")
            .unwrap();
        assert_eq!(f.measured, json!({"width": 481, "height": 640}));
    }

    #[test]
    fn progressive_is_reported_not_failed() {
        let j = encode_fit(&base_image(), true);
        let item = run("p.jpg", &j);
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));
        let m = item.get("measurements").unwrap();
        assert_eq!(m["progressive"], true);
        assert_eq!(m["process"], "progressive");
    }

    #[test]
    fn truncated_zero_and_garbage() {
        let j = base_bytes();
        let item = run("t.jpg", &j[..j.len() / 2]);
        assert_eq!(codes(&item), set(&["photo.unreadable", "photo.file_size"]));
        // Cut just before EOI: still truncated, even if a decoder would cope.
        let item = run("t.jpg", &j[..j.len() - 2]);
        assert_eq!(codes(&item), set(&["photo.unreadable"]));

        let item = run("z.jpg", &[]);
        assert_eq!(codes(&item), set(&["photo.unreadable", "photo.file_size"]));
        assert_eq!(item.get("measurements").unwrap()["bytes"], 0);

        let item = run("notes.jpg", b"hello, this is not a photo");
        assert_eq!(codes(&item), set(&["photo.unreadable", "photo.file_size"]));

        let item = run("page.jpg", b"<!DOCTYPE html><html><body>404</body></html>");
        assert_eq!(codes(&item), set(&["photo.format", "photo.file_size"]));

        // Bytes after EOI are reported, not failed.
        let mut j2 = base_bytes();
        j2.extend_from_slice(&[0u8; 100]);
        let item = run("tail.jpg", &j2);
        assert_eq!(codes(&item), set(&["photo.geometry_unmeasured"]));
        assert_eq!(item.get("measurements").unwrap()["trailing_bytes"], 100);
    }

    #[test]
    fn file_size_window_is_kib() {
        let p = national();
        let j = base_bytes();
        // Pad with trailing bytes to exactly 40 KiB, then one more.
        let mut at = j.clone();
        at.resize(40 * 1024, 0);
        let item = check_bytes_with(Path::new("a.jpg"), &at, &p, &no_face()).item;
        assert!(!item.has_code("photo.file_size"));
        at.push(0);
        let item = check_bytes_with(Path::new("a.jpg"), &at, &p, &no_face()).item;
        assert!(item.has_code("photo.file_size"));
    }

    #[test]
    fn huge_header_is_not_decoded() {
        // A structurally complete JPEG claiming 65000x65000.
        let mut j = vec![0xFF, 0xD8];
        j.extend_from_slice(&[0xFF, 0xDB, 0, 67, 0]);
        j.extend_from_slice(&[1u8; 64]);
        j.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8, 0xFD, 0xE8, 0xFD, 0xE8, 3]);
        for id in 1..=3u8 {
            j.extend_from_slice(&[id, 0x11, 0]);
        }
        j.extend_from_slice(&[0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0, 3, 0, 0, 63, 0]);
        j.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
        let item = run("huge.jpg", &j);
        assert_eq!(
            codes(&item),
            set(&[
                "photo.unreadable",
                "photo.file_size",
                "photo.dimensions",
                "photo.dpi"
            ])
        );
        let f = item
            .findings
            .iter()
            .find(|f| f.code == "photo.unreadable")
            .unwrap();
        assert!(matches!(
            f.message,
            crate::Msg::Photo(PhotoMsg::TooLarge { .. })
        ));
    }

    #[test]
    fn guangdong_upload_rules() {
        let u = PhotoProfile::builtin("guangdong-upload").unwrap();
        let item = check_bytes_with(Path::new("a.jpg"), &base_bytes(), &u, &no_face()).item;
        // 480x640 and under 50 KB: both upload minimums fail.
        assert_eq!(
            codes(&item),
            set(&[
                "photo.dimensions",
                "photo.file_size",
                "photo.geometry_unmeasured"
            ])
        );
    }

    #[test]
    fn geometry_from_face_analysis() {
        use crate::face::{FaceAnalysis, FaceBox, FaceGeometry, Point};
        let fb = FaceBox {
            x: 140.0,
            y: 150.0,
            width: 200.0,
            height: 200.0,
            score: 10.0,
        };
        let geo = |head: Option<f32>, ey: f32, w: f32, cx: f32, tilt: f32| FaceGeometry {
            face_box: fb,
            landmarks: [Point::default(); 5],
            eye_left: Point {
                x: cx - 45.0,
                y: ey,
            },
            eye_right: Point {
                x: cx + 45.0,
                y: ey,
            },
            head_top: head,
            head_cut: false,
            head_top_estimated: false,
            head_top_proportional: 0.0,
            face_width: Some(w),
            face_left_x: None,
            face_right_x: None,
            face_center_x: cx,
            tilt_deg: tilt,
        };
        let p = national();
        let eval = |fa: FaceAnalysis, w: u32, h: u32| {
            let mut b = Builder {
                profile: &p,
                findings: vec![],
                m: Map::new(),
            };
            check_geometry(&mut b, &fa, w, h);
            b.findings.iter().map(|f| f.code).collect::<BTreeSet<_>>()
        };
        let one = |g| FaceAnalysis {
            faces: vec![fb],
            primary: Some(g),
        };
        assert_eq!(
            eval(one(geo(Some(80.0), 260.0, 220.0, 240.0, 1.0)), 480, 640),
            set(&[])
        );
        // Edges are inclusive.
        assert_eq!(
            eval(one(geo(Some(50.0), 300.0, 180.0, 264.0, 8.0)), 480, 640),
            set(&[])
        );
        assert_eq!(
            eval(one(geo(Some(49.0), 301.0, 179.0, 265.0, 9.0)), 480, 640),
            set(&[
                "photo.head_top",
                "photo.eye_position",
                "photo.face_width",
                "photo.centered",
                "photo.head_tilt"
            ])
        );
        assert_eq!(
            eval(one(geo(None, 260.0, 220.0, 240.0, 0.0)), 480, 640),
            set(&["photo.head_top"])
        );
        // Scaled to the 480x640 frame: a 960x1280 image with doubled geometry passes.
        assert_eq!(
            eval(one(geo(Some(160.0), 520.0, 440.0, 480.0, 0.0)), 960, 1280),
            set(&[])
        );
        // No face, two faces.
        assert_eq!(
            eval(
                FaceAnalysis {
                    faces: vec![],
                    primary: None
                },
                480,
                640
            ),
            set(&["photo.face_count"])
        );
        let mut two = one(geo(Some(80.0), 260.0, 220.0, 240.0, 0.0));
        two.faces.push(fb);
        assert_eq!(eval(two, 480, 640), set(&["photo.face_count"]));
    }

    #[derive(serde::Deserialize)]
    struct Ref {
        file: String,
        expected_findings: Vec<String>,
        expected_absent: Vec<String>,
    }

    const FILE_CODES: &[&str] = &[
        "photo.unreadable",
        "photo.format",
        "photo.extension",
        "photo.file_size",
        "photo.dimensions",
        "photo.dpi",
        "photo.color_depth",
        "photo.quality",
        "photo.orientation",
    ];

    #[test]
    fn real_photos_with_reference() {
        let text = std::fs::read_to_string(fixture("photos/reference.json")).unwrap();
        let refs: Vec<Ref> = serde_json::from_str(&text).unwrap();
        let p = national();
        let paths: Vec<PathBuf> = refs
            .iter()
            .map(|r| fixture("photos").join(&r.file))
            .collect();
        let report = check_paths(&paths, &p, &CheckOptions::default(), &|_, _| {}).unwrap();
        assert_eq!(report.results.len(), refs.len());
        for (r, item) in refs.iter().zip(&report.results) {
            assert!(item
                .get("path")
                .unwrap()
                .as_str()
                .unwrap()
                .ends_with(&r.file));
            let c = codes(item);
            let is_png = r.file.ends_with(".png");
            if !is_png {
                let file_level: Vec<_> = c.iter().filter(|x| FILE_CODES.contains(x)).collect();
                assert!(file_level.is_empty(), "{}: {file_level:?}", r.file);
            }
            if c.contains("photo.geometry_unmeasured") {
                continue; // face engine not available in this build
            }
            for e in &r.expected_findings {
                assert!(
                    c.contains(e.as_str()),
                    "{}: expected {e}, got {c:?}",
                    r.file
                );
            }
            for e in &r.expected_absent {
                assert!(!c.contains(e.as_str()), "{}: unexpected {e}", r.file);
            }
        }
    }

    #[test]
    fn paths_folders_order_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("b.jpg"), base_bytes()).unwrap();
        std::fs::write(d.join("a.txt"), b"notes").unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/c.JPG"), b"").unwrap();
        // An image without an image extension is still checked.
        std::fs::write(d.join("sub/d.dat"), base_bytes()).unwrap();
        std::fs::create_dir(d.join("empty")).unwrap();
        let explicit_txt = d.join("a.txt");
        let missing = d.join("missing.jpg");
        let calls = AtomicUsize::new(0);
        let report = check_paths(
            &[d.to_path_buf(), explicit_txt.clone(), missing.clone()],
            &national(),
            &no_face(),
            &|_, total| {
                assert_eq!(total, 5);
                calls.fetch_add(1, Ordering::Relaxed);
            },
        )
        .unwrap();
        assert_eq!(calls.load(Ordering::Relaxed), 5);
        let names: Vec<String> = report
            .results
            .iter()
            .map(|i| i.get("path").unwrap().as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                d.join("b.jpg").display().to_string(),
                d.join("sub/c.JPG").display().to_string(),
                d.join("sub/d.dat").display().to_string(),
                explicit_txt.display().to_string(),
            ]
        );
        assert!(report.results[1].has_code("photo.unreadable"));
        assert!(report.results[2].has_code("photo.extension"));
        assert!(report.results[3].has_code("photo.unreadable"));
        // a.txt inside the folder: skipped with a warning; missing path: error.
        assert_eq!(report.input_errors.len(), 2);
        assert_eq!(report.input_errors[0].file, d.join("a.txt"));
        assert_eq!(report.input_errors[0].severity, Severity::Warning);
        assert_eq!(report.input_errors[1].file, missing);
        assert_eq!(report.input_errors[1].severity, Severity::Error);
        assert_eq!(report.exit_code(), 1);
        let js = report.to_json(crate::Lang::En);
        assert_eq!(js["summary"]["profile"], "national");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Mutated and cut real photos never panic the pipeline.
        #[test]
        fn mutated_photos_never_panic(pos in 0usize..40000, byte in proptest::num::u8::ANY, cut in 0usize..40000) {
            let mut j = base_bytes();
            let p = pos % j.len();
            j[p] = byte;
            let c = cut % (j.len() + 1);
            let a = run("m.jpg", &j);
            let b = run("m.jpg", &j[..c]);
            proptest::prop_assert!(a.verdict == "fail" && b.verdict == "fail");
        }
    }

    /// Prints example items (run with `-- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn print_examples() {
        let mut j = base_bytes();
        set_jfif(&mut j, 1, 72, 72);
        for (n, b) in [("ok.jpg", base_bytes()), ("dpi72.jpg", j)] {
            let item = run(n, &b);
            println!(
                "{}",
                serde_json::to_string_pretty(&item.to_json(crate::Lang::En)).unwrap()
            );
            println!(
                "{}",
                serde_json::to_string(&item.to_json(crate::Lang::Zh)).unwrap()
            );
        }
    }
}

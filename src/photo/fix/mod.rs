//! `zikao photo fix-size`: makes a compliant photo from an ordinary one by
//! cropping and scaling only (spec photo.md, "fix-size"; seed 000 lines
//! 97-103 and 133-136).
//!
//! For each photo: decode it and apply its EXIF orientation; find the
//! face with the geometry engine; choose one crop rectangle of the
//! output's aspect and one scale so that head top, eye line, face width and
//! centring land inside their ranges, aiming for the middle of each
//! ([`plan`]); resize with Lanczos3; encode a baseline JPEG with the
//! standard quantisation tables at the highest quality (>= the profile's
//! minimum) whose file fits the size window ([`encode`]); check the result
//! with `photo check`; write it atomically. A photo whose geometry and
//! pixels are already compliant is only re-encoded (or, when the file is
//! compliant too, only stripped of metadata). Anything that cannot be made
//! compliant is refused with the reason, and nothing is written.
//!
//! Never: mirror, rotate beyond the EXIF orientation, retouch, add a
//! border, or invent pixels (except the plain background behind
//! `--pad-background`, which the report states).

pub mod encode;
pub mod msg;
pub mod orient;
mod pad;
pub mod plan;
pub mod target;

use crate::text::round_to;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::finding::{Finding, InputProblem, Item, Report, Severity};
use crate::photo::profile::PhotoProfile;
use crate::{Error, Result};

pub use msg::{Edge, FixMsg};
pub use plan::{Margins, PadAllowance, Plan, PlanError, SourceGeometry};
pub use target::{Range, Target};

use encode::SizeError;

/// Options of `photo fix-size`.
#[derive(Clone, Debug, PartialEq)]
pub struct FixOptions {
    /// Overwrite existing outputs.
    pub force: bool,
    /// Largest enlargement allowed (output pixels per source pixel).
    /// Default 1.25: beyond that the enlarged face is visibly soft, and
    /// the photo is refused as "face too small".
    pub max_upscale: f64,
    /// Allow extending the top, left or right edge with the photo's own
    /// plain background colour (measured along that edge) when the person
    /// is too close to it. Off by default; the report says when it was used.
    pub pad_background: bool,
    /// Margins kept inside each range when a range limits the choice.
    pub margins: Margins,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            force: false,
            max_upscale: 1.25,
            pad_background: false,
            margins: Margins::default(),
        }
    }
}

/// What was done to a photo that could be fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Cropped and scaled, then encoded.
    Fixed,
    /// Same pixels, encoded again (file-level problems only).
    Reencoded,
    /// Already compliant; compressed data kept, metadata removed.
    Kept,
}

impl Action {
    /// The verdict word of the report.
    pub fn verdict(&self) -> &'static str {
        match self {
            Action::Fixed => "fixed",
            Action::Reencoded => "reencoded",
            Action::Kept => "kept",
        }
    }
}

/// A fixed photo, ready to be written.
#[derive(Clone, Debug, PartialEq)]
pub struct FixOutcome {
    pub action: Action,
    /// The output file.
    pub bytes: Vec<u8>,
    /// The crop used (upright source pixels), when cropped.
    pub plan: Option<Plan>,
    /// JPEG quality of the output (as encoded, or as estimated when kept).
    pub quality: Option<u8>,
    /// What was done, as info findings (orientation, crop, encoding,
    /// metadata), plus the check's warnings on the result.
    pub findings: Vec<Finding>,
    /// Language-independent details for the report.
    pub extra: Vec<(&'static str, Value)>,
}

/// Why a photo was not fixed: error findings (and any details).
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub findings: Vec<Finding>,
    pub extra: Vec<(&'static str, Value)>,
}

impl Refusal {
    fn one(code: &'static str, m: FixMsg) -> Refusal {
        Refusal {
            findings: vec![Finding::error(code, m)],
            extra: Vec::new(),
        }
    }
    fn measured(mut self, v: Value) -> Self {
        if let Some(f) = self.findings.last_mut() {
            f.measured = v;
        }
        self
    }
    fn expected(mut self, v: Value) -> Self {
        if let Some(f) = self.findings.last_mut() {
            f.expected = v;
        }
        self
    }
}

impl From<FixMsg> for crate::msg::Msg {
    fn from(m: FixMsg) -> Self {
        crate::msg::Msg::PhotoFix(m)
    }
}

/// Longest side of the overview image the face is first found on.
const OVERVIEW_SIDE: u32 = 800;

/// File-level finding codes: problems a re-encode of the same pixels
/// repairs (size, density, quality, container format, extension,
/// orientation tag, colour model, pixel count when only the orientation
/// tag swaps it).
const FILE_LEVEL: &[&str] = &[
    "photo.file_size",
    "photo.dpi",
    "photo.quality",
    "photo.format",
    "photo.extension",
    "photo.orientation",
    "photo.color_depth",
    "photo.dimensions",
];

/// Makes one photo compliant with `profile`, or says why it cannot be.
/// A profile fix-size cannot aim at (no exact size or no geometry) is
/// refused with `fix.profile`.
pub fn fix_image(
    bytes: &[u8],
    profile: &PhotoProfile,
    opts: &FixOptions,
) -> std::result::Result<FixOutcome, Refusal> {
    let target = Target::from_profile(profile).map_err(|e| {
        Refusal::one(
            "fix.profile",
            FixMsg::Unusable {
                reason: e.to_string(),
            },
        )
    })?;
    fix_for(bytes, &target, opts)
}

/// [`fix_image`] for an already built target: a file that only needs
/// its metadata or encoding repaired is kept or re-encoded as it is;
/// otherwise the face is measured, the crop planned (and refined on the
/// output), and the result encoded and checked.
pub fn fix_for(
    bytes: &[u8],
    target: &Target,
    opts: &FixOptions,
) -> std::result::Result<FixOutcome, Refusal> {
    refuse_undecoded_format(bytes)?;
    let photo = orient::decode(bytes)
        .map_err(|reason| Refusal::one("photo.unreadable", FixMsg::Unreadable { reason }))?;
    let (uw, uh) = photo.upright_size();
    let metadata = encode::metadata_blocks(bytes);
    let mut info: Vec<Finding> = Vec::new();
    if photo.exif_orientation != 1 {
        info.push(
            Finding::info(
                "fix.orientation",
                FixMsg::OrientationApplied {
                    exif: photo.exif_orientation,
                },
            )
            .measured(photo.exif_orientation),
        );
    }
    if (uw, uh) == (target.width, target.height) {
        if let Some(done) = repair_file_only(bytes, &photo, target, &info, &metadata) {
            return Ok(done);
        }
    }
    let (out, used, pad) = crop_and_scale(&photo, target, opts)?;
    let enc = encode_and_check(&out, target)?;
    let mut findings = info;
    let pads = pad.used_by(&used, uw);
    if !pads.is_empty() {
        findings.push(
            Finding::warning(
                "fix.padded",
                FixMsg::Padded {
                    edges: pads.iter().map(|(e, _)| *e).collect(),
                    px: pads.iter().map(|(_, p)| *p).fold(0.0, f64::max) as f32,
                    rgb: pad.rgb,
                },
            )
            .measured(json!(pads
                .iter()
                .map(|(_, p)| round_to(*p, 1))
                .collect::<Vec<_>>())),
        );
    }
    findings.push(
        Finding::info(
            "fix.cropped",
            FixMsg::Cropped {
                x: used.x as f32,
                y: used.y as f32,
                w: used.width as f32,
                h: used.height as f32,
                scale: used.scale as f32,
            },
        )
        .measured(json!([
            round_to(used.x, 1),
            round_to(used.y, 1),
            round_to(used.width, 1),
            round_to(used.height, 1)
        ])),
    );
    findings.extend(enc.findings);
    if !metadata.is_empty() {
        findings.push(metadata_finding(&metadata));
    }
    let mut extra = vec![
        (
            "crop",
            json!({"x": round_to(used.x, 1), "y": round_to(used.y, 1), "width": round_to(used.width, 1), "height": round_to(used.height, 1)}),
        ),
        ("scale", json!(round_to(used.scale, 4))),
        (
            "planned",
            json!({"head_top": round_to(used.head_top as f64, 1), "eye_y": round_to(used.eye_y as f64, 1),
                   "face_width": round_to(used.face_width as f64, 1), "center_x": round_to(used.center_x as f64, 1)}),
        ),
    ];
    extra.extend(enc.extra);
    extra.push(("metadata_removed", json!(metadata)));
    Ok(FixOutcome {
        action: Action::Fixed,
        bytes: enc.bytes,
        plan: Some(used),
        quality: Some(enc.quality),
        findings,
        extra,
    })
}

/// An image of a format that is not decoded here (HEIC from an iPhone,
/// WebP, GIF...) gets its name and what to do, not a decoder error.
fn refuse_undecoded_format(bytes: &[u8]) -> std::result::Result<(), Refusal> {
    use crate::photo::jpeg::{self, Sniffed};
    let sniffed = jpeg::sniff(bytes);
    if matches!(
        sniffed,
        Sniffed::Jpeg | Sniffed::Png | Sniffed::Unknown | Sniffed::Empty
    ) {
        return Ok(());
    }
    Err(Refusal::one(
        "photo.format",
        FixMsg::FormatNotDecoded {
            format: sniffed.name(),
        },
    )
    .measured(json!(sniffed.key())))
}

/// A photo already of the output's size whose pixels pass: kept (only its
/// metadata stripped) when the file then passes and lands in the size
/// window, or re-encoded when only file-level rules fail. `None`: the
/// pixels need cropping.
fn repair_file_only(
    bytes: &[u8],
    photo: &orient::Photo,
    target: &Target,
    info: &[Finding],
    metadata: &[String],
) -> Option<FixOutcome> {
    let input = target::check(bytes, target);
    if input.pass && photo.exif_orientation == 1 {
        if let Some(stripped) = encode::strip_metadata(bytes) {
            let again = target::check(&stripped, target);
            let aimed =
                (target.aim_min_bytes..=target.aim_max_bytes).contains(&(stripped.len() as u64));
            if again.pass && aimed {
                let mut findings = info.to_vec();
                findings.push(Finding::info("fix.kept", FixMsg::Kept));
                if !metadata.is_empty() {
                    findings.push(metadata_finding(metadata));
                }
                findings.extend(again.warnings());
                let quality = again.quality;
                let extra = vec![
                    ("bytes", json!(stripped.len())),
                    ("quality", json!(quality)),
                    ("metadata_removed", json!(metadata)),
                ];
                return Some(FixOutcome {
                    action: Action::Kept,
                    bytes: stripped,
                    plan: None,
                    quality,
                    findings,
                    extra,
                });
            }
        }
    }
    let only_file = input
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .all(|f| FILE_LEVEL.contains(&f.code));
    if !only_file {
        return None;
    }
    let out = encode_and_check(&photo.upright(), target).ok()?;
    let mut findings = info.to_vec();
    findings.push(Finding::info("fix.reencoded", FixMsg::ReencodedOnly));
    findings.extend(out.findings);
    if !metadata.is_empty() {
        findings.push(metadata_finding(metadata));
    }
    let mut extra = out.extra;
    extra.push(("metadata_removed", json!(metadata)));
    Some(FixOutcome {
        action: Action::Reencoded,
        bytes: out.bytes,
        plan: None,
        quality: Some(out.quality),
        findings,
        extra,
    })
}

/// Finds the face on an overview of the upright photo, plans the crop,
/// renders it, then measures the output at its own resolution and
/// re-plans once when that moves the crop by more than a pixel. Returns
/// the output pixels, the plan used and the padding allowed.
fn crop_and_scale(
    photo: &orient::Photo,
    target: &Target,
    opts: &FixOptions,
) -> std::result::Result<(image::RgbImage, plan::Plan, pad::Padding), Refusal> {
    let (uw, uh) = photo.upright_size();
    let (overview, kx, ky) = photo
        .overview(OVERVIEW_SIDE)
        .map_err(|reason| Refusal::one("photo.unreadable", FixMsg::Unreadable { reason }))?;
    let found = measure(&overview)?;
    let g0 = SourceGeometry {
        eye_left_y: (found.eye_left_y as f64 / ky) as f32,
        eye_right_y: (found.eye_right_y as f64 / ky) as f32,
        head_top: (found.head_top as f64 / ky) as f32,
        face_width: (found.face_width as f64 / kx) as f32,
        center_x: (found.center_x as f64 / kx) as f32,
    };
    let pad = if opts.pad_background {
        pad::Padding::measure(&overview, kx, ky)
    } else {
        pad::Padding::none()
    };
    let plan_for = |g: &SourceGeometry| {
        plan::plan(
            g,
            uw,
            uh,
            target,
            &opts.margins,
            opts.max_upscale,
            &pad.allowance,
        )
    };
    let plan1 = plan_for(&g0).map_err(|e| plan_refusal(e, &g0))?;
    let mut out = pad::render(photo, &plan1, target, &pad)
        .map_err(|reason| Refusal::one("photo.unreadable", FixMsg::Unreadable { reason }))?;
    let mut used = plan1;
    if let Ok(found2) = measure(&out) {
        let g1 = SourceGeometry::from_output(&found2, &plan1);
        if let Ok(plan2) = plan_for(&g1) {
            let moved = ((plan2.x - plan1.x) * plan2.scale).abs()
                + ((plan2.y - plan1.y) * plan2.scale).abs()
                + ((plan2.width - plan1.width) * plan2.scale).abs();
            if moved > 1.0 {
                if let Ok(o2) = pad::render(photo, &plan2, target, &pad) {
                    out = o2;
                    used = plan2;
                }
            }
        }
    }
    Ok((out, used, pad))
}

fn metadata_finding(blocks: &[String]) -> Finding {
    Finding::info(
        "fix.metadata_removed",
        FixMsg::MetadataRemoved {
            blocks: blocks.join(", "),
        },
    )
    .measured(json!(blocks))
}

struct Encoded {
    bytes: Vec<u8>,
    quality: u8,
    findings: Vec<Finding>,
    extra: Vec<(&'static str, Value)>,
}

/// Quality search, then the check; a result that would not pass is
/// refused.
fn encode_and_check(
    img: &image::RgbImage,
    target: &Target,
) -> std::result::Result<Encoded, Refusal> {
    let search = |min, max| {
        encode::search_quality(
            img.as_raw(),
            img.width(),
            img.height(),
            target.dpi,
            target.min_quality,
            min,
            max,
        )
    };
    // inside 20-40 KB under both readings of KB; else, when only the
    // profile's own window can be met, that, with a warning
    let mut outside_aim = false;
    let e = search(target.aim_min_bytes, target.aim_max_bytes)
        .or_else(|first| {
            if (target.aim_min_bytes, target.aim_max_bytes) == (target.min_bytes, target.max_bytes)
            {
                return Err(first);
            }
            outside_aim = true;
            search(target.min_bytes, target.max_bytes)
        })
        .map_err(|e| match e {
            SizeError::TooBig {
                quality,
                bytes,
                max,
            } => Refusal::one(
                "fix.too_big",
                FixMsg::TooBig {
                    quality,
                    bytes,
                    max,
                },
            )
            .measured(json!(bytes))
            .expected(json!({"max": max})),
            SizeError::TooSmall { bytes, min } => {
                Refusal::one("fix.too_small", FixMsg::TooSmall { bytes, min })
                    .measured(json!(bytes))
                    .expected(json!({"min": min}))
            }
            SizeError::Encoder(reason) => {
                Refusal::one("photo.unreadable", FixMsg::Unreadable { reason })
            }
        })?;
    let checked = target::check(&e.bytes, target);
    if !checked.pass {
        let codes: Vec<&str> = checked
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code)
            .collect();
        let mut findings = vec![Finding::error(
            "fix.result_fails",
            FixMsg::ResultFails {
                codes: codes.join(", "),
            },
        )
        .measured(json!(codes))];
        findings.extend(checked.findings);
        return Err(Refusal {
            findings,
            extra: Vec::new(),
        });
    }
    let mut findings = vec![Finding::info(
        "fix.encoded",
        FixMsg::Encoded {
            quality: e.quality,
            bytes: e.bytes.len() as u64,
        },
    )
    .measured(json!({"quality": e.quality, "bytes": e.bytes.len()}))];
    if outside_aim {
        findings.push(
            Finding::warning(
                "fix.size_window",
                FixMsg::SizeWindow {
                    bytes: e.bytes.len() as u64,
                    min: target.aim_min_bytes,
                    max: target.aim_max_bytes,
                },
            )
            .measured(json!(e.bytes.len()))
            .expected(json!({"min": target.aim_min_bytes, "max": target.aim_max_bytes})),
        );
    }
    findings.extend(checked.warnings());
    let extra = vec![
        ("quality", json!(e.quality)),
        ("bytes", json!(e.bytes.len())),
        ("chroma", json!(e.sampling.as_str())),
    ];
    Ok(Encoded {
        bytes: e.bytes,
        quality: e.quality,
        findings,
        extra,
    })
}

/// Measures the one face of an upright image.
fn measure(img: &image::RgbImage) -> std::result::Result<SourceGeometry, Refusal> {
    let a = crate::face::analyze(img).map_err(|e| {
        Refusal::one(
            "fix.engine",
            FixMsg::EngineFailed {
                reason: e.to_string(),
            },
        )
    })?;
    source_geometry(&a)
}

/// What the crop planner needs from a face analysis: exactly one face of
/// the subject's size, with its head top and width measured.
fn source_geometry(a: &crate::face::FaceAnalysis) -> std::result::Result<SourceGeometry, Refusal> {
    let Some(p) = &a.primary else {
        return Err(Refusal::one("photo.face_count", FixMsg::NoFace).measured(json!(0)));
    };
    // Other faces of comparable size make the subject ambiguous; small
    // detections far from the subject are left to the check of the result
    // (they are refused there if they end up inside the crop).
    let comparable = a
        .faces
        .iter()
        .filter(|f| f.width >= 0.5 * p.face_box.width)
        .count();
    if comparable > 1 {
        return Err(Refusal::one(
            "photo.face_count",
            FixMsg::SeveralFaces { count: comparable },
        )
        .measured(json!(comparable))
        .expected(json!(1)));
    }
    if p.head_cut {
        return Err(Refusal::one("fix.head_cut", FixMsg::HeadCut));
    }
    let Some(head_top) = p.head_top else {
        return Err(Refusal::one(
            "fix.not_measurable",
            FixMsg::NotMeasurable { what: "head top" },
        ));
    };
    let Some(face_width) = p.face_width else {
        return Err(Refusal::one(
            "fix.not_measurable",
            FixMsg::NotMeasurable { what: "face width" },
        ));
    };
    Ok(SourceGeometry {
        eye_left_y: p.eye_left.y,
        eye_right_y: p.eye_right.y,
        head_top,
        face_width,
        center_x: p.face_center_x,
    })
}

/// Geometry codes a crop and scale repairs.
const CROP_LEVEL: &[&str] = &[
    "photo.head_top",
    "photo.eye_position",
    "photo.face_width",
    "photo.centered",
];

/// Whether `fix-size` repairs a failing photo's finding `code`: a
/// file-level one (re-encoding) or a geometry one (cropping and scaling).
pub fn repairs(code: &str) -> bool {
    FILE_LEVEL.contains(&code) || CROP_LEVEL.contains(&code)
}

/// Whether `fix-size` (default options) can crop and scale a photo with
/// this analysis into `profile`'s frame: one face of its size, head top
/// and width measured, and a crop that meets every range within the
/// source image. The same test fix-size makes on its first pass, from
/// photo check's own measurements (no second analysis).
pub fn could_fix(
    face: &crate::face::FaceAnalysis,
    width: u32,
    height: u32,
    profile: &PhotoProfile,
) -> bool {
    let (Ok(g), Ok(target)) = (source_geometry(face), Target::from_profile(profile)) else {
        return false;
    };
    let o = FixOptions::default();
    plan::plan(
        &g,
        width,
        height,
        &target,
        &o.margins,
        o.max_upscale,
        &PadAllowance::default(),
    )
    .is_ok()
}

fn plan_refusal(e: PlanError, g: &SourceGeometry) -> Refusal {
    match e {
        PlanError::FaceTooSmall { needed, limit } => Refusal::one(
            "fix.face_too_small",
            FixMsg::FaceTooSmall {
                needed: needed as f32,
                limit: limit as f32,
            },
        )
        .measured(json!({"face_width_px": round_to(g.face_width as f64, 1), "upscale_needed": round_to(needed * 100.0, 1) / 100.0}))
        .expected(json!({"max_upscale": limit})),
        PlanError::Proportions => Refusal::one(
            "fix.proportions",
            FixMsg::Proportions {
                head_to_eyes: (g.eye_left_y + g.eye_right_y) / 2.0 - g.head_top,
                face_width: g.face_width,
            },
        ),
        PlanError::TooCloseToEdge { edges, missing } => Refusal::one(
            "fix.too_close_to_edge",
            FixMsg::TooCloseToEdge {
                edges: edges.clone(),
                missing_px: missing as f32,
            },
        )
        .measured(json!({"edges": edges.iter().map(|e| format!("{e:?}").to_lowercase()).collect::<Vec<_>>(), "missing_px": round_to(missing, 1)})),
    }
}

/// Files to process, by the walker `photo check` uses
/// ([`crate::photo::walk`]): given files as they are, folders recursively
/// (sorted), never anything inside `skip` (the output folder). What is not
/// processed (system junk, hidden or junk folders, files that are not
/// images) comes back as input problems, so every file is accounted for.
/// A path given that does not exist is an error (exit 2).
/// A photo to fix and its subfolder below the folder it was found in.
type Input = (PathBuf, PathBuf);

fn collect(paths: &[PathBuf], skip: Option<&Path>) -> Result<(Vec<Input>, Vec<InputProblem>)> {
    use crate::photo::walk::{self, Entry, WalkOptions};
    for p in paths {
        std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
    }
    let opts = WalkOptions {
        skip_dir: skip.map(Path::to_path_buf),
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    // one folder at a time, so that each file's folder below the one given
    // is known: fixed/<that folder>/<stem>.jpg
    for root in paths {
        for e in walk::walk(std::slice::from_ref(root), &opts) {
            match e {
                Entry::File { path, explicit } => match walk::not_an_image(&path, explicit) {
                    Some(p) => skipped.push(p),
                    None => {
                        let sub = path
                            .strip_prefix(root)
                            .ok()
                            .and_then(Path::parent)
                            .map(Path::to_path_buf)
                            .unwrap_or_default();
                        files.push((path, sub));
                    }
                },
                Entry::Skipped(p) => skipped.push(p),
            }
        }
    }
    Ok((files, skipped))
}

/// `zikao photo fix-size`: fixes every photo of `paths` (files, or folders
/// searched recursively) into `out_dir/<original stem>.jpg`. `progress` is
/// called with (done, total) after each photo. Returns an error for a
/// path that does not exist or an output folder that cannot be made
/// (exit 2); otherwise a report with one item per photo: verdict `fixed`,
/// `reencoded` or `kept` (written) or `refused` (nothing written, with the
/// reason).
pub fn fix_paths(
    paths: &[PathBuf],
    out_dir: &Path,
    profile: &PhotoProfile,
    opts: &FixOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report> {
    let target = &Target::from_profile(profile)?;
    // every input exists before the output folder is made (a typo must
    // not leave an empty folder behind)
    for p in paths {
        std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
    }
    let created = !out_dir.exists();
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    // a folder that cannot be written to is one clear error (exit 2)
    // before any work, not one failure per photo
    if let Err(e) = probe_writable(out_dir) {
        if created {
            let _ = std::fs::remove_dir(out_dir);
        }
        return Err(Error::io(out_dir, e));
    }
    let out_canon = out_dir.canonicalize().map_err(|e| Error::io(out_dir, e))?;
    let (inputs, skipped) = collect(paths, Some(&out_canon))?;
    let total = inputs.len();

    // Output names; a later input with an already-used name is refused.
    let mut jobs: Vec<(PathBuf, PathBuf, Option<PathBuf>)> = Vec::with_capacity(total);
    let mut used: std::collections::HashMap<String, PathBuf> = Default::default();
    for (p, sub) in inputs {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "photo".into());
        let name = sub.join(format!("{stem}.jpg"));
        let out = out_dir.join(&name);
        let key = name.to_string_lossy().to_lowercase();
        let clash = used.get(&key).cloned();
        if clash.is_none() {
            used.insert(key, p.clone());
        }
        jobs.push((p, out, clash));
    }

    // an existing output is one exit-2 error before any work, as for -o
    // (issue 17); `--force` replaces them
    if !opts.force {
        if let Some((_, out, _)) = jobs.iter().find(|(_, out, c)| c.is_none() && out.exists()) {
            return Err(Error::OutputExists { path: out.clone() });
        }
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(Item, Option<InputProblem>)> = jobs
        .par_iter()
        .map(|(input, out, clash)| {
            let r = fix_isolated(input, out, clash.as_deref(), target, opts);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            r
        })
        .collect();
    let mut report = Report::new("photo fix-size");
    report.input_errors = skipped;
    let mut written = 0usize;
    for (item, problem) in results {
        if item.ok {
            written += 1;
        }
        report.results.push(item);
        if let Some(p) = problem {
            report.input_errors.push(p);
        }
    }
    if written == 0 && created {
        // nothing written: no empty folder left behind (fails, harmlessly,
        // when something else was put there meanwhile)
        let _ = std::fs::remove_dir(out_dir);
    }
    report.summary_extra.push(("written", json!(written)));
    report
        .summary_extra
        .push(("output_dir", json!(out_dir.display().to_string())));
    report
        .summary_extra
        .push(("profile", json!(target.name.clone())));
    Ok(report)
}

/// Creates and removes a temporary file in `dir`.
fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(
        "{}probe.{}.0",
        crate::output::TMP_PREFIX,
        std::process::id()
    ));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

fn refused(input: &Path, findings: Vec<Finding>, extra: Vec<(&'static str, Value)>) -> Item {
    let mut it = Item::new("refused", false)
        .key("path", input.display().to_string())
        .key("output", Value::Null);
    it.findings = findings;
    it.extra = extra;
    it
}

/// [`fix_one`], with a panic (a bug in a decoder or in fix-size) turned
/// into this file's `fix.internal_error` finding, so that one file never
/// ends the batch. Nothing is written for that file: outputs are written
/// atomically, so a panic before the rename leaves no partial output.
fn fix_isolated(
    input: &Path,
    out: &Path,
    clash: Option<&Path>,
    target: &Target,
    opts: &FixOptions,
) -> (Item, Option<InputProblem>) {
    crate::error::isolated(
        || fix_one(input, out, clash, target, opts),
        |detail| internal_error_item(input, detail),
    )
}

/// The item of a file whose fixing panicked.
fn internal_error_item(input: &Path, detail: String) -> (Item, Option<InputProblem>) {
    let f = Finding::error("fix.internal_error", FixMsg::InternalError { detail });
    (refused(input, vec![f], vec![]), None)
}

fn fix_one(
    input: &Path,
    out: &Path,
    clash: Option<&Path>,
    target: &Target,
    opts: &FixOptions,
) -> (Item, Option<InputProblem>) {
    if let Some(other) = clash {
        let f = Finding::error(
            "fix.name_clash",
            FixMsg::NameClash {
                other: other.display().to_string(),
            },
        );
        return (refused(input, vec![f], vec![]), None);
    }
    let same = match (input.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        let f = Finding::error("fix.output_is_input", FixMsg::OutputIsInput);
        return (refused(input, vec![f], vec![]), None);
    }
    if out.exists() && !opts.force {
        let f = Finding::error(
            "fix.output_exists",
            FixMsg::OutputExists {
                path: out.display().to_string(),
            },
        );
        return (refused(input, vec![f], vec![]), None);
    }
    let bytes = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            let reason = e.to_string();
            let f = Finding::error(
                "photo.unreadable",
                FixMsg::Unreadable {
                    reason: reason.clone(),
                },
            );
            let p = InputProblem {
                file: input.to_path_buf(),
                row: None,
                column: None,
                severity: Severity::Error,
                code: "photo.unreadable",
                message: FixMsg::Unreadable { reason }.into(),
            };
            return (refused(input, vec![f], vec![]), Some(p));
        }
    };
    match fix_for(&bytes, target, opts) {
        Err(r) => (refused(input, r.findings, r.extra), None),
        Ok(o) => match out
            .parent()
            .map_or(Ok(()), |d| {
                std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))
            })
            .and_then(|()| crate::output::write_atomic(out, &o.bytes, opts.force))
        {
            Ok(()) => {
                let mut it = Item::new(o.action.verdict(), true)
                    .key("path", input.display().to_string())
                    .key("output", out.display().to_string());
                it.findings = o.findings;
                it.extra = o.extra;
                (it, None)
            }
            Err(Error::OutputExists { path }) => {
                let f = Finding::error(
                    "fix.output_exists",
                    FixMsg::OutputExists {
                        path: path.display().to_string(),
                    },
                );
                (refused(input, vec![f], vec![]), None)
            }
            Err(e) => {
                let f = Finding::error(
                    "fix.write_failed",
                    FixMsg::WriteFailed {
                        reason: e.to_string(),
                    },
                );
                (refused(input, vec![f], vec![]), None)
            }
        },
    }
}

#[cfg(test)]
mod tests;

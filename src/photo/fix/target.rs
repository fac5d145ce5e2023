//! What fix-size aims at: the pixel size, density, file-size window,
//! minimum quality and geometry ranges of a photo profile
//! ([`PhotoProfile`]), and the check of a result (`photo check`).

use std::path::Path;

use crate::finding::{Finding, Severity};
use crate::photo::profile::PhotoProfile;
use crate::{Error, Result};

/// An inclusive range of output pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub min: f32,
    pub max: f32,
}

impl Range {
    pub const fn new(min: f32, max: f32) -> Self {
        Range { min, max }
    }
    /// Middle of the range.
    pub fn mid(&self) -> f32 {
        (self.min + self.max) / 2.0
    }
    /// Half the width of the range.
    pub fn half(&self) -> f32 {
        (self.max - self.min) / 2.0
    }
    /// The range narrowed by `m` on both sides (never past its middle).
    pub fn inset(&self, m: f32) -> Range {
        let m = m.min(self.half());
        Range::new(self.min + m, self.max - m)
    }
    pub fn contains(&self, v: f32) -> bool {
        v >= self.min && v <= self.max
    }
}

/// The part of a byte window that holds under both readings of "KB":
/// a limit that is a whole number of KiB (40,960 = 40 KB) also read as
/// that many thousand bytes (40,000). A window that would become empty, or
/// limits that are not whole KiB (a user's own profile in plain bytes), are
/// kept as they are.
pub fn both_kb_readings(min: u64, max: u64) -> (u64, u64) {
    let kib = |v: u64| v != u64::MAX && v > 0 && v.is_multiple_of(1024);
    // the lower limit is already the stricter under both readings
    // (20,480 bytes > 20,000): only the upper one moves
    let lo = min;
    let hi = if kib(max) {
        max.min(max / 1024 * 1000)
    } else {
        max
    };
    if lo <= hi {
        (lo, hi)
    } else {
        (min, max)
    }
}

/// The target of fix-size, taken from a photo profile.
#[derive(Clone, Debug)]
pub struct Target {
    /// The profile the result is checked against.
    pub profile: PhotoProfile,
    /// Profile name (for messages).
    pub name: String,
    /// Output width and height in pixels (480x640).
    pub width: u32,
    pub height: u32,
    /// Density written in JFIF and EXIF (300).
    pub dpi: u16,
    /// Lowest JPEG quality factor allowed (60).
    pub min_quality: u8,
    /// The profile's file-size window in bytes (20,480..=40,960).
    pub min_bytes: u64,
    pub max_bytes: u64,
    /// The window fix-size aims at: inside the profile's window under both
    /// readings of "KB" (1,024 and 1,000 bytes) when its limits are whole
    /// KiB: 20-40 KB gives 20,480..=40,000 (docs/fix-size.md).
    pub aim_min_bytes: u64,
    pub aim_max_bytes: u64,
    /// Head top (hair) from the top edge, in output pixels.
    pub head_top: Range,
    /// Eye centres from the top edge.
    pub eye_y: Range,
    /// Face width (cheek to cheek).
    pub face_width: Range,
    /// Largest allowed distance of the face centre from the vertical
    /// centre line, in pixels.
    pub center_tolerance: f32,
}

impl Target {
    /// The target of a profile. fix-size needs a profile with an exact
    /// pixel size and face geometry (`national`, `guangdong`); others
    /// (`guangdong-upload`, `id-attachment`) are a usage error.
    pub fn from_profile(p: &PhotoProfile) -> Result<Target> {
        let unusable = |why: &str| {
            Err(Error::Usage(format!(
                "photo profile `{}` cannot be used by fix-size: {why} / 照片规格「{}」不能用于 fix-size",
                p.name, p.name
            )))
        };
        let (Some(width), Some(height)) = (p.image.width, p.image.height) else {
            return unusable("it has no exact pixel size");
        };
        if !p.geometry.enabled {
            return unusable("it has no face geometry");
        }
        if !p.format_ok("jpeg") || !p.extension_ok("jpg") {
            return unusable("it does not accept .jpg JPEG files");
        }
        // Geometry ranges are given in the profile's frame; scale them to
        // the output size.
        let kx = width as f64 / p.geometry.frame_width as f64;
        let ky = height as f64 / p.geometry.frame_height as f64;
        let g = &p.geometry;
        let r = |v: [f64; 2], k: f64| Range::new((v[0] * k) as f32, (v[1] * k) as f32);
        let dpi = p.image.dpi.unwrap_or(300.0).round().clamp(1.0, 65535.0) as u16;
        let min_bytes = p.file.min_bytes.unwrap_or(0);
        let max_bytes = p.file.max_bytes.unwrap_or(u64::MAX);
        let (aim_min_bytes, aim_max_bytes) = both_kb_readings(min_bytes, max_bytes);
        Ok(Target {
            profile: p.clone(),
            name: p.name.clone(),
            width,
            height,
            dpi,
            min_quality: p.image.min_quality.unwrap_or(60).clamp(1, 100) as u8,
            min_bytes,
            max_bytes,
            aim_min_bytes,
            aim_max_bytes,
            head_top: r(g.head_top, ky),
            eye_y: r(g.eye_y, ky),
            face_width: r(g.face_width, kx),
            center_tolerance: (g.center_tolerance * kx) as f32,
        })
    }

    /// The built-in national profile.
    pub fn national() -> Target {
        Target::from_profile(&PhotoProfile::builtin("national").expect("built-in profile"))
            .expect("national profile is usable")
    }
}

/// The verdict of `photo check` on a file.
#[derive(Clone, Debug)]
pub struct Checked {
    pub pass: bool,
    pub findings: Vec<Finding>,
    /// Estimated JPEG quality, when the file is a JPEG.
    pub quality: Option<u8>,
    /// The face analysis of the checked pixels.
    pub face: Option<crate::face::FaceAnalysis>,
}

impl Checked {
    /// The warnings of the check (kept in the fix report).
    pub fn warnings(&self) -> Vec<Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .cloned()
            .collect()
    }
}

/// Checks a file's bytes with `photo check` against the target's profile,
/// under the name the output will have (`<stem>.jpg`).
pub fn check(bytes: &[u8], t: &Target) -> Checked {
    let r = crate::photo::check::check_bytes(Path::new("output.jpg"), bytes, &t.profile);
    let quality = r
        .item
        .get("quality")
        .and_then(|v| v.as_f64())
        .map(|q| q.round().clamp(0.0, 100.0) as u8);
    Checked {
        pass: r.item.ok,
        findings: r.item.findings,
        quality,
        face: r.face,
    }
}

//! Pixel checks (background colour and uniformity, monochrome, sharpness,
//! exposure, lighting, border).
//!
//! STUB written by the file-level helper so the check pipeline compiles;
//! the pixels helper replaces this file (same signature).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::finding::Finding;
use crate::photo::profile::PhotoProfile;

/// Thresholds of the pixel checks (the `[pixels]` table of a profile).
#[derive(Deserialize, Default, Clone, Debug)]
pub struct PixelRules {}

/// What the pixel checks found.
#[derive(Clone, Debug, Default)]
pub struct PixelReport {
    pub findings: Vec<Finding>,
    /// Measured background colour, when measurable.
    pub background_rgb: Option<[u8; 3]>,
    /// Further measurements, merged into the photo's `measurements`.
    pub measurements: Map<String, Value>,
}

/// Runs the pixel checks on an upright RGB image.
pub fn analyze(
    img: &image::RgbImage,
    face: Option<&crate::face::FaceGeometry>,
    profile: &PhotoProfile,
) -> PixelReport {
    let _ = (img, face, profile);
    PixelReport {
        findings: vec![],
        background_rgb: None,
        measurements: serde_json::Map::new(),
    }
}

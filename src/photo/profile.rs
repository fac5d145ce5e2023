//! STUB for the `pixels` branch only: the jpeg helper writes the real
//! `PhotoProfile`; this file is dropped at merge. It holds exactly the
//! fields the pixel analysis reads.

use serde::Deserialize;

/// An allowed background colour of a profile.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Background {
    /// Name shown in reports (`light_blue`, `white`, `light_gray`).
    pub name: String,
    /// The reference sRGB value from the standard.
    pub rgb: [u8; 3],
}

/// The parts of a photo profile the pixel analysis uses.
#[derive(Deserialize, Clone, Debug, Default)]
pub struct PhotoProfile {
    /// The `[pixels]` table.
    #[serde(default)]
    pub pixels: crate::photo::pixels::PixelRules,
    /// Allowed background colours.
    #[serde(default)]
    pub backgrounds: Vec<Background>,
    /// Largest CIEDE2000 distance from an allowed colour.
    #[serde(default)]
    pub background_tolerance_de: f32,
}

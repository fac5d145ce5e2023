//! What fix-size aims at: the pixel size, density, file-size window,
//! minimum quality and geometry ranges of a photo profile.
//!
//! Built from the photo profile (`photo::profile`); until that lands this
//! file carries the national values of the spec (photo.md) as a shim.

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

/// The target of fix-size.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Profile name (for messages).
    pub name: String,
    /// Output width and height in pixels (480x640).
    pub width: u32,
    pub height: u32,
    /// Density written in JFIF and EXIF (300).
    pub dpi: u16,
    /// Lowest JPEG quality factor allowed (60).
    pub min_quality: u8,
    /// File-size window in bytes (20,480..=40,960).
    pub min_bytes: u64,
    pub max_bytes: u64,
    /// Head top (hair) from the top edge.
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
    /// The national standard (spec photo.md; seed 000 lines 133 and 136).
    pub fn national() -> Target {
        Target {
            name: "national".into(),
            width: 480,
            height: 640,
            dpi: 300,
            min_quality: 60,
            min_bytes: 20 * 1024,
            max_bytes: 40 * 1024,
            head_top: Range::new(50.0, 110.0),
            eye_y: Range::new(200.0, 300.0),
            face_width: Range::new(180.0, 300.0),
            center_tolerance: 24.0,
        }
    }
}

/// The verdict of `photo check` on a file (shim until `photo::check`
/// lands: the file-level and geometry rules of the profile).
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub pass: bool,
    pub findings: Vec<crate::finding::Finding>,
    /// Estimated JPEG quality, when the file is a JPEG.
    pub quality: Option<u8>,
}

impl Checked {
    /// The warnings of the check (kept in the fix report).
    pub fn warnings(&self) -> Vec<crate::finding::Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == crate::finding::Severity::Warning)
            .cloned()
            .collect()
    }
}

/// Checks a file against the target (shim for `photo::check::check_bytes`).
pub fn check(bytes: &[u8], t: &Target) -> Checked {
    use crate::finding::Finding;
    use crate::photo::PhotoMsg;
    use serde_json::json;
    let mut f: Vec<Finding> = Vec::new();
    let err = |code: &'static str| Finding::error(code, PhotoMsg::NotBuilt);
    let quality = shim::estimate_quality(bytes);
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        f.push(err("photo.format"));
    }
    let n = bytes.len() as u64;
    if n < t.min_bytes || n > t.max_bytes {
        f.push(err("photo.file_size").measured(json!(n)));
    }
    if shim::jfif_dpi(bytes) != Some((t.dpi, t.dpi)) {
        f.push(err("photo.dpi"));
    }
    if quality.is_some_and(|q| q < t.min_quality) {
        f.push(err("photo.quality").measured(json!(quality)));
    }
    match image::load_from_memory(bytes) {
        Err(_) => f.push(err("photo.unreadable")),
        Ok(img) => {
            if (img.width(), img.height()) != (t.width, t.height) {
                f.push(err("photo.dimensions"));
            } else {
                let img = img.to_rgb8();
                match crate::face::analyze(&img) {
                    Err(_) => f.push(err("photo.face_count")),
                    Ok(a) => match a.primary {
                        None => f.push(err("photo.face_count")),
                        Some(_) if a.faces.len() != 1 => f.push(err("photo.face_count")),
                        Some(p) => {
                            if !p.head_top.is_some_and(|h| t.head_top.contains(h)) {
                                f.push(err("photo.head_top").measured(json!(p.head_top)));
                            }
                            for e in [p.eye_left.y, p.eye_right.y] {
                                if !t.eye_y.contains(e) {
                                    f.push(err("photo.eye_position").measured(json!(e)));
                                }
                            }
                            if !p.face_width.is_some_and(|w| t.face_width.contains(w)) {
                                f.push(err("photo.face_width").measured(json!(p.face_width)));
                            }
                            if (p.face_center_x - t.width as f32 / 2.0).abs() > t.center_tolerance {
                                f.push(err("photo.centered").measured(json!(p.face_center_x)));
                            }
                        }
                    },
                }
            }
        }
    }
    Checked {
        pass: f.is_empty(),
        findings: f,
        quality,
    }
}

mod shim {
    /// JFIF density in dots per inch.
    pub fn jfif_dpi(b: &[u8]) -> Option<(u16, u16)> {
        let i = b.windows(5).position(|w| w == b"JFIF\0")?;
        let d = b.get(i + 7..i + 12)?;
        (d[0] == 1).then(|| (u16::from_be_bytes([d[1], d[2]]), u16::from_be_bytes([d[3], d[4]])))
    }

    const K: [u16; 64] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57,
        69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64,
        81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    /// Quality whose Annex K luma table is nearest to the file's first
    /// table (order-independent: compared as sorted multisets).
    pub fn estimate_quality(b: &[u8]) -> Option<u8> {
        let i = b.windows(2).position(|w| w == [0xFF, 0xDB])?;
        let t = b.get(i + 4..i + 5 + 64)?;
        if t[0] >> 4 != 0 {
            return None;
        }
        let mut got: Vec<u16> = t[1..65].iter().map(|&v| v as u16).collect();
        got.sort_unstable();
        (1..=100u8).min_by_key(|&q| {
            let q32 = q as u32;
            let scale = if q32 < 50 { 5000 / q32 } else { 200 - 2 * q32 };
            let mut want: Vec<u16> = K
                .iter()
                .map(|&v| ((v as u32 * scale + 50) / 100).clamp(1, 255) as u16)
                .collect();
            want.sort_unstable();
            want.iter()
                .zip(&got)
                .map(|(a, b)| (*a as i32 - *b as i32).unsigned_abs())
                .sum::<u32>()
        })
    }
}

//! Photo profiles: the rules a photo is checked against, as data.
//!
//! The built-in profiles are TOML files in `src/photo/profiles/` embedded
//! in the binary (`national`, `guangdong`, `guangdong-upload`,
//! `id-attachment`); a user's own file (`--profile-file`) has the same shape,
//! so a new province or year needs no code. Every value in the built-in
//! files cites the seed line it comes from. Any rule left out is not
//! checked (e.g. `id-attachment` has no dpi and no geometry).

use std::path::Path;

use serde::Deserialize;

use crate::{Error, Result};

/// A complete photo profile.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoProfile {
    /// Short name (`national`).
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    /// Where the rules come from (free text).
    #[serde(default)]
    pub source: String,
    pub file: FileRules,
    #[serde(default)]
    pub image: ImageRules,
    /// Accepted background colours; empty = the colour is not checked.
    #[serde(default)]
    pub backgrounds: Vec<Background>,
    /// Largest accepted colour difference (CIEDE2000, as measured by
    /// `photo::pixels`) between the measured background and a reference.
    #[serde(default = "default_delta_e")]
    pub background_tolerance_de: f32,
    #[serde(default)]
    pub geometry: GeometryRules,
    /// Thresholds of the pixel checks (sharpness, exposure, ...), owned by
    /// `photo::pixels`.
    #[serde(default)]
    pub pixels: crate::photo::pixels::PixelRules,
}

/// Rules on the file itself.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRules {
    /// Accepted content formats, by what the bytes are: `jpeg`, `png`.
    pub formats: Vec<String>,
    /// Accepted extensions without the dot, compared case-insensitively
    /// (`jpg` accepts `.jpg`, `.JPG`).
    pub extensions: Vec<String>,
    /// Smallest accepted size in bytes (inclusive).
    #[serde(default)]
    pub min_bytes: Option<u64>,
    /// Largest accepted size in bytes (inclusive).
    #[serde(default)]
    pub max_bytes: Option<u64>,
}

/// Rules on the image header.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    /// Exact pixel width / height.
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// Minimum pixel width / height.
    #[serde(default)]
    pub min_width: Option<u32>,
    #[serde(default)]
    pub min_height: Option<u32>,
    /// Required density in dots per inch (both axes).
    #[serde(default)]
    pub dpi: Option<f64>,
    /// Accepted difference from `dpi` (e.g. 118 dots/cm = 299.7 dpi).
    #[serde(default = "default_dpi_tolerance")]
    pub dpi_tolerance: f64,
    /// Require 24-bit true colour: 3 components of 8 bits.
    #[serde(default)]
    pub rgb24: bool,
    /// Minimum estimated JPEG quality factor.
    #[serde(default)]
    pub min_quality: Option<u32>,
}

fn default_dpi_tolerance() -> f64 {
    0.5
}

/// One accepted background colour.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Background {
    /// Name shown in reports (`light_blue`, `white`, `light_gray`).
    pub name: String,
    /// The reference sRGB value from the standard.
    pub rgb: [u8; 3],
}

fn default_delta_e() -> f32 {
    10.0
}

/// Face geometry rules, in pixels of the reference frame.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometryRules {
    /// Check head top, eyes, face width, centring and tilt.
    #[serde(default)]
    pub enabled: bool,
    /// Check that there is exactly one face (also when `enabled` is false).
    #[serde(default)]
    pub face_count: bool,
    /// The frame the ranges are given in; measurements on an image of
    /// another size are scaled to this frame.
    #[serde(default = "default_frame_w")]
    pub frame_width: u32,
    #[serde(default = "default_frame_h")]
    pub frame_height: u32,
    /// Top of the hair, px from the top edge (inclusive range).
    #[serde(default = "default_head_top")]
    pub head_top: [f64; 2],
    /// Each eye's centre, px from the top edge.
    #[serde(default = "default_eye_y")]
    pub eye_y: [f64; 2],
    /// Cheek-to-cheek width.
    #[serde(default = "default_face_width")]
    pub face_width: [f64; 2],
    /// Largest accepted |face centre x - frame centre|.
    #[serde(default = "default_center_tol")]
    pub center_tolerance: f64,
    /// Largest eye-line angle before `photo.head_tilt` warns, degrees.
    #[serde(default = "default_tilt")]
    pub max_tilt_deg: f64,
}

fn default_frame_w() -> u32 {
    480
}
fn default_frame_h() -> u32 {
    640
}
fn default_head_top() -> [f64; 2] {
    [50.0, 110.0]
}
fn default_eye_y() -> [f64; 2] {
    [200.0, 300.0]
}
fn default_face_width() -> [f64; 2] {
    [180.0, 300.0]
}
fn default_center_tol() -> f64 {
    24.0
}
fn default_tilt() -> f64 {
    8.0
}

impl Default for GeometryRules {
    fn default() -> Self {
        GeometryRules {
            enabled: false,
            face_count: false,
            frame_width: default_frame_w(),
            frame_height: default_frame_h(),
            head_top: default_head_top(),
            eye_y: default_eye_y(),
            face_width: default_face_width(),
            center_tolerance: default_center_tol(),
            max_tilt_deg: default_tilt(),
        }
    }
}

/// Names of the built-in profiles.
pub const BUILTIN: &[&str] = &["national", "guangdong", "guangdong-upload", "id-attachment"];

/// The TOML text of a built-in profile (for `zikao photo profile show`).
pub fn builtin_text(name: &str) -> Option<&'static str> {
    match name {
        "national" => Some(include_str!("profiles/national.toml")),
        "guangdong" => Some(include_str!("profiles/guangdong.toml")),
        "guangdong-upload" => Some(include_str!("profiles/guangdong-upload.toml")),
        "id-attachment" => Some(include_str!("profiles/id-attachment.toml")),
        _ => None,
    }
}

impl PhotoProfile {
    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Result<PhotoProfile> {
        let text = builtin_text(name).ok_or_else(|| {
            Error::usage(
                format!(
                    "没有名为 `{name}` 的内置照片标准（内置：{}）；自己的标准文件请用 --profile-file",
                    BUILTIN.join(", ")
                ),
                format!(
                    "unknown photo profile `{name}` (built-in: {}); use --profile-file for your own",
                    BUILTIN.join(", ")
                ),
            )
        })?;
        Self::parse(text, Path::new(&format!("<built-in profile {name}>")))
    }

    /// A user's profile file.
    pub fn load(path: &Path) -> Result<PhotoProfile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses profile text; errors name the file and the key.
    pub fn parse(text: &str, path: &Path) -> Result<PhotoProfile> {
        let p: PhotoProfile = crate::policy::parse_toml(text, path)?;
        p.validate(path)?;
        Ok(p)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |key: &str, zh: &str, en: &str| {
            Err(Error::Policy {
                path: path.to_path_buf(),
                key: key.into(),
                message: crate::msg::Detail::new(zh, en),
            })
        };
        for f in &self.file.formats {
            if !matches!(f.as_str(), "jpeg" | "png") {
                return bad(
                    "file.formats",
                    &format!("`{f}`：只能检查 `jpeg` 和 `png`"),
                    &format!("`{f}`: only `jpeg` and `png` can be checked"),
                );
            }
        }
        if self.file.formats.is_empty() {
            return bad(
                "file.formats",
                "至少需要一种格式",
                "at least one format is needed",
            );
        }
        if self.file.extensions.is_empty() {
            return bad(
                "file.extensions",
                "至少需要一个扩展名",
                "at least one extension is needed",
            );
        }
        if let (Some(a), Some(b)) = (self.file.min_bytes, self.file.max_bytes) {
            if a > b {
                return bad(
                    "file.min_bytes",
                    "大于 file.max_bytes",
                    "larger than file.max_bytes",
                );
            }
        }
        let g = &self.geometry;
        for (k, r) in [
            ("geometry.head_top", g.head_top),
            ("geometry.eye_y", g.eye_y),
            ("geometry.face_width", g.face_width),
        ] {
            if r[0] > r[1] {
                return bad(
                    k,
                    "范围应写作 [下限, 上限]，且下限不大于上限",
                    "range is [low, high] with low <= high",
                );
            }
        }
        if g.frame_width == 0 || g.frame_height == 0 {
            return bad(
                "geometry.frame_width",
                "画面尺寸不能为 0",
                "frame must not be empty",
            );
        }
        Ok(())
    }

    /// True when `ext` (without the dot) is accepted.
    pub fn extension_ok(&self, ext: &str) -> bool {
        self.file
            .extensions
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext))
    }

    /// True when the content format key (`jpeg`, `png`) is accepted.
    pub fn format_ok(&self, key: &str) -> bool {
        self.file.formats.iter().any(|f| f == key)
    }

    /// True when the face engine's result is needed.
    pub fn needs_face(&self) -> bool {
        self.geometry.enabled || self.geometry.face_count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load() {
        for n in BUILTIN {
            let p = PhotoProfile::builtin(n).unwrap();
            assert_eq!(&p.name, n);
        }
        let n = PhotoProfile::builtin("national").unwrap();
        assert_eq!((n.image.width, n.image.height), (Some(480), Some(640)));
        assert_eq!(n.file.min_bytes, Some(20 * 1024));
        assert_eq!(n.file.max_bytes, Some(40 * 1024));
        assert_eq!(n.image.min_quality, Some(60));
        assert_eq!(n.image.dpi, Some(300.0));
        assert!(n.image.rgb24);
        assert_eq!(n.backgrounds.len(), 3);
        assert!(n.geometry.enabled && n.geometry.face_count);
        assert_eq!(n.geometry.head_top, [50.0, 110.0]);
        assert_eq!(n.geometry.eye_y, [200.0, 300.0]);
        assert_eq!(n.geometry.face_width, [180.0, 300.0]);
        assert!(n.extension_ok("JPG") && n.extension_ok("jpg") && !n.extension_ok("jpeg"));
        let g = PhotoProfile::builtin("guangdong").unwrap();
        assert_eq!(g.backgrounds.len(), 2);
        assert!(g.backgrounds.iter().all(|c| c.rgb != [100, 197, 255]));
        let u = PhotoProfile::builtin("guangdong-upload").unwrap();
        assert_eq!(u.image.min_width, Some(600));
        assert_eq!(u.image.min_height, Some(800));
        assert_eq!(u.file.min_bytes, Some(50 * 1024));
        let a = PhotoProfile::builtin("id-attachment").unwrap();
        assert!(a.extension_ok("png") && a.extension_ok("jpeg") && a.extension_ok("JPG"));
        assert!(a.file.max_bytes.unwrap() < 1024 * 1024);
        assert!(!a.needs_face());
        assert!(PhotoProfile::builtin("nope").is_err());
    }

    #[test]
    fn user_file_errors_name_the_key() {
        let text = include_str!("profiles/national.toml")
            .replace("min_quality = 60", "min_quality = \"x\"");
        match PhotoProfile::parse(&text, Path::new("my.toml")) {
            Err(Error::Policy { key, .. }) => assert_eq!(key, "image.min_quality"),
            other => panic!("{other:?}"),
        }
        let text = include_str!("profiles/national.toml")
            .replace("formats = [\"jpeg\"]", "formats = [\"gif\"]");
        assert!(PhotoProfile::parse(&text, Path::new("my.toml")).is_err());
        let text = include_str!("profiles/national.toml").replace("[file]", "bogus = 1\n[file]");
        assert!(PhotoProfile::parse(&text, Path::new("my.toml")).is_err());
    }
}

//! Photos: `zikao photo check` (and the pieces `photo fix-size` reuses).
//!
//! - [`jpeg`]: panic-free marker parser and format sniffing;
//! - [`qfactor`]: JPEG quality estimate from the quantization tables;
//! - [`profile`]: the rules, as data (built-in TOML files or a user's file);
//! - [`check`]: the pipeline producing a [`crate::Report`];
//! - [`pixels`]: pixel checks (background, sharpness, exposure...).
//!
//! Entry point: [`check_paths`] (files and folders) or [`check_bytes`]
//! (one file's bytes). Finding codes and decisions: docs/photo.md.

pub mod annotate;
pub mod check;
pub mod fix;
pub mod folder;
pub mod html;
pub mod jpeg;
mod legend_labels;
mod msg;
pub mod pixels;
pub mod profile;
pub mod qfactor;
pub mod walk;

pub use check::{
    check_bytes, check_bytes_with, check_file, check_paths, CheckOptions, PhotoResult,
};
pub use msg::{ColorKind, PhotoMsg};
pub use profile::PhotoProfile;

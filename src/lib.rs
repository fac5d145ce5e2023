//! zikao — toolkit for the graduation work of China's Higher Education
//! Self-taught Examination (高等教育自学考试).
//!
//! All logic lives in this library; the `zikao` binary (`src/main.rs`,
//! `src/cli/`) only parses arguments, shows progress and renders reports.
//! The library never depends on clap, indicatif, comfy-table, anyhow or
//! mimalloc (the `cli` feature), and builds for wasm32-unknown-unknown.

#![forbid(unsafe_code)]

pub mod date;
pub mod error;
pub mod finding;
/// The bodies of the fuzz targets in `tests/fuzz/` and their replay test;
/// not part of the library's interface.
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod idno;
pub mod msg;
pub mod output;
pub mod policy;
pub mod render;
pub mod table;
pub mod text;

pub mod elig;
pub mod face;
pub mod photo;
pub mod prereq;
pub mod roster;

pub use error::{Error, Result};
pub use finding::{Finding, InputProblem, Item, Report, Severity};
pub use msg::{Lang, Msg};

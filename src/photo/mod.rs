//! (being built)

mod msg;
pub use msg::PhotoMsg;

pub mod annotate;
pub mod html;
pub mod pixels;
pub mod profile;

//! (being built)

pub mod fix;
mod msg;
pub use msg::PhotoMsg;

//! (being built)

mod msg;
pub use msg::PhotoMsg;

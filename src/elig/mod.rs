//! (being built)

mod msg;
pub mod policy;
pub use msg::EligMsg;

//! Output files (being built).

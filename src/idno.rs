//! Identity numbers (being built).

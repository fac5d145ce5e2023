//! Policies (being built).

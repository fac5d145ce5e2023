//! Face geometry engine (being built).

//! Text normalisation (being built).

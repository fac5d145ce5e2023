//! The tables of data.md, prereq.md and roster.md (being built).

//! The conditions of a graduation audit (eligibility.md), one function
//! each, grouped by what they read: the candidate's record
//! ([`record`]), their courses against the plan ([`courses`]), and the rest
//! of the person's file ([`person`]). Each returns the findings of its own
//! code; `engine::audit_one` calls them in turn and orders the result.

pub(super) mod courses;
pub(super) mod person;
pub(super) mod record;

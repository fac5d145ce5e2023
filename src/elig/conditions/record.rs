//! `elig.record`: the candidate's own data (ID number, plan, level,
//! school, additional-course type), and the deadline of the 15-digit ID
//! upgrade (`elig.deadline`).

use chrono::NaiveDate;

use crate::finding::Finding;

use super::super::engine::{CourseAudit, Ctx};
use super::super::load::Candidate;
use super::super::msg::EligMsg;
use super::super::plan::Plan;
use super::super::policy::RecordKind;

/// Whether a 15-digit ID must be upgraded to 18 digits, and whether the
/// record-correction deadline for that has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdUpgrade {
    NotNeeded,
    /// Still possible in this batch: an `elig.record` error.
    Needed,
    /// The correction deadline has passed: an `elig.deadline` error.
    Late(NaiveDate),
}

pub fn id_upgrade(ctx: &Ctx, cand: &Candidate) -> IdUpgrade {
    if !cand.id_type.0.uses_gb11643() {
        return IdUpgrade::NotNeeded;
    }
    let n = crate::idno::normalize(&cand.id_no);
    let fifteen_digits = n.len() == 15 && n.bytes().all(|b| b.is_ascii_digit());
    let already_invalid = cand
        .record
        .iter()
        .any(|r| matches!(r.message, crate::Msg::Elig(EligMsg::InvalidId { .. })));
    if !fifteen_digits || already_invalid {
        return IdUpgrade::NotNeeded;
    }
    match ctx.policy.cutoff(ctx.batch, RecordKind::Correction) {
        Some(cutoff) if ctx.as_of >= cutoff => IdUpgrade::Late(cutoff),
        _ => IdUpgrade::Needed,
    }
}

/// The findings about the candidate's own record: those found while
/// loading, the ID upgrade, and the candidate against their plan.
pub fn record(cand: &Candidate, plan: Option<&Plan>, id_upgrade: IdUpgrade) -> Vec<Finding> {
    let mut out = cand.record.clone();
    if id_upgrade == IdUpgrade::Needed {
        out.push(
            Finding::error(
                "elig.record",
                EligMsg::IdNeedsUpgrade {
                    value: cand.id_no.clone(),
                },
            )
            .measured(cand.id_no.clone()),
        );
    }
    let Some(p) = plan else { return out };
    if !p.errors.is_empty() {
        out.push(
            Finding::error(
                "elig.record",
                EligMsg::PlanInvalid {
                    code: p.major_code.clone(),
                    problems: p.errors.clone(),
                },
            )
            .measured(p.errors.clone()),
        );
    }
    if let (Some(cl), Some(pl)) = (cand.level, p.level) {
        if cl != pl {
            out.push(
                Finding::error(
                    "elig.record",
                    EligMsg::LevelMismatch {
                        candidate: cl.zh().into(),
                        plan: pl.zh().into(),
                    },
                )
                .measured(cl.zh())
                .expected(pl.zh()),
            );
        }
    }
    if !p.schools.is_empty() && !cand.school.is_empty() {
        // a school code is only compared with codes, a name with names
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let comparable: Vec<&String> = p
            .schools
            .iter()
            .filter(|s| digits(s) == digits(&cand.school))
            .collect();
        if !comparable.is_empty() && !comparable.iter().any(|s| **s == cand.school) {
            out.push(
                Finding::error(
                    "elig.record",
                    EligMsg::SchoolNotInPlan {
                        school: cand.school.clone(),
                        schools: p.schools.clone(),
                    },
                )
                .measured(cand.school.clone())
                .expected(p.schools.clone()),
            );
        }
    }
    out
}

/// An 加考 type that the chosen track of the plan does not know.
pub fn unknown_additional_type(cand: &Candidate, audit: &CourseAudit) -> Option<Finding> {
    if !audit.with_pending.unknown_additional {
        return None;
    }
    Some(
        Finding::error(
            "elig.record",
            EligMsg::UnknownAdditionalType {
                kind: cand.additional_type.clone(),
            },
        )
        .measured(cand.additional_type.clone())
        .expected(
            audit
                .variant
                .additional
                .iter()
                .map(|a| a.kind.clone())
                .collect::<Vec<_>>(),
        ),
    )
}

/// `elig.deadline`: the 15-digit ID was not upgraded before the
/// record-correction deadline.
pub fn id_upgrade_late(cand: &Candidate, cutoff: NaiveDate) -> Finding {
    Finding::error("elig.deadline", EligMsg::IdUpgradeLate { cutoff })
        .measured(cand.id_no.clone())
        .expected(format!("< {cutoff}"))
}

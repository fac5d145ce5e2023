//! The course conditions: `elig.required`, `elig.elective`,
//! `elig.additional`, `elig.total_credits`, and the records that do not
//! count or wait for a person (`elig.practice_match`, `elig.deadline`,
//! `elig.transfer_archive`); then the what-is-left view.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::finding::Finding;

use super::super::engine::{
    attempt_label, course_label, relevant, round1, Avail, CourseAudit, Ctx, Why, EPS,
};
use super::super::load::Candidate;
use super::super::missing::{MissingView, ReqGap};
use super::super::msg::EligMsg;

/// `elig.required`: required courses (必考/实践/论文) not passed.
pub fn required(ctx: &Ctx, audit: &CourseAudit) -> Option<Finding> {
    let eval = &audit.with_pending;
    if eval.req_missing.is_empty() {
        return None;
    }
    let (plan, plans, variant) = (audit.plan, ctx.plans, audit.variant);
    let names: Vec<String> = eval
        .req_missing
        .iter()
        .map(|&ri| {
            let alternatives: Vec<String> = variant.required[ri]
                .any_of
                .iter()
                .map(|&id| course_label(plan, plans, id))
                .collect();
            alternatives.join(" / ")
        })
        .collect();
    let codes: Vec<Value> = eval
        .req_missing
        .iter()
        .map(|&ri| match variant.required[ri].any_of.as_slice() {
            [one] => json!(plans.courses.code(*one)),
            any_of => json!(any_of
                .iter()
                .map(|&i| plans.courses.code(i))
                .collect::<Vec<_>>()),
        })
        .collect();
    Some(
        Finding::error("elig.required", EligMsg::RequiredMissing { courses: names })
            .measured(codes)
            .expected(variant.required.len()),
    )
}

/// `elig.elective`: too few elective (选考) credits or courses.
pub fn elective(audit: &CourseAudit) -> Option<Finding> {
    let (eval, electives) = (&audit.with_pending, &audit.variant.electives);
    if eval.el_credits_short <= EPS && eval.el_count_short == 0 {
        return None;
    }
    Some(
        Finding::error(
            "elig.elective",
            EligMsg::ElectiveShort {
                credits: eval.el_credits,
                need_credits: electives.min_credits,
                count: eval.el_count,
                need_count: electives.min_count,
            },
        )
        .measured(json!({"credits": round1(eval.el_credits), "count": eval.el_count}))
        .expected(json!({"min_credits": electives.min_credits, "min_count": electives.min_count})),
    )
}

/// `elig.additional`: the 加考 courses of the candidate's type not passed.
pub fn additional(ctx: &Ctx, audit: &CourseAudit) -> Option<Finding> {
    let eval = &audit.with_pending;
    let rule = &audit.variant.additional[eval.add_rule?];
    if eval.add_count_short == 0 && eval.add_credits_short <= EPS {
        return None;
    }
    let passed = rule
        .courses
        .iter()
        .filter(|&&i| eval.used.contains(&i))
        .count();
    let min_count = rule.min_count.unwrap_or(if rule.min_credits.is_none() {
        rule.courses.len() as u32
    } else {
        0
    });
    Some(
        Finding::error(
            "elig.additional",
            EligMsg::AdditionalShort {
                kind: rule.kind.clone(),
                missing: eval
                    .add_missing
                    .iter()
                    .map(|&i| course_label(audit.plan, ctx.plans, i))
                    .collect(),
                count_short: eval.add_count_short,
                credits_short: eval.add_credits_short,
            },
        )
        .measured(json!({ "passed": passed }))
        .expected(
            json!({"type": rule.kind, "min_count": min_count, "min_credits": rule.min_credits}),
        ),
    )
}

/// `elig.total_credits`: fewer credits than the plan's total.
pub fn total_credits(audit: &CourseAudit) -> Option<Finding> {
    let eval = &audit.with_pending;
    let need = audit.variant.min_total_credits?;
    if eval.total_short <= EPS {
        return None;
    }
    Some(
        Finding::error(
            "elig.total_credits",
            EligMsg::TotalCreditsShort {
                have: eval.total,
                need,
            },
        )
        .measured(round1(eval.total))
        .expected(round1(need)),
    )
}

/// The passed records that do not count (late, another major or school, a
/// substitution not allowed) or wait for a person (undated, transfer not
/// archived, practice not comparable), where they matter: only for courses
/// that would close a gap.
#[derive(Default)]
pub struct RecordsNotCounted {
    late: Vec<String>,
    late_cutoff: Option<NaiveDate>,
    undated: Vec<String>,
    undated_cutoff: Option<NaiveDate>,
    archive: Vec<String>,
    /// (course, where the record was taken)
    mismatch: Vec<(String, String)>,
    uncomparable: Vec<(String, String)>,
    /// (record, what a person must confirm) for the what-is-left view.
    pending: Vec<(String, &'static str)>,
    /// Per course: the records that do not count.
    not_counted: HashMap<u32, Vec<String>>,
}

pub fn records_not_counted(ctx: &Ctx, cand: &Candidate, audit: &CourseAudit) -> RecordsNotCounted {
    let relevant_with_pending = relevant(audit.variant, &audit.with_pending);
    let relevant_counted = relevant(audit.variant, &audit.counted_only);
    let mut out = RecordsNotCounted::default();
    let place_of = |course: u32, note: u32| {
        (
            course_label(audit.plan, ctx.plans, course),
            ctx.notes.get(note).unwrap_or("").to_string(),
        )
    };
    for s in &audit.states {
        for &(ai, why) in &s.whys {
            let a = &cand.attempts[ai];
            let label = attempt_label(ctx.plans, ctx.notes, a);
            match why {
                Why::Late(_) | Why::Mismatch | Why::SubNotAllowed => {
                    if s.best != Some(Avail::Excluded) || !relevant_with_pending.contains(&s.course)
                    {
                        continue;
                    }
                    out.not_counted
                        .entry(s.course)
                        .or_default()
                        .push(label.clone());
                    match why {
                        Why::Late(cut) => {
                            out.late.push(label);
                            out.late_cutoff = Some(cut);
                        }
                        Why::Mismatch => out.mismatch.push(place_of(s.course, a.note)),
                        _ => {}
                    }
                }
                Why::Undated(_) | Why::Archive | Why::Uncomparable => {
                    if s.best != Some(Avail::Pending) || !relevant_counted.contains(&s.course) {
                        continue;
                    }
                    let to_confirm = match why {
                        Why::Archive => "transfer_archive",
                        Why::Undated(_) => "deadline",
                        _ => "practice_match",
                    };
                    out.pending.push((label.clone(), to_confirm));
                    match why {
                        Why::Undated(cut) => {
                            out.undated.push(label);
                            out.undated_cutoff = Some(cut);
                        }
                        Why::Archive => out.archive.push(label),
                        _ => out.uncomparable.push(place_of(s.course, a.note)),
                    }
                }
            }
        }
    }
    out
}

impl RecordsNotCounted {
    /// `elig.practice_match`, `elig.deadline` and `elig.transfer_archive`.
    pub fn findings(&self, ctx: &Ctx, cand: &Candidate) -> Vec<Finding> {
        let applied = format!("{}/{}", cand.major_code, cand.school);
        let mut out = Vec::new();
        for (course, found) in &self.mismatch {
            out.push(
                Finding::error(
                    "elig.practice_match",
                    EligMsg::PracticeMismatch {
                        course: course.clone(),
                        found: found.clone(),
                        applied: applied.clone(),
                    },
                )
                .measured(found.clone())
                .expected(applied.clone()),
            );
        }
        for (course, found) in &self.uncomparable {
            out.push(
                Finding::warning(
                    "elig.practice_match",
                    EligMsg::PracticeUncomparable {
                        course: course.clone(),
                        found: found.clone(),
                        applied: applied.clone(),
                    },
                )
                .measured(found.clone())
                .expected(applied.clone()),
            );
        }
        if let Some(cutoff) = self.late_cutoff {
            out.push(
                Finding::error(
                    "elig.deadline",
                    EligMsg::DeadlineLate {
                        records: self.late.clone(),
                        cutoff,
                    },
                )
                .measured(self.late.clone())
                .expected(format!("< {cutoff}")),
            );
        }
        if let Some(cutoff) = self.undated_cutoff {
            out.push(
                Finding::warning(
                    "elig.deadline",
                    EligMsg::DeadlineUndated {
                        records: self.undated.clone(),
                        cutoff,
                    },
                )
                .measured(self.undated.clone())
                .expected(format!("< {cutoff}")),
            );
        }
        if !self.archive.is_empty() {
            out.push(
                Finding::warning(
                    "elig.transfer_archive",
                    EligMsg::TransferArchive {
                        records: self.archive.clone(),
                        auto_from: ctx.policy.transfer_archive.auto_from,
                    },
                )
                .measured(self.archive.clone())
                .expected("归档=是"),
            );
        }
        out
    }
}

/// The what-is-left view (毕业预测) of a candidate with a valid plan.
pub fn missing_view(
    ctx: &Ctx,
    cand: &Candidate,
    audit: &CourseAudit,
    records: RecordsNotCounted,
) -> MissingView {
    let eval = &audit.with_pending;
    let best = |id: u32| audit.state_of(id).map(|s| s.best_val);
    MissingView {
        plans: Arc::clone(ctx.plans),
        plan: cand.plan.expect("a course audit has a plan"),
        variant: audit.variant_index,
        required: eval
            .req_missing
            .iter()
            .map(|&ri| {
                let any_of = &audit.variant.required[ri].any_of;
                ReqGap {
                    ri,
                    best: any_of.iter().map(|&i| best(i)).collect(),
                    not_counted: any_of
                        .iter()
                        .flat_map(|i| records.not_counted.get(i).cloned().unwrap_or_default())
                        .collect(),
                }
            })
            .collect(),
        additional: eval.add_missing.iter().map(|&i| (i, best(i))).collect(),
        el_credits_short: eval.el_credits_short,
        el_count_short: eval.el_count_short,
        add_count_short: eval.add_count_short,
        add_credits_short: eval.add_credits_short,
        total: eval.total,
        total_short: eval.total_short,
        pending: records.pending,
    }
}

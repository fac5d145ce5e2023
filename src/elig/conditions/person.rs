//! The conditions on the rest of the person's file: `elig.violation`,
//! `elig.special`, `elig.already_graduated`, `elig.conduct` and
//! `elig.prior_education`.

use chrono::NaiveDate;
use serde_json::json;

use crate::date::Batch;
use crate::finding::Finding;

use super::super::engine::Ctx;
use super::super::load::{add_months, Candidate, Cert};
use super::super::msg::EligMsg;
use super::super::plan::{norm_code, Plan, ProgramLevel};
use super::super::policy::{DelayFrom, SpecialRule};

/// `elig.violation`: unreadable violation records, and a delay for
/// misconduct (违纪) that reaches past the batch's first day.
pub fn violation(ctx: &Ctx, cand: &Candidate) -> Vec<Finding> {
    let mut out: Vec<Finding> = cand
        .bad_violations
        .iter()
        .map(|bad| {
            Finding::warning(
                "elig.violation",
                EligMsg::ViolationUnreadable { value: bad.clone() },
            )
            .measured(bad.clone())
        })
        .collect();
    let first_day = ctx.batch.first_day();
    for vio in cand.violations.iter().filter(|v| v.months > 0) {
        let from = match ctx.policy.violation_delay_from {
            DelayFrom::ViolationDate => vio.date,
            DelayFrom::NextBatch => {
                let next = vio.date.succ_opt().unwrap_or(vio.date);
                Batch::for_date(next, ctx.batch_months)
                    .first_day()
                    .max(next)
            }
        };
        let until = add_months(from, vio.months).unwrap_or(NaiveDate::MAX);
        if until > first_day {
            out.push(
                Finding::error(
                    "elig.violation",
                    EligMsg::ViolationDelay {
                        date: vio.date,
                        years: vio.years,
                        until,
                        batch: ctx.batch.to_string(),
                    },
                )
                .measured(json!({"date": vio.date.to_string(), "delay_years": vio.years, "until": until.to_string()}))
                .expected(json!({"until_on_or_before": first_day.to_string()})),
            );
        }
    }
    out
}

/// `elig.special`: majors that need a certificate (e.g. a teaching or
/// nursing qualification), per the policy's special rules.
pub fn special(
    ctx: &Ctx,
    cand: &Candidate,
    plan: Option<&Plan>,
    level: Option<ProgramLevel>,
    used_courses: &[u32],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in &ctx.policy.special {
        if !special_rule_applies(ctx, cand, plan, level, used_courses, rule) {
            continue;
        }
        if !ctx.have_certificates {
            out.push(
                Finding::warning(
                    "elig.special",
                    EligMsg::SpecialToInspect {
                        rule_zh: rule.zh.clone(),
                        rule_en: rule.en.clone(),
                    },
                )
                .measured(rule.id.clone()),
            );
            continue;
        }
        for req in &rule.certificates {
            let matches: Vec<&Cert> = cand
                .certs
                .iter()
                .filter(|ct| {
                    req.text_all
                        .iter()
                        .all(|alts| alts.iter().any(|w| ct.text.contains(w.as_str())))
                })
                .collect();
            if matches.is_empty() {
                out.push(
                    Finding::error(
                        "elig.special",
                        EligMsg::SpecialMissing {
                            rule_zh: rule.zh.clone(),
                            rule_en: rule.en.clone(),
                            what_zh: req.what_zh.clone(),
                            what_en: req.what_en.clone(),
                        },
                    )
                    .measured(json!({"rule": rule.id, "certificates": cand.certs.iter().map(|c| c.text.trim().to_string()).collect::<Vec<_>>()}))
                    .expected(req.what_zh.clone()),
                );
                continue;
            }
            if !req.must_be_valid
                || matches
                    .iter()
                    .any(|m| m.valid_until.is_some_and(|u| u >= ctx.as_of))
            {
                continue;
            }
            if matches.iter().any(|m| m.valid_until.is_none()) {
                out.push(
                    Finding::warning(
                        "elig.special",
                        EligMsg::SpecialValidityUnknown {
                            what_zh: req.what_zh.clone(),
                            what_en: req.what_en.clone(),
                        },
                    )
                    .measured(rule.id.clone()),
                );
            } else {
                let until = matches
                    .iter()
                    .filter_map(|m| m.valid_until)
                    .max()
                    .expect("all dated");
                out.push(
                    Finding::error(
                        "elig.special",
                        EligMsg::SpecialExpired {
                            what_zh: req.what_zh.clone(),
                            what_en: req.what_en.clone(),
                            until,
                        },
                    )
                    .measured(until.to_string())
                    .expected(format!(">= {}", ctx.as_of)),
                );
            }
        }
    }
    out
}

/// Whether a special rule concerns this candidate: their major by name or
/// code, the rule's level, and (when the rule says so) a course they use.
fn special_rule_applies(
    ctx: &Ctx,
    cand: &Candidate,
    plan: Option<&Plan>,
    level: Option<ProgramLevel>,
    used_courses: &[u32],
    rule: &SpecialRule,
) -> bool {
    let major_name = if cand.major_name.is_empty() {
        plan.map(|p| p.major_name.as_str()).unwrap_or("")
    } else {
        cand.major_name.as_str()
    };
    let name_hit = rule.major_names.iter().any(|n| {
        crate::text::norm(n) == major_name
            || plan.is_some_and(|p| crate::text::norm(n) == p.major_name)
    });
    let code_hit = rule
        .major_codes
        .iter()
        .any(|m| crate::text::norm(m) == cand.major_code);
    if !(name_hit || code_hit) {
        return false;
    }
    if let (Some(rule_level), Some(l)) =
        (rule.level.as_deref().and_then(ProgramLevel::parse), level)
    {
        if rule_level != l {
            return false;
        }
    }
    if !rule.when_used_any.is_empty() {
        let used = used_courses.iter().any(|&id| {
            rule.when_used_any
                .iter()
                .any(|w| norm_code(w) == ctx.plans.courses.code(id))
        });
        if !used {
            return false;
        }
    }
    !rule.certificates.is_empty()
}

/// `elig.already_graduated`: an earlier graduation in the same major.
pub fn already_graduated(cand: &Candidate) -> Option<Finding> {
    let (major, when) = cand
        .graduated
        .iter()
        .find(|(m, _)| !m.is_empty() && *m == cand.major_code)?;
    Some(
        Finding::error(
            "elig.already_graduated",
            EligMsg::AlreadyGraduated {
                major: major.clone(),
                when: when.clone(),
            },
        )
        .measured(json!({"major_code": major, "graduated": when})),
    )
}

/// `elig.conduct`: the conduct assessment (思想品德鉴定).
pub fn conduct(cand: &Candidate) -> Option<Finding> {
    match cand.conduct.as_str() {
        "" => Some(Finding::warning("elig.conduct", EligMsg::ConductUnknown)),
        "合格" | "通过" | "优秀" | "良好" | "是" | "pass" | "Pass" => None,
        "不合格" | "不通过" | "否" | "fail" | "Fail" => Some(
            Finding::error(
                "elig.conduct",
                EligMsg::ConductFailed {
                    value: cand.conduct.clone(),
                },
            )
            .measured(cand.conduct.clone())
            .expected("合格"),
        ),
        other => Some(
            Finding::warning(
                "elig.conduct",
                EligMsg::ConductUnclear {
                    value: other.into(),
                },
            )
            .measured(other)
            .expected("合格"),
        ),
    }
}

/// `elig.prior_education`: a bachelor candidate's prior-education check
/// (the `prereq verify` report given with `--prereq`).
pub fn prior_education(
    ctx: &Ctx,
    cand: &Candidate,
    level: Option<ProgramLevel>,
) -> Option<Finding> {
    if level != Some(ProgramLevel::Benke) {
        return None;
    }
    let Some(result) = ctx.prereq.and_then(|m| m.get(&*cand.exam_no)) else {
        return Some(
            Finding::warning("elig.prior_education", EligMsg::PriorNotVerified)
                .expected("verified"),
        );
    };
    match result.verdict.as_str() {
        "verified" => None,
        "rejected" => Some(
            Finding::error(
                "elig.prior_education",
                EligMsg::PriorRejected {
                    codes: result.codes.clone(),
                },
            )
            .measured(result.codes.clone())
            .expected("verified"),
        ),
        _ => Some(
            Finding::warning(
                "elig.prior_education",
                EligMsg::PriorReview {
                    codes: result.codes.clone(),
                },
            )
            .measured(result.codes.clone())
            .expected("verified"),
        ),
    }
}

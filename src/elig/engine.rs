//! The per-candidate audit: every condition of eligibility.md, each with
//! its own code, evaluated on the compact form built by `load`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{json, Value};

use std::sync::Arc;

use crate::finding::{Finding, Item, Lazy, Severity};
use crate::policy::Batch;

use super::load::{add_months, Attempt, Cand, Notes, Place, SKind, Val};
use super::missing::{MissingView, ReqGap};
use super::msg::EligMsg;
use super::plan::{Level, Plan, Plans, Variant};
use super::policy::{DelayFrom, EligPolicy, RecordKind};
use super::report::PrereqResult;

/// Everything the audit of one candidate needs besides the candidate.
pub struct Ctx<'a> {
    pub plans: &'a Arc<Plans>,
    pub notes: &'a Notes,
    pub policy: &'a EligPolicy,
    pub batch_months: &'a [u32],
    pub batch: Batch,
    pub as_of: NaiveDate,
    pub prereq: Option<&'a HashMap<String, PrereqResult>>,
    pub have_certificates: bool,
}

/// How far a passed record can be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Avail {
    /// Not usable for this batch (late, wrong major/school, not substitutable).
    Excluded,
    /// Usable once a person confirms something (archive, undated, school form).
    Pending,
    /// Counts.
    Counted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Late(NaiveDate),
    Undated(NaiveDate),
    Archive,
    Mismatch,
    Uncomparable,
    SubNotAllowed,
}

struct CourseState {
    course: u32,
    best: Option<Avail>,
    best_val: Val,
    whys: Vec<(usize, Why)>,
}

fn record_kind(k: SKind) -> Option<RecordKind> {
    match k {
        SKind::Exemption => Some(RecordKind::Exemption),
        SKind::Transfer => Some(RecordKind::Transfer),
        SKind::Substitution => Some(RecordKind::Substitution),
        _ => None,
    }
}

fn classify(ctx: &Ctx, a: &Attempt) -> (Avail, Option<Why>) {
    if matches!(a.kind, SKind::Substitution | SKind::Exemption)
        && ctx.notes.get(a.note).is_some_and(|n| n.starts_with('!'))
    {
        return (Avail::Excluded, Some(Why::SubNotAllowed));
    }
    if a.place == Place::Mismatch {
        return (Avail::Excluded, Some(Why::Mismatch));
    }
    let mut out = (Avail::Counted, None);
    if let Some(rk) = record_kind(a.kind) {
        if let Some(cut) = ctx.policy.cutoff(ctx.batch, rk) {
            match a.approved {
                Some((_, hi)) if hi < cut => {}
                Some((lo, _)) if lo >= cut => return (Avail::Excluded, Some(Why::Late(cut))),
                _ => out = (Avail::Pending, Some(Why::Undated(cut))),
            }
        }
    }
    if a.kind == SKind::Transfer {
        let archived = match (a.archived, ctx.policy.transfer_archive.auto_from) {
            (Some(true), _) => true,
            (Some(false), _) => false,
            (None, Some(from)) => a.approved.is_some_and(|(lo, _)| lo >= from),
            (None, None) => true,
        };
        if !archived {
            out = (Avail::Pending, Some(Why::Archive));
        }
    }
    if a.place == Place::Uncomparable && out.0 == Avail::Counted {
        out = (Avail::Pending, Some(Why::Uncomparable));
    }
    out
}

fn course_states(ctx: &Ctx, c: &Cand) -> Vec<CourseState> {
    let mut v: Vec<CourseState> = Vec::with_capacity(c.attempts.len());
    for (i, a) in c.attempts.iter().enumerate() {
        let idx = match v.iter().position(|s| s.course == a.course) {
            Some(p) => p,
            None => {
                v.push(CourseState {
                    course: a.course,
                    best: None,
                    best_val: a.val,
                    whys: Vec::new(),
                });
                v.len() - 1
            }
        };
        let s = &mut v[idx];
        if better_val(a.val, s.best_val) {
            s.best_val = a.val;
        }
        if !a.passed {
            continue;
        }
        let (av, why) = classify(ctx, a);
        if s.best.is_none_or(|b| av > b) {
            s.best = Some(av);
        }
        if let Some(w) = why {
            s.whys.push((i, w));
        }
    }
    v
}

fn better_val(a: Val, b: Val) -> bool {
    let r = |v: Val| match v {
        Val::Num(t) => t,
        Val::Pass | Val::Exempt => 1001,
        Val::Fail => 0,
    };
    r(a) > r(b)
}

/// The result of evaluating one variant on one set of usable courses.
#[derive(Clone, Debug, Default)]
struct Eval {
    req_missing: Vec<usize>,
    used: Vec<u32>,
    el_credits: f64,
    el_count: u32,
    el_credits_short: f64,
    el_count_short: u32,
    add_rule: Option<usize>,
    add_missing: Vec<u32>,
    add_count_short: u32,
    add_credits_short: f64,
    total: f64,
    total_short: f64,
    unknown_additional: bool,
}

const EPS: f64 = 1e-9;

impl Eval {
    fn fails(&self) -> usize {
        usize::from(!self.req_missing.is_empty())
            + usize::from(self.el_credits_short > EPS || self.el_count_short > 0)
            + usize::from(self.add_count_short > 0 || self.add_credits_short > EPS)
            + usize::from(self.total_short > EPS)
    }
    fn key(&self) -> (usize, usize, u32, u64, u32, u64) {
        (
            self.fails(),
            self.req_missing.len(),
            self.el_count_short + self.add_count_short,
            ((self.el_credits_short + self.add_credits_short) * 10.0) as u64,
            0,
            (self.total_short * 10.0) as u64,
        )
    }
}

fn evaluate(plan: &Plan, v: &Variant, ok: &dyn Fn(u32) -> bool, add_type: &str) -> Eval {
    let mut e = Eval::default();
    let in_other = |id: u32| {
        v.electives.courses.contains(&id) || v.additional.iter().any(|a| a.courses.contains(&id))
    };
    // required (必考/实践/论文), each once, preferring a course no other requirement can use
    for (ri, r) in v.required.iter().enumerate() {
        let mut pick: Option<u32> = None;
        for &id in &r.any_of {
            if ok(id)
                && !e.used.contains(&id)
                && (pick.is_none() || (!in_other(id) && pick.is_some_and(in_other)))
            {
                pick = Some(id);
            }
        }
        match pick {
            Some(id) => {
                e.used.push(id);
                e.total += plan.credits(id);
            }
            None => e.req_missing.push(ri),
        }
    }
    // additional (加考) for the candidate's type, before electives so that a
    // course listed in both is not counted twice
    let t = crate::text::norm(add_type);
    if !t.is_empty() {
        match v.additional.iter().position(|a| a.kind == t) {
            None => e.unknown_additional = true,
            Some(ai) => {
                let a = &v.additional[ai];
                e.add_rule = Some(ai);
                let mut n = 0u32;
                let mut cr = 0.0;
                for &id in &a.courses {
                    if ok(id) && !e.used.contains(&id) {
                        e.used.push(id);
                        n += 1;
                        cr += plan.credits(id);
                    } else if !ok(id) {
                        e.add_missing.push(id);
                    }
                }
                let (need_n, need_c) = match (a.min_count, a.min_credits) {
                    (None, None) => (a.courses.len() as u32, None),
                    (n, c) => (n.unwrap_or(0), c),
                };
                e.add_count_short = need_n.saturating_sub(n);
                e.add_credits_short = need_c.map(|c| (c - cr).max(0.0)).unwrap_or(0.0);
                if e.add_count_short == 0 && e.add_credits_short <= EPS {
                    e.add_missing.clear();
                }
            }
        }
    }
    // electives (选考): every passed one not used elsewhere
    for &id in &v.electives.courses {
        if ok(id) && !e.used.contains(&id) {
            e.used.push(id);
            e.el_count += 1;
            e.el_credits += plan.credits(id);
            e.total += plan.credits(id);
        }
    }
    if let Some(m) = v.electives.min_credits {
        e.el_credits_short = (m - e.el_credits).max(0.0);
    }
    if let Some(m) = v.electives.min_count {
        e.el_count_short = m.saturating_sub(e.el_count);
    }
    if let Some(m) = v.min_total_credits {
        e.total_short = (m - e.total).max(0.0);
        if e.total_short < EPS {
            e.total_short = 0.0;
        }
    }
    e
}

/// Courses that, if passed, would close a gap of `e`.
fn relevant(v: &Variant, e: &Eval) -> Vec<u32> {
    let mut r: Vec<u32> = Vec::new();
    for &ri in &e.req_missing {
        r.extend(&v.required[ri].any_of);
    }
    if e.el_credits_short > EPS || e.el_count_short > 0 || e.total_short > EPS {
        r.extend(v.electives.courses.iter().filter(|c| !e.used.contains(c)));
    }
    r.extend(&e.add_missing);
    if e.total_short > EPS {
        for req in &v.required {
            r.extend(req.any_of.iter().filter(|c| !e.used.contains(c)));
        }
    }
    r
}

fn cname(plan: &Plan, plans: &Plans, id: u32) -> String {
    let n = plan.course_name(id);
    if n.is_empty() {
        plans.courses.code(id).to_string()
    } else {
        format!("{} {n}", plans.courses.code(id))
    }
}

pub(super) fn f1(x: f64) -> Value {
    let r = (x * 10.0).round() / 10.0;
    if (r - r.round()).abs() < EPS {
        json!(r.round() as i64)
    } else {
        json!(r)
    }
}

fn attempt_label(plans: &Plans, notes: &Notes, a: &Attempt) -> String {
    let code = plans.courses.code(a.course);
    match (a.kind, notes.get(a.note)) {
        (SKind::Substitution, Some(n)) => {
            format!("{}→{code} {}", n.trim_start_matches('!'), a.kind.zh())
        }
        (k, Some(n)) if a.place != Place::Ok => format!("{code} {} ({n})", k.zh()),
        (k, _) => match a.approved {
            Some((lo, hi)) if lo == hi => format!("{code} {} {lo}", k.zh()),
            Some((lo, _)) => format!("{code} {} {}", k.zh(), &lo.to_string()[..7]),
            None => format!("{code} {}", k.zh()),
        },
    }
}

/// Audits one candidate.
pub fn audit_one(ctx: &Ctx, c: &Cand) -> Item {
    let plans = ctx.plans;
    let plan = c.plan.map(|i| &plans.plans[i]);
    let level = c.level.or(plan.and_then(|p| p.level));
    let mut f: Vec<Finding> = Vec::new();
    let mut missing: Option<MissingView> = None;

    // ---- elig.record: the candidate's own data
    let mut record = c.record.clone();
    let mut id_upgrade_late = None;
    if c.id_type.0.uses_gb11643() {
        let n = crate::idno::normalize(&c.id_no);
        if n.len() == 15
            && n.bytes().all(|b| b.is_ascii_digit())
            && !record
                .iter()
                .any(|r| matches!(r.message, crate::Msg::Elig(EligMsg::InvalidId { .. })))
        {
            match ctx.policy.cutoff(ctx.batch, RecordKind::Correction) {
                Some(cut) if ctx.as_of >= cut => id_upgrade_late = Some(cut),
                _ => record.push(
                    Finding::error(
                        "elig.record",
                        EligMsg::IdNeedsUpgrade {
                            value: c.id_no.clone(),
                        },
                    )
                    .measured(c.id_no.clone()),
                ),
            }
        }
    }
    if let Some(p) = plan {
        if !p.errors.is_empty() {
            record.push(
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
        if let (Some(cl), Some(pl)) = (c.level, p.level) {
            if cl != pl {
                record.push(
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
        if !p.schools.is_empty() && !c.school.is_empty() {
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            let comparable: Vec<&String> = p
                .schools
                .iter()
                .filter(|s| digits(s) == digits(&c.school))
                .collect();
            if !comparable.is_empty() && !comparable.iter().any(|s| **s == c.school) {
                record.push(
                    Finding::error(
                        "elig.record",
                        EligMsg::SchoolNotInPlan {
                            school: c.school.clone(),
                            schools: p.schools.clone(),
                        },
                    )
                    .measured(c.school.clone())
                    .expected(p.schools.clone()),
                );
            }
        }
    }

    // ---- courses
    let mut used_o: Vec<u32> = Vec::new();
    if let Some(p) = plan.filter(|p| p.errors.is_empty()) {
        let states = course_states(ctx, c);
        let st = |id: u32| states.iter().find(|s| s.course == id);
        let ok_s = |id: u32| st(id).is_some_and(|s| s.best == Some(Avail::Counted));
        let ok_o = |id: u32| st(id).is_some_and(|s| s.best >= Some(Avail::Pending));
        // pick the variant (track) closest to completion
        let evals: Vec<Eval> = p
            .variants
            .iter()
            .map(|v| evaluate(p, v, &ok_o, &c.additional_type))
            .collect();
        let vi = (0..evals.len())
            .min_by_key(|&i| evals[i].key())
            .unwrap_or(0);
        let v = &p.variants[vi];
        let eo = &evals[vi];
        let es = evaluate(p, v, &ok_s, &c.additional_type);
        used_o = eo.used.clone();
        if eo.unknown_additional {
            record.push(
                Finding::error(
                    "elig.record",
                    EligMsg::UnknownAdditionalType {
                        kind: c.additional_type.clone(),
                    },
                )
                .measured(c.additional_type.clone())
                .expected(
                    v.additional
                        .iter()
                        .map(|a| a.kind.clone())
                        .collect::<Vec<_>>(),
                ),
            );
        }
        // elig.required
        if !eo.req_missing.is_empty() {
            let names: Vec<String> = eo
                .req_missing
                .iter()
                .map(|&ri| {
                    let r = &v.required[ri];
                    let alts: Vec<String> =
                        r.any_of.iter().map(|&id| cname(p, plans, id)).collect();
                    alts.join(" / ")
                })
                .collect();
            let codes: Vec<Value> = eo
                .req_missing
                .iter()
                .map(|&ri| {
                    let r = &v.required[ri];
                    if r.any_of.len() == 1 {
                        json!(plans.courses.code(r.any_of[0]))
                    } else {
                        json!(r
                            .any_of
                            .iter()
                            .map(|&i| plans.courses.code(i))
                            .collect::<Vec<_>>())
                    }
                })
                .collect();
            f.push(
                Finding::error("elig.required", EligMsg::RequiredMissing { courses: names })
                    .measured(codes)
                    .expected(v.required.len()),
            );
        }
        // elig.elective
        if eo.el_credits_short > EPS || eo.el_count_short > 0 {
            f.push(Finding::error("elig.elective", EligMsg::ElectiveShort { credits: eo.el_credits, need_credits: v.electives.min_credits, count: eo.el_count, need_count: v.electives.min_count })
                .measured(json!({"credits": f1(eo.el_credits), "count": eo.el_count}))
                .expected(json!({"min_credits": v.electives.min_credits, "min_count": v.electives.min_count})));
        }
        // elig.additional
        if let Some(ai) = eo.add_rule {
            if eo.add_count_short > 0 || eo.add_credits_short > EPS {
                let a = &v.additional[ai];
                f.push(Finding::error("elig.additional", EligMsg::AdditionalShort { kind: a.kind.clone(), missing: eo.add_missing.iter().map(|&i| cname(p, plans, i)).collect(), count_short: eo.add_count_short, credits_short: eo.add_credits_short })
                    .measured(json!({"passed": a.courses.iter().filter(|&&i| eo.used.contains(&i)).count()}))
                    .expected(json!({"type": a.kind, "min_count": a.min_count.unwrap_or(if a.min_credits.is_none() { a.courses.len() as u32 } else { 0 }), "min_credits": a.min_credits})));
            }
        }
        // elig.total_credits
        if let Some(m) = v.min_total_credits {
            if eo.total_short > EPS {
                f.push(
                    Finding::error(
                        "elig.total_credits",
                        EligMsg::TotalCreditsShort {
                            have: eo.total,
                            need: m,
                        },
                    )
                    .measured(f1(eo.total))
                    .expected(f1(m)),
                );
            }
        }
        // records that do not count / need a person, where they matter
        let rel_o = relevant(v, eo);
        let rel_s = relevant(v, &es);
        let mut late = Vec::new();
        let mut late_cut = None;
        let mut undated = Vec::new();
        let mut undated_cut = None;
        let mut archive = Vec::new();
        let mut mismatch: Vec<(String, String)> = Vec::new();
        let mut uncomparable: Vec<(String, String)> = Vec::new();
        let mut pending: Vec<(String, &'static str)> = Vec::new();
        let mut not_counted: HashMap<u32, Vec<String>> = HashMap::new();
        for s in &states {
            for &(ai, why) in &s.whys {
                let a = &c.attempts[ai];
                let label = attempt_label(plans, ctx.notes, a);
                match why {
                    Why::Late(_) | Why::Mismatch | Why::SubNotAllowed => {
                        if s.best == Some(Avail::Excluded) && rel_o.contains(&s.course) {
                            not_counted.entry(s.course).or_default().push(label.clone());
                            match why {
                                Why::Late(cut) => {
                                    late.push(label);
                                    late_cut = Some(cut);
                                }
                                Why::Mismatch => mismatch.push((
                                    cname(p, plans, s.course),
                                    ctx.notes.get(a.note).unwrap_or("").to_string(),
                                )),
                                _ => {}
                            }
                        }
                    }
                    Why::Undated(_) | Why::Archive | Why::Uncomparable => {
                        if s.best == Some(Avail::Pending) && rel_s.contains(&s.course) {
                            pending.push((
                                label.clone(),
                                match why {
                                    Why::Archive => "transfer_archive",
                                    Why::Undated(_) => "deadline",
                                    _ => "practice_match",
                                },
                            ));
                            match why {
                                Why::Undated(cut) => {
                                    undated.push(label);
                                    undated_cut = Some(cut);
                                }
                                Why::Archive => archive.push(label),
                                _ => uncomparable.push((
                                    cname(p, plans, s.course),
                                    ctx.notes.get(a.note).unwrap_or("").to_string(),
                                )),
                            }
                        }
                    }
                }
            }
        }
        if !mismatch.is_empty() {
            for (course, found) in &mismatch {
                f.push(
                    Finding::error(
                        "elig.practice_match",
                        EligMsg::PracticeMismatch {
                            course: course.clone(),
                            found: found.clone(),
                            applied: format!("{}/{}", c.major_code, c.school),
                        },
                    )
                    .measured(found.clone())
                    .expected(format!("{}/{}", c.major_code, c.school)),
                );
            }
        }
        for (course, found) in &uncomparable {
            f.push(
                Finding::warning(
                    "elig.practice_match",
                    EligMsg::PracticeUncomparable {
                        course: course.clone(),
                        found: found.clone(),
                        applied: format!("{}/{}", c.major_code, c.school),
                    },
                )
                .measured(found.clone())
                .expected(format!("{}/{}", c.major_code, c.school)),
            );
        }
        if let Some(cut) = late_cut {
            f.push(
                Finding::error(
                    "elig.deadline",
                    EligMsg::DeadlineLate {
                        records: late.clone(),
                        cutoff: cut,
                    },
                )
                .measured(late)
                .expected(format!("< {cut}")),
            );
        }
        if let Some(cut) = undated_cut {
            f.push(
                Finding::warning(
                    "elig.deadline",
                    EligMsg::DeadlineUndated {
                        records: undated.clone(),
                        cutoff: cut,
                    },
                )
                .measured(undated)
                .expected(format!("< {cut}")),
            );
        }
        if !archive.is_empty() {
            f.push(
                Finding::warning(
                    "elig.transfer_archive",
                    EligMsg::TransferArchive {
                        records: archive.clone(),
                        auto_from: ctx.policy.transfer_archive.auto_from,
                    },
                )
                .measured(archive)
                .expected("归档=是"),
            );
        }
        // the what-is-left view
        let best = |id: u32| st(id).map(|s| s.best_val);
        missing = Some(MissingView {
            plans: Arc::clone(ctx.plans),
            plan: c.plan.expect("a plan"),
            variant: vi,
            required: eo
                .req_missing
                .iter()
                .map(|&ri| {
                    let r = &v.required[ri];
                    ReqGap {
                        ri,
                        best: r.any_of.iter().map(|&i| best(i)).collect(),
                        not_counted: r
                            .any_of
                            .iter()
                            .flat_map(|i| not_counted.get(i).cloned().unwrap_or_default())
                            .collect(),
                    }
                })
                .collect(),
            additional: eo.add_missing.iter().map(|&i| (i, best(i))).collect(),
            el_credits_short: eo.el_credits_short,
            el_count_short: eo.el_count_short,
            add_count_short: eo.add_count_short,
            add_credits_short: eo.add_credits_short,
            total: eo.total,
            total_short: eo.total_short,
            pending,
        });
    }

    // ---- elig.violation
    for bad in &c.bad_violations {
        f.push(
            Finding::warning(
                "elig.violation",
                EligMsg::ViolationUnreadable { value: bad.clone() },
            )
            .measured(bad.clone()),
        );
    }
    let first_day = ctx.batch.first_day();
    for vio in &c.violations {
        if vio.months == 0 {
            continue;
        }
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
            f.push(Finding::error("elig.violation", EligMsg::ViolationDelay { date: vio.date, years: vio.years, until, batch: ctx.batch.to_string() })
                .measured(json!({"date": vio.date.to_string(), "delay_years": vio.years, "until": until.to_string()}))
                .expected(json!({"until_on_or_before": first_day.to_string()})));
        }
    }

    // ---- elig.special
    let major_name = if c.major_name.is_empty() {
        plan.map(|p| p.major_name.as_str()).unwrap_or("")
    } else {
        c.major_name.as_str()
    };
    for rule in &ctx.policy.special {
        let name_hit = rule.major_names.iter().any(|n| {
            crate::text::norm(n) == major_name
                || plan.is_some_and(|p| crate::text::norm(n) == p.major_name)
        });
        let code_hit = rule
            .major_codes
            .iter()
            .any(|m| crate::text::norm(m) == c.major_code);
        if !(name_hit || code_hit) {
            continue;
        }
        if let (Some(rl), Some(l)) = (rule.level.as_deref().and_then(Level::parse), level) {
            if rl != l {
                continue;
            }
        }
        if !rule.when_used_any.is_empty() {
            let hit = used_o.iter().any(|&id| {
                rule.when_used_any
                    .iter()
                    .any(|w| super::plan::norm_code(w) == plans.courses.code(id))
            });
            if !hit {
                continue;
            }
        }
        if rule.certificates.is_empty() {
            continue;
        }
        if !ctx.have_certificates {
            f.push(
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
            let matches: Vec<&super::load::Cert> = c
                .certs
                .iter()
                .filter(|ct| {
                    req.text_all
                        .iter()
                        .all(|alts| alts.iter().any(|w| ct.text.contains(w.as_str())))
                })
                .collect();
            if matches.is_empty() {
                f.push(Finding::error("elig.special", EligMsg::SpecialMissing { rule_zh: rule.zh.clone(), rule_en: rule.en.clone(), what_zh: req.what_zh.clone(), what_en: req.what_en.clone() })
                    .measured(json!({"rule": rule.id, "certificates": c.certs.iter().map(|c| c.text.trim().to_string()).collect::<Vec<_>>()}))
                    .expected(req.what_zh.clone()));
                continue;
            }
            if req.must_be_valid {
                if matches
                    .iter()
                    .any(|m| m.valid_until.is_some_and(|u| u >= ctx.as_of))
                {
                    continue;
                }
                if matches.iter().any(|m| m.valid_until.is_none()) {
                    f.push(
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
                    f.push(
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
    }

    // ---- elig.already_graduated
    for (m, when) in &c.graduated {
        if !m.is_empty() && *m == c.major_code {
            f.push(
                Finding::error(
                    "elig.already_graduated",
                    EligMsg::AlreadyGraduated {
                        major: m.clone(),
                        when: when.clone(),
                    },
                )
                .measured(json!({"major_code": m, "graduated": when})),
            );
            break;
        }
    }

    // ---- elig.conduct
    match c.conduct.as_str() {
        "" => f.push(Finding::warning("elig.conduct", EligMsg::ConductUnknown)),
        "合格" | "通过" | "优秀" | "良好" | "是" | "pass" | "Pass" => {}
        "不合格" | "不通过" | "否" | "fail" | "Fail" => f.push(
            Finding::error(
                "elig.conduct",
                EligMsg::ConductFailed {
                    value: c.conduct.clone(),
                },
            )
            .measured(c.conduct.clone())
            .expected("合格"),
        ),
        other => f.push(
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

    // ---- elig.prior_education (bachelor)
    if level == Some(Level::Benke) {
        match ctx.prereq.and_then(|m| m.get(&*c.exam_no)) {
            Some(r) => match r.verdict.as_str() {
                "verified" => {}
                "rejected" => f.push(
                    Finding::error(
                        "elig.prior_education",
                        EligMsg::PriorRejected {
                            codes: r.codes.clone(),
                        },
                    )
                    .measured(r.codes.clone())
                    .expected("verified"),
                ),
                _ => f.push(
                    Finding::warning(
                        "elig.prior_education",
                        EligMsg::PriorReview {
                            codes: r.codes.clone(),
                        },
                    )
                    .measured(r.codes.clone())
                    .expected("verified"),
                ),
            },
            None => f.push(
                Finding::warning("elig.prior_education", EligMsg::PriorNotVerified)
                    .expected("verified"),
            ),
        }
    }

    // ---- elig.deadline (record correction: the 15-digit ID upgrade)
    if let Some(cut) = id_upgrade_late {
        f.push(
            Finding::error("elig.deadline", EligMsg::IdUpgradeLate { cutoff: cut })
                .measured(c.id_no.clone())
                .expected(format!("< {cut}")),
        );
    }

    // order: record first, then the conditions in eligibility.md order
    record.extend(f);
    let mut findings = record;
    let order = [
        "elig.record",
        "elig.required",
        "elig.elective",
        "elig.additional",
        "elig.total_credits",
        "elig.practice_match",
        "elig.violation",
        "elig.special",
        "elig.already_graduated",
        "elig.conduct",
        "elig.prior_education",
        "elig.deadline",
        "elig.transfer_archive",
    ];
    findings.sort_by_key(|x| {
        order
            .iter()
            .position(|o| *o == x.code)
            .unwrap_or(order.len())
    });
    let verdict = if findings.iter().any(|x| x.severity == Severity::Error) {
        "ineligible"
    } else if findings.iter().any(|x| x.severity == Severity::Warning) {
        "review"
    } else {
        "eligible"
    };
    let mut item = Item::new(verdict, verdict == "eligible")
        .key("exam_no", &*c.exam_no)
        .key("name", c.name.clone());
    item.findings = findings;
    item.extra.push(("major_code", json!(c.major_code)));
    item.extra.push(("major_name", json!(major_name)));
    item.extra.push(("level", json!(level.map(Level::zh))));
    item.extra.push(("school", json!(c.school)));
    match missing {
        Some(m) => item.lazy.push(("missing", Lazy::new(m))),
        None => item.extra.push(("missing", Value::Null)),
    }
    item
}

//! The per-candidate audit: every condition of eligibility.md, each with
//! its own code, evaluated on the compact form built by `load`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::date::Batch;
use crate::finding::{Item, Lazy, Severity};

use super::load::{Attempt, Candidate, Notes, Place, ScoreKind, ScoreValue};
use super::plan::{Plan, Plans, ProgramLevel, Variant};
use super::policy::{EligPolicy, RecordKind};
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
pub(super) enum Avail {
    /// Not usable for this batch (late, wrong major/school, not substitutable).
    Excluded,
    /// Usable once a person confirms something (archive, undated, school form).
    Pending,
    /// Counts.
    Counted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    Late(NaiveDate),
    Undated(NaiveDate),
    Archive,
    Mismatch,
    Uncomparable,
    SubNotAllowed,
}

pub(super) struct CourseState {
    pub course: u32,
    pub best: Option<Avail>,
    pub best_val: ScoreValue,
    pub whys: Vec<(usize, Why)>,
}

fn record_kind(k: ScoreKind) -> Option<RecordKind> {
    match k {
        ScoreKind::Exemption => Some(RecordKind::Exemption),
        ScoreKind::Transfer => Some(RecordKind::Transfer),
        ScoreKind::Substitution => Some(RecordKind::Substitution),
        _ => None,
    }
}

fn classify(ctx: &Ctx, a: &Attempt) -> (Avail, Option<Why>) {
    if matches!(a.kind, ScoreKind::Substitution | ScoreKind::Exemption)
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
    if a.kind == ScoreKind::Transfer {
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

fn course_states(ctx: &Ctx, c: &Candidate) -> Vec<CourseState> {
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
        if better_score(a.val, s.best_val) {
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

fn better_score(a: ScoreValue, b: ScoreValue) -> bool {
    let r = |v: ScoreValue| match v {
        ScoreValue::Num(t) => t,
        ScoreValue::Pass | ScoreValue::Exempt => 1001,
        ScoreValue::Fail => 0,
    };
    r(a) > r(b)
}

/// The result of evaluating one variant on one set of usable courses.
#[derive(Clone, Debug, Default)]
pub(super) struct Eval {
    pub req_missing: Vec<usize>,
    pub used: Vec<u32>,
    pub el_credits: f64,
    pub el_count: u32,
    pub el_credits_short: f64,
    pub el_count_short: u32,
    pub add_rule: Option<usize>,
    pub add_missing: Vec<u32>,
    pub add_count_short: u32,
    pub add_credits_short: f64,
    pub total: f64,
    pub total_short: f64,
    pub unknown_additional: bool,
}

pub(super) const EPS: f64 = 1e-9;

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
pub(super) fn relevant(v: &Variant, e: &Eval) -> Vec<u32> {
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

/// A number of credits rounded to one decimal, written as an integer when whole.
pub(crate) fn round1(x: f64) -> Value {
    let r = crate::text::round_to(x, 1);
    if (r - r.round()).abs() < EPS {
        json!(r.round() as i64)
    } else {
        json!(r)
    }
}

/// The courses of one candidate judged against their plan: the track
/// (variant) closest to completion, evaluated twice: once counting the
/// records that wait for a person's confirmation (what the candidate will
/// have if they are confirmed) and once counting only the records that
/// count now.
pub(super) struct CourseAudit<'a> {
    pub plan: &'a Plan,
    pub variant_index: usize,
    pub variant: &'a Variant,
    pub states: Vec<CourseState>,
    /// Pending records counted as passed.
    pub with_pending: Eval,
    /// Only the records that count now.
    pub counted_only: Eval,
}

impl<'a> CourseAudit<'a> {
    fn new(ctx: &Ctx, cand: &Candidate, plan: &'a Plan) -> Self {
        let states = course_states(ctx, cand);
        let state_of = |id: u32| states.iter().find(|s| s.course == id);
        let counted = |id: u32| state_of(id).is_some_and(|s| s.best == Some(Avail::Counted));
        let counted_or_pending =
            |id: u32| state_of(id).is_some_and(|s| s.best >= Some(Avail::Pending));
        let evals: Vec<Eval> = plan
            .variants
            .iter()
            .map(|v| evaluate(plan, v, &counted_or_pending, &cand.additional_type))
            .collect();
        let variant_index = (0..evals.len())
            .min_by_key(|&i| evals[i].key())
            .unwrap_or(0);
        let variant = &plan.variants[variant_index];
        let counted_only = evaluate(plan, variant, &counted, &cand.additional_type);
        let with_pending = evals.into_iter().nth(variant_index).unwrap_or_default();
        CourseAudit {
            plan,
            variant_index,
            variant,
            states,
            with_pending,
            counted_only,
        }
    }

    pub fn state_of(&self, course: u32) -> Option<&CourseState> {
        self.states.iter().find(|s| s.course == course)
    }
}

/// `code name` of a course of the plan (the code alone when the plan names
/// no course).
pub(super) fn course_label(plan: &Plan, plans: &Plans, id: u32) -> String {
    let n = plan.course_name(id);
    if n.is_empty() {
        plans.courses.code(id).to_string()
    } else {
        format!("{} {n}", plans.courses.code(id))
    }
}

/// How one record of the scores table is named in messages: course code,
/// record type, and its date or note.
pub(super) fn attempt_label(plans: &Plans, notes: &Notes, a: &Attempt) -> String {
    let code = plans.courses.code(a.course);
    match (a.kind, notes.get(a.note)) {
        (ScoreKind::Substitution, Some(n)) => {
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

/// Audits one candidate: every condition of eligibility.md in turn
/// (src/elig/conditions/), then the verdict.
pub fn audit_one(ctx: &Ctx, cand: &Candidate) -> Item {
    use super::conditions::{courses, person, record};
    let plan = cand.plan.map(|i| &ctx.plans.plans[i]);
    let level = cand.level.or(plan.and_then(|p| p.level));

    let id_upgrade = record::id_upgrade(ctx, cand);
    let mut findings = record::record(cand, plan, id_upgrade);
    let audit = plan
        .filter(|p| p.errors.is_empty())
        .map(|p| CourseAudit::new(ctx, cand, p));
    let mut missing = None;
    if let Some(audit) = &audit {
        findings.extend(record::unknown_additional_type(cand, audit));
        findings.extend(courses::required(ctx, audit));
        findings.extend(courses::elective(audit));
        findings.extend(courses::additional(ctx, audit));
        findings.extend(courses::total_credits(audit));
        let excluded = courses::records_not_counted(ctx, cand, audit);
        findings.extend(excluded.findings(ctx, cand));
        missing = Some(courses::missing_view(ctx, cand, audit, excluded));
    }
    let used_courses = audit
        .as_ref()
        .map(|a| a.with_pending.used.as_slice())
        .unwrap_or(&[]);
    findings.extend(person::violation(ctx, cand));
    findings.extend(person::special(ctx, cand, plan, level, used_courses));
    findings.extend(person::already_graduated(cand));
    findings.extend(person::conduct(cand));
    findings.extend(person::prior_education(ctx, cand, level));
    if let record::IdUpgrade::Late(cutoff) = id_upgrade {
        findings.push(record::id_upgrade_late(cand, cutoff));
    }

    // in the order of elig::CODES (eligibility.md); stable: findings of one
    // condition keep the order they were found in
    findings.sort_by_key(|x| {
        super::CODES
            .iter()
            .position(|o| *o == x.code)
            .unwrap_or(super::CODES.len())
    });
    let verdict = if findings.iter().any(|x| x.severity == Severity::Error) {
        "ineligible"
    } else if findings.iter().any(|x| x.severity == Severity::Warning) {
        "review"
    } else {
        "eligible"
    };
    let major_name = if cand.major_name.is_empty() {
        plan.map(|p| p.major_name.as_str()).unwrap_or("")
    } else {
        cand.major_name.as_str()
    };
    let mut item = Item::new(verdict, verdict == "eligible")
        .key("exam_no", &*cand.exam_no)
        .key("name", cand.name.clone());
    item.findings = findings;
    item.extra.push(("major_code", json!(cand.major_code)));
    item.extra.push(("major_name", json!(major_name)));
    item.extra
        .push(("level", json!(level.map(ProgramLevel::zh))));
    item.extra.push(("school", json!(cand.school)));
    match missing {
        Some(m) => item.lazy.push(("missing", Lazy::new(m))),
        None => item.extra.push(("missing", Value::Null)),
    }
    item
}

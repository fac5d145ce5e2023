//! Graduation audit (毕业审核) and what-is-left (毕业预测): `zikao eligibility`.
//!
//! [`audit`] reads the candidates, scores and plans (plus, when given,
//! violations, graduates, certificates and `prereq verify`'s result),
//! evaluates every condition of spec/eligibility.md for every candidate and
//! returns a [`Report`] with one item per candidate (`eligible` /
//! `ineligible` / `review`), every finding with its own code, and the
//! `missing` view. Rules and their decisions: docs/eligibility.md.
//!
//! Scores are streamed into a compact per-candidate form: only rows of
//! candidates in the candidates table and of courses in their plan are
//! kept, course codes are interned as `u32`, scores are small enums, and
//! only the best plain attempt per (candidate, course) is kept.

mod conditions;
mod engine;
mod load;
mod missing;
mod msg;
pub mod plan;
pub mod policy;
pub mod report;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::json;

use crate::date::Batch;
use crate::finding::{InputProblem, Report};
use crate::policy::Policy;
use crate::table::{self, ReadOptions, Row, Schema};
use crate::{Error, Result};

pub use load::{parse_date, parse_score, ScoreKind, ScoreValue};
pub use msg::EligMsg;
pub use report::{read_report, PrereqResult};

/// The command name in reports.
pub const COMMAND: &str = "eligibility";

/// The finding codes of the audit, in the order findings are listed.
pub const CODES: &[&str] = &[
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
    "elig.internal_error",
];

/// The input files.
#[derive(Clone, Debug, Default)]
pub struct EligInputs {
    pub candidates: PathBuf,
    pub scores: PathBuf,
    /// The flat table form (any table format) or the JSON plan form.
    pub plans: PathBuf,
    pub violations: Option<PathBuf>,
    pub graduates: Option<PathBuf>,
    pub certificates: Option<PathBuf>,
    /// `prereq verify`'s JSON report.
    pub prereq: Option<PathBuf>,
    /// Encoding and sheet options for every table.
    pub read: ReadOptions,
}

/// Batch and review date.
#[derive(Clone, Copy, Debug)]
pub struct EligOptions {
    pub batch: Batch,
    pub as_of: NaiveDate,
}

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which {
    Plans,
    Candidates,
    Scores,
    Violations,
    Graduates,
    Certificates,
}

/// Where tables come from (files; in-memory text in tests).
pub(crate) trait Source: Sync {
    fn has(&self, w: Which) -> bool;
    fn read(
        &self,
        w: Which,
        schema: &Schema,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<Vec<InputProblem>>;
    /// The file behind a table, for reading it on several threads (none
    /// for in-memory tables).
    fn file(&self, _w: Which) -> Option<(&Path, &ReadOptions)> {
        None
    }
    /// How a file is cut for reading on several threads.
    fn tuning(&self) -> table::Tuning {
        table::Tuning::default()
    }
    /// The plans when given in the JSON plan form.
    fn plans_json(&self) -> Result<Option<plan::Plans>>;
    fn prereq(&self) -> Result<Option<HashMap<String, PrereqResult>>>;
}

struct Files<'a>(&'a EligInputs);

impl Files<'_> {
    fn path(&self, w: Which) -> Option<&Path> {
        let i = self.0;
        match w {
            Which::Plans => Some(&i.plans),
            Which::Candidates => Some(&i.candidates),
            Which::Scores => Some(&i.scores),
            Which::Violations => i.violations.as_deref(),
            Which::Graduates => i.graduates.as_deref(),
            Which::Certificates => i.certificates.as_deref(),
        }
    }
}

impl Source for Files<'_> {
    fn has(&self, w: Which) -> bool {
        self.path(w).is_some()
    }
    fn file(&self, w: Which) -> Option<(&Path, &ReadOptions)> {
        self.path(w).map(|p| (p, &self.0.read))
    }
    fn read(
        &self,
        w: Which,
        schema: &Schema,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<Vec<InputProblem>> {
        let p = self.path(w).expect("checked with has()");
        table::read(p, schema, &self.0.read, f)
    }
    fn plans_json(&self) -> Result<Option<plan::Plans>> {
        let p = &self.0.plans;
        let is_json = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !is_json {
            return Ok(None);
        }
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
        let text = text.trim_start_matches('\u{FEFF}');
        if plan::is_structured_json(text) {
            plan::parse_json(text, p).map(Some)
        } else {
            Ok(None)
        }
    }
    fn prereq(&self) -> Result<Option<HashMap<String, PrereqResult>>> {
        match &self.0.prereq {
            None => Ok(None),
            Some(p) => report::read_report(p).map(|(_, m)| Some(m)),
        }
    }
}

/// Reads table `w` of `src` into per-chunk states (several threads for a
/// big delimited file; see [`table::read_parallel`]).
fn read_chunks<S, I, F>(
    src: &dyn Source,
    w: Which,
    schema: &Schema,
    columns: &'static [&'static str],
    init: I,
    f: F,
) -> Result<(Vec<S>, Vec<InputProblem>)>
where
    S: Send,
    I: Fn(u64) -> S + Sync,
    F: Fn(&mut S, Row<'_>) + Sync,
{
    match src.file(w) {
        Some((path, opts)) => {
            let opts = ReadOptions {
                columns: Some(columns),
                ..opts.clone()
            };
            table::read_parallel_tuned(path, schema, &opts, src.tuning(), init, f)
        }
        None => {
            let mut state = init(0);
            let p = src.read(w, schema, &mut |r| f(&mut state, r))?;
            Ok((vec![state], p))
        }
    }
}

/// Runs the graduation audit. Fails (exit 2) only when a file cannot be
/// read as a whole or the arguments do not fit the policy; a bad row is an
/// input problem and a bad candidate record is an `elig.record` finding.
pub fn audit(inputs: &EligInputs, policy: &Policy, opts: &EligOptions) -> Result<Report> {
    run(&Files(inputs), policy, opts)
}

pub(crate) fn run(src: &dyn Source, policy: &Policy, opts: &EligOptions) -> Result<Report> {
    // A policy built in code rather than parsed is checked here too.
    policy.validate().map_err(|(key, message)| Error::Policy {
        path: PathBuf::from(format!("<policy {}>", policy.name)),
        key,
        message,
    })?;
    check_batch(policy, opts)?;
    let ep = &policy.eligibility;
    let (mut ld, problems) = load_inputs(src, policy, opts)?;
    let prereq = src.prereq()?;
    let mut all_problems = problems;
    all_problems.append(&mut ld.problems);
    all_problems.sort_by(|a, b| a.file.cmp(&b.file).then(a.row.cmp(&b.row)));
    let ctx = engine::Ctx {
        plans: &ld.plans,
        notes: &ld.notes,
        policy: ep,
        batch_months: &policy.batch_months,
        batch: opts.batch,
        as_of: opts.as_of,
        prereq: prereq.as_ref(),
        have_certificates: src.has(Which::Certificates),
    };
    // consume the candidates so that their scores are freed as the items are built
    let cands = std::mem::take(&mut ld.cands);
    let results = cands
        .into_par_iter()
        .map(|c| audit_isolated(&ctx, &c))
        .collect();
    let mut rep = Report::new(COMMAND);
    rep.results = results;
    rep.input_errors = all_problems;
    rep.summary_extra = vec![
        ("policy", json!(policy.name)),
        ("batch", json!(opts.batch.to_string())),
        ("as_of", json!(opts.as_of.to_string())),
        ("approved_before", json!(cutoffs(ep, opts.batch))),
    ];
    Ok(rep)
}

/// A batch the policy does not hold graduations in is a usage error.
fn check_batch(policy: &Policy, opts: &EligOptions) -> Result<()> {
    if !policy.batch_months.is_empty() && !policy.batch_months.contains(&opts.batch.month) {
        return Err(Error::usage(
            format!(
                "批次 {} 不是政策 {} 的毕业办理批次（办理月份：{:?}）",
                opts.batch, policy.name, policy.batch_months
            ),
            format!(
                "batch {} is not a graduation batch of policy {} (months {:?})",
                opts.batch, policy.name, policy.batch_months
            ),
        ));
    }
    Ok(())
}

/// Reads every input into the compact model: the plans, the candidates,
/// the scores (with the `table.unmatched_rows` count), then the optional
/// violations, earlier graduates and certificates. Returns the model and
/// the row problems of the tables.
fn load_inputs(
    src: &dyn Source,
    policy: &Policy,
    opts: &EligOptions,
) -> Result<(load::Loaded, Vec<InputProblem>)> {
    let ep = &policy.eligibility;
    let mut problems: Vec<InputProblem> = Vec::new();
    let plans = match src.plans_json()? {
        Some(p) => p,
        None => {
            let mut b = plan::FlatBuilder::default();
            let mut rowp = Vec::new();
            let p = src.read(Which::Plans, &table::schemas::PLANS, &mut |r| {
                b.row(&r, &mut rowp)
            })?;
            problems.extend(p);
            problems.extend(rowp);
            b.finish()
        }
    };
    let mut ld = load::Loaded::new(plans, ep.pass_mark, opts.as_of);
    let (chunks, p) = read_chunks(
        src,
        Which::Candidates,
        &table::schemas::CANDIDATES,
        load::CANDIDATE_COLUMNS,
        load::CandidateChunk::with_size,
        |out, r| ld.candidate_row(&r, out),
    )?;
    problems.extend(p);
    ld.add_candidates(chunks);
    let groups = &ep.substitution_groups;
    let sub_ok = |name: &str| {
        name.is_empty()
            || groups.is_empty()
            || groups.iter().any(|g| {
                g.name_contains_any
                    .iter()
                    .any(|w| name.contains(w.as_str()))
            })
    };
    // a certificate the policy names may exempt only the courses it lists
    let exemptions = &ep.certificate_exemptions;
    let cert_ok = |cert: &str, course: &str| {
        exemptions
            .iter()
            .filter(|e| {
                !e.courses.is_empty() && e.patterns.iter().any(|p| cert.contains(p.as_str()))
            })
            .all(|e| e.courses.iter().any(|c| plan::norm_code(c) == course))
    };
    let (chunks, p) = read_chunks(
        src,
        Which::Scores,
        &table::schemas::SCORES,
        load::SCORE_COLUMNS,
        load::ScoreChunk::with_size,
        |out, r| ld.score_row(&r, &sub_ok, &cert_ok, out),
    )?;
    let unmatched: usize = chunks.iter().map(|c| c.unmatched).sum();
    let samples: Vec<String> = chunks
        .iter()
        .flat_map(|c| c.unmatched_nos.iter().cloned())
        .collect();
    ld.add_scores(chunks);
    problems.extend(p);
    let scores_file = src
        .file(Which::Scores)
        .map(|(p, _)| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from("scores"));
    let candidates_file = src
        .file(Which::Candidates)
        .map(|(p, _)| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from("candidates"));
    problems.extend(ld.unmatched_problem(&scores_file, &candidates_file, unmatched, &samples));
    if src.has(Which::Violations) {
        let p = src.read(Which::Violations, &table::schemas::VIOLATIONS, &mut |r| {
            ld.violation_row(&r)
        })?;
        problems.extend(p);
    }
    if src.has(Which::Graduates) {
        let mut rows = Vec::new();
        let p = src.read(Which::Graduates, &table::schemas::GRADUATES, &mut |r| {
            rows.push(load::Loaded::graduate_row(&r))
        })?;
        ld.add_graduates(&rows);
        problems.extend(p);
    }
    if src.has(Which::Certificates) {
        let p = src.read(
            Which::Certificates,
            &table::schemas::CERTIFICATES,
            &mut |r| ld.certificate_row(&r),
        )?;
        problems.extend(p);
    }
    Ok((ld, problems))
}

/// The cut-off dates of the batch, by kind of record (`summary.approved_before`).
fn cutoffs(ep: &policy::EligPolicy, batch: Batch) -> serde_json::Map<String, serde_json::Value> {
    [
        ("exemption", policy::RecordKind::Exemption),
        ("transfer", policy::RecordKind::Transfer),
        ("substitution", policy::RecordKind::Substitution),
        ("correction", policy::RecordKind::Correction),
    ]
    .iter()
    .map(|(k, rk)| {
        (
            (*k).to_string(),
            json!(ep.cutoff(batch, *rk).map(|d| d.to_string())),
        )
    })
    .collect()
}

/// Masks the identity numbers a report quotes (`elig.record` and
/// `elig.deadline` findings about an ID number) as every other report
/// does; `zikao eligibility --unmask` leaves them whole.
pub fn mask_ids(report: &mut Report) {
    for it in &mut report.results {
        for f in &mut it.findings {
            let about_id = match &mut f.message {
                crate::Msg::Elig(EligMsg::InvalidId { value, .. })
                | crate::Msg::Elig(EligMsg::IdNeedsUpgrade { value }) => {
                    *value = crate::idno::mask(value);
                    true
                }
                crate::Msg::Elig(EligMsg::IdUpgradeLate { .. }) => true,
                _ => false,
            };
            if about_id {
                if let serde_json::Value::String(s) = &mut f.measured {
                    *s = crate::idno::mask(s);
                }
            }
        }
    }
}

/// [`engine::audit_one`], with a panic (a bug) turned into the candidate's
/// `elig.internal_error` finding (verdict `ineligible`: an error finding),
/// so that one candidate never ends the audit of the others.
fn audit_isolated(ctx: &engine::Ctx, c: &load::Candidate) -> crate::finding::Item {
    crate::error::isolated(
        || engine::audit_one(ctx, c),
        |detail| {
            let mut item = crate::finding::Item::new("ineligible", false)
                .key("exam_no", &*c.exam_no)
                .key("name", c.name.clone());
            item.findings.push(crate::finding::Finding::error(
                "elig.internal_error",
                EligMsg::InternalError { detail },
            ));
            item
        },
    )
}

#[cfg(test)]
mod tests;

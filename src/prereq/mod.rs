//! `zikao prereq verify`: prior-education (前置学历) checks for bachelor
//! applicants (prereq.md; seeds 000_… 二(二), 四(三)3 and 004_… 一, 附件2).
//!
//! Everything that can be checked from the data is checked offline; for
//! what only the national registry can confirm, each result carries the
//! chsi.com.cn verification link for staff to open by hand. The library
//! makes no network request.
//!
//! Entry point: [`verify`] over [`PrereqInputs`] (read from files with
//! [`PrereqInputs::read`], or built in memory). Verdicts: `verified`
//! (everything checkable holds), `review` (a warning: something only a
//! person can settle), `rejected` (an error). Decisions are in docs/prereq.md.

pub mod checks;
mod msg;
pub mod policy;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::{json, Value};

pub use checks::{EligEntry, Proof, QualificationLevel};
pub use msg::{PrereqMsg, Side};

use crate::date::Batch;
use crate::finding::{Finding, InputProblem, Item, Report, Severity};
use crate::idno;
use crate::policy::Policy;
use crate::table::{self, schemas, ReadOptions};
use crate::{Error, Result};

/// The command name in reports.
pub const COMMAND: &str = "prereq verify";

/// One candidate (exam record) as far as this command needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Candidate {
    /// Row in the candidates file (0 when built in memory).
    pub row: usize,
    pub exam_no: String,
    pub name: String,
    pub id_type: Option<String>,
    pub id_no: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    /// 层次 (专科/本科); empty: unknown.
    pub level: Option<String>,
}

/// One prior-education record (prereq.md "prior").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PriorRec {
    pub row: usize,
    pub exam_no: String,
    pub name: Option<String>,
    pub id_no: Option<String>,
    pub prior_level: Option<String>,
    pub prior_school: Option<String>,
    pub prior_major: Option<String>,
    pub graduated_on: Option<String>,
    pub certificate_no: Option<String>,
    pub proof: Option<String>,
    pub proof_code: Option<String>,
    pub proof_valid_until: Option<String>,
}

/// The batch's eligibility result (`--eligibility`), indexed by exam_no.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EligibilityResult {
    /// The batch it was run for, when the file says.
    pub batch: Option<Batch>,
    pub entries: HashMap<String, EligEntry>,
}

/// Everything `verify` reads.
#[derive(Clone, Debug, Default)]
pub struct PrereqInputs {
    pub candidates: Vec<Candidate>,
    pub prior: Vec<PriorRec>,
    pub eligibility: Option<EligibilityResult>,
    /// Paths, for input problems.
    pub candidates_path: PathBuf,
    pub prior_path: PathBuf,
    /// Problems found while reading (rows skipped or repaired).
    pub problems: Vec<InputProblem>,
}

/// Options of a run.
#[derive(Clone, Debug)]
pub struct PrereqOptions {
    /// `--batch`; `None`: the batch `as_of` falls in.
    pub batch: Option<Batch>,
    /// The run's reference date (`--as-of`, or today chosen by the caller).
    pub as_of: NaiveDate,
    /// Whether `as_of` was given explicitly (`--as-of`): then it is also the
    /// review date for the validity of online verifications; otherwise the
    /// policy's review date for the batch is used (falling back to `as_of`).
    pub as_of_given: bool,
    /// Show ID numbers in full (default: masked, first 6 and last 4).
    pub unmask: bool,
}

impl PrereqOptions {
    /// Defaults for a reference date: batch from the date, `as_of` not
    /// explicit, masked output.
    pub fn new(as_of: NaiveDate) -> Self {
        PrereqOptions {
            batch: None,
            as_of,
            as_of_given: false,
            unmask: false,
        }
    }
}

fn opt(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

impl PrereqInputs {
    /// Reads the candidates and prior tables and, when given, the
    /// eligibility result JSON.
    pub fn read(
        candidates: &Path,
        prior: &Path,
        eligibility: Option<&Path>,
        opts: &ReadOptions,
    ) -> Result<PrereqInputs> {
        let mut inp = PrereqInputs {
            candidates_path: candidates.to_path_buf(),
            prior_path: prior.to_path_buf(),
            ..Default::default()
        };
        let mut cands = Vec::new();
        let mut p1 = table::read(candidates, &schemas::CANDIDATES, opts, &mut |row| {
            cands.push(Candidate {
                row: row.row,
                exam_no: row.get("exam_no").unwrap_or("").trim().to_string(),
                name: row.get("name").unwrap_or("").trim().to_string(),
                id_type: opt(row.get("id_type")),
                id_no: opt(row.get("id_no")),
                gender: opt(row.get("gender")),
                birth_date: opt(row.get("birth_date")),
                level: opt(row.get("level")),
            });
        })?;
        let mut priors = Vec::new();
        let mut p2 = table::read(prior, &schemas::PRIOR, opts, &mut |row| {
            priors.push(PriorRec {
                row: row.row,
                exam_no: row.get("exam_no").unwrap_or("").trim().to_string(),
                name: opt(row.get("name")),
                id_no: opt(row.get("id_no")),
                prior_level: opt(row.get("prior_level")),
                prior_school: opt(row.get("prior_school")),
                prior_major: opt(row.get("prior_major")),
                graduated_on: opt(row.get("graduated_on")),
                certificate_no: opt(row.get("certificate_no")),
                proof: opt(row.get("proof")),
                proof_code: opt(row.get("proof_code")),
                proof_valid_until: opt(row.get("proof_valid_until")),
            });
        })?;
        inp.candidates = cands;
        inp.prior = priors;
        inp.problems.append(&mut p1);
        inp.problems.append(&mut p2);
        if let Some(e) = eligibility {
            inp.eligibility = Some(read_eligibility(e)?);
        }
        Ok(inp)
    }
}

/// Reads `zikao eligibility --format json` output (the standard report
/// shape: `{"command", "summary", "results": [{"exam_no", "name", "verdict",
/// "level"?...}]}`; a bare array of results is accepted too).
pub fn read_eligibility(path: &Path) -> Result<EligibilityResult> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_eligibility(text.trim_start_matches('\u{FEFF}'), path)
}

/// Parses eligibility JSON text (see [`read_eligibility`]).
pub fn parse_eligibility(text: &str, path: &Path) -> Result<EligibilityResult> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        Error::format(
            path,
            format!("不是 JSON 文件（第 {} 行第 {} 列）", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    let (results, batch) = match &v {
        Value::Array(a) => (a.as_slice(), None),
        Value::Object(o) => {
            crate::error::check_report_kind(path, &v, "eligibility")?;
            let batch = o
                .get("summary")
                .and_then(|s| s.get("batch"))
                .or_else(|| o.get("batch"))
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Batch>().ok());
            match o.get("results").and_then(Value::as_array) {
                Some(a) => (a.as_slice(), batch),
                None => {
                    return Err(Error::WrongInput {
                        path: path.to_path_buf(),
                        found: String::new(),
                        expected: "eligibility".into(),
                    })
                }
            }
        }
        _ => {
            return Err(Error::format(
                path,
                "不是毕业审核报告",
                "not an eligibility report",
            ))
        }
    };
    let text_of = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => opt(Some(s)),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut entries = HashMap::new();
    for (i, r) in results.iter().enumerate() {
        let exam_no = text_of(r.get("exam_no").or_else(|| r.get("准考证号"))).ok_or_else(|| {
            Error::format(
                path,
                format!("第 {} 条结果没有准考证号（exam_no）", i + 1),
                format!("result {}: no exam_no", i + 1),
            )
        })?;
        let verdict = text_of(r.get("verdict")).ok_or_else(|| {
            Error::format(
                path,
                format!("第 {} 条结果没有结论（verdict）", i + 1),
                format!("result {}: no verdict", i + 1),
            )
        })?;
        let e = EligEntry {
            exam_no: checks::compact(&exam_no),
            name: text_of(r.get("name").or_else(|| r.get("姓名"))),
            verdict,
            level: text_of(r.get("level").or_else(|| r.get("层次"))),
        };
        // Someone applying for 专科 and 本科 in one batch may be listed twice:
        // the 专科 entry is the one a concurrent admission number refers to.
        let is_assoc = |e: &EligEntry| {
            e.level.as_deref().and_then(QualificationLevel::parse)
                == Some(QualificationLevel::Associate)
        };
        match entries.get(&e.exam_no) {
            Some(old) if is_assoc(old) || !is_assoc(&e) => {}
            _ => {
                entries.insert(e.exam_no.clone(), e);
            }
        }
    }
    Ok(EligibilityResult { batch, entries })
}

/// Whether a candidate applies for a bachelor (本科) graduation:
/// `Some(true)` 本科, `Some(false)` 专科, `None` unknown.
fn is_bachelor(level: Option<&str>) -> Option<bool> {
    let l = level?;
    match QualificationLevel::parse(l) {
        Some(QualificationLevel::Bachelor) => Some(true),
        Some(QualificationLevel::Associate) => Some(false),
        _ => None,
    }
}

fn rank(verdict: &str) -> u8 {
    match verdict {
        "verified" => 0,
        "review" => 1,
        _ => 2,
    }
}

fn verdict_of(findings: &[Finding]) -> &'static str {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        "rejected"
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        "review"
    } else {
        "verified"
    }
}

/// The dates a run uses.
#[derive(Clone, Copy, Debug)]
struct RunCtx {
    batch: Batch,
    as_of: NaiveDate,
    review: NaiveDate,
    dates: policy::BatchDates,
    unmask: bool,
}

/// Checks one prior record of a candidate. Returns (findings, extra fields).
fn check_record(
    cand: &Candidate,
    p: &PriorRec,
    ctx: &RunCtx,
    elig: Option<&EligibilityResult>,
) -> Checked {
    let mut fs = Vec::new();
    // The fresh-graduate grace, while it runs, and only for a record that
    // can be a fresh graduate's: no graduation date yet, or one in the
    // grace day's year (a 2012 graduate is not 应届 in 2022).
    let year_of = |d: checks::DateVal| match d {
        checks::DateVal::Day(d) => chrono::Datelike::year(&d),
        checks::DateVal::Month(y, _) => y,
    };
    let graduated = p.graduated_on.as_deref().and_then(checks::DateVal::parse);
    let pending_until = ctx
        .dates
        .late_diploma_by
        .filter(|l| ctx.as_of <= *l)
        .filter(|l| match graduated {
            Some(g) => year_of(g) >= chrono::Datelike::year(l),
            None => true,
        });

    let (mut pf, proof, online) =
        checks::check_proof_code(p.proof.as_deref(), p.proof_code.as_deref(), pending_until);

    let id = checks::check_identity(
        &checks::ExamIdentity {
            name: &cand.name,
            id_type: cand.id_type.as_deref(),
            id_no: cand.id_no.as_deref(),
            gender: cand.gender.as_deref(),
            birth_date: cand.birth_date.as_deref(),
        },
        p.name.as_deref(),
        p.id_no.as_deref(),
        ctx.as_of,
        ctx.unmask,
    );

    let cert = checks::check_certificate(
        p.certificate_no.as_deref(),
        p.graduated_on.as_deref(),
        p.prior_level.as_deref(),
        proof,
        checks::CertCtx {
            as_of: ctx.as_of,
            pending_until,
        },
    );
    let (lf, _) = checks::check_level(p.prior_level.as_deref(), cert.level, proof);
    fs.extend(lf);
    fs.extend(checks::check_cutoff(
        p.graduated_on.as_deref(),
        p.certificate_no.as_deref(),
        proof,
        checks::CutoffCtx {
            diploma_by: ctx.dates.diploma_by,
            late_diploma_by: ctx.dates.late_diploma_by,
            as_of: ctx.as_of,
        },
    ));
    fs.extend(id.findings);
    fs.extend(cert.findings);
    fs.append(&mut pf);
    fs.extend(checks::check_expiry(
        p.proof_valid_until.as_deref(),
        proof,
        p.proof_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty()),
        ctx.review,
    ));
    fs.extend(checks::check_original(
        cand.id_type.as_deref(),
        proof,
        id.changed,
    ));
    if proof == Some(Proof::Concurrent) {
        fs.extend(checks::check_concurrent(
            p.proof_code.as_deref(),
            &cand.name,
            elig.map(|e| &e.entries),
        ));
    }
    (fs, online, proof, cert.form)
}

/// One checked record: findings, online code, proof kind, certificate form.
type Checked = (
    Vec<Finding>,
    Option<String>,
    Option<Proof>,
    Option<&'static str>,
);

/// Runs `prereq verify`.
pub fn verify(inputs: &PrereqInputs, policy: &Policy, opts: &PrereqOptions) -> Result<Report> {
    let batch = opts
        .batch
        .unwrap_or_else(|| Batch::for_date(opts.as_of, &policy.batch_months));
    if !policy.batch_months.is_empty() && !policy.batch_months.contains(&batch.month) {
        return Err(Error::usage(
            format!(
                "批次 {batch} 不是政策 {} 的毕业办理批次（办理月份：{:?}）",
                policy.name, policy.batch_months
            ),
            format!(
                "batch {batch} is not a graduation batch of policy {} (months {:?})",
                policy.name, policy.batch_months
            ),
        ));
    }
    if let Some(b) = inputs.eligibility.as_ref().and_then(|e| e.batch) {
        if b != batch {
            return Err(Error::usage(
                format!("毕业审核结果是 {b} 批次的，本次核查是 {batch} 批次"),
                format!("the eligibility result is for batch {b}, this run is for batch {batch}"),
            ));
        }
    }
    let dates = policy.prereq.dates(batch);
    let review = if opts.as_of_given {
        opts.as_of
    } else {
        dates.review_date.unwrap_or(opts.as_of)
    };
    let ctx = RunCtx {
        batch,
        as_of: opts.as_of,
        review,
        dates,
        unmask: opts.unmask,
    };
    let mut report = Report::new(COMMAND);
    report.input_errors.extend(inputs.problems.iter().cloned());

    let (order, prior_of) = match_records(inputs, &mut report);
    let (mut skipped_not_bachelor, mut skipped_unknown) = (0usize, 0usize);
    for i in order {
        let c = &inputs.candidates[i];
        let records = prior_of.get(&i);
        let assumed = match is_bachelor(c.level.as_deref()) {
            Some(true) => false,
            Some(false) => {
                skipped_not_bachelor += 1;
                continue;
            }
            None => {
                if records.is_none() {
                    skipped_unknown += 1;
                    continue;
                }
                true
            }
        };
        // a panic (a bug) becomes this candidate's `prereq.internal_error`
        // finding; the other candidates are checked
        let item = crate::error::isolated(
            || audit_candidate(c, records.map(Vec::as_slice), assumed, &ctx, inputs),
            |detail| {
                let mut item = Item::new("rejected", false);
                item.findings.push(Finding::error(
                    "prereq.internal_error",
                    PrereqMsg::InternalError { detail },
                ));
                item
            },
        );
        let mut keyed = Item::new(item.verdict, item.ok)
            .key("exam_no", c.exam_no.clone())
            .key("name", c.name.clone());
        keyed.findings = item.findings;
        keyed.extra = item.extra;
        report.results.push(keyed);
    }
    report.summary_extra = vec![
        ("batch", json!(ctx.batch.to_string())),
        ("policy", json!(policy.name)),
        ("as_of", json!(ctx.as_of.to_string())),
        ("review_date", json!(ctx.review.to_string())),
        (
            "diploma_by",
            json!(ctx.dates.diploma_by.map(|d| d.to_string())),
        ),
        (
            "late_diploma_by",
            json!(ctx.dates.late_diploma_by.map(|d| d.to_string())),
        ),
        ("skipped_not_bachelor", json!(skipped_not_bachelor)),
        ("skipped_level_unknown", json!(skipped_unknown)),
    ];
    Ok(report)
}

/// The candidates to check, in file order (the first row of an exam number
/// wins; a repeated exam number is a warning), and each candidate's
/// prior-education records (a record of no candidate is a warning).
fn match_records<'a>(
    inputs: &'a PrereqInputs,
    report: &mut Report,
) -> (Vec<usize>, HashMap<usize, Vec<&'a PriorRec>>) {
    let keys: Vec<String> = inputs
        .candidates
        .iter()
        .map(|c| checks::compact(&c.exam_no))
        .collect();
    let mut by_no: HashMap<&str, usize> = HashMap::new();
    for (i, c) in inputs.candidates.iter().enumerate() {
        if keys[i].is_empty() {
            continue;
        }
        if by_no.contains_key(keys[i].as_str()) {
            report.input_errors.push(InputProblem {
                file: inputs.candidates_path.clone(),
                row: (c.row > 0).then_some(c.row),
                column: Some("准考证号".into()),
                severity: Severity::Warning,
                code: "prereq.input",
                message: PrereqMsg::DuplicateCandidate {
                    exam_no: c.exam_no.clone(),
                }
                .into(),
            });
            continue;
        }
        by_no.insert(keys[i].as_str(), i);
    }
    let mut prior_of: HashMap<usize, Vec<&PriorRec>> = HashMap::new();
    for p in &inputs.prior {
        let Some(&ci) = by_no.get(checks::compact(&p.exam_no).as_str()) else {
            report.input_errors.push(InputProblem {
                file: inputs.prior_path.clone(),
                row: (p.row > 0).then_some(p.row),
                column: Some("准考证号".into()),
                severity: Severity::Warning,
                code: "prereq.input",
                message: PrereqMsg::PriorWithoutCandidate {
                    exam_no: p.exam_no.clone(),
                }
                .into(),
            });
            continue;
        };
        prior_of.entry(ci).or_default().push(p);
    }
    // prior rows matching no candidate, but matching once leading zeros
    // are restored: the numbers went through Excel as numbers (the other
    // unmatched rows each have their prereq.input warning above)
    let lost_zeros = crate::table::unmatched::LostZeros::new(by_no.keys().copied());
    let lost: Vec<&PriorRec> = inputs
        .prior
        .iter()
        .filter(|p| {
            let key = checks::compact(&p.exam_no);
            !by_no.contains_key(key.as_str()) && lost_zeros.matches(&key)
        })
        .collect();
    if let Some(first) = lost.first() {
        report.input_errors.extend(crate::table::unmatched::problem(
            &inputs.prior_path,
            "准考证号",
            &inputs.candidates_path,
            lost.len(),
            first.exam_no.clone(),
            true,
        ));
    }
    let mut order: Vec<usize> = by_no.into_values().collect();
    order.sort_unstable();
    (order, prior_of)
}

/// The verdict of one bachelor candidate: no record is `rejected`; of
/// several records, the best one counts.
fn audit_candidate(
    c: &Candidate,
    records: Option<&[&PriorRec]>,
    assumed: bool,
    ctx: &RunCtx,
    inputs: &PrereqInputs,
) -> Item {
    let id_shown = c.id_no.as_deref().map(|id| {
        let n = if idno::IdType::parse(c.id_type.as_deref()).uses_gb11643() {
            idno::parse(id, ctx.as_of)
                .map(|p| p.normalized)
                .unwrap_or_else(|_| idno::normalize(id))
        } else {
            id.trim().to_string()
        };
        if ctx.unmask {
            n
        } else {
            idno::mask(&n)
        }
    });
    let mut item;
    match records {
        None => {
            item = Item::new("rejected", false);
            item.findings
                .push(Finding::error("prereq.missing", PrereqMsg::MissingRecord));
            item = item
                .with_extra("verification_link", Value::Null)
                .with_extra("id_no", json!(id_shown))
                .with_extra("prior_level", Value::Null)
                .with_extra("prior_school", Value::Null)
                .with_extra("proof", Value::Null)
                .with_extra("certificate_form", Value::Null)
                .with_extra("prior_records", json!(0))
                .with_extra("level_assumed", json!(false));
        }
        Some(recs) => {
            let mut best: Option<(Checked, &PriorRec)> = None;
            for p in recs {
                let checked = check_record(c, p, ctx, inputs.eligibility.as_ref());
                let better = match &best {
                    None => true,
                    Some((b, _)) => rank(verdict_of(&checked.0)) < rank(verdict_of(&b.0)),
                };
                if better {
                    best = Some((checked, p));
                }
            }
            let ((fs, link, proof, form), p) = best.expect("at least one record");
            let v = verdict_of(&fs);
            item = Item::new(v, v == "verified");
            item.findings = fs;
            item = item
                .with_extra(
                    "verification_link",
                    json!(link.as_deref().map(checks::verification_link)),
                )
                .with_extra("id_no", json!(id_shown))
                .with_extra("prior_level", json!(p.prior_level))
                .with_extra("prior_school", json!(p.prior_school))
                .with_extra("proof", json!(proof.map(Proof::key)))
                .with_extra("certificate_form", json!(form))
                .with_extra("prior_records", json!(recs.len()))
                .with_extra("level_assumed", json!(assumed));
        }
    }
    item
}

#[cfg(test)]
mod tests;

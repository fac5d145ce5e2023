//! Loading the tables into a compact per-candidate form.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use rayon::prelude::*;

use crate::finding::{Finding, InputProblem, Severity};
use crate::idno::{self, IdType};
use crate::table::Row;
use crate::text::{norm, norm_cow};

use super::msg::EligMsg;
use super::plan::{Plans, ProgramLevel};

/// A score value. Numbers are kept in tenths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreValue {
    Num(u16),
    Pass,
    Fail,
    Exempt,
}

impl ScoreValue {
    /// For display: `85`, `85.5`, `合格`, `不合格`, `免考`.
    pub fn show(self) -> String {
        match self {
            ScoreValue::Num(t) if t % 10 == 0 => (t / 10).to_string(),
            ScoreValue::Num(t) => format!("{}.{}", t / 10, t % 10),
            ScoreValue::Pass => "合格".into(),
            ScoreValue::Fail => "不合格".into(),
            ScoreValue::Exempt => "免考".into(),
        }
    }
    fn rank(self) -> u16 {
        match self {
            ScoreValue::Num(t) => t,
            ScoreValue::Pass | ScoreValue::Exempt => 1001,
            ScoreValue::Fail => 0,
        }
    }
}

/// Reads a score cell: 0-100 (decimals allowed, a trailing 分 too),
/// 合格/不合格, the graded words 优秀/良好/中等/及格 (pass) and 不及格/差 (fail),
/// 缺考/违纪 (no pass), 免考. Anything else is `None`.
pub fn parse_score(s: &str) -> Option<ScoreValue> {
    // the usual whole number, without the float parser
    let b = s.as_bytes();
    if (1..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0u16, |n, c| n * 10 + u16::from(c - b'0'));
        return (n <= 100).then_some(ScoreValue::Num(n * 10));
    }
    parse_score_text(s)
}

/// [`parse_score`] for any text.
pub(super) fn parse_score_text(s: &str) -> Option<ScoreValue> {
    let t = norm_cow(s);
    Some(match t.as_ref() {
        "合格" | "通过" | "及格" | "优秀" | "良好" | "中等" | "优" | "良" | "中" | "pass"
        | "Pass" | "PASS" => ScoreValue::Pass,
        "不合格" | "不及格" | "不通过" | "差" | "缺考" | "违纪" | "作弊" | "取消" | "fail"
        | "Fail" | "FAIL" => ScoreValue::Fail,
        "免考" | "免试" => ScoreValue::Exempt,
        _ => {
            let n = t.trim_end_matches('分');
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return None;
            }
            let v: f64 = n.parse().ok()?;
            if !(0.0..=100.0).contains(&v) {
                return None;
            }
            ScoreValue::Num((v * 10.0).round() as u16)
        }
    })
}

/// Kind of a score row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreKind {
    Exam,
    Practice,
    Thesis,
    Exemption,
    Transfer,
    Substitution,
}

impl ScoreKind {
    /// Reads 成绩类型; empty is 笔试.
    pub fn parse(s: &str) -> Option<ScoreKind> {
        Some(match norm_cow(s).as_ref() {
            "" | "笔试" | "考试" | "统考" | "课程考试" | "exam" => ScoreKind::Exam,
            "实践" | "实践考核" | "实践环节" | "实验" | "practice" => {
                ScoreKind::Practice
            }
            "论文" | "毕业论文" | "毕业设计" | "论文答辩" | "thesis" => {
                ScoreKind::Thesis
            }
            "免考" | "免试" | "exemption" => ScoreKind::Exemption,
            "转入" | "转考" | "外省转入" | "转入成绩" | "transfer" => {
                ScoreKind::Transfer
            }
            "替代" | "学分替代" | "替代成绩" | "substitution" => ScoreKind::Substitution,
            _ => return None,
        })
    }
    pub fn zh(self) -> &'static str {
        match self {
            ScoreKind::Exam => "笔试",
            ScoreKind::Practice => "实践",
            ScoreKind::Thesis => "论文",
            ScoreKind::Exemption => "免考",
            ScoreKind::Transfer => "转入",
            ScoreKind::Substitution => "替代",
        }
    }
}

/// Whether a practical/thesis record belongs to the major and school applied for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Matches, or nothing recorded to compare.
    Ok,
    /// Recorded under another major or school.
    Mismatch,
    /// The school is given in another form (code vs name).
    Uncomparable,
}

/// A date or a month: the earliest and latest day it may mean.
pub type DateRange = (NaiveDate, NaiveDate);

/// A date or a month as the range of its days ([`crate::date::DateVal`]).
pub fn parse_date(s: &str) -> Option<DateRange> {
    crate::date::DateVal::parse(s).map(|d| d.range())
}

/// One kept score record.
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    /// The plan course it counts for (for a substitution: the replaced course).
    pub course: u32,
    pub val: ScoreValue,
    pub kind: ScoreKind,
    pub passed: bool,
    pub approved: Option<DateRange>,
    pub archived: Option<bool>,
    pub place: Place,
    /// For a substitution: the substitute's code; for a mismatch: what was recorded.
    pub note: NoteId,
}

/// A note of an attempt: an index into [`Notes`] (0: none). Notes are
/// rare, so attempts stay small without them.
pub type NoteId = u32;

/// The notes of attempts, each text once (so equal ids are equal texts).
#[derive(Default)]
pub struct Notes {
    list: Vec<Box<str>>,
    index: HashMap<Box<str>, NoteId>,
}

impl Notes {
    pub fn intern(&mut self, note: Option<Box<str>>) -> NoteId {
        let Some(n) = note else { return 0 };
        if let Some(&i) = self.index.get(&n) {
            return i;
        }
        self.list.push(n.clone());
        let i = self.list.len() as NoteId;
        self.index.insert(n, i);
        i
    }
    pub fn get(&self, id: NoteId) -> Option<&str> {
        (id > 0)
            .then(|| self.list.get(id as usize - 1).map(|b| &**b))
            .flatten()
    }
}

/// A violation.
#[derive(Clone, Debug)]
pub struct Violation {
    pub date: NaiveDate,
    /// Delay in months.
    pub months: u32,
    pub years: f64,
}

/// A certificate.
#[derive(Clone, Debug)]
pub struct Cert {
    pub text: String,
    pub valid_until: Option<NaiveDate>,
}

/// A candidate and everything known about them.
#[derive(Clone, Debug, Default)]
pub struct Candidate {
    /// Shared with the index of exam numbers.
    pub exam_no: std::sync::Arc<str>,
    pub name: String,
    pub id_type: IdTypeOpt,
    pub id_no: String,
    pub major_code: String,
    pub major_name: String,
    pub level: Option<ProgramLevel>,
    pub level_text: String,
    pub school: String,
    pub additional_type: String,
    pub conduct: String,
    pub plan: Option<usize>,
    /// `elig.record` findings found while loading.
    pub record: Vec<Finding>,
    pub attempts: Vec<Attempt>,
    pub violations: Vec<Violation>,
    pub bad_violations: Vec<String>,
    pub certs: Vec<Cert>,
    /// (major code, graduation month) of earlier graduations.
    pub graduated: Vec<(String, Option<String>)>,
}

/// Wrapper so `Candidate` can derive Default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdTypeOpt(pub IdType);
impl Default for IdTypeOpt {
    fn default() -> Self {
        IdTypeOpt(IdType::ResidentId)
    }
}

pub use crate::hash::FastHash;

/// A struct of the positions of some columns in a table schema (one field
/// per column key), resolved once per chunk instead of by name on each of
/// millions of rows, and the list of its keys.
macro_rules! columns {
    ($(#[$m:meta])* $name:ident { $($f:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug)]
        struct $name {
            $($f: usize),*
        }

        impl $name {
            const KEYS: &'static [&'static str] = &[$(stringify!($f)),*];

            fn new(s: &crate::table::Schema) -> Self {
                let i = |k: &str| {
                    s.index(k)
                        .unwrap_or_else(|| panic!("column {k} not in schema {}", s.name))
                };
                $name {
                    $($f: i(stringify!($f))),*
                }
            }
        }
    };
}

columns!(
    /// The candidates columns the audit uses (others, e.g. 出生日期, are
    /// not read: a bad value there does not cost the candidate's row).
    CandCols {
        exam_no,
        name,
        id_type,
        id_no,
        major_code,
        major_name,
        level,
        school,
        additional_type,
        conduct,
    }
);

columns!(
    /// The scores columns the audit uses (not 课程名称, 考试年月).
    ScoreCols {
        exam_no,
        score,
        kind,
        course_code,
        replaces,
        approved_date,
        archived,
        major_code,
        school,
        certificate,
    }
);

/// The candidates columns the audit reads.
pub const CANDIDATE_COLUMNS: &[&str] = CandCols::KEYS;
/// The scores columns the audit reads.
pub const SCORE_COLUMNS: &[&str] = ScoreCols::KEYS;

/// Whether `a` and `b` are attempts of one course that only the better one
/// of should be kept (plain exam, practical or thesis results recorded
/// alike); a tie keeps the earlier one.
fn same_slot(a: &Attempt, b: &Attempt) -> bool {
    matches!(
        a.kind,
        ScoreKind::Exam | ScoreKind::Practice | ScoreKind::Thesis
    ) && a.course == b.course
        && a.kind == b.kind
        && a.place == b.place
        && a.note == b.note
}

fn better(a: &Attempt, old: &Attempt) -> bool {
    (a.passed, a.val.rank()) > (old.passed, old.val.rank())
}

/// Keeps `a` in `list`: replaces the attempt of its slot when better,
/// drops it when not, appends it when it has no slot yet.
fn keep_best(list: &mut Vec<Attempt>, a: Attempt) {
    if let Some(old) = list.iter_mut().find(|o| same_slot(&a, o)) {
        if better(&a, old) {
            *old = a;
        }
        return;
    }
    list.push(a);
}

/// A row of the graduates table: who (by exam number, by ID number in its
/// 18-digit form) graduated in which major when.
pub struct GradRow {
    exam_no: Option<String>,
    id_no: Option<String>,
    major: String,
    when: Option<String>,
}

/// The candidates and row problems of one chunk of the candidates table,
/// in file order.
#[derive(Default)]
pub struct CandidateChunk {
    /// (row number, candidate).
    pub cands: Vec<(usize, Candidate)>,
    pub problems: Vec<InputProblem>,
    /// The problem a repeated exam number gets (file and column filled in).
    duplicate: Option<InputProblem>,
    cols: Option<CandCols>,
}

/// Exam numbers kept per chunk to look for lost leading zeros.
const UNMATCHED_SAMPLES: usize = 256;

impl Loaded {
    /// The `table.unmatched_rows` problem for `count` rows of `file` whose
    /// exam numbers (`samples` of them) match no candidate of
    /// `candidates_file` ([`crate::table::unmatched`]).
    pub fn unmatched_problem(
        &self,
        file: &std::path::Path,
        candidates_file: &std::path::Path,
        count: usize,
        samples: &[String],
    ) -> Option<InputProblem> {
        let lost = crate::table::unmatched::LostZeros::new(self.by_exam_no.keys().map(|k| &**k));
        let zero_hit = samples.iter().find(|s| lost.matches(&norm(s)));
        let example = zero_hit.or(samples.first()).cloned().unwrap_or_default();
        crate::table::unmatched::problem(
            file,
            "准考证号",
            candidates_file,
            count,
            example,
            zero_hit.is_some(),
        )
    }
}

/// The attempts and row problems of one chunk of the scores table, in
/// file order.
#[derive(Default)]
pub struct ScoreChunk {
    pub attempts: Vec<(u32, Attempt)>,
    pub problems: Vec<InputProblem>,
    /// The notes the attempts' ids refer to.
    pub notes: Notes,
    /// The previous row's exam number as written and its candidate: a
    /// candidate's rows usually follow each other.
    last: (String, Option<u32>),
    cols: Option<ScoreCols>,
    /// Rows whose exam number matches no candidate, and the first few
    /// such numbers (for the `table.unmatched_rows` report).
    pub unmatched: usize,
    pub unmatched_nos: Vec<String>,
}

impl CandidateChunk {
    /// A chunk for `bytes` of a candidates file: room for a row per 96
    /// bytes (reserved, not touched), so the records are not moved as the
    /// chunk grows.
    pub fn with_size(bytes: u64) -> Self {
        CandidateChunk {
            cands: Vec::with_capacity((bytes / 96).min(1 << 20) as usize),
            ..Default::default()
        }
    }
}

impl ScoreChunk {
    /// A chunk for `bytes` of a scores file: room for a row per 32 bytes
    /// (reserved, not touched, so an overestimate costs no memory).
    pub fn with_size(bytes: u64) -> Self {
        ScoreChunk {
            attempts: Vec::with_capacity((bytes / 128).min(1 << 22) as usize),
            problems: Vec::new(),
            notes: Notes::default(),
            last: (String::new(), None),
            cols: None,
            unmatched: 0,
            unmatched_nos: Vec::new(),
        }
    }

    /// Appends `a` for candidate `ci`; when the candidate's rows are
    /// contiguous (the usual export order), an attempt that
    /// [`keep_best`] would drop or replace is settled here already.
    fn keep(&mut self, ci: u32, a: Attempt) {
        for (c, old) in self.attempts.iter_mut().rev() {
            if *c != ci {
                break;
            }
            if same_slot(&a, old) {
                if better(&a, old) {
                    *old = a;
                }
                return;
            }
        }
        self.attempts.push((ci, a));
    }
}

/// The loaded batch.
pub struct Loaded {
    pub plans: std::sync::Arc<Plans>,
    /// The notes of the candidates' attempts.
    pub notes: Notes,
    pub cands: Vec<Candidate>,
    pub by_exam_no: HashMap<std::sync::Arc<str>, u32, FastHash>,
    pub problems: Vec<InputProblem>,
    pub default_pass_mark: f64,
    pub as_of: NaiveDate,
}

fn school_place(found: &str, applied: &str) -> Place {
    let (f, a) = (norm(found), norm(applied));
    if f.is_empty() || a.is_empty() || f == a {
        return Place::Ok;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if digits(&f) != digits(&a) {
        Place::Uncomparable
    } else {
        Place::Mismatch
    }
}

impl Loaded {
    pub fn new(plans: Plans, default_pass_mark: f64, as_of: NaiveDate) -> Self {
        Loaded {
            plans: std::sync::Arc::new(plans),
            notes: Notes::default(),
            cands: Vec::new(),
            by_exam_no: HashMap::default(),
            problems: Vec::new(),
            default_pass_mark,
            as_of,
        }
    }

    /// One row of the candidates table.
    pub fn candidate_row(&self, row: &Row<'_>, out: &mut CandidateChunk) {
        let k = *out.cols.get_or_insert_with(|| CandCols::new(row.schema()));
        let Some(exam_no) = row.get_at(k.exam_no).map(norm).filter(|s| !s.is_empty()) else {
            out.problems.push(row.problem(
                "exam_no",
                Severity::Error,
                "elig.record",
                EligMsg::MissingValue {
                    column: "准考证号".into(),
                },
            ));
            return;
        };
        if out.duplicate.is_none() {
            out.duplicate = Some(row.problem(
                "exam_no",
                Severity::Warning,
                "elig.duplicate",
                EligMsg::DuplicateCandidate {
                    exam_no: String::new(),
                },
            ));
        }
        let g = |i: usize| row.get_at(i).map(norm).unwrap_or_default();
        let mut c = Candidate {
            exam_no: exam_no.into(),
            name: g(k.name),
            id_type: IdTypeOpt(IdType::parse(row.get_at(k.id_type))),
            id_no: g(k.id_no),
            major_code: g(k.major_code),
            major_name: g(k.major_name),
            level_text: g(k.level),
            school: g(k.school),
            additional_type: g(k.additional_type),
            conduct: g(k.conduct),
            ..Default::default()
        };
        c.level = ProgramLevel::parse(&c.level_text);
        for (v, col) in [
            (&c.name, "姓名"),
            (&c.id_no, "证件号码"),
            (&c.major_code, "专业代码"),
            (&c.school, "主考学校"),
        ] {
            if v.is_empty() {
                c.record.push(
                    Finding::error("elig.record", EligMsg::MissingField { column: col.into() })
                        .measured(col),
                );
            }
        }
        if !c.level_text.is_empty() && c.level.is_none() {
            c.record.push(
                Finding::error(
                    "elig.record",
                    EligMsg::BadLevel {
                        value: c.level_text.clone(),
                    },
                )
                .measured(c.level_text.clone()),
            );
        }
        if !c.id_no.is_empty() && c.id_type.0.uses_gb11643() {
            if let Err(e) = idno::parse(&c.id_no, self.as_of) {
                let (zh, en) = match e {
                    idno::IdError::Shape => (
                        "应为 18 位（或旧 15 位）数字".to_string(),
                        "not 18 (or the old 15) digits".to_string(),
                    ),
                    idno::IdError::CheckDigit { expected } => (
                        format!("校验位错误，应为 {expected}"),
                        format!("wrong check digit, expected {expected}"),
                    ),
                    idno::IdError::BadDate => {
                        ("出生日期不存在".into(), "impossible birth date".into())
                    }
                    idno::IdError::FutureDate => {
                        ("出生日期在未来".into(), "birth date in the future".into())
                    }
                };
                c.record.push(
                    Finding::error(
                        "elig.record",
                        EligMsg::InvalidId {
                            value: c.id_no.clone(),
                            reason_zh: zh,
                            reason_en: en,
                        },
                    )
                    .measured(c.id_no.clone()),
                );
            }
        }
        c.plan = self.plans.index(&c.major_code);
        if c.plan.is_none() && !c.major_code.is_empty() {
            c.record.push(
                Finding::error(
                    "elig.record",
                    EligMsg::UnknownMajor {
                        code: c.major_code.clone(),
                    },
                )
                .measured(c.major_code.clone()),
            );
        }
        out.cands.push((row.row, c));
    }

    /// Adds the chunks of candidates in file order; a repeated exam number
    /// is an `elig.record` finding on the first candidate and a warning on
    /// the repeating row.
    pub fn add_candidates(&mut self, chunks: Vec<CandidateChunk>) {
        let n: usize = chunks.iter().map(|c| c.cands.len()).sum();
        self.cands.reserve(n);
        self.by_exam_no.reserve(n);
        for chunk in chunks {
            self.add_chunk(chunk);
        }
    }

    fn add_chunk(&mut self, chunk: CandidateChunk) {
        self.problems.extend(chunk.problems);
        for (row, c) in chunk.cands {
            if let Some(&i) = self.by_exam_no.get(&*c.exam_no) {
                let first = &mut self.cands[i as usize];
                if !first.record.iter().any(|f| {
                    matches!(
                        f.message,
                        crate::Msg::Elig(EligMsg::DuplicateCandidate { .. })
                    )
                }) {
                    first.record.push(
                        Finding::error(
                            "elig.record",
                            EligMsg::DuplicateCandidate {
                                exam_no: c.exam_no.to_string(),
                            },
                        )
                        .measured(&*c.exam_no),
                    );
                }
                if let Some(t) = &chunk.duplicate {
                    let mut p = t.clone();
                    p.row = Some(row);
                    p.message = EligMsg::DuplicateCandidate {
                        exam_no: c.exam_no.to_string(),
                    }
                    .into();
                    self.problems.push(p);
                }
                continue;
            }
            self.by_exam_no
                .insert(c.exam_no.clone(), self.cands.len() as u32);
            self.cands.push(c);
        }
    }

    /// One row of the scores table.
    /// `sub_names(course name)`: whether a substitution may replace the
    /// course; `cert_ok(certificate, course code)`: whether an exemption by
    /// that certificate may exempt the course (policy data).
    pub fn score_row(
        &self,
        row: &Row<'_>,
        sub_names: &(dyn Fn(&str) -> bool + Sync),
        cert_ok: &(dyn Fn(&str, &str) -> bool + Sync),
        out: &mut ScoreChunk,
    ) {
        let k = *out.cols.get_or_insert_with(|| ScoreCols::new(row.schema()));
        let Some(exam_no) = row.get_at(k.exam_no) else {
            return;
        };
        let (ci, fresh) = if out.last.0 == exam_no {
            (out.last.1, false)
        } else {
            let ci = self.by_exam_no.get(norm_cow(exam_no).as_ref()).copied();
            out.last.0.clear();
            out.last.0.push_str(exam_no);
            out.last.1 = ci;
            (ci, true)
        };
        let Some(ci) = ci else {
            if !exam_no.trim().is_empty() {
                out.unmatched += 1;
                if fresh && out.unmatched_nos.len() < UNMATCHED_SAMPLES {
                    out.unmatched_nos.push(exam_no.trim().to_string());
                }
            }
            return;
        };
        let c = &self.cands[ci as usize];
        let Some(pi) = c.plan else { return };
        let plan = &self.plans.plans[pi];
        let raw = row.get_at(k.score).unwrap_or("");
        let Some(val) = parse_score(raw) else {
            out.problems.push(row.problem(
                "score",
                Severity::Error,
                "elig.bad_score",
                EligMsg::BadScore { value: raw.into() },
            ));
            return;
        };
        let kind_raw = row.get_at(k.kind).unwrap_or("");
        let Some(mut kind) = ScoreKind::parse(kind_raw) else {
            out.problems.push(row.problem(
                "kind",
                Severity::Error,
                "elig.bad_kind",
                EligMsg::BadKind {
                    value: kind_raw.into(),
                },
            ));
            return;
        };
        if val == ScoreValue::Exempt && kind == ScoreKind::Exam {
            kind = ScoreKind::Exemption;
        }
        let code_raw = row.get_at(k.course_code).unwrap_or("");
        let (target, note): (std::borrow::Cow<'_, str>, Option<String>) =
            if kind == ScoreKind::Substitution {
                match row.get_at(k.replaces) {
                    Some(r) => (
                        super::plan::norm_code(r).into(),
                        Some(super::plan::norm_code(code_raw)),
                    ),
                    None => {
                        out.problems.push(row.problem(
                            "replaces",
                            Severity::Error,
                            "elig.bad_substitution",
                            EligMsg::MissingReplaces,
                        ));
                        return;
                    }
                }
            } else {
                let plain = code_raw.len() == 5 && code_raw.bytes().all(|b| b.is_ascii_digit());
                (
                    if plain {
                        code_raw.into()
                    } else {
                        super::plan::norm_code(code_raw).into()
                    },
                    None,
                )
            };
        let Some(course) = self.plans.courses.get(target.as_ref()) else {
            return;
        };
        let Some(pc) = plan.courses.get(&course) else {
            return;
        };
        let mut note = note.map(String::into_boxed_str);
        let approved = match row.get_at(k.approved_date) {
            None => None,
            Some(d) => match parse_date(d) {
                Some(r) => Some(r),
                None => {
                    out.problems.push(row.problem(
                        "approved_date",
                        Severity::Warning,
                        "elig.bad_date",
                        EligMsg::BadDate { value: d.into() },
                    ));
                    None
                }
            },
        };
        let archived = row.get_at(k.archived).and_then(|a| match norm(a).as_str() {
            "是" | "已归档" | "Y" | "y" | "yes" | "true" | "1" => Some(true),
            "否" | "未归档" | "N" | "n" | "no" | "false" | "0" => Some(false),
            _ => None,
        });
        let mut place = Place::Ok;
        if matches!(kind, ScoreKind::Practice | ScoreKind::Thesis) || pc.category.is_practical() {
            let m = row.get_at(k.major_code).map(norm).unwrap_or_default();
            let s = row.get_at(k.school).map(norm).unwrap_or_default();
            let mp = if m.is_empty() || m == c.major_code {
                Place::Ok
            } else {
                Place::Mismatch
            };
            let sp = school_place(&s, &c.school);
            place = if mp == Place::Mismatch || sp == Place::Mismatch {
                Place::Mismatch
            } else {
                sp
            };
            if place != Place::Ok {
                note = Some(
                    format!(
                        "{}/{}",
                        if m.is_empty() { "-" } else { &m },
                        if s.is_empty() { "-" } else { &s }
                    )
                    .into_boxed_str(),
                );
            }
        }
        if kind == ScoreKind::Substitution && !sub_names(&pc.name) {
            // kept, but it will not count (see engine)
            note = Some(format!("!{}", note.as_deref().unwrap_or("")).into_boxed_str());
        }
        if kind == ScoreKind::Exemption {
            if let Some(cert) = row.get_at(k.certificate) {
                if !cert_ok(cert, self.plans.courses.code(course)) {
                    note = Some(format!("!{}", norm(cert)).into_boxed_str());
                }
            }
        }
        let mark = plan.pass_mark.unwrap_or(self.default_pass_mark);
        let passed = match val {
            ScoreValue::Num(t) => f64::from(t) / 10.0 + 1e-9 >= mark,
            ScoreValue::Pass | ScoreValue::Exempt => true,
            ScoreValue::Fail => false,
        };
        let a = Attempt {
            course,
            val,
            kind,
            passed,
            approved,
            archived,
            place,
            note: out.notes.intern(note),
        };
        out.keep(ci, a);
    }

    /// Adds the chunks' attempts, in file order, keeping the best plain
    /// attempt per course as one reader would.
    pub fn add_scores(&mut self, mut chunks: Vec<ScoreChunk>) {
        // the notes into one table, in file order
        for chunk in &mut chunks {
            if !chunk.notes.list.is_empty() {
                for (_, a) in &mut chunk.attempts {
                    a.note = self.notes.intern(chunk.notes.get(a.note).map(Box::from));
                }
            }
            self.problems.append(&mut chunk.problems);
        }
        // each thread takes a range of candidates and their attempts from
        // every chunk, in file order
        let size = self
            .cands
            .len()
            .div_ceil(rayon::current_num_threads())
            .max(1);
        let chunks = &chunks;
        self.cands
            .par_chunks_mut(size)
            .enumerate()
            .for_each(|(k, part)| {
                let (lo, n) = (k * size, part.len());
                // this range's attempts (position in the range, attempt)
                let mine = || {
                    chunks
                        .iter()
                        .flat_map(|c| &c.attempts)
                        .filter_map(move |&(ci, a)| {
                            let i = (ci as usize).wrapping_sub(lo);
                            (i < n).then_some((i, a))
                        })
                };
                // room for every candidate's attempts at once
                let mut count = vec![0u32; n];
                for (i, _) in mine() {
                    count[i] += 1;
                }
                for (c, k) in part.iter_mut().zip(count) {
                    c.attempts.reserve_exact(k as usize);
                }
                for (i, a) in mine() {
                    keep_best(&mut part[i].attempts, a);
                }
            });
    }

    /// One row of the violations table.
    pub fn violation_row(&mut self, row: &Row<'_>) {
        let Some(&ci) = row
            .get("exam_no")
            .and_then(|e| self.by_exam_no.get(norm(e).as_str()))
        else {
            return;
        };
        let d_raw = row.get("violation_date").unwrap_or("");
        let y_raw = row.get("delay_years").unwrap_or("");
        let date = parse_date(d_raw).map(|r| r.0);
        let t = norm(y_raw);
        let years = {
            let n = t.trim_end_matches('年').trim();
            if n.is_empty() {
                Some(0.0)
            } else {
                n.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && (0.0..=100.0).contains(v))
            }
        };
        match (date, years) {
            (Some(date), Some(years)) => {
                let months = (years * 12.0).round() as u32;
                self.cands[ci as usize].violations.push(Violation {
                    date,
                    months,
                    years,
                });
            }
            (None, _) => {
                self.problems.push(row.problem(
                    "violation_date",
                    Severity::Error,
                    "elig.bad_date",
                    EligMsg::BadDate {
                        value: d_raw.into(),
                    },
                ));
                self.cands[ci as usize]
                    .bad_violations
                    .push(d_raw.to_string());
            }
            (_, None) => {
                self.problems.push(row.problem(
                    "delay_years",
                    Severity::Error,
                    "elig.bad_number",
                    EligMsg::BadNumber {
                        value: y_raw.into(),
                    },
                ));
                self.cands[ci as usize]
                    .bad_violations
                    .push(y_raw.to_string());
            }
        }
    }

    /// Adds the rows of the graduates table: a row is an earlier
    /// graduation of the candidate with its exam number and of every
    /// candidate with its ID number (18-digit form); a candidate matched
    /// both ways gets the row once. The small table is indexed and the
    /// candidates are matched against it in parallel.
    pub fn add_graduates(&mut self, rows: &[GradRow]) {
        if rows.is_empty() {
            return;
        }
        let mut by_exam: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, r) in rows.iter().enumerate() {
            if let Some(e) = &r.exam_no {
                by_exam.entry(e).or_default().push(k);
            }
            if let Some(i) = &r.id_no {
                by_id.entry(i).or_default().push(k);
            }
        }
        // (a repeated exam number was dropped when the candidates were added)
        self.cands.par_iter_mut().for_each(|c| {
            let mut hit: Vec<usize> = Vec::new();
            if let Some(ks) = by_exam.get(&*c.exam_no) {
                hit.extend(ks);
            }
            if !by_id.is_empty() && !c.id_no.is_empty() {
                let n = idno::normalize(&c.id_no);
                let n = idno::upgrade15(&n).unwrap_or(n);
                if let Some(ks) = by_id.get(n.as_str()) {
                    hit.extend(ks);
                }
            }
            hit.sort_unstable();
            hit.dedup();
            for k in hit {
                c.graduated
                    .push((rows[k].major.clone(), rows[k].when.clone()));
            }
        });
    }

    /// One row of the graduates table, for [`Loaded::add_graduates`].
    pub fn graduate_row(row: &Row<'_>) -> GradRow {
        GradRow {
            exam_no: row.get("exam_no").map(norm),
            id_no: row.get("id_no").map(|id| {
                let n = idno::normalize(id);
                idno::upgrade15(&n).unwrap_or(n)
            }),
            major: row.get("major_code").map(norm).unwrap_or_default(),
            when: row.get("graduated").map(str::to_string),
        }
    }

    /// One row of the certificates table.
    pub fn certificate_row(&mut self, row: &Row<'_>) {
        let Some(&ci) = row
            .get("exam_no")
            .and_then(|e| self.by_exam_no.get(norm(e).as_str()))
        else {
            return;
        };
        let text = format!(
            "{} {}",
            row.get("category").map(norm).unwrap_or_default(),
            row.get("cert_name").map(norm).unwrap_or_default()
        );
        let valid_until = match row.get("valid_until") {
            None => None,
            Some(v) => {
                let t = norm(v);
                if matches!(t.as_str(), "长期" | "永久" | "长期有效") {
                    Some(NaiveDate::MAX)
                } else {
                    match parse_date(&t) {
                        Some(r) => Some(r.1),
                        None => {
                            self.problems.push(row.problem(
                                "valid_until",
                                Severity::Warning,
                                "elig.bad_date",
                                EligMsg::BadDate { value: v.into() },
                            ));
                            None
                        }
                    }
                }
            }
        };
        self.cands[ci as usize]
            .certs
            .push(Cert { text, valid_until });
    }
}

/// Adds `months` to a date (clamping the day), `None` on overflow.
pub fn add_months(d: NaiveDate, months: u32) -> Option<NaiveDate> {
    d.checked_add_months(chrono::Months::new(months))
        .or_else(|| {
            NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?
                .checked_add_months(chrono::Months::new(months))
        })
}

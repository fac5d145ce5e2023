//! Reading what rosters are built from: the candidates table, the result of
//! `zikao eligibility` (JSON), approved exemptions from the scores table,
//! and an offices table.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::policy::{Office, ReceptionPolicy};
use super::RosterMsg;
use crate::finding::{InputProblem, Severity};
use crate::table::{self, schemas, ReadOptions};
use crate::text::norm;
use crate::{Error, Result};

/// One row of the candidates table (data.md "candidates"), as far as
/// rosters need it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Candidate {
    pub exam_no: String,
    pub name: String,
    pub id_type: Option<String>,
    pub id_no: String,
    pub gender: Option<String>,
    pub major_code: String,
    pub major_name: Option<String>,
    pub level: Option<String>,
    /// The main exam school applied with (code or name).
    pub school: String,
    /// 办理地点.
    pub office: Option<String>,
    pub phone: Option<String>,
    /// Row number in the file (header = 1), for messages.
    pub row: usize,
}

/// Printed text as written: trimmed (also of ideographic spaces), inner
/// runs of white space collapsed to one space; full-width characters kept.
pub(crate) fn text(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Normalised comparison key of a major code (case and width do not
/// matter: `c050207` and `Ｃ050207` are the same major).
pub(crate) fn major_key(s: &str) -> String {
    norm(s).to_uppercase()
}

/// Reads the candidates table. A row without an admission number is
/// skipped with an input problem; a row repeating an earlier candidate
/// (same admission number and major) is ignored with a warning.
pub fn read_candidates(
    path: &Path,
    opts: &ReadOptions,
) -> Result<(Vec<Candidate>, Vec<InputProblem>)> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut problems: Vec<InputProblem> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut reader_problems = table::read(path, &schemas::CANDIDATES, opts, &mut |row| {
        let s = |k: &str| row.get(k).map(norm).filter(|v| !v.is_empty());
        let t = |k: &str| row.get(k).map(text).filter(|v| !v.is_empty());
        let Some(exam_no) = s("exam_no") else {
            problems.push(row.problem(
                "exam_no",
                Severity::Error,
                "roster.input",
                RosterMsg::EmptyValue {
                    column: "准考证号"
                },
            ));
            return;
        };
        let major_code = s("major_code").unwrap_or_default();
        let key = (exam_no.clone(), major_key(&major_code));
        if let Some(first) = seen.get(&key) {
            problems.push(row.problem(
                "exam_no",
                Severity::Warning,
                "roster.duplicate",
                RosterMsg::DuplicateRow {
                    exam_no: exam_no.clone(),
                    first_row: *first,
                },
            ));
            return;
        }
        seen.insert(key, row.row);
        let id_no = row
            .get("id_no")
            .map(crate::idno::normalize)
            .unwrap_or_default();
        let id_type = s("id_type");
        if !id_no.is_empty() && crate::idno::IdType::parse(id_type.as_deref()).uses_gb11643() {
            // a far date: only the number itself is judged, not the day
            let far = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
            if let Err(e) = crate::idno::parse(&id_no, far) {
                let (reason_zh, reason_en) = match e {
                    crate::idno::IdError::Shape => (
                        "应为 18 位（或旧 15 位）数字".to_string(),
                        "not 18 (or the old 15) digits".to_string(),
                    ),
                    crate::idno::IdError::CheckDigit { expected } => (
                        format!("校验位错误，应为 {expected}"),
                        format!("wrong check digit, expected {expected}"),
                    ),
                    _ => ("出生日期不存在".into(), "impossible birth date".into()),
                };
                problems.push(row.problem(
                    "id_no",
                    Severity::Warning,
                    "roster.id_invalid",
                    RosterMsg::IdInvalid {
                        id: crate::idno::mask(&id_no),
                        reason_zh,
                        reason_en,
                    },
                ));
            }
        }
        out.push(Candidate {
            exam_no,
            name: t("name").unwrap_or_default(),
            id_type,
            id_no,
            gender: s("gender"),
            major_code,
            major_name: t("major_name"),
            level: s("level"),
            school: t("school").unwrap_or_default(),
            office: t("office"),
            phone: s("phone"),
            row: row.row,
        });
    })?;
    reader_problems.append(&mut problems);
    Ok((out, reader_problems))
}

/// One result of `zikao eligibility`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EligEntry {
    pub exam_no: String,
    pub name: Option<String>,
    /// `eligible`, `ineligible`, `review` (lower-cased).
    pub verdict: String,
    pub major_code: Option<String>,
    pub major_name: Option<String>,
    pub level: Option<String>,
    pub school: Option<String>,
    /// 1-based position in `results`, for messages.
    pub index: usize,
}

/// The eligibility result: who may be put on a graduates roster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Eligibility {
    pub path: PathBuf,
    pub entries: Vec<EligEntry>,
    pub problems: Vec<InputProblem>,
}

/// A JSON value that should be text but may have been written as a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    S(String),
    I(i64),
    U(u64),
    F(f64),
    B(bool),
}

impl Scalar {
    fn text(self) -> Option<String> {
        let s = match self {
            Scalar::S(s) => s,
            Scalar::I(i) => i.to_string(),
            Scalar::U(u) => u.to_string(),
            Scalar::F(f) => f.to_string(),
            Scalar::B(b) => b.to_string(),
        };
        let s = norm(&s);
        (!s.is_empty()).then_some(s)
    }
}

#[derive(Deserialize)]
struct RawEntry {
    #[serde(default)]
    exam_no: Option<Scalar>,
    #[serde(default)]
    name: Option<Scalar>,
    #[serde(default)]
    verdict: Option<Scalar>,
    #[serde(default)]
    major_code: Option<Scalar>,
    #[serde(default)]
    major_name: Option<Scalar>,
    #[serde(default)]
    level: Option<Scalar>,
    #[serde(default)]
    school: Option<Scalar>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDoc {
    Report {
        #[serde(default)]
        command: Option<String>,
        results: Vec<RawEntry>,
    },
    List(Vec<RawEntry>),
}

/// Reads the JSON result of `zikao eligibility` (the report object, or
/// just its `results` array). A result without `exam_no` is an input
/// problem; a report of another command is an error.
pub fn read_eligibility(path: &Path) -> Result<Eligibility> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let doc: RawDoc = serde_json::from_reader(std::io::BufReader::new(f)).map_err(|e| {
        Error::format(
            path,
            format!(
                "不是 `zikao eligibility` 的 JSON 结果（第 {} 行第 {} 列）",
                e.line(),
                e.column()
            ),
            format!("not the JSON result of `zikao eligibility` ({{\"command\": \"eligibility\", \"results\": [...]}}): {e}"),
        )
    })?;
    parse_eligibility_doc(doc, path)
}

/// Parses eligibility JSON text (see [`read_eligibility`]); `path` names
/// the source in messages.
pub fn parse_eligibility(text: &str, path: &Path) -> Result<Eligibility> {
    let doc: RawDoc = serde_json::from_str(text).map_err(|e| {
        Error::format(
            path,
            format!(
                "不是 `zikao eligibility` 的 JSON 结果（第 {} 行第 {} 列）",
                e.line(),
                e.column()
            ),
            format!("not the JSON result of `zikao eligibility` ({{\"command\": \"eligibility\", \"results\": [...]}}): {e}"),
        )
    })?;
    parse_eligibility_doc(doc, path)
}

fn parse_eligibility_doc(doc: RawDoc, path: &Path) -> Result<Eligibility> {
    let results = match doc {
        RawDoc::Report { command, results } => {
            if let Some(c) = command {
                if c.trim() != "eligibility" {
                    return Err(Error::WrongInput {
                        path: path.to_path_buf(),
                        found: c.trim().to_string(),
                        expected: "eligibility".into(),
                    });
                }
            }
            results
        }
        RawDoc::List(r) => r,
    };
    let mut el = Eligibility {
        path: path.to_path_buf(),
        ..Default::default()
    };
    for (i, r) in results.into_iter().enumerate() {
        let index = i + 1;
        let Some(exam_no) = r.exam_no.and_then(Scalar::text) else {
            el.problems.push(InputProblem {
                file: path.to_path_buf(),
                row: Some(index),
                column: Some("exam_no".into()),
                severity: Severity::Error,
                code: "roster.input",
                message: RosterMsg::EligItemNoExamNo.into(),
            });
            continue;
        };
        el.entries.push(EligEntry {
            exam_no,
            name: r.name.and_then(Scalar::text),
            verdict: r
                .verdict
                .and_then(Scalar::text)
                .map(|v| v.to_lowercase())
                .unwrap_or_default(),
            major_code: r.major_code.and_then(Scalar::text),
            major_name: r.major_name.and_then(Scalar::text),
            level: r.level.and_then(Scalar::text),
            school: r.school.and_then(Scalar::text),
            index,
        });
    }
    Ok(el)
}

/// One approved exemption (免考) from the scores table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exemption {
    pub exam_no: String,
    pub course_code: String,
    pub course_name: Option<String>,
    /// The certificate or other ground the exemption was granted on.
    pub certificate: Option<String>,
    /// 审核日期, `YYYY-MM-DD` as the table reader normalises it.
    pub approved_date: String,
    /// The major the row names, when it names one.
    pub major_code: Option<String>,
    pub row: usize,
}

/// What [`read_exemptions`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exemptions {
    pub approved: Vec<Exemption>,
    /// Exemption rows without an approval date (not yet approved: not listed).
    pub not_approved: usize,
    pub problems: Vec<InputProblem>,
}

/// Whether a scores row is an exemption: 成绩类型 免考 or the score 免考.
pub fn is_exemption(kind: Option<&str>, score: Option<&str>) -> bool {
    let k = kind.map(norm).unwrap_or_default();
    let s = score.map(norm).unwrap_or_default();
    k.contains("免考")
        || k.contains("免试")
        || s == "免考"
        || s == "免试"
        || k.eq_ignore_ascii_case("exempt")
        || k.eq_ignore_ascii_case("exemption")
}

/// Reads the approved exemptions of a scores table.
pub fn read_exemptions(path: &Path, opts: &ReadOptions) -> Result<Exemptions> {
    let mut ex = Exemptions::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut reader_problems = table::read(path, &schemas::SCORES, opts, &mut |row| {
        if !is_exemption(row.get("kind"), row.get("score")) {
            return;
        }
        let s = |k: &str| row.get(k).map(norm).filter(|v| !v.is_empty());
        let t = |k: &str| row.get(k).map(text).filter(|v| !v.is_empty());
        let Some(exam_no) = s("exam_no") else {
            problems.push(row.problem(
                "exam_no",
                Severity::Error,
                "roster.input",
                RosterMsg::EmptyValue {
                    column: "准考证号"
                },
            ));
            return;
        };
        let Some(approved_date) = s("approved_date") else {
            ex.not_approved += 1;
            return;
        };
        let course_code = s("course_code").unwrap_or_default();
        let key = (exam_no.clone(), course_code.clone());
        if let Some(first) = seen.get(&key) {
            problems.push(row.problem(
                "course_code",
                Severity::Warning,
                "roster.duplicate",
                RosterMsg::DuplicateExemption {
                    exam_no,
                    course_code,
                    first_row: *first,
                },
            ));
            return;
        }
        seen.insert(key, row.row);
        ex.approved.push(Exemption {
            exam_no,
            course_code,
            course_name: t("course_name"),
            certificate: t("certificate"),
            approved_date,
            major_code: s("major_code"),
            row: row.row,
        });
    })?;
    reader_problems.append(&mut problems);
    ex.problems = reader_problems;
    Ok(ex)
}

/// Splits a cell holding several values (one per line, or separated by
/// `;`, `；`, `、`, `,`, `，`, `/`) into its parts, as printed.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', '\r', ';', '；', '、', ',', '，', '/'])
        .map(norm)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Phone numbers of a cell: like [`split_list`], and also split on spaces
/// when every part is a phone number of its own (7 or more digits).
pub(crate) fn split_phones(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in split_list(s) {
        let parts: Vec<&str> = p.split_whitespace().collect();
        let digits = |x: &str| x.chars().filter(char::is_ascii_digit).count();
        if parts.len() > 1 && parts.iter().all(|x| digits(x) >= 7) {
            out.extend(parts.iter().map(|x| x.to_string()));
        } else {
            out.push(p);
        }
    }
    out
}

/// Reads an offices table (roster.md "offices": 地区, 日期, 办理地点及要求,
/// 联系电话, 办公时间) into a schedule. `not_allowed` comes from the policy.
pub fn read_offices(
    path: &Path,
    opts: &ReadOptions,
    policy: &ReceptionPolicy,
) -> Result<(ReceptionPolicy, Vec<InputProblem>)> {
    let mut offices: Vec<Office> = Vec::new();
    let mut rows: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut reader_problems = table::read(path, &schemas::OFFICES, opts, &mut |row| {
        let Some(area) = row.get("area").map(norm).filter(|v| !v.is_empty()) else {
            problems.push(row.problem(
                "area",
                Severity::Error,
                "roster.input",
                RosterMsg::EmptyValue { column: "地区" },
            ));
            return;
        };
        let key = super::reception::office_key(&area);
        if let Some(first) = rows.get(&key) {
            problems.push(row.problem(
                "area",
                Severity::Error,
                "roster.duplicate",
                RosterMsg::DuplicateOffice {
                    area,
                    first_row: *first,
                },
            ));
            return;
        }
        rows.insert(key, row.row);
        offices.push(Office {
            area,
            aliases: Vec::new(),
            dates: row.get("dates").map(split_list).unwrap_or_default(),
            address: row
                .get("address")
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
            phones: row.get("phone").map(split_phones).unwrap_or_default(),
            hours: row.get("hours").map(norm).filter(|v| !v.is_empty()),
        });
    })?;
    reader_problems.append(&mut problems);
    Ok((
        ReceptionPolicy {
            title: None,
            // the user's own table is for the batch they asked for
            batch: None,
            hours: None,
            not_allowed: policy.not_allowed.clone(),
            offices,
        },
        reader_problems,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eligibility_json_shapes() {
        let t = r#"{"command":"eligibility","summary":{},"results":[
            {"exam_no":"010118100001","name":"张三","verdict":"eligible","findings":[],"major_code":"C050207","major_name":"汉语言文学","level":"本科","school":"中山大学","missing":[]},
            {"exam_no":10118100002,"verdict":"Ineligible","findings":[{"code":"elig.required"}]},
            {"name":"无号","verdict":"eligible"}
        ],"input_errors":[]}"#;
        let e = parse_eligibility(t, Path::new("e.json")).unwrap();
        assert_eq!(e.entries.len(), 2);
        assert_eq!(e.entries[0].verdict, "eligible");
        assert_eq!(e.entries[0].school.as_deref(), Some("中山大学"));
        assert_eq!(e.entries[1].exam_no, "10118100002");
        assert_eq!(e.entries[1].verdict, "ineligible");
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].row, Some(3));
        // a bare results array
        let e = parse_eligibility(
            r#"[{"exam_no":"1","verdict":"review"}]"#,
            Path::new("e.json"),
        )
        .unwrap();
        assert_eq!(e.entries[0].verdict, "review");
        // another command's report
        let err = parse_eligibility(
            r#"{"command":"photo check","results":[]}"#,
            Path::new("p.json"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("photo check"), "{err}");
        // not JSON
        let err = parse_eligibility("准考证号,姓名", Path::new("x.csv")).unwrap_err();
        assert!(err.to_string().contains("x.csv"), "{err}");
    }

    #[test]
    fn exemption_rows() {
        assert!(is_exemption(Some("免考"), Some("")));
        assert!(is_exemption(None, Some("免考")));
        assert!(is_exemption(Some(" 免考 "), None));
        assert!(!is_exemption(Some("笔试"), Some("80")));
        assert!(!is_exemption(None, Some("合格")));
        assert!(!is_exemption(Some("转入"), Some("70")));
    }

    #[test]
    fn lists_and_phones() {
        assert_eq!(split_list("6月15日\n6月18日"), ["6月15日", "6月18日"]);
        assert_eq!(split_list("6月16-17日"), ["6月16-17日"]);
        assert_eq!(split_list("6月15日、6月18日"), ["6月15日", "6月18日"]);
        assert_eq!(
            split_phones("020-84810283 020-84813582"),
            ["020-84810283", "020-84813582"]
        );
        assert_eq!(
            split_phones("020-84810283\n020-84813582"),
            ["020-84810283", "020-84813582"]
        );
        assert_eq!(split_phones("转 8012"), ["转 8012"]);
    }
}

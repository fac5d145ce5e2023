//! The individual checks of `prereq verify`, on in-memory records. Each
//! returns findings; the verdict is derived from their severities
//! (error → rejected, warning → review).

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use crate::finding::{Finding, Severity};
use crate::idno::{self, Gender, IdError, IdType};
use crate::text;

use super::msg::{PrereqMsg, Side};

/// QualificationLevel of a qualification, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum QualificationLevel {
    /// Below 专科: 中专, 高中, 职高, 技校...
    Below,
    /// 专科 / 高职 / 大专.
    Associate,
    /// 本科 (incl. 第二学士学位).
    Bachelor,
    /// 硕士.
    Master,
    /// 博士.
    Doctor,
}

impl QualificationLevel {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            QualificationLevel::Below => "专科以下",
            QualificationLevel::Associate => "专科",
            QualificationLevel::Bachelor => "本科",
            QualificationLevel::Master => "硕士研究生",
            QualificationLevel::Doctor => "博士研究生",
        }
    }

    /// Reads a level text. `None`: not recognised.
    pub fn parse(s: &str) -> Option<QualificationLevel> {
        let t = text::norm(s).to_lowercase();
        // "高中起点本科" / "专科起点本科": the level is what follows 起点.
        let t = match t.split_once("起点") {
            Some((_, rest)) if !rest.is_empty() => rest,
            _ => t.as_str(),
        };
        if t.is_empty() {
            return None;
        }
        // Highest first; "博士研究生" before "研究生".
        if t.contains("博士") || t.contains("doctor") || t.contains("phd") {
            return Some(QualificationLevel::Doctor);
        }
        if t.contains("硕士") || t.contains("研究生") || t.contains("master") {
            return Some(QualificationLevel::Master);
        }
        // Below-专科 words before 专科 words ("中专" contains "专").
        const BELOW: &[&str] = &[
            "中专",
            "中职",
            "中技",
            "职高",
            "职业高中",
            "高中",
            "技校",
            "技工",
            "技师",
            "初中",
            "小学",
            "中等专业",
            "中等职业",
            "secondary",
            "high school",
        ];
        if BELOW.iter().any(|w| t.contains(w)) {
            return Some(QualificationLevel::Below);
        }
        if t.contains("本科")
            || t.contains("学士")
            || t.contains("专升本")
            || t.contains("高起本")
            || t == "本"
            || t.contains("bachelor")
            || t.contains("undergraduate")
        {
            return Some(QualificationLevel::Bachelor);
        }
        if t.contains("专科")
            || t.contains("大专")
            || t.contains("高职")
            || t.contains("高等职业")
            || t.contains("高起专")
            || t.contains("高专")
            || t == "专"
            || t.contains("associate")
            || t.contains("junior college")
        {
            return Some(QualificationLevel::Associate);
        }
        None
    }
}

pub use crate::date::DateVal;

/// How the prior diploma is proven (prereq.md `proof`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// 教育部学历证书电子注册备案表 (online verification code).
    Record,
    /// 中国高等教育学历认证报告 (report number).
    Report,
    /// 国外学历学位认证书 (foreign credential evaluation).
    Foreign,
    /// A concurrent self-taught 专科 in the same batch (its admission number).
    Concurrent,
}

impl Proof {
    /// Reads the 认证方式 column.
    pub fn parse(s: &str) -> Option<Proof> {
        let t = text::norm(s).to_lowercase();
        if t.contains("国外") || t.contains("境外") || t.contains("留学") || t.contains("foreign")
        {
            Some(Proof::Foreign)
        } else if t.contains("自考")
            || t.contains("自学考试")
            || t.contains("concurrent")
            || t.contains("self-taught")
        {
            Some(Proof::Concurrent)
        } else if t.contains("备案") || t.contains("在线验证") || t.contains("record") {
            Some(Proof::Record)
        } else if t.contains("认证报告") || t.contains("学历认证") || t.contains("report") {
            Some(Proof::Report)
        } else {
            None
        }
    }

    /// The document's Chinese name (used in messages).
    pub fn zh(self) -> &'static str {
        match self {
            Proof::Record => "学历备案表",
            Proof::Report => "学历认证报告",
            Proof::Foreign => "国外学历学位认证书",
            Proof::Concurrent => "自考专科准考证号",
        }
    }

    /// Stable machine word for output.
    pub fn key(self) -> &'static str {
        match self {
            Proof::Record => "registration_record",
            Proof::Report => "verification_report",
            Proof::Foreign => "foreign_evaluation",
            Proof::Concurrent => "concurrent_self_taught",
        }
    }

    /// Whether the proof is verified online and has a validity period.
    pub fn is_online(self) -> bool {
        matches!(self, Proof::Record | Proof::Report)
    }
}

/// Strips spaces (the seed prints codes in groups of four), full-width
/// characters and hyphens; upper-cases letters.
pub fn compact(s: &str) -> String {
    text::half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// An online verification code of the registration record: 12 digits
/// (seed 004_… 附件2 “在线验证 0908 8869 3519”) or 16 characters beginning
/// with A or X (prereq.md).
pub fn is_online_code(code: &str) -> bool {
    let b = code.as_bytes();
    (b.len() == 12 && b.iter().all(u8::is_ascii_digit))
        || (b.len() == 16 && matches!(b[0], b'A' | b'X') && b.iter().all(u8::is_ascii_alphanumeric))
}

/// A verification-report number: 20 digits (seed 004_… 附件2 “证书编号:
/// 50111111111111111111” on the 学历认证报告).
pub fn is_report_number(code: &str) -> bool {
    code.len() == 20 && code.bytes().all(|b| b.is_ascii_digit())
}

/// A foreign credential evaluation number (教育部留学服务中心): the written
/// form 教留服认<country>[YYYY]<digits>号, or a plain number of 6-20
/// letters and digits. Structural heuristic.
pub fn is_foreign_eval_number(code: &str) -> bool {
    if code.starts_with("教留服认") {
        return code.chars().any(|c| c.is_ascii_digit());
    }
    (6..=20).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_alphanumeric())
        && code.bytes().any(|b| b.is_ascii_digit())
}

/// A self-taught admission number (准考证号): 8-15 digits. Structural
/// heuristic (provinces differ; Guangdong and Anhui use 12).
pub fn is_admission_number(code: &str) -> bool {
    (8..=15).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// The chsi.com.cn link for staff to open by hand (the tool itself never
/// goes online).
pub fn verification_link(code: &str) -> String {
    format!("https://www.chsi.com.cn/xlcx/bg.do?vcode={code}&srcid=bgcx")
}

/// `prereq.level`. Returns the findings and the level used further on.
pub fn check_level(
    prior_level: Option<&str>,
    from_certificate: Option<QualificationLevel>,
    proof: Option<Proof>,
) -> (Vec<Finding>, Option<QualificationLevel>) {
    const C: &str = "prereq.level";
    match prior_level {
        Some(t) if !t.trim().is_empty() => match QualificationLevel::parse(t) {
            Some(QualificationLevel::Below) => (
                vec![Finding::new(
                    C,
                    Severity::Error,
                    PrereqMsg::LevelBelow {
                        level: t.trim().into(),
                    },
                )
                .measured(t.trim())
                .expected(json!(["专科", "本科", "硕士", "博士"]))],
                Some(QualificationLevel::Below),
            ),
            Some(l) => (vec![], Some(l)),
            None => (
                vec![Finding::new(
                    C,
                    Severity::Warning,
                    PrereqMsg::LevelUnknown {
                        level: t.trim().into(),
                    },
                )
                .measured(t.trim())
                .expected(json!(["专科", "本科", "硕士", "博士"]))],
                None,
            ),
        },
        _ => {
            if proof == Some(Proof::Concurrent) {
                // The concurrent 专科 is by definition 专科 (000_… 二(二)4).
                (vec![], Some(QualificationLevel::Associate))
            } else if let Some(l) = from_certificate {
                // QualificationLevel empty: the certificate number's level code says it.
                (vec![], Some(l))
            } else {
                (
                    vec![Finding::new(C, Severity::Warning, PrereqMsg::LevelMissing)],
                    None,
                )
            }
        }
    }
}

/// Dates of the batch the cut-off check needs.
#[derive(Clone, Copy, Debug)]
pub struct CutoffCtx {
    pub diploma_by: Option<NaiveDate>,
    pub late_diploma_by: Option<NaiveDate>,
    pub as_of: NaiveDate,
}

/// `prereq.cutoff`: the diploma obtained on or before the batch's cut-off
/// (inclusive), with the fresh-graduate grace where the policy has one.
pub fn check_cutoff(
    graduated_on: Option<&str>,
    certificate_no: Option<&str>,
    proof: Option<Proof>,
    ctx: CutoffCtx,
) -> Vec<Finding> {
    const C: &str = "prereq.cutoff";
    if proof == Some(Proof::Concurrent) {
        // Graduates in this very batch; prereq.concurrent decides.
        return vec![];
    }
    let g = graduated_on.map(str::trim).filter(|s| !s.is_empty());
    let Some(g) = g else {
        if let Some(late) = ctx.late_diploma_by {
            let cert_empty = certificate_no.map(str::trim).unwrap_or("").is_empty();
            if ctx.as_of > late && cert_empty {
                return vec![Finding::new(
                    C,
                    Severity::Error,
                    PrereqMsg::LateMissed {
                        late_by: late.to_string(),
                    },
                )
                .expected(late.to_string())];
            }
            if ctx.as_of <= late {
                return vec![Finding::new(
                    C,
                    Severity::Warning,
                    PrereqMsg::LatePending {
                        late_by: late.to_string(),
                    },
                )
                .expected(late.to_string())];
            }
        }
        return vec![Finding::new(
            C,
            Severity::Warning,
            PrereqMsg::GraduatedMissing,
        )];
    };
    let Some(d) = DateVal::parse(g) else {
        return vec![Finding::new(
            C,
            Severity::Warning,
            PrereqMsg::GraduatedUnreadable { value: g.into() },
        )
        .measured(g)];
    };
    let (first, last) = d.range();
    let Some(cut) = ctx.diploma_by else {
        // No cut-off in the policy.
        return vec![];
    };
    let show = d.show();
    if last <= cut {
        // A date not reached yet is fine: the policy admits diplomas up to the cut-off.
        return vec![];
    }
    let limit = ctx.late_diploma_by.filter(|l| *l > cut);
    if first > cut {
        if let Some(late) = limit {
            if last <= late {
                return vec![Finding::new(C, Severity::Warning, PrereqMsg::CutoffLate { graduated: show.clone(), cutoff: cut.to_string(), late_by: late.to_string() })
                    .measured(show)
                    .expected(json!({"by": cut.to_string(), "fresh_full_time_graduates_by": late.to_string()}))];
            }
            if first <= late {
                return vec![Finding::new(
                    C,
                    Severity::Warning,
                    PrereqMsg::CutoffAmbiguous {
                        graduated: show.clone(),
                        cutoff: late.to_string(),
                    },
                )
                .measured(show)
                .expected(late.to_string())];
            }
        }
        return vec![Finding::new(
            C,
            Severity::Error,
            PrereqMsg::CutoffAfter {
                graduated: show.clone(),
                cutoff: limit.unwrap_or(cut).to_string(),
            },
        )
        .measured(show)
        .expected(limit.unwrap_or(cut).to_string())];
    }
    // A month straddling the cut-off.
    vec![Finding::new(
        C,
        Severity::Warning,
        PrereqMsg::CutoffAmbiguous {
            graduated: show.clone(),
            cutoff: cut.to_string(),
        },
    )
    .measured(show)
    .expected(cut.to_string())]
}

/// The exam record's identity (candidates table).
#[derive(Clone, Debug, Default)]
pub struct ExamIdentity<'a> {
    pub name: &'a str,
    pub id_type: Option<&'a str>,
    pub id_no: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub birth_date: Option<&'a str>,
}

/// Result of the identity checks.
#[derive(Debug, Default)]
pub struct IdentityOutcome {
    pub findings: Vec<Finding>,
    /// The exam record's ID number, normalised (18 digits when valid).
    pub id_shown: Option<String>,
    /// Name or ID changed (the police certificate case).
    pub changed: bool,
}

fn id_reason(e: &IdError) -> (String, String) {
    match e {
        IdError::Shape => (
            "应为 18 位（或旧式 15 位）数字，末位可为 X".into(),
            "not 18 digits (or the old 15), last may be X".into(),
        ),
        IdError::CheckDigit { expected } => (
            format!("校验码错误（应为 {expected}）"),
            format!("check digit wrong (should be {expected})"),
        ),
        IdError::BadDate => ("出生日期不存在".into(), "impossible birth date".into()),
        IdError::FutureDate => ("出生日期晚于今天".into(), "birth date in the future".into()),
    }
}

/// Name comparison key: full/half width and surrounding spaces normalised,
/// spaces inside a Chinese name dropped, the middle-dot variants of
/// minority names unified, Latin letters upper-cased. Never fuzzy.
pub fn name_key(s: &str) -> String {
    let n = text::norm(s);
    let cjk = n.chars().any(|c| !c.is_ascii() && c.is_alphabetic());
    n.chars()
        .filter(|c| !(cjk && c.is_whitespace()))
        .map(|c| match c {
            '·' | '•' | '・' | '‧' | '∙' | '⋅' | '.' | '．' => '·',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Comparison key for a non-GB document number.
fn doc_key(s: &str) -> String {
    compact(s)
}

const ID_NUMBER: &str = "prereq.id_number";
const IDENTITY_MATCH: &str = "prereq.identity_match";

/// An ID number as a message shows it: masked unless `--unmask`.
fn shown(id: &str, unmask: bool) -> String {
    if unmask {
        id.to_string()
    } else {
        idno::mask(id)
    }
}

/// `prereq.id_number` and `prereq.identity_match`.
pub fn check_identity(
    exam: &ExamIdentity<'_>,
    prior_name: Option<&str>,
    prior_id: Option<&str>,
    as_of: NaiveDate,
    unmask: bool,
) -> IdentityOutcome {
    let mut out = IdentityOutcome::default();
    let gb = IdType::parse(exam.id_type).uses_gb11643();
    let exam_id = exam.id_no.map(str::trim).filter(|s| !s.is_empty());
    let prior_id = prior_id.map(str::trim).filter(|s| !s.is_empty());

    // The exam record's own number.
    let mut exam_parsed = None;
    match exam_id {
        None => out.findings.push(Finding::new(
            ID_NUMBER,
            Severity::Error,
            PrereqMsg::IdMissing { side: Side::Exam },
        )),
        Some(id) if gb => match check_id_number(id, Side::Exam, as_of, unmask, &mut out.findings) {
            Some(p) => {
                out.id_shown = Some(p.normalized.clone());
                exam_parsed = Some(p);
            }
            None => out.id_shown = Some(idno::normalize(id)),
        },
        Some(id) => out.id_shown = Some(doc_key(id)),
    }
    // The prior record's number.
    let prior_ok = match prior_id {
        Some(pid) if gb => {
            check_id_number(pid, Side::Prior, as_of, unmask, &mut out.findings).is_some()
        }
        _ => true,
    };
    if let Some(p) = &exam_parsed {
        out.findings.extend(birth_and_gender(exam, p));
    }
    name_and_id_match(exam, prior_name, prior_id, gb, prior_ok, unmask, &mut out);
    out
}

/// A GB 11643 number of one side: an info finding when a 15-digit number
/// was upgraded, an error (exam side) or warning (prior side) when it is
/// invalid. Returns the parsed number when valid.
fn check_id_number(
    id: &str,
    side: Side,
    as_of: NaiveDate,
    unmask: bool,
    findings: &mut Vec<Finding>,
) -> Option<idno::IdNumber> {
    match idno::parse(id, as_of) {
        Ok(p) => {
            if p.upgraded {
                findings.push(
                    Finding::new(
                        ID_NUMBER,
                        Severity::Info,
                        PrereqMsg::IdUpgraded {
                            side,
                            from: shown(id, unmask),
                            to: shown(&p.normalized, unmask),
                        },
                    )
                    .measured(shown(id, unmask))
                    .expected(shown(&p.normalized, unmask)),
                );
            }
            Some(p)
        }
        Err(e) => {
            let (zh, en) = id_reason(&e);
            let severity = match side {
                Side::Exam => Severity::Error,
                Side::Prior => Severity::Warning,
            };
            findings.push(
                Finding::new(
                    ID_NUMBER,
                    severity,
                    PrereqMsg::IdInvalid {
                        side,
                        id: shown(id, unmask),
                        reason: zh,
                        reason_en: en,
                    },
                )
                .measured(shown(id, unmask)),
            );
            None
        }
    }
}

/// Birth date and gender read from the ID number against the exam record.
fn birth_and_gender(exam: &ExamIdentity<'_>, p: &idno::IdNumber) -> Vec<Finding> {
    let mut out = Vec::new();
    let birth_differs = |record: String| {
        Finding::new(
            IDENTITY_MATCH,
            Severity::Warning,
            PrereqMsg::BirthDiffers {
                from_id: p.birth_date.to_string(),
                record: record.clone(),
            },
        )
        .measured(record)
        .expected(p.birth_date.to_string())
    };
    match exam
        .birth_date
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(DateVal::parse)
    {
        Some(DateVal::Day(d)) if d != p.birth_date => out.push(birth_differs(d.to_string())),
        Some(DateVal::Month(y, m)) if (y, m) != (p.birth_date.year(), p.birth_date.month()) => {
            out.push(birth_differs(format!("{y:04}-{m:02}")))
        }
        _ => {}
    }
    let gender = exam.gender.map(str::trim).filter(|s| !s.is_empty());
    if let Some(g) = gender.filter(|g| Gender::parse(g).is_some_and(|rg| rg != p.gender)) {
        out.push(
            Finding::new(
                IDENTITY_MATCH,
                Severity::Warning,
                PrereqMsg::GenderDiffers {
                    from_id: p.gender.zh().into(),
                    record: g.into(),
                },
            )
            .measured(g)
            .expected(p.gender.zh()),
        );
    }
    out
}

/// Name and ID number between the two records: both differing is another
/// person (error); one differing is a change to be proven (warning).
fn name_and_id_match(
    exam: &ExamIdentity<'_>,
    prior_name: Option<&str>,
    prior_id: Option<&str>,
    gb: bool,
    prior_ok: bool,
    unmask: bool,
    out: &mut IdentityOutcome,
) {
    let exam_id = exam.id_no.map(str::trim).filter(|s| !s.is_empty());
    let prior_name = prior_name.map(str::trim).filter(|s| !s.is_empty());
    if prior_name.is_none() {
        out.findings.push(Finding::new(
            IDENTITY_MATCH,
            Severity::Warning,
            PrereqMsg::PriorIdentityMissing { what: "name" },
        ));
    }
    if prior_id.is_none() {
        out.findings.push(Finding::new(
            IDENTITY_MATCH,
            Severity::Warning,
            PrereqMsg::PriorIdentityMissing { what: "id" },
        ));
    }
    let other_name = prior_name.filter(|pn| name_key(exam.name) != name_key(pn));
    let other_id = match (exam_id, prior_id) {
        (Some(e), Some(p)) => {
            let same = if gb {
                idno::same_person(e, p)
            } else {
                doc_key(e) == doc_key(p)
            };
            (!same).then_some((e, p))
        }
        _ => None,
    };
    match (other_name, other_id) {
        (Some(pn), Some((e, p))) => out.findings.push(
            Finding::new(IDENTITY_MATCH, Severity::Error, PrereqMsg::NameAndIdDiffer)
                .measured(json!({"name": pn.trim(), "id_no": shown(p, unmask)}))
                .expected(json!({"name": exam.name.trim(), "id_no": shown(e, unmask)})),
        ),
        (Some(pn), None) => {
            out.changed = true;
            out.findings.push(
                Finding::new(
                    IDENTITY_MATCH,
                    Severity::Warning,
                    PrereqMsg::NameDiffers {
                        exam: exam.name.trim().into(),
                        prior: pn.trim().into(),
                    },
                )
                .measured(pn.trim())
                .expected(exam.name.trim()),
            );
        }
        (None, Some((e, p))) => {
            out.changed = prior_ok;
            out.findings.push(
                Finding::new(
                    IDENTITY_MATCH,
                    Severity::Warning,
                    PrereqMsg::IdDiffers {
                        exam: shown(e, unmask),
                        prior: shown(p, unmask),
                    },
                )
                .measured(shown(p, unmask))
                .expected(shown(e, unmask)),
            );
        }
        (None, None) => {}
    }
}

/// What a certificate number was recognised as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertForm {
    /// 18 digits: school 5, type 1, year 4, level 2, serial 6.
    Regular {
        year: i32,
        level: Option<QualificationLevel>,
        type_code: u8,
    },
    /// 17 digits of 2001-2002: school 5, type 1, year 4, level 2, serial 5.
    Regular17 {
        year: i32,
        level: Option<QualificationLevel>,
    },
    /// 17-digit self-taught form: type 6, level 1, region 6, year 2,
    /// session 1, serial 5, check 1.
    SelfTaught17 { year2: u32 },
    /// Unrecognised.
    Unknown,
}

fn level_code(s: &str) -> Option<Option<QualificationLevel>> {
    match s {
        "01" => Some(Some(QualificationLevel::Doctor)),
        "02" => Some(Some(QualificationLevel::Master)),
        "04" | "05" => Some(Some(QualificationLevel::Bachelor)),
        "06" => Some(Some(QualificationLevel::Associate)),
        _ => None,
    }
}

fn plausible_year(y: i32, as_of: NaiveDate) -> bool {
    (1949..=as_of.year() + 1).contains(&y)
}

fn is_province(code: u32) -> bool {
    matches!(code, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82)
}

/// Classifies a compacted certificate number.
pub fn cert_form(c: &str, as_of: NaiveDate) -> CertForm {
    if !c.bytes().all(|b| b.is_ascii_digit()) {
        return CertForm::Unknown;
    }
    let num = |r: std::ops::Range<usize>| -> u32 { c[r].parse().unwrap_or(0) };
    match c.len() {
        18 => {
            let ty = c.as_bytes()[5] - b'0';
            let year = num(6..10) as i32;
            match level_code(&c[10..12]) {
                Some(level) if matches!(ty, 1 | 5 | 6 | 7) && plausible_year(year, as_of) => {
                    CertForm::Regular {
                        year,
                        level,
                        type_code: ty,
                    }
                }
                _ => CertForm::Unknown,
            }
        }
        17 => {
            let year = num(6..10) as i32;
            if (2001..=2003).contains(&year) && matches!(c.as_bytes()[5] - b'0', 1 | 5 | 6 | 7) {
                if let Some(level) = level_code(&c[10..12]) {
                    return CertForm::Regular17 { year, level };
                }
            }
            if c.starts_with('6') && is_province(num(2..4)) {
                return CertForm::SelfTaught17 { year2: num(8..10) };
            }
            CertForm::Unknown
        }
        _ => CertForm::Unknown,
    }
}

/// Context of the certificate check.
#[derive(Clone, Copy, Debug)]
pub struct CertCtx {
    pub as_of: NaiveDate,
    /// The fresh-graduate grace day, if the policy has one and it has not passed.
    pub pending_until: Option<NaiveDate>,
}

/// `prereq.certificate_no`. Returns the findings and the level the number
/// encodes (when recognised).
pub fn check_certificate(
    certificate_no: Option<&str>,
    graduated_on: Option<&str>,
    prior_level: Option<&str>,
    proof: Option<Proof>,
    ctx: CertCtx,
) -> CertOutcome {
    const C: &str = "prereq.certificate_no";
    let done = |findings: Vec<Finding>, form: Option<&'static str>| CertOutcome {
        findings,
        level: None,
        form,
    };
    if proof == Some(Proof::Concurrent) {
        return done(vec![], None);
    }
    let raw = certificate_no.map(str::trim).filter(|s| !s.is_empty());
    let Some(raw) = raw else {
        if proof == Some(Proof::Foreign) {
            return done(vec![], None);
        }
        if let Some(late) = ctx.pending_until {
            let m = PrereqMsg::CertPending {
                late_by: late.to_string(),
            };
            return done(vec![Finding::new(C, Severity::Warning, m)], None);
        }
        return done(
            vec![Finding::new(C, Severity::Warning, PrereqMsg::CertMissing)],
            None,
        );
    };
    if proof == Some(Proof::Foreign) {
        // A foreign diploma's number has no Chinese structure.
        return done(vec![], Some("foreign"));
    }
    let c = compact(raw);
    let grad = graduated_on.and_then(DateVal::parse);
    let plevel = prior_level.and_then(QualificationLevel::parse);
    let plevel_text = prior_level.map(str::trim).unwrap_or("");
    // Before electronic registration (2001) numbers had no national form.
    if grad.is_some_and(|g| g.year() < 2001) {
        return done(vec![], Some("pre_2001"));
    }
    let mut out = Vec::new();
    let (year, level, heuristic, form) = match cert_form(&c, ctx.as_of) {
        CertForm::Regular {
            year,
            level,
            type_code,
        } => {
            let form = match type_code {
                1 => "regular",
                5 => "adult",
                6 => "self_taught",
                _ => "online",
            };
            (Some(year), level, false, form)
        }
        CertForm::Regular17 { year, level } => (Some(year), level, true, "regular_17"),
        CertForm::SelfTaught17 { year2 } => {
            if let Some(g) = grad {
                if (g.year() % 100) as u32 != year2 {
                    out.push(
                        Finding::new(
                            C,
                            Severity::Warning,
                            PrereqMsg::CertYearMismatch {
                                value: c.clone(),
                                cert_year: format!("{year2:02}"),
                                graduated_year: g.year().to_string(),
                                heuristic: true,
                            },
                        )
                        .measured(format!("{year2:02}"))
                        .expected(format!("{:02}", g.year() % 100)),
                    );
                }
            }
            return done(out, Some("self_taught_17"));
        }
        CertForm::Unknown => {
            let finding = Finding::new(
                C,
                Severity::Warning,
                PrereqMsg::CertUnrecognised { value: c.clone() },
            )
            .measured(c)
            .expected("18 位：学校代码5 + 办学类型1 + 年份4 + 层次2 (05 本科/06 专科) + 序号6");
            return done(vec![finding], Some("unrecognised"));
        }
    };
    let sev = if heuristic {
        Severity::Warning
    } else {
        Severity::Error
    };
    if let (Some(y), Some(g)) = (year, grad) {
        if y != g.year() {
            out.push(
                Finding::new(
                    C,
                    sev,
                    PrereqMsg::CertYearMismatch {
                        value: c.clone(),
                        cert_year: y.to_string(),
                        graduated_year: g.year().to_string(),
                        heuristic,
                    },
                )
                .measured(y)
                .expected(g.year()),
            );
        }
    }
    if let (Some(cl), Some(pl)) = (level, plevel) {
        if cl != pl {
            out.push(
                Finding::new(
                    C,
                    sev,
                    PrereqMsg::CertLevelMismatch {
                        value: c.clone(),
                        cert_level: cl.zh().into(),
                        prior_level: plevel_text.into(),
                        heuristic,
                    },
                )
                .measured(cl.zh())
                .expected(plevel_text),
            );
        }
    }
    CertOutcome {
        findings: out,
        level,
        form: Some(form),
    }
}

/// Result of [`check_certificate`].
#[derive(Debug, Default)]
pub struct CertOutcome {
    pub findings: Vec<Finding>,
    /// The level the number encodes, when recognised.
    pub level: Option<QualificationLevel>,
    /// What the number was recognised as: `regular`, `adult`, `self_taught`,
    /// `online` (18-digit forms by type digit 1/5/6/7), `regular_17`,
    /// `self_taught_17`, `pre_2001`, `foreign`, `unrecognised`; `None` when
    /// there is no number.
    pub form: Option<&'static str>,
}

/// `prereq.proof_code`: the code's form for its proof kind. Returns the
/// findings, the proof kind used (inferred from the code when the column is
/// empty) and the online code for the verification link.
pub fn check_proof_code(
    proof_text: Option<&str>,
    code: Option<&str>,
    pending_until: Option<NaiveDate>,
) -> (Vec<Finding>, Option<Proof>, Option<String>) {
    const C: &str = "prereq.proof_code";
    let pt = proof_text.map(str::trim).filter(|s| !s.is_empty());
    let code = code.map(compact).filter(|s| !s.is_empty());
    let mut out = Vec::new();
    let mut proof = match pt {
        Some(t) => match Proof::parse(t) {
            Some(p) => Some(p),
            None => {
                out.push(
                    Finding::new(
                        C,
                        Severity::Warning,
                        PrereqMsg::ProofUnknownKind { value: t.into() },
                    )
                    .measured(t),
                );
                None
            }
        },
        None => None,
    };
    let Some(code) = code else {
        if pt.is_none() {
            if let Some(late) = pending_until {
                out.push(Finding::new(
                    C,
                    Severity::Warning,
                    PrereqMsg::LatePending {
                        late_by: late.to_string(),
                    },
                ));
            } else {
                out.push(Finding::new(C, Severity::Warning, PrereqMsg::ProofMissing));
            }
        } else if let Some(p) = proof {
            out.push(Finding::new(
                C,
                Severity::Warning,
                PrereqMsg::ProofCodeMissing { proof: p.zh() },
            ));
        }
        return (out, proof, None);
    };
    if proof.is_none() && pt.is_none() {
        // Infer the kind from the code's form.
        if is_online_code(&code) {
            proof = Some(Proof::Record);
        } else if is_report_number(&code) {
            proof = Some(Proof::Report);
        }
    }
    let online = is_online_code(&code).then(|| code.clone());
    match proof {
        Some(Proof::Record) => {
            if online.is_none() {
                out.push(
                    Finding::new(
                        C,
                        Severity::Error,
                        PrereqMsg::ProofCodeMalformed {
                            proof: Proof::Record.zh(),
                            code: code.clone(),
                        },
                    )
                    .measured(code.clone())
                    .expected("12 位数字，或以 A/X 开头的 16 位字符"),
                );
            }
        }
        Some(Proof::Report) => {
            if online.is_none() && !is_report_number(&code) {
                out.push(
                    Finding::new(
                        C,
                        Severity::Warning,
                        PrereqMsg::ProofCodeUnrecognised {
                            proof: Proof::Report.zh(),
                            code: code.clone(),
                        },
                    )
                    .measured(code.clone())
                    .expected("20 位报告编号，或 12/16 位在线验证码"),
                );
            }
        }
        Some(Proof::Foreign) => {
            if !is_foreign_eval_number(&code) {
                out.push(
                    Finding::new(
                        C,
                        Severity::Warning,
                        PrereqMsg::ProofCodeUnrecognised {
                            proof: Proof::Foreign.zh(),
                            code: code.clone(),
                        },
                    )
                    .measured(code.clone()),
                );
            }
            return (out, proof, None);
        }
        Some(Proof::Concurrent) => {
            if !is_admission_number(&code) {
                out.push(
                    Finding::new(
                        C,
                        Severity::Warning,
                        PrereqMsg::ProofCodeUnrecognised {
                            proof: Proof::Concurrent.zh(),
                            code: code.clone(),
                        },
                    )
                    .measured(code.clone()),
                );
            }
            return (out, proof, None);
        }
        None => {
            if pt.is_none() {
                out.push(
                    Finding::new(
                        C,
                        Severity::Warning,
                        PrereqMsg::ProofCodeUnrecognised {
                            proof: "学历认证",
                            code: code.clone(),
                        },
                    )
                    .measured(code.clone()),
                );
            }
        }
    }
    (out, proof, online)
}

/// `prereq.proof_expired`: an online verification valid on the review date.
pub fn check_expiry(
    valid_until: Option<&str>,
    proof: Option<Proof>,
    has_code: bool,
    review: NaiveDate,
) -> Vec<Finding> {
    const C: &str = "prereq.proof_expired";
    if !proof.map(Proof::is_online).unwrap_or(false) || !has_code {
        return vec![];
    }
    let Some(v) = valid_until.map(str::trim).filter(|s| !s.is_empty()) else {
        return vec![
            Finding::new(C, Severity::Warning, PrereqMsg::ProofValidityMissing)
                .expected(review.to_string()),
        ];
    };
    match DateVal::parse(v) {
        None => vec![Finding::new(
            C,
            Severity::Warning,
            PrereqMsg::ProofValidityUnreadable { value: v.into() },
        )
        .measured(v)],
        Some(d) => {
            let (_, last) = d.range();
            // Valid "until" a day includes that day.
            if last < review {
                vec![Finding::new(
                    C,
                    Severity::Error,
                    PrereqMsg::ProofExpired {
                        until: d.show(),
                        review: review.to_string(),
                    },
                )
                .measured(d.show())
                .expected(review.to_string())]
            } else {
                vec![]
            }
        }
    }
}

/// `prereq.original_required` (000_… 四(三)3): what to bring.
pub fn check_original(id_type: Option<&str>, proof: Option<Proof>, changed: bool) -> Vec<Finding> {
    const C: &str = "prereq.original_required";
    let mut out = Vec::new();
    let t = IdType::parse(id_type);
    if !t.is_mainland() {
        let shown = id_type.map(str::trim).unwrap_or("").to_string();
        out.push(
            Finding::new(
                C,
                Severity::Warning,
                PrereqMsg::OriginalNonMainland {
                    id_type: shown.clone(),
                },
            )
            .measured(shown)
            .expected(json!(["前置学历毕业证书原件", "复印件"])),
        );
    }
    if proof == Some(Proof::Foreign) {
        out.push(
            Finding::new(C, Severity::Warning, PrereqMsg::OriginalForeign)
                .expected(json!(["前置学历毕业证书原件", "复印件"])),
        );
    }
    if changed {
        out.push(
            Finding::new(C, Severity::Warning, PrereqMsg::OriginalChanged).expected(json!([
                "前置学历毕业证书原件",
                "复印件",
                "公安部门的有关证明材料"
            ])),
        );
    }
    out
}

/// One entry of the eligibility result (`zikao eligibility --format json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligEntry {
    pub exam_no: String,
    pub name: Option<String>,
    pub verdict: String,
    pub level: Option<String>,
}

/// `prereq.concurrent`: the concurrent 专科 admission number against the
/// batch's eligibility result.
pub fn check_concurrent(
    adm: Option<&str>,
    candidate_name: &str,
    eligibility: Option<&std::collections::HashMap<String, EligEntry>>,
) -> Vec<Finding> {
    const C: &str = "prereq.concurrent";
    let Some(adm) = adm.map(compact).filter(|s| !s.is_empty()) else {
        return vec![]; // prereq.proof_code reports the missing number
    };
    let Some(eligibility) = eligibility else {
        return vec![Finding::new(
            C,
            Severity::Warning,
            PrereqMsg::ConcurrentUnchecked { adm: adm.clone() },
        )
        .measured(adm)];
    };
    match eligibility.get(&adm) {
        None => vec![Finding::new(
            C,
            Severity::Error,
            PrereqMsg::ConcurrentNotFound { adm: adm.clone() },
        )
        .measured(adm)],
        Some(e) => {
            if let Some(n) = e.name.as_deref().filter(|n| !n.trim().is_empty()) {
                if name_key(n) != name_key(candidate_name) {
                    return vec![Finding::new(
                        C,
                        Severity::Error,
                        PrereqMsg::ConcurrentOtherPerson {
                            adm: adm.clone(),
                            name: n.trim().into(),
                        },
                    )
                    .measured(n.trim())
                    .expected(candidate_name.trim())];
                }
            }
            if let Some(l) = e.level.as_deref().filter(|l| !l.trim().is_empty()) {
                if QualificationLevel::parse(l) != Some(QualificationLevel::Associate) {
                    return vec![Finding::new(
                        C,
                        Severity::Error,
                        PrereqMsg::ConcurrentNotAssociate {
                            adm: adm.clone(),
                            level: l.into(),
                        },
                    )
                    .measured(l)
                    .expected("专科")];
                }
            }
            match e.verdict.trim() {
                "eligible" | "可以毕业" => vec![],
                "review" | "待核查" => vec![Finding::new(
                    C,
                    Severity::Warning,
                    PrereqMsg::ConcurrentReview { adm: adm.clone() },
                )
                .measured("review")
                .expected("eligible")],
                v => vec![Finding::new(
                    C,
                    Severity::Error,
                    PrereqMsg::ConcurrentNotEligible {
                        adm: adm.clone(),
                        verdict: v.into(),
                    },
                )
                .measured(v)
                .expected("eligible")],
            }
        }
    }
}

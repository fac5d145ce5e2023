//! Exam plans (专业考试计划): the model the audit evaluates, built from the
//! flat table form (one row per course, data.md) or from the JSON form
//! (docs/eligibility.md), which can also say what a flat table cannot:
//! alternative tracks ("those who take the foreign language need >= 3
//! electives and >= 14 credits, the others all five").

use crate::msg::Detail;
use std::collections::HashMap;

use super::load::FastHash;
use std::path::Path;

use serde::Deserialize;

use crate::finding::{InputProblem, Severity};
use crate::table::Row;
use crate::{Error, Result};

use super::msg::EligMsg;

/// 专科 / 本科.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProgramLevel {
    /// 专科 (associate).
    Zhuanke,
    /// 本科 (bachelor).
    Benke,
}

impl ProgramLevel {
    /// Reads 专科/大专/高职/本科/专升本/独立本科段/`associate`/`bachelor`.
    pub fn parse(s: &str) -> Option<ProgramLevel> {
        let s = crate::text::norm(s);
        if s.is_empty() {
            return None;
        }
        let l = s.to_ascii_lowercase();
        if s.contains("本科") || s.contains("专升本") || l == "bachelor" || l == "benke" {
            Some(ProgramLevel::Benke)
        } else if s.contains("专科")
            || s.contains("大专")
            || s.contains("高职")
            || s.contains("高起专")
            || l == "associate"
            || l == "zhuanke"
        {
            Some(ProgramLevel::Zhuanke)
        } else {
            None
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            ProgramLevel::Zhuanke => "专科",
            ProgramLevel::Benke => "本科",
        }
    }
}

/// A course's category in a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// 必考.
    Required,
    /// 选考.
    Elective,
    /// 加考.
    Additional,
    /// 实践 (practical assessment).
    Practice,
    /// 论文 (thesis).
    Thesis,
}

impl Category {
    pub fn parse(s: &str) -> Option<Category> {
        let s = crate::text::norm(s);
        Some(match s.as_str() {
            "必考" | "必修" | "必考课" | "必考课程" | "required" => Category::Required,
            "选考" | "选修" | "选考课" | "选考课程" | "elective" => Category::Elective,
            "加考" | "加考课" | "加考课程" | "additional" => Category::Additional,
            "实践" | "实践环节" | "实践考核" | "实践课" | "实践课程" | "practice" => {
                Category::Practice
            }
            "论文" | "毕业论文" | "毕业设计" | "毕业论文(设计)" | "thesis" => {
                Category::Thesis
            }
            _ => return None,
        })
    }
    pub fn zh(self) -> &'static str {
        match self {
            Category::Required => "必考",
            Category::Elective => "选考",
            Category::Additional => "加考",
            Category::Practice => "实践",
            Category::Thesis => "论文",
        }
    }
    /// 实践 or 论文: passed only under the applied major and school.
    pub fn is_practical(self) -> bool {
        matches!(self, Category::Practice | Category::Thesis)
    }
}

/// Courses of a plan by interned code.
pub type CourseMap = HashMap<u32, Course, FastHash>;

/// Course codes as small integers.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    map: HashMap<String, u32, FastHash>,
    codes: Vec<String>,
    /// The ids of the usual five-digit codes, by value (`NONE`: not
    /// interned): a look-up without hashing, for every score row.
    digits: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// The value of a five-digit code.
#[inline]
fn five_digits(code: &str) -> Option<usize> {
    let b = code.as_bytes();
    if b.len() == 5 && b.iter().all(u8::is_ascii_digit) {
        Some(b.iter().fold(0, |n, c| n * 10 + usize::from(c - b'0')))
    } else {
        None
    }
}

impl Interner {
    pub fn intern(&mut self, code: &str) -> u32 {
        if let Some(&i) = self.map.get(code) {
            return i;
        }
        let i = self.codes.len() as u32;
        self.codes.push(code.to_string());
        self.map.insert(code.to_string(), i);
        if let Some(n) = five_digits(code) {
            if self.digits.is_empty() {
                self.digits = vec![NONE; 100_000];
            }
            self.digits[n] = i;
        }
        i
    }
    #[inline]
    pub fn get(&self, code: &str) -> Option<u32> {
        match five_digits(code) {
            Some(n) => self.digits.get(n).copied().filter(|&i| i != NONE),
            None => self.map.get(code).copied(),
        }
    }
    pub fn code(&self, id: u32) -> &str {
        &self.codes[id as usize]
    }
}

/// Normalises a course code: half-width, trimmed; digits shorter than 5
/// get their leading zeros back.
pub fn norm_code(s: &str) -> String {
    let t = crate::text::norm(s);
    if !t.is_empty() && t.len() < 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>5}")
    } else {
        t
    }
}

/// A plan course.
#[derive(Clone, Debug)]
pub struct Course {
    pub name: String,
    pub credits: f64,
    pub category: Category,
}

/// One requirement: passing any one of `any_of` satisfies it.
#[derive(Clone, Debug)]
pub struct Requirement {
    pub label: Option<String>,
    pub any_of: Vec<u32>,
    pub category: Category,
}

/// The elective minimum. When both are given, both must be reached.
#[derive(Clone, Debug, Default)]
pub struct ElectiveRule {
    pub courses: Vec<u32>,
    pub min_credits: Option<f64>,
    pub min_count: Option<u32>,
}

/// The additional courses (加考) of one candidate type.
#[derive(Clone, Debug)]
pub struct AdditionalRule {
    pub kind: String,
    pub courses: Vec<u32>,
    /// `None` and no `min_credits`: all of them.
    pub min_count: Option<u32>,
    pub min_credits: Option<f64>,
}

/// A complete set of requirements. A plan has one; a JSON plan with tracks
/// has one per track (base + track) and the candidate needs any one.
#[derive(Clone, Debug, Default)]
pub struct Variant {
    pub label: Option<String>,
    pub required: Vec<Requirement>,
    pub electives: ElectiveRule,
    pub additional: Vec<AdditionalRule>,
    pub min_total_credits: Option<f64>,
}

/// A major's plan.
#[derive(Clone, Debug)]
pub struct Plan {
    pub major_code: String,
    pub major_name: String,
    pub level: Option<ProgramLevel>,
    /// Main exam schools (empty: any).
    pub schools: Vec<String>,
    pub pass_mark: Option<f64>,
    pub courses: CourseMap,
    pub variants: Vec<Variant>,
    /// Problems that make the plan unusable (conflicting minimums...):
    /// candidates of the major get `elig.record`.
    pub errors: Vec<String>,
}

impl Plan {
    pub fn has_course(&self, id: u32) -> bool {
        self.courses.contains_key(&id)
    }
    pub fn course_name(&self, id: u32) -> &str {
        self.courses.get(&id).map(|c| c.name.as_str()).unwrap_or("")
    }
    pub fn credits(&self, id: u32) -> f64 {
        self.courses.get(&id).map(|c| c.credits).unwrap_or(0.0)
    }
}

/// All plans by major code.
#[derive(Clone, Debug, Default)]
pub struct Plans {
    pub courses: Interner,
    pub plans: Vec<Plan>,
    pub by_major: HashMap<String, usize, FastHash>,
}

impl Plans {
    pub fn get(&self, major_code: &str) -> Option<&Plan> {
        self.by_major.get(major_code).map(|&i| &self.plans[i])
    }
    pub fn index(&self, major_code: &str) -> Option<usize> {
        self.by_major.get(major_code).copied()
    }
}

// ---------------------------------------------------------------- flat form

#[derive(Default)]
struct FlatMajor {
    name: String,
    level: Option<ProgramLevel>,
    schools: Vec<String>,
    pass_mark: Option<f64>,
    courses: CourseMap,
    groups: Vec<(String, Category, Vec<u32>)>,
    /// (course, additional type) in row order.
    additional: Vec<(u32, String)>,
    electives: Vec<u32>,
    /// (course, category, group label) rows seen, to spot exact duplicates.
    roles: Vec<(u32, Category, String)>,
    el_credits: Option<f64>,
    el_count: Option<u32>,
    add_count: HashMap<String, u32>,
    min_total: Option<f64>,
    errors: Vec<String>,
}

/// Builds plans from flat rows.
#[derive(Default)]
pub struct FlatBuilder {
    majors: Vec<(String, FlatMajor)>,
    index: HashMap<String, usize>,
    courses: Interner,
}

fn parse_num(s: &str) -> Option<f64> {
    let t = crate::text::norm(s);
    let t = t.trim_end_matches(['分', '门']);
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0 && *v <= 10000.0)
}

fn set_once<T: PartialEq + Copy + std::fmt::Display>(
    slot: &mut Option<T>,
    v: T,
    field: &str,
    errors: &mut Vec<String>,
) -> Option<(String, String)> {
    match slot {
        None => {
            *slot = Some(v);
            None
        }
        Some(old) if *old == v => None,
        Some(old) => {
            let m = format!("{field}: {old} / {v}");
            if !errors.contains(&m) {
                errors.push(m);
            }
            Some((old.to_string(), v.to_string()))
        }
    }
}

/// The values every row of the flat plan table must have: major code,
/// course code, category and credits. `None` (and the problem) when one is
/// missing or unreadable.
fn row_keys(
    row: &Row<'_>,
    problems: &mut Vec<InputProblem>,
) -> Option<(String, String, Category, f64)> {
    let Some(major) = row.get("major_code").map(crate::text::norm) else {
        problems.push(row.problem(
            "major_code",
            Severity::Error,
            "elig.plan_row",
            EligMsg::MissingValue {
                column: "专业代码".into(),
            },
        ));
        return None;
    };
    let Some(code) = row.get("course_code").map(norm_code) else {
        problems.push(row.problem(
            "course_code",
            Severity::Error,
            "elig.plan_row",
            EligMsg::MissingValue {
                column: "课程代码".into(),
            },
        ));
        return None;
    };
    let cat_text = row.get("category").unwrap_or("");
    let Some(category) = Category::parse(cat_text) else {
        problems.push(row.problem(
            "category",
            Severity::Error,
            "elig.plan_row",
            EligMsg::BadCategory {
                value: cat_text.into(),
            },
        ));
        return None;
    };
    let credits = match row.get("credits") {
        None => 0.0,
        Some(c) => match parse_num(c) {
            Some(v) => v,
            None => {
                problems.push(row.problem(
                    "credits",
                    Severity::Error,
                    "elig.plan_row",
                    EligMsg::BadNumber { value: c.into() },
                ));
                return None;
            }
        },
    };
    Some((major, code, category, credits))
}

impl FlatMajor {
    /// The columns that describe the major (name, level, schools, credit
    /// rules), which every row of the major may repeat: a value that
    /// differs from an earlier row is a conflict.
    fn major_fields(&mut self, row: &Row<'_>, major: &str, problems: &mut Vec<InputProblem>) {
        let m = self;
        if let Some(n) = row.get("major_name") {
            if m.name.is_empty() {
                m.name = crate::text::norm(n);
            }
        }
        if let Some(l) = row.get("level") {
            match ProgramLevel::parse(l) {
                Some(l) => {
                    if let Some((a, b)) = set_once_level(&mut m.level, l, &mut m.errors) {
                        problems.push(row.problem(
                            "level",
                            Severity::Error,
                            "elig.plan_conflict",
                            EligMsg::PlanConflict {
                                major: major.to_string(),
                                field: "层次".into(),
                                a,
                                b,
                            },
                        ));
                    }
                }
                None => problems.push(row.problem(
                    "level",
                    Severity::Warning,
                    "elig.plan_row",
                    EligMsg::BadLevel { value: l.into() },
                )),
            }
        }
        if let Some(s) = row.get("school") {
            for part in s.split([';', '；', ',', '，', '、']) {
                let p = crate::text::norm(part);
                if !p.is_empty() && !m.schools.contains(&p) {
                    m.schools.push(p);
                }
            }
        }
        macro_rules! num_field {
            ($key:literal, $zh:literal, $slot:expr, $conv:expr) => {
                if let Some(v) = row.get($key) {
                    match parse_num(v) {
                        Some(x) => {
                            if let Some((a, b)) = set_once($slot, $conv(x), $zh, &mut m.errors) {
                                problems.push(row.problem(
                                    $key,
                                    Severity::Error,
                                    "elig.plan_conflict",
                                    EligMsg::PlanConflict {
                                        major: major.to_string(),
                                        field: $zh.into(),
                                        a,
                                        b,
                                    },
                                ));
                            }
                        }
                        None => problems.push(row.problem(
                            $key,
                            Severity::Error,
                            "elig.plan_row",
                            EligMsg::BadNumber { value: v.into() },
                        )),
                    }
                }
            };
        }
        num_field!(
            "elective_min_credits",
            "选考最低学分",
            &mut m.el_credits,
            |x: f64| x
        );
        num_field!(
            "elective_min_count",
            "选考最低门数",
            &mut m.el_count,
            |x: f64| x.round() as u32
        );
        num_field!(
            "min_total_credits",
            "最低总学分",
            &mut m.min_total,
            |x: f64| x
        );
        num_field!("pass_mark", "及格线", &mut m.pass_mark, |x: f64| x);
        if let Some(v) = row.get("additional_min_count") {
            match parse_num(v) {
                Some(x) => {
                    let kind = row
                        .get("additional_type")
                        .map(crate::text::norm)
                        .unwrap_or_default();
                    let n = x.round() as u32;
                    match m.add_count.get(&kind) {
                        Some(&old) if old != n => {
                            let e = format!("加考最低门数 {kind}: {old} / {n}");
                            if !m.errors.contains(&e) {
                                m.errors.push(e);
                            }
                            problems.push(row.problem(
                                "additional_min_count",
                                Severity::Error,
                                "elig.plan_conflict",
                                EligMsg::PlanConflict {
                                    major: major.to_string(),
                                    field: "加考最低门数".into(),
                                    a: old.to_string(),
                                    b: n.to_string(),
                                },
                            ));
                        }
                        _ => {
                            m.add_count.insert(kind, n);
                        }
                    }
                }
                None => problems.push(row.problem(
                    "additional_min_count",
                    Severity::Error,
                    "elig.plan_row",
                    EligMsg::BadNumber { value: v.into() },
                )),
            }
        }
    }

    /// The course of one row, in its role (required group, elective,
    /// additional); a course listed twice in the same role is a warning.
    fn add_course(
        &mut self,
        row: &Row<'_>,
        id: u32,
        code: &str,
        category: Category,
        credits: f64,
        problems: &mut Vec<InputProblem>,
    ) {
        let m = self;
        let label = row.get("group").map(crate::text::norm).unwrap_or_default();
        let kind_label = if category == Category::Additional {
            row.get("additional_type")
                .map(crate::text::norm)
                .unwrap_or_default()
        } else {
            label.clone()
        };
        if m.roles
            .iter()
            .any(|(c, k, l)| *c == id && *k == category && *l == kind_label)
        {
            problems.push(row.problem(
                "course_code",
                Severity::Warning,
                "elig.plan_row",
                EligMsg::DuplicateCourse {
                    code: code.to_string(),
                },
            ));
            return;
        }
        m.roles.push((id, category, kind_label));
        // a course may have several roles (a 必考 group alternative that is also
        // a 选考 course...): it is described once and counted once by the audit
        match m.courses.get_mut(&id) {
            Some(old) => {
                if category == Category::Required
                    || (old.category == Category::Elective && category != Category::Elective)
                {
                    old.category = category;
                }
            }
            None => {
                m.courses.insert(
                    id,
                    Course {
                        name: row
                            .get("course_name")
                            .map(crate::text::norm)
                            .unwrap_or_default(),
                        credits,
                        category,
                    },
                );
            }
        }
        match category {
            Category::Required | Category::Practice | Category::Thesis => {
                let label = Some(label).filter(|s| !s.is_empty());
                match label {
                    Some(l) => {
                        if let Some(g) = m
                            .groups
                            .iter_mut()
                            .find(|g| g.0 == l && g.1.is_practical() == category.is_practical())
                        {
                            g.2.push(id);
                        } else {
                            m.groups.push((l, category, vec![id]));
                        }
                    }
                    None => m.groups.push((String::new(), category, vec![id])),
                }
            }
            Category::Additional => {
                let k = row
                    .get("additional_type")
                    .map(crate::text::norm)
                    .unwrap_or_default();
                m.additional.push((id, k));
            }
            Category::Elective => m.electives.push(id),
        }
    }
}

impl FlatBuilder {
    /// Takes one row of the flat plan table; returns the problems found.
    pub fn row(&mut self, row: &Row<'_>, problems: &mut Vec<InputProblem>) {
        let Some((major, code, category, credits)) = row_keys(row, problems) else {
            return;
        };
        let idx = match self.index.get(&major) {
            Some(&i) => i,
            None => {
                self.majors.push((major.clone(), FlatMajor::default()));
                self.index.insert(major.clone(), self.majors.len() - 1);
                self.majors.len() - 1
            }
        };
        let id = self.courses.intern(&code);
        let m = &mut self.majors[idx].1;
        m.major_fields(row, &major, problems);
        m.add_course(row, id, &code, category, credits, problems);
    }

    /// The plans, in first-seen order.
    pub fn finish(self) -> Plans {
        let mut out = Plans {
            courses: self.courses,
            ..Default::default()
        };
        for (code, m) in self.majors {
            let required = m
                .groups
                .into_iter()
                .map(|(l, c, ids)| Requirement {
                    label: (!l.is_empty()).then_some(l),
                    any_of: ids,
                    category: c,
                })
                .collect();
            let electives = ElectiveRule {
                courses: m.electives.clone(),
                min_credits: m.el_credits,
                min_count: m.el_count,
            };
            let mut additional: Vec<AdditionalRule> = Vec::new();
            for (id, k) in &m.additional {
                let id = *id;
                match additional.iter_mut().find(|a| &a.kind == k) {
                    Some(a) => a.courses.push(id),
                    None => additional.push(AdditionalRule {
                        kind: k.clone(),
                        courses: vec![id],
                        min_count: None,
                        min_credits: None,
                    }),
                }
            }
            for a in &mut additional {
                a.min_count = m
                    .add_count
                    .get(&a.kind)
                    .or_else(|| m.add_count.get(""))
                    .copied();
            }
            let v = Variant {
                label: None,
                required,
                electives,
                additional,
                min_total_credits: m.min_total,
            };
            out.by_major.insert(code.clone(), out.plans.len());
            out.plans.push(Plan {
                major_code: code,
                major_name: m.name,
                level: m.level,
                schools: m.schools,
                pass_mark: m.pass_mark,
                courses: m.courses,
                variants: vec![v],
                errors: m.errors,
            });
        }
        out
    }
}

fn set_once_level(
    slot: &mut Option<ProgramLevel>,
    v: ProgramLevel,
    errors: &mut Vec<String>,
) -> Option<(String, String)> {
    match slot {
        None => {
            *slot = Some(v);
            None
        }
        Some(old) if *old == v => None,
        Some(old) => {
            let m = format!("层次: {} / {}", old.zh(), v.zh());
            if !errors.contains(&m) {
                errors.push(m);
            }
            Some((old.zh().into(), v.zh().into()))
        }
    }
}

// ---------------------------------------------------------------- JSON form

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JPlan {
    major_code: String,
    #[serde(default)]
    major_name: String,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    schools: Vec<String>,
    #[serde(default)]
    pass_mark: Option<f64>,
    courses: Vec<JCourse>,
    #[serde(default)]
    required: Vec<JReq>,
    #[serde(default)]
    practice: Vec<JReq>,
    #[serde(default)]
    thesis: Vec<JReq>,
    #[serde(default)]
    electives: Option<JElective>,
    #[serde(default)]
    additional: Vec<JAdditional>,
    #[serde(default)]
    min_total_credits: Option<f64>,
    #[serde(default)]
    tracks: Vec<JTrack>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JCourse {
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credits: f64,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JReq {
    One(String),
    Any {
        any_of: Vec<String>,
        #[serde(default)]
        label: Option<String>,
    },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JElective {
    #[serde(default)]
    courses: Vec<String>,
    #[serde(default)]
    min_credits: Option<f64>,
    #[serde(default)]
    min_count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JAdditional {
    #[serde(rename = "type")]
    kind: String,
    courses: Vec<String>,
    #[serde(default)]
    min_count: Option<u32>,
    #[serde(default)]
    min_credits: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JTrack {
    label: String,
    #[serde(default)]
    required: Vec<JReq>,
    #[serde(default)]
    practice: Vec<JReq>,
    #[serde(default)]
    thesis: Vec<JReq>,
    #[serde(default)]
    electives: Option<JElective>,
    #[serde(default)]
    additional: Option<Vec<JAdditional>>,
    #[serde(default)]
    min_total_credits: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JFile {
    Wrapped { plans: Vec<JPlan> },
    Many(Vec<JPlan>),
    One(Box<JPlan>),
}

/// Whether a JSON document is the structured plan form (objects with
/// `courses`), as opposed to the flat table given as JSON rows.
pub fn is_structured_json(text: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let first = match &v {
        serde_json::Value::Object(m) if m.contains_key("plans") => {
            m["plans"].as_array().and_then(|a| a.first()).cloned()
        }
        serde_json::Value::Array(a) => a.first().cloned(),
        o @ serde_json::Value::Object(_) => Some(o.clone()),
        _ => None,
    };
    first
        .and_then(|f| {
            f.as_object().map(|m| {
                m.contains_key("courses") || m.contains_key("required") || m.contains_key("tracks")
            })
        })
        .unwrap_or(false)
}

/// Parses the JSON plan form. A malformed file is an error naming it.
pub fn parse_json(text: &str, path: &Path) -> Result<Plans> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let file: JFile = serde_path_to_error::deserialize(de).map_err(|e| {
        Error::format(
            path,
            format!("JSON 培养计划格式错误，位置：{}", e.path()),
            format!("JSON plan: at {}: {}", e.path(), e.inner()),
        )
    })?;
    let list = match file {
        JFile::Wrapped { plans } | JFile::Many(plans) => plans,
        JFile::One(p) => vec![*p],
    };
    let mut out = Plans::default();
    for jp in list {
        let code = crate::text::norm(&jp.major_code);
        if out.by_major.contains_key(&code) {
            return Err(Error::format(
                path,
                format!("JSON 培养计划：专业 {code} 出现了两次"),
                format!("JSON plan: major {code} given twice"),
            ));
        }
        let plan = build_json(jp, &mut out.courses).map_err(|m| {
            Error::format(
                path,
                format!("JSON 培养计划（专业 {code}）：{}", m.zh),
                format!("JSON plan {code}: {}", m.en),
            )
        })?;
        out.by_major.insert(code, out.plans.len());
        out.plans.push(plan);
    }
    Ok(out)
}

fn build_json(jp: JPlan, interner: &mut Interner) -> std::result::Result<Plan, Detail> {
    let courses = json_courses(&jp.courses, interner)?;
    let level =
        match &jp.level {
            None => None,
            Some(l) => Some(ProgramLevel::parse(l).ok_or_else(|| {
                Detail::new(format!("层次 `{l}` 无法识别"), format!("level `{l}`"))
            })?),
        };
    if let Some(p) = jp.pass_mark {
        if !(p.is_finite() && (0.0..=100.0).contains(&p)) {
            return Err(Detail::new(
                format!("pass_mark {p} 不在 0 到 100 之间"),
                format!("pass_mark {p}"),
            ));
        }
    }
    let mut roles = JsonRoles { interner, courses };
    let mut base_required = Vec::new();
    roles.requirements(&jp.required, Category::Required, &mut base_required)?;
    roles.requirements(&jp.practice, Category::Practice, &mut base_required)?;
    roles.requirements(&jp.thesis, Category::Thesis, &mut base_required)?;
    let base = Variant {
        label: None,
        required: base_required,
        electives: match &jp.electives {
            Some(e) => roles.electives(e)?,
            None => ElectiveRule::default(),
        },
        additional: roles.additional(&jp.additional)?,
        min_total_credits: jp.min_total_credits.filter(|c| c.is_finite()),
    };
    let mut variants = Vec::new();
    for track in &jp.tracks {
        variants.push(roles.track(&base, track)?);
    }
    if variants.is_empty() {
        variants.push(base);
    }
    Ok(Plan {
        major_code: crate::text::norm(&jp.major_code),
        major_name: crate::text::norm(&jp.major_name),
        level,
        schools: jp
            .schools
            .iter()
            .map(|s| crate::text::norm(s))
            .filter(|s| !s.is_empty())
            .collect(),
        pass_mark: jp.pass_mark,
        courses: roles.courses,
        variants,
        errors: Vec::new(),
    })
}

/// The `courses` list of a JSON plan (each an elective until a rule gives
/// it a stronger role).
fn json_courses(
    list: &[JCourse],
    interner: &mut Interner,
) -> std::result::Result<CourseMap, Detail> {
    let mut courses = CourseMap::default();
    for c in list {
        if !(c.credits.is_finite() && c.credits >= 0.0) {
            return Err(Detail::new(
                format!("课程 {} 的学分 {} 无效", c.code, c.credits),
                format!("course {}: credits {}", c.code, c.credits),
            ));
        }
        let id = interner.intern(&norm_code(&c.code));
        let course = Course {
            name: crate::text::norm(&c.name),
            credits: c.credits,
            category: Category::Elective,
        };
        if courses.insert(id, course).is_some() {
            return Err(Detail::new(
                format!("课程 {} 列出了两次", c.code),
                format!("course {} listed twice", c.code),
            ));
        }
    }
    Ok(courses)
}

/// The rules of a JSON plan, resolved against its `courses` list.
struct JsonRoles<'a> {
    interner: &'a Interner,
    courses: CourseMap,
}

impl JsonRoles<'_> {
    /// The id of a course of the `courses` list, given the role `category`
    /// (the strongest role wins for display: required > practice/thesis >
    /// additional > elective).
    fn course(
        &mut self,
        code: &str,
        category: Option<Category>,
    ) -> std::result::Result<u32, Detail> {
        let id = self
            .interner
            .get(&norm_code(code))
            .filter(|i| self.courses.contains_key(i))
            .ok_or_else(|| {
                Detail::new(
                    format!("课程 {code} 不在 `courses` 中"),
                    format!("course {code} is not in `courses`"),
                )
            })?;
        if let Some(category) = category {
            let e = self.courses.get_mut(&id).expect("checked");
            if e.category == Category::Elective || category == Category::Required {
                e.category = category;
            }
        }
        Ok(id)
    }

    fn requirements(
        &mut self,
        list: &[JReq],
        category: Category,
        out: &mut Vec<Requirement>,
    ) -> std::result::Result<(), Detail> {
        for r in list {
            let (label, any_of) = match r {
                JReq::One(c) => (None, vec![self.course(c, Some(category))?]),
                JReq::Any { any_of, label } => {
                    if any_of.is_empty() {
                        return Err(Detail::new("any_of 为空", "empty any_of"));
                    }
                    let ids = any_of
                        .iter()
                        .map(|c| self.course(c, Some(category)))
                        .collect::<std::result::Result<Vec<_>, _>>()?;
                    (label.clone(), ids)
                }
            };
            out.push(Requirement {
                label,
                any_of,
                category,
            });
        }
        Ok(())
    }

    fn electives(&mut self, e: &JElective) -> std::result::Result<ElectiveRule, Detail> {
        if let Some(c) = e.min_credits {
            if !(c.is_finite() && c >= 0.0) {
                return Err(Detail::new(
                    format!("min_credits {c} 无效"),
                    format!("min_credits {c}"),
                ));
            }
        }
        Ok(ElectiveRule {
            courses: e
                .courses
                .iter()
                .map(|c| self.course(c, None))
                .collect::<std::result::Result<_, _>>()?,
            min_credits: e.min_credits,
            min_count: e.min_count,
        })
    }

    fn additional(
        &mut self,
        list: &[JAdditional],
    ) -> std::result::Result<Vec<AdditionalRule>, Detail> {
        list.iter()
            .map(|a| {
                Ok(AdditionalRule {
                    kind: crate::text::norm(&a.kind),
                    courses: a
                        .courses
                        .iter()
                        .map(|c| self.course(c, Some(Category::Additional)))
                        .collect::<std::result::Result<_, Detail>>()?,
                    min_count: a.min_count,
                    min_credits: a.min_credits.filter(|c| c.is_finite()),
                })
            })
            .collect()
    }

    /// A track (方向): the base rules plus the track's own; its electives,
    /// additional courses and total replace the base's when given.
    fn track(&mut self, base: &Variant, t: &JTrack) -> std::result::Result<Variant, Detail> {
        let mut v = base.clone();
        v.label = Some(t.label.clone());
        self.requirements(&t.required, Category::Required, &mut v.required)?;
        self.requirements(&t.practice, Category::Practice, &mut v.required)?;
        self.requirements(&t.thesis, Category::Thesis, &mut v.required)?;
        if let Some(e) = &t.electives {
            let mut r = self.electives(e)?;
            if r.courses.is_empty() {
                r.courses = base.electives.courses.clone();
            }
            v.electives = r;
        }
        if let Some(a) = &t.additional {
            v.additional = self.additional(a)?;
        }
        if let Some(m) = t.min_total_credits {
            v.min_total_credits = Some(m);
        }
        Ok(v)
    }
}

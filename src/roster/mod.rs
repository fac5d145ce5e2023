//! Rosters (roster.md): what offices print and hand over after the audit
//! (004_… 附件1 steps 5-7; 001_… 附件1).
//!
//! Three kinds, each a library function returning a [`Roster`]:
//! - [`graduates`] (花名册): the eligible candidates grouped by main exam
//!   school, then major;
//! - [`exemptions`] (免试申请汇总表): approved exemptions grouped by main
//!   exam school, each school's table marked for its three copies;
//! - [`reception`] (毕业初审安排): candidates grouped by the office where
//!   they hand in their materials, with that office's schedule.
//!
//! A [`Roster`] is data: [`Roster::to_report`] gives the common report
//! (json/csv/table through the generic renderers), [`Roster::to_xlsx`] and
//! [`Roster::to_html`] give the printable forms. Identity numbers are
//! masked ([`crate::idno::mask`]) unless [`Options::unmask`].

mod exemptions;
mod graduates;
mod html;
pub mod input;
mod msg;
pub mod photos;
pub mod policy;
mod reception;
mod xlsx;

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

pub use exemptions::build_exemptions;
pub use graduates::build_graduates;
pub use input::{Candidate, EligEntry, Eligibility, Exemption, Exemptions};
pub use msg::RosterMsg;
pub use reception::build_reception;

use crate::date::Batch;
use crate::finding::{InputProblem, Item, Report, Severity};
use crate::msg::Lang;
use crate::policy::Policy;
use crate::table::unmatched;
use crate::table::ReadOptions;
use crate::text::count_en;
use crate::{Error, Result};

/// The kind of roster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 花名册.
    Graduates,
    /// 免试申请汇总表.
    Exemptions,
    /// 毕业初审安排.
    Reception,
}

impl Kind {
    /// `graduates`, `exemptions`, `reception`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Graduates => "graduates",
            Kind::Exemptions => "exemptions",
            Kind::Reception => "reception",
        }
    }

    /// The report's `command`.
    pub fn command(self) -> &'static str {
        match self {
            Kind::Graduates => "roster graduates",
            Kind::Exemptions => "roster exemptions",
            Kind::Reception => "roster reception",
        }
    }

    /// The printed name of the document.
    pub fn doc_title(self, lang: Lang) -> &'static str {
        match self {
            Kind::Graduates => lang.pick("自学考试毕业生花名册", "Graduates roster"),
            Kind::Exemptions => lang.pick("免试申请汇总表", "Exemption summary"),
            Kind::Reception => lang.pick("毕业初审名单", "Preliminary review list"),
        }
    }

    /// The group word (主考学校 / 办理地点).
    pub fn group_label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Graduates | Kind::Exemptions => lang.pick("主考学校", "Main exam school"),
            Kind::Reception => lang.pick("办理地点", "Office"),
        }
    }
}

/// A printed column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The key in JSON/CSV (`exam_no`).
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// A number, not text (only the row number 序号).
    pub numeric: bool,
}

impl Column {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

const fn c(key: &'static str, zh: &'static str, en: &'static str) -> Column {
    Column {
        key,
        zh,
        en,
        numeric: false,
    }
}

const NO: Column = Column {
    key: "no",
    zh: "序号",
    en: "No.",
    numeric: true,
};

/// Columns of the graduates roster (roster.md).
pub static GRADUATES_COLUMNS: &[Column] = &[
    NO,
    c("exam_no", "准考证号", "Exam no."),
    c("name", "姓名", "Name"),
    c("gender", "性别", "Gender"),
    c("id_no", "证件号码", "ID number"),
    c("major_code", "专业代码", "Major code"),
    c("major_name", "专业名称", "Major"),
    c("level", "层次", "Level"),
];

/// Columns of the graduates roster with the photo status (`--photos`).
pub static GRADUATES_PHOTO_COLUMNS: &[Column] = &[
    NO,
    c("exam_no", "准考证号", "Exam no."),
    c("name", "姓名", "Name"),
    c("gender", "性别", "Gender"),
    c("id_no", "证件号码", "ID number"),
    c("major_code", "专业代码", "Major code"),
    c("major_name", "专业名称", "Major"),
    c("level", "层次", "Level"),
    c("photo", "照片", "Photo"),
];

/// Columns of the exemption summary.
pub static EXEMPTIONS_COLUMNS: &[Column] = &[
    NO,
    c("exam_no", "准考证号", "Exam no."),
    c("name", "姓名", "Name"),
    c("id_no", "证件号码", "ID number"),
    c("major_code", "专业代码", "Major code"),
    c("major_name", "专业名称", "Major"),
    c("course_code", "课程代码", "Course code"),
    c("course_name", "课程名称", "Course"),
    c("certificate", "免考依据", "Certificate"),
    c("approved_date", "审核日期", "Approved"),
];

/// Columns of the reception list.
pub static RECEPTION_COLUMNS: &[Column] = &[
    NO,
    c("exam_no", "准考证号", "Exam no."),
    c("name", "姓名", "Name"),
    c("gender", "性别", "Gender"),
    c("id_no", "证件号码", "ID number"),
    c("major_code", "专业代码", "Major code"),
    c("major_name", "专业名称", "Major"),
    c("phone", "联系电话", "Phone"),
];

/// The printed column of `key` in any roster.
pub fn column(key: &str) -> Option<&'static Column> {
    [
        GRADUATES_PHOTO_COLUMNS,
        EXEMPTIONS_COLUMNS,
        RECEPTION_COLUMNS,
    ]
    .into_iter()
    .flatten()
    .find(|c| c.key == key)
}

/// A line of information printed under a group's heading (an office's
/// dates, address, phones, hours).
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    /// Key in JSON.
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// Values as printed (several dates, several phones).
    pub values: Vec<String>,
}

impl Info {
    /// The printed label.
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }

    /// The values joined for print.
    pub fn text(&self, lang: Lang) -> String {
        self.values.join(lang.pick("、", ", "))
    }
}

/// A part of a group with its own subtotal (a major within a school).
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Keys in JSON (`major_code`, `major_name`, `level`); empty when the
    /// group is not divided.
    pub keys: Vec<(&'static str, String)>,
    /// Rows, cells aligned with [`Roster::columns`] (the first is 序号).
    pub rows: Vec<Vec<String>>,
}

impl Section {
    /// The printed heading of the section ("C050207 汉语言文学（本科）").
    pub fn label(&self, lang: Lang) -> Option<String> {
        if self.keys.is_empty() {
            return None;
        }
        let get = |k: &str| {
            self.keys
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let mut s = format!("{} {}", get("major_code"), get("major_name"))
            .trim()
            .to_string();
        let level = get("level");
        if !level.is_empty() {
            s.push_str(&match lang {
                Lang::Zh => format!("（{level}）"),
                Lang::En => format!(" ({level})"),
            });
        }
        Some(s)
    }
}

/// One group: a school's or an office's table.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Keys in JSON (`school`; `office`).
    pub keys: Vec<(&'static str, String)>,
    /// The name printed in the heading.
    pub name: String,
    pub info: Vec<Info>,
    pub sections: Vec<Section>,
}

impl Group {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.sections.iter().map(|s| s.rows.len()).sum()
    }

    /// Number of distinct candidates (admission numbers).
    pub fn candidates(&self, columns: &[Column]) -> usize {
        let Some(i) = columns.iter().position(|c| c.key == "exam_no") else {
            return 0;
        };
        let mut v: Vec<&str> = self
            .sections
            .iter()
            .flat_map(|s| s.rows.iter().map(move |r| r[i].as_str()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    }
}

/// The three copies of an exemption summary (004_… 三：“免试申请表由我院、
/// 主考院校和市考试机构分别留存”).
pub const EXEMPTION_COPIES: [(&str, &str); 3] = [
    (
        "省考试院留存",
        "Copy for the provincial examination authority",
    ),
    ("主考院校留存", "Copy for the main exam school"),
    ("市考试机构留存", "Copy for the city examination office"),
];

/// A built roster.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    pub kind: Kind,
    /// A title given by the user (replaces the document's default name).
    pub title: Option<String>,
    pub batch: Option<Batch>,
    pub columns: &'static [Column],
    /// The printed groups, in order (only groups with rows).
    pub groups: Vec<Group>,
    /// Candidates left off, with their `roster.*` finding (verdict `error`).
    pub excluded: Vec<Item>,
    pub input_errors: Vec<InputProblem>,
    /// Whether identity numbers are masked.
    pub masked: bool,
    /// Further summary counts of the kind (exemptions not yet approved...).
    pub counts: Vec<(&'static str, Value)>,
}

/// Where the inputs are.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The candidates table (data.md "candidates").
    pub candidates: PathBuf,
    /// The JSON result of `zikao eligibility` (graduates). Without it the
    /// candidates table is taken as the list of graduates as it is.
    pub eligibility: Option<PathBuf>,
    /// The scores table (exemptions).
    pub scores: Option<PathBuf>,
    /// An offices table (reception); replaces the policy's schedule.
    pub offices: Option<PathBuf>,
    /// The JSON report of `zikao photo check DIR --candidates LIST`
    /// (graduates): adds the 照片 column.
    pub photos: Option<PathBuf>,
    /// How to read the candidates table (`--encoding`, `--sheet`); the other
    /// tables are read with the same encoding and their first sheet.
    pub read: ReadOptions,
}

/// Options of every roster.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Print identity numbers in full (`--unmask`).
    pub unmask: bool,
    /// The batch, printed in titles.
    pub batch: Option<Batch>,
    /// A title replacing the document's default name.
    pub title: Option<String>,
    /// Exemptions: list only those approved on or after this date.
    pub approved_from: Option<NaiveDate>,
    /// Exemptions: list only those approved on or before this date.
    pub approved_to: Option<NaiveDate>,
    /// Graduates: the photo statuses (照片 column), from
    /// [`photos::Photos::read`].
    pub photos: Option<photos::Photos>,
}

fn secondary(read: &ReadOptions) -> ReadOptions {
    ReadOptions {
        encoding: read.encoding,
        sheet: None,
        columns: None,
    }
}

/// The graduates roster (花名册): eligible candidates by main exam school,
/// then major. A candidate whose verdict is not `eligible` (or who is
/// absent from the eligibility result) is left off and listed as
/// `roster.not_eligible`.
pub fn graduates(inputs: &Inputs, opts: &Options) -> Result<Roster> {
    let (cands, mut problems) = input::read_candidates(&inputs.candidates, &inputs.read)?;
    let elig = inputs
        .eligibility
        .as_deref()
        .map(input::read_eligibility)
        .transpose()?;
    let with_photos;
    let opts = match &inputs.photos {
        Some(p) => {
            with_photos = Options {
                photos: Some(photos::Photos::read(p)?),
                ..opts.clone()
            };
            &with_photos
        }
        None => opts,
    };
    let mut r = build_graduates(&cands, elig.as_ref(), opts);
    problems.append(&mut r.input_errors);
    if let (Some(e), Some(path)) = (&elig, &inputs.eligibility) {
        // candidates absent from the audit are each an error already; say
        // why when it is lost leading zeros
        let audited: HashSet<&str> = e.entries.iter().map(|en| en.exam_no.as_str()).collect();
        let absent: Vec<&str> = cands
            .iter()
            .map(|c| c.exam_no.as_str())
            .filter(|n| !audited.contains(n))
            .collect();
        problems.extend(
            unmatched::report(&inputs.candidates, "准考证号", path, audited, &absent)
                .filter(|p| p.severity == Severity::Error),
        );
    }
    r.input_errors = problems;
    Ok(r)
}

/// The exemption summary (免试申请汇总表): approved exemptions of the
/// candidates, by main exam school.
pub fn exemptions(inputs: &Inputs, opts: &Options) -> Result<Roster> {
    let scores = inputs.scores.as_deref().ok_or_else(|| {
        Error::Usage(
            "roster exemptions needs the scores table (--scores FILE) / 免试申请汇总表需要成绩表（--scores FILE）"
                .into(),
        )
    })?;
    let (cands, mut problems) = input::read_candidates(&inputs.candidates, &inputs.read)?;
    let ex = input::read_exemptions(scores, &secondary(&inputs.read))?;
    let mut r = build_exemptions(&cands, &ex, opts);
    problems.append(&mut r.input_errors);
    let listed: HashSet<&str> = cands.iter().map(|c| c.exam_no.as_str()).collect();
    let outside: Vec<&str> = ex
        .approved
        .iter()
        .map(|e| e.exam_no.as_str())
        .filter(|n| !listed.contains(n))
        .collect();
    problems.extend(unmatched::report(
        scores,
        "准考证号",
        &inputs.candidates,
        listed,
        &outside,
    ));
    r.input_errors = problems;
    Ok(r)
}

/// The reception list (毕业初审安排): candidates by office, with each
/// office's schedule, from `--offices FILE` or the policy's built-in table.
pub fn reception(inputs: &Inputs, policy: &Policy, opts: &Options) -> Result<Roster> {
    let (schedule, mut problems) = match &inputs.offices {
        Some(p) => input::read_offices(p, &secondary(&inputs.read), &policy.reception)?,
        None if policy.reception.has_offices() => (policy.reception.clone(), Vec::new()),
        None => {
            return Err(Error::usage(
                format!(
                    "政策「{}」没有内置的毕业初审安排表，请用 --schedule FILE（即 --offices FILE）给出本批次的办理地点安排表（列：地区, 日期, 办理地点及要求, 联系电话, 办公时间）",
                    policy.name
                ),
                format!(
                    "policy `{}` has no built-in reception schedule: give this batch's offices table with --schedule FILE (also --offices FILE; columns 地区, 日期, 办理地点及要求, 联系电话, 办公时间)",
                    policy.name
                ),
            ))
        }
    };
    let (cands, mut cp) = input::read_candidates(&inputs.candidates, &inputs.read)?;
    problems.append(&mut cp);
    let mut r = build_reception(&cands, &schedule, opts);
    problems.append(&mut r.input_errors);
    r.input_errors = problems;
    Ok(r)
}

/// The identity number as printed.
pub(crate) fn shown_id(id: &str, opts: &Options) -> String {
    if opts.unmask {
        id.to_string()
    } else {
        crate::idno::mask(id)
    }
}

impl Roster {
    pub(crate) fn new(kind: Kind, columns: &'static [Column], opts: &Options) -> Roster {
        Roster {
            kind,
            title: opts.title.clone(),
            batch: opts.batch,
            columns,
            groups: Vec::new(),
            excluded: Vec::new(),
            input_errors: Vec::new(),
            masked: !opts.unmask,
            counts: Vec::new(),
        }
    }

    /// Rows over all groups.
    pub fn total(&self) -> usize {
        self.groups.iter().map(Group::rows).sum()
    }

    /// Whether every candidate could be listed and no input row had to be
    /// skipped (exit status 0).
    pub fn all_ok(&self) -> bool {
        self.to_report(Lang::Zh).all_ok()
    }

    /// The document's name: the user's title, else the batch and the
    /// kind's name.
    pub fn doc_title(&self, lang: Lang) -> String {
        if let Some(t) = &self.title {
            return t.clone();
        }
        let name = self.kind.doc_title(lang);
        match (self.batch, lang) {
            (Some(b), Lang::Zh) => format!("{}年{}月{name}", b.year, b.month),
            (Some(b), Lang::En) => format!("{name}, {b}"),
            (None, _) => name.to_string(),
        }
    }

    /// The heading of a group's table.
    pub fn group_title(&self, g: &Group, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{} {}", g.name, self.doc_title(lang)),
            Lang::En => format!("{} — {}", self.doc_title(lang), g.name),
        }
    }

    /// A note printed under titles: masking.
    pub fn mask_note(&self, lang: Lang) -> Option<&'static str> {
        self.masked.then(|| {
            lang.pick(
                "证件号码仅显示前6位和后4位",
                "ID numbers show only their first 6 and last 4 characters",
            )
        })
    }

    /// The totals line of a group.
    pub fn group_total_text(&self, g: &Group, lang: Lang) -> String {
        match (self.kind, lang) {
            (Kind::Exemptions, Lang::Zh) => format!(
                "合计：{} 人，{} 门课程",
                g.candidates(self.columns),
                g.rows()
            ),
            (Kind::Exemptions, Lang::En) => format!(
                "Total: {}, {}",
                count_en(g.candidates(self.columns), "candidate", "candidates"),
                count_en(g.rows(), "course", "courses")
            ),
            (_, Lang::Zh) => format!("合计：{} 人", g.rows()),
            (_, Lang::En) => format!("Total: {}", g.rows()),
        }
    }

    /// The subtotal line of a section.
    pub fn section_total_text(&self, s: &Section, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("小计：{} 人", s.rows.len()),
            Lang::En => format!("Subtotal: {}", s.rows.len()),
        }
    }

    /// The overall totals line.
    pub fn overall_total_text(&self, lang: Lang) -> String {
        let groups = self.groups.len();
        match (self.kind, lang) {
            (Kind::Exemptions, Lang::Zh) => format!(
                "总计：{groups} 个主考学校，{} 人，{} 门课程",
                self.groups
                    .iter()
                    .map(|g| g.candidates(self.columns))
                    .sum::<usize>(),
                self.total()
            ),
            (Kind::Exemptions, Lang::En) => format!(
                "Overall: {}, {}, {}",
                count_en(groups, "school", "schools"),
                count_en(
                    self.groups
                        .iter()
                        .map(|g| g.candidates(self.columns))
                        .sum::<usize>(),
                    "candidate",
                    "candidates"
                ),
                count_en(self.total(), "course", "courses")
            ),
            (Kind::Graduates, Lang::Zh) => {
                format!("总计：{groups} 个主考学校，{} 人", self.total()) + &self.photo_total(lang)
            }
            (Kind::Reception, Lang::Zh) => {
                format!("总计：{groups} 个办理地点，{} 人", self.total())
            }
            (Kind::Graduates, Lang::En) => {
                format!(
                    "Overall: {}, {}",
                    count_en(groups, "school", "schools"),
                    count_en(self.total(), "candidate", "candidates")
                ) + &self.photo_total(lang)
            }
            (Kind::Reception, Lang::En) => {
                format!(
                    "Overall: {}, {}",
                    count_en(groups, "office", "offices"),
                    count_en(self.total(), "candidate", "candidates")
                )
            }
        }
    }

    /// "，其中无合格照片 N 人" when the roster has the 照片 column.
    fn photo_total(&self, lang: Lang) -> String {
        let n = self
            .counts
            .iter()
            .find(|(k, _)| *k == "without_compliant_photo")
            .and_then(|(_, v)| v.as_u64());
        match (n, lang) {
            (Some(n), Lang::Zh) => format!("，其中无合格照片 {n} 人"),
            (Some(n), Lang::En) => format!(", {n} without a compliant photo"),
            (None, _) => String::new(),
        }
    }

    /// The candidates left off as a printable table: their keys, the
    /// finding codes and the reasons, with headers in the user's language.
    pub(crate) fn excluded_table(&self, lang: Lang) -> crate::render::Table {
        use crate::render::{value_cell, Cell, Table};
        let mut keys: Vec<&'static str> = Vec::new();
        for it in &self.excluded {
            for (k, _) in &it.keys {
                if !keys.contains(k) {
                    keys.push(k);
                }
            }
        }
        let label = |k: &str| -> String {
            match k {
                "school" => lang.pick("主考学校", "Main exam school"),
                "major_code" => lang.pick("专业代码", "Major code"),
                "exam_no" => lang.pick("准考证号", "Exam no."),
                "name" => lang.pick("姓名", "Name"),
                "office" => lang.pick("所填办理地点", "Office given"),
                other => other,
            }
            .to_string()
        };
        let mut header: Vec<String> = keys.iter().map(|k| label(k)).collect();
        header.push(lang.pick("代码", "Code").into());
        header.push(lang.pick("原因", "Reason").into());
        let rows = self
            .excluded
            .iter()
            .map(|it| {
                let mut row: Vec<Cell> = keys
                    .iter()
                    .map(|k| {
                        it.keys
                            .iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, v)| value_cell(v))
                            .unwrap_or(Cell::Empty)
                    })
                    .collect();
                let codes: Vec<&str> = it.findings.iter().map(|f| f.code).collect();
                row.push(Cell::Text(codes.join(";")));
                row.push(Cell::Text(
                    it.findings
                        .iter()
                        .map(|f| f.message.render(lang))
                        .collect::<Vec<_>>()
                        .join(lang.pick("；", "; ")),
                ));
                row
            })
            .collect();
        Table { header, rows }
    }

    fn group_summary(&self, g: &Group) -> Value {
        let mut m = Map::new();
        for (k, v) in &g.keys {
            m.insert((*k).into(), Value::from(v.as_str()));
        }
        for i in &g.info {
            let v = if i.key == "dates" || i.key == "phones" {
                json!(i.values)
            } else {
                Value::from(i.values.join(" "))
            };
            m.insert(i.key.into(), v);
        }
        m.insert("count".into(), Value::from(g.rows()));
        if self.kind == Kind::Exemptions {
            m.insert("candidates".into(), Value::from(g.candidates(self.columns)));
        }
        if g.sections.iter().any(|s| !s.keys.is_empty()) {
            let secs: Vec<Value> = g
                .sections
                .iter()
                .map(|s| {
                    let mut sm = Map::new();
                    for (k, v) in &s.keys {
                        sm.insert((*k).into(), Value::from(v.as_str()));
                    }
                    sm.insert("count".into(), Value::from(s.rows.len()));
                    Value::Object(sm)
                })
                .collect();
            m.insert("sections".into(), Value::Array(secs));
        }
        Value::Object(m)
    }

    /// The common report: one item per printed row (group keys, section
    /// keys, row fields; verdict `listed`), then the candidates left off
    /// (verdict `error`, with their `roster.*` finding). The summary adds
    /// the kind, `listed` (overall total), `excluded`, `id_masked` and the
    /// counts per group.
    pub fn to_report(&self, _lang: Lang) -> Report {
        let mut rep = Report::new(self.kind.command());
        for g in &self.groups {
            for s in &g.sections {
                for row in &s.rows {
                    let mut it = Item::new("listed", true);
                    for (k, v) in g.keys.iter().chain(s.keys.iter()) {
                        it = it.key(k, v.as_str());
                    }
                    for (col, cell) in self.columns.iter().zip(row) {
                        if s.keys.iter().any(|(k, _)| *k == col.key) {
                            continue;
                        }
                        let v = if col.numeric {
                            cell.parse::<u64>()
                                .map(Value::from)
                                .unwrap_or_else(|_| Value::from(cell.as_str()))
                        } else {
                            Value::from(cell.as_str())
                        };
                        it = it.key(col.key, v);
                    }
                    rep.results.push(it);
                }
            }
        }
        rep.results.extend(self.excluded.iter().cloned());
        rep.input_errors = self.input_errors.clone();
        rep.summary_extra
            .push(("kind", Value::from(self.kind.as_str())));
        rep.summary_extra
            .push(("listed", Value::from(self.total())));
        rep.summary_extra
            .push(("excluded", Value::from(self.excluded.len())));
        rep.summary_extra
            .push(("id_masked", Value::from(self.masked)));
        rep.summary_extra.push((
            "groups",
            Value::Array(self.groups.iter().map(|g| self.group_summary(g)).collect()),
        ));
        for (k, v) in &self.counts {
            rep.summary_extra.push((k, v.clone()));
        }
        rep
    }

    /// The roster as an Excel workbook: one sheet per group (title row,
    /// header row repeated on every printed page, totals row, A4), then a
    /// summary sheet, the candidates left off and the input problems.
    pub fn to_xlsx(&self, lang: Lang) -> Result<Vec<u8>> {
        xlsx::write(self, lang)
    }

    /// The roster as one self-contained HTML page, ready to print on A4:
    /// one group per page, the header repeated on every page, page numbers.
    pub fn to_html(&self, lang: Lang) -> String {
        html::write(self, lang)
    }
}

#[cfg(test)]
mod tests;

//! One findings and report model for every command.
//!
//! A command returns a [`Report`]: one [`Item`] per thing it checked (a
//! photo, a candidate, a roster row), each with a verdict and its
//! [`Finding`]s. The binary renders the report (table/json/csv/xlsx/html);
//! the JSON shape is documented in docs/json.md:
//!
//! ```json
//! {"command": "...", "summary": {...}, "results": [{<keys>, "verdict": "...",
//!   "findings": [{"code", "severity", "message", "measured", "expected"}], ...}],
//!  "input_errors": [{"file", "row", "column", "severity", "code", "message"}]}
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::msg::{Lang, Msg};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information; never changes a verdict.
    Info,
    /// Worth a look; does not fail the item by itself.
    Warning,
    /// A rule is broken.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding: a stable machine `code` (never translated), a severity, a
/// message in the user's language, the measured value and what was expected.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: Msg,
    /// What was measured or found (number, text, list...); `null` when nothing.
    pub measured: Value,
    /// What the rule expects (a range, a value, a list...); `null` when nothing.
    pub expected: Value,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<Msg>) -> Self {
        Finding {
            code,
            severity,
            message: message.into(),
            measured: Value::Null,
            expected: Value::Null,
        }
    }
    pub fn error(code: &'static str, message: impl Into<Msg>) -> Self {
        Self::new(code, Severity::Error, message)
    }
    pub fn warning(code: &'static str, message: impl Into<Msg>) -> Self {
        Self::new(code, Severity::Warning, message)
    }
    pub fn info(code: &'static str, message: impl Into<Msg>) -> Self {
        Self::new(code, Severity::Info, message)
    }
    pub fn measured(mut self, v: impl Into<Value>) -> Self {
        self.measured = v.into();
        self
    }
    pub fn expected(mut self, v: impl Into<Value>) -> Self {
        self.expected = v.into();
        self
    }

    pub fn to_json(&self, lang: Lang) -> Value {
        json!({
            "code": self.code,
            "severity": self.severity,
            "message": self.message.render(lang),
            "measured": self.measured,
            "expected": self.expected,
        })
    }
}

/// One checked thing: a photo, a candidate, a roster row.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Identifying keys in output order (`path`; `exam_no`, `name`; ...).
    pub keys: Vec<(&'static str, Value)>,
    /// The verdict word (`pass`/`fail`, `eligible`/`ineligible`/`review`, ...).
    pub verdict: &'static str,
    /// Whether the verdict counts as "everything passed" for the exit status.
    pub ok: bool,
    pub findings: Vec<Finding>,
    /// Further language-independent data (measurements, missing courses,
    /// links...), emitted after `findings` in output order.
    pub extra: Vec<(&'static str, Value)>,
}

impl Item {
    pub fn new(verdict: &'static str, ok: bool) -> Self {
        Item {
            keys: Vec::new(),
            verdict,
            ok,
            findings: Vec::new(),
            extra: Vec::new(),
        }
    }
    pub fn key(mut self, k: &'static str, v: impl Into<Value>) -> Self {
        self.keys.push((k, v.into()));
        self
    }
    pub fn with_extra(mut self, k: &'static str, v: impl Into<Value>) -> Self {
        self.extra.push((k, v.into()));
        self
    }
    /// The value of a key or extra field.
    pub fn get(&self, k: &str) -> Option<&Value> {
        self.keys
            .iter()
            .chain(self.extra.iter())
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v)
    }
    pub fn has_code(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    pub fn to_json(&self, lang: Lang) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.keys {
            m.insert((*k).to_string(), v.clone());
        }
        m.insert("verdict".into(), Value::from(self.verdict));
        m.insert(
            "findings".into(),
            Value::Array(self.findings.iter().map(|f| f.to_json(lang)).collect()),
        );
        for (k, v) in &self.extra {
            m.insert((*k).to_string(), v.clone());
        }
        Value::Object(m)
    }
}

/// A problem with the input itself (a row that could not be read, a file
/// that is not an image...), reported with file, row and column. The rest of
/// the input is still processed.
#[derive(Clone, Debug, PartialEq)]
pub struct InputProblem {
    pub file: PathBuf,
    /// 1-based row number as a spreadsheet shows it (the header is row 1).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub severity: Severity,
    pub code: &'static str,
    pub message: Msg,
}

impl InputProblem {
    pub fn to_json(&self, lang: Lang) -> Value {
        json!({
            "file": self.file.display().to_string(),
            "row": self.row,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message.render(lang),
        })
    }

    /// "file, row 3, column 课程代码: message" in the user's language.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = self.file.display().to_string();
        if let Some(r) = self.row {
            match lang {
                Lang::Zh => s.push_str(&format!("，第 {r} 行")),
                Lang::En => s.push_str(&format!(", row {r}")),
            }
        }
        if let Some(c) = &self.column {
            match lang {
                Lang::Zh => s.push_str(&format!("，「{c}」列")),
                Lang::En => s.push_str(&format!(", column {c}")),
            }
        }
        match lang {
            Lang::Zh => s.push('：'),
            Lang::En => s.push_str(": "),
        }
        s.push_str(&self.message.render(lang));
        s
    }
}

/// What a command returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// `photo check`, `eligibility`, ...
    pub command: &'static str,
    pub results: Vec<Item>,
    pub input_errors: Vec<InputProblem>,
    /// Command-specific summary fields added to the generic counts
    /// (e.g. roster group totals).
    pub summary_extra: Vec<(&'static str, Value)>,
}

impl Report {
    pub fn new(command: &'static str) -> Self {
        Report {
            command,
            results: Vec::new(),
            input_errors: Vec::new(),
            summary_extra: Vec::new(),
        }
    }

    /// True when the command ran and every item passed and no input row
    /// had to be skipped.
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|i| i.ok)
            && !self
                .input_errors
                .iter()
                .any(|p| p.severity == Severity::Error)
    }

    /// Exit status per the spec: 0 everything passed, 1 something failed
    /// (an item, or an input row that could not be read). Status 2 (usage,
    /// unreadable input file) comes from errors, not reports.
    pub fn exit_code(&self) -> i32 {
        if self.all_ok() {
            0
        } else {
            1
        }
    }

    /// Counts: total items, items per verdict, items per finding code,
    /// input errors, plus the command's own fields.
    /// Items per verdict, and items per finding code (an item with two
    /// findings of one code counts once).
    pub fn counts(&self) -> (BTreeMap<&'static str, usize>, BTreeMap<&'static str, usize>) {
        let mut verdicts: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut codes: BTreeMap<&'static str, usize> = BTreeMap::new();
        for it in &self.results {
            *verdicts.entry(it.verdict).or_default() += 1;
            let mut seen: Vec<&str> = Vec::new();
            for f in &it.findings {
                if !seen.contains(&f.code) {
                    seen.push(f.code);
                    *codes.entry(f.code).or_default() += 1;
                }
            }
        }
        (verdicts, codes)
    }

    pub fn summary(&self) -> Value {
        let (verdicts, codes) = self.counts();
        let mut m = Map::new();
        m.insert("total".into(), Value::from(self.results.len()));
        m.insert("verdicts".into(), json!(verdicts));
        m.insert("findings".into(), json!(codes));
        m.insert("input_errors".into(), Value::from(self.input_errors.len()));
        for (k, v) in &self.summary_extra {
            m.insert((*k).to_string(), v.clone());
        }
        Value::Object(m)
    }

    pub fn to_json(&self, lang: Lang) -> Value {
        json!({
            "command": self.command,
            "summary": self.summary(),
            "results": self.results.iter().map(|i| i.to_json(lang)).collect::<Vec<_>>(),
            "input_errors": self.input_errors.iter().map(|p| p.to_json(lang)).collect::<Vec<_>>(),
        })
    }

    /// Writes exactly `serde_json::to_writer_pretty(w, &self.to_json(lang))`
    /// (same bytes) without building the JSON tree of the whole report:
    /// each result is converted and written one at a time, so a report of
    /// 200,000 candidates does not need a second copy of itself in memory.
    pub fn write_json_pretty<W: std::io::Write>(&self, lang: Lang, w: W) -> serde_json::Result<()> {
        use serde::ser::SerializeMap;
        struct Results<'a>(&'a [Item], Lang);
        impl Serialize for Results<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|i| i.to_json(self.1)))
            }
        }
        struct Problems<'a>(&'a [InputProblem], Lang);
        impl Serialize for Problems<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|p| p.to_json(self.1)))
            }
        }
        struct Whole<'a>(&'a Report, Lang);
        impl Serialize for Whole<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("command", &Value::from(self.0.command))?;
                m.serialize_entry("summary", &self.0.summary())?;
                m.serialize_entry("results", &Results(&self.0.results, self.1))?;
                m.serialize_entry("input_errors", &Problems(&self.0.input_errors, self.1))?;
                m.end()
            }
        }
        serde_json::to_writer_pretty(w, &Whole(self, lang))
    }
}

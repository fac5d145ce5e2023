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

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::hash::FastHash;
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

    /// The word a person reads: 错误/警告/提示, error/warning/info.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Info => lang.pick("提示", "info"),
            Severity::Warning => lang.pick("警告", "warning"),
            Severity::Error => lang.pick("错误", "error"),
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

/// A field value kept in a compact form of its own and turned into JSON
/// only when the item is rendered (e.g. the `missing` view of 200,000
/// audited candidates, which as JSON trees would need half a gigabyte).
pub trait LazyJson: std::fmt::Debug + Send + Sync {
    fn to_value(&self) -> Value;

    /// Appends the value as pretty JSON nested `level` deep (see
    /// [`pretty_at`]); the same bytes as the pretty form of
    /// [`LazyJson::to_value`], which an implementation may write without
    /// building the tree.
    fn write_json(&self, level: usize, out: &mut Vec<u8>) -> std::io::Result<()> {
        pretty_at(&self.to_value(), level, out)
    }

    /// The value as compact JSON text when it is an object or array (the
    /// text of a table cell), written without building the tree; `None`
    /// for an implementation that only has [`LazyJson::to_value`].
    fn compact_json(&self) -> Option<String> {
        None
    }
}

/// A shared [`LazyJson`] value; equal when their JSON is equal.
#[derive(Clone, Debug)]
pub struct Lazy(pub std::sync::Arc<dyn LazyJson>);

impl Lazy {
    pub fn new(v: impl LazyJson + 'static) -> Self {
        Lazy(std::sync::Arc::new(v))
    }
}

impl PartialEq for Lazy {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_value() == other.0.to_value()
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
    /// Further fields in compact form, emitted after `extra`.
    pub lazy: Vec<(&'static str, Lazy)>,
}

impl Item {
    pub fn new(verdict: &'static str, ok: bool) -> Self {
        Item {
            keys: Vec::new(),
            verdict,
            ok,
            findings: Vec::new(),
            extra: Vec::new(),
            lazy: Vec::new(),
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
    /// The value of a key, extra or lazy field, as JSON.
    pub fn value(&self, k: &str) -> Option<Value> {
        self.get(k).cloned().or_else(|| {
            self.lazy
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.0.to_value())
        })
    }
    /// Names of the fields after `findings` (extra, then lazy).
    pub fn extra_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.extra
            .iter()
            .map(|(k, _)| *k)
            .chain(self.lazy.iter().map(|(k, _)| *k))
    }
    /// The codes of the item's findings, each once, in finding order.
    pub fn codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        let f = &self.findings;
        (0..f.len())
            .filter(move |&i| !f[..i].iter().any(|g| g.code == f[i].code))
            .map(move |i| f[i].code)
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
        for (k, v) in &self.lazy {
            m.insert((*k).to_string(), v.0.to_value());
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

    /// Items per verdict, and items per finding code (an item with two
    /// findings of one code counts once). One pass: a province's 200,000
    /// items take a few milliseconds.
    pub fn counts(&self) -> (BTreeMap<&'static str, usize>, BTreeMap<&'static str, usize>) {
        let mut verdicts: HashMap<&'static str, usize, FastHash> = HashMap::default();
        let mut codes: HashMap<&'static str, usize, FastHash> = HashMap::default();
        for it in &self.results {
            *verdicts.entry(it.verdict).or_default() += 1;
            for code in it.codes() {
                *codes.entry(code).or_default() += 1;
            }
        }
        (verdicts.into_iter().collect(), codes.into_iter().collect())
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
    /// results and input problems are serialised straight from the items,
    /// a batch at a time on all threads, and written in order — so a
    /// report of 200,000 candidates needs neither a second copy of itself
    /// nor one thread for all of its JSON.
    pub fn write_json_pretty<W: std::io::Write>(
        &self,
        lang: Lang,
        mut w: W,
    ) -> std::io::Result<()> {
        w.write_all(b"{\n  \"command\": ")?;
        serde_json::to_writer(&mut w, self.command)?;
        w.write_all(b",\n  \"summary\": ")?;
        let mut buf = Vec::new();
        pretty_at(&self.summary(), 1, &mut buf)?;
        w.write_all(&buf)?;
        w.write_all(b",\n  \"results\": ")?;
        write_array(&mut w, &self.results, |i, out, clash| {
            write_item(i, lang, 2, out, clash)
        })?;
        w.write_all(b",\n  \"input_errors\": ")?;
        write_array(&mut w, &self.input_errors, |p, out, _| {
            pretty_at(&p.to_json(lang), 2, out)
        })?;
        w.write_all(b"\n}")?;
        Ok(())
    }
}

/// Appends `v` as pretty JSON (two spaces a level) for a place `level`
/// levels deep: the first line goes where the output is, the lines after
/// it are indented as if the value were nested that deep — the bytes
/// `serde_json::to_writer_pretty` writes for the enclosing document.
pub(crate) fn pretty_at<T: Serialize + ?Sized>(
    v: &T,
    level: usize,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        Nested {
            level,
            has_value: false,
        },
    );
    Ok(v.serialize(&mut ser)?)
}

/// serde_json's `PrettyFormatter` (two-space indent) starting `level`
/// levels deep.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.level)?;
        }
        w.write_all(c)
    }
}

fn indent<W: ?Sized + std::io::Write>(w: &mut W, level: usize) -> std::io::Result<()> {
    const SPACES: &[u8] = &[b' '; 64];
    let mut n = level * 2;
    while n > 0 {
        let k = n.min(SPACES.len());
        w.write_all(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `items` as the elements of a pretty JSON array nested in the
/// top-level object (elements rendered by `each` at 4 spaces), rendered in
/// parallel batches ([`crate::output::write_batched`]).
fn write_array<T: Sync, W: std::io::Write>(
    w: &mut W,
    items: &[T],
    each: impl Fn(&T, &mut Vec<u8>, &mut ClashCache) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    if items.is_empty() {
        return w.write_all(b"[]");
    }
    w.write_all(b"[")?;
    crate::output::write_batched(w, items, |first, task, out| {
        let mut clash = ClashCache::default();
        for (k, it) in task.iter().enumerate() {
            // the first element has no comma before it
            out.extend_from_slice(if first + k == 0 {
                b"\n    "
            } else {
                b",\n    "
            });
            each(it, out, &mut clash)?;
        }
        Ok(())
    })?;
    w.write_all(b"\n  ]")
}

/// Appends item `it` as pretty JSON `level` deep: the object of
/// [`Item::to_json`], written from the item itself (lazy values write
/// themselves, [`LazyJson::write_json`]).
fn write_item(
    it: &Item,
    lang: Lang,
    level: usize,
    out: &mut Vec<u8>,
    clash: &mut ClashCache,
) -> std::io::Result<()> {
    if clash.check(it) {
        // a repeated name: the map form decides which value stays where
        return pretty_at(&it.to_json(lang), level, out);
    }
    use serde_json::ser::Formatter;
    // the object's own punctuation by the same formatter as its values
    let mut obj = Nested {
        level,
        has_value: false,
    };
    obj.begin_object(out)?;
    type WriteValue<'v> = &'v dyn Fn(&mut Vec<u8>) -> std::io::Result<()>;
    let mut first = true;
    let mut field = |out: &mut Vec<u8>, k: &str, value: WriteValue<'_>| -> std::io::Result<()> {
        obj.begin_object_key(out, first)?;
        first = false;
        serde_json::to_writer(&mut *out, k)?;
        obj.begin_object_value(out)?;
        value(out)?;
        obj.end_object_value(out)
    };
    let inner = level + 1;
    for (k, v) in &it.keys {
        field(out, k, &|out| pretty_at(v, inner, out))?;
    }
    field(out, "verdict", &|out| pretty_at(it.verdict, inner, out))?;
    field(out, "findings", &|out| {
        pretty_at(&FindingsJson(&it.findings, lang), inner, out)
    })?;
    for (k, v) in &it.extra {
        field(out, k, &|out| pretty_at(v, inner, out))?;
    }
    for (k, v) in &it.lazy {
        field(out, k, &|out| v.0.write_json(inner, out))?;
    }
    obj.end_object(out)
}

/// Whether an item repeats a field name (or uses `verdict`/`findings`),
/// remembered for the last list of names: the items of a report usually
/// have the same fields, named by the same static strings.
#[derive(Default)]
struct ClashCache {
    names: Vec<(usize, usize)>,
    clash: bool,
}

impl ClashCache {
    fn check(&mut self, it: &Item) -> bool {
        let names = || it.keys.iter().map(|(k, _)| *k).chain(it.extra_names());
        let id = |k: &'static str| (k.as_ptr() as usize, k.len());
        if names().map(id).eq(self.names.iter().copied()) {
            return self.clash;
        }
        self.names.clear();
        self.names.extend(names().map(id));
        self.clash = names()
            .enumerate()
            .any(|(i, k)| k == "verdict" || k == "findings" || names().skip(i + 1).any(|o| o == k));
        self.clash
    }
}

struct FindingsJson<'a>(&'a [Finding], Lang);

impl Serialize for FindingsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        s.collect_seq(self.0.iter().map(|f| {
            struct One<'a>(&'a Finding, Lang);
            impl Serialize for One<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let f = self.0;
                    let mut m = s.serialize_map(Some(5))?;
                    m.serialize_entry("code", f.code)?;
                    m.serialize_entry("severity", &f.severity)?;
                    m.serialize_entry("message", &f.message.render(self.1))?;
                    m.serialize_entry("measured", &f.measured)?;
                    m.serialize_entry("expected", &f.expected)?;
                    m.end()
                }
            }
            One(f, self.1)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Gap(u32);
    impl LazyJson for Gap {
        fn to_value(&self) -> Value {
            json!({"required": (0..self.0).map(|i| json!({"code": format!("{i:05}")})).collect::<Vec<_>>(), "empty": {}})
        }
    }

    fn report(n: usize) -> Report {
        let mut r = Report::new("eligibility");
        for i in 0..n {
            let mut it = Item::new(if i % 3 == 0 { "eligible" } else { "review" }, i % 3 == 0)
                .key("exam_no", format!("{i:012}"))
                .key("name", "张三\n\"引号\"")
                .with_extra("list", json!([]));
            if i % 2 == 1 {
                it.findings.push(
                    Finding::warning(
                        "elig.conduct",
                        Msg::Data(crate::msg::Detail::new("品德", "conduct")),
                    )
                    .measured(json!({"a": [1, 2.5, null]})),
                );
            }
            it.lazy.push(("missing", Lazy::new(Gap((i % 4) as u32))));
            r.results.push(it);
        }
        // a repeated field name: the later value replaces the earlier in place
        r.results.push(
            Item::new("pass", true)
                .key("path", "a")
                .with_extra("path", "b"),
        );
        r.input_errors.push(InputProblem {
            file: PathBuf::from("成绩.csv"),
            row: Some(3),
            column: Some("成绩".into()),
            severity: Severity::Error,
            code: "table.bad_value",
            message: Msg::Data(crate::msg::Detail::new("坏", "bad")),
        });
        r.summary_extra.push(("policy", json!("national")));
        r
    }

    #[test]
    fn streamed_json_equals_the_tree_in_both_languages() {
        for n in [0, 1, 5000] {
            let mut r = report(n);
            for lang in [Lang::Zh, Lang::En] {
                let tree = serde_json::to_vec_pretty(&r.to_json(lang)).unwrap();
                let mut streamed = Vec::new();
                r.write_json_pretty(lang, &mut streamed).unwrap();
                assert_eq!(
                    String::from_utf8(streamed).unwrap(),
                    String::from_utf8(tree).unwrap(),
                    "{n} items"
                );
            }
            r.input_errors.clear();
            r.results.clear();
            let mut streamed = Vec::new();
            r.write_json_pretty(Lang::En, &mut streamed).unwrap();
            assert_eq!(
                streamed,
                serde_json::to_vec_pretty(&r.to_json(Lang::En)).unwrap()
            );
        }
    }

    #[test]
    fn lazy_fields_are_values_of_the_item() {
        let r = report(4);
        let it = &r.results[3];
        assert_eq!(it.value("missing").unwrap()["required"][2]["code"], "00002");
        assert_eq!(it.value("exam_no").unwrap(), "000000000003");
        assert!(it.get("missing").is_none());
        assert_eq!(it.extra_names().collect::<Vec<_>>(), ["list", "missing"]);
        assert_eq!(r.results[1], r.results[1].clone());
        assert_ne!(r.results[1].lazy[0].1, r.results[2].lazy[0].1);
    }
}

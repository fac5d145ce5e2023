//! Generic renderers of a [`Report`] for every command: CSV (for scripts
//! and spreadsheets) and Excel .xlsx.
//!
//! Columns, in order: the items' keys (union in first-seen order), then
//! `verdict`, `codes` (finding codes joined by `;`), `messages` (finding
//! messages joined by `；` in Chinese or `; ` in English), then the extra
//! fields (union in first-seen order; objects and arrays as compact JSON).
//! Text cells are neutralised ([`crate::output::neutralize`]) so a
//! spreadsheet never runs them as formulas; in Excel they are stored as
//! text, so admission and ID numbers never turn into numbers.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::finding::{InputProblem, Item, Report};
use crate::msg::Lang;
use crate::output::neutralize;
use crate::{Error, Result};

pub mod labels;

/// A cell of a rendered table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// The cell as CSV text (text neutralised).
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => neutralize(s).into_owned(),
            Cell::Number(n) => fmt_number(*n),
            Cell::Empty => String::new(),
        }
    }

    /// Display width (CJK characters count two).
    pub(crate) fn width(&self) -> usize {
        match self {
            Cell::Text(s) => text_width(&neutralize(s)),
            Cell::Number(n) => fmt_number(*n).len(),
            Cell::Empty => 0,
        }
    }
}

fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The widest line of a text, in terminal columns (a CJK character is 2,
/// about what it takes in Excel's default font).
pub(crate) fn text_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// A JSON value as a cell: strings as text, numbers as numbers (when a
/// double holds them exactly), null as empty, anything else as text
/// (compact JSON for arrays and objects).
pub(crate) fn value_cell(v: &Value) -> Cell {
    match v {
        Value::Null => Cell::Empty,
        Value::String(s) => Cell::Text(s.clone()),
        Value::Bool(b) => Cell::Text(b.to_string()),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.abs() < 9_007_199_254_740_992.0 => Cell::Number(f),
            _ => Cell::Text(n.to_string()),
        },
        other => Cell::Text(other.to_string()),
    }
}

/// A rendered table: a header and rows of cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Column widths for Excel: the widest cell (header included) plus a
    /// margin, between 4 and `max`.
    pub(crate) fn widths(&self, max: usize) -> Vec<f64> {
        (0..self.header.len())
            .map(|i| {
                let w = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(Cell::width)
                    .chain(std::iter::once(text_width(&self.header[i])))
                    .max()
                    .unwrap_or(0);
                (w + 2).clamp(4, max) as f64
            })
            .collect()
    }
}

fn push_unique(v: &mut Vec<&'static str>, k: &'static str) {
    if !v.contains(&k) {
        v.push(k);
    }
}

/// The columns of an items table: the keys and the extra fields, each the
/// union over the items in first-seen order.
fn item_columns(items: &[Item]) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut keys: Vec<&'static str> = Vec::new();
    let mut extras: Vec<&'static str> = Vec::new();
    for it in items {
        for (k, _) in &it.keys {
            push_unique(&mut keys, k);
        }
        for k in it.extra_names() {
            push_unique(&mut extras, k);
        }
    }
    (keys, extras)
}

fn item_header(keys: &[&str], extras: &[&str]) -> Vec<String> {
    let mut header: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    header.extend(["verdict", "codes", "messages"].map(String::from));
    header.extend(extras.iter().map(|k| k.to_string()));
    header
}

/// One item as a row of the items table.
fn item_row(it: &Item, keys: &[&str], extras: &[&str], lang: Lang) -> Vec<Cell> {
    let sep = lang.pick("；", "; ");
    let find = |list: &[(&'static str, Value)], k: &str| {
        list.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| value_cell(v))
            .unwrap_or(Cell::Empty)
    };
    let mut row: Vec<Cell> = keys.iter().map(|k| find(&it.keys, k)).collect();
    row.push(Cell::Text(it.verdict.to_string()));
    row.push(Cell::Text(it.codes().collect::<Vec<_>>().join(";")));
    row.push(Cell::Text(
        it.findings
            .iter()
            .map(|f| f.message.render(lang))
            .collect::<Vec<_>>()
            .join(sep),
    ));
    row.extend(
        extras
            .iter()
            .map(|k| match it.lazy.iter().find(|(n, _)| n == k) {
                Some((_, v)) => match v.0.compact_json() {
                    Some(text) => Cell::Text(text),
                    None => value_cell(&v.0.to_value()),
                },
                None => find(&it.extra, k),
            }),
    );
    row
}

/// The items of a report as a table (see the module documentation).
pub(crate) fn items_table(items: &[Item], lang: Lang) -> Table {
    let (keys, extras) = item_columns(items);
    Table {
        header: item_header(&keys, &extras),
        rows: items
            .iter()
            .map(|it| item_row(it, &keys, &extras, lang))
            .collect(),
    }
}

/// Input problems as a table for a person (workbook, printed page): file,
/// row, column, severity, code, message, headed and worded in `lang`.
pub(crate) fn input_errors_table(problems: &[InputProblem], lang: Lang) -> Table {
    let opt = |s: Option<String>| s.map(Cell::Text).unwrap_or(Cell::Empty);
    Table {
        header: match lang {
            Lang::Zh => ["文件", "行", "列", "级别", "代码", "说明"],
            Lang::En => ["File", "Row", "Column", "Severity", "Code", "Message"],
        }
        .map(String::from)
        .to_vec(),
        rows: problems
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.file.display().to_string()),
                    p.row.map(|r| Cell::Number(r as f64)).unwrap_or(Cell::Empty),
                    opt(p.column.clone()),
                    Cell::Text(p.severity.label(lang).to_string()),
                    Cell::Text(p.code.to_string()),
                    Cell::Text(p.message.render(lang)),
                ]
            })
            .collect(),
    }
}

/// The report as CSV: a header row, then one row per item. `bom` puts a
/// UTF-8 byte order mark first (for Excel on Windows).
pub fn to_csv(report: &Report, lang: Lang, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_csv(report, lang, bom, &mut out);
    out
}

/// [`to_csv`] streamed to `w`: rows are rendered a batch at a time on all
/// threads and written in order, so a province's report is never held
/// whole in memory as text.
pub fn write_csv<W: std::io::Write>(
    report: &Report,
    lang: Lang,
    bom: bool,
    mut w: W,
) -> std::io::Result<()> {
    let (keys, extras) = item_columns(&report.results);
    if bom {
        w.write_all(crate::output::BOM)?;
    }
    let writer = |out: &mut Vec<u8>| {
        let mut c = csv::WriterBuilder::new().flexible(false).from_writer(out);
        c.write_record(
            item_header(&keys, &extras)
                .iter()
                .map(|h| neutralize(h).into_owned()),
        )?;
        c.flush()
    };
    let mut head = Vec::new();
    writer(&mut head)?;
    w.write_all(&head)?;
    crate::output::write_batched(&mut w, &report.results, |_, items, out| {
        let mut c = csv::WriterBuilder::new().flexible(false).from_writer(out);
        for it in items {
            let row = item_row(it, &keys, &extras, lang);
            c.write_record(row.iter().map(Cell::csv))?;
        }
        c.flush()
    })
}

pub(crate) fn xlsx_err(e: XlsxError) -> Error {
    Error::format(
        "<xlsx>",
        format!("无法生成工作簿：{e}"),
        format!("cannot write the workbook: {e}"),
    )
}

/// Formats shared by the xlsx writers.
pub(crate) struct Formats {
    pub header: Format,
    pub text: Format,
    pub number: Format,
}

impl Formats {
    pub(crate) fn new(bordered: bool) -> Formats {
        let b = |f: Format| {
            if bordered {
                f.set_border(FormatBorder::Thin)
            } else {
                f
            }
        };
        Formats {
            header: b(Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#D9D9D9")),
            // "@" (text) so that a cell edited later stays text too.
            text: b(Format::new()
                .set_num_format("@")
                .set_align(FormatAlign::VerticalCenter)),
            number: b(Format::new()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)),
        }
    }
}

/// Writes one cell: text as a string (neutralised), numbers as numbers.
pub(crate) fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<()> {
    match cell {
        Cell::Text(s) => ws
            .write_string_with_format(row, col, neutralize(s), &f.text)
            .map(|_| ()),
        Cell::Number(n) => ws
            .write_number_with_format(row, col, *n, &f.number)
            .map(|_| ()),
        Cell::Empty => ws.write_blank(row, col, &f.text).map(|_| ()),
    }
    .map_err(xlsx_err)
}

/// Writes a table from `first_row`: header (bold, grey) then rows; sets the
/// column widths. Returns the next free row.
pub(crate) fn write_table(
    ws: &mut Worksheet,
    first_row: u32,
    t: &Table,
    f: &Formats,
) -> Result<u32> {
    for (i, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(first_row, i as u16, neutralize(h), &f.header)
            .map_err(xlsx_err)?;
    }
    let mut r = first_row + 1;
    for row in &t.rows {
        for (i, c) in row.iter().enumerate() {
            write_cell(ws, r, i as u16, c, f)?;
        }
        r += 1;
    }
    for (i, w) in t.widths(60).into_iter().enumerate() {
        ws.set_column_width(i as u16, w).map_err(xlsx_err)?;
    }
    Ok(r)
}

/// An `input_errors` sheet.
pub(crate) fn add_input_errors_sheet(
    wb: &mut Workbook,
    name: &str,
    problems: &[InputProblem],
    lang: Lang,
) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xlsx_err)?;
    let f = Formats::new(false);
    write_table(ws, 0, &input_errors_table(problems, lang), &f)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    Ok(())
}

/// Which rules made the report, from its summary: policy, batch, as-of
/// date, photo standard, as `(label, value)` in `lang`.
pub fn context(report: &Report, lang: Lang) -> Vec<(&'static str, String)> {
    [
        ("policy", "政策", "policy"),
        ("batch", "批次", "batch"),
        ("as_of", "评估日期", "as of"),
        ("profile", "照片标准", "photo standard"),
    ]
    .iter()
    .filter_map(|(k, zh, en)| {
        let (_, v) = report.summary_extra.iter().find(|(n, _)| n == k)?;
        let v = match v {
            Value::String(s) => s.clone(),
            Value::Null => return None,
            other => other.to_string(),
        };
        (!v.is_empty()).then(|| (lang.pick(zh, en), v))
    })
    .collect()
}

/// [`context`] as one line: `政策 guangdong · 批次 2022-06 · 评估日期 …`.
pub fn context_line(report: &Report, lang: Lang) -> String {
    context(report, lang)
        .iter()
        .map(|(l, v)| format!("{l} {v}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The report as an Excel workbook for a person:
/// - `results`: the columns of [`to_csv`] headed in `lang` (header bold
///   and frozen, widths fitted to the text, CJK counted double), verdicts
///   as words; the policy · batch · as-of line is the printed page header;
/// - `summary`: the same line's values, the totals per verdict and code;
/// - `input_errors`, when there are any.
pub fn to_xlsx(report: &Report, lang: Lang) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::new(false);
    {
        let ws = wb.add_worksheet();
        ws.set_name("results").map_err(xlsx_err)?;
        let mut t = items_table(&report.results, lang);
        let verdict_col = t.header.iter().position(|h| h == "verdict");
        t.header = t
            .header
            .iter()
            .map(|k| labels::column_label(k, lang).into_owned())
            .collect();
        if let Some(i) = verdict_col {
            for row in &mut t.rows {
                if let Cell::Text(v) = &row[i] {
                    row[i] = Cell::Text(labels::verdict_label(v, lang).into_owned());
                }
            }
        }
        write_table(ws, 0, &t, &f)?;
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        let line = context_line(report, lang);
        if !line.is_empty() {
            // Excel's header codes start with &: escape a literal one
            ws.set_header(format!(
                "&L{} — {}",
                report.command,
                line.replace('&', "&&")
            ));
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("summary").map_err(xlsx_err)?;
        let mut rows: Vec<Vec<Cell>> = context(report, lang)
            .into_iter()
            .map(|(l, v)| vec![Cell::Text(l.to_string()), Cell::Text(v)])
            .collect();
        let (verdicts, codes) = report.counts();
        let n = |v: usize| Cell::Number(v as f64);
        rows.push(vec![
            Cell::Text(lang.pick("合计", "total").into()),
            n(report.results.len()),
        ]);
        for (v, c) in verdicts {
            rows.push(vec![
                Cell::Text(labels::verdict_label(v, lang).into_owned()),
                n(c),
            ]);
        }
        for (code, c) in codes {
            rows.push(vec![Cell::Text(code.to_string()), n(c)]);
        }
        rows.push(vec![
            Cell::Text(lang.pick("输入问题", "input problems").into()),
            n(report.input_errors.len()),
        ]);
        let t = Table {
            header: vec![
                format!("{} {}", report.command, lang.pick("汇总", "summary")),
                lang.pick("值", "value").to_string(),
            ],
            rows,
        };
        write_table(ws, 0, &t, &f)?;
    }
    if !report.input_errors.is_empty() {
        add_input_errors_sheet(&mut wb, "input_errors", &report.input_errors, lang)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests;

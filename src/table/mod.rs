//! Reading the tables every command uses: CSV/TSV, JSON (array), JSON Lines,
//! Excel .xlsx/.xls; UTF-8, UTF-8 with BOM and GB18030/GBK.
//!
//! Contract (used by eligibility, prereq and roster):
//! - [`read`] streams a table row by row into a callback, so a caller can
//!   keep a compact form (memory must not scale with the raw text of a
//!   5-million-row score file);
//! - headers are matched by the Chinese name or an English alias of a
//!   [`Column`], order-free, after normalising surrounding spaces and
//!   full-width characters; unknown columns are ignored; a missing required
//!   column is [`crate::Error::MissingColumn`];
//! - a row that cannot be read (ragged, a value destroyed by scientific
//!   notation...) is returned as an [`InputProblem`] with file, row and
//!   column and is *not* passed to the callback; the rest is still read;
//! - warnings (a course code whose leading zeros were restored) are returned
//!   as [`InputProblem`]s with severity warning and the row *is* passed on.

mod cell;
mod decode;
mod delimited;
mod detect;
mod excel;
mod json;
mod msg;
pub use cell::parse_date;
pub use decode::parse_encoding;
pub(crate) use delimited::Tuning;
pub use msg::TableMsg;

pub mod schemas;
pub mod unmatched;

use std::collections::HashMap;
use std::path::Path;

use crate::finding::{InputProblem, Severity};
use crate::msg::Msg;
use crate::Result;

/// How a column's cells are read (docs/tables.md "Values").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text (names, addresses). Trimmed only.
    Text,
    /// An identifier that must stay text: admission numbers, ID numbers,
    /// certificate numbers, phone numbers. Half-width, trimmed, invisible
    /// characters removed. A value in scientific notation (`4.40106E+17`),
    /// or an Excel number cell of 10^15 or more, is a row error
    /// (`table.scientific_notation`); a value with a decimal part (`123.0`),
    /// a line break or more than 64 bytes is a row error
    /// (`table.bad_value`). An Excel integer number cell is written without
    /// `.0`.
    Code,
    /// A course code: 5 digits; fewer digits are restored with zeros
    /// (`15` → `00015`, warning `table.course_code_restored`); 5-6 letters
    /// and digits are kept; anything else is a row error.
    CourseCode,
    /// A number or a word (scores: `85`, `合格`, `免考`). Kept as text
    /// (half-width, trimmed); the consumer interprets it.
    Value,
    /// A date (`2023-06-30`, `2023/6/30`, `20230630`, `2023年6月30日`, an
    /// Excel date cell or serial...), delivered normalised as `YYYY-MM-DD`,
    /// or a year-month (`202306`, `2023-06`) delivered as `YYYY-MM`. A value
    /// that is not a date is a row error (`table.bad_date`): the row is
    /// not delivered.
    Date,
}

/// One column of a table schema.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Stable key used by code (`exam_no`); also the canonical English alias.
    pub key: &'static str,
    /// Canonical Chinese header (`准考证号`).
    pub zh: &'static str,
    /// Further accepted header spellings (besides `key` and `zh`).
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub kind: Kind,
}

/// A table definition (data.md).
#[derive(Clone, Copy, Debug)]
pub struct Schema {
    /// `candidates`, `scores`, ...
    pub name: &'static str,
    /// `申请毕业考生`, ...
    pub zh: &'static str,
    pub columns: &'static [Column],
}

impl Schema {
    pub fn column(&self, key: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// Position of column `key` in this schema (for [`Row::get_at`]:
    /// resolve it once per table instead of once per row).
    pub fn index(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}

/// Options for reading a table.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Force an encoding (`--encoding`); `None` detects: BOM, then valid
    /// UTF-8, then GB18030.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Excel sheet name (`--sheet`); `None` takes the first sheet.
    pub sheet: Option<String>,
    /// Only these columns (schema keys) are read and checked; the others
    /// are left empty, so a bad value in a column the command does not use
    /// never costs a row. `None`: every column.
    pub columns: Option<&'static [&'static str]>,
}

/// One row as delivered to the callback of [`read`].
#[derive(Debug)]
pub struct Row<'a> {
    /// The file being read.
    pub path: &'a Path,
    /// Row number as a person finds it: the line in a CSV file (header = 1),
    /// the spreadsheet row in Excel, the element number (1-based) in JSON.
    pub row: usize,
    pub(crate) schema: &'a Schema,
    /// Cell values in schema column order.
    pub(crate) values: &'a Values,
    /// Header text of each schema column as it appears in the file.
    pub(crate) headers: &'a [Option<String>],
    /// Columns not read ([`ReadOptions::columns`]).
    pub(crate) skip: &'a [bool],
}

impl<'a> Row<'a> {
    /// The normalised value of column `key`, `None` when the column is
    /// absent or the cell is empty. Panics on a key not in the schema
    /// (a programming error).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        let i = self
            .schema
            .columns
            .iter()
            .position(|c| c.key == key)
            .unwrap_or_else(|| panic!("column {key} not in schema {}", self.schema.name));
        debug_assert!(
            !self.skip.get(i).copied().unwrap_or(false),
            "column {key} was not asked for (ReadOptions::columns)"
        );
        self.values.get(i)
    }

    /// The value of the column at position `i` of the row's schema (see
    /// [`Schema::index`]); the same as [`Row::get`] without the look-up by
    /// name. Panics when `i` is out of range.
    #[inline]
    pub fn get_at(&self, i: usize) -> Option<&'a str> {
        self.values.get(i)
    }

    /// The schema this row is read with.
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// Whether the file has this column at all.
    pub fn has_column(&self, key: &str) -> bool {
        self.schema
            .columns
            .iter()
            .position(|c| c.key == key)
            .map(|i| self.headers[i].is_some())
            .unwrap_or(false)
    }

    /// A problem at this row and column, for a consumer that finds a value
    /// it cannot use (a score of `七十`, an impossible date...). The column
    /// is named as in the file's header.
    pub fn problem(
        &self,
        key: &str,
        severity: Severity,
        code: &'static str,
        message: impl Into<Msg>,
    ) -> InputProblem {
        let i = self.schema.columns.iter().position(|c| c.key == key);
        let column = i.map(|i| {
            self.headers[i]
                .clone()
                .unwrap_or_else(|| self.schema.columns[i].zh.to_string())
        });
        InputProblem {
            file: self.path.to_path_buf(),
            row: Some(self.row),
            column,
            severity,
            code,
            message: message.into(),
        }
    }
}

/// Reads `path` as a table of `schema`, calling `f` for every readable row,
/// in file order. Returns the row problems (errors for skipped rows,
/// warnings for repaired ones). Fails as a whole (exit 2) when the file
/// cannot be opened, is not a table, or lacks a required column.
///
/// The format is chosen by extension and content (docs/tables.md):
/// `.xlsx/.xlsm/.xls/.xlsb/.ods` are Excel, `.json` a JSON array (or JSON
/// Lines when it starts with `{`), `.jsonl/.ndjson` JSON Lines, `.tsv/.tab`
/// tab-separated, `.csv` comma- or tab-separated (sniffed); any other
/// extension is sniffed from the content.
pub fn read(
    path: &Path,
    schema: &Schema,
    opts: &ReadOptions,
    f: &mut dyn FnMut(Row<'_>),
) -> Result<Vec<InputProblem>> {
    let format = detect::detect(path, opts)?;
    let mut sink = Sink::new(path, schema, opts, f);
    match format {
        detect::Format::Delimited(delim) => delimited::read(&mut sink, opts, delim)?,
        detect::Format::JsonArray => json::read_array(&mut sink, opts)?,
        detect::Format::JsonLines => json::read_lines(&mut sink, opts)?,
        detect::Format::Excel(kind) => excel::read(&mut sink, opts, kind)?,
    }
    Ok(sink.problems)
}

/// Reads `path` like [`read`], on several threads when it is a big
/// delimited file without quote characters (docs/tables.md): the file is cut
/// at line breaks into chunks, each chunk gets its own state from `init`
/// (given the chunk's size in bytes, to reserve room),
/// and `f` is called for its rows (with their real row numbers) on some
/// thread. Returns the states in file order — so folding them in order
/// sees the rows in file order — and the row problems in file order. Any
/// other table is read by one reader into a single state.
pub fn read_parallel<S, I, F>(
    path: &Path,
    schema: &Schema,
    opts: &ReadOptions,
    init: I,
    f: F,
) -> Result<(Vec<S>, Vec<InputProblem>)>
where
    S: Send,
    I: Fn(u64) -> S + Sync,
    F: Fn(&mut S, Row<'_>) + Sync,
{
    read_parallel_tuned(path, schema, opts, delimited::Tuning::default(), init, f)
}

pub(crate) fn read_parallel_tuned<S, I, F>(
    path: &Path,
    schema: &Schema,
    opts: &ReadOptions,
    tuning: delimited::Tuning,
    init: I,
    f: F,
) -> Result<(Vec<S>, Vec<InputProblem>)>
where
    S: Send,
    I: Fn(u64) -> S + Sync,
    F: Fn(&mut S, Row<'_>) + Sync,
{
    if let detect::Format::Delimited(delim) = detect::detect(path, opts)? {
        if let Some(chunks) =
            delimited::read_parallel(path, schema, opts, delim, tuning, &init, &f)?
        {
            let mut states = Vec::with_capacity(chunks.len());
            let mut problems = Vec::new();
            for c in chunks {
                let (s, p) = c?;
                states.push(s);
                problems.extend(p);
            }
            return Ok((states, problems));
        }
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut state = init(size);
    let problems = read(path, schema, opts, &mut |r| f(&mut state, r))?;
    Ok((vec![state], problems))
}

/// How many non-empty rows at the top of a table are searched for the
/// header row (title rows above the header are skipped).
pub const HEADER_SCAN: usize = 20;

/// The layout of a file's header: which file column feeds which schema
/// column.
#[derive(Clone)]
pub(crate) struct Header {
    /// For each file column: the schema column it feeds.
    pub by_file: Vec<Option<usize>>,
    /// For each schema column: the header text in the file.
    pub headers: Vec<Option<String>>,
    /// Later file columns that map to an already mapped schema column:
    /// (header text, header text of the first one).
    pub duplicates: Vec<(String, String)>,
    /// How many schema columns were found.
    pub matched: usize,
}

impl Header {
    /// Maps the header cells of a file onto `schema`.
    pub fn map(lookup: &HashMap<String, usize>, schema: &Schema, cells: &[String]) -> Header {
        let mut h = Header {
            by_file: vec![None; cells.len()],
            headers: vec![None; schema.columns.len()],
            duplicates: Vec::new(),
            matched: 0,
        };
        for (j, cell) in cells.iter().enumerate() {
            let key = crate::text::header_key(cell);
            if key.is_empty() {
                continue;
            }
            if let Some(&i) = lookup.get(&key) {
                match &h.headers[i] {
                    Some(first) => h.duplicates.push((cell.trim().to_string(), first.clone())),
                    None => {
                        h.headers[i] = Some(cell.trim().to_string());
                        h.by_file[j] = Some(i);
                        h.matched += 1;
                    }
                }
            }
        }
        h
    }

    /// Required columns of `schema` absent from this header.
    pub fn missing<'s>(&self, schema: &'s Schema) -> Vec<&'s Column> {
        schema
            .columns
            .iter()
            .zip(&self.headers)
            .filter(|(c, h)| c.required && h.is_none())
            .map(|(c, _)| c)
            .collect()
    }

    /// Whether this header has every required column (and at least one).
    pub fn complete(&self, schema: &Schema) -> bool {
        self.matched > 0 && self.missing(schema).is_empty()
    }
}

/// Header keys of every spelling of every column of `schema`.
pub(crate) fn lookup(schema: &Schema) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for (i, c) in schema.columns.iter().enumerate() {
        for h in [c.zh, c.key].into_iter().chain(c.aliases.iter().copied()) {
            m.entry(crate::text::header_key(h)).or_insert(i);
        }
    }
    m
}

/// The error for a table whose best header candidate lacks columns.
pub(crate) fn missing_error(path: &Path, schema: &Schema, best: Option<&Header>) -> crate::Error {
    let missing: Vec<&Column> = match best {
        Some(h) => h.missing(schema),
        None => schema.columns.iter().filter(|c| c.required).collect(),
    };
    let column = missing
        .iter()
        .map(|c| format!("{} ({})", c.zh, c.key))
        .collect::<Vec<_>>()
        .join(", ");
    crate::Error::MissingColumn {
        path: path.to_path_buf(),
        column,
    }
}

/// The cell values of one row, in schema column order: one text buffer
/// and where each value lies in it (`None`: absent or empty). Reused from
/// row to row, so a row costs no allocation.
#[derive(Debug, Default)]
pub(crate) struct Values {
    text: String,
    spans: Vec<Option<(u32, u32)>>,
}

impl Values {
    /// `n` empty columns.
    pub fn new(n: usize) -> Self {
        Values {
            text: String::new(),
            spans: vec![None; n],
        }
    }

    /// Values from one optional cell per column (tests and in-memory
    /// sources).
    #[cfg(test)]
    pub fn from_cells<'s>(cells: impl IntoIterator<Item = Option<&'s str>>) -> Self {
        let cells: Vec<Option<&str>> = cells.into_iter().collect();
        let mut v = Values::new(cells.len());
        for (i, c) in cells.into_iter().enumerate() {
            if let Some(c) = c {
                v.set(i, c);
            }
        }
        v
    }

    /// Every column empty.
    #[inline]
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.fill(None);
    }

    #[inline]
    pub fn set(&mut self, i: usize, value: &str) {
        let start = self.text.len();
        self.text.push_str(value);
        self.spans[i] = Some((start as u32, self.text.len() as u32));
    }

    #[inline]
    pub fn is_set(&self, i: usize) -> bool {
        self.spans[i].is_some()
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        let (a, b) = self.spans[i]?;
        self.text.get(a as usize..b as usize)
    }
}

/// Collects the rows of one table: converts cells, records problems and
/// calls the consumer for every good row. Buffers are reused from row to
/// row.
pub(crate) struct Sink<'a> {
    pub path: &'a Path,
    pub schema: &'a Schema,
    pub problems: Vec<InputProblem>,
    /// Header text per schema column.
    pub headers: Vec<Option<String>>,
    values: Values,
    /// Conversion buffer.
    buf: String,
    /// Columns not asked for ([`ReadOptions::columns`]).
    skip: Vec<bool>,
    bad: bool,
    /// Messages say "JSON element N" (JSON arrays).
    pub element: bool,
    f: &'a mut dyn FnMut(Row<'_>),
    /// Rows delivered.
    pub delivered: usize,
}

impl<'a> Sink<'a> {
    fn new(
        path: &'a Path,
        schema: &'a Schema,
        opts: &ReadOptions,
        f: &'a mut dyn FnMut(Row<'_>),
    ) -> Self {
        let skip = schema
            .columns
            .iter()
            .map(|c| opts.columns.is_some_and(|used| !used.contains(&c.key)))
            .collect();
        Sink {
            skip,
            path,
            schema,
            problems: Vec::new(),
            headers: vec![None; schema.columns.len()],
            values: Values::new(schema.columns.len()),
            buf: String::new(),
            bad: false,
            element: false,
            f,
            delivered: 0,
        }
    }

    /// Takes the header of the file; reports its duplicate columns.
    pub fn set_header(&mut self, h: &Header, row: usize) {
        self.headers.clone_from(&h.headers);
        for (dup, first) in &h.duplicates {
            self.problems.push(InputProblem {
                file: self.path.to_path_buf(),
                row: Some(row),
                column: Some(dup.clone()),
                severity: Severity::Warning,
                code: "table.duplicate_column",
                message: Msg::Table(TableMsg::DuplicateColumn {
                    header: dup.clone(),
                    first: first.clone(),
                }),
            });
        }
    }

    /// Starts a new row: every column empty.
    pub fn start_row(&mut self) {
        self.values.clear();
        self.bad = false;
    }

    /// Whether schema column `col` already has a value in this row.
    pub fn is_set(&self, col: usize) -> bool {
        self.values.is_set(col)
    }

    /// Converts one cell of schema column `col`.
    /// Whether column `col` is read at all ([`ReadOptions::columns`]).
    #[inline]
    pub fn wants(&self, col: usize) -> bool {
        !self.skip[col]
    }

    pub fn cell(&mut self, row: usize, col: usize, raw: cell::Raw<'_>) {
        if self.skip[col] {
            return;
        }
        let kind = self.schema.columns[col].kind;
        if let cell::Raw::Str(s) = raw {
            if cell::plain(kind, s) {
                self.values.set(col, s);
                return;
            }
        }
        let mut buf = std::mem::take(&mut self.buf);
        match cell::convert(kind, raw, &mut buf) {
            Ok(cell::Conv::Empty) => {}
            Ok(cell::Conv::Value) => self.values.set(col, &buf),
            Ok(cell::Conv::Warn(i)) => {
                self.values.set(col, &buf);
                self.problem(row, Some(col), i.severity, i.code, i.msg);
            }
            Err(i) => self.problem(row, Some(col), i.severity, i.code, i.msg),
        }
        self.buf = buf;
    }

    /// Records a problem at `row` and schema column `col` (or the whole
    /// row); an error means the row is not delivered.
    pub fn problem(
        &mut self,
        row: usize,
        col: Option<usize>,
        severity: Severity,
        code: &'static str,
        msg: TableMsg,
    ) {
        let column = col.map(|i| {
            self.headers[i]
                .clone()
                .unwrap_or_else(|| self.schema.columns[i].zh.to_string())
        });
        self.problem_named(row, column, severity, code, msg);
    }

    /// Like [`Sink::problem`] with the column named directly.
    pub fn problem_named(
        &mut self,
        row: usize,
        column: Option<String>,
        severity: Severity,
        code: &'static str,
        msg: TableMsg,
    ) {
        if severity == Severity::Error {
            self.bad = true;
        }
        let msg = if self.element {
            TableMsg::Element {
                index: row,
                inner: Box::new(msg),
            }
        } else {
            msg
        };
        self.problems.push(InputProblem {
            file: self.path.to_path_buf(),
            row: Some(row),
            column,
            severity,
            code,
            message: Msg::Table(msg),
        });
    }

    /// Ends the row: delivers it unless it had an error.
    pub fn finish_row(&mut self, row: usize) {
        if self.bad {
            return;
        }
        self.delivered += 1;
        (self.f)(Row {
            path: self.path,
            row,
            schema: self.schema,
            values: &self.values,
            headers: &self.headers,
            skip: &self.skip,
        });
    }
}

#[cfg(test)]
mod tests;

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

mod msg;
pub use msg::TableMsg;

pub mod schemas;

use std::path::Path;

use crate::finding::{InputProblem, Severity};
use crate::msg::Msg;
use crate::Result;

/// How a column's cells are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text (names, addresses). Trimmed.
    Text,
    /// An identifier that must stay text: admission numbers, ID numbers,
    /// certificate numbers, phone numbers. A value in scientific notation
    /// (`4.40106E+17`) is a row error; a float-looking `123.0` from a
    /// spreadsheet cell is an error too unless it is an integer in the file.
    Code,
    /// A 5-digit course code; `15` is restored to `00015` with a warning.
    CourseCode,
    /// A number or a word (scores: `85`, `合格`, `免考`). Kept as text;
    /// the consumer interprets it.
    Value,
    /// A date (`2023-06-30`, `2023/6/30`, `20230630`, `2023年6月30日`, an
    /// Excel date serial...), delivered normalised as `YYYY-MM-DD`, or a
    /// year-month (`202306`, `2023-06`) delivered as `YYYY-MM`.
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
}

/// Options for reading a table.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Force an encoding (`--encoding`); `None` detects: BOM, then valid
    /// UTF-8, then GB18030.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Excel sheet name (`--sheet`); `None` takes the first sheet.
    pub sheet: Option<String>,
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
    /// Cell values in schema column order; `None` when absent or empty.
    pub(crate) values: &'a [Option<String>],
    /// Header text of each schema column as it appears in the file.
    pub(crate) headers: &'a [Option<String>],
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
        self.values[i].as_deref()
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
pub fn read(
    path: &Path,
    schema: &Schema,
    opts: &ReadOptions,
    f: &mut dyn FnMut(Row<'_>),
) -> Result<Vec<InputProblem>> {
    let _ = (path, schema, opts, f);
    Err(crate::Error::Usage("table reader not built yet".into()))
}

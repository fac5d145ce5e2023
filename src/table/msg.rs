use crate::msg::Lang;

/// Messages of the table reader, in Chinese and English. Each row problem
/// code of docs/tables.md uses one or more of these.
#[derive(Clone, Debug, PartialEq)]
pub enum TableMsg {
    /// `table.scientific_notation`: a code written as `4.40106E+17`.
    ScientificNotation { value: String },
    /// `table.scientific_notation`: an Excel number cell of 16 or more
    /// digits in a code column (Excel keeps 15 significant digits).
    NumberTooLong { value: String },
    /// `table.course_code_restored` (warning): `15` became `00015`.
    CourseCodeRestored { from: String, to: String },
    /// `table.bad_value`: a course code that is not 5-6 letters or digits.
    BadCourseCode { value: String },
    /// `table.bad_value`: a code with a decimal part (`123.0`, `1.5`).
    DecimalInCode { value: String },
    /// `table.bad_value`: a line break inside a code.
    LineBreakInCode,
    /// `table.bad_value`: a cell longer than the limit for its kind.
    TooLong { len: usize, max: usize },
    /// `table.bad_value`: a JSON object or array where a cell was expected.
    NestedValue,
    /// `table.bad_value`: an Excel error cell (`#N/A`, `#VALUE!`).
    ExcelError { value: String },
    /// `table.bad_value`: a date, a time or a true/false cell in a code column.
    NotACode { value: String },
    /// `table.bad_date`: a date that cannot be read.
    BadDate { value: String },
    /// `table.ragged_row`: a row with a different number of fields from the
    /// header.
    RaggedRow { expected: usize, found: usize },
    /// `table.unclosed_quote`: a quoted field running over many lines.
    UnclosedQuote { lines: usize },
    /// `table.encoding`: bytes that are not UTF-8 in a file read as UTF-8.
    NotUtf8 { detected: bool },
    /// `table.encoding`: bytes that could not be decoded (shown as U+FFFD).
    Undecodable { encoding: String },
    /// `table.bad_json`: a JSON element that is not an object.
    NotAnObject,
    /// `table.bad_json`: a JSON Lines line that is not valid JSON.
    BadJsonLine { error: String },
    /// `table.duplicate_column` (warning): two header columns map to the
    /// same field; the first is used.
    DuplicateColumn { header: String, first: String },
    /// `table.unmatched_rows`: `count` rows whose exam number (`example`)
    /// matches no record of the file `other`; `zeros`: they match once
    /// leading zeros are restored (the probable cause is named).
    UnmatchedRows {
        count: usize,
        example: String,
        other: String,
        zeros: bool,
    },
    /// Wraps a message about a JSON array element, so that it says
    /// "element N" rather than relying on the row number alone.
    Element { index: usize, inner: Box<TableMsg> },
}

/// `1 row has` / `3 rows have`.
fn rows_have(n: usize) -> String {
    let verb = if n == 1 { "has" } else { "have" };
    format!("{} {verb}", crate::text::count_en(n, "row", "rows"))
}

impl TableMsg {
    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        use TableMsg::*;
        match (self, lang) {
            (ScientificNotation { value }, Lang::Zh) => format!(
                "该值为科学计数法（{value}），说明表格软件已将号码破坏，请将该列设为文本后重新导出"
            ),
            (ScientificNotation { value }, Lang::En) => format!(
                "the value is in scientific notation ({value}): the spreadsheet has already destroyed the number; set the column to text and export again"
            ),
            (NumberTooLong { value }, Lang::Zh) => format!(
                "该号码以数字形式保存（{value}），超过 15 位的数字已被 Excel 截断，号码已被破坏，请将该列设为文本后重新录入并导出"
            ),
            (NumberTooLong { value }, Lang::En) => format!(
                "the code is stored as a number ({value}); Excel keeps only 15 significant digits, so the number is destroyed; set the column to text, enter it again and export"
            ),
            (CourseCodeRestored { from, to }, Lang::Zh) => {
                format!("课程代码「{from}」丢失了前导零，已恢复为「{to}」")
            }
            (CourseCodeRestored { from, to }, Lang::En) => {
                format!("course code `{from}` lost its leading zeros; restored as `{to}`")
            }
            (BadCourseCode { value }, Lang::Zh) => {
                format!("课程代码「{value}」无效：应为 5 位数字（或 5-6 位字母数字）")
            }
            (BadCourseCode { value }, Lang::En) => format!(
                "course code `{value}` is not valid: expected 5 digits (or 5-6 letters and digits)"
            ),
            (DecimalInCode { value }, Lang::Zh) => format!(
                "号码「{value}」带有小数部分，说明它被当作数字保存过（可能已丢失前导零），请将该列设为文本后重新导出"
            ),
            (DecimalInCode { value }, Lang::En) => format!(
                "code `{value}` has a decimal part: it was stored as a number (leading zeros may be lost); set the column to text and export again"
            ),
            (LineBreakInCode, Lang::Zh) => "号码中含有换行符".to_string(),
            (LineBreakInCode, Lang::En) => "the code contains a line break".to_string(),
            (TooLong { len, max }, Lang::Zh) => {
                format!("单元格过长（{len} 字节，上限 {max} 字节）")
            }
            (TooLong { len, max }, Lang::En) => {
                format!("the cell is too long ({len} bytes, limit {max})")
            }
            (NestedValue, Lang::Zh) => "单元格是 JSON 对象或数组，应为文本或数字".to_string(),
            (NestedValue, Lang::En) => {
                "the cell is a JSON object or array; expected text or a number".to_string()
            }
            (ExcelError { value }, Lang::Zh) => format!("单元格为 Excel 错误值 {value}"),
            (ExcelError { value }, Lang::En) => format!("the cell holds the Excel error {value}"),
            (NotACode { value }, Lang::Zh) => {
                format!("「{value}」不是号码（日期或逻辑值），请将该列设为文本")
            }
            (NotACode { value }, Lang::En) => format!(
                "`{value}` is not a code (a date or a true/false value); set the column to text"
            ),
            (BadDate { value }, Lang::Zh) => format!(
                "无法识别的日期「{value}」（可用格式：2023-06-30、2023/6/30、20230630、2023年6月30日、202306、2023-06）"
            ),
            (BadDate { value }, Lang::En) => format!(
                "cannot read the date `{value}` (accepted: 2023-06-30, 2023/6/30, 20230630, 2023年6月30日, 202306, 2023-06)"
            ),
            (RaggedRow { expected, found }, Lang::Zh) => format!(
                "该行有 {found} 个字段，表头有 {expected} 个，列已错位，整行未读取"
            ),
            (RaggedRow { expected, found }, Lang::En) => format!(
                "the row has {found} fields but the header has {expected}: the columns are shifted; the row was not read"
            ),
            (UnclosedQuote { lines }, Lang::Zh) => format!(
                "带引号的字段跨越了 {lines} 行，可能缺少闭合引号（\"），之后的内容被并入了该字段"
            ),
            (UnclosedQuote { lines }, Lang::En) => format!(
                "a quoted field runs over {lines} lines: probably a missing closing quote (\"), the following lines were swallowed into it"
            ),
            (NotUtf8 { detected: true }, Lang::Zh) => "该行不是有效的 UTF-8 编码（文件开头是 UTF-8）；如文件为 GBK/GB18030 编码，请使用 --encoding gb18030".to_string(),
            (NotUtf8 { detected: true }, Lang::En) => "the row is not valid UTF-8 although the start of the file is; if the file is GBK/GB18030, pass --encoding gb18030".to_string(),
            (NotUtf8 { detected: false }, Lang::Zh) => {
                "该行不是有效的 UTF-8 编码（已指定 --encoding utf-8）".to_string()
            }
            (NotUtf8 { detected: false }, Lang::En) => {
                "the row is not valid UTF-8 (--encoding utf-8 was given)".to_string()
            }
            (Undecodable { encoding }, Lang::Zh) => format!(
                "该单元格含有无法按 {encoding} 解码的字节（或替换字符 �），请检查文件编码（--encoding）"
            ),
            (Undecodable { encoding }, Lang::En) => format!(
                "the cell holds bytes that cannot be decoded as {encoding} (or the replacement character �); check the file's encoding (--encoding)"
            ),
            (NotAnObject, Lang::Zh) => "该元素不是 JSON 对象（应为 {\"列名\": 值, ...}）".to_string(),
            (NotAnObject, Lang::En) => {
                "the element is not a JSON object (expected {\"column\": value, ...})".to_string()
            }
            (BadJsonLine { error }, Lang::Zh) => format!("该行不是有效的 JSON：{error}"),
            (BadJsonLine { error }, Lang::En) => format!("the line is not valid JSON: {error}"),
            (DuplicateColumn { header, first }, Lang::Zh) => format!(
                "列「{header}」与前面的列「{first}」是同一字段，已使用前者，忽略此列"
            ),
            (DuplicateColumn { header, first }, Lang::En) => format!(
                "column `{header}` is the same field as the earlier column `{first}`; the earlier one is used and this one ignored"
            ),
            (
                UnmatchedRows {
                    count,
                    example,
                    other,
                    zeros: true,
                },
                Lang::Zh,
            ) => format!(
                "{count} 行的准考证号（如 {example}）与 {other} 中的任何记录都对不上，但补上开头的 0 后能对上：很可能是某个文件在 Excel 中以数字格式打开或保存时丢失了开头的 0。请把准考证号列设为文本后重新导出；这些行未使用"
            ),
            (
                UnmatchedRows {
                    count,
                    example,
                    other,
                    zeros: true,
                },
                Lang::En,
            ) => format!(
                "{} an exam number (e.g. {example}) that matches no record of {other}, but they match once the leading zeros are restored: one of the files probably lost its leading 0s when it was opened or saved in Excel as numbers. Export again with the column as text; these rows were not used",
                rows_have(*count)
            ),
            (
                UnmatchedRows {
                    count,
                    example,
                    other,
                    zeros: false,
                },
                Lang::Zh,
            ) => format!(
                "{count} 行的准考证号（如 {example}）与 {other} 中的任何记录都对不上，未使用（不在本次名单中的考生的记录）"
            ),
            (
                UnmatchedRows {
                    count,
                    example,
                    other,
                    zeros: false,
                },
                Lang::En,
            ) => format!(
                "{} an exam number (e.g. {example}) that matches no record of {other}: not used (records of people not in this run)",
                rows_have(*count)
            ),
            (Element { index, inner }, Lang::Zh) => {
                format!("JSON 第 {index} 个元素：{}", inner.render(lang))
            }
            (Element { index, inner }, Lang::En) => {
                format!("JSON element {index}: {}", inner.render(lang))
            }
        }
    }
}

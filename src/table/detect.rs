//! Choosing how to read a file: by extension, checked against the content.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::decode::{decoded, WINDOW};
use super::ReadOptions;
use crate::{Error, Result};

/// Excel workbook kinds calamine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExcelKind {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// CSV/TSV with this delimiter.
    Delimited(u8),
    JsonArray,
    JsonLines,
    Excel(ExcelKind),
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens `path` for reading, as an [`Error::Io`] naming it on failure.
pub(crate) fn open(path: &Path) -> Result<File> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::format(
            path,
            "这是一个文件夹，不是表格文件",
            "is a directory, not a table file",
        ));
    }
    Ok(f)
}

/// Decides the format of `path` from its extension and first bytes.
pub(crate) fn detect(path: &Path, opts: &ReadOptions) -> Result<Format> {
    let file = open(path)?;
    let mut prefix = Vec::new();
    file.take(WINDOW as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| Error::io(path, e))?;
    if prefix.is_empty() {
        return Err(Error::format(
            path,
            "文件为空（0 字节）",
            "the file is empty (0 bytes)",
        ));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let zip = prefix.starts_with(ZIP);
    let ole = prefix.starts_with(OLE);
    let excel_ext = matches!(
        ext.as_str(),
        "xlsx" | "xlsm" | "xltx" | "xltm" | "xlam" | "xls" | "xla" | "xlt" | "xlsb" | "ods"
    );
    if excel_ext || zip || ole {
        if zip {
            return Ok(Format::Excel(match ext.as_str() {
                "xlsb" => ExcelKind::Xlsb,
                "ods" => ExcelKind::Ods,
                _ => ExcelKind::Xlsx,
            }));
        }
        if ole {
            return Ok(Format::Excel(ExcelKind::Xls));
        }
        let text = String::from_utf8_lossy(&prefix);
        let t = text
            .trim_start_matches('\u{FEFF}')
            .trim_start()
            .to_ascii_lowercase();
        let (zh, en) = if t.starts_with('<') {
            (
                "它是网页（HTML/XML，有些系统把网页导出成 .xls）：请用 Excel 打开后另存为 .xlsx 或 CSV",
                "it is an HTML/XML page (some systems export web pages as .xls): open it in Excel and save it as .xlsx or CSV",
            )
        } else if t.starts_with("%pdf") {
            ("它是 PDF 文档", "it is a PDF document")
        } else if prefix.contains(&0) {
            ("它是未知的二进制文件", "it is an unknown binary file")
        } else {
            (
                "它是文本文件：如果是 CSV/TSV，请把扩展名改为 .csv 或 .tsv",
                "it is a text file: if it is CSV/TSV, give it the .csv or .tsv extension",
            )
        };
        return Err(Error::format(
            path,
            format!("扩展名是 .{ext}，但不是 Excel 工作簿；{zh}"),
            format!("named .{ext} but it is not an Excel workbook; {en}"),
        ));
    }

    // a text format: look at the decoded start
    let has_utf16_bom = prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]);
    let forced_utf16 = opts
        .encoding
        .map(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE)
        .unwrap_or(false);
    if !has_utf16_bom && !forced_utf16 && prefix.contains(&0) {
        return Err(Error::format(
            path,
            "含有 NUL 字节：不是文本表格（二进制文件，或没有字节顺序标记的 UTF-16：请加 --encoding utf-16le）",
            "contains NUL bytes: not a text table (a binary file, or UTF-16 without a byte-order mark: pass --encoding utf-16le)",
        ));
    }
    let mut dec = decoded(path, &prefix[..], opts)?;
    let mut bytes = Vec::new();
    dec.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let first = text.trim_start().chars().next();
    let Some(first) = first else {
        return Err(Error::format(
            path,
            "文件没有内容（只有字节顺序标记或空行）",
            "the file has no content (only a byte-order mark or blank lines)",
        ));
    };
    if first == '{' {
        if let Some(found) = crate::error::report_command_of(&text) {
            return Err(Error::WrongInput {
                path: path.to_path_buf(),
                found,
                expected: String::new(),
            });
        }
    }
    Ok(match ext.as_str() {
        "json" => match first {
            '[' => Format::JsonArray,
            '{' => Format::JsonLines,
            c => {
                return Err(Error::format(
                    path,
                    format!("不是 JSON：应以数组 `[` 或对象 `{{` 开头，实为 `{c}`"),
                    format!("not JSON: expected an array `[` or objects `{{`, found `{c}`"),
                ))
            }
        },
        "jsonl" | "ndjson" => Format::JsonLines,
        "tsv" | "tab" => Format::Delimited(b'\t'),
        "csv" => Format::Delimited(sniff_delimiter(&text)),
        _ => match first {
            '[' => Format::JsonArray,
            '{' => Format::JsonLines,
            _ => Format::Delimited(sniff_delimiter(&text)),
        },
    })
}

/// The delimiter of a CSV-like text: the one of tab, comma and semicolon
/// that occurs most on one of the first lines (tab wins a tie with comma,
/// comma wins otherwise); comma when none occurs.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let (mut tab, mut comma, mut semi) = (0, 0, 0);
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(super::HEADER_SCAN)
    {
        let count = |c: char| line.matches(c).count();
        tab = tab.max(count('\t'));
        comma = comma.max(count(','));
        semi = semi.max(count(';'));
    }
    if tab > 0 && tab >= comma {
        b'\t'
    } else if comma > 0 || semi == 0 {
        b','
    } else {
        b';'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("title\na;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\n"), b',');
    }
}

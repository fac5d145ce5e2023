//! CSV and TSV, streamed record by record.

use super::cell::Raw;
use super::decode::Decoded;
use super::{detect, lookup, missing_error, Header, ReadOptions, Sink, TableMsg, HEADER_SCAN};
use crate::finding::Severity;
use crate::{Error, Result};

/// A quoted field with this many line breaks is taken for an unclosed quote.
const UNCLOSED_LINES: usize = 20;

fn blank(f: &[u8]) -> bool {
    f.iter().all(|b| b.is_ascii_whitespace())
}

pub(crate) fn read(sink: &mut Sink<'_>, opts: &ReadOptions, delim: u8) -> Result<()> {
    let path = sink.path;
    let schema = sink.schema;
    let file = detect::open(path)?;
    let dec = match Decoded::new(file, opts.encoding).map_err(|e| Error::io(path, e))? {
        Ok(d) => d,
        Err(m) => return Err(Error::format(path, m)),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        // records end at `\n` only: with CRLF endings csv's line count
        // would lag by one; the `\r` left at the end of the last field is
        // whitespace and trimmed
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(64 * 1024)
        .from_reader(dec);
    let lookup = lookup(schema);
    let mut rec = csv::ByteRecord::new();
    let mut header: Option<Header> = None;
    let mut header_cells: Vec<String> = Vec::new();
    let mut best: Option<Header> = None;
    let mut scanned = 0;
    // fields a data row must have (up to the last named header cell)
    let mut need = 0;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e
                    .position()
                    .map(|p| format!(" at line {}", p.line()))
                    .unwrap_or_default();
                return Err(Error::format(
                    path,
                    format!("cannot read the file{at}: {e}"),
                ));
            }
        }
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(blank) {
            continue;
        }
        let Some(h) = header.as_ref() else {
            let cells: Vec<String> = rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let h = Header::map(&lookup, schema, &cells);
            if h.complete(schema) {
                sink.set_header(&h, line);
                need = cells
                    .iter()
                    .rposition(|c| !c.trim().is_empty())
                    .map_or(0, |i| i + 1);
                header_cells = cells;
                header = Some(h);
                continue;
            }
            scanned += 1;
            if best.as_ref().is_none_or(|b| h.matched > b.matched) {
                best = Some(h);
            }
            if scanned >= HEADER_SCAN {
                return Err(missing_error(path, schema, best.as_ref()));
            }
            continue;
        };

        // a record over several physical lines: an unclosed quote?
        let end_line = rdr.position().line() as usize;
        if end_line > line + 1 {
            if let Some((j, lines)) = swallowed(&rec, delim, header_cells.len()) {
                let column = h.by_file.get(j).copied().flatten().map_or_else(
                    || {
                        header_cells
                            .get(j)
                            .cloned()
                            .unwrap_or_else(|| format!("#{}", j + 1))
                    },
                    |i| sink.headers[i].clone().unwrap_or_default(),
                );
                sink.problem_named(
                    line,
                    Some(column),
                    Severity::Error,
                    "table.unclosed_quote",
                    TableMsg::UnclosedQuote { lines },
                );
                continue;
            }
        }

        let n = rec.len();
        let used = rec.iter().rposition(|f| !blank(f)).map_or(0, |i| i + 1);
        if n < need || used > header_cells.len() {
            sink.problem(
                line,
                None,
                Severity::Error,
                "table.ragged_row",
                TableMsg::RaggedRow {
                    expected: header_cells.len(),
                    found: n,
                },
            );
            continue;
        }

        sink.start_row();
        for (j, m) in h.by_file.iter().enumerate() {
            let Some(col) = *m else { continue };
            let Some(bytes) = rec.get(j) else { continue };
            if bytes.is_empty() {
                continue;
            }
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    if !s.is_ascii() && s.contains('\u{FFFD}') {
                        let encoding = rdr
                            .get_ref()
                            .encoding()
                            .map_or("UTF-8", |e| e.name())
                            .to_string();
                        sink.problem(
                            line,
                            Some(col),
                            Severity::Error,
                            "table.encoding",
                            TableMsg::Undecodable { encoding },
                        );
                    } else {
                        sink.cell(line, col, Raw::Str(s));
                    }
                }
                Err(_) => {
                    let detected = !rdr.get_ref().forced();
                    sink.problem(
                        line,
                        Some(col),
                        Severity::Error,
                        "table.encoding",
                        TableMsg::NotUtf8 { detected },
                    );
                }
            }
        }
        sink.finish_row(line);
    }
    if header.is_none() {
        if scanned == 0 {
            return Err(Error::format(
                path,
                "the file has no content (only a byte-order mark or blank lines)",
            ));
        }
        return Err(missing_error(path, schema, best.as_ref()));
    }
    Ok(())
}

/// A field of `rec` that looks like it swallowed following records: it has
/// many line breaks, or one of its lines has as many delimiters as a whole
/// record. Returns the field index and its number of lines.
fn swallowed(rec: &csv::ByteRecord, delim: u8, width: usize) -> Option<(usize, usize)> {
    let seps = width.saturating_sub(1).max(2);
    for (j, f) in rec.iter().enumerate() {
        let breaks = f.iter().filter(|b| **b == b'\n').count();
        if breaks == 0 {
            continue;
        }
        let looks_like_rows = f
            .split(|b| *b == b'\n')
            .skip(1)
            .any(|l| l.iter().filter(|b| **b == delim).count() >= seps);
        if breaks >= UNCLOSED_LINES || looks_like_rows {
            return Some((j, breaks + 1));
        }
    }
    None
}

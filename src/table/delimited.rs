//! CSV and TSV, streamed record by record.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use rayon::prelude::*;

use super::cell::Raw;
use super::decode::{decoded, line_too_long, Decoded, LineGuard, LineTooLong, MAX_LINE};
use super::{
    detect, lookup, missing_error, Header, ReadOptions, Row, Schema, Sink, TableMsg, HEADER_SCAN,
};
use crate::finding::{InputProblem, Severity};
use crate::{Error, Result};

/// A quoted field with this many line breaks is taken for an unclosed quote.
const UNCLOSED_LINES: usize = 20;

fn blank(f: &[u8]) -> bool {
    f.iter().all(|b| b.is_ascii_whitespace())
}

type Rdr<R> = csv::Reader<LineGuard<Decoded<R>>>;

fn csv_reader<R: Read>(dec: Decoded<R>, delim: u8) -> Rdr<R> {
    let dec = LineGuard::new(dec, 0, MAX_LINE);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        // records end at `\n` only: with CRLF endings csv's line count
        // would lag by one; the `\r` left at the end of the last field is
        // whitespace and trimmed
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(64 * 1024)
        .from_reader(dec)
}

fn open_decoded(path: &Path, opts: &ReadOptions) -> Result<Decoded<File>> {
    decoded(path, detect::open(path)?, opts)
}

/// The next record; `Ok(false)` at the end. `base` is the number of lines
/// before the reader's start (for the message of a broken record).
fn next<R: Read>(
    path: &Path,
    rdr: &mut Rdr<R>,
    rec: &mut csv::ByteRecord,
    base: usize,
) -> Result<bool> {
    let more = rdr.read_byte_record(rec).map_err(|e| {
        let line = e.position().map(|p| p.line() as usize + base);
        let at = line.map(|l| format!(" at line {l}")).unwrap_or_default();
        let at_zh = line.map(|l| format!("（第 {l} 行）")).unwrap_or_default();
        match e.kind() {
            // the line guard's message names the line itself
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                match io.get_ref().and_then(|e| e.downcast_ref::<LineTooLong>()) {
                    Some(t) => Error::format_detail(path, t.0.clone()),
                    None => Error::format(path, "无法读取文件", io.to_string()),
                }
            }
            _ => Error::format(
                path,
                format!("无法读取文件{at_zh}"),
                format!("cannot read the file{at}: {e}"),
            ),
        }
    })?;
    if rec.len() > MAX_COLUMNS {
        let line = rec.position().map_or(0, |p| p.line() as usize) + base;
        return Err(Error::format(
            path,
            format!(
                "第 {line} 行有 {} 列；表格最多 {MAX_COLUMNS} 列（Excel 的上限）",
                rec.len()
            ),
            format!(
                "line {line} has {} columns; a table has at most {MAX_COLUMNS} (Excel's limit)",
                rec.len()
            ),
        ));
    }
    Ok(more)
}

/// The most columns a row may have: Excel's limit (XFD).
pub const MAX_COLUMNS: usize = 16_384;

/// Where the header is and how the file's columns map to the schema.
#[derive(Clone)]
struct Layout {
    header: Header,
    cells: Vec<String>,
    /// Fields a data row must have (up to the last named header cell).
    need: usize,
}

/// Reads records up to and including the header row (blank records are
/// skipped; at most [`HEADER_SCAN`] candidates are looked at).
fn find_header<R: Read>(
    sink: &mut Sink<'_>,
    rdr: &mut Rdr<R>,
    rec: &mut csv::ByteRecord,
) -> Result<Layout> {
    let path = sink.path;
    let schema = sink.schema;
    let lookup = lookup(schema);
    let mut best: Option<Header> = None;
    let mut scanned = 0;
    while next(path, rdr, rec, 0)? {
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(blank) {
            continue;
        }
        let cells: Vec<String> = rec
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        let h = Header::map(&lookup, schema, &cells);
        if h.complete(schema) {
            sink.set_header(&h, line);
            let need = cells
                .iter()
                .rposition(|c| !c.trim().is_empty())
                .map_or(0, |i| i + 1);
            return Ok(Layout {
                header: h,
                cells,
                need,
            });
        }
        scanned += 1;
        if best.as_ref().is_none_or(|b| h.matched > b.matched) {
            best = Some(h);
        }
        if scanned >= HEADER_SCAN {
            return Err(missing_error(path, schema, best.as_ref()));
        }
    }
    if scanned == 0 {
        return Err(Error::format(
            path,
            "文件没有内容（只有字节顺序标记或空行）",
            "the file has no content (only a byte-order mark or blank lines)",
        ));
    }
    Err(missing_error(path, schema, best.as_ref()))
}

pub(crate) fn read(sink: &mut Sink<'_>, opts: &ReadOptions, delim: u8) -> Result<()> {
    let mut rdr = csv_reader(open_decoded(sink.path, opts)?, delim);
    let mut rec = csv::ByteRecord::new();
    let layout = find_header(sink, &mut rdr, &mut rec)?;
    data_rows(sink, &mut rdr, &mut rec, &layout, 0, delim)
}

/// Delivers the data records after the header (or from the start of a
/// chunk). Line numbers are the reader's plus `base`.
fn data_rows<R: Read>(
    sink: &mut Sink<'_>,
    rdr: &mut Rdr<R>,
    rec: &mut csv::ByteRecord,
    layout: &Layout,
    base: usize,
    delim: u8,
) -> Result<()> {
    let path = sink.path;
    let h = &layout.header;
    let header_cells = &layout.cells;
    while next(path, rdr, rec, base)? {
        let rel = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let line = rel + base;

        // a record over several physical lines: an unclosed quote?
        let end_line = rdr.position().line() as usize;
        if end_line > rel + 1 && !rec.iter().all(blank) {
            if let Some((j, lines)) = swallowed(rec, delim, header_cells.len()) {
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
        let dec = rdr.get_ref().get_ref();
        let enc = || (dec.encoding().map_or("UTF-8", |e| e.name()), !dec.forced());
        record(sink, &*rec, line, layout, &enc);
    }
    Ok(())
}

/// The fields of one record.
trait Fields {
    fn len(&self) -> usize;
    fn get(&self, j: usize) -> Option<&[u8]>;
    /// Field `j` as text when the record is known to be UTF-8.
    fn text(&self, _j: usize) -> Option<&str> {
        None
    }
}

impl Fields for csv::ByteRecord {
    #[inline]
    fn len(&self) -> usize {
        csv::ByteRecord::len(self)
    }
    #[inline]
    fn get(&self, j: usize) -> Option<&[u8]> {
        csv::ByteRecord::get(self, j)
    }
}

/// A line cut at its delimiters: field `j` ends at `ends[j]`. `text`: the
/// line when it is UTF-8.
struct Split<'a> {
    line: &'a [u8],
    text: Option<&'a str>,
    ends: &'a [usize],
}

impl Split<'_> {
    #[inline]
    fn range(&self, j: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(j)?;
        let start = if j == 0 { 0 } else { self.ends[j - 1] + 1 };
        Some(start..end)
    }
}

impl Fields for Split<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.ends.len()
    }
    #[inline]
    fn get(&self, j: usize) -> Option<&[u8]> {
        self.line.get(self.range(j)?)
    }
    #[inline]
    fn text(&self, j: usize) -> Option<&str> {
        // the delimiter is ASCII, so field bounds are char boundaries
        self.text?.get(self.range(j)?)
    }
}

/// Checks one data record and delivers it as a row at `line`. `enc` gives
/// the encoding's name and whether it was detected (for the message of an
/// undecodable cell).
fn record(
    sink: &mut Sink<'_>,
    rec: &impl Fields,
    line: usize,
    layout: &Layout,
    enc: &dyn Fn() -> (&'static str, bool),
) {
    let h = &layout.header;
    let n = rec.len();
    let mut used = 0;
    for j in (0..n).rev() {
        if rec.get(j).is_some_and(|f| !blank(f)) {
            used = j + 1;
            break;
        }
    }
    if used == 0 {
        return;
    }
    if n < layout.need || used > layout.cells.len() {
        sink.problem(
            line,
            None,
            Severity::Error,
            "table.ragged_row",
            TableMsg::RaggedRow {
                expected: layout.cells.len(),
                found: n,
            },
        );
        return;
    }

    sink.start_row();
    for (j, m) in h.by_file.iter().enumerate() {
        let Some(col) = *m else { continue };
        if !sink.wants(col) {
            continue;
        }
        let Some(bytes) = rec.get(j) else { continue };
        if bytes.is_empty() {
            continue;
        }
        let text = match rec.text(j) {
            Some(s) => Ok(s),
            None => std::str::from_utf8(bytes),
        };
        match text {
            Ok(s) => {
                if !s.is_ascii() && has_replacement_char(bytes) {
                    let encoding = enc().0.to_string();
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
                let detected = enc().1;
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

/// Delivers the records of a stream known to hold no quote character,
/// starting at line `base + 1`. Without quotes a record is a line and its
/// fields are cut at the delimiter — what csv does with such input, without
/// its state machine. The `\r` of a CRLF ending stays in the last field, as
/// with csv (whitespace, trimmed).
fn plain_rows<R: Read>(
    sink: &mut Sink<'_>,
    mut dec: Decoded<R>,
    layout: &Layout,
    base: usize,
    delim: u8,
    block: usize,
) -> Result<()> {
    let path = sink.path;
    let encoding = dec.encoding().map_or("UTF-8", |e| e.name());
    let detected = !dec.forced();
    let enc = move || (encoding, detected);
    // `buf[..have]`: the unfinished line, kept at the front
    let mut buf: Vec<u8> = vec![0; block];
    let mut have = 0;
    let mut ends: Vec<usize> = Vec::with_capacity(layout.cells.len() + 1);
    let mut line = base;
    let mut eof = false;
    while !eof {
        if buf.len() < have + block {
            buf.resize(have + block, 0);
        }
        let got = loop {
            match dec.read(&mut buf[have..have + block]) {
                Ok(got) => break got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(path, e)),
            }
        };
        let filled = have + got;
        eof = got == 0;
        let complete = if eof {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[have..filled]) {
                Some(i) => have + i + 1,
                // no line end yet: read more (a bounded amount)
                None => {
                    if filled > MAX_LINE {
                        return Err(Error::format_detail(
                            path,
                            line_too_long(line + 1, MAX_LINE),
                        ));
                    }
                    have = filled;
                    continue;
                }
            }
        };
        let block = &buf[..complete];
        // one UTF-8 check for the block (it ends at a line break); per line
        // only when it fails
        let valid = simdutf8::basic::from_utf8(block).ok();
        let mut start = 0;
        let mut deliver = |start: usize, stop: usize, ends: &mut Vec<usize>| {
            line += 1;
            if start == stop {
                return;
            }
            let text = &block[start..stop];
            ends.push(stop - start);
            let fields = Split {
                line: text,
                text: match valid {
                    // cut at ASCII bytes: char boundaries
                    Some(v) => v.get(start..stop),
                    None => std::str::from_utf8(text).ok(),
                },
                ends,
            };
            record(sink, &fields, line, layout, &enc);
            ends.clear();
        };
        // one pass over the block for line breaks and delimiters
        for i in memchr::memchr2_iter(delim, b'\n', block) {
            if block[i] == b'\n' {
                deliver(start, i, &mut ends);
                start = i + 1;
            } else {
                ends.push(i - start);
            }
        }
        if start < complete {
            // the last line of the stream, without a line break
            deliver(start, complete, &mut ends);
        }
        buf.copy_within(complete..filled, 0);
        have = filled - complete;
    }
    Ok(())
}

/// Whether UTF-8 `b` holds U+FFFD (EF BF BD), the mark of bytes the
/// decoder could not read.
fn has_replacement_char(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == 0xEF) {
        let j = i + p;
        if b.get(j + 1) == Some(&0xBF) && b.get(j + 2) == Some(&0xBD) {
            return true;
        }
        i = j + 1;
    }
    false
}

/// When a delimited file is read in parallel.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tuning {
    /// Files smaller than this are read by one thread.
    pub min_size: u64,
    /// Target size of one chunk.
    pub chunk: u64,
    /// Bytes read at a time within a chunk.
    pub block: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            min_size: 16 << 20,
            chunk: 8 << 20,
            block: 1 << 20,
        }
    }
}

/// One byte range of a file read in parallel, starting at a line start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u64,
    pub end: u64,
    /// Lines before `start` (line breaks in `0..start`).
    pub base: usize,
}

/// Splits `path` (of `size` bytes) into about `n` ranges at line breaks.
/// `None` when the file holds a `"` anywhere: a quoted field may contain a
/// line break, so only a reader from the start knows where records end.
pub(crate) fn plan_spans(path: &Path, size: u64, n: usize) -> Result<Option<Vec<Span>>> {
    let n = n.max(1) as u64;
    let nominal: Vec<(u64, u64)> = (0..n)
        .map(|k| (size * k / n, size * (k + 1) / n))
        .filter(|(a, b)| a < b)
        .collect();
    // per range: first line break, number of line breaks, any quote
    let scans: Vec<Result<(Option<u64>, usize, bool)>> = nominal
        .par_iter()
        .map(|&(a, b)| {
            let mut f = detect::open(path)?;
            f.seek(SeekFrom::Start(a)).map_err(|e| Error::io(path, e))?;
            let mut f = f.take(b - a);
            let mut buf = vec![0u8; 256 << 10];
            let (mut first, mut count, mut quote, mut at) = (None, 0usize, false, a);
            loop {
                let got = match f.read(&mut buf) {
                    Ok(0) => break,
                    Ok(got) => got,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(path, e)),
                };
                let part = &buf[..got];
                if first.is_none() {
                    first = part.iter().position(|&c| c == b'\n').map(|i| at + i as u64);
                }
                count += part.iter().filter(|&&c| c == b'\n').count();
                quote |= part.contains(&b'"');
                at += got as u64;
            }
            Ok((first, count, quote))
        })
        .collect();
    let mut spans: Vec<Span> = Vec::new();
    let mut lines = 0usize;
    for (k, r) in scans.into_iter().enumerate() {
        let (first, count, quote) = r?;
        if quote {
            return Ok(None);
        }
        if k == 0 {
            spans.push(Span {
                start: 0,
                end: size,
                base: 0,
            });
        } else if let Some(nl) = first {
            if nl + 1 < size {
                if let Some(last) = spans.last_mut() {
                    last.end = nl + 1;
                }
                spans.push(Span {
                    start: nl + 1,
                    end: size,
                    base: lines + 1,
                });
            }
        }
        lines += count;
    }
    Ok(Some(spans))
}

/// What one chunk of a parallel read returns.
type ChunkOut<S> = Result<(S, Vec<InputProblem>)>;

/// Reads a delimited file in parallel chunks when it is big, has no quote
/// characters and its encoding is settled by the header; `None` when it
/// must be read by one reader from the start.
pub(crate) fn read_parallel<S, I, F>(
    path: &Path,
    schema: &Schema,
    opts: &ReadOptions,
    delim: u8,
    tuning: Tuning,
    init: &I,
    f: &F,
) -> Result<Option<Vec<ChunkOut<S>>>>
where
    S: Send,
    I: Fn(u64) -> S + Sync,
    F: Fn(&mut S, Row<'_>) + Sync,
{
    let size = detect::open(path)?
        .metadata()
        .map_err(|e| Error::io(path, e))?
        .len();
    let threads = rayon::current_num_threads();
    if size < tuning.min_size || size == 0 || threads < 2 {
        return Ok(None);
    }
    // the header (and its warnings), the encoding, and how far into the
    // decoded stream the header ends
    let (layout, header_problems, encoding, forced, header_end) = {
        let mut ignore = |_: Row<'_>| {};
        let mut sink = Sink::new(path, schema, opts, &mut ignore);
        let mut rdr = csv_reader(open_decoded(path, opts)?, delim);
        let mut rec = csv::ByteRecord::new();
        let layout = find_header(&mut sink, &mut rdr, &mut rec)?;
        let problems = std::mem::take(&mut sink.problems);
        let dec = rdr.get_ref().get_ref();
        (
            layout,
            problems,
            dec.encoding(),
            dec.forced(),
            rdr.position().byte(),
        )
    };
    // ASCII so far: the encoding would be decided later, per reader; and
    // UTF-16 line breaks are two bytes
    let Some(encoding) = encoding.filter(|e| *e == encoding_rs::UTF_8 || e.is_ascii_compatible())
    else {
        return Ok(None);
    };
    // at least a few chunks a thread, so that the threads finish together
    let n = (size / tuning.chunk.max(1))
        .max(4 * threads as u64)
        .clamp(2, 256) as usize;
    let Some(spans) = plan_spans(path, size, n)? else {
        return Ok(None);
    };
    // the decoded header position is at least its position in the file
    if spans.len() < 2 || header_end + 4 >= spans[0].end {
        return Ok(None);
    }
    let out = spans
        .par_iter()
        .enumerate()
        .map(|(k, span)| -> ChunkOut<S> {
            let mut state = init(span.end - span.start);
            let mut cb = |r: Row<'_>| f(&mut state, r);
            let mut sink = Sink::new(path, schema, opts, &mut cb);
            sink.headers.clone_from(&layout.header.headers);
            if k == 0 {
                // the header's warnings, then the rows after it: the decoded
                // stream from the start, the header's bytes skipped and their
                // lines counted
                sink.problems.clone_from(&header_problems);
                let mut dec = decoded(path, detect::open(path)?.take(span.end), opts)?;
                let mut head = Vec::new();
                (&mut dec)
                    .take(header_end)
                    .read_to_end(&mut head)
                    .map_err(|e| Error::io(path, e))?;
                let base = memchr::memchr_iter(b'\n', &head).count();
                plain_rows(&mut sink, dec, &layout, base, delim, tuning.block)?;
            } else {
                let mut file = detect::open(path)?;
                file.seek(SeekFrom::Start(span.start))
                    .map_err(|e| Error::io(path, e))?;
                let dec = Decoded::continuing(file.take(span.end - span.start), encoding, forced);
                plain_rows(&mut sink, dec, &layout, span.base, delim, tuning.block)?;
            }
            let problems = std::mem::take(&mut sink.problems);
            drop(sink);
            Ok((state, problems))
        })
        .collect();
    Ok(Some(out))
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

#[cfg(test)]
mod tests {
    use super::has_replacement_char;

    #[test]
    fn replacement_char_is_found_in_bytes() {
        assert!(has_replacement_char("课\u{FFFD}程".as_bytes()));
        assert!(has_replacement_char("\u{FFFD}".as_bytes()));
        assert!(!has_replacement_char("课程\u{FEFF}".as_bytes()));
        assert!(!has_replacement_char(b"\xEF\xBF"));
        assert!(!has_replacement_char(b""));
    }
}

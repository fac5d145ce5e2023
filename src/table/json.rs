//! JSON (an array of objects, streamed element by element) and JSON Lines.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{self, SeqAccess, Visitor};
use serde::Deserializer as _;
use serde_json::Value;

use super::cell::Raw;
use super::decode::{line_too_long, Decoded, MAX_LINE};
use super::{detect, lookup, missing_error, Header, ReadOptions, Sink, TableMsg};
use crate::finding::Severity;
use crate::{Error, Result};

struct State {
    lookup: HashMap<String, usize>,
    /// Raw key → schema column, cached.
    keys: HashMap<String, Option<usize>>,
    header_done: bool,
    encoding: String,
}

fn open(sink: &Sink<'_>, opts: &ReadOptions) -> Result<(BufReader<Decoded<std::fs::File>>, State)> {
    let path = sink.path;
    let dec = super::decode::decoded(path, detect::open(path)?, opts)?;
    // decided at the first non-ASCII byte, which is not read yet
    let encoding = dec
        .encoding()
        .map_or("UTF-8/GB18030 (detected)", |e| e.name())
        .to_string();
    let state = State {
        lookup: lookup(sink.schema),
        keys: HashMap::new(),
        header_done: false,
        encoding,
    };
    Ok((BufReader::with_capacity(64 * 1024, dec), state))
}

/// One element (array) or line (JSON Lines) at `row`.
fn element(sink: &mut Sink<'_>, st: &mut State, row: usize, v: Value) -> Result<()> {
    let Value::Object(map) = v else {
        sink.problem(
            row,
            None,
            Severity::Error,
            "table.bad_json",
            TableMsg::NotAnObject,
        );
        return Ok(());
    };
    if !st.header_done {
        let keys: Vec<String> = map.keys().cloned().collect();
        let h = Header::map(&st.lookup, sink.schema, &keys);
        if !h.missing(sink.schema).is_empty() {
            return Err(missing_error(sink.path, sink.schema, Some(&h)));
        }
        sink.set_header(&h, row);
        st.header_done = true;
    }
    sink.start_row();
    for (k, val) in &map {
        let col = match st.keys.get(k.as_str()) {
            Some(c) => *c,
            None => {
                let c = st.lookup.get(&crate::text::header_key(k)).copied();
                st.keys.insert(k.clone(), c);
                c
            }
        };
        let Some(col) = col else { continue };
        if sink.is_set(col) {
            continue;
        }
        if sink.headers[col].is_none() {
            sink.headers[col] = Some(k.clone());
        }
        let tmp: String;
        let raw = match val {
            Value::Null => Raw::Empty,
            Value::Bool(b) => Raw::Bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Raw::Int(i)
                } else if n.is_u64() {
                    tmp = n.to_string();
                    Raw::Str(&tmp)
                } else {
                    Raw::JsonFloat(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => {
                if s.contains('\u{FFFD}') {
                    sink.problem(
                        row,
                        Some(col),
                        Severity::Error,
                        "table.encoding",
                        TableMsg::Undecodable {
                            encoding: st.encoding.clone(),
                        },
                    );
                    continue;
                }
                Raw::Str(s)
            }
            Value::Array(_) | Value::Object(_) => Raw::Nested,
        };
        sink.cell(row, col, raw);
    }
    sink.finish_row(row);
    Ok(())
}

struct Elements<'s, 'a> {
    sink: &'s mut Sink<'a>,
    st: &'s mut State,
    fatal: &'s mut Option<Error>,
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut index = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            index += 1;
            if let Err(e) = element(self.sink, self.st, index, v) {
                *self.fatal = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

fn json_error(sink: &Sink<'_>, e: serde_json::Error) -> Error {
    let (zh, en) = if e.is_eof() {
        (
            "JSON 提前结束（文件不完整？）",
            "the JSON ends too early (truncated file?)",
        )
    } else {
        ("JSON 格式错误", "invalid JSON")
    };
    Error::format(
        sink.path,
        format!("{zh}：第 {} 行第 {} 列", e.line(), e.column()),
        format!("{en} at line {}, column {}: {e}", e.line(), e.column()),
    )
}

/// A JSON array of objects; rows are element numbers (1-based).
pub(crate) fn read_array(sink: &mut Sink<'_>, opts: &ReadOptions) -> Result<()> {
    let (reader, mut st) = open(sink, opts)?;
    sink.element = true;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut fatal = None;
    let res = de.deserialize_seq(Elements {
        sink,
        st: &mut st,
        fatal: &mut fatal,
    });
    if let Some(e) = fatal {
        return Err(e);
    }
    res.map_err(|e| json_error(sink, e))?;
    de.end().map_err(|e| json_error(sink, e))?;
    Ok(())
}

/// JSON Lines: one object per line; rows are line numbers.
pub(crate) fn read_lines(sink: &mut Sink<'_>, opts: &ReadOptions) -> Result<()> {
    let (mut reader, mut st) = open(sink, opts)?;
    let path = sink.path;
    let mut buf = Vec::new();
    let mut line = 0;
    let mut seen = false;
    loop {
        buf.clear();
        // at most MAX_LINE + 1 bytes: a line without end is refused, not
        // buffered whole
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        if n > MAX_LINE {
            return Err(Error::format_detail(
                path,
                line_too_long(line + 1, MAX_LINE),
            ));
        }
        line += 1;
        if blank(&buf) {
            continue;
        }
        if std::str::from_utf8(&buf).is_err() {
            let detected = !reader.get_ref().forced();
            sink.problem(
                line,
                None,
                Severity::Error,
                "table.encoding",
                TableMsg::NotUtf8 { detected },
            );
            continue;
        }
        match serde_json::from_slice::<Value>(&buf) {
            Ok(v) => {
                seen = true;
                element(sink, &mut st, line, v)?;
            }
            Err(e) if !seen => {
                return Err(Error::format(
                    path,
                    format!(
                        "不是 JSON Lines（每行一个对象）：第 {line} 行第 {} 列",
                        e.column()
                    ),
                    format!(
                        "not JSON Lines (one object per line): line {line}, column {}: {e}",
                        e.column()
                    ),
                ))
            }
            Err(e) => sink.problem(
                line,
                None,
                Severity::Error,
                "table.bad_json",
                TableMsg::BadJsonLine {
                    error: e.to_string(),
                },
            ),
        }
    }
    if !seen {
        return Err(Error::format(
            path,
            "文件没有内容（没有 JSON 对象）",
            "the file has no content (no JSON object)",
        ));
    }
    Ok(())
}

fn blank(b: &[u8]) -> bool {
    b.iter().all(|c| c.is_ascii_whitespace())
}

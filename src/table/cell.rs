//! Turning one cell into the value delivered for its column's [`Kind`].

use chrono::{Datelike, NaiveDate};

use super::{Kind, TableMsg};
use crate::finding::Severity;
use crate::text::{is_invisible, norm_into};

/// Longest code (admission, ID, certificate number...), in bytes.
pub const MAX_CODE: usize = 64;
/// Longest value (score, credits) or date, in bytes.
pub const MAX_VALUE: usize = 256;
/// Longest text cell, in bytes.
pub const MAX_TEXT: usize = 10_000;
use crate::date::YEARS;

/// A cell as a source gives it.
#[derive(Debug)]
pub(crate) enum Raw<'a> {
    Empty,
    Str(&'a str),
    Int(i64),
    /// An Excel number.
    Float(f64),
    Bool(bool),
    /// An Excel date/time cell: the serial, whether it is a duration, and
    /// its calendar date and time of day (as Excel shows them).
    ExcelDate {
        serial: f64,
        duration: bool,
        ymd: (u16, u8, u8),
        hms: (u8, u8, u8),
    },
    /// An Excel error cell (`#N/A`).
    Error(String),
    /// A JSON number that is not an integer (has a fraction or exponent).
    JsonFloat(f64),
    /// A JSON object or array.
    Nested,
}

/// A row problem found in a cell.
#[derive(Debug, PartialEq)]
pub(crate) struct Issue {
    pub code: &'static str,
    pub severity: Severity,
    pub msg: TableMsg,
}

fn err(code: &'static str, msg: TableMsg) -> Issue {
    Issue {
        code,
        severity: Severity::Error,
        msg,
    }
}

pub(crate) const BAD_VALUE: &str = "table.bad_value";
pub(crate) const SCI: &str = "table.scientific_notation";
pub(crate) const RESTORED: &str = "table.course_code_restored";
pub(crate) const BAD_DATE: &str = "table.bad_date";

/// What a conversion produced.
#[derive(Debug, PartialEq)]
pub(crate) enum Conv {
    /// Nothing (an empty cell): the column's value is `None`.
    Empty,
    /// The value is in the output buffer.
    Value,
    /// The value is in the output buffer, repaired; the issue is a warning.
    Warn(Issue),
}

/// Converts `raw` for a column of `kind` into `out` (cleared first).
pub(crate) fn convert(kind: Kind, raw: Raw<'_>, out: &mut String) -> Result<Conv, Issue> {
    out.clear();
    match raw {
        Raw::Empty => Ok(Conv::Empty),
        Raw::Str(s) => text(kind, s, out),
        Raw::Int(i) => text(kind, &i.to_string(), out),
        Raw::Nested => Err(err(BAD_VALUE, TableMsg::NestedValue)),
        Raw::Error(e) => Err(err(BAD_VALUE, TableMsg::ExcelError { value: e })),
        Raw::Bool(b) => {
            let v = if b { "TRUE" } else { "FALSE" };
            match kind {
                Kind::Code | Kind::CourseCode => Err(err(
                    BAD_VALUE,
                    TableMsg::NotACode {
                        value: v.to_string(),
                    },
                )),
                Kind::Date => Err(err(
                    BAD_DATE,
                    TableMsg::BadDate {
                        value: v.to_string(),
                    },
                )),
                Kind::Text | Kind::Value => {
                    out.push_str(v);
                    Ok(Conv::Value)
                }
            }
        }
        Raw::Float(f) => match kind {
            Kind::Code | Kind::CourseCode => {
                if !f.is_finite() || f.fract() != 0.0 {
                    Err(err(
                        BAD_VALUE,
                        TableMsg::DecimalInCode {
                            value: fmt_float(f),
                        },
                    ))
                } else if f.abs() >= 1e15 {
                    Err(err(
                        SCI,
                        TableMsg::NumberTooLong {
                            value: fmt_float(f),
                        },
                    ))
                } else {
                    text(kind, &format!("{}", f as i64), out)
                }
            }
            Kind::Date if f.fract() != 0.0 => match serial_date(f, false) {
                Some(d) => {
                    out.push_str(&d);
                    Ok(Conv::Value)
                }
                None => Err(err(
                    BAD_DATE,
                    TableMsg::BadDate {
                        value: fmt_float(f),
                    },
                )),
            },
            _ => text(kind, &fmt_float(f), out),
        },
        Raw::JsonFloat(f) => match kind {
            Kind::Code | Kind::CourseCode => {
                if f.abs() >= 1e15 {
                    Err(err(
                        SCI,
                        TableMsg::ScientificNotation {
                            value: format!("{f:E}"),
                        },
                    ))
                } else {
                    Err(err(
                        BAD_VALUE,
                        TableMsg::DecimalInCode {
                            value: fmt_float(f),
                        },
                    ))
                }
            }
            _ => text(kind, &fmt_float(f), out),
        },
        Raw::ExcelDate {
            serial,
            duration,
            ymd: (y, m, d),
            hms: (hh, mm, ss),
        } => {
            let date = if duration {
                None
            } else {
                NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
                    .filter(|d| YEARS.contains(&d.year()))
                    .map(|d| d.format("%Y-%m-%d").to_string())
            };
            match (kind, date) {
                (Kind::Date, Some(d)) => {
                    out.push_str(&d);
                    Ok(Conv::Value)
                }
                (Kind::Date, None) => Err(err(
                    BAD_DATE,
                    TableMsg::BadDate {
                        value: fmt_float(serial),
                    },
                )),
                (Kind::Code | Kind::CourseCode, d) => Err(err(
                    BAD_VALUE,
                    TableMsg::NotACode {
                        value: d.unwrap_or_else(|| fmt_float(serial)),
                    },
                )),
                (Kind::Text | Kind::Value, Some(d)) => {
                    out.push_str(&d);
                    if (hh, mm, ss) != (0, 0, 0) {
                        out.push_str(&format!(" {hh:02}:{mm:02}:{ss:02}"));
                    }
                    Ok(Conv::Value)
                }
                (Kind::Text | Kind::Value, None) => {
                    out.push_str(&fmt_float(serial));
                    Ok(Conv::Value)
                }
            }
        }
    }
}

/// A number as a person writes it: `85`, `85.5`, never an exponent.
pub(crate) fn fmt_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Normalised code text: half-width, trimmed, inner spaces collapsed, and
/// without invisible characters.
fn norm_code(s: &str, out: &mut String) {
    norm_into(s, out);
    if !out.is_ascii() && out.chars().any(is_invisible) {
        let cleaned: String = out.chars().filter(|c| !is_invisible(*c)).collect();
        *out = cleaned;
    }
}

/// Whether text cell `s` is already what [`convert`] makes of it with no
/// issue — the common case of machine exports, checked without copying:
/// codes of ASCII letters and digits (a course code of 5 digits), values
/// of printable ASCII, text without whitespace at its ends. `false` only
/// means "convert it".
#[inline]
pub(crate) fn plain(kind: Kind, s: &str) -> bool {
    let b = s.as_bytes();
    let graphic = |c: u8| c > b' ' && c < 0x7F;
    match kind {
        Kind::CourseCode => b.len() == 5 && b.iter().all(u8::is_ascii_digit),
        Kind::Code => {
            !b.is_empty()
                && b.len() <= MAX_CODE
                && b.iter().all(u8::is_ascii_alphanumeric)
                && !is_scientific(s)
        }
        Kind::Value => !b.is_empty() && b.len() <= MAX_VALUE && b.iter().all(|&c| graphic(c)),
        Kind::Text => {
            b.len() <= MAX_TEXT
                && b.first().is_some_and(|&c| graphic(c))
                && b.last().is_some_and(|&c| graphic(c))
        }
        Kind::Date => false,
    }
}

fn text(kind: Kind, s: &str, out: &mut String) -> Result<Conv, Issue> {
    match kind {
        Kind::Text => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(Conv::Empty);
            }
            if t.len() > MAX_TEXT {
                return Err(too_long(t.len(), MAX_TEXT));
            }
            out.push_str(t);
            Ok(Conv::Value)
        }
        Kind::Code | Kind::CourseCode => {
            if s.len() > MAX_CODE * 4 {
                // do not even normalise a huge cell
                return Err(too_long(s.len(), MAX_CODE));
            }
            if s.trim().contains(['\n', '\r']) {
                return Err(err(BAD_VALUE, TableMsg::LineBreakInCode));
            }
            norm_code(s, out);
            if out.is_empty() {
                return Ok(Conv::Empty);
            }
            if out.len() > MAX_CODE {
                return Err(too_long(out.len(), MAX_CODE));
            }
            if is_scientific(out) {
                return Err(err(
                    SCI,
                    TableMsg::ScientificNotation { value: out.clone() },
                ));
            }
            if kind == Kind::CourseCode {
                course_code(out)
            } else if is_decimal(out) {
                Err(err(
                    BAD_VALUE,
                    TableMsg::DecimalInCode { value: out.clone() },
                ))
            } else {
                Ok(Conv::Value)
            }
        }
        Kind::Value => {
            if s.len() > MAX_VALUE * 4 {
                return Err(too_long(s.len(), MAX_VALUE));
            }
            norm_into(s, out);
            if out.is_empty() {
                return Ok(Conv::Empty);
            }
            if out.len() > MAX_VALUE {
                return Err(too_long(out.len(), MAX_VALUE));
            }
            Ok(Conv::Value)
        }
        Kind::Date => {
            if s.len() > MAX_VALUE {
                return Err(err(
                    BAD_DATE,
                    TableMsg::BadDate {
                        value: s.chars().take(40).collect::<String>() + "…",
                    },
                ));
            }
            norm_into(s, out);
            if out.is_empty() {
                return Ok(Conv::Empty);
            }
            if let Some(ok) = date_fast(out) {
                return if ok {
                    Ok(Conv::Value)
                } else {
                    Err(err(BAD_DATE, TableMsg::BadDate { value: out.clone() }))
                };
            }
            match parse_date(out) {
                Some(d) => {
                    out.clear();
                    out.push_str(&d);
                    Ok(Conv::Value)
                }
                None => Err(err(BAD_DATE, TableMsg::BadDate { value: out.clone() })),
            }
        }
    }
}

fn too_long(len: usize, max: usize) -> Issue {
    err(BAD_VALUE, TableMsg::TooLong { len, max })
}

/// The common date forms without allocating: `YYYYMM`, `YYYYMMDD`,
/// `YYYY-MM`, `YYYY-MM-DD`, rewritten in place. `None`: another form, use
/// [`parse_date`]; `Some(false)`: the form but not a valid date.
fn date_fast(out: &mut String) -> Option<bool> {
    let b = out.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let (y, m, d) = match b.len() {
        6 if digits(0..6) => (0..4, 4..6, None),
        8 if digits(0..8) => (0..4, 4..6, Some(6..8)),
        7 if digits(0..4) && b[4] == b'-' && digits(5..7) => (0..4, 5..7, None),
        10 if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) => {
            (0..4, 5..7, Some(8..10))
        }
        _ => return None,
    };
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter().fold(0, |a, c| a * 10 + u32::from(c - b'0'))
    };
    let (year, month) = (num(y) as i32, num(m));
    if !YEARS.contains(&year) || !(1..=12).contains(&month) {
        return Some(false);
    }
    let mut buf = [0u8; 10];
    let len = match d {
        Some(d) => {
            let day = num(d);
            if NaiveDate::from_ymd_opt(year, month, day).is_none() {
                return Some(false);
            }
            write_ymd(&mut buf, year as u32, month, Some(day))
        }
        None => write_ymd(&mut buf, year as u32, month, None),
    };
    out.clear();
    out.push_str(std::str::from_utf8(&buf[..len]).unwrap_or_default());
    Some(true)
}

fn write_ymd(buf: &mut [u8; 10], y: u32, m: u32, d: Option<u32>) -> usize {
    let dig = |n: u32| b'0' + (n % 10) as u8;
    buf[..7].copy_from_slice(&[
        dig(y / 1000),
        dig(y / 100),
        dig(y / 10),
        dig(y),
        b'-',
        dig(m / 10),
        dig(m),
    ]);
    match d {
        Some(d) => {
            buf[7..10].copy_from_slice(&[b'-', dig(d / 10), dig(d)]);
            10
        }
        None => 7,
    }
}

/// The course-code rule: digits shorter than 5 are left-padded (warning);
/// 5-6 letters/digits are kept; anything else is an error.
fn course_code(out: &mut String) -> Result<Conv, Issue> {
    if out.len() == 5 && out.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Conv::Value);
    }
    let original = out.clone();
    let mut changed = false;
    // `15.0` or `00015.00`: a number with an empty fraction
    if let Some((int, frac)) = out.split_once('.') {
        if !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && !frac.is_empty()
            && frac.bytes().all(|b| b == b'0')
        {
            let int = int.to_string();
            *out = int;
            changed = true;
        }
    }
    let len = out.len();
    if out.bytes().all(|b| b.is_ascii_digit()) {
        if len < 5 {
            let padded = format!("{:0>5}", out);
            *out = padded;
            changed = true;
        } else if len > 6 {
            return Err(err(BAD_VALUE, TableMsg::BadCourseCode { value: original }));
        }
    } else if !(5..=6).contains(&len) || !out.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(err(BAD_VALUE, TableMsg::BadCourseCode { value: original }));
    }
    if changed {
        Ok(Conv::Warn(Issue {
            code: RESTORED,
            severity: Severity::Warning,
            msg: TableMsg::CourseCodeRestored {
                from: original,
                to: out.clone(),
            },
        }))
    } else {
        Ok(Conv::Value)
    }
}

/// `^[+-]?\d+(\.\d+)?[eE][+-]?\d+$`
pub(crate) fn is_scientific(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let d0 = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == d0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f0 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == f0 {
            return false;
        }
    }
    if i >= b.len() || (b[i] != b'e' && b[i] != b'E') {
        return false;
    }
    i += 1;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let e0 = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i > e0 && i == b.len()
}

/// `^\d+\.\d+$`: a code that went through a number type.
fn is_decimal(s: &str) -> bool {
    match s.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// An Excel serial date (1900 or 1904 system) as `YYYY-MM-DD`.
pub(crate) fn serial_date(serial: f64, is_1904: bool) -> Option<String> {
    crate::date::serial_day(serial, is_1904).map(|d| d.format("%Y-%m-%d").to_string())
}

/// Reads a date written in one of the usual ways ([`crate::date::DateVal::parse`]);
/// returns `YYYY-MM-DD`, or `YYYY-MM` for a year and month. `None` when it
/// is not a valid date. Date columns are normalised with it once, when the
/// table is read, so the commands see only these two forms.
pub fn parse_date(s: &str) -> Option<String> {
    crate::date::DateVal::parse(s).map(|d| d.show())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(
        kind: Kind,
        raw: Raw<'_>,
    ) -> Result<(Option<String>, Option<&'static str>), &'static str> {
        let mut out = String::new();
        match convert(kind, raw, &mut out) {
            Ok(Conv::Empty) => Ok((None, None)),
            Ok(Conv::Value) => Ok((Some(out), None)),
            Ok(Conv::Warn(i)) => Ok((Some(out), Some(i.code))),
            Err(i) => Err(i.code),
        }
    }
    fn s(kind: Kind, v: &str) -> Result<(Option<String>, Option<&'static str>), &'static str> {
        conv(kind, Raw::Str(v))
    }
    fn ok(v: &str) -> Result<(Option<String>, Option<&'static str>), &'static str> {
        Ok((Some(v.to_string()), None))
    }

    #[test]
    fn codes() {
        assert_eq!(
            s(Kind::Code, " ０１０１１８１００００１ "),
            ok("010118100001")
        );
        assert_eq!(s(Kind::Code, "\u{200B}4401"), ok("4401"));
        assert_eq!(s(Kind::Code, "   "), Ok((None, None)));
        assert_eq!(s(Kind::Code, "4.40106E+17"), Err(SCI));
        assert_eq!(s(Kind::Code, "4.40106e17"), Err(SCI));
        assert_eq!(s(Kind::Code, "-1E5"), Err(SCI));
        assert_eq!(s(Kind::Code, "E12345"), ok("E12345"));
        assert_eq!(s(Kind::Code, "12E"), ok("12E"));
        assert_eq!(s(Kind::Code, "123.0"), Err(BAD_VALUE));
        assert_eq!(s(Kind::Code, "12\n34"), Err(BAD_VALUE));
        assert_eq!(s(Kind::Code, &"1".repeat(65)), Err(BAD_VALUE));
        assert_eq!(s(Kind::Code, &"1".repeat(2_000_000)), Err(BAD_VALUE));
        assert_eq!(conv(Kind::Code, Raw::Float(4.40106e17)), Err(SCI));
        assert_eq!(
            conv(Kind::Code, Raw::Float(123456789012.0)),
            ok("123456789012")
        );
        assert_eq!(conv(Kind::Code, Raw::Float(12.5)), Err(BAD_VALUE));
        assert_eq!(conv(Kind::Code, Raw::JsonFloat(12.5)), Err(BAD_VALUE));
        assert_eq!(conv(Kind::Code, Raw::JsonFloat(4.4e17)), Err(SCI));
        assert_eq!(conv(Kind::Code, Raw::Int(42)), ok("42"));
        assert_eq!(conv(Kind::Code, Raw::Nested), Err(BAD_VALUE));
        assert_eq!(conv(Kind::Code, Raw::Bool(true)), Err(BAD_VALUE));
        assert_eq!(conv(Kind::Code, Raw::Error("#N/A".into())), Err(BAD_VALUE));
    }

    #[test]
    fn course_codes() {
        assert_eq!(s(Kind::CourseCode, "00015"), ok("00015"));
        assert_eq!(
            s(Kind::CourseCode, "15"),
            Ok((Some("00015".into()), Some(RESTORED)))
        );
        assert_eq!(
            s(Kind::CourseCode, "15.0"),
            Ok((Some("00015".into()), Some(RESTORED)))
        );
        assert_eq!(
            conv(Kind::CourseCode, Raw::Float(15.0)),
            Ok((Some("00015".into()), Some(RESTORED)))
        );
        assert_eq!(s(Kind::CourseCode, "123456"), ok("123456"));
        assert_eq!(s(Kind::CourseCode, "0301A"), ok("0301A"));
        assert_eq!(s(Kind::CourseCode, "1234567"), Err(BAD_VALUE));
        assert_eq!(s(Kind::CourseCode, "AB1"), Err(BAD_VALUE));
        assert_eq!(s(Kind::CourseCode, "马克思"), Err(BAD_VALUE));
        assert_eq!(s(Kind::CourseCode, "1.5E+4"), Err(SCI));
        assert_eq!(s(Kind::CourseCode, "15.5"), Err(BAD_VALUE));
    }

    #[test]
    fn text_and_values() {
        assert_eq!(s(Kind::Text, " 张　三 "), ok("张　三"));
        assert_eq!(s(Kind::Text, "　"), Ok((None, None)));
        assert_eq!(s(Kind::Value, " ８５ "), ok("85"));
        assert_eq!(conv(Kind::Value, Raw::Float(85.0)), ok("85"));
        assert_eq!(conv(Kind::Value, Raw::Float(85.5)), ok("85.5"));
        assert_eq!(conv(Kind::Text, Raw::Bool(false)), ok("FALSE"));
        assert_eq!(s(Kind::Text, &"长".repeat(5000)), Err(BAD_VALUE));
        assert_eq!(
            conv(
                Kind::Text,
                Raw::ExcelDate {
                    serial: 45107.5,
                    duration: false,
                    ymd: (2023, 6, 30),
                    hms: (12, 0, 0)
                }
            ),
            ok("2023-06-30 12:00:00")
        );
    }

    #[test]
    fn dates() {
        for (i, o) in [
            ("2023-06-30", "2023-06-30"),
            ("2023/6/30", "2023-06-30"),
            ("2023.6.30", "2023-06-30"),
            ("20230630", "2023-06-30"),
            ("2023年6月30日", "2023-06-30"),
            ("2023年06月", "2023-06"),
            ("2023-06-30 00:00:00", "2023-06-30"),
            ("2023-06-30T08:00:00", "2023-06-30"),
            ("2023/06/30 0:00", "2023-06-30"),
            ("202306", "2023-06"),
            ("2023-6", "2023-06"),
            ("45107", "2023-06-30"),
            ("45107.25", "2023-06-30"),
            ("２０２３－０６－３０", "2023-06-30"),
        ] {
            assert_eq!(parse_date(i).as_deref(), Some(o), "{i}");
            assert_eq!(s(Kind::Date, i), ok(o), "{i}");
        }
        for bad in [
            "2023-02-30",
            "2023-13",
            "202313",
            "2023",
            "23/6/30",
            "6/30/2023",
            "明年",
            "2023-06-30 abc",
            "1800-01-01",
            "2023--06",
            "2023-06-30-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
            assert_eq!(s(Kind::Date, bad), Err(BAD_DATE), "{bad}");
        }
        assert_eq!(conv(Kind::Date, Raw::Float(45107.0)), ok("2023-06-30"));
        assert_eq!(conv(Kind::Date, Raw::Float(202306.0)), ok("2023-06"));
        assert_eq!(conv(Kind::Date, Raw::Int(20230630)), ok("2023-06-30"));
        assert_eq!(
            conv(
                Kind::Date,
                Raw::ExcelDate {
                    serial: 45107.0,
                    duration: false,
                    ymd: (2023, 6, 30),
                    hms: (0, 0, 0)
                }
            ),
            ok("2023-06-30")
        );
        assert_eq!(
            conv(
                Kind::Date,
                Raw::ExcelDate {
                    serial: 1.5,
                    duration: true,
                    ymd: (1900, 1, 1),
                    hms: (12, 0, 0)
                }
            ),
            Err(BAD_DATE)
        );
        assert_eq!(conv(Kind::Date, Raw::Bool(true)), Err(BAD_DATE));
        assert_eq!(serial_date(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(serial_date(61.0, false).as_deref(), Some("1900-03-01"));
    }

    #[test]
    fn scientific() {
        assert!(is_scientific("4.40106E+17"));
        assert!(is_scientific("1e5"));
        assert!(!is_scientific("1e"));
        assert!(!is_scientific("1.e5"));
        assert!(!is_scientific("e5"));
        assert!(!is_scientific("12345"));
    }
}

//! Dates and months: the one parser of dates as people write them, the
//! graduation batch (`YYYY-MM`) and a policy's month-day. A leaf module:
//! the table reader, the policies and every command use it, and it uses
//! none of them.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

/// Dates outside these years are not accepted.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// A date as written: a day, or only a year and month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateVal {
    Day(NaiveDate),
    Month(i32, u32),
}

impl DateVal {
    /// Reads a date written in one of the usual ways; `None` when it is
    /// not a valid date (or its year is not within 1900-2199).
    ///
    /// Accepted: `2023-06-30`, `2023/6/30`, `2023.6.30`, `20230630`,
    /// `2023年6月30日`, any of these followed by a time (`2023-06-30 00:00:00`,
    /// `2023-06-30T08:00`), `2023-06`, `2023/6`, `2023.06`, `202306`,
    /// `2023年6月`, and an Excel serial of 5 digits (`45107`, `45107.5`).
    pub fn parse(s: &str) -> Option<DateVal> {
        let h = crate::text::norm(s);
        let mut s = h.as_str();
        // drop a time part
        if let Some(i) = s.find([' ', 'T']) {
            let rest = s[i + 1..].trim();
            if rest.is_empty()
                || (rest.contains(':')
                    && rest.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, ':' | '.' | ' ' | 'Z' | '+' | '-')
                    }))
            {
                s = s[..i].trim();
            } else {
                return None;
            }
        }
        let mut t = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '年' | '月' => t.push('-'),
                '日' | '号' => {}
                _ => t.push(c),
            }
        }
        let t = t.trim_end_matches('-');
        if t.is_empty() {
            return None;
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            return match t.len() {
                8 => ymd(&t[..4], &t[4..6], Some(&t[6..])),
                6 => ymd(&t[..4], &t[4..], None),
                5 => serial_day(t.parse().ok()?, false).map(DateVal::Day),
                _ => None,
            };
        }
        if let Some((int, frac)) = t.split_once('.') {
            if int.len() == 5
                && int.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b.is_ascii_digit())
            {
                return serial_day(t.parse().ok()?, false).map(DateVal::Day);
            }
        }
        let sep = t.bytes().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
        let parts: Vec<&str> = t.split(sep as char).collect();
        match parts.as_slice() {
            [y, m, d] => ymd(y, m, Some(d)),
            [y, m] => ymd(y, m, None),
            _ => None,
        }
    }

    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub fn show(self) -> String {
        match self {
            DateVal::Day(d) => d.format("%Y-%m-%d").to_string(),
            DateVal::Month(y, m) => format!("{y:04}-{m:02}"),
        }
    }

    /// The first and the last day it may stand for.
    pub fn range(self) -> (NaiveDate, NaiveDate) {
        match self {
            DateVal::Day(d) => (d, d),
            DateVal::Month(y, m) => {
                // a parsed month is valid: these cannot fail
                let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)
                };
                let last = next.and_then(|n| n.pred_opt()).unwrap_or(first);
                (first, last)
            }
        }
    }

    pub fn year(self) -> i32 {
        match self {
            DateVal::Day(d) => d.year(),
            DateVal::Month(y, _) => y,
        }
    }
}

fn ymd(y: &str, m: &str, d: Option<&str>) -> Option<DateVal> {
    let num = |s: &str, lens: std::ops::RangeInclusive<usize>| -> Option<u32> {
        if lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let year = num(y, 4..=4)? as i32;
    let month = num(m, 1..=2)?;
    if !YEARS.contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    match d {
        Some(d) => NaiveDate::from_ymd_opt(year, month, num(d, 1..=2)?).map(DateVal::Day),
        None => Some(DateVal::Month(year, month)),
    }
}

/// An Excel serial date (1900 or 1904 system).
pub(crate) fn serial_day(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (epoch, days) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else if days < 60 {
        // before Excel's phantom 1900-02-29
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    };
    let d = epoch.checked_add_signed(Duration::days(days))?;
    YEARS.contains(&d.year()).then_some(d)
}

/// A graduation batch, `YYYY-MM` (e.g. `2022-06`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Batch {
    pub year: i32,
    pub month: u32,
}

impl Batch {
    /// The first day of the batch month.
    pub fn first_day(self) -> NaiveDate {
        // Total even for a batch built in code with a bad month (a parsed
        // batch and a validated policy never have one).
        NaiveDate::from_ymd_opt(self.year, self.month.clamp(1, 12), 1).unwrap_or(NaiveDate::MAX)
    }

    /// The batch a date falls in for a policy: the first batch month on or
    /// after the date's month (December wraps to next year's first month).
    pub fn for_date(date: NaiveDate, months: &[u32]) -> Batch {
        let mut ms: Vec<u32> = if months.is_empty() {
            vec![6, 12]
        } else {
            months.to_vec()
        };
        ms.sort_unstable();
        match ms.iter().find(|m| **m >= date.month()) {
            Some(m) => Batch {
                year: date.year(),
                month: *m,
            },
            None => Batch {
                year: date.year() + 1,
                month: ms[0],
            },
        }
    }
}

impl fmt::Display for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Batch {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let t = s.trim();
        let (y, m) = t
            .split_once(['-', '/', '.'])
            .or_else(|| (t.len() == 6).then(|| t.split_at(4)))
            .ok_or_else(|| format!("batch `{s}` is not YYYY-MM (e.g. 2022-06)"))?;
        let year: i32 = y
            .parse()
            .map_err(|_| format!("batch `{s}` is not YYYY-MM (e.g. 2022-06)"))?;
        let month: u32 = m
            .parse()
            .map_err(|_| format!("batch `{s}` is not YYYY-MM (e.g. 2022-06)"))?;
        if !(1900..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(format!("batch `{s}` is not YYYY-MM (e.g. 2022-06)"));
        }
        Ok(Batch { year, month })
    }
}

/// A month-day in a policy file (`"05-01"`), resolved against a batch year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month.clamp(1, 12), 28))
            .unwrap_or(NaiveDate::MAX)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<Self, String> {
        let (m, d) = s
            .split_once('-')
            .ok_or_else(|| format!("`{s}` is not MM-DD"))?;
        let month: u32 = m.parse().map_err(|_| format!("`{s}` is not MM-DD"))?;
        let day: u32 = d.parse().map_err(|_| format!("`{s}` is not MM-DD"))?;
        if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
            return Err(format!("`{s}` is not a valid MM-DD"));
        }
        Ok(MonthDay { month, day })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_usual_ways_of_writing_a_date() {
        for s in [
            "2023-06-30",
            "2023/6/30",
            "2023.6.30",
            "20230630",
            "2023年6月30日",
            "2023-06-30 00:00:00",
            "2023-06-30T08:00",
            "45107",
            "45107.5",
        ] {
            assert_eq!(
                DateVal::parse(s),
                Some(DateVal::Day(d("2023-06-30"))),
                "{s}"
            );
        }
        for s in ["2023-06", "2023/6", "202306", "2023年6月", "2023年06月"] {
            assert_eq!(DateVal::parse(s), Some(DateVal::Month(2023, 6)), "{s}");
        }
        for s in [
            "",
            "2023-02-30",
            "2023-13",
            "1899-12-31",
            "30/06/2023",
            "2023-06-30 noon",
        ] {
            assert_eq!(DateVal::parse(s), None, "{s}");
        }
        assert_eq!(
            DateVal::Month(2024, 2).range(),
            (d("2024-02-01"), d("2024-02-29"))
        );
        assert_eq!(DateVal::Month(2023, 12).range().1, d("2023-12-31"));
        assert_eq!(DateVal::Month(2023, 6).show(), "2023-06");
        assert_eq!(DateVal::Day(d("2023-06-30")).show(), "2023-06-30");
    }
}

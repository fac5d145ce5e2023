//! `table.unmatched_rows`: rows of one table whose exam number matches no
//! record of the table it refers to. A province-wide export always holds
//! other people's rows, so that alone is information; but when the numbers
//! match once leading zeros are removed from both sides, one of the files
//! went through a spreadsheet as numbers (`0440…` → `440…`) and every row
//! is silently lost: an error naming the probable cause.

use std::collections::HashSet;
use std::path::Path;

use crate::finding::{InputProblem, Severity};

use super::TableMsg;

/// A key without its leading zeros (`00123` → `123`).
fn strip(key: &str) -> &str {
    key.trim_start_matches('0')
}

/// The keys of the table referred to, without leading zeros: does an
/// unmatched key match one of them once its zeros are restored?
pub struct LostZeros {
    stripped: HashSet<String>,
}

impl LostZeros {
    /// `known`: the normalised keys of the table referred to.
    pub fn new<'a>(known: impl IntoIterator<Item = &'a str>) -> Self {
        LostZeros {
            stripped: known.into_iter().map(|k| strip(k).to_string()).collect(),
        }
    }

    /// Whether `key` (normalised, matching none of the known keys as it is)
    /// matches one of them when leading zeros are ignored.
    pub fn matches(&self, key: &str) -> bool {
        let s = strip(key);
        !s.is_empty() && self.stripped.contains(s)
    }
}

/// The `table.unmatched_rows` problem of `count` rows of `file` (in its
/// column `column`) that match nothing in `other`: an error when
/// `zeros` (they match once leading zeros are restored: the cause is
/// named), else information. `None` when `count` is 0.
pub fn problem(
    file: &Path,
    column: &str,
    other: &Path,
    count: usize,
    example: String,
    zeros: bool,
) -> Option<InputProblem> {
    (count > 0).then(|| InputProblem {
        file: file.to_path_buf(),
        row: None,
        column: Some(column.to_string()),
        severity: if zeros {
            Severity::Error
        } else {
            Severity::Info
        },
        code: "table.unmatched_rows",
        message: TableMsg::UnmatchedRows {
            count,
            example,
            other: file_name(other),
            zeros,
        }
        .into(),
    })
}

/// [`problem`] for the rows of `file` whose keys are `unmatched` (each
/// matching none of `known`, the keys of `other`): counted, with the
/// first key that matches once leading zeros are restored as the example
/// (else the first key).
pub fn report<'a>(
    file: &Path,
    column: &str,
    other: &Path,
    known: impl IntoIterator<Item = &'a str>,
    unmatched: &[&str],
) -> Option<InputProblem> {
    let lost = LostZeros::new(known);
    let zero_hit = unmatched.iter().find(|k| lost.matches(k));
    let example = zero_hit.or(unmatched.first()).map(|k| k.to_string());
    problem(
        file,
        column,
        other,
        unmatched.len(),
        example.unwrap_or_default(),
        zero_hit.is_some(),
    )
}

/// The file name shown for `path` (the last component, as a clerk knows it).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_restored_either_way() {
        let lz = LostZeros::new(["044010100123", "12345"]);
        assert!(lz.matches("44010100123"));
        assert!(lz.matches("0012345"));
        assert!(!lz.matches("44010100124"));
        assert!(!lz.matches("000"));
    }

    #[test]
    fn severity_follows_the_cause() {
        let p = problem(
            Path::new("s.csv"),
            "准考证号",
            Path::new("dir/c.csv"),
            3,
            "1".into(),
            true,
        )
        .unwrap();
        assert_eq!(p.severity, Severity::Error);
        assert!(p.message.render(crate::msg::Lang::Zh).contains("c.csv"));
        let p = problem(
            Path::new("s.csv"),
            "准考证号",
            Path::new("c.csv"),
            3,
            "1".into(),
            false,
        )
        .unwrap();
        assert_eq!(p.severity, Severity::Info);
        assert!(problem(
            Path::new("s.csv"),
            "x",
            Path::new("c.csv"),
            0,
            String::new(),
            true
        )
        .is_none());
        let p = report(
            Path::new("s.csv"),
            "准考证号",
            Path::new("c.csv"),
            ["0123", "0456"],
            &["999", "456"],
        )
        .unwrap();
        assert_eq!(p.severity, Severity::Error);
        assert!(p.message.render(crate::msg::Lang::En).contains("e.g. 456"));
    }
}

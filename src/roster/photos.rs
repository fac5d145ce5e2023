//! The 照片 column of the graduates roster: each graduate's photo status
//! from the JSON report of `zikao photo check DIR --candidates LIST`
//! (`roster graduates --photos REPORT.json`, docs/roster.md).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::photo::folder::names::stem_key;
use crate::{Error, Result};

/// A graduate's photo as the report saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoStatus {
    /// One photo, compliant.
    Compliant,
    /// Photos, but failing: the finding codes.
    Failing(Vec<String>),
    /// No photo (`photo.missing`, or not in the report).
    Missing,
}

impl PhotoStatus {
    /// The printed cell: 合格, 不合格（codes）, 缺失.
    pub fn cell(&self) -> String {
        match self {
            PhotoStatus::Compliant => "合格".into(),
            PhotoStatus::Failing(codes) => format!("不合格（{}）", codes.join("; ")),
            PhotoStatus::Missing => "缺失".into(),
        }
    }
}

/// The photo statuses of a photo check report, by admission number.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Photos {
    pub path: PathBuf,
    by_exam: HashMap<String, PhotoStatus>,
}

impl Photos {
    /// The status of the candidate with this admission number (`Missing`
    /// when the report does not list them).
    pub fn status(&self, exam_no: &str) -> PhotoStatus {
        self.by_exam
            .get(&stem_key(exam_no))
            .cloned()
            .unwrap_or(PhotoStatus::Missing)
    }

    /// Reads the report file (see [`Photos::parse`]).
    pub fn read(path: &Path) -> Result<Photos> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Photos::parse(&text, path)
    }

    /// Parses the JSON report of `zikao photo check --candidates`: its
    /// `command` must be `photo check` and its summary must have the
    /// `candidates` counts (a run with `--candidates`), else an error
    /// naming the file (exit 2).
    pub fn parse(text: &str, path: &Path) -> Result<Photos> {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            Error::format(
                path,
                format!(
                    "不是照片检查（zikao photo check --candidates … --format json）的 JSON 报告（第 {} 行第 {} 列）",
                    e.line(),
                    e.column()
                ),
                format!("not the JSON report of `zikao photo check --candidates ... --format json`: {e}"),
            )
        })?;
        match doc.get("command").and_then(Value::as_str) {
            Some("photo check") => {}
            Some(other) => {
                return Err(Error::format(
                    path,
                    format!("这是 `zikao {other}` 的报告，不是照片检查（zikao photo check --candidates）的报告"),
                    format!("this is the report of `{other}`, not of `zikao photo check --candidates`"),
                ))
            }
            None => {
                return Err(Error::format(
                    path,
                    "没有 \"command\" 字段：不是照片检查（zikao photo check --candidates）的报告",
                    "no \"command\": not the JSON report of `zikao photo check --candidates`",
                ))
            }
        }
        if doc.pointer("/summary/candidates").is_none() {
            return Err(Error::format(
                path,
                "这次照片检查没有按考生名单核对：请运行 zikao photo check 文件夹 --candidates 名单 --format json",
                "this photo check was run without --candidates: run `zikao photo check DIR --candidates LIST --format json`",
            ));
        }
        let results = doc
            .get("results")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::format(path, "缺少 results 数组", "no \"results\" array"))?;
        let mut by_exam = HashMap::new();
        for r in results {
            let Some(exam) = r.get("exam_no").and_then(Value::as_str) else {
                continue; // a file that is no one's
            };
            let codes: Vec<String> = r
                .get("findings")
                .and_then(Value::as_array)
                .map(|f| {
                    let mut v: Vec<String> = Vec::new();
                    for x in f {
                        let sev = x.get("severity").and_then(Value::as_str);
                        if let Some(c) = x.get("code").and_then(Value::as_str) {
                            if sev == Some("error") && !v.iter().any(|s| s == c) {
                                v.push(c.to_string());
                            }
                        }
                    }
                    v
                })
                .unwrap_or_default();
            let status = if codes.iter().any(|c| c == "photo.missing") {
                PhotoStatus::Missing
            } else if r.get("verdict").and_then(Value::as_str) == Some("pass") {
                PhotoStatus::Compliant
            } else {
                PhotoStatus::Failing(codes)
            };
            by_exam.insert(stem_key(exam), status);
        }
        Ok(Photos {
            path: path.to_path_buf(),
            by_exam,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_validates_and_reads() {
        let p = Path::new("photos.json");
        let ok = r#"{"command": "photo check", "summary": {"candidates": {"total": 3}},
          "results": [
            {"exam_no": "010120100001", "verdict": "pass", "findings": []},
            {"exam_no": "010120100002", "verdict": "fail", "findings": [
               {"code": "photo.dpi", "severity": "error"}, {"code": "photo.sharpness", "severity": "warning"},
               {"code": "photo.dpi", "severity": "error"}, {"code": "photo.file_size", "severity": "error"}]},
            {"exam_no": "010120100003", "verdict": "fail", "findings": [{"code": "photo.missing", "severity": "error"}]},
            {"exam_no": null, "path": "x.jpg", "verdict": "fail", "findings": []}]}"#;
        let ph = Photos::parse(ok, p).unwrap();
        assert_eq!(ph.status("010120100001"), PhotoStatus::Compliant);
        assert_eq!(
            ph.status("０１０１２０１００００１"),
            PhotoStatus::Compliant
        );
        assert_eq!(
            ph.status("010120100002").cell(),
            "不合格（photo.dpi; photo.file_size）"
        );
        assert_eq!(ph.status("010120100003").cell(), "缺失");
        assert_eq!(ph.status("999").cell(), "缺失");
        for bad in [
            r#"{"command": "eligibility", "summary": {}, "results": []}"#,
            r#"{"command": "photo check", "summary": {}, "results": []}"#,
            r#"[1, 2]"#,
            "not json",
        ] {
            let e = Photos::parse(bad, p).unwrap_err();
            assert!(matches!(e, Error::Format { .. }), "{bad}");
            assert!(e.render(crate::Lang::En).contains("photos.json"));
        }
    }
}

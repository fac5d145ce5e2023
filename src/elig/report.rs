//! Reading a report JSON file written by another command (`prereq verify`'s
//! result is the source of `elig.prior_education`).

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::{Error, Result};

/// One item of another command's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrereqResult {
    /// `verified` / `review` / `rejected` (any other word is treated as review).
    pub verdict: String,
    /// The finding codes of the item.
    pub codes: Vec<String>,
}

/// Reads a report document `{"command": ..., "results": [{"exam_no", "verdict",
/// "findings": [{"code"...}]}]}` (or a bare array of results) into a map by
/// admission number. Returns the command name too (empty when absent).
pub fn read_report(path: &Path) -> Result<(String, HashMap<String, PrereqResult>)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_report(&text, path)
}

/// [`read_report`] on text.
pub fn parse_report(text: &str, path: &Path) -> Result<(String, HashMap<String, PrereqResult>)> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{FEFF}')).map_err(|e| {
        Error::format(
            path,
            format!(
                "不是报告的 JSON 文件（第 {} 行第 {} 列）",
                e.line(),
                e.column()
            ),
            format!("not a report JSON document: {e}"),
        )
    })?;
    crate::error::check_report_kind(path, &v, crate::prereq::COMMAND)?;
    let (command, results) = match &v {
        Value::Object(m) => (
            m.get("command")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            m.get("results")
                .and_then(Value::as_array)
                .ok_or_else(|| Error::WrongInput {
                    path: path.to_path_buf(),
                    found: String::new(),
                    expected: crate::prereq::COMMAND.into(),
                })?,
        ),
        Value::Array(a) => (String::new(), a),
        _ => {
            return Err(Error::format(
                path,
                "不是报告的 JSON 文件",
                "not a report JSON document",
            ))
        }
    };
    let mut out = HashMap::new();
    for (i, r) in results.iter().enumerate() {
        let exam_no = r
            .get("exam_no")
            .or_else(|| r.get("准考证号"))
            .and_then(|x| match x {
                Value::String(s) => Some(crate::text::norm(s)),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .ok_or_else(|| {
                Error::format(
                    path,
                    format!("第 {} 条结果没有准考证号（exam_no）", i + 1),
                    format!("results[{i}] has no exam_no"),
                )
            })?;
        let verdict = r
            .get("verdict")
            .and_then(Value::as_str)
            .unwrap_or("review")
            .trim()
            .to_ascii_lowercase();
        let codes: Vec<String> = r
            .get("findings")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| f.get("code").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        // an applicant listed twice keeps the worst verdict
        let rank = |v: &str| match v {
            "verified" => 0,
            "rejected" => 2,
            _ => 1,
        };
        let e = out.entry(exam_no).or_insert(PrereqResult {
            verdict: verdict.clone(),
            codes: Vec::new(),
        });
        if rank(&verdict) > rank(&e.verdict) {
            e.verdict = verdict;
        }
        for c in codes {
            if !e.codes.contains(&c) {
                e.codes.push(c);
            }
        }
    }
    Ok((command, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_standard_shape() {
        let t = r#"{"command":"prereq verify","summary":{},"results":[
            {"exam_no":"0101","name":"甲","verdict":"verified","findings":[]},
            {"exam_no":"0102","name":"乙","verdict":"rejected","findings":[{"code":"prereq.level","severity":"error","message":"x","measured":null,"expected":null}]}]}"#;
        let (cmd, m) = parse_report(t, Path::new("p.json")).unwrap();
        assert_eq!(cmd, "prereq verify");
        assert_eq!(m["0101"].verdict, "verified");
        assert_eq!(m["0102"].codes, vec!["prereq.level"]);
        assert!(parse_report("{}", Path::new("p.json")).is_err());
        assert!(parse_report("nope", Path::new("p.json")).is_err());
    }
}

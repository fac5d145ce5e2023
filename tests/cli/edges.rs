//! Rough edges a new clerk or candidate hits (issue 17): one test (or
//! more) per item, each failing on the code before the fix.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ex(name: &str) -> PathBuf {
    root().join("examples/exports").join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    raw: Vec<u8>,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs `zikao args…` in `dir` (ZIKAO_LANG unset).
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("zikao")
        .unwrap()
        .env_remove("ZIKAO_LANG")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        raw: out.stdout,
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The example exports copied into `dir` (short relative names in messages).
fn exports(dir: &Path) {
    for f in ["candidates.csv", "scores.csv", "plans.csv", "prior.csv"] {
        std::fs::copy(ex(f), dir.join(f)).unwrap();
    }
}

const ELIG_JSON: &str = r#"{"command":"eligibility","summary":{"total":1},"results":[
 {"exam_no":"010122100001","name":"张三","verdict":"eligible","findings":[]}],"input_errors":[]}"#;
const PREREQ_JSON: &str = r#"{"command":"prereq verify","summary":{"total":1},"results":[
 {"exam_no":"010122100001","name":"张三","verdict":"verified","findings":[]}],"input_errors":[]}"#;
const PHOTO_JSON: &str = r#"{"command":"photo check","summary":{"total":0},"results":[],"input_errors":[]}"#;

// ---- item 2: every JSON input is checked by its `command` field ----------

#[test]
fn item2_json_inputs_of_the_wrong_kind_are_exit_2_naming_file_and_kind() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    std::fs::write(dir.join("elig.json"), ELIG_JSON).unwrap();
    std::fs::write(dir.join("prereq.json"), PREREQ_JSON).unwrap();
    std::fs::write(dir.join("photo.json"), PHOTO_JSON).unwrap();
    let elig = |extra: &[&str]| {
        let mut a = vec![
            "eligibility",
            "--candidates",
            "candidates.csv",
            "--scores",
            "scores.csv",
            "--plans",
            "plans.csv",
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--as-of",
            "2022-06-20",
        ];
        a.extend_from_slice(extra);
        run_in(dir, &a)
    };
    // the issue's case: an eligibility result given as --prereq
    let r = elig(&["--prereq", "elig.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("elig.json"), "{}", r.stderr);
    assert!(r.stderr.contains("zikao eligibility"), "{}", r.stderr);
    assert!(r.stderr.contains("prereq verify"), "{}", r.stderr);
    let r = elig(&["--prereq", "photo.json", "--lang", "en"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("photo.json") && r.stderr.contains("`zikao photo check`"));
    // the right kind is still accepted
    let r = elig(&["--prereq", "prereq.json"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
    // a report where a table is needed
    for opt in ["--candidates", "--scores", "--plans"] {
        let mut a = vec![
            "eligibility",
            "--candidates",
            "candidates.csv",
            "--scores",
            "scores.csv",
            "--plans",
            "plans.csv",
        ];
        let i = a.iter().position(|x| *x == opt).unwrap();
        a[i + 1] = "elig.json";
        let r = run_in(dir, &a);
        assert_eq!(r.code, 2, "{opt}: {}", r.stderr);
        assert!(
            r.stderr.contains("elig.json") && r.stderr.contains("不是数据表"),
            "{opt}: {}",
            r.stderr
        );
    }
    // prereq verify --eligibility and roster graduates --eligibility
    let r = run_in(
        dir,
        &[
            "prereq",
            "verify",
            "--candidates",
            "candidates.csv",
            "--prior",
            "prior.csv",
            "--eligibility",
            "prereq.json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("prereq.json") && r.stderr.contains("zikao prereq verify"));
    let r = run_in(
        dir,
        &[
            "roster",
            "graduates",
            "--candidates",
            "candidates.csv",
            "--eligibility",
            "prereq.json",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("prereq.json") && r.stderr.contains("zikao prereq verify"));
    assert!(!r.stderr.contains("this is"), "English in a zh message: {}", r.stderr);
}

//! Every command on the bundled examples, as the README's tour runs them:
//! exit codes, JSON shape, output files, formula neutralisation, languages.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn zikao() -> Command {
    let mut c = Command::cargo_bin("zikao").unwrap();
    c.env_remove("ZIKAO_LANG");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ex(name: &str) -> PathBuf {
    root().join("examples/exports").join(name)
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("valid JSON")
}

/// The documented shape (docs/json.md): command, summary, results with
/// verdict and findings, input_errors.
fn assert_shape(v: &Value, command: &str) {
    assert_eq!(v["command"], command);
    assert!(v["summary"]["total"].is_u64());
    assert!(v["summary"]["verdicts"].is_object());
    assert!(v["summary"]["findings"].is_object());
    assert!(v["input_errors"].is_array());
    for r in v["results"].as_array().unwrap() {
        assert!(r["verdict"].is_string(), "{r}");
        for f in r["findings"].as_array().unwrap() {
            for k in ["code", "severity", "message", "measured", "expected"] {
                assert!(f.get(k).is_some(), "finding without {k}: {f}");
            }
        }
    }
    // keys come first, then verdict, then findings (preserved order)
    if let Some(first) = v["results"].as_array().unwrap().first() {
        let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
        let vi = keys.iter().position(|k| *k == "verdict").unwrap();
        let fi = keys.iter().position(|k| *k == "findings").unwrap();
        assert!(vi >= 1 && fi == vi + 1, "{keys:?}");
    }
}

#[test]
fn photo_check_examples_json_and_exit_1() {
    let out = zikao()
        .args(["photo", "check", "--format", "json"])
        .arg(root().join("examples/photos"))
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_shape(&v, "photo check");
    let res = v["results"].as_array().unwrap();
    assert_eq!(res.len(), 4);
    let by = |name: &str| {
        res.iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    assert_eq!(by("astronaut_ok_white.jpg")["verdict"], "pass");
    assert_eq!(by("grace_hopper_ok_blue.jpg")["verdict"], "pass");
    let codes = |name: &str| -> Vec<String> {
        by(name)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(codes("astronaut_off_centre.jpg").contains(&"photo.centered".into()));
    let small = codes("grace_hopper_small_face.jpg");
    assert!(small.contains(&"photo.face_width".into()) && small.contains(&"photo.head_top".into()));
    let m = &by("astronaut_ok_white.jpg")["measurements"];
    for k in [
        "width",
        "height",
        "dpi_x",
        "dpi_y",
        "bytes",
        "quality",
        "head_top",
        "eye_left_y",
        "eye_right_y",
        "face_width",
        "face_center_x",
        "background_rgb",
    ] {
        assert!(!m[k].is_null(), "measurement {k} missing: {m}");
    }
}

#[test]
fn photo_check_single_pass_is_exit_0_and_english() {
    zikao()
        .args(["photo", "check", "--lang", "en"])
        .arg(root().join("examples/photos/astronaut_ok_white.jpg"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("pass"));
    // ZIKAO_LANG works too
    zikao()
        .env("ZIKAO_LANG", "en")
        .args(["photo", "check"])
        .arg(root().join("examples/photos/astronaut_off_centre.jpg"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("centred").or(predicate::str::contains("centered")));
}

#[test]
fn photo_check_html_and_annotate() {
    let d = tempfile::tempdir().unwrap();
    let html = d.path().join("r.html");
    let ann = d.path().join("ann");
    zikao()
        .args(["photo", "check", "--format", "html", "-o"])
        .arg(&html)
        .arg("--annotate")
        .arg(&ann)
        .arg(root().join("examples/photos"))
        .assert()
        .code(1);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("astronaut_off_centre.jpg"));
    assert!(page.contains("data:image/"));
    let pngs = std::fs::read_dir(&ann).unwrap().count();
    assert_eq!(pngs, 4);
}

#[test]
fn output_exists_refused_without_force() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r.json");
    std::fs::write(&out, "keep me").unwrap();
    zikao()
        .args(["photo", "check", "--format", "json", "-o"])
        .arg(&out)
        .arg(root().join("examples/photos/astronaut_ok_white.jpg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    zikao()
        .args(["photo", "check", "--force", "--format", "json", "-o"])
        .arg(&out)
        .arg(root().join("examples/photos/astronaut_ok_white.jpg"))
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["results"][0]["verdict"], "pass");
}

fn run_prereq(dir: &Path) -> PathBuf {
    let p = dir.join("prereq.json");
    zikao()
        .args(["prereq", "verify", "--candidates"])
        .arg(ex("candidates.csv"))
        .arg("--prior")
        .arg(ex("prior.csv"))
        .args([
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--as-of",
            "2022-06-20",
        ])
        .args(["--format", "json", "-o"])
        .arg(&p)
        .assert()
        .code(1);
    p
}

fn run_elig(dir: &Path, prereq: &Path) -> PathBuf {
    let p = dir.join("elig.json");
    zikao()
        .arg("eligibility")
        .arg("--candidates")
        .arg(ex("candidates.csv"))
        .arg("--scores")
        .arg(ex("scores.csv"))
        .arg("--plans")
        .arg(ex("plans.csv"))
        .arg("--prereq")
        .arg(prereq)
        .args([
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--as-of",
            "2022-06-20",
        ])
        .args(["--format", "json", "-o"])
        .arg(&p)
        .assert()
        .code(1);
    p
}

#[test]
fn tour_prereq_eligibility_roster() {
    let d = tempfile::tempdir().unwrap();
    let pre = run_prereq(d.path());
    let v: Value = serde_json::from_slice(&std::fs::read(&pre).unwrap()).unwrap();
    assert_shape(&v, "prereq verify");
    // ID numbers masked by default
    assert!(!std::fs::read_to_string(&pre)
        .unwrap()
        .contains("44010619950312001X"));
    let verdict = |v: &Value, no: &str| -> String {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["exam_no"] == no)
            .map(|r| r["verdict"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(verdict(&v, "010122100001"), "verified");
    assert_eq!(verdict(&v, "010122100003"), "rejected"); // 中专

    let el = run_elig(d.path(), &pre);
    let e: Value = serde_json::from_slice(&std::fs::read(&el).unwrap()).unwrap();
    assert_shape(&e, "eligibility");
    assert_eq!(verdict(&e, "010122100001"), "eligible");
    assert_eq!(verdict(&e, "010122100002"), "ineligible");
    let codes = |no: &str| -> Vec<String> {
        e["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["exam_no"] == no)
            .unwrap()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    // exemption approved May 10: after Guangdong's May 1 cut-off
    assert!(codes("010122100003").contains(&"elig.deadline".into()));
    assert!(codes("010122100004").contains(&"elig.conduct".into()));
    assert!(codes("010122100005").contains(&"elig.practice_match".into()));
    assert!(codes("010122100006").contains(&"elig.record".into()));
    let missing = &e["results"][1]["missing"];
    assert!(!missing.is_null(), "what-is-left view present");

    // roster: only the eligible one is listed; leaving the others off is
    // the roster doing its job (exit 0, issue 17 item 7)
    let out = zikao()
        .args(["roster", "graduates", "--format", "json", "--candidates"])
        .arg(ex("candidates.csv"))
        .arg("--eligibility")
        .arg(&el)
        .assert()
        .code(0);
    let r = json_of(&out.get_output().stdout);
    let listed: Vec<&Value> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["verdict"] == "listed")
        .collect();
    assert_eq!(listed.len(), 1);
    assert_eq!(r["summary"]["findings"]["roster.not_eligible"], 5);

    // xlsx of the audit: written, readable
    let x = d.path().join("elig.xlsx");
    zikao()
        .arg("eligibility")
        .arg("--candidates")
        .arg(ex("candidates.csv"))
        .arg("--scores")
        .arg(ex("scores.csv"))
        .arg("--plans")
        .arg(ex("plans.csv"))
        .args([
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--as-of",
            "2022-06-20",
        ])
        .args(["--format", "xlsx", "-o"])
        .arg(&x)
        .assert()
        .code(1);
    assert!(std::fs::read(&x).unwrap().starts_with(b"PK"));
}

#[test]
fn csv_has_bom_by_default_and_neutralises_formulas() {
    let d = tempfile::tempdir().unwrap();
    // a candidate whose name is a formula
    let cands = d.path().join("c.csv");
    let text = std::fs::read_to_string(ex("candidates.csv")).unwrap();
    std::fs::write(&cands, text.replace("张三", "=HYPERLINK(\"x\")")).unwrap();
    let out = zikao()
        .args([
            "roster",
            "reception",
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--format",
            "csv",
            "--candidates",
        ])
        .arg(&cands)
        .assert()
        .code(1);
    let bytes = out.get_output().stdout.clone();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM first");
    let s = String::from_utf8(bytes).unwrap();
    assert!(s.contains("'=HYPERLINK"), "{s}");
    assert!(!s.contains(",=HYPERLINK"), "{s}");
    let out = zikao()
        .args([
            "roster",
            "reception",
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--format",
            "csv",
            "--no-bom",
            "--candidates",
        ])
        .arg(&cands)
        .assert()
        .code(1);
    assert!(!out.get_output().stdout.starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn reception_findings_and_exit_1() {
    let out = zikao()
        .args([
            "roster",
            "reception",
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--format",
            "json",
            "--candidates",
        ])
        .arg(ex("candidates.csv"))
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["summary"]["findings"]["roster.office_not_allowed"], 1);
    assert_eq!(v["summary"]["findings"]["roster.office_missing"], 1);
    // national has no built-in table: usage error naming --offices
    zikao()
        .args(["roster", "reception", "--candidates"])
        .arg(ex("candidates.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--offices"));
}

#[test]
fn missing_column_names_file_and_column() {
    let d = tempfile::tempdir().unwrap();
    let s = d.path().join("scores.csv");
    let text = std::fs::read_to_string(ex("scores.csv")).unwrap();
    std::fs::write(&s, text.replacen("课程代码", "科目", 1)).unwrap();
    zikao()
        .arg("eligibility")
        .arg("--candidates")
        .arg(ex("candidates.csv"))
        .arg("--scores")
        .arg(&s)
        .arg("--plans")
        .arg(ex("plans.csv"))
        .args(["--batch", "2022-06", "--as-of", "2022-06-20"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scores.csv").and(predicate::str::contains("课程代码")));
}

#[test]
fn fix_size_writes_only_compliant_photos() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("fixed");
    let o = zikao()
        .args(["photo", "fix-size", "--format", "json", "--out-dir"])
        .arg(&out)
        .arg(root().join("examples/photos"))
        .assert()
        .code(1);
    let v = json_of(&o.get_output().stdout);
    assert_shape(&v, "photo fix-size");
    let written: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let refused = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == "refused")
        .count();
    assert_eq!(written.len() + refused, 4);
    // every written file passes photo check
    zikao()
        .args(["photo", "check"])
        .args(&written)
        .assert()
        .code(0);
}

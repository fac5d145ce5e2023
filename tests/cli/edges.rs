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
const PHOTO_JSON: &str =
    r#"{"command":"photo check","summary":{"total":0},"results":[],"input_errors":[]}"#;

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
    let r = run_in(dir, &graduates_args("prereq.json", &[]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("prereq.json") && r.stderr.contains("zikao prereq verify"));
    assert!(
        !r.stderr.contains("this is"),
        "English in a zh message: {}",
        r.stderr
    );
}

/// `eligibility` on the example exports (guangdong, 2022-06) in `dir`.
fn elig_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
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
    a
}

/// `roster graduates --candidates candidates.csv --eligibility ELIG extra…`.
fn graduates_args<'a>(elig: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "roster",
        "graduates",
        "--candidates",
        "candidates.csv",
        "--eligibility",
        elig,
    ];
    a.extend_from_slice(extra);
    a
}

// ---- item 6: the format follows -o's extension -----------------------------

#[test]
fn item6_format_from_output_extension_and_clashes() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let r = run_in(dir, &elig_args(&["-o", "x.xlsx"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(std::fs::read(dir.join("x.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
    let r = run_in(dir, &elig_args(&["-o", "x.json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_slice(&std::fs::read(dir.join("x.json")).unwrap()).unwrap();
    assert_eq!(v["command"], "eligibility");
    let r = run_in(dir, &elig_args(&["-o", "x.csv"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(std::fs::read_to_string(dir.join("x.csv"))
        .unwrap()
        .contains("exam_no,name,verdict"));
    // a clash between --format and the extension: exit 2, nothing written
    let r = run_in(dir, &elig_args(&["--format", "json", "-o", "y.csv"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("y.csv") && r.stderr.contains("--format json"));
    assert!(!dir.join("y.csv").exists());
    // another extension keeps the table
    let r = run_in(dir, &elig_args(&["-o", "y.txt"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(std::fs::read_to_string(dir.join("y.txt"))
        .unwrap()
        .contains('│'));
}

#[test]
fn item6_xlsx_is_never_written_to_a_terminal() {
    // `script` gives the command a terminal as stdout
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` to provide a terminal");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let bin = assert_cmd::cargo::cargo_bin("zikao");
    let cmd = format!(
        "{} {} --format xlsx; echo rc=$?",
        bin.display(),
        elig_args(&[]).join(" ")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(dir)
        .env_remove("ZIKAO_LANG")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rc=2"), "{text}");
    assert!(text.contains("-o"), "{text}");
    assert!(!text.contains("PK\u{3}\u{4}"), "xlsx bytes on the terminal");
}

// ---- item 9: --format lists only what the command writes ------------------

#[test]
fn item9_format_help_lists_only_supported_formats() {
    let d = tempfile::tempdir().unwrap();
    let r = run_in(d.path(), &["photo", "check", "--help"]);
    let line = r
        .stdout
        .lines()
        .skip_while(|l| !l.contains("--format"))
        .find(|l| l.contains("可选 / values"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("html") && !line.contains("xlsx"), "{line}");
    let r = run_in(d.path(), &["eligibility", "--help"]);
    let line = r
        .stdout
        .lines()
        .skip_while(|l| !l.contains("--format"))
        .find(|l| l.contains("可选 / values"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("xlsx") && !line.contains("html"), "{line}");
    let r = run_in(d.path(), &["photo", "check", "--format", "xlsx", "x.jpg"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("xlsx"), "{}", r.stderr);
    let r = run_in(
        d.path(),
        &["photo", "fix-size", "--format", "html", "x.jpg"],
    );
    assert_eq!(r.code, 2);
}

// ---- item 7: exit codes ------------------------------------------------------

#[test]
fn item7_empty_folder_or_no_photos_is_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = run_in(d.path(), &["photo", "check", "empty"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("没有找到"), "{}", r.stderr);
    let notes = d.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("readme.txt"), "hello").unwrap();
    let r = run_in(d.path(), &["photo", "check", "notes", "--format", "json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

#[test]
fn item7_existing_annotated_png_is_exit_2_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::copy(
        root().join("tests/fixtures/photos/astronaut_ok_white.jpg"),
        dir.join("a.jpg"),
    )
    .unwrap();
    std::fs::create_dir(dir.join("guides")).unwrap();
    std::fs::write(dir.join("guides/a.annotated.png"), b"old").unwrap();
    let r = run_in(dir, &["photo", "check", "a.jpg", "--annotate", "guides"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("a.annotated.png") && r.stderr.contains("--force"));
    // nothing was checked: no report on stdout
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(
        std::fs::read(dir.join("guides/a.annotated.png")).unwrap(),
        b"old"
    );
    let r = run_in(
        dir,
        &["photo", "check", "a.jpg", "--annotate", "guides", "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read(dir.join("guides/a.annotated.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));
}

#[test]
fn item7_roster_leaving_off_ineligible_is_information_exit_0() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let r = run_in(dir, &elig_args(&["-o", "elig.json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = run_in(dir, &graduates_args("elig.json", &["--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let left: Vec<&Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["verdict"] != "listed")
        .collect();
    assert!(!left.is_empty());
    for i in left {
        assert_eq!(i["verdict"], "not_listed", "{i}");
        assert_eq!(i["findings"][0]["severity"], "info", "{i}");
    }
    let r = run_in(dir, &graduates_args("elig.json", &[]));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("未列入") && !r.stdout.contains("错误 (error)"));
}

// ---- item 4: reception schedules only for their batch ----------------------

#[test]
fn item4_reception_refuses_other_batches_and_prints_years() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let base = [
        "roster",
        "reception",
        "--candidates",
        "candidates.csv",
        "--policy",
        "guangdong",
    ];
    for extra in [&["--batch", "2022-12"][..], &[][..]] {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        let r = run_in(dir, &a);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stdout);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains("2022-06") && r.stderr.contains("--schedule"),
            "{}",
            r.stderr
        );
    }
    let mut a = base.to_vec();
    a.extend_from_slice(&["--batch", "2022-06", "--format", "json"]);
    let r = run_in(dir, &a);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    let dates = v["summary"]["groups"][0]["dates"][0].as_str().unwrap();
    assert!(dates.starts_with("2022年6月"), "{dates}");
    // the user's own table for another batch (--schedule), dates with its year
    std::fs::write(
        dir.join("offices.csv"),
        "地区,日期,办理地点及要求,联系电话\n天河区,12月5日,天河区某路1号,020-1\n荔湾区,12月6日,荔湾区某路2号,020-2\n越秀区,12月6日,越秀区某路3号,020-3\n海珠区,12月7日,海珠区某路4号,020-4\n",
    )
    .unwrap();
    let mut a = base.to_vec();
    a.extend_from_slice(&[
        "--batch",
        "2022-12",
        "--schedule",
        "offices.csv",
        "--format",
        "json",
    ]);
    let r = run_in(dir, &a);
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.contains("2022年12月"), "{}", r.stdout);
    assert!(!r.stdout.contains("6月1"), "{}", r.stdout);
}

// ---- item 5: no silent defaults -------------------------------------------

#[test]
fn item5_defaults_are_said_and_the_table_names_policy_batch_as_of() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let r = run_in(
        dir,
        &[
            "eligibility",
            "--candidates",
            "candidates.csv",
            "--scores",
            "scores.csv",
            "--plans",
            "plans.csv",
            "--as-of",
            "2022-06-20",
        ],
    );
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--policy") && r.stderr.contains("national"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--batch") && r.stderr.contains("2022-06"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("政策 national") && r.stdout.contains("批次 2022-06"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("评估日期 2022-06-20"));
    // all given: no notes
    let r = run_in(dir, &elig_args(&[]));
    assert!(!r.stderr.contains("--policy"), "{}", r.stderr);
    assert!(r.stdout.contains("政策 guangdong"));
    // a prereq report made for another batch and as-of date
    std::fs::write(
        dir.join("prereq.json"),
        PREREQ_JSON.replace(
            r#""summary":{"total":1}"#,
            r#""summary":{"total":1,"batch":"2023-06","as_of":"2023-06-01"}"#,
        ),
    )
    .unwrap();
    let r = run_in(dir, &elig_args(&["--prereq", "prereq.json"]));
    assert_ne!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("prereq.json")
            && r.stderr.contains("2023-06")
            && r.stderr.contains("2023-06-01"),
        "{}",
        r.stderr
    );
}

// ---- item 8: identity numbers masked by default ----------------------------

#[test]
fn item8_eligibility_masks_ids_and_reception_flags_bad_check_digits() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    // the examples have an ID with a wrong check digit: quoted in elig.record
    let full = "440106199803150061";
    assert!(std::fs::read_to_string(dir.join("candidates.csv"))
        .unwrap()
        .contains(full));
    for f in ["table", "csv", "json"] {
        let r = run_in(dir, &elig_args(&["--format", f]));
        assert!(!r.stdout.contains(full), "{f}: unmasked ID");
        assert!(r.stdout.contains("440106********0061"), "{f}: {}", r.stdout);
        let r = run_in(dir, &elig_args(&["--format", f, "--unmask"]));
        assert!(r.stdout.contains(full), "{f}: --unmask");
    }
    let r = run_in(
        dir,
        &[
            "roster",
            "reception",
            "--candidates",
            "candidates.csv",
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--format",
            "json",
        ],
    );
    let v = r.json();
    let p: Vec<&Value> = v["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "roster.id_invalid")
        .collect();
    assert_eq!(p.len(), 1, "{}", v["input_errors"]);
    assert_eq!(p[0]["column"], "证件号码");
    assert!(p[0]["message"].as_str().unwrap().contains("校验位"));
    assert!(!r.stdout.contains(full));
    let _ = &r.raw;
}

// ---- item 3: rows whose exam number matches no candidate ------------------

#[test]
fn item3_scores_that_lost_leading_zeros_are_reported_with_the_cause() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    // the scores went through Excel: 010122100001 → 10122100001
    let scores = std::fs::read_to_string(dir.join("scores.csv")).unwrap();
    let stripped: String = scores
        .lines()
        .map(|l| l.strip_prefix('0').unwrap_or(l).to_string() + "\n")
        .collect();
    std::fs::write(dir.join("scores.csv"), &stripped).unwrap();
    let r = run_in(dir, &elig_args(&["--format", "json"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    let p: Vec<&Value> = v["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "table.unmatched_rows")
        .collect();
    assert_eq!(p.len(), 1, "{}", v["input_errors"]);
    let rows = scores.lines().count() - 1;
    assert!(p[0]["file"].as_str().unwrap().ends_with("scores.csv"));
    assert_eq!(p[0]["severity"], "error");
    let m = p[0]["message"].as_str().unwrap();
    assert!(
        m.contains(&rows.to_string()) && m.contains("开头的 0"),
        "{m}"
    );
    // rows of people not applying: counted, as information
    let extra = scores.clone() + "019999999999,03708,中国近现代史纲要,72,202110,,,,,,,\n";
    std::fs::write(dir.join("scores.csv"), extra).unwrap();
    let r = run_in(dir, &elig_args(&["--format", "json", "--lang", "en"]));
    let v = r.json();
    let p: Vec<&Value> = v["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "table.unmatched_rows")
        .collect();
    assert_eq!(p.len(), 1, "{}", v["input_errors"]);
    assert_eq!(p[0]["severity"], "info");
    assert!(p[0]["message"].as_str().unwrap().starts_with("1 row has"));
    // prior rows that lost their zeros
    let prior = std::fs::read_to_string(dir.join("prior.csv")).unwrap();
    let stripped: String = prior
        .lines()
        .map(|l| l.strip_prefix('0').unwrap_or(l).to_string() + "\n")
        .collect();
    std::fs::write(dir.join("prior.csv"), stripped).unwrap();
    let r = run_in(
        dir,
        &[
            "prereq",
            "verify",
            "--candidates",
            "candidates.csv",
            "--prior",
            "prior.csv",
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--format",
            "json",
        ],
    );
    let v = r.json();
    assert!(
        v["input_errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "table.unmatched_rows"
                && p["file"].as_str().unwrap().ends_with("prior.csv")),
        "{}",
        v["input_errors"]
    );
}

/// `file` in `dir` with the leading 0 of every line removed (the first
/// column went through Excel as a number).
fn strip_leading_zero(dir: &Path, file: &str) {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let stripped: String = text
        .lines()
        .map(|l| l.strip_prefix('0').unwrap_or(l).to_string() + "\n")
        .collect();
    std::fs::write(dir.join(file), stripped).unwrap();
}

/// The `table.unmatched_rows` problems of a report.
fn unmatched_rows(v: &Value) -> Vec<Value> {
    v["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "table.unmatched_rows")
        .cloned()
        .collect()
}

#[test]
fn item3_candidates_tables_that_lost_leading_zeros_are_reported_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    std::fs::write(dir.join("elig.json"), ELIG_JSON).unwrap();
    strip_leading_zero(dir, "candidates.csv");
    // exemptions: the scores' exemption rows match no candidate
    let r = run_in(
        dir,
        &[
            "roster",
            "exemptions",
            "--candidates",
            "candidates.csv",
            "--scores",
            "scores.csv",
            "--format",
            "json",
        ],
    );
    let p = unmatched_rows(&r.json());
    assert_eq!(p.len(), 1, "{}", r.stdout);
    assert_eq!(p[0]["severity"], "error");
    assert!(p[0]["file"].as_str().unwrap().ends_with("scores.csv"));
    let m = p[0]["message"].as_str().unwrap();
    assert!(
        m.contains("candidates.csv") && m.contains("开头的 0"),
        "{m}"
    );
    assert_eq!(r.code, 1);
    // graduates: the audited candidate is not found in the candidates table
    let r = run_in(
        dir,
        &graduates_args("elig.json", &["--format", "json", "--lang", "en"]),
    );
    let p = unmatched_rows(&r.json());
    assert_eq!(p.len(), 1, "{}", r.stdout);
    assert!(p[0]["file"].as_str().unwrap().ends_with("candidates.csv"));
    assert!(p[0]["message"].as_str().unwrap().contains("leading zeros"));
    // the photo folder named by exam number, against a list without zeros
    std::fs::create_dir(dir.join("photos")).unwrap();
    std::fs::copy(
        root().join("examples/photos/astronaut_ok_white.jpg"),
        dir.join("photos/010122100001.jpg"),
    )
    .unwrap();
    let r = run_in(
        dir,
        &[
            "photo",
            "check",
            "photos",
            "--candidates",
            "candidates.csv",
            "--format",
            "json",
        ],
    );
    let p = unmatched_rows(&r.json());
    assert_eq!(p.len(), 1, "{}", r.stdout);
    assert!(p[0]["file"].as_str().unwrap().ends_with("candidates.csv"));
    let m = p[0]["message"].as_str().unwrap();
    assert!(
        m.starts_with("1 个照片文件") && m.contains("010122100001.jpg"),
        "{m}"
    );
    // and nothing is said when the numbers are intact
    exports(dir);
    let r = run_in(
        dir,
        &[
            "photo",
            "check",
            "photos",
            "--candidates",
            "candidates.csv",
            "--format",
            "json",
        ],
    );
    assert!(unmatched_rows(&r.json()).is_empty(), "{}", r.stdout);
}

// ---- item 11: one language at a time ----------------------------------------

#[test]
fn item11_os_errors_in_chinese_original_only_with_verbose() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let mut a = elig_args(&[]);
    a[2] = "nosuch.csv";
    let r = run_in(dir, &a);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nosuch.csv") && r.stderr.contains("找不到"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("No such file"), "{}", r.stderr);
    a.push("--verbose");
    let r = run_in(dir, &a);
    assert!(r.stderr.contains("os error 2"), "{}", r.stderr);
    // a folder where a file is needed
    std::fs::create_dir(dir.join("adir.csv")).unwrap();
    let mut a = elig_args(&[]);
    a[2] = "adir.csv";
    let r = run_in(dir, &a);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
}

#[test]
fn item11_library_usage_errors_and_policy_commands_speak_one_language() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let mut a = elig_args(&[]);
    a[10] = "2022-07";
    let r = run_in(dir, &a);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("不是政策 guangdong 的毕业办理批次"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("is not a graduation batch"),
        "{}",
        r.stderr
    );
    a.extend(["--lang", "en"]);
    let r = run_in(dir, &a);
    assert!(
        r.stderr.contains("is not a graduation batch"),
        "{}",
        r.stderr
    );
    // item 10: policy commands take --lang and --format json
    let r = run_in(dir, &["policy", "list", "--format", "json", "--lang", "en"]);
    assert_eq!(r.code, 0);
    let v = r.json();
    assert_eq!(v["command"], "policy list");
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["name"] == "anhui"));
    let show = run_in(dir, &["policy", "show", "guangdong", "--lang", "en"]);
    std::fs::write(dir.join("gd.toml"), &show.stdout).unwrap();
    let r = run_in(dir, &["policy", "check", "gd.toml"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("有效") && !r.stdout.contains("ok"),
        "{}",
        r.stdout
    );
    let r = run_in(dir, &["policy", "check", "gd.toml", "--format", "json"]);
    assert_eq!(r.json()["results"][0]["verdict"], "pass");
}

// ---- item 12: reasons, not codes ---------------------------------------------

#[test]
fn item12_prior_education_reasons_instead_of_codes() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    std::fs::write(
        dir.join("prereq.json"),
        r#"{"command":"prereq verify","summary":{"batch":"2022-06","as_of":"2022-06-20"},"results":[
 {"exam_no":"010122100001","verdict":"review","findings":[{"code":"prereq.level"},{"code":"prereq.certificate_no"}]}]}"#,
    )
    .unwrap();
    let r = run_in(
        dir,
        &elig_args(&["--prereq", "prereq.json", "--format", "json"]),
    );
    let v = r.json();
    let m = v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "elig.prior_education")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!m.contains("prereq.level"), "{m}");
    assert!(
        m.contains("前置学历层次不符合要求") && m.contains("毕业证书编号"),
        "{m}"
    );
}

/// Item 1: `-o FILE` is fix-size's report (format from its extension) and
/// `--out-dir DIR` the photo folder; an `-o` that names a folder, as
/// before, is an exit-2 error that gives the corrected command; a missing
/// input leaves no folder behind; the README's example phone photo is
/// made compliant.
#[test]
fn fix_size_o_is_the_report_and_out_dir_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let phone = root().join("examples/phone/phone_photo.jpg");
    let phone = phone.to_str().unwrap();
    let r = run_in(
        d.path(),
        &[
            "photo",
            "fix-size",
            phone,
            "--out-dir",
            "fixed",
            "-o",
            "report.json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value =
        serde_json::from_slice(&std::fs::read(d.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["command"], "photo fix-size");
    assert_eq!(report["results"][0]["verdict"], "fixed", "{report}");
    assert!(d.path().join("fixed/phone_photo.jpg").is_file());
    // item 17: one line on stderr says what the report holds and where
    assert!(
        r.stderr.contains("1 项：1 已修正 → report.json"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.trim().is_empty(),
        "report also on stdout: {}",
        r.stdout
    );
    // the fixed photo passes photo check
    let c = run_in(
        d.path(),
        &[
            "photo",
            "check",
            "fixed/phone_photo.jpg",
            "--format",
            "json",
        ],
    );
    assert_eq!(c.code, 0, "{}", c.stdout);
    // 20-40 KB under both readings of KB (item 14)
    let n = std::fs::metadata(d.path().join("fixed/phone_photo.jpg"))
        .unwrap()
        .len();
    assert!((20_480..=40_000).contains(&n), "{n} bytes");
    // again: the photo exists: exit 2 before any work (item 7), unchanged
    let r = run_in(
        d.path(),
        &["photo", "fix-size", phone, "--out-dir", "fixed"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("phone_photo.jpg"), "{}", r.stderr);
    assert_eq!(
        std::fs::metadata(d.path().join("fixed/phone_photo.jpg"))
            .unwrap()
            .len(),
        n
    );

    // the old usage: -o names a folder
    let r = run_in(d.path(), &["photo", "fix-size", phone, "-o", "out/"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--out-dir out/"), "{}", r.stderr);
    assert!(!d.path().join("out").exists());
    let r = run_in(d.path(), &["photo", "fix-size", phone, "--lang", "en"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--out-dir DIR"), "{}", r.stderr);

    // a missing input: exit 2 and no empty folder
    let r = run_in(
        d.path(),
        &["photo", "fix-size", "no-such.jpg", "--out-dir", "made"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!d.path().join("made").exists(), "empty output folder left");
    // nothing could be fixed: the folder the run made is removed again
    let coffee = root().join("tests/fixtures/photos/coffee.png");
    let r = run_in(
        d.path(),
        &[
            "photo",
            "fix-size",
            coffee.to_str().unwrap(),
            "--out-dir",
            "made",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!d.path().join("made").exists(), "empty output folder left");
}

/// Item 16: fix-size on a folder keeps each file's subfolder under
/// --out-dir (no clash between `a.jpg` and `sub/a.jpg`), and a HEIC photo
/// gets "convert to JPEG first", not a decoder error.
#[test]
fn fix_size_keeps_subfolders_and_names_heic() {
    let d = tempfile::tempdir().unwrap();
    let inp = d.path().join("in");
    std::fs::create_dir_all(inp.join("sub")).unwrap();
    let fx = root().join("tests/fixtures/photos");
    std::fs::copy(fx.join("astronaut_ok_blue.jpg"), inp.join("a.jpg")).unwrap();
    std::fs::copy(fx.join("grace_hopper_ok_blue.jpg"), inp.join("sub/a.jpg")).unwrap();
    std::fs::write(
        inp.join("IMG_0001.HEIC"),
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
    )
    .unwrap();
    let r = run_in(
        d.path(),
        &[
            "photo",
            "fix-size",
            "in",
            "--out-dir",
            "out",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    let by = |p: &str| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"].as_str().unwrap().ends_with(p))
            .unwrap_or_else(|| panic!("{p}: {v}"))
            .clone()
    };
    assert_eq!(by("sub/a.jpg")["verdict"], "kept", "{v}");
    assert!(d.path().join("out/a.jpg").is_file());
    assert!(d.path().join("out/sub/a.jpg").is_file());
    let heic = by("IMG_0001.HEIC");
    assert_eq!(heic["verdict"], "refused");
    assert_eq!(heic["findings"][0]["code"], "photo.format");
    let msg = heic["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("HEIC") && msg.contains("JPEG"), "{msg}");
}

/// Item 12: one word per meaning: a photo verdict is 合格/不合格 in the
/// terminal table, the stderr summary, the HTML report and the web page.
#[test]
fn photo_verdict_words_are_the_same_everywhere() {
    let d = tempfile::tempdir().unwrap();
    let photos = root().join("examples/photos");
    let r = run_in(d.path(), &["photo", "check", photos.to_str().unwrap()]);
    assert!(
        r.stdout.contains("不合格") && r.stdout.contains("合格"),
        "{}",
        r.stdout
    );
    // one language at a time: no verdict key in parentheses
    assert!(!r.stdout.contains("(fail)"), "{}", r.stdout);
    assert!(!r.stdout.contains("通过"), "{}", r.stdout);
    let r = run_in(
        d.path(),
        &["photo", "check", photos.to_str().unwrap(), "-o", "r.html"],
    );
    assert!(
        r.stderr.contains("2 不合格，2 合格 → r.html"),
        "{}",
        r.stderr
    );
    let html = std::fs::read_to_string(d.path().join("r.html")).unwrap();
    assert!(html.contains("不合格") && !html.contains("不通过"));
}

// ---- item 11 (rest): clap's words, decoder and parser texts, workbooks ------

#[test]
fn item11_help_and_usage_errors_have_no_english_only_words() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["photo", "check", "--help"],
        &["roster", "graduates", "--help"],
    ] {
        let r = run_in(d.path(), args);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("用法 / Usage:"), "{}", r.stdout);
        assert!(r.stdout.contains("选项 / Options:"), "{}", r.stdout);
        assert!(r.stdout.contains("显示帮助 / print help"), "{}", r.stdout);
        for english in [
            "\nUsage:",
            "\nOptions:",
            "Print help",
            "[default:",
            "[possible values:",
        ] {
            assert!(!r.stdout.contains(english), "{english} in {}", r.stdout);
        }
    }
    // `zikao help …` is `--help`; a missing command shows the help (exit 2)
    let r = run_in(d.path(), &["help", "photo", "check"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("zikao photo check [OPTIONS]"),
        "{}",
        r.stdout
    );
    let r = run_in(d.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("命令 / Commands:"), "{}", r.stderr);
    assert!(!r.stderr.contains("命令行参数有误"), "{}", r.stderr);
    // clap's errors: Chinese by default, clap's own text with --lang en
    let r = run_in(d.path(), &["photo", "check", "--bogus", "x.jpg"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("不认识的参数 --bogus"), "{}", r.stderr);
    assert!(!r.stderr.contains("error:"), "{}", r.stderr);
    let r = run_in(d.path(), &["photoo"]);
    assert!(r.stderr.contains("是不是想用 photo"), "{}", r.stderr);
    let r = run_in(
        d.path(),
        &["photo", "check", "--bogus", "x.jpg", "--lang", "en"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unexpected argument"), "{}", r.stderr);
}

#[test]
fn item11_decoder_and_policy_parser_texts_follow_the_language() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // a truncated JPEG and one whose Huffman table is destroyed
    let good = std::fs::read(root().join("examples/photos/astronaut_ok_white.jpg")).unwrap();
    std::fs::create_dir(dir.join("p")).unwrap();
    std::fs::write(dir.join("p/trunc.jpg"), &good[..good.len() / 2]).unwrap();
    let mut bad = good.clone();
    let dht = bad.windows(2).position(|w| w == [0xFF, 0xC4]).unwrap();
    bad[dht + 4..dht + 20].fill(0xFF);
    std::fs::write(dir.join("p/dht.jpg"), &bad).unwrap();
    let messages = |lang: &str| -> Vec<String> {
        let r = run_in(
            dir,
            &["photo", "check", "p", "--format", "json", "--lang", lang],
        );
        r.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["findings"].as_array().unwrap().clone())
            .filter(|f| f["code"] == "photo.unreadable")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let zh = messages("zh");
    assert_eq!(zh.len(), 2, "{zh:?}");
    for m in &zh {
        assert!(
            !m.chars().any(|c| c.is_ascii_lowercase()),
            "English in a Chinese message: {m}"
        );
    }
    assert!(zh.iter().any(|m| m.contains("文件不完整")), "{zh:?}");
    assert!(zh.iter().any(|m| m.contains("图像数据损坏")), "{zh:?}");
    let en = messages("en");
    assert!(en.iter().any(|m| m.contains("no EOI marker")), "{en:?}");
    assert!(en.iter().any(|m| m.contains("huffman")), "{en:?}");
    // a policy file with a misspelt key and one with a wrong type
    std::fs::write(dir.join("typo.toml"), "name = 'x'\nbach_months = [6]\n").unwrap();
    std::fs::write(
        dir.join("type.toml"),
        "name = 'x'\n[eligibility]\npass_mark = true\n",
    )
    .unwrap();
    let r = run_in(dir, &["policy", "check", "typo.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("第 2 行第 1 列") && r.stderr.contains("未知的配置项 `bach_months`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("TOML parse error"), "{}", r.stderr);
    let r = run_in(dir, &["policy", "check", "type.toml"]);
    assert!(r.stderr.contains("应为数字"), "{}", r.stderr);
    let r = run_in(dir, &["policy", "check", "typo.toml", "--lang", "en"]);
    assert!(
        r.stderr.contains("unknown field `bach_months`"),
        "{}",
        r.stderr
    );
}

#[test]
fn item5_and_11_workbooks_are_headed_in_the_language_and_name_the_rules() {
    use calamine::{Data, Reader, Xlsx};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    let read = |name: &str| {
        let mut x: Xlsx<_> = calamine::open_workbook(dir.join(name)).unwrap();
        let sheets = x.sheet_names();
        let rows = |x: &mut Xlsx<_>, s: &str| -> Vec<Vec<String>> {
            x.worksheet_range(s)
                .unwrap()
                .rows()
                .map(|r| r.iter().map(|c: &Data| c.to_string()).collect())
                .collect()
        };
        let results = rows(&mut x, "results");
        let summary = rows(&mut x, "summary");
        (sheets, results, summary)
    };
    let r = run_in(dir, &elig_args(&["-o", "e.xlsx"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let (sheets, results, summary) = read("e.xlsx");
    assert_eq!(sheets[..2], ["results", "summary"]);
    assert_eq!(results[0][..3], ["准考证号", "姓名", "结论"]);
    assert!(results[1..]
        .iter()
        .all(|r| r[2] == "不能毕业" || r[2] == "待核查" || r[2] == "可以毕业"));
    let pairs: Vec<(String, String)> = summary
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert!(
        pairs.contains(&("政策".into(), "guangdong".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("批次".into(), "2022-06".into())),
        "{pairs:?}"
    );
    assert!(pairs.iter().any(|(k, _)| k == "评估日期"), "{pairs:?}");
    let r = run_in(dir, &elig_args(&["-o", "e_en.xlsx", "--lang", "en"]));
    assert_eq!(r.code, 1);
    let (_, results, _) = read("e_en.xlsx");
    assert_eq!(results[0][..3], ["Exam no.", "Name", "Verdict"]);
}

// ---- item 17 (rest): the photo report prints; annotated photos have a legend ---

#[test]
fn item17_photo_html_prints_and_annotated_photos_carry_a_legend() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let photos = root().join("examples/photos");
    let r = run_in(
        dir,
        &[
            "photo",
            "check",
            photos.to_str().unwrap(),
            "-o",
            "r.html",
            "--annotate",
            "ann",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = std::fs::read_to_string(dir.join("r.html")).unwrap();
    // a print stylesheet: the header not sticky, no filters, cards whole
    let print = &html[html.find("@media print").expect("print stylesheet")..];
    assert!(print.contains("position:static") && print.contains(".filters"));
    assert!(print.contains("break-inside:avoid"));
    // which standard, and measurements as labelled rows, not raw JSON
    assert!(html.contains("照片标准 national"), "no context line");
    assert!(html.contains("<th>像素尺寸</th><td>480 × 640</td>"));
    assert!(!html.contains("measurements: {"));
    // every annotated PNG is the photo plus a legend strip under it
    for e in std::fs::read_dir(dir.join("ann")).unwrap() {
        let img = image::open(e.unwrap().path()).unwrap();
        assert_eq!(img.width(), 480);
        assert!(img.height() > 640 + 40, "{}", img.height());
    }
}

#[test]
fn item11_whole_file_errors_in_chinese_english_with_lang_en() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    exports(dir);
    std::fs::write(dir.join("empty.csv"), "").unwrap();
    std::fs::write(dir.join("page.xls"), "<html><body>x</body></html>").unwrap();
    std::fs::write(
        dir.join("bad.json"),
        "{\"command\": \"eligibility\", \"results\": [",
    )
    .unwrap();
    let elig = |cands: &str, lang: &str| {
        run_in(
            dir,
            &[
                "eligibility",
                "--candidates",
                cands,
                "--scores",
                "scores.csv",
                "--plans",
                "plans.csv",
                "--policy",
                "guangdong",
                "--batch",
                "2022-06",
                "--lang",
                lang,
            ],
        )
    };
    let r = elig("empty.csv", "zh");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("empty.csv：文件为空"), "{}", r.stderr);
    let r = elig("page.xls", "zh");
    assert!(
        r.stderr.contains("不是 Excel 工作簿") && r.stderr.contains("另存为"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("named") && !r.stderr.contains("workbook"),
        "{}",
        r.stderr
    );
    let r = elig("page.xls", "en");
    assert!(r.stderr.contains("not an Excel workbook"), "{}", r.stderr);
    let r = run_in(dir, &graduates_args("bad.json", &[]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("不是 `zikao eligibility` 的 JSON 结果"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("EOF"), "{}", r.stderr);
}

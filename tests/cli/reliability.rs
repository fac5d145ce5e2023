//! Crash inputs of issue 19, kept as regression tests.

use std::path::PathBuf;

use assert_cmd::Command;

fn zikao() -> Command {
    let mut c = Command::cargo_bin("zikao").unwrap();
    c.env_remove("ZIKAO_LANG");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A JPEG whose APP1 segment is exactly `Exif\0` (5 bytes) used to panic
/// fix-size's own segment walker (`&payload[6..]`) and end the batch with
/// exit 101. Now fix-size reads it with photo check's parser: each file of
/// the batch gets its item, and the run exits 0 or 1, never 101.
#[test]
fn fix_size_survives_exif_header_only_app1() {
    let d = tempfile::tempdir().unwrap();
    let inputs = d.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let crash = root().join("tests/fixtures/crashes/fix_size_exif_header_only.jpg");
    let original = std::fs::read(&crash).unwrap();
    std::fs::copy(&crash, inputs.join("a_crash.jpg")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/photos/astronaut_ok_blue.jpg"),
        inputs.join("b_good.jpg"),
    )
    .unwrap();
    let out = d.path().join("out");
    let o = zikao()
        .args(["photo", "fix-size", "--format", "json", "--out-dir"])
        .arg(&out)
        .arg(&inputs)
        .output()
        .unwrap();
    let code = o.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{v}");
    assert!(results[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("a_crash.jpg"));
    // no internal error: the file is handled, not caught after a panic
    let codes: Vec<&str> = results
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"fix.internal_error"), "{codes:?}");
    // the input is never modified
    assert_eq!(std::fs::read(inputs.join("a_crash.jpg")).unwrap(), original);
}

/// `batch_months = [0, 6]` (or `[6, 13]`) with `violation_delay_from =
/// "next_batch"` reached `Batch::first_day().expect(..)` and ended
/// `eligibility` with exit 101. A policy is now validated at load: exit 2,
/// and the error names the file and the key.
#[test]
fn policy_with_impossible_batch_month_is_refused_at_load() {
    let d = tempfile::tempdir().unwrap();
    let ex = root().join("examples/exports");
    for (months, key) in [
        ("[0, 6]", "batch_months[0]"),
        ("[6, 13]", "batch_months[1]"),
    ] {
        let policy = d.path().join("bad-policy.toml");
        let mut text = zikao()
            .args(["policy", "show", "national"])
            .output()
            .unwrap()
            .stdout;
        let mut s = String::from_utf8(std::mem::take(&mut text)).unwrap();
        s = s.replace(
            "batch_months = [6, 12]",
            &format!("batch_months = {months}"),
        );
        assert!(
            s.contains(&format!("batch_months = {months}")),
            "policy show changed"
        );
        s = s.replace(
            "violation_delay_from = \"violation_date\"",
            "violation_delay_from = \"next_batch\"",
        );
        std::fs::write(&policy, s).unwrap();
        let o = zikao()
            .args([
                "eligibility",
                "--batch",
                "2022-06",
                "--lang",
                "en",
                "--policy-file",
            ])
            .arg(&policy)
            .arg("--candidates")
            .arg(ex.join("candidates.csv"))
            .arg("--scores")
            .arg(ex.join("scores.csv"))
            .arg("--plans")
            .arg(ex.join("plans.csv"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{months}: {err}");
        assert!(
            err.contains(key) && err.contains("bad-policy.toml"),
            "{months}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

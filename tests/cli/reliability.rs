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
        .args(["photo", "fix-size", "--format", "json", "-o"])
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

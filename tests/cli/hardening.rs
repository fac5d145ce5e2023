//! Malformed-input corpus (issue 9): the real executable fed broken photos
//! and broken tables. Every case asserts: no panic, no hang (60 s timeout),
//! the file named in the message (and the row/column for tables), every
//! photo of a folder reported, the rest of the batch processed, and the
//! exit status of the spec (0 all pass / 1 some fail or a row skipped /
//! 2 usage error or unreadable input file). Inputs are generated here from
//! one good fixture photo and the example exports.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn good_jpeg() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/photos/astronaut_ok_white.jpg")).unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Runs `zikao args…` with a 60 s limit and checks it did not panic.
fn run(args: &[&std::ffi::OsStr]) -> Run {
    let out = Command::cargo_bin("zikao")
        .unwrap()
        .env_remove("ZIKAO_LANG")
        .args(args)
        .arg("--quiet")
        .arg("--lang")
        .arg("en")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "panic on {args:?}: {}",
        r.stderr
    );
    assert_ne!(r.code, -1, "killed (timeout?) on {args:?}: {}", r.stderr);
    r
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

// ---------------------------------------------------------------- photos

/// Deterministic pseudo-random bytes (no rand dependency needed).
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        })
        .collect()
}

/// Offset of the first byte after the SOS segment header (start of scan data).
fn scan_start(j: &[u8]) -> usize {
    let sos = j.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let len = u16::from_be_bytes([j[sos + 2], j[sos + 3]]) as usize;
    sos + 2 + len
}

fn with_dims(j: &[u8], w: u16, h: u16) -> Vec<u8> {
    let mut v = j.to_vec();
    let sof = v
        .windows(2)
        .position(|w| w[0] == 0xFF && (w[1] == 0xC0 || w[1] == 0xC2 || w[1] == 0xC1))
        .unwrap();
    v[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    v[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    v
}

/// The good photo with `n` maximal APP1 Exif segments inserted after SOI.
fn huge_exif(j: &[u8], n: usize) -> Vec<u8> {
    let mut v = j[..2].to_vec();
    for k in 0..n {
        let body_len = 65533usize; // segment length field counts itself
        v.extend_from_slice(&[0xFF, 0xE1]);
        v.extend_from_slice(&((body_len + 2) as u16).to_be_bytes());
        let mut body = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
        // an IFD claiming 0xFFFF entries, then noise
        body.extend_from_slice(&[0xFF, 0xFF]);
        body.extend(noise(body_len - body.len(), k as u64 + 7));
        v.extend(body);
    }
    v.extend_from_slice(&j[2..]);
    v
}

/// The corpus: (file name relative to the folder, bytes, expected to pass).
fn photo_corpus() -> Vec<(String, Vec<u8>, bool)> {
    let g = good_jpeg();
    let s = scan_start(&g);
    let mut flipped = g.clone();
    for k in 0..24 {
        let i = s + (k * 7919) % (g.len() - s - 2);
        flipped[i] ^= 1 << (k % 8);
    }
    let mut after_eoi = g.clone();
    after_eoi.extend(noise(4096, 3));
    let mut html = b"<!DOCTYPE html><html><body>not a photo</body></html>\n".to_vec();
    html.extend(std::iter::repeat_n(b' ', 30_000));
    vec![
        ("good.jpg".into(), g.clone(), true),
        ("zero.jpg".into(), vec![], false),
        ("random.jpg".into(), noise(40_000, 1), false),
        ("trunc_header.jpg".into(), g[..(s / 2)].to_vec(), false),
        (
            "trunc_scan.jpg".into(),
            g[..s + (g.len() - s) / 2].to_vec(),
            false,
        ),
        ("bitflip.jpg".into(), flipped, false),
        ("after_eoi.jpg".into(), after_eoi, false),
        ("giant.jpg".into(), with_dims(&g, 65000, 65000), false),
        ("huge_exif.jpg".into(), huge_exif(&g, 40), false),
        ("page.jpg".into(), html, false),
        ("sub/deeper/nested good.jpg".into(), g.clone(), true),
        ("sub/张三 照片.jpg".into(), g.clone(), true),
        ("sub/李四 截断.jpg".into(), g[..g.len() / 3].to_vec(), false),
    ]
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>, bool)]) {
    for (name, bytes, _) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

#[test]
fn photo_folder_of_broken_files_reports_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = photo_corpus();
    write_all(dir.path(), &corpus);
    let r = run(&[
        os("photo"),
        os("check"),
        os("--format"),
        os("json"),
        dir.path().as_os_str(),
    ]);
    // some fail, none unreadable as a whole: exit 1
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let j = r.json();
    let results = j["results"].as_array().unwrap();
    assert_eq!(results.len(), corpus.len(), "{}", r.stdout);
    for (name, _, pass) in &corpus {
        let leaf = Path::new(name).file_name().unwrap().to_str().unwrap();
        let res = results
            .iter()
            .find(|x| x["path"].as_str().unwrap().ends_with(leaf))
            .unwrap_or_else(|| panic!("{name} not reported"));
        let verdict = res["verdict"].as_str().unwrap();
        if *pass {
            assert_eq!(verdict, "pass", "{name}: {res}");
        } else {
            assert_ne!(verdict, "pass", "{name} should not pass: {res}");
            assert!(
                !res["findings"].as_array().unwrap().is_empty(),
                "{name}: a failing photo says why"
            );
        }
    }
    // the table output names every broken file too
    let r = run(&[os("photo"), os("check"), dir.path().as_os_str()]);
    assert_eq!(r.code, 1);
    for (name, _, _) in &corpus {
        let leaf = Path::new(name).file_name().unwrap().to_str().unwrap();
        assert!(
            r.stdout.contains(leaf) || r.stderr.contains(leaf),
            "{leaf} not named in the table output"
        );
    }
}

#[test]
fn photo_giant_header_is_refused_quickly() {
    // 65000x65000 RGB would be ~12 GB: the decoder must refuse before
    // allocating; the run must finish fast and name the file.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("giant.jpg");
    std::fs::write(&p, with_dims(&good_jpeg(), 65000, 65000)).unwrap();
    let t = std::time::Instant::now();
    let r = run(&[
        os("photo"),
        os("check"),
        os("--format"),
        os("json"),
        p.as_os_str(),
    ]);
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["results"].as_array().unwrap().len(), 1);
    assert!(j["results"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("giant.jpg"));
    assert_eq!(j["results"][0]["verdict"], "fail");
}

#[test]
fn photo_missing_path_is_exit_2_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("没有 这个.jpg");
    let r = run(&[os("photo"), os("check"), p.as_os_str()]);
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("没有 这个.jpg") || r.stdout.contains("没有 这个.jpg"),
        "{} {}",
        r.stdout,
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn photo_unreadable_file_in_folder_is_reported_and_batch_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let g = good_jpeg();
    std::fs::write(dir.path().join("a.jpg"), &g).unwrap();
    std::fs::write(dir.path().join("b locked.jpg"), &g).unwrap();
    std::fs::write(dir.path().join("c.jpg"), &g).unwrap();
    let locked = dir.path().join("b locked.jpg");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Root reads a chmod 000 file (CAP_DAC_OVERRIDE): as root, the binary
    // runs as the unprivileged user `nobody` (setpriv, util-linux), for
    // whom the file is unreadable, so the test means the same for everyone.
    let bin = assert_cmd::cargo::cargo_bin("zikao");
    let mut cmd = super::faults::as_unprivileged(std::process::Command::new(&bin));
    let out = cmd
        .env_remove("ZIKAO_LANG")
        .args([
            "photo", "check", "--quiet", "--lang", "en", "--format", "json",
        ])
        .arg(dir.path())
        .output()
        .expect("run zikao (as root: setpriv from util-linux)");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let j = r.json();
    let results = j["results"].as_array().unwrap();
    // a file found in a folder that cannot be read fails as a photo
    // (`photo.unreadable`, docs/photo.md; exit 2 is for a path that does not
    // exist or cannot be listed), and the two readable photos still pass
    assert_eq!(r.code, 1, "{}", r.stderr);
    let locked = results
        .iter()
        .find(|x| {
            x["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("b locked.jpg"))
        })
        .unwrap_or_else(|| panic!("locked file not reported: {}", r.stdout));
    assert_eq!(locked["verdict"], "fail");
    assert_eq!(
        locked["findings"][0]["code"], "photo.unreadable",
        "{locked}"
    );
    let passes = results.iter().filter(|x| x["verdict"] == "pass").count();
    assert_eq!(passes, 2, "the rest of the batch is processed");
}

// ---------------------------------------------------------------- tables

fn exports(name: &str) -> String {
    std::fs::read_to_string(root().join("examples/exports").join(name)).unwrap()
}

/// Runs eligibility on the example exports with `replace` substituting one
/// of the three inputs (candidates/scores/plans) by `path`.
fn elig(which: &str, path: &Path) -> Run {
    let ex = root().join("examples/exports");
    let mut args: Vec<std::ffi::OsString> = vec!["eligibility".into()];
    for (flag, file) in [
        ("candidates", "candidates.csv"),
        ("scores", "scores.csv"),
        ("plans", "plans.csv"),
    ] {
        args.push(format!("--{flag}").into());
        if flag == which {
            args.push(path.into());
        } else {
            args.push(ex.join(file).into());
        }
    }
    for a in [
        "--policy",
        "national",
        "--batch",
        "2022-06",
        "--as-of",
        "2022-06-20",
        "--format",
        "json",
    ] {
        args.push(a.into());
    }
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run(&refs)
}

fn candidate_count() -> usize {
    exports("candidates.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .count()
}

/// A whole input file that cannot be read as a table: exit 2, file named.
fn assert_unreadable(which: &str, name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let r = elig(which, &p);
    assert_eq!(r.code, 2, "{name}: stdout {} stderr {}", r.stdout, r.stderr);
    assert!(r.stderr.contains(name), "{name} not named: {}", r.stderr);
}

/// A file with some bad rows: the run goes on (exit 1), the problem names
/// the file and the row (and column when `column` is given), and the other
/// candidates are still reported.
fn assert_row_problem(
    which: &str,
    name: &str,
    text: &[u8],
    row: u64,
    column: Option<&str>,
) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    let r = elig(which, &p);
    assert_eq!(r.code, 1, "{name}: stdout {} stderr {}", r.stdout, r.stderr);
    let j = r.json();
    let errs = j["input_errors"].as_array().unwrap();
    let hit = errs.iter().find(|e| {
        e["file"].as_str().is_some_and(|f| f.contains(name))
            && e["row"].as_u64() == Some(row)
            && column.is_none_or(|c| e["column"].as_str().is_some_and(|x| x.contains(c)))
    });
    assert!(
        hit.is_some(),
        "{name}: no input error at row {row} col {column:?}: {errs:#?}"
    );
    j
}

#[test]
fn table_empty_bom_only_header_only() {
    // zero bytes and a lone BOM: no header at all, the file cannot be read
    assert_unreadable("candidates", "empty.csv", b"");
    assert_unreadable("candidates", "bom.csv", b"\xEF\xBB\xBF");
    // header only: a valid table with no candidates — nothing failed
    let header = exports("candidates.csv")
        .lines()
        .next()
        .unwrap()
        .to_string()
        + "\n";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("header only.csv");
    std::fs::write(&p, &header).unwrap();
    let r = elig("candidates", &p);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert_eq!(r.json()["results"].as_array().unwrap().len(), 0);
}

#[test]
fn table_missing_column_is_exit_2_and_names_column() {
    // drop 证件号码 (id_no), a required column of the candidates table
    let text = exports("candidates.csv");
    let out: String = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(3);
            f.join(",") + "\n"
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("no_id.csv");
    std::fs::write(&p, out).unwrap();
    let r = elig("candidates", &p);
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
    assert!(r.stderr.contains("no_id.csv"), "{}", r.stderr);
    assert!(
        r.stderr.contains("证件号码") || r.stderr.contains("id_no"),
        "column not named: {}",
        r.stderr
    );
}

#[test]
fn table_ragged_row_is_skipped_and_named() {
    let mut lines: Vec<String> = exports("candidates.csv")
        .lines()
        .map(String::from)
        .collect();
    // data row 2 (file line 3) loses its last five fields
    let f: Vec<&str> = lines[2].split(',').collect();
    lines[2] = f[..f.len() - 5].join(",");
    let text = lines.join("\n") + "\n";
    let j = assert_row_problem("candidates", "ragged.csv", text.as_bytes(), 3, None);
    assert_eq!(
        j["results"].as_array().unwrap().len(),
        candidate_count() - 1
    );
}

#[test]
fn table_gbk_garbage_does_not_panic() {
    // random high bytes: neither valid UTF-8 nor meaningful GBK. The file
    // is either refused (2) or read with every row rejected (1) — never 0.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("garbage.csv");
    let mut bytes = exports("candidates.csv")
        .lines()
        .next()
        .unwrap()
        .as_bytes()
        .to_vec();
    bytes.push(b'\n');
    bytes.extend(noise(5000, 11).into_iter().map(|b| b | 0x80));
    std::fs::write(&p, &bytes).unwrap();
    let r = elig("candidates", &p);
    assert!(r.code == 1 || r.code == 2, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("garbage.csv") || r.stdout.contains("garbage.csv"),
        "file not named: {} {}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn table_scientific_notation_exam_no_is_named() {
    // Excel turned the exam number into 1.01221E+11: the digits are lost,
    // the row must be flagged (row and column), not silently matched.
    let mut lines: Vec<String> = exports("candidates.csv")
        .lines()
        .map(String::from)
        .collect();
    let f: Vec<String> = lines[1].split(',').map(String::from).collect();
    let mut f2 = f.clone();
    f2[0] = "1.01221E+11".into();
    lines[1] = f2.join(",");
    let text = lines.join("\n") + "\n";
    assert_row_problem(
        "candidates",
        "sci.csv",
        text.as_bytes(),
        2,
        Some("准考证号"),
    );
}

#[test]
fn table_quoted_newline_in_id_is_named() {
    let mut lines: Vec<String> = exports("candidates.csv")
        .lines()
        .map(String::from)
        .collect();
    let mut f: Vec<String> = lines[1].split(',').map(String::from).collect();
    f[3] = format!("\"{}\n{}\"", &f[3][..9], &f[3][9..]);
    lines[1] = f.join(",");
    let text = lines.join("\n") + "\n";
    let j = assert_row_problem(
        "candidates",
        "newline id.csv",
        text.as_bytes(),
        2,
        Some("证件号码"),
    );
    // every other candidate is still audited
    assert!(j["results"].as_array().unwrap().len() >= candidate_count() - 1);
}

#[test]
fn table_two_megabyte_field() {
    let mut lines: Vec<String> = exports("candidates.csv")
        .lines()
        .map(String::from)
        .collect();
    let mut f: Vec<String> = lines[1].split(',').map(String::from).collect();
    f[1] = "张".repeat(700_000); // 2.1 MB of UTF-8 in the name column
    lines[1] = f.join(",");
    let text = lines.join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big field.csv");
    std::fs::write(&p, text).unwrap();
    let r = elig("candidates", &p);
    // either the row is refused (named) or read; the others are processed
    assert!(r.code == 1 || r.code == 2, "{}", r.stderr);
    if r.code == 2 {
        assert!(r.stderr.contains("big field.csv"), "{}", r.stderr);
    } else {
        let j = r.json();
        assert!(j["results"].as_array().unwrap().len() >= candidate_count() - 1);
    }
}

#[test]
fn table_bad_scores_are_named_with_row_and_column() {
    let text = exports("scores.csv");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for (row, bad) in [(1usize, "七十"), (2, "-5"), (3, "1e9")] {
        let mut f: Vec<String> = lines[row].split(',').map(String::from).collect();
        f[3] = bad.into();
        lines[row] = f.join(",");
    }
    let text = lines.join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad_scores.csv");
    std::fs::write(&p, text).unwrap();
    let r = elig("scores", &p);
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    let j = r.json();
    let errs = j["input_errors"].as_array().unwrap();
    for row in [2u64, 3, 4] {
        assert!(
            errs.iter().any(|e| e["row"].as_u64() == Some(row)
                && e["file"].as_str().unwrap().contains("bad_scores.csv")
                && e["column"].as_str().is_some_and(|c| c.contains("成绩"))),
            "score row {row} not flagged: {errs:#?}"
        );
    }
    assert_eq!(j["results"].as_array().unwrap().len(), candidate_count());
}

#[test]
fn table_truncated_json_and_fake_xlsx_are_exit_2() {
    assert_unreadable(
        "candidates",
        "cut.json",
        br#"[{"exam_no":"010122100001","name":"x","id_no":"4401"#,
    );
    assert_unreadable("candidates", "fake.xlsx", b"exam_no,name\n1,2\n");
    assert_unreadable("plans", "fake plans.xlsx", &noise(3000, 5));
}

#[test]
fn table_missing_file_is_exit_2_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let r = elig("scores", &dir.path().join("成绩 不存在.csv"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("成绩 不存在.csv"), "{}", r.stderr);
}

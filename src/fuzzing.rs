//! The bodies of the fuzz targets (docs/fuzzing.md).
//!
//! This module exists for the cargo-fuzz targets in `tests/fuzz/` (each
//! target is one line calling the function of its name) and for the replay
//! test below, which runs every committed seed, minimised corpus input
//! (`tests/fuzz/seeds/<target>/`, `tests/fuzz/min/<target>/`) and crash
//! input (`tests/fixtures/crashes/<target>_*`) through the same function, so
//! a plain `cargo test` catches a regression without the fuzzer. It is not
//! part of the library's interface.
//!
//! Every function is total: it takes any bytes and must neither panic nor
//! abort. Targets that read files write them to a scratch folder of their
//! own per process and per thread (`$TMPDIR/zikao-fuzz-<target>-<pid>-<thread>`),
//! so parallel test threads never share a file.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::elig::{self, EligInputs, EligOptions};
use crate::finding::{InputProblem, Report};
use crate::photo::check::{self, CheckOptions};
use crate::photo::fix::{self, FixOptions};
use crate::photo::folder::{self, FolderOptions, NameBy};
use crate::photo::profile::{self, PhotoProfile};
use crate::photo::walk::{self, Entry, WalkOptions};
use crate::photo::{jpeg, qfactor};
use crate::policy::{self, Batch, Policy};
use crate::prereq::{self, PrereqInputs, PrereqOptions};
use crate::roster;
use crate::table::{self, schemas, ReadOptions};
use crate::Lang;

/// A scratch folder for `target`, own to this process and thread (created).
fn scratch(target: &str) -> PathBuf {
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    let d = std::env::temp_dir().join(format!(
        "zikao-fuzz-{target}-{}-{thread}",
        std::process::id()
    ));
    fs::create_dir_all(&d).expect("fuzz scratch folder");
    d
}

fn render_problems(problems: &[InputProblem]) {
    for p in problems {
        let _ = p.message.render(Lang::Zh);
        let _ = p.message.render(Lang::En);
    }
}

fn render_report(r: &Report) {
    let _ = serde_json::to_string(&r.to_json(Lang::Zh));
    let _ = serde_json::to_string(&r.to_json(Lang::En));
}

/// `jpeg`: the JPEG marker parser and everything derived from its result,
/// the quality estimate, the EXIF (TIFF) and PNG header readers.
pub fn jpeg(data: &[u8]) {
    let _ = jpeg::sniff(data);
    let info = jpeg::parse(data);
    // Everything derived from the parse must be total as well.
    let _ = info.complete();
    let _ = info.summary_json();
    for p in &info.problems {
        let _ = (p.describe(crate::Lang::Zh), p.describe(crate::Lang::En));
    }
    for slot in 0..4 {
        let _ = info.qtable(slot);
    }
    if let Some(j) = &info.jfif {
        let _ = check::jfif_dpi(j);
    }
    if let Some(e) = &info.exif {
        let _ = check::exif_dpi(e);
    }
    let est = qfactor::estimate(&info.qtables);
    let _ = serde_json::to_string(&est);
    // The EXIF (TIFF) reader and the PNG header reader on raw bytes too.
    let _ = check::exif_dpi(&jpeg::parse_tiff(data));
    let _ = jpeg::parse_png(data);
}

const TABLE_EXTS: &[&str] = &["csv", "tsv", "txt", "json", "jsonl", "xlsx", "xls"];

/// `table`: `table::read` on any file contents. Byte 0 selects the
/// extension (low 4 bits % 7: csv, tsv, txt, json, jsonl, xlsx, xls) and
/// the schema (bit 7: 0 = SCORES, 1 = CANDIDATES); the rest is the file.
pub fn table(data: &[u8]) {
    // libfuzzer-sys's panic hook aborts even on a panic the library catches
    // (excel.rs catches calamine's panics). Restore the default hook once:
    // an uncaught panic still reaches libfuzzer-sys's catch_unwind wrapper,
    // which aborts, so real crashes are still found.
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| drop(std::panic::take_hook()));
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let ext = TABLE_EXTS[(sel as usize & 0x0F) % TABLE_EXTS.len()];
    let schema = if sel & 0x80 == 0 {
        &schemas::SCORES
    } else {
        &schemas::CANDIDATES
    };
    let path = scratch("table").join(format!("input.{ext}"));
    fs::write(&path, body).expect("write temp file");
    let result = table::read(&path, schema, &ReadOptions::default(), &mut |row| {
        // Touch every column of the schema like a consumer would.
        for c in schema.columns {
            let _ = row.get(c.key);
        }
    });
    if let Ok(problems) = result {
        render_problems(&problems);
    }
}

/// `policy`: the policy and photo profile parsers. Byte 0: even = policy,
/// odd = photo profile; the rest must be UTF-8 (other inputs are skipped).
pub fn policy(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let path = Path::new("fuzz.toml");
    if sel & 1 == 0 {
        if let Err(e) = Policy::parse(text, path) {
            let _ = e.to_string();
        }
    } else {
        match PhotoProfile::parse(text, path) {
            Ok(p) => {
                let _ = p.needs_face();
                let _ = p.extension_ok("jpg");
                let _ = p.format_ok("jpeg");
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

fn national() -> &'static PhotoProfile {
    static P: OnceLock<PhotoProfile> = OnceLock::new();
    P.get_or_init(|| PhotoProfile::builtin("national").expect("built-in profile"))
}

/// Check options of the photo targets: the pixel budget lowered to 4
/// megapixels, so a header claiming a huge image is refused quickly (the
/// same code path as the default 64 MP) instead of exhausting the fuzzer's
/// memory limit.
fn check_options(face: bool) -> CheckOptions {
    CheckOptions {
        max_pixels: 4_000_000,
        face,
        ..CheckOptions::default()
    }
}

/// `photo_check`: the whole photo check (sniffing, marker parse, decode,
/// pixel rules, face engine) against the `national` profile.
pub fn photo_check(data: &[u8]) {
    let r = check::check_bytes_with(
        Path::new("fuzz.jpg"),
        data,
        national(),
        &check_options(true),
    );
    for f in &r.item.findings {
        let _ = f.message.render(Lang::Zh);
        let _ = f.message.render(Lang::En);
        let _ = serde_json::to_string(&f.measured);
        let _ = serde_json::to_string(&f.expected);
    }
}

/// `fix_size`: `photo::fix::fix_image` on the bytes of a file, in memory,
/// with every built-in profile (default options; an odd-length input also
/// allows padding with the background colour and a 2x enlargement).
pub fn fix_size(data: &[u8]) {
    static PROFILES: OnceLock<Vec<PhotoProfile>> = OnceLock::new();
    let profiles = PROFILES.get_or_init(|| {
        profile::BUILTIN
            .iter()
            .map(|n| PhotoProfile::builtin(n).expect("built-in profile"))
            .collect()
    });
    let opts = if data.len() % 2 == 1 {
        FixOptions {
            pad_background: true,
            max_upscale: 2.0,
            ..FixOptions::default()
        }
    } else {
        FixOptions::default()
    };
    for p in profiles {
        let (findings, extra) = match fix::fix_image(data, p, &opts) {
            Ok(o) => {
                let _ = o.action.verdict();
                (o.findings, o.extra)
            }
            Err(r) => (r.findings, r.extra),
        };
        for f in &findings {
            let _ = f.message.render(Lang::Zh);
            let _ = f.message.render(Lang::En);
            let _ = serde_json::to_string(&f.measured);
            let _ = serde_json::to_string(&f.expected);
        }
        for (_, v) in &extra {
            let _ = serde_json::to_string(v);
        }
    }
}

/// `audit`: a policy and four small tables through the eligibility audit,
/// `prereq verify` and the three rosters. The input is split on NUL bytes
/// into policy text, candidates.csv, scores.csv, plans.csv and prior.csv
/// (missing parts are empty files). A policy text that does not parse
/// (the error is rendered) is replaced by the built-in policy its first
/// byte selects, so the tables are always audited.
pub fn audit(data: &[u8]) {
    let mut parts = data.splitn(5, |&b| b == 0);
    let policy_text = parts.next().unwrap_or_default();
    let dir = scratch("audit");
    let names = ["candidates.csv", "scores.csv", "plans.csv", "prior.csv"];
    for name in names {
        fs::write(dir.join(name), parts.next().unwrap_or_default()).expect("write temp file");
    }
    let parsed = std::str::from_utf8(policy_text).ok().and_then(|t| {
        match Policy::parse(t, Path::new("fuzz.toml")) {
            Ok(p) => Some(p),
            Err(e) => {
                let _ = e.to_string();
                None
            }
        }
    });
    let policy = match parsed {
        Some(p) => p,
        None => {
            let sel = policy_text.first().copied().unwrap_or(0) as usize;
            Policy::builtin(policy::BUILTIN[sel % policy::BUILTIN.len()]).expect("built-in policy")
        }
    };
    let (cands, scores, plans, prior) = (
        dir.join(names[0]),
        dir.join(names[1]),
        dir.join(names[2]),
        dir.join(names[3]),
    );
    let elig_json = dir.join("eligibility.json");
    let _ = fs::remove_file(&elig_json);
    let as_of = NaiveDate::from_ymd_opt(2026, 5, 15).expect("date");
    let eopts = EligOptions {
        batch: Batch::for_date(as_of, &policy.batch_months),
        as_of,
    };
    let inputs = EligInputs {
        candidates: cands.clone(),
        scores: scores.clone(),
        plans,
        ..EligInputs::default()
    };
    match elig::audit(&inputs, &policy, &eopts) {
        Ok(r) => {
            render_report(&r);
            let json = serde_json::to_vec(&r.to_json(Lang::En)).expect("JSON");
            fs::write(&elig_json, json).expect("write temp file");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let elig_given = elig_json.exists().then_some(elig_json.as_path());
    match PrereqInputs::read(&cands, &prior, elig_given, &ReadOptions::default()) {
        Ok(inp) => match prereq::verify(&inp, &policy, &PrereqOptions::new(as_of)) {
            Ok(r) => render_report(&r),
            Err(e) => {
                let _ = e.to_string();
            }
        },
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let rin = roster::Inputs {
        candidates: cands,
        eligibility: elig_given.map(Path::to_path_buf),
        scores: Some(scores),
        ..roster::Inputs::default()
    };
    let ropts = roster::Options::default();
    for r in [
        roster::graduates(&rin, &ropts),
        roster::exemptions(&rin, &ropts),
        roster::reception(&rin, &policy, &ropts),
    ] {
        match r {
            Ok(r) => {
                render_report(&r.to_report(Lang::Zh));
                let _ = r.to_html(Lang::Zh);
                let _ = r.to_html(Lang::En);
                let _ = r.to_xlsx(Lang::Zh);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

/// A file or folder name from bytes (any bytes but `/` and NUL on Unix).
fn os_name(b: &[u8]) -> std::ffi::OsString {
    let mut v: Vec<u8> = b
        .iter()
        .map(|&c| if c == b'/' || c == 0 { b'_' } else { c })
        .collect();
    if v.is_empty() || v == b"." || v == b".." {
        v.insert(0, b'n');
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        std::ffi::OsString::from_vec(v)
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(&v).into_owned().into()
    }
}

/// A tiny JPEG (16 x 16, a face-less gradient).
fn tiny_jpeg() -> &'static [u8] {
    static J: OnceLock<Vec<u8>> = OnceLock::new();
    J.get_or_init(|| {
        let img = image::RgbImage::from_fn(16, 16, |x, y| {
            image::Rgb([(x * 16) as u8, (y * 16) as u8, 200])
        });
        crate::photo::html::jpeg_bytes(&img, 80)
    })
}

const JUNK_NAMES: &[&str] = &[
    ".DS_Store",
    "._photo.jpg",
    "Thumbs.db",
    "desktop.ini",
    "__MACOSX",
    "@eaDir",
    ".git",
    "$RECYCLE.BIN",
    ".hidden",
    "x.JPG",
];

/// A name: a length byte (% 24) and that many bytes.
fn name(it: &mut dyn Iterator<Item = u8>) -> std::ffi::OsString {
    let n = it.next().unwrap_or(0) as usize % 24;
    let b: Vec<u8> = it.take(n).collect();
    os_name(&b)
}

/// Builds a tree under `root` from `ops` (see [`folder`]).
fn build_tree(root: &Path, ops: &[u8]) {
    let mut it = ops.iter().copied();
    let mut stack = vec![root.to_path_buf()];
    let mut made = 0;
    while let Some(op) = it.next() {
        if made >= 40 {
            break;
        }
        let here = stack.last().expect("root").clone();
        match op % 8 {
            0 => {
                let d = here.join(name(&mut it));
                if stack.len() < 8 && fs::create_dir(&d).is_ok() {
                    stack.push(d);
                    made += 1;
                }
            }
            1 => {
                if stack.len() > 1 {
                    stack.pop();
                }
            }
            2 => {
                let _ = fs::write(here.join(name(&mut it)), b"");
                made += 1;
            }
            3 => {
                let _ = fs::write(here.join(name(&mut it)), tiny_jpeg());
                made += 1;
            }
            4 => {
                let p = here.join(name(&mut it));
                let n = it.next().unwrap_or(0) as usize % 64;
                let body: Vec<u8> = it.by_ref().take(n).collect();
                let _ = fs::write(p, body);
                made += 1;
            }
            5 => {
                // a damaged copy of the JPEG: cut, or one byte changed
                let p = here.join(name(&mut it));
                let at = it.next().unwrap_or(0) as usize;
                let v = it.next().unwrap_or(0);
                let mut j = tiny_jpeg().to_vec();
                let at = at * j.len() / 256;
                if v == 0 {
                    j.truncate(at);
                } else {
                    j[at] = v;
                }
                let _ = fs::write(p, j);
                made += 1;
            }
            6 => {
                // a photo named like a candidate: the name plus an extension
                let mut n = name(&mut it);
                n.push([".jpg", ".JPG", ".jpeg", ".png"][(op >> 3) as usize % 4]);
                let _ = fs::write(here.join(n), tiny_jpeg());
                made += 1;
            }
            _ => {
                let j = JUNK_NAMES[(op >> 3) as usize % JUNK_NAMES.len()];
                let p = here.join(j);
                if op & 0x80 != 0 {
                    let _ = fs::create_dir(&p);
                    let _ = fs::write(p.join("a.jpg"), tiny_jpeg());
                } else {
                    let _ = fs::write(p, tiny_jpeg());
                }
                made += 1;
            }
        }
    }
}

/// `folder`: the folder walker and the folder-versus-candidates matcher of
/// `photo check DIR --candidates LIST`. The input is split at its first
/// NUL byte into the candidate list (a CSV file) and a program that builds
/// a tree in a scratch folder: byte 0 selects `--name-by` (% 3: auto, id,
/// exam) and `--unmask` (bit 7); then each operation byte (% 8): 0 make a
/// folder and enter it (up to 7 deep), 1 leave it, 2 an empty file, 3 a
/// copy of a tiny JPEG, 4 a file of junk bytes, 5 a damaged copy of the
/// JPEG, 6 a JPEG named with an image extension, 7 a system junk name (a
/// file, or with bit 7 a folder holding a JPEG). Names are a length byte
/// (% 24) and that many bytes (`/` and NUL become `_`); at most 40 entries.
/// No symbolic links are made. The tree is walked, checked without the
/// face engine (signatures from the pixels) and matched with the list.
pub fn folder(data: &[u8]) {
    let (list, ops) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let dir = scratch("folder");
    let root = dir.join("tree");
    let _ = fs::remove_dir_all(&root);
    fs::create_dir(&root).expect("fuzz tree folder");
    let list_path = dir.join("candidates.csv");
    fs::write(&list_path, list).expect("write temp file");
    let (sel, ops) = ops.split_first().map_or((0, ops), |(s, r)| (*s, r));
    build_tree(&root, ops);

    let paths = [root.clone()];
    for e in walk::walk(&paths, &WalkOptions::default()) {
        if let Entry::Skipped(p) = e {
            render_problems(std::slice::from_ref(&p));
        }
    }
    let checked = check::check_paths_map(
        &paths,
        national(),
        &check_options(false),
        &|_, _| {},
        &|r| {
            r.image.as_ref().map(|img| {
                folder::phash::signature(img, r.face.as_ref().and_then(|f| f.primary.as_ref()))
            })
        },
    );
    let (report, sigs) = match checked {
        Ok(x) => x,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let sigs: Vec<_> = sigs.into_iter().map(Option::flatten).collect();
    match folder::read_candidates(&list_path, &ReadOptions::default()) {
        Ok((list, problems)) => {
            let opts = FolderOptions {
                name_by: [NameBy::Auto, NameBy::Id, NameBy::Exam][sel as usize % 3],
                unmask: sel & 0x80 != 0,
                list_file: list_path.clone(),
            };
            let r = folder::match_folder(report, sigs, &list, problems, &opts);
            render_report(&r);
        }
        Err(e) => {
            let _ = e.to_string();
            render_report(&report);
        }
    }
    let _ = fs::remove_dir_all(&root);
}

#[cfg(test)]
mod tests {
    //! Replays the committed seeds, minimised corpora and crash inputs.

    use std::path::{Path, PathBuf};

    fn files_in(dir: &Path, prefix: &str) -> Vec<PathBuf> {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut v: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    }

    /// Runs `f` on the files of `seeds` (under tests/fuzz/seeds) and of
    /// tests/fuzz/min/<target> (the smallest `cap` of them when capped),
    /// and on every tests/fixtures/crashes/<target>_* file. Fails naming
    /// every file that panicked.
    fn replay(target: &str, seeds: &[&str], f: fn(&[u8]), cap: Option<usize>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut corpus: Vec<PathBuf> = seeds
            .iter()
            .flat_map(|s| files_in(&root.join("tests/fuzz/seeds").join(s), ""))
            .chain(files_in(&root.join("tests/fuzz/min").join(target), ""))
            .collect();
        if let Some(cap) = cap {
            corpus.sort_by_key(|p| (std::fs::metadata(p).map_or(0, |m| m.len()), p.clone()));
            corpus.truncate(cap);
        }
        corpus.extend(files_in(
            &root.join("tests/fixtures/crashes"),
            &format!("{target}_"),
        ));
        assert!(!corpus.is_empty(), "no input to replay for {target}");
        let mut failed = Vec::new();
        for p in &corpus {
            let bytes = std::fs::read(p).expect("read corpus file");
            if std::panic::catch_unwind(|| f(&bytes)).is_err() {
                failed.push(p.display().to_string());
            }
        }
        assert!(
            failed.is_empty(),
            "fuzz target {target} panicked on {} of {} inputs: {failed:#?}",
            failed.len(),
            corpus.len()
        );
    }

    #[test]
    fn replay_jpeg() {
        replay("jpeg", &["jpeg"], super::jpeg, None);
    }

    #[test]
    fn replay_table() {
        replay("table", &["table"], super::table, None);
    }

    #[test]
    fn replay_policy() {
        replay("policy", &["policy"], super::policy, None);
    }

    #[test]
    fn replay_photo_check() {
        replay("photo_check", &["jpeg"], super::photo_check, Some(40));
    }

    #[test]
    fn replay_fix_size() {
        replay("fix_size", &["jpeg"], super::fix_size, Some(40));
    }

    #[test]
    fn replay_audit() {
        replay("audit", &["audit"], super::audit, None);
    }

    #[test]
    fn replay_folder() {
        replay("folder", &["folder"], super::folder, None);
    }
}

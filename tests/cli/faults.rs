//! Faults (issue 19): the binary killed at random moments, a full disk, a
//! read-only output folder, and inputs made to exhaust memory. Each runs
//! the real executable.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("zikao")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the tests run as root (for whom file permissions do not apply).
fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `cmd`, run as the unprivileged user `nobody` (setpriv, util-linux) when
/// the tests run as root, for whom permissions do not apply.
pub(crate) fn as_unprivileged(cmd: Command) -> Command {
    if !running_as_root() {
        return cmd;
    }
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    c
}

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// A finished run: exit code (None when killed by a signal), stderr, and
/// the peak resident memory of that one process in KB (wait4's rusage).
struct Measured {
    code: Option<i32>,
    stderr: String,
    max_rss_kb: i64,
}

/// Runs `cmd` to the end (or kills it after `kill_after`) and measures
/// the peak memory of exactly that process.
// reaped with wait4 (which gives the rusage), not Child::wait
#[allow(clippy::zombie_processes)]
fn run(mut cmd: Command, kill_after: Option<Duration>) -> Measured {
    cmd.env_remove("ZIKAO_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn zikao");
    let pid = child.id() as libc::pid_t;
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    if let Some(d) = kill_after {
        std::thread::sleep(d);
        // SIGKILL: no chance to clean up
        // SAFETY: pid is our own child, not yet waited for.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Measured {
        code,
        stderr: reader.join().unwrap(),
        max_rss_kb: usage.ru_maxrss,
    }
}

/// `eligibility --lang en` on the bundled example candidates and plans
/// (Guangdong, June 2022) with the given scores table.
fn eligibility(scores: &Path) -> Command {
    let ex = root().join("examples/exports");
    let mut c = Command::new(bin());
    c.args(["eligibility", "--lang", "en", "--candidates"])
        .arg(ex.join("candidates.csv"))
        .arg("--scores")
        .arg(scores)
        .arg("--plans")
        .arg(ex.join("plans.csv"))
        .args([
            "--policy",
            "guangdong",
            "--batch",
            "2022-06",
            "--as-of",
            "2022-06-20",
        ]);
    c
}

fn zikao_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args);
    c
}

/// A small deterministic generator (the kill moments are reproducible).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// What a complete output looks like, by kind.
fn complete(path: &Path) -> Result<(), String> {
    let b = std::fs::read(path).map_err(|e| e.to_string())?;
    let name = path.to_string_lossy();
    if name.ends_with(".json") {
        serde_json::from_slice::<serde_json::Value>(&b)
            .map(drop)
            .map_err(|e| format!("{}: {e}", path.display()))
    } else if name.ends_with(".xlsx") {
        zip::ZipArchive::new(std::io::Cursor::new(b))
            .map(drop)
            .map_err(|e| format!("{}: {e}", path.display()))
    } else if name.ends_with(".jpg") {
        if b.starts_with(&[0xFF, 0xD8]) && b.ends_with(&[0xFF, 0xD9]) {
            Ok(())
        } else {
            Err(format!(
                "{}: a cut JPEG ({} bytes)",
                path.display(),
                b.len()
            ))
        }
    } else {
        Ok(())
    }
}

/// One command of the kill test: its arguments (with `{in}` and `{out}`
/// for the input folder and the output path) and the output path.
struct Job {
    name: &'static str,
    args: Vec<String>,
    out: PathBuf,
}

fn photos(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let src = root().join("tests/fixtures/photos");
    let names = [
        "astronaut_ok_blue.jpg",
        "grace_hopper_ok_white.jpg",
        "astronaut_small_face.jpg",
        "grace_hopper_big_face.jpg",
    ];
    for i in 0..n {
        let name = names[i % names.len()];
        std::fs::copy(src.join(name), dir.join(format!("{i:03}_{name}"))).unwrap();
    }
}

/// SIGKILL four writing commands at 20 moments spread over their run
/// time. After each kill: no partial file under a final name, no input
/// changed, and nothing left but `.zikao-tmp-*` files; the next run cleans
/// those up and writes a complete output.
#[test]
fn killed_runs_leave_no_partial_output_and_clean_up_after() {
    let d = tempfile::tempdir().unwrap();
    let inputs = d.path().join("in");
    photos(&inputs.join("photos"), 8);
    let ex = root().join("examples/exports");
    for f in ["candidates.csv", "scores.csv", "plans.csv"] {
        std::fs::copy(ex.join(f), inputs.join(f)).unwrap();
    }
    let before = snapshot(&inputs);
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let i = |f: &str| inputs.join(f).to_string_lossy().into_owned();
    let o = |f: &str| out.join(f);
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let jobs = vec![
        Job {
            name: "photo check -o",
            out: o("check.json"),
            args: vec![
                "photo".into(),
                "check".into(),
                "-q".into(),
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&o("check.json")),
                i("photos"),
            ],
        },
        Job {
            name: "photo fix-size",
            out: o("fixed"),
            args: vec![
                "photo".into(),
                "fix-size".into(),
                "-q".into(),
                "--out-dir".into(),
                s(&o("fixed")),
                i("photos"),
            ],
        },
        Job {
            name: "eligibility -o x.xlsx",
            out: o("elig.xlsx"),
            args: vec![
                "eligibility".into(),
                "--candidates".into(),
                i("candidates.csv"),
                "--scores".into(),
                i("scores.csv"),
                "--plans".into(),
                i("plans.csv"),
                "--policy".into(),
                "guangdong".into(),
                "--batch".into(),
                "2022-06".into(),
                "--as-of".into(),
                "2022-06-20".into(),
                "--format".into(),
                "xlsx".into(),
                "-o".into(),
                s(&o("elig.xlsx")),
            ],
        },
        Job {
            name: "roster exemptions -o",
            out: o("roster.xlsx"),
            args: vec![
                "roster".into(),
                "exemptions".into(),
                "--candidates".into(),
                i("candidates.csv"),
                "--scores".into(),
                i("scores.csv"),
                "--format".into(),
                "xlsx".into(),
                "-o".into(),
                s(&o("roster.xlsx")),
            ],
        },
    ];
    let mut rng = Lcg(19);
    for job in &jobs {
        let args: Vec<&str> = job.args.iter().map(String::as_str).collect();
        // an unkilled run gives the run time to spread the kills over
        let t0 = Instant::now();
        let m = run(zikao_cmd(&args), None);
        let full = t0.elapsed();
        assert!(
            matches!(m.code, Some(0 | 1)),
            "{}: {:?} {}",
            job.name,
            m.code,
            m.stderr
        );
        for k in 0..5 {
            remove(&job.out);
            let at = Duration::from_micros(rng.next() % (full.as_micros() as u64).max(1));
            let killed = run(zikao_cmd(&args), Some(at));
            check_outputs(&out, &format!("{} kill {k} at {at:?}", job.name), false);
            assert_eq!(snapshot(&inputs), before, "{}: an input changed", job.name);
            if killed.code.is_some() {
                // finished before the kill: the output is whole
                assert!(job.out.exists(), "{}: exited without output", job.name);
            }
        }
        // the next run (over whatever the kill left) completes and leaves
        // no temporary file behind
        let m = run(zikao_cmd(&[&args[..], &["--force"]].concat()), None);
        assert!(
            matches!(m.code, Some(0 | 1)),
            "{} after kills: {:?} {}",
            job.name,
            m.code,
            m.stderr
        );
        check_outputs(&out, &format!("{} after kills", job.name), true);
        assert!(job.out.exists(), "{}", job.name);
    }
}

fn remove(p: &Path) {
    if p.is_dir() {
        std::fs::remove_dir_all(p).unwrap();
    } else if p.exists() {
        std::fs::remove_file(p).unwrap();
    }
}

/// Every file under `out` is complete or a clearly named temporary file;
/// with `clean`, no temporary file at all.
fn check_outputs(out: &Path, what: &str, clean: bool) {
    for (rel, _) in snapshot(out) {
        let name = rel.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(".zikao-tmp-") {
            assert!(!clean, "{what}: temporary file left: {}", rel.display());
            continue;
        }
        if let Err(e) = complete(&out.join(&rel)) {
            panic!("{what}: partial output under its final name: {e}");
        }
    }
}

/// A full disk while writing (the process may write at most 4 KB per
/// file, RLIMIT_FSIZE: a write past it fails like ENOSPC does) and a
/// read-only output folder: a clear error naming the output, exit 2, and
/// no file under the final name.
#[test]
fn full_disk_and_read_only_folder_are_clear_errors() {
    let d = tempfile::tempdir().unwrap();
    photos(&d.path().join("photos"), 2);
    let ex = root().join("examples/exports");
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let target = out.join("elig.json");
    let elig = |target: &Path| {
        let mut c = eligibility(&ex.join("scores.csv"));
        c.args(["--format", "json", "-o"]).arg(target);
        c
    };
    // the full report is bigger than the limit
    let m = run(elig(&d.path().join("whole.json")), None);
    assert!(matches!(m.code, Some(0 | 1)), "{}", m.stderr);
    let whole = std::fs::metadata(d.path().join("whole.json"))
        .unwrap()
        .len();
    let limit: u64 = 4 * 1024;
    assert!(whole > limit, "report of {whole} bytes fits the limit");
    let mut full = elig(&target);
    // SAFETY: only async-signal-safe calls (signal, setrlimit) between
    // fork and exec.
    unsafe {
        full.pre_exec(move || {
            // a write past the limit fails with EFBIG instead of killing
            // the process with SIGXFSZ (an ignored signal stays ignored
            // across exec)
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let m = run(full, None);
    assert_eq!(m.code, Some(2), "full disk: {}", m.stderr);
    assert!(
        m.stderr.contains("elig.json") && m.stderr.starts_with("zikao: "),
        "{}",
        m.stderr
    );
    assert!(!m.stderr.contains("panicked"), "{}", m.stderr);
    assert!(!target.exists(), "a partial report under the final name");
    assert_eq!(
        snapshot(&out).len(),
        0,
        "temporary file left: {:?}",
        snapshot(&out).keys()
    );

    // a read-only folder (as root, the binary runs as `nobody`, for whom
    // the root-owned folder is read-only)
    let ro = d.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let m = run(as_unprivileged(elig(&ro.join("elig.json"))), None);
    assert_eq!(m.code, Some(2), "read-only: {}", m.stderr);
    assert!(
        m.stderr.contains("ro/elig.json") && m.stderr.contains("ermission"),
        "{}",
        m.stderr
    );
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);

    // fix-size into a read-only folder: each photo's item says why, exit 2
    // is not needed (the batch goes on), no file appears
    let mut inner = Command::new(bin());
    inner
        .args(["photo", "fix-size", "-q", "--lang", "en", "--out-dir"])
        .arg(ro.join("fixed"))
        .arg(d.path().join("photos"));
    let m = run(as_unprivileged(inner), None);
    assert_eq!(m.code, Some(2), "fix-size read-only: {}", m.stderr);
    assert!(m.stderr.contains("fixed"), "{}", m.stderr);
    assert!(!m.stderr.contains("panicked"), "{}", m.stderr);
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
}

/// The most memory a refused huge input may take.
const MAX_RSS_KB: i64 = 1024 * 1024;

fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut c = kind.to_vec();
        c.extend_from_slice(data);
        out.extend_from_slice(&c);
        out.extend_from_slice(&crc32(&c).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // a little deflated data: the header is what matters
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&vec![0u8; 64 * 1024]).unwrap();
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(b: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &x in b {
        c ^= x as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A zip with the given parts (name, deflated bytes, unpacked size, CRC-32
/// of the unpacked bytes), each deflated (`method` 8).
fn zip_file(parts: &[(&str, Vec<u8>, u64, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, size, crc) in parts {
        let offset = out.len() as u32;
        let mut head = Vec::new();
        head.extend_from_slice(&[8, 0]); // method: deflate
        head.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
        head.extend_from_slice(&crc.to_le_bytes());
        head.extend_from_slice(&(data.len() as u32).to_le_bytes());
        head.extend_from_slice(&(*size as u32).to_le_bytes());
        head.extend_from_slice(&(name.len() as u16).to_le_bytes());
        head.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00");
        out.extend_from_slice(&head);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00");
        central.extend_from_slice(&head);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attrs
        central.extend_from_slice(&[0; 4]); // external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// Deflated bytes, unpacked size and CRC-32 of the chunks.
fn deflate(chunks: impl Iterator<Item = Vec<u8>>) -> (Vec<u8>, u64, u32) {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let mut crc = flate2::Crc::new();
    for c in chunks {
        crc.update(&c);
        z.write_all(&c).unwrap();
    }
    (z.finish().unwrap(), crc.amount() as u64, crc.sum())
}

/// A 50,000 × 50,000 PNG header, a line of 20 MiB without a line break, a
/// header row of 10^6 columns and an `.xlsx` whose shared strings unpack
/// to 300 MiB: each is refused early, with a message naming the file and
/// the cause, in under 1 GB of memory. (A 2 GB line is the same code path
/// with a bigger file: docs/fuzzing.md, "Huge inputs", has the command.)
#[test]
fn huge_inputs_are_refused_early_in_bounded_memory() {
    let d = tempfile::tempdir().unwrap();
    // photo: the header claims 2.5 gigapixels
    let png = d.path().join("huge.png");
    std::fs::write(&png, png_header(50_000, 50_000)).unwrap();
    let mut c = zikao_cmd(&["photo", "check", "--lang", "en", "--format", "json", "-q"]);
    c.arg(&png);
    let m = run(c, None);
    assert_eq!(m.code, Some(1), "{}", m.stderr);
    assert!(m.max_rss_kb < MAX_RSS_KB, "png: {} KB", m.max_rss_kb);

    let ex = root().join("examples/exports");
    let scores_run = |scores: &Path| run(eligibility(scores), None);
    // a 20 MiB line after a real header
    let long = d.path().join("long-line.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&long).unwrap());
        let head = std::fs::read_to_string(ex.join("scores.csv")).unwrap();
        f.write_all(head.lines().next().unwrap().as_bytes())
            .unwrap();
        f.write_all(b"\n").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..20 {
            f.write_all(&chunk).unwrap();
        }
    }
    let m = scores_run(&long);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert!(
        m.stderr.contains("long-line.csv") && m.stderr.contains("line 2 is longer than 16 MiB"),
        "{}",
        m.stderr
    );
    assert!(m.max_rss_kb < MAX_RSS_KB, "long line: {} KB", m.max_rss_kb);

    // 10^6 columns in the header row
    let wide = d.path().join("wide.csv");
    {
        let mut s = String::from("准考证号,课程代码,成绩");
        for i in 0..1_000_000 {
            s.push_str(&format!(",c{i}"));
        }
        s.push('\n');
        std::fs::write(&wide, s).unwrap();
    }
    let m = scores_run(&wide);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert!(
        m.stderr.contains("wide.csv") && m.stderr.contains("1000003 columns"),
        "{}",
        m.stderr
    );
    assert!(m.max_rss_kb < MAX_RSS_KB, "wide: {} KB", m.max_rss_kb);

    // an .xlsx of a few hundred KB whose shared strings unpack to 300 MiB
    let bomb = d.path().join("bomb.xlsx");
    {
        let strings = deflate(
            std::iter::once(b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>".to_vec())
                .chain((0..300).map(|_| vec![b'a'; 1 << 20]))
                .chain(std::iter::once(b"</t></si></sst>".to_vec())),
        );
        let small = |s: &str| deflate(std::iter::once(s.as_bytes().to_vec()));
        let parts = [
            ("[Content_Types].xml", small("<Types/>")),
            ("xl/workbook.xml", small("<workbook/>")),
            ("xl/sharedStrings.xml", strings),
        ];
        let parts: Vec<(&str, Vec<u8>, u64, u32)> = parts
            .into_iter()
            .map(|(n, (b, s, c))| (n, b, s, c))
            .collect();
        std::fs::write(&bomb, zip_file(&parts)).unwrap();
    }
    let small = std::fs::metadata(&bomb).unwrap().len();
    assert!(small < 4 << 20, "bomb of {small} bytes");
    let m = scores_run(&bomb);
    assert_eq!(m.code, Some(2), "{}", m.stderr);
    assert!(
        m.stderr.contains("bomb.xlsx") && m.stderr.contains("xl/sharedStrings.xml"),
        "{}",
        m.stderr
    );
    assert!(m.max_rss_kb < MAX_RSS_KB, "zip bomb: {} KB", m.max_rss_kb);
}

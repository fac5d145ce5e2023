//! Writing output files: atomically (temporary file in the same folder,
//! then rename), never over an existing file without `force`, and with
//! formula-like text neutralised for spreadsheets.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Writes `bytes` to `path` whole or not at all. Refuses an existing
/// `path` unless `force`. The temporary file lives next to the target so the
/// final rename stays on one file system.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let mut f = AtomicFile::create(path, force)?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// How every temporary output file starts: `.zikao-tmp-<name>.<pid>.<n>`,
/// next to the output `<name>`.
pub const TMP_PREFIX: &str = ".zikao-tmp-";

/// Removes the temporary files of `prefix` (one output name) left by a run
/// that was killed: those whose process no longer exists. Only where the
/// process table can be read (`/proc`); elsewhere they stay, clearly named.
fn remove_stale(dir: &Path, prefix: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let Some((pid, n)) = rest.split_once('.') else {
            continue;
        };
        if pid.parse::<u32>().is_err() || n.parse::<u32>().is_err() {
            continue;
        }
        if !proc.join(pid).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// An output file written through a temporary file next to it: it appears
/// whole at [`AtomicFile::commit`], or not at all (dropping it uncommitted
/// removes the temporary file). For outputs too big to build in memory.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    force: bool,
}

impl AtomicFile {
    /// Starts writing `path`; refuses an existing `path` unless `force`.
    pub fn create(path: &Path, force: bool) -> Result<AtomicFile> {
        if !force && path.exists() {
            return Err(Error::OutputExists {
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let prefix = format!("{TMP_PREFIX}{name}.");
        remove_stale(&dir, &prefix);
        let mut n = 0u32;
        loop {
            let tmp = dir.join(format!("{prefix}{}.{n}", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => {
                    return Ok(AtomicFile {
                        path: path.to_path_buf(),
                        tmp,
                        file: Some(std::io::BufWriter::with_capacity(1 << 20, f)),
                        force,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(Error::io(path, e)),
            }
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let path = self.path.clone();
        let file = self.file.take().expect("not committed yet");
        let res = file
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&path, e));
        res?;
        if !self.force && path.exists() {
            return Err(Error::OutputExists { path });
        }
        std::fs::rename(&self.tmp, &path).map_err(|e| Error::io(&path, e))?;
        // renamed: nothing left to remove
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.file.as_mut().expect("not committed").write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.file = None;
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `items` rendered by `render` in order, for big reports: the
/// items are cut into tasks of [`TASK`] items, [`BATCH_TASKS`] tasks are
/// rendered in parallel into buffers reused from batch to batch, and a
/// batch is written while the next one is rendered. `render(first, items,
/// out)` appends the rendering of `items` (whose first is item number
/// `first`) to `out`.
pub fn write_batched<T: Sync, W: Write + ?Sized>(
    w: &mut W,
    items: &[T],
    render: impl Fn(usize, &[T], &mut Vec<u8>) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let batches: Vec<&[T]> = items.chunks(BATCH_TASKS * TASK).collect();
    let fill = |bufs: &mut Vec<Vec<u8>>, b: usize| -> std::io::Result<()> {
        let base = b * BATCH_TASKS * TASK;
        bufs.par_iter_mut()
            .zip(batches[b].par_chunks(TASK))
            .enumerate()
            .try_for_each(|(t, (out, task))| {
                out.clear();
                render(base + t * TASK, task, out)
            })
    };
    let mut cur: Vec<Vec<u8>> = vec![Vec::new(); BATCH_TASKS];
    let mut next: Vec<Vec<u8>> = vec![Vec::new(); BATCH_TASKS];
    if batches.is_empty() {
        return Ok(());
    }
    fill(&mut cur, 0)?;
    for b in 0..batches.len() {
        let mut rendered = Ok(());
        // this thread writes batch b while the pool renders batch b + 1
        let written = rayon::in_place_scope(|s| {
            if b + 1 < batches.len() {
                s.spawn(|_| rendered = fill(&mut next, b + 1));
            }
            cur[..batches[b].len().div_ceil(TASK)]
                .iter()
                .try_for_each(|out| w.write_all(out))
        });
        written?;
        rendered?;
        std::mem::swap(&mut cur, &mut next);
    }
    Ok(())
}

/// Items rendered per parallel task by [`write_batched`].
pub const TASK: usize = 64;
/// Tasks per batch of [`write_batched`].
pub const BATCH_TASKS: usize = 32;

/// Whether a text cell would be run as a formula by a spreadsheet: it
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn is_formula_like(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// Neutralises a text cell for CSV/Excel: a formula-like value gets a
/// leading apostrophe (the OWASP "CSV injection" advice), so it is shown
/// as text and never run.
pub fn neutralize(s: &str) -> std::borrow::Cow<'_, str> {
    if is_formula_like(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// UTF-8 byte order mark, written at the start of CSV for people so Excel
/// opens Chinese text correctly.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells() {
        for s in ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(is_formula_like(s), "{s:?}");
            assert!(neutralize(s).starts_with('\''));
        }
        assert_eq!(neutralize("张三"), "张三");
        assert_eq!(neutralize(""), "");
    }

    #[test]
    fn atomic_write_refuses_existing() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        write_atomic(&p, b"one", false).unwrap();
        assert!(matches!(
            write_atomic(&p, b"two", false),
            Err(Error::OutputExists { .. })
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // no temporary files left behind
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        let mut f = AtomicFile::create(&p, false).unwrap();
        f.write_all(b"part").unwrap();
        drop(f);
        assert!(!p.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp file left"
        );
        let mut f = AtomicFile::create(&p, false).unwrap();
        f.write_all(b"whole").unwrap();
        assert!(!p.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(matches!(
            AtomicFile::create(&p, false),
            Err(Error::OutputExists { .. })
        ));
    }

    #[test]
    fn stale_temp_files_of_killed_runs_are_removed() {
        let d = tempfile::tempdir().unwrap();
        // a run that no longer exists (no such pid), and one still running (us)
        let dead = d.path().join(".zikao-tmp-out.json.4000000000.0");
        let alive = d
            .path()
            .join(format!(".zikao-tmp-out.json.{}.7", std::process::id()));
        let other = d.path().join(".zikao-tmp-other.json.4000000000.0");
        for p in [&dead, &alive, &other] {
            std::fs::write(p, b"partial").unwrap();
        }
        let p = d.path().join("out.json");
        write_atomic(&p, b"whole", false).unwrap();
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "stale temp file of a killed run kept");
        }
        assert!(alive.exists(), "a running process's temp file removed");
        assert!(other.exists(), "another output's temp file touched");
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
    }

    #[test]
    fn atomic_write_missing_dir_is_error() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("no/such/dir/out.json");
        assert!(matches!(
            write_atomic(&p, b"x", false),
            Err(Error::Io { .. })
        ));
    }
}

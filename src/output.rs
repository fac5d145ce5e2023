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
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(Error::io(path, e)),
        }
    };
    let res = file
        .write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(path, e));
    drop(file);
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if !force && path.exists() {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::OutputExists {
            path: path.to_path_buf(),
        });
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

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
    fn atomic_write_missing_dir_is_error() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("no/such/dir/out.json");
        assert!(matches!(
            write_atomic(&p, b"x", false),
            Err(Error::Io { .. })
        ));
    }
}

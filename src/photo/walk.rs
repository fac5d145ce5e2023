//! The one folder walker of `photo check` and `photo fix-size` (filesystem
//! code only; the name rules it applies are pure functions in
//! [`super::folder::names`], usable on in-memory file lists).
//!
//! Every file the walker meets is either handed on to be checked
//! ([`Entry::File`]) or listed as skipped with its reason
//! ([`Entry::Skipped`], an input problem):
//! - system junk ([`super::folder::names::junk`]): `.DS_Store`, `._*`
//!   (macOS resource forks), `Thumbs.db`, `desktop.ini`... (warning
//!   `photo.skipped`);
//! - junk and hidden folders (`__MACOSX`, `@eaDir`, `$RECYCLE.BIN`,
//!   `.git`...): listed once, not entered (warning `photo.skipped`);
//! - a file found in a folder whose extension is not an image extension and
//!   whose first bytes are not an image (warning `photo.format`);
//! - symbolic links to folders (not followed, so no loops), special files,
//!   folders nested deeper than 64 levels (warning `photo.unreadable`);
//! - paths that do not exist or cannot be listed (error `photo.unreadable`).
//!
//! A file named on the command line is always handed on, whatever it is.
//! Entries are sorted by path, so the order is deterministic.

use crate::msg::Detail;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::folder::names::{self, Junk};
use super::folder::FolderMsg;
use super::jpeg;
use super::msg::PhotoMsg;
use crate::finding::{InputProblem, Severity};
use crate::msg::Msg;

/// One thing the walker met, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A file to process; `explicit` when it was named on the command line.
    File { path: PathBuf, explicit: bool },
    /// Not processed, with the reason.
    Skipped(InputProblem),
}

/// Options of a walk.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// A folder never entered (fix-size's output folder), canonical path.
    pub skip_dir: Option<PathBuf>,
}

const MAX_DEPTH: usize = 64;

fn problem(
    path: &Path,
    severity: Severity,
    code: &'static str,
    msg: impl Into<Msg>,
) -> InputProblem {
    InputProblem {
        file: path.to_path_buf(),
        row: None,
        column: None,
        severity,
        code,
        message: msg.into(),
    }
}

fn junk_problem(path: &Path, j: Junk) -> InputProblem {
    problem(
        path,
        Severity::Warning,
        "photo.skipped",
        FolderMsg::Skipped { junk: j },
    )
}

/// Walks `paths` (files and folders, folders recursively).
pub fn walk(paths: &[PathBuf], opts: &WalkOptions) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                if walk_dir(p, 0, opts, &mut out) == 0 {
                    out.push(Entry::Skipped(problem(
                        p,
                        Severity::Warning,
                        "photo.unreadable",
                        PhotoMsg::NoFiles,
                    )));
                }
            }
            Ok(m) if m.is_file() => out.push(Entry::File {
                path: p.clone(),
                explicit: true,
            }),
            Ok(_) => out.push(Entry::Skipped(problem(
                p,
                Severity::Error,
                "photo.unreadable",
                PhotoMsg::PathUnreadable {
                    detail: not_regular(),
                },
            ))),
            Err(e) => out.push(Entry::Skipped(problem(
                p,
                Severity::Error,
                "photo.unreadable",
                PhotoMsg::PathUnreadable {
                    detail: Detail::io(&e),
                },
            ))),
        }
    }
    out
}

/// Walks one folder; returns the number of entries met (files and skipped
/// things), so that an empty folder can be reported.
fn walk_dir(dir: &Path, depth: usize, opts: &WalkOptions, out: &mut Vec<Entry>) -> usize {
    if let (Some(s), Ok(c)) = (&opts.skip_dir, dir.canonicalize()) {
        if &c == s {
            return 1;
        }
    }
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Entry::Skipped(problem(
                dir,
                Severity::Error,
                "photo.unreadable",
                PhotoMsg::PathUnreadable {
                    detail: Detail::io(&e),
                },
            )));
            return 1;
        }
    };
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = rd
        .filter_map(|e| e.ok())
        .map(|e| (e.path(), e.file_type().ok()))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut met = 0;
    for (path, ft) in entries {
        let Some(ft) = ft else {
            continue;
        };
        met += 1;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if ft.is_dir() {
            if let Some(j) = names::junk_dir(&name) {
                out.push(Entry::Skipped(junk_problem(&path, j)));
                continue;
            }
            if depth >= MAX_DEPTH {
                out.push(Entry::Skipped(problem(
                    &path,
                    Severity::Warning,
                    "photo.unreadable",
                    PhotoMsg::PathUnreadable {
                        detail: Detail::new(
                            format!("文件夹嵌套超过 {MAX_DEPTH} 层"),
                            format!("folders nested deeper than {MAX_DEPTH} levels"),
                        ),
                    },
                )));
                continue;
            }
            met += walk_dir(&path, depth + 1, opts, out);
            met -= 1;
        } else if ft.is_file() {
            file_entry(path, &name, out);
        } else if ft.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => file_entry(path, &name, out),
                Ok(m) if m.is_dir() => out.push(Entry::Skipped(problem(
                    &path,
                    Severity::Warning,
                    "photo.unreadable",
                    PhotoMsg::SymlinkDirSkipped,
                ))),
                Ok(_) => out.push(Entry::Skipped(problem(
                    &path,
                    Severity::Warning,
                    "photo.unreadable",
                    PhotoMsg::PathUnreadable {
                        detail: not_regular(),
                    },
                ))),
                Err(e) => out.push(Entry::Skipped(problem(
                    &path,
                    Severity::Warning,
                    "photo.unreadable",
                    PhotoMsg::PathUnreadable {
                        detail: Detail::io(&e),
                    },
                ))),
            }
        } else {
            out.push(Entry::Skipped(problem(
                &path,
                Severity::Warning,
                "photo.unreadable",
                PhotoMsg::PathUnreadable {
                    detail: not_regular(),
                },
            )));
        }
    }
    met
}

fn file_entry(path: PathBuf, name: &str, out: &mut Vec<Entry>) {
    if let Some(j) = names::junk_file(name) {
        out.push(Entry::Skipped(junk_problem(&path, j)));
    } else {
        out.push(Entry::File {
            path,
            explicit: false,
        });
    }
}

/// Reads the first bytes of a file (to decide whether a file found in a
/// folder is an image).
fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::with_capacity(64);
    f.take(64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// For a file found in a folder (`explicit` false): `Some(reason)` when it
/// is not an image (neither its extension nor its first bytes), so it is
/// listed as skipped rather than checked. A file named on the command line
/// is never skipped here.
pub fn not_an_image(path: &Path, explicit: bool) -> Option<InputProblem> {
    if explicit {
        return None;
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if names::is_image_ext(&ext) {
        return None;
    }
    match read_head(path) {
        Ok(head) => {
            let s = jpeg::sniff(&head);
            if s.is_image() {
                return None;
            }
            let what = if ext.is_empty() {
                s.name().to_string()
            } else {
                format!(".{ext}, {}", s.name())
            };
            Some(problem(
                path,
                Severity::Warning,
                "photo.format",
                PhotoMsg::NotImageSkipped { format: what },
            ))
        }
        Err(e) => Some(problem(
            path,
            Severity::Error,
            "photo.unreadable",
            PhotoMsg::PathUnreadable {
                detail: Detail::io(&e),
            },
        )),
    }
}

/// The detail of a path that is neither a file nor a folder (a device,
/// a socket).
fn not_regular() -> Detail {
    Detail::new("不是普通文件", "not a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(entries: &[Entry], root: &Path) -> (Vec<String>, Vec<(String, &'static str)>) {
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        for e in entries {
            match e {
                Entry::File { path, .. } => files.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                ),
                Entry::Skipped(p) => skipped.push((
                    p.file
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                    p.code,
                )),
            }
        }
        (files, skipped)
    }

    #[test]
    fn junk_is_listed_not_walked() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("__MACOSX/sub")).unwrap();
        std::fs::write(r.join("__MACOSX/sub/._a.jpg"), b"x").unwrap();
        std::fs::create_dir_all(r.join("sub")).unwrap();
        std::fs::create_dir_all(r.join(".git")).unwrap();
        std::fs::write(r.join(".git/x.jpg"), b"x").unwrap();
        for n in [
            "a.jpg",
            "._a.jpg",
            ".DS_Store",
            "Thumbs.db",
            "sub/desktop.ini",
            "sub/b.JPG",
            "notes.txt",
        ] {
            std::fs::write(r.join(n), b"hello").unwrap();
        }
        let e = walk(&[r.to_path_buf()], &WalkOptions::default());
        let (files, skipped) = names_of(&e, r);
        // notes.txt is handed on: the content test is made by the checker
        assert_eq!(files, ["a.jpg", "notes.txt", "sub/b.JPG"]);
        assert_eq!(
            skipped,
            [
                (".DS_Store".to_string(), "photo.skipped"),
                ("._a.jpg".into(), "photo.skipped"),
                (".git".into(), "photo.skipped"),
                ("Thumbs.db".into(), "photo.skipped"),
                ("__MACOSX".into(), "photo.skipped"),
                ("sub/desktop.ini".into(), "photo.skipped"),
            ]
        );
        assert!(not_an_image(&r.join("notes.txt"), false).is_some());
        assert!(not_an_image(&r.join("notes.txt"), true).is_none());
        assert!(not_an_image(&r.join("a.jpg"), false).is_none());
    }

    #[test]
    fn skip_dir_and_empty() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("out")).unwrap();
        std::fs::write(r.join("out/a.jpg"), b"x").unwrap();
        std::fs::write(r.join("b.jpg"), b"x").unwrap();
        let opts = WalkOptions {
            skip_dir: Some(r.join("out").canonicalize().unwrap()),
        };
        let (files, skipped) = names_of(&walk(&[r.to_path_buf()], &opts), r);
        assert_eq!(files, ["b.jpg"]);
        assert!(skipped.is_empty());
        std::fs::create_dir_all(r.join("empty")).unwrap();
        let e = walk(&[r.join("empty")], &WalkOptions::default());
        assert!(matches!(&e[..], [Entry::Skipped(p)] if p.code == "photo.unreadable"));
        let e = walk(&[r.join("nope")], &WalkOptions::default());
        assert!(matches!(&e[..], [Entry::Skipped(p)] if p.severity == Severity::Error));
    }
}

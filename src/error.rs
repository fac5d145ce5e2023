//! Typed library errors. Every error that comes from a file names the file,
//! and the row and column where there is one.

use std::path::PathBuf;

use crate::msg::Lang;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but its content is not what was expected
    /// (not a table, not JSON, not an image, ...).
    #[error("{}: {}", path.display(), message.en)]
    Format {
        path: PathBuf,
        message: crate::msg::Detail,
    },
    /// A required column is missing from a table.
    #[error("{}: missing required column {column}", path.display())]
    MissingColumn { path: PathBuf, column: String },
    /// A problem at one cell of a table that makes the whole file unusable.
    #[error("{}: row {row}, column {column}: {message}", path.display())]
    Cell {
        path: PathBuf,
        row: usize,
        column: String,
        message: String,
    },
    /// A policy or profile file is malformed.
    #[error("{}: key `{key}`: {}", path.display(), message.en)]
    Policy {
        path: PathBuf,
        key: String,
        message: crate::msg::Detail,
    },
    /// An output file exists and overwriting was not asked for (the binary
    /// adds how: `--force`).
    #[error("{}: output file exists", path.display())]
    OutputExists { path: PathBuf },
    /// Arguments that do not fit together.
    #[error("{0}")]
    Usage(String),
    /// Arguments that do not fit together, worded in both languages (the
    /// user sees one).
    #[error("{}", .0.en)]
    UsageBoth(crate::msg::Detail),
    /// A face model could not be loaded.
    #[error("face model: {0}")]
    Model(String),
    /// A JSON input is the report of another command (its `command` field),
    /// or a report where a table is needed. `expected` is the command whose
    /// report is needed, empty when a table is needed; `found` is the
    /// command named in the file, empty when the file is no zikao report.
    #[error("{}", wrong_input_en(path, found, expected))]
    WrongInput {
        path: PathBuf,
        found: String,
        expected: String,
    },
}

/// An operating-system error in Chinese: the common kinds are named;
/// the system's own (English) text is left to `--verbose`.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "找不到该文件或文件夹".into(),
        K::PermissionDenied => "没有访问权限".into(),
        K::IsADirectory => "这是一个文件夹，不是文件".into(),
        K::NotADirectory => "路径中有一部分不是文件夹".into(),
        K::StorageFull => "磁盘空间已满".into(),
        K::AlreadyExists => "已存在".into(),
        K::ReadOnlyFilesystem => "所在磁盘只读".into(),
        K::InvalidData => "内容无法读取（编码或格式不对）".into(),
        K::UnexpectedEof => "文件不完整（意外结束）".into(),
        _ => "无法读写".into(),
    }
}

fn wrong_input_en(path: &std::path::Path, found: &str, expected: &str) -> String {
    let p = path.display();
    match (found.is_empty(), expected.is_empty()) {
        (false, true) => format!(
            "{p}: this is the JSON result of `zikao {found}`, not a table: give the exported table here"
        ),
        (false, false) => format!(
            "{p}: this is the JSON result of `zikao {found}`, but the result of `zikao {expected} --format json` is needed here"
        ),
        _ => format!(
            "{p}: not a JSON result of `zikao {expected}` (make one with `zikao {expected} --format json -o FILE`)"
        ),
    }
}

fn wrong_input_zh(path: &std::path::Path, found: &str, expected: &str) -> String {
    let p = path.display();
    match (found.is_empty(), expected.is_empty()) {
        (false, true) => {
            format!("{p}：这是 `zikao {found}` 的 JSON 结果，不是数据表；此处应给出导出的数据表")
        }
        (false, false) => format!(
            "{p}：这是 `zikao {found}` 的 JSON 结果，此处需要的是 `zikao {expected} --format json` 的结果"
        ),
        _ => format!(
            "{p}：不是 `zikao {expected}` 的 JSON 结果（请用 `zikao {expected} --format json -o 文件` 生成）"
        ),
    }
}

/// Checks that a JSON input is the report of `expected` (a command name,
/// e.g. `eligibility`, `prereq verify`): an object whose `command` names
/// another command is [`Error::WrongInput`]. An object without `command`
/// (hand-made) and a bare array of results are accepted; the caller checks
/// their content.
pub fn check_report_kind(
    path: &std::path::Path,
    v: &serde_json::Value,
    expected: &str,
) -> Result<()> {
    if let Some(found) = v.get("command").and_then(serde_json::Value::as_str) {
        if found.trim() != expected {
            return Err(Error::WrongInput {
                path: path.to_path_buf(),
                found: found.trim().to_string(),
                expected: expected.to_string(),
            });
        }
    }
    Ok(())
}

/// The `command` of a zikao report whose text starts with `text` (the
/// report's first key), if it is one.
pub fn report_command_of(text: &str) -> Option<String> {
    let t = text.trim_start_matches('\u{FEFF}').trim_start();
    let t = t.strip_prefix('{')?.trim_start();
    let t = t.strip_prefix("\"command\"")?.trim_start();
    let t = t.strip_prefix(':')?.trim_start();
    let t = t.strip_prefix('"')?;
    let end = t.find('"')?;
    let c = &t[..end];
    (!c.is_empty() && c.len() < 40).then(|| c.to_string())
}

impl Error {
    /// A usage error in both languages.
    pub fn usage(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::UsageBoth(crate::msg::Detail::new(zh, en))
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A file that cannot be read as what it should be, with what is wrong
    /// in Chinese and in English.
    pub fn format(path: impl Into<PathBuf>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            message: crate::msg::Detail::new(zh, en),
        }
    }

    /// [`Error::format`] with a detail already in both languages.
    pub fn format_detail(path: impl Into<PathBuf>, message: crate::msg::Detail) -> Self {
        Error::Format {
            path: path.into(),
            message,
        }
    }

    /// The error in the user's language. `Display` is English; the binary
    /// prints `render(lang)`.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                Error::Io { path, source } => {
                    format!("{}：{}", path.display(), io_zh(source))
                }
                Error::Format { path, message } => {
                    format!("{}：{}", path.display(), message.zh)
                }
                Error::MissingColumn { path, column } => {
                    format!("{}：缺少必需的列「{column}」", path.display())
                }
                Error::Cell {
                    path,
                    row,
                    column,
                    message,
                } => format!("{}：第 {row} 行，「{column}」列：{message}", path.display()),
                Error::Policy { path, key, message } => match key.as_str() {
                    "(syntax)" => format!("{}：{}", path.display(), message.zh),
                    "(top level)" => format!("{}：{}", path.display(), message.zh),
                    _ => format!("{}：配置项「{key}」有误：{}", path.display(), message.zh),
                },
                Error::OutputExists { path } => {
                    format!("{}：输出文件已存在", path.display())
                }
                Error::Usage(m) => m.clone(),
                Error::UsageBoth(d) => d.zh.clone(),
                Error::Model(m) => format!("人脸模型：{m}"),
                Error::WrongInput {
                    path,
                    found,
                    expected,
                } => wrong_input_zh(path, found, expected),
            },
        }
    }
}

/// Runs `f`; when it panics (a bug in a decoder, a parser or a rule),
/// returns `on_panic(the panic's message)` instead, so that one item of a
/// batch (a photo, a candidate) never ends the batch. The default panic
/// hook still prints the panic to stderr.
pub fn isolated<T>(f: impl FnOnce() -> T, on_panic: impl FnOnce(String) -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(e) => on_panic(panic_text(e.as_ref())),
    }
}

/// The message of a caught panic (`panic!("...")` gives a `&str` or a
/// `String`).
pub fn panic_text(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod isolation_tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_value() {
        assert_eq!(isolated(|| 1, |_| 2), 1);
        let v = isolated(
            || -> String { panic!("boom {}", 7) },
            |m| format!("caught: {m}"),
        );
        assert_eq!(v, "caught: boom 7");
        let v = isolated(|| -> String { panic!("static") }, |m| m);
        assert_eq!(v, "static");
        let v = isolated(|| -> String { std::panic::panic_any(3u8) }, |m| m);
        assert_eq!(v, "panic");
    }
}

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
    #[error("{}: {message}", path.display())]
    Format { path: PathBuf, message: String },
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
    #[error("{}: key `{key}`: {message}", path.display())]
    Policy {
        path: PathBuf,
        key: String,
        message: String,
    },
    /// An output file exists and overwriting was not asked for (the binary
    /// adds how: `--force`).
    #[error("{}: output file exists", path.display())]
    OutputExists { path: PathBuf },
    /// Arguments that do not fit together.
    #[error("{0}")]
    Usage(String),
    /// A face model could not be loaded.
    #[error("face model: {0}")]
    Model(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn format(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Format {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The error in the user's language. `Display` is English; the binary
    /// prints `render(lang)`.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                Error::Io { path, source } => {
                    format!("{}：无法读写（{source}）", path.display())
                }
                Error::Format { path, message } => {
                    format!("{}：格式错误：{message}", path.display())
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
                Error::Policy { path, key, message } => {
                    format!("{}：配置项「{key}」有误：{message}", path.display())
                }
                Error::OutputExists { path } => {
                    format!("{}：输出文件已存在", path.display())
                }
                Error::Usage(m) => m.clone(),
                Error::Model(m) => format!("人脸模型：{m}"),
            },
        }
    }
}

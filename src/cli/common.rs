//! Arguments every command shares, and writing a report.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args as ClapArgs, ValueEnum};
use zikao::policy::{Batch, Policy};
use zikao::{Lang, Report};

use super::render;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Xlsx,
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    /// The format a file name asks for: `.json .csv .xlsx .html/.htm
    /// .txt`; `None` for any other extension.
    pub fn of_path(p: &std::path::Path) -> Option<Format> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            "html" | "htm" => Format::Html,
            "txt" => Format::Table,
            _ => return None,
        })
    }
}

/// Options shared by every command.
#[derive(Debug, Clone, ClapArgs)]
pub struct Common {
    /// 输出格式（默认按 -o 的扩展名 .json/.csv/.xlsx/.html/.txt，否则 table）/ output format
    /// (default: from -o's extension .json/.csv/.xlsx/.html/.txt, else table)
    #[arg(long = "format", id = "format", value_enum, value_name = "FORMAT")]
    pub format_arg: Option<Format>,
    /// The format in effect, set by [`Common::resolve`].
    #[arg(skip = Format::Table)]
    pub format: Format,
    /// 报告写入文件（原子写入）/ write the report to FILE (atomically)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 允许覆盖已有输出 / overwrite an existing output
    #[arg(long)]
    pub force: bool,
    /// 消息语言 / message language [环境变量 / env: ZIKAO_LANG]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// 不显示进度条 / no progress bar
    #[arg(short, long)]
    pub quiet: bool,
    /// 出错时同时显示系统的原始错误信息 / also show the system's own error text
    #[arg(short, long)]
    pub verbose: bool,
    /// CSV 不写 UTF-8 BOM（供脚本使用）/ no UTF-8 BOM in CSV (for scripts)
    #[arg(long)]
    pub no_bom: bool,
}

impl Common {
    pub fn lang(&self) -> Lang {
        self.lang
            .map(Lang::from)
            .unwrap_or_else(super::lang_default)
    }

    /// A progress bar on stderr, hidden when stderr is not a terminal or
    /// with --quiet.
    pub fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ({eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb.set_message(what.to_string());
        pb
    }

    /// Settles the output format before any work (exit 2 on a problem):
    /// `--format`, else `-o`'s extension, else table. A `--format` that
    /// contradicts `-o`'s extension, a format this command does not
    /// write, and xlsx bytes meant for a terminal are refused.
    pub fn resolve(&mut self, allowed: &[Format]) -> Result<()> {
        let lang = self.lang();
        let from_ext = self.output.as_deref().and_then(Format::of_path);
        let f = match (self.format_arg, from_ext) {
            (Some(f), Some(e)) if f != e => {
                let p = self
                    .output
                    .as_deref()
                    .unwrap_or_else(|| std::path::Path::new(""));
                return Err(zikao::Error::Usage(match lang {
                    Lang::Zh => format!(
                        "--format {} 与 -o {} 的扩展名（{}）不一致；请去掉 --format 或改正文件名",
                        f.name(),
                        p.display(),
                        e.name()
                    ),
                    Lang::En => format!(
                        "--format {} contradicts the extension of -o {} ({}); drop --format or fix the file name",
                        f.name(),
                        p.display(),
                        e.name()
                    ),
                })
                .into());
            }
            (Some(f), _) => f,
            (None, Some(e)) => e,
            (None, None) => Format::Table,
        };
        if !allowed.contains(&f) {
            return Err(unsupported(f, allowed, lang).into());
        }
        if f == Format::Xlsx && self.output.is_none() && std::io::stdout().is_terminal() {
            return Err(zikao::Error::Usage(
                lang.pick(
                    "xlsx 是二进制格式，不能显示在终端上：请用 -o 文件名.xlsx 写入文件",
                    "xlsx is a binary format and cannot be shown in a terminal: write it to a file with -o NAME.xlsx",
                )
                .to_string(),
            )
            .into());
        }
        self.format = f;
        Ok(())
    }

    /// Fails early (exit 2) when the output exists and --force is absent,
    /// before any work is done.
    pub fn check_output(&self) -> Result<()> {
        if let Some(p) = &self.output {
            if p.exists() && !self.force {
                return Err(zikao::Error::OutputExists { path: p.clone() }.into());
            }
        }
        Ok(())
    }

    /// Renders the report in the chosen format and writes it to stdout or
    /// the output file. Returns the exit status (0/1).
    pub fn emit(&self, report: &Report, allowed: &[Format]) -> Result<u8> {
        let lang = self.lang();
        if !allowed.contains(&self.format) {
            return Err(unsupported(self.format, allowed, lang).into());
        }
        if self.format == Format::Json {
            // streamed: a province's report is too big to build in memory first
            self.write_with(|w| {
                report.write_json_pretty(lang, &mut *w)?;
                w.write_all(b"\n")
            })?;
        } else if self.format == Format::Csv {
            self.write_with(|w| zikao::render::write_csv(report, lang, !self.no_bom, w))?;
        } else {
            let bytes = render::render(report, self.format, lang, !self.no_bom)?;
            self.write(&bytes)?;
        }
        self.announce(report);
        Ok(report.exit_code() as u8)
    }

    /// After a report went to `-o FILE`: one line on stderr saying what is
    /// in it and where ("120 项：98 合格，22 不合格 → report.html"), unless
    /// --quiet. Nothing when the report went to stdout.
    pub fn announce(&self, report: &Report) {
        if let (Some(p), false) = (&self.output, self.quiet) {
            eprintln!("{}", render::summary_line(report, self.lang(), p));
        }
    }

    /// Streams output to the output file (atomically: it appears only when
    /// `f` succeeded) or to stdout.
    pub fn write_with(&self, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        match &self.output {
            Some(p) => {
                let mut file = zikao::output::AtomicFile::create(p, self.force)?;
                f(&mut file).map_err(|e| zikao::Error::io(p, e))?;
                file.commit()?;
                Ok(())
            }
            None => to_stdout(f),
        }
    }

    /// Writes bytes to the output file (atomically) or stdout.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        match &self.output {
            Some(p) => {
                zikao::output::write_atomic(p, bytes, self.force).map_err(anyhow::Error::from)
            }
            None => {
                if matches!(self.format, Format::Xlsx) && std::io::stdout().is_terminal() {
                    return Err(zikao::Error::Usage(
                        self.lang()
                            .pick(
                                "xlsx 是二进制格式，不能显示在终端上：请用 -o 文件名.xlsx 写入文件",
                                "xlsx is a binary format and cannot be shown in a terminal: write it to a file with -o NAME.xlsx",
                            )
                            .to_string(),
                    )
                    .into());
                }
                to_stdout(|w| w.write_all(bytes))
            }
        }
    }
}

/// Runs `f` on (buffered) stdout; a closed pipe (`| head`) is not an error.
fn to_stdout(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    match f(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e).context("stdout"),
    }
}

fn names(allowed: &[Format]) -> String {
    allowed
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one message for a format a command does not write.
pub fn unsupported(f: Format, allowed: &[Format], lang: Lang) -> zikao::Error {
    zikao::Error::Usage(match lang {
        Lang::Zh => format!(
            "此命令不支持 --format {}（可用：{}）",
            f.name(),
            names(allowed)
        ),
        Lang::En => format!(
            "--format {} is not available for this command (use one of: {})",
            f.name(),
            names(allowed)
        ),
    })
}

/// Policy, batch and date options.
#[derive(Debug, Clone, ClapArgs)]
pub struct PolicyArgs {
    /// 内置政策 / built-in policy: national, guangdong, anhui
    #[arg(long, value_name = "NAME", conflicts_with = "policy_file")]
    pub policy: Option<String>,
    /// 自定义政策文件（TOML）/ your own policy file (TOML; see `zikao policy show`)
    #[arg(long, value_name = "FILE")]
    pub policy_file: Option<PathBuf>,
    /// 毕业批次 / graduation batch, YYYY-MM (e.g. 2022-06); default: the batch of --as-of
    #[arg(long, value_name = "YYYY-MM")]
    pub batch: Option<String>,
    /// 评估日期 / evaluate dates as of this day (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

impl PolicyArgs {
    pub fn policy(&self) -> Result<Policy> {
        Ok(match (&self.policy, &self.policy_file) {
            (_, Some(f)) => Policy::load(f)?,
            (Some(n), None) => Policy::builtin(n)?,
            (None, None) => Policy::builtin("national")?,
        })
    }

    pub fn as_of(&self) -> Result<NaiveDate> {
        match &self.as_of {
            Some(s) => parse_date(s),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }

    /// Says on stderr which policy or batch was taken by default (they
    /// decide deadlines and schedules, so a silent default can mislead).
    pub fn warn_defaults(&self, lang: Lang, policy: &Policy, batch: Option<Batch>) {
        if self.policy.is_none() && self.policy_file.is_none() {
            eprintln!(
                "zikao: {}",
                match lang {
                    Lang::Zh => format!(
                        "提示：未指定 --policy，使用 {}（{}）；各省规则请用 --policy guangdong、anhui 等",
                        policy.name, policy.title_zh
                    ),
                    Lang::En => format!(
                        "note: no --policy given, using {} ({}); give --policy guangdong, anhui ... for a province's rules",
                        policy.name, policy.title_en
                    ),
                }
            );
        }
        if self.batch.is_none() {
            if let Some(b) = batch {
                eprintln!(
                    "zikao: {}",
                    match lang {
                        Lang::Zh => format!(
                            "提示：未指定 --batch，按评估日期取批次 {b}；如不对请用 --batch YYYY-MM 指定"
                        ),
                        Lang::En => format!(
                            "note: no --batch given, using batch {b} (from the as-of date); give --batch YYYY-MM if that is wrong"
                        ),
                    }
                );
            }
        }
    }

    pub fn batch(&self, policy: &Policy) -> Result<Batch> {
        match &self.batch {
            Some(s) => s.parse::<Batch>().map_err(|e| anyhow::anyhow!(e)),
            None => Ok(Batch::for_date(self.as_of()?, &policy.batch_months)),
        }
    }
}

/// Reads `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYYMMDD`).
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    match zikao::date::DateVal::parse(s) {
        Some(zikao::date::DateVal::Day(d)) => Ok(d),
        _ => Err(zikao::Error::usage(
            format!("`{s}` 不是日期，日期格式应为 YYYY-MM-DD"),
            format!("`{s}` is not a date YYYY-MM-DD"),
        )
        .into()),
    }
}

/// Table-reading options (--encoding, --sheet).
#[derive(Debug, Clone, ClapArgs)]
pub struct TableArgs {
    /// 强制编码 / force the encoding of CSV inputs: utf-8, utf-8-sig, gbk, gb18030
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Excel 工作表名 / Excel sheet to read (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl TableArgs {
    pub fn read_options(&self) -> Result<zikao::table::ReadOptions> {
        let encoding = match &self.encoding {
            None => None,
            Some(n) => Some(zikao::table::parse_encoding(n).ok_or_else(|| {
                anyhow::anyhow!("unknown encoding `{n}` / 未知编码 `{n}` (utf-8, gbk, gb18030)")
            })?),
        };
        Ok(zikao::table::ReadOptions {
            encoding,
            sheet: self.sheet.clone(),
            columns: None,
        })
    }
}

/// The language a command line asked for, for error messages.
pub fn lang_of(cmd: &super::Command) -> Lang {
    use super::{Command, PhotoCommand, PrereqCommand};
    let c = match cmd {
        Command::Photo(PhotoCommand::Check(a)) => Some(&a.common),
        Command::Photo(PhotoCommand::FixSize(a)) => Some(&a.common),
        Command::Eligibility(a) => Some(&a.common),
        Command::Prereq(PrereqCommand::Verify(a)) => Some(&a.common),
        Command::Roster(r) => Some(r.common()),
        Command::Policy(p) => return p.lang(),
    };
    c.map(Common::lang).unwrap_or_else(super::lang_default)
}

/// The shared options of a parsed command line, to settle them before
/// the command runs.
pub fn common_mut(cmd: &mut super::Command) -> Option<&mut Common> {
    use super::{Command, PhotoCommand, PrereqCommand};
    match cmd {
        Command::Photo(PhotoCommand::Check(a)) => Some(&mut a.common),
        Command::Photo(PhotoCommand::FixSize(a)) => Some(&mut a.common),
        Command::Eligibility(a) => Some(&mut a.common),
        Command::Prereq(PrereqCommand::Verify(a)) => Some(&mut a.common),
        Command::Roster(r) => Some(r.common_mut()),
        Command::Policy(_) => None,
    }
}

/// `zikao: {err:#}` in the user's language: library errors render
/// themselves; context chains are joined with ": ".
pub fn render_error(e: &anyhow::Error, lang: Lang) -> String {
    if let Some(z) = e.downcast_ref::<zikao::Error>() {
        // The library's texts name no flag; the binary says which one helps.
        let hint = match (z, lang) {
            (zikao::Error::OutputExists { .. }, Lang::Zh) => "；如需覆盖请加 --force",
            (zikao::Error::OutputExists { .. }, Lang::En) => "; use --force to overwrite it",
            _ => "",
        };
        return format!("{}{hint}", z.render(lang));
    }
    format!("{e:#}")
}

/// [`render_error`], plus the system's own text of an I/O error with
/// `--verbose` (the Chinese message names only the kind).
pub fn render_error_verbose(e: &anyhow::Error, lang: Lang, verbose: bool) -> String {
    let mut s = render_error(e, lang);
    if verbose && lang == Lang::Zh {
        if let Some(zikao::Error::Io { source, .. }) = e.downcast_ref::<zikao::Error>() {
            s.push_str(&format!(" [{source}]"));
        }
    }
    s
}

/// Whether the command line asked for --verbose.
pub fn verbose_of(cmd: &super::Command) -> bool {
    use super::{Command, PhotoCommand, PrereqCommand};
    match cmd {
        Command::Photo(PhotoCommand::Check(a)) => a.common.verbose,
        Command::Photo(PhotoCommand::FixSize(a)) => a.common.verbose,
        Command::Eligibility(a) => a.common.verbose,
        Command::Prereq(PrereqCommand::Verify(a)) => a.common.verbose,
        Command::Roster(r) => r.common().verbose,
        Command::Policy(_) => false,
    }
}

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

/// Options shared by every command.
#[derive(Debug, Clone, ClapArgs)]
pub struct Common {
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 报告写入文件（原子写入）/ write the report to FILE (atomically)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 允许覆盖已有输出 / overwrite an existing output
    #[arg(long)]
    pub force: bool,
    /// 消息语言 / message language [env: ZIKAO_LANG]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// 不显示进度条 / no progress bar
    #[arg(short, long)]
    pub quiet: bool,
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
            anyhow::bail!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "此命令不支持 --format {:?}（可用：{}）",
                        self.format,
                        names(allowed)
                    ),
                    Lang::En => format!(
                        "--format {:?} is not available for this command (use one of: {})",
                        self.format,
                        names(allowed)
                    ),
                }
                .to_lowercase()
            );
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
        Ok(report.exit_code() as u8)
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
                    anyhow::bail!("xlsx output is binary: give -o FILE.xlsx / xlsx 为二进制格式，请用 -o 指定文件");
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
        .map(|f| format!("{f:?}").to_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
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

    pub fn batch(&self, policy: &Policy) -> Result<Batch> {
        match &self.batch {
            Some(s) => s.parse::<Batch>().map_err(|e| anyhow::anyhow!(e)),
            None => Ok(Batch::for_date(self.as_of()?, &policy.batch_months)),
        }
    }
}

/// Reads `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYYMMDD`).
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y%m%d"))
        .map_err(|_| anyhow::anyhow!("`{s}` is not a date YYYY-MM-DD / 日期格式应为 YYYY-MM-DD"))
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
        Command::Policy(_) => None,
    };
    c.map(Common::lang).unwrap_or_else(super::lang_default)
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

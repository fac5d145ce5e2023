//! Command-line glue: one file per subcommand (`Args` + `run`).

mod common;
mod eligibility;
mod photo_check;
mod photo_fix;
mod policy;
mod prereq;
mod render;
mod roster;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use common::{Common, PolicyArgs};
use zikao::Lang;

const AFTER_HELP: &str = "\
Examples / 示例:
  zikao photo check examples/photos                      check a folder of photos / 检查照片文件夹
  zikao photo check --format html -o report.html DIR     one HTML report for a batch / 生成 HTML 报告
  zikao photo fix-size my_photo.jpg --out-dir fixed/     make a compliant photo / 生成合规照片
  zikao eligibility --candidates examples/exports/candidates.csv \\
      --scores examples/exports/scores.csv --plans examples/exports/plans.csv \\
      --policy guangdong --batch 2022-06 --as-of 2022-06-20
  zikao prereq verify --candidates C.csv --prior prior.csv --policy anhui --batch 2023-06
  zikao roster graduates --candidates C.csv --eligibility elig.json --format xlsx -o roster.xlsx
  zikao policy show guangdong                            print a built-in policy / 查看内置政策

Exit status / 退出码: 0 all passed; 1 something failed; 2 usage error or unreadable input.
Language / 语言: --lang zh (default) or --lang en, or ZIKAO_LANG=en.";

/// zikao — 高等教育自学考试毕业办理工具箱 / toolkit for the graduation work
/// of the Higher Education Self-taught Examination.
#[derive(Debug, Parser)]
#[command(name = "zikao", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 毕业证书照片：检查与修正 / graduation photos: check and fix
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// 毕业审核与毕业预测 / graduation audit and what is left
    Eligibility(eligibility::Args),
    /// 前置学历核查 / prior-education checks
    #[command(subcommand)]
    Prereq(PrereqCommand),
    /// 花名册、免考汇总表、初审安排 / rosters, exemption summaries, reception schedules
    #[command(subcommand)]
    Roster(roster::RosterCommand),
    /// 政策文件 / policy files
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
}

#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    /// 按标准检查照片 / check photos against a profile
    Check(photo_check::Args),
    /// 裁剪缩放为合规照片 / crop and scale into compliant photos
    FixSize(photo_fix::Args),
}

#[derive(Debug, Subcommand)]
pub enum PrereqCommand {
    /// 核查本科申请者的前置学历 / verify bachelor applicants' prior education
    Verify(prereq::Args),
}

use common::Format;

/// The formats each command writes (its `--format` help lists only these).
const FORMATS: &[(&[&str], &[Format])] = &[
    (
        &["photo", "check"],
        &[Format::Table, Format::Json, Format::Csv, Format::Html],
    ),
    (
        &["photo", "fix-size"],
        &[Format::Table, Format::Json, Format::Csv],
    ),
    (
        &["eligibility"],
        &[Format::Table, Format::Json, Format::Csv, Format::Xlsx],
    ),
    (
        &["prereq", "verify"],
        &[Format::Table, Format::Json, Format::Csv, Format::Xlsx],
    ),
    (&["roster", "graduates"], ALL_FORMATS),
    (&["roster", "exemptions"], ALL_FORMATS),
    (&["roster", "reception"], ALL_FORMATS),
];

const ALL_FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Csv,
    Format::Xlsx,
    Format::Html,
];

/// The formats of the command `cmd`.
fn formats_of(cmd: &Command) -> &'static [Format] {
    let path: &[&str] = match cmd {
        Command::Photo(PhotoCommand::Check(_)) => &["photo", "check"],
        Command::Photo(PhotoCommand::FixSize(_)) => &["photo", "fix-size"],
        Command::Eligibility(_) => &["eligibility"],
        Command::Prereq(_) => &["prereq", "verify"],
        Command::Roster(roster::RosterCommand::Graduates(_)) => &["roster", "graduates"],
        Command::Roster(roster::RosterCommand::Exemptions(_)) => &["roster", "exemptions"],
        Command::Roster(roster::RosterCommand::Reception(_)) => &["roster", "reception"],
        Command::Policy(_) => return &[Format::Table, Format::Json],
    };
    FORMATS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, f)| *f)
        .unwrap_or(ALL_FORMATS)
}

/// The clap command with each subcommand's `--format` limited to the
/// formats it writes (clap's own message for the others, exit 2).
pub fn command() -> clap::Command {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    use clap::CommandFactory;
    let limit = |c: clap::Command, allowed: &'static [Format]| {
        c.mut_arg("format", move |a| {
            a.value_parser(
                PossibleValuesParser::new(allowed.iter().map(|f| f.name())).map(|s| {
                    <Format as clap::ValueEnum>::from_str(&s, true).unwrap_or(Format::Table)
                }),
            )
        })
    };
    let mut cmd = Cli::command();
    for (path, allowed) in FORMATS {
        cmd = match path {
            [one] => cmd.mut_subcommand(*one, |c| limit(c, allowed)),
            [a, b] => cmd.mut_subcommand(*a, |c| c.mut_subcommand(*b, |c| limit(c, allowed))),
            _ => cmd,
        };
    }
    bilingual_help(cmd.disable_help_subcommand(true), true)
}

/// clap's own words in the help (headings, the help and version flags)
/// in both languages, like every help text of ours, on `c` and all its
/// subcommands.
fn bilingual_help(c: clap::Command, root: bool) -> clap::Command {
    use clap::{Arg, ArgAction};
    let mut c = c
        .help_template(
            "{before-help}{about-with-newline}\n用法 / Usage: {usage}\n\n{all-args}{after-help}",
        )
        .subcommand_help_heading("命令 / Commands")
        .disable_help_flag(true)
        .mut_args(|a| {
            let a = bilingual_notes(a);
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading("参数 / Arguments")
            } else {
                a.help_heading("选项 / Options")
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助 / print help")
                .help_heading("选项 / Options"),
        );
    if root {
        c = c.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本 / print the version")
                .help_heading("选项 / Options"),
        );
    }
    c.mut_subcommands(|s| bilingual_help(s, false))
}

/// clap's `[default: …]`, `[possible values: …]` and `[env: …]` notes of
/// an argument, worded in both languages at the end of its help.
fn bilingual_notes(a: clap::Arg) -> clap::Arg {
    let mut notes = Vec::new();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        notes.push(format!("[默认 / default: {}]", defaults.join(", ")));
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let takes_value = a.get_action().takes_values();
    if !values.is_empty() && !a.is_hide_possible_values_set() && takes_value {
        notes.push(format!("[可选 / values: {}]", values.join(", ")));
    }
    if let Some(env) = a.get_env() {
        if !a.is_hide_env_set() {
            notes.push(format!("[环境变量 / env: {}]", env.to_string_lossy()));
        }
    }
    if notes.is_empty() {
        return a;
    }
    let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    a.help(format!("{help} {}", notes.join(" ")))
        .hide_default_value(true)
        .hide_possible_values(true)
        .hide_env(true)
}

/// A command-line error (clap's) in `lang`: in Chinese, what is wrong by
/// kind, the usage and where to find help; in English, clap's own text.
fn usage_error(e: &clap::Error, lang: Lang) -> String {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    if lang == Lang::En {
        return e.render().to_string();
    }
    let ctx = |k: C| match e.get(k) {
        Some(V::String(s)) => s.clone(),
        Some(V::Strings(v)) => v.join("、"),
        Some(V::StyledStr(s)) => s.to_string(),
        Some(V::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        Some(V::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = ctx(C::InvalidArg);
    let what = match e.kind() {
        K::UnknownArgument => format!("不认识的参数 {arg}"),
        K::InvalidSubcommand => format!("不认识的命令 {}", ctx(C::InvalidSubcommand)),
        K::InvalidValue if ctx(C::InvalidValue).is_empty() => format!("参数 {arg} 缺少值"),
        K::InvalidValue => format!(
            "参数 {arg} 的值 `{}` 无效（可选：{}）",
            ctx(C::InvalidValue),
            ctx(C::ValidValue)
        ),
        K::ValueValidation => format!("参数 {arg} 的值 `{}` 无效", ctx(C::InvalidValue)),
        K::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        K::ArgumentConflict => format!("参数 {arg} 不能与 {} 同时使用", ctx(C::PriorArg)),
        K::TooManyValues | K::WrongNumberOfValues | K::TooFewValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        K::NoEquals => format!("参数 {arg} 需要用 = 给出值"),
        K::MissingSubcommand => "缺少命令".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    let mut out = format!("zikao: 命令行参数有误：{what}\n");
    let suggestion = [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue]
        .into_iter()
        .map(ctx)
        .find(|s| !s.is_empty());
    if let Some(s) = suggestion {
        out.push_str(&format!("  提示：是不是想用 {s}？\n"));
    }
    let usage = ctx(C::Usage);
    if !usage.is_empty() {
        let usage = usage.trim_start_matches("Usage:").trim();
        out.push_str(&format!("\n用法：{usage}\n"));
    }
    out.push_str("\n更多信息请加 --help 查看。\n");
    out
}

/// Runs the binary: parse, dispatch, print `zikao: {error}` once, exit 0/1/2.
pub fn main() -> ExitCode {
    use clap::FromArgMatches;
    // `zikao help [COMMAND…]` is `zikao [COMMAND…] --help`
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push("--help".into());
    }
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        // --help, --version, and the help shown when a command is missing
        Err(e)
            if !e.use_stderr()
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            e.exit()
        }
        Err(e) => {
            eprint!("{}", usage_error(&e, lang_of_args()));
            return ExitCode::from(2);
        }
    };
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let lang = common::lang_of(&cli.command);
    let verbose = common::verbose_of(&cli.command);
    let allowed = formats_of(&cli.command);
    if let Some(c) = common::common_mut(&mut cli.command) {
        if let Err(e) = c.resolve(allowed) {
            eprintln!("zikao: {}", common::render_error(&e, lang));
            return ExitCode::from(2);
        }
    }
    let res = match cli.command {
        Command::Photo(PhotoCommand::Check(a)) => photo_check::run(a),
        Command::Photo(PhotoCommand::FixSize(a)) => photo_fix::run(a),
        Command::Eligibility(a) => eligibility::run(a),
        Command::Prereq(PrereqCommand::Verify(a)) => prereq::run(a),
        Command::Roster(c) => roster::run(c),
        Command::Policy(c) => policy::run(c),
    };
    match res {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("zikao: {}", common::render_error_verbose(&e, lang, verbose));
            ExitCode::from(2)
        }
    }
}

/// The language asked for on a command line clap could not parse:
/// `--lang X` / `--lang=X`, else ZIKAO_LANG, else Chinese.
fn lang_of_args() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).and_then(|v| Lang::parse(v)),
            Some(v) => v.strip_prefix('=').and_then(Lang::parse),
            None => None,
        })
        .unwrap_or_else(lang_default)
}

/// The language of a parsed command line (for error messages).
pub fn lang_default() -> Lang {
    std::env::var("ZIKAO_LANG")
        .ok()
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

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
    cmd
}

/// Runs the binary: parse, dispatch, print `zikao: {error}` once, exit 0/1/2.
pub fn main() -> ExitCode {
    use clap::FromArgMatches;
    let matches = command().get_matches();
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

/// The language of a parsed command line (for error messages).
pub fn lang_default() -> Lang {
    std::env::var("ZIKAO_LANG")
        .ok()
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

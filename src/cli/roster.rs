//! `zikao roster graduates|exemptions|reception`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args as ClapArgs, Subcommand};
use zikao::roster::{self, Inputs, Options, Roster};

use super::common::{parse_date, Format, TableArgs};
use super::{Common, PolicyArgs};

const GRAD_HELP: &str = "\
Examples / 示例:
  zikao eligibility --candidates c.csv --scores s.csv --plans p.csv --format json -o elig.json
  zikao roster graduates --candidates c.csv --eligibility elig.json
  zikao roster graduates --candidates c.csv --eligibility elig.json --format xlsx -o 花名册.xlsx
  zikao roster graduates --candidates c.csv --eligibility elig.json --format html -o roster.html --unmask
  zikao photo check photos/ --candidates c.csv --format json -o photos.json
  zikao roster graduates --candidates c.csv --eligibility elig.json --photos photos.json
                                   adds 照片: 合格 / 不合格（codes）/ 缺失 / 增加照片列";

const EX_HELP: &str = "\
Examples / 示例:
  zikao roster exemptions --candidates c.csv --scores s.csv
  zikao roster exemptions --candidates c.csv --scores s.csv --format xlsx -o 免试申请汇总表.xlsx
  zikao roster exemptions --candidates c.csv --scores s.csv --approved-from 2023-03-01 --approved-to 2023-06-05";

const REC_HELP: &str = "\
Examples / 示例:
  zikao roster reception --candidates c.csv --policy guangdong --batch 2022-06
  zikao roster reception --candidates c.csv --schedule offices.csv --batch 2022-12 --format html -o 初审安排.html

The built-in Guangzhou schedule is for batch 2022-06 only; for any other batch give that batch's
table with --schedule FILE (--offices FILE). 内置的广州安排表仅适用于 2022-06 批次，其他批次请用
--schedule 指定本批次的安排表。

Exit status / 退出码: 1 when a candidate's office is missing, unknown or not allowed (e.g. 广州市区).";

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// 毕业生花名册（按主考学校、专业分组）/ graduates roster by main exam school, then major
    #[command(after_help = GRAD_HELP)]
    Graduates(GraduatesArgs),
    /// 免试申请汇总表（按主考学校，一式三份）/ exemption summaries by main exam school, three copies
    #[command(after_help = EX_HELP)]
    Exemptions(ExemptionsArgs),
    /// 毕业初审安排（按办理地点）/ reception schedule by office
    #[command(after_help = REC_HELP)]
    Reception(ReceptionArgs),
}

impl RosterCommand {
    pub fn common(&self) -> &Common {
        match self {
            RosterCommand::Graduates(a) => &a.shared.common,
            RosterCommand::Exemptions(a) => &a.shared.common,
            RosterCommand::Reception(a) => &a.shared.common,
        }
    }

    pub fn common_mut(&mut self) -> &mut Common {
        match self {
            RosterCommand::Graduates(a) => &mut a.shared.common,
            RosterCommand::Exemptions(a) => &mut a.shared.common,
            RosterCommand::Reception(a) => &mut a.shared.common,
        }
    }
}

/// Options of every roster.
#[derive(Debug, ClapArgs)]
pub struct Shared {
    /// 申请毕业考生表 / the candidates table
    #[arg(long, value_name = "FILE")]
    pub candidates: PathBuf,
    /// 显示完整证件号码 / print identity numbers in full
    #[arg(long)]
    pub unmask: bool,
    /// 标题 / a title replacing the default one
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, ClapArgs)]
pub struct GraduatesArgs {
    /// `zikao eligibility --format json` 的结果 / the JSON result of `zikao eligibility`
    #[arg(long, value_name = "ELIG.json")]
    pub eligibility: PathBuf,
    /// 毕业批次（用于标题）/ batch, for the title (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub batch: Option<String>,
    /// `zikao photo check DIR --candidates LIST --format json` 的结果：增加「照片」列 /
    /// the JSON report of `zikao photo check DIR --candidates LIST`: adds a 照片 column
    /// (合格, 不合格 with the codes, 缺失)
    #[arg(long, value_name = "PHOTOS.json")]
    pub photos: Option<PathBuf>,
    #[command(flatten)]
    pub shared: Shared,
}

#[derive(Debug, ClapArgs)]
pub struct ExemptionsArgs {
    /// 成绩表（含免考记录）/ the scores table (with 免考 rows)
    #[arg(long, value_name = "FILE")]
    pub scores: PathBuf,
    /// 只列此日期及以后审核的 / only exemptions approved on or after this day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub approved_from: Option<String>,
    /// 只列此日期及以前审核的 / only exemptions approved on or before this day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub approved_to: Option<String>,
    /// 毕业批次（用于标题）/ batch, for the title (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub batch: Option<String>,
    #[command(flatten)]
    pub shared: Shared,
}

#[derive(Debug, ClapArgs)]
pub struct ReceptionArgs {
    /// 本批次的办理地点安排表（替代政策内置表）/ this batch's offices table (replaces the
    /// policy's built-in schedule, which is printed only for the batch it was made for)
    #[arg(long, visible_alias = "schedule", value_name = "FILE")]
    pub offices: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub shared: Shared,
}

const FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Csv,
    Format::Xlsx,
    Format::Html,
];

fn batch(s: &Option<String>) -> Result<Option<zikao::policy::Batch>> {
    s.as_deref()
        .map(|b| b.parse().map_err(|e: String| anyhow::anyhow!(e)))
        .transpose()
}

pub fn run(c: RosterCommand) -> Result<u8> {
    c.common().check_output()?;
    let (roster, shared) = match &c {
        RosterCommand::Graduates(a) => {
            let inputs = Inputs {
                candidates: a.shared.candidates.clone(),
                eligibility: Some(a.eligibility.clone()),
                photos: a.photos.clone(),
                read: a.shared.table.read_options()?,
                ..Default::default()
            };
            let opts = options(&a.shared, batch(&a.batch)?);
            (roster::graduates(&inputs, &opts)?, &a.shared)
        }
        RosterCommand::Exemptions(a) => {
            let inputs = Inputs {
                candidates: a.shared.candidates.clone(),
                scores: Some(a.scores.clone()),
                read: a.shared.table.read_options()?,
                ..Default::default()
            };
            let mut opts = options(&a.shared, batch(&a.batch)?);
            opts.approved_from = a.approved_from.as_deref().map(parse_date).transpose()?;
            opts.approved_to = a.approved_to.as_deref().map(parse_date).transpose()?;
            (roster::exemptions(&inputs, &opts)?, &a.shared)
        }
        RosterCommand::Reception(a) => {
            let policy = a.policy.policy()?;
            let inputs = Inputs {
                candidates: a.shared.candidates.clone(),
                offices: a.offices.clone(),
                read: a.shared.table.read_options()?,
                ..Default::default()
            };
            let b = match &a.policy.batch {
                Some(_) => Some(a.policy.batch(&policy)?),
                None => None,
            };
            if a.offices.is_none() {
                check_schedule_batch(&policy, b, a.shared.common.lang())?;
            }
            let opts = options(&a.shared, b);
            (roster::reception(&inputs, &policy, &opts)?, &a.shared)
        }
    };
    emit(&roster, &shared.common)
}

/// The built-in schedule is printed only for the batch it was made for:
/// any other batch (or none given) is exit 2 naming its batch and pointing
/// to `--schedule FILE`.
fn check_schedule_batch(
    policy: &zikao::policy::Policy,
    asked: Option<zikao::policy::Batch>,
    lang: zikao::Lang,
) -> Result<()> {
    let sched = &policy.reception;
    if !sched.has_offices() {
        return Ok(()); // the library says --offices/--schedule is needed
    }
    let made_for = sched.batch.as_deref().unwrap_or("?");
    let fits = matches!((asked, sched.batch.as_deref()), (Some(b), Some(m)) if b.to_string() == m);
    if fits {
        return Ok(());
    }
    let name = &policy.name;
    let msg = match (asked, lang) {
        (Some(b), zikao::Lang::Zh) => format!(
            "政策 {name} 内置的毕业初审安排表是 {made_for} 批次的，不能用于 {b} 批次：请用 --schedule FILE 给出本批次的办理地点安排表（列：地区, 日期, 办理地点及要求, 联系电话, 办公时间）"
        ),
        (Some(b), zikao::Lang::En) => format!(
            "the reception schedule built into policy {name} is for batch {made_for}, not {b}: give this batch's schedule with --schedule FILE (columns: 地区, 日期, 办理地点及要求, 联系电话, 办公时间)"
        ),
        (None, zikao::Lang::Zh) => format!(
            "政策 {name} 内置的毕业初审安排表只适用于 {made_for} 批次：如办理的正是该批次，请加 --batch {made_for}；否则请用 --schedule FILE 给出本批次的办理地点安排表"
        ),
        (None, zikao::Lang::En) => format!(
            "the reception schedule built into policy {name} is for batch {made_for} only: add --batch {made_for} if that is your batch, else give this batch's schedule with --schedule FILE"
        ),
    };
    Err(zikao::Error::Usage(msg).into())
}

fn options(s: &Shared, batch: Option<zikao::policy::Batch>) -> Options {
    Options {
        unmask: s.unmask,
        batch,
        title: s.title.clone(),
        ..Default::default()
    }
}

fn emit(roster: &Roster, common: &Common) -> Result<u8> {
    let lang = common.lang();
    let report = roster.to_report(lang);
    match common.format {
        Format::Xlsx => {
            common.write(&roster.to_xlsx(lang)?)?;
            common.announce(&report);
            Ok(report.exit_code() as u8)
        }
        Format::Html => {
            common.write(roster.to_html(lang).as_bytes())?;
            common.announce(&report);
            Ok(report.exit_code() as u8)
        }
        _ => common.emit(&report, FORMATS),
    }
}

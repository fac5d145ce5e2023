//! `zikao prereq verify`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use zikao::prereq::{self, PrereqInputs, PrereqOptions};

use super::common::{Format, TableArgs};
use super::{Common, PolicyArgs};

const HELP: &str = "\
Examples / 示例:
  zikao prereq verify --candidates candidates.csv --prior prior.csv --policy anhui --batch 2023-06
  zikao prereq verify ... --eligibility zhuanke-elig.json     check concurrent 自考专科 numbers
  zikao prereq verify ... --format json -o prereq.json        for `zikao eligibility --prereq`
  zikao prereq verify ... --unmask --format xlsx -o 前置学历核查.xlsx

Each record with an online verification code gets the registry's link for staff to open by hand;
the tool makes no network request. Verdicts: verified / review / rejected.
Exit status / 退出码: 0 all verified; 1 some to review or rejected; 2 usage error or unreadable input.";

/// 核查本科申请者的前置学历 / verify bachelor applicants' prior education.
#[derive(Debug, ClapArgs)]
#[command(after_help = HELP)]
pub struct Args {
    /// 申请毕业考生表 / candidates table
    #[arg(long, value_name = "FILE")]
    pub candidates: PathBuf,
    /// 前置学历表 / prior-education table
    #[arg(long, value_name = "FILE")]
    pub prior: PathBuf,
    /// 同批次专科毕业审核结果（JSON）/ the batch's 专科 eligibility result (JSON)
    #[arg(long, value_name = "ELIG.json")]
    pub eligibility: Option<PathBuf>,
    /// 显示完整证件号码 / print identity numbers in full
    #[arg(long)]
    pub unmask: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(a: Args) -> Result<u8> {
    a.common.check_output()?;
    let policy = a.policy.policy()?;
    let mut opts = PrereqOptions::new(a.policy.as_of()?);
    opts.as_of_given = a.policy.as_of.is_some();
    opts.batch = match &a.policy.batch {
        Some(_) => Some(a.policy.batch(&policy)?),
        None => None,
    };
    opts.unmask = a.unmask;
    a.policy.warn_defaults(a.common.lang(), &policy, opts.batch);
    let inputs = PrereqInputs::read(
        &a.candidates,
        &a.prior,
        a.eligibility.as_deref(),
        &a.table.read_options()?,
    )?;
    let report = prereq::verify(&inputs, &policy, &opts)?;
    a.common.emit(
        &report,
        &[Format::Table, Format::Json, Format::Csv, Format::Xlsx],
    )
}

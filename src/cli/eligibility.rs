//! `zikao eligibility`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use zikao::elig::{self, EligInputs, EligOptions};

use super::common::{Format, TableArgs};
use super::{Common, PolicyArgs};

const HELP: &str = "\
Examples / 示例:
  zikao eligibility --candidates candidates.csv --scores scores.csv --plans plans.csv \\
      --policy guangdong --batch 2022-06 --as-of 2022-06-20
  zikao eligibility ... --prereq prereq.json --format json -o elig.json     for `roster graduates`
  zikao eligibility ... --format xlsx -o 毕业审核.xlsx                        for Excel
  zikao eligibility --candidates me.csv --scores my_scores.xlsx --plans plan.json --lang en
                                                       what is still missing for one candidate / 毕业预测

Tables may be CSV/TSV (UTF-8 or GBK), JSON, JSON Lines or Excel; --plans also takes the JSON plan
form of docs/eligibility.md. Verdicts: eligible / ineligible / review.
Exit status / 退出码: 0 all eligible; 1 some ineligible or to review; 2 usage error or unreadable input.";

/// 毕业审核与毕业预测 / graduation audit and what is left.
#[derive(Debug, ClapArgs)]
#[command(after_help = HELP)]
pub struct Args {
    /// 申请毕业考生表 / candidates table
    #[arg(long, value_name = "FILE")]
    pub candidates: PathBuf,
    /// 成绩表 / scores table
    #[arg(long, value_name = "FILE")]
    pub scores: PathBuf,
    /// 专业考试计划（表格或 JSON）/ exam plans (flat table or JSON form)
    #[arg(long, value_name = "FILE")]
    pub plans: PathBuf,
    /// 违规记录 / violations table
    #[arg(long, value_name = "FILE")]
    pub violations: Option<PathBuf>,
    /// 已毕业记录 / earlier graduations
    #[arg(long, value_name = "FILE")]
    pub graduates: Option<PathBuf>,
    /// 证书表 / certificates table (special majors)
    #[arg(long, value_name = "FILE")]
    pub certificates: Option<PathBuf>,
    /// `zikao prereq verify --format json` 的结果 / the JSON result of `zikao prereq verify`
    #[arg(long, value_name = "PREREQ.json")]
    pub prereq: Option<PathBuf>,
    /// 显示完整证件号码（默认打码）/ print identity numbers in full (masked by default)
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
    let opts = EligOptions {
        batch: a.policy.batch(&policy)?,
        as_of: a.policy.as_of()?,
    };
    let lang = a.common.lang();
    a.policy.warn_defaults(lang, &policy, Some(opts.batch));
    if let Some(p) = &a.prereq {
        warn_prereq_context(p, &opts, lang);
    }
    let inputs = EligInputs {
        candidates: a.candidates,
        scores: a.scores,
        plans: a.plans,
        violations: a.violations,
        graduates: a.graduates,
        certificates: a.certificates,
        prereq: a.prereq,
        read: a.table.read_options()?,
    };
    let mut report = elig::audit(&inputs, &policy, &opts)?;
    if !a.unmask {
        elig::mask_ids(&mut report);
    }
    let code = a.common.emit(
        &report,
        &[Format::Table, Format::Json, Format::Csv, Format::Xlsx],
    );
    // the process ends next: freeing 200,000 audited candidates one by one
    // would only cost time
    std::mem::forget(report);
    code
}

/// Warns when the `--prereq` report was made for another batch or as-of
/// date than this audit (its summary says which); unreadable files are
/// left to the reader, which names the problem.
fn warn_prereq_context(path: &std::path::Path, opts: &EligOptions, lang: zikao::Lang) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{FEFF}'))
    else {
        return;
    };
    let s = &v["summary"];
    let batch = opts.batch.to_string();
    let as_of = opts.as_of.to_string();
    let mut diffs = Vec::new();
    if let Some(b) = s["batch"].as_str().filter(|b| *b != batch) {
        diffs.push(match lang {
            zikao::Lang::Zh => format!("批次 {b}（本次审核 {batch}）"),
            zikao::Lang::En => format!("batch {b} (this audit: {batch})"),
        });
    }
    if let Some(d) = s["as_of"].as_str().filter(|d| *d != as_of) {
        diffs.push(match lang {
            zikao::Lang::Zh => format!("评估日期 {d}（本次审核 {as_of}）"),
            zikao::Lang::En => format!("as-of date {d} (this audit: {as_of})"),
        });
    }
    if !diffs.is_empty() {
        eprintln!(
            "zikao: {}",
            match lang {
                zikao::Lang::Zh => format!(
                    "警告：{} 的前置学历核查结果是按{}做的；请用相同的 --batch/--as-of 重新运行 prereq verify",
                    path.display(),
                    diffs.join("、")
                ),
                zikao::Lang::En => format!(
                    "warning: {} was made for {}; run prereq verify again with the same --batch/--as-of",
                    path.display(),
                    diffs.join(", ")
                ),
            }
        );
    }
}

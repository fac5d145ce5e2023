//! `zikao roster`.

use anyhow::Result;
use clap::{Args as ClapArgs, Subcommand};

use super::Common;

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// 毕业生花名册 / graduates roster (being built)
    Graduates(Args),
    /// 免考申请汇总表 / exemption summaries (being built)
    Exemptions(Args),
    /// 毕业初审安排 / reception schedule (being built)
    Reception(Args),
}

impl RosterCommand {
    pub fn common(&self) -> &Common {
        match self {
            RosterCommand::Graduates(a)
            | RosterCommand::Exemptions(a)
            | RosterCommand::Reception(a) => &a.common,
        }
    }
}

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(_c: RosterCommand) -> Result<u8> {
    anyhow::bail!("`roster` is not built yet / 该命令尚未实现")
}

//! `zikao photo check`.

use anyhow::Result;
use clap::Args as ClapArgs;

use super::Common;

/// `zikao photo check` (being built).
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(_args: Args) -> Result<u8> {
    anyhow::bail!("`photo check` is not built yet / 该命令尚未实现")
}

//! `zikao prereq verify`.

use anyhow::Result;
use clap::Args as ClapArgs;

use super::Common;

/// `zikao prereq verify` (being built).
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(_args: Args) -> Result<u8> {
    anyhow::bail!("`prereq verify` is not built yet / 该命令尚未实现")
}

//! `zikao policy`: list and print the built-in policies.

use anyhow::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// 列出内置政策 / list the built-in policies
    List,
    /// 打印内置政策文件（可复制修改后用 --policy-file）/ print a built-in policy file (copy and edit it for --policy-file)
    Show {
        /// national, guangdong, anhui
        name: String,
    },
    /// 检查政策文件 / check a policy file
    Check {
        /// the TOML file
        file: std::path::PathBuf,
    },
}

pub fn run(c: PolicyCommand) -> Result<u8> {
    match c {
        PolicyCommand::List => {
            for n in zikao::policy::BUILTIN {
                let p = zikao::policy::Policy::builtin(n)?;
                println!("{n}\t{}\t{}", p.title_zh, p.title_en);
            }
        }
        PolicyCommand::Show { name } => {
            let text = zikao::policy::builtin_text(&name).ok_or_else(|| {
                zikao::Error::Usage(format!(
                    "unknown policy `{name}` (built-in: {}) / 没有名为 `{name}` 的内置政策",
                    zikao::policy::BUILTIN.join(", ")
                ))
            })?;
            print!("{text}");
        }
        PolicyCommand::Check { file } => {
            let p = zikao::policy::Policy::load(&file)?;
            println!("{}: ok ({})", file.display(), p.name);
        }
    }
    Ok(0)
}

//! `zikao policy`: list and print the built-in policies, check a file.

use anyhow::Result;
use clap::{Args as ClapArgs, Subcommand, ValueEnum};
use serde_json::json;
use zikao::Lang;

use super::common::LangArg;

/// The formats of the policy commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    Table,
    Json,
}

/// Options of every policy command.
#[derive(Debug, Clone, ClapArgs)]
pub struct PolicyOpts {
    /// 消息语言 / message language [env: ZIKAO_LANG]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

impl PolicyOpts {
    pub fn lang(&self) -> Lang {
        self.lang
            .map(Lang::from)
            .unwrap_or_else(super::lang_default)
    }
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// 列出内置政策 / list the built-in policies
    List {
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value = "table")]
        format: PolicyFormat,
        #[command(flatten)]
        opts: PolicyOpts,
    },
    /// 打印内置政策文件（可复制修改后用 --policy-file）/ print a built-in policy file (copy and edit it for --policy-file)
    Show {
        /// 内置政策名 / built-in policy: national, guangdong, anhui
        name: String,
        #[command(flatten)]
        opts: PolicyOpts,
    },
    /// 检查政策文件 / check a policy file
    Check {
        /// 政策文件（TOML）/ the TOML file
        file: std::path::PathBuf,
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value = "table")]
        format: PolicyFormat,
        #[command(flatten)]
        opts: PolicyOpts,
    },
}

impl PolicyCommand {
    pub fn lang(&self) -> Lang {
        match self {
            PolicyCommand::List { opts, .. }
            | PolicyCommand::Show { opts, .. }
            | PolicyCommand::Check { opts, .. } => opts.lang(),
        }
    }
}

pub fn run(c: PolicyCommand) -> Result<u8> {
    let lang = c.lang();
    match c {
        PolicyCommand::List { format, .. } => {
            let mut rows = Vec::new();
            for n in zikao::policy::BUILTIN {
                let p = zikao::policy::Policy::builtin(n)?;
                let title = match lang {
                    Lang::Zh => p.title_zh.clone(),
                    Lang::En => p.title_en.clone(),
                };
                rows.push((n.to_string(), title));
            }
            match format {
                PolicyFormat::Table => {
                    for (n, t) in &rows {
                        println!("{n}\t{t}");
                    }
                }
                PolicyFormat::Json => {
                    let results: Vec<_> = rows
                        .iter()
                        .map(|(n, t)| json!({"name": n, "title": t, "verdict": "listed", "findings": []}))
                        .collect();
                    let doc = json!({
                        "command": "policy list",
                        "summary": {"total": rows.len(), "verdicts": {"listed": rows.len()}, "findings": {}, "input_errors": 0},
                        "results": results,
                        "input_errors": [],
                    });
                    println!("{}", serde_json::to_string_pretty(&doc)?);
                }
            }
        }
        PolicyCommand::Show { name, .. } => {
            let text = zikao::policy::builtin_text(&name).ok_or_else(|| {
                zikao::Error::usage(
                    format!(
                        "没有名为 `{name}` 的内置政策（内置：{}）",
                        zikao::policy::BUILTIN.join(", ")
                    ),
                    format!(
                        "unknown policy `{name}` (built-in: {})",
                        zikao::policy::BUILTIN.join(", ")
                    ),
                )
            })?;
            print!("{text}");
        }
        PolicyCommand::Check { file, format, .. } => {
            let p = zikao::policy::Policy::load(&file)?;
            match format {
                PolicyFormat::Table => println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("{}：政策文件有效（{}）", file.display(), p.name),
                        Lang::En => format!("{}: a valid policy file ({})", file.display(), p.name),
                    }
                ),
                PolicyFormat::Json => {
                    let doc = json!({
                        "command": "policy check",
                        "summary": {"total": 1, "verdicts": {"pass": 1}, "findings": {}, "input_errors": 0},
                        "results": [{"path": file.display().to_string(), "name": p.name, "verdict": "pass", "findings": []}],
                        "input_errors": [],
                    });
                    println!("{}", serde_json::to_string_pretty(&doc)?);
                }
            }
        }
    }
    Ok(0)
}

//! Policies: rules that differ by province or year, as data.
//!
//! A policy is one TOML file. The built-in ones (`national`, `guangdong`,
//! `anhui`) are embedded in the binary; each is kept in the source as one
//! file per section (`src/policy/data/<name>/{base,eligibility,prereq,reception}.toml`)
//! and concatenated at compile time, so `zikao policy show NAME` prints a
//! complete file a user can copy and edit for `--policy-file`.
//! Every value in the built-in files cites the seed line it comes from.

use crate::msg::Detail;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Error, Result};

pub use crate::date::{Batch, MonthDay};

/// A complete policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    /// Months in which graduation batches are run.
    #[serde(default)]
    pub batch_months: Vec<u32>,
    #[serde(default)]
    pub eligibility: crate::elig::policy::EligPolicy,
    #[serde(default)]
    pub prereq: crate::prereq::policy::PrereqPolicy,
    #[serde(default)]
    pub reception: crate::roster::policy::ReceptionPolicy,
}

macro_rules! builtin_text {
    ($name:literal) => {
        concat!(
            include_str!(concat!("data/", $name, "/base.toml")),
            "\n",
            include_str!(concat!("data/", $name, "/eligibility.toml")),
            "\n",
            include_str!(concat!("data/", $name, "/prereq.toml")),
            "\n",
            include_str!(concat!("data/", $name, "/reception.toml")),
        )
    };
}

/// Names of the built-in policies.
pub const BUILTIN: &[&str] = &["national", "guangdong", "anhui"];

/// The TOML text of a built-in policy.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    match name {
        "national" => Some(builtin_text!("national")),
        "guangdong" => Some(builtin_text!("guangdong")),
        "anhui" => Some(builtin_text!("anhui")),
        _ => None,
    }
}

impl Policy {
    /// A built-in policy by name.
    pub fn builtin(name: &str) -> Result<Policy> {
        let text = builtin_text(name).ok_or_else(|| {
            Error::usage(
                format!(
                    "没有名为 `{name}` 的内置政策（内置：{}）；自己的政策文件请用 --policy-file",
                    BUILTIN.join(", ")
                ),
                format!(
                    "unknown policy `{name}` (built-in: {}); use --policy-file for your own",
                    BUILTIN.join(", ")
                ),
            )
        })?;
        Self::parse(text, Path::new(&format!("<built-in policy {name}>")))
    }

    /// A user's policy file.
    pub fn load(path: &Path) -> Result<Policy> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses policy text and checks every value serde cannot; errors name
    /// the file and the key path.
    pub fn parse(text: &str, path: &Path) -> Result<Policy> {
        let policy: Policy = parse_toml(text, path)?;
        policy.validate().map_err(|(key, message)| Error::Policy {
            path: path.to_path_buf(),
            key,
            message,
        })?;
        Ok(policy)
    }

    /// Checks the values a type cannot: months are months, no duplicates,
    /// marks within 0..=100. Returns the key path and what is wrong.
    pub fn validate(&self) -> std::result::Result<(), (String, Detail)> {
        let mut seen = Vec::new();
        for (i, m) in self.batch_months.iter().enumerate() {
            if !(1..=12).contains(m) {
                return Err((
                    format!("batch_months[{i}]"),
                    Detail::new(
                        format!("{m} 不是月份（1 到 12）"),
                        format!("{m} is not a month (1..=12)"),
                    ),
                ));
            }
            if seen.contains(m) {
                return Err((
                    format!("batch_months[{i}]"),
                    Detail::new(
                        format!("{m} 月重复列出"),
                        format!("month {m} is listed twice"),
                    ),
                ));
            }
            seen.push(*m);
        }
        self.eligibility.validate()?;
        for (i, b) in self.prereq.batches.iter().enumerate() {
            if !(1..=12).contains(&b.month) {
                return Err((
                    format!("prereq.batches[{i}].month"),
                    Detail::new(
                        format!("{} 不是月份（1 到 12）", b.month),
                        format!("{} is not a month (1..=12)", b.month),
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Deserialises TOML so that an error names the file and the key path.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    let de = toml::Deserializer::parse(text).map_err(|e| Error::Policy {
        path: path.to_path_buf(),
        key: "(syntax)".into(),
        message: toml_detail(text, &e, true),
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        Error::Policy {
            path: PathBuf::from(path),
            key: if key == "." {
                "(top level)".into()
            } else {
                key
            },
            message: toml_detail(text, &e.into_inner(), false),
        }
    })
}

/// A TOML error in both languages: the parser's own text in English; in
/// Chinese, the line and column and what is wrong (the usual serde
/// messages are translated; any other names the line only).
fn toml_detail(text: &str, e: &toml::de::Error, syntax: bool) -> Detail {
    let en = e.to_string().trim().to_string();
    let at = e
        .span()
        .map(|s| {
            let before = &text[..s.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("第 {line} 行第 {col} 列：")
        })
        .unwrap_or_default();
    let m = e.message();
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    let what = if syntax {
        "TOML 语法错误（请检查引号、方括号和逗号是否成对、完整）".to_string()
    } else if let Some(rest) = m.strip_prefix("unknown field ") {
        let known: Vec<String> = rest
            .split("expected one of ")
            .nth(1)
            .map(|l| {
                l.split(", ")
                    .map(|k| k.trim_matches('`').to_string())
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "未知的配置项 `{}`（拼写有误？可用：{}）",
            quoted(rest),
            known.join("、")
        )
    } else if let Some(rest) = m.strip_prefix("missing field ") {
        format!("缺少必需的配置项 `{}`", quoted(rest))
    } else if let Some(rest) = m.strip_prefix("unknown variant ") {
        format!("不认识的取值 `{}`", quoted(rest))
    } else if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        format!(
            "值的类型不对：应为{}，实为{}",
            toml_type_zh(expected),
            toml_type_zh(found)
        )
    } else if m.starts_with("invalid value: ") || m.starts_with("invalid length ") {
        "取值不符合要求".to_string()
    } else if m.starts_with("duplicate key") {
        "配置项重复".to_string()
    } else {
        "配置有误".to_string()
    };
    Detail::new(format!("{at}{what}"), en)
}

/// A serde type description (`u64`, `a string`, `string "a"`) in Chinese.
fn toml_type_zh(t: &str) -> &'static str {
    let t = t.trim_start_matches("a ").trim_start_matches("an ");
    let word = t.split([' ', ':']).next().unwrap_or("");
    match word {
        "string" | "str" | "char" => "字符串",
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "integer" | "usize" => "整数",
        "f32" | "f64" | "float" | "floating" => "数字",
        "boolean" | "bool" => "true 或 false",
        "sequence" | "array" => "数组 [...]",
        "map" | "table" | "struct" => "表 [...] 或 {...}",
        "datetime" | "date" => "日期",
        _ => "其他类型",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn builtins_parse() {
        for n in BUILTIN {
            let p = Policy::builtin(n).unwrap();
            assert_eq!(&p.name, n);
        }
    }

    #[test]
    fn policy_months_validated_at_load() {
        // Both reached Batch::first_day().expect(..) in eligibility (issue 19).
        for (months, key) in [
            ("[0, 6]", "batch_months[0]"),
            ("[6, 13]", "batch_months[1]"),
            ("[6, 6]", "batch_months[1]"),
        ] {
            let t = format!(
                "name='x'\ntitle_zh='x'\ntitle_en='y'\nbatch_months = {months}\n[eligibility]\nviolation_delay_from = 'next_batch'\n"
            );
            match Policy::parse(&t, Path::new("p.toml")) {
                Err(Error::Policy { key: k, path, .. }) => {
                    assert_eq!(k, key, "{months}");
                    assert_eq!(path, Path::new("p.toml"));
                }
                other => panic!("{months}: {other:?}"),
            }
        }
        let t = "name='x'\ntitle_zh='x'\ntitle_en='y'\n[[prereq.batches]]\nmonth = 0\n";
        assert!(matches!(
            Policy::parse(t, Path::new("p.toml")),
            Err(Error::Policy { key, .. }) if key == "prereq.batches[0].month"
        ));
        let odd = Batch {
            year: 2022,
            month: 13,
        };
        assert_eq!(
            odd.first_day(),
            NaiveDate::from_ymd_opt(2022, 12, 1).unwrap()
        );
    }

    #[test]
    fn malformed_policy_names_key() {
        let e = Policy::parse("name = 3\ntitle_zh='x'\ntitle_en='y'", Path::new("my.toml"))
            .unwrap_err();
        let s = e.to_string();
        assert!(s.contains("my.toml") && s.contains("name"), "{s}");
        let e = Policy::parse(
            "name='x'\ntitle_zh='x'\ntitle_en='y'\nbogus=1",
            Path::new("my.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
    }

    #[test]
    fn batch_parse() {
        assert_eq!(
            "2022-06".parse::<Batch>().unwrap(),
            Batch {
                year: 2022,
                month: 6
            }
        );
        assert_eq!("202212".parse::<Batch>().unwrap().month, 12);
        assert!("2022-13".parse::<Batch>().is_err());
        assert!("June".parse::<Batch>().is_err());
    }
}

//! Rendering a report for people (a table in the terminal) or scripts
//! (json, csv, xlsx).

use anyhow::Result;
use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use serde_json::Value;
use zikao::{Lang, Report, Severity};

use super::common::Format;

pub fn render(report: &Report, format: Format, lang: Lang, bom: bool) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Json => {
            let mut v = Vec::new();
            report.write_json_pretty(lang, &mut v)?;
            v.push(b'\n');
            v
        }
        Format::Table => table(report, lang).into_bytes(),
        Format::Csv => zikao::render::to_csv(report, lang, bom),
        Format::Xlsx => zikao::render::to_xlsx(report, lang)?,
        Format::Html => anyhow::bail!("html is rendered by the command itself"),
    })
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The one line printed on stderr when a report went to a file:
/// "120 项：98 合格，22 不合格 → report.html".
pub fn summary_line(report: &Report, lang: Lang, path: &std::path::Path) -> String {
    let (verdicts, _) = report.counts();
    let total: usize = verdicts.values().sum();
    let parts: Vec<String> = verdicts
        .iter()
        .map(|(v, n)| match lang {
            Lang::Zh => format!("{n} {}", verdict_zh(v)),
            Lang::En => format!("{n} {v}"),
        })
        .collect();
    match lang {
        Lang::Zh => format!("{total} 项：{} → {}", parts.join("，"), path.display()),
        Lang::En => {
            let items = if total == 1 { "item" } else { "items" };
            format!("{total} {items}: {} → {}", parts.join(", "), path.display())
        }
    }
}

fn verdict_zh(v: &str) -> &str {
    match v {
        "pass" => "合格",
        "fail" => "不合格",
        "eligible" => "可以毕业",
        "ineligible" => "不能毕业",
        "review" => "待核查",
        "verified" => "已核验",
        "rejected" => "不符合",
        "fixed" => "已修正",
        "reencoded" => "已重新编码",
        "kept" => "已合规（保留）",
        "refused" => "无法修正",
        "listed" => "已列入",
        "not_listed" => "未列入",
        "error" => "错误",
        _ => v,
    }
}

fn verdict_word(v: &str, lang: Lang) -> String {
    let zh = verdict_zh(v);
    match lang {
        Lang::Zh if zh != v => format!("{zh} ({v})"),
        _ => v.to_string(),
    }
}

/// A table for a terminal: one row per item (keys, verdict, findings), then
/// the summary and the input problems. Widths account for CJK characters.
pub fn table(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    // which rules produced this report: policy, batch, as-of date
    let ctx: Vec<String> = [
        ("policy", "政策", "policy"),
        ("batch", "批次", "batch"),
        ("as_of", "评估日期", "as of"),
    ]
    .iter()
    .filter_map(|(k, zh, en)| {
        let v = report.summary_extra.iter().find(|(n, _)| n == k)?;
        let v = scalar(&v.1);
        (!v.is_empty()).then(|| format!("{} {v}", lang.pick(zh, en)))
    })
    .collect();
    if !ctx.is_empty() {
        out.push_str(&format!("{}: {}\n", report.command, ctx.join(" · ")));
    }
    if !report.results.is_empty() {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        let keys: Vec<&str> = report.results[0].keys.iter().map(|(k, _)| *k).collect();
        let mut header: Vec<Cell> = keys
            .iter()
            .map(|k| Cell::new(header_word(k, lang)))
            .collect();
        header.push(Cell::new(lang.pick("结论", "verdict")));
        header.push(Cell::new(lang.pick("问题", "findings")));
        t.set_header(header);
        for it in &report.results {
            let mut row: Vec<Cell> = keys
                .iter()
                .map(|k| Cell::new(it.get(k).map(scalar).unwrap_or_default()))
                .collect();
            row.push(Cell::new(verdict_word(it.verdict, lang)));
            let f: Vec<String> = it
                .findings
                .iter()
                // information is shown where it is the whole story (a
                // candidate left off a roster by the audit's verdict)
                .filter(|f| f.severity != Severity::Info || it.verdict == "not_listed")
                .map(|f| {
                    let mark = match f.severity {
                        Severity::Error => "✗",
                        Severity::Warning => "!",
                        Severity::Info => "·",
                    };
                    format!("{mark} {}: {}", f.code, f.message.render(lang))
                })
                .collect();
            row.push(Cell::new(f.join("\n")));
            t.add_row(row);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    // summary
    let s = report.summary();
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.set_header(vec![
        lang.pick("汇总", "summary"),
        lang.pick("数量", "count"),
    ]);
    t.add_row(vec![
        Cell::new(lang.pick("合计", "total")),
        Cell::new(s["total"].to_string()).set_alignment(CellAlignment::Right),
    ]);
    if let Some(Value::Object(m)) = s.get("verdicts") {
        for (k, v) in m {
            t.add_row(vec![
                Cell::new(verdict_word(k, lang)),
                Cell::new(v.to_string()).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    if let Some(Value::Object(m)) = s.get("findings") {
        for (k, v) in m {
            t.add_row(vec![
                Cell::new(k),
                Cell::new(v.to_string()).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if !report.input_errors.is_empty() {
        out.push_str(lang.pick("输入问题：\n", "Input problems:\n"));
        for p in &report.input_errors {
            out.push_str("  ");
            out.push_str(&p.render(lang));
            out.push('\n');
        }
    }
    out
}

fn header_word(k: &str, lang: Lang) -> String {
    let zh = match k {
        "path" => "文件",
        "exam_no" => "准考证号",
        "name" => "姓名",
        "output" => "输出",
        "school" => "主考学校",
        "major" => "专业",
        "office" => "办理地点",
        "major_code" => "专业代码",
        "major_name" => "专业名称",
        "level" => "层次",
        "no" => "序号",
        "gender" => "性别",
        "id_no" => "证件号码",
        "phone" => "联系电话",
        "course_code" => "课程代码",
        "course_name" => "课程名称",
        "certificate" => "免考证书",
        "approved_date" => "审核日期",
        "photo" => "照片",
        _ => k,
    };
    lang.pick(zh, k).to_string()
}

//! Rendering a report for people (a table in the terminal) or scripts
//! (json, csv, xlsx).

use anyhow::Result;
use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use serde_json::Value;
use zikao::render::labels::{column_label, verdict_label};
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
            Lang::Zh => format!("{n} {}", verdict_label(v, lang)),
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

/// A table for a terminal: one row per item (keys, verdict, findings), then
/// the summary and the input problems. Widths account for CJK characters.
pub fn table(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    // which rules produced this report: policy, batch, as-of date
    let context = zikao::render::context_line(report, lang);
    if !context.is_empty() {
        out.push_str(&format!("{}: {context}\n", report.command));
    }
    if !report.results.is_empty() {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        let keys: Vec<&str> = report.results[0].keys.iter().map(|(k, _)| *k).collect();
        let mut header: Vec<Cell> = keys
            .iter()
            .map(|k| Cell::new(column_label(k, lang)))
            .collect();
        header.push(Cell::new(lang.pick("结论", "Verdict")));
        header.push(Cell::new(lang.pick("问题", "Findings")));
        t.set_header(header);
        for it in &report.results {
            let mut row: Vec<Cell> = keys
                .iter()
                .map(|k| Cell::new(it.get(k).map(scalar).unwrap_or_default()))
                .collect();
            row.push(Cell::new(verdict_label(it.verdict, lang)));
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
                Cell::new(verdict_label(k, lang)),
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

//! Rosters as one self-contained HTML page, print-ready on A4.
//!
//! - `@page { size: A4; margin: … }`; exemption summaries (ten columns)
//!   print landscape;
//! - one group per page run: every group is a `<section>` on its own named
//!   page (`page: gN`), so it starts on a new sheet of paper, and that
//!   named page's `@top-center` margin box repeats the group's title on
//!   every page of the group;
//! - the column header repeats on every page (`thead { display:
//!   table-header-group }`), rows never split across pages;
//! - page numbers in the `@bottom-center` margin box (`counter(page)`,
//!   `counter(pages)`: printed by Chromium 131 and later, by Firefox and by
//!   paged-media tools; an older browser prints the page without them);
//! - every value is HTML-escaped, and text placed in CSS strings is
//!   CSS-escaped, so data cannot inject markup.

use std::fmt::Write;

use super::xlsx::summary_table;
use super::{Group, Kind, Roster, EXEMPTION_COPIES};
use crate::msg::Lang;
use crate::render::{input_errors_table, Cell, Table};

pub(crate) use crate::text::escape_html as esc;

/// Escapes text for a double-quoted CSS string inside a `<style>` element
/// (no quote, backslash, newline or `<` survives).
pub(crate) fn css_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' | '\n' | '\r' | '\u{c}' => {
                let _ = write!(o, "\\{:X} ", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(o, "\\{:X} ", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

const FONTS: &str = "\"Noto Serif CJK SC\", \"Source Han Serif SC\", \"SimSun\", \"Songti SC\", \"Noto Sans CJK SC\", \"Microsoft YaHei\", serif";

fn style(r: &Roster, lang: Lang) -> String {
    let landscape = r.kind == Kind::Exemptions;
    let mut css = String::new();
    let page_no = match lang {
        Lang::Zh => "\"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\"",
        Lang::En => "\"Page \" counter(page) \" of \" counter(pages)",
    };
    let _ = write!(
        css,
        "@page {{ size: A4 {orient}; margin: 16mm 12mm 16mm 12mm;\n  @bottom-center {{ content: {page_no}; font-size: 9pt; font-family: {FONTS}; }} }}\n",
        orient = if landscape { "landscape" } else { "portrait" },
    );
    css.push_str(&format!(
        "html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0; font-family: {FONTS}; font-size: 10.5pt; color: #000; }}
section.page {{ break-after: page; page-break-after: always; }}
section.page:last-of-type {{ break-after: auto; page-break-after: auto; }}
h1 {{ font-size: 16pt; text-align: center; margin: 0 0 3mm; letter-spacing: 0.05em; }}
.meta {{ margin: 0 0 2.5mm; line-height: 1.5; }}
.meta p {{ margin: 0; }}
.meta b {{ font-weight: bold; }}
.note {{ font-size: 9pt; color: #333; }}
.copy {{ float: right; border: 1pt solid #000; padding: 0.5mm 2mm; font-size: 10pt; font-weight: bold; }}
table {{ width: 100%; border-collapse: collapse; }}
thead {{ display: table-header-group; }}
tfoot {{ display: table-row-group; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
th, td {{ border: 0.6pt solid #000; padding: 1mm 1.5mm; vertical-align: middle; }}
th {{ background: #e6e6e6; font-weight: bold; text-align: center; white-space: nowrap; }}
td.no {{ text-align: center; white-space: nowrap; }}
td.code {{ white-space: nowrap; font-variant-numeric: tabular-nums; }}
tr.section td {{ font-weight: bold; background: #f2f2f2; }}
tr.subtotal td {{ text-align: right; }}
tr.total td {{ text-align: right; font-weight: bold; }}
.sign {{ margin-top: 8mm; line-height: 3; }}
.sign p {{ margin: 0; }}
.sign span {{ display: inline-block; }}
.sign span.s1 {{ width: 45%; }}
.sign span.s2 {{ width: 30%; }}
td.name {{ white-space: nowrap; }}
@media screen {{ body {{ background: #ddd; }} section.page {{ background: #fff; max-width: {w}; margin: 8mm auto; padding: 12mm; box-shadow: 0 0 3mm #999; }} }}
",
        w = if landscape { "273mm" } else { "186mm" },
    ));
    css
}

/// The columns holding identifiers (kept on one line).
fn is_code(key: &str) -> bool {
    matches!(
        key,
        "exam_no" | "id_no" | "major_code" | "course_code" | "phone" | "approved_date"
    )
}

fn page_rule(css: &mut String, name: &str, title: &str) {
    let _ = writeln!(
        css,
        "@page {name} {{ @top-center {{ content: {}; font-size: 9pt; font-family: {FONTS}; }} }}",
        css_string(title)
    );
}

fn group_section(
    out: &mut String,
    r: &Roster,
    g: &Group,
    lang: Lang,
    page: &str,
    copy: Option<&str>,
) {
    let ncols = r.columns.len();
    let _ = writeln!(out, "<section class=\"page group\" style=\"page: {page}\">");
    if let Some(c) = copy {
        let _ = writeln!(out, "<div class=\"copy\">{}</div>", esc(c));
    }
    let _ = writeln!(out, "<h1>{}</h1>", esc(&r.group_title(g, lang)));
    out.push_str("<div class=\"meta\">\n");
    for i in &g.info {
        let _ = writeln!(
            out,
            "<p><b>{}</b>{}{}</p>",
            esc(i.label(lang)),
            lang.pick("：", ": "),
            esc(&i.text(lang))
        );
    }
    if let Some(n) = r.mask_note(lang) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(n));
    }
    out.push_str("</div>\n<table>\n<thead><tr>");
    for c in r.columns {
        let _ = write!(out, "<th>{}</th>", esc(c.label(lang)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let divided = g.sections.len() > 1 || g.sections.iter().any(|s| !s.keys.is_empty());
    for s in &g.sections {
        if divided {
            if let Some(l) = s.label(lang) {
                let _ = writeln!(
                    out,
                    "<tr class=\"section\"><td colspan=\"{ncols}\">{}{}{}</td></tr>",
                    lang.pick("专业", "Major"),
                    lang.pick("：", ": "),
                    esc(&l)
                );
            }
        }
        for row in &s.rows {
            out.push_str("<tr>");
            for (c, v) in r.columns.iter().zip(row) {
                let class = if c.numeric {
                    " class=\"no\""
                } else if c.key == "name" {
                    " class=\"name\""
                } else if is_code(c.key) {
                    " class=\"code\""
                } else {
                    ""
                };
                let _ = write!(out, "<td{class}>{}</td>", esc(v));
            }
            out.push_str("</tr>\n");
        }
        if divided {
            let _ = writeln!(
                out,
                "<tr class=\"subtotal\"><td colspan=\"{ncols}\">{}</td></tr>",
                esc(&r.section_total_text(s, lang))
            );
        }
    }
    let _ = writeln!(
        out,
        "<tr class=\"total\"><td colspan=\"{ncols}\">{}</td></tr>",
        esc(&r.group_total_text(g, lang))
    );
    out.push_str("</tbody>\n</table>\n");
    if r.kind == Kind::Exemptions {
        // 004_… 三 “于现场会审确认时在免试申请表上签署意见”.
        let lines: [(&str, &str, &str); 3] = match lang {
            Lang::Zh => [
                ("市考试机构（盖章）：", "经办人：", "日期："),
                ("主考院校审核意见：", "签字（盖章）：", "日期："),
                ("省考试院审核意见：", "签字（盖章）：", "日期："),
            ],
            Lang::En => [
                ("City examination office (seal):", "Clerk:", "Date:"),
                ("Main exam school's opinion:", "Signature (seal):", "Date:"),
                (
                    "Provincial authority's opinion:",
                    "Signature (seal):",
                    "Date:",
                ),
            ],
        };
        out.push_str("<div class=\"sign\">\n");
        for (a, b, c) in lines {
            let _ = writeln!(
                out,
                "<p><span class=\"s1\">{}</span><span class=\"s2\">{}</span><span>{}</span></p>",
                esc(a),
                esc(b),
                esc(c)
            );
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn table_section(
    out: &mut String,
    title: &str,
    t: &Table,
    page: &str,
    class: &str,
    footer: Option<&str>,
) {
    let _ = writeln!(
        out,
        "<section class=\"page {class}\" style=\"page: {page}\">"
    );
    let _ = writeln!(out, "<h1>{}</h1>\n<table>\n<thead><tr>", esc(title));
    for h in &t.header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for c in row {
            match c {
                Cell::Text(s) => {
                    let _ = write!(out, "<td>{}</td>", esc(s));
                }
                Cell::Number(n) => {
                    let _ = write!(out, "<td class=\"no\">{n}</td>");
                }
                Cell::Empty => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    if let Some(f) = footer {
        let _ = writeln!(
            out,
            "<tr class=\"total\"><td colspan=\"{}\">{}</td></tr>",
            t.header.len().max(1),
            esc(f)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The page (see the module documentation).
pub(crate) fn write(r: &Roster, lang: Lang) -> String {
    let mut css = style(r, lang);
    let mut body = String::new();
    for (i, g) in r.groups.iter().enumerate() {
        let page = format!("g{}", i + 1);
        if r.kind == Kind::Exemptions {
            // One marked copy per holder (004_… 三), the mark also in the
            // running header of every page of that copy.
            for (j, (zh, en)) in EXEMPTION_COPIES.into_iter().enumerate() {
                let copy = lang.pick(zh, en);
                let page = format!("{page}c{}", j + 1);
                let running = match lang {
                    Lang::Zh => format!("{}（{copy}）", r.group_title(g, lang)),
                    Lang::En => format!("{} ({copy})", r.group_title(g, lang)),
                };
                page_rule(&mut css, &page, &running);
                group_section(&mut body, r, g, lang, &page, Some(copy));
            }
        } else {
            page_rule(&mut css, &page, &r.group_title(g, lang));
            group_section(&mut body, r, g, lang, &page, None);
        }
    }
    let summary_title = format!(
        "{}{}",
        r.doc_title(lang),
        lang.pick("（汇总）", " — summary")
    );
    page_rule(&mut css, "summary", &summary_title);
    table_section(
        &mut body,
        &summary_title,
        &summary_table(r, lang),
        "summary",
        "summary",
        Some(&r.overall_total_text(lang)),
    );
    if !r.excluded.is_empty() {
        let t = lang.pick("未列入名单的考生", "Candidates left off");
        page_rule(&mut css, "excluded", t);
        table_section(
            &mut body,
            t,
            &r.excluded_table(lang),
            "excluded",
            "excluded",
            None,
        );
    }
    if !r.input_errors.is_empty() {
        let t = lang.pick("输入数据问题", "Input problems");
        page_rule(&mut css, "input_errors", t);
        table_section(
            &mut body,
            t,
            &input_errors_table(&r.input_errors, lang),
            "input_errors",
            "input-errors",
            None,
        );
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        esc(&r.doc_title(lang)),
        css
    );
    out.push_str(&body);
    out.push_str("</body>\n</html>\n");
    out
}

//! Rosters as Excel workbooks, laid out for printing on A4.
//!
//! One sheet per group: a title row, information rows (an office's
//! schedule; the three-copies mark of an exemption summary; the masking
//! note), the header row (repeated on every printed page), the rows with
//! section headings and subtotals, the totals row. The page header repeats
//! the title, the footer numbers the pages. Then a summary sheet (counts
//! per group and overall), the candidates left off, and the input problems.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::{Group, Kind, Roster, EXEMPTION_COPIES};
use crate::msg::Lang;
use crate::output::neutralize;
use crate::render::{
    add_input_errors_sheet, text_width, write_cell, write_table, xlsx_err, Cell, Formats, Table,
};
use crate::Result;

/// A valid, unique sheet name (Excel: at most 31 characters, none of
/// `[]:*?/\`, not starting or ending with `'`, unique ignoring case).
pub(crate) fn sheet_name(want: &str, used: &mut Vec<String>) -> String {
    let clean: String = want
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        format!("Sheet{}", used.len() + 1)
    } else {
        clean
    };
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&base, 31);
    let mut k = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        let suffix = format!("({k})");
        name = format!("{}{suffix}", cut(&base, 31 - suffix.chars().count()));
        k += 1;
    }
    used.push(name.clone());
    name
}

/// Escapes text for an Excel page header/footer (`&` is a control code).
fn hf_escape(s: &str) -> String {
    let s: String = s.replace('&', "&&");
    // Excel limits a header to 255 characters including control codes.
    s.chars().take(200).collect()
}

struct Styles {
    base: Formats,
    title: Format,
    info: Format,
    section: Format,
    subtotal: Format,
    total: Format,
    sign: Format,
}

impl Styles {
    fn new() -> Styles {
        let wrap_left = Format::new()
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Styles {
            base: Formats::new(true),
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            info: wrap_left.clone(),
            section: wrap_left
                .clone()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color("#F2F2F2"),
            subtotal: Format::new()
                .set_align(FormatAlign::Right)
                .set_border(FormatBorder::Thin),
            total: Format::new()
                .set_bold()
                .set_align(FormatAlign::Right)
                .set_border(FormatBorder::Thin),
            sign: wrap_left.set_align(FormatAlign::Top),
        }
    }
}

/// Writes a merged row across `ncols` columns (a single cell when there is
/// only one column), with a height fitting the wrapped text.
fn merged_row(
    ws: &mut Worksheet,
    row: u32,
    ncols: u16,
    text: &str,
    f: &Format,
    total_width: f64,
    line_height: f64,
) -> Result<()> {
    let text = neutralize(text).into_owned();
    if ncols > 1 {
        ws.merge_range(row, 0, row, ncols - 1, &text, f)
            .map_err(xlsx_err)?;
    } else {
        ws.write_string_with_format(row, 0, &text, f)
            .map_err(xlsx_err)?;
    }
    let lines: usize = text
        .lines()
        .map(|l| {
            ((text_width(l) as f64) / total_width.max(1.0))
                .ceil()
                .max(1.0) as usize
        })
        .sum::<usize>()
        .max(1);
    ws.set_row_height(row, line_height * lines as f64)
        .map_err(xlsx_err)?;
    Ok(())
}

fn group_sheet(
    wb: &mut Workbook,
    name: &str,
    r: &Roster,
    g: &Group,
    lang: Lang,
    copy_mark: bool,
) -> Result<()> {
    let st = Styles::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xlsx_err)?;
    let cols = r.columns;
    let ncols = cols.len() as u16;
    // Column widths: the widest of header and cells.
    let t = Table {
        header: cols.iter().map(|c| c.label(lang).to_string()).collect(),
        rows: g
            .sections
            .iter()
            .flat_map(|s| s.rows.iter())
            .map(|row| row.iter().map(|c| Cell::Text(c.clone())).collect())
            .collect(),
    };
    let widths = t.widths(44);
    let total_width: f64 = widths.iter().sum();
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w).map_err(xlsx_err)?;
    }

    let title = r.group_title(g, lang);
    let mut row = 0u32;
    merged_row(ws, row, ncols, &title, &st.title, total_width / 1.6, 24.0)?;
    row += 1;
    for i in &g.info {
        let text = format!("{}{}{}", i.label(lang), lang.pick("：", ": "), i.text(lang));
        merged_row(ws, row, ncols, &text, &st.info, total_width, 16.0)?;
        row += 1;
    }
    if copy_mark {
        let text = match lang {
            Lang::Zh => format!("一式三份：{}", EXEMPTION_COPIES.map(|c| c.0).join("、")),
            Lang::En => format!(
                "In three copies: {}",
                EXEMPTION_COPIES.map(|c| c.1).join("; ")
            ),
        };
        merged_row(ws, row, ncols, &text, &st.info, total_width, 16.0)?;
        row += 1;
    }
    if let Some(n) = r.mask_note(lang) {
        merged_row(ws, row, ncols, n, &st.info, total_width, 16.0)?;
        row += 1;
    }
    let header_row = row;
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, c.label(lang), &st.base.header)
            .map_err(xlsx_err)?;
    }
    ws.set_row_height(row, 20.0).map_err(xlsx_err)?;
    row += 1;
    let divided = g.sections.len() > 1 || g.sections.iter().any(|s| !s.keys.is_empty());
    for s in &g.sections {
        if divided {
            if let Some(l) = s.label(lang) {
                let text = format!(
                    "{}{}{}",
                    lang.pick("专业", "Major"),
                    lang.pick("：", ": "),
                    l
                );
                merged_row(ws, row, ncols, &text, &st.section, total_width, 18.0)?;
                row += 1;
            }
        }
        for cells in &s.rows {
            for (i, (c, v)) in cols.iter().zip(cells).enumerate() {
                let cell = if c.numeric {
                    v.parse::<f64>()
                        .map(Cell::Number)
                        .unwrap_or_else(|_| Cell::Text(v.clone()))
                } else if v.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(v.clone())
                };
                write_cell(ws, row, i as u16, &cell, &st.base)?;
            }
            ws.set_row_height(row, 18.0).map_err(xlsx_err)?;
            row += 1;
        }
        if divided {
            merged_row(
                ws,
                row,
                ncols,
                &r.section_total_text(s, lang),
                &st.subtotal,
                total_width,
                18.0,
            )?;
            row += 1;
        }
    }
    merged_row(
        ws,
        row,
        ncols,
        &r.group_total_text(g, lang),
        &st.total,
        total_width,
        20.0,
    )?;
    let last_table_row = row;
    row += 1;
    if r.kind == Kind::Exemptions {
        // Room for the opinions signed at the joint review (004_… 三
        // “于现场会审确认时在免试申请表上签署意见”).
        let lines: [&str; 3] = match lang {
            Lang::Zh => [
                "市考试机构（盖章）：                    经办人：              日期：",
                "主考院校审核意见：                    签字（盖章）：              日期：",
                "省考试院审核意见：                    签字（盖章）：              日期：",
            ],
            Lang::En => [
                "City examination office (seal):                    Clerk:              Date:",
                "Main exam school's opinion:                    Signature (seal):              Date:",
                "Provincial examination authority's opinion:                    Signature (seal):              Date:",
            ],
        };
        row += 1;
        for l in lines {
            merged_row(ws, row, ncols, l, &st.sign, total_width, 36.0)?;
            row += 1;
        }
    }
    let last_row = row.saturating_sub(1).max(last_table_row);

    // Printing: A4, fit to one page wide, header row on every page, title in
    // the page header, page numbers in the footer.
    ws.set_paper_size(9);
    if total_width > 100.0 {
        ws.set_landscape();
    }
    ws.set_margins(0.5, 0.5, 0.7, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(header_row, header_row)
        .map_err(xlsx_err)?;
    ws.set_print_area(0, 0, last_row, ncols - 1)
        .map_err(xlsx_err)?;
    ws.set_header(format!("&C{}", hf_escape(&title)));
    ws.set_footer(match lang {
        Lang::Zh => "&C第 &P 页，共 &N 页".to_string(),
        Lang::En => "&CPage &P of &N".to_string(),
    });
    ws.set_freeze_panes(header_row + 1, 0).map_err(xlsx_err)?;
    Ok(())
}

/// Counts per group (and per major) and overall, as a table.
pub(crate) fn summary_table(r: &Roster, lang: Lang) -> Table {
    let n = |v: usize| Cell::Number(v as f64);
    let t = |s: &str| Cell::Text(s.to_string());
    let mut table = Table::default();
    let group = r.kind.group_label(lang).to_string();
    match r.kind {
        Kind::Graduates => {
            table.header = vec![
                group,
                lang.pick("专业代码", "Major code").into(),
                lang.pick("专业名称", "Major").into(),
                lang.pick("层次", "Level").into(),
                lang.pick("人数", "Count").into(),
            ];
            for g in &r.groups {
                for s in &g.sections {
                    let k = |key: &str| {
                        s.keys
                            .iter()
                            .find(|(n, _)| *n == key)
                            .map(|(_, v)| v.as_str())
                            .unwrap_or("")
                    };
                    table.rows.push(vec![
                        t(&g.name),
                        t(k("major_code")),
                        t(k("major_name")),
                        t(k("level")),
                        n(s.rows.len()),
                    ]);
                }
                table.rows.push(vec![
                    t(&g.name),
                    t(lang.pick("小计", "Subtotal")),
                    Cell::Empty,
                    Cell::Empty,
                    n(g.rows()),
                ]);
            }
            table.rows.push(vec![
                t(lang.pick("总计", "Overall")),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                n(r.total()),
            ]);
        }
        Kind::Exemptions => {
            table.header = vec![
                group,
                lang.pick("人数", "Candidates").into(),
                lang.pick("课程门数", "Courses").into(),
            ];
            for g in &r.groups {
                table
                    .rows
                    .push(vec![t(&g.name), n(g.candidates(r.columns)), n(g.rows())]);
            }
            table.rows.push(vec![
                t(lang.pick("总计", "Overall")),
                n(r.groups.iter().map(|g| g.candidates(r.columns)).sum()),
                n(r.total()),
            ]);
        }
        Kind::Reception => {
            table.header = vec![
                group,
                lang.pick("日期", "Dates").into(),
                lang.pick("人数", "Count").into(),
            ];
            for g in &r.groups {
                let dates = g
                    .info
                    .iter()
                    .find(|i| i.key == "dates")
                    .map(|i| i.text(lang))
                    .unwrap_or_default();
                table.rows.push(vec![t(&g.name), t(&dates), n(g.rows())]);
            }
            table.rows.push(vec![
                t(lang.pick("总计", "Overall")),
                Cell::Empty,
                n(r.total()),
            ]);
        }
    }
    table
}

fn summary_sheet(wb: &mut Workbook, name: &str, r: &Roster, lang: Lang) -> Result<()> {
    let f = Formats::new(true);
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xlsx_err)?;
    let table = summary_table(r, lang);
    let last = write_table(ws, 0, &table, &f)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).map_err(xlsx_err)?;
    ws.set_print_area(0, 0, last.saturating_sub(1), table.header.len() as u16 - 1)
        .map_err(xlsx_err)?;
    Ok(())
}

/// The workbook of a roster (see the module documentation).
pub(crate) fn write(r: &Roster, lang: Lang) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let mut used: Vec<String> = Vec::new();
    // Reserve the names of the trailing sheets first so a group cannot take them.
    let summary = lang.pick("汇总", "summary").to_string();
    let excluded = lang.pick("未列入名单", "excluded").to_string();
    used.push(summary.clone());
    used.push(excluded.clone());
    used.push("input_errors".to_string());
    for g in &r.groups {
        let name = sheet_name(&g.name, &mut used);
        group_sheet(&mut wb, &name, r, g, lang, r.kind == Kind::Exemptions)?;
    }
    summary_sheet(&mut wb, &summary, r, lang)?;
    if !r.excluded.is_empty() {
        let f = Formats::new(false);
        let ws = wb.add_worksheet();
        ws.set_name(&excluded).map_err(xlsx_err)?;
        write_table(ws, 0, &r.excluded_table(lang), &f)?;
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    if !r.input_errors.is_empty() {
        add_input_errors_sheet(&mut wb, "input_errors", &r.input_errors, lang)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use super::*;
use crate::finding::{Finding, Severity};
use crate::msg::Msg;

fn data(zh: &str, en: &str) -> Msg {
    Msg::Data(crate::msg::Detail::new(zh, en))
}

fn sample() -> Report {
    let mut r = Report::new("eligibility");
    let mut a = Item::new("ineligible", false)
        .key("exam_no", "010120100001")
        .key("name", "=CMD|' /C calc'!A0")
        .with_extra("missing", json!(["00015", "00018"]))
        .with_extra("credits", 62.5);
    a.findings.push(Finding::error(
        "elig.required",
        data("缺少必考课程", "required course missing"),
    ));
    a.findings.push(Finding::error(
        "elig.required",
        data("又一门", "another one"),
    ));
    a.findings.push(Finding::warning(
        "elig.practice_match",
        data("实践不符", "practice mismatch"),
    ));
    let b = Item::new("eligible", true)
        .key("exam_no", "440106199001010011")
        .key("name", "张三")
        .key("school", "中山大学")
        .with_extra("detail", json!({"k": 1}))
        .with_extra("flag", true);
    r.results.push(a);
    r.results.push(b);
    r
}

/// The rows of sheet `name`.
fn sheet_rows(x: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    x.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect()
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(bytes);
    rd.records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_columns_and_values() {
    let out = to_csv(&sample(), Lang::Zh, false);
    let rows = csv_rows(&out);
    assert_eq!(
        rows[0],
        [
            "exam_no", "name", "school", "verdict", "codes", "messages", "missing", "credits",
            "detail", "flag"
        ]
    );
    assert_eq!(rows[1][0], "010120100001");
    // formula-like text neutralised
    assert_eq!(rows[1][1], "'=CMD|' /C calc'!A0");
    assert_eq!(rows[1][2], "");
    assert_eq!(rows[1][3], "ineligible");
    // codes once each, joined by ';'; messages by '；'
    assert_eq!(rows[1][4], "elig.required;elig.practice_match");
    assert_eq!(rows[1][5], "缺少必考课程；又一门；实践不符");
    assert_eq!(rows[1][6], "[\"00015\",\"00018\"]");
    assert_eq!(rows[1][7], "62.5");
    assert_eq!(rows[2][0], "440106199001010011");
    assert_eq!(rows[2][2], "中山大学");
    assert_eq!(rows[2][4], "");
    assert_eq!(rows[2][8], "{\"k\":1}");
    assert_eq!(rows[2][9], "true");
    assert!(!out.starts_with(crate::output::BOM));
}

#[test]
fn csv_english_and_bom() {
    let out = to_csv(&sample(), Lang::En, true);
    assert!(out.starts_with(crate::output::BOM));
    let rows = csv_rows(&out[3..]);
    assert_eq!(
        rows[1][5],
        "required course missing; another one; practice mismatch"
    );
}

#[test]
fn csv_empty_report() {
    let out = to_csv(&Report::new("photo check"), Lang::Zh, false);
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        "verdict,codes,messages"
    );
}

#[test]
fn xlsx_results_and_input_errors() {
    let mut r = sample();
    r.input_errors.push(InputProblem {
        file: "scores.csv".into(),
        row: Some(7),
        column: Some("课程代码".into()),
        severity: Severity::Error,
        code: "table.scientific",
        message: data("科学计数法", "scientific notation"),
    });
    let bytes = to_xlsx(&r, Lang::Zh).unwrap();
    let mut x = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(x.sheet_names(), ["results", "summary", "input_errors"]);
    let rows = sheet_rows(&mut x, "results");
    // headed for a person, in the report's language
    assert_eq!(rows[0][0], Data::String("准考证号".into()));
    assert_eq!(rows[0][3], Data::String("结论".into()));
    // identifiers stay text: never numbers, no lost digits
    assert_eq!(rows[1][0], Data::String("010120100001".into()));
    assert_eq!(rows[2][0], Data::String("440106199001010011".into()));
    assert_eq!(rows[1][1], Data::String("'=CMD|' /C calc'!A0".into()));
    assert_eq!(
        rows[1][5],
        Data::String("缺少必考课程；又一门；实践不符".into())
    );
    // numbers stay numbers
    assert_eq!(rows[1][7], Data::Float(62.5));
    assert_eq!(rows[2][1], Data::String("张三".into()));
    let errs = sheet_rows(&mut x, "input_errors");
    assert_eq!(errs[0][5], Data::String("说明".into()));
    assert_eq!(errs[1][3], Data::String("错误".into()));
    assert_eq!(errs[1][1], Data::Float(7.0));
    assert_eq!(errs[1][2], Data::String("课程代码".into()));
    assert_eq!(errs[1][4], Data::String("table.scientific".into()));
    assert_eq!(errs[1][5], Data::String("科学计数法".into()));
}

#[test]
fn xlsx_without_input_errors_has_one_sheet() {
    let mut r = sample();
    r.summary_extra
        .push(("policy", serde_json::json!("guangdong")));
    r.summary_extra
        .push(("batch", serde_json::json!("2022-06")));
    let mut x = Xlsx::new(Cursor::new(to_xlsx(&r, Lang::En).unwrap())).unwrap();
    assert_eq!(x.sheet_names(), ["results", "summary"]);
    let head = sheet_rows(&mut x, "results");
    assert_eq!(head[0][0], Data::String("Exam no.".into()));
    // which rules: the summary sheet names them (and the printed page header)
    let sum = sheet_rows(&mut x, "summary");
    assert_eq!(
        sum[1],
        [
            Data::String("policy".into()),
            Data::String("guangdong".into())
        ]
    );
    assert_eq!(
        sum[2],
        [Data::String("batch".into()), Data::String("2022-06".into())]
    );
    assert_eq!(sum[3][0], Data::String("total".into()));
}

#[test]
fn widths_count_cjk_double() {
    assert_eq!(text_width("abc"), 3);
    assert_eq!(text_width("中山大学"), 8);
    assert_eq!(text_width("第一行\nab"), 6);
    let t = Table {
        header: vec!["name".into(), "x".into()],
        rows: vec![vec![
            Cell::Text("中山大学附属学院".into()),
            Cell::Number(1.0),
        ]],
    };
    assert_eq!(t.widths(60), [18.0, 4.0]);
    let t = Table {
        header: vec!["a".into()],
        rows: vec![vec![Cell::Text("长".repeat(100))]],
    };
    assert_eq!(t.widths(60), [60.0]);
}

#[test]
fn big_numbers_stay_exact() {
    assert_eq!(value_cell(&json!(12)), Cell::Number(12.0));
    assert_eq!(
        value_cell(&json!(440106199001010011u64)),
        Cell::Text("440106199001010011".into())
    );
    assert_eq!(value_cell(&json!(null)), Cell::Empty);
}

#[test]
fn csv_of_many_items_is_every_row_in_order() {
    let mut r = Report::new("eligibility");
    for i in 0..5000 {
        let mut it = Item::new("eligible", true).key("exam_no", format!("{i:012}"));
        if i % 7 == 0 {
            it = it.with_extra("late", json!({"n": i}));
        }
        r.results.push(it);
    }
    let out = String::from_utf8(to_csv(&r, Lang::En, false)).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5001);
    assert_eq!(lines[0], "exam_no,verdict,codes,messages,late");
    assert_eq!(lines[1], "000000000000,eligible,,,\"{\"\"n\"\":0}\"");
    assert_eq!(lines[4097], "000000004096,eligible,,,");
    assert_eq!(lines[4096], "000000004095,eligible,,,\"{\"\"n\"\":4095}\"");
    assert_eq!(lines[5000], "000000004999,eligible,,,");
}

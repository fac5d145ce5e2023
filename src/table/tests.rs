//! Tests of the table reader over files: the committed twins in
//! tests/fixtures/tables and hardening cases generated here.

use std::path::{Path, PathBuf};

use super::schemas::{CANDIDATES, SCORES};
use super::*;
use crate::msg::Lang;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tables")
        .join(name)
}

/// One delivered row: its number and the values of every schema column.
type Got = (usize, Vec<Option<String>>);

fn read_all(
    path: &Path,
    schema: &Schema,
    opts: &ReadOptions,
) -> Result<(Vec<Got>, Vec<InputProblem>)> {
    let mut rows = Vec::new();
    let problems = read(path, schema, opts, &mut |r: Row<'_>| {
        let vals = schema
            .columns
            .iter()
            .map(|c| r.get(c.key).map(str::to_string))
            .collect();
        rows.push((r.row, vals));
    })?;
    Ok((rows, problems))
}

fn scores(path: &Path) -> (Vec<Got>, Vec<InputProblem>) {
    read_all(path, &SCORES, &ReadOptions::default()).unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn values(rows: &[Got]) -> Vec<Vec<Option<String>>> {
    rows.iter().map(|(_, v)| v.clone()).collect()
}

/// (row, column, code, severity) of each problem.
fn summary(p: &[InputProblem]) -> Vec<(Option<usize>, Option<String>, &'static str, Severity)> {
    p.iter()
        .map(|p| (p.row, p.column.clone(), p.code, p.severity))
        .collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn utf8_twin_reads_as_expected() {
    let (rows, problems) = scores(&fixture("scores_utf8.csv"));
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![2, 3, 4, 5]
    );
    let v = values(&rows);
    // exam_no, course_code, course_name, score, exam_date
    assert_eq!(
        &v[0][..5],
        &[
            s("010118100001"),
            s("00015"),
            s("英语（二）"),
            s("85"),
            s("2023-04")
        ]
    );
    assert_eq!(
        &v[1][..5],
        &[
            s("010118100001"),
            s("03708"),
            s("中国近现代史纲要"),
            s("合格"),
            s("2023-10")
        ]
    );
    assert_eq!(
        &v[2][..5],
        &[
            s("010118100002"),
            s("00015"),
            s("马克思主义基本原理概论"),
            s("60"),
            s("2024-04")
        ]
    );
    assert_eq!(
        &v[3][..5],
        &[
            s("010118100002"),
            s("00018"),
            s("计算机应用基础"),
            s("免考"),
            None
        ]
    );
    assert_eq!(
        summary(&problems),
        vec![(
            Some(4),
            s("课程代码"),
            "table.course_code_restored",
            Severity::Warning
        )]
    );
    let m = problems[0].render(Lang::Zh);
    assert!(
        m.contains("scores_utf8.csv") && m.contains("第 4 行") && m.contains("00015"),
        "{m}"
    );
}

#[test]
fn twins_read_identically() {
    let (want_rows, want_problems) = scores(&fixture("scores_utf8.csv"));
    let want = values(&want_rows);
    for name in [
        "scores_bom.csv",
        "scores_gbk.csv",
        "scores.tsv",
        "scores_gbk_tab.txt",
        "scores.xlsx",
        "scores.xls",
        "scores.json",
        "scores.jsonl",
    ] {
        let (rows, problems) = scores(&fixture(name));
        assert_eq!(values(&rows), want, "{name}");
        let codes: Vec<_> = problems.iter().map(|p| (p.code, p.severity)).collect();
        let want_codes: Vec<_> = want_problems.iter().map(|p| (p.code, p.severity)).collect();
        assert_eq!(codes, want_codes, "{name}");
        match name {
            // title row and blank row above the header: real sheet rows
            "scores.xls" => assert_eq!(
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                vec![4, 5, 6, 7]
            ),
            "scores.json" => {
                assert_eq!(
                    rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    vec![1, 2, 3, 4]
                );
                assert!(problems[0].render(Lang::En).contains("JSON element 3"));
            }
            "scores.jsonl" => assert_eq!(
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                vec![1, 2, 3, 4]
            ),
            _ => {
                assert_eq!(
                    rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    vec![2, 3, 4, 5],
                    "{name}"
                );
                assert_eq!(summary(&problems), summary(&want_problems), "{name}");
            }
        }
    }
}

#[test]
fn forced_encoding() {
    let opts = ReadOptions {
        encoding: parse_encoding("gbk"),
        ..Default::default()
    };
    let (rows, _) = read_all(&fixture("scores_gbk.csv"), &SCORES, &opts).unwrap();
    assert_eq!(rows.len(), 4);
    // forcing GBK on a UTF-8 BOM file is refused, naming the file
    let e = read_all(&fixture("scores_bom.csv"), &SCORES, &opts).unwrap_err();
    assert!(matches!(e, crate::Error::Format { .. }), "{e}");
    assert!(e.to_string().contains("scores_bom.csv"));
}

#[test]
fn headers_are_matched_loosely() {
    let dir = tempfile::tempdir().unwrap();
    // English aliases, full-width letters, spaces, order changed, unknown column, a duplicate
    let p = write(
        &dir,
        "a.csv",
        " Score ,ｃｏｕｒｓｅ＿ｃｏｄｅ,备注,exam no,准考证号\n85,00015,x,0101,0202\n".as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(rows[0].1[0], s("0101"));
    assert_eq!(rows[0].1[1], s("00015"));
    assert_eq!(rows[0].1[3], s("85"));
    assert_eq!(
        summary(&problems),
        vec![(
            Some(1),
            s("准考证号"),
            "table.duplicate_column",
            Severity::Warning
        )]
    );
    let mut has = None;
    read(&p, &SCORES, &ReadOptions::default(), &mut |r| {
        has = Some((r.has_column("exam_no"), r.has_column("exam_date")));
        let pr = r.problem("exam_no", Severity::Error, "x.y", TableMsg::LineBreakInCode);
        assert_eq!(pr.column.as_deref(), Some("exam no"));
        assert_eq!(pr.row, Some(2));
    })
    .unwrap();
    assert_eq!(has, Some((true, false)));
}

#[test]
fn title_rows_above_header_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "t.csv",
        "2024年成绩表,,,\n\n准考证号,课程代码,成绩\n0101,00015,85\n".as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert!(problems.is_empty());
    assert_eq!(rows[0].0, 4);
}

#[test]
fn missing_column_names_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "m.csv", "准考证号,成绩\n0101,85\n".as_bytes());
    let e = read_all(&p, &SCORES, &ReadOptions::default()).unwrap_err();
    match &e {
        crate::Error::MissingColumn { path, column } => {
            assert_eq!(path, &p);
            assert!(
                column.contains("课程代码") && column.contains("course_code"),
                "{column}"
            );
            assert!(!column.contains("准考证号"));
        }
        e => panic!("{e}"),
    }
    assert!(e.render(Lang::Zh).contains("m.csv"));
    // same for JSON, JSON Lines and Excel
    let p = write(
        &dir,
        "m.json",
        "[{\"准考证号\": \"0101\", \"成绩\": 85}]".as_bytes(),
    );
    assert!(matches!(
        read_all(&p, &SCORES, &ReadOptions::default()),
        Err(crate::Error::MissingColumn { .. })
    ));
    let p = write(
        &dir,
        "m.jsonl",
        "{\"准考证号\": \"0101\", \"成绩\": 85}\n".as_bytes(),
    );
    assert!(matches!(
        read_all(&p, &SCORES, &ReadOptions::default()),
        Err(crate::Error::MissingColumn { .. })
    ));
    let p = xlsx(&dir, "m.xlsx", &[&["准考证号", "成绩"], &["0101", "85"]]);
    assert!(matches!(
        read_all(&p, &SCORES, &ReadOptions::default()),
        Err(crate::Error::MissingColumn { .. })
    ));
}

#[test]
fn ragged_rows_are_row_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "r.csv",
        "准考证号,课程代码,成绩\n0101,00015\n0102,00015,85,extra\n0103,00015,85,,\n0104,00015,90\n"
            .as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![4, 5]);
    assert_eq!(
        summary(&problems),
        vec![
            (Some(2), None, "table.ragged_row", Severity::Error),
            (Some(3), None, "table.ragged_row", Severity::Error),
        ]
    );
    assert!(problems[0].render(Lang::En).contains("r.csv, row 2"));
}

#[test]
fn scientific_notation_and_leading_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "c.csv",
        "准考证号,证件号码,姓名,专业代码,主考学校\n4.40106E+17,440106199001011234,张三,C050207,中山大学\n0102,4.40106E+17,李四,C050207,中山大学\n0103,123.0,王五,C050207,中山大学\n".as_bytes(),
    );
    let (rows, problems) = read_all(&p, &CANDIDATES, &ReadOptions::default()).unwrap();
    assert!(rows.is_empty());
    assert_eq!(
        summary(&problems),
        vec![
            (
                Some(2),
                s("准考证号"),
                "table.scientific_notation",
                Severity::Error
            ),
            (
                Some(3),
                s("证件号码"),
                "table.scientific_notation",
                Severity::Error
            ),
            (Some(4), s("证件号码"), "table.bad_value", Severity::Error),
        ]
    );
    let zh = problems[1].render(Lang::Zh);
    assert!(
        zh.contains("c.csv")
            && zh.contains("第 3 行")
            && zh.contains("证件号码")
            && zh.contains("科学计数法（4.40106E+17）"),
        "{zh}"
    );
    // in Excel, an 18-digit number cell
    let p = xlsx_cells(&dir, "n.xlsx", |ws| {
        for (j, h) in ["准考证号", "证件号码", "姓名", "专业代码", "主考学校"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, j as u16, *h).unwrap();
        }
        ws.write_number(1, 0, 10118100001.0).unwrap();
        ws.write_number(1, 1, 440106199001011234.0).unwrap();
        ws.write_string(1, 2, "张三").unwrap();
        ws.write_string(1, 3, "C050207").unwrap();
        ws.write_string(1, 4, "中山大学").unwrap();
        ws.write_number(2, 0, 10118100002.0).unwrap();
        ws.write_string(2, 1, "440106199001011234").unwrap();
        ws.write_string(2, 2, "李四").unwrap();
        ws.write_string(2, 3, "C050207").unwrap();
        ws.write_string(2, 4, "中山大学").unwrap();
    });
    let (rows, problems) = read_all(&p, &CANDIDATES, &ReadOptions::default()).unwrap();
    assert_eq!(
        summary(&problems),
        vec![(
            Some(2),
            s("证件号码"),
            "table.scientific_notation",
            Severity::Error
        )]
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 3);
    assert_eq!(rows[0].1[0], s("10118100002"));
}

#[test]
fn quoted_newline_in_id_keeps_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "q.csv",
        "准考证号,课程代码,课程名称,成绩\n\"01\n02\",00015,\"英语\n（二）\",85\n0103,00015,x,90\n0104,00016,\"a\nb\nc\",70\n0105,00017,y,60\n".as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(
        summary(&problems),
        vec![(Some(2), s("准考证号"), "table.bad_value", Severity::Error)]
    );
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![5, 6, 9]);
    assert_eq!(rows[1].1[2], s("a\nb\nc"));
}

#[test]
fn unclosed_quote_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "u.csv",
        "准考证号,课程代码,课程名称,成绩\n0101,00015,\"英语,85\n0102,00015,x,90\n0103,00016,y,70\n"
            .as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert!(rows.is_empty());
    assert_eq!(
        summary(&problems),
        vec![(
            Some(2),
            s("课程名称"),
            "table.unclosed_quote",
            Severity::Error
        )]
    );
}

#[test]
fn empty_bom_only_header_only() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("e.csv", &b""[..]),
        ("b.csv", &b"\xEF\xBB\xBF"[..]),
        ("w.csv", &b"\r\n  \n"[..]),
        ("e.json", &b""[..]),
        ("b.jsonl", &b"\xEF\xBB\xBF\n"[..]),
    ] {
        let p = write(&dir, name, bytes);
        let e = read_all(&p, &SCORES, &ReadOptions::default()).unwrap_err();
        assert!(matches!(e, crate::Error::Format { .. }), "{name}: {e}");
        assert!(e.to_string().contains(name), "{e}");
    }
    let p = write(
        &dir,
        "h.csv",
        "\u{FEFF}准考证号,课程代码,成绩\r\n".as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert!(rows.is_empty() && problems.is_empty());
    let p = write(&dir, "h.json", b"[]");
    let (rows, problems) = scores(&p);
    assert!(rows.is_empty() && problems.is_empty());
}

#[test]
fn gbk_garbage_and_invalid_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // GBK file with an invalid byte in one name
    let mut b = encoding_rs::GB18030
        .encode("准考证号,课程代码,课程名称,成绩\n0101,00015,英语,85\n0102,00015,")
        .0
        .into_owned();
    b.extend_from_slice(b"\xFF\xFF");
    b.extend_from_slice(&encoding_rs::GB18030.encode(",90\n0103,00015,数学,70\n").0);
    let p = write(&dir, "g.csv", &b);
    let (rows, problems) = scores(&p);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 4]);
    assert_eq!(
        summary(&problems),
        vec![(Some(3), s("课程名称"), "table.encoding", Severity::Error)]
    );
    assert_eq!(rows[1].1[2], s("数学"));

    // UTF-8 at the start, GBK far below: a row error naming the row, no mojibake
    let mut text = String::from("准考证号,课程代码,课程名称,成绩\n");
    for i in 0..3000 {
        text.push_str(&format!("{i:012},00015,英语,85\n"));
    }
    let mut b = text.into_bytes();
    b.extend_from_slice(&encoding_rs::GB18030.encode("999,00015,数学,70\n").0);
    let p = write(&dir, "late.csv", &b);
    let (rows, problems) = scores(&p);
    assert_eq!(rows.len(), 3000);
    assert_eq!(
        summary(&problems),
        vec![(Some(3002), s("课程名称"), "table.encoding", Severity::Error)]
    );
    assert!(problems[0].render(Lang::En).contains("--encoding gb18030"));

    // random binary garbage named .csv
    let p = write(&dir, "bin.csv", &[0u8, 1, 2, 3, 0xFF, 0xFE, 0, 0x80]);
    assert!(matches!(scores_err(&p), crate::Error::Format { .. }));
}

fn scores_err(p: &Path) -> crate::Error {
    read_all(p, &SCORES, &ReadOptions::default()).unwrap_err()
}

#[test]
fn long_field_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let big = "9".repeat(2 * 1024 * 1024);
    let p = write(
        &dir,
        "big.csv",
        format!("准考证号,课程代码,课程名称,成绩\n{big},00015,x,85\n0102,00015,{big},85\n0103,00015,x,85\n").as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(
        summary(&problems),
        vec![
            (Some(2), s("准考证号"), "table.bad_value", Severity::Error),
            (Some(3), s("课程名称"), "table.bad_value", Severity::Error),
        ]
    );
    assert_eq!(rows.len(), 1);
}

#[test]
fn truncated_and_bad_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "t.json",
        "[{\"准考证号\": \"0101\", \"课程代码\": \"00015\", \"成绩\": 85},\n {\"准考证号\": \"01"
            .as_bytes(),
    );
    let e = scores_err(&p);
    let m = e.to_string();
    assert!(
        matches!(e, crate::Error::Format { .. }) && m.contains("t.json") && m.contains("line 2"),
        "{m}"
    );

    // bad elements are row errors, the rest is read
    let p = write(
        &dir,
        "b.json",
        r#"[{"准考证号": "0101", "课程代码": "00015", "成绩": 85},
            5,
            {"准考证号": 4.4e17, "课程代码": "00015", "成绩": 85},
            {"准考证号": 101.5, "课程代码": "00015", "成绩": 85},
            {"准考证号": {"a": 1}, "课程代码": "00015", "成绩": 85},
            {"准考证号": 440106199001011234, "课程代码": 15, "成绩": 85.5}]"#
            .as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 6]);
    assert_eq!(rows[1].1[0], s("440106199001011234"));
    assert_eq!(rows[1].1[1], s("00015"));
    assert_eq!(rows[1].1[3], s("85.5"));
    assert_eq!(
        summary(&problems),
        vec![
            (Some(2), None, "table.bad_json", Severity::Error),
            (
                Some(3),
                s("准考证号"),
                "table.scientific_notation",
                Severity::Error
            ),
            (Some(4), s("准考证号"), "table.bad_value", Severity::Error),
            (Some(5), s("准考证号"), "table.bad_value", Severity::Error),
            (
                Some(6),
                s("课程代码"),
                "table.course_code_restored",
                Severity::Warning
            ),
        ]
    );
    assert!(problems[1].render(Lang::Zh).contains("JSON 第 3 个元素"));

    // JSON Lines: a bad line is a row error with its line number
    let p = write(
        &dir,
        "l.jsonl",
        "{\"准考证号\": \"0101\", \"课程代码\": \"00015\", \"成绩\": 85}\n\n{\"准考证号\": \"0102\"\n{\"准考证号\": \"0103\", \"课程代码\": \"00015\", \"成绩\": 85}".as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 4]);
    assert_eq!(
        summary(&problems),
        vec![(Some(3), None, "table.bad_json", Severity::Error)]
    );

    // not JSON at all
    let p = write(&dir, "x.json", b"hello");
    assert!(matches!(scores_err(&p), crate::Error::Format { .. }));
}

#[test]
fn fake_excel_is_a_format_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("fake.xlsx", "准考证号,课程代码,成绩\n".as_bytes()),
        ("fake.xls", b"<html><table></table></html>".as_slice()),
        ("broken.xlsx", b"PK\x03\x04garbage".as_slice()),
        (
            "broken.xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage".as_slice(),
        ),
    ] {
        let p = write(&dir, name, bytes);
        let e = scores_err(&p);
        assert!(matches!(e, crate::Error::Format { .. }), "{name}: {e}");
        assert!(e.to_string().contains(name), "{e}");
    }
}

#[test]
fn tsv_and_txt_detection() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = "准考证号\t课程代码\t课程名称\t成绩\n0101\t00015\t英语,二\t85\n";
    for name in ["a.tsv", "a.tab", "a.csv", "a.txt", "noext"] {
        let p = write(&dir, name, tsv.as_bytes());
        let (rows, problems) = scores(&p);
        assert!(problems.is_empty(), "{name}");
        assert_eq!(rows[0].1[2], s("英语,二"), "{name}");
    }
    let p = write(
        &dir,
        "b.txt",
        "准考证号,课程代码,成绩\n0101,00015,85\n".as_bytes(),
    );
    assert_eq!(scores(&p).0.len(), 1);
    let p = write(
        &dir,
        "c.dat",
        "[{\"准考证号\": \"0101\", \"课程代码\": \"00015\", \"成绩\": 85}]".as_bytes(),
    );
    assert_eq!(scores(&p).0.len(), 1);
}

#[test]
fn dates_in_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "d.csv",
        "准考证号,课程代码,成绩,考试年月\n0101,00015,85,2023/6/30\n0102,00015,85,明年\n0103,00015,85,\n".as_bytes(),
    );
    let (rows, problems) = scores(&p);
    assert_eq!(
        rows.iter()
            .map(|r| (r.0, r.1[4].clone()))
            .collect::<Vec<_>>(),
        vec![(2, s("2023-06-30")), (4, None)]
    );
    assert_eq!(
        summary(&problems),
        vec![(Some(3), s("考试年月"), "table.bad_date", Severity::Error)]
    );
}

#[test]
fn excel_cells() {
    let dir = tempfile::tempdir().unwrap();
    let p = xlsx_cells(&dir, "x.xlsx", |ws| {
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for (j, h) in ["准考证号", "课程代码", "成绩", "考试年月"]
            .iter()
            .enumerate()
        {
            ws.write_string(2, j as u16, *h).unwrap();
        }
        ws.write_string(3, 0, "0101").unwrap();
        ws.write_number(3, 1, 15.0).unwrap();
        ws.write_number(3, 2, 85.0).unwrap();
        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 6, 30).unwrap();
        ws.write_datetime_with_format(3, 3, &dt, &date).unwrap();
        // row 5 left empty
        ws.write_string(5, 0, "0102").unwrap();
        ws.write_string(5, 1, "00016").unwrap();
        ws.write_number(5, 2, 59.5).unwrap();
        ws.write_number(5, 3, 202306.0).unwrap();
    });
    let (rows, problems) = scores(&p);
    assert_eq!(
        rows.iter()
            .map(|r| (r.0, r.1[1].clone(), r.1[3].clone(), r.1[4].clone()))
            .collect::<Vec<_>>(),
        vec![
            (4, s("00015"), s("85"), s("2023-06-30")),
            (6, s("00016"), s("59.5"), s("2023-06"))
        ]
    );
    assert_eq!(
        summary(&problems),
        vec![(
            Some(4),
            s("课程代码"),
            "table.course_code_restored",
            Severity::Warning
        )]
    );
    // --sheet
    let opts = ReadOptions {
        sheet: Some("nope".into()),
        ..Default::default()
    };
    let e = read_all(&p, &SCORES, &opts).unwrap_err();
    assert!(e.to_string().contains("Sheet1"), "{e}");
}

fn xlsx_cells(
    dir: &tempfile::TempDir,
    name: &str,
    f: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) -> PathBuf {
    let p = dir.path().join(name);
    let mut wb = rust_xlsxwriter::Workbook::new();
    f(wb.add_worksheet());
    wb.save(&p).unwrap();
    p
}

fn xlsx(dir: &tempfile::TempDir, name: &str, rows: &[&[&str]]) -> PathBuf {
    xlsx_cells(dir, name, |ws| {
        for (i, r) in rows.iter().enumerate() {
            for (j, v) in r.iter().enumerate() {
                ws.write_string(i as u32, j as u16, *v).unwrap();
            }
        }
    })
}

/// Writes tests/fixtures/tables/scores.xlsx (run with `--ignored`); the
/// other fixtures come from make_fixtures.py.
#[test]
#[ignore]
fn write_xlsx_fixture() {
    let header = ["准考证号", "课程代码", "课程名称", "成绩", "考试年月"];
    let rows = [
        ["010118100001", "00015", "英语（二）", "85", "202304"],
        [
            "010118100001",
            "03708",
            "中国近现代史纲要",
            "合格",
            "2023-10",
        ],
        [
            "010118100002",
            "15",
            "马克思主义基本原理概论",
            "６０",
            "2024年4月",
        ],
        [
            "０１０１１８１００００２",
            "00018",
            "计算机应用基础",
            "免考",
            "",
        ],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("成绩").unwrap();
    for (j, h) in header.iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let i = i as u32 + 1;
        for (j, v) in r.iter().enumerate() {
            match (j, *v) {
                (_, "") => {}
                (1, "15") => {
                    ws.write_number(i, 1, 15.0).unwrap();
                }
                (3, "85") => {
                    ws.write_number(i, 3, 85.0).unwrap();
                }
                (4, "202304") => {
                    ws.write_number(i, 4, 202304.0).unwrap();
                }
                _ => {
                    ws.write_string(i, j as u16, *v).unwrap();
                }
            }
        }
    }
    wb.save(fixture("scores.xlsx")).unwrap();
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the quoting, values come back as written (trimmed) and
        /// every row is numbered with the physical line it starts on.
        #[test]
        fn csv_round_trip(names in proptest::collection::vec(
            "[a-z中文\" ,]{0,10}(\n[a-z中文\"]{0,5}){0,2}", 1..20), crlf in any::<bool>()) {
            let dir = tempfile::tempdir().unwrap();
            let mut w = csv::WriterBuilder::new()
                .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(Vec::new());
            w.write_record(["准考证号", "课程代码", "课程名称", "成绩"]).unwrap();
            let mut want = Vec::new();
            let mut line = 2;
            for (i, n) in names.iter().enumerate() {
                let no = format!("{i:04}");
                w.write_record([no.as_str(), "00015", n.as_str(), "85"]).unwrap();
                let t = n.trim();
                want.push((line, if t.is_empty() { None } else { Some(t.to_string()) }));
                line += 1 + n.matches('\n').count();
            }
            let p = write(&dir, "p.csv", &w.into_inner().unwrap());
            let (rows, problems) = scores(&p);
            prop_assert!(problems.is_empty(), "{:?}", problems);
            let got: Vec<_> = rows.iter().map(|(r, v)| (*r, v[2].clone())).collect();
            prop_assert_eq!(got, want);
        }

        /// No input makes the cell conversion or the date parser panic.
        #[test]
        fn cells_never_panic(v in "\\PC{0,40}") {
            for k in [Kind::Text, Kind::Code, Kind::CourseCode, Kind::Value, Kind::Date] {
                let mut out = String::new();
                let _ = cell::convert(k, cell::Raw::Str(&v), &mut out);
            }
            let _ = parse_date(&v);
        }
    }
}

#[test]
fn utf16_unicode_text() {
    // Excel's "Unicode text": UTF-16LE with BOM, tab-separated, saved as .txt
    let dir = tempfile::tempdir().unwrap();
    let mut b = vec![0xFF, 0xFE];
    for c in "准考证号\t课程代码\t课程名称\t成绩\r\n0101\t15\t英语\t85\r\n".encode_utf16()
    {
        b.extend_from_slice(&c.to_le_bytes());
    }
    let p = write(&dir, "u.txt", &b);
    let (rows, problems) = scores(&p);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 2);
    assert_eq!(rows[0].1[2], s("英语"));
    assert_eq!(
        summary(&problems),
        vec![(
            Some(2),
            s("课程代码"),
            "table.course_code_restored",
            Severity::Warning
        )]
    );
}

#[test]
fn excel_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("说明").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("成绩 表").unwrap();
    for (j, h) in ["准考证号", "课程代码", "成绩"].iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (j, v) in ["0101", "00015", "85"].iter().enumerate() {
        ws.write_string(1, j as u16, *v).unwrap();
    }
    wb.save(&p).unwrap();
    // the first sheet is empty: a Format error naming the file and sheet
    let e = scores_err(&p);
    assert!(
        matches!(e, crate::Error::Format { .. }) && e.to_string().contains("说明"),
        "{e}"
    );
    let opts = ReadOptions {
        sheet: Some("成绩表".into()),
        ..Default::default()
    };
    let (rows, _) = read_all(&p, &SCORES, &opts).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 2);
}

/// Reads `path` with `read_parallel_tuned` on a 3-thread pool, cutting
/// chunks of about `chunk` bytes; returns the rows (in state order), the
/// problems and the number of chunks.
fn read_chunked(
    path: &Path,
    opts: &ReadOptions,
    chunk: u64,
) -> (Vec<Got>, Vec<InputProblem>, usize) {
    read_chunked_by(path, opts, chunk, 1 << 20)
}

/// [`read_chunked`], reading `block` bytes at a time within a chunk.
fn read_chunked_by(
    path: &Path,
    opts: &ReadOptions,
    chunk: u64,
    block: usize,
) -> (Vec<Got>, Vec<InputProblem>, usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let tuning = delimited::Tuning {
        min_size: 0,
        chunk,
        block,
    };
    let (states, problems) = pool
        .install(|| {
            read_parallel_tuned(
                path,
                &SCORES,
                opts,
                tuning,
                |_| Vec::new(),
                |rows: &mut Vec<Got>, r: Row<'_>| {
                    let vals = SCORES
                        .columns
                        .iter()
                        .map(|c| r.get(c.key).map(str::to_string))
                        .collect();
                    rows.push((r.row, vals));
                },
            )
        })
        .unwrap();
    let n = states.len();
    (states.into_iter().flatten().collect(), problems, n)
}

/// A scores export with a title row, CRLF endings, blank lines, ragged
/// rows, bad cells and Chinese text: everything the reader reports.
fn messy_scores(rows: usize) -> String {
    let mut s =
        String::from("广东省2022年成绩导出\r\n\r\n准考证号,课程代码,课程名称,成绩,考试年月\r\n");
    for i in 0..rows {
        match i % 97 {
            13 => s.push_str("\r\n"),
            29 => s.push_str(&format!("0101{i:08},178,课程一,60,202204,多余\r\n")),
            41 => s.push_str(&format!(
                "1.2E+11,00{},高等数学（一）,75,202204\r\n",
                i % 10
            )),
            // spaces, full-width digits, a blank record of delimiters, a
            // lone CR, a replacement character
            53 => s.push_str(&format!(" 0101{i:08} , ００１７８ ,课程, ８５ ,2022-4\r\n")),
            59 => s.push_str(" , ,\t,\r\n"),
            61 => s.push_str("\r\n\r"),
            71 => s.push_str(&format!("0101{i:08},00178,课\u{FFFD}程,60,202204\r\n")),
            _ => s.push_str(&format!(
                "0101{i:08},{:05},中国近现代史纲要{},{},2022{:02}\r\n",
                i % 700,
                i % 7,
                i % 101,
                1 + i % 12
            )),
        }
    }
    s
}

#[test]
fn parallel_read_equals_sequential_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = messy_scores(3000);
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    // bytes that are not UTF-8 far after the header, and no final line break
    let mut bad = text.as_bytes().to_vec();
    let at = bad.len() * 3 / 4;
    let at = at + bad[at..].iter().position(|&b| b == b',').unwrap() + 1;
    bad.splice(at..at, [0xFF, 0xFE]);
    bad.extend_from_slice("010100000001,00178,课程,60,202204".as_bytes());
    for (name, bytes) in [
        ("utf8.csv", text.as_bytes().to_vec()),
        ("utf8_bad.csv", bad),
        (
            "bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        ("gbk.csv", gbk.into_owned()),
    ] {
        let p = write(&dir, name, &bytes);
        let (rows, problems) = read_all(&p, &SCORES, &ReadOptions::default()).unwrap();
        assert!(rows.len() > 2700, "{name}");
        assert!(problems.len() > 50, "{name}");
        // blocks shorter than a line: lines carried over from block to block
        for (chunk, block) in [(1000, 1 << 20), (4096, 7), (50_000, 100), (50_000, 4096)] {
            let (prows, pproblems, n) = read_chunked_by(&p, &ReadOptions::default(), chunk, block);
            assert!(n > 1, "{name}: read in {n} chunk(s)");
            assert_eq!(prows, rows, "{name} chunk {chunk} block {block}");
            assert_eq!(
                summary(&pproblems),
                summary(&problems),
                "{name} chunk {chunk} block {block}"
            );
            assert_eq!(
                pproblems
                    .iter()
                    .map(|p| p.render(Lang::En))
                    .collect::<Vec<_>>(),
                problems
                    .iter()
                    .map(|p| p.render(Lang::En))
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn parallel_read_falls_back_on_quotes_and_small_files() {
    let dir = tempfile::tempdir().unwrap();
    // a quoted field with a line break: only a reader from the start can tell
    let mut text = messy_scores(2000);
    text.push_str("\"010100000001\",00178,\"课程\r\n二\",60,202204\r\n");
    let p = write(&dir, "quoted.csv", text.as_bytes());
    let (rows, problems) = read_all(&p, &SCORES, &ReadOptions::default()).unwrap();
    let (prows, pproblems, n) = read_chunked(&p, &ReadOptions::default(), 1000);
    assert_eq!(n, 1);
    assert_eq!(prows, rows);
    assert_eq!(summary(&pproblems), summary(&problems));
    // 100 KB of ASCII before the first Chinese text: the encoding is not
    // settled when the header has been read, so one reader does it all
    let mut late = String::from("exam_no,course_code,course_name,score,exam_month\n");
    for i in 0..4000 {
        late.push_str(&format!(
            "0101{i:08},{:05},course,{},202204\n",
            i % 700,
            i % 101
        ));
    }
    let tail = messy_scores(500);
    late.push_str(&tail[tail.find("0101").unwrap()..]);
    let p = write(&dir, "ascii_header.csv", late.as_bytes());
    let (rows, problems) = read_all(&p, &SCORES, &ReadOptions::default()).unwrap();
    let (prows, pproblems, n) = read_chunked(&p, &ReadOptions::default(), 1000);
    assert_eq!(n, 1);
    assert_eq!(prows, rows);
    assert_eq!(summary(&pproblems), summary(&problems));
    // a forced encoding settles it
    let opts = ReadOptions {
        encoding: Some(encoding_rs::UTF_8),
        ..Default::default()
    };
    let (rows, problems) = read_all(&p, &SCORES, &opts).unwrap();
    let (prows, pproblems, n) = read_chunked(&p, &opts, 1000);
    assert!(n > 1);
    assert_eq!(prows, rows);
    assert_eq!(summary(&pproblems), summary(&problems));
}

#[test]
fn only_the_columns_asked_for_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "s.csv",
        "准考证号,课程代码,课程名称,成绩,考试年月\n\
         010100000001,00015,英语,60,2022-13\n\
         010100000002,1.5E+4,英语,70,202204\n"
            .as_bytes(),
    );
    // every column: the bad month and the sci-notation code cost both rows
    let (rows, problems) = scores(&p);
    assert!(rows.is_empty());
    assert_eq!(problems.len(), 2);
    // without 考试年月 the first row is delivered; 课程代码 is still checked
    const USED: &[&str] = &["exam_no", "course_code", "score"];
    let opts = ReadOptions {
        columns: Some(USED),
        ..Default::default()
    };
    let mut got = Vec::new();
    let problems = read(&p, &SCORES, &opts, &mut |r: Row<'_>| {
        got.push((
            r.row,
            r.get("course_code").map(str::to_string),
            r.get_at(4).is_none(),
        ));
    })
    .unwrap();
    assert_eq!(got, vec![(2, Some("00015".to_string()), true)]);
    assert_eq!(summary(&problems).len(), 1);
    assert_eq!(problems[0].row, Some(3));
}

#[test]
fn parallel_read_reports_the_header_warnings_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("准考证号,课程代码,成绩,考试年月,准考证号\n");
    for i in 0..2000 {
        text.push_str(&format!("0101{i:08},00178,{},202204,x\n", i % 101));
    }
    let p = write(&dir, "dup.csv", text.as_bytes());
    let (rows, problems) = read_all(&p, &SCORES, &ReadOptions::default()).unwrap();
    let (prows, pproblems, n) = read_chunked(&p, &ReadOptions::default(), 4096);
    assert!(n > 1);
    assert_eq!(prows, rows);
    assert_eq!(summary(&pproblems), summary(&problems));
    let dups = |p: &[InputProblem]| {
        p.iter()
            .filter(|p| p.code == "table.duplicate_column")
            .count()
    };
    assert_eq!(dups(&problems), 1);
    assert_eq!(dups(&pproblems), 1);
}

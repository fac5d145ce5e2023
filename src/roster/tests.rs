use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use super::*;
use crate::idno::check_char;

/// A valid 18-digit ID number from 17 digits.
fn id(first17: &str) -> String {
    format!("{first17}{}", check_char(first17.as_bytes()))
}

fn cand(exam_no: &str, name: &str, school: &str, major: &str) -> Candidate {
    Candidate {
        exam_no: exam_no.into(),
        name: name.into(),
        id_no: id(&format!("44010619900101{}", &exam_no[exam_no.len() - 3..])),
        major_code: major.into(),
        major_name: Some(match major {
            "C050207" => "汉语言文学".into(),
            "B020301" => "会计学".into(),
            m => format!("专业{m}"),
        }),
        level: Some(
            if major.starts_with('C') {
                "本科"
            } else {
                "专科"
            }
            .into(),
        ),
        school: school.into(),
        row: 2,
        ..Default::default()
    }
}

fn elig(entries: &[(&str, &str, Option<&str>)]) -> Eligibility {
    let results: Vec<_> = entries
        .iter()
        .map(|(no, v, m)| json!({"exam_no": no, "verdict": v, "major_code": m, "findings": []}))
        .collect();
    input::parse_eligibility(
        &json!({"command": "eligibility", "summary": {}, "results": results, "input_errors": []})
            .to_string(),
        Path::new("elig.json"),
    )
    .unwrap()
}

fn sample_candidates() -> Vec<Candidate> {
    vec![
        cand("010120100003", "王五", "中山大学", "C050207"),
        cand("010120100001", "张三", "中山大学", "C050207"),
        cand("010120100002", "李四", "华南师范大学", "C050207"),
        cand("010120100004", "赵六", "中山大学", "B020301"),
        cand("010120100005", "钱七", "中山大学", "B020301"),
        cand("010120100006", "孙八", "中山大学", "C050207"),
    ]
}

fn xlsx_open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("a workbook calamine can read")
}

fn sheet_rows(x: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let r = x.worksheet_range(name).unwrap();
    r.rows().map(|r| r.to_vec()).collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        o => format!("{o:?}"),
    }
}

// ---------------------------------------------------------------- graduates

#[test]
fn graduates_grouped_numbered_and_totalled() {
    let cands = sample_candidates();
    let e = elig(&[
        ("010120100001", "eligible", Some("C050207")),
        ("010120100002", "eligible", Some("C050207")),
        ("010120100003", "eligible", Some("C050207")),
        ("010120100004", "eligible", None),
        ("010120100005", "ineligible", Some("B020301")),
        ("010120100006", "review", Some("C050207")),
    ]);
    let r = build_graduates(&cands, Some(&e), &Options::default());
    // schools in order, majors in order, rows by admission number
    let names: Vec<&str> = r.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["中山大学", "华南师范大学"]);
    let zs = &r.groups[0];
    assert_eq!(zs.sections.len(), 2);
    assert_eq!(
        zs.sections[0].keys[0],
        ("major_code", "B020301".to_string())
    );
    assert_eq!(zs.sections[0].rows.len(), 1);
    assert_eq!(zs.sections[1].rows.len(), 2);
    // numbered through the school's table
    let nos: Vec<&str> = zs
        .sections
        .iter()
        .flat_map(|s| s.rows.iter().map(|r| r[0].as_str()))
        .collect();
    assert_eq!(nos, ["1", "2", "3"]);
    assert_eq!(zs.sections[1].rows[0][1], "010120100001");
    assert_eq!(zs.sections[1].rows[1][1], "010120100003");
    assert_eq!(zs.rows(), 3);
    assert_eq!(r.total(), 4);
    // columns of roster.md
    let labels: Vec<&str> = r.columns.iter().map(|c| c.zh).collect();
    assert_eq!(
        labels,
        [
            "序号",
            "准考证号",
            "姓名",
            "性别",
            "证件号码",
            "专业代码",
            "专业名称",
            "层次"
        ]
    );
    // not eligible: ineligible and review, left off and listed
    assert_eq!(r.excluded.len(), 2);
    let ex5 = r
        .excluded
        .iter()
        .find(|i| i.get("exam_no") == Some(&json!("010120100005")))
        .unwrap();
    // left off by the audit's verdict: information, not a failure
    assert!(ex5.ok);
    assert_eq!(ex5.verdict, "not_listed");
    assert_eq!(ex5.findings[0].severity, crate::finding::Severity::Info);
    assert_eq!(ex5.findings[0].code, "roster.not_eligible");
    assert_eq!(ex5.findings[0].measured, json!("ineligible"));
    assert_eq!(ex5.findings[0].expected, json!("eligible"));
    let ex6 = r
        .excluded
        .iter()
        .find(|i| i.get("exam_no") == Some(&json!("010120100006")))
        .unwrap();
    assert_eq!(ex6.findings[0].measured, json!("review"));
    assert!(ex6.findings[0].message.render(Lang::Zh).contains("待复核"));

    // the report
    let rep = r.to_report(Lang::Zh);
    assert_eq!(rep.command, "roster graduates");
    assert_eq!(rep.exit_code(), 0);
    let j = rep.to_json(Lang::Zh);
    assert_eq!(j["summary"]["listed"], 4);
    assert_eq!(j["summary"]["excluded"], 2);
    assert_eq!(j["summary"]["verdicts"]["listed"], 4);
    assert_eq!(j["summary"]["findings"]["roster.not_eligible"], 2);
    assert_eq!(j["summary"]["groups"][0]["school"], "中山大学");
    assert_eq!(j["summary"]["groups"][0]["count"], 3);
    assert_eq!(j["summary"]["groups"][0]["sections"][1]["count"], 2);
    let first = &j["results"][0];
    assert_eq!(first["school"], "中山大学");
    assert_eq!(first["major_code"], "B020301");
    assert_eq!(first["no"], 1);
    assert_eq!(first["exam_no"], "010120100004");
    assert_eq!(first["verdict"], "listed");
    assert_eq!(first["findings"], json!([]));
}

#[test]
fn graduates_all_eligible_exit_zero() {
    let cands = vec![cand("010120100001", "张三", "中山大学", "C050207")];
    let e = elig(&[("010120100001", "eligible", Some("C050207"))]);
    let r = build_graduates(&cands, Some(&e), &Options::default());
    assert!(r.excluded.is_empty());
    assert_eq!(r.to_report(Lang::Zh).exit_code(), 0);
}

#[test]
fn graduates_absent_from_eligibility() {
    let cands = vec![
        cand("010120100001", "张三", "中山大学", "C050207"),
        cand("010120100002", "李四", "中山大学", "C050207"),
    ];
    // 002 is audited for another major only: absent for this application
    let e = elig(&[
        ("010120100001", "eligible", Some("C050207")),
        ("010120100002", "eligible", Some("B020301")),
    ]);
    let r = build_graduates(&cands, Some(&e), &Options::default());
    assert_eq!(r.total(), 1);
    assert_eq!(r.excluded.len(), 1);
    let f = &r.excluded[0].findings[0];
    assert_eq!(f.code, "roster.not_eligible");
    assert_eq!(f.measured, json!("absent"));
    assert!(f
        .message
        .render(Lang::En)
        .contains("not in the eligibility result"));
    // and the eligible result with no candidate row is an input problem
    assert_eq!(r.input_errors.len(), 1);
    let p = &r.input_errors[0];
    assert_eq!(p.code, "roster.not_in_candidates");
    assert_eq!(p.row, Some(2));
    assert_eq!(p.file, Path::new("elig.json"));
}

#[test]
fn graduates_without_eligibility_lists_everyone() {
    let cands = sample_candidates();
    let r = build_graduates(&cands, None, &Options::default());
    assert_eq!(r.total(), cands.len());
    assert!(r.excluded.is_empty());
    let j = r.to_report(Lang::Zh).to_json(Lang::Zh);
    assert_eq!(j["summary"]["source"], "list");
}

#[test]
fn masking_on_and_off() {
    let cands = vec![cand("010120100001", "张三", "中山大学", "C050207")];
    let full = cands[0].id_no.clone();
    let masked = crate::idno::mask(&full);
    assert_eq!(masked.len(), 18);
    assert_eq!(&masked[..6], &full[..6]);
    assert_eq!(&masked[14..], &full[14..]);
    assert_eq!(&masked[6..14], "********");

    let r = build_graduates(&cands, None, &Options::default());
    assert!(r.masked);
    assert_eq!(r.groups[0].sections[0].rows[0][4], masked);
    let json = r.to_report(Lang::Zh).to_json(Lang::Zh).to_string();
    assert!(json.contains(&masked) && !json.contains(&full));
    assert!(json.contains("\"id_masked\":true"));
    let html = r.to_html(Lang::Zh);
    assert!(html.contains(&masked) && !html.contains(&full));
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    let rows = sheet_rows(&mut x, "中山大学");
    let flat: Vec<String> = rows.iter().flatten().map(cell_text).collect();
    assert!(flat.contains(&masked) && !flat.contains(&full));
    let csv = String::from_utf8(crate::render::to_csv(
        &r.to_report(Lang::Zh),
        Lang::Zh,
        false,
    ))
    .unwrap();
    assert!(csv.contains(&masked) && !csv.contains(&full));

    let opts = Options {
        unmask: true,
        ..Default::default()
    };
    let r = build_graduates(&cands, None, &opts);
    assert!(!r.masked);
    assert_eq!(r.groups[0].sections[0].rows[0][4], full);
    assert!(r.to_html(Lang::Zh).contains(&full));
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    let flat: Vec<String> = sheet_rows(&mut x, "中山大学")
        .iter()
        .flatten()
        .map(cell_text)
        .collect();
    assert!(flat.contains(&full));
}

#[test]
fn gender_from_column_or_id() {
    let mut a = cand("010120100001", "张三", "中山大学", "C050207");
    a.gender = Some("女".into());
    let mut b = cand("010120100002", "李四", "中山大学", "C050207");
    b.id_no = id("44010619900101001"); // 17th digit odd: male
    let mut c = cand("010120100003", "王五", "中山大学", "C050207");
    c.id_no = "E12345678".into();
    c.id_type = Some("护照".into());
    let r = build_graduates(&[a, b, c], None, &Options::default());
    let g: Vec<&str> = r.groups[0].sections[0]
        .rows
        .iter()
        .map(|r| r[3].as_str())
        .collect();
    assert_eq!(g, ["女", "男", ""]);
}

#[test]
fn graduates_xlsx_layout() {
    let cands = sample_candidates();
    let r = build_graduates(
        &cands,
        None,
        &Options {
            batch: Some("2023-06".parse().unwrap()),
            ..Default::default()
        },
    );
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    assert_eq!(x.sheet_names(), ["中山大学", "华南师范大学", "汇总"]);
    let rows = sheet_rows(&mut x, "中山大学");
    assert_eq!(
        cell_text(&rows[0][0]),
        "中山大学 2023年6月自学考试毕业生花名册"
    );
    assert_eq!(cell_text(&rows[1][0]), "证件号码仅显示前6位和后4位");
    let header: Vec<String> = rows[2].iter().map(cell_text).collect();
    assert_eq!(
        header,
        [
            "序号",
            "准考证号",
            "姓名",
            "性别",
            "证件号码",
            "专业代码",
            "专业名称",
            "层次"
        ]
    );
    assert!(cell_text(&rows[3][0]).contains("B020301 会计学（专科）"));
    // admission numbers are text, the row number a number
    assert_eq!(rows[4][1], Data::String("010120100004".into()));
    assert_eq!(rows[4][0], Data::Float(1.0));
    assert_eq!(cell_text(&rows[6][0]), "小计：2 人");
    let last = rows
        .iter()
        .rev()
        .find(|r| !cell_text(&r[0]).is_empty())
        .unwrap();
    assert_eq!(cell_text(&last[0]), "合计：5 人");
    // print titles (the header row on every page) and print area
    let names = x.defined_names().to_vec();
    assert!(
        names.iter().any(|(n, v)| n == "_xlnm.Print_Titles"
            && v.contains("中山大学")
            && v.contains("$3:$3")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|(n, _)| n == "_xlnm.Print_Area"),
        "{names:?}"
    );
    // summary sheet with the overall total
    let s = sheet_rows(&mut x, "汇总");
    let last = s.last().unwrap();
    assert_eq!(cell_text(&last[0]), "总计");
    assert_eq!(last[4], Data::Float(6.0));
}

#[test]
fn graduates_html_structure() {
    let cands = sample_candidates();
    let e = elig(&[
        ("010120100001", "eligible", None),
        ("010120100002", "eligible", None),
        ("010120100003", "ineligible", None),
    ]);
    let r = build_graduates(&cands, Some(&e), &Options::default());
    let h = r.to_html(Lang::Zh);
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(h.contains("<meta charset=\"utf-8\">"));
    assert!(h.contains("size: A4"));
    assert!(h.contains("@bottom-center"));
    assert!(h.contains("counter(page)"));
    assert!(h.contains("thead { display: table-header-group; }"));
    assert!(h.contains("break-after: page"));
    // one section per group (+ summary + left-off page), each with a thead
    assert_eq!(h.matches("<section class=\"page group\"").count(), 2);
    assert_eq!(h.matches("<thead>").count(), 4);
    assert!(h.contains("合计：1 人"));
    assert!(h.contains("总计：2 个主考学校，2 人"));
    assert!(h.contains("未列入名单的考生"));
    assert!(h.contains("roster.not_eligible"));
    // self-contained: no external resources
    assert!(!h.contains("<link") && !h.contains("<script") && !h.contains("src="));
}

#[test]
fn html_escapes_everything() {
    let mut a = cand(
        "010120100001",
        "<script>alert(1)</script>",
        "A&B\"学校'</style>",
        "C050207",
    );
    a.major_name = Some("<b>x</b>".into());
    let r = build_graduates(&[a], None, &Options::default());
    let h = r.to_html(Lang::Zh);
    assert!(!h.contains("<script>"));
    assert!(!h.contains("<b>x</b>"));
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(h.contains("A&amp;B&quot;学校&#39;&lt;/style&gt;"));
    // only the page's own </style>
    assert_eq!(h.matches("</style>").count(), 1);
    // the title in the CSS string is escaped too
    assert!(h.contains("A\\26 B\\22 学校'\\3C /style\\3E "));
}

#[test]
fn xlsx_neutralises_formulas() {
    let mut a = cand("010120100001", "=HYPERLINK(\"x\")", "中山大学", "C050207");
    a.major_name = Some("@SUM(A1)".into());
    let r = build_graduates(&[a], None, &Options::default());
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    let flat: Vec<String> = sheet_rows(&mut x, "中山大学")
        .iter()
        .flatten()
        .map(cell_text)
        .collect();
    assert!(flat.contains(&"'=HYPERLINK(\"x\")".to_string()), "{flat:?}");
    assert!(flat.contains(&"'@SUM(A1)".to_string()));
    assert!(!flat
        .iter()
        .any(|c| c.starts_with('=') || c.starts_with('@')));
}

#[test]
fn english_rendering() {
    let r = build_graduates(&sample_candidates(), None, &Options::default());
    let h = r.to_html(Lang::En);
    assert!(h.contains("<html lang=\"en\">"));
    assert!(h.contains("Graduates roster — 中山大学"));
    assert!(h.contains("Page \" counter(page)"));
    let mut x = xlsx_open(r.to_xlsx(Lang::En).unwrap());
    assert_eq!(x.sheet_names().last().unwrap(), "summary");
    let rows = sheet_rows(&mut x, "中山大学");
    assert_eq!(cell_text(&rows[2][1]), "Exam no.");
}

#[test]
fn sheet_names_are_valid_and_unique() {
    let mut used = vec!["汇总".to_string()];
    assert_eq!(xlsx::sheet_name("汇总", &mut used), "汇总(2)");
    assert_eq!(xlsx::sheet_name("a/b:c", &mut used), "a_b_c");
    let long = "很长的主考学校名称".repeat(5);
    let n = xlsx::sheet_name(&long, &mut used);
    assert_eq!(n.chars().count(), 31);
    let n2 = xlsx::sheet_name(&long, &mut used);
    assert_eq!(n2.chars().count(), 31);
    assert!(n2.ends_with("(2)"));
    assert_eq!(xlsx::sheet_name("", &mut used), "Sheet6");
    // two groups whose names clash after cleaning
    let mut cands = vec![
        cand("010120100001", "张三", "学校A/B", "C050207"),
        cand("010120100002", "李四", "学校A:B", "C050207"),
    ];
    cands[1].major_code = "C050207".into();
    let r = build_graduates(&cands, None, &Options::default());
    let x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    assert_eq!(x.sheet_names(), ["学校A_B", "学校A_B(2)", "汇总"]);
}

// --------------------------------------------------------------- exemptions

fn exemption(no: &str, course: &str, cert: &str, date: &str) -> Exemption {
    Exemption {
        exam_no: no.into(),
        course_code: course.into(),
        course_name: Some(format!("课程{course}")),
        certificate: Some(cert.into()),
        approved_date: date.into(),
        major_code: None,
        row: 2,
    }
}

fn sample_exemptions() -> Exemptions {
    Exemptions {
        approved: vec![
            exemption("010120100003", "00015", "PETS三级", "2023-05-20"),
            exemption("010120100001", "00018", "NCRE二级", "2023-05-21"),
            exemption("010120100001", "00015", "PETS三级", "2023-05-21"),
            exemption("010120100002", "00018", "NIT", "2022-11-01"),
            exemption("019999999999", "00018", "NIT", "2023-05-01"),
        ],
        not_approved: 2,
        problems: Vec::new(),
    }
}

#[test]
fn exemptions_grouped_by_school() {
    let r = build_exemptions(
        &sample_candidates(),
        &sample_exemptions(),
        &Options::default(),
    );
    let names: Vec<&str> = r.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["中山大学", "华南师范大学"]);
    let rows = &r.groups[0].sections[0].rows;
    assert_eq!(rows.len(), 3);
    // by candidate, then course; every field of the summary
    assert_eq!(
        rows[0],
        [
            "1",
            "010120100001",
            "张三",
            &crate::idno::mask(&sample_candidates()[1].id_no),
            "C050207",
            "汉语言文学",
            "00015",
            "课程00015",
            "PETS三级",
            "2023-05-21"
        ]
    );
    assert_eq!(rows[2][1], "010120100003");
    assert_eq!(r.groups[0].candidates(r.columns), 2);
    let j = r.to_report(Lang::Zh).to_json(Lang::Zh);
    assert_eq!(j["summary"]["not_approved"], 2);
    assert_eq!(j["summary"]["not_candidates"], 1);
    assert_eq!(j["summary"]["groups"][0]["count"], 3);
    assert_eq!(j["summary"]["groups"][0]["candidates"], 2);
    assert_eq!(j["results"][0]["certificate"], "PETS三级");
    assert_eq!(j["results"][0]["approved_date"], "2023-05-21");
    assert_eq!(r.to_report(Lang::Zh).exit_code(), 0);
    assert!(r.overall_total_text(Lang::Zh).contains("3 人，4 门课程"));
}

#[test]
fn exemptions_date_window() {
    let opts = Options {
        approved_from: chrono::NaiveDate::from_ymd_opt(2023, 5, 1),
        ..Default::default()
    };
    let r = build_exemptions(&sample_candidates(), &sample_exemptions(), &opts);
    assert_eq!(r.total(), 3);
    let j = r.to_report(Lang::Zh).to_json(Lang::Zh);
    assert_eq!(j["summary"]["outside_dates"], 1);
}

#[test]
fn exemptions_three_copies() {
    let r = build_exemptions(
        &sample_candidates(),
        &sample_exemptions(),
        &Options::default(),
    );
    let h = r.to_html(Lang::Zh);
    // each school's table printed three times, each copy marked
    assert_eq!(h.matches("<section class=\"page group\"").count(), 6);
    for mark in ["省考试院留存", "主考院校留存", "市考试机构留存"] {
        // on the first page of each copy, and in the copy's running header
        assert_eq!(
            h.matches(&format!("<div class=\"copy\">{mark}</div>"))
                .count(),
            2,
            "{mark}"
        );
        assert_eq!(h.matches(&format!("（{mark}）\";")).count(), 2, "{mark}");
    }
    assert!(h.contains("size: A4 landscape"));
    assert!(h.contains("主考院校审核意见"));
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    let rows = sheet_rows(&mut x, "中山大学");
    let flat: Vec<String> = rows.iter().flatten().map(cell_text).collect();
    assert!(flat
        .iter()
        .any(|c| c == "一式三份：省考试院留存、主考院校留存、市考试机构留存"));
    assert!(flat.iter().any(|c| c == "合计：2 人，3 门课程"));
    assert!(flat.iter().any(|c| c.starts_with("省考试院审核意见")));
    // course codes stay text with their zeros
    assert!(rows
        .iter()
        .flatten()
        .any(|d| *d == Data::String("00015".into())));
}

// ---------------------------------------------------------------- reception

fn guangdong() -> policy::ReceptionPolicy {
    crate::policy::Policy::builtin("guangdong")
        .unwrap()
        .reception
}

fn with_office(mut c: Candidate, office: Option<&str>) -> Candidate {
    c.office = office.map(String::from);
    c.phone = Some("13800000000".into());
    c
}

#[test]
fn reception_groups_with_schedule() {
    let cands = vec![
        with_office(
            cand("010120100001", "张三", "中山大学", "C050207"),
            Some("天河区"),
        ),
        with_office(
            cand("010120100002", "李四", "中山大学", "C050207"),
            Some("番禺区"),
        ),
        with_office(
            cand("010120100003", "王五", "中山大学", "C050207"),
            Some("荔湾区"),
        ),
        with_office(
            cand("010120100004", "赵六", "中山大学", "C050207"),
            Some("天河"),
        ),
    ];
    let r = build_reception(&cands, &guangdong(), &Options::default());
    // the schedule's order
    let names: Vec<&str> = r.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["荔湾区", "天河区", "番禺区"]);
    assert_eq!(r.groups[1].rows(), 2);
    let info = |g: &Group, k: &str| g.info.iter().find(|i| i.key == k).unwrap().values.clone();
    assert_eq!(
        info(&r.groups[1], "dates"),
        ["2022年6月15日", "2022年6月18日"]
    );
    assert_eq!(
        info(&r.groups[1], "address"),
        ["天河区五山路141号侨大教育二楼"]
    );
    assert_eq!(
        info(&r.groups[2], "phones"),
        ["020-84810283", "020-84813582"]
    );
    assert_eq!(
        info(&r.groups[0], "hours"),
        ["上午9:15--11:30 下午14:30--17:30"]
    );
    assert_eq!(r.to_report(Lang::Zh).exit_code(), 0);
    let j = r.to_report(Lang::Zh).to_json(Lang::Zh);
    assert_eq!(j["summary"]["groups"][1]["office"], "天河区");
    assert_eq!(
        j["summary"]["groups"][1]["dates"],
        json!(["2022年6月15日", "2022年6月18日"])
    );
    assert_eq!(
        j["summary"]["groups"][2]["phones"],
        json!(["020-84810283", "020-84813582"])
    );
    assert_eq!(
        j["summary"]["schedule"],
        "广州市各区办理自学考试毕业初审安排表"
    );
    assert_eq!(j["results"][1]["office"], "天河区");
    assert_eq!(j["results"][1]["phone"], "13800000000");

    let h = r.to_html(Lang::Zh);
    assert!(h.contains("2022年6月15日、2022年6月18日"));
    assert!(h.contains("020-84810283、020-84813582"));
    assert!(h.contains("上午9:15--11:30 下午14:30--17:30"));
    assert_eq!(h.matches("<section class=\"page group\"").count(), 3);
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    assert_eq!(x.sheet_names(), ["荔湾区", "天河区", "番禺区", "汇总"]);
    let rows = sheet_rows(&mut x, "天河区");
    let flat: Vec<String> = rows.iter().flatten().map(cell_text).collect();
    assert!(flat.contains(&"日期：2022年6月15日、2022年6月18日".to_string()));
    assert!(flat.contains(&"办公时间：上午9:15--11:30 下午14:30--17:30".to_string()));
    assert!(flat.contains(&"合计：2 人".to_string()));
}

#[test]
fn reception_office_findings() {
    let cands = vec![
        with_office(cand("010120100001", "张三", "中山大学", "C050207"), None),
        with_office(
            cand("010120100002", "李四", "中山大学", "C050207"),
            Some("深圳市"),
        ),
        with_office(
            cand("010120100003", "王五", "中山大学", "C050207"),
            Some("广州市区"),
        ),
        with_office(
            cand("010120100004", "赵六", "中山大学", "C050207"),
            Some("越秀区"),
        ),
    ];
    let r = build_reception(&cands, &guangdong(), &Options::default());
    assert_eq!(r.total(), 1);
    let codes: Vec<&str> = r.excluded.iter().map(|i| i.findings[0].code).collect();
    assert_eq!(
        codes,
        [
            "roster.office_missing",
            "roster.office_unknown",
            "roster.office_not_allowed"
        ]
    );
    assert_eq!(r.excluded[1].findings[0].measured, json!("深圳市"));
    assert_eq!(r.excluded[2].findings[0].measured, json!("广州市区"));
    assert_eq!(r.excluded[2].findings[0].expected[3], "天河区");
    assert!(r.excluded[2].findings[0]
        .message
        .render(Lang::Zh)
        .contains("不可以选择「广州市区」"));
    assert_eq!(r.excluded[0].get("office"), Some(&serde_json::Value::Null));
    let rep = r.to_report(Lang::Zh);
    assert_eq!(rep.exit_code(), 1);
    let j = rep.to_json(Lang::En);
    assert_eq!(j["summary"]["findings"]["roster.office_unknown"], 1);
    assert_eq!(j["results"][1]["verdict"], "error");
    // the left-off candidates have their own sheet and page
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    let rows = sheet_rows(&mut x, "未列入名单");
    assert_eq!(rows.len(), 4);
    assert!(r.to_html(Lang::Zh).contains("roster.office_not_allowed"));
}

#[test]
fn reception_needs_offices_without_builtin_table() {
    let p = crate::policy::Policy::builtin("anhui").unwrap();
    let inputs = Inputs {
        candidates: "cands.csv".into(),
        ..Default::default()
    };
    let e = reception(&inputs, &p, &Options::default()).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("--offices") && s.contains("anhui"), "{s}");
}

#[test]
fn offices_table_replaces_schedule_not_rules() {
    let sched = policy::ReceptionPolicy {
        title: None,
        batch: None,
        hours: None,
        not_allowed: guangdong().not_allowed,
        offices: vec![policy::Office {
            area: "合肥市".into(),
            dates: vec!["6月5日".into()],
            address: "合肥市某路1号".into(),
            phones: vec!["0551-1234567".into()],
            hours: Some("8:30-17:00".into()),
            ..Default::default()
        }],
    };
    let cands = vec![
        with_office(
            cand("010120100001", "张三", "安徽大学", "C050207"),
            Some("合肥市"),
        ),
        with_office(
            cand("010120100002", "李四", "安徽大学", "C050207"),
            Some("天河区"),
        ),
    ];
    let r = build_reception(&cands, &sched, &Options::default());
    assert_eq!(r.groups.len(), 1);
    assert_eq!(r.groups[0].info.last().unwrap().values, ["8:30-17:00"]);
    assert_eq!(r.excluded[0].findings[0].code, "roster.office_unknown");
}

#[test]
fn empty_roster_renders() {
    let r = build_graduates(&[], None, &Options::default());
    assert_eq!(r.total(), 0);
    let x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    assert_eq!(x.sheet_names(), ["汇总"]);
    assert!(r.to_html(Lang::Zh).contains("总计：0 个主考学校，0 人"));
}

#[test]
fn messages_in_both_languages() {
    let all = [
        RosterMsg::NotEligible {
            verdict: "ineligible".into(),
        },
        RosterMsg::NotAudited,
        RosterMsg::OfficeMissing,
        RosterMsg::OfficeUnknown { office: "x".into() },
        RosterMsg::OfficeNotAllowed { office: "x".into() },
        RosterMsg::EligibleNotInCandidates {
            exam_no: "1".into(),
        },
        RosterMsg::EligItemNoExamNo,
        RosterMsg::DuplicateRow {
            exam_no: "1".into(),
            first_row: 2,
        },
        RosterMsg::DuplicateExemption {
            exam_no: "1".into(),
            course_code: "00015".into(),
            first_row: 2,
        },
        RosterMsg::DuplicateOffice {
            area: "x".into(),
            first_row: 2,
        },
        RosterMsg::EmptyValue {
            column: "准考证号"
        },
    ];
    for m in all {
        let zh = m.render(Lang::Zh);
        let en = m.render(Lang::En);
        assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{m:?}");
        assert!(zh.chars().any(|c| c > '\u{2e80}'), "{zh}");
    }
}

/// Writes sample rosters (html and xlsx of every kind, 70 rows in a group
/// so that groups run over several pages) into `$ZIKAO_PREVIEW_DIR`, for
/// looking at the print output (docs/roster.md "Verifying the print").
#[test]
#[ignore]
fn preview_files() {
    let dir =
        std::path::PathBuf::from(std::env::var("ZIKAO_PREVIEW_DIR").expect("ZIKAO_PREVIEW_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let surnames = ["张", "王", "李", "赵", "欧阳", "司马", "陈", "刘"];
    let offices = [
        Some("天河区"),
        Some("番禺区"),
        Some("广州市区"),
        None,
        Some("荔湾区"),
        Some("天河"),
    ];
    let mut cands = Vec::new();
    for i in 0..90usize {
        let (school, major) = match i % 9 {
            0..=5 => ("中山大学", "C050207"),
            6 | 7 => ("中山大学", "B020301"),
            _ => ("华南师范大学", "C050207"),
        };
        let mut c = cand(
            &format!("0101201{:05}", i + 1),
            &format!("{}某{}", surnames[i % 8], i + 1),
            school,
            major,
        );
        c.office = offices[i % offices.len()].map(String::from);
        c.phone = Some(format!("138{:08}", i * 7919));
        cands.push(c);
    }
    let opts = Options {
        batch: Some("2022-06".parse().unwrap()),
        ..Default::default()
    };
    let verdicts: Vec<(String, &str, Option<&str>)> = cands
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 17 != 5)
        .map(|(i, c)| {
            (
                c.exam_no.clone(),
                if i % 13 == 4 {
                    "ineligible"
                } else {
                    "eligible"
                },
                None,
            )
        })
        .collect();
    let v: Vec<(&str, &str, Option<&str>)> = verdicts
        .iter()
        .map(|(a, b, c)| (a.as_str(), *b, *c))
        .collect();
    let e = elig(&v);
    let mut ex = Exemptions::default();
    for (i, c) in cands.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        ex.approved.push(exemption(
            &c.exam_no,
            "00015",
            "全国英语等级考试（PETS）三级",
            "2022-05-20",
        ));
        if i % 2 == 0 {
            ex.approved.push(exemption(
                &c.exam_no,
                "00018",
                "全国计算机等级考试（NCRE）二级",
                "2022-05-21",
            ));
        }
    }
    let rosters = [
        ("graduates", build_graduates(&cands, Some(&e), &opts)),
        ("exemptions", build_exemptions(&cands, &ex, &opts)),
        ("reception", build_reception(&cands, &guangdong(), &opts)),
    ];
    for (name, r) in rosters {
        for lang in [Lang::Zh, Lang::En] {
            let l = if lang == Lang::Zh { "zh" } else { "en" };
            std::fs::write(dir.join(format!("{name}.{l}.html")), r.to_html(lang)).unwrap();
            std::fs::write(
                dir.join(format!("{name}.{l}.xlsx")),
                r.to_xlsx(lang).unwrap(),
            )
            .unwrap();
        }
    }
}

// ------------------------------------------------------ from files (fixtures)

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/roster")
        .join(name)
}

fn fixture_inputs() -> Inputs {
    Inputs {
        candidates: fixture("candidates.csv"),
        eligibility: Some(fixture("eligibility.json")),
        scores: Some(fixture("scores.csv")),
        offices: None,
        photos: None,
        read: Default::default(),
    }
}

#[test]
fn graduates_from_files() {
    let r = graduates(&fixture_inputs(), &Options::default()).unwrap();
    let rep = r.to_report(Lang::Zh);
    let j = rep.to_json(Lang::Zh);
    let listed: Vec<&str> = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["verdict"] == "listed")
        .map(|i| i["exam_no"].as_str().unwrap())
        .collect();
    // 中山大学 before 华南师范大学 (sorted), rows by admission number
    assert_eq!(listed, ["010120100001", "010120100005", "010120100003"]);
    let ex: Vec<(&str, &str)> = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["verdict"] == "error" || i["verdict"] == "not_listed")
        .map(|i| {
            (
                i["exam_no"].as_str().unwrap(),
                i["findings"][0]["measured"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ex,
        [
            ("010120100002", "ineligible"),
            ("010120100004", "review"),
            ("010120100006", "absent")
        ]
    );
    // the eligible result without a candidate row
    assert_eq!(j["input_errors"][0]["code"], "roster.not_in_candidates");
    assert_eq!(j["input_errors"][0]["row"], 6);
    assert_eq!(rep.exit_code(), 1);
    // gender from the ID number when the column is empty
    let wang = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["exam_no"] == "010120100003")
        .unwrap();
    assert_eq!(wang["gender"], "男");
    assert_eq!(wang["id_no"], "440106********0039");
    // csv neutralises the formula-like name
    let csv = String::from_utf8(crate::render::to_csv(&rep, Lang::Zh, true)).unwrap();
    assert!(csv.contains("'=1+1"));
    assert!(csv.starts_with('\u{feff}'));
    // xlsx too
    let mut x = xlsx_open(r.to_xlsx(Lang::Zh).unwrap());
    assert_eq!(
        x.sheet_names(),
        [
            "中山大学",
            "华南师范大学",
            "汇总",
            "未列入名单",
            "input_errors"
        ]
    );
    let flat: Vec<String> = sheet_rows(&mut x, "中山大学")
        .iter()
        .flatten()
        .map(cell_text)
        .collect();
    assert!(flat.contains(&"'=1+1".to_string()));
    assert!(flat.contains(&"010120100001".to_string()));
}

#[test]
fn graduates_bad_eligibility_file() {
    let mut i = fixture_inputs();
    i.eligibility = Some(fixture("candidates.csv"));
    let e = graduates(&i, &Options::default()).unwrap_err();
    assert!(e.to_string().contains("candidates.csv"), "{e}");
    i.eligibility = Some(fixture("missing.json"));
    assert!(matches!(
        graduates(&i, &Options::default()),
        Err(crate::Error::Io { .. })
    ));
}

#[test]
fn exemptions_from_files() {
    let r = exemptions(&fixture_inputs(), &Options::default()).unwrap();
    let j = r.to_report(Lang::Zh).to_json(Lang::Zh);
    let rows: Vec<(&str, &str, &str, &str)> = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["school"].as_str().unwrap(),
                i["exam_no"].as_str().unwrap(),
                i["course_code"].as_str().unwrap(),
                i["approved_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("中山大学", "010120100001", "00015", "2023-05-20"),
            ("中山大学", "010120100001", "00018", "2023-05-21"),
            ("华南师范大学", "010120100003", "00018", "2023-05-22"),
        ]
    );
    assert_eq!(
        j["results"][0]["certificate"],
        "全国英语等级考试（PETS）三级"
    );
    assert_eq!(j["summary"]["not_approved"], 1);
    assert_eq!(j["summary"]["not_candidates"], 1);
    // the repeated exemption row is a warning; exit 0
    assert_eq!(j["input_errors"][0]["code"], "roster.duplicate");
    assert_eq!(j["input_errors"][0]["severity"], "warning");
    assert_eq!(j["input_errors"][0]["row"], 8);
    // the row of someone not applying: information, naming the candidates file
    assert_eq!(j["input_errors"][1]["code"], "table.unmatched_rows");
    assert_eq!(j["input_errors"][1]["severity"], "info");
    assert_eq!(r.to_report(Lang::Zh).exit_code(), 0);
    // scores are required
    let mut i = fixture_inputs();
    i.scores = None;
    assert!(matches!(
        exemptions(&i, &Options::default()),
        Err(crate::Error::Usage(_))
    ));
}

#[test]
fn reception_from_files_with_builtin_schedule() {
    let p = crate::policy::Policy::builtin("guangdong").unwrap();
    let r = reception(&fixture_inputs(), &p, &Options::default()).unwrap();
    let names: Vec<&str> = r.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["天河区", "番禺区"]);
    assert_eq!(r.groups[0].rows(), 2);
    let codes: Vec<(&str, &str)> = r
        .excluded
        .iter()
        .map(|i| {
            (
                i.get("exam_no").unwrap().as_str().unwrap(),
                i.findings[0].code,
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("010120100003", "roster.office_not_allowed"),
            ("010120100004", "roster.office_missing"),
            ("010120100005", "roster.office_unknown"),
        ]
    );
    assert_eq!(r.to_report(Lang::Zh).exit_code(), 1);
}

#[test]
fn reception_from_offices_table() {
    let p = crate::policy::Policy::builtin("anhui").unwrap();
    let mut i = fixture_inputs();
    i.offices = Some(fixture("offices.csv"));
    let r = reception(&i, &p, &Options::default()).unwrap();
    // every candidate chose a Guangzhou office: none is in this table
    assert!(r.groups.is_empty());
    assert_eq!(r.excluded.len(), 6);
    assert!(r.excluded.iter().all(|i| matches!(
        i.findings[0].code,
        "roster.office_unknown" | "roster.office_missing"
    )));
    // the repeated area is an input error
    assert_eq!(r.input_errors[0].code, "roster.duplicate");
    assert_eq!(r.input_errors[0].row, Some(5));
    // the table itself
    let (sched, _) =
        input::read_offices(&fixture("offices.csv"), &Default::default(), &p.reception).unwrap();
    assert_eq!(sched.offices.len(), 2);
    assert_eq!(sched.offices[0].dates, ["6月1日", "6月3日"]);
    assert_eq!(sched.offices[0].phones, ["0551-1234567", "0551-7654321"]);
    assert_eq!(sched.offices[0].hours.as_deref(), Some("8:30-11:30"));
    assert_eq!(sched.offices[1].hours, None);
    let mut c = cand("010120100001", "张三", "安徽大学", "C050207");
    c.office = Some("蜀山区".into());
    let r = build_reception(&[c], &sched, &Options::default());
    assert_eq!(r.groups[0].name, "蜀山区");
}

#[test]
fn duplicate_candidate_rows() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.csv");
    std::fs::write(
        &p,
        "准考证号,姓名,证件号码,专业代码,主考学校\n010120100001,张三,440106199001010013,C050207,中山大学\n,无号,440106199001010013,C050207,中山大学\n010120100001,张三,440106199001010013,C050207,中山大学\n010120100001,张三,440106199001010013,B020301,中山大学\n",
    )
    .unwrap();
    let (c, problems) = input::read_candidates(&p, &Default::default()).unwrap();
    assert_eq!(c.len(), 2);
    let codes: Vec<(&str, Option<usize>)> = problems.iter().map(|p| (p.code, p.row)).collect();
    assert_eq!(
        codes,
        [("roster.input", Some(3)), ("roster.duplicate", Some(4))]
    );
}

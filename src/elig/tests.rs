//! Audit scenarios built in memory (the table reader is exercised
//! end-to-end by the file tests at the bottom, which are skipped until it
//! exists).

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::*;
use crate::finding::{Item, Severity};
use crate::table::{Kind, Row, Schema};

/// In-memory tables: comma-separated text with a header line.
#[derive(Default)]
struct Mem {
    plans: String,
    plans_json: Option<String>,
    candidates: String,
    scores: String,
    violations: Option<String>,
    graduates: Option<String>,
    certificates: Option<String>,
    prereq: Option<String>,
}

fn feed(schema: &Schema, text: &str, f: &mut dyn FnMut(Row<'_>)) -> Result<Vec<InputProblem>> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(h) = lines.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<&str> = h.split(',').map(str::trim).collect();
    let pos: Vec<Option<usize>> = schema
        .columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|x| *x == c.key || *x == c.zh || c.aliases.contains(x))
        })
        .collect();
    for (c, p) in schema.columns.iter().zip(&pos) {
        if c.required && p.is_none() {
            return Err(Error::MissingColumn {
                path: "mem.csv".into(),
                column: c.zh.into(),
            });
        }
    }
    let headers: Vec<Option<String>> = pos
        .iter()
        .map(|p| p.map(|i| header[i].to_string()))
        .collect();
    for (n, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let owned: Vec<Option<String>> = pos
            .iter()
            .zip(schema.columns)
            .map(|(p, col)| {
                p.and_then(|i| cells.get(i))
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        if col.kind == Kind::CourseCode {
                            plan::norm_code(s)
                        } else {
                            s.to_string()
                        }
                    })
            })
            .collect();
        let values = crate::table::Values::from_cells(owned.iter().map(|v| v.as_deref()));
        f(Row {
            path: Path::new("mem.csv"),
            row: n + 2,
            schema,
            values: &values,
            headers: &headers,
            skip: &[],
        });
    }
    Ok(Vec::new())
}

impl Source for Mem {
    fn has(&self, w: Which) -> bool {
        match w {
            Which::Violations => self.violations.is_some(),
            Which::Graduates => self.graduates.is_some(),
            Which::Certificates => self.certificates.is_some(),
            _ => true,
        }
    }
    fn read(
        &self,
        w: Which,
        schema: &Schema,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<Vec<InputProblem>> {
        let t = match w {
            Which::Plans => &self.plans,
            Which::Candidates => &self.candidates,
            Which::Scores => &self.scores,
            Which::Violations => self.violations.as_ref().unwrap(),
            Which::Graduates => self.graduates.as_ref().unwrap(),
            Which::Certificates => self.certificates.as_ref().unwrap(),
        };
        feed(schema, t, f)
    }
    fn plans_json(&self) -> Result<Option<plan::Plans>> {
        self.plans_json
            .as_ref()
            .map(|t| plan::parse_json(t, Path::new("plans.json")))
            .transpose()
    }
    fn prereq(&self) -> Result<Option<HashMap<String, PrereqResult>>> {
        self.prereq
            .as_ref()
            .map(|t| report::parse_report(t, Path::new("prereq.json")).map(|x| x.1))
            .transpose()
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn opts(batch: &str, as_of: &str) -> EligOptions {
    EligOptions {
        batch: batch.parse().unwrap(),
        as_of: d(as_of),
    }
}

fn pol(name: &str) -> Policy {
    Policy::builtin(name).unwrap()
}

/// A 专科 plan: two required courses, an English/Japanese group, a
/// practical, three electives (min 2 courses and 8 credits), total 30.
const PLAN: &str = "\
专业代码,专业名称,层次,主考学校,课程代码,课程名称,学分,类别,课程组,加考类型,选考最低学分,选考最低门数,最低总学分
A100,会计,专科,10561,00041,基础会计学,5,必考,,,8,2,30
A100,会计,专科,10561,00043,经济法概论,4,必考,,,,,
A100,会计,专科,10561,00012,英语(一),7,必考,外语,,,,
A100,会计,专科,10561,00015,日语(一),7,必考,外语,,,,
A100,会计,专科,10561,00155,会计实践,4,实践,,,,,
A100,会计,专科,10561,00054,管理学原理,6,选考,,,,,
A100,会计,专科,10561,00058,市场营销学,5,选考,,,,,
A100,会计,专科,10561,00065,国民经济统计概论,4,选考,,,,,
B200,汉语言文学,本科,10558,00037,美学,6,必考,,,,,
B200,汉语言文学,本科,10558,00538,中国古代文学史(一),4,必考,,,,,
B200,汉语言文学,本科,10558,00529,文学概论(一),4,加考,,非相关专业,,,
B200,汉语言文学,本科,10558,00530,中国现代文学作品选,6,加考,,非相关专业,,,
B200,汉语言文学,本科,10558,00531,中国当代文学作品选,6,加考,,非相关专业,,,
B200,汉语言文学,本科,10558,00532,外国文学作品选,6,加考,,非相关专业,,,
P300,药学,本科,10558,03031,药理学,6,必考,,,,,
F400,食品营养与卫生,专科,10558,05747,临床医学总论,4,选考,,,,1,
F400,食品营养与卫生,专科,10558,00991,食品化学,4,选考,,,,,
F400,食品营养与卫生,专科,10558,00998,食品卫生学,4,必考,,,,,
";

const CAND_HDR: &str =
    "准考证号,姓名,证件号码,专业代码,专业名称,层次,主考学校,加考类型,思想品德鉴定";
const ID1: &str = "11010519491231002X";
const ID2: &str = "440524188001010014";

#[allow(clippy::too_many_arguments)]
fn cand(
    exam_no: &str,
    id: &str,
    major: &str,
    name: &str,
    level: &str,
    school: &str,
    add: &str,
    conduct: &str,
) -> String {
    format!("{exam_no},考生{exam_no},{id},{major},{name},{level},{school},{add},{conduct}")
}

/// Scores that complete plan A100 for a candidate.
fn full_a(exam_no: &str) -> String {
    [
        format!("{exam_no},00041,65,,,,,,"),
        format!("{exam_no},00043,合格,,,,,,"),
        format!("{exam_no},00012,60,,,,,,"),
        format!("{exam_no},00155,良好,实践,A100,10561,,"),
        format!("{exam_no},00054,70,,,,,,"),
        format!("{exam_no},00058,80,,,,,,"),
    ]
    .join("\n")
}

const SCORE_HDR: &str =
    "准考证号,课程代码,成绩,成绩类型,专业代码,主考学校,审核日期,归档,替代课程代码";

fn mem(cands: &[String], scores: &[String]) -> Mem {
    Mem {
        plans: PLAN.into(),
        candidates: format!("{CAND_HDR}\n{}", cands.join("\n")),
        scores: format!("{SCORE_HDR}\n{}", scores.join("\n")),
        ..Default::default()
    }
}

fn run_mem(m: &Mem, policy: &str, batch: &str, as_of: &str) -> Report {
    run(m, &pol(policy), &opts(batch, as_of)).unwrap()
}

fn item<'a>(r: &'a Report, exam_no: &str) -> &'a Item {
    r.results
        .iter()
        .find(|i| i.get("exam_no").and_then(|v| v.as_str()) == Some(exam_no))
        .unwrap()
}

fn codes(i: &Item) -> Vec<&'static str> {
    let mut v: Vec<&str> = i.findings.iter().map(|f| f.code).collect();
    v.dedup();
    v
}

fn a_ok(exam_no: &str) -> String {
    cand(exam_no, ID1, "A100", "会计", "专科", "10561", "", "合格")
}

#[test]
fn complete_candidate_is_eligible() {
    let m = mem(&[a_ok("1")], &[full_a("1")]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(i.verdict, "eligible", "{:?}", i.findings);
    assert!(i.ok);
    assert_eq!(r.exit_code(), 0);
    assert_eq!(i.get("major_name").unwrap(), "会计");
    assert_eq!(i.get("level").unwrap(), "专科");
    assert_eq!(i.get("school").unwrap(), "10561");
    let mi = i.value("missing").unwrap();
    assert_eq!(mi["required"].as_array().unwrap().len(), 0);
    assert_eq!(mi["total_credits"], 31);
}

// ---- elig.required
#[test]
fn required_fails_and_best_attempt_counts() {
    let mut s = full_a("1").replace("1,00041,65", "1,00041,59");
    s.push_str("\n1,00041,40,,,,,,");
    let mut s2 = full_a("2").replace("2,00041,65", "2,00041,45");
    s2.push_str("\n2,00041,61,,,,,,\n2,00041,50,,,,,,");
    let m = mem(&[a_ok("1"), a_ok("2")], &[s, s2]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(i.verdict, "ineligible");
    assert!(i.has_code("elig.required"));
    let mi = i.value("missing").unwrap();
    assert_eq!(mi["required"][0]["code"], "00041");
    assert_eq!(mi["required"][0]["best"], "59");
    assert_eq!(
        item(&r, "2").verdict,
        "eligible",
        "{:?}",
        item(&r, "2").findings
    );
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn group_alternative_satisfies_required() {
    // Japanese instead of English
    let s = full_a("1").replace("1,00012,60", "1,00015,75");
    let s2 = full_a("2").replace("2,00012,60", "2,00012,30");
    let m = mem(&[a_ok("1"), a_ok("2")], &[s, s2]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(item(&r, "1").verdict, "eligible");
    let i = item(&r, "2");
    assert!(i.has_code("elig.required"));
    let alts = &i.value("missing").unwrap()["required"][0]["alternatives"];
    assert_eq!(alts.as_array().unwrap().len(), 2);
}

#[test]
fn grade_words_and_plan_pass_mark() {
    let s = full_a("1")
        .replace("1,00041,65", "1,00041,及格")
        .replace("1,00043,合格", "1,00043,不合格");
    let m = mem(&[a_ok("1")], &[s]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(
        i.value("missing").unwrap()["required"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(i.value("missing").unwrap()["required"][0]["code"], "00043");
    // a plan pass mark of 70: 65 does not pass
    let mut m = mem(&[a_ok("1")], &[full_a("1")]);
    m.plans = m
        .plans
        .replace("最低总学分\n", "最低总学分,及格线\n")
        .replace("8,2,30\n", "8,2,30,70\n");
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert!(item(&r, "1").has_code("elig.required"));
}

// ---- elig.elective
#[test]
fn elective_minimum_credits_and_count() {
    let s = full_a("1").replace("1,00058,80", "1,00058,50");
    let m = mem(&[a_ok("1")], &[s]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(codes(i), vec!["elig.elective", "elig.total_credits"]);
    let mi = i.value("missing").unwrap();
    assert_eq!(mi["elective_count_short"], 1);
    assert_eq!(mi["elective_credits_short"], 2);
}

// ---- no double counting: a course in a group and among electives (JSON form)
#[test]
fn course_counts_once() {
    let plan = r#"{"major_code": "D700", "level": "专科", "courses": [
        {"code": "00012", "name": "英语(一)", "credits": 7},
        {"code": "00054", "name": "管理学原理", "credits": 6},
        {"code": "00058", "name": "市场营销学", "credits": 5}],
      "required": [{"any_of": ["00012", "00054"], "label": "外语或管理"}],
      "electives": {"courses": ["00054", "00058"], "min_count": 2}}"#;
    let c = |e: &str| cand(e, ID1, "D700", "", "专科", "10561", "", "合格");
    // 1 passes 00054 and 00058 only: 00054 fills the group, one elective is left (1 < 2)
    // 2 passes all three: 00012 fills the group, both electives count
    let mut m = mem(
        &[c("1"), c("2")],
        &[
            "1,00054,70,,,,,,\n1,00058,70,,,,,,".into(),
            "2,00054,70,,,,,,\n2,00058,70,,,,,,\n2,00012,70,,,,,,".into(),
        ],
    );
    m.plans_json = Some(plan.into());
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(codes(i), vec!["elig.elective"], "{:?}", i.findings);
    assert_eq!(i.value("missing").unwrap()["elective_count_short"], 1);
    assert_eq!(
        item(&r, "2").verdict,
        "eligible",
        "{:?}",
        item(&r, "2").findings
    );
    // the same in the flat form: 00054 is a 必考 alternative and a 选考 course
    let mut m = mem(&[a_ok("4")], &[]);
    m.plans
        .push_str("A100,会计,专科,10561,00054,管理学原理,6,必考,外语,,,,\n");
    m.scores = format!(
        "{SCORE_HDR}\n{}",
        full_a("4").replace("4,00012,60,,,,,,\n", "")
    );
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "4");
    assert!(r.input_errors.is_empty(), "{:?}", r.input_errors);
    assert_eq!(
        codes(i),
        vec!["elig.elective", "elig.total_credits"],
        "{:?}",
        i.findings
    );
    // a substitution row counts for the replaced course, the substitute's own exam for itself
    let s = full_a("3")
        .replace(
            "3,00054,70,,,,,,",
            "3,00054,70,替代,,,2022-01-01,,00012\n3,00054,70,,,,,,",
        )
        .replace("3,00012,60,,,,,,\n", "");
    let m = mem(&[a_ok("3")], &[s]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(
        item(&r, "3").verdict,
        "eligible",
        "{:?}",
        item(&r, "3").findings
    );
}

// ---- elig.total_credits
#[test]
fn total_credits_short() {
    let mut m = mem(&[a_ok("1")], &[full_a("1")]);
    m.plans = m.plans.replace("8,2,30\n", "8,2,40\n");
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(codes(i), vec!["elig.total_credits"]);
    assert_eq!(i.value("missing").unwrap()["total_credits_short"], 9);
}

// ---- elig.additional
#[test]
fn additional_courses_for_type() {
    let c1 = cand(
        "1",
        ID1,
        "B200",
        "汉语言文学",
        "本科",
        "10558",
        "非相关专业",
        "合格",
    );
    let c2 = cand("2", ID2, "B200", "汉语言文学", "本科", "10558", "", "合格");
    let c3 = cand(
        "3",
        ID2,
        "B200",
        "汉语言文学",
        "本科",
        "10558",
        "非相关专业",
        "合格",
    );
    let base = |e: &str| format!("{e},00037,70,,,,,,\n{e},00538,70,,,,,,");
    let s1 = format!("{}\n1,00529,60,,,,,,\n1,00530,60,,,,,,", base("1"));
    let s3 = format!(
        "{}\n3,00529,60,,,,,,\n3,00530,60,,,,,,\n3,00531,60,,,,,,\n3,00532,60,,,,,,",
        base("3")
    );
    let mut m = mem(&[c1, c2, c3], &[s1, base("2"), s3]);
    m.prereq = Some(r#"{"command":"prereq verify","results":[{"exam_no":"1","verdict":"verified","findings":[]},{"exam_no":"2","verdict":"verified","findings":[]},{"exam_no":"3","verdict":"verified","findings":[]}]}"#.into());
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(codes(i), vec!["elig.additional"]);
    let mi = i.value("missing").unwrap();
    assert_eq!(mi["additional_count_short"], 2);
    assert_eq!(mi["additional"].as_array().unwrap().len(), 2);
    assert_eq!(
        item(&r, "2").verdict,
        "eligible",
        "{:?}",
        item(&r, "2").findings
    );
    assert_eq!(item(&r, "3").verdict, "eligible");
    // with a minimum of 2 courses, candidate 1 is done
    m.plans = m
        .plans
        .replace("最低总学分\n", "最低总学分,加考最低门数\n")
        .replace("4,加考,,非相关专业,,,\n", "4,加考,,非相关专业,,,,2\n");
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
}

// ---- elig.practice_match
#[test]
fn practice_only_under_applied_major_and_school() {
    let s1 = full_a("1").replace(
        "1,00155,良好,实践,A100,10561",
        "1,00155,良好,实践,A100,10558",
    );
    let s2 = full_a("2").replace(
        "2,00155,良好,实践,A100,10561",
        "2,00155,良好,实践,C999,10561",
    );
    let s3 = full_a("3").replace("2,00155", "x");
    let s4 = full_a("4").replace(
        "4,00155,良好,实践,A100,10561",
        "4,00155,良好,实践,A100,华南理工大学",
    );
    let m = mem(
        &[a_ok("1"), a_ok("2"), a_ok("3"), a_ok("4")],
        &[s1, s2, s3, s4],
    );
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    for e in ["1", "2"] {
        let i = item(&r, e);
        assert_eq!(i.verdict, "ineligible");
        assert!(i.has_code("elig.practice_match"), "{e}: {:?}", i.findings);
        assert!(i.has_code("elig.required"));
    }
    assert_eq!(item(&r, "3").verdict, "eligible");
    let i = item(&r, "4");
    assert_eq!(i.verdict, "review", "{:?}", i.findings);
    assert!(i.has_code("elig.practice_match"));
}

// ---- elig.violation
#[test]
fn violation_delay_from_violation_date() {
    let mut m = mem(
        &[a_ok("1"), a_ok("2"), a_ok("3")],
        &[full_a("1"), full_a("2"), full_a("3")],
    );
    m.violations = Some("准考证号,违规日期,推迟毕业年限,处理结果\n1,2020-10-24,2,停考\n2,2020-04-11,2,停考\n3,2021-04-11,0,警告".into());
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(codes(i), vec!["elig.violation"]);
    assert_eq!(i.findings[0].measured["until"], "2022-10-24");
    assert_eq!(item(&r, "2").verdict, "eligible");
    assert_eq!(item(&r, "3").verdict, "eligible");
    // December: candidate 1's delay has run out
    let r = run_mem(&m, "national", "2022-12", "2022-12-10");
    assert_eq!(item(&r, "1").verdict, "eligible");
}

// ---- elig.special
#[test]
fn pharmacy_needs_valid_practising_certificate() {
    let c = |e: &str| cand(e, ID1, "P300", "药学", "本科", "10558", "", "合格");
    let s = |e: &str| format!("{e},03031,80,,,,,,");
    let mut m = mem(
        &[c("1"), c("2"), c("3"), c("4")],
        &[s("1"), s("2"), s("3"), s("4")],
    );
    m.prereq = Some(r#"[{"exam_no":"1","verdict":"verified"},{"exam_no":"2","verdict":"verified"},{"exam_no":"3","verdict":"verified"},{"exam_no":"4","verdict":"verified"}]"#.into());
    m.certificates = Some(
        "准考证号,证书类别,证书名称,证书编号,发证日期,有效期至\n1,卫生类,执业药师注册证,A1,2020-01-01,2025-12-31\n2,卫生类,药学专业技术资格证书,A2,2020-01-01,2025-12-31\n3,卫生类,执业药师注册证,A3,2015-01-01,2020-12-31".into(),
    );
    let r = run_mem(&m, "guangdong", "2022-06", "2022-06-10");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    for e in ["2", "3", "4"] {
        let i = item(&r, e);
        assert_eq!(i.verdict, "ineligible", "{e}");
        assert_eq!(codes(i), vec!["elig.special"]);
    }
    // national has no special majors
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(item(&r, "2").verdict, "eligible");
    // without certificate data: a person must inspect
    m.certificates = None;
    let r = run_mem(&m, "guangdong", "2022-06", "2022-06-10");
    assert_eq!(item(&r, "1").verdict, "review");
}

#[test]
fn food_nutrition_rule_tied_to_seven_courses() {
    let c = |e: &str| {
        cand(
            e,
            ID1,
            "F400",
            "食品营养与卫生",
            "专科",
            "10558",
            "",
            "合格",
        )
    };
    let s1 = "1,00998,70,,,,,,\n1,05747,70,,,,,,".to_string(); // used 05747
    let s2 = "2,00998,70,,,,,,\n2,00991,70,,,,,,".to_string(); // did not
    let s3 = "3,00998,70,,,,,,\n3,05747,70,,,,,,".to_string();
    let mut m = mem(&[c("1"), c("2"), c("3")], &[s1, s2, s3]);
    m.certificates = Some("准考证号,证书类别,证书名称,证书编号,发证日期,有效期至\n3,毕业证书,护理专业中专毕业证书,B1,2010-07-01,".into());
    let r = run_mem(&m, "guangdong", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(codes(i), vec!["elig.special"]);
    assert_eq!(i.verdict, "ineligible");
    assert_eq!(
        item(&r, "2").verdict,
        "eligible",
        "{:?}",
        item(&r, "2").findings
    );
    assert_eq!(
        item(&r, "3").verdict,
        "eligible",
        "{:?}",
        item(&r, "3").findings
    );
}

#[test]
fn mechanical_needs_two_certificates() {
    let mut m = mem(
        &[
            cand(
                "1",
                ID1,
                "M500",
                "机械制造与自动化",
                "专科",
                "10561",
                "",
                "合格",
            ),
            cand(
                "2",
                ID1,
                "M500",
                "机械制造与自动化",
                "专科",
                "10561",
                "",
                "合格",
            ),
        ],
        &["1,01000,70,,,,,,".into(), "2,01000,70,,,,,,".into()],
    );
    m.plans
        .push_str("M500,机械制造与自动化,专科,10561,01000,机械制图,4,必考,,,,,\n");
    m.certificates = Some("准考证号,证书类别,证书名称,证书编号,发证日期,有效期至\n1,职业资格,车工高级国家职业资格证书,C1,2019-01-01,\n1,毕业证书,高级技工学校毕业证书,C2,2018-07-01,\n2,职业资格,车工高级国家职业资格证书,C1,2019-01-01,".into());
    let r = run_mem(&m, "guangdong", "2022-06", "2022-06-10");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    let i = item(&r, "2");
    assert_eq!(i.verdict, "ineligible");
    assert_eq!(i.findings.len(), 1);
}

// ---- elig.already_graduated
#[test]
fn already_graduated_same_major_only() {
    let mut m = mem(
        &[
            a_ok("1"),
            cand("2", ID2, "A100", "会计", "专科", "10561", "", "合格"),
            cand(
                "3",
                "440524800101001",
                "A100",
                "会计",
                "专科",
                "10561",
                "",
                "合格",
            ),
        ],
        &[full_a("1"), full_a("2"), full_a("3")],
    );
    // 1: by exam number, same major; 2: by ID, other major; 3: by the 18-digit form of its 15-digit ID
    m.graduates = Some(format!("准考证号,证件号码,专业代码,毕业年月\n1,,A100,2019-06\n,{ID2},B200,2018-12\n,440524198001010013,A100,2017-06"));
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(codes(item(&r, "1")), vec!["elig.already_graduated"]);
    assert_eq!(item(&r, "2").verdict, "eligible");
    assert!(item(&r, "3").has_code("elig.already_graduated"));
}

// ---- elig.conduct
#[test]
fn conduct() {
    let c = |e: &str, v: &str| cand(e, ID1, "A100", "会计", "专科", "10561", "", v);
    let m = mem(
        &[c("1", "合格"), c("2", "不合格"), c("3", ""), c("4", "待定")],
        &[full_a("1"), full_a("2"), full_a("3"), full_a("4")],
    );
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(item(&r, "1").verdict, "eligible");
    assert_eq!(item(&r, "2").verdict, "ineligible");
    assert_eq!(codes(item(&r, "2")), vec!["elig.conduct"]);
    assert_eq!(item(&r, "3").verdict, "review");
    assert_eq!(codes(item(&r, "3")), vec!["elig.conduct"]);
    assert_eq!(item(&r, "4").verdict, "review");
}

// ---- elig.prior_education
#[test]
fn prior_education_from_prereq_result() {
    let c = |e: &str| cand(e, ID1, "B200", "汉语言文学", "本科", "10558", "", "合格");
    let s = |e: &str| format!("{e},00037,70,,,,,,\n{e},00538,70,,,,,,");
    let mut m = mem(
        &[c("1"), c("2"), c("3"), c("4")],
        &[s("1"), s("2"), s("3"), s("4")],
    );
    m.prereq = Some(r#"{"command":"prereq verify","results":[{"exam_no":"1","verdict":"verified","findings":[]},{"exam_no":"2","verdict":"review","findings":[{"code":"prereq.original_required"}]},{"exam_no":"3","verdict":"rejected","findings":[{"code":"prereq.level"}]}]}"#.into());
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(item(&r, "1").verdict, "eligible");
    assert_eq!(item(&r, "2").verdict, "review");
    assert_eq!(item(&r, "3").verdict, "ineligible");
    assert_eq!(
        item(&r, "3").findings[0].measured,
        serde_json::json!(["prereq.level"])
    );
    assert_eq!(item(&r, "4").verdict, "review");
    assert!(item(&r, "4").has_code("elig.prior_education"));
    // no file at all: review for every bachelor applicant, 专科 unaffected
    m.prereq = None;
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(item(&r, "1").verdict, "review");
    let m2 = mem(&[a_ok("9")], &[full_a("9")]);
    assert_eq!(
        item(&run_mem(&m2, "national", "2022-06", "2022-06-10"), "9").verdict,
        "eligible"
    );
}

// ---- elig.deadline: cut-offs of both provincial policies
#[test]
fn guangdong_cutoff_may_first_for_june() {
    let ex = |e: &str, date: &str| {
        full_a(e).replace(
            &format!("{e},00041,65,,,,,,"),
            &format!("{e},00041,免考,免考,,,{date},,"),
        )
    };
    let m = mem(
        &[a_ok("1"), a_ok("2"), a_ok("3"), a_ok("4")],
        &[
            ex("1", "2022-04-30"),
            ex("2", "2022-05-10"),
            ex("3", "2022-05-01"),
            ex("4", ""),
        ],
    );
    let r = run_mem(&m, "guangdong", "2022-06", "2022-06-16");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    for e in ["2", "3"] {
        let i = item(&r, e);
        assert_eq!(i.verdict, "ineligible", "{e}");
        // 00041 (5 credits) is missing, so the total (26 < 30) falls short too
        assert_eq!(
            codes(i),
            vec!["elig.required", "elig.total_credits", "elig.deadline"],
            "{e}"
        );
        assert_eq!(i.findings[2].expected, "< 2022-05-01");
    }
    // no approval date: a person must confirm it
    assert_eq!(item(&r, "4").verdict, "review");
    // the May 10 exemption counts for December (cut-off November 1)
    let r = run_mem(&m, "guangdong", "2022-12", "2022-12-13");
    assert_eq!(item(&r, "2").verdict, "eligible");
    // and for the national policy, which has no cut-off
    let r = run_mem(&m, "national", "2022-06", "2022-06-16");
    assert_eq!(item(&r, "2").verdict, "eligible");
    assert_eq!(item(&r, "4").verdict, "eligible");
}

#[test]
fn guangdong_cutoff_november_first_for_december() {
    let tr = |e: &str, date: &str| {
        full_a(e).replace(
            &format!("{e},00043,合格,,,,,,"),
            &format!("{e},00043,70,转入,,,{date},,"),
        )
    };
    let m = mem(
        &[a_ok("1"), a_ok("2")],
        &[tr("1", "2022-10-31"), tr("2", "2022-11-01")],
    );
    let r = run_mem(&m, "guangdong", "2022-12", "2022-12-13");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    assert!(item(&r, "2").has_code("elig.deadline"));
}

#[test]
fn anhui_cutoff_june_fifth() {
    let sub = |e: &str, date: &str| {
        full_a(e).replace(
            &format!("{e},00012,60,,,,,,"),
            &format!("{e},00013,75,替代,,,{date},,00012"),
        )
    };
    let m = mem(
        &[a_ok("1"), a_ok("2")],
        &[sub("1", "2023-06-05"), sub("2", "2023-06-06")],
    );
    let r = run_mem(&m, "anhui", "2023-06", "2023-06-20");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    assert!(item(&r, "2").has_code("elig.deadline"));
}

#[test]
fn substitution_counts_for_replaced_course_only_in_allowed_groups() {
    // Anhui: only math and English courses can be substituted; 00043 经济法概论 cannot
    let s1 = full_a("1").replace("1,00012,60,,,,,,", "1,00013,75,替代,,,2023-03-01,,00012");
    let s2 = full_a("2").replace("2,00043,合格,,,,,,", "2,00099,75,替代,,,2023-03-01,,00043");
    let m = mem(&[a_ok("1"), a_ok("2")], &[s1, s2]);
    let r = run_mem(&m, "anhui", "2023-06", "2023-06-20");
    assert_eq!(item(&r, "1").verdict, "eligible");
    let i = item(&r, "2");
    assert_eq!(codes(i), vec!["elig.required", "elig.total_credits"]);
    assert!(i.value("missing").unwrap()["required"][0]["not_counted"].is_array());
    // national: no restriction
    let r = run_mem(&m, "national", "2023-06", "2023-06-20");
    assert_eq!(item(&r, "2").verdict, "eligible");
}

#[test]
fn certificate_exemption_limited_to_policy_courses() {
    // a user's policy: PETS exempts 00012 only
    let mut p = pol("national");
    p.eligibility.certificate_exemptions = vec![policy::CertificateExemption {
        certificate: "PETS".into(),
        patterns: vec!["PETS".into()],
        courses: vec!["00012".into()],
    }];
    let hdr = format!("{SCORE_HDR},免考证书");
    let s1 = full_a("1").replace(
        "1,00012,60,,,,,,",
        "1,00012,免考,免考,,,2022-03-01,,,PETS三级",
    );
    let s2 = full_a("2").replace(
        "2,00043,合格,,,,,,",
        "2,00043,免考,免考,,,2022-03-01,,,PETS三级",
    );
    let mut m = mem(&[a_ok("1"), a_ok("2")], &[]);
    m.scores = format!("{hdr}\n{s1}\n{s2}");
    let r = run(&m, &p, &opts("2022-06", "2022-06-10")).unwrap();
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    assert!(item(&r, "2").has_code("elig.required"));
}

#[test]
fn id_upgrade_is_a_record_correction() {
    let c = cand(
        "1",
        "440524800101001",
        "A100",
        "会计",
        "专科",
        "10561",
        "",
        "合格",
    );
    let m = mem(&[c], &[full_a("1")]);
    let r = run_mem(&m, "guangdong", "2022-06", "2022-06-16");
    assert_eq!(codes(item(&r, "1")), vec!["elig.deadline"]);
    let r = run_mem(&m, "guangdong", "2022-06", "2022-04-16");
    assert_eq!(codes(item(&r, "1")), vec!["elig.record"]);
}

// ---- elig.transfer_archive
#[test]
fn anhui_transfer_archive() {
    let tr = |e: &str, date: &str, arch: &str| {
        full_a(e).replace(
            &format!("{e},00043,合格,,,,,,"),
            &format!("{e},00043,70,转入,,,{date},{arch},"),
        )
    };
    let m = mem(
        &[a_ok("1"), a_ok("2"), a_ok("3"), a_ok("4")],
        &[
            tr("1", "2016-03-01", ""),
            tr("2", "2015-06-01", ""),
            tr("3", "2015-06-01", "是"),
            tr("4", "2015-06-01", "否"),
        ],
    );
    let r = run_mem(&m, "anhui", "2023-06", "2023-06-20");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    let i = item(&r, "2");
    assert_eq!(i.verdict, "review");
    assert_eq!(codes(i), vec!["elig.transfer_archive"]);
    assert_eq!(
        i.value("missing").unwrap()["pending"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(item(&r, "3").verdict, "eligible");
    assert_eq!(item(&r, "4").verdict, "review");
    // an archive that does not matter (course passed otherwise) is not reported
    let s = format!("{}\n5,00043,70,转入,,,2015-06-01,,", full_a("5"));
    let m = mem(&[a_ok("5")], &[s]);
    assert_eq!(
        item(&run_mem(&m, "anhui", "2023-06", "2023-06-20"), "5").verdict,
        "eligible"
    );
}

// ---- elig.record
#[test]
fn record_problems_are_findings_not_crashes() {
    let bad_id = cand(
        "1",
        "110105194912310021",
        "A100",
        "会计",
        "专科",
        "10561",
        "",
        "合格",
    );
    let no_plan = cand("2", ID1, "Z999", "不存在", "专科", "10561", "", "合格");
    let no_name = format!("3,,{ID1},A100,会计,专科,10561,,合格");
    let wrong_school = cand("4", ID1, "A100", "会计", "专科", "10999", "", "合格");
    let m = mem(
        &[bad_id, no_plan, no_name, wrong_school, a_ok("5"), a_ok("5")],
        &[
            full_a("1"),
            full_a("2"),
            full_a("3"),
            full_a("4"),
            full_a("5"),
        ],
    );
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    for e in ["1", "2", "3", "4", "5"] {
        let i = item(&r, e);
        assert_eq!(i.verdict, "ineligible", "{e}");
        assert_eq!(codes(i)[0], "elig.record", "{e}");
    }
    assert_eq!(r.results.len(), 5);
    assert!(item(&r, "2").value("missing").unwrap().is_null());
}

// ---- every failing condition is listed
#[test]
fn all_failing_conditions_listed_and_missing_view() {
    let c = cand("1", ID1, "A100", "会计", "专科", "10561", "", "不合格");
    let s = "1,00041,50,,,,,,\n1,00012,30,,,,,,\n1,00015,40,,,,,,\n1,00054,70,,,,,,\n1,00155,合格,实践,A100,10999,,\n1,99999,90,,,,,,".to_string();
    let mut m = mem(&[c], &[s]);
    m.violations = Some("准考证号,违规日期,推迟毕业年限\n1,2021-10-20,3".into());
    m.graduates = Some("准考证号,专业代码,毕业年月\n1,A100,2020-06".into());
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let i = item(&r, "1");
    assert_eq!(
        codes(i),
        vec![
            "elig.required",
            "elig.elective",
            "elig.total_credits",
            "elig.practice_match",
            "elig.violation",
            "elig.already_graduated",
            "elig.conduct"
        ]
    );
    let mi = i.value("missing").unwrap();
    let req: Vec<&str> = mi["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(req, vec!["00041", "00043", "00012", "00155"]);
    assert_eq!(mi["elective_count_short"], 1);
    assert_eq!(mi["elective_credits_short"], 2);
    assert_eq!(mi["total_credits_short"], 24);
    let s = r.summary();
    assert_eq!(s["verdicts"]["ineligible"], 1);
    assert_eq!(s["findings"]["elig.conduct"], 1);
}

// ---- input rows
#[test]
fn bad_score_rows_are_input_problems() {
    let s = format!(
        "{}\n1,00041,七十,,,,,,\n1,00041,-5,,,,,,\n1,00041,1e9,,,,,,\n1,00041,80,口试,,,,,",
        full_a("1")
    );
    let m = mem(&[a_ok("1")], &[s]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let bad: Vec<&str> = r.input_errors.iter().map(|p| p.code).collect();
    assert_eq!(
        bad,
        vec![
            "elig.bad_score",
            "elig.bad_score",
            "elig.bad_score",
            "elig.bad_kind"
        ]
    );
    assert!(r
        .input_errors
        .iter()
        .all(|p| p.severity == Severity::Error && p.row.is_some()));
    assert_eq!(item(&r, "1").verdict, "eligible");
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn streamed_json_is_byte_identical_to_the_tree() {
    let s = format!("{}\n1,00041,七十,,,,,,", full_a("1"));
    let m = mem(&[a_ok("1"), a_ok("2")], &[s]);
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert!(!r.input_errors.is_empty() && r.results.len() == 2);
    for lang in [crate::Lang::Zh, crate::Lang::En] {
        let tree = serde_json::to_vec_pretty(&r.to_json(lang)).unwrap();
        let mut streamed = Vec::new();
        r.write_json_pretty(lang, &mut streamed).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(tree).unwrap()
        );
    }
    let empty = crate::finding::Report::new("eligibility");
    let mut streamed = Vec::new();
    empty
        .write_json_pretty(crate::Lang::En, &mut streamed)
        .unwrap();
    assert_eq!(
        streamed,
        serde_json::to_vec_pretty(&empty.to_json(crate::Lang::En)).unwrap()
    );
}

#[test]
fn plan_conflict_is_a_record_finding() {
    let mut m = mem(&[a_ok("1")], &[full_a("1")]);
    m.plans
        .push_str("A100,会计,专科,10561,00066,货币银行学,4,选考,,,10,,\n");
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert!(r
        .input_errors
        .iter()
        .any(|p| p.code == "elig.plan_conflict"));
    assert_eq!(codes(item(&r, "1")), vec!["elig.record"]);
}

// ---- JSON plan form with tracks
const JSON_PLAN: &str = r#"{"plans": [{
  "major_code": "J600", "major_name": "商务管理", "level": "专科", "schools": ["10561"],
  "courses": [
    {"code": "00041", "name": "基础会计学", "credits": 5},
    {"code": "00012", "name": "英语(一)", "credits": 7},
    {"code": "00054", "name": "管理学原理", "credits": 6},
    {"code": "00058", "name": "市场营销学", "credits": 5},
    {"code": "00065", "name": "国民经济统计概论", "credits": 4},
    {"code": "00066", "name": "货币银行学", "credits": 4},
    {"code": "00067", "name": "财务管理学", "credits": 4}
  ],
  "required": ["00041"],
  "electives": {"courses": ["00054", "00058", "00065", "00066", "00067"]},
  "tracks": [
    {"label": "选外语", "required": ["00012"], "electives": {"min_count": 3, "min_credits": 14}},
    {"label": "不选外语", "electives": {"min_count": 5}}
  ]
}]}"#;

#[test]
fn json_plan_tracks() {
    let c = |e: &str| cand(e, ID1, "J600", "商务管理", "专科", "10561", "", "合格");
    let s1 =
        "1,00041,60,,,,,,\n1,00012,60,,,,,,\n1,00054,60,,,,,,\n1,00058,60,,,,,,\n1,00065,60,,,,,,"
            .to_string(); // FL + 3 electives, 15 credits
    let s2 = "2,00041,60,,,,,,\n2,00054,60,,,,,,\n2,00058,60,,,,,,\n2,00065,60,,,,,,\n2,00066,60,,,,,,\n2,00067,60,,,,,,".to_string(); // all five
    let s3 = "3,00041,60,,,,,,\n3,00054,60,,,,,,\n3,00058,60,,,,,,\n3,00065,60,,,,,,".to_string(); // no FL, 3 electives
    let s4 =
        "4,00041,60,,,,,,\n4,00012,60,,,,,,\n4,00065,60,,,,,,\n4,00066,60,,,,,,\n4,00067,60,,,,,,"
            .to_string(); // FL + 3 electives, 12 credits
    let mut m = mem(&[c("1"), c("2"), c("3"), c("4")], &[s1, s2, s3, s4]);
    m.plans_json = Some(JSON_PLAN.into());
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    assert_eq!(
        item(&r, "1").verdict,
        "eligible",
        "{:?}",
        item(&r, "1").findings
    );
    assert_eq!(
        item(&r, "2").verdict,
        "eligible",
        "{:?}",
        item(&r, "2").findings
    );
    let i3 = item(&r, "3");
    assert_eq!(i3.verdict, "ineligible");
    assert!(i3.value("missing").unwrap()["track"].is_string());
    let i4 = item(&r, "4");
    assert_eq!(codes(i4), vec!["elig.elective"]);
    assert_eq!(i4.value("missing").unwrap()["track"], "选外语");
    assert_eq!(i4.value("missing").unwrap()["elective_credits_short"], 2);
}

#[test]
fn json_plan_errors_name_the_place() {
    let e = plan::parse_json(
        r#"{"major_code":"X","courses":[],"required":["00001"]}"#,
        Path::new("p.json"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("00001"), "{e}");
    let e = plan::parse_json(
        r#"{"major_code":"X","courses":[],"bogus":1}"#,
        Path::new("p.json"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("p.json"), "{e}");
    assert!(plan::is_structured_json(JSON_PLAN));
    assert!(!plan::is_structured_json(
        r#"[{"专业代码":"A","课程代码":"00001"}]"#
    ));
}

#[test]
fn batch_not_in_policy_is_usage_error() {
    let m = mem(&[a_ok("1")], &[full_a("1")]);
    assert!(run(&m, &pol("guangdong"), &opts("2022-03", "2022-03-10")).is_err());
}

#[test]
fn output_order_is_candidates_file_order() {
    let m = mem(
        &[a_ok("3"), a_ok("1"), a_ok("2")],
        &[full_a("1"), full_a("2"), full_a("3")],
    );
    let r = run_mem(&m, "national", "2022-06", "2022-06-10");
    let order: Vec<&str> = r
        .results
        .iter()
        .map(|i| i.get("exam_no").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(order, vec!["3", "1", "2"]);
}

#[test]
fn score_and_date_parsers() {
    assert_eq!(parse_score("85"), Some(ScoreValue::Num(850)));
    // the whole-number shortcut reads like the general path
    for n in 0..1000 {
        for t in [format!("{n}"), format!("{n:02}"), format!("{n:03}")] {
            assert_eq!(parse_score(&t), super::load::parse_score_text(&t), "{t}");
        }
    }
    assert_eq!(parse_score("100"), Some(ScoreValue::Num(1000)));
    assert_eq!(parse_score("101"), None);
    assert_eq!(parse_score("59.5分"), Some(ScoreValue::Num(595)));
    assert_eq!(parse_score("良好"), Some(ScoreValue::Pass));
    assert_eq!(parse_score("不及格"), Some(ScoreValue::Fail));
    assert_eq!(parse_score("免考"), Some(ScoreValue::Exempt));
    for b in ["七十", "-5", "1e9", "101", "", "NaN"] {
        assert_eq!(parse_score(b), None, "{b}");
    }
    assert_eq!(
        parse_date("2022-05-01"),
        Some((d("2022-05-01"), d("2022-05-01")))
    );
    assert_eq!(
        parse_date("202205"),
        Some((d("2022-05-01"), d("2022-05-31")))
    );
    assert_eq!(
        parse_date("2022年4月30日"),
        Some((d("2022-04-30"), d("2022-04-30")))
    );
    assert_eq!(parse_date("2022-02-30"), None);
}

/// Interim measurement on `gen_exports` output with a plain CSV source (the
/// real reader replaces it in benches/eligibility.rs):
/// `ZIKAO_ELIG_DIR=/tmp/x cargo test --release --lib elig::tests::generated_exports -- --ignored --nocapture`
#[test]
#[ignore]
fn generated_exports() {
    struct Dir(std::path::PathBuf);
    impl Source for Dir {
        fn has(&self, w: Which) -> bool {
            !matches!(w, Which::Certificates)
        }
        fn read(
            &self,
            w: Which,
            schema: &Schema,
            f: &mut dyn FnMut(Row<'_>),
        ) -> Result<Vec<InputProblem>> {
            let name = match w {
                Which::Plans => "plans.csv",
                Which::Candidates => "candidates.csv",
                Which::Scores => "scores.csv",
                Which::Violations => "violations.csv",
                Which::Graduates => "graduates.csv",
                Which::Certificates => "certificates.csv",
            };
            let path = self.0.join(name);
            let mut rd = csv::ReaderBuilder::new().from_path(&path).unwrap();
            let hdr: Vec<String> = rd
                .headers()
                .unwrap()
                .iter()
                .map(crate::text::header_key)
                .collect();
            let pos: Vec<Option<usize>> = schema
                .columns
                .iter()
                .map(|c| {
                    hdr.iter().position(|h| {
                        *h == crate::text::header_key(c.zh) || *h == crate::text::header_key(c.key)
                    })
                })
                .collect();
            let headers: Vec<Option<String>> =
                pos.iter().map(|p| p.map(|i| hdr[i].clone())).collect();
            let mut rec = csv::StringRecord::new();
            let mut n = 1;
            while rd.read_record(&mut rec).unwrap() {
                n += 1;
                let values = crate::table::Values::from_cells(
                    pos.iter()
                        .map(|p| p.and_then(|i| rec.get(i)).filter(|s| !s.is_empty())),
                );
                f(Row {
                    path: &path,
                    row: n,
                    schema,
                    values: &values,
                    headers: &headers,
                    skip: &[],
                });
            }
            Ok(Vec::new())
        }
        fn plans_json(&self) -> Result<Option<plan::Plans>> {
            Ok(None)
        }
        fn prereq(&self) -> Result<Option<HashMap<String, PrereqResult>>> {
            Ok(None)
        }
    }
    let Ok(dir) = std::env::var("ZIKAO_ELIG_DIR") else {
        return;
    };
    let t = std::time::Instant::now();
    let policy = std::env::var("ZIKAO_ELIG_POLICY").unwrap_or_else(|_| "guangdong".into());
    let r = run(
        &Dir(dir.into()),
        &pol(&policy),
        &opts("2022-06", "2022-06-16"),
    )
    .unwrap();
    eprintln!(
        "{} candidates in {:?}; summary {}",
        r.results.len(),
        t.elapsed(),
        r.summary()
    );
}

// ---- end to end through the table reader (tests/fixtures/elig/)

fn fixture_inputs(scores: &str) -> EligInputs {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/elig");
    EligInputs {
        candidates: dir.join("candidates.csv"),
        scores: dir.join(scores),
        plans: dir.join("plans.csv"),
        violations: Some(dir.join("violations.csv")),
        graduates: Some(dir.join("graduates.csv")),
        certificates: Some(dir.join("certificates.csv")),
        prereq: Some(dir.join("prereq.json")),
        read: Default::default(),
    }
}

/// Audits the fixture files with the Guangdong policy, June 2022 batch.
fn audit_files(inputs: &EligInputs) -> Report {
    audit(inputs, &pol("guangdong"), &opts("2022-06", "2022-06-16")).unwrap()
}

fn check_fixture_report(r: &Report) {
    assert_eq!(r.results.len(), 5);
    let i = item(r, "010100000001");
    assert_eq!(i.verdict, "eligible", "{:?}", i.findings);
    let i = item(r, "010100000002");
    assert_eq!(
        codes(i),
        vec![
            "elig.required",
            "elig.elective",
            "elig.total_credits",
            "elig.practice_match",
            "elig.violation",
            "elig.already_graduated",
            "elig.deadline"
        ]
    );
    let mi = i.value("missing").unwrap();
    let req: Vec<&str> = mi["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(req, vec!["00041", "00043", "00012", "00155"]);
    assert_eq!(mi["elective_count_short"], 1);
    assert_eq!(mi["elective_credits_short"], 2);
    assert!(r
        .input_errors
        .iter()
        .any(|p| p.code == "elig.bad_score" && p.row == Some(14)));
    assert_eq!(codes(item(r, "010100000003")), vec!["elig.additional"]);
    let i = item(r, "010100000004");
    assert_eq!(
        codes(i),
        vec!["elig.special", "elig.conduct", "elig.prior_education"]
    );
    assert_eq!(i.verdict, "ineligible");
    let i = item(r, "010100000005");
    assert_eq!(codes(i), vec!["elig.record"]);
    assert_eq!(i.findings.len(), 2);
    let s = r.summary();
    assert_eq!(s["verdicts"]["eligible"], 1);
    assert_eq!(s["verdicts"]["ineligible"], 4);
    assert_eq!(s["findings"]["elig.required"], 1);
}

#[test]
fn fixture_end_to_end_utf8() {
    check_fixture_report(&audit_files(&fixture_inputs("scores.csv")));
}

#[test]
fn fixture_end_to_end_gbk() {
    check_fixture_report(&audit_files(&fixture_inputs("scores_gbk.csv")));
}

#[test]
fn fixture_end_to_end_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/elig/scores.csv"),
    )
    .unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let x = dir.path().join("scores.xlsx");
    wb.save(&x).unwrap();
    let mut inputs = fixture_inputs("scores.csv");
    inputs.scores = x;
    check_fixture_report(&audit_files(&inputs));
}

#[test]
fn fixture_in_memory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/elig");
    let rd = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    let m = Mem {
        plans: rd("plans.csv"),
        plans_json: None,
        candidates: rd("candidates.csv"),
        scores: rd("scores.csv"),
        violations: Some(rd("violations.csv")),
        graduates: Some(rd("graduates.csv")),
        certificates: Some(rd("certificates.csv")),
        prereq: Some(rd("prereq.json")),
    };
    check_fixture_report(&run_mem(&m, "guangdong", "2022-06", "2022-06-16"));
}

#[test]
fn compact_form_stays_small() {
    assert!(
        std::mem::size_of::<load::Attempt>() <= 48,
        "{}",
        std::mem::size_of::<load::Attempt>()
    );
}

#[test]
fn a_bad_value_in_a_column_the_audit_does_not_use_costs_nothing() {
    // 出生日期 and 考试年月 are not read by the audit: an impossible date there
    // neither skips the row nor is reported
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/elig");
    let cands = std::fs::read_to_string(src.join("candidates.csv")).unwrap();
    let mut lines = cands.lines();
    let mut out = format!("{},出生日期\n", lines.next().unwrap());
    for l in lines.filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("{l},1998-13-45\n"));
    }
    std::fs::write(dir.path().join("candidates.csv"), out).unwrap();
    let scores = std::fs::read_to_string(src.join("scores.csv")).unwrap();
    let mut lines = scores.lines();
    let header = lines.next().unwrap();
    assert_eq!(header.split(',').nth(4), Some("考试年月"));
    let mut out = format!("{header}\n");
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let mut f: Vec<&str> = l.split(',').collect();
        f[4] = "2022年13月";
        out.push_str(&f.join(","));
        out.push('\n');
    }
    std::fs::write(dir.path().join("scores.csv"), out).unwrap();
    let mut inputs = fixture_inputs("scores.csv");
    inputs.candidates = dir.path().join("candidates.csv");
    inputs.scores = dir.path().join("scores.csv");
    let r = audit(&inputs, &pol("guangdong"), &opts("2022-06", "2022-06-16")).unwrap();
    let plain = audit(
        &fixture_inputs("scores.csv"),
        &pol("guangdong"),
        &opts("2022-06", "2022-06-16"),
    )
    .unwrap();
    assert_eq!(r.results, plain.results);
    assert_eq!(
        r.input_errors.len(),
        plain.input_errors.len(),
        "{:?}",
        r.input_errors
    );
}

proptest::proptest! {
    #[test]
    fn norm_cow_is_norm(s in "[ a-z0-9\t\u{3000}\u{FF10}-\u{FF5A}成绩笔试]{0,12}") {
        let fast = crate::text::norm_cow(&s).into_owned();
        proptest::prop_assert_eq!(fast, crate::text::norm_full(&s));
    }
}

/// Reads the files of an [`EligInputs`] in small chunks on several threads.
struct Chunked<'a>(Files<'a>);

impl Source for Chunked<'_> {
    fn has(&self, w: Which) -> bool {
        self.0.has(w)
    }
    fn read(
        &self,
        w: Which,
        schema: &Schema,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<Vec<InputProblem>> {
        self.0.read(w, schema, f)
    }
    fn file(&self, w: Which) -> Option<(&Path, &ReadOptions)> {
        self.0.file(w)
    }
    fn tuning(&self) -> table::Tuning {
        table::Tuning {
            min_size: 0,
            chunk: 1500,
            block: 200,
        }
    }
    fn plans_json(&self) -> Result<Option<plan::Plans>> {
        self.0.plans_json()
    }
    fn prereq(&self) -> Result<Option<HashMap<String, PrereqResult>>> {
        self.0.prereq()
    }
}

#[test]
fn audit_of_chunked_files_equals_one_reader() {
    // 120 candidates; their score rows partly together, partly scattered
    // over the file (so repeated attempts meet within a chunk and across
    // chunks), with notes (practicals elsewhere, substitutions), bad rows
    let dir = tempfile::tempdir().unwrap();
    let mut cands = vec![CAND_HDR.to_string()];
    let mut together = Vec::new();
    let mut scattered = Vec::new();
    for i in 0..120 {
        let e = format!("0101{i:08}");
        let major = if i % 3 == 0 {
            ("B200", "汉语言文学", "本科", "10558", "非相关专业")
        } else {
            ("A100", "会计", "专科", "10561", "")
        };
        cands.push(cand(
            &e, ID1, major.0, major.1, major.2, major.3, major.4, "合格",
        ));
        let rows = [
            format!("{e},00041,{},,,,,,", 40 + i % 30),
            format!("{e},00041,{},,,,,,", 50 + i % 20),
            format!("{e},00043,合格,,,,,,"),
            format!("{e},00012,{},,,,,,", 55 + i % 10),
            format!(
                "{e},00155,良好,实践,A100,{},,",
                if i % 7 == 0 { "10999" } else { "10561" }
            ),
            format!("{e},00054,70,,,,,,"),
            format!("{e},00065,75,,,,,,"),
            format!(
                "{e},00058,{},,,,,,",
                if i % 11 == 0 { "七十" } else { "80" }
            ),
            format!("{e},00037,{},,,,,,", 58 + i % 5),
            format!("{e},00529,免考,免考,,,2022-0{}-10,,", 3 + i % 4),
            format!("{e},00099,85,替代,,,2021-01-01,,00530"),
            format!("{e},00530,59.5,,,,,,"),
            format!("{e},09999,90,,,,,,"),
        ];
        for (k, r) in rows.into_iter().enumerate() {
            if (i + k) % 4 == 0 {
                scattered.push(r);
            } else {
                together.push(r);
            }
        }
    }
    // scattered rows go in reverse, far from their candidate's other rows
    scattered.reverse();
    let mut scores = vec![SCORE_HDR.to_string()];
    for (k, r) in together.into_iter().enumerate() {
        scores.push(r);
        if k % 5 == 0 {
            if let Some(s) = scattered.pop() {
                scores.push(s);
            }
        }
    }
    scores.extend(scattered);
    let w = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let inputs = EligInputs {
        candidates: w("candidates.csv", &cands.join("\n")),
        scores: w("scores.csv", &scores.join("\r\n")),
        plans: w("plans.csv", PLAN),
        violations: None,
        graduates: Some(w(
            "graduates.csv",
            &format!("准考证号,证件号码,专业代码,毕业年月\n010100000003,,A100,2019-06\n,{ID1},B200,2018-12"),
        )),
        certificates: None,
        prereq: None,
        read: Default::default(),
    };
    let (p, o) = (pol("guangdong"), opts("2022-06", "2022-06-10"));
    let one = run(&Files(&inputs), &p, &o).unwrap();
    assert_eq!(one.results.len(), 120);
    assert!(!one.input_errors.is_empty());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let chunked = pool.install(|| run(&Chunked(Files(&inputs)), &p, &o).unwrap());
    let json = |r: &Report| {
        let mut v = Vec::new();
        r.write_json_pretty(crate::Lang::En, &mut v).unwrap();
        String::from_utf8(v).unwrap()
    };
    assert_eq!(json(&chunked), json(&one));
}

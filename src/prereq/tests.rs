//! Tests of `prereq verify` on in-memory records (every code: a passing and
//! a failing case), built from the seed samples (004_… 附件2).

use super::*;
use crate::idno::check_char;
use crate::msg::Lang;
use crate::table::ReadOptions;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A valid 18-digit ID number for a birth date (`YYYYMMDD`) and sequence
/// (odd: male, even: female).
fn id(region: &str, birth: &str, seq: u32) -> String {
    let mut s = format!("{region}{birth}{seq:03}");
    s.push(check_char(s.as_bytes()));
    s
}

/// 张三 of the seed's registration-record sample: female, born 1998-09-01.
fn zhang_id() -> String {
    id("110105", "19980901", 2)
}

fn cand(exam_no: &str) -> Candidate {
    Candidate {
        row: 2,
        exam_no: exam_no.into(),
        name: "张三".into(),
        id_type: None,
        id_no: Some(zhang_id()),
        gender: Some("女".into()),
        birth_date: Some("1998-09-01".into()),
        level: Some("本科".into()),
    }
}

/// The seed's registration record (004_… 附件2), with a graduation date
/// inside Anhui's June-2023 cut-off.
fn prior(exam_no: &str) -> PriorRec {
    PriorRec {
        row: 2,
        exam_no: exam_no.into(),
        name: Some("张三".into()),
        id_no: Some(zhang_id()),
        prior_level: Some("专科".into()),
        prior_school: Some("北京林业大学".into()),
        prior_major: Some("商品花卉".into()),
        graduated_on: Some("2021-07-01".into()),
        certificate_no: Some("1002 2120 2106 9999 99".into()),
        proof: Some("备案表".into()),
        proof_code: Some("0908 8869 3519".into()),
        proof_valid_until: Some("2023-08-31".into()),
    }
}

fn run_with(
    c: Vec<Candidate>,
    p: Vec<PriorRec>,
    policy: &str,
    batch: &str,
    as_of: &str,
    f: impl FnOnce(&mut PrereqOptions, &mut PrereqInputs),
) -> Report {
    let mut inp = PrereqInputs {
        candidates: c,
        prior: p,
        candidates_path: "candidates.csv".into(),
        prior_path: "prior.csv".into(),
        ..Default::default()
    };
    let mut o = PrereqOptions::new(d(as_of));
    o.batch = Some(batch.parse().unwrap());
    f(&mut o, &mut inp);
    verify(&inp, &Policy::builtin(policy).unwrap(), &o).unwrap()
}

/// One candidate with one prior record under Anhui, June 2023, as of the
/// policy's review (as_of not given explicitly).
fn one(p: PriorRec) -> Item {
    one_c(cand("A1"), p)
}

fn one_c(c: Candidate, p: PriorRec) -> Item {
    let r = run_with(
        vec![c],
        vec![p],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    assert_eq!(r.results.len(), 1);
    r.results.into_iter().next().unwrap()
}

fn codes(it: &Item) -> Vec<(&'static str, Severity)> {
    it.findings.iter().map(|f| (f.code, f.severity)).collect()
}

fn has(it: &Item, code: &str, sev: Severity) -> bool {
    it.findings
        .iter()
        .any(|f| f.code == code && f.severity == sev)
}

#[test]
fn seed_registration_record_is_verified_with_link() {
    let it = one(prior("A1"));
    assert_eq!(it.verdict, "verified", "{:?}", codes(&it));
    assert!(it.ok);
    assert_eq!(
        it.get("verification_link").unwrap(),
        "https://www.chsi.com.cn/xlcx/bg.do?vcode=090888693519&srcid=bgcx"
    );
    assert_eq!(it.get("prior_level").unwrap(), "专科");
    assert_eq!(it.get("proof").unwrap(), "registration_record");
}

// ---- prereq.missing
#[test]
fn missing_record() {
    let r = run_with(
        vec![cand("A1"), cand("A2")],
        vec![prior("A1")],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    let a2 = r
        .results
        .iter()
        .find(|i| i.get("exam_no").unwrap() == "A2")
        .unwrap();
    assert_eq!(a2.verdict, "rejected");
    assert!(a2.has_code("prereq.missing"));
    assert_eq!(a2.get("verification_link").unwrap(), &Value::Null);
    let a1 = r
        .results
        .iter()
        .find(|i| i.get("exam_no").unwrap() == "A1")
        .unwrap();
    assert!(!a1.has_code("prereq.missing"));
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn only_bachelor_applicants_are_checked() {
    let mut zk = cand("Z1");
    zk.level = Some("专科".into());
    let mut unk = cand("U1");
    unk.level = None;
    let mut unk2 = cand("U2");
    unk2.level = None;
    let r = run_with(
        vec![cand("A1"), zk, unk, unk2],
        vec![prior("A1"), prior("U2"), prior("X9")],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    let nos: Vec<_> = r
        .results
        .iter()
        .map(|i| i.get("exam_no").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(nos, ["A1", "U2"]);
    let s = r.summary();
    assert_eq!(s["skipped_not_bachelor"], 1);
    assert_eq!(s["skipped_level_unknown"], 1);
    // a prior row for someone not among the candidates
    assert_eq!(r.input_errors.len(), 1);
    assert_eq!(r.input_errors[0].row, Some(2));
    assert!(r.input_errors[0].render(Lang::En).contains("X9"));
    // U2 is checked and still verified; the assumption is recorded
    assert_eq!(r.results[1].verdict, "verified");
    assert_eq!(r.results[1].get("level_assumed").unwrap(), true);
    assert_eq!(r.results[0].get("level_assumed").unwrap(), false);
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn exam_numbers_match_after_normalising() {
    let mut p = prior("A1");
    p.exam_no = " Ａ1 ".into();
    let r = run_with(
        vec![cand("A1")],
        vec![p],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    assert!(r.input_errors.is_empty());
    assert_eq!(r.results[0].verdict, "verified");
}

#[test]
fn best_of_several_records() {
    let mut bad = prior("A1");
    bad.prior_level = Some("中专".into());
    let r = run_with(
        vec![cand("A1")],
        vec![bad, prior("A1")],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    assert_eq!(r.results[0].verdict, "verified");
}

// ---- prereq.level
#[test]
fn level_checks() {
    for ok in ["专科", "大专", "高职", "本科", "硕士研究生", "博士"] {
        let mut p = prior("A1");
        p.prior_level = Some(ok.into());
        p.certificate_no = None;
        let it = one(p);
        assert!(!it.has_code("prereq.level"), "{ok}");
    }
    for below in ["中专", "高中", "职高", "技校", "中等职业教育"] {
        let mut p = prior("A1");
        p.prior_level = Some(below.into());
        let it = one(p);
        assert!(has(&it, "prereq.level", Severity::Error), "{below}");
        assert_eq!(it.verdict, "rejected");
    }
    let mut p = prior("A1");
    p.prior_level = Some("进修".into());
    let it = one(p);
    assert!(has(&it, "prereq.level", Severity::Warning));
    assert_eq!(it.verdict, "review");
    // empty level: taken from the certificate number (06 = 专科)
    let mut p = prior("A1");
    p.prior_level = None;
    let it = one(p);
    assert!(!it.has_code("prereq.level"));
    assert_eq!(it.verdict, "verified");
    // empty level and no certificate number: review
    let mut p = prior("A1");
    p.prior_level = None;
    p.certificate_no = None;
    assert!(has(&one(p), "prereq.level", Severity::Warning));
}

// ---- prereq.cutoff
#[test]
fn anhui_june_30_boundary() {
    for (date, verdict) in [
        ("2023-06-30", "verified"),
        ("2023-07-01", "rejected"),
        ("2023-06", "verified"),
        ("2023-07", "rejected"),
    ] {
        let mut p = prior("A1");
        p.graduated_on = Some(date.into());
        p.certificate_no = Some("100221202306999999".into());
        let it = one_c(cand("A1"), p);
        assert_eq!(it.verdict, verdict, "{date}: {:?}", codes(&it));
        assert_eq!(
            has(&it, "prereq.cutoff", Severity::Error),
            verdict == "rejected",
            "{date}"
        );
    }
}

#[test]
fn anhui_december_batch_cutoff_is_policy_data() {
    let mut p = prior("A1");
    p.graduated_on = Some("2023-12-31".into());
    p.certificate_no = Some("100221202306999999".into());
    p.proof_valid_until = Some("2024-03-01".into());
    let r = run_with(
        vec![cand("A1")],
        vec![p.clone()],
        "anhui",
        "2023-12",
        "2024-01-05",
        |_, _| {},
    );
    assert!(
        !r.results[0].has_code("prereq.cutoff"),
        "{:?}",
        codes(&r.results[0])
    );
    p.graduated_on = Some("2024-01-01".into());
    let r = run_with(
        vec![cand("A1")],
        vec![p.clone()],
        "anhui",
        "2023-12",
        "2024-01-05",
        |_, _| {},
    );
    assert!(has(&r.results[0], "prereq.cutoff", Severity::Error));
    // national: no cut-off at all
    let r = run_with(
        vec![cand("A1")],
        vec![p],
        "national",
        "2023-12",
        "2024-01-05",
        |_, _| {},
    );
    assert!(!r.results[0].has_code("prereq.cutoff"));
}

#[test]
fn guangdong_registration_and_fresh_graduates() {
    let run = |grad: Option<&str>, cert: Option<&str>, as_of: &str| {
        let mut p = prior("G1");
        p.graduated_on = grad.map(String::from);
        p.certificate_no = cert.map(String::from);
        p.proof_valid_until = Some("2022-12-31".into());
        let r = run_with(
            vec![cand("G1")],
            vec![p],
            "guangdong",
            "2022-06",
            as_of,
            |_, _| {},
        );
        r.results.into_iter().next().unwrap()
    };
    let c = Some("100221202206999999");
    // on the registration day: fine
    let it = run(Some("2022-06-01"), c, "2022-07-10");
    assert!(!it.has_code("prereq.cutoff"), "{:?}", codes(&it));
    // after June 1, by July 5: only fresh full-time graduates → review
    let it = run(Some("2022-06-28"), c, "2022-07-10");
    assert!(has(&it, "prereq.cutoff", Severity::Warning));
    assert_eq!(it.verdict, "review");
    // after July 5: rejected
    let it = run(Some("2022-07-06"), c, "2022-07-10");
    assert!(has(&it, "prereq.cutoff", Severity::Error));
    // not yet added, grace still running → review; grace over → rejected
    let it = run(None, None, "2022-06-20");
    assert!(has(&it, "prereq.cutoff", Severity::Warning));
    assert!(has(&it, "prereq.certificate_no", Severity::Warning));
    assert_eq!(it.verdict, "review");
    let it = run(None, None, "2022-07-06");
    assert!(has(&it, "prereq.cutoff", Severity::Error));
    // a 2012 graduate is not a fresh graduate: no grace for a missing
    // certificate number, even while the grace runs (issue 17 item 12)
    let it = run(Some("2012-07-01"), None, "2022-06-20");
    let f = it
        .findings
        .iter()
        .find(|f| f.code == "prereq.certificate_no")
        .unwrap_or_else(|| panic!("{:?}", codes(&it)));
    let zh = f.message.render(crate::Lang::Zh);
    assert!(!zh.contains("应届"), "{zh}");
    assert_eq!(zh, "未填写前置学历证书编号");
    // a graduate of this year still gets the grace
    let it = run(Some("2022-05-20"), None, "2022-06-20");
    let f = it
        .findings
        .iter()
        .find(|f| f.code == "prereq.certificate_no")
        .unwrap_or_else(|| panic!("{:?}", codes(&it)));
    assert!(f.message.render(crate::Lang::Zh).contains("应届"));
    // December batch: December 1, no grace
    let mut p = prior("G1");
    p.graduated_on = Some("2022-12-02".into());
    p.certificate_no = Some("100221202206999999".into());
    let r = run_with(
        vec![cand("G1")],
        vec![p],
        "guangdong",
        "2022-12",
        "2022-12-15",
        |_, _| {},
    );
    assert!(has(&r.results[0], "prereq.cutoff", Severity::Error));
}

// ---- prereq.id_number
#[test]
fn id_number_checks() {
    let mut c = cand("A1");
    let mut bad = zhang_id();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    c.id_no = Some(bad);
    let it = one_c(c, prior("A1"));
    assert!(has(&it, "prereq.id_number", Severity::Error));
    assert_eq!(it.verdict, "rejected");
    // impossible date
    let mut c = cand("A1");
    c.id_no = Some(id("110105", "19990230", 2));
    assert!(has(
        &one_c(c, prior("A1")),
        "prereq.id_number",
        Severity::Error
    ));
    // missing
    let mut c = cand("A1");
    c.id_no = None;
    assert!(has(
        &one_c(c, prior("A1")),
        "prereq.id_number",
        Severity::Error
    ));
    // valid: no finding
    assert!(!one(prior("A1")).has_code("prereq.id_number"));
    // an invalid number on the diploma record is for review
    let mut p = prior("A1");
    p.id_no = Some("110105199809010000".into());
    let it = one(p);
    assert!(
        has(&it, "prereq.id_number", Severity::Warning),
        "{:?}",
        codes(&it)
    );
    assert_eq!(it.verdict, "review");
}

#[test]
fn fifteen_digit_upgrade_matches_same_person() {
    // 15-digit exam record, 18-digit diploma record
    let id15 = "110105980901002";
    let id18 = crate::idno::upgrade15(id15).unwrap();
    let mut c = cand("A1");
    c.id_no = Some(id15.into());
    let mut p = prior("A1");
    p.id_no = Some(id18.clone());
    let it = one_c(c, p);
    assert_eq!(it.verdict, "verified", "{:?}", codes(&it));
    assert!(has(&it, "prereq.id_number", Severity::Info));
    assert!(!it.has_code("prereq.identity_match"));
    // and the other way round
    let mut c = cand("A1");
    c.id_no = Some(id18);
    let mut p = prior("A1");
    p.id_no = Some(id15.into());
    assert_eq!(one_c(c, p).verdict, "verified");
    // a different 15-digit number is not the same person
    let mut p = prior("A1");
    p.id_no = Some("110105980901004".into());
    let it = one(p);
    assert!(has(&it, "prereq.identity_match", Severity::Warning));
}

// ---- prereq.identity_match
#[test]
fn names_are_normalised_never_fuzzy() {
    let mut p = prior("A1");
    p.name = Some("　张三 ".into());
    assert_eq!(one(p).verdict, "verified");
    let mut c = cand("A1");
    c.name = "买买提·艾力".into();
    let mut p = prior("A1");
    p.name = Some("买买提•艾力".into());
    assert_eq!(one_c(c, p).verdict, "verified");
    let mut c = cand("A1");
    c.name = "ZHANG San".into();
    let mut p = prior("A1");
    p.name = Some("Ｚｈａｎｇ　Ｓａｎ".into());
    assert_eq!(one_c(c, p).verdict, "verified");
    // one different character is a different name
    let mut p = prior("A1");
    p.name = Some("张叁".into());
    let it = one(p);
    assert!(has(&it, "prereq.identity_match", Severity::Warning));
    assert!(has(&it, "prereq.original_required", Severity::Warning));
    assert_eq!(it.verdict, "review");
}

#[test]
fn id_change_is_review_both_changed_is_rejected() {
    let mut p = prior("A1");
    p.id_no = Some(id("110105", "19980901", 4));
    let it = one(p);
    assert!(has(&it, "prereq.identity_match", Severity::Warning));
    assert!(has(&it, "prereq.original_required", Severity::Warning));
    assert_eq!(it.verdict, "review");
    let mut p = prior("A1");
    p.id_no = Some(id("110105", "19980901", 4));
    p.name = Some("李四".into());
    let it = one(p);
    assert!(has(&it, "prereq.identity_match", Severity::Error));
    assert_eq!(it.verdict, "rejected");
}

#[test]
fn birth_and_gender_from_id() {
    let mut c = cand("A1");
    c.birth_date = Some("1998-09-02".into());
    let it = one_c(c, prior("A1"));
    assert!(has(&it, "prereq.identity_match", Severity::Warning));
    let mut c = cand("A1");
    c.gender = Some("男".into());
    let it = one_c(c, prior("A1"));
    assert!(has(&it, "prereq.identity_match", Severity::Warning));
    assert_eq!(it.verdict, "review");
    let mut c = cand("A1");
    c.birth_date = Some("1998年9月1日".into());
    assert_eq!(one_c(c, prior("A1")).verdict, "verified");
}

#[test]
fn prior_without_name_or_id_is_review() {
    let mut p = prior("A1");
    p.name = None;
    let it = one(p);
    assert!(has(&it, "prereq.identity_match", Severity::Warning));
}

// ---- prereq.certificate_no
#[test]
fn certificate_number_structure() {
    // the seed sample exactly: 北京林业大学 10022, type 1, 2001, 06 专科, graduated 2001-07-01
    let mut p = prior("A1");
    p.graduated_on = Some("2001-07-01".into());
    p.certificate_no = Some("1002 2120 0106 9999 99".into());
    let it = one(p);
    assert!(!it.has_code("prereq.certificate_no"), "{:?}", codes(&it));
    // year differs from the graduation year
    let mut p = prior("A1");
    p.certificate_no = Some("100221202006999999".into());
    let it = one(p);
    assert!(has(&it, "prereq.certificate_no", Severity::Error));
    assert_eq!(it.verdict, "rejected");
    // level code 05 (本科) on a 专科 record
    let mut p = prior("A1");
    p.certificate_no = Some("100221202105999999".into());
    assert!(has(&one(p), "prereq.certificate_no", Severity::Error));
    // the seed's 原证书编号 (year 5487) and the report's 24-digit number: unrecognised → review
    for n in [
        "1075 7654 8765 0021 54",
        "111111111111111111111111",
        "ABC123",
    ] {
        let mut p = prior("A1");
        p.certificate_no = Some(n.into());
        let it = one(p);
        assert!(has(&it, "prereq.certificate_no", Severity::Warning), "{n}");
        assert_eq!(it.verdict, "review", "{n}");
    }
    // pre-2001 diploma: older form, information only
    let mut p = prior("A1");
    p.graduated_on = Some("1999-07-01".into());
    p.certificate_no = Some("12345".into());
    let it = one(p);
    assert!(!it.has_code("prereq.certificate_no"));
    assert_eq!(it.get("certificate_form").unwrap(), "pre_2001");
    assert_eq!(it.verdict, "verified");
    // 17-digit self-taught form (6, level, Anhui 34..., year 21)
    let mut p = prior("A1");
    p.certificate_no = Some("61340102211000123".into());
    let it = one(p);
    assert!(!it.has_code("prereq.certificate_no"));
    assert_eq!(it.get("certificate_form").unwrap(), "self_taught_17");
    assert_eq!(it.verdict, "verified", "{:?}", codes(&it));
    // its year must match (heuristic: review)
    let mut p = prior("A1");
    p.certificate_no = Some("61340102201000123".into());
    assert!(has(&one(p), "prereq.certificate_no", Severity::Warning));
    // the seed sample is the regular (普通, type 1) form
    assert_eq!(one(prior("A1")).get("certificate_form").unwrap(), "regular");
    // missing → review
    let mut p = prior("A1");
    p.certificate_no = None;
    assert!(has(&one(p), "prereq.certificate_no", Severity::Warning));
}

// ---- prereq.proof_code
#[test]
fn proof_code_forms() {
    // 16 characters beginning with A or X
    for code in ["A1B2C3D4E5F60718", "x123456789012345"] {
        let mut p = prior("A1");
        p.proof_code = Some(code.into());
        let it = one(p);
        assert!(!it.has_code("prereq.proof_code"), "{code}");
        assert!(it
            .get("verification_link")
            .unwrap()
            .as_str()
            .unwrap()
            .contains(&code.to_uppercase()));
    }
    for code in ["0908 8869 351", "B123456789012345", "09088869351X"] {
        let mut p = prior("A1");
        p.proof_code = Some(code.into());
        let it = one(p);
        assert!(has(&it, "prereq.proof_code", Severity::Error), "{code}");
        assert_eq!(it.verdict, "rejected");
        assert_eq!(it.get("verification_link").unwrap(), &Value::Null);
    }
    // the seed's report number: 20 digits, no online link
    let mut p = prior("A1");
    p.proof = Some("学历认证报告".into());
    p.proof_code = Some("50111111111111111111".into());
    let it = one(p);
    assert!(!it.has_code("prereq.proof_code"));
    assert_eq!(it.get("verification_link").unwrap(), &Value::Null);
    assert_eq!(it.verdict, "verified", "{:?}", codes(&it));
    let mut p = prior("A1");
    p.proof = Some("认证报告".into());
    p.proof_code = Some("5011".into());
    let it = one(p);
    assert!(has(&it, "prereq.proof_code", Severity::Warning));
    // no proof at all
    let mut p = prior("A1");
    p.proof = None;
    p.proof_code = None;
    p.proof_valid_until = None;
    let it = one(p);
    assert!(has(&it, "prereq.proof_code", Severity::Warning));
    assert_eq!(it.verdict, "review");
    // kind inferred from a 12-digit code when the column is empty
    let mut p = prior("A1");
    p.proof = None;
    assert_eq!(one(p).verdict, "verified");
}

// ---- prereq.proof_expired
#[test]
fn proof_expiry_by_review_date() {
    // Anhui June batch: review date June 12 (as_of not given)
    for (until, expired) in [("2023-06-12", false), ("2023-06-11", true)] {
        let mut p = prior("A1");
        p.proof_valid_until = Some(until.into());
        let it = one(p);
        assert_eq!(
            has(&it, "prereq.proof_expired", Severity::Error),
            expired,
            "{until}"
        );
    }
    // an explicit --as-of is the review date
    let mut p = prior("A1");
    p.proof_valid_until = Some("2023-06-11".into());
    let r = run_with(
        vec![cand("A1")],
        vec![p],
        "anhui",
        "2023-06",
        "2023-06-10",
        |o, _| o.as_of_given = true,
    );
    assert_eq!(r.results[0].verdict, "verified");
    assert_eq!(r.summary()["review_date"], "2023-06-10");
    // validity unknown → review
    let mut p = prior("A1");
    p.proof_valid_until = None;
    assert!(has(&one(p), "prereq.proof_expired", Severity::Warning));
}

// ---- prereq.original_required
#[test]
fn original_required_cases() {
    let mut c = cand("A1");
    c.id_type = Some("护照".into());
    c.id_no = Some("E12345678".into());
    let mut p = prior("A1");
    p.id_no = Some("e12345678".into());
    let it = one_c(c, p);
    assert!(
        has(&it, "prereq.original_required", Severity::Warning),
        "{:?}",
        codes(&it)
    );
    assert!(!it.has_code("prereq.id_number"));
    assert_eq!(it.verdict, "review");
    let mut p = prior("A1");
    p.proof = Some("国外学历认证".into());
    p.proof_code = Some("教留服认英[2019]01234号".into());
    p.certificate_no = None;
    p.prior_level = Some("学士".into());
    p.proof_valid_until = None;
    let it = one(p);
    assert!(
        has(&it, "prereq.original_required", Severity::Warning),
        "{:?}",
        codes(&it)
    );
    assert!(!it.has_code("prereq.proof_code"));
    assert!(!it.has_code("prereq.proof_expired"));
    assert_eq!(it.verdict, "review");
    let msg = it
        .findings
        .iter()
        .find(|f| f.code == "prereq.original_required")
        .unwrap()
        .message
        .render(Lang::Zh);
    assert!(msg.contains("原件") && msg.contains("复印件"), "{msg}");
    // a mainland record with nothing changed needs no original
    assert!(!one(prior("A1")).has_code("prereq.original_required"));
}

// ---- prereq.concurrent
#[test]
fn concurrent_self_taught_associate() {
    let conc = || {
        let mut p = prior("A1");
        p.proof = Some("自考专科".into());
        p.proof_code = Some("013419100123".into());
        p.certificate_no = None;
        p.graduated_on = None;
        p.prior_level = None;
        p.proof_valid_until = None;
        p
    };
    let elig = |verdict: &str, level: &str| EligibilityResult {
        batch: None,
        entries: [(
            "013419100123".to_string(),
            EligEntry {
                exam_no: "013419100123".into(),
                name: Some("张三".into()),
                verdict: verdict.into(),
                level: Some(level.into()),
            },
        )]
        .into_iter()
        .collect(),
    };
    let go = |e: Option<EligibilityResult>| {
        let r = run_with(
            vec![cand("A1")],
            vec![conc()],
            "anhui",
            "2023-06",
            "2023-06-08",
            |_, i| i.eligibility = e,
        );
        r.results.into_iter().next().unwrap()
    };
    let it = go(Some(elig("eligible", "专科")));
    assert_eq!(it.verdict, "verified", "{:?}", codes(&it));
    assert!(it.findings.is_empty());
    assert_eq!(it.get("verification_link").unwrap(), &Value::Null);
    assert!(has(
        &go(Some(elig("ineligible", "专科"))),
        "prereq.concurrent",
        Severity::Error
    ));
    assert!(has(
        &go(Some(elig("eligible", "本科"))),
        "prereq.concurrent",
        Severity::Error
    ));
    assert!(has(
        &go(Some(elig("review", "专科"))),
        "prereq.concurrent",
        Severity::Warning
    ));
    assert!(has(
        &go(Some(EligibilityResult::default())),
        "prereq.concurrent",
        Severity::Error
    ));
    let mut other = elig("eligible", "专科");
    other.entries.get_mut("013419100123").unwrap().name = Some("李四".into());
    assert!(has(&go(Some(other)), "prereq.concurrent", Severity::Error));
    let it = go(None);
    assert!(has(&it, "prereq.concurrent", Severity::Warning));
    assert_eq!(it.verdict, "review");
}

#[test]
fn eligibility_json_reader() {
    let text = r#"{"command":"eligibility","summary":{"total":2,"batch":"2023-06"},
      "results":[{"exam_no":"013419100123","name":"张三","verdict":"eligible","findings":[],"level":"专科"},
                 {"exam_no":13419100124,"name":"李四","verdict":"ineligible","findings":[]}]}"#;
    let e = parse_eligibility(text, Path::new("e.json")).unwrap();
    assert_eq!(e.batch, Some("2023-06".parse().unwrap()));
    assert_eq!(e.entries["013419100123"].verdict, "eligible");
    assert_eq!(e.entries["013419100123"].level.as_deref(), Some("专科"));
    assert_eq!(e.entries["13419100124"].verdict, "ineligible");
    let err = parse_eligibility(
        r#"{"command":"photo check","results":[]}"#,
        Path::new("e.json"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("e.json"));
    assert!(parse_eligibility("[", Path::new("e.json")).is_err());
    // a result for another batch is refused
    let mut inp = PrereqInputs {
        eligibility: Some(e),
        ..Default::default()
    };
    inp.candidates.push(cand("A1"));
    let mut o = PrereqOptions::new(d("2023-12-05"));
    o.batch = Some("2023-12".parse().unwrap());
    assert!(verify(&inp, &Policy::builtin("anhui").unwrap(), &o).is_err());
    // a month that is not a batch of the policy is a usage error
    let inp = PrereqInputs::default();
    o.batch = Some("2023-03".parse().unwrap());
    assert!(matches!(
        verify(&inp, &Policy::builtin("anhui").unwrap(), &o),
        Err(Error::UsageBoth(_))
    ));
}

// ---- masking and the JSON that eligibility --prereq reads
#[test]
fn ids_masked_unless_unmask() {
    let full = zhang_id();
    let mut p = prior("A1");
    p.id_no = Some(id("110105", "19980901", 4));
    let r = run_with(
        vec![cand("A1")],
        vec![p.clone()],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    let j = r.to_json(Lang::Zh).to_string();
    assert!(!j.contains(&full), "{j}");
    assert!(!j.contains(&id("110105", "19980901", 4)), "{j}");
    assert_eq!(
        r.results[0].get("id_no").unwrap(),
        &json!(crate::idno::mask(&full))
    );
    let r = run_with(
        vec![cand("A1")],
        vec![p],
        "anhui",
        "2023-06",
        "2023-06-08",
        |o, _| o.unmask = true,
    );
    assert_eq!(r.results[0].get("id_no").unwrap(), &json!(full));
    assert!(r.to_json(Lang::En).to_string().contains(&full));
}

#[test]
fn json_shape_for_eligibility() {
    let r = run_with(
        vec![cand("A1"), cand("A2")],
        vec![prior("A1")],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    let j = r.to_json(Lang::En);
    assert_eq!(j["command"], "prereq verify");
    assert_eq!(j["results"][0]["exam_no"], "A1");
    assert_eq!(j["results"][0]["name"], "张三");
    assert_eq!(j["results"][0]["verdict"], "verified");
    assert_eq!(j["results"][1]["verdict"], "rejected");
    assert_eq!(j["results"][1]["findings"][0]["code"], "prereq.missing");
    assert_eq!(j["summary"]["verdicts"]["verified"], 1);
    assert_eq!(j["summary"]["batch"], "2023-06");
    assert!(j["results"][0].get("verification_link").is_some());
}

#[test]
fn eligibility_reads_this_json() {
    // what `zikao eligibility --prereq FILE` does with our JSON output
    let mut p2 = prior("A3");
    p2.name = Some("张叁".into());
    let r = run_with(
        vec![cand("A1"), cand("A2"), cand("A3")],
        vec![prior("A1"), p2],
        "anhui",
        "2023-06",
        "2023-06-08",
        |_, _| {},
    );
    let text = serde_json::to_string(&r.to_json(Lang::Zh)).unwrap();
    let (cmd, m) = crate::elig::report::parse_report(&text, Path::new("prereq.json")).unwrap();
    assert_eq!(cmd, "prereq verify");
    assert_eq!(m["A1"].verdict, "verified");
    assert_eq!(m["A2"].verdict, "rejected");
    assert!(m["A2"].codes.contains(&"prereq.missing".to_string()));
    assert_eq!(m["A3"].verdict, "review");
    assert!(m["A3"].codes.contains(&"prereq.identity_match".to_string()));
}

#[test]
fn every_message_renders_in_both_languages() {
    // A1's prior record has a level below 专科, no graduation date and a
    // malformed certificate number; A2 has no prior record at all.
    let mut bad = prior("A1");
    bad.prior_level = Some("中专".into());
    bad.graduated_on = None;
    bad.certificate_no = Some("123".into());
    let r = run_with(
        vec![cand("A1"), cand("A2")],
        vec![bad],
        "guangdong",
        "2022-06",
        "2022-06-10",
        |_, _| {},
    );
    let findings: Vec<_> = r.results.iter().flat_map(|it| &it.findings).collect();
    // the fixture's one candidate has findings (the loop below must see some)
    assert!(!findings.is_empty(), "no findings to render");
    for f in findings {
        let (zh, en) = (f.message.render(Lang::Zh), f.message.render(Lang::En));
        assert!(!zh.is_empty() && !en.is_empty(), "{}", f.code);
        assert_ne!(zh, en, "{}: the two languages differ", f.code);
    }
}

// ---- parsers
#[test]
fn parsers() {
    use checks::*;
    assert_eq!(
        DateVal::parse("2023年6月30日"),
        Some(DateVal::Day(d("2023-06-30")))
    );
    assert_eq!(
        DateVal::parse("20230630"),
        Some(DateVal::Day(d("2023-06-30")))
    );
    assert_eq!(DateVal::parse("2006年07月"), Some(DateVal::Month(2006, 7)));
    assert_eq!(DateVal::parse("2023-02-30"), None);
    assert_eq!(
        QualificationLevel::parse("高职（专科）"),
        Some(QualificationLevel::Associate)
    );
    assert_eq!(
        QualificationLevel::parse("中专"),
        Some(QualificationLevel::Below)
    );
    assert_eq!(
        QualificationLevel::parse("博士研究生"),
        Some(QualificationLevel::Doctor)
    );
    assert_eq!(
        QualificationLevel::parse("高等职业教育"),
        Some(QualificationLevel::Associate)
    );
    assert_eq!(
        QualificationLevel::parse("高起专"),
        Some(QualificationLevel::Associate)
    );
    assert_eq!(
        QualificationLevel::parse("高起本"),
        Some(QualificationLevel::Bachelor)
    );
    assert_eq!(
        QualificationLevel::parse("普通高中"),
        Some(QualificationLevel::Below)
    );
    assert_eq!(
        QualificationLevel::parse("第二学士学位"),
        Some(QualificationLevel::Bachelor)
    );
    assert_eq!(QualificationLevel::parse("预科"), None);
    assert_eq!(
        QualificationLevel::parse("高中起点本科"),
        Some(QualificationLevel::Bachelor)
    );
    assert_eq!(
        QualificationLevel::parse("高中起点专科"),
        Some(QualificationLevel::Associate)
    );
    assert!(is_online_code("090888693519"));
    assert!(!is_online_code("09088869351"));
    assert!(is_report_number("50111111111111111111"));
    assert_eq!(
        Proof::parse("教育部学历证书电子注册备案表"),
        Some(Proof::Record)
    );
    assert_eq!(
        Proof::parse("中国高等教育学历认证报告"),
        Some(Proof::Report)
    );
    assert_eq!(Proof::parse("国外学历学位认证书"), Some(Proof::Foreign));
    assert_eq!(Proof::parse("自考专科"), Some(Proof::Concurrent));
    assert!(matches!(
        cert_form("100221200106999999", d("2023-01-01")),
        CertForm::Regular { year: 2001, .. }
    ));
    assert_eq!(
        cert_form("107576548765002154", d("2023-01-01")),
        CertForm::Unknown
    );
}

mod prop {
    use super::checks::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,30}") {
            let _ = DateVal::parse(&s);
            let _ = QualificationLevel::parse(&s);
            let _ = Proof::parse(&s);
            let _ = cert_form(&compact(&s), chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap());
            let _ = name_key(&s);
        }

        #[test]
        fn regular_numbers_roundtrip(school in 10000u32..99999, ty in prop::sample::select(vec![1u8, 5, 6, 7]), year in 2002i32..2023, lvl in prop::sample::select(vec!["05", "06"]), serial in 0u32..999999) {
            let n = format!("{school:05}{ty}{year}{lvl}{serial:06}");
            let f = cert_form(&n, chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap());
            let is_regular = matches!(f, CertForm::Regular { year: y, .. } if y == year);
            prop_assert!(is_regular);
        }
    }
}

// ---- the committed fixtures, read through the table reader
#[test]
fn fixtures_end_to_end() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prereq");
    let inp = PrereqInputs::read(
        &dir.join("candidates.csv"),
        &dir.join("prior.csv"),
        Some(&dir.join("eligibility.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    let mut o = PrereqOptions::new(d("2023-06-10"));
    o.batch = Some("2023-06".parse().unwrap());
    o.as_of_given = true;
    let r = verify(&inp, &Policy::builtin("anhui").unwrap(), &o).unwrap();
    let got: Vec<(String, &str)> = r
        .results
        .iter()
        .map(|i| {
            (
                i.get("exam_no").unwrap().as_str().unwrap().to_string(),
                i.verdict,
            )
        })
        .collect();
    let want = [
        ("013423100001", "verified"),
        ("013423100002", "rejected"),
        ("013423100003", "rejected"),
        ("013423100004", "rejected"),
        ("013423100005", "review"),
        ("013423100007", "verified"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((g, v), (w, wv)) in got.iter().zip(want) {
        assert_eq!((g.as_str(), *v), (w, wv));
    }
    assert!(r.results[1].has_code("prereq.level"));
    assert!(r.results[2].has_code("prereq.cutoff"));
    assert!(r.results[3].has_code("prereq.missing"));
    assert!(r.results[4].has_code("prereq.original_required"));
    assert_eq!(
        r.results[0].get("verification_link").unwrap(),
        "https://www.chsi.com.cn/xlcx/bg.do?vcode=090888693519&srcid=bgcx"
    );
    assert_eq!(r.summary()["skipped_not_bachelor"], 1);
    assert!(r.input_errors.is_empty(), "{:?}", r.input_errors);
    assert_eq!(r.exit_code(), 1);
}

/// Scale: `cargo test --lib prereq::tests::scale -- --ignored --nocapture`.
#[test]
#[ignore]
fn scale() {
    let n = 200_000;
    let mut cs = Vec::with_capacity(n);
    let mut ps = Vec::with_capacity(n);
    for i in 0..n {
        let no = format!("0134{i:08}");
        let mut c = cand(&no);
        c.id_no = Some(id("340102", "19900101", (i % 1000) as u32));
        c.gender = None;
        let mut p = prior(&no);
        p.id_no = c.id_no.clone();
        cs.push(c);
        ps.push(p);
    }
    let t = std::time::Instant::now();
    let r = run_with(cs, ps, "anhui", "2023-06", "2023-06-08", |_, _| {});
    let el = t.elapsed();
    let j = r.to_json(Lang::Zh);
    println!("{n} candidates: verify {el:?}, json {:?}", t.elapsed());
    assert_eq!(j["summary"]["total"], n);
}

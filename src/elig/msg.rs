use chrono::NaiveDate;

use crate::msg::Lang;

/// Messages of the graduation audit, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum EligMsg {
    // ---- conditions
    /// Required (必考/实践/论文) courses not passed.
    RequiredMissing { courses: Vec<String> },
    /// Elective minimum not reached.
    ElectiveShort {
        credits: f64,
        need_credits: Option<f64>,
        count: u32,
        need_count: Option<u32>,
    },
    /// Additional courses of the candidate's type not reached.
    AdditionalShort {
        kind: String,
        missing: Vec<String>,
        count_short: u32,
        credits_short: f64,
    },
    /// Total credits below the plan's minimum.
    TotalCreditsShort { have: f64, need: f64 },
    /// A passed practical/thesis belongs to another major or school.
    PracticeMismatch {
        course: String,
        found: String,
        applied: String,
    },
    /// A practical/thesis whose school is given in another form (code vs name).
    PracticeUncomparable {
        course: String,
        found: String,
        applied: String,
    },
    /// A violation's delay has not run out by the batch.
    ViolationDelay {
        date: NaiveDate,
        years: f64,
        until: NaiveDate,
        batch: String,
    },
    /// A violation row of the candidate could not be read.
    ViolationUnreadable { value: String },
    /// A special major's certificate is missing.
    SpecialMissing {
        rule_zh: String,
        rule_en: String,
        what_zh: String,
        what_en: String,
    },
    /// A special major's certificate has expired.
    SpecialExpired {
        what_zh: String,
        what_en: String,
        until: NaiveDate,
    },
    /// A special major's certificate whose validity is not recorded.
    SpecialValidityUnknown { what_zh: String, what_en: String },
    /// A special major's certificates were not given: to inspect.
    SpecialToInspect { rule_zh: String, rule_en: String },
    /// Already graduated in the same major.
    AlreadyGraduated { major: String, when: Option<String> },
    /// Conduct assessed 不合格.
    ConductFailed { value: String },
    /// Conduct not yet assessed.
    ConductUnknown,
    /// Conduct value not understood.
    ConductUnclear { value: String },
    /// Prior education rejected by `prereq verify`.
    PriorRejected { codes: Vec<String> },
    /// Prior education left for review by `prereq verify`.
    PriorReview { codes: Vec<String> },
    /// No prereq result for this bachelor applicant.
    PriorNotVerified,
    /// Records approved on or after the cut-off.
    DeadlineLate {
        records: Vec<String>,
        cutoff: NaiveDate,
    },
    /// Records without an approval date where a cut-off applies.
    DeadlineUndated {
        records: Vec<String>,
        cutoff: NaiveDate,
    },
    /// 15-digit ID number not upgraded before the cut-off.
    IdUpgradeLate { cutoff: NaiveDate },
    /// Transfers that need archiving before they count.
    TransferArchive {
        records: Vec<String>,
        auto_from: Option<NaiveDate>,
    },
    /// A bug: the audit of this candidate panicked (the batch went on).
    InternalError { detail: String },
    // ---- the candidate's own record (elig.record)
    /// The ID number is invalid.
    InvalidId {
        value: String,
        reason_zh: String,
        reason_en: String,
    },
    /// A 15-digit ID number still needs its upgrade (a record correction).
    IdNeedsUpgrade { value: String },
    /// A required field is empty.
    MissingField { column: String },
    /// No plan for the major.
    UnknownMajor { code: String },
    /// The major's plan is unusable.
    PlanInvalid { code: String, problems: Vec<String> },
    /// The candidate's level differs from the plan's.
    LevelMismatch { candidate: String, plan: String },
    /// The school is not a main exam school of the major.
    SchoolNotInPlan {
        school: String,
        schools: Vec<String>,
    },
    /// The additional type is not in the plan.
    UnknownAdditionalType { kind: String },
    /// The candidate appears more than once.
    DuplicateCandidate { exam_no: String },
    // ---- input rows
    /// A score that is not 0-100, 合格/不合格, a grade word or 免考.
    BadScore { value: String },
    /// An unknown 成绩类型.
    BadKind { value: String },
    /// A date that cannot be read.
    BadDate { value: String },
    /// A 替代 row without 替代课程代码.
    MissingReplaces,
    /// A required value is empty.
    MissingValue { column: String },
    /// A number that cannot be read.
    BadNumber { value: String },
    /// An unknown plan category.
    BadCategory { value: String },
    /// An unknown level.
    BadLevel { value: String },
    /// Conflicting values for one major.
    PlanConflict {
        major: String,
        field: String,
        a: String,
        b: String,
    },
    /// The same course twice for a major.
    DuplicateCourse { code: String },
    /// A substitution outside the policy's course groups.
    SubstitutionNotAllowed { course: String },
}

/// A `prereq verify` finding code as a short reason (the code itself when
/// unknown, e.g. a newer one).
fn prereq_reason(code: &str, lang: Lang) -> String {
    let (zh, en) = match code {
        "prereq.cutoff" => (
            "前置学历毕业日期晚于截止日期",
            "prior graduation after the cutoff",
        ),
        "prereq.identity_match" => (
            "前置学历与考生身份信息不一致",
            "prior record does not match the candidate",
        ),
        "prereq.certificate_no" => (
            "毕业证书编号有误或未填写",
            "certificate number wrong or missing",
        ),
        "prereq.original_required" => ("须核验毕业证书原件", "original certificate must be seen"),
        "prereq.id_number" => ("证件号码有误", "identity number wrong"),
        "prereq.proof_code" => (
            "学历认证验证码有误或未填写",
            "verification code wrong or missing",
        ),
        "prereq.level" => ("前置学历层次不符合要求", "prior level not accepted"),
        "prereq.concurrent" => (
            "同批次专科毕业未通过审核",
            "concurrent associate graduation not eligible",
        ),
        "prereq.missing" => ("没有前置学历记录", "no prior-education record"),
        "prereq.proof_expired" => ("学历认证已过有效期", "verification expired"),
        "prereq.input" => ("前置学历表数据有误", "prior table problem"),
        _ => return code.to_string(),
    };
    lang.pick(zh, en).to_string()
}

fn reasons(codes: &[String], lang: Lang) -> String {
    let r: Vec<String> = codes.iter().map(|c| prereq_reason(c, lang)).collect();
    list(&r, lang)
}

fn list(v: &[String], lang: Lang) -> String {
    v.join(lang.pick("、", ", "))
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

impl EligMsg {
    pub fn render(&self, lang: Lang) -> String {
        use EligMsg::*;
        let zh = lang == Lang::Zh;
        match self {
            RequiredMissing { courses } => {
                if zh {
                    format!("必考课程未全部合格，尚缺：{}", list(courses, lang))
                } else {
                    format!(
                        "required courses not all passed; still open: {}",
                        list(courses, lang)
                    )
                }
            }
            ElectiveShort {
                credits,
                need_credits,
                count,
                need_count,
            } => {
                let mut parts = Vec::new();
                if let Some(n) = need_credits {
                    parts.push(if zh {
                        format!("学分 {} / 最低 {}", num(*credits), num(*n))
                    } else {
                        format!("credits {} of at least {}", num(*credits), num(*n))
                    });
                }
                if let Some(n) = need_count {
                    parts.push(if zh {
                        format!("门数 {count} / 最低 {n}")
                    } else {
                        format!("courses {count} of at least {n}")
                    });
                }
                if zh {
                    format!("选考课程未达到最低要求：{}", parts.join("，"))
                } else {
                    format!("electives below the minimum: {}", parts.join(", "))
                }
            }
            AdditionalShort {
                kind,
                missing,
                count_short,
                credits_short,
            } => {
                let mut s = if zh {
                    format!("加考课程（{kind}）未达到要求")
                } else {
                    format!("additional courses ({kind}) not complete")
                };
                if *count_short > 0 {
                    s.push_str(&if zh {
                        format!("，还差 {count_short} 门")
                    } else {
                        format!(", {count_short} course(s) short")
                    });
                }
                if *credits_short > 0.0 {
                    s.push_str(&if zh {
                        format!("，还差 {} 学分", num(*credits_short))
                    } else {
                        format!(", {} credit(s) short", num(*credits_short))
                    });
                }
                if !missing.is_empty() {
                    s.push_str(&if zh {
                        format!("；未通过：{}", list(missing, lang))
                    } else {
                        format!("; not passed: {}", list(missing, lang))
                    });
                }
                s
            }
            TotalCreditsShort { have, need } => {
                if zh {
                    format!(
                        "总学分 {} 未达到最低 {}（差 {}）",
                        num(*have),
                        num(*need),
                        num(need - have)
                    )
                } else {
                    format!(
                        "total credits {} below the minimum {} ({} short)",
                        num(*have),
                        num(*need),
                        num(need - have)
                    )
                }
            }
            PracticeMismatch {
                course,
                found,
                applied,
            } => {
                if zh {
                    format!("{course} 的合格成绩属于 {found}，与申请的专业/主考学校 {applied} 不一致，不能计入")
                } else {
                    format!("the pass in {course} belongs to {found}, not to the major/school applied for ({applied}); it does not count")
                }
            }
            PracticeUncomparable {
                course,
                found,
                applied,
            } => {
                if zh {
                    format!("{course} 的主考学校记为 {found}，申请为 {applied}，写法不同，需人工核对是否一致")
                } else {
                    format!("{course}: school recorded as {found}, applied as {applied} (different forms); a person must confirm they are the same")
                }
            }
            ViolationDelay {
                date,
                years,
                until,
                batch,
            } => {
                if zh {
                    format!("{date} 有违规记录，推迟毕业 {} 年，须到 {until} 之后方可毕业（本批次 {batch}）", num(*years))
                } else {
                    format!("violation on {date} delays graduation by {} year(s), until {until} (this batch: {batch})", num(*years))
                }
            }
            ViolationUnreadable { value } => {
                if zh {
                    format!("违规记录无法读取（{value}），需人工核查")
                } else {
                    format!(
                        "a violation record could not be read ({value}); a person must check it"
                    )
                }
            }
            SpecialMissing {
                rule_zh,
                rule_en,
                what_zh,
                what_en,
            } => {
                if zh {
                    format!("{rule_zh}；缺少：{what_zh}")
                } else {
                    format!("{rule_en}; missing: {what_en}")
                }
            }
            SpecialExpired {
                what_zh,
                what_en,
                until,
            } => {
                if zh {
                    format!("{what_zh}已于 {until} 过期")
                } else {
                    format!("{what_en} expired on {until}")
                }
            }
            SpecialValidityUnknown { what_zh, what_en } => {
                if zh {
                    format!("{what_zh}未记录有效期，需人工查验")
                } else {
                    format!("{what_en}: validity not recorded; a person must inspect it")
                }
            }
            SpecialToInspect { rule_zh, rule_en } => {
                if zh {
                    format!("{rule_zh}；未提供证书数据，需人工查验")
                } else {
                    format!("{rule_en}; no certificate data given, a person must inspect the certificates")
                }
            }
            AlreadyGraduated { major, when } => match (zh, when) {
                (true, Some(w)) => format!("已于 {w} 取得专业 {major} 的毕业证书"),
                (true, None) => format!("已办理过专业 {major} 的毕业证书"),
                (false, Some(w)) => format!("already graduated in major {major} ({w})"),
                (false, None) => format!("already graduated in major {major}"),
            },
            ConductFailed { value } => {
                if zh {
                    format!("思想品德鉴定为「{value}」")
                } else {
                    format!("conduct assessed as \"{value}\"")
                }
            }
            ConductUnknown => lang
                .pick(
                    "思想品德鉴定尚未提供，需人工确认",
                    "conduct not yet assessed; a person must confirm it",
                )
                .into(),
            ConductUnclear { value } => {
                if zh {
                    format!("思想品德鉴定「{value}」无法判断，需人工确认")
                } else {
                    format!("conduct value \"{value}\" not understood; a person must confirm it")
                }
            }
            PriorRejected { codes } => {
                if zh {
                    format!("前置学历核验未通过（{}）", reasons(codes, lang))
                } else {
                    format!("prior education rejected ({})", reasons(codes, lang))
                }
            }
            PriorReview { codes } => {
                if zh {
                    format!("前置学历待人工核查（{}）", reasons(codes, lang))
                } else {
                    format!("prior education left for review ({})", reasons(codes, lang))
                }
            }
            PriorNotVerified => lang
                .pick(
                    "本科申请者前置学历尚未核验（无 prereq verify 结果）",
                    "bachelor applicant: prior education not verified (no prereq verify result)",
                )
                .into(),
            DeadlineLate { records, cutoff } => {
                if zh {
                    format!(
                        "以下记录未在 {cutoff} 前审核，不计入本批次：{}",
                        list(records, lang)
                    )
                } else {
                    format!(
                        "approved on or after the cut-off {cutoff}, not counted for this batch: {}",
                        list(records, lang)
                    )
                }
            }
            DeadlineUndated { records, cutoff } => {
                if zh {
                    format!(
                        "以下记录没有审核日期，需人工确认是否在 {cutoff} 前办理：{}",
                        list(records, lang)
                    )
                } else {
                    format!(
                        "no approval date, a person must confirm approval before {cutoff}: {}",
                        list(records, lang)
                    )
                }
            }
            IdUpgradeLate { cutoff } => {
                if zh {
                    format!(
                        "15 位身份证号未在 {cutoff} 前完成升位（考籍信息更正），不能参加本批次毕业"
                    )
                } else {
                    format!("15-digit ID number not upgraded (record correction) before {cutoff}; cannot graduate in this batch")
                }
            }
            TransferArchive { records, auto_from } => match (zh, auto_from) {
                (true, Some(d)) => format!(
                    "{d} 以前转入的成绩须归档后方可使用：{}",
                    list(records, lang)
                ),
                (true, None) => format!("转入成绩尚未归档：{}", list(records, lang)),
                (false, Some(d)) => format!(
                    "scores transferred before {d} must be archived before they count: {}",
                    list(records, lang)
                ),
                (false, None) => {
                    format!("transferred scores not archived: {}", list(records, lang))
                }
            },
            InternalError { detail } => {
                if zh {
                    format!(
                        "审核此考生时发生内部错误（程序缺陷，请报告），其余考生照常审核：{detail}"
                    )
                } else {
                    format!("internal error while auditing this candidate (a bug, please report it); the other candidates were audited: {detail}")
                }
            }
            InvalidId {
                value,
                reason_zh,
                reason_en,
            } => {
                if zh {
                    format!("证件号码 {value} 无效（{reason_zh}）")
                } else {
                    format!("ID number {value} is invalid ({reason_en})")
                }
            }
            IdNeedsUpgrade { value } => {
                if zh {
                    format!("证件号码 {value} 为 15 位，须办理升位（考籍信息更正）")
                } else {
                    format!(
                        "ID number {value} has 15 digits; it must be upgraded (record correction)"
                    )
                }
            }
            MissingField { column } => {
                if zh {
                    format!("「{column}」为空")
                } else {
                    format!("{column} is empty")
                }
            }
            UnknownMajor { code } => {
                if zh {
                    format!("专业 {code} 没有考试计划")
                } else {
                    format!("no exam plan for major {code}")
                }
            }
            PlanInvalid { code, problems } => {
                if zh {
                    format!("专业 {code} 的考试计划有误：{}", list(problems, lang))
                } else {
                    format!(
                        "the plan of major {code} is inconsistent: {}",
                        list(problems, lang)
                    )
                }
            }
            LevelMismatch { candidate, plan } => {
                if zh {
                    format!("申请层次 {candidate} 与考试计划层次 {plan} 不一致")
                } else {
                    format!("level applied ({candidate}) differs from the plan's ({plan})")
                }
            }
            SchoolNotInPlan { school, schools } => {
                if zh {
                    format!(
                        "主考学校 {school} 不是该专业的主考学校（{}）",
                        list(schools, lang)
                    )
                } else {
                    format!(
                        "{school} is not a main exam school of the major ({})",
                        list(schools, lang)
                    )
                }
            }
            UnknownAdditionalType { kind } => {
                if zh {
                    format!("加考类型「{kind}」不在考试计划中")
                } else {
                    format!("additional type \"{kind}\" is not in the plan")
                }
            }
            DuplicateCandidate { exam_no } => {
                if zh {
                    format!("准考证号 {exam_no} 在考生表中出现多次，仅审核第一行")
                } else {
                    format!("admission number {exam_no} appears more than once; the first row is audited")
                }
            }
            BadScore { value } => {
                if zh {
                    format!("成绩「{value}」无法识别（应为 0-100、合格/不合格、优秀/良好/中等/及格 或 免考）")
                } else {
                    format!("score \"{value}\" not understood (0-100, 合格/不合格, a grade word or 免考)")
                }
            }
            BadKind { value } => {
                if zh {
                    format!("成绩类型「{value}」无法识别")
                } else {
                    format!("unknown score kind \"{value}\"")
                }
            }
            BadDate { value } => {
                if zh {
                    format!("日期「{value}」无法识别")
                } else {
                    format!("date \"{value}\" not understood")
                }
            }
            MissingReplaces => lang
                .pick(
                    "替代成绩缺少「替代课程代码」",
                    "substitution row without the course it replaces",
                )
                .into(),
            MissingValue { column } => {
                if zh {
                    format!("「{column}」为空")
                } else {
                    format!("{column} is empty")
                }
            }
            BadNumber { value } => {
                if zh {
                    format!("数值「{value}」无法识别")
                } else {
                    format!("number \"{value}\" not understood")
                }
            }
            BadCategory { value } => {
                if zh {
                    format!("课程类别「{value}」无法识别（必考/选考/加考/实践/论文）")
                } else {
                    format!("unknown course category \"{value}\" (必考/选考/加考/实践/论文)")
                }
            }
            BadLevel { value } => {
                if zh {
                    format!("层次「{value}」无法识别")
                } else {
                    format!("unknown level \"{value}\"")
                }
            }
            PlanConflict { major, field, a, b } => {
                if zh {
                    format!("专业 {major} 的「{field}」前后不一致：{a} / {b}")
                } else {
                    format!("major {major}: conflicting {field}: {a} / {b}")
                }
            }
            DuplicateCourse { code } => {
                if zh {
                    format!("课程 {code} 重复出现")
                } else {
                    format!("course {code} listed twice")
                }
            }
            SubstitutionNotAllowed { course } => {
                if zh {
                    format!("{course} 不属于可学分替代的课程类别")
                } else {
                    format!("{course} is not in a course group open to credit substitution")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_differ() {
        let m = EligMsg::RequiredMissing {
            courses: vec!["00015 英语(二)".into()],
        };
        assert!(m.render(Lang::Zh).contains("必考"));
        assert!(m.render(Lang::En).contains("required"));
        let m = EligMsg::ElectiveShort {
            credits: 8.0,
            need_credits: Some(14.0),
            count: 2,
            need_count: Some(3),
        };
        assert!(m.render(Lang::En).contains("8 of at least 14"));
    }
}

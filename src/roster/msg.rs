use crate::msg::Lang;

/// Messages of the roster area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum RosterMsg {
    /// `roster.not_eligible`: the audit verdict is not `eligible`.
    NotEligible {
        /// The verdict found (`ineligible`, `review`, or another word).
        verdict: String,
    },
    /// `roster.not_eligible` with measured `absent`: the candidate is not in
    /// the eligibility result at all.
    NotAudited,
    /// `roster.office_missing`.
    OfficeMissing,
    /// `roster.office_unknown`.
    OfficeUnknown { office: String },
    /// `roster.office_not_allowed`.
    OfficeNotAllowed { office: String },
    /// Input problem: an eligible candidate of the eligibility result is not
    /// in the candidates table, so the roster cannot print their details.
    EligibleNotInCandidates { exam_no: String },
    /// Input problem: an eligibility result item without an admission number.
    EligItemNoExamNo,
    /// Input problem: the same candidate (admission number and major) is in
    /// a table twice; the later row is ignored.
    DuplicateRow { exam_no: String, first_row: usize },
    /// Input problem: the same exemption (candidate and course) twice.
    DuplicateExemption {
        exam_no: String,
        course_code: String,
        first_row: usize,
    },
    /// Input problem: the same area twice in an offices table.
    DuplicateOffice { area: String, first_row: usize },
    /// Input problem: a required value is empty.
    EmptyValue { column: &'static str },
    /// Input problem: an identity number that cannot be right (shown
    /// masked; the row locates it).
    IdInvalid {
        id: String,
        reason_zh: String,
        reason_en: String,
    },
}

impl RosterMsg {
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (RosterMsg::NotEligible { verdict }, Lang::Zh) => {
                let v = match verdict.as_str() {
                    "ineligible" => "不符合毕业条件",
                    "review" => "待复核",
                    other => other,
                };
                format!("毕业审核结论为「{v}」，未列入花名册")
            }
            (RosterMsg::NotEligible { verdict }, Lang::En) => {
                format!("audit verdict is `{verdict}`, not eligible: left off the roster")
            }
            (RosterMsg::NotAudited, Lang::Zh) => {
                "不在毕业审核结果中，未列入花名册".to_string()
            }
            (RosterMsg::NotAudited, Lang::En) => {
                "not in the eligibility result: left off the roster".to_string()
            }
            (RosterMsg::OfficeMissing, Lang::Zh) => "未填写办理地点".to_string(),
            (RosterMsg::OfficeMissing, Lang::En) => "no office (办理地点) given".to_string(),
            (RosterMsg::OfficeUnknown { office }, Lang::Zh) => {
                format!("办理地点「{office}」不在办理地点安排表中")
            }
            (RosterMsg::OfficeUnknown { office }, Lang::En) => {
                format!("office `{office}` is not in the offices table")
            }
            (RosterMsg::OfficeNotAllowed { office }, Lang::Zh) => {
                format!("不可以选择「{office}」作为办理毕业初审的地点")
            }
            (RosterMsg::OfficeNotAllowed { office }, Lang::En) => {
                format!("`{office}` may not be chosen as the office for the preliminary review")
            }
            (RosterMsg::EligibleNotInCandidates { exam_no }, Lang::Zh) => {
                format!("准考证号 {exam_no} 审核结论为符合，但不在考生表中，无法列入花名册")
            }
            (RosterMsg::EligibleNotInCandidates { exam_no }, Lang::En) => format!(
                "{exam_no} is eligible in the eligibility result but not in the candidates table: cannot be put on the roster"
            ),
            (RosterMsg::EligItemNoExamNo, Lang::Zh) => "审核结果缺少准考证号，已跳过".to_string(),
            (RosterMsg::EligItemNoExamNo, Lang::En) => {
                "result without an admission number (exam_no): skipped".to_string()
            }
            (
                RosterMsg::DuplicateRow {
                    exam_no,
                    first_row,
                },
                Lang::Zh,
            ) => format!("准考证号 {exam_no} 与第 {first_row} 行重复，本行已忽略"),
            (
                RosterMsg::DuplicateRow {
                    exam_no,
                    first_row,
                },
                Lang::En,
            ) => format!("{exam_no} repeats row {first_row}: this row is ignored"),
            (
                RosterMsg::DuplicateExemption {
                    exam_no,
                    course_code,
                    first_row,
                },
                Lang::Zh,
            ) => format!(
                "准考证号 {exam_no} 课程 {course_code} 的免考记录与第 {first_row} 行重复，本行已忽略"
            ),
            (
                RosterMsg::DuplicateExemption {
                    exam_no,
                    course_code,
                    first_row,
                },
                Lang::En,
            ) => format!(
                "exemption of {exam_no} for course {course_code} repeats row {first_row}: this row is ignored"
            ),
            (RosterMsg::DuplicateOffice { area, first_row }, Lang::Zh) => {
                format!("地区「{area}」与第 {first_row} 行重复，本行已忽略")
            }
            (RosterMsg::DuplicateOffice { area, first_row }, Lang::En) => {
                format!("area `{area}` repeats row {first_row}: this row is ignored")
            }
            (RosterMsg::EmptyValue { column }, Lang::Zh) => format!("「{column}」为空，本行已跳过"),
            (RosterMsg::EmptyValue { column }, Lang::En) => {
                format!("{column} is empty: row skipped")
            }
            (RosterMsg::IdInvalid { id, reason_zh, .. }, Lang::Zh) => {
                format!("证件号码 {id} 有误（{reason_zh}），请核对后再打印")
            }
            (RosterMsg::IdInvalid { id, reason_en, .. }, Lang::En) => {
                format!("identity number {id} is wrong ({reason_en}): check it before printing")
            }
        }
    }
}

use crate::msg::Lang;

/// Which record an identity value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The candidate's exam record (candidates table).
    Exam,
    /// The prior-education (diploma) record.
    Prior,
}

impl Side {
    fn zh(self) -> &'static str {
        match self {
            Side::Exam => "考籍信息",
            Side::Prior => "前置学历信息",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Side::Exam => "exam record",
            Side::Prior => "prior-education record",
        }
    }
}

/// Messages of this area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum PrereqMsg {
    /// No prior-education record for a bachelor applicant.
    MissingRecord,
    /// Prior level below 专科.
    LevelBelow { level: String },
    /// Prior level text not recognised.
    LevelUnknown { level: String },
    /// Prior level not given.
    LevelMissing,
    /// Diploma obtained after the cut-off.
    CutoffAfter { graduated: String, cutoff: String },
    /// Diploma obtained after the registration cut-off but within the
    /// grace for fresh full-time graduates.
    CutoffLate {
        graduated: String,
        cutoff: String,
        late_by: String,
    },
    /// A month-precision date that straddles the cut-off.
    CutoffAmbiguous { graduated: String, cutoff: String },
    /// Graduation date empty.
    GraduatedMissing,
    /// Graduation date not a date.
    GraduatedUnreadable { value: String },
    /// Fresh graduates may still add the diploma until this day.
    LatePending { late_by: String },
    /// The grace to add the diploma has passed without it.
    LateMissed { late_by: String },
    /// ID number missing.
    IdMissing { side: Side },
    /// ID number invalid.
    IdInvalid {
        side: Side,
        id: String,
        reason: String,
        reason_en: String,
    },
    /// 15-digit number upgraded.
    IdUpgraded {
        side: Side,
        from: String,
        to: String,
    },
    /// Name differs between the records.
    NameDiffers { exam: String, prior: String },
    /// ID differs between the records.
    IdDiffers { exam: String, prior: String },
    /// Both name and ID differ.
    NameAndIdDiffer,
    /// Name or ID not given on the prior record.
    PriorIdentityMissing { what: &'static str },
    /// Birth date from the ID number disagrees with the record.
    BirthDiffers { from_id: String, record: String },
    /// Gender from the ID number disagrees with the record.
    GenderDiffers { from_id: String, record: String },
    /// Certificate number missing.
    CertMissing,
    /// Certificate number pending (fresh graduates).
    CertPending { late_by: String },
    /// Certificate number in no known form.
    CertUnrecognised { value: String },
    /// Year in the certificate number differs from the graduation year.
    CertYearMismatch {
        value: String,
        cert_year: String,
        graduated_year: String,
        heuristic: bool,
    },
    /// QualificationLevel code in the certificate number differs from the prior level.
    CertLevelMismatch {
        value: String,
        cert_level: String,
        prior_level: String,
        heuristic: bool,
    },
    /// No proof kind and no code.
    ProofMissing,
    /// Proof kind text not recognised.
    ProofUnknownKind { value: String },
    /// Proof code missing.
    ProofCodeMissing { proof: &'static str },
    /// Proof code malformed (registration record).
    ProofCodeMalformed { proof: &'static str, code: String },
    /// Proof code in no known form (report/evaluation/admission numbers).
    ProofCodeUnrecognised { proof: &'static str, code: String },
    /// Verification expired by the review date.
    ProofExpired { until: String, review: String },
    /// Verification validity not given.
    ProofValidityMissing,
    /// Verification validity not a date.
    ProofValidityUnreadable { value: String },
    /// Non-mainland document: bring the original diploma and a copy.
    OriginalNonMainland { id_type: String },
    /// Foreign diploma: bring the original diploma and a copy.
    OriginalForeign,
    /// Name/ID changed: bring the original, a copy and the police certificate.
    OriginalChanged,
    /// Concurrent 专科 not checkable: no eligibility result given.
    ConcurrentUnchecked { adm: String },
    /// Concurrent 专科 admission number not in the eligibility result.
    ConcurrentNotFound { adm: String },
    /// Concurrent 专科 found but not eligible.
    ConcurrentNotEligible { adm: String, verdict: String },
    /// Concurrent 专科 found, its audit is pending review.
    ConcurrentReview { adm: String },
    /// The admission number in the eligibility result is not a 专科 one.
    ConcurrentNotAssociate { adm: String, level: String },
    /// The admission number belongs to someone else (name differs).
    ConcurrentOtherPerson { adm: String, name: String },
    /// Input: a prior row whose exam_no is not a candidate.
    PriorWithoutCandidate { exam_no: String },
    /// Input: a candidate listed twice.
    DuplicateCandidate { exam_no: String },
    /// A bug (a panic) while checking this candidate; the others are checked.
    InternalError { detail: String },
}

fn proof_en(p: &str) -> &'static str {
    match p {
        "学历备案表" => "registration record",
        "学历认证报告" => "verification report",
        "国外学历学位认证书" => "foreign credential evaluation",
        "自考专科准考证号" => "self-taught 专科 admission number",
        _ => "proof",
    }
}

impl PrereqMsg {
    pub fn render(&self, lang: Lang) -> String {
        use PrereqMsg::*;
        let zh = matches!(lang, Lang::Zh);
        match self {
            MissingRecord => {
                if zh {
                    "本科毕业申请人没有前置学历信息（须登记专科或专科以上学历并经查验）".into()
                } else {
                    "bachelor applicant without a prior-education record (a 专科-or-higher diploma must be registered and verified)".into()
                }
            }
            LevelBelow { level } => {
                if zh {
                    format!("前置学历层次「{level}」低于专科")
                } else {
                    format!("prior level \"{level}\" is below 专科 (associate)")
                }
            }
            LevelUnknown { level } => {
                if zh {
                    format!("无法识别前置学历层次「{level}」，请人工核对")
                } else {
                    format!("prior level \"{level}\" not recognised; check by hand")
                }
            }
            LevelMissing => {
                if zh {
                    "未填写前置学历层次".into()
                } else {
                    "prior level not given".into()
                }
            }
            CutoffAfter { graduated, cutoff } => {
                if zh {
                    format!("前置学历毕业日期 {graduated} 晚于本批次截止日期 {cutoff}（含当日）")
                } else {
                    format!("prior diploma obtained {graduated}, after this batch's cut-off {cutoff} (that day included)")
                }
            }
            CutoffLate {
                graduated,
                cutoff,
                late_by,
            } => {
                if zh {
                    format!("前置学历毕业日期 {graduated} 晚于登记截止日期 {cutoff}；仅普通高校全日制应届毕业生可于 {late_by} 前补填，请核实")
                } else {
                    format!("prior diploma obtained {graduated}, after the registration cut-off {cutoff}; only fresh full-time graduates may add it by {late_by}: confirm")
                }
            }
            CutoffAmbiguous { graduated, cutoff } => {
                if zh {
                    format!("毕业日期只有年月（{graduated}），无法判断是否在截止日期 {cutoff} 之前，请核对证书")
                } else {
                    format!("graduation date has month precision only ({graduated}); cannot tell whether it is on or before the cut-off {cutoff}: check the diploma")
                }
            }
            GraduatedMissing => {
                if zh {
                    "未填写前置学历毕业日期".into()
                } else {
                    "prior graduation date not given".into()
                }
            }
            GraduatedUnreadable { value } => {
                if zh {
                    format!("前置学历毕业日期「{value}」不是有效日期")
                } else {
                    format!("prior graduation date \"{value}\" is not a date")
                }
            }
            LatePending { late_by } => {
                if zh {
                    format!("应届毕业生尚未补填毕业证号及认证信息，须于 {late_by} 前补填")
                } else {
                    format!("fresh graduate: diploma number and verification not yet added; due by {late_by}")
                }
            }
            LateMissed { late_by } => {
                if zh {
                    format!(
                        "未在 {late_by} 前补填前置学历毕业证号及认证信息，视为放弃本批次毕业申请"
                    )
                } else {
                    format!("diploma number and verification not added by {late_by}: the application for this batch lapses")
                }
            }
            IdMissing { side } => {
                if zh {
                    format!("{}未填写证件号码", side.zh())
                } else {
                    format!("{}: ID number not given", side.en())
                }
            }
            IdInvalid {
                side,
                id,
                reason,
                reason_en,
            } => {
                if zh {
                    format!("{}的身份证号码 {id} 无效：{reason}", side.zh())
                } else {
                    format!("{}: ID number {id} is invalid: {reason_en}", side.en())
                }
            }
            IdUpgraded { side, from, to } => {
                if zh {
                    format!("{}的 15 位身份证号码 {from} 按 18 位 {to} 核对", side.zh())
                } else {
                    format!(
                        "{}: 15-digit ID number {from} upgraded to {to} for the checks",
                        side.en()
                    )
                }
            }
            NameDiffers { exam, prior } => {
                if zh {
                    format!("姓名不一致：考籍为「{exam}」，前置学历为「{prior}」")
                } else {
                    format!("name differs: exam record \"{exam}\", prior record \"{prior}\"")
                }
            }
            IdDiffers { exam, prior } => {
                if zh {
                    format!("证件号码不一致：考籍为 {exam}，前置学历为 {prior}")
                } else {
                    format!("ID number differs: exam record {exam}, prior record {prior}")
                }
            }
            NameAndIdDiffer => {
                if zh {
                    "姓名和证件号码均与前置学历不一致，该前置学历不能认定为本人".into()
                } else {
                    "both name and ID number differ from the prior record: it cannot be taken as the candidate's".into()
                }
            }
            PriorIdentityMissing { what } => {
                if zh {
                    format!(
                        "前置学历信息未填写{}，无法与考籍比对，请人工核对",
                        if *what == "name" {
                            "姓名"
                        } else {
                            "证件号码"
                        }
                    )
                } else {
                    format!(
                        "prior record has no {}; compare with the exam record by hand",
                        if *what == "name" { "name" } else { "ID number" }
                    )
                }
            }
            BirthDiffers { from_id, record } => {
                if zh {
                    format!("出生日期不一致：身份证号码为 {from_id}，考籍为 {record}")
                } else {
                    format!("birth date differs: {from_id} from the ID number, {record} in the exam record")
                }
            }
            GenderDiffers { from_id, record } => {
                if zh {
                    format!("性别不一致：身份证号码为{from_id}，考籍为「{record}」")
                } else {
                    format!("gender differs: {from_id} from the ID number, \"{record}\" in the exam record")
                }
            }
            CertMissing => {
                if zh {
                    "未填写前置学历证书编号".into()
                } else {
                    "prior diploma certificate number not given".into()
                }
            }
            CertPending { late_by } => {
                if zh {
                    format!("证书编号未填写；应届毕业生须于 {late_by} 前补填")
                } else {
                    format!(
                        "certificate number not given; fresh graduates must add it by {late_by}"
                    )
                }
            }
            CertUnrecognised { value } => {
                if zh {
                    format!("证书编号 {value} 不符合已知格式，请人工核对")
                } else {
                    format!("certificate number {value} is in no known form; check by hand")
                }
            }
            CertYearMismatch {
                value,
                cert_year,
                graduated_year,
                heuristic,
            } => {
                let tail_zh = if *heuristic {
                    "（结构推断，请人工核对）"
                } else {
                    ""
                };
                let tail_en = if *heuristic {
                    " (structural heuristic; check by hand)"
                } else {
                    ""
                };
                if zh {
                    format!("证书编号 {value} 中的年份 {cert_year} 与毕业年份 {graduated_year} 不符{tail_zh}")
                } else {
                    format!("certificate number {value}: year {cert_year} differs from the graduation year {graduated_year}{tail_en}")
                }
            }
            CertLevelMismatch {
                value,
                cert_level,
                prior_level,
                heuristic,
            } => {
                let tail_zh = if *heuristic {
                    "（结构推断，请人工核对）"
                } else {
                    ""
                };
                let tail_en = if *heuristic {
                    " (structural heuristic; check by hand)"
                } else {
                    ""
                };
                if zh {
                    format!("证书编号 {value} 的层次代码为{cert_level}，与前置学历层次「{prior_level}」不符{tail_zh}")
                } else {
                    format!("certificate number {value}: level code means {cert_level}, but the prior level is \"{prior_level}\"{tail_en}")
                }
            }
            ProofMissing => {
                if zh {
                    "未填写学历认证方式及验证码（须提供有效期内的学历备案表或学历认证报告）".into()
                } else {
                    "no proof of the diploma (a valid registration record or verification report is required)".into()
                }
            }
            ProofUnknownKind { value } => {
                if zh {
                    format!("无法识别认证方式「{value}」")
                } else {
                    format!("proof kind \"{value}\" not recognised")
                }
            }
            ProofCodeMissing { proof } => {
                if zh {
                    format!("未填写{proof}的验证码/编号")
                } else {
                    format!("{} given without its code/number", proof_en(proof))
                }
            }
            ProofCodeMalformed { proof, code } => {
                if zh {
                    format!("{proof}的在线验证码 {code} 格式错误（应为 12 位数字，或以 A 或 X 开头的 16 位字符）")
                } else {
                    format!("{} online verification code {code} is malformed (12 digits, or 16 characters beginning with A or X)", proof_en(proof))
                }
            }
            ProofCodeUnrecognised { proof, code } => {
                if zh {
                    format!("{proof}的编号 {code} 不符合已知格式，请人工核对")
                } else {
                    format!(
                        "{} number {code} is in no known form; check by hand",
                        proof_en(proof)
                    )
                }
            }
            ProofExpired { until, review } => {
                if zh {
                    format!(
                        "在线验证有效期至 {until}，审核日 {review} 已过期（请考生延长验证有效期）"
                    )
                } else {
                    format!("online verification valid until {until}: expired by the review date {review} (the candidate must extend it)")
                }
            }
            ProofValidityMissing => {
                if zh {
                    "未填写在线验证有效期，请打开验证链接核对".into()
                } else {
                    "online verification validity not given; open the verification link to check"
                        .into()
                }
            }
            ProofValidityUnreadable { value } => {
                if zh {
                    format!("在线验证有效期「{value}」不是有效日期")
                } else {
                    format!("online verification validity \"{value}\" is not a date")
                }
            }
            OriginalNonMainland { id_type } => {
                if zh {
                    format!(
                        "使用非中国内地身份证（{id_type}）办理：须提交前置学历毕业证书原件及复印件"
                    )
                } else {
                    format!("non-mainland ID document ({id_type}): bring the original prior diploma and a copy")
                }
            }
            OriginalForeign => {
                if zh {
                    "使用境外学历作为前置学历：须提交前置学历毕业证书原件及复印件".into()
                } else {
                    "foreign diploma as prior education: bring the original diploma and a copy"
                        .into()
                }
            }
            OriginalChanged => {
                if zh {
                    "姓名或身份证号变更导致与前置学历信息不一致：须提交前置学历毕业证书原件、复印件及公安部门的有关证明材料".into()
                } else {
                    "name or ID number changed, so the prior record differs: bring the original diploma, a copy and the police certificate of the change".into()
                }
            }
            ConcurrentUnchecked { adm } => {
                if zh {
                    format!("同时办理自考专科毕业（专科准考证号 {adm}）：未提供本批次毕业审核结果，请核实专科毕业资格")
                } else {
                    format!("concurrent self-taught 专科 (admission number {adm}): no eligibility result given; confirm the 专科 graduation")
                }
            }
            ConcurrentNotFound { adm } => {
                if zh {
                    format!("专科准考证号 {adm} 不在本批次专科毕业审核结果中")
                } else {
                    format!("专科 admission number {adm} is not in this batch's eligibility result")
                }
            }
            ConcurrentNotEligible { adm, verdict } => {
                if zh {
                    format!(
                        "专科准考证号 {adm} 本批次毕业审核结论为「{verdict}」，不能作为前置学历"
                    )
                } else {
                    format!("专科 admission number {adm} is \"{verdict}\" in this batch's audit: not a prior qualification")
                }
            }
            ConcurrentReview { adm } => {
                if zh {
                    format!("专科准考证号 {adm} 的毕业审核尚待核查")
                } else {
                    format!("the audit of 专科 admission number {adm} is pending review")
                }
            }
            ConcurrentNotAssociate { adm, level } => {
                if zh {
                    format!("准考证号 {adm} 在毕业审核结果中的层次为「{level}」，不是专科")
                } else {
                    format!("admission number {adm} has level \"{level}\" in the eligibility result, not 专科")
                }
            }
            ConcurrentOtherPerson { adm, name } => {
                if zh {
                    format!("专科准考证号 {adm} 在毕业审核结果中属于「{name}」，不是本人")
                } else {
                    format!("专科 admission number {adm} belongs to \"{name}\" in the eligibility result, not to this candidate")
                }
            }
            PriorWithoutCandidate { exam_no } => {
                if zh {
                    format!("准考证号 {exam_no} 不在申请毕业考生名单中，该前置学历记录未核查")
                } else {
                    format!("exam number {exam_no} is not among the candidates; prior record not checked")
                }
            }
            DuplicateCandidate { exam_no } => {
                if zh {
                    format!("准考证号 {exam_no} 重复，只采用第一行")
                } else {
                    format!("exam number {exam_no} listed twice; the first row is used")
                }
            }
            InternalError { detail } => {
                if zh {
                    format!(
                        "核验此考生时发生内部错误（程序缺陷，请报告），其余考生照常核验：{detail}"
                    )
                } else {
                    format!("internal error while checking this candidate (a bug, please report it); the other candidates are checked: {detail}")
                }
            }
        }
    }
}

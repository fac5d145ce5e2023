//! The tables of data.md, prereq.md and roster.md. The Chinese header is
//! canonical; the key is the English alias; further aliases are spellings
//! seen in real exports.

use super::{Column, Kind, Schema};

/// One column of a schema (also used by the photo folder's shorter list).
pub(crate) const fn col(
    key: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    kind: Kind,
) -> Column {
    Column {
        key,
        zh,
        aliases,
        required,
        kind,
    }
}

/// 申请毕业考生 (data.md "candidates").
pub static CANDIDATES: Schema = Schema {
    name: "candidates",
    zh: "申请毕业考生",
    columns: &[
        col("exam_no", "准考证号", &["考号", "准考证"], true, Kind::Code),
        col("name", "姓名", &["考生姓名"], true, Kind::Text),
        col("id_type", "证件类型", &[], false, Kind::Text),
        col(
            "id_no",
            "证件号码",
            &["身份证号", "身份证号码", "证件号"],
            true,
            Kind::Code,
        ),
        col("gender", "性别", &["sex"], false, Kind::Text),
        col("birth_date", "出生日期", &["birthday"], false, Kind::Date),
        col(
            "major_code",
            "专业代码",
            &["报考专业代码", "申请专业代码"],
            true,
            Kind::Code,
        ),
        col("major_name", "专业名称", &["专业"], false, Kind::Text),
        col("level", "层次", &["学历层次"], false, Kind::Text),
        col(
            "school",
            "主考学校",
            &["主考院校", "毕业主考学校"],
            true,
            Kind::Text,
        ),
        col("additional_type", "加考类型", &[], false, Kind::Text),
        col(
            "conduct",
            "思想品德鉴定",
            &["思想品德", "品德鉴定"],
            false,
            Kind::Text,
        ),
        col("office", "办理地点", &["毕业办理地点"], false, Kind::Text),
        col(
            "phone",
            "联系电话",
            &["电话", "手机号码"],
            false,
            Kind::Code,
        ),
    ],
};

/// 成绩 (data.md "scores").
pub static SCORES: Schema = Schema {
    name: "scores",
    zh: "成绩",
    columns: &[
        col("exam_no", "准考证号", &["考号", "准考证"], true, Kind::Code),
        col(
            "course_code",
            "课程代码",
            &["课程编号"],
            true,
            Kind::CourseCode,
        ),
        col("course_name", "课程名称", &["课程"], false, Kind::Text),
        col("score", "成绩", &["分数"], true, Kind::Value),
        col(
            "exam_date",
            "考试年月",
            &["考试时间", "考试日期"],
            false,
            Kind::Date,
        ),
        col("kind", "成绩类型", &["类型"], false, Kind::Text),
        col("major_code", "专业代码", &[], false, Kind::Code),
        col("school", "主考学校", &["主考院校"], false, Kind::Text),
        col(
            "approved_date",
            "审核日期",
            &["审批日期", "批准日期"],
            false,
            Kind::Date,
        ),
        col("archived", "归档", &["是否归档"], false, Kind::Text),
        col("replaces", "替代课程代码", &[], false, Kind::CourseCode),
        // not in data.md's table but named by roster.md ("certificate used")
        col(
            "certificate",
            "免考证书",
            &["证书名称", "免考依据"],
            false,
            Kind::Text,
        ),
    ],
};

/// 专业考试计划, flat form (data.md "plans").
pub static PLANS: Schema = Schema {
    name: "plans",
    zh: "专业考试计划",
    columns: &[
        col("major_code", "专业代码", &[], true, Kind::Code),
        col("major_name", "专业名称", &[], false, Kind::Text),
        col("level", "层次", &[], false, Kind::Text),
        col("school", "主考学校", &["主考院校"], false, Kind::Text),
        col("course_code", "课程代码", &[], true, Kind::CourseCode),
        col("course_name", "课程名称", &[], false, Kind::Text),
        col("credits", "学分", &[], false, Kind::Value),
        col(
            "category",
            "类别",
            &["课程类别", "课程性质"],
            true,
            Kind::Text,
        ),
        col("group", "课程组", &[], false, Kind::Text),
        col("additional_type", "加考类型", &[], false, Kind::Text),
        col(
            "elective_min_credits",
            "选考最低学分",
            &[],
            false,
            Kind::Value,
        ),
        col(
            "elective_min_count",
            "选考最低门数",
            &[],
            false,
            Kind::Value,
        ),
        col(
            "additional_min_count",
            "加考最低门数",
            &[],
            false,
            Kind::Value,
        ),
        col("min_total_credits", "最低总学分", &[], false, Kind::Value),
        col("pass_mark", "及格线", &["合格分数线"], false, Kind::Value),
    ],
};

/// 违规记录 (data.md "violations").
pub static VIOLATIONS: Schema = Schema {
    name: "violations",
    zh: "违规记录",
    columns: &[
        col("exam_no", "准考证号", &[], true, Kind::Code),
        col("violation_date", "违规日期", &["date"], true, Kind::Date),
        col("delay_years", "推迟毕业年限", &["delay"], true, Kind::Value),
        col("outcome", "处理结果", &["result"], false, Kind::Text),
    ],
};

/// 已毕业记录 (data.md "graduates"): by admission number or ID number.
pub static GRADUATES: Schema = Schema {
    name: "graduates",
    zh: "已毕业记录",
    columns: &[
        col("exam_no", "准考证号", &[], false, Kind::Code),
        col("id_no", "证件号码", &["身份证号"], false, Kind::Code),
        col("major_code", "专业代码", &[], true, Kind::Code),
        col(
            "graduated",
            "毕业年月",
            &["graduation_date"],
            false,
            Kind::Date,
        ),
    ],
};

/// 证书 (data.md "certificates").
pub static CERTIFICATES: Schema = Schema {
    name: "certificates",
    zh: "证书",
    columns: &[
        col("exam_no", "准考证号", &[], true, Kind::Code),
        col(
            "category",
            "证书类别",
            &["cert_category"],
            false,
            Kind::Text,
        ),
        col("cert_name", "证书名称", &["name"], true, Kind::Text),
        col("cert_no", "证书编号", &["number"], false, Kind::Code),
        col("issued", "发证日期", &["issue_date"], false, Kind::Date),
        col("valid_until", "有效期至", &["expires"], false, Kind::Date),
    ],
};

/// 前置学历 (prereq.md "prior").
pub static PRIOR: Schema = Schema {
    name: "prior",
    zh: "前置学历",
    columns: &[
        col("exam_no", "准考证号", &[], true, Kind::Code),
        col("name", "姓名", &[], false, Kind::Text),
        col("id_no", "证件号码", &["身份证号"], false, Kind::Code),
        col(
            "prior_level",
            "前置学历层次",
            &["学历层次"],
            false,
            Kind::Text,
        ),
        col("prior_school", "毕业学校", &[], false, Kind::Text),
        col("prior_major", "毕业专业", &[], false, Kind::Text),
        col("graduated_on", "毕业日期", &[], false, Kind::Date),
        col(
            "certificate_no",
            "证书编号",
            &["毕业证书编号"],
            false,
            Kind::Code,
        ),
        col("proof", "认证方式", &[], false, Kind::Text),
        col(
            "proof_code",
            "验证码",
            &["在线验证码", "报告编号"],
            false,
            Kind::Code,
        ),
        col("proof_valid_until", "验证有效期至", &[], false, Kind::Date),
    ],
};

/// 办理地点安排 (roster.md "offices").
pub static OFFICES: Schema = Schema {
    name: "offices",
    zh: "办理地点安排",
    columns: &[
        col("area", "地区", &["区", "office"], true, Kind::Text),
        col("dates", "日期", &[], false, Kind::Text),
        col(
            "address",
            "办理地点及要求",
            &["地址", "办理地点"],
            false,
            Kind::Text,
        ),
        col("phone", "联系电话", &[], false, Kind::Text),
        col("hours", "办公时间", &["office_hours"], false, Kind::Text),
    ],
};

/// Every schema, for tests and documentation.
pub static ALL: &[&Schema] = &[
    &CANDIDATES,
    &SCORES,
    &PLANS,
    &VIOLATIONS,
    &GRADUATES,
    &CERTIFICATES,
    &PRIOR,
    &OFFICES,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::header_key;
    use std::collections::HashSet;

    #[test]
    fn header_names_unique_within_each_schema() {
        for s in ALL {
            let mut seen = HashSet::new();
            for c in s.columns {
                for h in std::iter::once(c.zh)
                    .chain(std::iter::once(c.key))
                    .chain(c.aliases.iter().copied())
                {
                    assert!(seen.insert(header_key(h)), "{}: {h} twice", s.name);
                }
            }
        }
    }
}

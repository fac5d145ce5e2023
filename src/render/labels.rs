//! The words a person reads for the stable keys of the reports: column
//! headers and verdicts, in Chinese and English. The JSON and CSV keep the
//! keys (`exam_no`, `ineligible`) for scripts; the terminal table, the
//! workbook and the HTML pages show these words. One table each, used by
//! every renderer (the roster columns keep their printed labels in
//! [`crate::roster`], and are looked up there first).

use std::borrow::Cow;

use crate::msg::Lang;

/// Column labels of the report keys that are not roster columns.
const COLUMNS: &[(&str, &str, &str)] = &[
    ("path", "文件", "File"),
    ("output", "输出文件", "Output file"),
    ("verdict", "结论", "Verdict"),
    ("codes", "问题代码", "Codes"),
    ("messages", "说明", "Details"),
    ("school", "主考学校", "Main exam school"),
    ("major", "专业", "Major"),
    ("office", "办理地点", "Office"),
    ("missing", "尚缺", "Still missing"),
    ("verification_link", "学信网验证链接", "Verification link"),
    ("prior_level", "前置学历层次", "Prior level"),
    ("prior_school", "前置学历学校", "Prior school"),
    ("proof", "证明材料", "Proof"),
    ("certificate_form", "证书形式", "Certificate form"),
    ("prior_records", "前置学历记录数", "Prior records"),
    ("level_assumed", "层次为推定", "Level assumed"),
    ("bytes", "文件大小（字节）", "Size (bytes)"),
    ("quality", "压缩品质", "JPEG quality"),
    ("metadata_removed", "已去除元数据", "Metadata removed"),
    ("measurements", "测量值", "Measurements"),
    ("files", "文件列表", "Files"),
];

/// The header word of a report column key in `lang`: the roster's printed
/// label, else the table above, else the key itself (a newer key).
pub fn column_label(key: &str, lang: Lang) -> Cow<'static, str> {
    if let Some(c) = crate::roster::column(key) {
        return Cow::Borrowed(c.label(lang));
    }
    match COLUMNS.iter().find(|(k, _, _)| *k == key) {
        Some((_, zh, en)) => Cow::Borrowed(lang.pick(zh, en)),
        None => Cow::Owned(key.to_string()),
    }
}

/// The word for a verdict key in `lang` (photo: 合格/不合格; audit:
/// 可以毕业/不能毕业/待核查; …). In English, the key with spaces.
pub fn verdict_label(verdict: &str, lang: Lang) -> Cow<'static, str> {
    let zh = match verdict {
        "pass" => "合格",
        "fail" => "不合格",
        "eligible" => "可以毕业",
        "ineligible" => "不能毕业",
        "review" => "待核查",
        "verified" => "已核验",
        "rejected" => "不符合",
        "fixed" => "已修正",
        "reencoded" => "已重新编码",
        "kept" => "已合规（保留）",
        "refused" => "无法修正",
        "listed" => "已列入",
        "not_listed" => "未列入",
        "error" => "错误",
        "warning" | "warn" => "有警告",
        "skipped" => "跳过",
        other => return Cow::Owned(other.replace('_', " ")),
    };
    match lang {
        Lang::Zh => Cow::Borrowed(zh),
        Lang::En => Cow::Owned(verdict.replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages_and_no_key_is_listed_twice() {
        for (i, (k, zh, en)) in COLUMNS.iter().enumerate() {
            assert!(!zh.is_ascii() && !en.is_empty(), "{k}");
            assert!(!COLUMNS[..i].iter().any(|(o, _, _)| o == k), "{k} twice");
            assert!(crate::roster::column(k).is_none(), "{k} is a roster column");
        }
        assert_eq!(column_label("exam_no", Lang::Zh), "准考证号");
        assert_eq!(column_label("exam_no", Lang::En), "Exam no.");
        assert_eq!(column_label("path", Lang::Zh), "文件");
        assert_eq!(column_label("newer_key", Lang::Zh), "newer_key");
        assert_eq!(verdict_label("not_listed", Lang::En), "not listed");
        assert_eq!(verdict_label("fail", Lang::Zh), "不合格");
    }
}

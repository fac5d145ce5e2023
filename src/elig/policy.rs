//! This area's part of a policy file: the `[eligibility]` table.
//!
//! Every value a province sets lives here as data (docs/eligibility.md):
//! the default pass mark, the records cut-off per batch month, the rule for
//! archiving transferred scores, the date a violation's delay runs from,
//! the special majors and their certificate requirements, and (for
//! information) which certificates exempt which courses.

use crate::msg::Detail;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::date::MonthDay;

/// The `[eligibility]` section.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligPolicy {
    /// Pass mark for numeric scores when the plan gives none.
    #[serde(default = "default_pass_mark")]
    pub pass_mark: f64,
    /// Records cut-offs, one per batch month. A batch month without an
    /// entry has no cut-off.
    #[serde(default)]
    pub cutoffs: Vec<Cutoff>,
    /// How transferred (转入) scores become usable.
    #[serde(default)]
    pub transfer_archive: TransferArchive,
    /// Which date a violation's graduation delay runs from.
    #[serde(default)]
    pub violation_delay_from: DelayFrom,
    /// Majors with requirements of their own (000_… 四(四)).
    #[serde(default)]
    pub special: Vec<SpecialRule>,
    /// Certificates that exempt courses (004_… 三); information shown in
    /// docs and `policy show`, and used to name the certificate in messages.
    #[serde(default)]
    pub certificate_exemptions: Vec<CertificateExemption>,
    /// Course groups for which credit substitution (学分替代) is allowed
    /// (004_… 三: 高数类和英语类). Empty: any plan course may be substituted.
    #[serde(default)]
    pub substitution_groups: Vec<SubstitutionGroup>,
}

fn default_pass_mark() -> f64 {
    60.0
}

impl Default for EligPolicy {
    fn default() -> Self {
        EligPolicy {
            pass_mark: default_pass_mark(),
            cutoffs: Vec::new(),
            transfer_archive: TransferArchive::default(),
            violation_delay_from: DelayFrom::default(),
            special: Vec::new(),
            certificate_exemptions: Vec::new(),
            substitution_groups: Vec::new(),
        }
    }
}

/// Kinds of record that are approved by the office and subject to the
/// cut-off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 免考 (exemption).
    Exemption,
    /// 转入 (transfer from another province).
    Transfer,
    /// 替代 (credit substitution).
    Substitution,
    /// 考籍信息更正 incl. 身份证号升位 (record correction).
    Correction,
}

fn all_kinds() -> Vec<RecordKind> {
    vec![
        RecordKind::Exemption,
        RecordKind::Transfer,
        RecordKind::Substitution,
        RecordKind::Correction,
    ]
}

/// A records cut-off: records of `kinds` count for a batch in
/// `batch_month` only when approved strictly before `before` (in the batch
/// year plus `year_offset`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cutoff {
    pub batch_month: u32,
    pub before: MonthDay,
    #[serde(default)]
    pub year_offset: i32,
    #[serde(default = "all_kinds")]
    pub kinds: Vec<RecordKind>,
}

/// When transferred scores may be used.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferArchive {
    /// Transfers approved on or after this date are archived automatically
    /// (Anhui: 2016-01-01). Earlier (or undated) transfers count only when
    /// the 归档 column says 是; otherwise they need archiving by a person
    /// (review). `None`: every transfer counts unless 归档 says 否.
    #[serde(default)]
    pub auto_from: Option<NaiveDate>,
}

/// Which date a violation's delay runs from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayFrom {
    /// From the date of the violation (违规日期): a delay of N years ends N
    /// years after it, and the candidate may graduate in a batch whose
    /// first day is on or after that end.
    #[default]
    ViolationDate,
    /// From the first day of the batch after the violation's half-year
    /// (i.e. the next graduation batch), N years later.
    NextBatch,
}

/// A special major's requirement.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialRule {
    /// Short id (`pharmacy`), shown in `measured`.
    pub id: String,
    /// Exact major names (after normalisation) the rule applies to.
    #[serde(default)]
    pub major_names: Vec<String>,
    /// Major codes the rule applies to.
    #[serde(default)]
    pub major_codes: Vec<String>,
    /// `专科` or `本科`; empty: any level.
    #[serde(default)]
    pub level: Option<String>,
    /// When not empty, the rule applies only to a candidate who used (counted
    /// a pass in) any of these courses.
    #[serde(default)]
    pub when_used_any: Vec<String>,
    /// Every listed certificate is needed.
    #[serde(default)]
    pub certificates: Vec<CertRequirement>,
    /// What the rule says, for messages.
    pub zh: String,
    pub en: String,
}

/// One certificate a special major needs. Matched against the
/// certificate's category and name together.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertRequirement {
    /// Every inner list must have one element contained in the text.
    #[serde(default)]
    pub text_all: Vec<Vec<String>>,
    /// The certificate must be valid (有效期至 not before the review date).
    #[serde(default)]
    pub must_be_valid: bool,
    pub what_zh: String,
    pub what_en: String,
}

/// A certificate that exempts courses (information).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateExemption {
    pub certificate: String,
    /// Words that identify the certificate in the 免考证书 column.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Course codes it exempts (empty: as the province's exemption rules say).
    #[serde(default)]
    pub courses: Vec<String>,
}

/// A course group open to credit substitution, by words in the course name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubstitutionGroup {
    pub label: String,
    pub name_contains_any: Vec<String>,
}

impl EligPolicy {
    /// Checks values serde cannot: returns a message naming the key.
    pub fn validate(&self) -> Result<(), (String, Detail)> {
        if !(self.pass_mark.is_finite() && (0.0..=100.0).contains(&self.pass_mark)) {
            return Err((
                "eligibility.pass_mark".into(),
                Detail::new(
                    format!("{} 不在 0 到 100 之间", self.pass_mark),
                    format!("{} is not within 0..=100", self.pass_mark),
                ),
            ));
        }
        for (i, c) in self.cutoffs.iter().enumerate() {
            if !(1..=12).contains(&c.batch_month) {
                return Err((
                    format!("eligibility.cutoffs[{i}].batch_month"),
                    Detail::new(
                        format!("{} 不是月份（1 到 12）", c.batch_month),
                        format!("{} is not a month", c.batch_month),
                    ),
                ));
            }
            if c.year_offset.abs() > 5 {
                return Err((
                    format!("eligibility.cutoffs[{i}].year_offset"),
                    Detail::new("应在 -5 到 5 之间", "must be within -5..=5"),
                ));
            }
        }
        for (i, s) in self.special.iter().enumerate() {
            if s.major_names.is_empty() && s.major_codes.is_empty() {
                return Err((
                    format!("eligibility.special[{i}]"),
                    Detail::new(
                        "没有指定专业（major_names 或 major_codes）",
                        "names no major (major_names or major_codes)",
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The cut-off date for `kind` records in a batch (`None`: no cut-off).
    pub fn cutoff(&self, batch: crate::date::Batch, kind: RecordKind) -> Option<NaiveDate> {
        self.cutoffs
            .iter()
            .find(|c| c.batch_month == batch.month && c.kinds.contains(&kind))
            .map(|c| c.before.in_year(batch.year + c.year_offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Batch, Policy};

    fn b(s: &str) -> Batch {
        s.parse().unwrap()
    }

    #[test]
    fn guangdong_cutoffs() {
        let p = Policy::builtin("guangdong").unwrap().eligibility;
        p.validate().unwrap();
        assert_eq!(
            p.cutoff(b("2022-06"), RecordKind::Exemption),
            NaiveDate::from_ymd_opt(2022, 5, 1)
        );
        assert_eq!(
            p.cutoff(b("2022-12"), RecordKind::Transfer),
            NaiveDate::from_ymd_opt(2022, 11, 1)
        );
        assert_eq!(p.pass_mark, 60.0);
        assert_eq!(p.special.len(), 4);
    }

    #[test]
    fn anhui_and_national() {
        let a = Policy::builtin("anhui").unwrap().eligibility;
        a.validate().unwrap();
        assert_eq!(
            a.transfer_archive.auto_from,
            NaiveDate::from_ymd_opt(2016, 1, 1)
        );
        assert_eq!(
            a.cutoff(b("2023-06"), RecordKind::Exemption),
            NaiveDate::from_ymd_opt(2023, 6, 6)
        );
        assert_eq!(a.certificate_exemptions.len(), 3);
        let n = Policy::builtin("national").unwrap().eligibility;
        n.validate().unwrap();
        assert!(n.cutoff(b("2022-06"), RecordKind::Exemption).is_none());
        assert_eq!(n.special.len(), 0);
    }

    #[test]
    fn bad_values_rejected() {
        let t = "name='x'\ntitle_zh='x'\ntitle_en='y'\n[eligibility]\npass_mark=300\n";
        // validated at load: the error names the key
        assert!(matches!(
            Policy::parse(t, std::path::Path::new("p.toml")),
            Err(crate::Error::Policy { key, .. }) if key == "eligibility.pass_mark"
        ));
        let t = "name='x'\ntitle_zh='x'\ntitle_en='y'\n[eligibility]\nbogus=1\n";
        assert!(Policy::parse(t, std::path::Path::new("p.toml")).is_err());
        let t = "name='x'\ntitle_zh='x'\ntitle_en='y'\n[[eligibility.cutoffs]]\nbatch_month=6\nbefore='02-30'\n";
        assert!(Policy::parse(t, std::path::Path::new("p.toml")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics(s in "\\PC{0,200}") {
            let t = format!("name='x'\ntitle_zh='x'\ntitle_en='y'\n[eligibility]\n{s}\n");
            if let Ok(p) = Policy::parse(&t, std::path::Path::new("p.toml")) {
                let _ = p.eligibility.validate();
            }
        }
    }
}

//! This area's part of a policy file: the `[reception]` table — where
//! candidates hand in their graduation materials for the preliminary review
//! (毕业初审), and which choices are not allowed.
//!
//! ```toml
//! [reception]
//! title = "广州市各区办理自学考试毕业初审安排表"
//! hours = "上午9:15--11:30 下午14:30--17:30"
//! not_allowed = ["广州市区"]
//!
//! [[reception.offices]]
//! area = "天河区"
//! dates = ["6月15日", "6月18日"]
//! address = "天河区五山路141号侨大教育二楼"
//! phones = ["020-88909771"]
//! ```

use serde::Deserialize;

/// The `[reception]` section. Empty (no offices) in policies whose seeds
/// print no schedule; `zikao roster reception` then needs `--offices FILE`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReceptionPolicy {
    /// The heading of the schedule as printed.
    #[serde(default)]
    pub title: Option<String>,
    /// The graduation batch (YYYY-MM) this schedule was printed for: a
    /// schedule is never printed for another batch, and its dates (printed
    /// without a year) get this batch's year.
    #[serde(default)]
    pub batch: Option<String>,
    /// General office hours of every office (an office's own `hours` wins).
    #[serde(default)]
    pub hours: Option<String>,
    /// Office names a candidate may not choose (Guangdong: 广州市区).
    #[serde(default)]
    pub not_allowed: Vec<String>,
    /// The offices, in printed order.
    #[serde(default)]
    pub offices: Vec<Office>,
}

/// One office of a reception schedule.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// The area (区) as printed; what candidates choose as 办理地点.
    pub area: String,
    /// Further names candidates use for this office.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The reception days exactly as printed, one entry per printed line
    /// (`"6月16-17日"`; Tianhe's two separate days are two entries).
    #[serde(default)]
    pub dates: Vec<String>,
    /// Address and requirements (办理地点及要求) as printed.
    #[serde(default)]
    pub address: String,
    /// Phone numbers as printed.
    #[serde(default)]
    pub phones: Vec<String>,
    /// This office's own hours, when they differ from the general hours.
    #[serde(default)]
    pub hours: Option<String>,
}

impl ReceptionPolicy {
    /// Whether the policy carries a built-in schedule.
    pub fn has_offices(&self) -> bool {
        !self.offices.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    #[test]
    fn guangdong_table_exactly_as_printed() {
        let p = Policy::builtin("guangdong").unwrap().reception;
        assert_eq!(p.offices.len(), 11);
        let areas: Vec<&str> = p.offices.iter().map(|o| o.area.as_str()).collect();
        assert_eq!(
            areas,
            [
                "荔湾区",
                "越秀区",
                "海珠区",
                "天河区",
                "白云区",
                "黄埔区",
                "番禺区",
                "花都区",
                "南沙区",
                "增城区",
                "从化区"
            ]
        );
        let tianhe = &p.offices[3];
        assert_eq!(tianhe.dates, ["6月15日", "6月18日"]);
        assert_eq!(tianhe.address, "天河区五山路141号侨大教育二楼");
        assert_eq!(tianhe.phones, ["020-88909771"]);
        let panyu = &p.offices[6];
        assert_eq!(panyu.phones, ["020-84810283", "020-84813582"]);
        assert_eq!(panyu.dates, ["6月15-16日"]);
        assert_eq!(p.offices[10].dates, ["6月17-18日"]);
        assert_eq!(p.hours.as_deref(), Some("上午9:15--11:30 下午14:30--17:30"));
        assert_eq!(p.not_allowed, ["广州市区"]);
        for o in &p.offices {
            assert!(!o.dates.is_empty() && !o.address.is_empty() && !o.phones.is_empty());
            assert!(o.address.starts_with(&o.area), "{}", o.address);
        }
    }

    #[test]
    fn national_and_anhui_have_no_table() {
        for n in ["national", "anhui"] {
            let p = Policy::builtin(n).unwrap().reception;
            assert!(!p.has_offices(), "{n}");
        }
    }

    #[test]
    fn unknown_key_rejected() {
        let t = "name='x'\ntitle_zh='x'\ntitle_en='x'\n[reception]\n[[reception.offices]]\narea='A'\nphone='1'\n";
        let e = Policy::parse(t, std::path::Path::new("p.toml")).unwrap_err();
        assert!(e.to_string().contains("phone"), "{e}");
    }
}

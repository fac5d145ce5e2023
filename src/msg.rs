//! Every message the toolkit shows, in Chinese and English.
//!
//! One enum ([`Msg`]) with one variant per area; each area's own enum has a
//! `render(lang)` that matches every variant to both languages, so the
//! compiler proves that both texts exist. There is no global locale: the
//! language is passed to `render` by whoever renders the report.

use serde::{Deserialize, Serialize};

/// Output language. Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Parses `zh`, `zh-CN`, `zh_CN.UTF-8`, `en`, `en_US`... (case-insensitive).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") || s == "cn" {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A detail inside a message, in both languages: an operating-system
/// error (a Chinese description of its kind, the system's own text in
/// English), a parser's or a decoder's reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    pub zh: String,
    pub en: String,
}

impl Detail {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Detail {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// An I/O error: its kind in Chinese ([`crate::error::io_zh`]), the
    /// system's text in English.
    pub fn io(e: &std::io::Error) -> Self {
        Detail::new(crate::error::io_zh(e), e.to_string())
    }

    pub fn render(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// A message in both languages.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// Messages about reading tables and files.
    Table(crate::table::TableMsg),
    /// Photo check and fix-size.
    Photo(crate::photo::PhotoMsg),
    /// Photo fix-size (`photo::fix`).
    PhotoFix(crate::photo::fix::FixMsg),
    /// Graduation audit.
    Elig(crate::elig::EligMsg),
    /// Prior-education checks.
    Prereq(crate::prereq::PrereqMsg),
    /// Rosters.
    Roster(crate::roster::RosterMsg),
    /// Text that comes from data (a policy or profile file gives both
    /// languages, e.g. a special major's requirement).
    Data(Detail),
}

impl Msg {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Msg::Table(m) => m.render(lang),
            Msg::Photo(m) => m.render(lang),
            Msg::PhotoFix(m) => m.render(lang),
            Msg::Elig(m) => m.render(lang),
            Msg::Prereq(m) => m.render(lang),
            Msg::Roster(m) => m.render(lang),
            Msg::Data(d) => d.render(lang).to_string(),
        }
    }
}

impl From<crate::table::TableMsg> for Msg {
    fn from(m: crate::table::TableMsg) -> Self {
        Msg::Table(m)
    }
}
impl From<crate::photo::PhotoMsg> for Msg {
    fn from(m: crate::photo::PhotoMsg) -> Self {
        Msg::Photo(m)
    }
}
impl From<crate::elig::EligMsg> for Msg {
    fn from(m: crate::elig::EligMsg) -> Self {
        Msg::Elig(m)
    }
}
impl From<crate::prereq::PrereqMsg> for Msg {
    fn from(m: crate::prereq::PrereqMsg) -> Self {
        Msg::Prereq(m)
    }
}
impl From<crate::roster::RosterMsg> for Msg {
    fn from(m: crate::roster::RosterMsg) -> Self {
        Msg::Roster(m)
    }
}

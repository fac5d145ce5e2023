use crate::msg::Lang;

/// Messages of this area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum EligMsg {
    /// Placeholder until the area is built.
    NotBuilt,
}

impl EligMsg {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            EligMsg::NotBuilt => lang.pick("尚未实现", "not built yet").to_string(),
        }
    }
}

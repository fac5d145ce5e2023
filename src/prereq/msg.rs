use crate::msg::Lang;

/// Messages of this area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum PrereqMsg {
    /// Placeholder until the area is built.
    NotBuilt,
}

impl PrereqMsg {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            PrereqMsg::NotBuilt => lang.pick("尚未实现", "not built yet").to_string(),
        }
    }
}

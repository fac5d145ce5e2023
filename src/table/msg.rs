use crate::msg::Lang;

/// Messages of this area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum TableMsg {
    /// Placeholder until the area is built.
    NotBuilt,
}

impl TableMsg {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            TableMsg::NotBuilt => lang.pick("尚未实现", "not built yet").to_string(),
        }
    }
}

use crate::msg::Lang;

/// Messages of this area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoMsg {
    /// Placeholder until the area is built.
    NotBuilt,
    /// A finding of the pixel analysis (background, colour, quality).
    Pixel(crate::photo::pixels::PixelMsg),
}

impl PhotoMsg {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            PhotoMsg::NotBuilt => lang.pick("尚未实现", "not built yet").to_string(),
            PhotoMsg::Pixel(m) => m.render(lang),
        }
    }
}

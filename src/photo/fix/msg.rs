//! Messages of `photo fix-size`, in Chinese and English.

use crate::msg::Lang;
use crate::text::{file_size, thousands};

/// One edge of the photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Top,
    Bottom,
    Left,
    Right,
}

impl Edge {
    fn zh(self) -> &'static str {
        match self {
            Edge::Top => "上",
            Edge::Bottom => "下",
            Edge::Left => "左",
            Edge::Right => "右",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Edge::Top => "top",
            Edge::Bottom => "bottom",
            Edge::Left => "left",
            Edge::Right => "right",
        }
    }
}

fn edges(lang: Lang, e: &[Edge]) -> String {
    match lang {
        Lang::Zh => e.iter().map(|e| e.zh()).collect::<Vec<_>>().join("、"),
        Lang::En => e.iter().map(|e| e.en()).collect::<Vec<_>>().join(", "),
    }
}

/// What fix-size says about one photo.
#[derive(Clone, Debug, PartialEq)]
pub enum FixMsg {
    /// The file could not be decoded as an image.
    Unreadable { reason: String },
    /// No frontal face was found.
    NoFace,
    /// More than one face.
    SeveralFaces { count: usize },
    /// The profile cannot be aimed at.
    Unusable { reason: String },
    /// The face engine failed.
    EngineFailed { reason: String },
    /// The top of the head touches the top edge of the photo.
    HeadCut,
    /// The head top or the face width could not be measured.
    NotMeasurable { what: &'static str },
    /// The face is too small: it would have to be enlarged more than the limit.
    FaceTooSmall { needed: f32, limit: f32 },
    /// The proportions (hair height against face width) cannot meet every
    /// range at any one scale.
    Proportions { head_to_eyes: f32, face_width: f32 },
    /// A compliant crop would reach beyond these edges of the photo.
    TooCloseToEdge { edges: Vec<Edge>, missing_px: f32 },
    /// An image format fix-size does not decode (HEIC, WebP, GIF, BMP,
    /// TIFF) or a document (PDF, HTML).
    FormatNotDecoded { format: &'static str },
    /// Even at the lowest allowed quality the file is too big.
    TooBig { quality: u8, bytes: u64, max: u64 },
    /// The file meets the profile's window only under one reading of KB.
    SizeWindow { bytes: u64, min: u64, max: u64 },
    /// Even at quality 100 the file is too small.
    TooSmall { bytes: u64, min: u64 },
    /// The result would not pass `photo check`.
    ResultFails { codes: String },
    /// The output file exists and `--force` was not given.
    OutputExists { path: String },
    /// The output would be the input itself.
    OutputIsInput,
    /// Another input of the same run produces the same output name.
    NameClash { other: String },
    /// EXIF orientation applied to the pixels.
    OrientationApplied { exif: u8 },
    /// Cropped and scaled.
    Cropped {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        scale: f32,
    },
    /// Encoded.
    Encoded { quality: u8, bytes: u64 },
    /// Metadata blocks removed.
    MetadataRemoved { blocks: String },
    /// Already compliant: the compressed data was kept, only metadata removed.
    Kept,
    /// Already compliant geometry and pixels: only re-encoded.
    ReencodedOnly,
    /// Background padding was used.
    Padded {
        edges: Vec<Edge>,
        px: f32,
        rgb: [u8; 3],
    },
    /// The output could not be written.
    WriteFailed { reason: String },
    /// A bug: the code panicked on this file (the batch went on).
    InternalError { detail: String },
}

impl FixMsg {
    /// The message in the given language.
    pub fn render(&self, lang: Lang) -> String {
        use FixMsg::*;
        match (self, lang) {
            (Unreadable { reason }, Lang::Zh) => format!("无法解码图像：{reason}"),
            (Unreadable { reason }, Lang::En) => format!("cannot decode the image: {reason}"),
            (NoFace, Lang::Zh) => "未找到正面人脸，无法裁剪".into(),
            (NoFace, Lang::En) => "no frontal face found; nothing to crop around".into(),
            (SeveralFaces { count }, Lang::Zh) => {
                format!("找到 {count} 张人脸，证件照只能有一人")
            }
            (SeveralFaces { count }, Lang::En) => {
                format!("{count} faces found; the photo must show one person")
            }
            (Unusable { reason }, Lang::Zh) => format!("照片规格不适用：{reason}"),
            (Unusable { reason }, Lang::En) => format!("unusable profile: {reason}"),
            (EngineFailed { reason }, Lang::Zh) => format!("人脸分析失败：{reason}"),
            (EngineFailed { reason }, Lang::En) => format!("face analysis failed: {reason}"),
            (HeadCut, Lang::Zh) => "头顶被照片上边缘切掉，无法在不添加像素的情况下补足".into(),
            (HeadCut, Lang::En) => {
                "the top of the head is cut by the top edge; it cannot be restored without inventing pixels".into()
            }
            (NotMeasurable { what }, Lang::Zh) => format!("无法测量{}", zh_what(what)),
            (NotMeasurable { what }, Lang::En) => format!("cannot measure the {what}"),
            (FaceTooSmall { needed, limit }, Lang::Zh) => format!(
                "人脸太小：需放大 {needed:.2} 倍，超过允许的 {limit:.2} 倍（会明显模糊）；请拍摄更近或更高分辨率的照片"
            ),
            (FaceTooSmall { needed, limit }, Lang::En) => format!(
                "face too small: it would need enlarging {needed:.2}x, more than the {limit:.2}x limit (visible blur); take the photo closer or at a higher resolution"
            ),
            (Proportions { head_to_eyes, face_width }, Lang::Zh) => format!(
                "头顶到眼睛的距离（{head_to_eyes:.0} 像素）与脸宽（{face_width:.0} 像素）之比不允许任何一种缩放同时满足所有范围"
            ),
            (Proportions { head_to_eyes, face_width }, Lang::En) => format!(
                "the head-top-to-eyes distance ({head_to_eyes:.0} px) and the face width ({face_width:.0} px) cannot both fit their ranges at any one scale"
            ),
            (TooCloseToEdge { edges: e, missing_px }, Lang::Zh) => format!(
                "人像离照片{}边缘太近：合规的裁剪框需超出照片约 {missing_px:.0} 像素（不会填充虚构像素）",
                edges(lang, e)
            ),
            (TooCloseToEdge { edges: e, missing_px }, Lang::En) => format!(
                "the person is too close to the {} edge: a compliant crop would reach about {missing_px:.0} px beyond the photo (no pixels are invented)",
                edges(lang, e)
            ),
            (FormatNotDecoded { format }, Lang::Zh) if format.starts_with("HEIC") => "这是 HEIC 格式（苹果手机照片），无法处理：请先转换为 JPEG（iPhone：设置 → 相机 → 格式 → “兼容性最佳”后重拍，或在“照片”中分享/导出为 JPEG），再运行 fix-size".into(),
            (FormatNotDecoded { format }, Lang::En) if format.starts_with("HEIC") => "this is a HEIC photo (an iPhone's format), which is not decoded here: convert it to JPEG first (iPhone: Settings → Camera → Formats → Most Compatible and take it again, or share/export it as JPEG), then run fix-size".into(),
            (FormatNotDecoded { format }, Lang::Zh) => format!(
                "这是 {format} 格式，无法处理：请先用看图或画图软件另存为 JPEG，再运行 fix-size"
            ),
            (FormatNotDecoded { format }, Lang::En) => format!(
                "this is a {format} file, which is not decoded here: save it as JPEG with an image viewer or editor first, then run fix-size"
            ),
            (TooBig { quality, bytes, max }, Lang::Zh) => format!(
                "即使以最低品质 {quality} 压缩，文件仍有 {}，超出上限 {} {} 字节",
                file_size(*bytes, lang),
                file_size(*max, lang),
                thousands(bytes - max)
            ),
            (TooBig { quality, bytes, max }, Lang::En) => format!(
                "even at the lowest quality {quality} the file has {}, {} bytes over the limit of {}",
                file_size(*bytes, lang),
                thousands(bytes - max),
                file_size(*max, lang)
            ),
            (SizeWindow { bytes, min, max }, Lang::Zh) => format!(
                "文件 {}：符合 1 KB = 1024 字节的读法，但不在两种读法都符合的 {}-{} 字节之内；把 1 KB 当作 1000 字节的报名系统可能拒收",
                file_size(*bytes, lang),
                thousands(*min),
                thousands(*max)
            ),
            (SizeWindow { bytes, min, max }, Lang::En) => format!(
                "the file has {}: inside the window when 1 KB = 1,024 bytes, but not inside {}-{} bytes, which holds under both readings; a portal that reads 1 KB as 1,000 bytes may reject it",
                file_size(*bytes, lang),
                thousands(*min),
                thousands(*max)
            ),
            (TooSmall { bytes, min }, Lang::Zh) => format!(
                "即使以品质 100 压缩，文件也只有 {}，低于下限 {}（图像过于平坦；不会添加噪声）",
                file_size(*bytes, lang),
                file_size(*min, lang)
            ),
            (TooSmall { bytes, min }, Lang::En) => format!(
                "even at quality 100 the file has only {}, under the minimum of {} (the image is too flat; no noise is added)",
                file_size(*bytes, lang),
                file_size(*min, lang)
            ),
            (ResultFails { codes }, Lang::Zh) => {
                format!("处理结果仍不能通过照片检查（{codes}），未写出文件")
            }
            (ResultFails { codes }, Lang::En) => {
                format!("the result would still fail photo check ({codes}); nothing written")
            }
            (OutputExists { path }, Lang::Zh) => {
                format!("输出文件 {path} 已存在；如需覆盖请加 --force")
            }
            (OutputExists { path }, Lang::En) => {
                format!("output {path} exists; use --force to overwrite it")
            }
            (OutputIsInput, Lang::Zh) => "输出文件就是原图本身；原图从不修改，请换一个输出目录".into(),
            (OutputIsInput, Lang::En) => {
                "the output would be the original itself; originals are never modified, choose another output folder".into()
            }
            (NameClash { other }, Lang::Zh) => {
                format!("与 {other} 的输出文件同名，未处理")
            }
            (NameClash { other }, Lang::En) => {
                format!("same output name as {other}; not processed")
            }
            (OrientationApplied { exif }, Lang::Zh) => {
                format!("已按 EXIF 方向标记（{exif}）摆正像素，输出不再带方向标记")
            }
            (OrientationApplied { exif }, Lang::En) => format!(
                "EXIF orientation {exif} applied to the pixels; the output carries no orientation tag"
            ),
            (Cropped { x, y, w, h, scale }, Lang::Zh) => format!(
                "从 ({x:.0}, {y:.0}) 起裁剪 {w:.0}x{h:.0} 像素，缩放 {scale:.3} 倍至 480x640"
            ),
            (Cropped { x, y, w, h, scale }, Lang::En) => format!(
                "cropped {w:.0}x{h:.0} px from ({x:.0}, {y:.0}), scaled by {scale:.3}"
            ),
            (Encoded { quality, bytes }, Lang::Zh) => {
                format!("JPEG 品质 {quality}，{}，300 dpi", file_size(*bytes, lang))
            }
            (Encoded { quality, bytes }, Lang::En) => {
                format!("JPEG quality {quality}, {}, 300 dpi", file_size(*bytes, lang))
            }
            (MetadataRemoved { blocks }, Lang::Zh) => format!("已删除元数据：{blocks}"),
            (MetadataRemoved { blocks }, Lang::En) => format!("metadata removed: {blocks}"),
            (Kept, Lang::Zh) => "照片已合规：压缩数据原样保留".into(),
            (Kept, Lang::En) => "already compliant: the compressed data is kept as is".into(),
            (ReencodedOnly, Lang::Zh) => "人像位置和像素已合规，只重新编码文件（未裁剪）".into(),
            (ReencodedOnly, Lang::En) => {
                "geometry and pixels already compliant: only re-encoded (not cropped)".into()
            }
            (Padded { edges: e, px, rgb }, Lang::Zh) => format!(
                "按 --pad-background 在{}边用背景色 RGB({},{},{}) 延伸了 {px:.0} 像素",
                edges(lang, e),
                rgb[0],
                rgb[1],
                rgb[2]
            ),
            (Padded { edges: e, px, rgb }, Lang::En) => format!(
                "--pad-background: extended the {} edge by {px:.0} px with the background colour RGB({},{},{})",
                edges(lang, e),
                rgb[0],
                rgb[1],
                rgb[2]
            ),
            (WriteFailed { reason }, Lang::Zh) => format!("无法写出输出文件：{reason}"),
            (WriteFailed { reason }, Lang::En) => format!("cannot write the output: {reason}"),
            (InternalError { detail }, Lang::Zh) => {
                format!("处理此文件时发生内部错误（程序缺陷，请报告），其余文件照常处理：{detail}")
            }
            (InternalError { detail }, Lang::En) => format!(
                "internal error while fixing this file (a bug, please report it); the other files were processed: {detail}"
            ),
        }
    }
}

fn zh_what(what: &str) -> &'static str {
    match what {
        "head top" => "头顶位置",
        "face width" => "脸宽",
        _ => "人像几何",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        let m = FixMsg::TooCloseToEdge {
            edges: vec![Edge::Left, Edge::Top],
            missing_px: 12.0,
        };
        assert!(m.render(Lang::Zh).contains("左、上"));
        assert!(m.render(Lang::En).contains("left, top"));
        let m = FixMsg::TooBig {
            quality: 60,
            bytes: 50_000,
            max: 40_960,
        };
        assert!(
            m.render(Lang::En).contains("9,040 bytes over"),
            "{}",
            m.render(Lang::En)
        );
        assert!(
            m.render(Lang::Zh).contains("9,040 字节")
                && m.render(Lang::Zh).contains("48.8 KB (50,000 字节)"),
            "{}",
            m.render(Lang::Zh)
        );
    }
}

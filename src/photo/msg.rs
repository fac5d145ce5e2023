use crate::msg::{Detail, Lang};
use crate::text::file_size;

/// Why a photo's colour depth is not 24-bit RGB.
#[derive(Clone, Debug, PartialEq)]
pub enum ColorKind {
    /// One channel (black-and-white file).
    Gray,
    /// Gray with alpha (PNG).
    GrayAlpha,
    /// Four channels, CMYK (Adobe transform 0 or none).
    Cmyk,
    /// Four channels, YCCK (Adobe transform 2).
    Ycck,
    /// RGB with an alpha channel (PNG).
    Rgba,
    /// Indexed colours (PNG palette).
    Palette,
    /// More than 8 bits per sample.
    Bits(u8),
    /// Some other number of components.
    Components(u8),
}

impl ColorKind {
    fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (ColorKind::Gray, Lang::Zh) => "灰度（单通道）".into(),
            (ColorKind::Gray, Lang::En) => "grayscale (one channel)".into(),
            (ColorKind::GrayAlpha, Lang::Zh) => "带透明通道的灰度".into(),
            (ColorKind::GrayAlpha, Lang::En) => "grayscale with alpha".into(),
            (ColorKind::Cmyk, Lang::Zh) => "CMYK 四色".into(),
            (ColorKind::Cmyk, Lang::En) => "CMYK".into(),
            (ColorKind::Ycck, Lang::Zh) => "YCCK（CMYK）四通道".into(),
            (ColorKind::Ycck, Lang::En) => "YCCK (CMYK)".into(),
            (ColorKind::Rgba, Lang::Zh) => "带透明通道的 RGBA（32 位）".into(),
            (ColorKind::Rgba, Lang::En) => "RGBA with alpha (32-bit)".into(),
            (ColorKind::Palette, Lang::Zh) => "调色板（索引色）".into(),
            (ColorKind::Palette, Lang::En) => "palette (indexed colours)".into(),
            (ColorKind::Bits(b), Lang::Zh) => format!("每通道 {b} 位"),
            (ColorKind::Bits(b), Lang::En) => format!("{b} bits per channel"),
            (ColorKind::Components(n), Lang::Zh) => format!("{n} 个通道"),
            (ColorKind::Components(n), Lang::En) => format!("{n} channels"),
        }
    }
}

/// Messages of the photo area, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoMsg {
    /// The file has zero bytes.
    Empty,
    /// The bytes are not any image format recognised.
    NotAnImage,
    /// The JPEG structure is broken (truncated, no image data...); English
    /// detail from the parser.
    Broken {
        detail: Detail,
    },
    /// The decoder refused the data; English detail from the decoder.
    Corrupt {
        detail: Detail,
    },
    /// A bug (a panic) while checking this file; the other files are checked.
    InternalError {
        detail: String,
    },
    /// The file could not be read.
    ReadFailed {
        detail: Detail,
    },
    /// Not decoded: the header claims more pixels than the budget.
    TooLarge {
        width: u32,
        height: u32,
        budget: u64,
    },
    /// A recognised format this tool does not decode (GIF, WebP...).
    NotDecoded {
        format: String,
    },
    /// The content format is not an accepted one.
    Format {
        found: String,
        allowed: String,
    },
    /// The extension is not an accepted one.
    Extension {
        found: String,
        allowed: String,
    },
    FileTooSmall {
        bytes: u64,
        min: u64,
    },
    FileTooLarge {
        bytes: u64,
        max: u64,
    },
    DimensionsExact {
        width: u32,
        height: u32,
        exp_width: u32,
        exp_height: u32,
    },
    DimensionsMin {
        width: u32,
        height: u32,
        min_width: u32,
        min_height: u32,
    },
    /// No density at all (or JFIF units 0 = aspect ratio only, no EXIF).
    DpiMissing {
        required: f64,
    },
    /// Density present but not the required value; `source` is `JFIF`, `EXIF` or `PNG pHYs`.
    DpiWrong {
        x: f64,
        y: f64,
        source: String,
        required: f64,
    },
    /// JFIF and EXIF give different densities.
    DpiConflict {
        jfif: String,
        exif: String,
        required: f64,
    },
    ColorDepth {
        kind: ColorKind,
    },
    Quality {
        quality: u32,
        min: u32,
        method: &'static str,
    },
    /// The quality could not be estimated from the tables.
    QualityUndetermined {
        min: u32,
    },
    /// EXIF orientation other than 1.
    Orientation {
        value: u16,
    },
    /// The face geometry was not measured (engine unavailable or failed);
    /// the reason in both languages.
    GeometryUnmeasured {
        reason_zh: String,
        reason_en: String,
    },
    /// The face geometry was not measured: the face check was switched off.
    GeometrySwitchedOff,
    /// Every error of this photo is one that fix-size repairs.
    Fixable,
    FaceCount {
        count: usize,
    },
    HeadTop {
        y: f64,
        min: f64,
        max: f64,
    },
    /// The head reaches the top edge.
    HeadCut,
    HeadTopUnmeasured,
    /// The head top could not be seen (background above the head not plain,
    /// or hair the colour of the background): not checked; `estimate` from
    /// the face's proportions (a warning, never a cut).
    HeadTopNotFound {
        estimate: Option<f64>,
        min: f64,
        max: f64,
    },
    EyePosition {
        left: f64,
        right: f64,
        min: f64,
        max: f64,
    },
    FaceWidth {
        width: f64,
        min: f64,
        max: f64,
    },
    FaceWidthUnmeasured,
    Centered {
        center_x: f64,
        expected: f64,
        tolerance: f64,
    },
    HeadTilt {
        degrees: f64,
        max: f64,
    },
    /// (input problem) A file in a folder that is not an image: not checked.
    NotImageSkipped {
        format: String,
    },
    /// (input problem) A symbolic link to a folder: not followed.
    SymlinkDirSkipped,
    /// (input problem) A path given that does not exist or cannot be listed.
    PathUnreadable {
        detail: Detail,
    },
    /// (input problem) A folder with no files.
    NoFiles,
    /// A finding of the pixel checks (background, colour, sharpness...).
    Pixel(crate::photo::pixels::PixelMsg),
    /// A finding of a folder checked against the candidate list
    /// (`photo.missing`, `photo.unlisted`...; `photo::folder`).
    Folder(crate::photo::folder::FolderMsg),
}

fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

impl PhotoMsg {
    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        use PhotoMsg::*;
        let zh = lang == Lang::Zh;
        match self {
            Empty => lang
                .pick("文件为空（0 字节）", "the file is empty (0 bytes)")
                .into(),
            NotAnImage => lang
                .pick("文件内容不是图像", "the file's content is not an image")
                .into(),
            Broken { detail } => {
                let detail = detail.render(lang);
                if zh {
                    format!("JPEG 文件结构不完整或损坏（{detail}）")
                } else {
                    format!("the JPEG structure is incomplete or broken ({detail})")
                }
            }
            Corrupt { detail } => {
                let detail = detail.render(lang);
                if zh {
                    format!("图像无法解码（{detail}）")
                } else {
                    format!("the image cannot be decoded ({detail})")
                }
            }
            InternalError { detail } => {
                if zh {
                    format!("检查此文件时发生内部错误（程序缺陷，请报告），其余文件照常检查：{detail}")
                } else {
                    format!("internal error while checking this file (a bug, please report it); the other files are checked: {detail}")
                }
            }
            ReadFailed { detail } => {
                let detail = detail.render(lang);
                if zh {
                    format!("无法读取文件（{detail}）")
                } else {
                    format!("the file cannot be read ({detail})")
                }
            }
            TooLarge {
                width,
                height,
                budget,
            } => {
                if zh {
                    format!("文件声明 {width}x{height} 像素，超过解码上限 {budget} 像素，未解码，像素检查未做")
                } else {
                    format!("the file claims {width}x{height} pixels, over the decoding budget of {budget} pixels: not decoded, no pixel check made")
                }
            }
            NotDecoded { format } => {
                if zh {
                    format!("{format} 图像不能解码（只解码 JPEG 和 PNG），像素检查未做")
                } else {
                    format!("{format} images are not decoded (only JPEG and PNG are): no pixel check made")
                }
            }
            Format { found, allowed } => {
                if zh {
                    format!("文件内容是 {found}，不是要求的格式（{allowed}）；与扩展名无关")
                } else {
                    format!("the content is {found}, not the required format ({allowed}), whatever the extension says")
                }
            }
            Extension { found, allowed } => {
                let f = if found.is_empty() {
                    lang.pick("（无扩展名）", "(none)").to_string()
                } else {
                    format!(".{found}")
                };
                if zh {
                    format!("扩展名 {f} 不符合要求（应为 {allowed}）")
                } else {
                    format!("extension {f} is not accepted (expected {allowed})")
                }
            }
            FileTooSmall { bytes, min } => {
                let (b, m) = (file_size(*bytes, lang), file_size(*min, lang));
                if zh {
                    format!("文件大小 {b}，小于下限 {m}")
                } else {
                    format!("file size {b} is below the minimum of {m}")
                }
            }
            FileTooLarge { bytes, max } => {
                let (b, m) = (file_size(*bytes, lang), file_size(*max, lang));
                if zh {
                    format!("文件大小 {b}，超过上限 {m}")
                } else {
                    format!("file size {b} is above the maximum of {m}")
                }
            }
            DimensionsExact {
                width,
                height,
                exp_width,
                exp_height,
            } => {
                if zh {
                    format!("图像为 {width}x{height} 像素，应为宽 {exp_width} 高 {exp_height} 像素")
                } else {
                    format!("the image is {width}x{height} px; it must be {exp_width} wide and {exp_height} high")
                }
            }
            DimensionsMin {
                width,
                height,
                min_width,
                min_height,
            } => {
                if zh {
                    format!("图像为 {width}x{height} 像素，应不低于 {min_width}x{min_height} 像素")
                } else {
                    format!("the image is {width}x{height} px; it must be at least {min_width}x{min_height} px")
                }
            }
            DpiMissing { required } => {
                if zh {
                    format!(
                        "文件未记录分辨率（JFIF 与 EXIF 均无），应为 {} dpi",
                        num(*required)
                    )
                } else {
                    format!(
                        "the file records no density (neither JFIF nor EXIF); {} dpi is required",
                        num(*required)
                    )
                }
            }
            DpiWrong {
                x,
                y,
                source,
                required,
            } => {
                if zh {
                    format!(
                        "分辨率为 {}x{} dpi（{source}），应为 {} dpi",
                        num(*x),
                        num(*y),
                        num(*required)
                    )
                } else {
                    format!(
                        "density is {}x{} dpi ({source}); {} dpi is required",
                        num(*x),
                        num(*y),
                        num(*required)
                    )
                }
            }
            DpiConflict {
                jfif,
                exif,
                required,
            } => {
                if zh {
                    format!("JFIF 与 EXIF 记录的分辨率不一致（JFIF {jfif}，EXIF {exif}），应均为 {} dpi", num(*required))
                } else {
                    format!("JFIF and EXIF disagree on the density (JFIF {jfif}, EXIF {exif}); both must be {} dpi", num(*required))
                }
            }
            ColorDepth { kind } => {
                if zh {
                    format!(
                        "颜色为{}，应为 24 位真彩色（3 通道、每通道 8 位）",
                        kind.render(lang)
                    )
                } else {
                    format!(
                        "colour is {}; 24-bit true colour (3 channels of 8 bits) is required",
                        kind.render(lang)
                    )
                }
            }
            Quality {
                quality,
                min,
                method,
            } => {
                let m = match (*method, zh) {
                    ("exact", true) => "精确",
                    ("exact", false) => "exact",
                    (_, true) => "近似",
                    (_, false) => "approximate",
                };
                if zh {
                    format!("压缩品质系数约为 {quality}（{m}估计），低于 {min}")
                } else {
                    format!("JPEG quality factor is {quality} ({m} estimate), below {min}")
                }
            }
            QualityUndetermined { min } => {
                if zh {
                    format!("无法从量化表估计压缩品质系数（表过粗或非标准），不能确认不低于 {min}")
                } else {
                    format!("the quality factor cannot be estimated from the quantization tables (coarse or non-standard): not shown to be at least {min}")
                }
            }
            Orientation { value } => {
                if zh {
                    format!("EXIF 方向标记为 {value}（不是 1）：存储的像素不是正向，报名系统可能把照片横着或倒着显示；本检查按转正后的图像测量。请用 zikao photo fix-size 生成像素正向的照片")
                } else {
                    format!("EXIF orientation is {value} (not 1): the stored pixels are not upright and the portal may show the photo sideways or upside down; this check measured the upright picture. Run zikao photo fix-size to write a photo whose pixels are upright")
                }
            }
            GeometryUnmeasured {
                reason_zh,
                reason_en,
            } => {
                if zh {
                    format!("人像几何（人脸数、头顶、眼睛、脸宽、居中）未测量：{reason_zh}")
                } else {
                    format!("face geometry (face count, head top, eyes, face width, centring) was not measured: {reason_en}")
                }
            }
            Fixable => lang
                .pick(
                    "以上问题可以自动修正（只裁剪、缩放和重新压缩，不改动人像）：运行 zikao photo fix-size 照片文件 --out-dir 输出文件夹；网页版请点“生成合格照片并下载”",
                    "these problems can be fixed automatically (crop, scale and re-encode only; the person is not altered): run zikao photo fix-size PHOTO --out-dir FOLDER; on the web page, press “make a compliant photo”",
                )
                .into(),
            GeometrySwitchedOff => lang
                .pick(
                    "人像几何（人脸数、头顶、眼睛、脸宽、居中）未测量：人脸检查已关闭",
                    "face geometry (face count, head top, eyes, face width, centring) was not measured: the face check was switched off",
                )
                .into(),
            FaceCount { count } => match (count, zh) {
                (0, true) => "未检测到正面人脸".into(),
                (0, false) => "no frontal face found".into(),
                (n, true) => format!("检测到 {n} 张人脸，应只有一张"),
                (n, false) => format!("{n} faces found; there must be exactly one"),
            },
            HeadTop { y, min, max } => {
                if zh {
                    format!(
                        "头顶距上边沿 {} 像素，应在 {}-{} 像素之间",
                        num(*y),
                        num(*min),
                        num(*max)
                    )
                } else {
                    format!(
                        "head top is {} px from the top edge; it must be {}-{} px",
                        num(*y),
                        num(*min),
                        num(*max)
                    )
                }
            }
            HeadCut => lang
                .pick(
                    "头顶超出图像上边沿（头部被裁切）",
                    "the head is cut off by the top edge",
                )
                .into(),
            HeadTopUnmeasured => lang
                .pick("无法测量头顶位置", "the head top could not be measured")
                .into(),
            HeadTopNotFound { estimate, min, max } => {
                let est_zh = estimate.map_or(String::new(), |e| {
                    format!("；按脸部比例估计约 {} 像素", num(e))
                });
                let est_en = estimate.map_or(String::new(), |e| {
                    format!("; from the face's proportions it is about {} px", num(e))
                });
                if zh {
                    format!(
                        "无法确定头顶位置（头顶上方背景不单一，或头发与背景颜色相近），未检查头顶距上边沿 {}-{} 像素{est_zh}",
                        num(*min),
                        num(*max)
                    )
                } else {
                    format!(
                        "the head top could not be found (the background above the head is not plain, or the hair has the background's colour), so its {}-{} px from the top edge was not checked{est_en}",
                        num(*min),
                        num(*max)
                    )
                }
            }
            EyePosition {
                left,
                right,
                min,
                max,
            } => {
                if zh {
                    format!(
                        "眼睛距上边沿 {} / {} 像素（左/右），应在 {}-{} 像素之间",
                        num(*left),
                        num(*right),
                        num(*min),
                        num(*max)
                    )
                } else {
                    format!(
                        "eyes are {} / {} px (left/right) from the top edge; they must be {}-{} px",
                        num(*left),
                        num(*right),
                        num(*min),
                        num(*max)
                    )
                }
            }
            FaceWidth { width, min, max } => {
                if zh {
                    format!(
                        "脸部宽度 {} 像素，应在 {}-{} 像素之间",
                        num(*width),
                        num(*min),
                        num(*max)
                    )
                } else {
                    format!(
                        "face width is {} px; it must be {}-{} px",
                        num(*width),
                        num(*min),
                        num(*max)
                    )
                }
            }
            FaceWidthUnmeasured => lang
                .pick("无法测量脸部宽度", "the face width could not be measured")
                .into(),
            Centered {
                center_x,
                expected,
                tolerance,
            } => {
                if zh {
                    format!(
                        "人像中心在 x={} 像素，应在 {}±{} 像素内（水平居中）",
                        num(*center_x),
                        num(*expected),
                        num(*tolerance)
                    )
                } else {
                    format!("the face centre is at x={} px; it must be within {}±{} px (horizontally centred)", num(*center_x), num(*expected), num(*tolerance))
                }
            }
            HeadTilt { degrees, max } => {
                if zh {
                    format!(
                        "双眼连线倾斜 {:.1}°，超过 {}°（头部歪斜）",
                        degrees,
                        num(*max)
                    )
                } else {
                    format!(
                        "the eye line is tilted {:.1}°, more than {}° (head rolled)",
                        degrees,
                        num(*max)
                    )
                }
            }
            NotImageSkipped { format } => {
                if zh {
                    format!("不是图像文件（{format}），未检查")
                } else {
                    format!("not an image file ({format}): not checked")
                }
            }
            SymlinkDirSkipped => lang
                .pick(
                    "指向文件夹的符号链接，未跟随",
                    "a symbolic link to a folder: not followed",
                )
                .into(),
            PathUnreadable { detail } => {
                let detail = detail.render(lang);
                if zh {
                    format!("无法读取（{detail}）")
                } else {
                    format!("cannot be read ({detail})")
                }
            }
            NoFiles => lang
                .pick("文件夹中没有文件", "the folder has no files")
                .into(),
            Pixel(m) => m.render(lang),
            Folder(m) => m.render(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_differ() {
        let all = [
            PhotoMsg::Empty,
            PhotoMsg::FaceCount { count: 0 },
            PhotoMsg::FaceCount { count: 2 },
            PhotoMsg::Quality {
                quality: 50,
                min: 60,
                method: "exact",
            },
            PhotoMsg::ColorDepth {
                kind: ColorKind::Cmyk,
            },
            PhotoMsg::Extension {
                found: String::new(),
                allowed: ".jpg".into(),
            },
        ];
        for m in all {
            assert_ne!(m.render(Lang::Zh), m.render(Lang::En));
        }
        assert_eq!(num(300.0), "300");
        assert_eq!(num(299.72), "299.7");
    }
}

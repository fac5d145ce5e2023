//! Messages of a photo folder checked against the candidate list.

use super::names::{InvalidId, Junk};
use crate::msg::{Lang, Msg};

/// Messages of `photo check --candidates`, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub enum FolderMsg {
    /// `photo.missing`: no file is named after the candidate; `names` are
    /// the accepted stems (ID number masked), `probable` a badly named file
    /// that is probably the candidate's.
    Missing {
        names: String,
        probable: Option<String>,
    },
    /// `photo.unlisted`: the stem matches no candidate.
    Unlisted { stem: String },
    /// `photo.name_duplicate`: the candidate has several files.
    NameDuplicate { paths: Vec<String> },
    /// `photo.same_picture`: the same picture is filed for other candidates.
    SamePicture { others: Vec<String> },
    /// `photo.name_invalid`: the stem looks like an ID number but is not a
    /// valid one; `suggestion` is the one candidate it can stand for.
    NameInvalid {
        stem: String,
        why: InvalidId,
        suggestion: Option<String>,
    },
    /// (input problem `photo.skipped`) system junk, not checked.
    Skipped { junk: Junk },
    /// (input problem) a candidate listed twice: the later row is ignored.
    ListedTwice { exam_no: String, first_row: usize },
    /// (input problem) a list row without admission number.
    NoExamNo,
    /// (input problem `table.unmatched_rows`) `count` files, like
    /// `example`, match a listed exam number only with the leading zeros
    /// the list has lost.
    ListLostZeros { count: usize, example: String },
}

impl From<FolderMsg> for Msg {
    fn from(m: FolderMsg) -> Msg {
        Msg::Photo(crate::photo::PhotoMsg::Folder(m))
    }
}

impl Junk {
    fn render(self, lang: Lang) -> &'static str {
        match self {
            Junk::MacArchive => lang.pick(
                "macOS 压缩时附带的 __MACOSX 文件夹，未检查",
                "__MACOSX folder added by macOS's archiver: not checked",
            ),
            Junk::AppleDouble => lang.pick(
                "macOS 资源文件（._ 开头），不是照片，未检查",
                "macOS resource fork (._ file), not a photo: not checked",
            ),
            Junk::DsStore => lang.pick(
                "macOS 文件夹设置文件（.DS_Store），未检查",
                "macOS folder settings (.DS_Store): not checked",
            ),
            Junk::WindowsThumbs => lang.pick(
                "Windows 缩略图缓存（Thumbs.db），未检查",
                "Windows thumbnail cache (Thumbs.db): not checked",
            ),
            Junk::DesktopIni => lang.pick(
                "Windows 文件夹设置文件（desktop.ini），未检查",
                "Windows folder settings (desktop.ini): not checked",
            ),
            Junk::NasThumbs => lang.pick(
                "网络存储生成的缩略图文件夹，未检查",
                "thumbnail folder of a network storage: not checked",
            ),
            Junk::SystemFolder => lang.pick(
                "系统文件夹（回收站、索引等），未检查",
                "system folder (recycle bin, index...): not checked",
            ),
            Junk::Hidden => lang.pick(
                "隐藏文件或文件夹（名称以点开头），未检查",
                "hidden file or folder (name starts with a dot): not checked",
            ),
        }
    }
}

impl FolderMsg {
    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            FolderMsg::Missing { names, probable } => {
                let mut s = if zh {
                    format!("名单中的考生没有照片（照片应命名为 {names}）")
                } else {
                    format!("no photo for this candidate (it should be named {names})")
                };
                if let Some(p) = probable {
                    s.push_str(&if zh {
                        format!("；文件 {p} 的文件名无效，可能是该考生的照片")
                    } else {
                        format!(
                            "; the file {p} has an invalid name and is probably this candidate's"
                        )
                    });
                }
                s
            }
            FolderMsg::Unlisted { stem } => {
                if zh {
                    format!("文件名「{stem}」与名单中任何考生的证件号码或准考证号都不对应")
                } else {
                    format!(
                        "the file name `{stem}` is no candidate's ID number or admission number"
                    )
                }
            }
            FolderMsg::NameDuplicate { paths } => {
                if zh {
                    format!("该考生有 {} 个照片文件：{}", paths.len(), paths.join("、"))
                } else {
                    format!(
                        "this candidate has {} photo files: {}",
                        paths.len(),
                        paths.join(", ")
                    )
                }
            }
            FolderMsg::SamePicture { others } => {
                if zh {
                    format!(
                        "与其他考生的照片是同一张图片（可能重新压缩或缩放过）：{}",
                        others.join("、")
                    )
                } else {
                    format!(
                        "the same picture (possibly re-encoded or resized) is filed for: {}",
                        others.join(", ")
                    )
                }
            }
            FolderMsg::NameInvalid {
                stem,
                why,
                suggestion,
            } => {
                let mut s = match (why, zh) {
                    (InvalidId::CheckDigit { expected }, true) => format!(
                        "文件名「{stem}」像身份证号码，但校验码错误（按前17位应为 {expected}）"
                    ),
                    (InvalidId::CheckDigit { expected }, false) => format!(
                        "the file name `{stem}` looks like an ID number but its check character is wrong (the first 17 digits give {expected})"
                    ),
                    (InvalidId::BadDate, true) => {
                        format!("文件名「{stem}」像身份证号码，但出生日期不存在")
                    }
                    (InvalidId::BadDate, false) => format!(
                        "the file name `{stem}` looks like an ID number but its birth date does not exist"
                    ),
                    (InvalidId::Scientific { .. }, true) => format!(
                        "文件名「{stem}」是被电子表格改成科学计数法的号码，原号码已无法还原"
                    ),
                    (InvalidId::Scientific { .. }, false) => format!(
                        "the file name `{stem}` is a number a spreadsheet turned into scientific notation; its digits are lost"
                    ),
                };
                if let Some(c) = suggestion {
                    s.push_str(&if zh {
                        format!("；可能是考生 {c} 的照片")
                    } else {
                        format!("; probably candidate {c}'s photo")
                    });
                }
                s
            }
            FolderMsg::Skipped { junk } => junk.render(lang).to_string(),
            FolderMsg::ListedTwice { exam_no, first_row } => {
                if zh {
                    format!("准考证号 {exam_no} 已在第 {first_row} 行出现，本行忽略")
                } else {
                    format!(
                        "admission number {exam_no} already listed on row {first_row}: row ignored"
                    )
                }
            }
            FolderMsg::NoExamNo => lang
                .pick(
                    "缺少准考证号，本行未检查",
                    "no admission number: row not checked",
                )
                .into(),
            FolderMsg::ListLostZeros { count, example } => {
                if zh {
                    format!(
                        "{count} 个照片文件（如 {example}.jpg）的文件名补上名单中准考证号丢失的开头的 0 后才能对上：名单很可能在 Excel 中以数字格式打开或保存过。请把准考证号列设为文本后重新导出名单"
                    )
                } else {
                    format!(
                        "{} (e.g. {example}.jpg) {} a listed admission number only with the leading zeros the list has lost: the list was probably opened or saved in Excel as numbers. Export it again with the column as text",
                        crate::text::count_en(*count, "photo file", "photo files"),
                        if *count == 1 { "matches" } else { "match" }
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        let all = [
            FolderMsg::Missing {
                names: "a.jpg".into(),
                probable: Some("b.jpg".into()),
            },
            FolderMsg::Unlisted { stem: "x".into() },
            FolderMsg::NameDuplicate {
                paths: vec!["a.jpg".into(), "a.JPG".into()],
            },
            FolderMsg::SamePicture {
                others: vec!["1 张三".into()],
            },
            FolderMsg::NameInvalid {
                stem: "4.40106E+17".into(),
                why: InvalidId::Scientific { lo: 0, hi: 1 },
                suggestion: Some("1".into()),
            },
            FolderMsg::Skipped {
                junk: Junk::MacArchive,
            },
            FolderMsg::ListedTwice {
                exam_no: "1".into(),
                first_row: 2,
            },
            FolderMsg::NoExamNo,
        ];
        for m in all {
            assert_ne!(m.render(Lang::Zh), m.render(Lang::En));
            assert!(!m.render(Lang::En).is_empty());
        }
    }
}

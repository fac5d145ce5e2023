//! `zikao photo check`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use zikao::photo::annotate::{self, GeometryRanges};
use zikao::photo::{folder, html, CheckOptions, PhotoProfile, PhotoResult};

use super::common::{Format, TableArgs};
use super::Common;

const HELP: &str = "\
Examples / 示例:
  zikao photo check photo.jpg                            one photo / 检查一张照片
  zikao photo check photos/ --lang en                    a folder, recursively / 递归检查文件夹
  zikao photo check photos/ --format html -o report.html a report page for a batch / 批量 HTML 报告
  zikao photo check photos/ --annotate guides/           PNGs with the guides drawn / 输出标注图
  zikao photo check photos/ --format csv -o result.csv   for Excel / 导出 CSV
  zikao photo check --profile guangdong photos/          Guangdong: white or light gray only / 广东标准
  zikao photo check --profile id-attachment id/*.jpg     ID-card attachments / 身份证附件
  zikao photo check photos/ --candidates 考生名单.xlsx     against the candidate list / 按考生名单核对
  zikao photo check photos/ --candidates c.csv --format json -o photos.json
  zikao roster graduates --candidates c.csv --eligibility e.json --photos photos.json

With --candidates, file names are matched to 证件号码 or 准考证号 (--name-by id|exam|auto; full-width
digits, spaces, lower-case x, 15/18-digit IDs, extension case and subfolders do not matter): one
result per candidate (photo.missing, photo.name_duplicate, photo.same_picture, plus the photo's
own findings) and one per file that is no one's (photo.unlisted, photo.name_invalid).
有 --candidates 时按名单核对：每名考生一条结果，另列无人对应的文件。

Profiles / 标准: national (default), guangdong, guangdong-upload, id-attachment, or --profile-file FILE.
Exit status / 退出码: 0 all pass; 1 some fail; 2 usage error or unreadable path.";

/// 按标准检查照片 / check photos against a profile.
#[derive(Debug, ClapArgs)]
#[command(after_help = HELP)]
pub struct Args {
    /// 照片文件或文件夹 / photo files or folders (recursive)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 照片标准 / photo profile: national, guangdong, guangdong-upload, id-attachment
    #[arg(long, default_value = "national", conflicts_with = "profile_file")]
    pub profile: String,
    /// 自定义标准文件（TOML）/ your own profile file (TOML)
    #[arg(long, value_name = "FILE")]
    pub profile_file: Option<PathBuf>,
    /// 为每张照片输出标注图（PNG）到此文件夹 / write a PNG with the guides drawn for each photo into DIR
    #[arg(long, value_name = "DIR")]
    pub annotate: Option<PathBuf>,
    /// 考生名单（准考证号、姓名、证件号码；CSV/Excel/JSON）：按名单核对文件夹 /
    /// candidate list (准考证号, 姓名, 证件号码; CSV, Excel or JSON): check the folder against it
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// 照片文件名对应：证件号码、准考证号或自动 / what file names are: ID numbers, admission numbers, or either
    #[arg(long, value_enum, default_value = "auto", requires = "candidates")]
    pub name_by: NameByArg,
    /// 显示完整证件号码 / print ID numbers in full (with --candidates)
    #[arg(long, requires = "candidates")]
    pub unmask: bool,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NameByArg {
    Id,
    Exam,
    Auto,
}

/// What is kept of each photo for the annotated PNGs and the HTML page.
struct Visual {
    thumb: Vec<u8>,
    annotated: Vec<u8>,
    write_error: Option<String>,
}

pub fn load_profile(name: &str, file: &Option<PathBuf>) -> Result<PhotoProfile> {
    Ok(match file {
        Some(f) => PhotoProfile::load(f)?,
        None => PhotoProfile::builtin(name)?,
    })
}

pub fn run(a: Args) -> Result<u8> {
    let c = &a.common;
    c.check_output()?;
    let profile = load_profile(&a.profile, &a.profile_file)?;
    if let Some(dir) = &a.annotate {
        check_annotate_dir(dir, c.force)?;
        std::fs::create_dir_all(dir).map_err(|e| zikao::Error::io(dir, e))?;
    }
    let list = match &a.candidates {
        Some(p) => {
            if c.format == Format::Html {
                anyhow::bail!("--format html is not available with --candidates (use table, json or csv) / 按名单核对时不支持 html 格式");
            }
            Some(folder::read_candidates(p, &a.table.read_options()?)?)
        }
        None => None,
    };
    let want_html = c.format == Format::Html;
    let pb = c.progress(0, "photo check");
    let progress = |done: usize, total: usize| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    };
    let opts = CheckOptions::default();
    let annotate_dir = a.annotate.clone();
    let force = c.force;
    let lang = c.lang();
    let visual = |r: &PhotoResult| -> Option<Visual> {
        let img = r.image.as_ref()?;
        if annotate_dir.is_none() && !want_html {
            return None;
        }
        let ranges = GeometryRanges::for_image(&profile.geometry, img.width(), img.height());
        let face = r.face.as_ref().and_then(|f| f.primary.as_ref());
        let drawn = annotate::annotate_with_legend(img, face, &ranges, lang);
        let mut annotated = Vec::new();
        let mut write_error = None;
        if let Some(dir) = &annotate_dir {
            let png = annotate::png_bytes(&drawn);
            let path = r
                .item
                .get("path")
                .and_then(|v| v.as_str())
                .map(PathBuf::from)
                .unwrap_or_default();
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "photo".into());
            // a failed write is reported after the batch, never fatal for the others
            if let Err(e) =
                zikao::output::write_atomic(&dir.join(format!("{stem}.annotated.png")), &png, force)
            {
                write_error = Some(e.render(lang));
            }
            if want_html {
                annotated = html::jpeg_bytes(&drawn, 80);
            }
        } else {
            annotated = html::jpeg_bytes(&drawn, 80);
        }
        Some(Visual {
            thumb: if want_html {
                html::thumbnail_jpeg(img, 120)
            } else {
                Vec::new()
            },
            annotated,
            write_error,
        })
    };
    let with_sig = list.is_some();
    let map = |r: &PhotoResult| -> (Option<Visual>, Option<folder::Signature>) {
        let sig = if with_sig {
            r.image.as_ref().map(|img| {
                folder::phash::signature(img, r.face.as_ref().and_then(|f| f.primary.as_ref()))
            })
        } else {
            None
        };
        (visual(r), sig)
    };
    let (report, mapped) =
        zikao::photo::check::check_paths_map(&a.paths, &profile, &opts, &progress, &map)?;
    pb.finish_and_clear();
    let mut visuals = Vec::with_capacity(mapped.len());
    let mut sigs = Vec::with_capacity(mapped.len());
    for m in mapped {
        let (v, s) = match m {
            Some((v, s)) => (Some(v), s),
            None => (None, None),
        };
        visuals.push(v);
        sigs.push(s);
    }
    if report.results.is_empty() {
        // an empty folder (or one without photos) is not a success
        eprintln!(
            "zikao: {}",
            c.lang().pick(
                "没有找到可检查的照片（.jpg/.jpeg/.png 等）；请检查路径",
                "no photo to check was found (.jpg/.jpeg/.png ...); check the path"
            )
        );
    }
    let mut write_failed = false;
    for v in visuals.iter().flatten().flatten() {
        if let Some(e) = &v.write_error {
            eprintln!("zikao: {e}");
            write_failed = true;
        }
    }
    // 2 for an unreadable path, judged before the list's own row problems
    let unreadable = exit_for(&report, 0);
    let report = match list {
        Some((list, problems)) => {
            let fopts = folder::FolderOptions {
                name_by: match a.name_by {
                    NameByArg::Id => folder::NameBy::Id,
                    NameByArg::Exam => folder::NameBy::Exam,
                    NameByArg::Auto => folder::NameBy::Auto,
                },
                unmask: a.unmask,
                list_file: a.candidates.clone().unwrap_or_default(),
            };
            folder::match_folder(report, sigs, &list, problems, &fopts)
        }
        None => report,
    };
    if want_html {
        let page = html::render_html(&report, c.lang(), &|i| {
            visuals
                .get(i)
                .and_then(|v| v.as_ref())
                .and_then(|v| v.as_ref())
                .map(|v| (v.thumb.clone(), v.annotated.clone()))
        });
        c.write(page.as_bytes())?;
        c.announce(&report);
        return Ok((report.exit_code() as u8).max(unreadable));
    }
    let code = c.emit(
        &report,
        &[Format::Table, Format::Json, Format::Csv, Format::Html],
    )?;
    let code = code.max(unreadable);
    Ok(if write_failed { code.max(1) } else { code })
}

/// Refuses (exit 2, before any work) an --annotate folder that already
/// holds annotated PNGs of an earlier run, unless --force: the same rule
/// as an existing `-o` file.
fn check_annotate_dir(dir: &std::path::Path, force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".annotated.png") {
            return Err(zikao::Error::OutputExists { path: e.path() }.into());
        }
    }
    Ok(())
}

/// Exit status 2 when a path given (or a file or folder found) could not be
/// read at all (an input problem of severity error): the help promises
/// "2 ... unreadable path". The rest of the batch is still reported.
fn exit_for(report: &zikao::finding::Report, code: u8) -> u8 {
    if report.results.is_empty() {
        // nothing was checked: an empty folder or one without photos
        return 2;
    }
    let unreadable = report
        .input_errors
        .iter()
        .any(|p| p.severity == zikao::finding::Severity::Error);
    if unreadable {
        code.max(2)
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_path_is_exit_2() {
        let dir = std::env::temp_dir().join(format!("zikao-exit-{}", std::process::id()));
        let missing = dir.join("missing.jpg");
        let r = zikao::photo::check::check_paths(
            &[missing],
            &PhotoProfile::builtin("national").unwrap(),
            &CheckOptions::default(),
            &|_, _| (),
        )
        .unwrap();
        assert_eq!(exit_for(&r, r.exit_code() as u8), 2);
        let empty = zikao::photo::check::check_paths(
            &[],
            &PhotoProfile::builtin("national").unwrap(),
            &CheckOptions::default(),
            &|_, _| (),
        )
        .unwrap();
        // nothing checked is not a success
        assert_eq!(exit_for(&empty, 0), 2);
    }
}

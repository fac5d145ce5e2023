//! `zikao photo fix-size`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args as ClapArgs;
use zikao::photo::fix::{self, FixOptions};

use super::common::Format;
use super::photo_check::load_profile;
use super::Common;

const HELP: &str = "\
Examples / 示例:
  zikao photo fix-size IMG_2041.jpg --out-dir fixed/              a phone photo → fixed/IMG_2041.jpg
  zikao photo fix-size photos/ --out-dir fixed/ --lang en          a folder / 整个文件夹
  zikao photo fix-size photos/ --out-dir fixed/ -o report.json     the report, for scripts / 报告

Crop and scale only: the result is 480x640, 300 dpi, 24-bit, JPEG quality >= 60, 20-40 KB, with
head top, eyes, face width and centring inside their ranges, EXIF orientation applied and all
other metadata (GPS, camera, thumbnails) removed. Never mirrored, rotated, retouched or padded
(unless --pad-background). A photo that cannot be made compliant gets the reason and no file.
只做裁剪和缩放；无法合规的照片给出原因且不输出文件。原图不会被修改。
Exit status / 退出码: 0 all fixed; 1 some refused; 2 usage error or unreadable path.";

/// 裁剪缩放为合规照片 / crop and scale into compliant photos.
#[derive(Debug, ClapArgs)]
#[command(after_help = HELP)]
pub struct Args {
    /// 照片文件或文件夹 / photo files or folders (recursive)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// 合规照片的输出文件夹（必需；文件名为 <原文件名>.jpg，子文件夹保留）/ folder for the fixed
    /// photos (required; files are named <original stem>.jpg). -o FILE is the report
    #[arg(long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// 照片标准 / photo profile: national, guangdong
    #[arg(long, default_value = "national", conflicts_with = "profile_file")]
    pub profile: String,
    /// 自定义标准文件（TOML）/ your own profile file (TOML)
    #[arg(long, value_name = "FILE")]
    pub profile_file: Option<PathBuf>,
    /// 人物离边缘太近时，用照片本身的纯色背景延伸上/左/右边缘（报告中注明）/
    /// when the person is too close to the top, left or right edge, extend that edge with the
    /// photo's own measured plain background colour (said in the report)
    #[arg(long)]
    pub pad_background: bool,
    /// 最大放大倍数 / largest enlargement allowed (default 1.25)
    #[arg(long, value_name = "X", default_value_t = 1.25)]
    pub max_upscale: f64,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(a: Args) -> Result<u8> {
    // -o is the report, as in every command; the photos go to --out-dir
    let Some(out_dir) = a.out_dir.clone() else {
        return Err(missing_out_dir(a.common.output.as_deref()).into());
    };
    if !(1.0..=4.0).contains(&a.max_upscale) {
        return Err(zikao::Error::usage(
            "--max-upscale 应在 1.0 到 4.0 之间",
            "--max-upscale must be between 1.0 and 4.0",
        )
        .into());
    }
    if a.common.output.as_deref() == Some(out_dir.as_path()) {
        return Err(zikao::Error::usage(
            "-o（报告文件）与 --out-dir（照片文件夹）不能是同一路径",
            "-o (the report file) and --out-dir (the photo folder) cannot be the same path",
        )
        .into());
    }
    a.common.check_output()?;
    let profile = load_profile(&a.profile, &a.profile_file)?;
    let opts = FixOptions {
        force: a.common.force,
        max_upscale: a.max_upscale,
        pad_background: a.pad_background,
        ..Default::default()
    };
    let pb = a.common.progress(0, "photo fix-size");
    let progress = |done: usize, total: usize| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    };
    let report = fix::fix_paths(&a.paths, &out_dir, &profile, &opts, &progress)?;
    pb.finish_and_clear();
    a.common
        .emit(&report, &[Format::Table, Format::Json, Format::Csv])
}

/// The error for a run without `--out-dir`. An `-o` that looks like a
/// folder (the usage before `-o` became the report) gets the exact fix.
fn missing_out_dir(o: Option<&std::path::Path>) -> zikao::Error {
    let looks_like_dir = o.is_some_and(|p| {
        p.is_dir() || p.to_string_lossy().ends_with(['/', '\\']) || p.extension().is_none()
    });
    match o {
        Some(p) if looks_like_dir => {
            let p = p.display();
            zikao::Error::usage(
                format!("照片输出文件夹请用 --out-dir 指定（-o 是报告文件）：zikao photo fix-size … --out-dir {p}"),
                format!("give the folder for the fixed photos with --out-dir (-o is the report file): zikao photo fix-size … --out-dir {p}"),
            )
        }
        _ => zikao::Error::usage(
            "请用 --out-dir DIR 指定合规照片的输出文件夹（原图不会被修改；-o FILE 是报告文件）",
            "give the folder for the fixed photos with --out-dir DIR (the originals are never modified; -o FILE is the report file)",
        ),
    }
}

//! `--format html`: one self-contained report page for a batch of photos —
//! the page a clerk opens after checking 3,000 of them.
//!
//! Everything is inside the one file: CSS and JS inline, pictures as base64
//! `data:` URIs, no external request. At the top: counts per verdict and
//! per finding code (click one to filter); filters by verdict, code and
//! file name; one card per photo with a small thumbnail, the verdict and the
//! reasons with measured and expected values. Clicking a thumbnail shows
//! the annotated picture, which is kept as text in a non-executed
//! `<script type="text/plain">` until then, so the browser decodes only the
//! thumbnails (lazily) while the page loads. All text from the report is
//! HTML-escaped.

use std::fmt::Write as _;

use base64::Engine as _;
use image::RgbImage;
use serde_json::Value;

use crate::finding::Report;
use crate::msg::Lang;
use crate::render::labels::verdict_label;

pub use crate::text::escape_html as escape;

/// A `data:` URI for PNG or JPEG bytes (sniffed); `None` for anything else.
fn data_uri(bytes: &[u8]) -> Option<String> {
    let mime = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return None;
    };
    Some(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// JPEG bytes of an image at the given quality (1-100).
pub fn jpeg_bytes(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut buf = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality.clamp(1, 100));
    // Encoding an in-memory RGB8 image cannot fail.
    img.write_with_encoder(enc)
        .expect("JPEG encoding into memory");
    buf
}

/// PNG pictures bigger than this are re-encoded as JPEG for the page.
const PNG_MAX: usize = 120_000;

/// The annotated picture as it goes into the page: a large PNG (a 480x640
/// annotated photo is 230-300 KB as PNG) becomes JPEG quality 80 (about
/// 40-60 KB), so a 3,000-photo page stays around 200 MB instead of 1 GB.
/// Callers that pass [`jpeg_bytes`] already skip this decode/encode.
fn lighten(bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() <= PNG_MAX || !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return bytes;
    }
    match image::load_from_memory_with_format(&bytes, image::ImageFormat::Png) {
        Ok(img) => jpeg_bytes(&img.to_rgb8(), 80),
        Err(_) => bytes,
    }
}

/// A small JPEG thumbnail `height` pixels high (about 3-5 KB at 120 px),
/// for the page's list.
pub fn thumbnail_jpeg(img: &RgbImage, height: u32) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let th = height.clamp(1, h.max(1));
    let tw = ((w as u64 * th as u64) / h.max(1) as u64).max(1) as u32;
    jpeg_bytes(&image::imageops::thumbnail(img, tw, th), 80)
}

/// Short label of a finding code for the summary table.
fn code_label(code: &str, lang: Lang) -> &'static str {
    let (zh, en) = match code {
        "photo.unreadable" => ("无法读取", "unreadable"),
        "photo.internal_error" => ("内部错误", "internal error"),
        "photo.fixable" => ("可自动修正", "fixable"),
        "photo.format" => ("不是 JPEG", "not JPEG"),
        "photo.extension" => ("扩展名", "extension"),
        "photo.file_size" => ("文件大小", "file size"),
        "photo.dimensions" => ("像素尺寸", "pixel size"),
        "photo.dpi" => ("分辨率", "resolution (dpi)"),
        "photo.color_depth" => ("色彩位数", "colour depth"),
        "photo.monochrome" => ("黑白照片", "black and white"),
        "photo.quality" => ("压缩品质", "JPEG quality"),
        "photo.background_color" => ("背景颜色", "background colour"),
        "photo.background_uniform" => ("背景不均匀", "background not uniform"),
        "photo.face_count" => ("人脸数量", "number of faces"),
        "photo.head_top" => ("头顶位置", "head top"),
        "photo.head_top_unmeasured" => ("头顶未找到", "head top not found"),
        "photo.eye_position" => ("眼睛位置", "eye position"),
        "photo.face_width" => ("脸宽", "face width"),
        "photo.centered" => ("未居中", "not centred"),
        "photo.head_tilt" => ("头部倾斜", "head tilt"),
        "photo.sharpness" => ("模糊", "blurred"),
        "photo.exposure" => ("曝光", "exposure"),
        "photo.lighting" => ("光照不均", "uneven lighting"),
        "photo.border" => ("边框", "border"),
        "photo.orientation" => ("方向", "orientation"),
        _ => ("", ""),
    };
    lang.pick(zh, en)
}

/// A measured or expected value as a person reads it: a number without a
/// needless `.0`, a range `[a, b]` or `{min, max}` as `a–b`, other
/// values as compact JSON.
fn value_text(v: &Value) -> String {
    let num = |v: &Value| {
        v.as_f64().map(|f| {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                format!("{f}")
            }
        })
    };
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(_) => num(v).unwrap_or_default(),
        Value::Array(a) if a.len() == 2 && a.iter().all(Value::is_number) => {
            format!(
                "{}–{}",
                num(&a[0]).unwrap_or_default(),
                num(&a[1]).unwrap_or_default()
            )
        }
        Value::Object(m) if m.contains_key("min") || m.contains_key("max") => {
            match (m.get("min").and_then(num), m.get("max").and_then(num)) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                (Some(a), None) => format!("≥ {a}"),
                (None, Some(b)) => format!("≤ {b}"),
                (None, None) => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}

const CSS: &str = r#"
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#f4f5f7}
header{background:#fff;padding:12px 18px;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:2}
h1{font-size:18px;margin:0 0 6px}.counts span{margin-right:14px}
.codes{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}.codes button{border:1px solid #ccc;background:#fafafa;border-radius:12px;padding:2px 10px;cursor:pointer;font:inherit}
.codes button.on{background:#2a6ad4;color:#fff;border-color:#2a6ad4}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center}.filters select,.filters input{font:inherit;padding:3px 6px}
main{padding:12px 18px;display:flex;flex-direction:column;gap:8px}
.item{display:flex;gap:12px;background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:8px}
.item img.thumb{height:120px;width:auto;min-width:60px;border:1px solid #ccc;background:#eee}.item img.click{cursor:zoom-in}
.name{font-weight:600;word-break:break-all}.v{display:inline-block;border-radius:3px;padding:0 6px;margin-left:6px;font-size:12px;color:#fff;background:#777}
.v-pass{background:#1c8a3a}.v-fail{background:#c62828}
ul{margin:4px 0 0;padding-left:18px}li.error{color:#b71c1c}li.warning{color:#a15c00}li.info{color:#555}
code{background:#f0f0f0;padding:0 3px;border-radius:3px;color:#333}.m{color:#666;font-size:12px}
details{font-size:12px;color:#555;margin-top:4px}
#modal{position:fixed;inset:0;background:rgba(0,0,0,.8);display:flex;align-items:center;justify-content:center;z-index:5;flex-direction:column}
#modal[hidden]{display:none}#modal img{max-width:95vw;max-height:88vh;background:#fff}#modal div{color:#fff;margin-top:8px}
.problems{background:#fff3f3;border:1px solid #f2c0c0;padding:8px 12px;margin:12px 18px;border-radius:6px}
.context{color:#555;margin:-2px 0 6px}table.meas{border-collapse:collapse;margin-top:4px}table.meas th{text-align:left;font-weight:normal;color:#777;padding:0 12px 0 0}
@media print{body{background:#fff;font-size:11pt}header{position:static;border:0;padding:0 0 8px}
.filters,#modal{display:none!important}.codes button{border:0;background:none;padding:0 8px 0 0;color:#222}
main{padding:0}.item{break-inside:avoid;border:1px solid #999}.v{color:#000;background:none;border:1px solid #000}
.problems{margin:0 0 8px}}
"#;

const JS: &str = r#"
(function(){
var items=[].slice.call(document.querySelectorAll('.item'));
var fv=document.getElementById('fv'),fc=document.getElementById('fc'),fq=document.getElementById('fq'),shown=document.getElementById('shown');
function apply(){var v=fv.value,c=fc.value,q=fq.value.trim().toLowerCase(),n=0;
items.forEach(function(it){var ok=(!v||it.dataset.verdict===v)&&(!c||it.dataset.codes.indexOf(' '+c+' ')>=0)&&(!q||it.dataset.name.indexOf(q)>=0);
it.style.display=ok?'':'none';if(ok)n++;});shown.textContent=n;
[].forEach.call(document.querySelectorAll('.codes button'),function(b){b.classList.toggle('on',b.dataset.code===c&&c!=='');});}
fv.onchange=apply;fc.onchange=apply;fq.oninput=apply;
[].forEach.call(document.querySelectorAll('.codes button'),function(b){b.onclick=function(){fc.value=(fc.value===b.dataset.code)?'':b.dataset.code;apply();};});
var modal=document.getElementById('modal'),mi=document.getElementById('mi'),mc=document.getElementById('mc');
document.getElementById('items').onclick=function(e){var t=e.target;if(!t.classList.contains('click'))return;
var s=document.getElementById('a'+t.dataset.i);if(!s)return;mi.src=s.textContent.trim();mc.textContent=t.dataset.name;modal.hidden=false;};
modal.onclick=function(){modal.hidden=true;mi.removeAttribute('src');};
document.onkeydown=function(e){if(e.key==='Escape'){modal.hidden=true;mi.removeAttribute('src');}};
window.addEventListener('beforeprint',function(){[].forEach.call(document.querySelectorAll('details'),function(d){d.open=true;});});
apply();})();
"#;

/// Renders the report of a batch as one self-contained HTML page.
///
/// `images(i)` gives, for result `i`, a thumbnail (JPEG or PNG, ~120 px
/// high: see [`thumbnail_jpeg`]) and the annotated picture (PNG or JPEG;
/// a JPEG from [`jpeg_bytes`] keeps a 3,000-photo page several times
/// smaller than PNG), or `None` when there is no picture (unreadable file).
pub fn render_html(
    report: &Report,
    lang: Lang,
    images: &dyn Fn(usize) -> Option<(Vec<u8>, Vec<u8>)>,
) -> String {
    let mut h = String::with_capacity(4096 + report.results.len() * 8192);
    page_header(&mut h, report, lang);
    input_problems(&mut h, report, lang);
    let mut annotated = String::new();
    h.push_str("<main id=\"items\">\n");
    for (i, it) in report.results.iter().enumerate() {
        card(&mut h, &mut annotated, i, it, images(i), lang);
    }
    h.push_str(
        "</main>\n<div id=\"modal\" hidden><img id=\"mi\" alt=\"\"><div id=\"mc\"></div></div>\n",
    );
    h.push_str(&annotated);
    let _ = write!(h, "<script>{JS}</script>\n</body></html>\n");
    h
}

/// `<head>` and the sticky header: title, which rules were applied,
/// counts per verdict and per code (buttons that filter), and the filters.
fn page_header(h: &mut String, report: &Report, lang: Lang) {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let (verdicts, codes) = report.counts();
    let title = t("照片检查报告", "Photo check report");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
         <title>{title}</title><style>{CSS}</style></head><body>\n<header><h1>{title}</h1>",
        t("zh-CN", "en")
    );
    if let Some((_, profile)) = report.summary_extra.iter().find(|(k, _)| *k == "profile") {
        let _ = write!(
            h,
            "<div class=\"context\">{} {}</div>",
            t("照片标准", "Photo standard"),
            escape(&value_text(profile))
        );
    }
    let _ = write!(
        h,
        "<div class=\"counts\"><span>{}: <b>{}</b></span>",
        t("总数", "Total"),
        report.results.len()
    );
    for (v, n) in &verdicts {
        let _ = write!(
            h,
            "<span>{}: <b>{n}</b></span>",
            escape(&verdict_label(v, lang))
        );
    }
    if !report.input_errors.is_empty() {
        let _ = write!(
            h,
            "<span>{}: <b>{}</b></span>",
            t("输入问题", "Input problems"),
            report.input_errors.len()
        );
    }
    h.push_str("</div><div class=\"codes\">");
    for (c, n) in &codes {
        let _ = write!(
            h,
            "<button type=\"button\" data-code=\"{0}\" title=\"{0}\">{1}{2}<b>{n}</b></button>",
            escape(c),
            escape(code_or_label(c, lang)),
            t("：", ": ")
        );
    }
    let _ = write!(
        h,
        "</div><div class=\"filters\"><label>{} <select id=\"fv\"><option value=\"\">{}</option>",
        t("结论", "Verdict"),
        t("全部", "all")
    );
    for v in verdicts.keys() {
        let _ = write!(
            h,
            "<option value=\"{}\">{}</option>",
            escape(v),
            escape(&verdict_label(v, lang))
        );
    }
    let _ = write!(
        h,
        "</select></label><label>{} <select id=\"fc\"><option value=\"\">{}</option>",
        t("问题", "Finding"),
        t("全部", "all")
    );
    for c in codes.keys() {
        let label = code_label(c, lang);
        let _ = write!(
            h,
            "<option value=\"{0}\">{0}{1}</option>",
            escape(c),
            if label.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape(label))
            }
        );
    }
    let _ = writeln!(
        h,
        "</select></label><label>{} <input id=\"fq\" type=\"search\"></label><span>{} <b id=\"shown\">{}</b></span></div></header>",
        t("文件名", "File name"),
        t("显示", "Shown"),
        report.results.len()
    );
}

/// The label of a code, or the code itself when it has none.
fn code_or_label(code: &str, lang: Lang) -> &str {
    match code_label(code, lang) {
        "" => code,
        label => label,
    }
}

/// The box of input problems (files skipped, list rows), when any.
fn input_problems(h: &mut String, report: &Report, lang: Lang) {
    if report.input_errors.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<div class=\"problems\"><b>{}</b><ul>",
        lang.pick("无法处理的输入", "Input that could not be processed")
    );
    for p in &report.input_errors {
        let _ = write!(
            h,
            "<li class=\"{}\"><code>{}</code> {}</li>",
            p.severity.as_str(),
            escape(p.code),
            escape(&p.render(lang))
        );
    }
    h.push_str("</ul></div>\n");
}

/// One photo's card: thumbnail (the annotated picture goes to `annotated`,
/// shown on click), name, verdict, findings, main measurements.
fn card(
    h: &mut String,
    annotated: &mut String,
    i: usize,
    it: &crate::finding::Item,
    pics: Option<(Vec<u8>, Vec<u8>)>,
    lang: Lang,
) {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let name = it
        .keys
        .iter()
        .map(|(_, v)| value_text(v))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut code_list = String::from(" ");
    for f in &it.findings {
        code_list.push_str(f.code);
        code_list.push(' ');
    }
    let _ = write!(
        h,
        "<div class=\"item\" data-verdict=\"{}\" data-codes=\"{}\" data-name=\"{}\">",
        escape(it.verdict),
        escape(&code_list),
        escape(&name.to_lowercase())
    );
    let thumb = pics.as_ref().and_then(|(t, _)| data_uri(t));
    let full = pics.and_then(|(_, a)| data_uri(&lighten(a)));
    match thumb {
        Some(src) => {
            let _ = write!(
                h,
                "<img class=\"thumb{}\" loading=\"lazy\" decoding=\"async\" alt=\"\" data-i=\"{i}\" data-name=\"{}\" title=\"{}\" src=\"{src}\">",
                if full.is_some() { " click" } else { "" },
                escape(&name),
                if full.is_some() {
                    t("点击查看标注图", "click for the annotated picture")
                } else {
                    ""
                }
            );
        }
        None => h.push_str("<div class=\"thumb\" style=\"width:90px\"></div>"),
    }
    if let Some(src) = full {
        let _ = writeln!(
            annotated,
            "<script type=\"text/plain\" id=\"a{i}\">{src}</script>"
        );
    }
    let _ = write!(
        h,
        "<div class=\"body\"><span class=\"name\">{}</span><span class=\"v v-{}\">{}</span>",
        escape(&name),
        escape(it.verdict),
        escape(&verdict_label(it.verdict, lang))
    );
    if !it.findings.is_empty() {
        h.push_str("<ul>");
        for f in &it.findings {
            let _ = write!(
                h,
                "<li class=\"{}\"><code>{}</code> {}",
                f.severity.as_str(),
                escape(f.code),
                escape(&f.message.render(lang))
            );
            let (m, e) = (value_text(&f.measured), value_text(&f.expected));
            if !m.is_empty() || !e.is_empty() {
                let _ = write!(
                    h,
                    " <span class=\"m\">{} {} · {} {}</span>",
                    t("测得", "measured"),
                    escape(&m),
                    t("要求", "expected"),
                    escape(&e)
                );
            }
            h.push_str("</li>");
        }
        h.push_str("</ul>");
    }
    let rows = measurement_rows(it, lang);
    if !rows.is_empty() {
        let _ = write!(
            h,
            "<details><summary>{}</summary><table class=\"meas\">",
            t("测量值", "Measurements")
        );
        for (label, value) in rows {
            let _ = write!(
                h,
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(label),
                escape(&value)
            );
        }
        h.push_str("</table></details>");
    }
    h.push_str("</div></div>\n");
}

/// The measurements a clerk reads, labelled in `lang` (the full set is in
/// the JSON report): size, resolution, file size, quality, head top, eye
/// heights, face width and centre, tilt, background colour.
fn measurement_rows(it: &crate::finding::Item, lang: Lang) -> Vec<(&'static str, String)> {
    let Some(m) = it
        .extra
        .iter()
        .find(|(k, _)| *k == "measurements")
        .map(|(_, v)| v)
    else {
        return Vec::new();
    };
    let num = |k: &str| m.get(k).and_then(Value::as_f64);
    let px = lang.pick("像素", "px");
    let mut rows = Vec::new();
    let mut add = |zh: &'static str, en: &'static str, v: Option<String>| {
        if let Some(v) = v {
            rows.push((lang.pick(zh, en), v));
        }
    };
    add(
        "像素尺寸",
        "Pixel size",
        num("width")
            .zip(num("height"))
            .map(|(w, h)| format!("{w} × {h}")),
    );
    add(
        "分辨率",
        "Resolution",
        num("dpi_x")
            .zip(num("dpi_y"))
            .map(|(x, y)| format!("{x} × {y} dpi")),
    );
    add(
        "文件大小",
        "File size",
        num("bytes").map(|b| crate::text::file_size(b as u64, lang)),
    );
    add(
        "压缩品质",
        "JPEG quality",
        num("quality").map(|q| q.to_string()),
    );
    add(
        "头顶位置",
        "Head top",
        num("head_top").map(|v| format!("y = {v} {px}")),
    );
    add(
        "眼睛高度（左 / 右）",
        "Eye heights (left / right)",
        num("eye_left_y")
            .zip(num("eye_right_y"))
            .map(|(l, r)| format!("y = {l} / {r} {px}")),
    );
    add(
        "脸宽",
        "Face width",
        num("face_width").map(|v| format!("{v} {px}")),
    );
    add(
        "脸部中心",
        "Face centre",
        num("face_center_x").map(|v| format!("x = {v} {px}")),
    );
    add(
        "头部倾斜",
        "Head tilt",
        num("tilt_deg").map(|v| format!("{v}°")),
    );
    add(
        "背景颜色（RGB）",
        "Background colour (RGB)",
        m.get("background_rgb")
            .and_then(Value::as_array)
            .map(|c| c.iter().map(value_text).collect::<Vec<_>>().join(", ")),
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, InputProblem, Item, Severity};
    use crate::photo::pixels::PixelMsg;
    use image::Rgb;
    use serde_json::json;

    fn report() -> Report {
        let mut r = Report::new("photo check");
        r.results
            .push(Item::new("pass", true).key("path", "ok.jpg"));
        let mut bad = Item::new("fail", false)
            .key("path", "<script>alert(1)</script>.jpg")
            .with_extra("background_rgb", json!([1, 2, 3]));
        bad.findings.push(
            Finding::error(
                "photo.background_color",
                PixelMsg::BackgroundColor {
                    rgb: [255, 0, 0],
                    closest: "white".into(),
                    delta_e: 40.0,
                    tolerance: 10.0,
                },
            )
            .measured(json!({"rgb": [255, 0, 0]}))
            .expected(json!("a<b")),
        );
        bad.findings.push(Finding::warning(
            "photo.border",
            PixelMsg::Border {
                widths: [3; 4],
                rgb: [0; 3],
            },
        ));
        r.results.push(bad);
        r.input_errors.push(InputProblem {
            file: "x&y.jpg".into(),
            row: None,
            column: None,
            severity: Severity::Error,
            code: "photo.unreadable",
            message: PixelMsg::Border {
                widths: [0; 4],
                rgb: [0; 3],
            }
            .into(),
        });
        r
    }

    fn pics(i: usize) -> Option<(Vec<u8>, Vec<u8>)> {
        let img = RgbImage::from_pixel(48, 64, Rgb([200, 100, 50]));
        (i == 1).then(|| {
            (
                thumbnail_jpeg(&img, 32),
                crate::photo::annotate::png_bytes(&img),
            )
        })
    }

    #[test]
    fn page_is_self_contained_escaped_and_counted() {
        let html = render_html(&report(), Lang::Zh, &pics);
        assert!(html.starts_with("<!DOCTYPE html>"));
        // No external resources.
        for bad in ["http://", "https://", "src=\"/", "href=", "@import", "url("] {
            assert!(!html.contains(bad), "{bad}");
        }
        // Report text is escaped.
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.jpg"));
        assert!(html.contains("a&lt;b"));
        assert!(html.contains("x&amp;y.jpg"));
        // Counts per code and verdict, Chinese labels.
        assert!(html.contains("data-code=\"photo.background_color\""));
        assert!(html.contains("背景颜色：<b>1</b>"));
        assert!(html.contains("不合格: <b>1</b>"));
        assert!(html.contains("合格: <b>1</b>"));
        // Thumbnail inline, annotated kept as lazy text, only for item 1.
        assert!(html.contains("src=\"data:image/jpeg;base64,"));
        assert!(html.contains("<script type=\"text/plain\" id=\"a1\">data:image/png;base64,"));
        assert!(!html.contains("id=\"a0\""));
        assert!(html.contains("data-codes=\" photo.background_color photo.border \""));
        let en = render_html(&report(), Lang::En, &pics);
        assert!(en.contains("Photo check report") && en.contains("background colour: <b>1</b>"));
        assert!(en.contains("Finding") && !en.contains("背景颜色"));
    }

    #[test]
    fn empty_report_and_odd_bytes() {
        let html = render_html(&Report::new("photo check"), Lang::En, &|_| None);
        assert!(html.contains("Total: <b>0</b>"));
        assert!(data_uri(b"GIF89a").is_none());
        assert!(data_uri(&[0xFF, 0xD8, 0xFF, 0xE0])
            .unwrap()
            .starts_with("data:image/jpeg"));
    }

    #[test]
    fn big_png_annotations_are_embedded_as_jpeg() {
        let img = crate::photo::pixels::tests::portrait([255, 255, 255]);
        let noisy = RgbImage::from_fn(480, 640, |x, y| {
            let p = img.get_pixel(x, y).0;
            Rgb([p[0] ^ ((x * 7 + y * 13) % 16) as u8, p[1], p[2]])
        });
        let png = crate::photo::annotate::png_bytes(&noisy);
        assert!(png.len() > PNG_MAX);
        let out = lighten(png);
        assert!(out.starts_with(&[0xFF, 0xD8, 0xFF]) && out.len() < PNG_MAX);
        let small = crate::photo::annotate::png_bytes(&RgbImage::new(10, 10));
        assert_eq!(lighten(small.clone()), small);
    }

    #[test]
    fn thumbnails_are_small() {
        let img = crate::photo::pixels::tests::portrait([255, 255, 255]);
        let t = thumbnail_jpeg(&img, 120);
        let d = image::load_from_memory(&t).unwrap();
        assert_eq!((d.width(), d.height()), (90, 120));
        assert!(t.len() < 12_000, "{}", t.len());
    }
}

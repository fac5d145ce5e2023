//! A robust, panic-free JPEG marker parser over `&[u8]`, plus magic-number
//! sniffing of the other image formats people send instead of a JPEG.
//!
//! The photo rules are judged from the bytes, not from the file name or a
//! decoder's opinion alone: [`parse`] walks the marker structure (SOI, SOFn,
//! DQT, APP0 JFIF, APP1 EXIF, APP2 ICC, APP14 Adobe, other APPn, SOS, the
//! entropy-coded data, EOI and anything after it) and never reads out of
//! bounds, never recurses and never allocates more than the input size, so it
//! can be fed arbitrary bytes (it is fuzzed).

use serde::Serialize;
use serde_json::{json, Value};

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sniffed {
    Jpeg,
    Png,
    Gif,
    Bmp,
    Webp,
    Tiff,
    Heic,
    Pdf,
    Html,
    /// Nothing recognised.
    Unknown,
    /// A file of zero bytes.
    Empty,
}

impl Sniffed {
    /// Short upper-case name shown in messages (`JPEG`, `PNG`...).
    pub fn name(self) -> &'static str {
        match self {
            Sniffed::Jpeg => "JPEG",
            Sniffed::Png => "PNG",
            Sniffed::Gif => "GIF",
            Sniffed::Bmp => "BMP",
            Sniffed::Webp => "WebP",
            Sniffed::Tiff => "TIFF",
            Sniffed::Heic => "HEIC/HEIF",
            Sniffed::Pdf => "PDF",
            Sniffed::Html => "HTML",
            Sniffed::Unknown => "unknown",
            Sniffed::Empty => "empty",
        }
    }

    /// The format key used in profiles (`jpeg`, `png`, ...).
    pub fn key(self) -> &'static str {
        match self {
            Sniffed::Jpeg => "jpeg",
            Sniffed::Png => "png",
            Sniffed::Gif => "gif",
            Sniffed::Bmp => "bmp",
            Sniffed::Webp => "webp",
            Sniffed::Tiff => "tiff",
            Sniffed::Heic => "heic",
            Sniffed::Pdf => "pdf",
            Sniffed::Html => "html",
            Sniffed::Unknown => "unknown",
            Sniffed::Empty => "empty",
        }
    }

    /// True for the raster image formats (those a person could mean as a photo).
    pub fn is_image(self) -> bool {
        matches!(
            self,
            Sniffed::Jpeg
                | Sniffed::Png
                | Sniffed::Gif
                | Sniffed::Bmp
                | Sniffed::Webp
                | Sniffed::Tiff
                | Sniffed::Heic
        )
    }
}

/// Identifies a file by its magic bytes (never by its name).
pub fn sniff(b: &[u8]) -> Sniffed {
    if b.is_empty() {
        return Sniffed::Empty;
    }
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Jpeg;
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Png;
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Sniffed::Gif;
    }
    if b.starts_with(b"BM") && b.len() >= 26 {
        // BITMAPFILEHEADER: reserved fields are zero in practice.
        if b[6..10] == [0, 0, 0, 0] {
            return Sniffed::Bmp;
        }
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Sniffed::Webp;
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return Sniffed::Tiff;
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        let brand = &b[8..12];
        if [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif",
        ]
        .iter()
        .any(|x| brand == *x)
        {
            return Sniffed::Heic;
        }
    }
    if b.starts_with(b"%PDF-") {
        return Sniffed::Pdf;
    }
    // HTML: skip a BOM and whitespace, then look for a tag.
    let mut s = b;
    if s.starts_with(&[0xEF, 0xBB, 0xBF]) {
        s = &s[3..];
    }
    let start = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    let head: Vec<u8> = s[start..]
        .iter()
        .take(64)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || head.starts_with(b"<head")
        || head.starts_with(b"<body")
        || (head.starts_with(b"<?xml") && head.windows(5).any(|w| w == b"<html"))
    {
        return Sniffed::Html;
    }
    Sniffed::Unknown
}

/// The coding process named by a SOFn marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Process {
    /// SOF0: baseline sequential DCT, Huffman.
    Baseline,
    /// SOF1: extended sequential DCT, Huffman.
    ExtendedSequential,
    /// SOF2: progressive DCT, Huffman.
    Progressive,
    /// SOF3: lossless, Huffman.
    Lossless,
    /// SOF5-7: differential (hierarchical), Huffman.
    Hierarchical,
    /// SOF9-11, SOF13-15: arithmetic coding.
    Arithmetic,
}

impl Process {
    fn from_marker(m: u8) -> Option<Process> {
        Some(match m {
            0xC0 => Process::Baseline,
            0xC1 => Process::ExtendedSequential,
            0xC2 => Process::Progressive,
            0xC3 => Process::Lossless,
            0xC5..=0xC7 => Process::Hierarchical,
            0xC9..=0xCB | 0xCD..=0xCF => Process::Arithmetic,
            _ => return None,
        })
    }

    /// Stable name (`baseline`, `progressive`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Process::Baseline => "baseline",
            Process::ExtendedSequential => "extended_sequential",
            Process::Progressive => "progressive",
            Process::Lossless => "lossless",
            Process::Hierarchical => "hierarchical",
            Process::Arithmetic => "arithmetic",
        }
    }
}

/// One component of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Component {
    pub id: u8,
    pub h: u8,
    pub v: u8,
    /// Quantization table slot used by this component.
    pub tq: u8,
}

/// The frame header (first SOFn).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    pub marker: u8,
    pub process: Process,
    /// Bits per sample (8, 12 or 16; 2-16 for lossless).
    pub precision: u8,
    pub width: u16,
    /// 0 means "defined later by a DNL marker".
    pub height: u16,
    pub components: Vec<Component>,
}

/// A quantization table in natural (row-major) order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QTable {
    /// Slot 0-3.
    pub slot: u8,
    /// 8 or 16 bits per entry.
    pub precision_bits: u8,
    #[serde(skip)]
    pub values: [u16; 64],
}

/// JFIF APP0 density.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Jfif {
    pub version: (u8, u8),
    /// 0 = no unit (aspect ratio only), 1 = dots per inch, 2 = dots per cm.
    pub units: u8,
    pub x_density: u16,
    pub y_density: u16,
}

/// A resolution value from EXIF (a TIFF RATIONAL).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rational {
    pub num: u32,
    pub den: u32,
}

impl Rational {
    /// The value, `None` for a zero denominator.
    pub fn value(self) -> Option<f64> {
        (self.den != 0).then(|| self.num as f64 / self.den as f64)
    }
}

/// What EXIF IFD0 says (only the tags the checks need).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Exif {
    /// `true` for big-endian ("MM") TIFF data.
    pub big_endian: bool,
    pub x_resolution: Option<Rational>,
    pub y_resolution: Option<Rational>,
    /// 1 = none, 2 = inch (the TIFF default when absent), 3 = cm.
    pub resolution_unit: Option<u16>,
    pub orientation: Option<u16>,
    /// IFD0 has a GPS IFD pointer (tag 0x8825).
    pub gps: bool,
    /// Number of entries in the GPS IFD, when it could be read.
    pub gps_entries: Option<u16>,
    /// IFD0 has an Exif sub-IFD pointer (tag 0x8769).
    pub exif_ifd: bool,
    /// There is an IFD1 (normally a thumbnail).
    pub thumbnail: bool,
    /// Problems found while reading (bad offsets, truncated entries).
    pub problems: Vec<String>,
}

/// Adobe APP14.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Adobe {
    /// 0 = RGB or CMYK (no transform), 1 = YCbCr, 2 = YCCK.
    pub transform: u8,
}

/// One APPn or COM segment, noted by marker and identifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub marker: u8,
    /// Offset of the marker's 0xFF byte.
    pub offset: usize,
    /// Segment length (including the two length bytes).
    pub length: usize,
    /// The identifier string at the start of an APPn (`JFIF`, `Exif`,
    /// `http://ns.adobe.com/xap/1.0/`, `ICC_PROFILE`, `Photoshop 3.0`, `Adobe`...).
    pub ident: String,
}

/// A structural problem in the marker stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    /// The file does not start with SOI (FF D8).
    NoSoi,
    /// The data ends inside a segment header or a segment's declared length.
    TruncatedSegment { marker: u8, offset: usize },
    /// The data ends before an EOI marker.
    NoEoi,
    /// No SOFn frame header.
    NoFrame,
    /// No SOS (no image data).
    NoScan,
    /// A byte where a marker was expected.
    BadMarker { offset: usize, byte: u8 },
    /// A segment whose content is malformed (bad DQT length...).
    BadSegment { marker: u8, offset: usize },
    /// More than one SOFn frame header.
    ExtraFrame { offset: usize },
    /// The frame says zero width, or zero height without a DNL.
    ZeroDimension,
}

impl Problem {
    /// The problem described in `lang`.
    pub fn describe(&self, lang: crate::msg::Lang) -> String {
        let zh = lang == crate::msg::Lang::Zh;
        match (self, zh) {
            (Problem::NoSoi, true) => "文件开头不是 JPEG 的 SOI 标记".into(),
            (Problem::NoSoi, false) => "does not start with the JPEG SOI marker".into(),
            (Problem::TruncatedSegment { marker, offset }, true) => {
                format!("数据在第 {offset} 字节处的 FF{marker:02X} 段中途结束")
            }
            (Problem::TruncatedSegment { marker, offset }, false) => {
                format!("data ends inside segment FF{marker:02X} at byte {offset}")
            }
            (Problem::NoEoi, true) => "没有 EOI 结束标记：文件不完整".into(),
            (Problem::NoEoi, false) => "no EOI marker: the file is truncated".into(),
            (Problem::NoFrame, true) => "没有 SOF 帧头".into(),
            (Problem::NoFrame, false) => "no SOF frame header".into(),
            (Problem::NoScan, true) => "没有 SOS：没有图像数据".into(),
            (Problem::NoScan, false) => "no SOS: no image data".into(),
            (Problem::BadMarker { offset, byte }, true) => {
                format!("第 {offset} 字节处应为标记，却是 {byte:#04x}")
            }
            (Problem::BadMarker { offset, byte }, false) => {
                format!("byte {byte:#04x} at {offset} where a marker was expected")
            }
            (Problem::BadSegment { marker, offset }, true) => {
                format!("第 {offset} 字节处的 FF{marker:02X} 段格式错误")
            }
            (Problem::BadSegment { marker, offset }, false) => {
                format!("malformed segment FF{marker:02X} at byte {offset}")
            }
            (Problem::ExtraFrame { offset }, true) => format!("第 {offset} 字节处有第二个帧头"),
            (Problem::ExtraFrame { offset }, false) => {
                format!("a second frame header at byte {offset}")
            }
            (Problem::ZeroDimension, true) => "帧头中的宽度或高度为 0".into(),
            (Problem::ZeroDimension, false) => {
                "the frame header gives a zero width or height".into()
            }
        }
    }
}

/// Everything the parser learnt from a JPEG byte stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct JpegInfo {
    /// The first frame header.
    pub frame: Option<Frame>,
    /// Quantization tables in force at the first SOS, by slot.
    pub qtables: Vec<QTable>,
    /// DQT segments seen after the first scan (tables redefined between
    /// scans); they do not change the quality estimate.
    pub later_dqt: usize,
    pub jfif: Option<Jfif>,
    pub exif: Option<Exif>,
    pub adobe: Option<Adobe>,
    /// Total bytes of ICC profile data over all APP2 ICC_PROFILE chunks.
    pub icc_bytes: usize,
    pub xmp: bool,
    pub photoshop: bool,
    /// Every APPn and COM segment, in order.
    pub segments: Vec<Segment>,
    /// Number of SOS markers (scans).
    pub scans: usize,
    /// Offset of the first SOS marker's 0xFF byte (where the image data
    /// starts; fix-size's lossless metadata removal keeps everything from
    /// here on).
    pub first_sos: Option<usize>,
    /// Offset just past the EOI marker.
    pub eoi_end: Option<usize>,
    /// Bytes after EOI.
    pub trailing_bytes: usize,
    /// The trailing bytes start with another SOI (an appended image).
    pub trailing_jpeg: bool,
    pub problems: Vec<Problem>,
}

impl JpegInfo {
    /// Slot `n`'s table.
    pub fn qtable(&self, slot: u8) -> Option<&QTable> {
        self.qtables.iter().find(|t| t.slot == slot)
    }

    /// True when the structure is complete: SOI, a frame, a scan and EOI.
    pub fn complete(&self) -> bool {
        self.problems.iter().all(|p| {
            matches!(p, Problem::ExtraFrame { .. })
                || matches!(p, Problem::BadSegment { marker, .. } if (0xE0..=0xEF).contains(marker) || *marker == 0xFE)
        })
    }

    /// A summary for the report (`file` details).
    pub fn summary_json(&self) -> Value {
        json!({
            "process": self.frame.as_ref().map(|f| f.process.as_str()),
            "precision": self.frame.as_ref().map(|f| f.precision),
            "components": self.frame.as_ref().map(|f| f.components.len()),
            "scans": self.scans,
            "jfif": self.jfif,
            "exif": self.exif.as_ref().map(|e| json!({
                "x_resolution": e.x_resolution.and_then(|r| r.value()),
                "y_resolution": e.y_resolution.and_then(|r| r.value()),
                "resolution_unit": e.resolution_unit,
                "orientation": e.orientation,
                "gps": e.gps,
                "thumbnail": e.thumbnail,
            })),
            "adobe_transform": self.adobe.map(|a| a.transform),
            "icc_bytes": self.icc_bytes,
            "xmp": self.xmp,
            "photoshop": self.photoshop,
            "trailing_bytes": self.trailing_bytes,
            "problems": self.problems.iter().map(|p| p.describe(crate::msg::Lang::En)).collect::<Vec<_>>(),
        })
    }
}

fn be16(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// Parses a JPEG byte stream. Never panics; problems are listed in
/// [`JpegInfo::problems`] and everything readable is still returned.
pub fn parse(b: &[u8]) -> JpegInfo {
    let mut info = JpegInfo::default();
    if b.len() < 2 || b[0] != 0xFF || b[1] != 0xD8 {
        info.problems.push(Problem::NoSoi);
        return info;
    }
    let mut pos = 2usize;
    let mut in_scan_area = false; // after the first SOS
    loop {
        // Find the next marker: skip fill bytes (0xFF 0xFF...).
        if pos >= b.len() {
            info.problems.push(Problem::NoEoi);
            break;
        }
        if b[pos] != 0xFF {
            info.problems.push(Problem::BadMarker {
                offset: pos,
                byte: b[pos],
            });
            // Resynchronise on the next 0xFF that starts a real marker.
            match find_marker(b, pos) {
                Some(p) => {
                    pos = p;
                    continue;
                }
                None => {
                    info.problems.push(Problem::NoEoi);
                    break;
                }
            }
        }
        let mut m_at = pos;
        while m_at + 1 < b.len() && b[m_at + 1] == 0xFF {
            m_at += 1;
        }
        let Some(&marker) = b.get(m_at + 1) else {
            info.problems.push(Problem::NoEoi);
            break;
        };
        pos = m_at + 2;
        match marker {
            0xD9 => {
                info.eoi_end = Some(pos);
                info.trailing_bytes = b.len() - pos;
                info.trailing_jpeg = b[pos..].starts_with(&[0xFF, 0xD8]);
                break;
            }
            0xD8 | 0x01 | 0xD0..=0xD7 => {
                // Standalone markers (a stray SOI, TEM, RSTn): no length.
                continue;
            }
            0x00 => {
                info.problems.push(Problem::BadMarker {
                    offset: m_at,
                    byte: 0x00,
                });
                continue;
            }
            _ => {}
        }
        let Some(len) = be16(b, pos) else {
            info.problems.push(Problem::TruncatedSegment {
                marker,
                offset: m_at,
            });
            break;
        };
        let len = len as usize;
        if len < 2 {
            info.problems.push(Problem::BadSegment {
                marker,
                offset: m_at,
            });
            // Cannot know the length; resynchronise.
            match find_marker(b, pos) {
                Some(p) => {
                    pos = p;
                    continue;
                }
                None => {
                    info.problems.push(Problem::NoEoi);
                    break;
                }
            }
        }
        let body_start = pos + 2;
        let body_end = pos + len;
        let truncated = body_end > b.len();
        let body = &b[body_start.min(b.len())..body_end.min(b.len())];
        match marker {
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                if info.frame.is_some() {
                    info.problems.push(Problem::ExtraFrame { offset: m_at });
                } else {
                    match parse_sof(marker, body) {
                        Some(f) => {
                            if f.width == 0 || f.height == 0 {
                                info.problems.push(Problem::ZeroDimension);
                            }
                            info.frame = Some(f);
                        }
                        None => info.problems.push(Problem::BadSegment {
                            marker,
                            offset: m_at,
                        }),
                    }
                }
            }
            0xDB => {
                if in_scan_area {
                    info.later_dqt += 1;
                } else if !parse_dqt(body, &mut info.qtables) {
                    info.problems.push(Problem::BadSegment {
                        marker,
                        offset: m_at,
                    });
                }
            }
            0xE0..=0xEF | 0xFE => {
                let ident = app_ident(body);
                match (marker, ident.as_str()) {
                    (0xE0, "JFIF") if info.jfif.is_none() => {
                        info.jfif = parse_jfif(body);
                        if info.jfif.is_none() {
                            info.problems.push(Problem::BadSegment {
                                marker,
                                offset: m_at,
                            });
                        }
                    }
                    // "Exif\0\0" (some writers use "Exif\0\xFF").
                    (0xE1, "Exif") if info.exif.is_none() && body.len() > 6 => {
                        info.exif = Some(parse_tiff(&body[6..]));
                    }
                    (0xE1, "http://ns.adobe.com/xap/1.0/") => info.xmp = true,
                    (0xE2, "ICC_PROFILE") => {
                        info.icc_bytes += body.len().saturating_sub(14);
                    }
                    (0xED, "Photoshop 3.0") => info.photoshop = true,
                    (0xEE, _) if ident.starts_with("Adobe") && body.len() >= 12 => {
                        info.adobe = Some(Adobe {
                            transform: body[11],
                        });
                    }
                    _ => {}
                }
                info.segments.push(Segment {
                    marker,
                    offset: m_at,
                    length: len,
                    ident,
                });
            }
            0xDA => {
                info.scans += 1;
                info.first_sos.get_or_insert(m_at);
                in_scan_area = true;
                if truncated {
                    info.problems.push(Problem::TruncatedSegment {
                        marker,
                        offset: m_at,
                    });
                    break;
                }
                // Skip the entropy-coded data up to the next real marker.
                match find_marker(b, body_end) {
                    Some(p) => {
                        pos = p;
                        continue;
                    }
                    None => {
                        info.problems.push(Problem::NoEoi);
                        break;
                    }
                }
            }
            _ => {} // DHT, DAC, DRI, DNL, DHP, EXP, JPGn...: skipped.
        }
        if truncated {
            info.problems.push(Problem::TruncatedSegment {
                marker,
                offset: m_at,
            });
            break;
        }
        pos = body_end;
    }
    if info.frame.is_none() && !info.problems.contains(&Problem::NoSoi) {
        info.problems.push(Problem::NoFrame);
    }
    if info.scans == 0 {
        info.problems.push(Problem::NoScan);
    }
    info
}

/// The position of the next marker at or after `from`: an 0xFF followed by
/// a byte that is neither 0x00 (stuffing), 0xFF (fill) nor RSTn.
fn find_marker(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < b.len() {
        if b[i] == 0xFF {
            let n = b[i + 1];
            if n != 0x00 && n != 0xFF && !(0xD0..=0xD7).contains(&n) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

fn app_ident(body: &[u8]) -> String {
    let end = body
        .iter()
        .take(64)
        .position(|&c| c == 0)
        .unwrap_or(body.len().min(64));
    let s = &body[..end];
    if s.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        String::from_utf8_lossy(s).into_owned()
    } else {
        String::new()
    }
}

fn parse_sof(marker: u8, body: &[u8]) -> Option<Frame> {
    if body.len() < 6 {
        return None;
    }
    let n = body[5] as usize;
    if n == 0 || body.len() < 6 + 3 * n {
        return None;
    }
    let components = (0..n)
        .map(|i| {
            let c = &body[6 + 3 * i..9 + 3 * i];
            Component {
                id: c[0],
                h: c[1] >> 4,
                v: c[1] & 0x0F,
                tq: c[2],
            }
        })
        .collect();
    Some(Frame {
        marker,
        process: Process::from_marker(marker)?,
        precision: body[0],
        height: u16::from_be_bytes([body[1], body[2]]),
        width: u16::from_be_bytes([body[3], body[4]]),
        components,
    })
}

/// Natural-order index of the k-th coefficient in zig-zag order.
pub const ZIGZAG_TO_NATURAL: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Parses one DQT segment (several tables possible); false when malformed.
fn parse_dqt(body: &[u8], tables: &mut Vec<QTable>) -> bool {
    let mut i = 0usize;
    if body.is_empty() {
        return false;
    }
    while i < body.len() {
        let pq = body[i] >> 4;
        let slot = body[i] & 0x0F;
        i += 1;
        let size = if pq == 0 { 64 } else { 128 };
        if pq > 1 || slot > 3 || i + size > body.len() {
            return false;
        }
        let mut values = [0u16; 64];
        for (k, &nat) in ZIGZAG_TO_NATURAL.iter().enumerate() {
            values[nat] = if pq == 0 {
                body[i + k] as u16
            } else {
                u16::from_be_bytes([body[i + 2 * k], body[i + 2 * k + 1]])
            };
        }
        i += size;
        let t = QTable {
            slot,
            precision_bits: if pq == 0 { 8 } else { 16 },
            values,
        };
        match tables.iter_mut().find(|x| x.slot == slot) {
            Some(x) => *x = t,
            None => tables.push(t),
        }
    }
    tables.sort_by_key(|t| t.slot);
    true
}

fn parse_jfif(body: &[u8]) -> Option<Jfif> {
    // "JFIF\0" ver(2) units(1) xd(2) yd(2) xt yt
    if body.len() < 12 {
        return None;
    }
    Some(Jfif {
        version: (body[5], body[6]),
        units: body[7],
        x_density: u16::from_be_bytes([body[8], body[9]]),
        y_density: u16::from_be_bytes([body[10], body[11]]),
    })
}

struct Tiff<'a> {
    b: &'a [u8],
    be: bool,
}

impl Tiff<'_> {
    fn u16(&self, i: usize) -> Option<u16> {
        let s = self.b.get(i..i.checked_add(2)?)?;
        Some(if self.be {
            u16::from_be_bytes([s[0], s[1]])
        } else {
            u16::from_le_bytes([s[0], s[1]])
        })
    }
    fn u32(&self, i: usize) -> Option<u32> {
        let s = self.b.get(i..i.checked_add(4)?)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.be {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    }
}

/// Reads IFD0 of a TIFF structure (the EXIF payload after "Exif\0\0").
/// Both byte orders; every offset is bounds-checked; no sub-IFD is followed
/// except to count GPS entries (one level, no recursion).
pub fn parse_tiff(b: &[u8]) -> Exif {
    let mut ex = Exif::default();
    let be = match b.get(0..4) {
        Some([b'I', b'I', 42, 0]) => false,
        Some([b'M', b'M', 0, 42]) => true,
        _ => {
            ex.problems.push("no TIFF header".into());
            return ex;
        }
    };
    ex.big_endian = be;
    let t = Tiff { b, be };
    let Some(ifd0) = t.u32(4).map(|v| v as usize) else {
        ex.problems.push("truncated TIFF header".into());
        return ex;
    };
    let Some(n) = t.u16(ifd0) else {
        ex.problems.push(format!("IFD0 offset {ifd0} out of range"));
        return ex;
    };
    for k in 0..n as usize {
        let e = ifd0 + 2 + 12 * k;
        let (Some(tag), Some(typ), Some(count)) = (t.u16(e), t.u16(e + 2), t.u32(e + 4)) else {
            ex.problems.push(format!("IFD0 entry {k} truncated"));
            break;
        };
        let val = e + 8;
        match tag {
            0x011A | 0x011B => {
                let r = read_resolution(&t, typ, count, val);
                if r.is_none() {
                    ex.problems.push(format!("tag {tag:#06x} unreadable"));
                }
                if tag == 0x011A {
                    ex.x_resolution = r;
                } else {
                    ex.y_resolution = r;
                }
            }
            0x0128 => ex.resolution_unit = read_short(&t, typ, count, val),
            0x0112 => ex.orientation = read_short(&t, typ, count, val),
            0x8825 => {
                ex.gps = true;
                if let Some(off) = read_long(&t, typ, count, val) {
                    ex.gps_entries = t.u16(off as usize);
                }
            }
            0x8769 => ex.exif_ifd = true,
            _ => {}
        }
    }
    let next = ifd0 + 2 + 12 * n as usize;
    if let Some(ifd1) = t.u32(next) {
        if ifd1 != 0 && (ifd1 as usize) < b.len() && ifd1 as usize != ifd0 {
            ex.thumbnail = true;
        }
    }
    ex
}

fn read_short(t: &Tiff, typ: u16, count: u32, val: usize) -> Option<u16> {
    if count < 1 {
        return None;
    }
    match typ {
        3 => t.u16(val),
        4 => t.u32(val).and_then(|v| u16::try_from(v).ok()),
        _ => None,
    }
}

fn read_long(t: &Tiff, typ: u16, count: u32, val: usize) -> Option<u32> {
    if count < 1 {
        return None;
    }
    match typ {
        4 | 13 => t.u32(val),
        3 => t.u16(val).map(u32::from),
        _ => None,
    }
}

fn read_resolution(t: &Tiff, typ: u16, count: u32, val: usize) -> Option<Rational> {
    if count < 1 {
        return None;
    }
    match typ {
        // RATIONAL: 8 bytes, always at an offset.
        5 => {
            let off = t.u32(val)? as usize;
            Some(Rational {
                num: t.u32(off)?,
                den: t.u32(off.checked_add(4)?)?,
            })
        }
        // Lenient: SHORT or LONG written by some tools.
        3 => t.u16(val).map(|v| Rational {
            num: v as u32,
            den: 1,
        }),
        4 => t.u32(val).map(|v| Rational { num: v, den: 1 }),
        _ => None,
    }
}

/// Header facts of a PNG (IHDR and pHYs), read without decoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PngInfo {
    pub width: u32,
    pub height: u32,
    pub bit_depth: u8,
    /// 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    pub color_type: u8,
    /// pHYs: pixels per unit (x, y) and unit (1 = metre).
    pub phys: Option<(u32, u32, u8)>,
    /// An IEND chunk was found.
    pub complete: bool,
}

/// Reads a PNG's chunk list (bounds-checked; CRCs are not verified).
pub fn parse_png(b: &[u8]) -> Option<PngInfo> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    let mut p = PngInfo::default();
    let mut i = 8usize;
    let mut saw_ihdr = false;
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let typ = &b[i + 4..i + 8];
        let data_start = i + 8;
        let Some(data_end) = data_start.checked_add(len) else {
            break;
        };
        if data_end > b.len() {
            break;
        }
        let d = &b[data_start..data_end];
        match typ {
            b"IHDR" if d.len() >= 13 => {
                p.width = u32::from_be_bytes([d[0], d[1], d[2], d[3]]);
                p.height = u32::from_be_bytes([d[4], d[5], d[6], d[7]]);
                p.bit_depth = d[8];
                p.color_type = d[9];
                saw_ihdr = true;
            }
            b"pHYs" if d.len() >= 9 => {
                p.phys = Some((
                    u32::from_be_bytes([d[0], d[1], d[2], d[3]]),
                    u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
                    d[8],
                ));
            }
            b"IEND" => {
                p.complete = true;
                break;
            }
            _ => {}
        }
        i = data_end.saturating_add(4); // CRC
    }
    saw_ihdr.then_some(p)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encodes an RGB test image with jpeg-encoder.
    pub(crate) fn encode(w: u16, h: u16, quality: u8, progressive: bool) -> Vec<u8> {
        let mut px = Vec::with_capacity(w as usize * h as usize * 3);
        for y in 0..h as usize {
            for x in 0..w as usize {
                px.extend_from_slice(&[(x * 255 / w as usize) as u8, (y % 256) as u8, 128]);
            }
        }
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
        enc.set_progressive(progressive);
        enc.set_density(jpeg_encoder::PixelDensity::dpi(300));
        enc.encode(&px, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    /// Builds an EXIF APP1 payload (after the marker and length) with IFD0
    /// holding XResolution, YResolution, ResolutionUnit and Orientation.
    pub(crate) fn exif_payload(
        be: bool,
        xres: (u32, u32),
        unit: u16,
        orientation: u16,
        gps: bool,
    ) -> Vec<u8> {
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let n: u16 = if gps { 5 } else { 4 };
        let mut t: Vec<u8> = Vec::new();
        t.extend_from_slice(if be { b"MM\0*" } else { b"II*\0" });
        t.extend_from_slice(&w32(8));
        t.extend_from_slice(&w16(n));
        let data_off = 8 + 2 + 12 * n as u32 + 4;
        let mut entry = |tag: u16, typ: u16, count: u32, val: [u8; 4]| {
            t.extend_from_slice(&w16(tag));
            t.extend_from_slice(&w16(typ));
            t.extend_from_slice(&w32(count));
            t.extend_from_slice(&val);
        };
        let mut short = [0u8; 4];
        short[..2].copy_from_slice(&w16(orientation));
        entry(0x0112, 3, 1, short);
        entry(0x011A, 5, 1, w32(data_off));
        entry(0x011B, 5, 1, w32(data_off + 8));
        let mut u = [0u8; 4];
        u[..2].copy_from_slice(&w16(unit));
        entry(0x0128, 3, 1, u);
        if gps {
            entry(0x8825, 4, 1, w32(data_off + 16));
        }
        t.extend_from_slice(&w32(0)); // no IFD1
        for _ in 0..2 {
            t.extend_from_slice(&w32(xres.0));
            t.extend_from_slice(&w32(xres.1));
        }
        if gps {
            t.extend_from_slice(&w16(0));
            t.extend_from_slice(&w32(0));
        }
        let mut p = b"Exif\0\0".to_vec();
        p.extend_from_slice(&t);
        p
    }

    /// Inserts an APPn segment right after SOI (before the encoder's APP0
    /// when `after_app0` is false).
    pub(crate) fn insert_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// Replaces the JFIF APP0 density (the encoder writes APP0 first).
    pub(crate) fn set_jfif(jpeg: &mut [u8], units: u8, x: u16, y: u16) {
        assert_eq!(&jpeg[2..4], &[0xFF, 0xE0]);
        assert_eq!(&jpeg[6..11], b"JFIF\0");
        jpeg[13] = units;
        jpeg[14..16].copy_from_slice(&x.to_be_bytes());
        jpeg[16..18].copy_from_slice(&y.to_be_bytes());
    }

    #[test]
    fn baseline_file_parses() {
        let j = encode(48, 64, 75, false);
        let info = parse(&j);
        assert!(info.complete(), "{:?}", info.problems);
        let f = info.frame.as_ref().unwrap();
        assert_eq!((f.width, f.height, f.precision), (48, 64, 8));
        assert_eq!(f.process, Process::Baseline);
        assert_eq!(f.components.len(), 3);
        assert_eq!(info.qtables.len(), 2);
        assert_eq!(
            info.jfif,
            Some(Jfif {
                version: (1, 2),
                units: 1,
                x_density: 300,
                y_density: 300
            })
        );
        assert_eq!(info.scans, 1);
        assert_eq!(info.eoi_end, Some(j.len()));
        assert_eq!(info.trailing_bytes, 0);
    }

    #[test]
    fn progressive_has_many_scans() {
        let j = encode(64, 64, 80, true);
        let info = parse(&j);
        assert!(info.complete(), "{:?}", info.problems);
        assert_eq!(info.frame.unwrap().process, Process::Progressive);
        assert!(info.scans > 1);
    }

    #[test]
    fn trailing_and_truncated() {
        let mut j = encode(32, 32, 75, false);
        j.extend_from_slice(b"garbage!");
        let info = parse(&j);
        assert_eq!(info.trailing_bytes, 8);
        assert!(info.complete());
        let j = encode(32, 32, 75, false);
        let cut = &j[..j.len() - 10];
        let info = parse(cut);
        assert!(info.problems.contains(&Problem::NoEoi));
        assert!(!info.complete());
        // Cut inside the header.
        let info = parse(&j[..30]);
        assert!(!info.complete());
        assert!(info.frame.is_none());
    }

    #[test]
    fn exif_both_byte_orders() {
        for be in [false, true] {
            let j = encode(16, 16, 75, false);
            let j = insert_segment(&j, 0xE1, &exif_payload(be, (72, 1), 2, 6, true));
            let info = parse(&j);
            let ex = info.exif.clone().expect("exif");
            assert_eq!(ex.big_endian, be);
            assert_eq!(ex.x_resolution.unwrap().value(), Some(72.0));
            assert_eq!(ex.y_resolution.unwrap().value(), Some(72.0));
            assert_eq!(ex.resolution_unit, Some(2));
            assert_eq!(ex.orientation, Some(6));
            assert!(ex.gps);
            assert_eq!(ex.gps_entries, Some(0));
            assert!(ex.problems.is_empty(), "{:?}", ex.problems);
            assert!(info.complete());
        }
    }

    #[test]
    fn exif_bad_offsets_do_not_panic() {
        let mut p = exif_payload(false, (300, 1), 2, 1, true);
        // Point IFD0 far away, then corrupt entries.
        p[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(!parse_tiff(&p[6..]).problems.is_empty());
        let mut p = exif_payload(true, (300, 1), 2, 1, false);
        let n = p.len();
        p.truncate(n - 12);
        let ex = parse_tiff(&p[6..]);
        assert!(ex.x_resolution.is_none() || ex.y_resolution.is_none());
    }

    #[test]
    fn adobe_icc_xmp() {
        let j = encode(16, 16, 75, false);
        let mut adobe = b"Adobe".to_vec();
        adobe.extend_from_slice(&[0, 100, 0, 0, 0, 0, 2]);
        let j = insert_segment(&j, 0xEE, &adobe);
        let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
        icc.extend_from_slice(&[0u8; 100]);
        let j = insert_segment(&j, 0xE2, &icc);
        let j = insert_segment(&j, 0xE1, b"http://ns.adobe.com/xap/1.0/\0<x/>");
        let info = parse(&j);
        assert_eq!(info.adobe, Some(Adobe { transform: 2 }));
        assert_eq!(info.icc_bytes, 100);
        assert!(info.xmp);
        assert!(info.complete());
    }

    #[test]
    fn sixteen_bit_dqt() {
        let mut body = vec![0x10u8];
        for k in 0..64u16 {
            body.extend_from_slice(&(k + 300).to_be_bytes());
        }
        let mut t = Vec::new();
        assert!(parse_dqt(&body, &mut t));
        assert_eq!(t[0].precision_bits, 16);
        assert_eq!(t[0].values[0], 300);
        assert_eq!(t[0].values[63], 363);
        assert!(!parse_dqt(&body[..100], &mut Vec::new()));
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b""), Sniffed::Empty);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Sniffed::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Sniffed::Png);
        assert_eq!(sniff(b"GIF89a...."), Sniffed::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::Webp);
        assert_eq!(sniff(b"\xEF\xBB\xBF  <!DOCTYPE html><html>"), Sniffed::Html);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic"), Sniffed::Heic);
        assert_eq!(sniff(b"hello"), Sniffed::Unknown);
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0u8; 30]);
        assert_eq!(sniff(&bmp), Sniffed::Bmp);
    }

    #[test]
    fn huge_claims_parse_without_allocating() {
        // A header that claims 65000x65000 with no data: parsed, not decoded.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0xFD, 0xE8, 0xFD, 0xE8, 3];
        for id in 1..=3u8 {
            j.extend_from_slice(&[id, 0x11, 0]);
        }
        j.extend_from_slice(&[0xFF, 0xD9]);
        let info = parse(&j);
        let f = info.frame.unwrap();
        assert_eq!((f.width, f.height), (65000, 65000));
        assert!(info.problems.contains(&Problem::NoScan));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = parse(&data);
            let _ = parse_tiff(&data);
            let _ = parse_png(&data);
            let _ = sniff(&data);
            let mut with_soi = vec![0xFF, 0xD8];
            with_soi.extend_from_slice(&data);
            let _ = parse(&with_soi);
        }

        #[test]
        fn never_panics_on_mutated_jpeg(pos in 0usize..2000, byte in proptest::num::u8::ANY, cut in 0usize..2000) {
            let mut j = encode(24, 24, 70, false);
            let j2 = insert_segment(&j, 0xE1, &exif_payload(true, (300, 1), 2, 1, true));
            j = j2;
            let p = pos % j.len();
            j[p] = byte;
            let c = cut % (j.len() + 1);
            let _ = parse(&j[..c]);
            let _ = parse(&j);
        }
    }
}

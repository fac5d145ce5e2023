//! Encoding the output: baseline JPEG, 24-bit YCbCr, the standard
//! (ITU-T T.81 Annex K) quantisation tables scaled with the libjpeg
//! quality formula, optimised Huffman tables, the density written in both
//! JFIF and a minimal EXIF block, and no other metadata. Plus the quality
//! search that lands the file inside the size window, and lossless
//! metadata removal for files that are already compliant.

use crate::photo::jpeg;
use jpeg_encoder::{
    ChromaSubsamplingMethod, ColorType, Encoder, PixelDensity, QuantizationTableType,
    SamplingFactor,
};

/// Chroma sampling of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampling {
    /// 4:2:0 (libjpeg's default; smaller files).
    S420,
    /// 4:4:4 (no chroma subsampling; used only when a 4:2:0 file stays
    /// under the size window even at quality 100).
    S444,
}

impl Sampling {
    pub fn as_str(self) -> &'static str {
        match self {
            Sampling::S420 => "4:2:0",
            Sampling::S444 => "4:4:4",
        }
    }
}

/// A minimal EXIF block (TIFF, big-endian, IFD0 only): XResolution and
/// YResolution = dpi/1, ResolutionUnit = 2 (inch); with `orientation`,
/// also the Orientation tag (only used by tests to make rotated inputs).
/// Returned without the "Exif\0\0" header.
pub fn exif_block(dpi: u16, orientation: Option<u16>) -> Vec<u8> {
    let mut entries: Vec<(u16, u16, u32, u32)> = Vec::new(); // tag, type, count, value/offset
    let n = 3 + orientation.is_some() as u32;
    let data_off = 8 + 2 + 12 * n + 4;
    if let Some(o) = orientation {
        entries.push((0x0112, 3, 1, (o as u32) << 16));
    }
    entries.push((0x011A, 5, 1, data_off));
    entries.push((0x011B, 5, 1, data_off + 8));
    entries.push((0x0128, 3, 1, 2u32 << 16));
    let mut b = Vec::with_capacity(data_off as usize + 16);
    b.extend_from_slice(b"MM\0\x2a");
    b.extend_from_slice(&8u32.to_be_bytes());
    b.extend_from_slice(&(n as u16).to_be_bytes());
    for (tag, ty, count, val) in entries {
        b.extend_from_slice(&tag.to_be_bytes());
        b.extend_from_slice(&ty.to_be_bytes());
        b.extend_from_slice(&count.to_be_bytes());
        b.extend_from_slice(&val.to_be_bytes());
    }
    b.extend_from_slice(&0u32.to_be_bytes());
    for _ in 0..2 {
        b.extend_from_slice(&(dpi as u32).to_be_bytes());
        b.extend_from_slice(&1u32.to_be_bytes());
    }
    b
}

/// Encodes RGB pixels (`w` x `h`, 3 bytes per pixel) as described in the
/// module documentation.
pub fn encode_rgb(
    rgb: &[u8],
    w: u32,
    h: u32,
    quality: u8,
    sampling: Sampling,
    dpi: u16,
) -> Result<Vec<u8>, String> {
    encode_with(rgb, w, h, quality, sampling, dpi, None)
}

/// As [`encode_rgb`], optionally with an EXIF orientation tag (tests).
pub fn encode_with(
    rgb: &[u8],
    w: u32,
    h: u32,
    quality: u8,
    sampling: Sampling,
    dpi: u16,
    orientation: Option<u16>,
) -> Result<Vec<u8>, String> {
    let (w16, h16) = match (u16::try_from(w), u16::try_from(h)) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Err(format!("{w}x{h} is too large for JPEG")),
    };
    let mut out = Vec::with_capacity(64 * 1024);
    let mut enc = Encoder::new(&mut out, quality);
    enc.set_quantization_tables(
        QuantizationTableType::Default,
        QuantizationTableType::Default,
    );
    enc.set_sampling_factor(match sampling {
        Sampling::S420 => SamplingFactor::F_2_2,
        Sampling::S444 => SamplingFactor::F_1_1,
    });
    // Nearest, not Average: jpeg-encoder 0.7.1's averaged 4:2:0 path
    // produces wrong chroma (tested below: `round_trip_is_faithful`).
    enc.set_chroma_subsampling_method(ChromaSubsamplingMethod::Nearest);
    enc.set_progressive(false);
    enc.set_optimized_huffman_tables(true);
    enc.set_density(PixelDensity::dpi(dpi));
    enc.add_exif_metadata(&exif_block(dpi, orientation))
        .map_err(|e| e.to_string())?;
    enc.encode(rgb, w16, h16, ColorType::Rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// An encoded output.
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub quality: u8,
    pub sampling: Sampling,
}

/// Why no quality lands in the window.
#[derive(Clone, Debug, PartialEq)]
pub enum SizeError {
    /// At the lowest allowed quality the file is still too big.
    TooBig { quality: u8, bytes: u64, max: u64 },
    /// At quality 100 (and 4:4:4) the file is still too small.
    TooSmall { bytes: u64, min: u64 },
    /// The encoder failed.
    Encoder(String),
}

/// The highest quality in `min_q..=100` whose file is at most `max`
/// bytes, by binary search (file size grows with quality), then confirmed
/// to be at least `min` bytes. Noise is never added.
pub fn search_quality(
    rgb: &[u8],
    w: u32,
    h: u32,
    dpi: u16,
    min_q: u8,
    min: u64,
    max: u64,
) -> Result<Encoded, SizeError> {
    let mut last_small = 0;
    // 4:4:4 only: jpeg-encoder 0.7.1's 4:2:0 files decode with wrong
    // chroma in the image crate's decoder (zune-jpeg), i.e. in our own
    // `photo check` (test `round_trip_is_faithful`); a file our checker
    // misreads is never written.
    for sampling in [Sampling::S444] {
        match search_one(rgb, w, h, dpi, min_q, min, max, sampling)? {
            Ok(e) => return Ok(e),
            Err(SizeError::TooSmall { bytes, .. }) => last_small = bytes,
            Err(e) => return Err(e),
        }
    }
    Err(SizeError::TooSmall {
        bytes: last_small,
        min,
    })
}

#[allow(clippy::too_many_arguments)]
fn search_one(
    rgb: &[u8],
    w: u32,
    h: u32,
    dpi: u16,
    min_q: u8,
    min: u64,
    max: u64,
    sampling: Sampling,
) -> Result<Result<Encoded, SizeError>, SizeError> {
    let enc = |q: u8| encode_rgb(rgb, w, h, q, sampling, dpi).map_err(SizeError::Encoder);
    let min_q = min_q.clamp(1, 100);
    // Start near where photos of this size usually land, then bisect.
    // highest q known to fit under max
    let lo_ok: Option<(u8, Vec<u8>)>;
    let top = enc(100)?;
    if top.len() as u64 <= max {
        lo_ok = Some((100, top));
    } else {
        let mut hi_bad: u8 = 100; // lowest q known to be over max
        let bottom = enc(min_q)?;
        if bottom.len() as u64 > max {
            return Ok(Err(SizeError::TooBig {
                quality: min_q,
                bytes: bottom.len() as u64,
                max,
            }));
        }
        let mut best = (min_q, bottom);
        while best.0 + 1 < hi_bad {
            let mid = ((best.0 as u16 + hi_bad as u16) / 2) as u8;
            let b = enc(mid)?;
            if b.len() as u64 <= max {
                best = (mid, b);
            } else {
                hi_bad = mid;
            }
        }
        lo_ok = Some(best);
    }
    let (q, bytes) = lo_ok.expect("set above");
    if (bytes.len() as u64) < min {
        return Ok(Err(SizeError::TooSmall {
            bytes: bytes.len() as u64,
            min,
        }));
    }
    Ok(Ok(Encoded {
        bytes,
        quality: q,
        sampling,
    }))
}

/// Metadata segments of a JPEG file that fix-size drops: every APPn except
/// the JFIF APP0, and comments, before the image data. Returns their names
/// (`EXIF`, `XMP`, `ICC`, `Photoshop`, `APP13`...), in file order, and
/// whether the EXIF block holds GPS data or a thumbnail. Read with photo
/// check's parser ([`jpeg::parse`], fuzzed), never a second walker.
pub fn metadata_blocks(bytes: &[u8]) -> Vec<String> {
    metadata_names(&jpeg::parse(bytes))
}

/// [`metadata_blocks`] of an already parsed file.
pub fn metadata_names(info: &jpeg::JpegInfo) -> Vec<String> {
    let mut out = Vec::new();
    for seg in before_scan(info) {
        let ident = seg.ident.as_str();
        let name = match seg.marker {
            0xE0 if ident == "JFIF" => continue,
            0xE1 if ident == "Exif" => {
                let mut n = "EXIF".to_string();
                // The parser reads the first EXIF block (an APP1 of
                // exactly `Exif\0` has none to read).
                if let Some(e) = &info.exif {
                    if e.gps {
                        n.push_str("+GPS");
                    }
                    if e.thumbnail {
                        n.push_str("+thumbnail");
                    }
                }
                n
            }
            0xE1 if ident.starts_with("http://ns.adobe.com/xap") => "XMP".into(),
            0xE2 if ident == "ICC_PROFILE" => "ICC".into(),
            0xED => "Photoshop".into(),
            0xEE if ident.starts_with("Adobe") => "Adobe".into(),
            0xFE => "COM".into(),
            m @ 0xE0..=0xEF => format!("APP{}", m - 0xE0),
            _ => continue,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The APPn/COM segments before the first scan (all of them when there is
/// no scan).
fn before_scan(info: &jpeg::JpegInfo) -> impl Iterator<Item = &jpeg::Segment> {
    let end = info.first_sos.unwrap_or(usize::MAX);
    info.segments.iter().filter(move |s| s.offset < end)
}

/// Whether fix-size drops a segment: every APPn except the JFIF APP0, and
/// comments.
fn is_metadata(seg: &jpeg::Segment) -> bool {
    match seg.marker {
        0xE0 => seg.ident != "JFIF",
        0xE1..=0xEF | 0xFE => true,
        _ => false,
    }
}

/// Removes every metadata segment (all APPn except JFIF APP0, and
/// comments) before the image data without touching the compressed data.
/// Returns `None` when photo check's parser finds the file structurally
/// incomplete (no frame, no scan, truncated, stray bytes).
pub fn strip_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let info = jpeg::parse(bytes);
    let sos = info.first_sos?;
    if !info.complete() {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut from = 0usize;
    for seg in before_scan(&info).filter(|s| is_metadata(s)) {
        // `offset` is the segment's 0xFF; its bytes are the marker (2),
        // then `length` bytes (length field included).
        let end = seg.offset.checked_add(2)?.checked_add(seg.length)?;
        if seg.offset < from || end > sos {
            return None;
        }
        out.extend_from_slice(&bytes[from..seg.offset]);
        from = end;
    }
    out.extend_from_slice(bytes.get(from..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-like test image: smooth shading plus deterministic texture.
    pub(crate) fn textured(w: u32, h: u32, amp: u32) -> Vec<u8> {
        let mut v = Vec::with_capacity((w * h * 3) as usize);
        let mut seed = 12345u32;
        for y in 0..h {
            for x in 0..w {
                seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
                let n = if amp > 0 { (seed >> 24) % amp } else { 0 };
                v.push(((x * 200 / w) + n).min(255) as u8);
                v.push(((y * 200 / h) + n / 2).min(255) as u8);
                v.push((120 + n).min(255) as u8);
            }
        }
        v
    }

    #[test]
    fn exif_block_layout() {
        let b = exif_block(300, None);
        assert_eq!(&b[..4], b"MM\0\x2a");
        assert_eq!(u16::from_be_bytes([b[8], b[9]]), 3);
        // XResolution at the offset its entry names: 300/1
        let off = u32::from_be_bytes([b[18], b[19], b[20], b[21]]) as usize;
        assert_eq!(&b[off..off + 8], &[0, 0, 1, 44, 0, 0, 0, 1]);
        assert_eq!(b.len(), off + 16);
        let e = jpeg::parse_tiff(&b);
        assert!(!e.gps && !e.thumbnail && e.problems.is_empty(), "{e:?}");
        assert_eq!(e.resolution_unit, Some(2));
    }

    #[test]
    fn encoder_writes_jfif_300dpi_and_annex_k_tables() {
        let img = textured(480, 640, 40);
        let j = encode_rgb(&img, 480, 640, 75, Sampling::S420, 300).unwrap();
        let info = jpeg::parse(&j);
        assert!(info.complete(), "{:?}", info.problems);
        let jfif = info.jfif.unwrap();
        assert_eq!(jfif.units, 1); // dots per inch
        assert_eq!((jfif.x_density, jfif.y_density), (300, 300));
        // the first entry of the luma table at q=75: Annex K 16 * 50 / 100 = 8
        let luma = info.qtable(0).unwrap();
        assert_eq!(luma.precision_bits, 8);
        assert_eq!(luma.values[0], 8);
        // baseline SOF0, three components
        let frame = info.frame.unwrap();
        assert_eq!(frame.marker, 0xC0);
        assert_eq!(frame.components.len(), 3);
        assert_eq!(metadata_blocks(&j), vec!["EXIF".to_string()]);
        let d = image::load_from_memory(&j).unwrap();
        assert_eq!((d.width(), d.height()), (480, 640));
    }

    #[test]
    fn round_trip_is_faithful() {
        let img = textured(480, 640, 20);
        {
            let s = Sampling::S444;
            let j = encode_rgb(&img, 480, 640, 90, s, 300).unwrap();
            let d = image::load_from_memory(&j).unwrap().to_rgb8();
            let mean = d
                .as_raw()
                .iter()
                .zip(&img)
                .map(|(a, b)| a.abs_diff(*b) as f64)
                .sum::<f64>()
                / img.len() as f64;
            assert!(mean < 6.0, "{s:?}: mean difference {mean}");
        }
    }

    #[test]
    fn quality_search_lands_in_window() {
        let img = textured(480, 640, 40);
        let e = search_quality(&img, 480, 640, 300, 60, 20_480, 40_960).unwrap();
        let n = e.bytes.len() as u64;
        assert!((20_480..=40_960).contains(&n), "{n} at q{}", e.quality);
        assert!(e.quality >= 60);
        if e.quality < 100 {
            let up = encode_rgb(&img, 480, 640, e.quality + 1, e.sampling, 300).unwrap();
            assert!(up.len() as u64 > 40_960, "q+1 would also fit");
        }
    }

    #[test]
    fn too_noisy_is_too_big_and_flat_is_too_small() {
        // pure noise: huge even at q=60
        let mut seed = 7u32;
        let noisy: Vec<u8> = (0..480 * 640 * 3)
            .map(|_| {
                seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
                (seed >> 24) as u8
            })
            .collect();
        match search_quality(&noisy, 480, 640, 300, 60, 20_480, 40_960) {
            Err(SizeError::TooBig {
                quality: 60,
                bytes,
                max,
            }) => assert!(bytes > max),
            other => panic!("{:?}", other.map(|e| e.quality)),
        }
        let flat = vec![200u8; 480 * 640 * 3];
        match search_quality(&flat, 480, 640, 300, 60, 20_480, 40_960) {
            Err(SizeError::TooSmall { bytes, min }) => assert!(bytes < min),
            other => panic!("{:?}", other.map(|e| e.quality)),
        }
    }

    #[test]
    fn strip_keeps_scan_and_drops_exif() {
        let img = textured(64, 48, 30);
        let j = encode_with(&img, 64, 48, 80, Sampling::S420, 72, Some(6)).unwrap();
        assert_eq!(metadata_blocks(&j), vec!["EXIF".to_string()]);
        let s = strip_metadata(&j).unwrap();
        assert!(metadata_blocks(&s).is_empty());
        assert!(s.len() < j.len());
        let a = image::load_from_memory(&j).unwrap().to_rgb8();
        let b = image::load_from_memory(&s).unwrap().to_rgb8();
        assert_eq!(a, b);
        assert!(strip_metadata(b"not a jpeg").is_none());
    }

    /// A JPEG with `payload` inserted as an APP1 segment right after SOI.
    fn with_app1(j: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut v = j[..2].to_vec();
        v.extend_from_slice(&[0xFF, 0xE1]);
        v.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(payload);
        v.extend_from_slice(&j[2..]);
        v
    }

    /// issue 19: an APP1 of exactly `Exif\0` made the old walker slice
    /// `payload[6..]` of a 5-byte payload.
    #[test]
    fn exif_header_only_app1_does_not_panic() {
        let img = textured(16, 16, 10);
        let j = encode_rgb(&img, 16, 16, 80, Sampling::S444, 300).unwrap();
        for payload in [&b"Exif\0"[..], b"Exif", b"Exif\0\0", b"Exif\0\0MM"] {
            let bad = with_app1(&j, payload);
            let names = metadata_blocks(&bad);
            assert_eq!(names, vec!["EXIF".to_string()], "{payload:?}");
            let s = strip_metadata(&bad).unwrap();
            assert!(metadata_blocks(&s).is_empty());
            assert_eq!(
                image::load_from_memory(&s).unwrap().to_rgb8(),
                image::load_from_memory(&j).unwrap().to_rgb8()
            );
        }
    }

    #[test]
    fn gps_and_thumbnail_are_named() {
        // IFD0 with one GPS pointer entry, then a non-zero IFD1 offset.
        let mut t = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0]);
        t.extend_from_slice(&8u32.to_be_bytes()[..]);
        let last = t.len() - 1;
        t[last] = 0x1A; // IFD1 at 26 (inside the block)
        t.extend_from_slice(&[0u8; 8]);
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&t);
        let img = textured(16, 16, 10);
        let j = encode_rgb(&img, 16, 16, 80, Sampling::S444, 300).unwrap();
        let names = metadata_blocks(&with_app1(&strip_metadata(&j).unwrap(), &payload));
        assert_eq!(names, vec!["EXIF+GPS+thumbnail".to_string()]);
    }
}

//! File-name rules of a photo folder (pure functions: no filesystem).
//!
//! - which names are system junk ([`junk_file`], [`junk_dir`]);
//! - which extensions are images ([`is_image_ext`]);
//! - how a file's stem is compared with a candidate's admission or ID
//!   number ([`stem_key`], [`id_key`]);
//! - whether an unmatched stem looks like a damaged ID number
//!   ([`invalid_id`]).

use crate::idno;

/// Why a file or folder is skipped as system junk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Junk {
    /// `__MACOSX` (the resource forks macOS's archiver adds to a zip).
    MacArchive,
    /// `._name` (an AppleDouble resource fork).
    AppleDouble,
    /// `.DS_Store` (Finder's folder settings).
    DsStore,
    /// `Thumbs.db`, `ehthumbs.db` (Windows thumbnail cache).
    WindowsThumbs,
    /// `desktop.ini` (Windows folder settings).
    DesktopIni,
    /// `@eaDir`, `.@__thumb` (thumbnails of Synology / QNAP storage).
    NasThumbs,
    /// `$RECYCLE.BIN`, `System Volume Information`, `.Trashes`,
    /// `.Spotlight-V100`, `.fseventsd` (system folders of a disk).
    SystemFolder,
    /// Another hidden file or folder (its name starts with a dot).
    Hidden,
}

/// The junk rule a file name falls under, if any.
pub fn junk_file(name: &str) -> Option<Junk> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        ".ds_store" => Junk::DsStore,
        "thumbs.db" | "ehthumbs.db" | "ehthumbs_vista.db" => Junk::WindowsThumbs,
        "desktop.ini" => Junk::DesktopIni,
        _ if lower.starts_with("._") => Junk::AppleDouble,
        _ if lower.starts_with('.') => Junk::Hidden,
        // "Icon\r": a folder's custom icon on macOS
        _ if name == "Icon\r" => Junk::Hidden,
        _ => return None,
    })
}

/// The junk rule a folder name falls under, if any: such a folder is
/// listed once and not entered.
pub fn junk_dir(name: &str) -> Option<Junk> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "__macosx" => Junk::MacArchive,
        "@eadir" | ".@__thumb" => Junk::NasThumbs,
        "$recycle.bin"
        | "system volume information"
        | ".trashes"
        | ".spotlight-v100"
        | ".fseventsd"
        | ".temporaryitems" => Junk::SystemFolder,
        _ if lower.starts_with('.') => Junk::Hidden,
        _ => return None,
    })
}

/// Extensions treated as images when walking a folder (besides any file
/// whose content is an image); `ext` lower-case, without the dot.
pub fn is_image_ext(ext: &str) -> bool {
    matches!(
        ext,
        "jpg"
            | "jpeg"
            | "jpe"
            | "jfif"
            | "png"
            | "gif"
            | "bmp"
            | "webp"
            | "tif"
            | "tiff"
            | "heic"
            | "heif"
    )
}

/// The comparison form of a file stem or a list value: full-width ASCII
/// (digits, letters, `＋`, `．`) made half-width, every space (also the
/// ideographic one) removed, letters upper-cased (so a lower-case `x` at
/// the end of an ID number is `X`).
pub fn stem_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{feff}' && *c != '\u{200b}')
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The comparison form of an ID number: [`stem_key`], and a 15-digit
/// number upgraded to its 18-digit form (GB 11643), so either form
/// matches the other.
pub fn id_key(s: &str) -> String {
    let k = stem_key(s);
    idno::upgrade15(&k).unwrap_or(k)
}

/// Why an unmatched stem is not a usable name although it looks like an
/// ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidId {
    /// 18 characters of an ID number whose check character is wrong
    /// (`expected` is the one the first 17 digits give).
    CheckDigit { expected: char },
    /// 15 or 18 characters of an ID number whose birth date is impossible.
    BadDate,
    /// A number in spreadsheet notation (`4.40106E+17`): the spreadsheet
    /// destroyed the digits. `lo..=hi` is the range of the numbers it can
    /// have been.
    Scientific { lo: u128, hi: u128 },
}

/// Whether an unmatched stem (in [`stem_key`] form) looks like an ID
/// number but is not a valid one.
pub fn invalid_id(key: &str) -> Option<InvalidId> {
    if let Some((lo, hi)) = scientific_range(key) {
        return Some(InvalidId::Scientific { lo, hi });
    }
    let b = key.as_bytes();
    let shaped = match b.len() {
        18 => b[..17].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || b[17] == b'X'),
        15 => b.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !shaped {
        return None;
    }
    match idno::parse(key, chrono::NaiveDate::MAX) {
        Ok(_) => None,
        Err(idno::IdError::CheckDigit { expected }) => Some(InvalidId::CheckDigit { expected }),
        Err(_) => Some(InvalidId::BadDate),
    }
}

/// `4.40106E+17` → the integers it may stand for (inclusive range): the
/// mantissa's digits are a rounded prefix. `None` when the text is not
/// spreadsheet scientific notation of an integer of 10 digits or more.
pub fn scientific_range(key: &str) -> Option<(u128, u128)> {
    let (m, e) = key.split_once('E')?;
    let e: u32 = e.strip_prefix('+').unwrap_or(e).parse().ok()?;
    if !(9..=30).contains(&e) {
        return None;
    }
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    if int.len() != 1
        || !int.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
        || frac.len() as u32 > e
    {
        return None;
    }
    let digits: u128 = format!("{int}{frac}").parse().ok()?;
    let scale = 10u128.pow(e - frac.len() as u32);
    let centre = digits * scale;
    let half = scale / 2;
    let hi = if scale > 1 { centre + half - 1 } else { centre };
    Some((centre.saturating_sub(half), hi))
}

/// Whether `candidate` (an ID number or admission number in key form) is
/// what a damaged stem probably stood for:
/// - scientific notation: the candidate, all digits, lies in the range;
/// - a wrong check character or date: the candidate differs in exactly one
///   character, or by two neighbouring characters swapped, or has the same
///   first 15 characters when the stem ends in `000` (a spreadsheet keeps
///   only 15 significant digits).
pub fn could_be(stem: &str, why: &InvalidId, candidate: &str) -> bool {
    match why {
        InvalidId::Scientific { lo, hi } => {
            candidate.bytes().all(|c| c.is_ascii_digit())
                && candidate
                    .parse::<u128>()
                    .is_ok_and(|v| (*lo..=*hi).contains(&v))
        }
        _ => {
            let (a, b) = (stem.as_bytes(), candidate.as_bytes());
            if a.len() != b.len() {
                return false;
            }
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i] => true,
                _ => a.len() == 18 && a.ends_with(b"000") && a[..15] == b[..15],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_names() {
        assert_eq!(junk_file(".DS_Store"), Some(Junk::DsStore));
        assert_eq!(
            junk_file("._440106199001010011.jpg"),
            Some(Junk::AppleDouble)
        );
        assert_eq!(junk_file("Thumbs.db"), Some(Junk::WindowsThumbs));
        assert_eq!(junk_file("THUMBS.DB"), Some(Junk::WindowsThumbs));
        assert_eq!(junk_file("desktop.ini"), Some(Junk::DesktopIni));
        assert_eq!(junk_file(".hidden.jpg"), Some(Junk::Hidden));
        assert_eq!(junk_file("440106199001010011.jpg"), None);
        assert_eq!(junk_dir("__MACOSX"), Some(Junk::MacArchive));
        assert_eq!(junk_dir("@eaDir"), Some(Junk::NasThumbs));
        assert_eq!(junk_dir("$RECYCLE.BIN"), Some(Junk::SystemFolder));
        assert_eq!(junk_dir(".git"), Some(Junk::Hidden));
        assert_eq!(junk_dir("第一批"), None);
    }

    #[test]
    fn stems_normalise() {
        assert_eq!(stem_key(" 44010619900101001x "), "44010619900101001X");
        assert_eq!(
            stem_key("４４０１０６１９９００１０１００１１"),
            "440106199001010011"
        );
        assert_eq!(stem_key("4401 0619 9001 0100 11"), "440106199001010011");
        assert_eq!(stem_key("０１０１２０１００００４"), "010120100004");
        assert_eq!(stem_key("4401\u{3000}06"), "440106");
        // 15 <-> 18 digits
        let up = idno::upgrade15("440106900101001").unwrap();
        assert_eq!(id_key("440106900101001"), up);
        assert_eq!(id_key(&up), up);
        assert_eq!(id_key("44010619900101001x"), "44010619900101001X");
    }

    #[test]
    fn invalid_ids() {
        // 440106199001010013 is valid (check character 3)
        assert_eq!(invalid_id("440106199001010013"), None);
        assert_eq!(
            invalid_id("440106199001010012"),
            Some(InvalidId::CheckDigit { expected: '3' })
        );
        assert_eq!(invalid_id("440106199013010013"), Some(InvalidId::BadDate));
        assert_eq!(invalid_id("010120100004"), None);
        assert_eq!(invalid_id("ZHANGSAN"), None);
        let Some(InvalidId::Scientific { lo, hi }) = invalid_id("4.40106E+17") else {
            panic!()
        };
        assert_eq!(lo, 440_105_500_000_000_000);
        assert_eq!(hi, 440_106_499_999_999_999);
        assert!(could_be(
            "4.40106E+17",
            &InvalidId::Scientific { lo, hi },
            "440106199001010013"
        ));
        assert!(!could_be(
            "4.40106E+17",
            &InvalidId::Scientific { lo, hi },
            "440107199001010013"
        ));
        assert!(!could_be(
            "4.40106E+17",
            &InvalidId::Scientific { lo, hi },
            "44010619900101001X"
        ));
        assert_eq!(scientific_range("4.4E+3"), None, "too short for an ID");
        assert_eq!(
            scientific_range("1E+10"),
            Some((5_000_000_000, 14_999_999_999))
        );
        let cd = InvalidId::CheckDigit { expected: '3' };
        assert!(could_be("440106199001010012", &cd, "440106199001010013"));
        assert!(
            could_be("440106199001010102", &cd, "440106199001010012"),
            "swap"
        );
        assert!(
            could_be("440106199001010000", &cd, "440106199001010013"),
            "Excel 15 digits"
        );
        assert!(!could_be("440106199001010012", &cd, "440106199101010022"));
    }
}

//! Text normalisation shared by every reader and comparer.

/// Full-width ASCII (U+FF01..U+FF5E) to half-width, the ideographic space
/// to a space; other characters unchanged.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Normalises a value for comparison: half-width, trimmed, inner runs of
/// whitespace collapsed to one space. Never fuzzy: different letters stay
/// different.
pub fn norm(s: &str) -> String {
    let h = half_width(s);
    let mut out = String::with_capacity(h.len());
    for w in h.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// [`norm`] into a reused buffer (cleared first); no allocation when `s`
/// is printable ASCII without spaces, the common case of codes and scores.
pub fn norm_into(s: &str, out: &mut String) {
    out.clear();
    if s.bytes().all(|b| b > b' ' && b < 0x7F) {
        out.push_str(s);
    } else {
        out.push_str(&norm(s));
    }
}

/// Whether `c` is an invisible formatting character that copy-paste from
/// web pages and Word leaves in cells (zero-width space/joiners, word
/// joiner, BOM). Never part of a code.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Normalises a header for matching: [`norm`], lower-case ASCII, and
/// without spaces, underscores, hyphens and a trailing `*` (a "required"
/// mark some templates use).
pub fn header_key(s: &str) -> String {
    norm(s.trim_start_matches('\u{FEFF}'))
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-' && *c != '*')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width() {
        assert_eq!(half_width("ＡＢＣ１２３（）"), "ABC123()");
        assert_eq!(norm("　张三　"), "张三");
        assert_eq!(norm(" 张  三 "), "张 三");
        assert_eq!(header_key(" 准考证号 "), "准考证号");
        assert_eq!(header_key("\u{FEFF}Exam_No"), "examno");
        assert_eq!(header_key("ｅｘａｍ＿ｎｏ"), "examno");
        let mut b = String::from("old");
        for v in ["00015", " 0001 5 ", "ＡＢ１", "", "\t85\n"] {
            norm_into(v, &mut b);
            assert_eq!(b, norm(v));
        }
        assert!(is_invisible('\u{200B}') && !is_invisible(' '));
    }
}

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

/// `x` rounded to `decimals` places (half away from zero), the one
/// rounding of every reported measurement.
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// An English count with its noun: `1 row`, `3 rows` (`one`/`many` are
/// the singular and plural forms).
pub fn count_en(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Normalises a value for comparison: half-width, trimmed, inner runs of
/// whitespace collapsed to one space. Never fuzzy: different letters stay
/// different.
pub fn norm(s: &str) -> String {
    norm_cow(s).into_owned()
}

/// [`norm`] without allocating when `s` is already normal ([`is_norm`]),
/// the common case of codes and scores in machine exports.
pub fn norm_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if is_norm(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(norm_full(s))
    }
}

/// [`norm`] by the whole algorithm, without the already-normal shortcut
/// (and the reference the shortcut is tested against).
pub(crate) fn norm_full(s: &str) -> String {
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

/// [`norm`] into a reused buffer (cleared first).
pub fn norm_into(s: &str, out: &mut String) {
    out.clear();
    out.push_str(&norm_cow(s));
}

/// Whether `norm(s) == s`: no whitespace at the ends, no run of spaces, no
/// other whitespace, no full-width ASCII or ideographic space. One pass.
pub fn is_norm(s: &str) -> bool {
    let b = s.as_bytes();
    if b.iter().all(|&c| c > b' ' && c < 0x7F) {
        return true;
    }
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for c in s.chars() {
        let space = c == ' ';
        if (space && prev_space)
            || ('\u{FF01}'..='\u{FF5E}').contains(&c)
            || c == '\u{3000}'
            || (c.is_whitespace() && !space)
        {
            return false;
        }
        prev_space = space;
    }
    true
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

/// Escapes text for HTML element content and attribute values (the one
/// escaper of every HTML report).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `n` with thousands separators: 806954 → "806,954".
pub fn thousands(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A file size as people read it, with the exact count: "788 KB (806,954
/// 字节)" / "788 KB (806,954 bytes)"; KB = 1,024 bytes (as the national
/// standard's 20-40 KB is read, docs/photo.md), one decimal under 100 KB.
pub fn file_size(bytes: u64, lang: crate::Lang) -> String {
    let unit = lang.pick("字节", "bytes");
    if bytes < 1024 {
        return format!("{} {unit}", thousands(bytes));
    }
    let kb = bytes as f64 / 1024.0;
    let kb = if kb < 100.0 {
        let r = round_to(kb, 1);
        if r.fract() == 0.0 {
            format!("{r:.0}")
        } else {
            format!("{r:.1}")
        }
    } else {
        format!("{:.0}", kb.round())
    };
    format!("{kb} KB ({} {unit})", thousands(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_in_kb_with_the_byte_count() {
        use super::{file_size, thousands};
        use crate::Lang;
        assert_eq!(thousands(806_954), "806,954");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(file_size(806_954, Lang::Zh), "788 KB (806,954 字节)");
        assert_eq!(file_size(40_960, Lang::En), "40 KB (40,960 bytes)");
        assert_eq!(file_size(20_100, Lang::En), "19.6 KB (20,100 bytes)");
        assert_eq!(file_size(512, Lang::Zh), "512 字节");
    }

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

    proptest::proptest! {
        #[test]
        fn is_norm_is_exactly_norm_unchanged(s in "[ a-zA-Z0-9\t\n\r\u{3000}\u{A0}\u{2028}\u{FF01}-\u{FF5E}成绩笔试\u{200B}]{0,12}") {
            proptest::prop_assert_eq!(is_norm(&s), norm_full(&s) == s);
            let mut out = String::from("old");
            norm_into(&s, &mut out);
            proptest::prop_assert_eq!(out, norm(&s));
        }
    }
}

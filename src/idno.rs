//! Identity numbers: GB 11643-1999 citizen ID numbers (18 digits, check
//! digit over "10X98765432"), the old 15-digit form and its upgrade, and
//! the other document types of data.md, which are recognised and not forced
//! through the 18-digit rule.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Weights of the first 17 digits (GB 11643).
pub const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum mod 11.
pub const CHECK: &[u8; 11] = b"10X98765432";

/// Document types (data.md, 证件类型).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证 (mainland).
    ResidentId,
    /// 护照.
    Passport,
    /// 港澳居民来往内地通行证.
    HkMacauPermit,
    /// 台湾居民来往大陆通行证.
    TaiwanPermit,
    /// 港澳台居民居住证 (18 digits, region code 810000/820000/830000).
    HmtResidence,
    /// 其他.
    Other,
}

impl IdType {
    /// Reads the 证件类型 column; empty means 身份证 (data.md).
    pub fn parse(s: Option<&str>) -> IdType {
        let s = s.map(str::trim).unwrap_or("");
        if s.is_empty() {
            return IdType::ResidentId;
        }
        if s.contains("居住证") {
            IdType::HmtResidence
        } else if s.contains("身份证") || s == "1" || s.eq_ignore_ascii_case("id") {
            IdType::ResidentId
        } else if s.contains("护照") || s.eq_ignore_ascii_case("passport") {
            IdType::Passport
        } else if s.contains("港澳") {
            IdType::HkMacauPermit
        } else if s.contains("台湾") || s.contains("台胞") {
            IdType::TaiwanPermit
        } else {
            IdType::Other
        }
    }

    /// Whether this is a mainland resident ID (the only type whose holder
    /// can be checked against the mainland population registry).
    pub fn is_mainland(self) -> bool {
        self == IdType::ResidentId
    }

    /// Whether numbers of this type follow GB 11643 (18 digits with check).
    pub fn uses_gb11643(self) -> bool {
        matches!(self, IdType::ResidentId | IdType::HmtResidence)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// Reads 男/女/M/F/male/female.
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim() {
            "男" | "M" | "m" | "male" | "Male" | "1" => Some(Gender::Male),
            "女" | "F" | "f" | "female" | "Female" | "2" => Some(Gender::Female),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// Why an ID number is invalid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdError {
    /// Not 15 or 18 characters of the right kind.
    Shape,
    /// The check digit does not match; `expected` is the right one.
    CheckDigit { expected: char },
    /// The birth date is not a real calendar date.
    BadDate,
    /// The birth date is in the future (relative to the reference date).
    FutureDate,
}

/// A valid mainland ID number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdNumber {
    /// The 18-digit form (upper-case X).
    pub normalized: String,
    /// True when the input was the old 15-digit form, upgraded.
    pub upgraded: bool,
    pub birth_date: NaiveDate,
    pub gender: Gender,
    /// 6-digit administrative region code.
    pub region: String,
}

/// The check character for 17 digits.
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS.iter())
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

/// Upgrades a 15-digit number to 18 digits (insert "19" before the
/// 2-digit year, append the check digit). Returns `None` when the input is
/// not 15 digits.
pub fn upgrade15(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v = String::with_capacity(18);
    v.push_str(&s[..6]);
    v.push_str("19");
    v.push_str(&s[6..]);
    let c = check_char(v.as_bytes());
    v.push(c);
    Some(v)
}

/// Normalises what a person typed: trims, full-width digits/X to ASCII,
/// lower-case x to X, drops inner spaces.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ｘ' | 'Ｘ' | 'x' => 'X',
            _ => c,
        })
        .collect()
}

/// Validates a mainland ID number (GB 11643), 18 digits or the old 15.
/// `today` bounds the birth date (not in the future).
pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdError> {
    let s = normalize(input);
    let b = s.as_bytes();
    let (full, upgraded) = match b.len() {
        18 => {
            if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X')
            {
                return Err(IdError::Shape);
            }
            (s.clone(), false)
        }
        15 => match upgrade15(&s) {
            Some(u) => (u, true),
            None => return Err(IdError::Shape),
        },
        _ => return Err(IdError::Shape),
    };
    let fb = full.as_bytes();
    let num = |r: std::ops::Range<usize>| -> u32 { full[r].parse().expect("digits checked") };
    let birth = NaiveDate::from_ymd_opt(num(6..10) as i32, num(10..12), num(12..14))
        .ok_or(IdError::BadDate)?;
    if birth > today || birth.year() < 1880 {
        return Err(if birth > today {
            IdError::FutureDate
        } else {
            IdError::BadDate
        });
    }
    let expected = check_char(&fb[..17]);
    if !upgraded && fb[17] as char != expected {
        return Err(IdError::CheckDigit { expected });
    }
    let gender = if (fb[16] - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    Ok(IdNumber {
        normalized: full.clone(),
        upgraded,
        birth_date: birth,
        gender,
        region: full[..6].to_string(),
    })
}

/// Whether two ID numbers denote the same person: equal after
/// normalisation, or one is the 15-digit form of the other.
pub fn same_person(a: &str, b: &str) -> bool {
    let (a, b) = (normalize(a), normalize(b));
    if a == b {
        return true;
    }
    let up = |s: &str| upgrade15(s).unwrap_or_else(|| s.to_string());
    up(&a) == up(&b)
}

/// Masks an ID number for printing: keeps the first 6 and last 4
/// characters, the rest `*` (roster.md). Short values are masked whole but
/// their last character.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n > 10 {
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 6 || i >= n - 4 { *c } else { '*' })
            .collect()
    } else if n > 1 {
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i + 1 == n { *c } else { '*' })
            .collect()
    } else {
        chars.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn known_valid_numbers() {
        // GB 11643-1999 appendix example.
        let id = parse("11010519491231002X", today()).unwrap();
        assert_eq!(
            id.birth_date,
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.gender, Gender::Female);
        assert!(!id.upgraded);
        let id = parse("440524188001010014", today()).unwrap();
        assert_eq!(id.gender, Gender::Male);
        // lower-case x and full-width digits are accepted
        assert!(parse("11010519491231002x", today()).is_ok());
        assert!(parse("１１０１０５１９４９１２３１００２Ｘ", today()).is_ok());
    }

    #[test]
    fn check_digit_wrong() {
        assert_eq!(
            parse("110105194912310021", today()),
            Err(IdError::CheckDigit { expected: 'X' })
        );
    }

    #[test]
    fn bad_dates() {
        // 1999-02-30 does not exist
        let mut s = String::from("11010519990230002");
        s.push(check_char(s.as_bytes()));
        assert_eq!(parse(&s, today()), Err(IdError::BadDate));
        let mut s = String::from("11010520300101002");
        s.push(check_char(s.as_bytes()));
        assert_eq!(parse(&s, today()), Err(IdError::FutureDate));
    }

    #[test]
    fn shapes() {
        for s in [
            "",
            "123",
            "11010519491231002Y",
            "1101051949123100",
            "abcdefghijklmnopqr",
        ] {
            assert_eq!(parse(s, today()), Err(IdError::Shape), "{s}");
        }
    }

    #[test]
    fn upgrade_15() {
        // 15-digit 110105491231002 -> 11010519491231002X
        assert_eq!(upgrade15("110105491231002").unwrap(), "11010519491231002X");
        let id = parse("110105491231002", today()).unwrap();
        assert!(id.upgraded);
        assert_eq!(id.normalized, "11010519491231002X");
        assert!(same_person("110105491231002", "11010519491231002x"));
        assert!(!same_person("110105491231002", "110105194912310037"));
    }

    #[test]
    fn masking() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("E1234567"), "*******7");
    }

    #[test]
    fn id_types() {
        assert_eq!(IdType::parse(None), IdType::ResidentId);
        assert_eq!(IdType::parse(Some("身份证")), IdType::ResidentId);
        assert_eq!(
            IdType::parse(Some("港澳台居民居住证")),
            IdType::HmtResidence
        );
        assert_eq!(
            IdType::parse(Some("港澳居民来往内地通行证")),
            IdType::HkMacauPermit
        );
        assert_eq!(
            IdType::parse(Some("台湾居民来往大陆通行证")),
            IdType::TaiwanPermit
        );
        assert_eq!(IdType::parse(Some("护照")), IdType::Passport);
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (1900i32..2020, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    proptest! {
        #[test]
        fn generated_numbers_validate(region in 110000u32..660000, date in arb_date(), seq in 0u32..1000) {
            let mut s = format!("{region:06}{}{seq:03}", date.format("%Y%m%d"));
            s.push(check_char(s.as_bytes()));
            let id = parse(&s, today()).unwrap();
            prop_assert_eq!(id.birth_date, date);
            prop_assert_eq!(id.gender == Gender::Male, seq % 2 == 1);
            prop_assert_eq!(&id.normalized, &s);
        }

        #[test]
        fn any_single_digit_change_is_caught(region in 110000u32..660000, date in arb_date(), seq in 0u32..1000, pos in 0usize..17, delta in 1u8..10) {
            let mut s = format!("{region:06}{}{seq:03}", date.format("%Y%m%d"));
            s.push(check_char(s.as_bytes()));
            let mut b = s.into_bytes();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let t = String::from_utf8(b).unwrap();
            // a changed digit either breaks the date or the check digit
            prop_assert!(parse(&t, today()).is_err());
        }

        #[test]
        fn upgrade_roundtrip(region in 110000u32..660000, y in 0u32..100, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000) {
            let s15 = format!("{region:06}{y:02}{m:02}{d:02}{seq:03}");
            let up = upgrade15(&s15).unwrap();
            prop_assert_eq!(up.len(), 18);
            let id = parse(&up, today()).unwrap();
            prop_assert!(same_person(&s15, &id.normalized));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse(&s, today());
            let _ = mask(&s);
            let _ = same_person(&s, "110105491231002");
        }
    }
}

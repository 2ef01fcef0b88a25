//! Named string formats a schema can demand of a field: the national identity-number
//! standards (GB 11643 resident ids, GB 32100 unified social credit codes) and phones, and
//! their opposites — a number that is *not* a resident id or credit code, for documents
//! of another kind (a passport), so neither is filed as something else.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// GB 11643-1999 citizen identity number: 17 digits, a birth date, an ISO 7064 MOD 11-2 check.
    Gb11643,
    /// GB 32100-2015 unified social credit code: 18 characters, MOD 31 check character.
    Gb32100,
    /// A Chinese mobile (11 digits starting with 1) or a landline with area code.
    Phone,
    /// Anything but a valid resident id (GB 11643).
    NotGb11643,
    /// Anything but a valid unified social credit code (GB 32100).
    NotGb32100,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "gb11643" => Some(Format::Gb11643),
            "gb32100" => Some(Format::Gb32100),
            "phone" => Some(Format::Phone),
            "not-gb11643" => Some(Format::NotGb11643),
            "not-gb32100" => Some(Format::NotGb32100),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Gb11643 => "gb11643",
            Format::Gb32100 => "gb32100",
            Format::Phone => "phone",
            Format::NotGb11643 => "not-gb11643",
            Format::NotGb32100 => "not-gb32100",
        }
    }

    /// Whether the format is a national standard whose letters are upper case (a resident
    /// id's `X`, a credit code's `A`–`Y`): a field holding one reads typed letters in upper
    /// case, so `91350100m000100y43` is stored as `91350100M000100Y43`, not refused.
    pub fn reads_upper_case(self) -> bool {
        matches!(self, Format::Gb11643 | Format::Gb32100)
    }

    /// Why `text` fails the format, or `None` when it passes (`today` bounds birth
    /// dates). Messages never repeat the value: it may be personal data.
    pub fn check(self, text: &str, today: NaiveDate) -> Option<String> {
        let problem = match self {
            Format::Gb11643 => check_resident_id(text, today),
            Format::Gb32100 => check_uscc(text),
            Format::Phone => check_phone(text),
            // Judged in upper case, as the standard's own format reads typed input: a
            // credit code typed in lower case is still a credit code.
            Format::NotGb11643 => {
                return check_resident_id(&text.to_ascii_uppercase(), today)
                    .is_none()
                    .then(|| t!("formats-is-a-resident-id"));
            }
            Format::NotGb32100 => {
                return check_uscc(&text.to_ascii_uppercase())
                    .is_none()
                    .then(|| t!("formats-is-a-credit-code"));
            }
        }?;
        Some(match self.stray_character(text) {
            Some((at, c)) => t!(
                "formats-stray-character",
                problem = problem,
                at = at,
                character = c
            ),
            None => problem,
        })
    }

    /// The first character the format never holds, and its position (from 1): what an
    /// input method or a slip of the finger put there. Naming it shows no digit of the
    /// number, since digits are never stray.
    fn stray_character(self, text: &str) -> Option<(usize, char)> {
        let allowed = |i: usize, c: char| match self {
            Format::Gb11643 => c.is_ascii_digit() || (i == 17 && (c == 'X' || c == 'x')),
            Format::Gb32100 => c.is_ascii() && USCC_ALPHABET.contains(&(c as u8)),
            Format::Phone => c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'),
            Format::NotGb11643 | Format::NotGb32100 => true,
        };
        text.chars()
            .enumerate()
            .find(|(i, c)| !allowed(*i, *c))
            .map(|(i, c)| (i + 1, c))
    }
}

const RIC_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RIC_CHECK: &[u8; 11] = b"10X98765432";

/// The provincial-level divisions of the mainland in GB/T 2260 (the first two digits of a
/// division code): the 22 provinces, 5 autonomous regions and 4 municipalities. A resident
/// id names a place below one of them; docket checks the province, not the county
/// (counties are renamed and renumbered every year).
const MAINLAND_PROVINCES: [&str; 31] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];

/// The address codes of the residence permits for Hong Kong, Macao and Taiwan residents
/// (港澳台居民居住证申领发放办法, 2018): a permit's number is a GB 11643 number whose first
/// six digits are exactly one of these. GB/T 2260 lists Taiwan (710000), Hong Kong
/// (810000) and Macao (820000) with no place below them, so no other number starting 71,
/// 81 or 82 — and none starting 83 — names a place.
pub const RESIDENCE_PERMITS: [&str; 3] = ["810000", "820000", "830000"];

/// The provincial-level divisions of GB/T 2260 beside the mainland's: Taiwan, Hong Kong
/// and Macao. A credit code's registration division may lie in any provincial-level
/// division, its own code (`330000`, a provincial authority) included.
const OTHER_PROVINCIAL: [&str; 3] = ["71", "81", "82"];

/// The registration division of a credit code issued by a central-level authority (GB
/// 32100 gives it 100000, the country as a whole), beside those of the provinces.
const CENTRAL: &str = "100000";

/// Whether six digits are the division code of a place in a mainland province: a
/// province's own code (`330000`) is not one — a resident id is issued by a county.
fn mainland_place(division: &str) -> bool {
    division.len() == 6
        && division.bytes().all(|c| c.is_ascii_digit())
        && MAINLAND_PROVINCES.contains(&&division[..2])
        && division[2..] != *"0000"
}

/// The earliest birth year docket accepts on a resident id: nobody born before 1900 opens
/// an account or signs a contract today, so such a year is a slip (1849 for 1949).
const EARLIEST_BIRTH_YEAR: i32 = 1900;

fn check_resident_id(text: &str, today: NaiveDate) -> Option<String> {
    let b = text.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return Some(t!("formats-resident-id-gb-has"));
    }
    let division = std::str::from_utf8(&b[..6]).unwrap_or("");
    if !mainland_place(division) && !RESIDENCE_PERMITS.contains(&division) {
        return Some(t!("formats-resident-id-s-first"));
    }
    let birth = std::str::from_utf8(&b[6..14]).unwrap_or("");
    match NaiveDate::parse_from_str(birth, "%Y%m%d") {
        Err(_) => {
            return Some(t!("formats-resident-id-s-birth"));
        }
        Ok(d) if d > today => {
            return Some(t!("formats-resident-id-birth-in-future"));
        }
        Ok(d) if d.year() < EARLIEST_BIRTH_YEAR => {
            return Some(t!(
                "formats-resident-id-birth-before",
                year = EARLIEST_BIRTH_YEAR
            ));
        }
        Ok(_) => {}
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(RIC_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = RIC_CHECK[(sum % 11) as usize];
    if b[17].to_ascii_uppercase() != expected {
        return Some(t!("formats-resident-id-s-check"));
    }
    None
}

const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 32100 position 1: the registering authority (1 机构编制 … 9 工商, A 中央军委改革和编制
/// 办公室, N 农业, Y 其他).
const USCC_AUTHORITIES: &[u8] = b"123456789ANY";

fn check_uscc(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let value = |c: u8| USCC_ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
    if b.len() != 18 || !b.iter().all(|&c| value(c).is_some()) {
        return Some(t!("formats-unified-social-credit-code"));
    }
    if !USCC_AUTHORITIES.contains(&b[0]) || !b[1].is_ascii_digit() || b[1] == b'0' {
        return Some(t!("formats-unified-social-credit-code-2"));
    }
    let division = std::str::from_utf8(&b[2..8]).unwrap_or("");
    let province = &division[..2];
    let provincial = division.bytes().all(|c| c.is_ascii_digit())
        && (MAINLAND_PROVINCES.contains(&province) || OTHER_PROVINCIAL.contains(&province));
    if !provincial && division != CENTRAL {
        return Some(t!("formats-unified-social-credit-code-3"));
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(&c, w)| value(c).unwrap_or(0) * w)
        .sum();
    let expected = USCC_ALPHABET[((31 - sum % 31) % 31) as usize];
    if b[17] != expected {
        return Some(t!("formats-unified-social-credit-code-4"));
    }
    None
}

fn check_phone(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let digits = digits.strip_prefix("+86").unwrap_or(&digits);
    let ok = digits.bytes().all(|b| b.is_ascii_digit())
        && ((digits.len() == 11 && digits.starts_with('1'))
            || (digits.starts_with('0') && (10..=12).contains(&digits.len())));
    if ok {
        None
    } else {
        Some(t!("formats-phone-number-digit-mobile"))
    }
}

/// A personal number found in free text (`personal_number_in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalNumber {
    /// A valid resident identity number (GB 11643, its check character right).
    ResidentId,
    /// A mainland mobile number: 11 digits, `1` then `3`–`9`, alone or after `+86`/`86`.
    Mobile,
}

impl PersonalNumber {
    pub fn name(self) -> &'static str {
        match self {
            PersonalNumber::ResidentId => "resident-id",
            PersonalNumber::Mobile => "mobile",
        }
    }
}

/// The first personal number written in `text`: a resident id whose check character is
/// right (born by `today`), or a mobile number. Full-width digits count as digits.
/// Numbers are read as runs of ASCII letters and digits (so `M13757103456`, a meter
/// number, is none), and again joined across `-` and spaces where the groups are those
/// such numbers are written in (`137-5710-3456`, `330106 19850312 0423`), never a list
/// of amounts or readings. Free text that reaches the audit log is kept for good, so it
/// must not hold one.
pub fn personal_number_in(text: &str, today: NaiveDate) -> Option<PersonalNumber> {
    let text: String = text.chars().map(half_width).collect();
    let plain = runs(&text, false).into_iter().map(|(run, _)| run);
    let joined = runs(&text, true)
        .into_iter()
        .filter(|(_, groups)| GROUPINGS.contains(&groups.as_slice()))
        .map(|(run, _)| run);
    plain
        .chain(joined)
        .find_map(|run| personal_number(&run, today))
}

/// How a mobile number or a resident id is written in groups: 3-4-4 (after `86`, or
/// not), 6-8-4 and 6-4-4-4.
const GROUPINGS: [&[usize]; 5] = [
    &[3, 4, 4],
    &[2, 3, 4, 4],
    &[2, 11],
    &[6, 8, 4],
    &[6, 4, 4, 4],
];

/// A full-width digit, letter X or ideographic space as its ASCII self.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        'Ｘ' | 'ｘ' => 'X',
        '\u{3000}' => ' ',
        c => c,
    }
}

/// The runs of ASCII letters and digits in `text`, each with the lengths of its groups;
/// with `join`, a `-` or space between two digits does not end a run but starts a group.
fn runs(text: &str, join: bool) -> Vec<(String, Vec<usize>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = vec![(String::new(), vec![0])];
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = || {
            i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
        };
        let (run, groups) = out.last_mut().expect("one run at least");
        if c.is_ascii_alphanumeric() {
            run.push(c);
            *groups.last_mut().expect("one group at least") += 1;
        } else if join && (c == '-' || c == ' ') && between_digits() {
            groups.push(0);
        } else {
            out.push((String::new(), vec![0]));
        }
    }
    out.retain(|(r, _)| !r.is_empty());
    out
}

fn personal_number(run: &str, today: NaiveDate) -> Option<PersonalNumber> {
    let upper = run.to_ascii_uppercase();
    if check_resident_id(&upper, today).is_none() {
        return Some(PersonalNumber::ResidentId);
    }
    let mobile = run
        .strip_prefix("86")
        .filter(|r| r.len() == 11)
        .unwrap_or(run);
    let b = mobile.as_bytes();
    let is_mobile = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    is_mobile.then_some(PersonalNumber::Mobile)
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Format {
        fn check_on(self, text: &str) -> Option<String> {
            self.check(text, today())
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    // Examples published with GB 11643-1999 and widely reproduced.
    #[test]
    fn gb11643_published_examples() {
        assert_eq!(Format::Gb11643.check_on("11010519491231002X"), None);
        assert!(Format::Gb11643.check_on("110105194912310021").is_some());
        // The standard's other example, born in 1880: its check character is right, its
        // birth year one docket takes for a slip.
        assert_eq!(
            Format::Gb11643.check_on("440524188001010014"),
            Some("the resident id's birth year (digits 7–10) is before 1900: check the number for a typing error".into())
        );
        assert!(
            Format::Gb11643.check_on("440524190002300012").is_some(),
            "Feb 30th"
        );
        assert!(
            Format::Gb11643.check_on("44052418800101001").is_some(),
            "17 chars"
        );
    }

    // Codes printed on published business licences.
    #[test]
    fn gb32100_published_examples() {
        assert_eq!(Format::Gb32100.check_on("91350100M000100Y43"), None);
        assert_eq!(Format::Gb32100.check_on("914403001922038216"), None);
        assert_eq!(Format::Gb32100.check_on("91330100799655058B"), None);
        // Registered by a central-level authority: division 100000.
        assert_eq!(Format::Gb32100.check_on("91100000MA0000001G"), None);
        let code = |body: &str| {
            let sum: u32 = body
                .bytes()
                .zip(USCC_WEIGHTS)
                .map(|(c, w)| USCC_ALPHABET.iter().position(|&a| a == c).unwrap() as u32 * w)
                .sum();
            format!(
                "{body}{}",
                USCC_ALPHABET[((31 - sum % 31) % 31) as usize] as char
            )
        };
        assert_eq!(code("91100000MA0000001"), "91100000MA0000001G");
        for division in ["100001", "109999", "000000", "830000"] {
            assert_eq!(
                Format::Gb32100.check_on(&code(&format!("91{division}MA0000001"))),
                Some(t!("formats-unified-social-credit-code-3")),
                "{division}"
            );
        }
        // A provincial authority's own division is one.
        assert_eq!(Format::Gb32100.check_on(&code("91330000MA0000001")), None);
        assert!(Format::Gb32100.check_on("91350100M000100Y44").is_some());
        assert!(
            Format::Gb32100.check_on("91350100M000100Y4I").is_some(),
            "I is not in the alphabet"
        );
    }

    /// `body` with its GB 11643 check character.
    fn with_check(body: &str) -> String {
        let sum: u32 = body
            .bytes()
            .zip(RIC_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        format!("{body}{}", RIC_CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn gb11643_places_and_birth_dates() {
        // A right check character does not save a place that does not exist…
        assert!(Format::Gb11643.check_on("000000194912310027").is_some());
        assert!(Format::Gb11643.check_on("999999194912310025").is_some());
        // …or a birth in the future.
        assert!(Format::Gb11643.check_on("110105202701010016").is_some());
        // A province's own code is not a place; a county of it is.
        assert!(
            Format::Gb11643
                .check_on(&with_check("33000019850312042"))
                .is_some()
        );
        assert_eq!(
            Format::Gb11643.check_on(&with_check("33010619850312042")),
            None
        );
        // 1900 is the first birth year taken.
        assert_eq!(
            Format::Gb11643.check_on(&with_check("33010619000101042")),
            None
        );
        assert!(
            Format::Gb11643
                .check_on(&with_check("33010618991231042"))
                .is_some()
        );
    }

    /// Hong Kong, Macao and Taiwan residents' residence permits carry GB 11643 numbers
    /// with one address code each; nothing else in 71, 81, 82 or 83 is a place.
    #[test]
    fn gb11643_residence_permits() {
        for code in ["810000", "820000", "830000"] {
            assert_eq!(
                Format::Gb11643.check_on(&with_check(&format!("{code}19900101001"))),
                None,
                "{code}"
            );
        }
        for code in ["810101", "820001", "830100", "710000", "710101", "840000"] {
            assert!(
                Format::Gb11643
                    .check_on(&with_check(&format!("{code}19900101001")))
                    .is_some(),
                "{code}"
            );
        }
    }

    #[test]
    fn identity_formats_read_letters_in_upper_case() {
        assert!(Format::Gb11643.reads_upper_case() && Format::Gb32100.reads_upper_case());
        assert!(!Format::Phone.reads_upper_case() && !Format::NotGb32100.reads_upper_case());
        // A lower-case credit code filed as something else is still a credit code.
        assert!(Format::NotGb32100.check_on("91350100m000100y43").is_some());
        assert!(Format::NotGb11643.check_on("11010519491231002x").is_some());
    }

    #[test]
    fn the_opposite_formats_refuse_only_valid_numbers() {
        assert!(Format::NotGb11643.check_on("11010519491231002X").is_some());
        assert_eq!(Format::NotGb11643.check_on("110105194912310021"), None);
        assert_eq!(Format::NotGb11643.check_on("E12345678"), None);
        assert!(Format::NotGb32100.check_on("91350100M000100Y43").is_some());
        assert_eq!(Format::NotGb32100.check_on("91350100M000100Y44"), None);
        assert_eq!(Format::NotGb32100.check_on("11010519491231002X"), None);
    }

    #[test]
    fn phones() {
        assert_eq!(Format::Phone.check_on("13812341234"), None);
        assert_eq!(Format::Phone.check_on("0571-88881234"), None);
        assert!(Format::Phone.check_on("12345").is_some());
    }

    #[test]
    fn personal_numbers_in_free_text() {
        let id = "330106198503120423";
        assert_eq!(check_resident_id(id, today()), None);
        let found = |t: &str| personal_number_in(t, today());
        assert_eq!(
            found(&format!("客户证件号{id}有误")),
            Some(PersonalNumber::ResidentId)
        );
        assert_eq!(
            found(&format!("id {}", id.to_lowercase())),
            Some(PersonalNumber::ResidentId)
        );
        // A wrong check character is no resident id.
        assert_eq!(found("id 330106198503120424"), None);
        assert_eq!(found("来电13757103456"), Some(PersonalNumber::Mobile));
        assert_eq!(found("call 137-5710-3456"), Some(PersonalNumber::Mobile));
        assert_eq!(found("call 137 5710 3456"), Some(PersonalNumber::Mobile));
        assert_eq!(found("+86 13757103456"), Some(PersonalNumber::Mobile));
        assert_eq!(found("tel:+8613757103456"), Some(PersonalNumber::Mobile));
        assert_eq!(found("换表 M13757103456"), None);
        assert_eq!(found("合同 TOP-2026-000001 完毕"), None);
        assert_eq!(found("读数 12757103456"), None);
        assert_eq!(found("2 13757103456"), Some(PersonalNumber::Mobile));
        assert_eq!(found("用户搬迁"), None);
        // Lists of amounts and readings are no grouped numbers.
        assert_eq!(found("分三期 150 200 300 50 元"), None);
        assert_eq!(found("读数 1380 1450 120"), None);
        assert_eq!(found("2026 0301 0001 10"), None);
        assert_eq!(
            found("330106 19850312 0423"),
            Some(PersonalNumber::ResidentId)
        );
        // Typed with a Chinese input method.
        assert_eq!(
            found("来电１３７５７１０３４５６"),
            Some(PersonalNumber::Mobile)
        );
        assert_eq!(
            found("来电\u{3000}137\u{3000}5710\u{3000}3456"),
            Some(PersonalNumber::Mobile)
        );
        // Born after today: no resident id.
        assert_eq!(found("330106209903120427"), None);
    }
}

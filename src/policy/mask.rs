//! Masking personal data for display: enough to recognise a record, never enough to
//! identify a person.

use crate::schema::kind::MaskStyle;
use crate::schema::value::Value;

pub fn mask(style: MaskStyle, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let stars = |n: usize| "*".repeat(n);
    match style {
        // 138****1234: first 3, last 4.
        MaskStyle::Phone => {
            if chars.len() >= 8 {
                keep_ends(&chars, 3, 4)
            } else {
                stars(chars.len().max(4))
            }
        }
        // The first two characters (a resident id's province) and the length only
        // (33****************): with a known birth date that still leaves millions of
        // valid numbers, where the first six and the last two left a handful (see the
        // test below). A residence permit's two (81, 82, 83) would name its whole address
        // code, leaving a thousand numbers with the birth date: they are hidden too.
        MaskStyle::Id => {
            if chars.len() >= 12 && !names_its_address_code(text) {
                keep_ends(&chars, 2, 0)
            } else {
                stars(chars.len().max(4))
            }
        }
        // 张** : the first character only.
        MaskStyle::Name => match chars.first() {
            Some(c) => format!("{c}{}", stars(chars.len().saturating_sub(1).max(1))),
            None => String::new(),
        },
        // Keep up to the district (区/县/旗), else the city (市), else two characters.
        MaskStyle::Address => {
            let cut = ['区', '县', '旗']
                .iter()
                .filter_map(|m| chars.iter().position(|c| c == m))
                .min()
                .or_else(|| chars.iter().position(|c| *c == '市'))
                .map(|p| p + 1)
                .unwrap_or(2.min(chars.len()));
            let kept: String = chars[..cut].iter().collect();
            format!("{kept}****")
        }
        MaskStyle::Full => "****".to_string(),
    }
}

/// A value as shown without a reveal: its text masked, each item of a list masked.
pub fn mask_value(style: MaskStyle, value: &Value) -> Value {
    match value {
        Value::List(items) => Value::List(
            items
                .iter()
                .map(|i| Value::Str(mask(style, &i.to_string())))
                .collect(),
        ),
        other => Value::Str(mask(style, &other.to_string())),
    }
}

/// Whether an identity number's first two characters are those of a residence permit for
/// Hong Kong, Macao or Taiwan residents, whose address code has no other digits to guess.
fn names_its_address_code(text: &str) -> bool {
    crate::schema::formats::RESIDENCE_PERMITS
        .iter()
        .any(|code| text.starts_with(&code[..2]))
}

fn keep_ends(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    let mut s: String = chars[..head].iter().collect();
    s.push_str(&"*".repeat(n - head - tail));
    s.extend(&chars[n - tail..]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles() {
        assert_eq!(mask(MaskStyle::Phone, "13812341234"), "138****1234");
        assert_eq!(
            mask(MaskStyle::Id, "11010519491231002X"),
            "11****************"
        );
        assert_eq!(
            mask(MaskStyle::Id, "91350100M000100Y43"),
            "91****************"
        );
        assert_eq!(mask(MaskStyle::Id, "E12345678"), "*********");
        assert_eq!(mask(MaskStyle::Name, "张三丰"), "张**");
        assert_eq!(mask(MaskStyle::Name, "李四"), "李*");
        assert_eq!(
            mask(MaskStyle::Address, "北京市朝阳区建国路88号"),
            "北京市朝阳区****"
        );
        assert_eq!(mask(MaskStyle::Address, "广州市天河路1号"), "广州市****");
        assert_eq!(mask(MaskStyle::Full, "secret"), "****");
    }

    /// How many valid resident ids (GB 11643, as docket checks them) a masked one could
    /// be, counted with docket's own check: region codes of the province, birth dates
    /// from 1900-01-01 to `TODAY`, three-digit sequence, check character. The checks of
    /// the region, the date and the check character are independent, so the count is the
    /// product of what each accepts. `cargo test --lib identity_mask -- --nocapture`
    /// prints the numbers the README quotes.
    #[test]
    fn the_identity_mask_leaves_too_many_candidates_to_probe() {
        use crate::schema::formats::Format;
        use chrono::{Datelike, NaiveDate};
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let valid = |id: &str| Format::Gb11643.check(id, today).is_none();
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let with_check = |body: &str| {
            let sum: u32 = body
                .bytes()
                .zip(WEIGHTS)
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
        };
        // The mask of the demo's first customer, born in Hangzhou on 1985-03-12.
        let id = "330106198503120423";
        assert!(valid(id));
        let shown = mask(MaskStyle::Id, id);
        assert_eq!(shown, "33****************");
        let province = &shown[..2];

        // Region codes the check accepts in that province; the same in every province.
        let regions = |p: &str| {
            (0..10_000)
                .filter(|r| valid(&with_check(&format!("{p}{r:04}19850312042"))))
                .count() as u64
        };
        let region_codes = regions(province);
        assert_eq!(region_codes, 9_999, "every four digits but 0000");
        let provinces: Vec<String> = (10..100)
            .map(|p| p.to_string())
            .filter(|p| valid(&with_check(&format!("{p}010619850312042"))))
            .collect();
        assert_eq!(provinces.len(), 31, "the mainland's");
        assert!(provinces.iter().all(|p| regions(p) == region_codes));
        // A residence permit's first two characters name its one address code: shown,
        // they would leave a thousand numbers to a prober who knows the birth date. The
        // mask shows none of its characters.
        for p in ["81", "82", "83"] {
            assert_eq!(regions(p), 1, "{p}0000 only");
            let permit = with_check(&format!("{p}000019850312042"));
            assert!(valid(&permit));
            assert_eq!(mask(MaskStyle::Id, &permit), "*".repeat(18));
        }
        assert_eq!(regions("71"), 0, "Taiwan residents hold 830000 permits");

        // Birth dates from 1900 to today, every one a calendar date the check accepts.
        let mut birth_dates = 0u64;
        let mut d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while d <= today {
            let body = format!("330106{:04}{:02}{:02}042", d.year(), d.month(), d.day());
            assert!(valid(&with_check(&body)), "{d}");
            birth_dates += 1;
            d = d.succ_opt().unwrap();
        }
        assert_eq!(birth_dates, 46_081);
        assert!(
            !valid(&with_check("330106202603020042")),
            "no birth after today"
        );

        // Sequences: every one, each with exactly one check character of eleven.
        let sequences = (0..1000)
            .filter(|s| {
                let body = format!("33010619850312{s:03}");
                let checks = "0123456789X"
                    .chars()
                    .filter(|c| valid(&format!("{body}{c}")))
                    .count();
                assert_eq!(checks, 1, "{body}");
                true
            })
            .count() as u64;
        assert_eq!(sequences, 1_000);

        let candidates = region_codes * birth_dates * sequences;
        let knowing_birth_date = region_codes * sequences;
        let knowing_sex_too = region_codes * sequences / 2;
        println!("{shown}: {candidates} valid resident ids");
        println!("  knowing the birth date: {knowing_birth_date}; and the sex: {knowing_sex_too}");
        assert_eq!(candidates, 460_763_919_000);
        assert_eq!(knowing_birth_date, 9_999_000);
        assert_eq!(knowing_sex_too, 4_999_500);

        // The old mask (330106**********23) knew the region, the sequence's last digit and
        // the check character: with the birth date, a handful remained.
        let old = |birth: &str| {
            (0..100)
                .filter(|s| with_check(&format!("330106{birth}{s:02}2")).ends_with('3'))
                .count() as u64
        };
        let old_knowing_birth_date = old("19850312");
        let mut old_candidates = 0u64;
        let mut d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while d <= today {
            old_candidates += old(&format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()));
            d = d.succ_opt().unwrap();
        }
        println!(
            "330106**********23 (before): {old_candidates}; knowing the birth date: {old_knowing_birth_date}"
        );
        assert_eq!(old_candidates, 418_916);
        assert_eq!(old_knowing_birth_date, 9);
    }
}

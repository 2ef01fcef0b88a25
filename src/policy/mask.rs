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
        // At most the first 6 and the last 2 characters (110105**********1X).
        MaskStyle::Id => {
            if chars.len() >= 12 {
                keep_ends(&chars, 6, 2)
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
            "110105**********2X"
        );
        assert_eq!(mask(MaskStyle::Name, "张三丰"), "张**");
        assert_eq!(mask(MaskStyle::Name, "李四"), "李*");
        assert_eq!(
            mask(MaskStyle::Address, "北京市朝阳区建国路88号"),
            "北京市朝阳区****"
        );
        assert_eq!(mask(MaskStyle::Address, "广州市天河路1号"), "广州市****");
        assert_eq!(mask(MaskStyle::Full, "secret"), "****");
    }
}

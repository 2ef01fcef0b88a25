//! CSV cells a spreadsheet opens as text, never as a formula ("CSV injection", as OWASP
//! describes it): a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return —
//! or the full-width `＝`, `＋`, `－`, `＠` Chinese input methods type, which spreadsheets
//! in East Asian locales read the same way — is written with a leading `'`. Import takes
//! that quote off again, so an export re-imports to exactly the values it holds.
//!
//! A cell that is a plain number (`-5.00`, `+86`, `-12`) is left as it is: a number is
//! never a formula, and a negative amount stays a number in the spreadsheet.

use std::borrow::Cow;

/// What a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A value as a CSV cell: unprintable characters escaped (`\x1b`, `\u{202e}`; a line
/// break as `\n`), and a would-be formula quoted.
pub fn to_cell(value: &str) -> Cow<'_, str> {
    let text = crate::text::escape(value);
    if !quoted(&text) || is_number(&text) {
        return text;
    }
    Cow::Owned(format!("'{text}"))
}

/// A CSV cell as the value it holds: the quote `to_cell` put before a would-be formula
/// taken off. Text starting with quotes before a formula character had one more added,
/// so exactly one comes off and the value's own stay.
pub fn from_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if quoted(cell) => rest,
        _ => cell,
    }
}

/// Whether a formula character starts `text`, once any quotes before it are passed.
fn quoted(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// Whether `text` is a plain decimal number: a sign, digits, and a fraction.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn would_be_formulas_are_quoted_and_numbers_left_alone() {
        for (value, cell) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("＝1+1", "'＝1+1"),
            ("'=x", "''=x"),
            ("-", "'-"),
            ("\t=x", "\\t=x"),
            ("a\u{202e}b", "a\\u{202e}b"),
            ("-5.00", "-5.00"),
            ("+86", "+86"),
            ("-12", "-12"),
            ("0571-86005678", "0571-86005678"),
            ("2026-03-01", "2026-03-01"),
            ("张三丰", "张三丰"),
            ("'quoted'", "'quoted'"),
            ("", ""),
        ] {
            assert_eq!(to_cell(value), cell, "{value}");
        }
        for not in ["-5.", "-.5", "1e5", "--5", "+", "5.0.0"] {
            assert!(!is_number(not), "{not}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_cell_reads_back_as_its_value(value in "['=+\\-@＝＋a-c0-9. ]{0,8}") {
            let cell = to_cell(&value);
            proptest::prop_assert_eq!(from_cell(&cell), value.as_str());
        }
    }
}

//! Text typed by users (field values, reasons, comments, purposes) is one line of plain
//! text: control characters are refused where a value cannot hold them and shown escaped
//! everywhere else, so no value can fake a line of `log`, `history` or `show` or drive
//! the terminal.

use std::borrow::Cow;

/// Whether `c` is a control character: C0 (tab and line breaks included), DEL or C1.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// The first control character in `s`: its 1-based position and a description.
pub fn first_control(s: &str) -> Option<(usize, String)> {
    s.chars()
        .position(is_control)
        .map(|i| (i + 1, describe(s.chars().nth(i).expect("found"))))
}

fn describe(c: char) -> String {
    let name = match c {
        '\n' | '\r' => t!("text-line-break"),
        '\t' => t!("text-tab"),
        '\u{1b}' => t!("text-escape-sequence"),
        '\0' => " (NUL)".to_string(),
        _ => String::new(),
    };
    format!("U+{:04X}{name}", c as u32)
}

/// The message for a value holding a control character, if it does.
pub fn refuse_control(s: &str) -> Option<String> {
    first_control(s)
        .map(|(at, what)| t!("text-contains-control-character-at", what = what, at = at))
}

/// Full-width forms (what Chinese input methods type: `１３８`, `２０２６－０３－０１`, `Ｘ`)
/// as the ASCII they stand for, and the ideographic space as a space.
pub fn narrow(s: &str) -> Cow<'_, str> {
    let wide = |c: char| ('\u{ff01}'..='\u{ff5e}').contains(&c) || c == '\u{3000}';
    if !s.chars().any(wide) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                c if wide(c) => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                c => c,
            })
            .collect(),
    )
}

/// An identifier (an identity number, a credit code, a passport number) as it is checked,
/// compared and stored, however it was typed: full-width forms narrowed, blanks and
/// hyphens dropped, letters in upper case. `110105 19491231 002x`, `110105-19491231-002X`
/// and `１１０１０５１９４９１２３１００２Ｘ` are all `11010519491231002X`.
pub fn compact_identifier(s: &str) -> String {
    let hyphen = |c: char| matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}');
    narrow(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !hyphen(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Text as placeholders are compared: full width narrowed, only letters and digits kept
/// (blanks and punctuation dropped), ASCII letters in lower case. `Ｎ／Ａ`, `n/a` and `NA`
/// are one placeholder; so are `无` and `无。`.
pub fn placeholder_key(s: &str) -> String {
    narrow(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `text` is one of `placeholders` (a word standing in for a value: 无, 待定, N/A).
pub fn is_placeholder(text: &str, placeholders: &[String]) -> bool {
    // The placeholders' keys, made once per list: this runs for every text value of every
    // record a replay judges.
    thread_local! {
        static KEYS: std::cell::RefCell<(Vec<String>, std::collections::HashSet<String>)> =
            Default::default();
    }
    let key = placeholder_key(text);
    if key.is_empty() {
        return false;
    }
    KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != placeholders {
            *cache = (
                placeholders.to_vec(),
                placeholders.iter().map(|p| placeholder_key(p)).collect(),
            );
        }
        cache.1.contains(&key)
    })
}

/// The candidate `word` was most likely meant to be, if one is close enough: for "did you
/// mean …" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Close means a few keystrokes away: a third of the word's length, at least one.
    let word = word.to_lowercase();
    let allowed = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// A hint naming the closest candidate, else listing them all.
pub fn suggest(word: &str, what: &str, candidates: &[&str]) -> String {
    match closest(word, candidates.iter().copied()) {
        Some(c) => t!(
            "text-did-you-mean",
            c = c,
            what = what,
            join = candidates.join(", ")
        ),
        None => format!("{what}: {}", candidates.join(", ")),
    }
}

/// `s` with every control character written as an escape (`\n`, `\t`, `\x1b`, `\u{85}`).
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_control(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A name docket gives something (an action, a status, …) as people read it: the
/// catalogue's `GROUP-NAME`, or the name itself.
pub fn catalogued(group: &str, name: &str) -> String {
    crate::i18n::lookup_in(crate::i18n::current(), &format!("{group}-{name}"))
        .unwrap_or_else(|| name.to_string())
}

/// An audit action (`approve`, `archive`, …) as people read it.
pub fn action(name: &str) -> String {
    catalogued("action", name)
}

/// A record's status (`pending`, `active`, …) as people read it.
pub fn status(name: &str) -> String {
    catalogued("status", name)
}

/// An approval decision (`approved`, `rejected`) as people read it.
pub fn decision(decision: &str) -> String {
    match decision {
        "approved" => t!("decision-approved"),
        "rejected" => t!("decision-rejected"),
        other => other.to_string(),
    }
}

/// How messages name a department: `department `hangzhou``, or the centre for none.
pub fn department_name(department: Option<&str>) -> String {
    match department {
        Some(d) => t!("text-department", department = d),
        None => t!("about-centre"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_are_narrowed() {
        assert_eq!(narrow("１３８１２３４１２３４"), "13812341234");
        assert_eq!(narrow("２０２６－０３－０１"), "2026-03-01");
        assert_eq!(
            narrow("１１０１０５１９４９１２３１００２Ｘ"),
            "11010519491231002X"
        );
        assert_eq!(narrow("北京"), "北京");
    }

    #[test]
    fn identifiers_are_compacted() {
        for typed in [
            "11010519491231002X",
            "11010519491231002x",
            "110105 19491231 002X",
            "110105-19491231-002x",
            " 110105\u{3000}19491231\u{2014}002X ",
            "１１０１０５１９４９１２３１００２ｘ",
        ] {
            assert_eq!(compact_identifier(typed), "11010519491231002X", "{typed}");
        }
        assert_eq!(compact_identifier("e1234 5678"), "E12345678");
    }

    #[test]
    fn placeholders_match_whatever_their_width_case_and_punctuation() {
        let list: Vec<String> = ["无", "N/A", "TBD", "待定"].map(String::from).to_vec();
        for yes in [
            "无",
            " 无 ",
            "无。",
            "n/a",
            "NA",
            "Ｎ／Ａ",
            "ｔｂｄ",
            "T.B.D.",
            "待定！",
        ] {
            assert!(is_placeholder(yes, &list), "{yes}");
        }
        for no in ["无锡路1号", "NAN", "", "-", "待定价格", "TBD1"] {
            assert!(!is_placeholder(no, &list), "{no}");
        }
    }

    #[test]
    fn the_closest_candidate_is_suggested() {
        let kinds = ["customer", "installation", "take-or-pay"];
        assert_eq!(closest("custmer", kinds), Some("customer"));
        assert_eq!(closest("Installaton", kinds), Some("installation"));
        assert_eq!(closest("zzz", kinds), None);
        assert_eq!(closest("janitor", ["auditor", "admin"]), None);
        assert_eq!(
            suggest("custmer", "kinds", &kinds),
            "did you mean `customer`? (kinds: customer, installation, take-or-pay)"
        );
    }

    #[test]
    fn control_characters_are_found_and_escaped() {
        assert_eq!(first_control("plain 文本"), None);
        assert_eq!(
            first_control("fix\n40"),
            Some((4, "U+000A (a line break)".into()))
        );
        assert_eq!(escape("a\nb\x1b[2J\u{85}\t"), "a\\nb\\x1b[2J\\u{85}\\t");
        assert_eq!(escape("北京"), "北京");
        assert!(refuse_control("x\0").unwrap().contains("U+0000 (NUL)"));
    }
}

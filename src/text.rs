//! Text typed by users (field values, reasons, comments, purposes) is plain text that
//! shows what it holds: control characters, and the characters that render as nothing or
//! turn the direction of the text around them, are refused where a value cannot hold
//! them and shown escaped everywhere else, so no value can fake a line of `log`,
//! `history` or `show`, drive the terminal, or read differently from what it holds
//! (`invoice\u{202e}fdp.exe` showing as `invoiceexe.pdf`).

use std::borrow::Cow;

/// Whether `c` is a control character: C0 (tab and line breaks included), DEL or C1.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Why a character does not show as itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unprintable {
    /// A control character, or the line and paragraph separators (U+2028, U+2029) that
    /// break a line as `\n` does.
    Control,
    /// A bidirectional control: marks, embeddings, overrides and isolates (U+061C,
    /// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which reorder the text around them.
    Direction,
    /// A character that renders as nothing: zero-width spaces and joiners, word joiner
    /// and invisible operators, the byte-order mark, the soft hyphen, fillers, tags.
    Invisible,
}

/// What kind of unprintable character `c` is, if it is one.
///
/// Invisible means Unicode's default-ignorable code points (what a font draws as
/// nothing) and the interlinear annotation controls, except the variation selectors:
/// those pick a glyph of the ideograph before them, as some Chinese names need, and show
/// no text of their own.
pub fn unprintable(c: char) -> Option<Unprintable> {
    match c {
        // Most text is printable ASCII: every replay checks every stored value.
        ' '..='~' => None,
        c if is_control(c) => Some(Unprintable::Control),
        '\u{2028}' | '\u{2029}' => Some(Unprintable::Control),
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Some(Unprintable::Direction),
        '\u{00ad}'
        | '\u{034f}'
        | '\u{115f}'
        | '\u{1160}'
        | '\u{17b4}'
        | '\u{17b5}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200d}'
        | '\u{2060}'..='\u{2065}'
        | '\u{206a}'..='\u{206f}'
        | '\u{3164}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fffb}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e00ff}'
        | '\u{e01f0}'..='\u{e0fff}' => Some(Unprintable::Invisible),
        _ => None,
    }
}

/// Whether `c` does not show as itself: a control, direction or invisible character.
pub fn is_unprintable(c: char) -> bool {
    unprintable(c).is_some()
}

/// The first unprintable character in `s`: its 1-based position and the character.
pub fn first_unprintable(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|(_, c)| is_unprintable(*c))
        .map(|(i, c)| (i + 1, c))
}

/// `U+202E (a text direction control)`: a character as messages name it.
fn describe(c: char) -> String {
    let name = match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => t!("text-line-break"),
        '\t' => t!("text-tab"),
        '\u{1b}' => t!("text-escape-sequence"),
        '\0' => " (NUL)".to_string(),
        '\u{00ad}' => t!("text-soft-hyphen"),
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => t!("text-zero-width"),
        c if unprintable(c) == Some(Unprintable::Direction) => t!("text-direction-control"),
        _ => String::new(),
    };
    format!("U+{:04X}{name}", c as u32)
}

/// The message for a value holding an unprintable character, if it does.
pub fn refuse_unprintable(s: &str) -> Option<String> {
    let (at, c) = first_unprintable(s)?;
    let what = describe(c);
    Some(match unprintable(c) {
        Some(Unprintable::Control) => {
            t!("text-contains-control-character-at", what = what, at = at)
        }
        _ => t!("text-contains-invisible-character-at", what = what, at = at),
    })
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

/// `s` with every unprintable character written as an escape (`\n`, `\t`, `\x1b`,
/// `\u{85}`, `\u{202e}`), for people: tables, messages, text on a terminal.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && is_control(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_unprintable(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
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
        assert_eq!(first_unprintable("plain 文本"), None);
        assert_eq!(first_unprintable("fix\n40"), Some((4, '\n')));
        assert_eq!(describe('\n'), "U+000A (a line break)");
        assert_eq!(escape("a\nb\x1b[2J\u{85}\t"), "a\\nb\\x1b[2J\\u{85}\\t");
        assert_eq!(escape("北京"), "北京");
        assert!(refuse_unprintable("x\0").unwrap().contains("U+0000 (NUL)"));
    }

    #[test]
    fn direction_and_invisible_characters_are_found_and_escaped() {
        for (c, kind) in [
            ('\u{202e}', Unprintable::Direction),
            ('\u{2066}', Unprintable::Direction),
            ('\u{200f}', Unprintable::Direction),
            ('\u{061c}', Unprintable::Direction),
            ('\u{2028}', Unprintable::Control),
            ('\u{2029}', Unprintable::Control),
            ('\u{200b}', Unprintable::Invisible),
            ('\u{200d}', Unprintable::Invisible),
            ('\u{2060}', Unprintable::Invisible),
            ('\u{2064}', Unprintable::Invisible),
            ('\u{feff}', Unprintable::Invisible),
            ('\u{00ad}', Unprintable::Invisible),
            ('\u{3164}', Unprintable::Invisible),
            ('\u{e0041}', Unprintable::Invisible),
        ] {
            assert_eq!(unprintable(c), Some(kind), "U+{:04X}", c as u32);
        }
        // Variation selectors choose a glyph of the ideograph before them; full-width
        // forms, the ideographic space and the middle dot of names show as themselves.
        for c in ['\u{fe00}', '\u{e0100}', '\u{3000}', '·', '葛', 'Ａ', ' '] {
            assert_eq!(unprintable(c), None, "U+{:04X}", c as u32);
        }
        assert_eq!(
            escape("invoice\u{202e}fdp.exe\u{200b}"),
            "invoice\\u{202e}fdp.exe\\u{200b}"
        );
        assert_eq!(first_unprintable("ab\u{2028}"), Some((3, '\u{2028}')));
        assert_eq!(describe('\u{202e}'), "U+202E (a text direction control)");
        assert_eq!(describe('\u{feff}'), "U+FEFF (a zero-width character)");
        assert_eq!(describe('\u{00ad}'), "U+00AD (a soft hyphen)");
        assert_eq!(describe('\u{2029}'), "U+2029 (a line break)");
        assert_eq!(describe('\u{3164}'), "U+3164");
    }
}

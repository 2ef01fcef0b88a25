//! Data formats escaped in their own syntax. serde_json escapes only C0 controls, and the
//! TOML writer only ASCII ones: DEL, C1, direction and invisible characters (see
//! `text::unprintable`) would reach a terminal or an editor raw, and `text::escape`'s
//! `\u{202e}` is no escape either format reads. Here every such character becomes the
//! format's own `\uXXXX`, so the output is safe to show and parses back to exactly the
//! same strings.

use crate::text::is_unprintable;
use std::borrow::Cow;
use std::fmt::Write;

/// JSON text (as serde_json writes it) with every unprintable character in its strings
/// escaped as `\uXXXX` (a surrogate pair beyond U+FFFF).
pub fn json(text: &str) -> Cow<'_, str> {
    // serde_json escapes C0 controls inside strings, so a raw one is the layout's own
    // whitespace, outside any string: left as it is.
    let needs = |c: char| is_unprintable(c) && c >= ' ';
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// TOML text (as the `toml` crate writes it: no comments) with every string that holds
/// an unprintable character — a multi-line string's line breaks included — rewritten as a
/// one-line basic string with escapes.
pub fn toml(text: &str) -> Cow<'_, str> {
    if !text.contains(['"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Outside strings, TOML written without comments holds no quote: each one found
    // opens a string (a value or a quoted key).
    while let Some(start) = rest.find(['"', '\'']) {
        out.push_str(&rest[..start]);
        let string = TomlString::read(&rest[start..]);
        if string.body.chars().any(is_unprintable) {
            string.write_basic(&mut out);
        } else {
            out.push_str(&rest[start..start + string.len]);
        }
        rest = &rest[start + string.len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One string of TOML text: its body between the delimiters and how long it is.
struct TomlString<'a> {
    body: &'a str,
    len: usize,
    /// A basic string (`"…"`, `"""…"""`): its body holds escapes.
    basic: bool,
}

impl<'a> TomlString<'a> {
    /// The string at the start of `s`, which starts with its opening quote.
    fn read(s: &'a str) -> TomlString<'a> {
        let quote = s.as_bytes()[0];
        let basic = quote == b'"';
        let multi = s.len() >= 3 && s.as_bytes()[..3] == [quote; 3];
        let open = if multi { 3 } else { 1 };
        let bytes = s.as_bytes();
        let mut i = open;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if basic => i += 2,
                b if b == quote && !multi => {
                    return TomlString {
                        body: &s[open..i],
                        len: i + 1,
                        basic,
                    };
                }
                b if b == quote && bytes[i..].starts_with(&[quote; 3]) => {
                    // A multi-line string may end with one or two quotes of its own just
                    // before the closing three.
                    let run = bytes[i..].iter().take_while(|b| **b == quote).count();
                    let body = &s[open..i + run - 3];
                    // The line break right after the opening quotes is not part of it.
                    let body = body
                        .strip_prefix("\r\n")
                        .or_else(|| body.strip_prefix('\n'))
                        .unwrap_or(body);
                    return TomlString {
                        body,
                        len: i + run,
                        basic,
                    };
                }
                _ => i += 1,
            }
        }
        // Unterminated: not TOML the writer makes; kept whole as it is.
        TomlString {
            body: "",
            len: s.len(),
            basic,
        }
    }

    /// The string as a one-line basic string, every unprintable character escaped.
    fn write_basic(&self, out: &mut String) {
        out.push('"');
        let mut chars = self.body.chars();
        while let Some(c) = chars.next() {
            match c {
                // A basic string's own escapes stay as they are.
                '\\' if self.basic => {
                    out.push('\\');
                    out.extend(chars.next());
                }
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if is_unprintable(c) && (c as u32) <= 0xffff => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c if is_unprintable(c) => {
                    let _ = write!(out, "\\U{:08X}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRICKY: [&str; 8] = [
        "invoice\u{202e}fdp.exe",
        "a\nb \"quoted\" c:\\path",
        "it's \u{200b}here\u{feff}",
        "two\u{2028}lines\u{85}\u{7f}",
        "'''\u{2066}''",
        "\"\"\u{2067}\"",
        "tag\u{e0041}",
        "plain 北京",
    ];

    /// Whether `text` could still be shown raw: an unprintable character other than the
    /// layout's line breaks and spaces.
    fn raw(text: &str) -> bool {
        text.chars().any(|c| is_unprintable(c) && c != '\n')
    }

    #[test]
    fn json_escapes_what_serde_leaves_and_parses_back_the_same() {
        for s in TRICKY {
            let v = serde_json::json!({ "k": s, "list": [s, s] });
            let text = serde_json::to_string_pretty(&v).unwrap();
            let safe = json(&text);
            assert!(!raw(&safe), "{safe}");
            assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
        }
        assert_eq!(json("\"a\u{202e}b\""), "\"a\\u202eb\"");
        assert_eq!(json("\"\u{e0041}\""), "\"\\udb40\\udc41\"");
        assert!(matches!(json("{\n  \"a\": 1\n}"), Cow::Borrowed(_)));
    }

    #[test]
    fn toml_strings_become_one_line_basic_strings_and_parse_back_the_same() {
        let table = |s: &str| {
            let mut t = toml::Table::new();
            t.insert("k".into(), s.into());
            t.insert("list".into(), toml::Value::Array(vec![s.into(), s.into()]));
            let mut inner = toml::Table::new();
            inner.insert(s.into(), s.into());
            t.insert("inner".into(), inner.into());
            t
        };
        let one_line = toml::to_string(&table("x")).unwrap();
        for s in TRICKY {
            let t = table(s);
            let text = toml::to_string(&t).unwrap();
            let safe = toml(&text);
            assert!(!raw(&safe), "{safe}");
            // One line per value, as a value without line breaks takes.
            assert_eq!(safe.lines().count(), one_line.lines().count(), "{safe}");
            assert_eq!(safe.parse::<toml::Table>().unwrap(), t, "{text}\n{safe}");
        }
        assert_eq!(toml("k = 'a\u{202e}b'\n"), "k = \"a\\u202Eb\"\n");
        assert_eq!(toml("k = 'C:\\x'\n"), "k = 'C:\\x'\n");
    }

    proptest::proptest! {
        #[test]
        fn any_string_comes_back_the_same_and_never_raw(
            s in "[a-z '\"\\\\\n\r\t\u{7f}\u{85}\u{200b}\u{202e}\u{2028}\u{feff}\u{e0041}北]{0,16}"
        ) {
            let mut t = toml::Table::new();
            t.insert("k".into(), s.as_str().into());
            t.insert("list".into(), toml::Value::Array(vec![s.as_str().into()]));
            let mut inner = toml::Table::new();
            inner.insert(s.clone(), 1.into());
            t.insert("inner".into(), inner.into());
            let safe = toml(&toml::to_string(&t).unwrap()).into_owned();
            proptest::prop_assert!(!raw(&safe), "{}", safe);
            proptest::prop_assert_eq!(safe.parse::<toml::Table>().unwrap(), t);
            let v = serde_json::json!({ s.clone(): s });
            let safe = json(&serde_json::to_string_pretty(&v).unwrap()).into_owned();
            proptest::prop_assert!(!raw(&safe), "{}", safe);
            proptest::prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
        }
    }
}

//! Record ids: `<PREFIX>-<YYYY>-<NNNNNN>` numbered per kind and year, and the safety check
//! for ids and names given by users (never a path separator, `.` or `..`).

/// `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`
pub fn is_safe_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// The site an id was numbered at: `HZ` for `CUS-HZ-2026-000001`, none for an id of
/// the first site (`CUS-2026-000001`) or of another shape.
pub fn site_of_id(id: &str) -> Option<&str> {
    let parts: Vec<&str> = id.split('-').collect();
    match parts[..] {
        [_, site, year, _] if year.len() == 4 => Some(site),
        _ => None,
    }
}

/// An actor's name: letters of any script (`王芳`, `wang.fang`), digits, `.`, `_`, `-`,
/// starting with a letter or digit, at most 64 characters. ASCII letters are never mixed
/// with letters of another script, so `wаng.fang` with a Cyrillic `а` cannot pass for
/// `wang.fang` in the log.
pub fn is_actor_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(char::is_alphanumeric);
    let ascii = name.chars().any(|c| c.is_ascii_alphabetic());
    let other = name
        .chars()
        .any(|c| c.is_alphabetic() && !c.is_ascii_alphabetic());
    first_ok
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !(ascii && other)
}

/// The registered name that `name` could be mistaken for: the same but for case, or for
/// characters that look alike (`Alice`, `alice`, Cyrillic `аlісе`), by the confusable
/// skeletons of Unicode's UTS #39. Two actors whose names read the same on a screen could
/// stand in for each other in `log`, `pending` and every review.
pub fn looks_like<'a>(
    name: &str,
    registered: impl IntoIterator<Item = &'a String>,
) -> Option<&'a String> {
    let skeleton = |n: &str| -> String {
        unicode_security::skeleton(&n.to_lowercase())
            .collect::<String>()
            .to_lowercase()
    };
    let mine = skeleton(name);
    registered
        .into_iter()
        .find(|other| other.as_str() != name && skeleton(other) == mine)
}

/// What ids of `prefix` in `year` begin with (`CUS-2026-`).
pub fn id_stem(prefix: &str, year: i32) -> String {
    format!("{prefix}-{year}-")
}

/// An id split into its stem and number (`CUS-2026-`, 12), if it is numbered.
pub fn numbered(id: &str) -> Option<(&str, u32)> {
    let at = id.rfind('-')? + 1;
    let n = id[at..].parse().ok()?;
    Some((&id[..at], n))
}

/// The id after number `last` under `stem`.
pub fn after(stem: &str, last: u32) -> String {
    format!("{stem}{:06}", last + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_names() {
        for good in ["wang.fang", "王芳", "李-2", "ваня"] {
            assert!(is_actor_name(good), "{good}");
        }
        for bad in [
            "",
            ".x",
            "a/b",
            "a b",
            "wаng.fang",
            "王fang",
            &"x".repeat(65),
        ] {
            assert!(!is_actor_name(bad), "{bad}");
        }
    }

    #[test]
    fn names_that_read_the_same_are_found() {
        let registered = ["alice".to_string(), "wang.fang".to_string()];
        for same in [
            "Alice",
            "ALICE",
            "аlice",
            "аlісе",
            "wang.fang",
            "Wang.Fang",
            "wang.fаng",
        ] {
            let found = looks_like(same, &registered);
            assert!(
                found.is_some() || registered.contains(&same.to_string()),
                "{same}"
            );
        }
        for other in ["alicia", "bob", "wang.fan", "li.na"] {
            assert_eq!(looks_like(other, &registered), None, "{other}");
        }
    }

    #[test]
    fn unsafe_ids() {
        assert!(is_safe_id("INS-2026-000001"));
        assert!(is_safe_id("C0000001"));
        for bad in ["", "../x", "a/b", ".", "..", ".hidden", "a\\b", "x y"] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }

    #[test]
    fn numbering() {
        assert_eq!(numbered("INS-2026-000002"), Some(("INS-2026-", 2)));
        assert_eq!(numbered("INS-2026-x"), None);
        assert_eq!(after(&id_stem("INS", 2027), 0), "INS-2027-000001");
        assert_eq!(after("INS-2026-", 999_999), "INS-2026-1000000");
    }
}

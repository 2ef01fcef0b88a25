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

/// The next id for `prefix` in `year`, after the highest existing one.
pub fn next_id<'a>(prefix: &str, year: i32, existing: impl Iterator<Item = &'a String>) -> String {
    let stem = format!("{prefix}-{year}-");
    let max = existing
        .filter_map(|id| id.strip_prefix(&stem))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{stem}{:06}", max + 1)
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
    fn unsafe_ids() {
        assert!(is_safe_id("INS-2026-000001"));
        assert!(is_safe_id("C0000001"));
        for bad in ["", "../x", "a/b", ".", "..", ".hidden", "a\\b", "x y"] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }

    #[test]
    fn numbering() {
        let ids = ["INS-2026-000002".to_string(), "INS-2025-000009".to_string()];
        assert_eq!(next_id("INS", 2026, ids.iter()), "INS-2026-000003");
        assert_eq!(next_id("INS", 2027, ids.iter()), "INS-2027-000001");
    }
}

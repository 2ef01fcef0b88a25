//! Which site (office) this clone of the store writes as. Each clone names its site in
//! an untracked `.docket-site` file, never in git, so two offices sharing one store
//! through git each keep their own; a clone without one may read but not write.

use crate::error::{Error, IoContext, Result};
use crate::layout::{LogRoot, SITES_DIR, SiteLog};
use std::path::Path;

/// The untracked file naming this clone's site, at the store's root.
pub const SITE_FILE: &str = ".docket-site";

pub use crate::layout::is_site_code;

/// The usage error for a site code that is not one.
pub fn bad_code(code: &str) -> Error {
    Error::usage(
        t!("site-code-not-usable", code = code),
        Some(t!("site-code-shape").to_string()),
    )
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    site: String,
}

/// The site this clone writes as, if it has been made one.
pub fn of_clone(root: &Path) -> Result<Option<String>> {
    let path = root.join(SITE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    // The first site's code is whatever `init` was given, which earlier versions did not
    // check; it is matched against the store's sites by the caller.
    let plausible = |c: &str| !c.is_empty() && !c.chars().any(|ch| ch.is_whitespace() || ch == '/');
    match toml::from_str::<SiteFile>(&text) {
        Ok(f) if plausible(&f.site) => Ok(Some(f.site)),
        _ => Err(Error::usage(
            t!("site-file-unreadable", file = SITE_FILE),
            Some(t!("site-file-unreadable-hint").to_string()),
        )),
    }
}

/// The site this clone writes as, or why it may not write: it is not a site yet, or it
/// names a site this store does not have. `first`: the store's first site, as the policy
/// in force has it.
pub fn writing_as(root: &Path, first: &str) -> Result<String> {
    match of_clone(root)? {
        None => Err(Error::denied(
            t!("site-clone-not-a-site", file = SITE_FILE),
            Some(t!("site-clone-not-a-site-hint", first = first).to_string()),
        )),
        Some(code) if code == first || has_log(root, &code) => Ok(code),
        Some(code) => Err(Error::conflict(
            t!("site-unknown", code = code, file = SITE_FILE),
            Some(t!("site-unknown-hint", first = first).to_string()),
        )),
    }
}

/// Whether site `code` (not the first) has a log in the store.
pub fn has_log(root: &Path, code: &str) -> bool {
    is_site_code(code) && crate::audit::segments::exists(root, &LogRoot::of_site(code))
}

/// The store's logs: the first site's, then every other site's in `records/_sites/`, by
/// code. A folder there without a log, or whose name is no site code, holds no log
/// (`verify` names its files as strays).
pub fn logs(root: &Path, first: &str) -> Result<Vec<SiteLog>> {
    let mut out = vec![SiteLog::first(first)];
    let dir = root.join(SITES_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut codes: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|code| code != first && has_log(root, code))
        .collect();
    codes.sort();
    out.extend(codes.iter().map(|c| SiteLog::other(c)));
    Ok(out)
}

/// Name this clone's site: written whole to a temporary file, then renamed over.
pub fn write(root: &Path, code: &str) -> Result<()> {
    let path = root.join(SITE_FILE);
    let tmp = root.join(format!("{SITE_FILE}.tmp"));
    let text = format!(
        "# {}\nsite = \"{code}\"\n",
        t!("site-file-comment", file = SITE_FILE)
    );
    std::fs::write(&tmp, text).at(&tmp)?;
    std::fs::rename(&tmp, &path).at(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_codes_are_short_upper_case_words() {
        for good in ["MAIN", "HZ", "SH2", "ABCDEFGH"] {
            assert!(is_site_code(good), "{good}");
        }
        for bad in ["", "H", "hz", "2HZ", "ABCDEFGHI", "H-Z", "杭州"] {
            assert!(!is_site_code(bad), "{bad}");
        }
    }
}

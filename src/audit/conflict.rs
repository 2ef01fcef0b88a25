//! Two sites acting on one record between pulls: the act the merged order places second
//! is set aside, never lost and never applied, and the record stays in conflict until an
//! actor who may draft it settles it with a signed `resolve` that names what it keeps.

use serde::{Deserialize, Serialize};

/// An act on a record that another site's act had already moved on, kept aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    /// Its version file (`…/v0002.HZ.toml`) and that file's logged hash.
    pub path: String,
    pub sha256: String,
    pub version: u32,
    /// The site whose name the file carries; none: the first site.
    pub site: Option<String>,
    pub action: String,
    pub actor: String,
    pub time: String,
    /// Its place in the merged history.
    pub position: u64,
    /// The place of the `resolve` that settled it; none: still open.
    pub resolved: Option<u64>,
}

/// Which site a version file of a conflict was written at, as a user names it: its code,
/// the first site's for a file whose name carries none.
pub fn site_of<'a>(site: Option<&'a str>, first: &'a str) -> &'a str {
    site.unwrap_or(first)
}

/// The acts set aside on one record, in the order they were placed.
pub type SetAsides = Vec<SetAside>;

/// Whether any act set aside on the record is still unresolved.
pub fn is_open(set_aside: &[SetAside]) -> bool {
    set_aside.iter().any(|a| a.resolved.is_none())
}

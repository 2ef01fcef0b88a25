//! Two sites acting on one record between pulls: the act the merged order places second
//! is set aside, never lost and never applied, and the record stays in conflict until an
//! actor who may draft it settles it with a signed `resolve` that names what it keeps.

use super::entry::Entry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Its place in the merged history, and its entry's number in its own site's log.
    pub position: u64,
    pub line: u64,
    /// The place of the `resolve` that settled it; none: still open.
    pub resolved: Option<u64>,
}

impl SetAside {
    /// Whether the act set aside drafted terms (an amendment), which a resolve may keep.
    pub fn writes_terms(&self) -> bool {
        matches!(
            self.action.as_str(),
            "create" | "import" | "amend" | "resolve"
        )
    }
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

/// What the transaction whose entries a merged walk is placing had read: its site, and
/// how far it had read each other site's log, from its first entry's `seen`.
#[derive(Debug, Clone)]
pub struct TxnSeen {
    /// Its site's code and the first site's.
    site: String,
    first: String,
    seen: Option<BTreeMap<String, u64>>,
}

impl TxnSeen {
    pub fn new(site: &str, first: &str) -> TxnSeen {
        TxnSeen {
            site: site.to_string(),
            first: first.to_string(),
            seen: None,
        }
    }

    /// Note an entry of the transaction: the first one says what it had read.
    pub fn note(&mut self, e: &Entry) {
        if self.seen.is_none() {
            self.seen = Some(read_of(e));
        }
    }

    /// Whether the transaction (of which `e` is an entry) had read entry `line` of the
    /// log of the site a version file's name gives (`None`: the first site). Its own
    /// site's it had.
    pub fn had_read(&self, e: &Entry, site: Option<&str>, line: u64) -> bool {
        let code = site.unwrap_or(&self.first);
        if code == self.site {
            return true;
        }
        let read = match &self.seen {
            Some(seen) => seen.get(code).copied(),
            None => read_of(e).get(code).copied(),
        };
        read.is_some_and(|n| n >= line)
    }
}

/// How far an entry's `seen` says its site had read each other log.
fn read_of(e: &Entry) -> BTreeMap<String, u64> {
    e.seen
        .iter()
        .filter_map(|(site, v)| Some((site.clone(), v.split(' ').next()?.parse().ok()?)))
        .collect()
}

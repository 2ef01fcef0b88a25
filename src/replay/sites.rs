//! Replay of what only a store of several sites holds: a site's log opened by its first
//! entry, and the register and policy kept at the first site alone.

use super::{At, Replay};
use crate::audit::act::Act;
use crate::audit::entry::Entry;
use std::collections::{BTreeMap, HashMap};

/// What a merged replay knows of who could have known what.
#[derive(Default)]
pub(super) struct Causal {
    /// Where each record took its unique values: the site and the entry of its log.
    written: HashMap<Box<str>, (Box<str>, u64)>,
    /// How far the transaction being replayed had read each other site's log.
    seen: BTreeMap<String, u64>,
    /// The next entry is a transaction's first.
    starts: bool,
}

impl Causal {
    pub(super) fn next_transaction(&mut self) {
        self.starts = true;
    }

    /// Note a transaction's `seen` from its first entry.
    pub(super) fn entry(&mut self, e: &Entry) {
        if std::mem::take(&mut self.starts) {
            self.seen = e
                .seen
                .iter()
                .filter_map(|(site, v)| Some((site.clone(), v.split(' ').next()?.parse().ok()?)))
                .collect();
        }
    }
}

impl Replay {
    /// Note that the entry at `line` of the log being replayed gave `record` its unique
    /// values.
    pub(super) fn note_written(&mut self, record: &str, line: u64) {
        if let Some(sites) = &mut self.sites {
            let code: Box<str> = self.log.code.as_str().into();
            sites.written.insert(record.into(), (code, line));
        }
    }

    /// Whether the transaction being replayed could have known `record`'s unique values:
    /// given at its own site, or at a site whose log it had read that far.
    pub(super) fn had_seen(&self, record: &str) -> bool {
        let Some(sites) = &self.sites else {
            return true;
        };
        match sites.written.get(record) {
            Some((code, line)) if **code != *self.log.code => {
                sites.seen.get(&**code).is_some_and(|n| n >= line)
            }
            _ => true,
        }
    }

    /// A `site-open` entry must be the first of a site's own log, name that site and this
    /// store, and be written by someone who manages the register.
    pub(super) fn site_open(&mut self, at: &At, store: &str, site: &str) {
        let place_ok = !self.log.first && self.log.code == site && at.line == 1;
        if !place_ok {
            let m = t!("replay-site-open-out-of-place", site = site);
            self.problem(at.line, m);
        }
        let first = &self.store.config.store.site_code;
        if !at.entry.seen.contains_key(first) {
            let m = t!("replay-site-open-unread", first = first.as_str());
            self.problem(at.line, m);
        }
        if store != self.store.config.store.id {
            let m = t!("replay-site-open-other-store", store = store);
            self.problem(at.line, m);
        }
        let Some(policy) = self.policy(at.index, at.registry.policy) else {
            return;
        };
        let e = at.entry;
        if !policy.schemas.roles.permits(&e.role, "act:manage-actors") {
            let m = t!("replay-site-open-not-admin", actor = e.actor.as_str());
            self.problem(at.line, m);
        }
    }

    /// The register and the policy change at the first site only: every site judges its
    /// acts by the register it had seen of the first site's log.
    pub(super) fn register_at_first_site(&mut self, at: &At, act: &Act) {
        if !self.log.first {
            let m = t!(
                "replay-register-at-other-site",
                action = act.action(),
                site = self.log.code.as_str()
            );
            self.problem(at.line, m);
        }
    }
}

//! What the log says the store holds: the last logged hash of every file and the current
//! version of every record and actor. Built during the chain walk, or loaded from the
//! cache and brought up to date with the entries after it.

use super::entry::Entry;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordHead {
    pub kind: String,
    pub version: u32,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct LogIndex {
    /// path → sha256, for every file ever logged (files are immutable once written).
    pub files: HashMap<String, String>,
    /// record id → its current version.
    pub records: BTreeMap<String, RecordHead>,
    /// actor name → its current register version.
    pub actors: BTreeMap<String, u32>,
    /// Archive numbers assigned so far (R-C15).
    pub archive_numbers: Vec<String>,
    /// (kind, legacy number) → record id, for imports and references to legacy numbers.
    pub legacy: HashMap<(String, String), String>,
    /// Content fingerprint of an imported row → record id, to skip re-imports.
    pub fingerprints: HashMap<String, String>,
}

/// The folder under `records/` holding the staff register.
pub const ACTORS_DIR: &str = "_actors";

impl LogIndex {
    pub fn add(&mut self, entry: &Entry) {
        for f in &entry.files {
            self.files.insert(f.path.clone(), f.sha256.clone());
        }
        if let Some(n) = entry.detail.get("archive_number") {
            self.archive_numbers.push(n.clone());
        }
        if entry.record.is_empty() || entry.version == 0 {
            return;
        }
        let suffix = format!("/v{:04}.toml", entry.version);
        let Some(file) = entry.files.iter().find(|f| f.path.ends_with(&suffix)) else {
            return;
        };
        let kind = file.path.split('/').nth(1).unwrap_or_default().to_string();
        if kind == ACTORS_DIR {
            self.actors.insert(entry.record.clone(), entry.version);
            return;
        }
        if let Some(l) = entry.detail.get("legacy_no") {
            self.legacy
                .insert((kind.clone(), l.clone()), entry.record.clone());
        }
        if let Some(f) = entry.detail.get("fingerprint") {
            self.fingerprints.insert(f.clone(), entry.record.clone());
        }
        self.records.insert(
            entry.record.clone(),
            RecordHead {
                kind,
                version: entry.version,
            },
        );
    }
}

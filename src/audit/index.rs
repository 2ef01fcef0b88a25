//! What the log says the store holds: the current version of every record and actor with
//! its file's hash, and the hash of every other file ever logged (older versions,
//! attachments). Built during the chain walk, or loaded from the cache and brought up to
//! date with the entries after it.

use super::entry::Entry;
use crate::layout::{ACTORS_DIR, parse_policy_copy, parse_version_path};

/// The act that applies a policy version (and the record it is logged under).
pub const POLICY_ACT: &str = "policy";
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordHead {
    pub kind: String,
    pub version: u32,
    /// SHA-256 (hex) of the current version's file.
    pub sha256: String,
    /// The department the record was filed under when created (R-B2), as its signed
    /// entry says; none: the centre.
    pub department: Option<Arc<str>>,
    /// The record lives in one folder per kind, as stores made before records were
    /// sharded keep it (`layout::flat_record_dir`).
    pub flat: bool,
}

impl RecordHead {
    /// The record's folder, in the layout it was created in.
    pub fn dir(&self, id: &str) -> String {
        if self.flat {
            crate::layout::flat_record_dir(&self.kind, id)
        } else {
            crate::layout::record_dir(&self.kind, id)
        }
    }

    /// Where version `version` of the record lives.
    pub fn version_path(&self, id: &str, version: u32) -> String {
        format!("{}/v{version:04}.toml", self.dir(id))
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct LogIndex {
    /// path → sha256 of every logged file that is not a record's current version (files
    /// are immutable once written). Kept apart so a store of 100,000 single-version
    /// records carries 100,000 hashes, not 200,000 entries.
    pub other_files: HashMap<String, String>,
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
    /// Every applied policy version: source file (`schemas/customer.toml`) → the SHA-256
    /// of its copy in the store.
    pub policies: BTreeMap<u32, BTreeMap<String, String>>,
    /// The cache's `L` and `P` lines, not yet read into `legacy` and `fingerprints`: only
    /// imports need them (see `import_maps`), so other commands never pay for them.
    pub deferred: String,
    /// Each department name once, shared by the records filed under it.
    pub department_names: BTreeMap<String, Arc<str>>,
}

impl LogIndex {
    pub fn add(&mut self, entry: &Entry) {
        for f in &entry.files {
            let is_new_head = parse_version_path(&f.path).is_some_and(|(kind, id, v)| {
                kind != ACTORS_DIR && id == entry.record && v == entry.version
            });
            if !is_new_head {
                self.other_files.insert(f.path.clone(), f.sha256.clone());
            }
        }
        if entry.action == POLICY_ACT {
            let files = entry
                .files
                .iter()
                .filter_map(|f| {
                    let (_, source) = parse_policy_copy(&f.path)?;
                    Some((source.to_string(), f.sha256.clone()))
                })
                .collect();
            self.policies.insert(entry.version, files);
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
        // A record keeps the department it was created under.
        let department = match self.records.get(&entry.record) {
            Some(old) => old.department.clone(),
            None => entry.detail.get("department").map(|d| self.department(d)),
        };
        let head = RecordHead {
            kind,
            version: entry.version,
            sha256: file.sha256.clone(),
            department,
            flat: crate::layout::is_flat_version_path(&file.path),
        };
        if let Some(old) = self.records.insert(entry.record.clone(), head) {
            // The superseded version stays logged as an ordinary file.
            let path = old.version_path(&entry.record, old.version);
            self.other_files.insert(path, old.sha256);
        }
    }

    /// The shared name of department `name`.
    pub fn department(&mut self, name: &str) -> Arc<str> {
        self.department_names
            .entry(name.to_string())
            .or_insert_with(|| Arc::from(name))
            .clone()
    }

    /// Read the deferred legacy-number and fingerprint lines into their maps. Entries added
    /// since the cache was taken are newer and win.
    pub fn import_maps(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        for line in deferred.lines() {
            let mut f = line.split('\t');
            match (f.next(), f.next(), f.next(), f.next()) {
                (Some("L"), Some(kind), Some(legacy), Some(id)) => {
                    self.legacy
                        .entry((kind.to_string(), legacy.to_string()))
                        .or_insert_with(|| id.to_string());
                }
                (Some("P"), Some(fp), Some(id), None) => {
                    self.fingerprints
                        .entry(fp.to_string())
                        .or_insert_with(|| id.to_string());
                }
                _ => {}
            }
        }
    }

    /// The logged hash of a store file, if the log knows it.
    pub fn sha_of(&self, path: &str) -> Option<&str> {
        if let Some((kind, id, v)) = parse_version_path(path)
            && let Some(head) = self.records.get(id)
            && head.kind == kind
            && head.version == v
            && head.flat == crate::layout::is_flat_version_path(path)
        {
            return Some(&head.sha256);
        }
        self.other_files.get(path).map(String::as_str)
    }

    /// Every logged file and its hash.
    pub fn all_files(&self) -> impl Iterator<Item = (String, &str)> {
        let heads = self
            .records
            .iter()
            .map(|(id, h)| (h.version_path(id, h.version), h.sha256.as_str()));
        heads.chain(
            self.other_files
                .iter()
                .map(|(p, h)| (p.clone(), h.as_str())),
        )
    }
}

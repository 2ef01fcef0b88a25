//! Reading a store's logged files and checking each against the hash the verified log
//! holds for it: the part of an opened store that threads can share.

use crate::audit::{LogIndex, RecordHead};
use crate::error::{Error, InputError, Location, Result};
use crate::layout::sha256_hex;
use crate::schema::Schemas;
use crate::store::Store;
use crate::store::version::{Version, policy_of};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub fn unknown_id(id: &str) -> Error {
    InputError::new(Location::default(), t!("reader-no-record-store", id = id))
        .hint(t!("reader-list-records-docket-query"))
        .into()
}

/// Reads logged files and checks them against the log: the part of a session that
/// threads can share (the expression engine cannot be).
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    pub store: &'a Store,
    pub index: &'a LogIndex,
    /// The policy in force and its schemas.
    pub policy: u32,
    pub schemas: &'a Arc<Schemas>,
    pub policies: &'a Policies,
}

/// The schemas of earlier policy versions, read from their copies in the store when a
/// record written under them is read (R-C18).
#[derive(Default)]
pub struct Policies {
    loaded: Mutex<BTreeMap<u32, Arc<Schemas>>>,
}

impl Reader<'_> {
    /// The schemas of policy version `version`.
    pub fn schemas_at(&self, version: u32) -> Result<Arc<Schemas>> {
        if version == self.policy {
            return Ok(self.schemas.clone());
        }
        let mut loaded = self
            .policies
            .loaded
            .lock()
            .expect("no panics while loading");
        if let Some(s) = loaded.get(&version) {
            return Ok(s.clone());
        }
        let files = self.index.policies.get(&version).ok_or_else(|| {
            Error::integrity(
                crate::layout::LOG_NAME,
                t!("reader-record-names-policy-version", version = version),
            )
        })?;
        let schemas = Arc::new(crate::policy::applied::schemas_of(
            self.store, version, files,
        )?);
        loaded.insert(version, schemas.clone());
        Ok(schemas)
    }

    /// Read a store file and check it against the hash the log holds for it (exit 3).
    pub fn read_logged(&self, rel: &str) -> Result<Vec<u8>> {
        let expected = self
            .index
            .sha_of(rel)
            .ok_or_else(|| Error::integrity(rel, t!("reader-file-not-audit-log")))?;
        self.read_checked(rel, &expected)
    }

    /// Read a store file and check it against `expected`, the hash the log holds for it.
    fn read_checked(&self, rel: &str, expected: &str) -> Result<Vec<u8>> {
        let path = self.store.abs(rel);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::integrity(rel, t!("reader-file-logged-but-missing")));
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        if sha256_hex(&bytes) != expected {
            return Err(Error::integrity(rel, t!("applied-file-does-not-match")));
        }
        Ok(bytes)
    }

    /// A version of a record, checked against the log.
    pub fn load_version(&self, id: &str, version: u32) -> Result<Version> {
        let head = self.index.record(id).ok_or_else(|| unknown_id(id))?;
        self.version_of(id, &head, version)
    }

    /// A version of the record whose current version is `head`, checked against the log.
    pub fn version_of(&self, id: &str, head: &RecordHead, version: u32) -> Result<Version> {
        if version == 0 || version > head.version {
            return Err(InputError::new(
                Location::default(),
                t!(
                    "reader-record-has-versions-not",
                    id = id,
                    version2 = head.version,
                    version = version
                ),
            )
            .hint(t!("reader-docket-history-lists-versions", id = id))
            .into());
        }
        let (rel, bytes) = if version == head.version {
            let rel = head.file(id);
            let bytes = self.read_checked(&rel, &head.sha256)?;
            (rel, bytes)
        } else {
            let rel = self.older_path(id, head, version);
            let bytes = self.read_logged(&rel)?;
            (rel, bytes)
        };
        self.parse_version(&rel, bytes, &head.kind)
    }

    /// A version file at `rel` of a record of kind `kind`, checked against the log: one
    /// set aside by a conflict between sites, or the version a `resolve` keeps.
    pub fn version_at(&self, rel: &str, kind: &str) -> Result<Version> {
        let bytes = self.read_logged(rel)?;
        self.parse_version(rel, bytes, kind)
    }

    fn parse_version(&self, rel: &str, bytes: Vec<u8>, kind: &str) -> Result<Version> {
        let text =
            String::from_utf8(bytes).map_err(|_| Error::integrity(rel, t!("applied-not-utf")))?;
        // Read by the rules it was written under.
        let policy = policy_of(&text)
            .ok_or_else(|| Error::integrity(rel, t!("reader-version-names-no-policy")))?;
        let schemas = self.schemas_at(policy)?;
        let kind = schemas.kind(kind)?;
        Version::parse(rel, &text, kind).map_err(|e| Error::integrity(rel, e.to_string()))
    }

    /// Where an earlier version of a record lives: the file of that number the log holds
    /// and no conflict set aside, its name carrying the site that wrote it when that was
    /// not the first (`v0002.toml`, `v0002.HZ.toml`).
    fn older_path(&self, id: &str, head: &RecordHead, version: u32) -> String {
        let plain = head.version_path(id, version, None);
        let kept = |p: &str| self.index.sha_of(p).is_some() && !self.index.is_set_aside(p);
        if kept(&plain) {
            return plain;
        }
        // Written at another site: named after it. The sites are few; a shard holds a
        // thousand records' versions.
        let first = &self.store.config.store.site_code;
        let sites = crate::store::site::logs(&self.store.root, first).unwrap_or_default();
        sites
            .iter()
            .filter(|log| !log.first)
            .map(|log| head.version_path(id, version, Some(&log.code)))
            .find(|p| kept(p))
            .unwrap_or(plain)
    }
}

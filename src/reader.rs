//! Reading a store's logged files and checking each against the hash the verified log
//! holds for it: the part of an opened store that threads can share.

use crate::audit::LogIndex;
use crate::error::{Error, InputError, Location, Result};
use crate::layout::sha256_hex;
use crate::schema::Schemas;
use crate::store::Store;
use crate::store::version::Version;

pub fn unknown_id(id: &str) -> Error {
    InputError::new(
        Location::default(),
        format!("no record `{id}` in this store"),
    )
    .hint("list records with `docket query`")
    .into()
}

/// Reads logged files and checks them against the log: the part of a session that
/// threads can share (the expression engine cannot be).
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    pub store: &'a Store,
    pub index: &'a LogIndex,
    pub schemas: &'a Schemas,
}

impl Reader<'_> {
    /// Read a store file and check it against the hash the log holds for it (exit 3).
    pub fn read_logged(&self, rel: &str) -> Result<Vec<u8>> {
        let expected = self
            .index
            .sha_of(rel)
            .ok_or_else(|| Error::integrity(rel, "the file is not in the audit log"))?;
        let path = self.store.abs(rel);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::integrity(
                    rel,
                    "the file is logged but missing: restore it from git or a backup",
                ));
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        if sha256_hex(&bytes) != expected {
            return Err(Error::integrity(
                rel,
                "the file does not match the hash the audit log holds for it: it was changed outside docket",
            ));
        }
        Ok(bytes)
    }

    /// A version of a record, checked against the log.
    pub fn load_version(&self, id: &str, version: u32) -> Result<Version> {
        let head = self.index.records.get(id).ok_or_else(|| unknown_id(id))?;
        if version == 0 || version > head.version {
            return Err(InputError::new(
                Location::default(),
                format!(
                    "record `{id}` has versions 1 to {}, not {version}",
                    head.version
                ),
            )
            .into());
        }
        let kind = self.schemas.kind(&head.kind)?;
        let rel = crate::layout::version_path(&head.kind, id, version);
        let bytes = self.read_logged(&rel)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::integrity(&rel, "not UTF-8"))?;
        Version::parse(&rel, &text, kind).map_err(|e| Error::integrity(rel.clone(), e.to_string()))
    }
}

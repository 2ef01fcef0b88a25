//! Derived data, in this machine's state folder: the log index as of a checkpoint
//! (`index`) and the rows a query filters on (`rows`), both in one SQLite database beside
//! the witness. Rebuildable, never personal data, costing only speed when missing; and
//! out of the store folder, so nobody who can only write the store can forge them.
//! Unique values are kept as digests under this machine's cache key (`Caches`).

pub mod columns;
pub mod index;
pub mod rows;

use crate::layout::hex;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// This machine's key for digests of values a cache must compare but never hold.
#[derive(Clone)]
pub struct Caches {
    key: [u8; 32],
}

impl Caches {
    /// This machine's cache key; `None` without a state folder.
    pub fn open() -> Option<Caches> {
        let key = crate::witness::machine_key()?;
        Some(Caches { key })
    }

    /// A keyed digest of `parts`: what a cache keeps in place of a personal value it must
    /// compare but never show. Without this machine's key the digest says nothing.
    pub fn digest(key: Option<&Caches>, parts: &[&str]) -> String {
        let key = key.map(|c| c.key).unwrap_or_default();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
        for p in parts {
            mac.update(p.as_bytes());
            mac.update(&[0]);
        }
        hex(&mac.finalize().into_bytes()[..16])
    }
}

//! Derived data: the log index as of a checkpoint (`index`, in this machine's state
//! folder) and the rows a query filters on (`rows`, under `records/.cache/`, git-ignored).
//! Rebuildable, never personal data, costing only speed when missing. What lies in the
//! store folder is never believed unless sealed by this machine: each file carries an
//! HMAC under a key kept in this machine's state folder, bound to the store's id, so a
//! cache line forged by anyone who can write the store folder is simply rebuilt.

pub mod index;
pub mod rows;

use crate::layout::{CACHE_DIR, hex, sha256_hex};
use crate::store::Store;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::PathBuf;

/// This machine's caches of one store, and the key they are sealed with.
pub struct Caches {
    dir: PathBuf,
    store_id: String,
    key: [u8; 32],
    /// Names this machine's files apart from other machines' in a shared folder.
    tag: String,
}

impl Caches {
    /// The store's caches on this machine; `None` (no caches) without a state folder.
    pub fn open(store: &Store) -> Option<Caches> {
        let key = crate::witness::machine_key()?;
        Some(Caches {
            dir: store.root.join(CACHE_DIR),
            store_id: store.config.store.id.clone(),
            key,
            tag: sha256_hex(&key)[..8].to_string(),
        })
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

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}-{}", self.tag))
    }

    fn mac(&self, magic: &str, body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(self.store_id.as_bytes());
        mac.update(b"\n");
        mac.update(magic.as_bytes());
        mac.update(b"\n");
        mac.update(body);
        hex(&mac.finalize().into_bytes())
    }

    /// Replace a cache file with `magic`, its seal and `body`. Best effort: a failure here
    /// only costs speed later.
    pub fn write(&self, name: &str, magic: &str, body: &str) {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let target = self.path(name);
        let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let text = format!("{magic}\t{}\n{body}", self.mac(magic, body.as_bytes()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, target).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// A cache file whose seal holds: its whole text and where the body starts.
    pub fn read(&self, name: &str, magic: &str) -> Option<(String, usize)> {
        let text = std::fs::read_to_string(self.path(name)).ok()?;
        let (header, body) = text.split_once('\n')?;
        let (found, seal) = header.split_once('\t')?;
        if found != magic || seal != self.mac(magic, body.as_bytes()) {
            return None;
        }
        let start = header.len() + 1;
        Some((text, start))
    }

    /// The first line of a cache's body, unsealed: only to plan work the sealed file
    /// will then confirm. A cache of another format has none, so it is rewritten as
    /// soon as possible instead of being kept, unreadable, until it seems old enough.
    pub fn peek(&self, name: &str, magic: &str) -> Option<String> {
        use std::io::BufRead;
        let file = std::fs::File::open(self.path(name)).ok()?;
        let mut lines = std::io::BufReader::new(file).lines();
        let header = lines.next()?.ok()?;
        if header.split_once('\t')?.0 != magic {
            return None;
        }
        lines.next()?.ok()
    }
}

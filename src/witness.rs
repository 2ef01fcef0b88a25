//! This machine's memory of a store: the last head it verified (every signature up to it
//! checked) and the staff register at that head, kept outside the store and outside git
//! (`$XDG_STATE_HOME/docket/`, else `~/.local/state/docket/`), one file per store id and
//! folder. Every run checks that the log still extends it, so cutting entries from the
//! log's end or rewriting it is seen by the next run on any machine that saw them.

use crate::audit::Head;
use crate::audit::trust::Registry;
use crate::error::{Error, Result};
use crate::layout::sha256_hex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What this machine verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    pub store: String,
    pub root: String,
    pub entries: u64,
    pub len: u64,
    pub head: String,
    pub registry: Registry,
    /// The sealed segments of the log as verified here (trusted while unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<crate::audit::segments::SealedTrust>,
    /// In a store of several sites, the head verified of each other site's log (the
    /// fields above are the first site's).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sites: BTreeMap<String, Head>,
}

impl Witness {
    /// The head verified of `log`, if this machine has read it.
    pub fn head_of(&self, log: &crate::layout::SiteLog) -> Option<Head> {
        match log.first {
            true => Some(self.head()),
            false => self.sites.get(&log.code).cloned(),
        }
    }

    pub fn head(&self) -> Head {
        Head {
            entries: self.entries,
            hash: self.head.clone(),
            len: self.len,
        }
    }
}

/// The state folder: `$XDG_STATE_HOME/docket`, else `~/.local/state/docket`.
pub fn state_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("docket"))
}

/// This machine's key for sealing caches, made on first use and readable by its owner
/// only; `None` without a state folder (then nothing is cached).
pub fn machine_key() -> Option<[u8; 32]> {
    use ssh_key::rand_core::{OsRng, RngCore};
    use std::os::unix::fs::OpenOptionsExt;
    let dir = state_dir()?;
    let path = dir.join("cache-key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return decode_key(text.trim());
    }
    std::fs::create_dir_all(&dir).ok()?;
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut f| {
            f.write_all(crate::layout::hex(&key).as_bytes())
                .and_then(|_| f.sync_all())
        });
    match made {
        Ok(()) => Some(key),
        // Another process made it first: use theirs.
        Err(_) => decode_key(std::fs::read_to_string(&path).ok()?.trim()),
    }
}

fn decode_key(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

/// Where this machine keeps its witness of the store `id` in folder `root`.
pub fn file_for(id: &str, root: &Path) -> Option<PathBuf> {
    let folder = sha256_hex(root.to_string_lossy().as_bytes());
    Some(state_dir()?.join(format!("{id}-{}.json", &folder[..12])))
}

fn unreadable(path: &Path, why: String) -> Error {
    Error::io_hint(
        path,
        std::io::Error::other(t!("witness-machine-s-checkpoint-store", why = why)),
        &t!("witness-machine-s-memory-log"),
    )
}

/// The witness, or `None` on this machine's first run on the store.
pub fn load(path: &Path) -> Result<Option<Witness>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(path, e.to_string())),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| unreadable(path, e.to_string()))
}

/// Replace the witness crash-safely: a temporary file, fsynced, renamed over it.
pub fn save(path: &Path, witness: &Witness) -> Result<()> {
    let dir = path.parent().expect("witness files live in a folder");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let text = serde_json::to_string_pretty(witness).expect("witnesses serialize");
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, path))
        .and_then(|_| std::fs::File::open(dir).and_then(|d| d.sync_all()));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Forget this machine's witness of a store (after a deliberate rollback, say).
pub fn forget(path: &Path) -> Result<Option<Witness>> {
    let old = load(path)?;
    match std::fs::remove_file(path) {
        Ok(()) => Ok(old),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

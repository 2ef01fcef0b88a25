//! Policy under the chain: `docket.toml` and every file under `schemas/` take effect only
//! when an administrator applies them (a signed entry), and each applied version is kept
//! in the store (`records/_policy/vNNNN/`), so records are read and judged by the rules
//! they were written under. Every run compares the live files with the applied version.

use crate::error::{Error, IoContext, Problem, Result};
use crate::layout::{CONFIG_NAME, SCHEMAS_DIR, policy_copy, sha256_hex};
use crate::schema::Schemas;
use crate::store::Store;
use std::collections::BTreeMap;

/// The live policy files, by source path (`docket.toml`, `schemas/customer.toml`).
pub fn live_files(store: &Store) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let config = store.abs(CONFIG_NAME);
    out.insert(CONFIG_NAME.to_string(), std::fs::read(&config).at(&config)?);
    let dir = store.schemas_dir();
    for e in std::fs::read_dir(&dir).at(&dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !name.starts_with('.') {
            out.insert(
                format!("{SCHEMAS_DIR}/{name}"),
                std::fs::read(e.path()).at(e.path())?,
            );
        }
    }
    Ok(out)
}

/// How one live file stands against the applied policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Changed(String),
    Added(String),
    Removed(String),
}

impl Drift {
    pub fn source(&self) -> &str {
        match self {
            Drift::Changed(s) | Drift::Added(s) | Drift::Removed(s) => s,
        }
    }
}

/// The live files that differ from the applied version's (`files`: source → hash).
pub fn drift(store: &Store, files: &BTreeMap<String, String>) -> Result<Vec<Drift>> {
    let live = live_files(store)?;
    let mut out = Vec::new();
    for (source, bytes) in &live {
        match files.get(source) {
            None => out.push(Drift::Added(source.clone())),
            Some(sha) if *sha != sha256_hex(bytes) => out.push(Drift::Changed(source.clone())),
            Some(_) => {}
        }
    }
    for source in files.keys().filter(|s| !live.contains_key(*s)) {
        out.push(Drift::Removed(source.clone()));
    }
    Ok(out)
}

/// Drift as integrity problems: the store refuses to run on rules nobody applied.
pub fn drift_problems(drift: &[Drift], version: u32) -> Vec<Problem> {
    drift
        .iter()
        .map(|d| {
            let what = match d {
                Drift::Changed(_) => t!("applied-differs-from"),
                Drift::Added(_) => t!("applied-not-part"),
                Drift::Removed(_) => t!("applied-missing-from-folder-but"),
            };
            Problem {
                at: d.source().to_string(),
                message: t!(
                    "applied-applied-policy-version-docket",
                    what = what,
                    version = version
                ),
                ..Default::default()
            }
        })
        .collect()
}

/// A policy version's files read back from their copies in the store, each checked
/// against the hash the log holds for it: source → text.
pub fn read_version(
    store: &Store,
    version: u32,
    files: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (source, sha) in files {
        let rel = policy_copy(version, source);
        let bytes = match std::fs::read(store.abs(&rel)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::integrity(&rel, t!("applied-applied-policy-s-copy")));
            }
            Err(e) => return Err(Error::io(store.abs(&rel), e)),
        };
        if sha256_hex(&bytes) != *sha {
            return Err(Error::integrity(&rel, t!("applied-file-does-not-match")));
        }
        let text =
            String::from_utf8(bytes).map_err(|_| Error::integrity(&rel, t!("applied-not-utf")))?;
        out.insert(source.clone(), text);
    }
    Ok(out)
}

/// The schemas of policy version `version`, from its copies in the store.
pub fn schemas_of(
    store: &Store,
    version: u32,
    files: &BTreeMap<String, String>,
) -> Result<Schemas> {
    let texts = read_version(store, version, files)?;
    schemas_from(&texts)
}

/// The schemas among a policy's files (source → text).
pub fn schemas_from(texts: &BTreeMap<String, String>) -> Result<Schemas> {
    let prefix = format!("{SCHEMAS_DIR}/");
    let schema_files: BTreeMap<String, String> = texts
        .iter()
        .filter_map(|(source, text)| {
            Some((source.strip_prefix(&prefix)?.to_string(), text.clone()))
        })
        .collect();
    Schemas::from_texts(&schema_files, SCHEMAS_DIR)
}

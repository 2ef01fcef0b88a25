//! The one write path. Every command that changes the store stages its files and audit
//! entries here; `commit` writes them in the order that makes a crash harmless:
//! each file to a temporary name, fsync, rename; fsync the folders; then append the
//! entries and fsync the log. A crash leaves the old state, or the new one, plus at most
//! files no entry logs — which `verify` reports and `recover` moves aside.

use crate::audit::{Entry, FileHash, Head, sha256_hex};
use crate::error::{Error, IoContext, Result};
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub struct Transaction {
    files: Vec<(String, Vec<u8>)>,
    entries: Vec<Entry>,
}

impl Transaction {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stage a new file; files are immutable, so the path must not be taken.
    pub fn write(&mut self, root: &Path, rel: &str, bytes: Vec<u8>) -> Result<FileHash> {
        if root.join(rel).exists() || self.files.iter().any(|(p, _)| p == rel) {
            return Err(Error::integrity(
                rel,
                "a file already exists where a new one must be written: it is not logged (left by an interrupted command?)",
            ));
        }
        let hash = FileHash {
            path: rel.to_string(),
            sha256: sha256_hex(&bytes),
        };
        self.files.push((rel.to_string(), bytes));
        Ok(hash)
    }

    /// Stage an audit entry; its sequence number is assigned at commit.
    pub fn log(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Write everything durably and append the entries after `head`. Returns the new head.
    pub fn commit(self, root: &Path, log: &Path, head: &Head) -> Result<Head> {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for (rel, bytes) in &self.files {
            let path = root.join(rel);
            let parent = path
                .parent()
                .expect("store files live in folders")
                .to_path_buf();
            create_dirs(root, &parent, &mut dirs)?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
            let tmp = parent.join(format!(".{name}.tmp"));
            let mut f = File::create(&tmp).at(&tmp)?;
            f.write_all(bytes).at(&tmp)?;
            f.sync_all().at(&tmp)?;
            drop(f);
            fault("before-rename");
            std::fs::rename(&tmp, &path).at(&path)?;
            dirs.insert(parent);
        }
        for d in &dirs {
            sync_dir(d)?;
        }
        let mut out = String::new();
        let mut prev = head.hash.clone();
        let mut seq = head.entries;
        for mut e in self.entries {
            seq += 1;
            e.seq = seq;
            let (line, hash) = e.encode(&prev);
            out.push_str(&line);
            prev = hash;
        }
        fault("after-files");
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
            .at(log)?;
        if fault_armed("torn-log") {
            f.write_all(&out.as_bytes()[..out.len() / 2]).at(log)?;
            f.sync_all().at(log)?;
            std::process::abort();
        }
        f.write_all(out.as_bytes()).at(log)?;
        f.sync_all().at(log)?;
        Ok(Head {
            entries: seq,
            hash: prev,
            len: head.len + out.len() as u64,
        })
    }
}

/// Crash simulation for the fault-injection tests: `DOCKET_FAULT=<point>` aborts the
/// process there, as a kill or a power cut would. Costs one environment lookup.
fn fault_armed(point: &str) -> bool {
    std::env::var_os("DOCKET_FAULT").is_some_and(|p| p == point)
}

fn fault(point: &str) {
    if fault_armed(point) {
        std::process::abort();
    }
}

/// Create `dir` and any missing parents, remembering each new folder's parent for fsync.
fn create_dirs(root: &Path, dir: &Path, synced: &mut BTreeSet<PathBuf>) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent()
        && parent.starts_with(root)
    {
        create_dirs(root, parent, synced)?;
        std::fs::create_dir(dir)
            .or_else(|e| if dir.is_dir() { Ok(()) } else { Err(e) })
            .at(dir)?;
        synced.insert(parent.to_path_buf());
    }
    Ok(())
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).at(dir)
}

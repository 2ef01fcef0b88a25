//! The one write path. Every command that changes the store stages its files and audit
//! entries here; `commit` writes them in the order that makes a crash harmless: the files
//! first, durably, then the audit entries, appended and fsynced — the commit point. A
//! crash leaves the old state, or the new one, plus at most files no entry logs, which
//! `verify` reports and `recover` moves aside.

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
    batch: bool,
}

impl Transaction {
    pub fn new() -> Self {
        Self::default()
    }

    /// A transaction for many files (imports): files are written straight to their names
    /// and made durable by one file-system sync instead of an fsync each. That is as safe:
    /// until the audit entries are appended no file is logged, so a crash leaves only
    /// unlogged files (whole or partial) that `recover` moves aside.
    pub fn batch() -> Self {
        Transaction {
            batch: true,
            ..Self::default()
        }
    }

    /// Stage a new file; files are immutable, so the path must not be taken.
    pub fn write(&mut self, root: &Path, rel: &str, bytes: Vec<u8>) -> Result<FileHash> {
        if root.join(rel).exists() || (!self.batch && self.files.iter().any(|(p, _)| p == rel)) {
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
        if self.batch {
            self.write_batch(root)?;
        } else {
            self.write_each(root)?;
        }
        self.append(log, head)
    }

    /// Each file to a temporary name, fsync, rename; then fsync the folders.
    fn write_each(&self, root: &Path) -> Result<()> {
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
        Ok(())
    }

    /// Every file straight to its name, then one sync of the file system.
    fn write_batch(&self, root: &Path) -> Result<()> {
        let mut made: BTreeSet<PathBuf> = BTreeSet::new();
        for (rel, bytes) in &self.files {
            let path = root.join(rel);
            let parent = path.parent().expect("store files live in folders");
            if !made.contains(parent) {
                std::fs::create_dir_all(parent).at(parent)?;
                made.insert(parent.to_path_buf());
            }
            let mut f = File::create_new(&path).at(&path)?;
            f.write_all(bytes).at(&path)?;
        }
        fault("before-sync");
        sync_filesystem(root)
    }

    /// Append the entries after `head` in one write and one fsync: the commit point.
    fn append(self, log: &Path, head: &Head) -> Result<Head> {
        let mut out = String::new();
        let mut prev = head.hash.clone();
        let mut seq = head.entries;
        let count = self.entries.len();
        for (i, mut e) in self.entries.into_iter().enumerate() {
            if i == 0 && count > 1 {
                // Announce the transaction's size: a crash mid-append leaves it visibly
                // incomplete, and none of its entries count.
                e.detail
                    .insert(crate::audit::chain::TXN_KEY.into(), count.to_string());
            }
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

/// Flush every file of the store's file system to disk at once.
fn sync_filesystem(root: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    let dir = File::open(root).at(root)?;
    // SAFETY: syncfs only reads the descriptor, which `dir` keeps open for the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
        return Err(Error::io(root, std::io::Error::last_os_error()));
    }
    Ok(())
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).at(dir)
}

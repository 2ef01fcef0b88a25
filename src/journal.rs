//! The one write path. Every command that changes the store stages its files and audit
//! entries here; `commit` writes them in the order that makes a crash harmless: the files
//! first, durably, then the audit entries, appended and fsynced — the commit point. A
//! crash leaves the old state, or the new one, plus at most files no entry logs, which
//! `verify` reports and `recover` moves aside.

use crate::audit::{Entry, FileHash, Head};
use crate::error::{Error, IoContext, Result};
use crate::layout::sha256_hex;
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

    /// Write everything durably and append the entries after `head`. Returns the new head.
    pub fn commit(self, root: &Path, log: &Path, head: &Head) -> Result<Head> {
        self.write_each(root)?;
        let count = self.entries.len();
        let mut lines = Lines::new(head, count);
        for e in self.entries {
            lines.push(e);
        }
        lines.append(log)
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
}

/// A transaction for many files (imports), streamed: each file is written straight to its
/// name as it comes, each entry encoded as it is logged, and one sync of the file system
/// makes all the files durable instead of an fsync each. That is as safe: until the
/// entries are appended no file is logged, so a crash leaves only unlogged files (whole or
/// partial) that `recover` moves aside.
pub struct BatchTransaction {
    root: PathBuf,
    made: BTreeSet<PathBuf>,
    lines: Lines,
}

impl BatchTransaction {
    /// `entries` is how many entries will be logged: the first one announces it.
    pub fn new(root: &Path, head: &Head, entries: usize) -> Self {
        BatchTransaction {
            root: root.to_path_buf(),
            made: BTreeSet::new(),
            lines: Lines::new(head, entries),
        }
    }

    /// Write a new file now (unlogged until commit).
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<FileHash> {
        let path = self.root.join(rel);
        let parent = path.parent().expect("store files live in folders");
        if !self.made.contains(parent) {
            std::fs::create_dir_all(parent).at(parent)?;
            self.made.insert(parent.to_path_buf());
        }
        let mut f = File::create_new(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::integrity(rel, "a file already exists where a new one must be written: it is not logged (left by an interrupted command?)")
            } else {
                Error::io(&path, e)
            }
        })?;
        f.write_all(bytes).at(&path)?;
        Ok(FileHash {
            path: rel.to_string(),
            sha256: sha256_hex(bytes),
        })
    }

    pub fn log(&mut self, entry: Entry) {
        self.lines.push(entry);
    }

    pub fn commit(self, log: &Path) -> Result<Head> {
        fault("before-sync");
        sync_filesystem(&self.root)?;
        self.lines.append(log)
    }
}

/// Audit lines encoded in order, chained from a head, appended in one write.
struct Lines {
    out: String,
    prev: String,
    seq: u64,
    len: u64,
    announced: usize,
    pushed: usize,
}

impl Lines {
    fn new(head: &Head, announced: usize) -> Self {
        Lines {
            out: String::new(),
            prev: head.hash.clone(),
            seq: head.entries,
            len: head.len,
            announced,
            pushed: 0,
        }
    }

    fn push(&mut self, mut e: Entry) {
        if self.pushed == 0 && self.announced > 1 {
            // Announce the transaction's size: a crash mid-append leaves it visibly
            // incomplete, and none of its entries count.
            e.detail.insert(
                crate::audit::chain::TXN_KEY.into(),
                self.announced.to_string(),
            );
        }
        self.pushed += 1;
        self.seq += 1;
        e.seq = self.seq;
        let (line, hash) = e.encode(&self.prev);
        self.out.push_str(&line);
        self.prev = hash;
    }

    /// Append and fsync: the commit point.
    fn append(self, log: &Path) -> Result<Head> {
        fault("after-files");
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
            .at(log)?;
        if fault_armed("torn-log") {
            f.write_all(&self.out.as_bytes()[..self.out.len() / 2])
                .at(log)?;
            f.sync_all().at(log)?;
            std::process::abort();
        }
        f.write_all(self.out.as_bytes()).at(log)?;
        f.sync_all().at(log)?;
        Ok(Head {
            entries: self.seq,
            hash: self.prev,
            len: self.len + self.out.len() as u64,
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

//! A log on disk: sealed segments (`records/_log/NNNN/<first entry>.log`) that
//! never change once written, then the open segment every act appends to
//! (`records/audit.log`). A run re-hashes only the open segment and the sealed ones whose
//! file metadata differs from what this machine verified, so its cost does not grow with
//! the log; git stores each sealed segment once.

use crate::error::{Error, IoContext, Result};
use crate::layout::{LogRoot, hex};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// An open segment this long (or longer) is sealed after the transaction that made it so:
/// a commit after one act then stores at most this much of the log anew in git, and a run
/// hashes at most this much of it.
pub const SEAL_BYTES: u64 = 256 * 1024;

/// A sealed segment: its path in the store and the number of its first entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub rel: String,
    pub first: u64,
}

/// What this machine verified of the sealed segments: the first `count` of them, with
/// the digest of their file metadata, end where `entries`, `len` and `hash` say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedTrust {
    pub count: usize,
    pub metadata: String,
    pub entries: u64,
    pub len: u64,
    pub hash: String,
}

/// The sealed segments in log order. Anything else in their folder (a stray file, a
/// symbolic link) is no segment: `verify` names it as a file no entry logs.
pub fn sealed(root: &Path, log: &LogRoot) -> Result<Vec<Segment>> {
    let mut found = Vec::new();
    let dir = root.join(log.sealed_dir());
    let Ok(folders) = std::fs::read_dir(&dir) else {
        return Ok(found);
    };
    for folder in folders {
        let folder = folder.at(&dir)?;
        if !folder.file_type().at(folder.path())?.is_dir() {
            continue;
        }
        let name = folder.file_name().to_string_lossy().into_owned();
        let path = folder.path();
        for file in std::fs::read_dir(&path).at(&path)? {
            let file = file.at(&path)?;
            let rel = format!(
                "{}/{name}/{}",
                log.sealed_dir(),
                file.file_name().to_string_lossy()
            );
            if let Some(first) = log.parse_segment(&rel)
                && file.file_type().at(file.path())?.is_file()
            {
                found.push(Segment { rel, first });
            }
        }
    }
    found.sort_by_key(|s| s.first);
    Ok(found)
}

/// Whether the store has a log at all: an open segment or a sealed one.
pub fn exists(root: &Path, log: &LogRoot) -> bool {
    root.join(log.open()).exists() || sealed(root, log).is_ok_and(|s| !s.is_empty())
}

/// The log's files in order: every sealed segment, then the open one if there is one.
pub fn files(root: &Path, log: &LogRoot) -> Result<Vec<PathBuf>> {
    let segments = sealed(root, log)?;
    let mut files: Vec<PathBuf> = segments.iter().map(|s| root.join(&s.rel)).collect();
    let open = root.join(log.open());
    if open.exists() {
        files.push(open);
    }
    Ok(files)
}

/// The whole log's bytes, sealed segments first (for the few checks that compare logs
/// byte by byte); where each file begins is noted for naming entries.
pub fn read_all(root: &Path, log: &LogRoot) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut lines = 0;
    begin_layout(log);
    for path in files(root, log)? {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy();
        note_file(log, lines + 1, &rel);
        let file = std::fs::read(&path).at(&path)?;
        lines += file.iter().filter(|b| **b == b'\n').count() as u64;
        bytes.extend(file);
    }
    Ok(bytes)
}

/// One segment's metadata as the trust digest covers it: what no unprivileged user can
/// set back once the file is touched (its inode and change time), and its size.
pub fn metadata_line(rel: &str, meta: &std::fs::Metadata) -> String {
    format!(
        "{rel}\t{}\t{}\t{}\t{}.{}\n",
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.ctime(),
        meta.ctime_nsec()
    )
}

/// The running digest of the segments' metadata lines.
#[derive(Clone, Default)]
pub struct MetadataDigest(Sha256);

impl MetadataDigest {
    pub fn add(&mut self, line: &str) {
        self.0.update(line.as_bytes());
    }
    pub fn hex(&self) -> String {
        hex(&self.0.clone().finalize())
    }
}

/// Where each file of each log begins (its first entry), as the last walk of that log
/// found them, for naming an entry by file and line.
static LAYOUT: RwLock<BTreeMap<LogRoot, Vec<(u64, String)>>> = RwLock::new(BTreeMap::new());

/// Forget the layout of `log`: a walk of it starts over.
pub fn begin_layout(log: &LogRoot) {
    if let Ok(mut layout) = LAYOUT.write() {
        layout.insert(log.clone(), Vec::new());
    }
}

/// Note that the walk of `log` found file `rel` starting at entry `first`.
pub fn note_file(log: &LogRoot, first: u64, rel: &str) {
    if let Ok(mut layout) = LAYOUT.write() {
        layout
            .entry(log.clone())
            .or_default()
            .push((first, rel.to_string()));
    }
}

/// Entry `n` of `log` named by its file and line: `records/audit.log:5`, or
/// `records/_log/0000/000000000001.log:17` once it is sealed (the open segment's lines are
/// counted from its own first entry).
pub fn locate(log: &LogRoot, n: u64) -> String {
    let layout = LAYOUT.read();
    let found = layout.as_ref().ok().and_then(|l| {
        l.get(log)?
            .iter()
            .rev()
            .find(|(first, _)| *first <= n)
            .cloned()
    });
    match found {
        Some((first, rel)) => format!("{rel}:{}", n - first + 1),
        None => format!("{}:{n}", log.open()),
    }
}

/// Seal the open segment (whose first entry is `first`) when it has grown to `len`
/// bytes or more: renamed into its sealed place in one atomic step, both folders synced.
/// The next act starts a new open segment. `true` when it was sealed.
pub fn seal_if_full(root: &Path, log: &LogRoot, first: u64, len: u64) -> Result<bool> {
    if len < SEAL_BYTES {
        return Ok(false);
    }
    let rel = log.segment_rel(first);
    let target: PathBuf = root.join(&rel);
    let folder = target.parent().expect("segments live in folders");
    std::fs::create_dir_all(folder).at(folder)?;
    if target.exists() {
        return Err(Error::integrity(&rel, t!("segments-already-sealed")));
    }
    let open = root.join(log.open());
    std::fs::rename(&open, &target).at(&target)?;
    for dir in [folder, open.parent().unwrap_or(root)] {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .at(dir)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_names_round_trip() {
        let log = LogRoot::first();
        assert_eq!(log.segment_rel(1), "records/_log/0000/000000000001.log");
        assert_eq!(
            log.segment_rel(12_345_678),
            "records/_log/0012/000012345678.log"
        );
        assert_eq!(
            log.parse_segment("records/_log/0012/000012345678.log"),
            Some(12_345_678)
        );
        let parse = |rel| log.parse_segment(rel);
        assert_eq!(parse("records/_log/0000/000012345678.log"), None);
        assert_eq!(parse("records/_log/0000/000000000000.log"), None);
        assert_eq!(parse("records/_log/0000/1.log"), None);
    }
}

//! The one write path. Every change to the store, `init`, imports and `recover` included,
//! is a journal opened from a `Writer` (so only under the exclusive lock, with the acting
//! actor's key). Files are written to their final names as they come, unlogged; `commit`
//! makes them durable, signs the entries as one transaction, and appends them — the
//! commit point — then moves the session's head, index, register, witness and cache up
//! together. A journal dropped before its commit point (an error, a full disk, Ctrl-C)
//! removes everything it wrote; only a hard kill leaves unlogged files, which no read
//! ever uses and `recover` moves aside.

use crate::audit::entry::{UNSIGNED, encode_line, signed_part};
use crate::audit::{Entry, FileHash, Head};
use crate::error::{Error, IoContext, Result};
use crate::keys;
use crate::layout::{QUARANTINE_DIR, sha256_hex};
use crate::session::Writer;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Up to this many files a commit fsyncs each; beyond, one sync of the file system.
const FSYNC_EACH: usize = 64;

/// Set by Ctrl-C (or SIGTERM, SIGHUP) while a journal is open; a second signal ends the
/// process at once.
static INTERRUPTED: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();

fn interrupt_flag() -> &'static Arc<AtomicBool> {
    INTERRUPTED.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
        ] {
            // Registered in this order, the second signal finds the flag set and exits.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 130, flag.clone());
            let _ = signal_hook::flag::register(sig, flag.clone());
        }
        flag
    })
}

fn interrupted() -> bool {
    INTERRUPTED.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// A file this journal wrote, and its handle while it still needs an fsync.
struct Written {
    path: PathBuf,
    handle: Option<File>,
}

pub struct Journal<'w> {
    writer: &'w mut Writer,
    written: Vec<Written>,
    /// Folders this journal made, outermost first.
    made: Vec<PathBuf>,
    /// Unlogged files (left by a hard kill) moved out of the way of new ones: (from, to).
    set_aside: Vec<(PathBuf, PathBuf)>,
    /// `recover`: unlogged files to quarantine at commit, store-relative.
    quarantine: Vec<String>,
    cut_torn_tail: bool,
    entries: Vec<Entry>,
    committed: bool,
}

impl Writer {
    /// Open the journal of one transaction.
    pub fn journal(&mut self) -> Journal<'_> {
        interrupt_flag();
        Journal {
            writer: self,
            written: Vec::new(),
            made: Vec::new(),
            set_aside: Vec::new(),
            quarantine: Vec::new(),
            cut_torn_tail: false,
            entries: Vec::new(),
            committed: false,
        }
    }
}

impl Journal<'_> {
    /// The writer, for what a command reads while it stages.
    pub fn writer(&self) -> &Writer {
        self.writer
    }

    /// A new entry by the acting actor.
    pub fn entry(&self, action: &str, record: &str, version: u32, files: Vec<FileHash>) -> Entry {
        self.writer.entry(action, record, version, files)
    }

    /// Write a new file now; it is logged at commit and removed if the journal is dropped.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<FileHash> {
        if interrupted() {
            return Err(Error::Interrupted);
        }
        let root = self.writer.store.root.clone();
        let path = root.join(rel);
        if self.writer.index.sha_of(rel).is_some() {
            return Err(Error::integrity(rel, t!("journal-log-already-holds-file")));
        }
        if self.written.iter().any(|w| w.path == path) {
            return Err(Error::Internal(format!(
                "{rel} written twice in one transaction"
            )));
        }
        let parent = path.parent().expect("store files live in folders");
        self.make_dirs(&root, parent)?;
        if path.exists() {
            self.set_aside(&root, rel)?;
        }
        let mut file = File::create_new(&path).at(&path)?;
        let written = crate::fault::disk_full(self.written.len() + 1)
            .and_then(|_| file.write_all(bytes))
            .at(&path);
        let keep = self.written.len() < FSYNC_EACH;
        self.written.push(Written {
            path,
            handle: keep.then_some(file),
        });
        written?;
        crate::fault::point("after-write");
        crate::fault::ctrl_c(self.written.len());
        Ok(FileHash {
            path: rel.to_string(),
            sha256: sha256_hex(bytes),
        })
    }

    pub fn log(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Log `act` by the acting actor, with the files it wrote.
    pub fn act(&mut self, act: &crate::audit::act::Act, files: Vec<FileHash>) {
        let mut entry = self.writer.entry("", "", 0, files.clone());
        let made = act.entry(&entry.time, &entry.actor, &entry.role, files);
        entry.action = made.action;
        entry.record = made.record;
        entry.version = made.version;
        entry.detail = made.detail;
        self.entries.push(entry);
    }

    /// `recover`: move this unlogged file into the quarantine at commit.
    pub fn quarantine(&mut self, rel: &str) {
        self.quarantine.push(rel.to_string());
    }

    /// `recover`: move the log's torn end into the quarantine at commit.
    pub fn cut_torn_tail(&mut self) {
        self.cut_torn_tail = true;
    }

    /// Create the missing folders of `dir`, remembering them to remove on abort.
    fn make_dirs(&mut self, root: &Path, dir: &Path) -> Result<()> {
        if dir.is_dir() || !dir.starts_with(root) {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.make_dirs(root, parent)?;
        }
        std::fs::create_dir(dir).at(dir)?;
        self.made.push(dir.to_path_buf());
        Ok(())
    }

    /// An unlogged file stands where a new one goes (a hard kill left it): quarantine it.
    fn set_aside(&mut self, root: &Path, rel: &str) -> Result<()> {
        let target = root
            .join(QUARANTINE_DIR)
            .join(self.writer.now.format("%Y%m%dT%H%M%S").to_string())
            .join(rel.strip_prefix("records/").unwrap_or(rel));
        let parent = target.parent().expect("quarantine files live in folders");
        std::fs::create_dir_all(parent).at(parent)?;
        std::fs::rename(root.join(rel), &target).at(&target)?;
        self.set_aside.push((root.join(rel), target));
        Ok(())
    }

    /// Make the files durable, sign and append the entries: the commit point.
    pub fn commit(mut self) -> Result<()> {
        if interrupted() {
            return Err(Error::Interrupted);
        }
        if self.entries.is_empty() {
            return Err(Error::Internal("a transaction without entries".into()));
        }
        self.make_durable()?;
        let root = self.writer.store.root.clone();
        let log = self.writer.store.log_path();
        self.recover_files(&root, &log)?;
        let (text, head) = self.encode()?;
        if interrupted() {
            return Err(Error::Interrupted);
        }
        crate::fault::point("before-append");
        append(&log, &text)?;
        self.committed = true;
        let entries = std::mem::take(&mut self.entries);
        self.writer.committed(head, &entries);
        Ok(())
    }

    /// fsync each file and the folders holding them, or one sync of the file system.
    fn make_durable(&mut self) -> Result<()> {
        crate::fault::point("before-sync");
        let all_kept = self.written.iter().all(|w| w.handle.is_some());
        if all_kept {
            for w in &mut self.written {
                if let Some(f) = w.handle.take() {
                    f.sync_all().at(&w.path)?;
                }
            }
        } else {
            sync_filesystem(&self.writer.store.root)?;
        }
        let mut dirs: Vec<&Path> = self
            .written
            .iter()
            .filter_map(|w| w.path.parent())
            .chain(self.made.iter().filter_map(|d| d.parent()))
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in dirs {
            sync_dir(d)?;
        }
        Ok(())
    }

    /// `recover`'s moves: unlogged files and a torn log end into the quarantine.
    fn recover_files(&mut self, root: &Path, log: &Path) -> Result<()> {
        if self.quarantine.is_empty() && !self.cut_torn_tail {
            return Ok(());
        }
        let qdir = root
            .join(QUARANTINE_DIR)
            .join(self.writer.now.format("%Y%m%dT%H%M%S").to_string());
        for rel in &self.quarantine {
            let target = qdir.join(rel.strip_prefix("records/").unwrap_or(rel));
            let parent = target.parent().expect("quarantine files live in folders");
            std::fs::create_dir_all(parent).at(parent)?;
            let source = root.join(rel);
            std::fs::rename(&source, &target).at(&target)?;
            sync_dir(parent)?;
            // The folder it left too: a move is durable only when both folders are.
            if let Some(from) = source.parent() {
                sync_dir(from)?;
            }
        }
        sync_dir(&root.join("records"))?;
        if !self.cut_torn_tail {
            return Ok(());
        }
        let len = self.writer.head.len;
        let bytes = std::fs::read(log).at(log)?;
        let tail = &bytes[len as usize..];
        std::fs::create_dir_all(&qdir).at(&qdir)?;
        let kept = qdir.join("audit.log.torn-tail");
        std::fs::write(&kept, tail).at(&kept)?;
        File::open(&kept).and_then(|f| f.sync_all()).at(&kept)?;
        sync_dir(&qdir)?;
        let f = OpenOptions::new().write(true).open(log).at(log)?;
        f.set_len(len).at(log)?;
        f.sync_all().at(log)?;
        self.writer.torn_tail = false;
        Ok(())
    }

    /// The transaction's lines, chained after the head and signed once on the last.
    fn encode(&mut self) -> Result<(String, Head)> {
        let head = self.writer.head.clone();
        let count = self.entries.len();
        let mut bodies = Vec::with_capacity(count);
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.seq = head.entries + 1 + i as u64;
            e.txn = (i == 0 && count > 1).then_some(count as u32);
            bodies.push(e.body());
        }
        let mut out = String::new();
        let mut message = String::new();
        let mut prev = head.hash.clone();
        for (i, body) in bodies.iter().enumerate() {
            message.push_str(&signed_part(&prev, body));
            let sig = if i + 1 == count {
                keys::encode_sig(&self.writer.signer.sign(message.as_bytes())?)
            } else {
                UNSIGNED.to_string()
            };
            let (line, hash) = encode_line(&prev, body, &sig);
            out.push_str(&line);
            prev = hash;
        }
        let new_head = Head {
            entries: head.entries + count as u64,
            hash: prev,
            len: head.len + out.len() as u64,
        };
        Ok((out, new_head))
    }
}

impl Drop for Journal<'_> {
    /// Not committed: remove what was written, put back what was set aside.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for w in self.written.drain(..).rev() {
            drop(w.handle);
            let _ = std::fs::remove_file(&w.path);
        }
        for (from, to) in self.set_aside.drain(..).rev() {
            let _ = std::fs::rename(&to, &from);
        }
        for dir in self.made.drain(..).rev() {
            let _ = std::fs::remove_dir(&dir);
        }
    }
}

/// Append and fsync: the commit point.
fn append(log: &Path, text: &str) -> Result<()> {
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(log)
        .at(log)?;
    if crate::fault::armed("torn-log") {
        f.write_all(&text.as_bytes()[..text.len() / 2]).at(log)?;
        f.sync_all().at(log)?;
        std::process::abort();
    }
    f.write_all(text.as_bytes()).at(log)?;
    f.sync_all().at(log)?;
    crate::fault::point("after-append");
    Ok(())
}

/// Flush every file of the store's file system to disk at once.
fn sync_filesystem(root: &Path) -> Result<()> {
    let dir = File::open(root).at(root)?;
    rustix::fs::syncfs(&dir).map_err(|e| Error::io(root, e.into()))
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).at(dir)
}

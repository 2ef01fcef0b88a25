//! The one write path. Every change to the store, `init`, imports and `recover` included,
//! is a `Transaction` begun on a `Writer` (so only under the exclusive lock, with the
//! acting actor's key), and every writing command holds one by name. Files are written to their final names as they come, unlogged; `commit`
//! makes them durable, signs the entries as one transaction, and appends them — the
//! commit point — then moves the session's head, index, register, witness and cache up
//! together. A transaction dropped before its commit point (an error, a full disk, Ctrl-C)
//! removes everything it wrote, and an append that fails or is interrupted cuts the log
//! back to its length first; only a hard kill leaves unlogged files or a torn log end,
//! which no read ever uses and `recover` moves aside.

pub(crate) mod spool;

use crate::audit::entry::{UNSIGNED, encode_line, signed_parts};
use crate::audit::{Entry, FileHash, Head};
use crate::error::{Error, IoContext, Result};
use crate::keys;
use crate::layout::{QUARANTINE_DIR, sha256_hex};
use crate::session::Writer;
use sha2::{Digest, Sha512};
use spool::Spool;
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Up to this many files a commit fsyncs each; beyond, one sync of the file system.
const FSYNC_EACH: usize = 64;

/// Set by Ctrl-C (or SIGTERM, SIGHUP) while a transaction is open; a second signal ends the
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

pub struct Transaction<'w> {
    writer: &'w mut Writer,
    /// Every file this journal wrote, store-relative: looked up once per new file.
    written: Paths,
    /// The first `FSYNC_EACH` files' handles, to fsync each; a larger commit drops them
    /// and syncs the file system once instead.
    handles: Vec<(PathBuf, File)>,
    /// Folders this journal made, store-relative, outermost first, a line each.
    made: Spool,
    /// Unlogged files (left by a hard kill) moved out of the way of new ones: (from, to).
    set_aside: Vec<(PathBuf, PathBuf)>,
    /// `recover`: unlogged files to quarantine at commit, store-relative.
    quarantine: Vec<String>,
    cut_torn_tail: bool,
    /// Entries logged and not encoded yet: all of them while the transaction's size is
    /// unknown, else only the last one logged (it may be the one to sign).
    entries: Vec<Entry>,
    /// The transaction's size, when its caller said it up front.
    announced: Option<usize>,
    lines: Lines,
    committed: bool,
}

/// Store-relative paths a transaction wrote or made, in order: kept as lines in a `Spool`
/// (on disk once they are many), with a 128-bit digest of each to tell whether a path is
/// among them (two of a million paths share one with odds below 10^-26).
struct Paths {
    lines: Spool,
    digests: HashSet<u128>,
}

impl Paths {
    fn new(dir: &Path) -> Paths {
        Paths {
            lines: Spool::new(dir),
            digests: HashSet::new(),
        }
    }

    fn digest(rel: &str) -> u128 {
        let d = sha2::Sha256::digest(rel.as_bytes());
        u128::from_le_bytes(d[..16].try_into().expect("16 bytes"))
    }

    fn contains(&self, rel: &str) -> bool {
        self.digests.contains(&Paths::digest(rel))
    }

    fn insert(&mut self, rel: &str) {
        if self.digests.insert(Paths::digest(rel)) {
            self.lines.push(&format!("{rel}\n"));
        }
    }

    fn len(&self) -> usize {
        self.digests.len()
    }

    /// Every path, in order; a path that could not be read back is left out.
    fn each(&mut self, mut f: impl FnMut(&str)) {
        let _ = self.lines.each_chunk(
            |e| e,
            |chunk| {
                chunk.lines().for_each(&mut f);
                Ok(())
            },
        );
    }

    /// Every path at once (a small transaction's, or an abandoned one's).
    fn all(&mut self) -> Vec<String> {
        lines_of(&mut self.lines)
    }

    /// Whether every path went in; the first failure if not.
    fn check(&mut self) -> std::io::Result<()> {
        self.lines.check()
    }
}

/// Every line of `spool` at once; what could not be read back is left out.
fn lines_of(spool: &mut Spool) -> Vec<String> {
    let mut out = Vec::new();
    let _ = spool.each_chunk(
        |e| e,
        |chunk| {
            out.extend(chunk.lines().map(str::to_string));
            Ok(())
        },
    );
    out
}

/// A transaction's lines as they are encoded, chained from the head, and the SHA-512 of
/// their signed parts (`PREV JSON\n`), which the signature on the last one covers.
struct Lines {
    /// The lines encoded so far: in memory, or on disk once they are many.
    text: Spool,
    prev: String,
    count: usize,
    digest: Sha512,
}

impl Transaction<'_> {
    /// Begin a transaction: the one way a command changes the store.
    pub fn begin(writer: &mut Writer) -> Transaction<'_> {
        interrupt_flag();
        let prev = writer.head().hash.clone();
        let log = writer.store().abs(&writer.log().open());
        let log_dir = log.parent().unwrap_or(&writer.store().root).to_path_buf();
        Transaction {
            writer,
            written: Paths::new(&log_dir),
            handles: Vec::new(),
            made: Spool::new(&log_dir),
            set_aside: Vec::new(),
            quarantine: Vec::new(),
            cut_torn_tail: false,
            entries: Vec::new(),
            announced: None,
            lines: Lines {
                text: Spool::new(&log_dir),
                prev,
                count: 0,
                digest: Sha512::new(),
            },
            committed: false,
        }
    }
}

impl Transaction<'_> {
    /// The writer, for what a command reads while it stages.
    pub fn writer(&self) -> &Writer {
        self.writer
    }

    /// Write a new file now; it is logged at commit and removed if the transaction is dropped.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<FileHash> {
        if interrupted() {
            return Err(Error::Interrupted);
        }
        let root = self.writer.store().root.clone();
        let path = root.join(rel);
        if self.writer.index().sha_of(rel).is_some() {
            return Err(Error::integrity(rel, t!("journal-log-already-holds-file")));
        }
        if self.written.contains(rel) {
            return Err(Error::Internal(format!(
                "{rel} written twice in one transaction"
            )));
        }
        let parent = path.parent().expect("store files live in folders");
        // A folder made just now holds nothing to set aside.
        if !self.make_dirs(&root, parent)? && path.exists() {
            self.set_aside(&root, rel)?;
        }
        let mut file = File::create_new(&path).at(&path)?;
        let written = crate::fault::disk_full(self.written.len() + 1)
            .and_then(|_| file.write_all(bytes))
            .at(&path);
        self.written.insert(rel);
        if self.written.len() <= FSYNC_EACH {
            self.handles.push((path, file));
        } else {
            self.handles.clear();
        }
        written?;
        crate::fault::point("after-write");
        crate::fault::ctrl_c(self.written.len());
        Ok(FileHash {
            path: rel.to_string(),
            sha256: sha256_hex(bytes),
        })
    }

    /// Say how many entries this transaction will log: they are then encoded as they
    /// come instead of held until the commit (an import logs one per record).
    pub fn announce(&mut self, entries: usize) {
        self.announced = Some(entries);
    }

    /// Log an entry (built from an act by `act`, the only way in).
    fn log(&mut self, entry: Entry) {
        self.entries.push(entry);
        let Some(total) = self.announced else {
            return;
        };
        // All but the last one logged, which may be the one to sign.
        let first = self.writer.head().entries + 1;
        while self.entries.len() > 1 && self.lines.count + 1 < total {
            let body = self.lines.body(self.entries.remove(0), first, total);
            self.lines.push(&body, UNSIGNED);
        }
    }

    /// Log `act` by the acting actor, with the files it wrote.
    pub fn act(&mut self, act: &crate::audit::act::Act, files: Vec<FileHash>) {
        let mut entry = self.writer.entry("", "", 0, files.clone());
        if self.entries.is_empty() && self.lines.count == 0 {
            // The first entry says how far this site had read the others' logs.
            entry.seen = self.writer.seen_heads();
        }
        let made = act.entry(&entry.time, &entry.actor, &entry.role, files);
        entry.action = made.action;
        entry.record = made.record;
        entry.version = made.version;
        entry.detail = made.detail;
        self.log(entry);
    }

    /// `recover`: move this unlogged file into the quarantine at commit.
    pub fn quarantine(&mut self, rel: &str) {
        self.quarantine.push(rel.to_string());
    }

    /// `recover`: move the log's torn end into the quarantine at commit.
    pub fn cut_torn_tail(&mut self) {
        self.cut_torn_tail = true;
    }

    /// Create the missing folders of `dir`, remembering them to remove on abort; whether
    /// `dir` itself was made.
    fn make_dirs(&mut self, root: &Path, dir: &Path) -> Result<bool> {
        if !dir.starts_with(root) {
            return Ok(false);
        }
        // Tried first, not looked for: an import makes one folder per record.
        match std::fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists && dir.is_dir() => return Ok(false),
            Err(e) => match (e.kind(), dir.parent()) {
                (ErrorKind::NotFound, Some(parent)) => {
                    self.make_dirs(root, parent)?;
                    std::fs::create_dir(dir).at(dir)?;
                }
                _ => return Err(Error::io(dir, e)),
            },
        }
        let rel = dir.strip_prefix(root).unwrap_or(dir).to_string_lossy();
        self.made.push(&format!("{rel}\n"));
        Ok(true)
    }

    /// An unlogged file stands where a new one goes (a hard kill left it): quarantine it.
    fn set_aside(&mut self, root: &Path, rel: &str) -> Result<()> {
        let target = root
            .join(QUARANTINE_DIR)
            .join(self.writer.now().format("%Y%m%dT%H%M%S").to_string())
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
        let total = self.lines.count + self.entries.len();
        if total == 0 {
            return Err(Error::Internal("a transaction without entries".into()));
        }
        if self.announced.is_some_and(|n| n != total) {
            return Err(Error::Internal(format!(
                "{total} entries logged, {:?} announced",
                self.announced
            )));
        }
        let log = self.writer.store().abs(&self.writer.log().open());
        let root = self.writer.store().root.clone();
        // A new site's log is the first file of its folder.
        if let Some(folder) = log.parent() {
            self.make_dirs(&root, folder)?;
        }
        // Which files and folders this journal made must be known should it be dropped.
        self.written.check().at(&log)?;
        self.made.check().at(&log)?;
        self.make_durable()?;
        self.recover_files(&root, &log)?;
        let first = self.writer.head().entries + 1;
        for e in std::mem::take(&mut self.entries) {
            let body = self.lines.body(e, first, total);
            let sig = if self.lines.count == total {
                let digest: [u8; 64] = self.lines.digest.finalize_reset().into();
                keys::encode_sig(&self.writer.signer().sign_digest(&digest)?)
            } else {
                UNSIGNED.to_string()
            };
            self.lines.push(&body, &sig);
        }
        let mut text = std::mem::replace(&mut self.lines.text, Spool::new(&root));
        text.check().at(&log)?;
        let head = Head {
            entries: self.writer.head().entries + total as u64,
            hash: std::mem::take(&mut self.lines.prev),
            len: self.writer.head().len + text.len(),
        };
        if interrupted() {
            return Err(Error::Interrupted);
        }
        crate::fault::point("before-append");
        append(&log, &mut text)?;
        self.committed = true;
        self.writer.committed(head, text);
        self.writer.seal_if_full();
        Ok(())
    }

    /// fsync each file and the folders holding them, or one sync of the file system.
    fn make_durable(&mut self) -> Result<()> {
        crate::fault::point("before-sync");
        let root = &self.writer.store().root;
        if self.written.len() > FSYNC_EACH {
            // Files and folders alike: nothing is left to sync one by one.
            return sync_filesystem(root);
        }
        for (path, f) in self.handles.drain(..) {
            f.sync_all().at(&path)?;
        }
        let mut dirs: Vec<PathBuf> = Vec::new();
        for rel in self
            .written
            .all()
            .into_iter()
            .chain(lines_of(&mut self.made))
        {
            if let Some(parent) = root.join(rel).parent() {
                dirs.push(parent.to_path_buf());
            }
        }
        dirs.sort();
        dirs.dedup();
        for d in dirs {
            sync_dir(&d)?;
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
            .join(self.writer.now().format("%Y%m%dT%H%M%S").to_string());
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
        let len = self.writer.head().len - self.writer.log_files().open_start.len;
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
        self.writer.tail_cut();
        Ok(())
    }
}

impl Lines {
    /// The next entry's body: numbered from `first`, announcing the transaction's size
    /// if it is the first of several; its signed part goes into the digest.
    fn body(&mut self, mut e: Entry, first: u64, total: usize) -> String {
        e.seq = first + self.count as u64;
        e.txn = (self.count == 0 && total > 1).then_some(total as u32);
        let body = e.body();
        drop(e);
        for part in signed_parts(&self.prev, &body) {
            self.digest.update(part);
        }
        self.count += 1;
        body
    }

    /// The line of `body`, chained to the one before, with `sig`.
    fn push(&mut self, body: &str, sig: &str) {
        let (line, hash) = encode_line(&self.prev, body, sig);
        self.text.push(&line);
        self.prev = hash;
    }
}

impl Drop for Transaction<'_> {
    /// Not committed: remove what was written, put back what was set aside.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        self.handles.clear();
        let root = &self.writer.store().root;
        self.written.each(|rel| {
            let _ = std::fs::remove_file(root.join(rel));
        });
        for (from, to) in self.set_aside.drain(..).rev() {
            let _ = std::fs::rename(&to, &from);
        }
        for dir in lines_of(&mut self.made).iter().rev() {
            let _ = std::fs::remove_dir(root.join(dir));
        }
    }
}

/// Append and fsync: the commit point. If writing or syncing fails (a full disk, an I/O
/// error) or a signal arrives meanwhile, the log is cut back to the length it had and
/// synced, so that with the files the dropped journal removes the store is as it was.
fn append(log: &Path, text: &mut Spool) -> Result<()> {
    let existed = log.exists();
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(log)
        .at(log)?;
    let len = f.metadata().at(log)?.len();
    if crate::fault::armed("torn-log") {
        let all = text.concat().at(log)?;
        f.write_all(&all.as_bytes()[..all.len() / 2]).at(log)?;
        f.sync_all().at(log)?;
        std::process::abort();
    }
    if let Err(stopped) = write_and_sync(&f, log, text) {
        return Err(match undo(&f, log, existed.then_some(len)) {
            Ok(()) => stopped,
            Err(e) => Error::io_hint(log, e, &t!("journal-append-not-undone")),
        });
    }
    crate::fault::point("after-append");
    Ok(())
}

/// Write the transaction's text at the end of the log and sync it; stopped by a failure
/// or by Ctrl-C (SIGINT, SIGTERM, SIGHUP) before or after either.
fn write_and_sync(f: &File, log: &Path, text: &mut Spool) -> Result<()> {
    let failed = |e| Error::io_hint(log, e, &t!("journal-append-undone"));
    let mut out = crate::fault::Appending::new(f, text.len() as usize);
    text.each_chunk(failed, |chunk| {
        if interrupted() {
            return Err(Error::Interrupted);
        }
        out.write_all(chunk.as_bytes()).map_err(failed)
    })?;
    crate::fault::append_ctrl_c();
    if interrupted() {
        return Err(Error::Interrupted);
    }
    f.sync_all().map_err(failed)?;
    if interrupted() {
        return Err(Error::Interrupted);
    }
    Ok(())
}

/// Put the log back as it was: cut to `len` bytes and synced, or removed if the append
/// made it.
fn undo(f: &File, log: &Path, len: Option<u64>) -> std::io::Result<()> {
    crate::fault::undo_fails()?;
    match len {
        Some(len) => {
            f.set_len(len)?;
            f.sync_all()
        }
        None => {
            std::fs::remove_file(log)?;
            let folder = log.parent().unwrap_or(Path::new("."));
            File::open(folder)?.sync_all()
        }
    }
}

/// Flush every file of the store's file system to disk at once.
fn sync_filesystem(root: &Path) -> Result<()> {
    let dir = File::open(root).at(root)?;
    rustix::fs::syncfs(&dir).map_err(|e| Error::io(root, e.into()))
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).at(dir)
}

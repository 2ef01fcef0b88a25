//! Walking the audit log from genesis to head: every line's hash, every link, every
//! sequence number, every transaction's framing, and that the log still extends the head
//! this machine verified last. Streams the file, so memory stays flat however long the
//! log grows.

use super::entry::{Entry, GENESIS_PREV, RawLine, split_line};
use super::segments::{self, MetadataDigest, SealedTrust, Segment};
use crate::error::{IoContext, Problem, ProblemKind, Result};
use crate::layout::{LogRoot, hex};
use sha2::{Digest, Sha256, Sha512};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// How a torn last line is reported.
fn torn_tail() -> String {
    t!("chain-torn-tail")
}
/// How a transaction cut short is reported.
fn torn_transaction() -> String {
    t!("chain-torn-transaction")
}

/// Whether `recover` repairs this problem: the log's end was cut short by a crash.
pub fn is_torn_tail(p: &Problem) -> bool {
    p.kind == ProblemKind::TornTail
}

/// Where a walk ended: the last committed entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Head {
    pub entries: u64,
    pub hash: String,
    /// Length of the log in bytes up to the end of the last committed entry.
    pub len: u64,
}

impl Head {
    pub fn genesis() -> Head {
        Head {
            entries: 0,
            hash: GENESIS_PREV.to_string(),
            len: 0,
        }
    }
}

/// Where a cached index was taken: the log up to `head` is already indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub head: Head,
}

/// What a walk checks and which entries it parses.
#[derive(Clone, Copy, Default)]
pub struct Plan<'a> {
    /// Parse and visit the entries after this line (0: all of them); the ones before are
    /// only hashed, linked and numbered. `u64::MAX`: the chain alone, at hashing speed.
    pub parse_after: u64,
    /// A cached index's checkpoint: unless the log ends an entry at its length with its
    /// hash, the walk stops and says the cache is stale.
    pub checkpoint: Option<&'a Checkpoint>,
    /// The head this machine verified last: the log must extend it.
    pub witness: Option<&'a Head>,
    /// Go on past a bad line so `verify` can report every problem.
    pub collect_all: bool,
    /// The sealed segments this machine verified: trusted without reading while their
    /// metadata is unchanged.
    pub sealed: Option<&'a SealedTrust>,
}

/// A parsed entry as the walk hands it over.
pub struct Seen<'a> {
    pub line: u64,
    pub entry: &'a Entry,
    /// The entry's SIG word: a signature on a transaction's last entry, `-` elsewhere.
    pub sig: &'a [u8],
}

/// A transaction whose entries are all in: its lines, the signature on its last entry
/// and the SHA-512 of the bytes that signature covers.
pub struct TxnEnd<'a> {
    pub first: u64,
    pub last: u64,
    /// The hash of its last entry: the log's head once it is in.
    pub hash: &'a str,
    pub sig: &'a [u8],
    pub digest: [u8; 64],
}

/// What a walk does with the entries it parses.
pub trait Visit {
    /// The entries that follow come from `log` (a merged walk of several sites' logs).
    fn enter_log(&mut self, _log: &crate::layout::SiteLog) {}
    fn entry(&mut self, seen: &Seen) -> Result<()>;
    fn txn_end(&mut self, _end: &TxnEnd) -> Result<()> {
        Ok(())
    }
}

/// A finished walk: the state the visits built, where the committed log ends, and what
/// is wrong with it.
pub struct Walked<V> {
    pub state: V,
    pub head: Head,
    pub problems: Vec<Problem>,
    pub files: LogFiles,
}

/// What a walk learnt of the log's files.
#[derive(Debug, Clone, Default)]
pub struct LogFiles {
    /// Where the open segment begins: the end of the last sealed one.
    pub open_start: Head,
    /// The sealed segments as this walk verified them (none when one had a problem).
    pub sealed: Option<SealedTrust>,
}

/// One pass over the log, up to `limit` bytes.
enum Pass {
    Done {
        head: Head,
        problems: Vec<Problem>,
        rewind: Option<(u64, Problem)>,
        files: Box<LogFiles>,
    },
    /// The log at the checkpoint is not the history the checkpoint was taken from.
    Stale,
}

/// Walk the chain with a visitor made by `init`. Should the log end in the middle of a
/// transaction, the walk is made again with a fresh visitor up to the transaction's start,
/// so none of it counts. `None` means the checkpoint is stale: walk again without it.
pub fn walk<V: Visit>(
    root: &Path,
    log: &LogRoot,
    plan: Plan,
    mut init: impl FnMut() -> V,
) -> Result<Option<Walked<V>>> {
    let mut state = init();
    let first = pass((root, log), plan, u64::MAX, &mut state)?;
    let (head, mut problems, torn, files) = match first {
        Pass::Stale => return Ok(None),
        Pass::Done {
            head,
            problems,
            rewind: None,
            files,
        } => {
            return Ok(Some(Walked {
                state,
                head,
                problems,
                files: *files,
            }));
        }
        Pass::Done {
            rewind: Some((limit, torn)),
            ..
        } => {
            state = init();
            match pass((root, log), plan, limit, &mut state)? {
                Pass::Stale => return Ok(None),
                Pass::Done {
                    head,
                    problems,
                    files,
                    ..
                } => (head, problems, torn, files),
            }
        }
    };
    problems.push(torn);
    Ok(Some(Walked {
        state,
        head,
        problems,
        files: *files,
    }))
}

/// `walk` with no cache checkpoint, which is never stale.
pub fn walk_fresh<V: Visit>(
    root: &Path,
    log: &LogRoot,
    plan: Plan,
    init: impl FnMut() -> V,
) -> Result<Walked<V>> {
    let plan = Plan {
        checkpoint: None,
        ..plan
    };
    Ok(walk(root, log, plan, init)?.expect("a walk without a checkpoint is never stale"))
}

/// A visitor that keeps nothing: for checks of the chain alone.
pub struct Nothing;
impl Visit for Nothing {
    fn entry(&mut self, _: &Seen) -> Result<()> {
        Ok(())
    }
}

/// The sequence number at the start of a body (`{"seq":N,`), read without parsing JSON.
fn quick_seq(body: &[u8]) -> Option<u64> {
    let rest = body.strip_prefix(br#"{"seq":"#)?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// The transaction still being read.
struct Open {
    first: u64,
    expected: u64,
    seen: u64,
    before: Head,
    digest: Sha512,
}

/// The state of one pass: where it is, what it found.
struct Cursor<'p> {
    plan: Plan<'p>,
    log: &'p LogRoot,
    problems: Vec<Problem>,
    prev: Vec<u8>,
    head: Head,
    open: Option<Open>,
    line_no: u64,
    offset: u64,
    witnessed: bool,
    /// The walk stopped at a bad line: what lies after it is unknown.
    stopped: bool,
    /// Reading a sealed segment: a torn line there is no crash's doing.
    in_sealed: bool,
    /// The walk began inside a segment, at the cache's checkpoint: the first line read
    /// must be a whole entry linking to it.
    resumed: bool,
}

/// What one line does to the pass.
#[derive(PartialEq, Eq)]
enum Step {
    Next,
    Stop,
    Stale,
}

impl Cursor<'_> {
    fn problem(&mut self, at: String, message: impl Into<String>) {
        self.problem_of(ProblemKind::Integrity, at, message);
    }

    fn problem_of(&mut self, kind: ProblemKind, at: String, message: impl Into<String>) {
        self.problems.push(Problem {
            at,
            message: message.into(),
            kind,
        });
    }

    /// A problem with the line being read (its name is made only when there is one: a
    /// walk reads a million lines).
    fn here(&mut self, message: impl Into<String>) {
        let at = segments::locate(self.log, self.line_no);
        self.problem(at, message);
    }

    /// Hash, link and position checks every line gets; `bad` when the line is wrong.
    fn check_line(&mut self, raw: &RawLine, n: u64) -> Option<(Head, bool)> {
        let mut bad = false;
        if hex(&Sha256::digest(raw.covered)).as_bytes() != raw.hash {
            self.here(t!("chain-entry-s-hash-does"));
            bad = true;
        }
        if raw.prev != self.prev.as_slice() {
            self.here(t!("chain-entry-does-not-link"));
            bad = true;
        }
        self.prev = raw.hash.to_vec();
        self.offset += n;
        let here = Head {
            entries: self.line_no,
            hash: String::from_utf8_lossy(raw.hash).into_owned(),
            len: self.offset,
        };
        if let Some(c) = self.plan.checkpoint {
            let straddled = self.offset > c.head.len && self.offset - n < c.head.len;
            let other_entry = self.offset == c.head.len && c.head != here;
            if straddled || other_entry {
                return None; // the checkpoint is not at this log's entry there
            }
        }
        self.check_witness(&here);
        Some((here, bad))
    }

    fn check_witness(&mut self, here: &Head) {
        if let Some(w) = self.plan.witness
            && here.entries == w.entries
        {
            self.witnessed = true;
            if here.hash != w.hash {
                self.problem_of(
                    ProblemKind::Rollback,
                    segments::locate(self.log, w.entries),
                    t!(
                        "chain-forked-at-entry-not",
                        entries = w.entries,
                        min = &w.hash[..16.min(w.hash.len())]
                    ),
                );
            }
        }
    }

    fn step(&mut self, line: &[u8], visit: &mut dyn Visit) -> Result<Step> {
        if std::mem::take(&mut self.resumed) {
            let body = line.strip_suffix(b"\n").unwrap_or(line);
            if split_line(body).is_none_or(|raw| raw.prev != self.prev.as_slice()) {
                return Ok(Step::Stale);
            }
        }
        self.line_no += 1;
        if line.last() != Some(&b'\n') && self.in_sealed {
            self.here(t!("chain-sealed-segment-torn"));
            return Ok(Step::Stop);
        }
        if line.last() != Some(&b'\n') {
            let at = segments::locate(self.log, self.line_no);
            let message = t!("chain-run-docket-recover-move", torn = torn_tail());
            self.problem_of(ProblemKind::TornTail, at, message);
            return Ok(Step::Stop);
        }
        let Some(raw) = split_line(&line[..line.len() - 1]) else {
            self.here(t!("chain-not-audit-entry-malformed"));
            self.offset += line.len() as u64;
            return Ok(if self.plan.collect_all {
                Step::Next
            } else {
                Step::Stop
            });
        };
        let Some((here, mut bad)) = self.check_line(&raw, line.len() as u64) else {
            return Ok(Step::Stale);
        };
        if self.line_no <= self.plan.parse_after {
            if quick_seq(raw.body) != Some(self.line_no) {
                let n = self.line_no;
                self.here(t!("chain-sequence-number-missing-wrong", n = n));
                bad = true;
            }
            self.head = here;
            return Ok(if bad && !self.plan.collect_all {
                Step::Stop
            } else {
                Step::Next
            });
        }
        let entry = match serde_json::from_slice::<Entry>(raw.body) {
            Ok(e) if e.seq == self.line_no => Some(e),
            Ok(e) => {
                let n = self.line_no;
                self.here(t!("chain-sequence-number-where-was", seq = e.seq, n = n));
                None
            }
            Err(_) => {
                self.here(t!("chain-entry-s-body-not"));
                None
            }
        };
        let Some(entry) = entry.filter(|_| !bad) else {
            self.head = here;
            return Ok(if self.plan.collect_all {
                Step::Next
            } else {
                Step::Stop
            });
        };
        self.frame(&entry, &raw, here, visit)?;
        Ok(Step::Next)
    }

    /// Follow the entry's transaction and hand the entry (and a finished transaction) over.
    fn frame(
        &mut self,
        entry: &Entry,
        raw: &RawLine,
        here: Head,
        visit: &mut dyn Visit,
    ) -> Result<()> {
        match (entry.txn, self.open.is_some()) {
            (Some(_), true) => self.here(t!("chain-transaction-announced-inside-another")),
            (Some(n), false) if n < 2 => {
                self.here(t!("chain-transaction-entries-announced", n = n))
            }
            (Some(n), false) => {
                self.open = Some(Open {
                    first: self.line_no,
                    expected: n.into(),
                    seen: 0,
                    before: self.head.clone(),
                    digest: Sha512::new(),
                })
            }
            (None, _) => {}
        }
        let mut open = self.open.take().unwrap_or_else(|| Open {
            first: self.line_no,
            expected: 1,
            seen: 0,
            before: self.head.clone(),
            digest: Sha512::new(),
        });
        open.digest.update(raw.signed);
        open.digest.update(b"\n");
        open.seen += 1;
        visit.entry(&Seen {
            line: self.line_no,
            entry,
            sig: raw.sig,
        })?;
        self.head = here;
        if open.seen < open.expected {
            self.open = Some(open);
            return Ok(());
        }
        visit.txn_end(&TxnEnd {
            first: open.first,
            last: self.line_no,
            hash: &self.head.hash,
            sig: raw.sig,
            digest: open.digest.finalize().into(),
        })
    }

    fn finish(mut self, limit: u64, files: Box<LogFiles>) -> Pass {
        if let Some(o) = self.open.take() {
            let torn = Problem {
                at: segments::locate(self.log, o.first),
                message: t!(
                    "chain-entries-announced-written-run",
                    torn = torn_transaction(),
                    expected = o.expected,
                    seen = o.seen
                ),
                kind: ProblemKind::TornTail,
            };
            return Pass::Done {
                head: o.before.clone(),
                problems: self.problems,
                rewind: Some((o.before.len, torn)),
                files,
            };
        }
        if self.line_no == 0 && limit == u64::MAX {
            self.problem(self.log.open(), t!("chain-audit-log-empty-genesis"));
        }
        if let Some(w) = self.plan.witness
            && !self.witnessed
            && !self.stopped
            && self.head.entries < w.entries
        {
            self.problem_of(
                ProblemKind::Rollback,
                self.log.open(),
                t!(
                    "chain-truncated-behind-entry-machine",
                    entries = w.entries,
                    entries2 = w.entries,
                    min = &w.hash[..16.min(w.hash.len())],
                    entries3 = self.head.entries
                ),
            );
        }
        if let Some(c) = self.plan.checkpoint
            && self.offset < c.head.len
            && self.problems.is_empty()
        {
            return Pass::Stale; // the log is shorter than the cache says
        }
        Pass::Done {
            head: self.head,
            problems: self.problems,
            rewind: None,
            files,
        }
    }

    /// Go on from `here` (the end of the sealed segments this machine verified, or the
    /// cache's checkpoint inside them) without reading what lies before. `mid_segment`:
    /// the first line read must link to `here`, else the checkpoint is not on this log.
    fn resume_at(&mut self, here: &Head, mid_segment: bool) -> Option<Step> {
        if let Some(c) = self.plan.checkpoint
            && c.head.len == here.len
            && c.head != *here
        {
            return Some(Step::Stale);
        }
        self.prev = here.hash.as_bytes().to_vec();
        self.line_no = here.entries;
        self.offset = here.len;
        self.resumed = mid_segment;
        self.check_witness(here);
        self.head = here.clone();
        None
    }

    /// Read one file of the log to its end (or to `limit`, or to a line that stops it).
    fn read_file(
        &mut self,
        file: std::fs::File,
        path: &Path,
        limit: u64,
        visit: &mut dyn Visit,
    ) -> Result<Step> {
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut line = Vec::with_capacity(512);
        while self.offset < limit {
            line.clear();
            if reader.read_until(b'\n', &mut line).at(path)? == 0 {
                break;
            }
            match self.step(&line, visit)? {
                Step::Next => {}
                Step::Stop => {
                    self.stopped = true;
                    return Ok(Step::Stop);
                }
                Step::Stale => return Ok(Step::Stale),
            }
        }
        Ok(Step::Next)
    }
}

/// Where a walk may begin without reading what lies before: the sealed segments this
/// machine verified are unchanged (by their metadata), so the walk starts at their end, or
/// at the cache's checkpoint inside them when the entries after it must be parsed.
struct Resume {
    /// The metadata digest of the first `trusted` segments, as verified.
    digest: MetadataDigest,
    trusted: usize,
    /// The segment the walk starts in, `seek` bytes into it, with the log up to there `at`.
    start: usize,
    seek: u64,
    at: Head,
}

fn resume_point(root: &Path, sealed: &[Segment], plan: &Plan, limit: u64) -> Option<Resume> {
    let t = plan.sealed?;
    if t.count == 0 || t.count > sealed.len() || t.len > limit {
        return None;
    }
    let mut digest = MetadataDigest::default();
    let mut ends = Vec::with_capacity(t.count);
    let mut end = 0;
    for s in &sealed[..t.count] {
        let meta = std::fs::symlink_metadata(root.join(&s.rel)).ok()?;
        digest.add(&segments::metadata_line(&s.rel, &meta));
        end += meta.len();
        ends.push(end);
    }
    if digest.hex() != t.metadata || end != t.len {
        return None;
    }
    if t.entries <= plan.parse_after {
        let at = Head {
            entries: t.entries,
            hash: t.hash.clone(),
            len: t.len,
        };
        return Some(Resume {
            digest,
            trusted: t.count,
            start: t.count,
            seek: 0,
            at,
        });
    }
    // The entries after the cache's checkpoint are wanted: begin at the checkpoint.
    let c = plan
        .checkpoint
        .filter(|c| c.head.entries == plan.parse_after && c.head.len > 0)?;
    let start = ends.iter().position(|e| *e > c.head.len)?;
    let before = if start == 0 { 0 } else { ends[start - 1] };
    Some(Resume {
        digest,
        trusted: t.count,
        start,
        seek: c.head.len - before,
        at: c.head.clone(),
    })
}

fn pass(
    (root, log): (&Path, &LogRoot),
    plan: Plan,
    limit: u64,
    visit: &mut dyn Visit,
) -> Result<Pass> {
    let sealed = segments::sealed(root, log)?;
    segments::begin_layout(log);
    let mut cursor = Cursor {
        plan,
        log,
        problems: Vec::new(),
        prev: GENESIS_PREV.as_bytes().to_vec(),
        head: Head::genesis(),
        open: None,
        line_no: 0,
        offset: 0,
        witnessed: false,
        stopped: false,
        in_sealed: true,
        resumed: false,
    };
    let resume = resume_point(root, &sealed, &plan, limit);
    let (mut digest, trusted, start, seek) = match &resume {
        Some(r) => {
            for s in &sealed[..r.start] {
                segments::note_file(log, s.first, &s.rel);
            }
            if let Some(Step::Stale) = cursor.resume_at(&r.at, r.seek > 0) {
                return Ok(Pass::Stale);
            }
            (r.digest.clone(), r.trusted, r.start, r.seek)
        }
        None => (MetadataDigest::default(), 0, 0, 0),
    };
    for (i, s) in sealed.iter().enumerate().skip(start) {
        if cursor.offset >= limit || cursor.stopped {
            break;
        }
        let path = root.join(&s.rel);
        let mut file = std::fs::File::open(&path).at(&path)?;
        // Taken before reading: a change made while it is read shows next time.
        let meta = file.metadata().at(&path)?;
        if i >= trusted {
            digest.add(&segments::metadata_line(&s.rel, &meta));
        }
        if i == start && seek > 0 {
            segments::note_file(log, s.first, &s.rel);
            std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(seek)).at(&path)?;
        } else {
            segments::note_file(log, cursor.line_no + 1, &s.rel);
            if s.first != cursor.line_no + 1 {
                let message = t!(
                    "chain-segment-misnamed",
                    first = s.first,
                    n = cursor.line_no
                );
                cursor.problem(s.rel.clone(), message);
            }
        }
        if cursor.read_file(file, &path, limit, visit)? == Step::Stale {
            return Ok(Pass::Stale);
        }
    }
    let files = LogFiles {
        open_start: cursor.head.clone(),
        sealed: (cursor.problems.is_empty() && !cursor.stopped && !sealed.is_empty()).then(|| {
            SealedTrust {
                count: sealed.len(),
                metadata: digest.hex(),
                entries: cursor.line_no,
                len: cursor.offset,
                hash: String::from_utf8_lossy(&cursor.prev).into_owned(),
            }
        }),
    };
    cursor.in_sealed = false;
    let open = root.join(log.open());
    segments::note_file(log, cursor.line_no + 1, &log.open());
    match std::fs::File::open(&open) {
        Ok(file) if !cursor.stopped => {
            if cursor.read_file(file, &open, limit, visit)? == Step::Stale {
                return Ok(Pass::Stale);
            }
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !sealed.is_empty() => {}
        Err(e) => return Err(crate::error::Error::io(&open, e)),
    }
    Ok(cursor.finish(limit, Box::new(files)))
}

/// A transaction's signed bytes, as `ssh-keygen -Y verify` checks them.
pub struct SignedTxn {
    pub first: u64,
    pub last: u64,
    pub actor: String,
    /// Every entry of the transaction as `PREV JSON\n`.
    pub message: Vec<u8>,
    /// The SIG word of its last entry.
    pub sig: Vec<u8>,
}

/// The transaction that holds entry `n`, read from a log already verified by this run.
pub fn transaction_of(root: &Path, log: &LogRoot, n: u64) -> Result<Option<SignedTxn>> {
    let mut current: Option<(SignedTxn, u64)> = None;
    let mut line_no = 0;
    for path in segments::files(root, log)? {
        let file = std::fs::File::open(&path).at(&path)?;
        for line in BufReader::with_capacity(1 << 20, file).split(b'\n') {
            let line = line.at(&path)?;
            line_no += 1;
            let Some(raw) = split_line(&line) else {
                return Ok(None);
            };
            let Ok(entry) = serde_json::from_slice::<Entry>(raw.body) else {
                return Ok(None);
            };
            let (mut txn, expected) = match current.take() {
                Some(open) => open,
                None => (
                    SignedTxn {
                        first: line_no,
                        last: line_no,
                        actor: entry.actor.clone(),
                        message: Vec::new(),
                        sig: Vec::new(),
                    },
                    entry.txn.map_or(1, u64::from),
                ),
            };
            txn.message.extend_from_slice(raw.signed);
            txn.message.push(b'\n');
            txn.last = line_no;
            if line_no - txn.first + 1 < expected {
                current = Some((txn, expected));
                continue;
            }
            if (txn.first..=txn.last).contains(&n) {
                txn.sig = raw.sig.to_vec();
                return Ok(Some(txn));
            }
        }
    }
    Ok(None)
}

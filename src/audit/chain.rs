//! Walking the audit log from genesis to head: every line's hash, every link, every
//! sequence number, every transaction's framing, and that the log still extends the head
//! this machine verified last. Streams the file, so memory stays flat however long the
//! log grows.

use super::entry::{Entry, GENESIS_PREV, RawLine, split_line};
use crate::error::{IoContext, Problem, ProblemKind, Result};
use crate::layout::{LOG_NAME, hex};
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    pub sig: &'a [u8],
    pub digest: [u8; 64],
}

/// What a walk does with the entries it parses.
pub trait Visit {
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
}

/// One pass over the log, up to `limit` bytes.
enum Pass {
    Done {
        head: Head,
        problems: Vec<Problem>,
        rewind: Option<(u64, Problem)>,
    },
    /// The log at the checkpoint is not the history the checkpoint was taken from.
    Stale,
}

/// Walk the chain with a visitor made by `init`. Should the log end in the middle of a
/// transaction, the walk is made again with a fresh visitor up to the transaction's start,
/// so none of it counts. `None` means the checkpoint is stale: walk again without it.
pub fn walk<V: Visit>(
    path: &Path,
    plan: Plan,
    mut init: impl FnMut() -> V,
) -> Result<Option<Walked<V>>> {
    let mut state = init();
    let first = pass(path, plan, u64::MAX, &mut state)?;
    let (head, mut problems, torn) = match first {
        Pass::Stale => return Ok(None),
        Pass::Done {
            head,
            problems,
            rewind: None,
        } => {
            return Ok(Some(Walked {
                state,
                head,
                problems,
            }));
        }
        Pass::Done {
            rewind: Some((limit, torn)),
            ..
        } => {
            state = init();
            match pass(path, plan, limit, &mut state)? {
                Pass::Stale => return Ok(None),
                Pass::Done { head, problems, .. } => (head, problems, torn),
            }
        }
    };
    problems.push(torn);
    Ok(Some(Walked {
        state,
        head,
        problems,
    }))
}

/// `walk` with no cache checkpoint, which is never stale.
pub fn walk_fresh<V: Visit>(path: &Path, plan: Plan, init: impl FnMut() -> V) -> Result<Walked<V>> {
    let plan = Plan {
        checkpoint: None,
        ..plan
    };
    Ok(walk(path, plan, init)?.expect("a walk without a checkpoint is never stale"))
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
    problems: Vec<Problem>,
    prev: Vec<u8>,
    head: Head,
    open: Option<Open>,
    line_no: u64,
    offset: u64,
    witnessed: bool,
    /// The walk stopped at a bad line: what lies after it is unknown.
    stopped: bool,
}

/// What one line does to the pass.
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
        let at = format!("{LOG_NAME}:{}", self.line_no);
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
                    format!("{LOG_NAME}:{}", w.entries),
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
        self.line_no += 1;
        if line.last() != Some(&b'\n') {
            let at = format!("{LOG_NAME}:{}", self.line_no);
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
            sig: raw.sig,
            digest: open.digest.finalize().into(),
        })
    }

    fn finish(mut self, limit: u64) -> Pass {
        if let Some(o) = self.open.take() {
            let torn = Problem {
                at: format!("{LOG_NAME}:{}", o.first),
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
            };
        }
        if self.line_no == 0 && limit == u64::MAX {
            self.problem(LOG_NAME.into(), t!("chain-audit-log-empty-genesis"));
        }
        if let Some(w) = self.plan.witness
            && !self.witnessed
            && !self.stopped
            && self.head.entries < w.entries
        {
            self.problem_of(
                ProblemKind::Rollback,
                LOG_NAME.into(),
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
        }
    }
}

fn pass(path: &Path, plan: Plan, limit: u64, visit: &mut dyn Visit) -> Result<Pass> {
    let file = std::fs::File::open(path).at(path)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut cursor = Cursor {
        plan,
        problems: Vec::new(),
        prev: GENESIS_PREV.as_bytes().to_vec(),
        head: Head::genesis(),
        open: None,
        line_no: 0,
        offset: 0,
        witnessed: false,
        stopped: false,
    };
    let mut line = Vec::with_capacity(512);
    while cursor.offset < limit {
        line.clear();
        if reader.read_until(b'\n', &mut line).at(path)? == 0 {
            break;
        }
        match cursor.step(&line, visit)? {
            Step::Next => {}
            Step::Stop => {
                cursor.stopped = true;
                break;
            }
            Step::Stale => return Ok(Pass::Stale),
        }
    }
    Ok(cursor.finish(limit))
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
pub fn transaction_of(path: &Path, n: u64) -> Result<Option<SignedTxn>> {
    let file = std::fs::File::open(path).at(path)?;
    let reader = BufReader::with_capacity(1 << 20, file);
    let mut current: Option<(SignedTxn, u64)> = None;
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line.at(path)?;
        let line_no = i as u64 + 1;
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
    Ok(None)
}

//! Walking the audit log from genesis to head: every line's hash, every link, every
//! sequence number. Streams the file, so memory stays flat however long the log grows
//! (but for the entries of one transaction, held until the transaction is whole).

use super::entry::{Entry, GENESIS_PREV, hex, split_line};
use crate::error::{Error, IoContext, Problem, Result};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::Path;

pub const LOG_NAME: &str = "records/audit.log";

/// How a torn last line is reported.
pub const TORN_TAIL: &str = "the last entry is incomplete (a write was cut short)";
/// How a transaction cut short is reported.
pub const TORN_TRANSACTION: &str = "the last transaction is incomplete (a write was cut short)";

/// The entry key announcing how many entries a multi-entry transaction has; until all of
/// them are in the log, none of them counts.
pub const TXN_KEY: &str = "txn_entries";

/// Whether `recover` repairs this problem: the log's end was cut short by a crash.
pub fn is_torn_tail(p: &Problem) -> bool {
    p.message.starts_with(TORN_TAIL) || p.message.starts_with(TORN_TRANSACTION)
}

/// Where the walk ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    pub entries: u64,
    pub hash: String,
    /// Length of the log in bytes up to the end of the last committed entry.
    pub len: u64,
}

/// The entries of a transaction still being read.
struct Open {
    line: u64,
    expected: usize,
    before: Head,
    entries: Vec<(u64, Entry)>,
}

/// Where a cached index was taken: the log up to `head` is already indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub head: Head,
}

/// The outcome of a walk from a checkpoint.
pub enum FromCheckpoint {
    Walked(Head, Vec<Problem>),
    /// The log at the checkpoint's offset is not what the checkpoint says: the cache
    /// belongs to another history and must be rebuilt.
    Stale,
}

/// Walk the chain, handing each verified, committed entry to `visit`. With `collect_all`
/// the walk goes on past a bad line (adopting its claimed hash) so `verify` can report
/// every problem; otherwise it stops at the first.
pub fn walk(
    path: &Path,
    collect_all: bool,
    visit: impl FnMut(u64, &Entry) -> Result<()>,
) -> Result<(Head, Vec<Problem>)> {
    match walk_from(path, collect_all, Parse::All, visit)? {
        FromCheckpoint::Walked(head, problems) => Ok((head, problems)),
        FromCheckpoint::Stale => unreachable!("no checkpoint, never stale"),
    }
}

/// The sequence number at the start of a body (`{"seq":N,`), read without parsing JSON.
fn quick_seq(body: &[u8]) -> Option<u64> {
    let rest = body.strip_prefix(br#"{"seq":"#)?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// Which entries a walk parses and visits; the others are only hashed and linked.
#[derive(Clone, Copy)]
pub enum Parse<'a> {
    All,
    /// Entries after a cached checkpoint (whose index is known).
    After(&'a Checkpoint),
    /// None: a check of the chain alone, at hashing speed.
    None,
}

/// Like `walk`, but only the entries `mode` names are parsed and visited. Every line is
/// hashed and linked whatever the mode.
pub fn walk_from(
    path: &Path,
    collect_all: bool,
    mode: Parse,
    mut visit: impl FnMut(u64, &Entry) -> Result<()>,
) -> Result<FromCheckpoint> {
    let skip_until = match mode {
        Parse::All => 0,
        Parse::After(c) => c.head.len,
        Parse::None => u64::MAX,
    };
    let checkpoint = match mode {
        Parse::After(c) => Some(c),
        _ => None,
    };
    let file = std::fs::File::open(path).at(path)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut problems = Vec::new();
    let mut prev = GENESIS_PREV.as_bytes().to_vec();
    let mut head = Head {
        hash: GENESIS_PREV.to_string(),
        ..Default::default()
    };
    let mut open: Option<Open> = None;
    let mut line = Vec::with_capacity(512);
    let mut line_no = 0u64;
    let mut offset = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).at(path)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let at = format!("{LOG_NAME}:{line_no}");
        if line.last() != Some(&b'\n') {
            problems.push(Problem {
                at,
                message: format!("{TORN_TAIL}; run `docket recover` to move it aside"),
            });
            break;
        }
        let content = &line[..line.len() - 1];
        let Some(raw) = split_line(content) else {
            problems.push(Problem {
                at,
                message: "not an audit entry (malformed line)".into(),
            });
            if !collect_all {
                break;
            }
            continue;
        };
        let mut bad = false;
        if hex(&Sha256::digest(raw.covered)).as_bytes() != raw.hash {
            problems.push(Problem {
                at: at.clone(),
                message: "the entry's hash does not match its content: the entry was altered"
                    .into(),
            });
            bad = true;
        }
        if raw.prev != prev.as_slice() {
            problems.push(Problem {
                at: at.clone(),
                message: "the entry does not link to the one before it: an entry was removed, inserted or reordered".into(),
            });
            bad = true;
        }
        if offset + (n as u64) <= skip_until {
            // Indexed already: check the sequence number cheaply, and at the checkpoint
            // that the log is the history the cache was taken from.
            if quick_seq(raw.body) != Some(line_no) {
                problems.push(Problem {
                    at: at.clone(),
                    message: format!(
                        "sequence number missing or wrong where {line_no} was expected"
                    ),
                });
                bad = true;
            }
            prev = raw.hash.to_vec();
            offset += n as u64;
            head = Head {
                entries: line_no,
                hash: String::from_utf8_lossy(raw.hash).into_owned(),
                len: offset,
            };
            if offset == skip_until && checkpoint.is_some_and(|c| c.head != head) {
                return Ok(FromCheckpoint::Stale);
            }
            if bad && !collect_all {
                break;
            }
            continue;
        }
        let entry: Option<Entry> = serde_json::from_slice(raw.body).ok();
        match &entry {
            None => {
                problems.push(Problem {
                    at: at.clone(),
                    message: "the entry's body is not valid JSON".into(),
                });
                bad = true;
            }
            Some(e) if e.seq != line_no => {
                problems.push(Problem {
                    at: at.clone(),
                    message: format!("sequence number {} where {line_no} was expected", e.seq),
                });
                bad = true;
            }
            _ => {}
        }
        prev = raw.hash.to_vec();
        offset += n as u64;
        let here = Head {
            entries: line_no,
            hash: String::from_utf8_lossy(raw.hash).into_owned(),
            len: offset,
        };
        if bad && !collect_all {
            break;
        }
        let Some(e) = entry.filter(|_| !bad) else {
            head = here;
            continue;
        };
        let announced = e
            .detail
            .get(TXN_KEY)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n > 1);
        match (&mut open, announced) {
            (None, Some(expected)) => {
                open = Some(Open {
                    line: line_no,
                    expected,
                    before: head.clone(),
                    entries: vec![(line_no, e)],
                });
            }
            (Some(o), _) => o.entries.push((line_no, e)),
            (None, None) => visit(line_no, &e)?,
        }
        if let Some(o) = &open
            && o.entries.len() == o.expected
        {
            for (n, e) in &o.entries {
                visit(*n, e)?;
            }
            open = None;
        }
        head = here;
    }
    if let Some(o) = open {
        problems.push(Problem {
            at: format!("{LOG_NAME}:{}", o.line),
            message: format!(
                "{TORN_TRANSACTION}: {} entries announced, {} written; run `docket recover` to move it aside",
                o.expected,
                o.entries.len()
            ),
        });
        head = o.before;
    }
    if line_no == 0 {
        problems.push(Problem {
            at: LOG_NAME.into(),
            message: "the audit log is empty: the genesis entry is missing".into(),
        });
    }
    if checkpoint.is_some() && offset < skip_until && problems.is_empty() {
        return Ok(FromCheckpoint::Stale); // the log is shorter than the cache says
    }
    Ok(FromCheckpoint::Walked(head, problems))
}

/// Walk and fail on the first problem (exit 3).
pub fn walk_strict(path: &Path, visit: impl FnMut(u64, &Entry) -> Result<()>) -> Result<Head> {
    let (head, problems) = walk(path, false, visit)?;
    if problems.is_empty() {
        Ok(head)
    } else {
        Err(Error::Integrity { problems })
    }
}

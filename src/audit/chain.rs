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
#[derive(Debug, Clone, Default)]
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

/// Walk the chain, handing each verified, committed entry to `visit`. With `collect_all`
/// the walk goes on past a bad line (adopting its claimed hash) so `verify` can report
/// every problem; otherwise it stops at the first.
pub fn walk(
    path: &Path,
    collect_all: bool,
    mut visit: impl FnMut(u64, &Entry) -> Result<()>,
) -> Result<(Head, Vec<Problem>)> {
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
    Ok((head, problems))
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

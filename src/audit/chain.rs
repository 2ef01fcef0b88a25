//! Walking the audit log from genesis to head: every line's hash, every link, every
//! sequence number. Streams the file, so memory stays flat however long the log grows.

use super::entry::{Entry, GENESIS_PREV, split_line};
use crate::error::{IoContext, Problem, Result};
use crate::layout::{LOG_NAME, hex};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::Path;

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

/// Where a cached index was taken: the log up to `head` is already indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub head: Head,
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

/// A finished walk: the state the visits built, where the committed log ends, and what
/// is wrong with it.
pub struct Walked<S> {
    pub state: S,
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

/// Walk the chain, building state from `init` with `visit` for every committed entry the
/// mode parses. Entries are visited as they are read; should the log end in the middle of
/// a transaction, the walk is made again from fresh state up to the transaction's start,
/// so none of it counts. With `collect_all` the walk goes on past a bad line so `verify`
/// can report every problem. `None` means the checkpoint is stale: rebuild without it.
pub fn walk_state<S>(
    path: &Path,
    collect_all: bool,
    mode: Parse,
    mut init: impl FnMut() -> S,
    mut visit: impl FnMut(&mut S, u64, &Entry) -> Result<()>,
) -> Result<Option<Walked<S>>> {
    let mut state = init();
    match pass(path, collect_all, mode, u64::MAX, &mut |n, e| {
        visit(&mut state, n, e)
    })? {
        Pass::Stale => Ok(None),
        Pass::Done {
            head,
            problems,
            rewind: None,
        } => Ok(Some(Walked {
            state,
            head,
            problems,
        })),
        Pass::Done {
            rewind: Some((limit, torn)),
            ..
        } => {
            let mut state = init();
            match pass(path, collect_all, mode, limit, &mut |n, e| {
                visit(&mut state, n, e)
            })? {
                Pass::Stale => Ok(None),
                Pass::Done {
                    head, mut problems, ..
                } => {
                    problems.push(torn);
                    Ok(Some(Walked {
                        state,
                        head,
                        problems,
                    }))
                }
            }
        }
    }
}

/// `walk_state` over the whole log, parsing every entry (no checkpoint: never stale).
pub fn walk_all<S>(
    path: &Path,
    collect_all: bool,
    init: impl FnMut() -> S,
    visit: impl FnMut(&mut S, u64, &Entry) -> Result<()>,
) -> Result<Walked<S>> {
    Ok(walk_state(path, collect_all, Parse::All, init, visit)?
        .expect("a walk without a checkpoint is never stale"))
}

/// The sequence number at the start of a body (`{"seq":N,`), read without parsing JSON.
fn quick_seq(body: &[u8]) -> Option<u64> {
    let rest = body.strip_prefix(br#"{"seq":"#)?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// The transaction still being read: where it started and how much of it is in.
struct Open {
    line: u64,
    expected: usize,
    seen: usize,
    before: Head,
}

fn pass(
    path: &Path,
    collect_all: bool,
    mode: Parse,
    limit: u64,
    visit: &mut dyn FnMut(u64, &Entry) -> Result<()>,
) -> Result<Pass> {
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
    while offset < limit {
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
        prev = raw.hash.to_vec();
        offset += n as u64;
        if checkpoint.is_some() && offset > skip_until && offset - (n as u64) < skip_until {
            return Ok(Pass::Stale); // the checkpoint is not at an entry's end in this log
        }
        let here = Head {
            entries: line_no,
            hash: String::from_utf8_lossy(raw.hash).into_owned(),
            len: offset,
        };
        if offset <= skip_until {
            // Indexed already, or not to be parsed: check the sequence number cheaply, and
            // at a checkpoint that the log is the history the cache was taken from.
            if quick_seq(raw.body) != Some(line_no) {
                problems.push(Problem {
                    at,
                    message: format!(
                        "sequence number missing or wrong where {line_no} was expected"
                    ),
                });
                bad = true;
            }
            head = here;
            if offset == skip_until && checkpoint.is_some_and(|c| c.head != head) {
                return Ok(Pass::Stale);
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
        if open.is_none()
            && let Some(expected) = announced
        {
            open = Some(Open {
                line: line_no,
                expected,
                seen: 0,
                before: head.clone(),
            });
        }
        visit(line_no, &e)?;
        if let Some(o) = &mut open {
            o.seen += 1;
            if o.seen == o.expected {
                open = None;
            }
        }
        head = here;
    }
    if let Some(o) = open {
        let torn = Problem {
            at: format!("{LOG_NAME}:{}", o.line),
            message: format!(
                "{TORN_TRANSACTION}: {} entries announced, {} written; run `docket recover` to move it aside",
                o.expected, o.seen
            ),
        };
        return Ok(Pass::Done {
            head: o.before.clone(),
            problems,
            rewind: Some((o.before.len, torn)),
        });
    }
    if line_no == 0 && limit == u64::MAX {
        problems.push(Problem {
            at: LOG_NAME.into(),
            message: "the audit log is empty: the genesis entry is missing".into(),
        });
    }
    if checkpoint.is_some() && offset < skip_until && problems.is_empty() {
        return Ok(Pass::Stale); // the log is shorter than the cache says
    }
    Ok(Pass::Done {
        head,
        problems,
        rewind: None,
    })
}

//! Walking the audit log from genesis to head: every line's hash, every link, every
//! sequence number. Streams the file, so memory stays flat however long the log grows.

use super::entry::{Entry, GENESIS_PREV, hex, split_line};
use crate::error::{Error, IoContext, Problem, Result};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::Path;

pub const LOG_NAME: &str = "records/audit.log";

/// How a torn last line is reported; `recover` repairs exactly this problem.
pub const TORN_TAIL: &str = "the last entry is incomplete (a write was cut short)";

pub fn is_torn_tail(p: &Problem) -> bool {
    p.message.starts_with(TORN_TAIL)
}

/// Where the walk ended.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub entries: u64,
    pub hash: String,
    /// Length of the log in bytes up to the end of the last complete entry.
    pub len: u64,
}

/// Walk the chain, handing each verified entry to `visit`. With `collect_all` the walk
/// goes on past a bad line (adopting its claimed hash) so `verify` can report every
/// problem; otherwise it stops at the first.
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
        head = Head {
            entries: line_no,
            hash: String::from_utf8_lossy(raw.hash).into_owned(),
            len: offset,
        };
        if bad && !collect_all {
            break;
        }
        if !bad && let Some(e) = entry {
            visit(line_no, &e)?;
        }
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

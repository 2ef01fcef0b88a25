//! The second read of a merged walk: each log walked again on a thread of its own, its
//! entries handed over one at a time through a short queue, and the visitor given the
//! transactions in the merged order already found. Only the queues and the entry being
//! visited are in memory, whatever the size of a transaction (an import of a million
//! rows is one).

use super::chain::{Plan, Seen, TxnEnd, Visit, walk_fresh};
use super::entry::Entry;
use super::merge::{Txn, WalkedLog};
use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, atomic::AtomicU64, atomic::Ordering};

/// Entries go over in batches of this many (a transaction's end closes one early), so
/// the threads wake once a batch, not once an entry.
const BATCH: usize = 128;

/// How many batches a log's walk may run ahead of the visitor.
const AHEAD: usize = 8;

/// What a log's walk hands over.
enum Item {
    Entry {
        line: u64,
        entry: Entry,
        sig: Vec<u8>,
    },
    End {
        first: u64,
        last: u64,
        hash: String,
        sig: Vec<u8>,
        digest: [u8; 64],
    },
}

/// The visitor of a log's walk on its own thread: it hands every entry and transaction
/// end over. Should the walk begin again (a log ending inside a transaction is walked
/// again up to its start), what was handed over already is not handed over twice.
struct Forward {
    to: SyncSender<Vec<Item>>,
    batch: Vec<Item>,
    /// The last line handed over, shared by the walk's visitors.
    sent: Arc<AtomicU64>,
    from: u64,
}

impl Forward {
    fn hand_over(&mut self) -> Result<()> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.to.send(batch).map_err(|_| hung_up())
    }
}

/// The visitor's side hung up: it has every transaction it needs.
fn hung_up() -> Error {
    Error::Internal("the merged walk stopped reading this log".into())
}

impl Visit for Forward {
    fn entry(&mut self, seen: &Seen) -> Result<()> {
        if seen.line <= self.from {
            return Ok(());
        }
        self.batch.push(Item::Entry {
            line: seen.line,
            entry: seen.entry.clone(),
            sig: seen.sig.to_vec(),
        });
        self.sent.store(seen.line, Ordering::Relaxed);
        if self.batch.len() >= BATCH {
            self.hand_over()?;
        }
        Ok(())
    }

    fn txn_end(&mut self, end: &TxnEnd) -> Result<()> {
        if end.last <= self.from {
            return Ok(());
        }
        self.batch.push(Item::End {
            first: end.first,
            last: end.last,
            hash: end.hash.to_string(),
            sig: end.sig.to_vec(),
            digest: end.digest,
        });
        self.hand_over()
    }
}

/// Visit the transactions `order` names ((log, transaction) pairs, each log's in its
/// own order), reading each log again with the plan its first walk had.
pub(super) fn visit_in_order<V: Visit>(
    root: &Path,
    walked: &[WalkedLog],
    plans: &[Plan],
    order: &[(usize, usize)],
    txns: &[Vec<Txn>],
    state: &mut V,
) -> Result<()> {
    std::thread::scope(|scope| {
        let mut queues = Vec::new();
        for (w, plan) in walked.iter().zip(plans) {
            let (to, from) = sync_channel(AHEAD);
            let sent = Arc::new(AtomicU64::new(0));
            let log = &w.log.root;
            scope.spawn(move || {
                let init = || Forward {
                    to: to.clone(),
                    batch: Vec::with_capacity(BATCH),
                    from: sent.load(Ordering::Relaxed),
                    sent: sent.clone(),
                };
                // Its problems were found by the first walk; a stop is the visitor's.
                let _ = walk_fresh(root, log, *plan, init);
            });
            queues.push(Queue {
                from,
                held: VecDeque::new(),
            });
        }
        let visited = order.iter().try_for_each(|&(i, t)| {
            state.enter_log(&walked[i].log);
            one_transaction(&mut queues[i], txns[i][t].last, state)
        });
        // The walks still going stop at their next hand-over.
        drop(queues);
        visited
    })
}

/// A log's batches as they come, and what is left of the last one.
struct Queue {
    from: Receiver<Vec<Item>>,
    held: VecDeque<Item>,
}

impl Queue {
    fn next(&mut self) -> Option<Item> {
        if self.held.is_empty() {
            self.held = self.from.recv().ok()?.into();
        }
        self.held.pop_front()
    }
}

/// Hand the visitor one transaction's entries and its end from `queue`, which must end
/// it at line `last`, as the first walk found.
fn one_transaction<V: Visit>(queue: &mut Queue, last: u64, state: &mut V) -> Result<()> {
    loop {
        match queue.next() {
            Some(Item::Entry { line, entry, sig }) => state.entry(&Seen {
                line,
                entry: &entry,
                sig: &sig,
            })?,
            Some(Item::End {
                first,
                last: ended,
                hash,
                sig,
                digest,
            }) if ended == last => {
                return state.txn_end(&TxnEnd {
                    first,
                    last,
                    hash: &hash,
                    sig: &sig,
                    digest,
                });
            }
            _ => {
                return Err(Error::integrity(
                    crate::layout::LOG_NAME,
                    t!("merge-log-changed-while-read"),
                ));
            }
        }
    }
}

//! What a run reads of the log when it opens a store: the log index (settled on disk
//! plus the entries after its checkpoint, or built from the whole log), the staff
//! register, and every problem — the chain hashed, the signatures since this machine's
//! witness checked, and their acts replayed.

use crate::audit::chain::{LogFiles, Plan, Seen, TxnEnd, Visit, Walked, walk, walk_fresh};
use crate::audit::merge::walk_sites;
use crate::audit::trust::{Registry, Trust};
use crate::audit::{Entry, Head, LogIndex};
use crate::error::{Problem, Result};
use crate::layout::{LogRoot, SiteLog};
use crate::replay::{At, Replay};
use crate::store::Store;
use crate::witness::Witness;

/// What reading the log found.
pub(super) struct LogRead {
    /// The log this clone appends to (its site's; the first site's for a clone that is
    /// no site), which `head` and `files` are of.
    pub own: SiteLog,
    /// In a store of several sites, every log and its head; empty in a store of one.
    pub sites: Vec<(SiteLog, Head)>,
    /// The settled index and rows on disk are of these heads (`Session::index_db`).
    pub settled: bool,
    pub index: LogIndex,
    pub head: Head,
    pub files: LogFiles,
    pub registry: Registry,
    pub problems: Vec<Problem>,
    /// Entries dated ahead of the entry after them: told, never stopping the command.
    pub ahead: Vec<Problem>,
}

/// The visitor of a run's walk. Entries after the cache checkpoint go into the index;
/// entries after this machine's witness are checked against the register and replayed
/// under the rules in force at their place (`replay`), in log order, each with the index
/// as it stood before it. With a cached index (taken at or before the witness) those
/// entries are kept and checked once the walk is done and the cache is read.
struct Reading {
    index_after: u64,
    trust_after: u64,
    /// Built here when there is no usable cache; else the entries to add to the cache.
    index: Option<LogIndex>,
    kept: Vec<Kept>,
    trust: Trust,
    replay: Replay,
}

/// An entry kept for after the walk, with what its checks need.
struct Kept {
    line: u64,
    entry: Entry,
    sig: Vec<u8>,
    /// Set on the last entry of a transaction: its first line, signed digest and hash.
    end: Option<(u64, [u8; 64], String)>,
}

impl Reading {
    /// Check one entry against the register and replay it, then index it as the
    /// `position`th of the history.
    fn check(
        trust: &mut Trust,
        replay: &mut Replay,
        index: &mut LogIndex,
        seen: &Seen,
        position: u64,
    ) -> Result<()> {
        trust.entry(seen)?;
        replay.entry(&At {
            line: seen.line,
            entry: seen.entry,
            registry: &trust.registry,
            index,
        });
        index.add_at(seen.entry, position);
        Ok(())
    }

    /// After the walk: the cached index brought up to the head, checking the kept entries
    /// after the witness on the way.
    fn catch_up(&mut self, index: &mut LogIndex) -> Result<()> {
        for k in std::mem::take(&mut self.kept) {
            if k.line <= self.trust_after {
                index.add(&k.entry);
                continue;
            }
            let seen = Seen {
                line: k.line,
                entry: &k.entry,
                sig: &k.sig,
            };
            Reading::check(&mut self.trust, &mut self.replay, index, &seen, k.line)?;
            if let Some((first, digest, hash)) = k.end {
                self.trust.txn_end(&TxnEnd {
                    first,
                    last: k.line,
                    hash: &hash,
                    sig: &k.sig,
                    digest,
                })?;
            }
        }
        Ok(())
    }
}

impl Visit for Reading {
    fn entry(&mut self, seen: &Seen) -> Result<()> {
        if seen.line <= self.index_after {
            // Indexed by the cache; only checked (the cache is taken behind the witness).
            return Ok(());
        }
        match &mut self.index {
            Some(index) if seen.line > self.trust_after => {
                Reading::check(&mut self.trust, &mut self.replay, index, seen, seen.line)?;
            }
            Some(index) => index.add(seen.entry),
            None => self.kept.push(Kept {
                line: seen.line,
                entry: seen.entry.clone(),
                sig: seen.sig.to_vec(),
                end: None,
            }),
        }
        Ok(())
    }

    fn txn_end(&mut self, end: &TxnEnd) -> Result<()> {
        if end.last <= self.trust_after {
            return Ok(());
        }
        match self.kept.last_mut() {
            Some(k) if self.index.is_none() && k.line == end.last => {
                k.end = Some((end.first, end.digest, end.hash.to_string()));
                Ok(())
            }
            _ => self.trust.txn_end(end),
        }
    }
}

/// The log index (from the cache plus the entries after it, or from the whole log when
/// the cache is missing, is ahead of this machine's witness, or belongs to another
/// history), the register, and every problem. The whole chain is hashed either way, and
/// every transaction after this machine's witness has its signature checked and its acts
/// replayed.
pub(super) fn read_log(
    index_db: Option<&std::path::Path>,
    store: &Store,
    witness: Option<&Witness>,
) -> Result<LogRead> {
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    if logs.len() > 1 || witness.is_some_and(|w| !w.sites.is_empty()) {
        return read_sites(index_db, store, witness, &logs);
    }
    let (root, log) = (&store.root, &LogRoot::first());
    let trust_after = witness.map_or(0, |w| w.entries);
    let registry = witness.map(|w| w.registry.clone()).unwrap_or_default();
    let seen = witness.map(Witness::head);
    let reading = |index_after: u64, fresh: bool| Reading {
        index_after,
        trust_after,
        index: fresh.then(LogIndex::default),
        kept: Vec::new(),
        trust: Trust::new(registry.clone(), &store.root),
        replay: Replay::new(store, trust_after == 0),
    };
    if let Some(db) = index_db
        && let Some((checkpoint, mut index)) = crate::cache::index::load(db)
        && checkpoint.head.entries <= trust_after
    {
        let plan = Plan {
            parse_after: checkpoint.head.entries,
            checkpoint: Some(&checkpoint),
            witness: seen.as_ref(),
            collect_all: false,
            sealed: witness.and_then(|w| w.sealed.as_ref()),
        };
        if let Some(mut w) = walk(root, log, plan, || reading(checkpoint.head.entries, false))? {
            w.state.catch_up(&mut index)?;
            return Ok(finish(index_db, index, w, &store.config.store.site_code));
        }
    }
    let plan = Plan {
        parse_after: 0,
        checkpoint: None,
        witness: seen.as_ref(),
        collect_all: false,
        sealed: None,
    };
    let mut w = walk_fresh(root, log, plan, || reading(0, true))?;
    let index = w.state.index.take().unwrap_or_default();
    Ok(finish(index_db, index, w, &store.config.store.site_code))
}

fn finish(
    index_db: Option<&std::path::Path>,
    index: LogIndex,
    walked: Walked<Reading>,
    store_site: &str,
) -> LogRead {
    let Walked {
        state: Reading {
            mut trust, replay, ..
        },
        head,
        mut problems,
        files,
    } = walked;
    trust.verify_signatures();
    problems.append(&mut trust.problems);
    problems.extend(replay.problems);
    if problems.is_empty()
        && let Some(db) = index_db
        && index.settled_at() != Some(&head)
    {
        crate::cache::index::save(db, &head, &index);
    }
    LogRead {
        own: SiteLog::first(store_site),
        sites: Vec::new(),
        settled: true,
        index,
        head,
        files,
        registry: trust.registry,
        problems,
        ahead: trust.ahead,
    }
}

/// The merged walk of a store of several sites: each transaction checked against the
/// register and replayed, told which log it comes from.
struct Sites {
    index: LogIndex,
    trust: Trust,
    replay: Replay,
    /// How many entries of the merged history are placed: every run numbers them alike.
    position: u64,
    /// The store's first site's code.
    first: String,
}

impl Visit for Sites {
    fn enter_log(&mut self, log: &SiteLog) {
        self.trust.enter_log(log);
        self.replay.enter_log(log);
        self.index.begin_txn(log, &self.first);
    }

    fn entry(&mut self, seen: &Seen) -> Result<()> {
        self.position += 1;
        let (trust, replay, index) = (&mut self.trust, &mut self.replay, &mut self.index);
        Reading::check(trust, replay, index, seen, self.position)
    }

    fn txn_end(&mut self, end: &TxnEnd) -> Result<()> {
        self.index.end_txn();
        self.trust.txn_end(end)
    }
}

/// A store of several sites. When every transaction added since this machine last read
/// the logs had read them all at least that far (none at all, or the other offices
/// pulled before they acted), only those are replayed on the index settled then
/// (`pulled`). Otherwise every log is walked from its start, each signature checked and
/// every act replayed in merged order (`audit::merge`), and the index settled anew: a
/// pull may bring acts of another site that come before acts already read, so nothing is
/// replayed on top of an old state.
fn read_sites(
    index_db: Option<&std::path::Path>,
    store: &Store,
    witness: Option<&Witness>,
    logs: &[SiteLog],
) -> Result<LogRead> {
    let own_code = crate::store::site::of_clone(&store.root).ok().flatten();
    let own = logs
        .iter()
        .find(|l| Some(&l.code) == own_code.as_ref())
        .unwrap_or(&logs[0])
        .clone();
    // A site's log gone is named by the replay of every log below.
    if let (Some(db), Some(w)) = (index_db, witness)
        && crate::audit::merge::gone(logs, &w.sites).is_empty()
        && let Some(read) = pulled(db, store, w, logs, &own)?
    {
        return Ok(read);
    }
    let witnessed = |log: &SiteLog| witness.and_then(|w| w.head_of(log));
    let state = Sites {
        index: LogIndex::default(),
        trust: Trust::new(Registry::default(), &store.root),
        replay: Replay::new(store, true),
        position: 0,
        first: store.config.store.site_code.clone(),
    };
    let merged = walk_sites(&store.root, logs, &witnessed, false, state)?;
    let mut problems = merged.problems;
    if let Some(w) = witness {
        problems.extend(crate::audit::merge::gone(logs, &w.sites));
    }
    let Sites {
        index,
        trust,
        replay,
        ..
    } = merged.state;
    let (trust, checked) = checked(trust, replay, &own);
    problems.extend(checked);
    let heads = heads_of(&merged.logs);
    // Saved whole, which also drops the rows made of an earlier state.
    let settled = problems.is_empty()
        && index_db.is_some_and(|db| {
            crate::cache::index::save(db, &crate::audit::merge::combined_head(&heads), &index)
        });
    Ok(LogRead::of_sites(
        &own,
        &merged.logs,
        index,
        trust,
        problems,
        settled,
    ))
}

/// The problems the register and the replay found, every signature checked, the
/// register's clock left at this clone's own log (which its next act follows).
fn checked(mut trust: Trust, replay: Replay, own: &SiteLog) -> (Trust, Vec<Problem>) {
    trust.enter_log(own);
    trust.verify_signatures();
    let mut problems = std::mem::take(&mut trust.problems);
    problems.extend(replay.problems);
    (trust, problems)
}

fn heads_of(walked: &[crate::audit::merge::WalkedLog]) -> Vec<(SiteLog, Head)> {
    walked
        .iter()
        .map(|w| (w.log.clone(), w.head.clone()))
        .collect()
}

impl LogRead {
    /// What reading every site's log found, seen from this clone's own.
    fn of_sites(
        own: &SiteLog,
        walked: &[crate::audit::merge::WalkedLog],
        index: LogIndex,
        trust: Trust,
        problems: Vec<Problem>,
        settled: bool,
    ) -> LogRead {
        let mine = walked
            .iter()
            .find(|w| w.log == *own)
            .expect("this clone's log is among the store's");
        LogRead {
            own: own.clone(),
            sites: heads_of(walked),
            settled,
            index,
            head: mine.head.clone(),
            files: mine.files.clone(),
            registry: trust.registry,
            problems,
            ahead: trust.ahead,
        }
    }
}

/// When every transaction added since this machine last read the logs had read them all
/// at least that far (`merge::walk_sites_after`): only those are checked and replayed,
/// in merged order, on the index settled at the heads read before and the register kept
/// then, and the index is settled at the new heads. With none added, that is the index
/// and the register as they were. `None` when it cannot be done so.
fn pulled(
    db: &std::path::Path,
    store: &Store,
    witness: &Witness,
    logs: &[SiteLog],
    own: &SiteLog,
) -> Result<Option<LogRead>> {
    let Some(read): Option<Vec<Head>> = logs.iter().map(|l| witness.head_of(l)).collect() else {
        return Ok(None);
    };
    let before: Vec<(SiteLog, Head)> = logs.iter().cloned().zip(read.iter().cloned()).collect();
    let Some((checkpoint, index)) = crate::cache::index::load(db) else {
        return Ok(None);
    };
    if checkpoint.head != crate::audit::merge::combined_head(&before) {
        return Ok(None);
    }
    let mut trust = Trust::new(witness.registry.clone(), &store.root);
    trust.clock_of(own);
    // The new transactions come after every one read before, in any machine's order.
    let state = Sites {
        index,
        trust,
        replay: Replay::new(store, false),
        position: checkpoint.head.entries,
        first: store.config.store.site_code.clone(),
    };
    let Some(merged) = crate::audit::merge::walk_sites_after(&store.root, logs, &read, state)?
    else {
        return Ok(None);
    };
    let Sites {
        mut index,
        trust,
        replay,
        ..
    } = merged.state;
    let (trust, problems) = checked(trust, replay, own);
    let key = crate::audit::merge::combined_head(&heads_of(&merged.logs));
    if problems.is_empty() && key != checkpoint.head {
        crate::cache::index::settle(db, &key, &mut index);
    }
    let settled = index.settled_at() == Some(&key);
    Ok(Some(LogRead::of_sites(
        own,
        &merged.logs,
        index,
        trust,
        problems,
        settled,
    )))
}

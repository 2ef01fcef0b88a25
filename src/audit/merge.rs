//! A store of several sites keeps one log per site, each appended to by one clone only,
//! so offices exchanging work through git never conflict in it. Replay needs them as one
//! sequence. The first entry of each transaction records how far its site had read
//! every other log (`seen`): a transaction comes after what it had seen. Among the
//! transactions whose seen entries are all placed, another site's goes first (the
//! earliest by time, then site code), and the first site's log moves on only when none
//! is ready. As the register and the policy change at the first site alone, every act
//! is then judged by the register its site had seen. The order is the same on every
//! machine, so every clone replays the same history.
//!
//! A `seen` entry another log does not hold with that hash names a fork: that site's log
//! was cut or rewritten after another site had read it.

use super::chain::{Head, LogFiles, Plan, Seen, TxnEnd, Visit, walk_fresh};
use super::entry::Entry;
use crate::error::{Problem, ProblemKind, Result};
use crate::layout::SiteLog;
use std::collections::HashMap;
use std::path::Path;

/// One log as its walk left it.
pub struct WalkedLog {
    pub log: SiteLog,
    pub head: Head,
    pub files: LogFiles,
}

/// Every log walked and their transactions visited in merged order.
pub struct MergedWalk<V> {
    pub state: V,
    pub logs: Vec<WalkedLog>,
    pub problems: Vec<Problem>,
}

/// Every log's head as one key for the settled index of a store of several sites: the
/// entries and bytes of all of them, and a hash over each site's code, length and hash.
pub fn combined_head(heads: &[(SiteLog, Head)]) -> Head {
    let listed: String = heads
        .iter()
        .map(|(log, h)| format!("{} {} {}\n", log.code, h.entries, h.hash))
        .collect();
    Head {
        entries: heads.iter().map(|(_, h)| h.entries).sum(),
        hash: crate::layout::sha256_hex(listed.as_bytes()),
        len: heads.iter().map(|(_, h)| h.len).sum(),
    }
}

/// How a `seen` value writes a head: `N HASH`.
pub fn seen_value(head: &Head) -> String {
    format!("{} {}", head.entries, head.hash)
}

fn parse_seen(value: &str) -> Option<(u64, &str)> {
    let (n, hash) = value.split_once(' ')?;
    Some((n.parse().ok()?, hash))
}

/// One entry kept for the merged visit.
struct Held {
    line: u64,
    entry: Entry,
    sig: Vec<u8>,
}

/// One transaction of one log.
pub(super) struct Txn {
    entries: Vec<Held>,
    first: u64,
    pub(super) last: u64,
    sig: Vec<u8>,
    digest: [u8; 64],
    hash: String,
}

/// What places a transaction in the merged order, from its first entry: its time and
/// what it had read.
fn slim(e: &Entry) -> Entry {
    Entry {
        seq: e.seq,
        time: e.time.clone(),
        actor: String::new(),
        role: String::new(),
        action: String::new(),
        txn: None,
        record: String::new(),
        version: 0,
        files: Vec::new(),
        detail: Default::default(),
        seen: e.seen.clone(),
    }
}

impl Txn {
    /// When it was written (an unreadable time, named by the register checks, sorts first).
    fn when(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        crate::clock::parse(&self.entries[0].entry.time)
    }

    fn seen(&self) -> impl Iterator<Item = (&str, Option<(u64, &str)>)> {
        self.entries[0]
            .entry
            .seen
            .iter()
            .map(|(site, v)| (site.as_str(), parse_seen(v)))
    }
}

/// A log's transactions, as its walk found them: whole while the walk of every log may
/// still hold `WHOLE` entries (`budget`), and past that only what places them in the
/// merged order, each one's first entry's time and `seen`: their entries are then read
/// again as they are visited (`stream`).
struct Collect {
    txns: Vec<Txn>,
    open: Vec<Held>,
    budget: std::rc::Rc<std::cell::Cell<usize>>,
}

/// How many entries a merged walk holds whole, across every log, before it reads them
/// again as it visits them: a few tens of megabytes.
const WHOLE: usize = 20_000;

/// `WHOLE`, or in a debug build what `DOCKET_MERGE_WHOLE` says, so that tests read small
/// stores both ways.
fn whole() -> usize {
    #[cfg(debug_assertions)]
    if let Some(n) = std::env::var("DOCKET_MERGE_WHOLE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    WHOLE
}

impl Visit for Collect {
    fn entry(&mut self, seen: &Seen) -> Result<()> {
        let left = self.budget.get();
        if left == 0 && !self.open.is_empty() {
            return Ok(());
        }
        self.budget.set(left.saturating_sub(1));
        let (entry, sig) = match left {
            0 => (slim(seen.entry), Vec::new()),
            _ => (seen.entry.clone(), seen.sig.to_vec()),
        };
        self.open.push(Held {
            line: seen.line,
            entry,
            sig,
        });
        Ok(())
    }

    fn txn_end(&mut self, end: &TxnEnd) -> Result<()> {
        self.txns.push(Txn {
            entries: std::mem::take(&mut self.open),
            first: end.first,
            last: end.last,
            sig: end.sig.to_vec(),
            digest: end.digest,
            hash: end.hash.to_string(),
        });
        Ok(())
    }
}

/// Walk every log (each must extend the head `witnessed` gives for it) and visit their
/// transactions in merged order, telling the visitor which log each comes from. Past
/// `WHOLE` entries no transaction is held whole: the walk keeps of each only what places
/// it, and once the order is known every log is read again, on a thread of its own, its
/// entries handed over one at a time as the visitor takes them (`stream`).
pub fn walk_sites<V: Visit>(
    root: &Path,
    logs: &[SiteLog],
    witnessed: &dyn Fn(&SiteLog) -> Option<Head>,
    collect_all: bool,
    mut state: V,
) -> Result<MergedWalk<V>> {
    let heads: Vec<Option<Head>> = logs.iter().map(witnessed).collect();
    let (walked, txns, mut problems, held_whole) =
        walk_each(root, logs, &heads, false, collect_all)?;
    problems.extend(forks(&walked, &txns));
    let (order, stuck) = merge(&walked, &txns, &vec![0; walked.len()]);
    problems.extend(stuck);
    let walk = Walk {
        root,
        walked: &walked,
        txns: &txns,
        held_whole,
    };
    walk.visit_in_order(&order, &heads, (false, collect_all), &mut state)?;
    Ok(MergedWalk {
        state,
        logs: walked,
        problems,
    })
}

/// The first walk of every log, as the visit in merged order needs it.
struct Walk<'a> {
    root: &'a Path,
    walked: &'a [WalkedLog],
    txns: &'a [Vec<Txn>],
    held_whole: bool,
}

impl Walk<'_> {
    /// Visit the transactions `order` names: from memory when the first walk held them
    /// whole, else reading every log again (`stream`) as it was read first, after its
    /// head in `heads` (`after_read`) or from its start.
    fn visit_in_order<V: Visit>(
        &self,
        order: &[(usize, usize)],
        heads: &[Option<Head>],
        (after_read, collect_all): (bool, bool),
        state: &mut V,
    ) -> Result<()> {
        if self.held_whole {
            for &(i, t) in order {
                visit(state, &self.walked[i].log, &self.txns[i][t])?;
            }
            return Ok(());
        }
        let plans: Vec<Plan> = heads
            .iter()
            .map(|h| plan_of(h.as_ref(), after_read, collect_all))
            .collect();
        super::stream::visit_in_order(self.root, self.walked, &plans, order, self.txns, state)
    }
}

/// How a log is walked, extending `witness`: every entry parsed, or (`after_read`) only
/// those after it.
fn plan_of(witness: Option<&Head>, after_read: bool, collect_all: bool) -> Plan<'_> {
    Plan {
        parse_after: witness.filter(|_| after_read).map_or(0, |h| h.entries),
        checkpoint: None,
        witness,
        collect_all,
        sealed: None,
    }
}

/// A site whose log this machine had read and the store no longer holds.
pub fn gone(
    logs: &[SiteLog],
    witnessed: &std::collections::BTreeMap<String, Head>,
) -> Vec<Problem> {
    witnessed
        .iter()
        .filter(|(code, _)| !logs.iter().any(|l| !l.first && l.code == **code))
        .map(|(code, head)| Problem {
            at: crate::layout::LogRoot::of_site(code).open(),
            message: t!(
                "merge-site-log-gone",
                site = code.as_str(),
                n = head.entries
            ),
            kind: ProblemKind::Rollback,
        })
        .collect()
}

/// The logs walked, each log's transactions, what the walks found wrong, and whether
/// every transaction is held whole.
type Walks = (Vec<WalkedLog>, Vec<Vec<Txn>>, Vec<Problem>, bool);

/// Every log walked (each must extend its head in `read`), with its transactions: from
/// its start, or only those after that head (`after_read`).
fn walk_each(
    root: &Path,
    logs: &[SiteLog],
    read: &[Option<Head>],
    after_read: bool,
    collect_all: bool,
) -> Result<Walks> {
    let (mut walked, mut txns, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    let budget = std::rc::Rc::new(std::cell::Cell::new(whole()));
    for (log, seen) in logs.iter().zip(read) {
        let plan = plan_of(seen.as_ref(), after_read, collect_all);
        let collect = || Collect {
            txns: Vec::new(),
            open: Vec::new(),
            budget: budget.clone(),
        };
        let w = walk_fresh(root, &log.root, plan, collect)?;
        problems.extend(w.problems);
        txns.push(w.state.txns);
        walked.push(WalkedLog {
            log: log.clone(),
            head: w.head,
            files: w.files,
        });
    }
    Ok((walked, txns, problems, budget.get() > 0))
}

/// Each log's transactions' last entries and their hashes: what a `seen` may name.
fn ends_of(txns: &[Vec<Txn>]) -> Vec<HashMap<u64, &str>> {
    txns.iter()
        .map(|ts| ts.iter().map(|t| (t.last, t.hash.as_str())).collect())
        .collect()
}

/// Each log's place among `walked`, by its site's code.
fn by_code(walked: &[WalkedLog]) -> HashMap<&str, usize> {
    walked
        .iter()
        .enumerate()
        .map(|(i, w)| (w.log.code.as_str(), i))
        .collect()
}

fn visit<V: Visit>(state: &mut V, log: &SiteLog, txn: &Txn) -> Result<()> {
    state.enter_log(log);
    for h in &txn.entries {
        state.entry(&Seen {
            line: h.line,
            entry: &h.entry,
            sig: &h.sig,
        })?;
    }
    state.txn_end(&TxnEnd {
        first: txn.first,
        last: txn.last,
        hash: &txn.hash,
        sig: &txn.sig,
        digest: txn.digest,
    })
}

fn problem(log: &SiteLog, line: u64, message: String, kind: ProblemKind) -> Problem {
    Problem {
        at: format!("{}:{line}", log.root.open()),
        message,
        kind,
    }
}

/// Walk every log from where this machine had read it (`read`, each log's head then),
/// and visit the transactions added since in merged order, when every one of them had
/// read every other log at least that far: then they all come after what was read
/// before, on any machine, and replaying them on that state is replaying the whole.
/// `None`, with nothing visited, when one had not or a log has a problem: the caller
/// then replays every log from its start (`walk_sites`), which names the problem.
pub fn walk_sites_after<V: Visit>(
    root: &Path,
    logs: &[SiteLog],
    read: &[Head],
    mut state: V,
) -> Result<Option<MergedWalk<V>>> {
    let heads: Vec<Option<Head>> = read.iter().cloned().map(Some).collect();
    let (walked, txns, problems, held_whole) = walk_each(root, logs, &heads, true, false)?;
    if !problems.is_empty() || !all_after(&walked, &txns, read) {
        return Ok(None);
    }
    let start: Vec<u64> = read.iter().map(|h| h.entries).collect();
    let (order, stuck) = merge(&walked, &txns, &start);
    if !stuck.is_empty() {
        return Ok(None);
    }
    let walk = Walk {
        root,
        walked: &walked,
        txns: &txns,
        held_whole,
    };
    walk.visit_in_order(&order, &heads, (true, false), &mut state)?;
    Ok(Some(MergedWalk {
        state,
        logs: walked,
        problems: Vec::new(),
    }))
}

/// Whether every new transaction had read every other log at least as far as `read`,
/// and no less than the new transaction before it in its log, each entry it names being
/// that log's (the head read, or a new transaction's end).
fn all_after(walked: &[WalkedLog], txns: &[Vec<Txn>], read: &[Head]) -> bool {
    let ends = ends_of(txns);
    txns.iter().enumerate().all(|(i, ts)| {
        let mut so_far: Vec<u64> = read.iter().map(|h| h.entries).collect();
        ts.iter().all(|t| {
            (0..walked.len()).filter(|&j| j != i).all(|j| {
                let named = t
                    .seen()
                    .find(|(site, _)| *site == walked[j].log.code)
                    .and_then(|(_, v)| v);
                let holds = match named {
                    None => so_far[j] == 0,
                    Some((n, _)) if n < so_far[j] => false,
                    Some((n, hash)) if n == read[j].entries => hash == read[j].hash,
                    Some((n, hash)) => ends[j].get(&n) == Some(&hash),
                };
                so_far[j] = so_far[j].max(named.map_or(0, |(n, _)| n));
                holds
            })
        })
    })
}

/// Every `seen` entry that its log does not hold with that hash: a fork or a cut.
fn forks(walked: &[WalkedLog], txns: &[Vec<Txn>]) -> Vec<Problem> {
    let ends = ends_of(txns);
    let by_code = by_code(walked);
    let mut found = Vec::new();
    for (i, ts) in txns.iter().enumerate() {
        let log = &walked[i].log;
        // What this log's transactions had read never shrinks: a site cannot claim to
        // have read less than it had, to be judged by an older register.
        let mut read_so_far: HashMap<&str, u64> = HashMap::new();
        for t in ts {
            for (site, had) in &read_so_far {
                let now = t
                    .seen()
                    .find(|(s, _)| s == site)
                    .and_then(|(_, v)| v.map(|(n, _)| n))
                    .unwrap_or(0);
                if now < *had {
                    let m = t!("merge-seen-went-back", site = *site, had = *had, now = now);
                    found.push(problem(log, t.first, m, ProblemKind::Integrity));
                }
            }
            for (site, value) in t.seen() {
                if let Some((n, _)) = value {
                    let had = read_so_far.entry(site).or_default();
                    *had = (*had).max(n);
                }
            }
            for (site, value) in t.seen() {
                let (message, kind) = match (by_code.get(site), value) {
                    (_, None) => (
                        t!("merge-seen-unreadable", site = site),
                        ProblemKind::Integrity,
                    ),
                    (_, Some((0, _))) => continue,
                    (None, Some((n, _))) => (
                        t!("merge-seen-site-missing", site = site, n = n),
                        ProblemKind::Integrity,
                    ),
                    (Some(&j), Some((n, hash))) => match ends[j].get(&n) {
                        Some(h) if *h == hash => continue,
                        _ => (
                            t!(
                                "merge-site-forked",
                                site = site,
                                n = n,
                                held = walked[j].head.entries,
                                by = log.code.as_str()
                            ),
                            ProblemKind::Integrity,
                        ),
                    },
                };
                found.push(problem(log, t.first, message, kind));
            }
        }
    }
    found
}

/// The merged order, as (log, transaction) pairs, and a problem for each log whose
/// transactions could not all be placed; `start`: how many entries of each log are
/// placed already.
fn merge(
    walked: &[WalkedLog],
    txns: &[Vec<Txn>],
    start: &[u64],
) -> (Vec<(usize, usize)>, Vec<Problem>) {
    let by_code = by_code(walked);
    let mut next = vec![0usize; walked.len()];
    let mut placed = start.to_vec();
    let mut order = Vec::new();
    loop {
        let ready = |i: usize| {
            txns[i].get(next[i]).filter(|t| {
                t.seen()
                    .all(|(site, value)| match (by_code.get(site), value) {
                        (Some(&j), Some((n, _))) => j == i || placed[j] >= n,
                        _ => false,
                    })
            })
        };
        let other = (0..walked.len())
            .filter(|&i| !walked[i].log.first)
            .filter_map(|i| ready(i).map(|t| (i, t)))
            .min_by_key(|(i, t)| (t.when(), walked[*i].log.code.as_str()))
            .map(|(i, _)| i);
        let first = (0..walked.len()).find(|&i| walked[i].log.first && ready(i).is_some());
        let Some(i) = other.or(first) else { break };
        placed[i] = txns[i][next[i]].last;
        order.push((i, next[i]));
        next[i] += 1;
    }
    let stuck = (0..walked.len())
        .filter_map(|i| {
            let t = txns[i].get(next[i])?;
            Some(problem(
                &walked[i].log,
                t.first,
                t!("merge-cannot-place", left = txns[i].len() - next[i]),
                ProblemKind::Integrity,
            ))
        })
        .collect();
    (order, stuck)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-entry transaction at `line`, written at `time` (minutes past 9), having
    /// read `seen` of the other logs, its hash `h<line>`.
    fn txn(line: u64, minute: u32, seen: &[(&str, u64, &str)]) -> Txn {
        let entry = Entry {
            seq: line,
            time: format!("2026-03-01T09:{minute:02}:00+08:00"),
            actor: "a".into(),
            role: "r".into(),
            action: "x".into(),
            txn: None,
            record: String::new(),
            version: 0,
            files: Vec::new(),
            detail: Default::default(),
            seen: seen
                .iter()
                .map(|(s, n, h)| (s.to_string(), format!("{n} {h}")))
                .collect(),
        };
        Txn {
            entries: vec![Held {
                line,
                entry,
                sig: Vec::new(),
            }],
            first: line,
            last: line,
            sig: Vec::new(),
            digest: [0; 64],
            hash: format!("h{line}"),
        }
    }

    fn walked(code: &str, first: bool, entries: u64) -> WalkedLog {
        WalkedLog {
            log: match first {
                true => SiteLog::first(code),
                false => SiteLog::other(code),
            },
            head: Head {
                entries,
                hash: format!("h{entries}"),
                len: 0,
            },
            files: LogFiles::default(),
        }
    }

    #[test]
    fn each_transaction_comes_after_what_it_had_read_and_other_sites_go_first() {
        let logs = [walked("MAIN", true, 3), walked("HZ", false, 2)];
        let txns = vec![
            // MAIN 3 had read HZ up to 2; HZ 1 and 2 had read MAIN up to 1.
            vec![
                txn(1, 0, &[]),
                txn(2, 5, &[]),
                txn(3, 1, &[("HZ", 2, "h2")]),
            ],
            vec![
                txn(1, 9, &[("MAIN", 1, "h1")]),
                txn(2, 9, &[("MAIN", 1, "h1")]),
            ],
        ];
        let (order, stuck) = merge(&logs, &txns, &[0, 0]);
        assert!(stuck.is_empty());
        // HZ's go as soon as MAIN 1 is placed, before MAIN 2 though it is dated earlier.
        assert_eq!(order, vec![(0, 0), (1, 0), (1, 1), (0, 1), (0, 2)]);
        assert!(forks(&logs, &txns).is_empty());
    }

    #[test]
    fn a_read_entry_the_log_no_longer_holds_is_a_fork_and_reading_never_shrinks() {
        let logs = [walked("MAIN", true, 2), walked("HZ", false, 2)];
        let txns = vec![
            vec![txn(1, 0, &[]), txn(2, 5, &[("HZ", 2, "other")])],
            vec![txn(1, 1, &[("MAIN", 1, "h1")]), txn(2, 2, &[])],
        ];
        let found: Vec<String> = forks(&logs, &txns).iter().map(|p| p.to_string()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("records/audit.log:2: site HZ forked at entry 2"));
        assert!(found[1].starts_with("records/_sites/HZ/audit.log:2: this transaction says its site had read 0 entries of site MAIN's log, fewer than the 1"));
        // A transaction that read past a log's end waits for ever: named, never placed.
        let cut = [walked("MAIN", true, 1), walked("HZ", false, 1)];
        let txns = vec![vec![txn(1, 0, &[("HZ", 5, "h5")])], vec![txn(1, 1, &[])]];
        let (order, stuck) = merge(&cut, &txns, &[0, 0]);
        assert_eq!(order, vec![(1, 0)]);
        assert_eq!(stuck.len(), 1);
    }

    #[test]
    fn only_what_had_read_all_that_was_read_before_is_replayed_on_it() {
        // This machine read MAIN up to 2 and HZ up to 1; HZ then wrote 2 and 3.
        let logs = [walked("MAIN", true, 2), walked("HZ", false, 3)];
        let read = [logs[0].head.clone(), walked("HZ", false, 1).head];
        let after = |hz: Vec<Txn>| all_after(&logs, &[Vec::new(), hz], &read);
        assert!(after(vec![
            txn(2, 1, &[("MAIN", 2, "h2")]),
            txn(3, 2, &[("MAIN", 2, "h2")])
        ]));
        // Had read less of MAIN than this machine: it may come before what was read.
        assert!(!after(vec![txn(2, 1, &[("MAIN", 1, "h1")])]));
        // Named a MAIN entry with another hash, or read less than the one before it.
        assert!(!after(vec![txn(2, 1, &[("MAIN", 2, "other")])]));
        let more = [walked("MAIN", true, 3), walked("HZ", false, 3)];
        let read = [walked("MAIN", true, 2).head, walked("HZ", false, 1).head];
        let main_new = vec![txn(3, 0, &[("HZ", 1, "h1")])];
        let went_back = vec![
            txn(2, 1, &[("MAIN", 3, "h3")]),
            txn(3, 2, &[("MAIN", 2, "h2")]),
        ];
        assert!(!all_after(&more, &[main_new, went_back], &read));
    }
}

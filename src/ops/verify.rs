//! `verify` checks everything and reports every problem; `recover` moves aside what an
//! interrupted command left behind (never deleting), so the store verifies again.

use crate::audit::chain::{Nothing, Plan, Seen, TxnEnd, Visit, walk_fresh};
use crate::audit::merge::walk_sites;
use crate::audit::trust::{Registry, Trust};
use crate::audit::{Head, LogIndex};
use crate::error::{IoContext, Problem, Result};
use crate::journal::Transaction;
use crate::layout::{CACHE_DIR, LOCK_NAME, LOG_NAME, QUARANTINE_DIR, SiteLog, sha256_hex};
use crate::ops::path_list::PathList;
use crate::replay::{At, Replay};
use crate::session::Writer;
use crate::store::Store;
use crate::witness;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

pub struct Report {
    pub head: Head,
    pub files: usize,
    pub records: usize,
    pub problems: Vec<Problem>,
}

/// Store-relative paths of every file under `records/`, except the log's segments, lock,
/// cache and quarantine.
pub fn store_files(store: &Store) -> Result<Vec<String>> {
    let mut out = Vec::new();
    each_store_file(store, &mut |p| out.push(p))?;
    Ok(out)
}

/// `store_files`, held front-coded (`PathList`): a million of them in megabytes.
fn store_file_list(store: &Store) -> Result<PathList> {
    let mut out = PathList::default();
    each_store_file(store, &mut |p| out.push(&p))?;
    Ok(out)
}

/// Whether `rel` is a segment of one of the store's logs.
fn is_log_file(logs: &[SiteLog], rel: &str) -> bool {
    logs.iter()
        .any(|l| l.root.open() == rel || l.root.parse_segment(rel).is_some())
}

/// Each file `store_files` lists, in order.
fn each_store_file(store: &Store, each: &mut dyn FnMut(String)) -> Result<()> {
    let skip: BTreeSet<&str> = [LOG_NAME, LOCK_NAME, CACHE_DIR, QUARANTINE_DIR]
        .into_iter()
        .collect();
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    fn walk(
        root: &Path,
        rel: &str,
        skip: &BTreeSet<&str>,
        logs: &[SiteLog],
        each: &mut dyn FnMut(String),
    ) -> Result<()> {
        let dir = root.join(rel);
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .at(&dir)?
            .filter_map(|e| e.ok())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let child = format!("{rel}/{}", e.file_name().to_string_lossy());
            if skip.contains(child.as_str()) || is_log_file(logs, &child) {
                continue;
            }
            let ty = e.file_type().at(e.path())?;
            if ty.is_dir() {
                walk(root, &child, skip, logs, each)?;
            } else {
                each(child);
            }
        }
        Ok(())
    }
    walk(&store.root, "records", &skip, &logs, each)
}

/// Records and other files added to `verify`'s index in memory before they are written
/// to its copy on disk: its memory stays flat whatever the store's size. Small in tests,
/// so that their stores go through the copy.
const SPILL_EVERY: usize = if cfg!(debug_assertions) { 50 } else { 100_000 };

/// The full walk: the index, every entry checked against the register and replayed
/// under the rules in force at its place.
struct Full {
    index: LogIndex,
    trust: Trust,
    replay: Replay,
    copy: DiskCopy,
    /// The store's first site's code.
    first: String,
}

/// The state of the index's copy on disk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DiskCopy {
    /// Nothing written yet: a small store's index stays in memory alone.
    Unused,
    /// What the index added was written there at least once.
    Used,
    /// A write there failed: what follows stays in memory, and `verify` fails.
    Failed,
}

impl Visit for Full {
    fn enter_log(&mut self, log: &SiteLog) {
        self.trust.enter_log(log);
        self.replay.enter_log(log);
        self.index.begin_txn(log, &self.first);
    }

    fn entry(&mut self, seen: &Seen) -> Result<()> {
        self.trust.entry(seen)?;
        self.replay.entry(&At {
            line: seen.line,
            entry: seen.entry,
            registry: &self.trust.registry,
            index: &self.index,
        });
        self.index.add(seen.entry);
        if let Some(path) = self.replay.take_checked() {
            self.index.mark_checked(&path);
        }
        if self.index.added_count() >= SPILL_EVERY && self.copy != DiskCopy::Failed {
            // The temporary folder full or failing is said at the end, once.
            self.copy = match crate::cache::index::spill(&mut self.index) {
                true => DiskCopy::Used,
                false => DiskCopy::Failed,
            };
        }
        Ok(())
    }
    fn txn_end(&mut self, end: &TxnEnd) -> Result<()> {
        self.index.end_txn();
        self.trust.txn_end(end)
    }
}

/// Check everything: the chain from genesis, every signature (on all cores) against the
/// key registered at that point, that the log extends this machine's witness, and every
/// file against its logged hash.
pub fn verify(store: &Store) -> Result<Report> {
    let witness = witness::file_for(&store.config.store.id, &store.root);
    check(store, witness, || store_file_list(store))
}

/// Check a copy of the store (the tree staged for a commit) as `verify` does, but with no
/// machine's witness: the copy is not the store this machine keeps checking.
pub fn verify_copy(store: &Store) -> Result<Report> {
    check(store, None, || store_file_list(store))
}

/// Check the store as if only the files of `records/` in `present` were there (the ones
/// staged for a commit, when they are the folder's own bytes), with no machine's witness.
pub fn verify_as_staged(store: &Store, present: Vec<String>) -> Result<Report> {
    let skip = [LOG_NAME, LOCK_NAME, CACHE_DIR, QUARANTINE_DIR];
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    let kept: Vec<String> = present
        .into_iter()
        .filter(|p| p.starts_with("records/") && !is_log_file(&logs, p))
        .filter(|p| {
            !skip
                .iter()
                .any(|s| p == s || p.starts_with(&format!("{s}/")))
        })
        .collect();
    check(store, None, move || Ok(kept.into_iter().collect()))
}

fn check(
    store: &Store,
    witness_file: Option<std::path::PathBuf>,
    list: impl FnOnce() -> Result<PathList> + Send,
) -> Result<Report> {
    // Problems name fields, roles and kinds by their titles, read from the store's schema
    // files (only words: what is checked is the policy the log applied).
    if let Ok(schemas) = crate::schema::Schemas::load(&store.schemas_dir(), "schemas") {
        crate::i18n::remember_titles(crate::schema::title::titles_in(
            &schemas,
            crate::i18n::current(),
        ));
    }
    let seen = match &witness_file {
        Some(f) => witness::load(f)?,
        None => None,
    };
    let seen_head = seen.as_ref().map(|w| w.head());
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    // Two cores: one lists the files present while the other walks and replays the log.
    let (walked, present) = std::thread::scope(|s| {
        let lister = s.spawn(list);
        let walked = walk_all(store, &logs, seen.as_ref());
        let present = lister
            .join()
            .unwrap_or_else(|_| Err(crate::error::Error::Internal("listing failed".into())));
        (walked, present)
    });
    let (walked, present) = (walked?, present?);
    let Walk {
        state:
            Full {
                mut index,
                mut trust,
                replay,
                copy,
                ..
            },
        head,
        mut problems,
        sealed,
        sites,
    } = walked;
    if copy == DiskCopy::Unused {
        index.drop_base();
    } else if copy == DiskCopy::Failed || !crate::cache::index::spill(&mut index) {
        return Err(crate::error::Error::io_hint(
            std::env::temp_dir(),
            std::io::Error::other(t!("verify-scratch-not-written")),
            &t!("verify-scratch-hint"),
        ));
    }
    trust.verify_signatures();
    problems.append(&mut trust.problems);
    problems.append(&mut trust.ahead);
    problems.extend(replay.problems);
    problems.extend(quarantine_problems(store, &replay.quarantines));
    let drift = crate::policy::applied::drift(store, &trust.registry.policy_files)?;
    if !crate::session::proposed_live(store, &trust.registry)? {
        problems.extend(crate::policy::applied::drift_problems(
            &drift,
            trust.registry.policy,
        ));
    }
    let (found, logged_present) = file_problems(store, &index, &present)?;
    problems.extend(found);
    for rel in missing_files(&index, &present, logged_present) {
        problems.push(Problem {
            at: rel,
            message: t!("verify-logged-but-missing-restore"),
            ..Default::default()
        });
    }
    if problems.is_empty()
        && let Some(file) = &witness_file
        && (seen_head.as_ref() != Some(&head)
            || seen
                .as_ref()
                .is_some_and(|w| w.sealed != sealed || w.sites != sites))
    {
        let w = witness::Witness {
            store: store.config.store.id.clone(),
            root: store.root.to_string_lossy().into_owned(),
            entries: head.entries,
            len: head.len,
            head: head.hash.clone(),
            registry: trust.registry.clone(),
            sealed,
            sites,
        };
        witness::save(file, &w)?;
    }
    Ok(Report {
        head,
        files: present.len(),
        records: index.record_count(),
        problems,
    })
}

/// `verify`'s walk of the log, or of every site's log merged (`audit::merge`).
struct Walk {
    state: Full,
    /// The first site's log: its head and its sealed segments as verified.
    head: Head,
    sealed: Option<crate::audit::segments::SealedTrust>,
    problems: Vec<Problem>,
    /// Every other site's head.
    sites: BTreeMap<String, Head>,
}

fn walk_all(store: &Store, logs: &[SiteLog], seen: Option<&witness::Witness>) -> Result<Walk> {
    let full = |read_ahead: bool| Full {
        index: crate::cache::index::scratch().unwrap_or_else(LogIndex::lean),
        trust: Trust::new(Registry::default(), &store.root),
        replay: match read_ahead {
            true => Replay::new(store, true).read_ahead(),
            false => Replay::new(store, true),
        },
        copy: DiskCopy::Unused,
        first: store.config.store.site_code.clone(),
    };
    let witnessed_sites = seen.is_some_and(|w| !w.sites.is_empty());
    if logs.len() == 1 && !witnessed_sites {
        let seen_head = seen.map(|w| w.head());
        let plan = Plan {
            parse_after: 0,
            checkpoint: None,
            witness: seen_head.as_ref(),
            collect_all: true,
            sealed: None,
        };
        let walked = walk_fresh(&store.root, &logs[0].root, plan, || full(true))?;
        return Ok(Walk {
            state: walked.state,
            head: walked.head,
            sealed: walked.files.sealed,
            problems: walked.problems,
            sites: BTreeMap::new(),
        });
    }
    // The read-ahead follows one log; merged, each act's file is read in its turn.
    let witnessed = |log: &SiteLog| seen.and_then(|w| w.head_of(log));
    let mut merged = walk_sites(&store.root, logs, &witnessed, true, full(false))?;
    if let Some(w) = seen {
        merged
            .problems
            .extend(crate::audit::merge::gone(logs, &w.sites));
    }
    // The register's clock as the witness keeps it: this clone's own log's.
    let own = crate::store::site::of_clone(&store.root).ok().flatten();
    let own = logs.iter().find(|l| Some(&l.code) == own.as_ref());
    merged.state.trust.enter_log(own.unwrap_or(&logs[0]));
    let first = merged
        .logs
        .iter()
        .find(|w| w.log.first)
        .expect("a first site");
    Ok(Walk {
        head: first.head.clone(),
        // Several sites' logs are walked whole every run: no sealed segment is trusted.
        sealed: None,
        sites: merged
            .logs
            .iter()
            .filter(|w| !w.log.first)
            .map(|w| (w.log.code.clone(), w.head.clone()))
            .collect(),
        state: merged.state,
        problems: merged.problems,
    })
}

/// What `recover` moved aside is evidence (of a command killed mid-write, or of files put
/// in by hand): each quarantine folder a `recover` entry names must still hold as many
/// files as it moved there.
fn quarantine_problems(store: &Store, quarantines: &[(u64, String, u64)]) -> Vec<Problem> {
    fn count(dir: &Path) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .filter_map(|e| e.ok())
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => count(&e.path()),
                Ok(_) => 1,
                Err(_) => 0,
            })
            .sum()
    }
    quarantines
        .iter()
        .filter_map(|(line, folder, moved)| {
            let held = count(&store.abs(folder));
            (held < *moved).then(|| Problem {
                at: folder.clone(),
                message: t!(
                    "verify-quarantine-emptied",
                    moved = *moved,
                    line = *line,
                    held = held
                ),
                ..Default::default()
            })
        })
        .collect()
}

/// Above this many files, `verify` reads them on every core.
const PARALLEL_FILES: usize = 4096;

/// What is wrong with the files present: any the log does not hold, and any whose bytes
/// are not the ones logged — read on every core, but for those replay read already. With
/// how many of them the log holds.
fn file_problems(
    store: &Store,
    index: &LogIndex,
    present: &PathList,
) -> Result<(Vec<Problem>, usize)> {
    use rayon::prelude::*;
    // What is wrong with one file, and whether the log holds it.
    let check = |rel: &String| -> Result<(Option<Problem>, bool)> {
        let problem = |message: String| Problem {
            at: rel.clone(),
            message,
            ..Default::default()
        };
        match index.logged(rel) {
            None => Ok((Some(problem(t!("verify-present-but-not-logged"))), false)),
            Some((_, true)) => Ok((None, true)),
            Some((expected, false)) => {
                let bytes = std::fs::read(store.abs(rel)).at(store.abs(rel))?;
                let differs = sha256_hex(&bytes) != expected;
                Ok((
                    differs.then(|| problem(t!("verify-does-not-match-hash"))),
                    true,
                ))
            }
        }
    };
    let check_chunk = |(n, chunk): (usize, Vec<String>)| -> Result<(usize, Vec<Problem>, usize)> {
        let (mut out, mut logged) = (Vec::new(), 0);
        for rel in &chunk {
            let (problem, is_logged) = check(rel)?;
            out.extend(problem);
            logged += usize::from(is_logged);
        }
        Ok((n, out, logged))
    };
    // Starting the thread pool costs more than reading a small store's files.
    let chunks = present.chunks(1024).enumerate();
    // An index on disk answers one look at a time: more threads would only wait.
    let parallel = present.len() > PARALLEL_FILES && index.base().is_none();
    let mut found: Vec<Result<(usize, Vec<Problem>, usize)>> = if parallel {
        chunks.par_bridge().map(check_chunk).collect()
    } else {
        chunks.map(check_chunk).collect()
    };
    // In the order listed, whichever thread checked them.
    found.sort_by_key(|f| f.as_ref().map_or(0, |(n, _, _)| *n));
    let (mut out, mut logged) = (Vec::new(), 0);
    for f in found {
        let (_, problems, n) = f?;
        out.extend(problems);
        logged += n;
    }
    Ok((out, logged))
}

/// The logged files that are not present, in path order. Present paths are distinct, and
/// so are logged ones: when as many present files are logged as the log holds, none is
/// missing, and the paths need not be compared.
fn missing_files(index: &LogIndex, present: &PathList, logged_present: usize) -> Vec<String> {
    if logged_present == index.file_count() {
        return Vec::new();
    }
    let present: HashSet<u128> = present
        .iter()
        .map(|p| crate::layout::path_key(&p))
        .collect();
    let mut missing: Vec<String> = index
        .all_files()
        .map(|(p, _)| p)
        .filter(|p| !present.contains(&crate::layout::path_key(p)))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// Check the hash chain alone, at hashing speed: no entry is parsed, no file read.
pub fn verify_chain(store: &Store) -> Result<(Head, Vec<Problem>)> {
    let plan = Plan {
        parse_after: u64::MAX,
        collect_all: true,
        ..Plan::default()
    };
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    let mut first = None;
    let mut problems = Vec::new();
    for log in &logs {
        let w = walk_fresh(&store.root, &log.root, plan, || Nothing)?;
        problems.extend(w.problems);
        first.get_or_insert(w.head);
    }
    Ok((first.unwrap_or_else(Head::genesis), problems))
}

pub struct Recovered {
    pub moved: Vec<String>,
    pub torn_bytes: u64,
    pub quarantine: String,
}

/// Move unlogged files (and a torn last log line) into `records/.quarantine/<time>/`,
/// logged as one signed act. The writer was opened for recovery: the log is whole but for
/// a torn last line.
/// `recover` moves files only within the store: a folder on the way to the quarantine
/// (`records`, `records/.quarantine`, …) that is a symbolic link could lead out of it.
fn refuse_links_on_the_way(store: &Store, rel: &str) -> Result<()> {
    let mut path = String::new();
    for part in rel.split('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(part);
        let Ok(meta) = std::fs::symlink_metadata(store.abs(&path)) else {
            return Ok(()); // not there yet: recover makes it, as a folder
        };
        if meta.file_type().is_symlink() {
            let to = std::fs::read_link(store.abs(&path)).unwrap_or_default();
            return Err(crate::error::Error::integrity(
                path.clone(),
                t!("verify-quarantine-is-link", to = to.display().to_string()),
            ));
        }
    }
    Ok(())
}

pub fn recover(w: &mut Writer) -> Result<Recovered> {
    w.require("recover", &t!("verify-recover-store"))?;
    let store = w.store().clone();
    let quarantine = format!("{QUARANTINE_DIR}/{}", w.now().format("%Y%m%dT%H%M%S"));
    refuse_links_on_the_way(&store, &quarantine)?;
    let moved: Vec<String> = store_files(&store)?
        .into_iter()
        .filter(|rel| w.index().sha_of(rel).is_none())
        .collect();
    let torn_bytes = if w.torn_tail() {
        let log = store.log_path();
        let open_len = w.head().len - w.log_files().open_start.len;
        std::fs::metadata(&log).at(&log)?.len() - open_len
    } else {
        0
    };
    if moved.is_empty() && torn_bytes == 0 {
        return Ok(Recovered {
            moved,
            torn_bytes,
            quarantine: String::new(),
        });
    }
    let mut txn = Transaction::begin(w);
    for rel in &moved {
        txn.quarantine(rel);
    }
    if torn_bytes > 0 {
        txn.cut_torn_tail();
    }
    let act = crate::audit::act::Act::Recover {
        moved: moved.len() as u64,
        torn_bytes,
        quarantine: quarantine.clone(),
    };
    txn.act(&act, Vec::new());
    txn.commit()?;
    Ok(Recovered {
        moved,
        torn_bytes,
        quarantine,
    })
}

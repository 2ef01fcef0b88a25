//! `verify` checks everything and reports every problem; `recover` moves aside what an
//! interrupted command left behind (never deleting), so the store verifies again.

use crate::audit::{self, Head, LogIndex};
use crate::error::{IoContext, Problem, Result};
use crate::journal::{Transaction, sync_dir};
use crate::layout::{CACHE_DIR, LOCK_NAME, LOG_NAME, QUARANTINE_DIR, sha256_hex};
use crate::session::Session;
use crate::store::Store;
use std::collections::BTreeSet;
use std::path::Path;

pub struct Report {
    pub head: Head,
    pub files: usize,
    pub records: usize,
    pub problems: Vec<Problem>,
}

/// Store-relative paths of every file under `records/`, except the log, lock, cache and quarantine.
pub fn store_files(store: &Store) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let skip: BTreeSet<&str> = [LOG_NAME, LOCK_NAME, CACHE_DIR, QUARANTINE_DIR]
        .into_iter()
        .collect();
    fn walk(root: &Path, rel: &str, skip: &BTreeSet<&str>, out: &mut Vec<String>) -> Result<()> {
        let dir = root.join(rel);
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .at(&dir)?
            .filter_map(|e| e.ok())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let child = format!("{rel}/{}", e.file_name().to_string_lossy());
            if skip.contains(child.as_str()) {
                continue;
            }
            let ty = e.file_type().at(e.path())?;
            if ty.is_dir() {
                walk(root, &child, skip, out)?;
            } else {
                out.push(child);
            }
        }
        Ok(())
    }
    walk(&store.root, "records", &skip, &mut out)?;
    Ok(out)
}

pub fn verify(store: &Store) -> Result<Report> {
    let audit::chain::Walked {
        state: index,
        head,
        mut problems,
    } = audit::chain::walk_all(&store.log_path(), true, LogIndex::default, |index, _, e| {
        index.add(e);
        Ok(())
    })?;
    let present = store_files(store)?;
    let present_set: BTreeSet<&String> = present.iter().collect();
    for rel in &present {
        match index.sha_of(rel) {
            None => problems.push(Problem {
                at: rel.clone(),
                message: "present but not logged (left by an interrupted command, or added by hand): `docket recover` moves it aside".into(),
            }),
            Some(expected) => {
                let bytes = std::fs::read(store.abs(rel)).at(store.abs(rel))?;
                if sha256_hex(&bytes) != expected {
                    problems.push(Problem {
                        at: rel.clone(),
                        message: "does not match the hash the audit log holds: it was changed outside docket; restore it from git".into(),
                    });
                }
            }
        }
    }
    let mut missing: Vec<String> = index
        .all_files()
        .map(|(p, _)| p)
        .filter(|p| !present_set.contains(p))
        .collect();
    missing.sort();
    for rel in missing {
        problems.push(Problem {
            at: rel,
            message: "logged but missing: restore it from git or a backup".into(),
        });
    }
    Ok(Report {
        head,
        files: present.len(),
        records: index.records.len(),
        problems,
    })
}

/// Check the hash chain alone, at hashing speed: no entry is parsed, no file read.
pub fn verify_chain(store: &Store) -> Result<(Head, Vec<Problem>)> {
    let walked = audit::chain::walk_state(
        &store.log_path(),
        true,
        audit::chain::Parse::None,
        || (),
        |_, _, _| Ok(()),
    )?;
    let w = walked.expect("no checkpoint, never stale");
    Ok((w.head, w.problems))
}

pub struct Recovered {
    pub moved: Vec<String>,
    pub torn_bytes: u64,
    pub quarantine: String,
}

/// Move unlogged files (and a torn last log line) into `records/.quarantine/<time>/`.
/// The session was opened for recovery: the log is whole but for a torn last line.
pub fn recover(session: &mut Session) -> Result<Recovered> {
    session.require("recover", "recover the store")?;
    let store = session.store.clone();
    let stamp = session.now.format("%Y%m%dT%H%M%SZ").to_string();
    let quarantine = format!("{QUARANTINE_DIR}/{stamp}");
    let qdir = store.abs(&quarantine);
    let mut moved = Vec::new();
    for rel in store_files(&store)? {
        if session.index.sha_of(&rel).is_some() {
            continue;
        }
        let target = qdir.join(rel.strip_prefix("records/").unwrap_or(&rel));
        std::fs::create_dir_all(target.parent().expect("has parent")).at(&target)?;
        std::fs::rename(store.abs(&rel), &target).at(&target)?;
        moved.push(rel);
    }
    let mut torn_bytes = 0;
    if session.torn_tail {
        let log = store.log_path();
        let bytes = std::fs::read(&log).at(&log)?;
        let tail = &bytes[session.head.len as usize..];
        torn_bytes = tail.len() as u64;
        std::fs::create_dir_all(&qdir).at(&qdir)?;
        std::fs::write(qdir.join("audit.log.torn-tail"), tail).at(&qdir)?;
        sync_dir(&qdir)?;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .at(&log)?;
        f.set_len(session.head.len).at(&log)?;
        f.sync_all().at(&log)?;
        session.torn_tail = false;
    }
    if moved.is_empty() && torn_bytes == 0 {
        return Ok(Recovered {
            moved,
            torn_bytes,
            quarantine: String::new(),
        });
    }
    sync_dir(&store.abs("records"))?;
    let mut tx = Transaction::new();
    let mut entry = session.entry("recover", "", 0, Vec::new());
    entry.detail.insert("moved".into(), moved.len().to_string());
    entry
        .detail
        .insert("torn_bytes".into(), torn_bytes.to_string());
    entry.detail.insert("quarantine".into(), quarantine.clone());
    tx.log(entry);
    session.commit(tx)?;
    Ok(Recovered {
        moved,
        torn_bytes,
        quarantine,
    })
}

//! The tamper suite: on a small store with records in every state (an archived contract
//! with its papers among them), bytes of the audit log, of every record file, attachment
//! and policy file are changed one at a time, log lines are deleted, duplicated, swapped
//! and inserted, the tail is cut with its files, and the chain is rewritten from genesis
//! with a key that is not the actors'. Every mutation must be caught (exit 3, naming the
//! entry or file). CI changes a fixed sample of positions; `DOCKET_TAMPER_ALL=1` changes
//! every byte (README "Testing" gives the time it takes).

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A store with records in every state.
fn store() -> TestStore {
    let s = TestStore::new();
    let home = s.residential();
    let shop = s.customer("commercial", &[]);
    let install = |customer: &str, extra: &[&str]| {
        let mut pairs = vec![
            format!("customer={customer}"),
            "payment_plan=lump-sum".to_string(),
            "schedule_required=false".into(),
            "property_dispute=false".into(),
            "signed_on=2026-02-20".into(),
        ];
        pairs.extend(extra.iter().map(|x| x.to_string()));
        s.create("alice", "installation", &strs(&pairs))
    };
    let tariff = ["installation_fee=2800.00", "fee_basis=tariff"];
    let budget = [
        "installation_fee=18600.00",
        "fee_basis=budget",
        "budget_amount=18600.00",
    ];
    let _pending = install(&shop, &budget);
    let rejected = install(&shop, &budget);
    s.ok(
        "mona",
        &["reject", &rejected, "--reason", "no budget sheet"],
    );
    let _active = install(&home, &tariff);
    let terminated = install(&home, &tariff);
    s.ok(
        "alice",
        &["terminate", &terminated, "--reason", "moved away"],
    );
    let archived = install(&home, &tariff);
    s.ok("alice", &["complete", &archived]);
    let papers = s.path("../papers");
    std::fs::create_dir_all(&papers).unwrap();
    std::fs::write(
        papers.join("approval.txt"),
        "approved by the market department\n",
    )
    .unwrap();
    std::fs::write(papers.join("notice.txt"), "gas delivery notice SQ-1\n").unwrap();
    s.ok(
        "arch",
        &[
            "archive",
            &archived,
            "--attach",
            papers.join("approval.txt").to_str().unwrap(),
            "--attach",
            papers.join("notice.txt").to_str().unwrap(),
        ],
    );
    s.ok(
        "audrey",
        &["show", &home, "--reveal", "--purpose", "audit sample"],
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    s
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file a mutation may touch: the log, record files, attachments, policy files.
fn targets(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            // Not the store's: git's files, and which site this clone writes as (a changed
            // one only stops this clone writing).
            let outside = rel == ".gitignore" || rel == ".git" || rel == ".docket-site";
            if rel == "records/.lock" || rel.starts_with("records/.cache") || outside {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(root, &e.path(), out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

/// A copy of the store for one worker, sharing nothing with the others.
struct Worker {
    dir: tempfile::TempDir,
}

impl Worker {
    /// A copy in a folder of its own, verified once so this "machine" has seen its log.
    fn new(s: &TestStore) -> Worker {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(s.dir.path(), dir.path());
        let w = Worker { dir };
        assert_eq!(w.verify().0, 0);
        w
    }
    fn root(&self) -> PathBuf {
        self.dir.path().join("store")
    }
    /// `verify` on this copy: the exit code and stderr.
    fn verify(&self) -> (i32, String) {
        let out = docket()
            .current_dir(self.root())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .arg("verify")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// A small deterministic generator, so the sample is the same on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

/// (file, byte position) pairs to change: every byte, or a fixed sample.
fn positions(root: &Path, files: &[String], sample: Option<usize>) -> Vec<(String, usize)> {
    let all: Vec<(String, usize)> = files
        .iter()
        .flat_map(|f| {
            let len = std::fs::metadata(root.join(f)).unwrap().len() as usize;
            (0..len).map(move |i| (f.clone(), i))
        })
        .collect();
    let Some(n) = sample.filter(|n| *n < all.len()) else {
        return all;
    };
    let mut rng = Lcg(20_261_128);
    let log = "records/audit.log";
    // Half the sample in the log, half in the files it vouches for.
    let (in_log, others): (Vec<_>, Vec<_>) = all.into_iter().partition(|(f, _)| f == log);
    let mut out = Vec::new();
    for (pool, k) in [(&in_log, n / 2), (&others, n - n / 2)] {
        for _ in 0..k {
            out.push(pool[rng.next(pool.len())].clone());
        }
    }
    out
}

#[test]
fn every_changed_byte_is_caught() {
    let s = store();
    let files = targets(&s.root());
    let sample = if std::env::var_os("DOCKET_TAMPER_ALL").is_some() {
        None
    } else {
        Some(2000)
    };
    let plan = positions(&s.root(), &files, sample);
    let workers = 2;
    let chunks: Vec<Vec<(String, usize)>> = (0..workers)
        .map(|w| plan.iter().skip(w).step_by(workers).cloned().collect())
        .collect();
    let missed: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let s = &s;
                scope.spawn(move || {
                    let w = Worker::new(s);
                    let mut missed = Vec::new();
                    for (file, at) in chunk {
                        let path = w.root().join(file);
                        let original = std::fs::read(&path).unwrap();
                        let mut bytes = original.clone();
                        bytes[*at] ^= 0x01;
                        std::fs::write(&path, &bytes).unwrap();
                        let (code, err) = w.verify();
                        let named = err.contains(file.as_str());
                        if code != INTEGRITY || !named {
                            missed.push(format!("{file}@{at}: exit {code}: {err}"));
                        }
                        std::fs::write(&path, &original).unwrap();
                    }
                    missed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    println!(
        "tamper suite: changed {} bytes in {} files, one at a time",
        plan.len(),
        files.len()
    );
    assert!(
        missed.is_empty(),
        "{} mutations missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
    assert!(plan.len() >= 2000);
}

/// Whole-line mutations of the log: each must be caught, naming a line of the log.
#[test]
fn deleted_duplicated_swapped_and_inserted_lines_are_caught() {
    let s = store();
    let log = s.log_text();
    let lines: Vec<&str> = log.lines().collect();
    let n = lines.len();
    let mut tried = 0;
    let w = Worker::new(&s);
    let write = |ls: &[&str]| {
        std::fs::write(
            w.root().join("records/audit.log"),
            ls.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap()
    };
    for i in 0..n {
        let mut deleted = lines.clone();
        deleted.remove(i);
        let mut duplicated = lines.clone();
        duplicated.insert(i, lines[i]);
        let mut swapped = lines.clone();
        swapped.swap(i, (i + 1) % n);
        let mut inserted = lines.clone();
        let foreign = format!(
            "{} {} {{\"seq\":{}}} -",
            "1".repeat(64),
            "2".repeat(64),
            i + 1
        );
        inserted.insert(i, &foreign);
        for (what, ls) in [
            ("deleted", deleted),
            ("duplicated", duplicated),
            ("swapped", swapped),
            ("inserted", inserted),
        ] {
            write(&ls);
            let (code, err) = w.verify();
            assert_eq!(code, INTEGRITY, "line {} {what}: {err}", i + 1);
            assert!(
                err.contains("records/audit.log"),
                "line {} {what}: {err}",
                i + 1
            );
            tried += 1;
        }
    }
    println!("tamper suite: {tried} line mutations");
}

#[test]
fn a_cut_tail_and_a_chain_rewritten_with_a_strangers_key_are_caught() {
    let s = store();
    let log = s.log_text();
    let n = log.lines().count();
    let mut tried = 0;
    for cut in 1..=3 {
        let w = Worker::new(&s);
        let kept: String = log
            .lines()
            .take(n - cut)
            .map(|l| format!("{l}\n"))
            .collect();
        // The files the cut entries logged go too.
        for line in log.lines().skip(n - cut) {
            let entry: serde_json::Value =
                serde_json::from_str(&line[130..line.rfind(' ').unwrap()]).unwrap();
            for f in entry["files"].as_array().into_iter().flatten() {
                let _ = std::fs::remove_file(w.root().join(f["path"].as_str().unwrap()));
            }
        }
        std::fs::write(w.root().join("records/audit.log"), kept).unwrap();
        let (code, err) = w.verify();
        assert_eq!(code, INTEGRITY, "cut {cut}: {err}");
        assert!(
            err.contains(&format!("truncated behind entry {n}")),
            "cut {cut}: {err}"
        );
        tried += 1;
    }
    // Rewritten from genesis, every entry signed by one stranger's key.
    let stranger = keygen(&s.path("../keys"), "mallory");
    let rewritten = forge_log(&log, 1, &|_, _| {}, &|_| Some(stranger.clone()));
    let w = Worker::new(&s);
    std::fs::write(w.root().join("records/audit.log"), &rewritten).unwrap();
    let (code, err) = w.verify();
    assert_eq!(code, INTEGRITY, "{err}");
    assert!(err.contains("forked at entry"), "{err}");
    // On a machine that never saw the store, the signatures alone tell.
    std::fs::remove_dir_all(w.dir.path().join("state")).unwrap();
    let (code, err) = w.verify();
    assert_eq!(code, INTEGRITY, "{err}");
    assert!(
        err.contains("records/audit.log:3: the signature is not by `root`'s registered key"),
        "{err}"
    );
    tried += 2;
    println!("tamper suite: {tried} cut and rewritten logs");
}

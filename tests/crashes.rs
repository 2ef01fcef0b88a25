//! Crashes and concurrent writers: a writer killed with SIGKILL at a random moment (a
//! create, an amendment, an import) leaves a store that verifies, after `recover` where
//! the kill tore the log; every act acknowledged before the kill is there, and an import
//! is all there or not at all. Eight writers at once each get their act in, once.
//!
//! `DOCKET_CRASH_ROUNDS` (default 12) and `DOCKET_CRASH_ROWS` (default 300) set the size
//! of the run; README's "Crashes" gives the long form's figures.

mod common;
use common::*;
use std::time::Duration;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn customers(s: &TestStore) -> usize {
    let out = s.ok("audrey", &["query", "customer", "--format", "json"]);
    serde_json::from_str::<Vec<serde_json::Value>>(&out)
        .unwrap()
        .len()
}

/// A small deterministic generator: the rounds are the same on every run.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Bring the store back after a kill: `recover` when the log or the files need it
/// (`true` then).
fn recovered(s: &TestStore) -> bool {
    let needed = s.run("", &["verify"]).code != 0;
    if needed {
        s.ok("root", &["recover"]);
    }
    let out = s.run("", &["verify"]);
    assert_eq!(out.code, 0, "after recover: {}{}", out.stdout, out.stderr);
    needed
}

/// Rounds on one store before the next starts afresh: every round verifies the whole
/// store, so a store that grew for a thousand rounds would make the run quadratic.
const ROUNDS_PER_STORE: u64 = 50;

#[test]
fn a_writer_killed_at_any_moment_leaves_a_store_that_verifies() {
    let rounds = setting("DOCKET_CRASH_ROUNDS", 12);
    let rows = setting("DOCKET_CRASH_ROWS", 300) as u32;
    let mut rng = Lcg(7);
    let (mut kills, mut recoveries) = (0, 0);
    let mut done = 0;
    while done < rounds {
        let n = ROUNDS_PER_STORE.min(rounds - done);
        let (k, r) = rounds_on_a_store(n, rows, &mut rng);
        (kills, recoveries, done) = (kills + k, recoveries + r, done + n);
    }
    println!("{rounds} rounds: {kills} writers killed, {recoveries} stores needed recover");
    assert!(kills > 0, "no round was cut short: the timings need a look");
}

/// `rounds` rounds on a fresh store: how many writers were killed, and how many times
/// the store needed `recover`.
fn rounds_on_a_store(rounds: u64, rows: u32, rng: &mut Lcg) -> (usize, usize) {
    let s = TestStore::new();
    let mut total = 0;
    let mut next_id = 10_000;
    let (mut kills, mut recoveries) = (0, 0);
    for round in 0..rounds {
        let batch = if round % 3 == 0 { rows } else { 1 };
        let csv = s.many_csv(next_id, batch);
        next_id += batch;
        let mut running = s
            .process("alice", &["import", "customer", csv.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // About as long as the writer takes, so kills land in every phase of it.
        let window = 80 + 3 * u64::from(batch);
        std::thread::sleep(Duration::from_millis(rng.below(window)));
        let acknowledged = match running.try_wait().unwrap() {
            Some(status) => status.success(),
            None => {
                running.kill().unwrap();
                running.wait().unwrap();
                kills += 1;
                false
            }
        };
        recoveries += usize::from(recovered(&s));
        let now = customers(&s);
        let added = now - total;
        let batch = batch as usize;
        assert!(
            added == 0 || added == batch,
            "round {round}: {added} of {batch} rows are there"
        );
        if acknowledged {
            assert_eq!(
                added, batch,
                "round {round}: an acknowledged import is missing"
            );
        }
        total = now;
    }
    (kills, recoveries)
}

#[test]
fn eight_writers_at_once_each_get_their_act_in_once() {
    let s = TestStore::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let csv = s.many_csv(20_000 + i * 10, 1);
            s.process("alice", &["import", "customer", csv.to_str().unwrap()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(customers(&s), 8);
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

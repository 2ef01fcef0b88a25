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

#[test]
fn a_writer_killed_at_any_moment_leaves_a_store_that_verifies() {
    let rounds = setting("DOCKET_CRASH_ROUNDS", 12);
    let rows = setting("DOCKET_CRASH_ROWS", 300) as u32;
    let s = TestStore::new();
    let mut rng = Lcg(7);
    let mut total = 0;
    let mut next_id = 10_000;
    let mut kills = 0;
    let mut recoveries = 0;
    for round in 0..rounds {
        let (batch, mut child) = match round % 3 {
            0 => {
                let csv = s.many_csv(next_id, rows);
                let child = s.process("alice", &["import", "customer", csv.to_str().unwrap()]);
                (rows as usize, child)
            }
            _ => {
                let csv = s.many_csv(next_id, 1);
                let child = s.process("alice", &["import", "customer", csv.to_str().unwrap()]);
                (1, child)
            }
        };
        next_id += rows;
        let mut running = child
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(if batch > 1 {
            1500
        } else {
            150
        })));
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
    println!(
        "{rounds} rounds: {kills} writers killed, {recoveries} stores needed recover, {total} customers in the end"
    );
    assert!(kills > 0, "no round was cut short: the timings need a look");
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

//! Crashes and concurrent writers: a writer killed with SIGKILL at a random moment (an
//! import, a contract's creation, its approval, its archiving) leaves a store that
//! verifies, after `recover` where the kill tore the log; every act acknowledged before
//! the kill is there, and an import is all there or not at all. Eight writers at once
//! each get their act in, once.
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
    let mut kills = Kills::new();
    let (mut recoveries, mut done) = (0, 0);
    while done < rounds {
        let n = ROUNDS_PER_STORE.min(rounds - done);
        recoveries += rounds_on_a_store(n, rows, &mut rng, &mut kills);
        done += n;
    }
    let total: usize = kills.values().sum();
    println!(
        "{rounds} rounds: {total} writers killed ({kills:?}), {recoveries} stores needed recover"
    );
    assert!(total > 0, "no round was cut short: the timings need a look");
}

/// Writers killed, by the act they were taking.
type Kills = std::collections::BTreeMap<&'static str, usize>;

/// `rounds` rounds on a fresh store, counting the writers killed into `kills`: how many
/// times the store needed `recover`.
fn rounds_on_a_store(rounds: u64, rows: u32, rng: &mut Lcg, kills: &mut Kills) -> usize {
    let s = TestStore::new();
    let mut next_id = 10_000;
    let mut recoveries = 0;
    for round in 0..rounds {
        // Imports of one row or of `rows`, and the acts of a contract's life in between.
        let act = match round % 6 {
            0 | 3 => Act::Import(if round % 3 == 0 { rows } else { 1 }),
            1 => Act::Create,
            2 => Act::Approve(pending_supply(&s)),
            4 => Act::Archive(finished_installation(&s)),
            _ => Act::Import(1),
        };
        let (args, window) = act.command(&s, &mut next_id);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = act.count(&s);
        let mut running = s
            .process(act.actor(), &args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // About as long as the writer takes, so kills land in every phase of it.
        std::thread::sleep(Duration::from_millis(rng.below(window)));
        let acknowledged = match running.try_wait().unwrap() {
            Some(status) => status.success(),
            None => {
                running.kill().unwrap();
                running.wait().unwrap();
                *kills.entry(act.name()).or_default() += 1;
                false
            }
        };
        recoveries += usize::from(recovered(&s));
        let done = act.count(&s) - before;
        let whole = act.whole();
        assert!(
            done == 0 || done == whole,
            "round {round}: {act:?} is {done} of {whole} there"
        );
        if acknowledged {
            assert_eq!(
                done, whole,
                "round {round}: an acknowledged {act:?} is missing"
            );
        }
    }
    recoveries
}

/// The act a round's writer takes, and on what.
#[derive(Debug)]
enum Act {
    /// An import of this many customer rows.
    Import(u32),
    /// A residential supply contract drafted, waiting for the general manager.
    Create,
    /// The general manager's approval of this contract.
    Approve(String),
    /// The archivist filing this finished installation contract with a paper.
    Archive(String),
}

impl Act {
    fn name(&self) -> &'static str {
        match self {
            Act::Import(_) => "import",
            Act::Create => "create",
            Act::Approve(_) => "approve",
            Act::Archive(_) => "archive",
        }
    }

    fn actor(&self) -> &'static str {
        match self {
            Act::Import(_) | Act::Create => "alice",
            Act::Approve(_) => "gina",
            Act::Archive(_) => "arch",
        }
    }

    /// The command and how long to wait at most before the kill, in milliseconds.
    fn command(&self, s: &TestStore, next_id: &mut u32) -> (Vec<String>, u64) {
        let owned = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        match self {
            Act::Import(batch) => {
                let csv = s.many_csv(*next_id, *batch);
                *next_id += batch;
                let args = owned(&["import", "customer", csv.to_str().unwrap()]);
                (args, 80 + 3 * u64::from(*batch))
            }
            Act::Create => (supply_args(&s.residential()), 120),
            Act::Approve(id) => (owned(&["approve", id, "--comment", "同意"]), 100),
            Act::Archive(id) => {
                let paper = s.path("../notice.txt");
                std::fs::write(&paper, "送气通知单 SQ2026-0031").unwrap();
                (
                    owned(&["archive", id, "--attach", paper.to_str().unwrap()]),
                    120,
                )
            }
        }
    }

    /// What of the store the act moves on: customers, supply contracts, or whether the
    /// contract reached the state the act gives.
    fn count(&self, s: &TestStore) -> usize {
        match self {
            Act::Import(_) => customers(s),
            Act::Create => listed(s, "residential-supply"),
            Act::Approve(id) => usize::from(s.status(id) == "active"),
            Act::Archive(id) => usize::from(s.status(id) == "archived"),
        }
    }

    /// How much `count` moves when the act is there whole.
    fn whole(&self) -> usize {
        match self {
            Act::Import(batch) => *batch as usize,
            _ => 1,
        }
    }
}

fn listed(s: &TestStore, kind: &str) -> usize {
    let out = s.ok("audrey", &["query", kind, "--format", "json"]);
    serde_json::from_str::<Vec<serde_json::Value>>(&out)
        .unwrap()
        .len()
}

fn supply_args(customer: &str) -> Vec<String> {
    let mut args = vec!["create".to_string(), "residential-supply".to_string()];
    for pair in [
        format!("customer={customer}"),
        "delivery_notice_no=SQ1".into(),
        "acceptance_drawing_no=YS1".into(),
        "installation_fee_settled=false".into(),
        "meter_number=M1".into(),
        "start_date=2026-03-05".into(),
    ] {
        args.push("--set".into());
        args.push(pair);
    }
    args
}

/// A supply contract waiting for the general manager, drafted for the round.
fn pending_supply(s: &TestStore) -> String {
    let args = supply_args(&s.residential());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let id = s.ok("alice", &args).trim().to_string();
    assert_eq!(s.status(&id), "pending");
    id
}

/// A residential installation contract signed and performed, for the archivist.
fn finished_installation(s: &TestStore) -> String {
    let c = s.residential();
    let pairs = [
        format!("customer={c}"),
        "installation_fee=2800.00".into(),
        "payment_plan=lump-sum".into(),
        "schedule_required=false".into(),
        "property_dispute=false".into(),
        "signed_on=2026-03-01".into(),
        "fee_basis=tariff".into(),
    ];
    let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
    let id = s.create("alice", "installation", &pairs);
    s.ok("alice", &["complete", &id]);
    id
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

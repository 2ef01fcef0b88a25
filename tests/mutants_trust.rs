//! Each check the log walk makes of who wrote an entry, exercised by an insider who
//! appends entries to the log and signs them with the keys they hold: every check must
//! name the entry, on a machine that never saw the log before.

mod common;
use common::*;
use serde_json::{Value, json};

/// Append `entries` (seq and time filled in) to the log, re-linked, each transaction
/// signed by the key of its last entry's actor; then forget this machine's witness, so
/// only the log's own checks can tell. Returns the line of the first.
fn append(s: &TestStore, entries: &[Value]) -> usize {
    let line = append_entries(s, entries);
    let _ = std::fs::remove_dir_all(s.state());
    line
}

/// `verify`'s complaints, one a line, without the `error: integrity check failed: `.
fn problems(s: &TestStore) -> Vec<String> {
    let err = s.fails("", &["verify"], INTEGRITY);
    err.lines()
        .filter_map(|l| l.strip_prefix("error: integrity check failed: "))
        .map(str::to_string)
        .collect()
}

/// An act with no record or files: a reveal of nothing, as docket writes one.
fn act(actor: &str, role: &str, action: &str) -> Value {
    let detail = match action {
        "recover" => json!({"moved": "0", "torn_bytes": "0", "quarantine": "q"}),
        "attachment-get" => json!({"name": "p.txt", "sha256": "00", "purpose": "x"}),
        "genesis" => json!({"store": "x"}),
        _ => json!({"command": "show", "purpose": "x", "classes": "", "records": ""}),
    };
    json!({"actor": actor, "role": role, "action": action, "detail": detail})
}

/// The register file of `name` at `version` that an act with `detail` gives: the latest
/// file written before, with the detail applied, as an insider would write it.
fn actor_file(s: &TestStore, name: &str, version: u32, detail: &Value, by: &str) -> String {
    let mut table = toml::Table::new();
    let adds = detail.get("key").is_some() && detail.get("role").is_some();
    for v in (1..version).rev().filter(|_| !adds) {
        let path = s.path(&format!("records/_actors/{name}/v{v:04}.toml"));
        if let Ok(text) = std::fs::read_to_string(path) {
            table = toml::from_str(&text).unwrap();
            break;
        }
    }
    let mut set = |k: &str, v: toml::Value| {
        table.insert(k.to_string(), v);
    };
    set("name", name.into());
    set("version", i64::from(version).into());
    for key in [
        "role",
        "key",
        "department",
        "agreement_signed",
        "trained_on",
    ] {
        if let Some(v) = detail[key].as_str().filter(|v| !v.is_empty()) {
            set(key, v.into());
        }
    }
    if detail.get("reason").is_some() {
        set("revoked", true.into());
        set("revoked_reason", detail["reason"].as_str().unwrap().into());
    }
    for key in ["role", "key"] {
        if !table.contains_key(key) {
            table.insert(key.into(), "".into());
        }
    }
    table.entry("revoked").or_insert(false.into());
    table.insert("written_at".into(), NOW_LOCAL.into());
    table.insert("written_by".into(), by.into());
    toml::to_string(&table).unwrap()
}

/// A register act on `name` at `version`, with the register file it gives written by
/// hand.
fn register_act(
    s: &TestStore,
    by: (&str, &str),
    action: &str,
    name: &str,
    version: u32,
    detail: Value,
) -> Value {
    let text = actor_file(s, name, version, &detail, by.0);
    let file = s.write_by_hand(&format!("records/_actors/{name}/v{version:04}.toml"), &text);
    json!({"actor": by.0, "role": by.1, "action": action, "record": name,
           "version": version, "files": [file], "detail": detail})
}

#[test]
fn an_entry_by_an_actor_never_registered_is_caught() {
    let s = TestStore::new();
    let line = append(&s, &[act("mallory", "business-staff", "reveal")]);
    assert_eq!(
        problems(&s),
        [
            format!(
                "records/audit.log:{line}: actor `mallory` is not registered at this point of the log"
            ),
            format!(
                "records/audit.log:{line}: no key is registered for `mallory` to check the signature with"
            ),
        ]
    );
}

#[test]
fn an_entry_by_a_revoked_actor_is_caught() {
    let s = TestStore::new();
    s.ok("root", &["actor", "revoke", "bob", "--reason", "left"]);
    let line = append(&s, &[act("bob", "business-staff", "reveal")]);
    assert_eq!(
        problems(&s),
        [
            format!("records/audit.log:{line}: actor `bob` was revoked before this entry"),
            format!(
                "records/audit.log:{line}: no key is registered for `bob` to check the signature with"
            ),
        ]
    );
}

#[test]
fn registering_an_actor_twice_or_updating_one_never_registered_is_caught() {
    let s = TestStore::new();
    let key = std::fs::read_to_string(s.pubkey("alice2")).unwrap();
    let line = append(
        &s,
        &[
            register_act(
                &s,
                ("root", "admin"),
                "actor-add",
                "alice",
                9,
                json!({"role": "business-staff", "department": "", "key": key.trim()}),
            ),
            register_act(
                &s,
                ("root", "admin"),
                "actor-update",
                "zed",
                2,
                json!({"trained_on": "2026-01-05"}),
            ),
        ],
    );
    assert_eq!(
        problems(&s),
        [
            format!("records/audit.log:{line}: actor `alice` is registered twice"),
            format!(
                "records/audit.log:{}: actor `zed` is not registered",
                line + 1
            ),
        ]
    );
}

#[test]
fn acts_the_role_does_not_hold_are_caught() {
    let s = TestStore::new();
    let line = append(
        &s,
        &[
            act("alice", "business-staff", "recover"),
            act("alice", "business-staff", "attachment-get"),
        ],
    );
    assert_eq!(
        problems(&s),
        [
            format!("records/audit.log:{line}: role `business-staff` may not recover"),
            format!(
                "records/audit.log:{}: role `business-staff` may not attachment-get",
                line + 1
            ),
        ]
    );
}

#[test]
fn revoking_the_last_administrator_is_caught() {
    let s = TestStore::bare();
    let revoke = register_act(
        &s,
        ("root", "admin"),
        "actor-revoke",
        "root",
        2,
        json!({"reason": "x"}),
    );
    let line = append(&s, &[revoke]);
    assert_eq!(
        problems(&s),
        [
            format!("records/audit.log:{line}: the store is left without an administrator"),
            format!(
                "records/audit.log:{line}: an administrator cannot revoke themself: another administrator must"
            ),
        ]
    );
}

#[test]
fn one_transaction_of_two_actors_is_caught() {
    let s = TestStore::new();
    let mut first = act("alice", "business-staff", "reveal");
    first["txn"] = 2.into();
    let line = append(&s, &[first, act("bob", "business-staff", "reveal")]);
    let found = problems(&s);
    assert_eq!(
        found[0],
        format!(
            "records/audit.log:{}: one transaction holds acts of several actors",
            line + 1
        )
    );
    // Signed by bob, the transaction is not alice's.
    assert!(
        found[1].starts_with(&format!(
            "records/audit.log:{}: the signature is not by `alice`'s registered key",
            line + 1
        )),
        "{found:?}"
    );
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn an_entry_time_that_is_not_a_time_is_caught() {
    let s = TestStore::new();
    let mut e = act("alice", "business-staff", "reveal");
    e["time"] = "yesterday".into();
    let line = append(&s, &[e]);
    assert_eq!(
        problems(&s),
        [format!(
            "records/audit.log:{line}: the entry's time `yesterday` is not an RFC 3339 time"
        )]
    );
}

#[test]
fn a_genesis_in_the_middle_and_a_log_that_starts_otherwise_are_caught() {
    let s = TestStore::new();
    let log = s.log_text();
    let line = append(&s, &[act("root", "admin", "genesis")]);
    assert_eq!(
        problems(&s),
        [format!(
            "records/audit.log:{line}: a genesis entry in the middle of the log"
        )]
    );
    let renamed = forge_log(
        &log,
        1,
        &|n, e| {
            if n == 1 {
                e["action"] = "start".into();
            }
        },
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), renamed).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    assert_eq!(
        problems(&s),
        [
            "records/audit.log:1: the first entry is not the genesis entry",
            "records/audit.log:1: not an act docket writes: `start` is not an act docket knows"
        ]
    );
}

#[test]
fn a_signature_that_does_not_decode_is_caught() {
    let s = TestStore::new();
    let line = append(&s, &[act("alice", "business-staff", "reveal")]);
    // The last entry's signature replaced by a word that is no SSHSIG, hash made anew.
    let log = s.log_text();
    let last = log.lines().last().unwrap();
    let covered = format!("{} AAAA", &last[65..last.rfind(' ').unwrap()]);
    let bad = format!("{} {covered}\n", sha256_hex(covered.as_bytes()));
    let text = log.replace(&format!("{last}\n"), &bad);
    std::fs::write(s.path("records/audit.log"), text).unwrap();
    assert_eq!(
        problems(&s),
        [format!(
            "records/audit.log:{line}: the transaction's signature is malformed"
        )]
    );
}

#[test]
fn a_genesis_is_checked_against_the_key_its_actor_registers_wherever_it_stands() {
    let s = TestStore::new();
    let log = s.log_text();
    // A genesis that registers `eve` before the administrator: a transaction of four.
    let eve = std::fs::read_to_string(s.pubkey("eve")).unwrap();
    let detail = json!({"role": "finance", "key": eve.trim(), "agreement_signed": "2026-01-05",
                        "trained_on": "2026-01-05"});
    let text = actor_file(&s, "eve", 1, &detail, "root");
    let file = s.write_by_hand("records/_actors/eve/v0001.toml", &text);
    let add_eve = json!({"seq": 0, "time": NOW_LOCAL, "actor": "root", "role": "admin",
        "action": "actor-add", "record": "eve", "version": 1, "files": [file],
        "detail": detail});
    let mut lines: Vec<String> = log.lines().map(str::to_string).collect();
    lines.insert(
        2,
        format!("{} {} {add_eve} -", "0".repeat(64), "0".repeat(64)),
    );
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let forged = forge_log(
        &text,
        1,
        &|n, e| {
            e["seq"] = n.into();
            if n == 1 {
                e["txn"] = 4.into();
            }
            // Co-signatures name the entry of their proposal, one further down now.
            if let Some(p) = e["detail"]["proposal"].as_str() {
                let moved = p.parse::<u64>().unwrap() + 1;
                e["detail"]["proposal"] = moved.to_string().into();
            }
        },
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let out = s.ok("", &["verify"]);
    let entries = log.lines().count() + 1;
    assert!(
        out.starts_with(&format!("ok: {entries} audit entries")),
        "{out}"
    );
}

#[test]
fn fetching_archived_papers_without_the_permit_is_caught() {
    let s = TestStore::new();
    append(&s, &[act("audrey", "auditor", "attachment-get")]);
    s.ok("", &["verify"]);
    let line = append(&s, &[act("alice", "business-staff", "attachment-get")]);
    assert_eq!(
        problems(&s),
        [format!(
            "records/audit.log:{line}: role `business-staff` may not attachment-get"
        )]
    );
}

/// Departments `hangzhou` and `ningbo` with a responsible person each (registered by
/// `root`), and `hz.staff`, registered by `hz.head`.
fn offices() -> TestStore {
    let s = TestStore::new();
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        format!("{config}\n[departments.hangzhou]\ntitle = \"杭州\"\n\n[departments.ningbo]\ntitle = \"宁波\"\n"),
    )
    .unwrap();
    s.apply_policy("two offices");
    for (by, name, role, dept) in [
        ("root", "hz.head", "department-head", "hangzhou"),
        ("root", "nb.head", "department-head", "ningbo"),
        ("hz.head", "hz.staff", "business-staff", "hangzhou"),
    ] {
        s.add_in_department(by, name, role, dept);
    }
    s
}

#[test]
fn a_responsible_person_registering_staff_passes_but_granting_a_managing_role_is_caught() {
    let s = offices();
    s.ok("", &["verify"]);
    let key = std::fs::read_to_string(s.pubkey("hz.two")).unwrap();
    let line = append(
        &s,
        &[register_act(
            &s,
            ("hz.head", "department-head"),
            "actor-add",
            "hz.two",
            1,
            json!({"role": "department-head", "department": "hangzhou", "key": key.trim(),
                   "agreement_signed": "2026-01-05", "trained_on": "2026-01-05"}),
        )],
    );
    assert_eq!(
        problems(&s),
        [
            format!(
                "records/audit.log:{line}: `hz.head` granted role `department-head`, which only an administrator may grant"
            ),
            format!(
                "records/audit.log:{line}: this needs a second administrator's co-signature: it registers or promotes an actor into role `department-head`, which manages others or reaches every department"
            )
        ]
    );
}

#[test]
fn an_actor_an_administrator_moves_to_another_department_is_managed_by_its_responsible_person() {
    let s = offices();
    s.ok(
        "root",
        &["actor", "update", "hz.staff", "--department", "ningbo"],
    );
    let train = ["actor", "update", "hz.staff", "--trained-on", "2026-02-01"];
    assert!(
        s.fails_unchanged("hz.head", &train, DENIED)
            .contains("not of department `ningbo`")
    );
    s.ok("nb.head", &train);
    s.ok("", &["verify"]);
}

/// How often `docket verify` asks how many cores it may use (`sched_getaffinity`), which
/// it does only to start the thread pool that checks many signatures.
fn core_queries(s: &TestStore) -> usize {
    let trace = s.dir.path().join("verify.trace");
    let run = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&trace)
        .arg("-etrace=sched_getaffinity")
        .arg(env!("CARGO_BIN_EXE_docket"))
        .arg("verify")
        .current_dir(s.root())
        .env_remove("DOCKET_ACTOR")
        .env_remove("DOCKET_STORE")
        .env_remove("SSH_AUTH_SOCK")
        .env("DOCKET_NOW", NOW)
        .env("XDG_STATE_HOME", s.state())
        .output()
        .expect("strace is installed (.ci/run installs it)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .filter(|l| l.contains("sched_getaffinity("))
        .count()
}

#[test]
#[ignore = "needs strace; .ci/run runs it"]
fn signatures_are_checked_on_every_core_only_when_there_are_more_than_32() {
    let s = TestStore::new();
    let signed = |s: &TestStore| s.log_text().lines().filter(|l| !l.ends_with(" -")).count();
    let reveals = vec![act("alice", "business-staff", "reveal"); 32 - signed(&s)];
    append(&s, &reveals);
    assert_eq!(signed(&s), 32);
    let one_core = core_queries(&s);
    append(&s, &[act("alice", "business-staff", "reveal")]);
    assert_eq!(signed(&s), 33);
    let every_core = core_queries(&s);
    assert!(
        every_core > one_core,
        "33 signatures start the thread pool, 32 do not: {every_core} against {one_core}"
    );
}

//! Git as a second witness: `verify --against REV` and the pre-commit hook refuse a log
//! cut or rewritten since a commit.

mod common;
use common::*;
use std::process::Command as Sh;

fn git(s: &TestStore, args: &[&str]) -> std::process::Output {
    Sh::new("git")
        .current_dir(s.root())
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs")
}

fn committed_store() -> (TestStore, String) {
    let s = TestStore::new();
    let id = s.residential();
    assert!(git(&s, &["init", "-q"]).status.success());
    assert!(git(&s, &["add", "-A"]).status.success());
    assert!(git(&s, &["commit", "-qm", "store"]).status.success());
    (s, id)
}

#[test]
fn verify_against_a_revision_checks_the_log_extends_it() {
    let (s, id) = committed_store();
    let n = s.log_text().lines().count();
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "m"],
    );
    let out = s.ok("", &["verify", "--against", "HEAD"]);
    assert_eq!(
        out,
        format!(
            "ok: the log extends the one in HEAD ({n} entries there, {} now)\n",
            n + 1
        )
    );
    // Cut back behind the commit: the witness of git says so, whatever this machine knows.
    let cut: String = s
        .log_text()
        .lines()
        .take(n - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(s.path("records/audit.log"), &cut).unwrap();
    let err = s.fails("", &["verify", "--against", "HEAD"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: records/audit.log:{n}: truncated behind entry {n}: HEAD holds {n} entries, the log now ends at entry {}; entries were cut from its end\nhint: nothing was written; `docket verify` lists every problem\n",
            n - 1
        )
    );
    // A rewritten entry is a fork at its line.
    let log = git(&s, &["show", "HEAD:records/audit.log"]).stdout;
    let text = String::from_utf8(log).unwrap();
    let forged = forge_log(
        &text,
        5,
        &|_, e| e["detail"]["role"] = "finance".into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), &forged).unwrap();
    let err = s.fails("", &["verify", "--against", "HEAD"], INTEGRITY);
    assert!(err.contains("records/audit.log:5: forked at entry 5: the log differs from the one committed in HEAD there"), "{err}");
    let err = s.fails("", &["verify", "--against", "no-such-rev"], USAGE);
    assert!(
        err.starts_with("error: `no-such-rev` is not a commit of this repository"),
        "{err}"
    );
}

#[test]
fn the_pre_commit_hook_refuses_a_cut_log() {
    let (s, id) = committed_store();
    let out = s.run("", &["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("pre-commit"), "{}", out.stderr);
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "m"],
    );
    git(&s, &["add", "-A"]);
    let ok = git(&s, &["commit", "-qm", "amend"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let n = s.log_text().lines().count();
    let cut: String = s
        .log_text()
        .lines()
        .take(n - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(s.path("records/audit.log"), &cut).unwrap();
    git(&s, &["add", "-A"]);
    let refused = git(&s, &["commit", "-qm", "cut"]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains(&format!("truncated behind entry {n}")),
        "{err}"
    );
    // A hook that is not docket's is never overwritten.
    let hook = s.root().join(".git/hooks/pre-commit");
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    let err = s.fails("", &["hook", "install"], CONFLICT);
    assert!(err.contains("exists and is not docket's"), "{err}");
    assert!(err.contains("hint: add this line to it: '"), "{err}");
}

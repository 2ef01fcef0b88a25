//! The audit chain and the files it vouches for: checked on every run, every problem
//! reported by `verify`, crashes leave old or new state, `recover` quarantines leftovers.

mod common;
use common::*;

fn store_with_records() -> (TestStore, String) {
    let s = TestStore::new();
    let id = s.residential();
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "meter_number=M1",
            "--reason",
            "meter",
        ],
    );
    (s, id)
}

#[test]
fn verify_summarises_a_good_store() {
    let (s, _) = store_with_records();
    let out = s.ok("", &["verify"]);
    assert!(
        out.starts_with("ok: 24 audit entries, 23 files, 1 records; chain head "),
        "{out}"
    );
}

#[test]
fn a_changed_version_file_stops_every_command_touching_it() {
    let (s, id) = store_with_records();
    let rel = format!("records/customer/{id}/v0002.toml");
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    std::fs::write(s.path(&rel), text.replace("M1", "M2")).unwrap();
    let err = s.fails_unchanged("alice", &["show", &id], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: {rel}: the file does not match the hash the audit log holds for it: it was changed outside docket\nhint: nothing was written; `docket verify` lists every problem\n"
        )
    );
    s.fails_unchanged(
        "alice",
        &["amend", &id, "--set", "meter_number=M3", "--reason", "x"],
        INTEGRITY,
    );
    let err = s.fails_unchanged("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "{rel}: does not match the hash the audit log holds"
        )),
        "{err}"
    );
}

#[test]
fn an_altered_log_entry_is_named_by_line() {
    let (s, _) = store_with_records();
    let log = s.log_text();
    let altered = log.replacen("\"actor\":\"alice\"", "\"actor\":\"mallory\"", 1);
    std::fs::write(s.path("records/audit.log"), &altered).unwrap();
    let line = altered.lines().position(|l| l.contains("mallory")).unwrap() + 1;
    let err = s.fails_unchanged("alice", &["query"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: records/audit.log:{line}: the entry's hash does not match its content: the entry was altered\nhint: nothing was written; `docket verify` lists every problem\n"
        )
    );
}

#[test]
fn a_removed_log_entry_breaks_the_link() {
    let (s, _) = store_with_records();
    let log = s.log_text();
    let mut lines: Vec<&str> = log.lines().collect();
    lines.remove(5);
    std::fs::write(s.path("records/audit.log"), lines.join("\n") + "\n").unwrap();
    let err = s.fails_unchanged("alice", &["query"], INTEGRITY);
    assert!(
        err.starts_with("error: integrity check failed: records/audit.log:6: the entry does not link to the one before it: an entry was removed, inserted or reordered\n"),
        "{err}"
    );
}

#[test]
fn verify_reports_every_problem_not_just_the_first() {
    let (s, id) = store_with_records();
    // 1: a changed version file; 2: a missing one; 3: a file nobody logged.
    let v1 = format!("records/customer/{id}/v0001.toml");
    let v2 = format!("records/customer/{id}/v0002.toml");
    std::fs::write(s.path(&v1), "tampered").unwrap();
    std::fs::remove_file(s.path(&v2)).unwrap();
    std::fs::write(s.path("records/customer/stray.toml"), "x").unwrap();
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "{v1}: does not match the hash the audit log holds"
        )),
        "{err}"
    );
    assert!(
        err.contains("records/customer/stray.toml: present but not logged"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{v2}: logged but missing: restore it from git or a backup"
        )),
        "{err}"
    );
    assert_eq!(
        err.matches("error: integrity check failed").count(),
        3,
        "{err}"
    );
}

#[test]
fn debris_never_blocks_reads_and_the_next_write_moves_it_aside() {
    let (s, id) = store_with_records();
    let debris = format!("records/customer/{id}/v0003.toml");
    std::fs::write(s.path(&debris), "left over").unwrap();
    // Reads use logged files only.
    assert!(
        s.ok("bob", &["show", &id])
            .contains("version            2\n")
    );
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!("{debris}: present but not logged")),
        "{err}"
    );
    // The next write to that place quarantines the debris and goes on.
    s.ok(
        "bob",
        &["amend", &id, "--set", "meter_number=M3", "--reason", "x"],
    );
    let kept = s.path(&format!(
        "records/.quarantine/20260301T170000/customer/{id}/v0003.toml"
    ));
    assert_eq!(std::fs::read_to_string(kept).unwrap(), "left over");
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// A kill at each point of a write leaves the old state plus at most unlogged files.
#[test]
fn a_kill_after_writing_files_leaves_the_old_state_and_debris() {
    let (s, id) = store_with_records();
    for point in ["after-write", "before-sync", "before-append"] {
        let log = s.log_text();
        let out = s
            .cmd(
                "alice",
                &["amend", &id, "--set", "meter_number=M9", "--reason", "x"],
            )
            .env("DOCKET_FAULT", point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}");
        assert!(s.log_text() == log, "{point}: nothing logged");
        assert_eq!(
            s.status(&id),
            "active",
            "the record reads as its old version"
        );
        let err = s.fails("", &["verify"], INTEGRITY);
        assert!(
            err.contains(&format!(
                "records/customer/{id}/v0003.toml: present but not logged"
            )),
            "{point}: {err}"
        );
        let moved = s.ok("root", &["recover"]);
        assert!(
            moved.contains(&format!(
                "moved records/customer/{id}/v0003.toml → records/.quarantine/20260301T170000/"
            )),
            "{moved}"
        );
        assert!(s.ok("", &["verify"]).starts_with("ok:"));
        let log_now = s.ok("root", &["log", "--action", "recover"]);
        assert!(log_now.contains("moved=1"), "{log_now}");
        std::fs::remove_dir_all(s.path("records/.quarantine")).unwrap();
    }
    // The interrupted amendment can now be made.
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "x"],
    );
}

#[test]
fn crash_mid_log_append_is_a_torn_tail_that_recover_repairs() {
    let (s, id) = store_with_records();
    let out = s
        .cmd(
            "alice",
            &["amend", &id, "--set", "meter_number=M9", "--reason", "x"],
        )
        .env("DOCKET_FAULT", "torn-log")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = s.fails_unchanged("alice", &["show", &id], INTEGRITY);
    assert!(err.contains("records/audit.log:25: the last entry is incomplete (a write was cut short); run `docket recover` to move it aside"), "{err}");
    let out = s.ok("root", &["recover"]);
    assert!(
        out.contains("moved the unfinished end of the audit log"),
        "{out}"
    );
    assert!(
        out.contains(&format!("moved records/customer/{id}/v0003.toml")),
        "{out}"
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    assert!(
        s.path("records/.quarantine/20260301T170000/audit.log.torn-tail")
            .is_file()
    );
}

#[test]
fn recover_with_nothing_to_do_changes_nothing() {
    let (s, _) = store_with_records();
    let before = s.snapshot();
    let out = s.run("root", &["recover"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stderr, "nothing to recover: every file is logged\n");
    assert_eq!(before, s.snapshot());
}

#[test]
fn recover_is_for_administrators() {
    let (s, _) = store_with_records();
    let err = s.fails_unchanged("alice", &["recover"], DENIED);
    assert_eq!(
        err,
        "error: actor `alice` (role business-staff) may not recover the store\nhint: roles that may: admin\n"
    );
}

#[test]
fn recover_refuses_a_log_altered_in_the_middle() {
    let (s, _) = store_with_records();
    let altered = s
        .log_text()
        .replacen("\"actor\":\"alice\"", "\"actor\":\"mallory\"", 1);
    std::fs::write(s.path("records/audit.log"), altered).unwrap();
    s.fails_unchanged("root", &["recover"], INTEGRITY);
}

#[test]
fn a_second_writer_waits_then_gives_up_with_exit_6() {
    let s = TestStore::new();
    let cfg = std::fs::read_to_string(s.path("docket.toml"))
        .unwrap()
        .replace("lock_timeout_seconds = 10", "lock_timeout_seconds = 1");
    std::fs::write(s.path("docket.toml"), cfg).unwrap();
    s.apply_policy("shorter lock wait");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(s.path("records/.lock"))
        .unwrap();
    lock.lock().unwrap();
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(&["create", "customer"], &["name=x"])),
        CONFLICT,
    );
    assert!(err.starts_with("waiting for another docket command to finish…\nerror: the store is busy: another docket command has held "), "{err}");
    assert!(err.contains("hint: try again when it has finished; raise policy.lock_timeout_seconds in docket.toml to wait longer"), "{err}");
}

#[test]
fn verify_chain_checks_the_log_alone() {
    let (s, id) = store_with_records();
    let out = s.ok("", &["verify", "--chain"]);
    assert!(
        out.starts_with("ok: 24 audit entries chained; head "),
        "{out}"
    );
    // A changed record file is the full check's business, not the chain's…
    std::fs::write(s.path(&format!("records/customer/{id}/v0001.toml")), "x").unwrap();
    s.ok("", &["verify", "--chain"]);
    s.fails("", &["verify"], INTEGRITY);
    // …an altered entry is both's.
    let altered = s
        .log_text()
        .replacen("\"actor\":\"alice\"", "\"actor\":\"mallory\"", 1);
    std::fs::write(s.path("records/audit.log"), altered).unwrap();
    let err = s.fails("", &["verify", "--chain"], INTEGRITY);
    assert!(
        err.contains("the entry's hash does not match its content"),
        "{err}"
    );
}

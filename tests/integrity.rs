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
    let rel = format!("records/customer/2026/000/{id}.v0002.toml");
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    std::fs::write(s.path(&rel), text.replace("M1", "M2")).unwrap();
    let err = s.fails_unchanged("alice", &["show", &id], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: {rel}: the file does not match the hash the audit log holds for it: it was changed outside docket\nhint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n"
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
            "error: integrity check failed: records/audit.log:{line}: the entry's hash does not match its content: the entry was altered\nhint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n"
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
    let v1 = format!("records/customer/2026/000/{id}.v0001.toml");
    let v2 = format!("records/customer/2026/000/{id}.v0002.toml");
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
    let debris = format!("records/customer/2026/000/{id}.v0003.toml");
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
        "records/.quarantine/20260301T170000/customer/2026/000/{id}.v0003.toml"
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
                "records/customer/2026/000/{id}.v0003.toml: present but not logged"
            )),
            "{point}: {err}"
        );
        let moved = s.ok("root", &["recover"]);
        assert!(
            moved.contains(&format!(
                "moved records/customer/2026/000/{id}.v0003.toml → records/.quarantine/20260301T170000/"
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
        out.contains(&format!("moved records/customer/2026/000/{id}.v0003.toml")),
        "{out}"
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    assert!(
        s.path("records/.quarantine/20260301T170000/audit.log.torn-tail")
            .is_file()
    );
    // The amendment the kill cut short can now be made.
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "x"],
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// What a command says when the append of its audit entries failed and was undone.
const APPEND_UNDONE: &str = "hint: the audit log was cut back to the length it had and the files this command wrote were removed: the store is exactly as it was before; make room on the disk (or repair what failed) and run the command again\n";

/// A full disk (or an I/O error) or Ctrl-C while the audit entries are appended: the log
/// is cut back to the length it had and the new files are removed, so the store is byte
/// for byte as it was, the error says so, and the next command needs no `recover`.
#[test]
fn a_failed_or_interrupted_append_leaves_the_store_exactly_as_it_was() {
    let (s, id) = store_with_records();
    let amend = ["amend", &id, "--set", "meter_number=M9", "--reason", "x"];
    let before = s.snapshot();
    let run = |fault: &str, lang: &str| {
        let out = s
            .cmd("alice", &amend)
            .env("DOCKET_FAULT", fault)
            .env("LANG", lang)
            .output()
            .unwrap();
        assert!(before == s.snapshot(), "{fault}: the store changed");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let log = s.path("records/audit.log");
    let (code, err) = run("append-enospc", "C.UTF-8");
    assert_eq!(code, IO);
    assert_eq!(
        err,
        format!(
            "error: {}: No space left on device (os error 28)\n{APPEND_UNDONE}",
            log.display()
        )
    );
    let (code, err) = run("append-enospc", "zh_CN.UTF-8");
    assert_eq!(code, IO);
    assert_eq!(
        err,
        format!(
            "错误：{}: No space left on device (os error 28)\n提示：审计日志已截回原来的长度，本命令写入的文件已删除：数据库与之前完全一样；请腾出磁盘空间（或排除故障）后重新运行该命令\n",
            log.display()
        )
    );
    let (code, err) = run("append-ctrl-c", "C.UTF-8");
    assert_eq!(code, 130);
    assert_eq!(
        err,
        "error: interrupted: nothing was written\nhint: run the command again when you are ready\n"
    );
    // Nobody needs `recover`: the same amendment goes through.
    s.ok("alice", &amend);
    assert!(s.ok("", &["verify"]).starts_with("ok: 25 audit entries"));
}

/// If the log cannot be cut back either, the command says so: the end of the log is an
/// unfinished transaction (its files are removed all the same), which `recover` moves
/// aside.
#[test]
fn an_append_that_cannot_be_undone_says_so_and_recover_repairs_it() {
    let (s, id) = store_with_records();
    let amend = ["amend", &id, "--set", "meter_number=M9", "--reason", "x"];
    let whole = s.log_text();
    let out = s
        .cmd("alice", &amend)
        .env("DOCKET_FAULT", "append-undo-fails")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(IO));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}: Input/output error (os error 5)\nhint: the audit entries could not be appended, nor the audit log cut back to the length it had: its end holds an unfinished transaction, and every command refuses the store until an administrator runs `docket recover`\n",
            s.path("records/audit.log").display()
        )
    );
    assert!(s.log_text().len() > whole.len());
    assert!(
        !s.path(&format!("records/customer/2026/000/{id}.v0003.toml"))
            .exists()
    );
    let err = s.fails_unchanged("alice", &["show", &id], INTEGRITY);
    assert!(
        err.contains("records/audit.log:25: the last entry is incomplete"),
        "{err}"
    );
    let out = s.ok("root", &["recover"]);
    assert!(
        out.starts_with("moved the unfinished end of the audit log"),
        "{out}"
    );
    assert!(!out.contains("v0003.toml"), "{out}");
    assert!(s.log_text().starts_with(&whole), "the torn end is gone");
    s.ok("alice", &amend);
    assert!(s.ok("", &["verify"]).starts_with("ok: 26 audit entries"));
}

/// The store moved onto a tmpfs of `size`, unmounted when dropped; `None` (the test then
/// skips itself, saying why) where this machine does not let the test mount one.
struct SmallDisk {
    at: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(s: &TestStore, size: &str) -> Option<SmallDisk> {
        let root = s.root();
        let kept = s.dir.path().join("store-on-disk");
        std::fs::rename(&root, &kept).unwrap();
        std::fs::create_dir(&root).unwrap();
        let mounted = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(&root)
            .output();
        let why = match mounted {
            Ok(out) if out.status.success() => None,
            Ok(out) => Some(String::from_utf8_lossy(&out.stderr).trim().to_string()),
            Err(e) => Some(e.to_string()),
        };
        if let Some(why) = why {
            println!("skipped: cannot mount a tmpfs here (needs root): {why}");
            std::fs::remove_dir(&root).unwrap();
            std::fs::rename(&kept, &root).unwrap();
            return None;
        }
        let disk = SmallDisk { at: root.clone() };
        let copied = std::process::Command::new("cp")
            .arg("-a")
            .arg(kept.join("."))
            .arg(&root)
            .status()
            .unwrap();
        assert!(copied.success());
        Some(disk)
    }

    /// Free bytes, in whole pages.
    fn free(&self) -> u64 {
        let st = rustix::fs::statvfs(&self.at).unwrap();
        st.f_bavail * st.f_frsize
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.at)
            .status();
    }
}

/// `n` residential customers, each with a legacy number and identity number of its own.
fn customers_csv(n: usize) -> String {
    let mut csv =
        String::from("legacy_no,name,id_kind,id_number,category,phone,address,account_opened_on\n");
    for i in 0..n {
        let id = resident_id(100 + i as u32);
        csv.push_str(&format!(
            "L{i:03},张三丰,resident-id,{id},residential,138123{i:05},北京市朝阳区建国路88号,2021-03-05\n"
        ));
    }
    csv
}

/// A real full disk: the store on a small tmpfs, filled so that an import's 20 record
/// files fit and its audit entries do not. The append fails part-way with ENOSPC, the log
/// is cut back, and the store is byte for byte as it was.
#[test]
fn an_append_that_does_not_fit_on_a_full_disk_leaves_the_store_as_it_was() {
    let s = TestStore::new();
    let Some(disk) = SmallDisk::mount(&s, "4m") else {
        return;
    };
    let csv = s.dir.path().join("customers.csv");
    std::fs::write(&csv, customers_csv(20)).unwrap();
    let import = ["import", "customer", csv.to_str().unwrap()];
    // Caches up to date, so that nothing but the import's files and entries takes room.
    assert!(s.ok("", &["verify"]).starts_with("ok: 22 audit entries"));
    s.ok("alice", &["query"]);
    // One page for each record file; the entries (about 13 KiB) need pages of their own.
    const PAGE: u64 = 4096;
    let room = 20 * PAGE;
    let filler = s.path("filler");
    std::fs::write(&filler, vec![0u8; (disk.free() - room) as usize]).unwrap();
    assert_eq!(disk.free(), room);
    let before = s.snapshot();
    let log = s.path("records/audit.log");
    let err = s.fails("alice", &import, IO);
    assert_eq!(
        err,
        format!(
            "error: {}: No space left on device (os error 28)\n{APPEND_UNDONE}",
            log.display()
        )
    );
    assert!(before == s.snapshot(), "the store changed");
    assert!(!s.path("records/customer").exists(), "not even a folder");
    assert_eq!(
        disk.free(),
        room,
        "every page the import took is free again"
    );
    // The next command needs no `recover`.
    assert!(s.ok("", &["verify"]).starts_with("ok: 22 audit entries"));
    s.residential();
    // With room, the same import goes through.
    std::fs::remove_file(&filler).unwrap();
    s.ok("alice", &import);
    assert!(s.ok("", &["verify"]).starts_with("ok: 44 audit entries"));
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
    std::fs::write(
        s.path(&format!("records/customer/2026/000/{id}.v0001.toml")),
        "x",
    )
    .unwrap();
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

/// What `recover` set aside is evidence: a quarantine emptied or removed afterwards is
/// named by `verify`, in both languages.
#[test]
fn a_quarantine_emptied_after_recover_is_noticed() {
    let (s, _) = store_with_records();
    std::fs::write(s.path("records/customer/stray.toml"), "x = 1\n").unwrap();
    s.ok("root", &["recover"]);
    s.ok("", &["verify"]);
    let line = s.log_text().lines().count();
    let folder = std::fs::read_dir(s.path("records/.quarantine"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .into_string()
        .unwrap();
    std::fs::remove_dir_all(s.path("records/.quarantine")).unwrap();
    let err = s.fails("", &["verify"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: records/.quarantine/{folder}: `recover` moved 1 file(s) here (audit.log:{line}) and 0 remain: what recover sets aside is evidence; restore the folder from git or a backup\nhint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n"
        )
    );
    let zh = s
        .cmd("", &["verify"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&zh.stderr).contains(&format!(
            "records/.quarantine/{folder}: `recover` 曾把 1 个文件移到这里（audit.log:{line}），现在只剩 0 个"
        )),
        "{}",
        String::from_utf8_lossy(&zh.stderr)
    );
}

/// `recover` never follows a symbolic link out of the store: a quarantine folder that is
/// a link elsewhere is refused, and nothing moves.
#[test]
fn recover_never_moves_files_out_of_the_store() {
    let (s, _) = store_with_records();
    std::fs::write(s.path("records/customer/stray.toml"), "x = 1\n").unwrap();
    let outside = s.path("../outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, s.path("records/.quarantine")).unwrap();
    let err = s.fails_unchanged("root", &["recover"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: records/.quarantine: a symbolic link (to {}), where recover would move files: recover moves nothing out of the store; replace the link with a folder\nhint: nothing was written; `docket verify` lists every problem\n",
            outside.display()
        )
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert!(s.path("records/customer/stray.toml").exists());
}

/// `verify` writes what it learns of the records to a temporary file as it goes (every 50
/// records in tests, 200,000 in a release build), so its memory stays flat: a file
/// changed, one missing and one added by hand among the records written out are named
/// as when it held them all, and a good store still verifies.
#[test]
fn verify_names_problems_among_the_records_it_wrote_to_disk() {
    let s = TestStore::new();
    s.import_many(1, 300);
    let listed = s.ok(
        "alice",
        &[
            "query", "customer", "--sort", "id", "--limit", "3", "--format", "csv",
        ],
    );
    let ids: Vec<&str> = listed
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let (changed, missing) = (ids[0], ids[1]);
    s.ok(
        "alice",
        &[
            "amend",
            ids[2],
            "--set",
            "meter_number=M9",
            "--reason",
            "meter",
        ],
    );
    let out = s.ok("", &["verify"]);
    assert!(out.contains(", 322 files, 300 records; "), "{out}");
    let rel = |id: &str| format!("records/customer/2026/000/{id}.v0001.toml");
    let text = std::fs::read_to_string(s.path(&rel(changed))).unwrap();
    std::fs::write(s.path(&rel(changed)), text.replace("客户", "客人")).unwrap();
    std::fs::remove_file(s.path(&rel(missing))).unwrap();
    let stray = "records/customer/2026/000/CUS-2026-000999.v0001.toml";
    std::fs::create_dir_all(s.path(stray).parent().unwrap()).unwrap();
    std::fs::write(s.path(stray), "id = \"x\"\n").unwrap();
    let problems = s.verify_problems();
    let expected = [
        format!(
            "{}: does not match the hash the audit log holds",
            rel(changed)
        ),
        format!("{stray}: present but not logged"),
        format!("{}: logged but missing", rel(missing)),
    ];
    for e in &expected {
        assert!(
            problems.iter().any(|p| p.starts_with(e)),
            "{e}\n{problems:#?}"
        );
    }
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

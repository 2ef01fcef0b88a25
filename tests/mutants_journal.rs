//! What the one write path does at the system-call level, seen through `strace`: a
//! commit makes every file it wrote and their folders durable before it appends, then
//! syncs the log; a large commit syncs the file system once instead. Also the head a
//! commit leaves in this machine's witness, and a torn end with no files recovered.

mod common;
mod trace;
use common::*;
use trace::{first, traced};

/// The calls that write and sync.
const SYNCS: &str = "fsync,fdatasync,syncfs,write";

#[test]
#[ignore = "needs strace; .ci/run runs it"]
fn a_commit_syncs_its_files_and_folders_before_the_append_and_the_log_after() {
    let s = TestStore::new();
    let args = with_sets(
        &["create", "customer"],
        &[
            "name=张三丰",
            "id_kind=resident-id",
            "id_number=11010519491231002X",
            "category=residential",
            "phone=13812341234",
            "address=北京市朝阳区建国路88号",
            "account_opened_on=2026-02-01",
        ],
    );
    let calls = traced(&s, SYNCS, "alice", &strs(&args));
    let append = first(&calls, "write", "records/audit.log").expect("the log is appended");
    let file = "records/customer/2026/000/CUS-2026-000001.v0001.toml";
    // The new file, its new shard and the folders the shard's folders were made in.
    for (name, path) in [
        ("fsync", file),
        ("fsync", "records/customer/2026/000"),
        ("fsync", "records/customer/2026"),
        ("fsync", "records/customer"),
    ] {
        let at =
            first(&calls, name, path).unwrap_or_else(|| panic!("no {name} of {path}: {calls:?}"));
        assert!(at < append, "{name} of {path} after the append: {calls:?}");
    }
    let synced = first(&calls, "fsync", "records/audit.log").expect("the log is synced");
    assert!(synced > append, "{calls:?}");
    assert_eq!(first(&calls, "syncfs", "."), None, "{calls:?}");
}

/// A file of `n` residential customers, each with a legacy number of its own.
fn customers(n: usize) -> String {
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

/// Import `n` customers under `strace`: how many version files and how many folders
/// were synced one by one, and how many times the whole file system was.
fn import_syncs(n: usize) -> (usize, usize, usize) {
    let s = TestStore::new();
    let csv = s.path("../customers.csv");
    std::fs::write(&csv, customers(n)).unwrap();
    let calls = traced(
        &s,
        SYNCS,
        "alice",
        &["import", "customer", csv.to_str().unwrap()],
    );
    let append = first(&calls, "write", "records/audit.log").expect("the log is appended");
    let before = &calls[..append];
    let each = before
        .iter()
        .filter(|c| c.name == "fsync" && c.path.ends_with(".v0001.toml"))
        .count();
    let folders = before
        .iter()
        .filter(|c| c.name == "fsync" && !c.path.ends_with(".toml"))
        .count();
    let whole = before.iter().filter(|c| c.name == "syncfs").count();
    (each, folders, whole)
}

/// 64 files in a new shard `records/customer/2026/000`: each file, each of the 3 new
/// folders and `records`. One more file, and one sync of the file system covers files and
/// folders alike: an import of 100,000 records makes no 100,000 more calls.
#[test]
#[ignore = "needs strace; .ci/run runs it"]
fn a_commit_of_up_to_64_files_syncs_each_and_a_larger_one_syncs_the_file_system() {
    assert_eq!(import_syncs(64), (64, 4, 0));
    assert_eq!(import_syncs(65), (0, 0, 1));
}

/// The witness file this machine keeps of the store, as JSON.
fn witness(s: &TestStore) -> serde_json::Value {
    let file = std::fs::read_dir(s.state().join("docket"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

#[test]
fn a_write_leaves_this_machines_witness_at_the_head_it_appended() {
    let s = TestStore::new();
    s.residential();
    let log = s.log_text();
    let last = log.lines().last().unwrap();
    let w = witness(&s);
    assert_eq!(w["entries"], log.lines().count());
    assert_eq!(w["len"], log.len());
    assert_eq!(w["head"], &last[..64]);
}

#[test]
fn recover_cuts_a_torn_end_that_left_no_files() {
    let s = TestStore::new();
    let id = s.residential();
    let whole = s.log_text();
    let out = s
        .cmd(
            "audrey",
            &["show", &id, "--reveal", "--purpose", "audit sample"],
        )
        .env("DOCKET_FAULT", "torn-log")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let torn = s.log_text().len() - whole.len();
    assert!(torn > 0);
    let out = s.run("root", &["recover"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "moved the unfinished end of the audit log ({torn} bytes) → records/.quarantine/20260301T170000/audit.log.torn-tail\n"
        )
    );
    assert!(s.log_text().starts_with(&whole));
    assert!(s.ok("", &["verify"]).starts_with("ok: 24 audit entries"));
    let kept = s.path("records/.quarantine/20260301T170000/audit.log.torn-tail");
    assert_eq!(std::fs::read(kept).unwrap().len(), torn);
}

#[test]
#[ignore = "needs strace; .ci/run runs it"]
fn recover_syncs_the_folder_a_stray_file_leaves_as_well_as_the_one_it_enters() {
    let s = TestStore::new();
    let id = s.residential();
    let stray = format!("records/customer/2026/000/{id}.v0009.toml");
    std::fs::write(s.path(&stray), "left by a crash\n").unwrap();
    let calls = traced(&s, SYNCS, "root", &["recover"]);
    let synced = |dir: &str| calls.iter().any(|c| c.name == "fsync" && c.path == dir);
    assert!(synced("records/customer/2026/000"), "{calls:?}");
    assert!(
        calls
            .iter()
            .any(|c| c.name == "fsync" && c.path.starts_with("records/.quarantine/")),
        "{calls:?}"
    );
    assert!(!s.path(&stray).exists());
}

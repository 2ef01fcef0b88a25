//! The log in sealed segments: a full open segment is sealed into `records/_log/`, runs
//! trust a sealed segment only while its file metadata is what this machine verified, and
//! any change to one — an edited byte, a segment removed, renamed or added — is named.

mod common;
use common::*;

const SEALED: &str = "records/_log/0000/000000000001.log";

/// A store whose first 500-odd entries are sealed, with one act in the open segment.
fn sealed_store() -> (TestStore, String) {
    let s = TestStore::new();
    s.import_many(1000, 500);
    assert!(
        s.path(SEALED).is_file(),
        "the import fills the first segment"
    );
    assert!(!s.path("records/audit.log").exists());
    let id = s.residential();
    assert!(s.path("records/audit.log").is_file());
    (s, id)
}

fn witness(s: &TestStore) -> serde_json::Value {
    let dir = s.state().join("docket");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a witness");
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

#[test]
fn a_full_segment_is_sealed_and_the_log_reads_on_across_it() {
    let (s, id) = sealed_store();
    let sealed_entries = std::fs::read_to_string(s.path(SEALED))
        .unwrap()
        .lines()
        .count() as u64;
    let out = s.ok("", &["verify"]);
    assert!(
        out.starts_with(&format!("ok: {} audit entries", sealed_entries + 1)),
        "{out}"
    );
    assert!(s.ok("alice", &["show", &id]).contains(&id));
    // The open segment starts at the entry after the sealed one's last.
    let first_line = s.log_text().lines().next().unwrap().to_string();
    assert!(
        first_line.contains(&format!("{{\"seq\":{},", sealed_entries + 1)),
        "{first_line}"
    );
    // This machine remembers the sealed segment it verified.
    assert_eq!(witness(&s)["sealed"]["count"], 1);
    assert_eq!(witness(&s)["sealed"]["entries"], sealed_entries);
}

#[test]
fn an_edited_sealed_segment_is_named_by_the_next_run() {
    let (s, id) = sealed_store();
    let mut bytes = std::fs::read(s.path(SEALED)).unwrap();
    let at = bytes
        .windows(11)
        .position(|w| w == b"\"version\":1")
        .unwrap();
    bytes[at + 10] = b'2';
    std::fs::write(s.path(SEALED), bytes).unwrap();
    let err = s.fails("alice", &["show", &id], 3);
    assert!(
        err.starts_with(&format!(
            "error: integrity check failed: {SEALED}:2: the entry's hash does not match its content"
        )),
        "{err}"
    );
}

#[test]
fn a_sealed_segment_touched_but_unchanged_is_read_again_and_trusted_anew() {
    let (s, id) = sealed_store();
    let before = witness(&s)["sealed"]["metadata"].clone();
    // Rewriting the same bytes gives the file a new change time: the next run hashes it.
    let bytes = std::fs::read(s.path(SEALED)).unwrap();
    std::fs::write(s.path(SEALED), &bytes).unwrap();
    assert!(s.ok("alice", &["show", &id]).contains(&id));
    assert_ne!(witness(&s)["sealed"]["metadata"], before);
    assert_eq!(witness(&s)["sealed"]["count"], 1);
}

#[test]
fn a_removed_or_renamed_sealed_segment_is_named() {
    let (s, id) = sealed_store();
    let moved = s.path("records/_log/0000/000000000002.log");
    std::fs::rename(s.path(SEALED), &moved).unwrap();
    let err = s.fails("alice", &["show", &id], 3);
    assert!(
        err.contains("records/_log/0000/000000000002.log: this sealed segment's name says it begins at entry 2, but the log before it ends at entry 0"),
        "{err}"
    );
    std::fs::remove_file(&moved).unwrap();
    let err = s.fails("alice", &["show", &id], 3);
    assert!(err.contains("records/audit.log:1:"), "{err}");
}

#[test]
fn a_stray_file_among_the_segments_is_named_and_recovered() {
    let (s, _) = sealed_store();
    std::fs::write(s.path("records/_log/0000/notes.txt"), "x").unwrap();
    let problems = s.verify_problems();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("records/_log/0000/notes.txt")),
        "{problems:?}"
    );
    s.ok("root", &["recover"]);
    assert!(!s.path("records/_log/0000/notes.txt").exists());
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

#[test]
fn a_torn_open_segment_after_a_sealed_one_is_recovered() {
    let (s, id) = sealed_store();
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(s.path("records/audit.log"))
        .unwrap();
    std::io::Write::write_all(&mut log, b"{\"seq\":9").unwrap();
    s.fails("alice", &["show", &id], 3);
    let out = s.ok("root", &["recover"]);
    assert!(out.contains("8 bytes"), "{out}");
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    assert!(s.ok("alice", &["show", &id]).contains(&id));
}

/// The settled index's checkpoint can lie inside a sealed segment (when it could not be
/// brought up to date after an act, or was restored from a backup): a run then starts
/// reading at the checkpoint, and what follows it is indexed as usual.
#[test]
fn a_run_resumes_inside_a_sealed_segment_at_the_cache_checkpoint() {
    let s = TestStore::new();
    s.import_many(1000, 500);
    s.import_many(2000, 100);
    // The settled index as it stands now, its checkpoint inside the open segment (its
    // write-ahead log is folded in when the last run closes it).
    let db = s.index_db().unwrap();
    let kept = std::fs::read(&db).unwrap();
    s.import_many(3000, 400);
    s.drop_caches();
    std::fs::write(&db, kept).unwrap();
    let segments = std::fs::read_dir(s.path("records/_log/0000"))
        .unwrap()
        .count();
    assert_eq!(segments, 2, "the second import fills a second segment");
    let last = s.ok("alice", &["query", "customer", "--format", "json"]);
    let customers: Vec<serde_json::Value> = serde_json::from_str(&last).unwrap();
    assert_eq!(customers.len(), 1000);
    // Twice more: the second run trusts both segments and starts at the checkpoint.
    for _ in 0..2 {
        let id = customers.last().unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(s.ok("alice", &["show", &id]).contains(&id));
    }
    let fresh = s.residential();
    assert!(s.ok("alice", &["show", &fresh]).contains(&fresh));
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// `log --entry N --export-signed` finds a transaction in a sealed segment and in the
/// open one after it (the signed bytes are checked by ssh-keygen in `tests/signing.rs`).
#[test]
fn a_transaction_is_exported_from_either_side_of_a_seal() {
    let (s, _) = sealed_store();
    let n = s.ok("", &["verify"]);
    let last: u64 = n
        .strip_prefix("ok: ")
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    for (entry, dir) in [(3, "sealed"), (last, "open")] {
        let out = s.path(dir);
        s.ok(
            "",
            &[
                "log",
                "--entry",
                &entry.to_string(),
                "--export-signed",
                out.to_str().unwrap(),
            ],
        );
        let signed = std::fs::read_to_string(out.join("entry")).unwrap();
        assert!(signed.contains(&format!("{{\"seq\":{entry},")), "{signed}");
        assert!(out.join("entry.sig").is_file());
    }
}

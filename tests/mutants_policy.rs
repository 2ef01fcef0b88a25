//! The policy files under the chain, past what tests/policy.rs covers: schema files added
//! or removed by hand, files under schemas/ that are not policy, applied copies missing
//! or changed, and what `policy apply` refuses.

mod common;
use common::*;

const APPLY: &str = "`docket policy diff` shows the change; an administrator applies it with `docket policy apply --reason TEXT`, or restore the file from git";
const HINT: &str = "hint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n";

#[test]
fn a_schema_file_added_or_removed_by_hand_stops_every_run() {
    let s = TestStore::new();
    let customer = std::fs::read(s.path("schemas/customer.toml")).unwrap();
    std::fs::write(s.path("schemas/extra.toml"), &customer).unwrap();
    let err = s.fails_unchanged("alice", &["query"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: schemas/extra.toml: is not part of the applied policy (version 1): {APPLY}\n{HINT}"
        )
    );
    std::fs::remove_file(s.path("schemas/extra.toml")).unwrap();
    std::fs::remove_file(s.path("schemas/customer.toml")).unwrap();
    let err = s.fails_unchanged("alice", &["query"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: schemas/customer.toml: is missing from the folder but part of the applied policy (version 1): {APPLY}\n{HINT}"
        )
    );
    let diff = s.ok("", &["policy", "diff"]);
    assert!(
        diff.contains(
            "--- applied (version 1) schemas/customer.toml\n+++ live schemas/customer.toml\n"
        ),
        "{diff}"
    );
}

#[test]
fn files_under_schemas_that_are_hidden_or_not_toml_are_not_policy() {
    let s = TestStore::new();
    let roles = std::fs::read(s.path("schemas/roles.toml")).unwrap();
    std::fs::write(s.path("schemas/.roles.toml"), &roles).unwrap();
    std::fs::write(s.path("schemas/notes.txt"), "drafts\n").unwrap();
    s.ok("alice", &["query"]);
    let err = s.fails("root", &["policy", "apply", "--reason", "x"], CONFLICT);
    assert!(
        err.starts_with("error: nothing to apply: the live policy files are version 1\n"),
        "{err}"
    );
}

#[test]
fn an_applied_copy_missing_or_changed_stops_every_run() {
    let s = TestStore::new();
    let copy = "records/_policy/v0001/schemas/customer.toml";
    let bytes = std::fs::read(s.path(copy)).unwrap();
    std::fs::remove_file(s.path(copy)).unwrap();
    let err = s.fails_unchanged("alice", &["query"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: {copy}: the applied policy's copy is logged but missing: restore it from git or a backup\n{HINT}"
        )
    );
    let mut changed = bytes.clone();
    changed.extend_from_slice(b"\n");
    std::fs::write(s.path(copy), changed).unwrap();
    let err = s.fails_unchanged("alice", &["query"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: {copy}: the file does not match the hash the audit log holds for it: it was changed outside docket\n{HINT}"
        )
    );
}

/// Only a copy that is not there is "missing": one that is there but cannot be read (here
/// a folder in its place) is reported as the read error it is, with its path.
#[test]
fn an_applied_copy_that_cannot_be_read_is_not_called_missing() {
    let s = TestStore::new();
    let copy = "records/_policy/v0001/schemas/customer.toml";
    std::fs::remove_file(s.path(copy)).unwrap();
    std::fs::create_dir(s.path(copy)).unwrap();
    let err = s.fails_unchanged("alice", &["query"], IO);
    assert!(
        err.starts_with(&format!("error: {}: ", s.path(copy).display())),
        "{err}"
    );
    assert!(!err.contains("missing"), "{err}");
}

#[test]
fn apply_refuses_a_file_that_is_not_utf8_and_a_new_site_code() {
    let s = TestStore::new();
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    let mut bytes = std::fs::read(s.path("schemas/customer.toml")).unwrap();
    bytes.extend_from_slice(b"# \xff\n");
    std::fs::write(s.path("schemas/customer.toml"), &bytes).unwrap();
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID);
    assert_eq!(
        err,
        "error: schemas/customer.toml: the file is not UTF-8 text\nhint: save it as UTF-8\n"
    );
    bytes.truncate(bytes.len() - 4);
    std::fs::write(s.path("schemas/customer.toml"), &bytes).unwrap();
    let site = config
        .lines()
        .find(|l| l.starts_with("site_code = "))
        .unwrap();
    std::fs::write(
        s.path("docket.toml"),
        config.replacen(site, "site_code = \"ZZ\"", 1),
    )
    .unwrap();
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID);
    assert!(
        err.starts_with("error: docket.toml: field `store`: the store's id (")
            && err.contains(") and site code never change\nhint: put [store] back as it was\n"),
        "{err}"
    );
}

//! Offices (sites) sharing one store through git: which site a clone writes as, and a
//! clone that is none reading but never writing.

mod common;
use common::*;

/// Runs `docket` in the store with no actor, for commands that need none.
fn plain(s: &TestStore, args: &[&str]) -> Out {
    let out = docket()
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_NOW", &s.now)
        .arg("--store")
        .arg(s.root())
        .args(args)
        .output()
        .expect("runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn init_makes_the_folder_its_first_site_and_keeps_that_out_of_git() {
    let s = TestStore::bare();
    let site = std::fs::read_to_string(s.path(".docket-site")).unwrap();
    assert!(site.contains("site = \"MAIN\""), "{site}");
    let ignored = std::fs::read_to_string(s.path(".gitignore")).unwrap();
    for line in ["records/.cache/", "records/.lock", ".docket-site"] {
        assert!(ignored.lines().any(|l| l == line), "{line} in {ignored}");
    }
    let shown = plain(&s, &["site", "show"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert_eq!(
        shown.stdout,
        "this clone writes as site MAIN\nthe store's sites: MAIN\n"
    );
}

#[test]
fn a_clone_that_is_no_site_reads_but_never_writes() {
    let s = TestStore::new();
    let id = s.residential();
    std::fs::remove_file(s.path(".docket-site")).unwrap();
    // Reading needs no site.
    assert!(s.ok("alice", &["show", &id]).contains(&id));
    assert_eq!(
        plain(&s, &["site", "show"]).stdout,
        "this clone is not a site: it reads, and writes nothing\nthe store's sites: MAIN\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
        4,
    );
    assert_eq!(
        err,
        "error: this clone of the store is not a site, so it may read but not write (no .docket-site)\n\
         hint: to write here, make it a site: `docket site init MAIN --take-over` if it replaces the clone that wrote as MAIN\n"
    );
    // Taking over a site that has a log is said out loud.
    let before = s.snapshot();
    let o = plain(&s, &["site", "init", "MAIN"]);
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "error: site MAIN already has a log, written from another clone\n\
         hint: if this clone replaces that one for good (and it will write no more), run `docket site init MAIN --take-over`; two clones writing as one site fork its log\n"
    );
    assert_eq!(before, s.snapshot());
    let o = plain(&s, &["site", "init", "MAIN", "--take-over"]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (0, "this clone now writes as site MAIN\n")
    );
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
    );
    s.ok("root", &["verify"]);
}

#[test]
fn a_site_file_naming_no_site_of_the_store_stops_writing() {
    let s = TestStore::new();
    let id = s.residential();
    std::fs::write(s.path(".docket-site"), "site = \"HZ\"\n").unwrap();
    let err = s.fails_unchanged(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
        6,
    );
    assert_eq!(
        err,
        "error: this store has no site HZ (named in .docket-site)\n\
         hint: this store's site is MAIN; a clone writes as it with `docket site init MAIN --take-over`\n"
    );
    std::fs::write(s.path(".docket-site"), "site = \"hz\"\n").unwrap();
    let err = s.fails_unchanged(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
        2,
    );
    assert_eq!(
        err,
        "error: .docket-site does not name a site as docket writes it\n\
         hint: it holds one line, site = \"CODE\"; remove it and run `docket site init CODE` again\n"
    );
    // A clone stays the site it became.
    std::fs::write(s.path(".docket-site"), "site = \"MAIN\"\n").unwrap();
    let o = plain(&s, &["site", "init", "HZ"]);
    assert_eq!(o.code, 6);
    assert!(
        o.stderr
            .starts_with("error: this clone writes as site MAIN already, not HZ\n"),
        "{}",
        o.stderr
    );
}

#[test]
fn site_codes_are_short_upper_case_words() {
    let dir = tempfile::tempdir().unwrap();
    let key = keygen(dir.path(), "root");
    let out = docket()
        .arg("init")
        .arg(dir.path().join("store"))
        .args(["--admin", "root", "--site", "hz", "--key"])
        .arg(format!("{}.pub", key.display()))
        .arg("--identity")
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: “hz” is not a usable site code\n\
         hint: a site code is an upper-case letter, then one to seven upper-case letters or digits: MAIN, HZ, SH2\n"
    );
    assert!(!dir.path().join("store").exists());
}

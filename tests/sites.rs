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
    Out::from(out)
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
    std::fs::write(s.path(".docket-site"), "site = \"H Z\"\n").unwrap();
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

/// One clone of a store on this test machine: its folder and its own state folder (two
/// clones on one machine keep separate checkpoints), acting with the test's keys.
struct Clone {
    root: std::path::PathBuf,
    state: std::path::PathBuf,
    keys: std::path::PathBuf,
    now: String,
}

/// The clones other than the first read another site's entries a few at a time
/// (`audit::stream`) where the first holds them whole: every test checks that both
/// ways agree.
const STREAMED: &str = "4";

impl Clone {
    fn run(&self, actor: &str, args: &[&str]) -> Out {
        let mut c = docket_process();
        c.current_dir(&self.root)
            .env("DOCKET_NOW", &self.now)
            .env("XDG_STATE_HOME", &self.state);
        if !self.root.ends_with("store") {
            c.env("DOCKET_MERGE_WHOLE", STREAMED);
        }
        if !actor.is_empty() {
            c.args(["--as", actor])
                .env("DOCKET_IDENTITY", self.keys.join(actor));
        }
        let out = c.args(args).output().expect("runs");
        Out::from(out)
    }

    fn ok(&self, actor: &str, args: &[&str]) -> String {
        let o = self.run(actor, args);
        assert_eq!(
            o.code,
            0,
            "docket {args:?} as {actor} at {}:\n{}",
            self.root.display(),
            o.stderr
        );
        o.stdout
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(&self.root, args)
    }

    /// Commit everything, pull what the other sites pushed, and push.
    fn sync(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-qm", message, "--allow-empty"]);
        self.git(&["pull", "-q", "--no-rebase", "--no-edit"]);
        self.git(&["push", "-q"]);
    }
}

fn git_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The store `s` in git, pushed to a bare repository in `place`, and a fresh clone of it
/// there (no site yet).
fn two_clones(s: &TestStore, place: &std::path::Path) -> (Clone, Clone) {
    let keys = s.key("root").parent().unwrap().to_path_buf();
    let main = Clone {
        root: s.root(),
        state: s.state(),
        keys: keys.clone(),
        now: s.now.clone(),
    };
    main.git(&["init", "-q"]);
    main.git(&["add", "-A"]);
    main.git(&["commit", "-qm", "the store"]);
    main.git(&["branch", "-M", "main"]);
    let hub = place.join("hub.git");
    let hub = hub.to_string_lossy();
    git_in(
        place,
        &[
            "clone",
            "-q",
            "--bare",
            &main.root.to_string_lossy(),
            "hub.git",
        ],
    );
    main.git(&["remote", "add", "origin", &hub]);
    main.git(&["fetch", "-q", "origin"]);
    main.git(&["branch", "-q", "-u", "origin/main"]);
    git_in(place, &["clone", "-q", &hub, "hz"]);
    let hz = Clone {
        root: place.join("hz"),
        state: place.join("hz-state"),
        keys,
        now: s.now.clone(),
    };
    (main, hz)
}

/// The fields of `id` as `audrey` sees them (masked), without the time it was read.
fn shown(c: &Clone, id: &str) -> serde_json::Value {
    serde_json::from_str(&c.ok("audrey", &["show", "--format", "json", id])).unwrap()
}

#[test]
fn two_offices_exchange_work_through_git_and_agree() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = two_clones(&s, place.path());
    // A fresh clone reads; an administrator makes it site HZ, whose log it opens.
    let o = hz.run("root", &["site", "init", "HZ"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(hz.root.join("records/_sites/HZ/audit.log").is_file());
    assert_eq!(
        hz.ok("", &["site", "show"]),
        "this clone writes as site HZ\nthe store's sites: MAIN, HZ\n"
    );
    // Each office acts on its own clone; ids given at HZ say so.
    let at_hz = hz.ok("alice", &customer_args(2)).trim().to_string();
    assert_eq!(at_hz, "CUS-HZ-2026-000001");
    let at_main = main.ok("alice", &customer_args(3)).trim().to_string();
    assert_eq!(at_main, "CUS-2026-000001");
    hz.sync("HZ: a customer");
    main.sync("MAIN: a customer");
    // MAIN acts on HZ's record after the pull; HZ sees it after its own.
    main.ok(
        "alice",
        &[
            "amend",
            &at_hz,
            "--set",
            "meter_number=M9",
            "--reason",
            "新表",
        ],
    );
    main.sync("MAIN: HZ's customer's meter");
    hz.sync("HZ: nothing new");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(shown(c, &at_hz)["fields"]["meter_number"], "M9");
        assert_eq!(shown(c, &at_main)["status"], "active");
        assert_eq!(shown(c, &at_hz)["version"], 2);
        // The second run finds nothing new and reads the index it settled.
        for _ in 0..2 {
            let listed = c.ok(
                "alice",
                &["query", "customer", "--where", "meter_number == 'M9'"],
            );
            assert!(
                listed.contains(&at_hz) && !listed.contains(&at_main),
                "{listed}"
            );
        }
    }
    // The log reads every site's entries, another site's numbered in its own log.
    let created = main.ok("", &["log", "--record", &at_hz, "--format", "csv"]);
    let seqs: Vec<&str> = created
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(seqs.len(), 2, "{created}");
    assert_eq!(seqs[0], "HZ:2", "{created}");
    assert!(!seqs[1].contains(':'), "{created}");
    let main_log = std::fs::read(main.root.join("records/_sites/HZ/audit.log")).unwrap();
    let hz_log = std::fs::read(hz.root.join("records/_sites/HZ/audit.log")).unwrap();
    assert_eq!(main_log, hz_log);
}

/// The arguments creating the `n`th residential customer of this test.
fn customer_args(n: u32) -> Vec<&'static str> {
    let id = Box::leak(format!("id_number={}", resident_id(n)).into_boxed_str());
    let mut args = vec!["create", "customer"];
    for pair in [
        "name=张三",
        "id_kind=resident-id",
        id,
        "category=residential",
        "phone=13800001111",
        "address=杭州市西湖区文三路1号",
        "account_opened_on=2026-02-01",
    ] {
        args.push("--set");
        args.push(pair);
    }
    args
}

/// An HZ clone that is site HZ, its log pushed, and MAIN up to date with it.
fn hz_site_open(s: &TestStore, place: &std::path::Path) -> (Clone, Clone) {
    let (main, hz) = two_clones(s, place);
    hz.ok("root", &["site", "init", "HZ"]);
    hz.sync("HZ opens");
    main.sync("MAIN pulls");
    (main, hz)
}

/// A residential supply contract for `customer`, drafted by alice at `c`: it waits for
/// the general manager (the installation fee is not settled).
fn draft_supply(c: &Clone, customer: &str) -> String {
    let customer = format!("customer={customer}");
    let mut args = vec!["create", "residential-supply", "--set", &customer];
    for pair in [
        "delivery_notice_no=SQ1",
        "acceptance_drawing_no=YS1",
        "installation_fee_settled=false",
        "meter_number=M1",
        "start_date=2026-03-05",
    ] {
        args.extend(["--set", pair]);
    }
    c.ok("alice", &args).trim().to_string()
}

fn status_at(c: &Clone, id: &str) -> String {
    shown(c, id)["status"].as_str().unwrap().to_string()
}

#[test]
fn a_contract_drafted_at_one_office_is_approved_at_another() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let customer = hz.ok("alice", &customer_args(4)).trim().to_string();
    let supply_id = draft_supply(&hz, &customer);
    assert!(supply_id.contains("-HZ-2026-"), "{supply_id}");
    assert_eq!(status_at(&hz, &supply_id), "pending");
    hz.sync("HZ drafts a supply contract");
    main.sync("MAIN pulls it");
    // The general manager at the head office takes the step the contract waits for.
    assert!(main.ok("gina", &["pending"]).contains(&supply_id));
    main.ok("gina", &["approve", &supply_id, "--comment", "结清承诺"]);
    main.sync("MAIN approves");
    hz.sync("HZ pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(status_at(c, &supply_id), "active");
        assert!(!c.ok("gina", &["pending"]).contains(&supply_id));
    }
}

#[test]
fn the_register_and_the_policy_change_at_the_first_site_only() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (_main, hz) = hz_site_open(&s, place.path());
    let o = hz.run("root", &["actor", "revoke", "bob", "--reason", "离职"]);
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "error: this clone writes as site HZ, and the staff register and the policy change at the store's first site only\n\
         hint: do it on a clone of site MAIN, then push; site HZ acts by it once it has pulled\n"
    );
    hz.ok("", &["verify"]);
}

#[test]
fn a_site_whose_log_was_cut_after_another_read_it_is_named() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    hz.ok("alice", &customer_args(5));
    hz.sync("HZ: a customer");
    main.sync("MAIN pulls");
    // MAIN acts after reading HZ's whole log: its entry records how far.
    main.ok("alice", &customer_args(6));
    let log = main.root.join("records/_sites/HZ/audit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    let kept: Vec<&str> = text.lines().collect();
    let held = kept.len() - 1;
    std::fs::write(&log, format!("{}\n", kept[..held].join("\n"))).unwrap();
    // A machine that never read the store (a fresh state folder) still names the fork.
    let fresh = Clone {
        state: place.path().join("fresh-state"),
        ..Clone {
            root: main.root.clone(),
            state: main.state.clone(),
            keys: main.keys.clone(),
            now: main.now.clone(),
        }
    };
    let o = fresh.run("", &["verify"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    let n = kept.len();
    assert!(
        o.stderr.contains(&format!(
            "site HZ forked at entry {n}: site MAIN had read its log up to there, and that entry is not in it now (it holds {held})"
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn one_identity_number_created_at_two_sites_between_pulls_breaks_no_rule_and_meets_in_status() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let at_hz = hz.ok("alice", &customer_args(7)).trim().to_string();
    let at_main = main.ok("alice", &customer_args(7)).trim().to_string();
    hz.sync("HZ: a customer");
    main.sync("MAIN: the same customer");
    hz.sync("HZ pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        // Both records stand; the next act at either site is told of the other.
        let holders = c.ok(
            "alice",
            &[
                "exists",
                "customer",
                &format!("id_number={}", resident_id(7)),
            ],
        );
        assert!(
            holders.contains(&at_hz) && holders.contains(&at_main),
            "{holders}"
        );
    }
    // A site that had read the other's record and still creates one is caught.
    let forged = hz.run("alice", &customer_args(7));
    assert_eq!(forged.code, 6, "{}", forged.stderr);
    // They meet: `status` names both records and the field, never the number.
    for c in [&main, &hz] {
        let status = c.ok("audrey", &["status", "--format", "json"]);
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        let shared = &status["shared_across_sites"];
        assert_eq!(shared[0]["field"], "id_number", "{status}");
        let ids: Vec<&str> = shared[0]["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(ids.contains(&at_hz.as_str()) && ids.contains(&at_main.as_str()));
        let table = c.ok("audrey", &["status"]);
        assert!(
            table.contains("records of different sites hold one `id_number`"),
            "{table}"
        );
        assert!(!table.contains(&resident_id(7)), "{table}");
    }
    // Kept with a reason at HZ: both stand, and the meeting is settled everywhere.
    hz.ok(
        "alice",
        &[
            "amend",
            &at_hz,
            "--set",
            "phone=13900002222",
            "--allow-duplicate",
            "--reason",
            "同一用户在两处开户，分别供气",
        ],
    );
    hz.sync("HZ keeps its record");
    main.sync("MAIN pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        let status = c.ok("audrey", &["status", "--format", "json"]);
        assert!(status.contains("\"shared_across_sites\": []"), "{status}");
    }
}

/// `id`'s acts at two sites between pulls: HZ sets meter H1, MAIN sets M1, and both
/// exchange them through git.
fn amended_at_both_sites(main: &Clone, hz: &Clone, id: &str) {
    set_meter(hz, id, "H1", "换表");
    set_meter(main, id, "M1", "换表");
    hz.sync("HZ: a meter");
    main.sync("MAIN: a meter");
    hz.sync("HZ pulls");
}

fn meter_at(c: &Clone, id: &str) -> String {
    shown(c, id)["fields"]["meter_number"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn one_record_amended_at_two_sites_between_pulls_meets_as_a_conflict_kept_until_resolved() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let id = main.ok("alice", &customer_args(8)).trim().to_string();
    main.sync("MAIN: a customer");
    hz.sync("HZ pulls");
    // Each site names its version file after itself, so git merges the two acts.
    amended_at_both_sites(&main, &hz, &id);
    let dir = main.git(&["ls-files", &format!("*{id}*")]);
    assert!(
        dir.contains(&format!("{id}.v0002.toml")) && dir.contains(&format!("{id}.v0002.HZ.toml")),
        "{dir}"
    );
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        // Another site's act goes first: HZ's version stands, MAIN's is set aside.
        assert_eq!(meter_at(c, &id), "H1");
        let shown = c.run("audrey", &["show", &id]);
        assert!(
            shown.stderr.contains(&format!(
                "{id} is in conflict between sites: the version shown is site HZ's; set aside: MAIN"
            )),
            "{}",
            shown.stderr
        );
        let status = c.ok("audrey", &["status", "--format", "json"]);
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        let conflict = &status["conflicts"][0];
        assert_eq!(conflict["id"], id.as_str(), "{status}");
        assert_eq!(conflict["current_site"], "HZ");
        assert_eq!(conflict["set_aside"][0]["site"], "MAIN");
        assert_eq!(conflict["set_aside"][0]["action"], "amend");
        // Nothing more is done to the record until someone settles it.
        let o = c.run(
            "alice",
            &["amend", &id, "--set", "meter_number=X1", "--reason", "再换"],
        );
        assert_eq!(o.code, 6, "{}", o.stderr);
        assert!(
            o.stderr.contains(&format!(
                "record `{id}` is in conflict: site(s) MAIN changed it while another site's change came first, and both versions are kept"
            )),
            "{}",
            o.stderr
        );
    }
    // A site the conflict holds no version of is no choice.
    let o = main.run(
        "alice",
        &["resolve", &id, "--keep", "SH", "--reason", "核对"],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "no version of `{id}` in its conflict was written at site SH"
        )),
        "{}",
        o.stderr
    );
    main.ok(
        "alice",
        &[
            "resolve",
            &id,
            "--keep",
            "MAIN",
            "--reason",
            "总部核对过表号",
        ],
    );
    main.sync("MAIN resolves");
    hz.sync("HZ pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(meter_at(c, &id), "M1");
        assert_eq!(shown(c, &id)["version"], 3);
        // No act is lost: the version set aside stays in the record's history.
        let history = c.ok("audrey", &["history", &id]);
        assert!(history.contains("2 (site MAIN, set aside)"), "{history}");
        assert!(history.contains("resolve"), "{history}");
        let status = c.ok("audrey", &["status", "--format", "json"]);
        assert!(status.contains("\"conflicts\": []"), "{status}");
        let log = c.ok("audrey", &["log", "--action", "resolve"]);
        assert!(log.contains(&id), "{log}");
        c.ok(
            "alice",
            &[
                "amend",
                &id,
                "--set",
                "meter_number=M2",
                "--reason",
                "再换表",
            ],
        );
    }
    // No conflict, nothing to resolve.
    let o = hz.run(
        "alice",
        &["resolve", &id, "--keep", "HZ", "--reason", "核对"],
    );
    assert_eq!(o.code, 6, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "record `{id}` is in no conflict between sites: there is nothing to resolve"
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn an_approval_at_one_office_and_an_amendment_at_another_meet_and_the_step_is_taken_again() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let customer = main.ok("alice", &customer_args(9)).trim().to_string();
    let supply = draft_supply(&main, &customer);
    main.sync("MAIN drafts");
    hz.sync("HZ pulls");
    // The general manager approves at the head office while HZ changes the terms.
    main.ok("gina", &["approve", &supply, "--comment", "同意"]);
    hz.ok(
        "bob",
        &[
            "amend",
            &supply,
            "--set",
            "meter_number=M9",
            "--reason",
            "换表",
        ],
    );
    main.sync("MAIN approves");
    hz.sync("HZ amends");
    main.sync("MAIN pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(status_at(c, &supply), "pending");
        let o = c.run("gina", &["approve", &supply, "--comment", "同意"]);
        assert_eq!(o.code, 6, "{}", o.stderr);
    }
    // Keeping HZ's terms keeps where their approval stands: the step is due again.
    hz.ok(
        "bob",
        &[
            "resolve",
            &supply,
            "--keep",
            "HZ",
            "--reason",
            "以新表号为准",
        ],
    );
    hz.sync("HZ resolves");
    main.sync("MAIN pulls");
    main.ok("gina", &["approve", &supply, "--comment", "新表号同意"]);
    main.sync("MAIN approves again");
    hz.sync("HZ pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(status_at(c, &supply), "active");
        assert_eq!(meter_at(c, &supply), "M9");
    }
}

#[test]
fn a_run_killed_while_it_replays_a_pull_leaves_the_store_as_it_was() {
    // `DOCKET_CRASH_PULLS` runs more kills (README "Crashes").
    let kills: u64 = std::env::var("DOCKET_CRASH_PULLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    for n in 10..14 {
        hz.ok("alice", &customer_args(n));
    }
    hz.sync("HZ: customers");
    // MAIN acts between the pulls too, so the run after the pull replays every log.
    main.ok("alice", &customer_args(20));
    main.git(&["add", "-A"]);
    main.git(&["commit", "-qm", "MAIN: a customer"]);
    main.git(&["pull", "-q", "--no-rebase", "--no-edit"]);
    let before = std::fs::read(main.root.join("records/_sites/HZ/audit.log")).unwrap();
    // This machine's state as the pull left it: every round replays the pull afresh.
    let pulled = place.path().join("state-after-pull");
    copy_tree(&main.state, &pulled);
    let mut seed: u64 = 11;
    let mut killed = 0;
    for round in 0..kills {
        std::fs::remove_dir_all(&main.state).unwrap();
        copy_tree(&pulled, &main.state);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // Kill the first run after the pull at moments spread over its replay.
        let delay_ms = (seed >> 33) % 50;
        let mut c = docket_process();
        let mut child = c
            .current_dir(&main.root)
            .env("DOCKET_NOW", &main.now)
            .env("XDG_STATE_HOME", &main.state)
            .args(["--as", "alice"])
            .env("DOCKET_IDENTITY", main.keys.join("alice"))
            .args(["query", "customer"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let after = std::fs::read(main.root.join("records/_sites/HZ/audit.log")).unwrap();
        assert_eq!(before, after, "round {round}");
        // The next run finds the store and this machine's state whole.
        let q = main.ok("alice", &["query", "customer"]);
        assert!(q.contains("CUS-HZ-2026-000004"), "round {round}: {q}");
    }
    main.ok("", &["verify"]);
    println!("{kills} runs after a pull: {killed} killed before they finished");
}

/// Copy the folder `from` to `to`, which must not exist.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_site_is_opened_by_its_signed_act_never_by_a_folder() {
    let s = TestStore::new();
    let id = s.residential();
    std::fs::create_dir_all(s.path("records/_sites/ZZ")).unwrap();
    std::fs::write(s.path(".docket-site"), "site = \"ZZ\"\n").unwrap();
    let err = s.fails(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
        6,
    );
    assert!(
        err.starts_with("error: this store has no site ZZ (named in .docket-site)\n"),
        "{err}"
    );
    // A log put there by hand, not opened by a site-open act, is named.
    std::fs::copy(
        s.path("records/audit.log"),
        s.path("records/_sites/ZZ/audit.log"),
    )
    .unwrap();
    let o = s.run("", &["verify"]);
    assert_eq!(o.code, 3);
    assert!(
        o.stderr.contains("records/_sites/ZZ/audit.log:1: a site's log begins with the signed site-open act that opened it, and this one does not"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_site_log_removed_after_this_machine_read_it_is_named() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, _hz) = hz_site_open(&s, place.path());
    main.ok("", &["verify"]);
    std::fs::remove_dir_all(main.root.join("records/_sites/HZ")).unwrap();
    for args in [&["verify"][..], &["status"][..]] {
        let o = main.run("", args);
        assert_eq!(o.code, 3, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("records/_sites/HZ/audit.log: site HZ's log, which this machine had read up to entry 1, is gone from the store"),
            "{}",
            o.stderr
        );
    }
}

#[test]
fn three_offices_acting_between_pulls_hold_every_act_once_and_agree() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let sh = site_sh(&main, place.path());
    // Each office acts before it has seen the others' latest acts.
    let mut made = Vec::new();
    for (round, c) in [(30, &main), (40, &hz), (50, &sh)] {
        made.push(c.ok("alice", &customer_args(round)).trim().to_string());
        made.push(c.ok("alice", &customer_args(round + 1)).trim().to_string());
    }
    for c in [&main, &hz, &sh, &main, &hz] {
        c.sync("exchange");
    }
    // An act on another office's record, after the exchange.
    sh.ok(
        "alice",
        &[
            "amend",
            &made[0],
            "--set",
            "meter_number=S1",
            "--reason",
            "新表",
        ],
    );
    for c in [&sh, &main, &hz] {
        c.sync("the amendment");
    }
    let mut seen = Vec::new();
    for c in [&main, &hz, &sh] {
        c.ok("", &["verify"]);
        let listed = c.ok("audrey", &["query", "customer", "--format", "csv"]);
        for id in &made {
            assert_eq!(
                listed.matches(id.as_str()).count(),
                1,
                "{id} at {}",
                c.root.display()
            );
        }
        assert_eq!(shown(c, &made[0])["fields"]["meter_number"], "S1");
        seen.push(listed);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn identity_numbers_checked_at_an_office_are_counted_at_the_head_office() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    for n in 60..63 {
        hz.ok(
            "bob",
            &[
                "exists",
                "customer",
                &format!("id_number={}", resident_id(n)),
            ],
        );
    }
    hz.sync("HZ: checks");
    main.sync("MAIN pulls");
    let status = main.ok("audrey", &["status"]);
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("bob ") && l.contains(" 3 ")),
        "{status}"
    );
}

/// A third clone of the store's hub in `place`, made site SH, its log pushed.
fn site_sh(main: &Clone, place: &std::path::Path) -> Clone {
    let hub = place.join("hub.git");
    git_in(place, &["clone", "-q", &hub.to_string_lossy(), "sh"]);
    let sh = Clone {
        root: place.join("sh"),
        state: place.join("sh-state"),
        keys: main.keys.clone(),
        now: main.now.clone(),
    };
    sh.ok("root", &["site", "init", "SH"]);
    sh.sync("SH opens");
    sh
}

/// Alice at `c` sets record `id`'s meter to `meter`, saying `reason`.
fn set_meter(c: &Clone, id: &str, meter: &str, reason: &str) {
    let meter = format!("meter_number={meter}");
    c.ok("alice", &["amend", id, "--set", &meter, "--reason", reason]);
}

/// Three offices (MAIN, HZ, SH) sharing the `n`th customer of this test, made at MAIN.
fn three_offices_and_a_customer(
    s: &TestStore,
    place: &std::path::Path,
    n: u32,
) -> (Clone, Clone, Clone, String) {
    let (main, hz) = hz_site_open(s, place);
    let sh = site_sh(&main, place);
    let id = main.ok("alice", &customer_args(n)).trim().to_string();
    for c in [&main, &hz, &sh] {
        c.sync("the customer");
    }
    (main, hz, sh, id)
}

/// The sites of the acts set aside on `id`, as `status` lists them at `c`.
fn set_aside_at(c: &Clone, id: &str) -> Vec<(String, u64)> {
    let status = c.ok("audrey", &["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let Some(conflict) = status["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
    else {
        return Vec::new();
    };
    conflict["set_aside"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let site = a["site"].as_str().unwrap().to_string();
            (site, a["version"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn an_act_on_a_version_another_site_set_aside_is_set_aside_too() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz, sh, id) = three_offices_and_a_customer(&s, place.path(), 60);
    // HZ and MAIN change the meter between pulls; SH reads MAIN's change only and
    // builds on it.
    set_meter(&hz, &id, "H1", "换表");
    set_meter(&main, &id, "M1", "换表");
    main.sync("MAIN: a meter");
    sh.sync("SH pulls MAIN's meter");
    sh.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "address=杭州市上城区解放路9号",
            "--reason",
            "搬家",
        ],
    );
    for c in [&sh, &hz, &main, &sh, &hz] {
        c.sync("exchange");
    }
    for c in [&main, &hz, &sh] {
        c.ok("", &["verify"]);
        // HZ's change stands; neither MAIN's nor SH's, built on MAIN's, is lost or applied.
        assert_eq!(meter_at(c, &id), "H1");
        let asides = set_aside_at(c, &id);
        assert_eq!(
            asides,
            [("MAIN".to_string(), 2), ("SH".to_string(), 3)],
            "at {}",
            c.root.display()
        );
    }
    // SH's terms (MAIN's meter and its new address) are taken as the resolver's.
    hz.ok(
        "bob",
        &[
            "resolve",
            &id,
            "--keep",
            "SH",
            "--reason",
            "以搬家后的资料为准",
        ],
    );
    for c in [&hz, &main, &sh] {
        c.sync("resolved");
    }
    for c in [&main, &hz, &sh] {
        c.ok("", &["verify"]);
        assert_eq!(meter_at(c, &id), "M1");
        assert!(set_aside_at(c, &id).is_empty());
    }
}

#[test]
fn a_resolve_leaves_open_what_its_site_had_not_read() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz, sh, id) = three_offices_and_a_customer(&s, place.path(), 61);
    set_meter(&hz, &id, "H1", "换表");
    set_meter(&sh, &id, "S1", "换表");
    sh.sync("SH: a meter");
    hz.sync("HZ: a meter, and SH's");
    // SH acts again before it pulls; HZ settles what it has read.
    sh.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "meter_number=S2",
            "--reason",
            "又换表",
        ],
    );
    sh.git(&["add", "-A"]);
    sh.git(&["commit", "-qm", "SH: another meter"]);
    assert_eq!(set_aside_at(&hz, &id), [("SH".to_string(), 2)]);
    hz.ok(
        "bob",
        &[
            "resolve",
            &id,
            "--keep",
            "HZ",
            "--reason",
            "以杭州的表号为准",
        ],
    );
    for c in [&hz, &sh, &main, &hz] {
        c.sync("exchange");
    }
    for c in [&main, &hz, &sh] {
        c.ok("", &["verify"]);
        assert_eq!(meter_at(c, &id), "H1");
        // What HZ had not read stays open, for the next resolve.
        assert_eq!(set_aside_at(c, &id), [("SH".to_string(), 3)]);
    }
    main.ok(
        "alice",
        &[
            "resolve",
            &id,
            "--keep",
            "HZ",
            "--reason",
            "仍以杭州的表号为准",
        ],
    );
    for c in [&main, &hz, &sh] {
        c.sync("resolved");
    }
    for c in [&main, &hz, &sh] {
        c.ok("", &["verify"]);
        assert!(set_aside_at(c, &id).is_empty());
        let history = c.ok("audrey", &["history", &id]);
        assert!(
            history.contains("2 (site SH, set aside)")
                && history.contains("3 (site SH, set aside)"),
            "{history}"
        );
    }
}

/// A resolve closes only the acts set aside that its site had read: one signed by hand
/// naming an act its site had not read as settled is named by `verify` wherever both meet.
#[test]
fn a_resolve_naming_an_act_its_site_had_not_read_is_named() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz, sh, id) = three_offices_and_a_customer(&s, place.path(), 62);
    set_meter(&hz, &id, "H1", "换表");
    set_meter(&sh, &id, "S1", "换表");
    sh.sync("SH: a meter");
    hz.sync("HZ: a meter, and SH's");
    set_meter(&sh, &id, "S2", "又换表");
    // HZ resolves an hour later, so in the merged order SH's second act comes first.
    let later = Clone {
        root: hz.root.clone(),
        state: hz.state.clone(),
        keys: hz.keys.clone(),
        now: "2026-03-01T10:00:00Z".to_string(),
    };
    later.ok(
        "bob",
        &[
            "resolve",
            &id,
            "--keep",
            "HZ",
            "--reason",
            "以杭州的表号为准",
        ],
    );
    // At HZ, the resolve is re-signed saying it also settles SH's second act, which HZ
    // had not read.
    let hz_log = hz.root.join("records/_sites/HZ/audit.log");
    let text = std::fs::read_to_string(&hz_log).unwrap();
    let n = text.lines().count();
    let unread = format!("records/customer/2026/000/{id}.v0003.SH.toml");
    let forged = forge_log(
        &text,
        n,
        &|_, e| {
            let settles = e["detail"]["settles"].as_str().unwrap().to_string();
            e["detail"]["settles"] = format!("{settles},{unread}").into();
        },
        &|a| Some(s.key(a)),
    );
    std::fs::write(&hz_log, forged).unwrap();
    for c in [&hz, &sh, &main] {
        c.sync("exchange");
    }
    let o = main.run("", &["verify"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "records/_sites/HZ/audit.log:{n}: the resolve of `{id}` does not name exactly the acts set aside on it"
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn a_contract_terminated_at_one_office_and_amended_at_another_is_settled_and_archived() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let customer = main.ok("alice", &customer_args(62)).trim().to_string();
    let id = main
        .ok(
            "alice",
            &[
                "create",
                "installation",
                "--set",
                &format!("customer={customer}"),
                "--set",
                "installation_fee=2800.00",
                "--set",
                "payment_plan=lump-sum",
                "--set",
                "schedule_required=false",
                "--set",
                "property_dispute=false",
                "--set",
                "signed_on=2026-03-01",
                "--set",
                "fee_basis=tariff",
            ],
        )
        .trim()
        .to_string();
    assert_eq!(status_at(&main, &id), "active");
    main.sync("MAIN: an installation");
    hz.sync("HZ pulls");
    hz.ok("alice", &["terminate", &id, "--reason", "用户搬走"]);
    main.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "signed_on=2026-02-28",
            "--reason",
            "签约日期更正",
        ],
    );
    hz.sync("HZ terminates");
    main.sync("MAIN amends");
    hz.sync("HZ pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(status_at(c, &id), "terminated");
        assert_eq!(set_aside_at(c, &id), [("MAIN".to_string(), 2)]);
    }
    // Keeping the version that stands writes nothing: a finished contract stays as it is.
    main.ok(
        "alice",
        &[
            "resolve",
            &id,
            "--keep",
            "HZ",
            "--reason",
            "合同已终止，更正作废",
        ],
    );
    assert_eq!(shown(&main, &id)["version"], 2);
    main.ok("arch", &["archive", &id, "--attach", "docket.toml"]);
    main.sync("MAIN resolves and files");
    hz.sync("HZ pulls");
    for c in [&main, &hz] {
        c.ok("", &["verify"]);
        assert_eq!(status_at(c, &id), "archived");
        assert!(set_aside_at(c, &id).is_empty());
    }
}

#[test]
fn verify_against_a_revision_checks_every_sites_log_along_git() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    for n in 70..72 {
        hz.ok("alice", &customer_args(n));
    }
    hz.sync("HZ: two customers");
    main.sync("MAIN pulls");
    let rev = main.git(&["rev-parse", "HEAD"]).trim().to_string();
    let hz_log = main.root.join("records/_sites/HZ/audit.log");
    let text = std::fs::read_to_string(&hz_log).unwrap();
    let held = text.lines().count();
    assert!(
        main.ok("", &["verify", "--against", &rev])
            .contains("extends"),
        "at {rev}"
    );
    // Someone at the head office cuts HZ's last act from its log and commits that.
    let kept: String = text
        .lines()
        .take(held - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&hz_log, kept).unwrap();
    main.git(&["commit", "-qam", "a cut"]);
    let o = main.run("", &["verify", "--against", &rev]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "records/_sites/HZ/audit.log:{held}: truncated behind entry {held}"
        )),
        "{}",
        o.stderr
    );
    // Or removes HZ's log from git altogether.
    main.git(&["rm", "-rq", "records/_sites/HZ"]);
    main.git(&["commit", "-qm", "HZ gone"]);
    let o = main.run("", &["verify", "--against", &rev]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("records/_sites/HZ/audit.log:1: truncated behind entry"),
        "{}",
        o.stderr
    );
}

/// Another site's entry, read and exported at the head office by its number there.
fn hz_entry_at_main(s: &TestStore, place: &std::path::Path) -> (Clone, String) {
    let (main, hz) = hz_site_open(s, place);
    let id = hz.ok("alice", &customer_args(80)).trim().to_string();
    hz.sync("HZ: a customer");
    main.sync("MAIN pulls");
    (main, id)
}

#[test]
fn log_reads_one_entry_of_another_sites_log_by_its_number_there() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, id) = hz_entry_at_main(&s, place.path());
    let shown = main.ok("", &["log", "--entry", "HZ:2", "--format", "csv"]);
    assert!(shown.contains("HZ:2,") && shown.contains(&id), "{shown}");
    assert_eq!(shown.lines().count(), 2, "{shown}");
    let o = main.run("", &["log", "--entry", "HZ:9"]);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stderr
            .starts_with("error: --entry: there is no entry 9: the log holds entries 1 to 2\n"),
        "{}",
        o.stderr
    );
    let o = main.run("", &["log", "--entry", "SH:1"]);
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "error: --entry: the store has no site `SH` whose log to read\nhint: its sites: MAIN, HZ (`--entry N` reads the first site's log, `--entry SITE:N` another's)\n"
    );
}

#[test]
#[ignore = "needs OpenSSH's ssh-keygen; .ci/run runs it"]
fn another_sites_entry_is_checkable_with_stock_ssh_keygen() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, id) = hz_entry_at_main(&s, place.path());
    let signers = place.path().join("allowed_signers");
    std::fs::write(&signers, main.ok("", &["actor", "allowed-signers"])).unwrap();
    let dir = place.path().join("hz2");
    let dir_arg = dir.to_string_lossy().into_owned();
    let o = main.run("", &["log", "--entry", "HZ:2", "--export-signed", &dir_arg]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let entry = std::fs::read_to_string(dir.join("entry")).unwrap();
    assert!(entry.contains(&format!("\"record\":\"{id}\"")), "{entry}");
    let checked = std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&signers)
        .args(["-I", "alice", "-n", "docket", "-s"])
        .arg(dir.join("entry.sig"))
        .stdin(std::fs::File::open(dir.join("entry")).unwrap())
        .output()
        .expect("ssh-keygen is installed (.ci/run installs openssh-client)");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn an_act_after_a_conflict_its_site_had_read_is_named() {
    let s = TestStore::new();
    let place = tempfile::tempdir().unwrap();
    let (main, hz) = hz_site_open(&s, place.path());
    let id = main.ok("alice", &customer_args(90)).trim().to_string();
    main.sync("MAIN: a customer");
    hz.sync("HZ pulls");
    amended_at_both_sites(&main, &hz, &id);
    assert_eq!(set_aside_at(&hz, &id), [("MAIN".to_string(), 2)]);
    // At HZ, someone writes the next version by hand and signs an amendment saying HZ
    // had read the head office's log, the act set aside included.
    let head_of = |log: &std::path::Path| {
        let text = std::fs::read_to_string(log).unwrap();
        let last = text.lines().last().unwrap().to_string();
        format!("{} {}", text.lines().count(), &last[..64])
    };
    let dir = format!("records/customer/2026/000/{id}");
    let v2 = std::fs::read_to_string(hz.root.join(format!("{dir}.v0002.HZ.toml"))).unwrap();
    let v3 = v2
        .replace("version = 2\n", "version = 3\n")
        .replace("meter_number = \"H1\"", "meter_number = \"H2\"");
    let v3_path = format!("{dir}.v0003.HZ.toml");
    std::fs::write(hz.root.join(&v3_path), &v3).unwrap();
    let hz_log = hz.root.join("records/_sites/HZ/audit.log");
    let text = std::fs::read_to_string(&hz_log).unwrap();
    let n = text.lines().count();
    let entry = serde_json::json!({
        "seq": n + 1, "time": NOW_LOCAL, "actor": "alice", "role": "business-staff",
        "action": "amend", "record": id, "version": 3,
        "files": [{"path": v3_path, "sha256": sha256_hex(v3.as_bytes())}],
        "detail": {"reason": "换表", "fields": "meter_number", "status": "active",
                   "policy": "1"},
        "seen": {"MAIN": head_of(&main.root.join("records/audit.log"))},
    });
    let line = format!("{} {} {entry} -\n", "0".repeat(64), "0".repeat(64));
    let forged = forge_log(&(text + &line), n + 1, &|_, _| {}, &|a| Some(s.key(a)));
    std::fs::write(&hz_log, forged).unwrap();
    let o = hz.run("", &["verify"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "records/_sites/HZ/audit.log:{}: the act (amend) follows a conflict between sites on `{id}` that its site had read: only a resolve may",
            n + 1
        )),
        "{}",
        o.stderr
    );
}

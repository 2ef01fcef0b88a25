//! Help teaches: examples in every `--help`, global options apart, shell completions and
//! manual pages, `whoami` and `status`.

mod common;
use common::*;

#[test]
fn every_help_ends_with_examples_and_keeps_global_options_apart() {
    let s = TestStore::new();
    for cmd in [
        "create", "query", "approve", "import", "log", "whoami", "status",
    ] {
        let help = s.ok("", &[cmd, "--help"]);
        assert!(help.contains("\nGlobal options:\n"), "{cmd}: {help}");
        assert!(help.contains("\nExamples:\n  docket "), "{cmd}: {help}");
    }
    let query = s.ok("", &["query", "--help"]);
    assert!(
        query.contains("pending, active, rejected, completed, terminated"),
        "statuses are listed"
    );
    assert!(
        query.contains("[possible values: table, json, csv, toml]"),
        "formats are listed"
    );
}

/// What a completion script asks docket for the word being typed (fish's protocol).
fn completed(s: &TestStore, line: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "docket"];
    args.extend(line);
    let out = s
        .cmd("", &args)
        .env("DOCKET_COMPLETE", "fish")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

/// Completions offer what the store holds: kinds, record ids, roles and actor names, and
/// a customer's id for `query --customer`; never a field value.
#[test]
fn completions_offer_the_stores_kinds_ids_roles_and_actors() {
    let s = TestStore::new();
    let c = s.residential();
    assert!(completed(&s, &["create", ""]).contains(&"take-or-pay".to_string()));
    assert!(!completed(&s, &["create", ""]).contains(&"roles".to_string()));
    assert_eq!(completed(&s, &["show", "CUS"]), std::slice::from_ref(&c));
    assert!(completed(&s, &["--as", ""]).contains(&"alice".to_string()));
    assert!(
        completed(&s, &["actor", "add", "x", "--role", "aud"]).contains(&"auditor".to_string())
    );
    assert_eq!(completed(&s, &["query", "--customer", ""]), [c]);
    let all = completed(&s, &["show", ""]).join("\n");
    for seeded in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE] {
        assert!(!all.contains(seeded));
    }
}

#[test]
fn completions_and_manual_pages_are_generated() {
    let s = TestStore::new();
    let bash = s.ok("", &["completions", "bash"]);
    assert!(
        bash.contains("_clap_complete_docket()") && bash.contains("DOCKET_COMPLETE"),
        "{bash}"
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        assert!(s.ok("", &["completions", shell]).contains("docket"));
    }
    let err = s.fails("", &["completions", "tcsh"], USAGE);
    assert!(
        err.starts_with(
            "error: `tcsh` is not a value <SHELL> takes (it takes: bash, elvish, fish, powershell, zsh)\n"
        ),
        "{err}"
    );
    let dir = s.dir.path().join("man1");
    s.ok("", &["manpages", dir.to_str().unwrap()]);
    let main = std::fs::read_to_string(dir.join("docket.1")).unwrap();
    assert!(
        main.starts_with(".ie \\n(.g .ds Aq \\(aq") || main.contains(".TH docket 1"),
        "{main}"
    );
    let create = std::fs::read_to_string(dir.join("docket-create.1")).unwrap();
    assert!(
        create.contains("Examples:"),
        "the examples reach the manual too"
    );
    // docket.1 says what each exit code means, the environment read and the files kept.
    for part in [
        ".SH \"EXIT STATUS\"",
        ".TP\n\\fB3\\fR\nintegrity failure:",
        ".SH \"ENVIRONMENT\"",
        "\\fBDOCKET_IDENTITY\\fR",
        ".SH \"FILES\"",
        "\\fBrecords/audit.log\\fR",
    ] {
        assert!(main.contains(part), "{part}: {main}");
    }
    // Without a folder, where man looks: $XDG_DATA_HOME/man/man1; in Chinese, in Chinese.
    let data = s.dir.path().join("data");
    let out = s
        .cmd("", &["manpages"])
        .env("XDG_DATA_HOME", &data)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let zh = std::fs::read_to_string(data.join("man/man1/docket.1")).unwrap();
    assert!(
        zh.contains(".SH \"退出码\"") && zh.contains("完整性检查未通过"),
        "{zh}"
    );
}

#[test]
fn whoami_says_role_reach_standing_and_whether_one_can_sign() {
    let s = TestStore::new();
    let out = s.ok("alice", &["whoami"]);
    assert_eq!(
        out,
        "actor       alice\n\
         role        business-staff (business staff)\n\
         department  the centre\n\
         reaches     the records of the centre\n\
         drafts      customer, installation, alarm-installation, residential-supply, commercial-supply\n\
         reveals     contact\n\
         acts        complete, terminate\n\
         approves    -\n\
         standing    may act; training valid until 2027-01-05\n\
         key         ".to_string()
            + &out.lines().nth(9).unwrap()[12..]
            + "\ncan sign    yes, with the key from the identity file\n"
    );
    let mona: serde_json::Value =
        serde_json::from_str(&s.ok("mona", &["whoami", "--format", "json"])).unwrap();
    assert_eq!(mona["reaches"], "every record");
    assert!(
        mona["approves"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "installation" && a["rule"] == "R-C3")
    );
    // One who may not act yet is told why, and whoami itself still answers.
    let proposed = s.ok(
        "root",
        &[
            "actor",
            "add",
            "newbie",
            "--role",
            "auditor",
            "--key",
            &s.pubkey("newbie"),
        ],
    );
    s.cosign("actor", &proposed);
    let newbie = s.run("newbie", &["whoami"]);
    assert_eq!(newbie.code, 0, "{}", newbie.stderr);
    assert!(newbie.stdout.contains("standing    may NOT act: actor `newbie` has not signed the information-security agreement (R-B1)\n"), "{}", newbie.stdout);
    let nokey = s
        .cmd("alice", &["whoami"])
        .env_remove("DOCKET_IDENTITY")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&nokey.stdout).contains("can sign    no: no key to sign with"));
    s.fails("", &["whoami"], USAGE);
}

#[test]
fn status_counts_records_and_what_waits_for_whom() {
    let s = TestStore::new();
    let customer = s.customer("commercial", &[]);
    s.create(
        "alice",
        "installation",
        &[
            &format!("customer={customer}"),
            "installation_fee=18600.00",
            "fee_basis=budget",
            "budget_amount=18600.00",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    );
    let out = s.ok("", &["status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["records"]["customer"]["active"], 1);
    assert_eq!(v["records"]["installation"]["pending"], 1);
    assert_eq!(v["waiting"]["market-manager"], 1);
    assert_eq!(v["to_archive"], 0);
    let table = s.ok("", &["status"]);
    assert!(
        table.contains("waiting  for market-manager    1\n"),
        "{table}"
    );
    assert!(!table.contains("华润"), "no personal data");
}

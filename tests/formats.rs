//! `--format` means the same everywhere: every command that prints data writes an aligned
//! table, JSON, CSV or TOML; JSON keeps its types (a version is a number, a boolean is a
//! boolean); errors of a JSON run are JSON too; commands that print no data do not take
//! `--format` at all.

mod common;
use common::*;

/// Each data command, with the arguments it needs on a store holding `id`.
fn data_commands(id: &str) -> Vec<(&'static str, Vec<String>)> {
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        ("alice", v(&["show", id])),
        ("alice", v(&["history", id])),
        ("alice", v(&["diff", id])),
        ("alice", v(&["query", "installation"])),
        ("mona", v(&["pending"])),
        ("", v(&["log"])),
        ("", v(&["types"])),
        ("", v(&["types", "installation"])),
        ("", v(&["verify"])),
        ("root", v(&["actor", "list"])),
    ]
}

fn store() -> (TestStore, String) {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let id = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={c}"),
            "installation_fee=18600.00",
            "fee_basis=budget",
            "budget_amount=18600.00",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-02-20",
        ],
    );
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "property_dispute=true",
            "--reason",
            "dispute",
        ],
    );
    (s, id)
}

#[test]
fn every_data_command_writes_every_format() {
    let (s, id) = store();
    for (who, args) in data_commands(&id) {
        for format in ["table", "json", "csv", "toml"] {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend(["--format", format]);
            let out = s.ok(who, &a);
            match format {
                "json" => {
                    serde_json::from_str::<serde_json::Value>(&out)
                        .unwrap_or_else(|e| panic!("{a:?}: {e}\n{out}"));
                }
                "toml" => {
                    toml::from_str::<toml::Table>(&out)
                        .unwrap_or_else(|e| panic!("{a:?}: {e}\n{out}"));
                }
                "csv" => {
                    let mut r = csv::Reader::from_reader(out.as_bytes());
                    assert!(r.headers().is_ok_and(|h| !h.is_empty()), "{a:?}: {out}");
                    assert!(r.records().all(|x| x.is_ok()), "{a:?}: {out}");
                }
                _ => assert!(!out.trim_start().starts_with(['{', '[']), "{a:?}: {out}"),
            }
        }
    }
}

#[test]
fn json_keeps_its_types_and_csv_of_show_says_what_it_is() {
    let (s, id) = store();
    let show: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["show", &id, "--format", "json"])).unwrap();
    assert_eq!(show["version"], 2);
    assert_eq!(show["fields"]["property_dispute"], true);
    let history: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["history", &id, "--format", "json"])).unwrap();
    assert_eq!(history[1]["version"], 2);
    let log: serde_json::Value =
        serde_json::from_str(&s.ok("", &["log", "--record", &id, "--format", "json"])).unwrap();
    assert_eq!(log[0]["version"], 1);
    let csv = s.ok("alice", &["show", &id, "--format", "csv"]);
    assert!(
        csv.starts_with(&format!(
            "field,value\nid,{id}\nkind,installation\nstatus,pending\nversion,2\n"
        )),
        "{csv}"
    );
    assert!(csv.contains("property_dispute,true\n"), "{csv}");
    let table = s.ok("alice", &["show", &id]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("property_dispute") && l.trim_end().ends_with(" true")),
        "{table}"
    );
}

#[test]
fn a_json_run_reports_its_errors_as_json() {
    let s = TestStore::new();
    let out = s.run("alice", &["show", "CUS-2099-000001", "--format", "json"]);
    assert_eq!(out.code, INVALID);
    let e: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(e["error"], "no record `CUS-2099-000001` in this store");
    assert_eq!(e["hint"], "list records with `docket query`");
    assert_eq!(e["exit"], 5);
}

#[test]
fn commands_that_print_no_data_take_no_format() {
    let s = TestStore::new();
    for args in [
        vec!["create", "customer", "--format", "json"],
        vec!["recover", "--format", "json"],
        vec!["approve", "X", "--format", "csv"],
    ] {
        let err = s.fails("alice", &args, USAGE);
        assert!(
            err.contains("unexpected argument `--format`"),
            "{args:?}: {err}"
        );
    }
}

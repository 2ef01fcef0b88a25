//! Every error says what to do and exits with the documented code: a table of mistakes
//! users make, each checked for its exit code, its message and a `hint:` line; and the
//! mistakes that used to be named wrongly (full-width digits, a masked export fed back,
//! a workbook or JSON given to import, a missing log, a store that is not there).

mod common;
use common::*;

/// (who, args, exit code, the start of the first line of stderr)
fn mistakes(s: &TestStore, c: &str) -> Vec<(&'static str, Vec<String>, i32, &'static str)> {
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (
            "alice",
            v(&["--store", "/nonexistent/store", "query"]),
            USAGE,
            "error: no docket store here: /nonexistent/store does not exist",
        ),
        (
            "alice",
            v(&["show", "CUS-2099-000001"]),
            INVALID,
            "error: no record `CUS-2099-000001` in this store",
        ),
        (
            "alice",
            v(&["show", c, "--version", "7"]),
            INVALID,
            "error: record `",
        ),
        (
            "alice",
            v(&["create", "customer"]),
            USAGE,
            "error: give the fields with --set",
        ),
        (
            "alice",
            v(&["amend", c, "--reason", "x"]),
            USAGE,
            "error: nothing to amend",
        ),
        (
            "alice",
            v(&["amend", c, "--set", "meter_number=M1", "--reason", " "]),
            USAGE,
            "error: --reason must say why",
        ),
        (
            "alice",
            v(&["query", "--where", "category = 'x'"]),
            INVALID,
            "error: --where: syntax error at 1:10: use `==` to compare",
        ),
        (
            "alice",
            v(&["log", "--since", "last week"]),
            INVALID,
            "error: --since: `last week` is not a date",
        ),
        (
            "root",
            v(&["actor", "update", "alice"]),
            USAGE,
            "error: nothing to update",
        ),
        (
            "root",
            v(&["actor", "revoke", "root", "--reason", "x"]),
            CONFLICT,
            "error: an administrator cannot revoke themself",
        ),
        (
            "arch",
            v(&["archive", c, "--attach", "x.pdf"]),
            CONFLICT,
            "error: record `",
        ),
        ("alice", v(&["approve", c]), CONFLICT, "error: record `"),
        ("alice", v(&["complete", c]), CONFLICT, "error: `"),
        (
            "alice",
            v(&["export", "--format", "toml"]),
            USAGE,
            "error: `toml` is not a value --format <FORMAT> takes (it takes: csv, json)",
        ),
        (
            "mallory",
            v(&["query"]),
            DENIED,
            "error: actor `mallory` is not registered",
        ),
        (
            "alice",
            v(&["recover"]),
            DENIED,
            "error: actor `alice` (role business-staff) may not recover the store",
        ),
        (
            "alice",
            v(&["import", "customer", s.path("none.csv").to_str().unwrap()]),
            IO,
            "error: ",
        ),
    ]
}

#[test]
fn every_error_says_what_to_do_and_exits_with_its_code() {
    let s = TestStore::new();
    let c = s.residential();
    for (who, args, code, start) in mistakes(&s, &c) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = s.fails_unchanged(who, &args, code);
        assert!(err.starts_with(start), "{args:?}: {err}");
        // The command line's own errors are framed as every other: a hint says what to do.
        assert!(
            err.lines().any(|l| l.starts_with("hint: ")),
            "{args:?} has no hint:\n{err}"
        );
    }
}

#[test]
fn a_missing_audit_log_is_an_integrity_failure() {
    let s = TestStore::new();
    std::fs::remove_file(s.path("records/audit.log")).unwrap();
    let err = s.fails("alice", &["query"], INTEGRITY);
    assert!(
        err.starts_with(
            "error: integrity check failed: records/audit.log: the audit log is missing"
        ),
        "{err}"
    );
}

#[test]
fn full_width_digits_typed_by_input_methods_are_read_as_digits() {
    let s = TestStore::new();
    let id = s.create(
        "alice",
        "customer",
        &[
            "name=王五",
            "id_kind=resident-id",
            "id_number=４４０５２４１９８００１０１００１３",
            "category=residential",
            "phone=１３８００００１１１１",
            "address=广州市天河区体育西路1号",
            "account_opened_on=２０２６－０２－０１",
        ],
    );
    let shown = s.ok(
        "audrey",
        &[
            "show",
            &id,
            "--reveal",
            "--purpose",
            "check the import of typed digits",
        ],
    );
    assert!(
        shown.contains("phone              13800001111\n"),
        "{shown}"
    );
    assert!(
        shown.contains("id_number          440524198001010013\n"),
        "{shown}"
    );
    assert!(shown.contains("account_opened_on  2026-02-01\n"), "{shown}");
    assert!(
        shown.contains("address            广州市天河区体育西路1号\n"),
        "free text keeps what was typed: {shown}"
    );
}

#[test]
fn files_that_are_not_csv_are_named_for_what_they_are() {
    let s = TestStore::new();
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "book.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00",
            "this is an Excel workbook (.xlsx) or another zip file, not CSV",
        ),
        (
            "rows.json",
            b"[{\"id\": \"CUS-2026-000001\"}]",
            "this looks like JSON (a docket --format json export?), not CSV",
        ),
        (
            "utf16.csv",
            b"n\x00a\x00m\x00e\x00\n\x00",
            "this looks like UTF-16 text without a byte-order mark",
        ),
        ("empty.csv", b"", "the file is empty"),
        (
            "header.csv",
            b"name,phone\n",
            "the file has a header but no rows",
        ),
    ];
    for (name, bytes, problem) in cases {
        let f = s.path(name);
        std::fs::write(&f, bytes).unwrap();
        let err = s.fails_unchanged(
            "alice",
            &["import", "customer", f.to_str().unwrap()],
            INVALID,
        );
        assert!(
            err.starts_with(&format!("error: {}: {problem}\nhint: ", f.display())),
            "{name}: {err}"
        );
    }
}

#[test]
fn a_masked_export_fed_back_to_import_says_it_is_masked() {
    let s = TestStore::new();
    s.residential();
    // As the export wrote it: GB18030, the store's import encoding.
    let f = s.path("masked.csv");
    s.ok("alice", &["export", "customer", "-o", f.to_str().unwrap()]);
    let err = s.fails_unchanged(
        "alice",
        &["import", "customer", f.to_str().unwrap()],
        INVALID,
    );
    assert!(
        err.contains("holds a masked value: this looks like a docket export made without --reveal"),
        "{err}"
    );
}

#[test]
fn semicolon_and_tab_separated_files_import_with_delimiter() {
    let s = TestStore::new();
    for (sep, name) in [(";", "semicolon"), ("\t", "tab")] {
        let text = format!(
            "name{sep}id_kind{sep}id_number{sep}category{sep}phone{sep}address{sep}account_opened_on\n王五{sep}resident-id{sep}440524198001010013{sep}residential{sep}13800001111{sep}广州市天河区{sep}2026-02-01\n"
        );
        let f = s.path(&format!("{name}.csv"));
        std::fs::write(&f, text).unwrap();
        s.ok(
            "alice",
            &[
                "import",
                "customer",
                f.to_str().unwrap(),
                "--delimiter",
                name,
            ],
        );
    }
}

/// "nothing was written" is said once, by commands that write, and never by a read.
#[test]
fn nothing_was_written_is_said_once_and_only_by_writes() {
    let s = TestStore::new();
    let err = s.fails("alice", &["query", "--where", "nosuch == 1"], INVALID);
    assert!(!err.contains("nothing was written"), "{err}");
    let err = s.fails(
        "alice",
        &[
            "create",
            "customer",
            "--set",
            "name=张伟",
            "--set",
            "phone=12",
        ],
        INVALID,
    );
    assert_eq!(err.matches("nothing was written").count(), 1, "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap()
            .ends_with("problems; nothing was written"),
        "{err}"
    );
    let err = s.fails(
        "alice",
        &[
            "create",
            "customer",
            "--set",
            "name=",
            "--set",
            "category=residential",
        ],
        INVALID,
    );
    assert!(err.matches("nothing was written").count() <= 1, "{err}");
}

/// A condition that reads an empty field is not judged (the field is judged by its own
/// requirement): the engine's evaluation never reaches the user.
#[test]
fn validation_errors_never_show_the_engines_evaluation() {
    let s = TestStore::new();
    let c = s.residential();
    let args = with_sets(
        &["create", "installation"],
        &[
            &format!("customer={c}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    );
    let err = s.fails_unchanged("alice", &strs(&args), INVALID);
    assert!(err.contains("schedule_required"), "{err}");
    for internal in [
        "Null",
        "gives",
        "cannot be evaluated",
        "No such key",
        "Undeclared",
    ] {
        assert!(!err.contains(internal), "{internal}: {err}");
    }
}

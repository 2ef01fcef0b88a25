//! Personal data is masked in every output unless a permitted actor states a purpose
//! (R-A3, R-C16, R-C17); reveals are logged; the audit log never holds personal data.
//! Each test searches outputs for the seeded values.

mod common;
use common::*;

const SEEDED: [&str; 4] = [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS];

fn assert_clean(what: &str, text: &str) {
    for v in SEEDED {
        assert!(!text.contains(v), "{what} leaks `{v}`:\n{text}");
    }
}

#[test]
fn r_a3_masked_by_default_in_every_format() {
    let s = TestStore::new();
    let id = s.residential();
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "phone=13900002222",
            "--reason",
            "new phone",
        ],
    );
    for args in [
        vec!["show", id.as_str()],
        vec!["show", "--format", "json", id.as_str()],
        vec!["show", "--format", "toml", id.as_str()],
        vec!["show", "--format", "csv", id.as_str()],
        vec!["query"],
        vec!["query", "--format", "json", "customer"],
        vec![
            "query",
            "--format",
            "csv",
            "customer",
            "--fields",
            "name,phone,address,id_number",
        ],
        vec!["diff", id.as_str(), "--from", "1"],
        vec!["history", id.as_str()],
    ] {
        let out = s.run("alice", &args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_clean(&format!("{args:?} stdout"), &out.stdout);
        assert_clean(&format!("{args:?} stderr"), &out.stderr);
    }
    let shown = s.ok("alice", &["show", &id]);
    assert!(shown.contains("name               张**\n"), "{shown}");
    assert!(
        shown.contains("id_number          11****************\n"),
        "{shown}"
    );
    assert!(
        shown.contains("phone              139****2222\n"),
        "{shown}"
    );
    assert!(
        shown.contains("address            北京市朝阳区****\n"),
        "{shown}"
    );
    assert!(
        !s.ok("alice", &["diff", &id, "--from", "1"])
            .contains("13900002222")
    );
}

#[test]
fn r_a4_the_audit_log_never_holds_personal_data() {
    let s = TestStore::new();
    let id = s.residential();
    s.ok(
        "alice",
        &["show", &id, "--reveal", "--purpose", "billing call"],
    );
    s.ok(
        "audrey",
        &[
            "query",
            "--where",
            &format!("phone == '{SEEDED_PHONE}'"),
            "--reveal",
            "--purpose",
            "subject access request",
        ],
    );
    assert_clean("audit.log", &s.log_text());
    assert_clean(
        "log --format json",
        &s.ok("root", &["log", "--format", "json"]),
    );
}

/// Free text reaches the audit log, which keeps it for good: a reason, purpose, comment
/// or archive note holding a resident id or a mobile number is refused, the store left as
/// it was, and the refusal names what the text holds, never the number.
#[test]
fn r_a4_free_text_holding_a_personal_number_never_reaches_the_log() {
    let s = TestStore::new();
    let id = s.residential();
    let spaced = format!(
        "{} {} {}",
        &SEEDED_PHONE[..3],
        &SEEDED_PHONE[3..7],
        &SEEDED_PHONE[7..]
    );
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "alice",
            vec![
                "amend".into(),
                id.clone(),
                "--set".into(),
                "meter_number=M9".into(),
                "--reason".into(),
                format!("用户来电 {SEEDED_PHONE}"),
            ],
            "the reason holds what reads as a mobile number",
        ),
        (
            "alice",
            vec![
                "amend".into(),
                id.clone(),
                "--set".into(),
                "meter_number=M9".into(),
                "--reason".into(),
                format!("来电 {spaced}"),
            ],
            "the reason holds what reads as a mobile number",
        ),
        (
            "alice",
            vec![
                "show".into(),
                id.clone(),
                "--reveal".into(),
                "--purpose".into(),
                format!("核对证件 {}", SEEDED_ID.to_lowercase()),
            ],
            "the purpose holds what reads as a resident identity number",
        ),
    ];
    for (actor, args, said) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = s.fails_unchanged(actor, &args, INVALID);
        assert!(
            err.contains(&format!("error: {}: {said}: free text is kept in the audit log for good, and personal data never goes there", if said.contains("purpose") { "--purpose" } else { "--reason" })),
            "{err}"
        );
        assert!(
            err.contains("hint: say it without the number: the record holds it"),
            "{err}"
        );
        assert_clean("the refusal", &err);
    }
    // A meter number, a contract's id and a reading are no personal numbers.
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "meter_number=M13757103456",
            "--reason",
            "换表 M13757103456，读数 12757103456",
        ],
    );
    assert_clean("audit.log", &s.log_text());
}

#[test]
fn r_a3_reveal_needs_a_purpose() {
    let s = TestStore::new();
    let id = s.residential();
    let err = s.fails_unchanged("alice", &["show", &id, "--reveal"], USAGE);
    assert!(err.contains("--purpose"), "{err}");
    let err = s.fails_unchanged(
        "alice",
        &["show", &id, "--reveal", "--purpose", "  "],
        USAGE,
    );
    assert_eq!(
        err,
        "error: --reveal needs --purpose TEXT: personal data is shown only for a stated purpose (R-A3)\nhint: e.g. --reveal --purpose \"call the customer about meter replacement\"\n"
    );
}

#[test]
fn r_c17_admin_and_archivist_may_not_reveal() {
    let s = TestStore::new();
    let id = s.residential();
    for (actor, role) in [("root", "admin"), ("arch", "archivist")] {
        let out = s.run(actor, &["show", &id, "--reveal", "--purpose", "curious"]);
        assert_eq!(out.code, DENIED);
        assert_eq!(
            out.stderr,
            format!(
                "error: actor `{actor}` (role {role}) may not see personal data\nhint: ask someone whose role may reveal it, or query without --reveal to see masked values\n"
            )
        );
        assert_clean("refused reveal", &out.stdout);
    }
}

#[test]
fn r_c17_reveal_is_tiered_by_class() {
    let s = TestStore::new();
    let id = s.residential();
    // Business staff see contact data, not the identity number.
    let out = s.ok(
        "alice",
        &["show", &id, "--reveal", "--purpose", "arrange meter visit"],
    );
    assert!(
        out.contains(SEEDED_PHONE) && out.contains(SEEDED_NAME) && out.contains(SEEDED_ADDRESS),
        "{out}"
    );
    assert!(!out.contains(SEEDED_ID), "{out}");
    // The auditor sees every class.
    let out = s.ok(
        "audrey",
        &[
            "show",
            &id,
            "--reveal",
            "--purpose",
            "subject access request",
        ],
    );
    assert!(out.contains(SEEDED_ID), "{out}");
}

#[test]
fn r_c16_every_reveal_is_logged_with_purpose_and_ids() {
    let s = TestStore::new();
    let a = s.residential();
    let b = s.residential();
    s.ok(
        "alice",
        &["show", &a, "--reveal", "--purpose", "arrange meter visit"],
    );
    s.ok(
        "audrey",
        &["query", "customer", "--reveal", "--purpose", "annual audit"],
    );
    let log = s.ok("root", &["log", "--action", "reveal"]);
    let lines: Vec<&str> = log.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].contains(&format!("alice   business-staff  reveal  {a}")),
        "{log}"
    );
    assert!(
        lines[0].contains("classes=contact command=show purpose=arrange meter visit"),
        "{log}"
    );
    assert!(
        lines[1].contains(&format!(
            "classes=contact,identity command=query purpose=annual audit records={a},{b}"
        )),
        "{log}"
    );
    // Masked reads are not reveals and are not logged.
    s.ok("alice", &["show", &a]);
    assert_eq!(
        s.ok("root", &["log", "--action", "reveal"]).lines().count(),
        3
    );
}

#[test]
fn filtering_on_personal_data_needs_a_reveal() {
    let s = TestStore::new();
    s.residential();
    let filter = format!("phone == '{SEEDED_PHONE}'");
    let err = s.fails_unchanged("alice", &["query", "customer", "--where", &filter], DENIED);
    assert_eq!(
        err,
        "error: --where reads personal data (contact): that needs --reveal --purpose TEXT and a role that may see it\nhint: actor `alice` has role business-staff\n"
    );
    assert_clean("refused filter", &err);
    let err = s.fails_unchanged("alice", &["query", "customer", "--sort", "name"], DENIED);
    assert!(
        err.starts_with("error: --sort reads personal data (contact)"),
        "{err}"
    );
    let out = s.ok(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            &filter,
            "--reveal",
            "--purpose",
            "find caller",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    // Through a reference too: installations filtered on their customer's phone.
    let err = s.fails_unchanged(
        "alice",
        &[
            "query",
            "installation",
            "--where",
            &format!("customer.phone == '{SEEDED_PHONE}'"),
        ],
        DENIED,
    );
    assert!(
        err.starts_with("error: --where reads personal data (contact)"),
        "{err}"
    );
}

#[test]
fn validation_errors_never_echo_personal_data() {
    let s = TestStore::new();
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                &format!("name={SEEDED_NAME}"),
                "id_kind=resident-id",
                "id_number=110105194912310021",
                "category=residential",
                "phone=1381234",
                &format!("address={SEEDED_ADDRESS}"),
                "account_opened_on=2026-02-01",
            ],
        )),
        INVALID,
    );
    assert!(
        !err.contains("110105194912310021") && !err.contains("1381234"),
        "{err}"
    );
}

/// The attack: a clerk confirms a resident id number one guess at a time through a
/// filter on the referenced customer. The filter is read from its syntax tree, so every
/// spelling of the read is seen, and nothing is matched or logged.
#[test]
fn no_oracle_for_identity_numbers_through_a_filter() {
    let s = TestStore::new();
    let c = s.residential();
    let ins = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={c}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-02-20",
        ],
    );
    let log = s.log_text();
    for filter in [
        format!("customer.phone != \"\" && customer[\"id_number\"] == \"{SEEDED_ID}\""),
        format!("customer.id_number == \"{SEEDED_ID}\""),
        "has(customer.id_number) && customer.id_number.startsWith(\"110105\")".to_string(),
        "customer.exists(k, k == 'id_number')".to_string(),
        format!("\"{SEEDED_ID}\" in [customer][0]"),
    ] {
        let err = s.fails_unchanged(
            "alice",
            &[
                "query",
                "installation",
                "--where",
                &filter,
                "--reveal",
                "--purpose",
                "x",
            ],
            DENIED,
        );
        assert!(
            err.starts_with("error: --where reads personal data (identity): that needs --reveal --purpose TEXT and a role that may see it"),
            "{filter}: {err}"
        );
        assert_clean("refused filter", &err);
    }
    assert_eq!(s.log_text(), log, "refused filters write nothing");
    // The auditor may: the look is a logged reveal naming the fields, never the value.
    let filter = format!("customer[\"id_number\"] == \"{SEEDED_ID}\"");
    let out = s.ok(
        "audrey",
        &[
            "query",
            "installation",
            "--where",
            &filter,
            "--fields",
            "fee_basis",
            "--reveal",
            "--purpose",
            "identity check for complaint 17",
        ],
    );
    assert!(out.contains(&ins), "{out}");
    let entry = s.ok("audrey", &["log", "--action", "reveal", "--format", "json"]);
    let entries: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let detail = &entries[0]["detail"];
    assert_eq!(detail["filtered_on"], "customer.id_number");
    assert_eq!(detail["matched"], ins.as_str());
    assert_eq!(
        detail["classes"], "identity",
        "--fields shows no contact data"
    );
    assert_eq!(detail["purpose"], "identity check for complaint 17");
    assert_clean("reveal entry", &entry);
    assert_clean("audit log", &s.log_text());
}

#[test]
fn a_filter_on_personal_data_is_logged_even_when_nothing_personal_is_shown() {
    let s = TestStore::new();
    let c = s.residential();
    let out = s.ok(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            &format!("phone == '{SEEDED_PHONE}'"),
            "--fields",
            "category",
            "--reveal",
            "--purpose",
            "caller on line 2",
        ],
    );
    assert!(out.contains(&c), "{out}");
    let log = s.ok("root", &["log", "--action", "reveal"]);
    assert!(
        log.contains(&format!("filtered_on=phone matched={c}")),
        "{log}"
    );
    assert!(log.contains("purpose=caller on line 2"), "{log}");
}

/// A value typed into a reason, comment, purpose, note or field cannot fake a line of
/// `log`, `history` or `show`, or drive the terminal.
#[test]
fn control_characters_are_refused_in_input_and_escaped_in_output() {
    let s = TestStore::new();
    let id = s.residential();
    let fake = "fix\n40   2026-03-01T17:00:00+08:00  gina  general-manager  approve";
    let err = s.fails_unchanged(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", fake],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --reason: contains a control character, U+000A (a line break), at character 4: values are one line of plain text\nhint: write --reason on one line, without control or invisible characters\n"
    );
    for args in [
        vec![
            "amend",
            &id,
            "--set",
            "meter_number=M\u{1b}[2J",
            "--reason",
            "x",
        ],
        vec!["show", &id, "--reveal", "--purpose", "look\u{7}"],
    ] {
        let err = s.fails_unchanged("alice", &args, INVALID);
        assert!(err.contains("contains a control character"), "{err}");
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    }
    let file = s.path("../nul.toml");
    std::fs::write(&file, "meter_number = \"M\\u0000\"\n").unwrap();
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &id,
            "--file",
            file.to_str().unwrap(),
            "--reason",
            "x",
        ],
        INVALID,
    );
    assert!(
        err.contains(
            "field `meter_number`: contains a control character, U+0000 (NUL), at character 2"
        ),
        "{err}"
    );
    // A version file holding one, written by hand and logged in an entry its own actor
    // signed, is refused by every run: docket never writes one.
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
    let rel = format!("records/customer/2026/000/{id}.v0002.toml");
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    let crafted = text.replace(
        "meter_number = \"M1\"",
        "meter_number = \"M1\\n2   approve  gina\\u001b[2J\"",
    );
    std::fs::write(s.path(&rel), &crafted).unwrap();
    let sha = sha256_hex(crafted.as_bytes());
    let log = s.log_text();
    let n = log.lines().count();
    let forged = forge_log(
        &log,
        n,
        &|_, e| e["files"][0]["sha256"] = sha.clone().into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let err = s.fails("alice", &["show", &id], INTEGRITY);
    assert!(
        err.contains(&format!(
            "records/audit.log:{n}: the field `meter_number` holds a control or invisible character, which docket never writes"
        )),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err:?}");
    // An entry holding a control character is itself refused by every check.
    let log = s.log_text();
    let n = log.lines().count();
    let forged = forge_log(&log, n, &|_, e| e["detail"]["reason"] = fake.into(), &|a| {
        Some(s.key(a))
    });
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "records/audit.log:{n}: the entry holds control or invisible characters, which docket never writes"
        )),
        "{err}"
    );
}

/// Characters that show as nothing or turn the text around them (`invoice\u{202e}fdp.exe`
/// reads `invoiceexe.pdf`) are refused wherever a value is typed, as control characters
/// are; one in a record written by hand fails every check, and what the checks say about
/// it shows it escaped, in every format.
#[test]
fn direction_and_invisible_characters_are_refused_in_input_and_escaped_in_output() {
    let s = TestStore::new();
    let id = s.residential();
    let amend = |set: &str, reason: &str| -> Vec<String> {
        ["amend", &id, "--set", set, "--reason", reason]
            .map(String::from)
            .to_vec()
    };
    let err = s.fails_unchanged(
        "alice",
        &strs(&amend("meter_number=M1", "ok\u{202e}txt.exe")),
        INVALID,
    );
    assert_eq!(
        err,
        "error: --reason: contains an invisible character, U+202E (a text direction control), at character 3: values are plain text that shows everything it holds\n\
         hint: write --reason on one line, without control or invisible characters\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &strs(&amend("meter_number=M\u{200b}1", "meter")),
        INVALID,
    );
    assert_eq!(
        err,
        "error: --set meter_number: field `meter_number`: contains an invisible character, U+200B (a zero-width character), at character 2: values are plain text that shows everything it holds\n\
         hint: correct `meter_number` and run the command again; nothing was written\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &strs(&amend("address=杭州市\u{00ad}西湖区", "moved")),
        INVALID,
    );
    assert!(
        err.starts_with("error: --set address: field `address`: contains an invisible character, U+00AD (a soft hyphen), at character 4:"),
        "{err}"
    );
    let err = s.fails_unchanged(
        "alice",
        &["show", &id, "--reveal", "--purpose", "look\u{2028}here"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --purpose: contains a control character, U+2028 (a line break), at character 5: values are one line of plain text\n\
         hint: write --purpose on one line, without control or invisible characters\n"
    );
    let file = s.path("../isolate.toml");
    std::fs::write(&file, "meter_model = \"G\\u2066 4\"\n").unwrap();
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &id,
            "--file",
            file.to_str().unwrap(),
            "--reason",
            "x",
        ],
        INVALID,
    );
    assert!(
        err.contains("field `meter_model`: contains an invisible character, U+2066 (a text direction control), at character 2"),
        "{err}"
    );
    // A CSV cell holding a byte-order mark past the file's start is refused at its line.
    let csv = s.path("../bom.csv");
    std::fs::write(
        &csv,
        "name,id_kind,id_number,category,phone,address,account_opened_on\n\
         李四,resident-id,440524188001010014,residential,13957102345,杭州市\u{feff}拱墅区,2020-01-01\n",
    )
    .unwrap();
    let err = s.fails_unchanged(
        "alice",
        &["import", "customer", csv.to_str().unwrap()],
        INVALID,
    );
    assert!(
        err.contains(":2: field `address`: column `address` value `杭州市\\u{feff}拱墅区****`: contains an invisible character, U+FEFF (a zero-width character), at character 4"),
        "{err}"
    );
}

/// A record written by hand with direction or invisible characters, logged in an entry
/// its own actor signed: every run refuses the store, and what it says shows them
/// escaped — `\u{202e}` for people, the format's own `\u202e` in JSON, which reads back
/// as exactly what the file holds.
#[test]
fn a_hand_made_record_with_invisible_characters_fails_every_check_and_is_shown_escaped() {
    let s = TestStore::new();
    let id = s.residential();
    let rel = format!("records/customer/2026/000/{id}.v0001.toml");
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    let crafted = text
        .replace(
            "action = \"create\"",
            "action = \"create\"\nlegacy_no = \"L\\u0085\\u202E1\"",
        )
        .replace("name = \"张三丰\"", "name = \"张\\u202E丰三\\u200B\"");
    std::fs::write(s.path(&rel), &crafted).unwrap();
    let sha = sha256_hex(crafted.as_bytes());
    let log = s.log_text();
    let n = log.lines().count();
    let forged = forge_log(
        &log,
        n,
        &|_, e| e["files"][0]["sha256"] = sha.clone().into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let legacy = format!(
        "records/audit.log:{n}: {rel} is not what the act gives: legacy_no is `L\\u{{85}}\\u{{202e}}1` where the act gives `-`"
    );
    let field = format!(
        "records/audit.log:{n}: the field `name` holds a control or invisible character, which docket never writes"
    );
    let problems = s.verify_problems();
    assert!(problems.contains(&field), "{problems:?}");
    assert!(problems.contains(&legacy), "{problems:?}");
    let shown_raw = |text: &str| {
        text.chars()
            .any(|c| matches!(c, '\u{85}' | '\u{202e}' | '\u{200b}'))
    };
    for args in [
        vec!["export", "customer", "--reveal", "--purpose", "look"],
        vec!["show", &id],
        vec!["log"],
    ] {
        let err = s.fails("audrey", &args, INTEGRITY);
        assert!(err.contains(&field) && !shown_raw(&err), "{err:?}");
    }
    // JSON escapes them its own way: the problem reads back as the file has it.
    let err = s.fails("", &["verify", "--format", "json"], INTEGRITY);
    assert!(
        !shown_raw(&err) && err.contains("L\\u0085\\u202e1"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(&err).unwrap();
    let said: Vec<&str> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        said.iter()
            .any(|p| p.contains("legacy_no is `L\u{85}\u{202e}1`")),
        "{said:?}"
    );
}

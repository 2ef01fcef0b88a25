//! Creating, amending and reading records through the real binary; every bad input gets
//! its pinned message and exit code and leaves the store byte-for-byte unchanged.

mod common;
use common::*;

fn installation(customer: &str) -> Vec<String> {
    let mut pairs = vec![format!("customer={customer}")];
    pairs.extend(INSTALL.iter().map(|p| p.to_string()));
    with_sets(&["create", "installation"], &strs(&pairs))
}

#[test]
fn init_writes_template_genesis_and_admin() {
    let s = TestStore::bare();
    for f in [
        "docket.toml",
        "schemas/roles.toml",
        "schemas/take-or-pay.toml",
        "schemas/tariffs.toml",
        ".gitignore",
    ] {
        assert!(s.path(f).is_file(), "{f}");
    }
    let log = s.log_text();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("\"action\":\"genesis\",\"txn\":3"));
    assert!(lines[0].starts_with(&format!("{} {}", &lines[0][..64], "0".repeat(64))));
    // The policy the store starts with is logged and kept, file by file.
    assert!(lines[1].contains("\"action\":\"policy\",\"record\":\"policy\",\"version\":1"));
    assert!(lines[1].contains("records/_policy/v0001/schemas/roles.toml"));
    assert_eq!(
        std::fs::read(s.path("records/_policy/v0001/schemas/roles.toml")).unwrap(),
        std::fs::read(s.path("schemas/roles.toml")).unwrap()
    );
    assert!(lines[2].contains("\"action\":\"actor-add\""));
    assert!(
        lines[0].ends_with(" -") && lines[1].ends_with(" -"),
        "signed once, on the last"
    );
    assert_eq!(s.ok("", &["verify"]).split(':').next(), Some("ok"));
}

#[test]
fn init_refuses_an_existing_store() {
    let s = TestStore::bare();
    let out = docket()
        .env("XDG_STATE_HOME", s.state())
        .arg("init")
        .arg(s.root())
        .args(["--admin", "x", "--key", &s.pubkey("x")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(CONFLICT));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is already a docket store"), "{err}");
}

#[test]
fn commands_outside_a_store_say_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = docket()
        .current_dir(dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .args(["--as", "x", "query"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(USAGE));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: no docket store here: no docket.toml in "),
        "{err}"
    );
    assert!(err.contains("hint: run inside a store, pass --store DIR (or set DOCKET_STORE), or create one with `docket init DIR --admin NAME`"));
}

#[test]
fn store_is_found_from_a_subfolder_and_by_flag() {
    let s = TestStore::new();
    let id = s.residential();
    let out = docket()
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_IDENTITY", s.key("alice"))
        .current_dir(s.path("schemas"))
        .args(["--as", "alice", "show", &id])
        .output()
        .unwrap();
    assert!(out.status.success());
    let other = tempfile::tempdir().unwrap();
    let out = docket()
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_IDENTITY", s.key("alice"))
        .current_dir(other.path())
        .args([
            "--store",
            s.root().to_str().unwrap(),
            "--as",
            "alice",
            "show",
            &id,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn create_prints_only_the_new_id() {
    let s = TestStore::new();
    let out = s.run(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                "name=王五",
                "id_kind=resident-id",
                "id_number=440524198001010013",
                "category=residential",
                "phone=13800001111",
                "address=广州市天河区体育西路1号",
                "account_opened_on=2026-02-01",
            ],
        )),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "CUS-2026-000001\n");
    let id2 = s.residential();
    assert_eq!(id2, "CUS-2026-000002");
}

#[test]
fn version_files_are_canonical_toml() {
    let s = TestStore::new();
    let id = s.residential();
    let text =
        std::fs::read_to_string(s.path(&format!("records/customer/2026/000/{id}.v0001.toml")))
            .unwrap();
    let expected = format!(
        "id = \"{id}\"\nkind = \"customer\"\nversion = 1\nstatus = \"active\"\nwritten_at = \"{NOW_LOCAL}\"\nwritten_by = \"alice\"\npolicy = 1\naction = \"create\"\n\n[fields]\naccount_opened_on = 2026-02-01\naddress = \"{SEEDED_ADDRESS}\"\ncategory = \"residential\"\nid_kind = \"resident-id\"\nid_number = \"{SEEDED_ID}\"\nname = \"{SEEDED_NAME}\"\nphone = \"{SEEDED_PHONE}\"\n"
    );
    assert_eq!(text, expected);
}

#[test]
fn file_input_and_money_as_exact_decimal() {
    let s = TestStore::new();
    let c = s.residential();
    let f = s.path("ins.toml");
    std::fs::write(
        &f,
        format!("customer = \"{c}\"\ninstallation_fee = \"2800\"\nfee_basis = \"tariff\"\npayment_plan = \"lump-sum\"\nschedule_required = false\nproperty_dispute = false\nsigned_on = 2026-03-01\n"),
    )
    .unwrap();
    let id = s
        .ok(
            "alice",
            &["create", "installation", "--file", f.to_str().unwrap()],
        )
        .trim()
        .to_string();
    let text =
        std::fs::read_to_string(s.path(&format!("records/installation/2026/000/{id}.v0001.toml")))
            .unwrap();
    assert!(text.contains("installation_fee = \"2800.00\""), "{text}");
}

#[test]
fn amend_writes_next_version_and_diff_history_show_it() {
    let s = TestStore::new();
    let id = s.residential();
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "meter_number=M001",
            "--set",
            "category=residential",
            "--reason",
            "meter fitted",
        ],
    );
    assert!(
        s.path(&format!("records/customer/2026/000/{id}.v0002.toml"))
            .is_file()
    );
    assert!(
        s.path(&format!("records/customer/2026/000/{id}.v0001.toml"))
            .is_file(),
        "old versions stay"
    );
    let d = s.ok("alice", &["diff", &id]);
    assert_eq!(d, format!("{id} v1 → v2\n+ meter_number: M001\n"));
    let h = s.ok("alice", &["history", &id]);
    assert!(
        h.contains("1        create  active  2026-03-01T17:00:00+08:00  alice"),
        "{h}"
    );
    assert!(
        h.contains("2        amend   active  2026-03-01T17:00:00+08:00  alice  meter fitted"),
        "{h}"
    );
    let v1 = s.ok(
        "alice",
        &["show", "--format", "json", &id, "--version", "1"],
    );
    let v1: serde_json::Value = serde_json::from_str(&v1).unwrap();
    assert_eq!(v1["version"], 1);
    assert!(v1["fields"].get("meter_number").is_none());
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--unset",
            "meter_number",
            "--reason",
            "meter removed",
        ],
    );
    assert_eq!(
        s.ok("alice", &["diff", &id]),
        format!("{id} v2 → v3\n- meter_number: M001\n")
    );
}

#[test]
fn show_json_has_the_documented_keys() {
    let s = TestStore::new();
    let id = s.residential();
    let out = s.ok("alice", &["show", "--format", "json", &id]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in ["id", "kind", "version", "status", "fields", "approvals"] {
        assert!(v.get(key).is_some(), "{key} missing in {out}");
    }
}

// ---- bad input: one pinned message each, documented exit code, store unchanged ----

#[test]
fn unknown_kind() {
    let s = TestStore::new();
    let err = s.fails_unchanged("alice", &["create", "boiler", "--set", "x=1"], INVALID);
    assert_eq!(
        err,
        "error: unknown kind `boiler`\nhint: kinds: alarm-installation, commercial-supply, customer, installation, residential-supply, take-or-pay\n"
    );
}

#[test]
fn unknown_field() {
    let s = TestStore::new();
    let err = s.fails_unchanged(
        "alice",
        &["create", "customer", "--set", "colour=red"],
        INVALID,
    );
    assert!(
        err.starts_with(
            "error: --set colour: field `colour`: kind `customer` has no field `colour`\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: fields of customer: name, id_kind, id_number, category, phone,"),
        "{err}"
    );
}

#[test]
fn wrong_type_and_malformed_values() {
    let s = TestStore::new();
    let c = s.residential();
    for (set, expected) in [
        (
            "schedule_required=maybe",
            "error: --set schedule_required: field `schedule_required`: `maybe` is not yes or no; write true or false (or 是 or 否)\nhint: correct `schedule_required` and run the command again; nothing was written\n",
        ),
        (
            "signed_on=2021/3/5",
            "error: --set signed_on: field `signed_on`: `2021/3/5` is not a date; write YYYY-MM-DD, e.g. 2026-03-05\nhint: correct `signed_on` and run the command again; nothing was written\n",
        ),
        (
            "installation_fee=28OO.00",
            "error: --set installation_fee: field `installation_fee`: `28OO.00` is not a decimal amount; write digits with an optional point, e.g. 2800.00\nhint: correct `installation_fee` and run the command again; nothing was written\n",
        ),
        (
            "installation_fee=2800.001",
            "error: --set installation_fee: field `installation_fee`: `2800.001` has more than 2 decimal places; amounts are exact to the fen (0.01)\nhint: correct `installation_fee` and run the command again; nothing was written\n",
        ),
    ] {
        let mut args = installation(&c);
        args.extend(sets(&[set]));
        assert_eq!(
            s.fails_unchanged("alice", &strs(&args), INVALID),
            expected,
            "{set}"
        );
    }
}

#[test]
fn invalid_check_digits() {
    let s = TestStore::new();
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                "name=王五",
                "id_kind=resident-id",
                "id_number=110105194912310021",
                "category=residential",
                "phone=13800001111",
                "address=广州市天河区体育西路1号",
                "account_opened_on=2026-02-01",
            ],
        )),
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `id_number`: the resident id's check character (GB 11643) is wrong: check the number for a typing error\nhint: correct `id_number` and run the command again; nothing was written\n"
    );
    assert!(
        !err.contains("110105194912310021"),
        "the message never repeats the id number"
    );
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                "name=某公司",
                "id_kind=uscc",
                "id_number=91350100M000100Y44",
                "category=commercial",
                "phone=13800001111",
                "address=广州市天河区体育西路1号",
                "account_opened_on=2026-02-01",
            ],
        )),
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `id_number`: the unified social credit code's check character (GB 32100) is wrong: check the code for a typing error\nhint: correct `id_number` and run the command again; nothing was written\n"
    );
}

#[test]
fn empty_set_value() {
    let s = TestStore::new();
    let err = s.fails_unchanged("alice", &["create", "customer", "--set", "name="], INVALID);
    assert_eq!(
        err,
        "error: --set name: field `name`: the value is empty\nhint: give a value, or remove the field with --unset name (amend only)\n"
    );
}

#[test]
fn missing_required_fields_are_all_listed() {
    let s = TestStore::new();
    let err = s.fails_unchanged(
        "alice",
        &["create", "customer", "--set", "name=王五"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `id_kind`: required field is missing\n\
         error: field `id_number`: required field is missing\n\
         error: field `category`: required field is missing\n\
         error: field `phone`: required field is missing\n\
         error: field `address`: required field is missing\n\
         error: field `account_opened_on`: required field is missing\n\
         hint: add --set id_kind=…\n\
         6 problems; nothing was written\n"
    );
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let s = TestStore::new();
    let f = s.path("bad.toml");
    std::fs::write(&f, "name = \"王五\"\ncategory = residential\n").unwrap();
    let err = s.fails_unchanged(
        "alice",
        &["create", "customer", "--file", f.to_str().unwrap()],
        INVALID,
    );
    assert!(
        err.starts_with(&format!("error: {}:2: TOML syntax error: ", f.display())),
        "{err}"
    );
    assert!(
        err.contains("hint: fix the file: one `field = value` per line, strings in quotes"),
        "{err}"
    );
}

#[test]
fn file_errors_name_the_line_of_the_field() {
    let s = TestStore::new();
    let f = s.path("bad.toml");
    std::fs::write(&f, "name = \"王五\"\naccount_opened_on = \"2026-13-01\"\n").unwrap();
    let err = s.fails_unchanged(
        "alice",
        &["create", "customer", "--file", f.to_str().unwrap()],
        INVALID,
    );
    assert_eq!(
        err,
        format!(
            "error: {}:2: field `account_opened_on`: `2026-13-01` is not a calendar date\nhint: correct `account_opened_on` and run the command again; nothing was written\n",
            f.display()
        )
    );
}

#[test]
fn ids_with_path_separators_are_unknown_not_paths() {
    let s = TestStore::new();
    for bad in ["../customer", "CUS-2026-000001/../../x", ".."] {
        let err = s.fails_unchanged("alice", &["show", bad], INVALID);
        assert_eq!(
            err,
            format!(
                "error: no record `{bad}` in this store\nhint: list records with `docket query`\n"
            )
        );
    }
}

#[test]
fn unknown_record_and_bad_version() {
    let s = TestStore::new();
    let id = s.residential();
    let err = s.fails_unchanged("alice", &["show", &id, "--version", "9"], INVALID);
    assert_eq!(
        err,
        format!(
            "error: record `{id}` has versions 1 to 1, not 9\nhint: `docket history {id}` lists its versions\n"
        )
    );
}

#[test]
fn amend_needs_a_reason_and_a_change() {
    let s = TestStore::new();
    let id = s.residential();
    let err = s.fails_unchanged(
        "alice",
        &["amend", &id, "--set", "category=residential"],
        USAGE,
    );
    assert!(err.contains("--reason"), "{err}");
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "category=residential",
            "--reason",
            "x",
        ],
        INVALID,
    );
    assert_eq!(
        err,
        format!(
            "error: the amendment changes nothing in `{id}`\nhint: give the new values with --set; `docket show ID` shows the current ones\n"
        )
    );
}

#[test]
fn a_broken_pipe_exits_quietly() {
    let s = TestStore::new();
    s.residential();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader); // the reader is gone before docket writes a byte
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("docket"))
        .current_dir(s.root())
        .env("DOCKET_NOW", NOW)
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_IDENTITY", s.key("alice"))
        .args(["--as", "alice", "query"])
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// A Chinese form says yes and no as 是 and 否: booleans take them, and a wrong one is
/// explained in the reader's language with the values it takes.
#[test]
fn booleans_take_shi_and_fou() {
    let s = TestStore::new();
    let c = s.residential();
    let id = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={c}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=否",
            "property_dispute=否",
            "signed_on=2026-03-01",
        ],
    );
    let shown = s.ok("alice", &["show", &id, "--format", "json"]);
    assert!(shown.contains("\"schedule_required\": false"), "{shown}");
    let out = s
        .cmd(
            "alice",
            &[
                "amend",
                &id,
                "--set",
                "property_dispute=也许",
                "--reason",
                "核对",
            ],
        )
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`也许` 不是“是”或“否”；请写 是 或 否（也可写 true 或 false）"),
        "{err}"
    );
}

/// Move a logged file to `to` and log it there, every transaction from its own re-signed
/// by its author; this machine forgets what it had verified.
fn move_logged_file(s: &TestStore, from: &str, to: &str) {
    let folder = std::path::Path::new(to).parent().unwrap();
    std::fs::create_dir_all(s.path(folder.to_str().unwrap())).unwrap();
    std::fs::rename(s.path(from), s.path(to)).unwrap();
    let text = s.log_text();
    let line = text.lines().position(|l| l.contains(from)).unwrap() + 1;
    let forged = forge_log(&text.replace(from, to), line, &|_, _| {}, &|a| {
        Some(s.key(a))
    });
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    std::fs::remove_dir_all(s.state().join("docket")).unwrap();
}

/// Stores made before records were kept as files in their shards hold each record in a
/// folder of its own: in one folder per kind (before sharding) or in its shard. Their
/// records are read, amended (the next version beside the first) and verified where they
/// are, while new records are files in their shards.
#[test]
fn records_of_stores_made_in_earlier_layouts_stay_where_they_are() {
    for (layout, folder) in [
        ("flat", "records/customer/{id}"),
        ("folders", "records/customer/2026/000/{id}"),
    ] {
        let s = TestStore::new();
        let id = s.residential();
        let now = format!("records/customer/2026/000/{id}.v0001.toml");
        let folder = folder.replace("{id}", &id);
        // The log as that store wrote it: the create's file in the record's folder,
        // re-signed.
        move_logged_file(&s, &now, &format!("{folder}/v0001.toml"));
        s.drop_caches();
        assert!(s.ok("", &["verify"]).starts_with("ok:"), "{layout}");
        s.ok(
            "alice",
            &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
        );
        assert!(
            s.path(&format!("{folder}/v0002.toml")).is_file(),
            "{layout}"
        );
        assert!(s.ok("alice", &["show", &id]).contains("M9"));
        assert!(
            s.ok("alice", &["show", &id, "--version", "1"])
                .contains(&id)
        );
        let other = s.customer("commercial", &[]);
        assert!(
            s.path(&format!("records/customer/2026/000/{other}.v0001.toml"))
                .is_file(),
            "{layout}"
        );
        assert!(s.ok("", &["verify"]).starts_with("ok:"), "{layout}");
    }
}

/// A record's versions stay where the layout its first one was written in puts them: an
/// amendment written elsewhere and logged there, signed by its own author, is named by
/// `verify`.
#[test]
fn a_version_written_outside_its_records_place_is_named() {
    let s = TestStore::new();
    let id = s.residential();
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M9", "--reason", "新表"],
    );
    let files = format!("records/customer/2026/000/{id}.v0002.toml");
    let folder = format!("records/customer/2026/000/{id}/v0002.toml");
    move_logged_file(&s, &files, &folder);
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "the act writes `{folder}`, but this record keeps that version at `{files}`"
        )),
        "{err}"
    );
}

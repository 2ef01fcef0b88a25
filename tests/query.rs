//! `query` and `log`: the same expression engine as the schemas, three output formats,
//! status filter, sorting and limits.

mod common;
use common::*;

fn store() -> (TestStore, Vec<String>) {
    let s = TestStore::new();
    let a = s.residential();
    let b = s.customer("commercial", &["meter_reading_m3=500"]);
    let c = s.customer("industrial", &["meter_reading_m3=90000"]);
    (s, vec![a, b, c])
}

#[test]
fn where_filters_with_cel() {
    let (s, ids) = store();
    let out = s.ok(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            "category != 'residential' && meter_reading_m3 > 1000",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains(&ids[2]));
    let out = s.ok(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            "category in ['commercial', 'industrial']",
        ],
    );
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn where_reads_the_referenced_customer() {
    let (s, ids) = store();
    let i = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={}", ids[0]),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    );
    let out = s.ok(
        "alice",
        &[
            "query",
            "installation",
            "--where",
            "customer.category == 'residential'",
        ],
    );
    assert!(out.contains(&i), "{out}");
    let out = s.ok(
        "alice",
        &[
            "query",
            "installation",
            "--where",
            &format!("customer.id == '{}'", ids[1]),
        ],
    );
    assert!(!out.contains(&i), "{out}");
}

#[test]
fn where_errors_are_pinned() {
    let (s, _) = store();
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--where", "colour == 'red'"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --where: kind `customer` has no field `colour`\nhint: fields of customer: name, id_kind, id_number, category, phone, contact_name, contact_phone, address, meter_number, meter_model, meter_reading_m3, appliances, account_opened_on (see `docket types customer`)\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--where", "category =="],
        INVALID,
    );
    assert!(
        err.starts_with("error: --where: syntax error at 1:"),
        "{err}"
    );
}

#[test]
fn formats_json_and_csv() {
    let (s, ids) = store();
    let json = s.ok(
        "alice",
        &[
            "query", "--format", "json", "customer", "--status", "active",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[0]["id"], ids[0].as_str());
    assert_eq!(v[0]["fields"]["phone"], "138****1234");
    let csv = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--fields",
            "category,meter_reading_m3",
        ],
    );
    assert_eq!(
        csv,
        format!(
            "id,kind,status,category,meter_reading_m3\n{},customer,active,residential,\n{},customer,active,commercial,500\n{},customer,active,industrial,90000\n",
            ids[0], ids[1], ids[2]
        )
    );
}

#[test]
fn sort_and_limit() {
    let (s, ids) = store();
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--fields",
            "meter_reading_m3",
            "--sort",
            "-meter_reading_m3",
            "--limit",
            "2",
        ],
    );
    assert_eq!(
        out,
        format!(
            "id,kind,status,meter_reading_m3\n{},customer,active,90000\n{},customer,active,500\n",
            ids[2], ids[1]
        )
    );
}

#[test]
fn status_filter_and_empty_result() {
    let (s, _) = store();
    let out = s.run("alice", &["query", "--status", "pending"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "no records match\n");
}

#[test]
fn log_filters_and_json() {
    let (s, ids) = store();
    let out = s.ok("root", &["log", "--format", "json", "--record", &ids[1]]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "create");
    assert_eq!(entries[0]["actor"], "alice");
    let out = s.ok(
        "root",
        &["log", "--actor", "alice", "--since", "2026-03-01"],
    );
    assert_eq!(out.lines().count(), 4, "{out}");
    assert_eq!(
        s.ok("root", &["log", "--since", "2026-03-02"])
            .lines()
            .count(),
        1,
        "only the header"
    );
}

#[test]
fn the_rows_cache_holds_no_personal_data_and_never_serves_a_stale_or_forged_record() {
    let (s, ids) = store();
    s.ok(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 0"],
    );
    let rows = std::fs::read_to_string(s.cache_file("rows").expect("rows cached")).unwrap();
    for v in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
        assert!(!rows.contains(v), "{rows}");
    }
    // An amended record is filtered by its new values.
    s.ok(
        "alice",
        &[
            "amend",
            &ids[1],
            "--set",
            "meter_reading_m3=70000",
            "--reason",
            "reading",
        ],
    );
    let out = s.ok(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 60000"],
    );
    assert!(out.contains(&ids[1]) && out.contains(&ids[2]), "{out}");
    // What is printed comes from the version files, checked against the log.
    let rel = format!("records/customer/{}/v0001.toml", ids[2]);
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    std::fs::write(s.path(&rel), text.replace("90000", "1")).unwrap();
    let err = s.fails(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 60000"],
        INTEGRITY,
    );
    assert!(err.contains(&rel), "{err}");
}

#[test]
fn where_reads_id_status_and_version() {
    let (s, ids) = store();
    s.ok(
        "alice",
        &[
            "amend",
            &ids[0],
            "--set",
            "meter_reading_m3=1",
            "--reason",
            "reading",
        ],
    );
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--where",
            &format!("id == '{}' || version > 1", ids[2]),
        ],
    );
    assert_eq!(
        out,
        format!(
            "id,kind,status,name,category,phone\n{},customer,active,张**,residential,138****1234\n{},customer,active,华*********,industrial,138****1234\n",
            ids[0], ids[2]
        )
    );
    assert_eq!(
        s.ok("alice", &["query", "--where", "status == 'pending'"]),
        ""
    );
}

#[test]
fn toml_output_is_a_toml_document() {
    let (s, ids) = store();
    let out = s.ok("alice", &["query", "--format", "toml", "customer"]);
    let doc: toml::Table = toml::from_str(&out).expect("valid TOML");
    let records = doc["records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["id"].as_str(), Some(ids[0].as_str()));
    assert_eq!(records[0]["fields"]["phone"].as_str(), Some("138****1234"));
    let log: toml::Table =
        toml::from_str(&s.ok("root", &["log", "--format", "toml", "--record", &ids[0]])).unwrap();
    assert_eq!(
        log["entries"].as_array().unwrap()[0]["action"].as_str(),
        Some("create")
    );
}

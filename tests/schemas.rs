//! Record kinds are schema files: adding one is adding a file (R-C1); every field states
//! its purpose (R-A1); a broken schema is refused with its file and line.

mod common;
use common::*;

const METER_SWAP: &str = r#"kind = "meter-swap"
title = "换表单 meter replacement"
prefix = "MSW"
lifecycle = "contract"
list_fields = ["customer", "new_meter"]

[fields.customer]
type = "ref"
ref = "customer"
required = true
purpose = "whose meter is replaced"

[fields.new_meter]
type = "string"
required = true
purpose = "the meter fitted"

[fields.reason]
type = "enum"
values = ["faulty", "scheduled"]
required = true
purpose = "why it is replaced"

[[steps]]
role = "planning-construction"
when = "reason == 'scheduled'"
rule = "local"
"#;

#[test]
fn r_c1_a_new_kind_is_a_new_file() {
    let s = TestStore::new();
    std::fs::write(s.path("schemas/meter-swap.toml"), METER_SWAP).unwrap();
    std::fs::write(
        s.path("schemas/roles.toml"),
        std::fs::read_to_string(s.path("schemas/roles.toml"))
            .unwrap()
            .replace(
                "create = [\"customer\", \"installation\",",
                "create = [\"customer\", \"meter-swap\", \"installation\",",
            ),
    )
    .unwrap();
    s.apply_policy("meter replacements are contracts now");
    let types = s.ok("", &["types"]);
    assert!(
        types.contains("meter-swap          MSW     contract   换表单 meter replacement"),
        "{types}"
    );
    let c = s.residential();
    let id = s.create(
        "alice",
        "meter-swap",
        &[
            &format!("customer={c}"),
            "new_meter=M77",
            "reason=scheduled",
        ],
    );
    assert_eq!(id, "MSW-2026-000001");
    assert_eq!(s.status(&id), "pending");
    s.ok("pat", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
    let id2 = s.create(
        "alice",
        "meter-swap",
        &[&format!("customer={c}"), "new_meter=M78", "reason=faulty"],
    );
    assert_eq!(s.status(&id2), "active");
}

#[test]
fn r_c1_a_removed_kind_is_gone() {
    let s = TestStore::new();
    std::fs::remove_file(s.path("schemas/alarm-installation.toml")).unwrap();
    // The roles file still lets staff draft it: that is named, with its line.
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID);
    assert!(err.starts_with("error: schemas/roles.toml:17: role `business-staff` may create kind `alarm-installation`, which has no schema"), "{err}");
    let roles = std::fs::read_to_string(s.path("schemas/roles.toml"))
        .unwrap()
        .replace(" \"alarm-installation\",", "");
    std::fs::write(s.path("schemas/roles.toml"), roles).unwrap();
    s.apply_policy("no more alarm installations");
    let types = s.ok("", &["types"]);
    assert!(!types.contains("alarm-installation"));
}

/// A broken schema file is refused when applied, with its file and line.
fn broken(s: &TestStore, text: &str) -> String {
    std::fs::write(s.path("schemas/meter-swap.toml"), text).unwrap();
    s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID)
}

#[test]
fn an_expression_naming_an_unknown_field_is_refused_with_file_and_line() {
    let s = TestStore::new();
    let err = broken(
        &s,
        &METER_SWAP.replace(
            "when = \"reason == 'scheduled'\"",
            "when = \"reasn == 'scheduled'\"",
        ),
    );
    assert_eq!(
        err,
        "error: schemas/meter-swap.toml:26: expression `reasn == 'scheduled'` names `reasn`, which is not a field of this kind (fields: customer, new_meter, reason)\nhint: correct the schema file; the store is unchanged\n"
    );
}

#[test]
fn an_expression_syntax_error_has_its_position() {
    let s = TestStore::new();
    let err = broken(
        &s,
        &METER_SWAP.replace("when = \"reason == 'scheduled'\"", "when = \"reason == \""),
    );
    assert!(
        err.starts_with(
            "error: schemas/meter-swap.toml:26: expression `reason == `: syntax error at 1:"
        ),
        "{err}"
    );
}

#[test]
fn r_a1_every_field_states_its_purpose() {
    let s = TestStore::new();
    let err = broken(
        &s,
        &METER_SWAP.replace("purpose = \"the meter fitted\"\n", ""),
    );
    assert_eq!(
        err,
        "error: schemas/meter-swap.toml:13: field `new_meter`: every field declares the purpose it is collected for (R-A1): add purpose = \"…\"\nhint: correct the schema file; the store is unchanged\n"
    );
}

#[test]
fn unknown_types_roles_and_references_are_refused() {
    let s = TestStore::new();
    let err = broken(
        &s,
        &METER_SWAP.replace("type = \"string\"", "type = \"text\""),
    );
    assert!(err.starts_with("error: schemas/meter-swap.toml:13: field `new_meter`: type `text` is not one of string, integer, money, date, bool, enum, list, ref"), "{err}");
    let err = broken(
        &s,
        &METER_SWAP.replace("role = \"planning-construction\"", "role = \"plumber\""),
    );
    assert!(err.starts_with("error: schemas/meter-swap.toml:25: approval step names role `plumber`, which roles.toml does not define"), "{err}");
    let err = broken(
        &s,
        &METER_SWAP.replace("ref = \"customer\"", "ref = \"client\""),
    );
    assert!(err.starts_with("error: schemas/meter-swap.toml:7: field `customer` refers to kind `client`, which has no schema"), "{err}");
    let err = broken(
        &s,
        &METER_SWAP.replace("kind = \"meter-swap\"", "kind = \"meter\""),
    );
    assert!(
        err.contains(
            "must be lowercase letters, digits and dashes and match the file name `meter-swap.toml`"
        ),
        "{err}"
    );
}

#[test]
fn a_schema_toml_syntax_error_names_the_line() {
    let s = TestStore::new();
    let err = broken(
        &s,
        &METER_SWAP.replace(
            "required = true\npurpose = \"the meter fitted\"",
            "required = yes\npurpose = \"the meter fitted\"",
        ),
    );
    assert!(
        err.starts_with("error: schemas/meter-swap.toml:15: "),
        "{err}"
    );
    assert!(
        err.ends_with("hint: fix the TOML in the schema file\n"),
        "{err}"
    );
}

#[test]
fn types_shows_fields_rules_and_steps() {
    let s = TestStore::new();
    let out = s.ok("", &["types", "take-or-pay"]);
    assert!(
        out.starts_with("take-or-pay (schemas/take-or-pay.toml): take-or-pay contract\n"),
        "{out}"
    );
    assert!(out.contains("drafted only by: vp-operations"), "{out}");
    assert!(out.contains("  R-C14: customer.category == 'upstream-supplier' || annual_volume_m3 >= 3000000 || daily_volume_m3 >= 10000"), "{out}");
    assert!(
        out.contains("approval steps:\n  general-manager (R-C6) always\n"),
        "{out}"
    );
    let out = s.ok("", &["types", "customer"]);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("contact_name"))
        .unwrap();
    assert!(line.contains("required when category == 'collective'  contact   the collective customer's responsible contact"), "{out}");
    let json = s.ok("", &["types", "--format", "json", "customer"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["fields"][2]["pii"], "identity");
}

#[test]
fn r_c18_rules_take_effect_on_their_date_inclusive() {
    let mut s = TestStore::new();
    // The template's rules took effect on 2011-10-01; a new version of the customer rules
    // takes effect on 2026-03-02, in the store's zone (Asia/Shanghai, UTC+8).
    let schema = std::fs::read_to_string(s.path("schemas/customer.toml"))
        .unwrap()
        .replace("effective = 2011-10-01", "effective = 2026-03-02");
    std::fs::write(s.path("schemas/customer.toml"), schema).unwrap();
    s.apply_policy("new customer rules from 2 March");
    let customer = [
        "name=王五",
        "id_kind=resident-id",
        "id_number=440524198001010013",
        "category=residential",
        "phone=13800001111",
        "address=广州市天河区体育西路1号",
        "account_opened_on=2026-02-01",
    ];
    s.now = "2026-03-01T15:59:59Z".into(); // 23:59:59 on 2026-03-01 in Hangzhou
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(&["create", "customer"], &customer)),
        INVALID,
    );
    assert_eq!(
        err,
        "error: schemas/customer.toml: the rules for customer take effect on 2026-03-02 (R-C18); nothing can be written under them before\nhint: check the date, or the schema's effective date\n"
    );
    s.now = "2026-03-01T16:00:00Z".into(); // midnight of 2026-03-02 in Hangzhou
    let id = s.create("alice", "customer", &customer);
    // Every record written names the policy version it was judged by.
    let log = s.ok("alice", &["log", "--record", &id]);
    assert!(log.contains("policy=2"), "{log}");
    let shown = s.ok("alice", &["show", "--format", "json", &id]);
    assert!(shown.contains("\"policy\": 2"), "{shown}");
}

#[test]
fn r_c13_customer_accounts_hold_meter_address_and_appliances() {
    let s = TestStore::new();
    let id = s.customer(
        "residential",
        &[
            "meter_number=M000120001",
            "meter_model=G2.5",
            "meter_reading_m3=0",
            "appliances=燃气灶;热水器",
        ],
    );
    let out = s.ok(
        "audrey",
        &[
            "show",
            "--format",
            "json",
            &id,
            "--reveal",
            "--purpose",
            "print the account sheet",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fields"]["meter_number"], "M000120001");
    assert_eq!(v["fields"]["meter_model"], "G2.5");
    assert_eq!(
        v["fields"]["appliances"],
        serde_json::json!(["燃气灶", "热水器"])
    );
    assert_eq!(v["fields"]["address"], SEEDED_ADDRESS);
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "meter_reading_m3=-1",
            "--reason",
            "typo",
        ],
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `meter_reading_m3`: -1 is below the minimum 0\nhint: correct `meter_reading_m3` and run the command again; nothing was written\n"
    );
}

/// What a field asks of its values beyond its type — an entry window, a normalisation, a
/// format's hint — is named, and a misspelling of it refused at apply.
#[test]
fn value_checks_a_field_asks_for_are_refused_when_unknown() {
    let s = TestStore::new();
    let field = "[fields.new_meter]\ntype = \"string\"\n";
    for (extra, says) in [
        (
            "within = \"signed_within_days\"\n",
            "error: schemas/meter-swap.toml:13: field `new_meter`: within `signed_within_days` is not a setting docket knows for a date field: signed_within_days\n",
        ),
        (
            "normalize = \"squash\"\n",
            "error: schemas/meter-swap.toml:13: field `new_meter`: normalize `squash` is not one docket knows: identifier (blanks and hyphens dropped, full width to ASCII, letters upper case)\n",
        ),
        (
            "formats = [{ when = \"reason == 'faulty'\", format = \"not-gb11643\", hint = { tlh = \"x\" } }]\n",
            "error: schemas/meter-swap.toml:15: field `new_meter`: a title in `tlh`, which docket does not speak: use en or zh-CN\n",
        ),
    ] {
        let err = broken(&s, &METER_SWAP.replace(field, &format!("{field}{extra}")));
        assert!(err.starts_with(says), "{extra}: {err}");
    }
    let err = broken(
        &s,
        &METER_SWAP.replace(
            "values = [\"faulty\", \"scheduled\"]\n",
            "values = [\"faulty\", \"scheduled\"]\nnormalize = \"identifier\"\n",
        ),
    );
    assert!(
        err.contains("field `reason`: normalize applies to string fields only"),
        "{err}"
    );
}

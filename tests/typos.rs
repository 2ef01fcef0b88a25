//! Typos are errors, never silent: an unknown field, status, action, actor, kind, role or
//! subcommand, a mapping naming a column the file lacks, an expression comparing a
//! number with a string — each exits 5 (2 for the command line itself) with the name it
//! most likely meant. Ids are matched regardless of case.

mod common;
use common::*;

#[test]
fn unknown_columns_statuses_and_sort_keys_say_what_was_meant() {
    let s = TestStore::new();
    s.residential();
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--fields", "name,categry"],
        INVALID,
    );
    assert!(err.starts_with("error: --fields: kind `customer` has no field `categry`\nhint: did you mean `category`? (fields of customer: "), "{err}");
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--sort", "-meter_readng_m3"],
        INVALID,
    );
    assert!(err.starts_with("error: --sort: kind `customer` has no field `meter_readng_m3`\nhint: did you mean `meter_reading_m3`?"), "{err}");
    let err = s.fails_unchanged("alice", &["query", "--sort", "colour"], INVALID);
    assert!(
        err.starts_with("error: --sort: no kind has a field `colour`\nhint: fields: "),
        "{err}"
    );
    let err = s.fails_unchanged("alice", &["query", "--status", "pendng"], INVALID);
    assert_eq!(
        err,
        "error: --status: no status `pendng`\nhint: did you mean `pending`? (statuses: pending, active, rejected, completed, terminated, withdrawn, archived)\n"
    );
}

#[test]
fn log_filters_name_real_actions_and_actors() {
    let s = TestStore::new();
    let err = s.fails_unchanged("", &["log", "--action", "aprove"], INVALID);
    assert!(err.starts_with("error: --action: no action `aprove`\nhint: did you mean `approve`? (actions: genesis, site-open, policy,"), "{err}");
    let err = s.fails_unchanged("", &["log", "--actor", "alcie"], INVALID);
    assert!(
        err.starts_with(
            "error: --actor: no actor `alcie` in the register\nhint: did you mean `alice`?"
        ),
        "{err}"
    );
}

#[test]
fn kinds_fields_roles_and_subcommands_say_what_was_meant() {
    let s = TestStore::new();
    let err = s.fails_unchanged("alice", &["create", "custmer", "--set", "name=x"], INVALID);
    assert!(
        err.starts_with("error: unknown kind `custmer`\nhint: did you mean `customer`?"),
        "{err}"
    );
    let err = s.fails_unchanged(
        "alice",
        &["create", "customer", "--set", "phnoe=13800001111"],
        INVALID,
    );
    assert!(err.contains("error: --set phnoe: field `phnoe`: kind `customer` has no field `phnoe`\nhint: did you mean `phone`?"), "{err}");
    let key = s.pubkey("carol");
    let err = s.fails_unchanged(
        "root",
        &["actor", "add", "carol", "--role", "auditr", "--key", &key],
        INVALID,
    );
    assert!(
        err.starts_with("error: --role: unknown role `auditr`\nhint: did you mean `auditor`?"),
        "{err}"
    );
    let err = s.fails_unchanged("alice", &["qurey"], USAGE);
    assert_eq!(
        err,
        "error: unknown command `qurey`\nhint: did you mean `query`?\n"
    );
}

#[test]
fn a_number_compared_with_a_string_is_refused() {
    let s = TestStore::new();
    s.residential();
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > '100'"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --where: `meter_reading_m3` is a number, compared with a string\nhint: write numbers without quotes, e.g. meter_reading_m3 > 100\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &["query", "installation", "--where", "customer.category == 1"],
        INVALID,
    );
    assert!(
        err.starts_with("error: --where: `customer.category` is a string, compared with a number"),
        "{err}"
    );
    s.ok(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 100"],
    );
}

#[test]
fn a_mapping_naming_a_column_or_field_that_does_not_exist_is_refused() {
    let s = TestStore::new();
    let csv = s.path("c.csv");
    std::fs::write(&csv, "客户名称,id_kind\n张三,resident-id\n").unwrap();
    let map = s.path("m.toml");
    std::fs::write(
        &map,
        "[columns]\n\"客户名称\" = \"nmae\"\n\"客户电话\" = \"phone\"\n",
    )
    .unwrap();
    let err = s.fails_unchanged(
        "alice",
        &[
            "import",
            "customer",
            csv.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
        INVALID,
    );
    assert!(
        err.contains("(mapping [columns] `客户名称`): kind `customer` has no field `nmae`"),
        "{err}"
    );
    assert!(
        err.contains(
            "(mapping): the mapping names column `客户电话`, which the file does not have"
        ),
        "{err}"
    );
}

#[test]
fn ids_are_matched_regardless_of_case() {
    let s = TestStore::new();
    let id = s.residential();
    let lower = id.to_lowercase();
    let shown = s.ok("alice", &["show", &lower]);
    assert!(
        shown.starts_with(&format!("id                 {id}\n")),
        "{shown}"
    );
    s.ok(
        "alice",
        &["amend", &lower, "--set", "meter_number=M1", "--reason", "x"],
    );
    assert!(s.ok("alice", &["history", &lower]).contains("amend"));
}

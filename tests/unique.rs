//! One customer, one record: an identity number already held by a customer is refused
//! (exit 6) on create, amend and import unless allowed with a logged reason, and staff can
//! ask whether a number is held without seeing anyone's identity data.

mod common;
use common::*;

/// `create customer` args for a residential customer with identity number `id`.
fn customer_args(id: &str) -> Vec<String> {
    with_sets(
        &["create", "customer"],
        &[
            "name=李秀英",
            "id_kind=resident-id",
            &format!("id_number={id}"),
            "category=residential",
            "phone=13957102345",
            "address=杭州市拱墅区湖墅南路88号",
            "account_opened_on=2026-02-01",
        ],
    )
}

#[test]
fn one_customer_one_record_a_second_customer_with_the_same_number_is_refused() {
    let s = TestStore::new();
    let first = s.residential();
    // The same number, typed with a lower-case check character, is the same number.
    let args = customer_args(&SEEDED_ID.to_lowercase());
    let (err, probe) = s.fails_probed("bob", &strs(&args), CONFLICT);
    assert_eq!(probe["detail"]["count"], "1");
    assert_eq!(probe["detail"]["answered"], "yes");
    assert_eq!(
        err,
        format!(
            "error: field `id_number`: this value already belongs to customer `{first}`: one customer, one record\n\
             hint: use `{first}` (`docket show {first}`); if this really is another customer, add --allow-duplicate --reason TEXT\n"
        )
    );
    assert!(!err.contains(SEEDED_ID) && !err.contains(&SEEDED_ID.to_lowercase()));
    // A number nobody holds is fine.
    s.ok("bob", &strs(&customer_args(&resident_id(77))));
}

#[test]
fn one_customer_one_record_a_duplicate_is_allowed_only_with_a_logged_reason() {
    let s = TestStore::new();
    let first = s.residential();
    let mut args = customer_args(SEEDED_ID);
    args.push("--allow-duplicate".into());
    let usage = s.fails_unchanged("bob", &strs(&args), USAGE);
    assert!(usage.contains("--reason"), "{usage}");
    args.extend(["--reason".into(), "   ".into()]);
    let blank = s.fails_unchanged("bob", &strs(&args), USAGE);
    assert!(
        blank.starts_with(
            "error: --allow-duplicate needs a --reason saying why this is another record\n"
        ),
        "{blank}"
    );
    args.pop();
    args.push("second account for the shop premises".into());
    let second = s.ok("bob", &strs(&args)).trim().to_string();
    let log = s.ok("", &["log", "--record", &second, "--format", "json"]);
    let entries: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(entries[0]["detail"]["duplicate_of"], first.as_str());
    assert_eq!(
        entries[0]["detail"]["duplicate_reason"],
        "second account for the shop premises"
    );
    assert!(
        !s.log_text().contains(SEEDED_ID),
        "the log never holds the number"
    );
}

#[test]
fn one_customer_one_record_amending_to_another_customers_number_is_refused() {
    let s = TestStore::new();
    let first = s.residential();
    let second = s.ok("bob", &strs(&customer_args(&resident_id(77))));
    let second = second.trim();
    let to_first = [
        "amend",
        second,
        "--set",
        &format!("id_number={SEEDED_ID}"),
        "--reason",
        "typo",
    ];
    let (err, _) = s.fails_probed("bob", &to_first, CONFLICT);
    assert!(
        err.contains(&format!("already belongs to customer `{first}`")),
        "{err}"
    );
    // A record keeps its own number through an amendment.
    s.ok(
        "alice",
        &[
            "amend",
            &first,
            "--set",
            "phone=13900002222",
            "--reason",
            "new phone",
        ],
    );
    let mut allowed = to_first.to_vec();
    allowed.push("--allow-duplicate");
    s.ok("bob", &allowed);
}

const HEADER: &str = "name,id_kind,id_number,category,phone,address,account_opened_on";

#[test]
fn one_customer_one_record_an_import_names_every_duplicate_at_its_line() {
    let s = TestStore::new();
    let first = s.residential();
    let other = resident_id(77);
    let csv = format!(
        "{HEADER}\n\
         王五,resident-id,{SEEDED_ID},residential,13957102345,杭州市上城区,2026-01-05\n\
         赵六,resident-id,{other},residential,13957102346,杭州市上城区,2026-01-05\n\
         赵六,resident-id,{},residential,13957102347,杭州市下城区,2026-01-06\n",
        other.to_lowercase()
    );
    let file = s.path("dup.csv");
    std::fs::write(&file, csv).unwrap();
    let f = file.to_str().unwrap();
    let (err, probe) = s.fails_probed("alice", &["import", "customer", f], CONFLICT);
    assert_eq!(probe["detail"]["count"], "3", "each row checked is a probe");
    assert_eq!(
        err,
        format!(
            "error: {f}:2: field `id_number`: this value already belongs to customer `{first}`: one customer, one record\n\
             error: {f}:4: field `id_number`: this value is the same as on line 3 of this file\n\
             hint: use `{first}` (`docket show {first}`); if this really is another customer, add --allow-duplicate --reason TEXT\n\
             2 problems; nothing was written\n"
        )
    );
    assert!(!err.contains(SEEDED_ID) && !err.contains(&other));
    s.ok(
        "alice",
        &[
            "import",
            "customer",
            f,
            "--allow-duplicate",
            "--reason",
            "legacy accounts per premises",
        ],
    );
    let log = s.ok("", &["log", "--action", "import", "--format", "json"]);
    let entries: serde_json::Value = serde_json::from_str(&log).unwrap();
    let dup_of: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"]["duplicate_of"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        dup_of,
        [first.as_str(), "-", entries[1]["record"].as_str().unwrap()]
    );
}

#[test]
fn one_customer_one_record_staff_learn_that_a_number_is_held_not_whose_data_it_is() {
    let s = TestStore::new();
    let first = s.residential();
    let held = s.run(
        "alice",
        &["exists", "customer", &format!("id_number={SEEDED_ID}")],
    );
    assert_eq!(
        (held.code, held.stdout.as_str()),
        (0, format!("{first}\n").as_str())
    );
    let free = s.run(
        "alice",
        &[
            "exists",
            "customer",
            &format!("id_number={}", resident_id(77)),
        ],
    );
    assert_eq!(free.code, 0);
    assert_eq!(free.stdout, "");
    assert_eq!(free.stderr, "no customer record holds this id_number\n");
    let json = s.ok(
        "alice",
        &[
            "exists",
            "customer",
            &format!("id_number={SEEDED_ID}"),
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["exists"], true);
    assert_eq!(v["records"][0], first.as_str());
    // Every lookup is a signed act in the log, which names what was found, never the value.
    let log = s.ok("", &["log", "--action", "lookup", "--format", "json"]);
    let entries: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 3);
    assert_eq!(entries[0]["actor"], "alice");
    assert_eq!(entries[0]["detail"]["found"], first.as_str());
    assert_eq!(entries[1]["detail"]["found"], "");
    let text = s.log_text();
    assert!(!text.contains(SEEDED_ID) && !text.contains(&resident_id(77)));
    let db = rusqlite::Connection::open(s.index_db().unwrap()).unwrap();
    let digests: i64 = db
        .query_row(
            "SELECT count(*) FROM uniques WHERE field = 'id_number'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(digests > 0, "the rows keep a digest of the number…");
    assert!(!s.derived_text().contains(SEEDED_ID), "…never the number");
}

#[test]
fn one_customer_one_record_lookups_are_for_drafters_and_unique_fields_only() {
    let s = TestStore::new();
    s.residential();
    let err = s.fails_unchanged(
        "fay",
        &["exists", "customer", &format!("id_number={SEEDED_ID}")],
        DENIED,
    );
    assert_eq!(
        err,
        "error: actor `fay` (role finance) may not look up customer records by id_number\n\
         hint: those who draft customer records may\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &["exists", "customer", "phone=13812341234"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: phone=…: field `phone`: `phone` is not a unique field of customer: only those can be looked up\n\
         hint: unique fields of customer: id_number\n"
    );
    let err = s.fails_unchanged("alice", &["exists", "customer", "id_numbr=1"], INVALID);
    assert!(err.contains("did you mean `id_number`"), "{err}");
}

/// `create customer` args with identity document `kind` and number `id`.
fn customer_of_kind(kind: &str, id: &str) -> Vec<String> {
    with_sets(
        &["create", "customer"],
        &[
            "name=李秀英",
            &format!("id_kind={kind}"),
            &format!("id_number={id}"),
            "category=residential",
            "phone=13957102345",
            "address=杭州市拱墅区湖墅南路88号",
            "account_opened_on=2026-02-01",
        ],
    )
}

/// However a number is typed at a counter — blanks, hyphens, full width, a lower-case
/// x — it is one number: compacted before its format check, the one-customer-one-record
/// check and storage, on create, amend, import and `exists` alike.
#[test]
fn one_customer_one_record_whatever_the_spelling_of_the_number() {
    let s = TestStore::new();
    let first = s.ok("alice", &strs(&customer_args("110105 19491231 002x")));
    let first = first.trim();
    let stored =
        std::fs::read_to_string(s.path(&format!("records/customer/2026/000/{first}.v0001.toml")))
            .unwrap();
    assert!(
        stored.contains(&format!("id_number = \"{SEEDED_ID}\"")),
        "{stored}"
    );
    let held = format!(
        "error: field `id_number`: this value already belongs to customer `{first}`: one customer, one record\n"
    );
    for spelling in [
        SEEDED_ID,
        "110105-19491231-002X",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 1949 1231 002 x",
        "110105—19491231—002x",
    ] {
        let (err, _) = s.fails_probed("bob", &strs(&customer_args(spelling)), CONFLICT);
        assert!(err.starts_with(&held), "{spelling}: {err}");
    }
    // Compacting does not make a wrong number right.
    let err = s.fails_unchanged(
        "bob",
        &strs(&customer_args("110105 19491231 0021")),
        INVALID,
    );
    assert!(err.contains("check character (GB 11643) is wrong"), "{err}");
    // Amend and import compact the same way.
    let second = s.ok("bob", &strs(&customer_args(&resident_id(77))));
    let second = second.trim();
    let (err, _) = s.fails_probed(
        "bob",
        &[
            "amend",
            second,
            "--set",
            "id_number=110105-19491231-002x",
            "--reason",
            "typo",
        ],
        CONFLICT,
    );
    assert!(err.starts_with(&held), "{err}");
    let file = s.path("spelled.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n王五,resident-id,110105 19491231 002x,residential,13957102345,杭州市上城区,2026-01-05\n"
        ),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (err, _) = s.fails_probed("alice", &["import", "customer", f], CONFLICT);
    assert!(
        err.starts_with(&format!(
            "error: {f}:2: field `id_number`: this value already belongs to customer `{first}`"
        )),
        "{err}"
    );
    let found = s.ok(
        "alice",
        &["exists", "customer", "id_number=110105-19491231-002x"],
    );
    assert_eq!(found, format!("{first}\n"));
}

/// A valid resident id or credit code is filed as what it is: under `passport` or `other`
/// it would escape its own check and one customer, one record.
#[test]
fn one_customer_one_record_a_resident_id_or_credit_code_is_filed_as_what_it_is() {
    let s = TestStore::new();
    let first = s.residential();
    for kind in ["passport", "other", "护照"] {
        let err = s.fails_unchanged(
            "alice",
            &strs(&customer_of_kind(kind, "110105-19491231-002x")),
            INVALID,
        );
        assert_eq!(
            err,
            "error: field `id_number`: this is a valid resident identity number (GB 11643): it is filed as a resident id, not as another kind of document\n\
             hint: set id_kind=resident-id\n",
            "{kind}"
        );
        let err = s.fails_unchanged(
            "alice",
            &strs(&customer_of_kind(kind, "91350100m000100y43")),
            INVALID,
        );
        assert_eq!(
            err,
            "error: field `id_number`: this is a valid unified social credit code (GB 32100): it is filed as a credit code, not as another kind of document\n\
             hint: set id_kind=uscc\n",
            "{kind}"
        );
    }
    // Amending the document kind of a resident id is refused the same way.
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &first,
            "--set",
            "id_kind=passport",
            "--reason",
            "customer showed a passport",
        ],
        INVALID,
    );
    assert!(err.ends_with("hint: set id_kind=resident-id\n"), "{err}");
    // A passport number is a passport number, compacted like any other.
    let passport = s.ok("alice", &strs(&customer_of_kind("passport", "e1234 5678")));
    let stored = std::fs::read_to_string(s.path(&format!(
        "records/customer/2026/000/{}.v0001.toml",
        passport.trim()
    )))
    .unwrap();
    assert!(stored.contains("id_number = \"E12345678\""), "{stored}");
    // A number that only looks like a resident id (a wrong check character) is not one.
    s.ok(
        "alice",
        &strs(&customer_of_kind("other", "110105194912310021")),
    );
}

/// Amend customer `id`'s identity number to `number`, as a clerk correcting a typo.
fn renumber(s: &TestStore, id: &str, number: &str) {
    let set = format!("id_number={number}");
    let args = [
        "amend",
        id,
        "--set",
        &set,
        "--reason",
        "wrong number typed at the counter",
    ];
    s.ok("alice", &args);
}

#[test]
fn one_customer_one_record_a_number_let_go_by_an_amendment_is_free_again_in_replay() {
    let s = TestStore::new();
    let first = s.residential();
    renumber(&s, &first, &resident_id(78));
    // The first customer no longer holds the seeded number: a second takes it, and the
    // replay from genesis agrees, as it agrees the first now holds its new number.
    let second = s.ok("bob", &strs(&customer_args(SEEDED_ID)));
    s.ok("", &["verify"]);
    let (err, _) = s.fails_probed("bob", &strs(&customer_args(&resident_id(78))), CONFLICT);
    assert!(err.contains(&format!("`{first}`")), "{err}");
    assert!(!err.contains(second.trim()), "{err}");
}

#[test]
fn one_customer_one_record_a_duplicate_written_by_hand_is_named_whoever_signed_it() {
    let s = TestStore::new();
    let first = s.residential();
    let text = s.version_text("customer", &first, 1);
    let second = "CUS-2026-000002";
    let file = s.write_by_hand(
        &format!("records/customer/2026/000/{second}.v0001.toml"),
        &text
            .replace(&first, second)
            .replace("written_by = \"alice\"", "written_by = \"bob\"")
            .replace("湖墅南路88号", "湖墅南路90号"),
    );
    let line = append_entries(
        &s,
        &[
            serde_json::json!({"actor": "bob", "role": "business-staff", "action": "create",
             "record": second, "version": 1, "files": [file],
             "detail": {"status": "active", "policy": "1"}}),
        ],
    );
    assert_eq!(
        s.verify_problems(),
        [format!(
            "records/audit.log:{line}: the record holds an identity another record holds ({first}) without a logged reason (one customer, one record)"
        )]
    );
}

#[test]
fn one_customer_one_record_a_number_let_go_while_it_was_not_unique_is_free_in_replay() {
    let s = TestStore::new();
    let first = s.residential();
    let schema = std::fs::read_to_string(s.path("schemas/customer.toml")).unwrap();
    let unique_line = schema
        .lines()
        .find(|l| l.starts_with("unique = true"))
        .unwrap()
        .to_string();
    std::fs::write(
        s.path("schemas/customer.toml"),
        schema.replace(&unique_line, ""),
    )
    .unwrap();
    s.apply_policy("identity numbers checked by hand for a while");
    // Amended while the number was not unique: the replay lets go of nothing then.
    renumber(&s, &first, &resident_id(78));
    std::fs::write(s.path("schemas/customer.toml"), &schema).unwrap();
    s.apply_policy("one customer, one record again");
    // The first customer no longer holds the seeded number, whatever the replay noted
    // before: a second takes it, and the replay from genesis agrees.
    s.ok("bob", &strs(&customer_args(SEEDED_ID)));
    s.ok("", &["verify"]);
}

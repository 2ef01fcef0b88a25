//! The seed's rules that a careful user could sidestep before, each at its boundary:
//! requirements met by values that say nothing, negative money, tariffs without history,
//! dates in the future or before 1900, identity numbers that only look right, oversized
//! values, and papers that are not papers.

mod common;
use common::*;

fn collective(s: &TestStore, contact: &str) -> Out {
    let args = with_sets(
        &["create", "customer"],
        &[
            "name=翠苑一区业主委员会",
            "id_kind=uscc",
            "id_number=91350100M000100Y43",
            "category=collective",
            "phone=0571-88113456",
            &format!("contact_name={contact}"),
            "contact_phone=13605710001",
            "address=杭州市西湖区翠苑一区",
            "account_opened_on=2026-01-13",
        ],
    );
    s.run("alice", &strs(&args))
}

/// R-C7: a collective customer's contact is a name, not a dash.
#[test]
fn r_c7_a_contact_name_that_says_nothing_does_not_count() {
    let s = TestStore::new();
    for blank in ["-", "…", "——"] {
        let out = collective(&s, blank);
        assert_eq!(out.code, INVALID, "{blank}");
        assert_eq!(
            out.stderr,
            format!(
                "error: field `contact_name`: required when category == 'collective' (R-C7): `{blank}` says nothing (blanks, punctuation or an empty list)\nhint: give the real contact_name\n"
            )
        );
    }
    assert_eq!(collective(&s, "赵建国").code, 0);
}

fn instalments(s: &TestStore, customer: &str, deadlines: &str, steps: &str) -> Out {
    let args = with_sets(
        &["create", "installation"],
        &[
            &format!("customer={customer}"),
            "installation_fee=256000.00",
            "fee_basis=budget",
            "budget_amount=256000.00",
            "payment_plan=installments",
            &format!("payment_deadlines={deadlines}"),
            &format!("installation_steps={steps}"),
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-02-20",
        ],
    );
    s.run("alice", &strs(&args))
}

/// R-C9: instalments state real deadlines and steps; `[]` or blanks do not.
#[test]
fn r_c9_an_empty_list_does_not_state_deadlines_or_steps() {
    let s = TestStore::new();
    let c = s.customer("collective", &[]);
    let out = instalments(&s, &c, "[]", "[\" \", \"-\"]");
    assert_eq!(out.code, INVALID);
    assert!(out.stderr.contains("error: field `payment_deadlines`: required when payment_plan == 'installments' (R-C9): `` says nothing"), "{}", out.stderr);
    assert!(out.stderr.contains("error: field `installation_steps`: required when payment_plan == 'installments' (R-C9): ` ;-` says nothing"), "{}", out.stderr);
    assert_eq!(instalments(&s, &c, "2026-06-01", "入户安装").code, 0);
}

/// R-C12: the delivery notice and the acceptance drawings are named by real numbers.
#[test]
fn r_c12_a_document_number_of_punctuation_does_not_count() {
    let s = TestStore::new();
    let c = s.residential();
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "residential-supply"],
            &[
                &format!("customer={c}"),
                "delivery_notice_no=-",
                "acceptance_drawing_no=YS1",
                "installation_fee_settled=true",
                "meter_number=M1",
                "start_date=2026-03-05",
            ],
        )),
        INVALID,
    );
    assert!(
        err.starts_with(
            "error: field `delivery_notice_no`: required field (R-C12): `-` says nothing"
        ),
        "{err}"
    );
}

/// R-C11: money is never negative, and amounts that must be positive are.
#[test]
fn r_c11_money_is_never_negative_and_budgets_and_volumes_are_positive() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let budget = |amount: &str| {
        s.run(
            "alice",
            &strs(&with_sets(
                &["create", "installation"],
                &[
                    &format!("customer={c}"),
                    &format!("installation_fee={amount}"),
                    "fee_basis=budget",
                    &format!("budget_amount={amount}"),
                    "payment_plan=lump-sum",
                    "schedule_required=false",
                    "property_dispute=false",
                    "signed_on=2026-02-20",
                ],
            )),
        )
    };
    let out = budget("-1.00");
    assert_eq!(out.code, INVALID);
    assert!(
        out.stderr
            .contains("error: field `installation_fee`: -1.00 is below the minimum 0.00\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("error: field `budget_amount`: -1.00 is below the minimum 0.01\n"),
        "{}",
        out.stderr
    );
    let out = budget("0.00");
    assert!(
        out.stderr
            .contains("field `budget_amount`: 0.00 is below the minimum 0.01"),
        "{}",
        out.stderr
    );
    assert_eq!(budget("0.01").code, 0, "the smallest budget");
    let industrial = s.customer("industrial", &[]);
    let out = s.run(
        "victor",
        &strs(&with_sets(
            &["create", "take-or-pay"],
            &[
                &format!("customer={industrial}"),
                "annual_volume_m3=3000000",
                "daily_volume_m3=0",
                "take_or_pay_percent=80",
                "price_per_m3=0.0000",
                "term_start=2026-03-01",
                "term_end=2026-12-31",
                "market_data_ref=MKT-1",
                "finance_data_ref=FIN-1",
            ],
        )),
    );
    assert!(
        out.stderr
            .contains("field `daily_volume_m3`: 0 is below the minimum 1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("field `price_per_m3`: 0.0000 is below the minimum 0.0001"),
        "{}",
        out.stderr
    );
}

fn residential_installation(s: &TestStore, customer: &str, fee: &str, signed: &str) -> Out {
    s.run(
        "alice",
        &strs(&with_sets(
            &["create", "installation"],
            &[
                &format!("customer={customer}"),
                &format!("installation_fee={fee}"),
                "fee_basis=tariff",
                "payment_plan=lump-sum",
                "schedule_required=false",
                "property_dispute=false",
                &format!("signed_on={signed}"),
            ],
        )),
    )
}

/// R-C11, R-C18: a contract is priced by the tariff in force on its signing date, so a
/// new tariff neither refuses contracts signed before it nor breaks their amendments.
#[test]
fn r_c11_a_contract_is_priced_by_the_tariff_in_force_on_its_signing_date() {
    let s = TestStore::new();
    let c = s.residential();
    let old = residential_installation(&s, &c, "2800.00", "2026-02-27");
    assert_eq!(old.code, 0, "{}", old.stderr);
    let old = old.stdout.trim().to_string();
    let tariffs = std::fs::read_to_string(s.path("schemas/tariffs.toml")).unwrap();
    let new_amount =
        "\n[[residential_installation.amounts]]\nfrom = 2026-03-01\namount = \"3000.00\"\n";
    let at = tariffs.find("\n[alarm_installation]").unwrap();
    std::fs::write(
        s.path("schemas/tariffs.toml"),
        format!("{}{new_amount}{}", &tariffs[..at], &tariffs[at..]),
    )
    .unwrap();
    s.apply_policy("new residential installation fee from 1 March");
    // Signed the day before: the old amount; on the day: the new one.
    assert_eq!(
        residential_installation(&s, &c, "2800.00", "2026-02-28").code,
        0
    );
    let out = residential_installation(&s, &c, "2800.00", "2026-03-01");
    assert!(
        out.stderr.contains(
            "R-C11: 2800.00 differs from tariff residential_installation on 2026-03-01 = 3000.00"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        residential_installation(&s, &c, "3000.00", "2026-03-01").code,
        0
    );
    // The contract signed before still amends by its own date's tariff.
    s.ok(
        "alice",
        &[
            "amend",
            &old,
            "--set",
            "schedule_required=false",
            "--set",
            "property_dispute=true",
            "--reason",
            "dispute found",
        ],
    );
}

/// Signing and opening dates are days that have passed; training and agreements too.
#[test]
fn dates_in_the_future_or_before_1900_are_refused() {
    let s = TestStore::new();
    let c = s.residential();
    assert_eq!(
        residential_installation(&s, &c, "2800.00", "2026-03-01").code,
        0,
        "today"
    );
    let out = residential_installation(&s, &c, "2800.00", "2026-03-02");
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `signed_on`: 2026-03-02 is after today (2026-03-01): signed_on cannot be in the future\nhint: correct `signed_on` and run the command again; nothing was written\n"
    );
    let out = residential_installation(&s, &c, "2800.00", "1899-12-31");
    assert!(
        out.stderr
            .contains("field `signed_on`: 1899-12-31 is before 1900: check the year"),
        "{}",
        out.stderr
    );
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            "account_opened_on=2026-03-02",
            "--reason",
            "x",
        ],
        INVALID,
    );
    assert!(
        err.starts_with("error: field `account_opened_on`: 2026-03-02 is after today (2026-03-01)"),
        "{err}"
    );
    let key = s.pubkey("newbie");
    for (flag, hint) in [
        ("--trained-on", "record training once it has taken place"),
        (
            "--agreement-signed",
            "record the agreement once it is signed",
        ),
    ] {
        let err = s.fails_unchanged(
            "root",
            &[
                "actor",
                "add",
                "newbie",
                "--role",
                "finance",
                "--key",
                &key,
                flag,
                "2026-03-02",
            ],
            INVALID,
        );
        assert_eq!(
            err,
            format!("error: {flag}: 2026-03-02 is after today (2026-03-01)\nhint: {hint}\n")
        );
    }
    s.ok(
        "root",
        &[
            "actor",
            "add",
            "newbie",
            "--role",
            "finance",
            "--key",
            &key,
            "--trained-on",
            "2026-03-01",
            "--agreement-signed",
            "2026-03-01",
        ],
    );
}

/// A resident id is checked as a whole: a right check character does not make a place
/// that does not exist, or a birth in the future, right.
#[test]
fn identity_numbers_are_checked_as_a_whole() {
    let s = TestStore::new();
    for (number, problem) in [
        (
            "000000194912310027",
            "are neither the division code of a place in a mainland province",
        ),
        (
            "999999194912310025",
            "are neither the division code of a place in a mainland province",
        ),
        (
            "110105202701010016",
            "birth date (digits 7–14) is in the future",
        ),
    ] {
        let err = s.fails_unchanged(
            "alice",
            &strs(&with_sets(
                &["create", "customer"],
                &[
                    "name=王五",
                    "id_kind=resident-id",
                    &format!("id_number={number}"),
                    "category=residential",
                    "phone=13800001111",
                    "address=广州市天河区体育西路1号",
                    "account_opened_on=2026-02-01",
                ],
            )),
            INVALID,
        );
        assert!(err.contains(problem), "{number}: {err}");
        assert!(!err.contains(number), "never echoed: {err}");
    }
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                "name=某公司",
                "id_kind=uscc",
                "id_number=01350100M000100Y4X",
                "category=commercial",
                "phone=0571-88113456",
                "address=杭州市西湖区",
                "account_opened_on=2026-02-01",
            ],
        )),
        INVALID,
    );
    assert!(
        err.contains(
            "starts with its registering authority (1-9, A, N or Y) and a category digit (1-9)"
        ),
        "{err}"
    );
}

/// Every string, list and free text has a size: a 10 MB name, a 200,000-item list or a
/// 120 KB purpose are refused.
#[test]
fn values_have_sane_sizes() {
    let s = TestStore::new();
    let c = s.residential();
    let long = "长".repeat(201);
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            &format!("meter_model={long}"),
            "--reason",
            "x",
        ],
        INVALID,
    );
    assert!(
        err.contains(
            "field `meter_model`: the value is 201 characters long; meter_model holds at most 200"
        ),
        "{err}"
    );
    let many = vec!["灶"; 101].join(";");
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            &format!("appliances={many}"),
            "--reason",
            "x",
        ],
        INVALID,
    );
    assert!(
        err.contains("field `appliances`: 101 items; appliances holds at most 100"),
        "{err}"
    );
    let purpose = "x".repeat(501);
    let err = s.fails_unchanged(
        "alice",
        &["show", &c, "--reveal", "--purpose", &purpose],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --purpose: 501 characters; at most 500 (policy.max_text_chars)\nhint: state the purpose in fewer words\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            "meter_model=G4",
            "--reason",
            &"r".repeat(501),
        ],
        INVALID,
    );
    assert!(
        err.starts_with("error: --reason: 501 characters; at most 500 (policy.max_text_chars)"),
        "{err}"
    );
}

/// R-C15: papers are papers — never empty, never the same one twice.
#[test]
fn r_c15_archiving_refuses_empty_papers_and_the_same_paper_twice() {
    let s = TestStore::new();
    let c = s.residential();
    let out = residential_installation(&s, &c, "2800.00", "2026-02-20");
    let id = out.stdout.trim().to_string();
    s.ok("alice", &["complete", &id]);
    let dir = s.path("../papers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("empty.pdf"), "").unwrap();
    std::fs::write(dir.join("letter.pdf"), "letter").unwrap();
    std::fs::write(dir.join("copy.pdf"), "letter").unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    let err = s.fails_unchanged(
        "arch",
        &["archive", &id, "--attach", &p("empty.pdf")],
        INVALID,
    );
    assert_eq!(
        err,
        format!(
            "error: {}: the attachment is empty: a paper has content (R-C15)\nhint: attach the scanned paper itself\n",
            p("empty.pdf")
        )
    );
    let err = s.fails_unchanged(
        "arch",
        &[
            "archive",
            &id,
            "--attach",
            &p("letter.pdf"),
            "--attach",
            &p("copy.pdf"),
        ],
        INVALID,
    );
    assert_eq!(
        err,
        format!(
            "error: {}: the same paper as {} (identical content)\nhint: attach each paper once\n",
            p("copy.pdf"),
            p("letter.pdf")
        )
    );
    s.ok("arch", &["archive", &id, "--attach", &p("letter.pdf")]);
    let err = s.fails_unchanged(
        "arch",
        &[
            "attachment",
            "get",
            &id,
            "letter.pdf",
            "-",
            "--purpose",
            "无",
        ],
        INVALID,
    );
    assert!(
        err.starts_with("error: --purpose: `无` is a placeholder, not a purpose"),
        "{err}"
    );
}

/// R-C7: a placeholder (`policy.placeholders`: 无, 暂无, N/A, TBD …) names no contact,
/// whatever its width, case or punctuation.
#[test]
fn r_c7_a_placeholder_does_not_name_the_contact() {
    let s = TestStore::new();
    for placeholder in [
        "无",
        "暂无",
        "不详",
        "待定",
        "N/A",
        "ｎ／ａ",
        "tbd",
        "同上。",
        "Unknown",
    ] {
        let before = s.snapshot();
        let out = collective(&s, placeholder);
        assert_eq!(out.code, INVALID, "{placeholder}");
        assert_eq!(
            out.stderr,
            format!(
                "error: field `contact_name`: required when category == 'collective' (R-C7): `{placeholder}` is a placeholder, not a value (policy.placeholders)\nhint: give the real contact_name; if it is not known yet, find it out before the record is written\n"
            )
        );
        assert_eq!(before, s.snapshot(), "{placeholder} changed the store");
    }
    // A real name that holds a placeholder's characters is a name.
    assert_eq!(collective(&s, "无锡市民").code, 0);
}

/// R-C9, R-C12: required document numbers and instalment steps are not placeholders; a
/// list of placeholders states nothing.
#[test]
fn r_c12_placeholders_are_not_document_numbers_or_steps() {
    let s = TestStore::new();
    let c = s.residential();
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "residential-supply"],
            &[
                &format!("customer={c}"),
                "delivery_notice_no=见附件",
                "acceptance_drawing_no=YS1",
                "installation_fee_settled=true",
                "meter_number=M1",
                "start_date=2026-03-01",
            ],
        )),
        INVALID,
    );
    assert!(
        err.starts_with(
            "error: field `delivery_notice_no`: required field (R-C12): `见附件` is a placeholder, not a value (policy.placeholders)\nhint: give the real delivery_notice_no"
        ),
        "{err}"
    );
    let collective = s.customer("collective", &[]);
    let out = instalments(&s, &collective, "2026-06-01", "待定;TBD");
    assert_eq!(out.code, INVALID);
    assert!(
        out.stderr.contains("error: field `installation_steps`: required when payment_plan == 'installments' (R-C9): `待定;TBD` is a placeholder, not a value"),
        "{}",
        out.stderr
    );
    assert_eq!(
        instalments(&s, &collective, "2026-06-01", "待定;入户安装").code,
        0,
        "one real step among them"
    );
    // A field nobody requires may say it has nothing.
    s.ok(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            "meter_model=无",
            "--reason",
            "no meter yet",
        ],
    );
}

/// The placeholders are the store's policy: a new store writes the default list into
/// docket.toml, and a company changes it by applying a new one.
#[test]
fn placeholders_are_the_store_s_policy() {
    let s = TestStore::new();
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    let line = config
        .lines()
        .find(|l| l.starts_with("placeholders = ["))
        .expect("the template lists its placeholders");
    for p in [
        "\"无\"",
        "\"暂无\"",
        "\"不详\"",
        "\"见附件\"",
        "\"N/A\"",
        "\"TBD\"",
        "\"同上\"",
    ] {
        assert!(line.contains(p), "{p} in {line}");
    }
    std::fs::write(
        s.path("docket.toml"),
        config.replace(line, "placeholders = [\"见合同\"]"),
    )
    .unwrap();
    s.apply_policy("our own placeholders");
    assert_eq!(collective(&s, "见合同").code, INVALID);
    assert_eq!(collective(&s, "无").code, 0, "no longer on the list");
}

/// R-A3, R-C16: a purpose says why personal data is needed: `.` or `无` says nothing.
#[test]
fn r_c16_a_purpose_that_says_nothing_is_refused() {
    let s = TestStore::new();
    let c = s.residential();
    for (args, text, says) in [
        (
            vec!["show", &c],
            ".",
            "says nothing: a purpose is words, not blanks or punctuation",
        ),
        (
            vec!["show", &c],
            "无",
            "is a placeholder, not a purpose (policy.placeholders)",
        ),
        (
            vec!["query", "customer"],
            "N/A",
            "is a placeholder, not a purpose (policy.placeholders)",
        ),
        (
            vec!["export", "customer"],
            "——",
            "says nothing: a purpose is words, not blanks or punctuation",
        ),
        (
            vec!["diff", &c],
            "暂无",
            "is a placeholder, not a purpose (policy.placeholders)",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--reveal", "--purpose", text]);
        let err = s.fails_unchanged("alice", &args, INVALID);
        assert_eq!(
            err,
            format!(
                "error: --purpose: `{text}` {says}\nhint: say why you need to see it, e.g. --purpose \"arrange meter visit\"\n"
            ),
            "{args:?}"
        );
    }
    s.ok(
        "alice",
        &["show", &c, "--reveal", "--purpose", "arrange meter visit"],
    );
}

/// Reasons and comments go into the audit log for whoever reads it later: they say
/// something, never `-` or a placeholder.
#[test]
fn reasons_and_comments_must_say_something() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let pending = s.create(
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
    let reason = "say why, in a few words, e.g. --reason \"customer moved house\"";
    let placeholder = |text: &str, what: &str| {
        format!("`{text}` is a placeholder, not a {what} (policy.placeholders)")
    };
    let cases: Vec<(&str, Vec<&str>, String, &str)> = vec![
        (
            "alice",
            vec!["amend", &c, "--set", "meter_model=G4", "--reason", "无"],
            format!("error: --reason: {}", placeholder("无", "reason")),
            reason,
        ),
        (
            "mona",
            vec!["reject", &pending, "--reason", "-"],
            "error: --reason: `-` says nothing: a reason is words, not blanks or punctuation"
                .into(),
            reason,
        ),
        (
            "mona",
            vec!["approve", &pending, "--comment", "同上"],
            format!("error: --comment: {}", placeholder("同上", "comment")),
            "say what you checked, e.g. --comment \"budget checked against the sheet\", or leave --comment out",
        ),
        (
            "alice",
            vec!["withdraw", &pending, "--reason", "N/A"],
            format!("error: --reason: {}", placeholder("N/A", "reason")),
            reason,
        ),
        (
            "root",
            vec!["actor", "revoke", "bob", "--reason", "不详"],
            format!("error: --reason: {}", placeholder("不详", "reason")),
            reason,
        ),
        (
            "root",
            vec!["policy", "apply", "--reason", "tbd"],
            format!("error: --reason: {}", placeholder("tbd", "reason")),
            reason,
        ),
    ];
    for (actor, args, error, hint) in cases {
        let err = s.fails_unchanged(actor, &args, INVALID);
        assert_eq!(err, format!("{error}\nhint: {hint}\n"), "{args:?}");
    }
    let twin = with_sets(
        &["create", "customer", "--allow-duplicate", "--reason", "略"],
        &[
            "name=华润燃气商贸有限公司",
            "id_kind=uscc",
            &format!("id_number={}", uscc(100)),
            "category=commercial",
            "phone=0571-88113456",
            "address=杭州市西湖区",
            "account_opened_on=2026-02-01",
        ],
    );
    let err = s.fails_unchanged("alice", &strs(&twin), INVALID);
    assert!(
        err.starts_with(&format!("error: --reason: {}", placeholder("略", "reason"))),
        "{err}"
    );
    s.ok("mona", &["approve", &pending, "--comment", "预算核对无误"]);
}

/// The installation of `customer` signed on `signed`, by tariff, as `args` (to add flags).
fn installation_signed(customer: &str, signed: &str) -> Vec<String> {
    with_sets(
        &["create", "installation"],
        &[
            &format!("customer={customer}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            &format!("signed_on={signed}"),
        ],
    )
}

/// Widen `policy.signed_within_days` to `days`, applied as the administrator.
fn widen_signing_window(s: &TestStore, days: u32) {
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    assert!(config.contains("signed_within_days = 90\n"), "{config}");
    std::fs::write(
        s.path("docket.toml"),
        config.replace(
            "signed_within_days = 90\n",
            &format!("signed_within_days = {days}\n"),
        ),
    )
    .unwrap();
    s.apply_policy("older contracts from the paper archive");
}

/// R-C18: nothing kept under the template's rules is dated before they took effect
/// (2011-10-01, `min` in each kind): no account opened, contract signed, supply or term
/// started earlier.
#[test]
fn r_c18_nothing_is_dated_before_the_kind_took_effect() {
    let s = TestStore::new();
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                "name=王五",
                "id_kind=resident-id",
                &format!("id_number={}", resident_id(40)),
                "category=residential",
                "phone=13800001111",
                "address=广州市天河区体育西路1号",
                "account_opened_on=2011-09-30",
            ],
        )),
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `account_opened_on`: 2011-09-30 is before 2011-10-01, the earliest account_opened_on this kind takes\n\
         hint: check `account_opened_on` for a typing error\n"
    );
    let c = s.customer("residential", &["account_opened_on=2011-10-01"]);
    let supply = |start: &str| {
        s.run(
            "alice",
            &strs(&with_sets(
                &["create", "residential-supply"],
                &[
                    &format!("customer={c}"),
                    "delivery_notice_no=SQ1",
                    "acceptance_drawing_no=YS1",
                    "installation_fee_settled=true",
                    "meter_number=M1",
                    &format!("start_date={start}"),
                ],
            )),
        )
    };
    assert!(
        supply("2011-09-30")
            .stderr
            .starts_with("error: field `start_date`: 2011-09-30 is before 2011-10-01"),
    );
    assert_eq!(supply("2011-10-01").code, 0);
    let industrial = s.customer("industrial", &[]);
    let top = |start: &str| {
        s.run(
            "victor",
            &strs(&with_sets(
                &["create", "take-or-pay"],
                &[
                    &format!("customer={industrial}"),
                    "annual_volume_m3=3000000",
                    "daily_volume_m3=10000",
                    "take_or_pay_percent=80",
                    "price_per_m3=3.2500",
                    &format!("term_start={start}"),
                    "term_end=2026-12-31",
                    "market_data_ref=MKT-1",
                    "finance_data_ref=FIN-1",
                ],
            )),
        )
    };
    let out = top("2011-09-30");
    assert_eq!(out.code, INVALID);
    assert!(
        out.stderr
            .starts_with("error: field `term_start`: 2011-09-30 is before 2011-10-01"),
        "{}",
        out.stderr
    );
    assert_eq!(top("2011-10-01").code, 0);
    // However wide the entry window, a contract is not signed before the rules.
    widen_signing_window(&s, 9000);
    let out = s.run("alice", &strs(&installation_signed(&c, "2011-09-30")));
    assert!(
        out.stderr
            .starts_with("error: field `signed_on`: 2011-09-30 is before 2011-10-01"),
        "{}",
        out.stderr
    );
    assert_eq!(
        s.run("alice", &strs(&installation_signed(&c, "2011-10-01")))
            .code,
        0
    );
}

/// A contract is entered when it is signed: a `signed_on` more than
/// `policy.signed_within_days` (90) before the act is refused on create and import —
/// a backdated contract would be priced by an older tariff (R-C11) — while amending
/// other terms of an older contract, or re-running an import, is not.
#[test]
fn a_contract_signed_long_before_it_is_entered_is_refused() {
    let s = TestStore::new();
    let c = s.residential();
    let err = s.fails_unchanged(
        "alice",
        &strs(&installation_signed(&c, "2025-11-30")),
        INVALID,
    );
    assert_eq!(
        err,
        "error: field `signed_on`: 2025-11-30 is more than 90 days before today (2026-03-01) (policy.signed_within_days): a contract is entered when it is signed, not long after\n\
         hint: check `signed_on`; to enter older contracts, an administrator widens policy.signed_within_days in docket.toml (docket policy apply)\n"
    );
    let alarm = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "alarm-installation"],
            &[
                &format!("customer={c}"),
                "alarm_model=JT-KB-2",
                "quantity=1",
                "fee=380.00",
                "signed_on=2025-11-30",
            ],
        )),
        INVALID,
    );
    assert!(alarm.contains("(policy.signed_within_days)"), "{alarm}");
    let id = s.ok("alice", &strs(&installation_signed(&c, "2025-12-01")));
    let id = id.trim();
    // Imports are held to the same window; an administrator widens it to enter a paper
    // archive, and a re-run import skips what it holds.
    let csv = s.path("old.csv");
    std::fs::write(
        &csv,
        format!("legacy_no,customer,installation_fee,fee_basis,payment_plan,schedule_required,property_dispute,signed_on\nI-1,{c},2800.00,tariff,lump-sum,false,false,2024-05-06\n"),
    )
    .unwrap();
    let f = csv.to_str().unwrap();
    let err = s.fails_unchanged("alice", &["import", "installation", f], INVALID);
    assert!(
        err.starts_with(&format!("error: {f}:2: field `signed_on`: 2024-05-06 is more than 90 days before today (2026-03-01)")),
        "{err}"
    );
    widen_signing_window(&s, 3650);
    s.ok("alice", &["import", "installation", f]);
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        config.replace("signed_within_days = 3650\n", "signed_within_days = 90\n"),
    )
    .unwrap();
    s.apply_policy("paper archive entered");
    let again = s.run("alice", &["import", "installation", f]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("1 already imported (skipped)"),
        "{}",
        again.stderr
    );
    // Half a year on, the contract's other terms still amend; its date does not move back.
    let later = |args: &[&str]| {
        let out = s
            .cmd("alice", args)
            .env("DOCKET_NOW", "2026-09-01T09:00:00Z")
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let amend = [
        "amend",
        id,
        "--set",
        "property_dispute=true",
        "--reason",
        "dispute found",
    ];
    let (code, err) = later(&amend);
    assert_eq!(code, 0, "{err}");
    let (code, err) = later(&[
        "amend",
        id,
        "--set",
        "signed_on=2025-11-30",
        "--reason",
        "date corrected",
    ]);
    assert_eq!(code, INVALID);
    assert!(
        err.starts_with(
            "error: field `signed_on`: 2025-11-30 is more than 90 days before today (2026-09-01)"
        ),
        "{err}"
    );
}

/// R-C9, R-C8: instalments fall due, and the schedule ends, on or after signing.
#[test]
fn r_c9_payment_deadlines_are_on_or_after_signing() {
    let s = TestStore::new();
    let c = s.customer("collective", &[]);
    let out = instalments(&s, &c, "2026-02-19;2026-06-01", "入户安装");
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: R-C9: every payment deadline is on or after signed_on: nothing falls due before the contract is signed\n\
         hint: the rule is `payment_deadlines == null || payment_deadlines.all(d, d >= signed_on)`\n"
    );
    assert_eq!(
        instalments(&s, &c, "2026-02-20;2026-06-01", "入户安装").code,
        0,
        "due on the day of signing"
    );
    let schedule = |deadline: &str| {
        s.run(
            "alice",
            &strs(&with_sets(
                &["create", "installation"],
                &[
                    &format!("customer={c}"),
                    "installation_fee=256000.00",
                    "fee_basis=budget",
                    "budget_amount=256000.00",
                    "payment_plan=lump-sum",
                    "schedule_required=true",
                    &format!("schedule_deadline={deadline}"),
                    "property_dispute=false",
                    "signed_on=2026-02-20",
                ],
            )),
        )
    };
    let out = schedule("2026-02-19");
    assert_eq!(out.code, INVALID);
    assert!(
        out.stderr
            .starts_with("error: R-C8: schedule_deadline is on or after signed_on"),
        "{}",
        out.stderr
    );
    assert_eq!(schedule("2026-02-20").code, 0);
}

/// A take-or-pay term ends after it starts.
#[test]
fn a_take_or_pay_term_ends_after_it_starts() {
    let s = TestStore::new();
    let industrial = s.customer("industrial", &[]);
    let term = |end: &str| {
        s.run(
            "victor",
            &strs(&with_sets(
                &["create", "take-or-pay"],
                &[
                    &format!("customer={industrial}"),
                    "annual_volume_m3=3000000",
                    "daily_volume_m3=10000",
                    "take_or_pay_percent=80",
                    "price_per_m3=3.2500",
                    "term_start=2026-03-01",
                    &format!("term_end={end}"),
                    "market_data_ref=MKT-1",
                    "finance_data_ref=FIN-1",
                ],
            )),
        )
    };
    let out = term("2026-03-01");
    assert_eq!(out.code, INVALID);
    assert!(
        out.stderr
            .starts_with("error: term: term_end must come after term_start\n"),
        "{}",
        out.stderr
    );
    assert_eq!(term("2026-03-02").code, 0);
}

/// Quantities have sensible maxima per kind (the schema comments say why): a digit too
/// many is refused, the maximum itself is not.
#[test]
fn quantities_are_bounded_per_kind() {
    let s = TestStore::new();
    let c = s.residential();
    let alarms = |quantity: u32| {
        s.run(
            "alice",
            &strs(&with_sets(
                &["create", "alarm-installation"],
                &[
                    &format!("customer={c}"),
                    "alarm_model=JT-KB-2",
                    &format!("quantity={quantity}"),
                    &format!("fee={}.00", quantity * 380),
                    "signed_on=2026-02-20",
                ],
            )),
        )
    };
    let out = alarms(5001);
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `quantity`: 5001 is above the maximum 5000\nhint: correct `quantity` and run the command again; nothing was written\n"
    );
    assert_eq!(alarms(5000).code, 0);
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            "meter_reading_m3=100000000",
            "--reason",
            "reading",
        ],
        INVALID,
    );
    assert!(
        err.starts_with("error: field `meter_reading_m3`: 100000000 is above the maximum 99999999"),
        "{err}"
    );
    let industrial = s.customer("industrial", &[]);
    let top = |annual: &str, daily: &str, percent: &str, price: &str| {
        s.run(
            "victor",
            &strs(&with_sets(
                &["create", "take-or-pay"],
                &[
                    &format!("customer={industrial}"),
                    &format!("annual_volume_m3={annual}"),
                    &format!("daily_volume_m3={daily}"),
                    &format!("take_or_pay_percent={percent}"),
                    &format!("price_per_m3={price}"),
                    "term_start=2026-03-01",
                    "term_end=2026-12-31",
                    "market_data_ref=MKT-1",
                    "finance_data_ref=FIN-1",
                ],
            )),
        )
    };
    let out = top("50000000001", "200000001", "101", "100.0001");
    assert_eq!(out.code, INVALID);
    for expected in [
        "error: field `annual_volume_m3`: 50000000001 is above the maximum 50000000000\n",
        "error: field `daily_volume_m3`: 200000001 is above the maximum 200000000\n",
        "error: field `take_or_pay_percent`: 101 is above the maximum 100\n",
        "error: field `price_per_m3`: 100.0001 is above the maximum 100.0000\n",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    assert_eq!(top("50000000000", "200000000", "100", "100.0000").code, 0);
    let commercial = s.customer("commercial", &[]);
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "commercial-supply"],
            &[
                &format!("customer={commercial}"),
                "delivery_notice_no=SQ1",
                "acceptance_drawing_no=YS1",
                "installation_fee_settled=true",
                "meter_number=M1",
                "start_date=2026-03-01",
                "annual_volume_m3=50000000001",
                "daily_volume_m3=600",
            ],
        )),
        INVALID,
    );
    assert!(
        err.starts_with(
            "error: field `annual_volume_m3`: 50000000001 is above the maximum 50000000000"
        ),
        "{err}"
    );
}

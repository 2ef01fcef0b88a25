//! Two-level management (R-B2, R-C17): the centre and departments with a responsible
//! person each. A responsible person manages their own department's actors only; staff
//! whose role is scoped read and act on their own department's records only; every act
//! is signed and logged, and a hand-made entry overstepping a department is caught.

mod common;
use common::*;

/// A store with departments `hangzhou` and `ningbo`, each with a responsible person
/// (`hz.head`, `nb.head`, registered by the centre's administrator) and a member of staff
/// each registered by their head.
fn store() -> TestStore {
    let s = TestStore::new();
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        format!(
            "{config}\n[departments.hangzhou]\ntitle = \"杭州营业厅\"\n\n[departments.ningbo]\ntitle = \"宁波营业厅\"\n"
        ),
    )
    .unwrap();
    s.apply_policy("two offices");
    for (head, dept) in [("hz.head", "hangzhou"), ("nb.head", "ningbo")] {
        s.add_in_department("root", head, "department-head", dept);
    }
    s.add_in_department("hz.head", "hz.staff", "business-staff", "hangzhou");
    s.add_in_department("nb.head", "nb.staff", "business-staff", "ningbo");
    s
}

#[test]
fn r_b2_a_responsible_person_registers_only_their_own_departments_actors() {
    let s = store();
    let err = s.fails_unchanged(
        "hz.head",
        &strs(&s.department_actor_args("nb.new", "business-staff", "ningbo")),
        DENIED,
    );
    assert_eq!(
        err,
        "error: actor `hz.head` manages the register of department `hangzhou` only, not of department `ningbo`\n\
         hint: an administrator of the centre, or that department's responsible person, must\n"
    );
    // Nor may they update, move or revoke another department's actor…
    let update = ["actor", "update", "nb.staff", "--trained-on", "2026-02-01"];
    assert!(
        s.fails_unchanged("hz.head", &update, DENIED)
            .contains("not of department `ningbo`")
    );
    let revoke = ["actor", "revoke", "nb.staff", "--reason", "left"];
    s.fails_unchanged("hz.head", &revoke, DENIED);
    let steal = ["actor", "update", "nb.staff", "--department", "hangzhou"];
    s.fails_unchanged("hz.head", &steal, DENIED);
    // …or move one of their own out of it.
    let give = ["actor", "update", "hz.staff", "--department", "ningbo"];
    s.fails_unchanged("hz.head", &give, DENIED);
    // Their own department's actors they manage, and it is logged as theirs.
    s.ok(
        "hz.head",
        &["actor", "update", "hz.staff", "--trained-on", "2026-02-01"],
    );
    let log = s.ok(
        "",
        &[
            "log",
            "--actor",
            "hz.head",
            "--action",
            "actor-update",
            "--format",
            "json",
        ],
    );
    let entries: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(entries[0]["record"], "hz.staff");
    assert_eq!(entries[0]["role"], "department-head");
    // The centre's administrator manages everyone.
    s.ok("root", &update);
}

#[test]
fn r_b2_a_responsible_person_grants_no_role_that_manages_others() {
    let s = store();
    for role in ["admin", "department-head"] {
        let err = s.fails_unchanged(
            "hz.head",
            &strs(&s.department_actor_args("hz.two", role, "hangzhou")),
            DENIED,
        );
        assert_eq!(
            err,
            format!(
                "error: actor `hz.head` may not grant role `{role}`: it manages others, and only an administrator of the centre grants it\n\
                 hint: ask an administrator of the centre\n"
            )
        );
    }
    let promote = ["actor", "update", "hz.staff", "--role", "department-head"];
    s.fails_unchanged("hz.head", &promote, DENIED);
    // An actor of the centre holding only business rights manages nobody.
    let err = s.fails_unchanged(
        "alice",
        &strs(&s.department_actor_args("x", "business-staff", "hangzhou")),
        DENIED,
    );
    assert!(
        err.starts_with(
            "error: actor `alice` (role business-staff) may not manage the staff register\n"
        ),
        "{err}"
    );
}

#[test]
fn r_b2_departments_are_declared_and_listed_per_department() {
    let s = store();
    let err = s.fails_unchanged(
        "root",
        &strs(&s.department_actor_args("y", "business-staff", "hangzou")),
        INVALID,
    );
    assert_eq!(
        err,
        "error: --department: no department `hangzou`\nhint: did you mean `hangzhou`? (departments: hangzhou, ningbo)\n"
    );
    let list = s.ok("hz.head", &["actor", "list", "--format", "csv"]);
    let names: Vec<&str> = list
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        ["hz.head", "hz.staff"],
        "a responsible person sees their department"
    );
    let all = s.ok("root", &["actor", "list", "--format", "csv"]);
    assert!(all.contains("\nnb.staff,business-staff,ningbo,"), "{all}");
}

#[test]
fn r_c17_scoped_staff_read_and_act_on_their_own_departments_records_only() {
    let s = store();
    let hz = s.create(
        "hz.staff",
        "customer",
        &[
            "name=张伟",
            "id_kind=resident-id",
            &format!("id_number={SEEDED_ID}"),
            "category=residential",
            "phone=13857101234",
            "address=杭州市西湖区文三路12号",
            "account_opened_on=2026-02-01",
        ],
    );
    let nb = s.create(
        "nb.staff",
        "customer",
        &[
            "name=王芳",
            "id_kind=resident-id",
            &format!("id_number={}", resident_id(77)),
            "category=residential",
            "phone=13757103456",
            "address=宁波市海曙区中山西路1号",
            "account_opened_on=2026-02-01",
        ],
    );
    let shown = s.ok(
        "hz.staff",
        &[
            "query", "customer", "--format", "csv", "--fields", "category",
        ],
    );
    assert_eq!(
        shown,
        format!("id,kind,status,category\n{hz},customer,active,residential\n")
    );
    let err = s.fails_unchanged("hz.staff", &["show", &nb], DENIED);
    assert_eq!(
        err,
        format!(
            "error: record `{nb}` is filed under department `ningbo`; actor `hz.staff` (role business-staff) works on the records of department `hangzhou` only (R-B2)\n\
             hint: someone of that department, or of the centre, can\n"
        )
    );
    for args in [
        vec!["history", nb.as_str()],
        vec![
            "amend",
            nb.as_str(),
            "--set",
            "phone=13900001111",
            "--reason",
            "x",
        ],
    ] {
        s.fails_unchanged("hz.staff", &args, DENIED);
    }
    // A contract is drafted by the department its customer belongs to.
    let err = s.fails_unchanged(
        "hz.staff",
        &strs(&with_sets(
            &["create", "installation"],
            &[
                &format!("customer={nb}"),
                "installation_fee=2800.00",
                "fee_basis=tariff",
                "payment_plan=lump-sum",
                "schedule_required=false",
                "property_dispute=false",
                "signed_on=2026-03-01",
            ],
        )),
        INVALID,
    );
    assert!(
        err.contains(&format!(
            "customer `{nb}` is filed under department `ningbo`"
        )),
        "{err}"
    );
    // Export and query leave the other department out; the centre's roles see both.
    let export = s.ok("hz.staff", &["export", "customer"]);
    assert!(export.contains(&hz) && !export.contains(&nb));
    let audit = s.ok(
        "audrey",
        &[
            "query", "customer", "--format", "csv", "--fields", "category",
        ],
    );
    assert!(audit.contains(&hz) && audit.contains(&nb));
    // The record carries its department, from its author's place in the register.
    let v: serde_json::Value =
        serde_json::from_str(&s.ok("audrey", &["show", &nb, "--format", "json"])).unwrap();
    assert_eq!(v["department"], "ningbo");
}

#[test]
fn r_b2_a_hand_made_entry_overstepping_a_department_is_caught() {
    let s = store();
    // hz.head rewrites their registration of hz.staff to put them in ningbo, and re-signs
    // the log from there on with each actor's own key.
    let log = s.log_text();
    let from = log
        .lines()
        .position(|l| l.contains("\"actor\":\"hz.head\"") && l.contains("\"action\":\"actor-add\""))
        .unwrap()
        + 1;
    let forged = forge_log(
        &log,
        from,
        &|line, e| {
            if line == from {
                e["detail"]["department"] = "ningbo".into();
            }
        },
        &|actor| Some(s.key(actor)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let out = s.run("", &["verify"]);
    assert_eq!(out.code, INTEGRITY, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "audit.log:{from}: `hz.head` manages the register of their own department only, but changed actor `hz.staff` of another"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn r_b2_a_record_filed_under_another_department_by_hand_is_caught() {
    let s = store();
    s.create(
        "hz.staff",
        "customer",
        &[
            "name=张伟",
            "id_kind=resident-id",
            &format!("id_number={SEEDED_ID}"),
            "category=residential",
            "phone=13857101234",
            "address=杭州市西湖区文三路12号",
            "account_opened_on=2026-02-01",
        ],
    );
    let log = s.log_text();
    let from = log.lines().count();
    let forged = forge_log(
        &log,
        from,
        &|_, e| e["detail"]["department"] = "ningbo".into(),
        &|actor| Some(s.key(actor)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let out = s.run("", &["verify"]);
    assert_eq!(out.code, INTEGRITY, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "audit.log:{from}: the record is filed under department `ningbo`, but `hz.staff` belongs to department `hangzhou`"
        )),
        "{}",
        out.stderr
    );
}

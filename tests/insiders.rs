//! Every rule holds against every single person: an insider with a legitimate role, write
//! access to the store folder and a key of their own writes versions and entries by hand
//! and signs them; `verify` replays each act under the rules in force at its place and
//! names the one docket would have refused, whoever signed it.

mod common;
use common::*;
use serde_json::{Value, json};

const BUDGET: &[&str] = &[
    "fee_basis=budget",
    "installation_fee=18600.00",
    "budget_amount=18600.00",
    "payment_plan=lump-sum",
    "schedule_required=false",
    "property_dispute=false",
    "signed_on=2026-02-20",
];

/// A commercial customer's installation, waiting for the market manager (R-C3).
fn waiting_installation(s: &TestStore) -> (String, String) {
    let c = s.customer("commercial", &[]);
    let mut pairs = vec![format!("customer={c}")];
    pairs.extend(BUDGET.iter().map(|p| p.to_string()));
    let id = s.create("alice", "installation", &strs(&pairs));
    assert_eq!(s.status(&id), "pending");
    (c, id)
}

/// The next version of a record, written by hand from the current one: `edit` changes
/// its text after the version number, act and time are moved on.
fn next_by_hand(
    s: &TestStore,
    kind: &str,
    id: &str,
    version: u32,
    (by, action): (&str, &str),
    edit: &dyn Fn(String) -> String,
) -> Value {
    let text = s.version_text(kind, id, version);
    let author = &text[text.find("written_by = ").unwrap()..];
    let author = &author[..author.find('\n').unwrap()];
    let next = text
        .replace(author, &format!("written_by = \"{by}\""))
        .replace(
            &format!("version = {version}\n"),
            &format!("version = {}\n", version + 1),
        )
        .replace(
            &text[text.find("action = ").unwrap()..]
                [..text[text.find("action = ").unwrap()..].find('\n').unwrap()],
            &format!("action = \"{action}\""),
        );
    let next = edit(next);
    s.write_by_hand(
        &format!("records/{kind}/{id}/v{:04}.toml", version + 1),
        &next,
    )
}

fn at(line: usize, message: &str) -> String {
    format!("records/audit.log:{line}: {message}")
}

#[test]
fn r_c3_a_clerk_who_writes_an_active_version_by_hand_is_named() {
    let s = TestStore::new();
    let (_, id) = waiting_installation(&s);
    let file = next_by_hand(&s, "installation", &id, 1, ("alice", "amend"), &|t| {
        t.replace("status = \"pending\"", "status = \"active\"")
            .replace(
                "action = \"amend\"",
                "action = \"amend\"\nreason = \"agreed\"",
            )
            .replace(
                "installation_fee = \"18600.00\"",
                "installation_fee = \"18600.00\"\ninstallation_steps = [\"安装\"]",
            )
    });
    let line = append_entries(
        &s,
        &[
            json!({"actor": "alice", "role": "business-staff", "action": "amend",
                 "record": id, "version": 2, "files": [file],
                 "detail": {"reason": "agreed", "fields": "installation_steps",
                            "status": "active", "policy": "1"}}),
        ],
    );
    // The next run refuses to build on it: the contract cannot be completed.
    let err = s.fails("alice", &["complete", &id], INTEGRITY);
    assert!(err.contains(&format!("records/audit.log:{line}")), "{err}");
    assert_eq!(
        s.verify_problems(),
        [at(
            line,
            &format!(
                "records/installation/{id}/v0002.toml is not what the act gives: status is `active` where the act gives `pending`"
            )
        )]
    );
}

#[test]
fn r_c6_a_vp_who_skips_the_general_manager_by_hand_is_named() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    let top = s.create(
        "victor",
        "take-or-pay",
        &[
            &format!("customer={c}"),
            "annual_volume_m3=3960000",
            "daily_volume_m3=10000",
            "take_or_pay_percent=80",
            "price_per_m3=3.25",
            "term_start=2026-03-01",
            "term_end=2026-10-31",
            "market_data_ref=MKT-017",
            "finance_data_ref=FIN-009",
        ],
    );
    let file = next_by_hand(&s, "take-or-pay", &top, 1, ("victor", "approve"), &|t| {
        t.replace("status = \"pending\"", "status = \"active\"")
            + "\n[[approvals]]\nstep = \"vp-operations\"\nrule = \"R-C6\"\nactor = \"victor\"\nat = \"2026-03-01T17:00:00+08:00\"\ndecision = \"approved\"\n"
    });
    let line = append_entries(
        &s,
        &[
            json!({"actor": "victor", "role": "vp-operations", "action": "approve",
                 "record": top, "version": 2, "files": [file],
                 "detail": {"step": "vp-operations", "rule": "R-C6",
                            "status": "active", "policy": "1"}}),
        ],
    );
    let problems = s.verify_problems();
    assert!(
        problems.contains(&at(
            line,
            "`victor` (role vp-operations) took a step that is not theirs: the record awaited general-manager (R-C6)"
        )),
        "{problems:?}"
    );
    assert!(
        problems.contains(&at(
            line,
            &format!("`victor` wrote the terms of `{top}` and may not approve or reject them (separation of duties)")
        )),
        "{problems:?}"
    );
}

#[test]
fn r_c3_a_hand_made_approval_naming_ones_own_role_as_the_step_is_named() {
    let s = TestStore::new();
    let (_, id) = waiting_installation(&s);
    let file = next_by_hand(&s, "installation", &id, 1, ("bob", "approve"), &|t| {
        t.replace("status = \"pending\"", "status = \"active\"")
            + "\n[[approvals]]\nstep = \"business-staff\"\nrule = \"R-C3\"\nactor = \"bob\"\nat = \"2026-03-01T17:00:00+08:00\"\ndecision = \"approved\"\n"
    });
    let line = append_entries(
        &s,
        &[
            json!({"actor": "bob", "role": "business-staff", "action": "approve",
                 "record": id, "version": 2, "files": [file],
                 "detail": {"step": "business-staff", "rule": "R-C3",
                            "status": "active", "policy": "1"}}),
        ],
    );
    assert_eq!(
        s.verify_problems(),
        [
            at(
                line,
                "`bob` (role business-staff) took a step that is not theirs: the record awaited market-manager (R-C3)"
            ),
            at(
                line,
                &format!(
                    "records/installation/{id}/v0002.toml is not what the act gives: status is `active` where the act gives `pending`"
                )
            ),
        ]
    );
}

#[test]
fn r_c6_drafting_a_kind_ones_role_may_not_draft_by_hand_is_named() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    let id = "TOP-2026-000001";
    let text = format!(
        "id = \"{id}\"\nkind = \"take-or-pay\"\nversion = 1\nstatus = \"active\"\nwritten_at = \"{NOW_LOCAL}\"\nwritten_by = \"alice\"\npolicy = 1\naction = \"create\"\n\n[fields]\nannual_volume_m3 = 3960000\ncustomer = \"{c}\"\ndaily_volume_m3 = 10000\nfinance_data_ref = \"FIN-009\"\nmarket_data_ref = \"MKT-017\"\nprice_per_m3 = \"3.25\"\ntake_or_pay_percent = 80\nterm_end = 2026-10-31\nterm_start = 2026-03-01\n"
    );
    let file = s.write_by_hand(&format!("records/take-or-pay/{id}/v0001.toml"), &text);
    let line = append_entries(
        &s,
        &[
            json!({"actor": "alice", "role": "business-staff", "action": "create",
                 "record": id, "version": 1, "files": [file],
                 "detail": {"status": "active", "policy": "1"}}),
        ],
    );
    assert_eq!(
        s.verify_problems(),
        [
            at(
                line,
                "role `business-staff` may not draft take-or-pay records (roles.toml, R-C6)"
            ),
            at(
                line,
                &format!(
                    "records/take-or-pay/{id}/v0001.toml is not what the act gives: status is `active` where the act gives `pending`"
                )
            ),
            at(
                line,
                &format!(
                    "records/take-or-pay/{id}/v0001.toml is not what the act gives: steps is `` where the act gives `general-manager`"
                )
            ),
        ]
    );
}

#[test]
fn r_c17_amending_another_departments_record_by_hand_is_named() {
    let s = TestStore::new();
    std::fs::write(
        s.path("docket.toml"),
        std::fs::read_to_string(s.path("docket.toml")).unwrap()
            + "\n[departments.ningbo]\ntitle = \"宁波\"\n",
    )
    .unwrap();
    s.apply_policy("the Ningbo office");
    s.add_in_department("root", "nb.clerk", "business-staff", "ningbo");
    let c = s.residential();
    let file = next_by_hand(&s, "customer", &c, 1, ("nb.clerk", "amend"), &|t| {
        t.replace(
            "action = \"amend\"",
            "action = \"amend\"\nreason = \"moved\"",
        )
        .replace("meter_number", "meter_number")
        .replace("[fields]\n", "[fields]\nmeter_number = \"M1\"\n")
    });
    let line = append_entries(
        &s,
        &[
            json!({"actor": "nb.clerk", "role": "business-staff", "action": "amend",
                 "record": c, "version": 2, "files": [file],
                 "detail": {"reason": "moved", "fields": "meter_number",
                            "status": "active", "policy": "2"}}),
        ],
    );
    let problems = s.verify_problems();
    assert!(
        problems.contains(&at(
            line,
            &format!("record `{c}` is filed under a department the actor's role does not reach (R-B2, R-C17)")
        )),
        "{problems:?}"
    );
}

/// R-C3: reclassifying the customer, amending the contract's terms to a tariff and
/// reclassifying back (three business-staff acts) never gets a contract past the market
/// manager: a step that was awaited stays due until its role signs.
#[test]
fn r_c3_reclassifying_the_customer_never_skips_the_market_manager() {
    let s = TestStore::new();
    let (c, id) = waiting_installation(&s);
    s.ok(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            "category=residential",
            "--reason",
            "reclassified",
        ],
    );
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "fee_basis=tariff",
            "--set",
            "installation_fee=2800.00",
            "--unset",
            "budget_amount",
            "--reason",
            "residential tariff",
        ],
    );
    s.ok(
        "alice",
        &[
            "amend",
            &c,
            "--set",
            "category=commercial",
            "--reason",
            "reclassified back",
        ],
    );
    assert_eq!(s.status(&id), "pending");
    let waiting = s.ok("mona", &["pending"]);
    assert!(
        waiting.contains(&format!(
            "{id}  installation  pending  market-manager (R-C3)"
        )),
        "{waiting}"
    );
    s.ok("", &["verify"]);
}

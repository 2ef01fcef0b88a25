//! The gas utility's contract rules (R-C2 … R-C15), each at its boundary, through the
//! real binary: who drafts, who approves in which order, what a contract must contain,
//! what it may cost, and how it is archived.

mod common;
use common::*;

fn installation(s: &TestStore, actor: &str, customer: &str, extra: &[&str]) -> Out {
    let fee_basis = if extra.iter().any(|e| e.starts_with("fee_basis")) {
        None
    } else {
        Some("fee_basis=tariff")
    };
    let mut pairs: Vec<String> = vec![format!("customer={customer}")];
    let defaults = [
        ("installation_fee", "installation_fee=2800.00"),
        ("payment_plan", "payment_plan=lump-sum"),
        ("schedule_required", "schedule_required=false"),
        ("property_dispute", "property_dispute=false"),
        ("signed_on", "signed_on=2026-03-01"),
    ];
    for (name, pair) in defaults {
        if !extra.iter().any(|e| e.starts_with(&format!("{name}="))) {
            pairs.push(pair.to_string());
        }
    }
    pairs.extend(fee_basis.map(str::to_string));
    pairs.extend(extra.iter().map(|e| e.to_string()));
    s.run(
        actor,
        &strs(&with_sets(&["create", "installation"], &strs(&pairs))),
    )
}

fn created(out: Out) -> String {
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.trim().to_string()
}

fn budgeted(amount: &str) -> Vec<String> {
    vec![
        "fee_basis=budget".into(),
        format!("installation_fee={amount}"),
        format!("budget_amount={amount}"),
    ]
}

#[test]
fn r_c2_residential_installation_is_signed_by_business_staff_alone() {
    let s = TestStore::new();
    let c = s.residential();
    let id = created(installation(&s, "alice", &c, &[]));
    assert_eq!(s.status(&id), "active");
    assert!(s.ok("mona", &["pending"]).is_empty());
}

#[test]
fn r_c3_commercial_and_collective_installations_need_the_market_manager() {
    let s = TestStore::new();
    for category in ["commercial", "collective"] {
        let c = s.customer(category, &[]);
        let b = budgeted("18600.00");
        let id = created(installation(&s, "alice", &c, &strs(&b)));
        assert_eq!(s.status(&id), "pending");
        let p = s.ok("mona", &["pending"]);
        assert!(
            p.contains(&format!(
                "{id}  installation  pending  market-manager (R-C3)"
            )),
            "{p}"
        );
        let err = s.fails_unchanged("gina", &["approve", &id], DENIED);
        assert_eq!(
            err,
            format!(
                "error: actor `gina` (role general-manager) has no approval step on `{id}`; it waits for market-manager (R-C3)\nhint: `docket pending` as a market-manager lists it\n"
            )
        );
        s.ok("mona", &["approve", &id, "--comment", "预算核对无误"]);
        assert_eq!(s.status(&id), "active");
    }
}

/// R-C2, R-C3: every installation that is not a routine residential one is reviewed by
/// the market manager — industrial and upstream-supplier ones too, at any fee.
#[test]
fn r_c3_every_non_residential_installation_needs_the_market_manager() {
    let s = TestStore::new();
    for category in ["industrial", "upstream-supplier"] {
        let c = s.customer(category, &[]);
        let b = budgeted("1.00");
        let id = created(installation(&s, "alice", &c, &strs(&b)));
        assert_eq!(s.status(&id), "pending", "{category}");
        assert!(s.ok("mona", &["pending"]).contains(&format!(
            "{id}  installation  pending  market-manager (R-C3)"
        )));
    }
}

/// R-C3, R-C4, R-C8, R-C10: the steps a contract needs are decided from its terms and its
/// customer as they were when it was submitted, and kept with it: reclassifying the
/// customer afterwards neither drops a step nor leaves it stuck.
#[test]
fn r_c3_steps_are_fixed_when_the_terms_are_submitted() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let b = budgeted("18600.00");
    let id = created(installation(&s, "alice", &c, &strs(&b)));
    // The customer is reclassified as residential after submission.
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
    assert!(
        s.ok("mona", &["pending"]).contains(&id),
        "the step is still due"
    );
    let shown = s.ok("alice", &["show", &id]);
    assert!(
        shown.contains("step market-manager  waiting (R-C3)"),
        "{shown}"
    );
    s.ok("mona", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
    // An amendment of the contract judges it afresh, with the customer as it is now.
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "signed_on=2026-02-28",
            "--reason",
            "date",
        ],
        INVALID,
    );
    assert!(
        err.contains("R-C11: residential installations are charged by the price-authority tariff"),
        "{err}"
    );
}

#[test]
fn r_c4_installments_need_the_operations_vp() {
    let s = TestStore::new();
    let c = s.residential();
    let id = created(installation(
        &s,
        "alice",
        &c,
        &[
            "payment_plan=installments",
            "payment_deadlines=2026-04-01;2026-07-01",
            "installation_steps=勘察;安装;验收",
        ],
    ));
    assert_eq!(s.status(&id), "pending");
    s.ok("victor", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
}

#[test]
fn r_c9_installments_must_state_deadlines_and_steps() {
    let s = TestStore::new();
    let c = s.residential();
    let before = s.snapshot();
    let out = installation(&s, "alice", &c, &["payment_plan=installments"]);
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `payment_deadlines`: required when payment_plan == 'installments' (R-C9)\n\
         error: field `installation_steps`: required when payment_plan == 'installments' (R-C9)\n\
         hint: add --set payment_deadlines=…\n\
         2 problems; nothing was written\n"
    );
    assert_eq!(before, s.snapshot());
}

#[test]
fn r_c5_supply_with_unsettled_installation_fee_needs_the_general_manager() {
    let s = TestStore::new();
    let c = s.residential();
    let supply = |settled: &str| {
        s.create(
            "alice",
            "residential-supply",
            &[
                &format!("customer={c}"),
                "delivery_notice_no=SQ1",
                "acceptance_drawing_no=YS1",
                &format!("installation_fee_settled={settled}"),
                "meter_number=M1",
                "start_date=2026-03-05",
            ],
        )
    };
    let settled = supply("true");
    assert_eq!(s.status(&settled), "active");
    let unsettled = supply("false");
    assert_eq!(s.status(&unsettled), "pending");
    s.fails_unchanged("mona", &["approve", &unsettled], DENIED);
    s.ok("gina", &["approve", &unsettled, "--comment", "结清承诺"]);
    assert_eq!(s.status(&unsettled), "active");
}

/// R-C2, R-C5, R-C12: a supply contract's kind matches its customer.
#[test]
fn r_c5_the_supply_contract_kind_matches_the_customer() {
    let s = TestStore::new();
    let home = s.residential();
    let shop = s.customer("commercial", &[]);
    let pairs = |customer: &str| {
        vec![
            format!("customer={customer}"),
            "delivery_notice_no=SQ1".to_string(),
            "acceptance_drawing_no=YS1".into(),
            "installation_fee_settled=true".into(),
            "meter_number=M1".into(),
            "start_date=2026-03-05".into(),
        ]
    };
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "residential-supply"],
            &strs(&pairs(&shop)),
        )),
        INVALID,
    );
    assert_eq!(
        err,
        "error: R-C5: a residential supply contract is for a residential customer; for any other customer draft a commercial-supply contract\nhint: the rule is `customer.category == 'residential'`\n"
    );
    let mut commercial = pairs(&home);
    commercial.extend([
        "annual_volume_m3=1000".to_string(),
        "daily_volume_m3=10".into(),
    ]);
    let err = s.fails_unchanged(
        "alice",
        &strs(&with_sets(
            &["create", "commercial-supply"],
            &strs(&commercial),
        )),
        INVALID,
    );
    assert!(err.starts_with("error: R-C5: a commercial supply contract is for a non-residential customer; for a residential customer draft a residential-supply contract\n"), "{err}");
}

fn top_pairs(customer: &str, annual: &str, daily: &str) -> Vec<String> {
    vec![
        format!("customer={customer}"),
        format!("annual_volume_m3={annual}"),
        format!("daily_volume_m3={daily}"),
        "take_or_pay_percent=80".into(),
        "price_per_m3=3.25".into(),
        "term_start=2026-03-01".into(),
        "term_end=2026-12-31".into(),
        "market_data_ref=MKT-1".into(),
        "finance_data_ref=FIN-1".into(),
    ]
}

fn take_or_pay(s: &TestStore, actor: &str, customer: &str, annual: &str, daily: &str) -> Out {
    s.run(
        actor,
        &strs(&with_sets(
            &["create", "take-or-pay"],
            &strs(&top_pairs(customer, annual, daily)),
        )),
    )
}

#[test]
fn r_c6_take_or_pay_is_drafted_by_the_vp_and_signed_by_the_general_manager() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    let before = s.snapshot();
    let out = take_or_pay(&s, "alice", &c, "3960000", "12000");
    assert_eq!(out.code, DENIED);
    assert_eq!(
        out.stderr,
        "error: actor `alice` (role business-staff) may not draft take-or-pay records\nhint: drafted by: vp-operations\n"
    );
    assert_eq!(before, s.snapshot());
    let id = created(take_or_pay(&s, "victor", &c, "3960000", "12000"));
    assert_eq!(s.status(&id), "pending");
    let err = s.fails_unchanged("vera", &["approve", &id], DENIED);
    assert!(err.contains("has no approval step on"), "{err}");
    s.ok("gina", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
}

#[test]
fn r_c7_collective_customers_need_a_contact_name_and_phone() {
    let s = TestStore::new();
    let out = s.run(
        "alice",
        &strs(&with_sets(
            &["create", "customer"],
            &[
                "name=翠苑一区业主委员会",
                "id_kind=uscc",
                "id_number=91350100M000100Y43",
                "category=collective",
                "phone=0571-88113456",
                "address=杭州市西湖区翠苑一区",
                "account_opened_on=2026-02-01",
                "contact_name=赵建国",
            ],
        )),
    );
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `contact_phone`: required when category == 'collective' (R-C7)\nhint: add --set contact_phone=…\n"
    );
    // The same customer as commercial needs no contact.
    s.customer("commercial", &[]);
}

#[test]
fn r_c8_a_schedule_requirement_goes_to_planning_and_construction() {
    let s = TestStore::new();
    let c = s.residential();
    let out = installation(&s, "alice", &c, &["schedule_required=true"]);
    assert_eq!(out.code, INVALID);
    assert!(
        out.stderr.starts_with(
            "error: field `schedule_deadline`: required when schedule_required (R-C8)\n"
        ),
        "{}",
        out.stderr
    );
    let id = created(installation(
        &s,
        "alice",
        &c,
        &["schedule_required=true", "schedule_deadline=2026-06-30"],
    ));
    assert!(s.ok("pat", &["pending"]).contains(&format!(
        "{id}  installation  pending  planning-construction (R-C8)"
    )));
    s.ok("pat", &["approve", &id, "--comment", "工期可行"]);
    assert_eq!(s.status(&id), "active");
    // A stated schedule deadline brings the assessment even without the requirement.
    let id = created(installation(
        &s,
        "alice",
        &c,
        &["schedule_deadline=2026-07-31"],
    ));
    assert!(s.ok("pat", &["pending"]).contains(&format!(
        "{id}  installation  pending  planning-construction (R-C8)"
    )));
}

#[test]
fn r_c10_a_property_dispute_is_decided_by_the_operations_vp() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    let b = budgeted("560000.00");
    let mut extra = strs(&b);
    extra.push("property_dispute=true");
    let id = created(installation(&s, "alice", &c, &extra));
    // An industrial installation's budget is reviewed by the market manager first (R-C3).
    s.ok("mona", &["approve", &id]);
    assert!(s.ok("victor", &["pending"]).contains(&format!(
        "{id}  installation  pending  vp-operations (R-C4 R-C10)"
    )));
    s.ok("victor", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
}

#[test]
fn r_c11_tariff_fees_are_exact_to_the_fen() {
    let s = TestStore::new();
    let c = s.residential();
    for fee in ["2800.01", "2799.99"] {
        let before = s.snapshot();
        let out = installation(&s, "alice", &c, &[&format!("installation_fee={fee}")]);
        assert_eq!(out.code, INVALID);
        assert_eq!(
            out.stderr,
            format!(
                "error: field `installation_fee`: R-C11: {fee} differs from tariff residential_installation on 2026-03-01 = 2800.00; fees are charged exactly as set, never more or less\nhint: set installation_fee=2800.00\n"
            )
        );
        assert_eq!(before, s.snapshot());
    }
    created(installation(&s, "alice", &c, &["installation_fee=2800"]));
}

#[test]
fn r_c11_budgeted_fees_equal_the_budget() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let out = installation(
        &s,
        "alice",
        &c,
        &[
            "fee_basis=budget",
            "installation_fee=18600.01",
            "budget_amount=18600.00",
        ],
    );
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `installation_fee`: R-C11: 18600.01 differs from budget_amount = 18600.00; fees are charged exactly as set, never more or less\nhint: set installation_fee=18600.00\n"
    );
    // A commercial installation is never charged by the residential tariff.
    let out = installation(&s, "alice", &c, &[]);
    assert_eq!(out.code, INVALID);
    assert!(out.stderr.starts_with("error: R-C11: residential installations are charged by the price-authority tariff; commercial, collective and other installations by the budget department's amount\n"), "{}", out.stderr);
}

#[test]
fn r_c11_alarm_fee_is_tariff_times_quantity() {
    let s = TestStore::new();
    let c = s.residential();
    let alarm = |fee: &str| {
        s.run(
            "alice",
            &strs(&with_sets(
                &["create", "alarm-installation"],
                &[
                    &format!("customer={c}"),
                    "alarm_model=JT-KB-2",
                    "quantity=2",
                    &format!("fee={fee}"),
                    "signed_on=2026-03-01",
                ],
            )),
        )
    };
    let out = alarm("760.01");
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `fee`: R-C11: 760.01 differs from tariff alarm_installation on 2026-03-01 380 × quantity 2 = 760.00; fees are charged exactly as set, never more or less\nhint: set fee=760.00\n"
    );
    assert_eq!(alarm("760.00").code, 0);
}

#[test]
fn r_c12_supply_contracts_need_the_delivery_notice_and_drawings() {
    let s = TestStore::new();
    let c = s.residential();
    let out = s.run(
        "alice",
        &strs(&with_sets(
            &["create", "residential-supply"],
            &[
                &format!("customer={c}"),
                "installation_fee_settled=true",
                "meter_number=M1",
                "start_date=2026-03-05",
            ],
        )),
    );
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: field `delivery_notice_no`: required field is missing (R-C12)\n\
         error: field `acceptance_drawing_no`: required field is missing (R-C12)\n\
         hint: add --set delivery_notice_no=…\n\
         2 problems; nothing was written\n"
    );
}

#[test]
fn r_c14_daily_10000_is_eligible() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    created(take_or_pay(&s, "victor", &c, "100000", "10000"));
}

#[test]
fn r_c14_annual_3000000_is_eligible() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    created(take_or_pay(&s, "victor", &c, "3000000", "1"));
}

#[test]
fn r_c14_daily_9999_with_annual_2999999_is_refused() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    let before = s.snapshot();
    let out = take_or_pay(&s, "victor", &c, "2999999", "9999");
    assert_eq!(out.code, INVALID);
    assert_eq!(
        out.stderr,
        "error: R-C14: take-or-pay applies only to upstream suppliers and to users with annual volume ≥ 3,000,000 m³ or daily volume ≥ 10,000 m³\nhint: the rule is `customer.category == 'upstream-supplier' || annual_volume_m3 >= 3000000 || daily_volume_m3 >= 10000`\n"
    );
    assert_eq!(before, s.snapshot());
}

#[test]
fn r_c14_upstream_suppliers_are_eligible_at_any_volume() {
    let s = TestStore::new();
    let c = s.customer("upstream-supplier", &[]);
    created(take_or_pay(&s, "victor", &c, "1000", "10"));
}

#[test]
fn r_c14_commercial_supply_meeting_the_threshold_is_warned() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let supply = |daily: &str| {
        s.run(
            "alice",
            &strs(&with_sets(
                &["create", "commercial-supply"],
                &[
                    &format!("customer={c}"),
                    "delivery_notice_no=SQ1",
                    "acceptance_drawing_no=YS1",
                    "installation_fee_settled=true",
                    "meter_number=M1",
                    "start_date=2026-03-05",
                    "annual_volume_m3=100000",
                    &format!("daily_volume_m3={daily}"),
                ],
            )),
        )
    };
    let out = supply("9999");
    assert_eq!(out.code, 0);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let out = supply("10000");
    assert_eq!(out.code, 0, "a warning, not a refusal");
    assert!(out.stderr.starts_with("warning: R-C14: this customer meets the take-or-pay threshold (annual ≥ 3,000,000 m³ or daily ≥ 10,000 m³): consider a take-or-pay contract drafted by the operations VP\n"), "{}", out.stderr);
}

#[test]
fn the_creator_never_approves_their_own_record() {
    let s = TestStore::new();
    let roles = std::fs::read_to_string(s.path("schemas/roles.toml")).unwrap();
    let roles = roles.replacen("[roles.market-manager]\ntitle = { en = \"market department manager\", zh-CN = \"市场部经理\" }\ncreate = [\"customer\"]", "[roles.market-manager]\ntitle = { en = \"market department manager\", zh-CN = \"市场部经理\" }\ncreate = [\"customer\", \"installation\"]", 1);
    std::fs::write(s.path("schemas/roles.toml"), roles).unwrap();
    s.apply_policy("market managers draft installations");
    let c = s.customer("commercial", &[]);
    let b = budgeted("18600.00");
    let id = created(installation(&s, "mona", &c, &strs(&b)));
    let err = s.fails_unchanged("mona", &["approve", &id], DENIED);
    assert_eq!(
        err,
        format!(
            "error: actor `mona` drafted or amended `{id}` and may not also approve it (separation of duties)\nhint: another market-manager must take this step\n"
        )
    );
    assert!(
        !s.ok("mona", &["pending"]).contains(&id),
        "own records are not offered"
    );
}

#[test]
fn steps_are_taken_in_order() {
    let s = TestStore::new();
    let c = s.customer("collective", &[]);
    let mut extra = budgeted("256000.00");
    extra.extend(
        [
            "payment_plan=installments",
            "payment_deadlines=2026-04-01",
            "installation_steps=安装",
            "schedule_required=true",
            "schedule_deadline=2026-08-31",
        ]
        .map(String::from),
    );
    let id = created(installation(&s, "alice", &c, &strs(&extra)));
    let err = s.fails_unchanged("victor", &["approve", &id], DENIED);
    assert_eq!(
        err,
        format!(
            "error: out of turn: `{id}` waits for the market-manager step (R-C3) before vp-operations may approve it\nhint: `docket pending` as a market-manager lists it\n"
        )
    );
    s.ok("mona", &["approve", &id]);
    s.fails_unchanged("victor", &["approve", &id], DENIED);
    s.ok("pat", &["approve", &id]);
    assert_eq!(s.status(&id), "pending");
    s.ok("victor", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
    let h = s.ok("alice", &["history", &id]);
    assert!(
        h.contains("approved step market-manager (R-C3)")
            && h.contains("approved step planning-construction (R-C8)")
            && h.contains("approved step vp-operations (R-C4 R-C10)"),
        "{h}"
    );
}

#[test]
fn amending_an_approved_contract_resets_its_approvals() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let b = budgeted("18600.00");
    let id = created(installation(&s, "alice", &c, &strs(&b)));
    s.ok("mona", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "installation_fee=19000.00",
            "--set",
            "budget_amount=19000.00",
            "--reason",
            "budget revised",
        ],
    );
    assert_eq!(s.status(&id), "pending");
    let json: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["show", "--format", "json", &id])).unwrap();
    assert_eq!(json["approvals"].as_array().unwrap().len(), 0);
    s.ok("mona", &["approve", &id]);
    assert_eq!(s.status(&id), "active");
}

#[test]
fn reject_then_amend_sends_it_back() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let b = budgeted("18600.00");
    let id = created(installation(&s, "alice", &c, &strs(&b)));
    let err = s.fails_unchanged("mona", &["reject", &id, "--reason", " "], USAGE);
    assert_eq!(
        err,
        "error: --reason must not be empty\nhint: say why, in a few words\n"
    );
    s.ok("mona", &["reject", &id, "--reason", "预算单未附"]);
    assert_eq!(s.status(&id), "rejected");
    let err = s.fails_unchanged("mona", &["approve", &id], CONFLICT);
    assert_eq!(
        err,
        format!(
            "error: record `{id}` is rejected; only pending records can be approved\nhint: `docket show ID` shows its status and steps\n"
        )
    );
    s.ok(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "signed_on=2026-02-28",
            "--reason",
            "budget sheet attached",
        ],
    );
    assert_eq!(s.status(&id), "pending");
    let log = s.ok("root", &["log", "--record", &id]);
    assert!(
        log.contains("reject")
            && log.contains("policy=1 reason=预算单未附 status=rejected")
            && log.contains("status=rejected step=market-manager"),
        "{log}"
    );
}

fn finished_contract(s: &TestStore) -> String {
    let c = s.residential();
    let id = created(installation(s, "alice", &c, &[]));
    s.ok("alice", &["complete", &id]);
    id
}

#[test]
fn r_c15_archive_copies_and_hashes_the_papers() {
    let s = TestStore::new();
    let id = finished_contract(&s);
    let paper = s.path("../notice.txt");
    std::fs::write(&paper, "送气通知单 SQ2026-0031").unwrap();
    let out = s.ok(
        "arch",
        &[
            "archive",
            &id,
            "--attach",
            paper.to_str().unwrap(),
            "--note",
            "complete",
        ],
    );
    assert_eq!(out, "ARC-2026-000001\n");
    assert_eq!(s.status(&id), "archived");
    let json: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["show", "--format", "json", &id])).unwrap();
    let att = &json["archive"]["attachments"][0];
    assert_eq!(att["name"], "notice.txt");
    let stored = std::fs::read(s.path(att["path"].as_str().unwrap())).unwrap();
    assert_eq!(stored, "送气通知单 SQ2026-0031".as_bytes());
    assert!(
        s.log_text().contains(att["sha256"].as_str().unwrap()),
        "the paper's hash is logged"
    );
    let second = finished_contract(&s);
    assert_eq!(
        s.ok(
            "arch",
            &["archive", &second, "--attach", paper.to_str().unwrap()]
        ),
        "ARC-2026-000002\n"
    );
    // A contract is found by its archive number too, in any case, with its note.
    let by_number = s.ok("alice", &["show", "arc-2026-000001"]);
    assert!(
        by_number.starts_with(&format!("id                 {id}\n")),
        "{by_number}"
    );
    assert!(
        by_number.contains("archive note       complete\n"),
        "{by_number}"
    );
}

#[test]
fn r_c15_archived_records_never_change() {
    let s = TestStore::new();
    let id = finished_contract(&s);
    let paper = s.path("paper.txt");
    std::fs::write(&paper, "x").unwrap();
    s.ok(
        "arch",
        &["archive", &id, "--attach", paper.to_str().unwrap()],
    );
    std::fs::remove_file(&paper).unwrap();
    let err = s.fails_unchanged(
        "alice",
        &[
            "amend",
            &id,
            "--set",
            "signed_on=2026-02-28",
            "--reason",
            "x",
        ],
        CONFLICT,
    );
    assert_eq!(
        err,
        format!(
            "error: record `{id}` is archived: archived records never change (R-C15)\nhint: draft a new record if terms change; the archived one stays as filed\n"
        )
    );
    s.fails_unchanged("mona", &["approve", &id], CONFLICT);
    s.fails_unchanged("alice", &["terminate", &id, "--reason", "x"], CONFLICT);
    s.fails_unchanged(
        "arch",
        &["archive", &id, "--attach", "docket.toml"],
        CONFLICT,
    );
}

#[test]
fn r_c15_only_finished_contracts_by_the_archivist() {
    let s = TestStore::new();
    let c = s.residential();
    let id = created(installation(&s, "alice", &c, &[]));
    let err = s.fails_unchanged(
        "arch",
        &["archive", &id, "--attach", "docket.toml"],
        CONFLICT,
    );
    assert_eq!(
        err,
        format!(
            "error: record `{id}` is active: only completed or terminated contracts are archived (R-C15)\nhint: the contract is first completed (`docket complete {id}`) or terminated\n"
        )
    );
    s.ok("alice", &["terminate", &id, "--reason", "customer moved"]);
    let err = s.fails_unchanged(
        "alice",
        &["archive", &id, "--attach", "docket.toml"],
        DENIED,
    );
    assert_eq!(
        err,
        "error: actor `alice` (role business-staff) may not archive records\nhint: roles that may: archivist\n"
    );
    let err = s.fails_unchanged(
        "arch",
        &["archive", &id, "--attach", "no-such-letter.pdf"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: no-such-letter.pdf: attachment file not found; nothing was archived\nhint: check the path of the scanned paper\n"
    );
    s.ok("arch", &["archive", &id, "--attach", "docket.toml"]);
}

#[test]
fn r_c15_verify_checks_attachments() {
    let s = TestStore::new();
    let id = finished_contract(&s);
    s.ok("arch", &["archive", &id, "--attach", "docket.toml"]);
    let json: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["show", "--format", "json", &id])).unwrap();
    let path = json["archive"]["attachments"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(s.path(&path), "forged").unwrap();
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "{path}: does not match the hash the audit log holds"
        )),
        "{err}"
    );
}

#[test]
fn r_c15_unarchived_finished_contracts_become_overdue() {
    let mut s = TestStore::new();
    let id = finished_contract(&s);
    let p = s.ok("arch", &["pending"]);
    assert!(
        p.contains(&format!(
            "{id}  installation  completed  archive (R-C15)  2026-03-01T17:00:00+08:00\n"
        )),
        "{p}"
    );
    s.now = "2026-03-31T09:00:00Z".into(); // 30 days: still timely
    assert!(!s.ok("arch", &["pending"]).contains("OVERDUE"));
    s.now = "2026-04-01T09:00:00Z".into(); // 31 days
    assert!(s.ok("arch", &["pending"]).contains("OVERDUE"));
}

#[test]
fn complete_and_terminate_need_an_active_contract() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let b = budgeted("18600.00");
    let id = created(installation(&s, "alice", &c, &strs(&b)));
    let err = s.fails_unchanged("alice", &["complete", &id], CONFLICT);
    assert_eq!(
        err,
        format!(
            "error: record `{id}` is pending; only active records can be completed\nhint: `docket show ID` shows its status and steps\n"
        )
    );
    let err = s.fails_unchanged("alice", &["complete", &c], CONFLICT);
    assert_eq!(
        err,
        format!(
            "error: `{c}` is a customer record, not a contract: it is never completed\nhint: only contracts are completed or terminated\n"
        )
    );
}

#[test]
fn the_readme_take_or_pay_tour_works() {
    let s = TestStore::new();
    let c = s.customer("industrial", &[]);
    let out = take_or_pay(&s, "victor", &c, "2999999", "9999");
    assert_eq!(out.code, INVALID);
    let id = created(take_or_pay(&s, "victor", &c, "3960000", "10000"));
    assert!(s.ok("gina", &["pending"]).contains(&id));
    s.ok("gina", &["approve", &id, "--comment", "量价条款已审核"]);
    s.ok("alice", &["complete", &id]);
    assert!(s.ok("arch", &["pending"]).contains(&id));
    s.ok("arch", &["archive", &id, "--attach", "docket.toml"]);
    let h = s.ok("alice", &["history", &id]);
    let actions: Vec<&str> = h
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(actions, ["create", "approve", "complete", "archive"]);
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// A paper larger than the policy's limit is refused before it is read whole: an endless
/// input (`/dev/zero`) is not read until memory runs out.
#[test]
fn a_paper_larger_than_the_limit_is_refused() {
    let s = TestStore::new();
    let id = finished_contract(&s);
    let err = s.fails_unchanged("arch", &["archive", &id, "--attach", "/dev/zero"], INVALID);
    assert_eq!(
        err,
        "error: /dev/zero: larger than 100 MiB, the most docket reads here (policy.max_paper_bytes)\nhint: check that this is the file you meant; an administrator can raise `max_paper_bytes` in docket.toml's [policy]\n"
    );
}

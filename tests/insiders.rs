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
        &format!("records/{kind}/2026/000/{id}.v{:04}.toml", version + 1),
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
                "records/installation/2026/000/{id}.v0002.toml is not what the act gives: status is `active` where the act gives `pending`"
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
                    "records/installation/2026/000/{id}.v0002.toml is not what the act gives: status is `active` where the act gives `pending`"
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
    let file = s.write_by_hand(
        &format!("records/take-or-pay/2026/000/{id}.v0001.toml"),
        &text,
    );
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
                    "records/take-or-pay/2026/000/{id}.v0001.toml is not what the act gives: status is `active` where the act gives `pending`"
                )
            ),
            at(
                line,
                &format!(
                    "records/take-or-pay/2026/000/{id}.v0001.toml is not what the act gives: steps is `` where the act gives `general-manager`"
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

/// Departments `hangzhou` with its responsible person `hz.head`.
fn office(s: &TestStore) {
    std::fs::write(
        s.path("docket.toml"),
        std::fs::read_to_string(s.path("docket.toml")).unwrap()
            + "\n[departments.hangzhou]\ntitle = \"杭州\"\n",
    )
    .unwrap();
    s.apply_policy("the Hangzhou office");
    s.add_in_department("root", "hz.head", "department-head", "hangzhou");
}

/// R-B2, R-C6, R-C17: a department's responsible person registers their own staff into
/// roles of department scope that manage nobody — never a general manager or an auditor,
/// by command or by hand.
#[test]
fn r_b2_a_department_head_registers_no_general_manager_or_auditor() {
    let s = TestStore::new();
    office(&s);
    for role in ["general-manager", "auditor"] {
        let args = s.department_actor_args(&format!("hz.{role}"), role, "hangzhou");
        let err = s.fails_unchanged("hz.head", &strs(&args), DENIED);
        assert!(
            err.starts_with(&format!(
                "error: `hz.head` granted role `{role}`, which only an administrator may grant"
            )),
            "{err}"
        );
    }
    let key = std::fs::read_to_string(s.pubkey("hz.gm")).unwrap();
    let file = s.write_by_hand("records/_actors/hz.gm/v0001.toml", "name = \"hz.gm\"\n");
    let line = append_entries(
        &s,
        &[
            json!({"actor": "hz.head", "role": "department-head", "action": "actor-add",
                 "record": "hz.gm", "version": 1, "files": [file],
                 "detail": {"role": "general-manager", "department": "hangzhou",
                            "key": key.trim(), "agreement_signed": "2026-01-05",
                            "trained_on": "2026-01-05"}}),
        ],
    );
    let problems = s.verify_problems();
    assert!(
        problems.contains(&at(
            line,
            "`hz.head` granted role `general-manager`, which only an administrator may grant"
        )),
        "{problems:?}"
    );
}

/// R-C6: changing the general manager's key takes two administrators, and a key once
/// replaced is never accepted again — so no administrator approves as `gina` with a key
/// of their own and sets hers back.
#[test]
fn r_c6_an_administrator_cannot_borrow_the_general_managers_identity() {
    let s = TestStore::new();
    let gina_key = std::fs::read_to_string(s.pubkey("gina")).unwrap();
    let mine = keygen(&s.path("../keys"), "roots-gina");
    let mine_pub = format!("{}.pub", mine.display());
    let proposed = s.ok("root", &["actor", "update", "gina", "--key", &mine_pub]);
    assert!(!proposed.trim().is_empty(), "a proposal, not a change");
    let whoami = s.ok("gina", &["whoami"]);
    assert!(
        whoami.contains("can sign    yes"),
        "still her own key: {whoami}"
    );
    // Two administrators may change it; her old key is then refused, whoever asks: a
    // key is never accepted twice.
    s.cosign("actor", &proposed);
    let err = s.fails_unchanged(
        "root",
        &["actor", "update", "gina", "--key", gina_key.trim()],
        INVALID,
    );
    assert!(err.contains("is already registered for `gina`"), "{err}");
    // By hand, alone: named.
    let fresh = keygen(&s.path("../keys"), "roots-gina-2");
    let fresh_line = std::fs::read_to_string(format!("{}.pub", fresh.display())).unwrap();
    let v2 = std::fs::read_to_string(s.path("records/_actors/gina/v0002.toml")).unwrap();
    let file = s.write_by_hand(
        "records/_actors/gina/v0003.toml",
        &v2.replace("version = 2", "version = 3"),
    );
    let line = append_entries(
        &s,
        &[
            json!({"actor": "root", "role": "admin", "action": "actor-update",
                 "record": "gina", "version": 3, "files": [file],
                 "detail": {"key": fresh_line.trim()}}),
        ],
    );
    let problems = s.verify_problems();
    assert!(
        problems.contains(&at(
            line,
            "this needs a second administrator's co-signature: it changes another actor's key"
        )),
        "{problems:?}"
    );
}

/// R-C17 and 第十二条: the administrator registers a second administrator with a key they
/// made; that "second person" tries to make the first an auditor. The first may not
/// co-sign a change to themself, so two administrators alone cannot do it; the auditor
/// sees the second registered by the sole administrator, alone.
#[test]
fn r_c17_an_administrator_cannot_make_themself_an_auditor_through_a_second_identity() {
    let s = TestStore::new();
    let proposed = s.ok("root2", &["actor", "update", "root", "--role", "auditor"]);
    let err = s.fails_unchanged("root", &["actor", "approve", proposed.trim()], DENIED);
    assert!(
        err.starts_with("error: `root` co-signed a change to their own register entry"),
        "{err}"
    );
    let status = s.ok("audrey", &["status"]);
    assert!(
        status.lines().any(|l| l.contains(" root2 ")
            && l.ends_with("a second administrator registered by the sole one, alone")),
        "{status}"
    );
    assert!(
        status.contains("co-signed by an actor the proposer registered"),
        "{status}"
    );
}

/// R-A3, R-C6, R-C11, R-C14, R-A8: one administrator may not weaken the rules alone. Each
/// of these changes is proposed, not applied, and a hand-made policy entry applying one
/// is named.
#[test]
fn r_a3_one_administrator_weakens_no_rule_alone() {
    let weakenings: [(&str, &str, &str, &str); 5] = [
        (
            "schemas/customer.toml",
            "pii = \"identity\"\nmask = \"id\"\n",
            "",
            "customer: field id_number: pii is dropped or relaxed",
        ),
        (
            "schemas/take-or-pay.toml",
            "[[steps]]\nrole = \"general-manager\"\nrule = \"R-C6\"\n",
            "",
            "take-or-pay: steps general-manager is dropped or relaxed",
        ),
        (
            "schemas/take-or-pay.toml",
            "annual_volume_m3 >= 3000000",
            "annual_volume_m3 >= 300000",
            "take-or-pay: rules R-C14 is dropped or relaxed",
        ),
        (
            "schemas/tariffs.toml",
            "amount = \"2800.00\"",
            "amount = \"1.00\"",
            "tariff `residential_installation`: an amount is rewritten, removed or back-dated",
        ),
        (
            "docket.toml",
            "training_valid_days = 365",
            "training_valid_days = 36500",
            "the setting `training_valid_days` is relaxed",
        ),
    ];
    for (file, from, to, why) in weakenings {
        let s = TestStore::new();
        let text = std::fs::read_to_string(s.path(file)).unwrap();
        assert!(text.contains(from), "{file} holds {from}");
        std::fs::write(s.path(file), text.replacen(from, to, 1)).unwrap();
        let out = s.run("root", &["policy", "apply", "--reason", "simpler"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stderr.contains(why), "{file}: {}", out.stderr);
        let applied = s.ok("", &["log", "--action", "policy"]);
        assert_eq!(
            applied.lines().count(),
            2,
            "only the genesis policy is in force: {applied}"
        );
        // By hand, signed by the administrator alone: named.
        let log = s.log_text();
        let n = log.lines().count();
        let forged = forge_log(
            &log,
            n,
            &|_, e| {
                e["action"] = "policy".into();
                let d = e["detail"].as_object_mut().unwrap();
                d.remove("base");
                d.remove("widens");
            },
            &|a| Some(s.key(a)),
        );
        std::fs::write(s.path("records/audit.log"), forged).unwrap();
        let _ = std::fs::remove_dir_all(s.state());
        let problems = s.verify_problems();
        assert!(
            problems.iter().any(|p| p.starts_with(&format!(
                "records/audit.log:{n}: this needs a second administrator's co-signature: "
            )) && p.contains(why)),
            "{file}: {problems:?}"
        );
    }
}

/// R-C17: `--as` without the actor's key shows nothing a run without `--as` would not.
#[test]
fn r_c17_acting_as_someone_without_their_key_reads_nothing() {
    let s = TestStore::new();
    s.residential();
    let out = docket()
        .current_dir(s.root())
        .env("XDG_STATE_HOME", s.state())
        .args(["--as", "mona", "query", "customer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(DENIED));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "error: no key to sign with: actor `mona` signs with the key registered for them"
        ),
        "{err}"
    );
    // With her key, no log entry is written to prove it.
    let before = s.log_text();
    s.ok("mona", &["query", "customer"]);
    assert_eq!(before, s.log_text());
}

/// An entry dated 25 days ahead — its clerk's clock set forward — never stops anyone
/// else's work; `verify` names it.
#[test]
fn an_entry_dated_ahead_is_named_and_blocks_nobody() {
    let mut s = TestStore::new();
    s.now = "2026-03-26T09:00:00Z".into();
    s.residential();
    let n = s.log_text().lines().count();
    s.now = NOW.into();
    // Everyone else goes on working, the administrator's acts included.
    s.residential();
    s.ok("root", &["actor", "revoke", "bob", "--reason", "left"]);
    let problems = s.verify_problems();
    assert_eq!(
        problems,
        [at(
            n,
            &format!(
                "the entry is dated 2026-03-26T17:00:00+08:00, ahead of entry {} appended after it (2026-03-01T17:00:00+08:00): it was dated ahead of the clock of the machine that appended next",
                n + 1
            )
        )]
    );
}

/// R-A8: the register file an act writes is only a readable copy: one saying more than
/// its entry (a later training date than the act records) is named, and the register the
/// log builds decides who may act.
#[test]
fn r_a8_a_register_file_that_says_more_than_its_act_is_named() {
    let s = TestStore::new();
    let v1 = std::fs::read_to_string(s.path("records/_actors/bob/v0001.toml")).unwrap();
    let file = s.write_by_hand(
        "records/_actors/bob/v0002.toml",
        &v1.replace("version = 1", "version = 2")
            .replace("trained_on = \"2026-01-05\"", "trained_on = \"2026-02-20\""),
    );
    let line = append_entries(
        &s,
        &[
            json!({"actor": "root", "role": "admin", "action": "actor-update",
                 "record": "bob", "version": 2, "files": [file],
                 "detail": {"trained_on": "2026-02-01"}}),
        ],
    );
    assert_eq!(
        s.verify_problems(),
        [at(
            line,
            "records/_actors/bob/v0002.toml is not the register entry the act gives"
        )]
    );
}

/// One customer, one record, without an oracle: every answer about whether typed
/// identity numbers are held is a counted probe, a daily allowance bounds them, a dry run
/// beyond it checks nothing, and the auditor sees the counts.
#[test]
fn identity_numbers_checked_are_counted_and_bounded() {
    let s = TestStore::new();
    s.residential();
    let cfg = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        cfg.replace("probe_allowance = 50", "probe_allowance = 3"),
    )
    .unwrap();
    // A smaller allowance narrows a rule: one administrator applies it.
    let out = s.run("root", &["policy", "apply", "--reason", "three a day"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    let guesses: String = (0..4)
        .map(|i| {
            format!(
                "王五{i},resident-id,{},residential,1395710234{i},杭州市上城区,2026-01-05\n",
                resident_id(200 + i)
            )
        })
        .collect();
    let csv = s.path("../guesses.csv");
    std::fs::write(
        &csv,
        format!("name,id_kind,id_number,category,phone,address,account_opened_on\n{guesses}"),
    )
    .unwrap();
    let f = csv.to_str().unwrap();
    let err = s.fails_unchanged("bob", &["import", "customer", f, "--dry-run"], DENIED);
    assert_eq!(
        err,
        "error: a dry run of this file would check 4 identity numbers against the store, but you may have 3 more checked today (of 3, policy.probe_allowance): nothing was checked\nhint: import the file for real (all or nothing: rows written are not guesses), or check it in smaller files\n"
    );
    for i in 0..3 {
        let value = format!("id_number={}", resident_id(300 + i));
        s.ok("bob", &["exists", "customer", &value]);
    }
    let err = s.fails_unchanged(
        "bob",
        &["exists", "customer", &format!("id_number={SEEDED_ID}")],
        DENIED,
    );
    assert!(
        err.starts_with("error: the identity numbers you may check against the store today are spent (3, policy.probe_allowance)"),
        "{err}"
    );
    // Rows written are not guesses: a real import of new customers goes through.
    s.ok("bob", &["import", "customer", f]);
    let status = s.ok("audrey", &["status"]);
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("bob ") && l.contains(" 2026-03-01 ") && l.contains(" 3 ")),
        "{status}"
    );
    s.ok("", &["verify"]);
}

/// A registration by hand of a name that reads like a registered one (`Alice` beside
/// `alice`) is named by replay, as the command refuses it.
#[test]
fn a_look_alike_actor_registered_by_hand_is_named() {
    let s = TestStore::new();
    let key = std::fs::read_to_string(s.pubkey("twin")).unwrap();
    let file = s.write_by_hand("records/_actors/Alice/v0001.toml", "name = \"Alice\"\n");
    let line = append_entries(
        &s,
        &[
            json!({"actor": "root", "role": "admin", "action": "actor-add",
                 "record": "Alice", "version": 1, "files": [file],
                 "detail": {"role": "business-staff", "key": key.trim(),
                            "agreement_signed": "2026-01-05", "trained_on": "2026-01-05"}}),
        ],
    );
    let problems = s.verify_problems();
    assert!(
        problems.contains(&at(
            line,
            "`Alice` reads like the registered actor `alice` (the same letters but for case or look-alike characters): logs and reviews could not tell the two apart"
        )),
        "{problems:?}"
    );
}

/// Customer `c`'s next version by hand as `action`, with a reason, at `file_name`.
fn customer_by_hand(s: &TestStore, c: &str, action: &str, file_name: &str) -> Value {
    let text = s
        .version_text("customer", c, 1)
        .replace("version = 1\n", "version = 2\n")
        .replace(
            "action = \"create\"",
            &format!("action = \"{action}\"\nreason = \"两处同时修改\""),
        );
    s.write_by_hand(&format!("records/customer/2026/000/{c}.{file_name}"), &text)
}

#[test]
fn a_resolve_written_by_hand_where_no_sites_met_is_named() {
    let s = TestStore::new();
    let c = s.customer("residential", &[]);
    let file = customer_by_hand(&s, &c, "resolve", "v0002.toml");
    let keep = format!("records/customer/2026/000/{c}.v0001.toml");
    let line = append_entries(
        &s,
        &[
            json!({"actor": "alice", "role": "business-staff", "action": "resolve",
                 "record": c, "version": 2, "files": [file],
                 "detail": {"reason": "两处同时修改", "keep": keep, "settles": "",
                            "status": "active", "policy": "1"}}),
        ],
    );
    assert_eq!(
        s.verify_problems(),
        [at(
            line,
            &format!("the act resolves `{c}`, which is in no conflict between sites here")
        )]
    );
}

#[test]
fn a_version_file_named_for_another_site_is_named() {
    let s = TestStore::new();
    let c = s.customer("residential", &[]);
    let file = customer_by_hand(&s, &c, "amend", "v0002.HZ.toml");
    let line = append_entries(
        &s,
        &[
            json!({"actor": "alice", "role": "business-staff", "action": "amend",
                 "record": c, "version": 2, "files": [file],
                 "detail": {"reason": "两处同时修改", "fields": "",
                            "status": "active", "policy": "1"}}),
        ],
    );
    let problems = s.verify_problems();
    let expected = at(
        line,
        &format!(
            "the act writes `records/customer/2026/000/{c}.v0002.HZ.toml`, but a version written at site MAIN is named `v0002.toml`"
        ),
    );
    assert!(problems.contains(&expected), "{problems:?}");
}

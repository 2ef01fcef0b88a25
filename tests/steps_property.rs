//! No sequence of ordinary acts avoids a required signature (R-C3, R-C4, R-C8, R-C10).
//! Random sequences — a customer reclassified, an installation's terms amended, a draft
//! withdrawn and submitted again, approvals and rejections by the roles at hand — are
//! run through the real binary, by business staff alone or with one or two approving
//! roles, while a model written from the seed's rules (not from docket's) notes which
//! signatures each contract's terms and customer called for while it waited. No contract
//! may end active without every such signature given after it was called for.
//!
//! `PROPTEST_CASES=N cargo test --test steps_property` runs more cases than CI's 6.

mod common;
use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Roles whose step the seed asks for, by who takes it.
const MARKET: &str = "market-manager";
const PLANNING: &str = "planning-construction";
const VP: &str = "vp-operations";

/// One act of a sequence.
#[derive(Debug, Clone)]
enum Step {
    /// The customer becomes this category.
    Reclassify(&'static str),
    /// The contract's terms: instalments, a schedule, a property dispute.
    Amend {
        installments: bool,
        schedule: bool,
        dispute: bool,
    },
    /// The drafter withdraws the contract and submits a new one with the same terms.
    Resubmit,
    /// An approver at hand approves (or rejects) what waits for their role.
    Approve(usize),
    Reject(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        prop::sample::select(vec![
            "residential",
            "commercial",
            "collective",
            "industrial"
        ])
        .prop_map(Step::Reclassify),
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(i, s, d)| Step::Amend {
            installments: i,
            schedule: s,
            dispute: d,
        }),
        Just(Step::Resubmit),
        (0usize..3).prop_map(Step::Approve),
        (0usize..3).prop_map(Step::Reject),
    ]
}

/// The contract as the model knows it.
struct Model {
    category: &'static str,
    installments: bool,
    schedule: bool,
    dispute: bool,
}

impl Model {
    /// The signatures the seed asks for these terms and this customer.
    fn required(&self) -> BTreeSet<&'static str> {
        let mut out = BTreeSet::new();
        if self.category != "residential" {
            out.insert(MARKET); // R-C3 (and budgeted installations)
        }
        if self.schedule {
            out.insert(PLANNING); // R-C8
        }
        if self.installments || self.dispute {
            out.insert(VP); // R-C4, R-C10
        }
        out
    }

    fn terms(&self, customer: &str) -> Vec<String> {
        let mut t = vec![
            format!("customer={customer}"),
            "signed_on=2026-02-20".into(),
            format!("property_dispute={}", self.dispute),
            format!("schedule_required={}", self.schedule),
        ];
        if self.category == "residential" {
            t.extend(["fee_basis=tariff".into(), "installation_fee=2800.00".into()]);
        } else {
            t.extend([
                "fee_basis=budget".into(),
                "installation_fee=18600.00".into(),
                "budget_amount=18600.00".into(),
            ]);
        }
        if self.installments {
            t.extend([
                "payment_plan=installments".into(),
                "payment_deadlines=2026-06-01;2026-09-01".into(),
                "installation_steps=管网;入户".into(),
            ]);
        } else {
            t.push("payment_plan=lump-sum".into());
        }
        if self.schedule {
            t.push("schedule_deadline=2026-08-31".into());
        }
        t
    }
}

/// Every signature a contract was asked for while it waited, with the number of
/// signatures given when its terms were last written: a signature counts if given after
/// that (an amendment resets approvals; reclassifying the customer does not).
#[derive(Default)]
struct Owed {
    asked: Vec<(&'static str, usize)>,
    given: Vec<&'static str>,
    /// How many signatures had been given when the terms were last written.
    terms_since: usize,
}

impl Owed {
    fn unpaid(&self) -> Vec<&'static str> {
        self.asked
            .iter()
            .filter(|(role, at)| !self.given[*at..].contains(role))
            .map(|(role, _)| *role)
            .collect()
    }
}

fn run(approvers: &[(&str, &'static str)], steps: &[Step]) {
    let s = TestStore::new();
    let customer = s.customer(
        "commercial",
        &["contact_name=李四", "contact_phone=13900001111"],
    );
    let mut model = Model {
        category: "commercial",
        installments: false,
        schedule: false,
        dispute: false,
    };
    let create = |s: &TestStore, m: &Model| {
        let mut args = vec!["create".to_string(), "installation".to_string()];
        args.extend(sets(&strs(&m.terms(&customer))));
        s.ok("alice", &strs(&args)).trim().to_string()
    };
    let mut contract = create(&s, &model);
    let mut owed = Owed::default();
    let note = |s: &TestStore, id: &str, m: &Model, owed: &mut Owed| {
        if s.status(id) == "pending" {
            let since = owed.terms_since;
            for role in m.required() {
                if !owed.asked.contains(&(role, since)) {
                    owed.asked.push((role, since));
                }
            }
        }
    };
    note(&s, &contract, &model, &mut owed);
    for step in steps {
        match step {
            Step::Reclassify(category) => {
                let out = s.run(
                    "alice",
                    &[
                        "amend",
                        &customer,
                        "--set",
                        &format!("category={category}"),
                        "--reason",
                        "reclassified",
                    ],
                );
                if out.code == 0 {
                    model.category = category;
                }
            }
            Step::Amend {
                installments,
                schedule,
                dispute,
            } => {
                let next = Model {
                    installments: *installments,
                    schedule: *schedule,
                    dispute: *dispute,
                    ..model
                };
                let mut args = vec!["amend".to_string(), contract.clone()];
                args.extend(sets(&strs(&next.terms(&customer)[1..])));
                for field in [
                    "budget_amount",
                    "payment_deadlines",
                    "installation_steps",
                    "schedule_deadline",
                ] {
                    if !next.terms(&customer).iter().any(|t| t.starts_with(field)) {
                        args.extend(["--unset".to_string(), field.to_string()]);
                    }
                }
                args.extend(["--reason".into(), "new terms".into()]);
                if s.run("alice", &strs(&args)).code == 0 {
                    model = next;
                    owed.terms_since = owed.given.len();
                }
            }
            Step::Resubmit => {
                let out = s.run(
                    "alice",
                    &["withdraw", &contract, "--reason", "submitted again"],
                );
                if out.code == 0 {
                    contract = create(&s, &model);
                    owed = Owed::default();
                }
            }
            Step::Approve(i) | Step::Reject(i) => {
                let Some((who, role)) = approvers.get(*i) else {
                    continue;
                };
                let out = match step {
                    Step::Approve(_) => s.run(who, &["approve", &contract]),
                    _ => s.run(who, &["reject", &contract, "--reason", "not yet"]),
                };
                if out.code == 0 && matches!(step, Step::Approve(_)) {
                    owed.given.push(role);
                }
            }
        }
        note(&s, &contract, &model, &mut owed);
        if s.status(&contract) == "active" {
            let unpaid = owed.unpaid();
            assert!(
                unpaid.is_empty(),
                "{contract} is active without {unpaid:?} after {steps:?}"
            );
        }
    }
    s.ok("", &["verify"]);
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Business staff alone: nothing waiting ever becomes active.
    #[test]
    fn one_role_alone_never_gets_past_a_required_signature(steps in prop::collection::vec(step(), 4..10)) {
        run(&[], &steps);
    }

    /// Business staff with the market manager, where the seed may also ask for planning
    /// or the operations VP.
    #[test]
    fn two_roles_together_never_skip_a_third(steps in prop::collection::vec(step(), 4..12)) {
        run(&[("mona", MARKET)], &steps);
    }

    /// With every approving role at hand, contracts do become active — after every
    /// signature their terms ever called for.
    #[test]
    fn every_role_at_hand_signs_what_was_asked(steps in prop::collection::vec(step(), 4..12)) {
        run(&[("mona", MARKET), ("pat", PLANNING), ("victor", VP)], &steps);
    }
}

/// A sequence proptest once found: the market manager signs, the customer becomes a
/// collective one (which needs the same signature), and planning signs. The contract is
/// active with every signature its terms and customer asked for.
#[test]
fn a_reclassification_after_the_signature_it_needs_asks_for_no_second_one() {
    let steps = [
        Step::Amend {
            installments: false,
            schedule: true,
            dispute: false,
        },
        Step::Approve(0),
        Step::Reclassify("collective"),
        Step::Approve(1),
        Step::Resubmit,
        Step::Approve(1),
        Step::Resubmit,
        Step::Approve(0),
    ];
    run(
        &[("mona", MARKET), ("pat", PLANNING), ("victor", VP)],
        &steps,
    );
}

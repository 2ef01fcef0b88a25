//! Policy is in the chain: docket.toml and schemas/ take effect only when an
//! administrator applies them (signed, logged, kept in the store); a file edited by hand
//! stops every run; records are read and judged by the rules they were written under.

mod common;
use common::*;

fn edit(s: &TestStore, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(s.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} holds {from}");
    std::fs::write(s.path(rel), text.replacen(from, to, 1)).unwrap();
}

const STAFF_REVEAL: &str = "reveal = [\"contact\"]\nactions = [\"complete\", \"terminate\"]\nscope = \"department\"\n\n# Manages";

#[test]
fn a_policy_file_edited_by_hand_stops_every_run_until_an_administrator_applies_it() {
    let s = TestStore::new();
    let id = s.residential();
    // A clerk gives business staff the identity class by editing roles.toml.
    edit(
        &s,
        "schemas/roles.toml",
        STAFF_REVEAL,
        &STAFF_REVEAL.replace("[\"contact\"]", "[\"contact\", \"identity\"]"),
    );
    let err = s.fails_unchanged(
        "alice",
        &["show", &id, "--reveal", "--purpose", "x"],
        INTEGRITY,
    );
    assert_eq!(
        err,
        "error: integrity check failed: schemas/roles.toml: differs from the applied policy (version 1): `docket policy diff` shows the change; an administrator applies it with `docket policy apply --reason TEXT`, or restore the file from git\nhint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n"
    );
    s.fails_unchanged("", &["verify"], INTEGRITY);
    let diff = s.ok("", &["policy", "diff"]);
    assert!(
        diff.contains("--- applied (version 1) schemas/roles.toml\n+++ live schemas/roles.toml\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-reveal = [\"contact\"]\n+reveal = [\"contact\", \"identity\"]\n"),
        "{diff}"
    );
    let err = s.fails_unchanged("alice", &["policy", "apply", "--reason", "x"], DENIED);
    assert!(
        err.starts_with("error: actor `alice` (role business-staff) may not apply a policy"),
        "{err}"
    );
    // It widens a role, so the administrator only proposes it: the rules in force stay
    // as they were until a second administrator co-signs. The copy is kept.
    let out = s.run(
        "root",
        &[
            "policy",
            "apply",
            "--reason",
            "clerks verify identity at the counter",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let proposed = out.stdout.trim().to_string();
    assert_eq!(
        out.stderr,
        format!(
            "proposed (entry {proposed}): role `business-staff` gains reveal identity. Another administrator makes it take effect with `docket policy approve {proposed}`\n"
        )
    );
    assert!(s.path("records/_policy/v0002/schemas/roles.toml").is_file());
    let masked = s.ok(
        "alice",
        &["show", &id, "--reveal", "--purpose", "counter check"],
    );
    assert!(!masked.contains(SEEDED_ID), "{masked}");
    let err = s.fails_unchanged("root", &["policy", "approve", &proposed], DENIED);
    assert!(
        err.starts_with("error: `root` co-signed their own proposal"),
        "{err}"
    );
    s.cosign("policy", &proposed);
    let log = s.ok("", &["log", "--action", "policy"]);
    assert!(log.contains(&format!("root2  admin  policy  policy  2        changed=schemas/roles.toml proposal={proposed} reason=clerks verify identity at the counter")), "{log}");
    let shown = s.ok(
        "alice",
        &["show", &id, "--reveal", "--purpose", "counter check"],
    );
    assert!(shown.contains(SEEDED_ID), "{shown}");
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "again"], CONFLICT);
    assert!(
        err.starts_with("error: nothing to apply: the live policy files are version 2"),
        "{err}"
    );
}

#[test]
fn nobody_widens_their_own_role_and_an_administrator_remains() {
    let s = TestStore::new();
    edit(
        &s,
        "schemas/roles.toml",
        "reveal = []\nactions = [\"manage-actors\", \"recover\"]",
        "reveal = [\"identity\"]\nactions = [\"manage-actors\", \"recover\"]",
    );
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], DENIED);
    assert_eq!(
        err,
        "error: the policy widens the permissions of role `admin`, which `root` holds: nobody widens their own role\nhint: another administrator must apply it\n"
    );
    edit(
        &s,
        "schemas/roles.toml",
        "reveal = [\"identity\"]\nactions = [\"manage-actors\", \"recover\"]",
        "reveal = []\nactions = [\"recover\"]",
    );
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], CONFLICT);
    assert!(
        err.starts_with(
            "error: under the new roles nobody in good standing manages the staff register"
        ),
        "{err}"
    );
}

#[test]
fn a_field_records_use_never_disappears_and_the_store_keeps_its_identity() {
    let s = TestStore::new();
    s.customer("residential", &["meter_model=G2.5"]);
    let schema = std::fs::read_to_string(s.path("schemas/customer.toml")).unwrap();
    let start = schema.find("[fields.meter_model]").unwrap();
    let end = start + schema[start..].find("\n\n").unwrap() + 2;
    let without = format!("{}{}", &schema[..start], &schema[end..]);
    std::fs::write(s.path("schemas/customer.toml"), &without).unwrap();
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID);
    assert_eq!(
        err,
        "error: schemas/customer.toml: field `meter_model`: 1 customer record(s) use field `meter_model`: it cannot disappear or change type\nhint: keep the field as it was; records are read by the rules they were written under\n"
    );
    std::fs::write(s.path("schemas/customer.toml"), &schema).unwrap();
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    let id_line = config.lines().find(|l| l.starts_with("id = ")).unwrap();
    edit(&s, "docket.toml", id_line, "id = \"0000000000000000\"");
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID);
    assert!(
        err.starts_with("error: docket.toml: field `store`: the store's id ("),
        "{err}"
    );
    edit(&s, "docket.toml", "id = \"0000000000000000\"", id_line);
    edit(
        &s,
        "docket.toml",
        "timezone = \"Asia/Shanghai\"",
        "timezone = \"Asia/Hangzhou\"",
    );
    let err = s.fails_unchanged("root", &["policy", "apply", "--reason", "x"], INVALID);
    assert!(
        err.contains("`Asia/Hangzhou` is not an IANA time zone name"),
        "{err}"
    );
}

/// R-C18: a contract is judged by the rules its terms were written under, whatever was
/// applied since; new contracts by the new rules.
#[test]
fn r_c18_records_are_judged_by_the_rules_they_were_written_under() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let terms = |customer: &str| {
        vec![
            format!("customer={customer}"),
            "installation_fee=18600.00".to_string(),
            "fee_basis=budget".into(),
            "budget_amount=18600.00".into(),
            "payment_plan=lump-sum".into(),
            "schedule_required=false".into(),
            "property_dispute=false".into(),
            "signed_on=2026-02-20".into(),
        ]
    };
    let old = s.create("alice", "installation", &strs(&terms(&c)));
    assert_eq!(s.status(&old), "pending");
    // The new rules drop the market manager's review of commercial installations.
    edit(
        &s,
        "schemas/installation.toml",
        "[[steps]]\nrole = \"market-manager\"\nwhen = \"customer.category != 'residential'\"\nrule = \"R-C3\"\n\n",
        "",
    );
    s.apply_policy("no market review");
    let new = s.create("alice", "installation", &strs(&terms(&c)));
    assert_eq!(s.status(&new), "active", "judged by version 2");
    assert!(
        s.ok("mona", &["pending"]).contains(&old),
        "still waits under version 1"
    );
    let shown = s.ok("alice", &["show", &old]);
    assert!(
        shown.contains("step market-manager  waiting (R-C3)"),
        "{shown}"
    );
    s.ok("mona", &["approve", &old]);
    assert_eq!(s.status(&old), "active");
    let v: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["show", "--format", "json", &old])).unwrap();
    assert_eq!(v["policy"], 1, "the approval keeps the rules of the terms");
    // Amending writes new terms: judged by the rules in force.
    s.ok(
        "alice",
        &[
            "amend",
            &old,
            "--set",
            "signed_on=2026-02-21",
            "--reason",
            "date",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_str(&s.ok("alice", &["show", "--format", "json", &old])).unwrap();
    assert_eq!(v["policy"], 2);
    assert_eq!(v["status"], "active");
    // A fresh machine reads every version by its own rules.
    let _ = std::fs::remove_dir_all(s.state());
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// An administrator who writes a policy version by hand — the copies and an entry signed
/// with their own key — to widen their own role is caught by the next check.
#[test]
fn a_hand_made_policy_entry_widening_the_signers_role_is_caught() {
    let s = TestStore::new();
    edit(
        &s,
        "schemas/roles.toml",
        "reveal = []\nactions = [\"manage-actors\", \"recover\"]",
        "reveal = [\"identity\"]\nactions = [\"manage-actors\", \"recover\"]",
    );
    let mut files = Vec::new();
    let mut sources = vec!["docket.toml".to_string()];
    for e in std::fs::read_dir(s.path("schemas")).unwrap() {
        sources.push(format!(
            "schemas/{}",
            e.unwrap().file_name().to_string_lossy()
        ));
    }
    for source in sources {
        let bytes = std::fs::read(s.path(&source)).unwrap();
        let copy = format!("records/_policy/v0002/{source}");
        std::fs::create_dir_all(s.path(&copy).parent().unwrap()).unwrap();
        std::fs::write(s.path(&copy), &bytes).unwrap();
        files.push(serde_json::json!({"path": copy, "sha256": sha256_hex(&bytes)}));
    }
    let log = s.log_text();
    let n = log.lines().count();
    let entry = serde_json::json!({
        "seq": n + 1, "time": NOW_LOCAL, "actor": "root", "role": "admin", "action": "policy",
        "record": "policy", "version": 2, "files": files, "detail": {"reason": "mine"},
    });
    let last = &log.lines().last().unwrap()[..64];
    let appended = format!("{log}{} {last} {} -\n", "0".repeat(64), entry);
    let forged = forge_log(&appended, n + 1, &|_, _| {}, &|a| Some(s.key(a)));
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    let _ = std::fs::remove_dir_all(s.state());
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "records/audit.log:{}: this needs a second administrator's co-signature: role `admin` gains reveal identity",
            n + 1
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "records/audit.log:{}: role `admin` manages actors and may also reveal personal data",
            n + 1
        )),
        "{err}"
    );
}

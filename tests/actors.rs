//! The staff register: nobody acts unregistered, without a signed agreement or with stale
//! training, and managing the register is an audited admin act.

mod common;
use common::*;

#[test]
fn r_b1_unregistered_actor_is_refused() {
    let s = TestStore::new();
    let err = s.fails_unchanged("mallory", &["query"], DENIED);
    assert_eq!(
        err,
        "error: actor `mallory` is not registered in this store (R-B1)\nhint: an administrator registers staff: docket actor add NAME --role ROLE --key FILE.pub --agreement-signed DATE --trained-on DATE\n"
    );
    // A typo of a registered name is answered with the name.
    let err = s.fails_unchanged("alcie", &["query"], DENIED);
    assert_eq!(
        err,
        "error: actor `alcie` is not registered in this store (R-B1)\nhint: did you mean `alice`?\n"
    );
}

#[test]
fn r_b1_no_actor_at_all_is_a_usage_error() {
    let s = TestStore::new();
    let err = s.fails_unchanged("", &["create", "customer", "--set", "name=x"], USAGE);
    assert_eq!(
        err,
        "error: this command acts as someone: pass --as ACTOR or set DOCKET_ACTOR\nhint: every act is done as a registered actor (R-B1)\n"
    );
    // Reading commands say why they need to know who asks.
    for read in [
        vec!["query"],
        vec!["whoami"],
        vec!["actor", "list"],
        vec!["show", "CUS-2026-000001"],
    ] {
        let err = s.fails_unchanged("", &read, USAGE);
        assert_eq!(
            err,
            "error: reading needs to know your role: pass --as ACTOR or set DOCKET_ACTOR\nhint: what docket shows depends on who asks: masking, departments and steps follow the reader's role (R-C17)\n",
            "{read:?}"
        );
    }
    let zh = s
        .cmd("", &["whoami"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&zh.stderr),
        "错误：查阅需要知道您的角色：请加 --as 操作员 或设置 DOCKET_ACTOR\n提示：docket 显示什么取决于谁在查阅：遮蔽、部门范围和审批步骤都按查阅者的角色而定（R-C17）\n"
    );
}

#[test]
fn r_b1_actor_without_signed_agreement_is_refused() {
    let s = TestStore::new();
    s.ok(
        "root",
        &[
            "actor",
            "add",
            "newbie",
            "--key",
            &s.pubkey("newbie"),
            "--role",
            "business-staff",
            "--trained-on",
            "2026-02-01",
        ],
    );
    let err = s.fails_unchanged("newbie", &["query"], DENIED);
    assert_eq!(
        err,
        "error: actor `newbie` has not signed the information-security agreement (R-B1)\nhint: an administrator records it: docket actor update newbie --agreement-signed DATE\n"
    );
    s.ok(
        "root",
        &[
            "actor",
            "update",
            "newbie",
            "--agreement-signed",
            "2026-02-01",
        ],
    );
    s.ok("newbie", &["query"]);
}

#[test]
fn r_a8_training_is_valid_365_days_inclusive() {
    let s = TestStore::new();
    // NOW is 2026-03-01; 2025-03-01 is exactly 365 days before.
    s.ok(
        "root",
        &[
            "actor",
            "add",
            "t365",
            "--key",
            &s.pubkey("t365"),
            "--role",
            "business-staff",
            "--agreement-signed",
            "2025-01-01",
            "--trained-on",
            "2025-03-01",
        ],
    );
    s.ok(
        "root",
        &[
            "actor",
            "add",
            "t366",
            "--key",
            &s.pubkey("t366"),
            "--role",
            "business-staff",
            "--agreement-signed",
            "2025-01-01",
            "--trained-on",
            "2025-02-28",
        ],
    );
    s.ok("t365", &["query"]);
    let err = s.fails_unchanged("t366", &["query"], DENIED);
    assert_eq!(
        err,
        "error: actor `t366`'s data-protection training of 2025-02-28 is more than 365 days old (R-A8)\nhint: after refresher training: docket actor update t366 --trained-on DATE\n"
    );
}

#[test]
fn r_a8_training_limit_is_a_store_setting() {
    let s = TestStore::new();
    let cfg = std::fs::read_to_string(s.path("docket.toml"))
        .unwrap()
        .replace("training_valid_days = 365", "training_valid_days = 30");
    std::fs::write(s.path("docket.toml"), cfg).unwrap();
    s.apply_policy("monthly training");
    // alice was trained on 2026-01-05: 55 days ago.
    let err = s.fails_unchanged("alice", &["query"], DENIED);
    assert!(err.contains("is more than 30 days old (R-A8)"), "{err}");
}

#[test]
fn r_a8_missing_training_is_refused() {
    let s = TestStore::new();
    let proposed = s.ok(
        "root",
        &[
            "actor",
            "add",
            "untrained",
            "--key",
            &s.pubkey("untrained"),
            "--role",
            "auditor",
            "--agreement-signed",
            "2026-01-01",
        ],
    );
    s.cosign("actor", &proposed);
    let err = s.fails_unchanged("untrained", &["query"], DENIED);
    assert_eq!(
        err,
        "error: actor `untrained` has no recorded data-protection training (R-A8)\nhint: an administrator records it: docket actor update untrained --trained-on DATE\n"
    );
}

#[test]
fn revoked_actors_may_not_act() {
    let s = TestStore::new();
    s.ok(
        "root",
        &["actor", "revoke", "bob", "--reason", "left the company"],
    );
    let err = s.fails_unchanged("bob", &["query"], DENIED);
    assert_eq!(
        err,
        "error: actor `bob` has been revoked and may not act\nhint: ask an administrator if this is wrong\n"
    );
    let err = s.fails_unchanged(
        "root",
        &["actor", "revoke", "bob", "--reason", "again"],
        CONFLICT,
    );
    assert_eq!(
        err,
        "error: actor `bob` is already revoked\nhint: `docket actor list` shows who is active\n"
    );
}

#[test]
fn r_b2_only_admins_manage_the_register_and_it_is_audited() {
    let s = TestStore::new();
    let eve = s.pubkey("eve");
    let err = s.fails_unchanged(
        "alice",
        &["actor", "add", "eve", "--role", "admin", "--key", &eve],
        DENIED,
    );
    assert_eq!(
        err,
        "error: actor `alice` (role business-staff) may not manage the staff register\nhint: roles that may: admin\n"
    );
    // A promotion into a role that reaches every department takes two administrators.
    let proposed = s.ok(
        "root",
        &[
            "actor",
            "update",
            "alice",
            "--role",
            "planning-construction",
        ],
    );
    assert_eq!(proposed.trim(), (s.log_text().lines().count()).to_string());
    s.cosign("actor", &proposed);
    let log = s.ok("root", &["log", "--record", "alice"]);
    assert!(
        log.contains("root   admin  actor-add      alice   1        agreement_signed=2026-01-05 key=ssh-ed25519 "),
        "{log}"
    );
    assert!(
        log.contains(" role=business-staff trained_on=2026-01-05\n"),
        "{log}"
    );
    assert!(
        log.contains("root   admin  actor-propose  alice            change=update role=planning-construction widens=it registers or promotes an actor into role `planning-construction`, which manages others or reaches every department\n"),
        "{log}"
    );
    assert!(
        log.contains(&format!("root2  admin  actor-update   alice   2        proposal={} role=planning-construction\n", proposed.trim())),
        "{log}"
    );
}

#[test]
fn register_bad_input() {
    let s = TestStore::new();
    let carol = s.pubkey("carol");
    let err = s.fails_unchanged(
        "root",
        &[
            "actor", "add", "carol", "--role", "janitor", "--key", &carol,
        ],
        INVALID,
    );
    assert!(err.starts_with("error: --role: unknown role `janitor`\nhint: roles: admin, archivist, auditor, business-staff,"), "{err}");
    let err = s.fails_unchanged(
        "root",
        &["actor", "add", "../x", "--role", "auditor", "--key", &carol],
        INVALID,
    );
    assert!(
        err.starts_with("error: NAME: `../x` is not a usable actor name\n"),
        "{err}"
    );
    let err = s.fails_unchanged(
        "root",
        &[
            "actor", "add", "alice", "--role", "auditor", "--key", &carol,
        ],
        CONFLICT,
    );
    assert!(
        err.starts_with("error: actor `alice` is already registered\n"),
        "{err}"
    );
    let err = s.fails_unchanged(
        "root",
        &["actor", "update", "alice", "--trained-on", "2026-02-30"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --trained-on: `2026-02-30` is not a calendar date\nhint: write the date as YYYY-MM-DD, e.g. 2026-03-05\n"
    );
    let err = s.fails_unchanged(
        "root",
        &["actor", "revoke", "root", "--reason", "x"],
        CONFLICT,
    );
    assert_eq!(
        err,
        "error: an administrator cannot revoke themself: another administrator must\nhint: ask another administrator\n"
    );
}

#[test]
fn actor_list_shows_the_register() {
    let s = TestStore::new();
    let out = s.ok("root", &["actor", "list"]);
    assert!(
        out.starts_with(
            "name    role                   department  agreement_signed  trained_on  state\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "alice   business-staff         centre      2026-01-05        2026-01-05  active\n"
        ),
        "{out}"
    );
}

//! Everyday wants: reading part of the log, getting an archived paper back, what a drafter
//! must fix, withdrawing one's own draft, knowing what stayed masked, registering staff
//! who cannot act yet, and actors named in any script.

mod common;
use common::*;

/// A residential installation by alice: active at once (R-C2).
fn installation(s: &TestStore) -> String {
    let customer = s.residential();
    let mut pairs = vec![format!("customer={customer}")];
    pairs.extend(INSTALL.iter().map(|p| p.to_string()));
    s.create("alice", "installation", &strs(&pairs))
}

/// A commercial installation by alice, waiting for the market manager (R-C3).
fn pending_installation(s: &TestStore) -> String {
    let customer = s.customer("commercial", &[]);
    s.create(
        "alice",
        "installation",
        &[
            &format!("customer={customer}"),
            "installation_fee=18600.00",
            "fee_basis=budget",
            "budget_amount=18600.00",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    )
}

fn log_json(s: &TestStore, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["log", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str::<serde_json::Value>(&s.ok("", &all))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn log_limit_keeps_the_most_recent_and_until_is_inclusive() {
    let s = TestStore::new();
    let all = log_json(&s, &[]);
    let last3 = log_json(&s, &["--limit", "3"]);
    assert_eq!(last3.len(), 3);
    assert_eq!(last3[2]["seq"], all.last().unwrap()["seq"]);
    // Every entry so far was written on 2026-03-01 in the store's zone.
    assert_eq!(log_json(&s, &["--until", "2026-03-01"]).len(), all.len());
    assert_eq!(log_json(&s, &["--until", "2026-02-28"]).len(), 0);
    let err = s.fails_unchanged("", &["log", "--until", "2026-02-30"], INVALID);
    assert!(err.starts_with("error: --until: "), "{err}");
}

#[test]
fn an_archived_paper_comes_back_as_filed_for_a_stated_purpose() {
    let s = TestStore::new();
    let id = installation(&s);
    s.ok("alice", &["complete", &id]);
    let paper = s.path("../notice.txt");
    std::fs::write(&paper, "送气通知单 SQ2026-0031").unwrap();
    s.ok(
        "arch",
        &["archive", &id, "--attach", paper.to_str().unwrap()],
    );
    let out = s.path("../back.txt");
    let out_s = out.to_str().unwrap();
    let get = [
        "attachment",
        "get",
        &id,
        "notice.txt",
        out_s,
        "--purpose",
        "fee dispute",
    ];
    // Business staff do not read archived papers.
    let err = s.fails_unchanged("alice", &get, DENIED);
    assert!(
        err.starts_with(
            "error: actor `alice` (role business-staff) may not read archived papers\n"
        ),
        "{err}"
    );
    s.ok("arch", &get);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "送气通知单 SQ2026-0031"
    );
    let entry = log_json(&s, &["--action", "attachment-get"]).pop().unwrap();
    assert_eq!(entry["actor"], "arch");
    assert_eq!(entry["detail"]["purpose"], "fee dispute");
    // Never over an existing file, and then nothing is logged.
    let err = s.fails_unchanged("audrey", &get, CONFLICT);
    assert_eq!(
        err,
        format!(
            "error: {out_s} exists: docket never writes over a file\nhint: give a path that does not exist yet\n"
        )
    );
    let err = s.fails_unchanged(
        "arch",
        &[
            "attachment",
            "get",
            &id,
            "notise.txt",
            "-",
            "--purpose",
            "x",
        ],
        INVALID,
    );
    assert_eq!(
        err,
        format!(
            "error: NAME: `{id}` has no paper `notise.txt`\nhint: did you mean `notice.txt`? (papers of {id}: notice.txt)\n"
        )
    );
    let stdout = s.ok(
        "audrey",
        &[
            "attachment",
            "get",
            &id,
            "notice.txt",
            "-",
            "--purpose",
            "audit",
        ],
    );
    assert_eq!(stdout, "送气通知单 SQ2026-0031");
    // To a terminal it is refused before anything is read or logged.
    let before = s.log_text();
    let (code, shown) = on_terminal(
        &s,
        "audrey",
        &format!("attachment get {id} notice.txt - --purpose audit"),
        &[],
    );
    assert_eq!(code, USAGE, "{shown}");
    assert_eq!(
        shown,
        "error: a paper is not written to a terminal: its bytes could be read as control sequences\nhint: give a file to write it to, or pipe it: docket attachment get ID NAME - --purpose TEXT | less\n"
    );
    assert_eq!(before, s.log_text());
    let (_, zh) = on_terminal(
        &s,
        "audrey",
        &format!("attachment get {id} notice.txt - --purpose audit"),
        &[("LANG", "zh_CN.UTF-8")],
    );
    assert!(
        zh.starts_with("错误：纸质材料不写到终端：其字节可能被当成控制序列\n"),
        "{zh}"
    );
    // A paper changed in the store is not handed out.
    let stored =
        std::fs::read_dir(s.path(&format!("records/installation/2026/000/{id}/attachments")))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
    std::fs::write(&stored, "forged").unwrap();
    s.fails(
        "audrey",
        &[
            "attachment",
            "get",
            &id,
            "notice.txt",
            "-",
            "--purpose",
            "audit",
        ],
        INTEGRITY,
    );
}

#[test]
fn a_drafter_sees_their_rejected_contract_in_pending_and_may_withdraw_it() {
    let s = TestStore::new();
    let id = pending_installation(&s);
    s.ok("mona", &["reject", &id, "--reason", "budget sheet missing"]);
    let pending = s.ok("alice", &["pending", "--format", "csv"]);
    assert!(
        pending.contains(&format!(
            "{id},installation,rejected,your amendment or withdrawal: rejected by mona (budget sheet missing),"
        )),
        "{pending}"
    );
    assert!(
        !s.ok("bob", &["pending"]).contains(&id),
        "only its drafter is asked"
    );
    // Only who drafted it withdraws it; then it never changes again.
    let err = s.fails_unchanged("bob", &["withdraw", &id, "--reason", "x"], DENIED);
    assert_eq!(
        err,
        format!(
            "error: actor `bob` did not draft `{id}`: only who drafted or amended it may withdraw it\nhint: a reviewer rejects it instead: `docket reject ID --reason`\n"
        )
    );
    s.ok(
        "alice",
        &["withdraw", &id, "--reason", "customer changed their mind"],
    );
    assert_eq!(s.status(&id), "withdrawn");
    assert!(!s.ok("alice", &["pending"]).contains(&id));
    let amend = [
        "amend",
        &id,
        "--set",
        "signed_on=2026-02-28",
        "--reason",
        "x",
    ];
    s.fails_unchanged("alice", &amend, CONFLICT);
    s.fails_unchanged("alice", &["withdraw", &id, "--reason", "again"], CONFLICT);
    // A pending draft is withdrawn the same way.
    let other = pending_installation(&s);
    s.ok(
        "alice",
        &["withdraw", &other, "--reason", "duplicate draft"],
    );
    s.fails_unchanged("mona", &["approve", &other], CONFLICT);
}

#[test]
fn a_reveal_says_which_classes_stayed_masked() {
    let s = TestStore::new();
    let id = s.residential();
    let out = s.run(
        "alice",
        &["show", &id, "--reveal", "--purpose", "meter visit"],
    );
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains(SEEDED_PHONE), "contact is revealed");
    assert!(!out.stdout.contains(SEEDED_ID));
    assert_eq!(
        out.stderr,
        "still masked: identity (role business-staff may not reveal it)\n"
    );
    let auditor = s.run("audrey", &["show", &id, "--reveal", "--purpose", "audit"]);
    assert_eq!(auditor.stderr, "", "the auditor sees every class");
}

#[test]
fn an_actor_registered_without_agreement_or_training_is_told_they_cannot_act_yet() {
    let s = TestStore::new();
    let key = s.pubkey("newbie");
    let out = s.run(
        "root",
        &[
            "actor",
            "add",
            "newbie",
            "--role",
            "business-staff",
            "--key",
            &key,
        ],
    );
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "registered `newbie` as business-staff\n\
         warning: `newbie` cannot act yet: actor `newbie` has not signed the information-security agreement (R-B1)\n"
    );
    let trained = s.run(
        "root",
        &[
            "actor",
            "add",
            "ready",
            "--role",
            "business-staff",
            "--key",
            &s.pubkey("ready"),
            "--agreement-signed",
            "2026-01-05",
            "--trained-on",
            "2026-01-05",
        ],
    );
    assert_eq!(trained.stderr, "registered `ready` as business-staff\n");
}

#[test]
fn actors_may_be_named_in_any_script_but_never_a_mix_that_imitates_another() {
    let s = TestStore::new();
    s.add_actor("王芳", "business-staff");
    let id = s.residential();
    s.ok(
        "王芳",
        &[
            "amend",
            &id,
            "--set",
            "phone=13900002222",
            "--reason",
            "新号码",
        ],
    );
    let entry = log_json(&s, &["--actor", "王芳"]).pop().unwrap();
    assert_eq!(entry["action"], "amend");
    let key = s.pubkey("x");
    let err = s.fails_unchanged(
        "root",
        &[
            "actor",
            "add",
            "аlice",
            "--role",
            "business-staff",
            "--key",
            &key,
        ],
        INVALID,
    );
    assert!(
        err.starts_with("error: NAME: `аlice` is not a usable actor name\n"),
        "{err}"
    );
    // A name that reads like a registered one, but for case or look-alike letters.
    for twin in ["Alice", "аӏісе"] {
        let err = s.fails_unchanged(
            "root",
            &[
                "actor",
                "add",
                twin,
                "--role",
                "business-staff",
                "--key",
                &key,
            ],
            CONFLICT,
        );
        assert_eq!(
            err,
            format!(
                "error: `{twin}` reads like the registered actor `alice` (the same letters but for case or look-alike characters): logs and reviews could not tell the two apart\nhint: choose a name that reads differently, e.g. with the family name or a number\n"
            )
        );
    }
    let zh = s
        .cmd(
            "root",
            &[
                "actor",
                "add",
                "Alice",
                "--role",
                "business-staff",
                "--key",
                &key,
            ],
        )
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&zh.stderr),
        "错误：`Alice` 与已登记的操作员 `alice` 看起来一样（只是大小写不同或用了形似的字符）：日志和审查中无法区分二者\n提示：请换一个看起来不同的名字，例如加上姓氏或数字\n"
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// `log` takes the days people say — today, yesterday, 7d — counted in the store's zone,
/// and an entry number that is not in the log is an error, not an empty table.
#[test]
fn log_takes_days_as_people_say_them_and_refuses_an_entry_not_in_the_log() {
    let mut s = TestStore::new();
    s.now = "2026-02-20T09:00:00Z".into();
    s.residential();
    s.now = NOW.into();
    s.customer("commercial", &[]);
    let rows = |since: &str| {
        s.ok("", &["log", "--action", "create", "--since", since])
            .lines()
            .count()
            - 1
    };
    assert_eq!(rows("today"), 1);
    assert_eq!(rows("yesterday"), 1);
    assert_eq!(rows("7d"), 1);
    assert_eq!(rows("10d"), 2);
    assert_eq!(rows("2026-02-20"), 2);
    // The header names the zone those days are counted in.
    let table = s.ok("", &["log", "--limit", "1"]);
    assert!(
        table.starts_with("seq  time (Asia/Shanghai)       actor"),
        "{table}"
    );
    let zh = s
        .cmd("", &["log", "--limit", "1"])
        .env("LANG", "zh_CN.UTF-8")
        .output();
    let zh = String::from_utf8(zh.expect("runs").stdout).expect("utf-8");
    assert!(zh.starts_with("序号  时间（Asia/Shanghai）"), "{zh}");
    let last = s.log_text().lines().count();
    for n in ["0", &(last + 1).to_string()] {
        let err = s.fails_unchanged("", &["log", "--entry", n], INVALID);
        assert_eq!(
            err,
            format!(
                "error: --entry: there is no entry {n}: the log holds entries 1 to {last}\nhint: `docket log` lists them with their numbers\n"
            )
        );
    }
}

/// Managers and the auditor see what waits for another role; staff who reach only their
/// own department's records do not.
#[test]
fn pending_for_another_role_is_for_those_who_reach_every_record() {
    let s = TestStore::new();
    let c = s.customer("commercial", &[]);
    let id = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={c}"),
            "fee_basis=budget",
            "installation_fee=18600.00",
            "budget_amount=18600.00",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-02-20",
        ],
    );
    let waiting = s.ok("audrey", &["pending", "--role", "market-manager"]);
    assert!(
        waiting.contains(&format!(
            "{id}  installation  pending  market-manager (R-C3)"
        )),
        "{waiting}"
    );
    let err = s.fails_unchanged("alice", &["pending", "--role", "market-manager"], DENIED);
    assert_eq!(
        err,
        "error: role `business-staff` reaches only its own department's records, so it may not see what waits for `market-manager`\nhint: `docket pending` lists what waits for you\n"
    );
    let err = s.fails_unchanged("audrey", &["pending", "--role", "market-manger"], INVALID);
    assert!(
        err.starts_with(
            "error: --role: unknown role `market-manger`\nhint: did you mean `market-manager`?"
        ),
        "{err}"
    );
}

/// Inputs are bounded by the policy: a record file, an import and its lines, a value.
/// `/dev/zero` is refused at once, never read until memory runs out; nothing is written.
#[test]
fn inputs_larger_than_the_policy_allows_are_refused() {
    let s = TestStore::new();
    let err = s.fails_unchanged(
        "alice",
        &["create", "customer", "--file", "/dev/zero"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: /dev/zero: larger than 1 MiB, the most docket reads here (policy.max_file_bytes)\nhint: check that this is the file you meant; an administrator can raise `max_file_bytes` in docket.toml's [policy]\n"
    );
    let err = s.fails_unchanged("alice", &["import", "customer", "/dev/zero"], INVALID);
    assert_eq!(
        err,
        "error: /dev/zero:1: a line longer than 64 KiB (policy.max_line_bytes)\nhint: check that this is a CSV file with one record a line; an administrator can raise `max_line_bytes` in docket.toml's [policy]\n"
    );
    let long = format!("address={}", "长".repeat(2001));
    let mut args = with_sets(
        &["create", "customer"],
        &[
            "name=张伟",
            "id_kind=resident-id",
            "id_number=11010519491231002X",
            "category=residential",
            "phone=13857101234",
            "account_opened_on=2026-01-10",
        ],
    );
    args.extend(["--set".to_string(), long]);
    let err = s.fails_unchanged("alice", &strs(&args), INVALID);
    assert!(
        err.starts_with(
            "error: field `address`: holds 2001 characters; a value holds at most 2000 (policy.max_value_chars)\n"
        ),
        "{err}"
    );
    let zh = s
        .cmd("alice", &["create", "customer", "--file", "/dev/zero"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&zh.stderr),
        "错误：/dev/zero: 超过 1 MiB，这是 docket 在此读取的上限（policy.max_file_bytes）\n提示：请确认这是您要用的文件；管理员可以在 docket.toml 的 [policy] 中调高 `max_file_bytes`\n"
    );
}

/// A table fits the terminal it is printed on: long columns are cut with `…`, no line is
/// wider than the terminal; a pipe gets every character.
#[test]
fn tables_fit_the_terminal_and_pipes_get_everything() {
    let s = TestStore::new();
    s.residential();
    s.customer("commercial", &[]);
    let (_, shown) = on_terminal(&s, "alice", "query", &[("COLUMNS", "60")]);
    use unicode_width::UnicodeWidthStr;
    assert!(shown.lines().count() >= 3, "{shown}");
    for line in shown.lines() {
        assert!(line.width() <= 60, "{} columns: {line}", line.width());
    }
    assert!(shown.contains('…'), "{shown}");
    let piped = s.ok("alice", &["query"]);
    assert!(!piped.contains('…'), "{piped}");
    assert!(piped.lines().any(|l| l.width() > 60), "{piped}");
}

//! The customer's right of access (R-A6): `subject export` hands over everything the store
//! holds about one customer — the record and its contracts, every version, who acted on
//! or read them — as JSON or a page, logged as a reveal before anything is written out.

mod common;
use common::*;
use serde_json::Value;

/// A customer rectified once, with an installation contract, and another customer.
fn customer_with_a_contract(s: &TestStore) -> (String, String, String) {
    let customer = s.residential();
    s.ok(
        "alice",
        &[
            "amend",
            &customer,
            "--set",
            "address=杭州市上城区解放路21号",
            "--reason",
            "用户来电更正地址",
        ],
    );
    let mut pairs = vec![format!("customer={customer}")];
    pairs.extend(INSTALL.iter().map(|p| p.to_string()));
    let contract = s.create("alice", "installation", &strs(&pairs));
    let other = s.customer("commercial", &[]);
    (customer, contract, other)
}

fn exported(s: &TestStore, actor: &str, id: &str) -> Value {
    let out = s.ok(
        actor,
        &["subject", "export", id, "--purpose", "用户本人查阅申请"],
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn r_a6_subject_export_holds_every_record_version_and_act_about_the_customer() {
    let s = TestStore::new();
    let (customer, contract, other) = customer_with_a_contract(&s);
    // A reveal of every customer: the export lists it, naming only this one.
    s.ok(
        "audrey",
        &["query", "customer", "--reveal", "--purpose", "年度核查"],
    );
    let before = s.log_text().lines().count();
    let got = exported(&s, "audrey", &customer);
    assert_eq!(got["subject"], customer.as_str());
    assert_eq!(got["purpose"], "用户本人查阅申请");
    assert_eq!(got["exported_by"], "audrey");
    let records = got["records"].as_array().unwrap();
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [customer.as_str(), contract.as_str()], "not {other}");
    // Every version, in clear for a role that may see every class.
    let versions = records[0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["fields"]["address"], SEEDED_ADDRESS);
    assert_eq!(versions[0]["fields"]["id_number"], SEEDED_ID);
    assert_eq!(versions[1]["fields"]["address"], "杭州市上城区解放路21号");
    assert!(got["still_masked"].as_array().unwrap().is_empty());
    // Who rectified what, and when: the audit entries about the records.
    let acts: Vec<(&str, &str)> = got["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["record"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        acts,
        [
            ("create", customer.as_str()),
            ("amend", customer.as_str()),
            ("create", contract.as_str()),
            ("reveal", "")
        ]
    );
    assert_eq!(got["audit"][3]["detail"]["records"], customer.as_str());
    assert!(
        !got.to_string().contains(&other),
        "another customer's id is handed over"
    );
    let amend = &got["audit"][1];
    assert_eq!(amend["actor"], "alice");
    assert_eq!(amend["detail"]["reason"], "用户来电更正地址");
    // Logged as a reveal of both records, with its purpose.
    let log = s.ok("root", &["log", "--format", "json", "--action", "reveal"]);
    let entries: Vec<Value> = serde_json::from_str(&log).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last["actor"], "audrey");
    assert_eq!(last["detail"]["command"], "subject export");
    assert_eq!(
        last["detail"]["records"],
        format!("{customer},{contract}").as_str()
    );
    assert_eq!(s.log_text().lines().count(), before + 1);
    // The next export lists the one before among the acts about the customer.
    let again = exported(&s, "audrey", &customer);
    let acts = again["audit"].as_array().unwrap();
    assert_eq!(acts.last().unwrap()["action"], "reveal");
    s.ok("", &["verify"]);
}

/// A role that may see some classes exports the rest masked, and says which; a role that
/// may see none, or reaches one department only, is refused, the store unchanged.
#[test]
fn r_a6_subject_export_shows_only_what_the_role_may_see() {
    let s = TestStore::new();
    let (customer, _, _) = customer_with_a_contract(&s);
    let got = exported(&s, "mona", &customer);
    let first = &got["records"][0]["versions"][0]["fields"];
    assert_eq!(first["phone"], SEEDED_PHONE);
    assert_ne!(first["id_number"], SEEDED_ID);
    assert_eq!(got["still_masked"], serde_json::json!(["identity"]));
    let err = s.fails_unchanged(
        "fay",
        &[
            "subject",
            "export",
            &customer,
            "--purpose",
            "用户本人查阅申请",
        ],
        DENIED,
    );
    assert!(
        err.contains("error: actor `fay` (role finance) may not see personal data"),
        "{err}"
    );
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        format!("{config}\n[departments.hangzhou]\ntitle = \"杭州营业厅\"\n"),
    )
    .unwrap();
    s.apply_policy("an office");
    s.add_in_department("root", "hz.head", "department-head", "hangzhou");
    s.add_in_department("hz.head", "hz.staff", "business-staff", "hangzhou");
    let err = s.fails_unchanged(
        "hz.staff",
        &[
            "subject",
            "export",
            &customer,
            "--purpose",
            "用户本人查阅申请",
        ],
        DENIED,
    );
    assert!(
        err.contains("error: a subject export holds everything the store holds about the customer, in every department: role business-staff reaches one"),
        "{err}"
    );
    let err = s.fails_unchanged(
        "audrey",
        &[
            "subject",
            "export",
            "CUS-2026-000999",
            "--purpose",
            "用户本人查阅申请",
        ],
        INVALID,
    );
    assert!(err.contains("CUS-2026-000999"), "{err}");
}

/// The page and the file: written whole after the reveal is logged, never over a file
/// without --force; in Chinese under a Chinese locale.
#[test]
fn r_a6_subject_export_writes_a_page_to_print_or_send() {
    let s = TestStore::new();
    let (customer, contract, _) = customer_with_a_contract(&s);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("subject.html");
    let page_arg = page.to_str().unwrap();
    let args = [
        "subject",
        "export",
        &customer,
        "--purpose",
        "用户本人查阅申请",
        "--format",
        "html",
        "-o",
        page_arg,
    ];
    let out = s
        .cmd("audrey", &args)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "已将数据库中关于 {customer} 的全部信息（2 条记录，3 条审计条目）写入"
        )),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(&format!("<title>关于 {customer} 的个人信息</title>")));
    assert!(html.contains(&format!("<th>地址</th><td>{SEEDED_ADDRESS}</td>")));
    assert!(html.contains(&contract));
    assert!(html.contains("用户来电更正地址"));
    assert!(!html.contains("<script"));
    // Not over the page without --force.
    s.fails_unchanged("audrey", &args, CONFLICT);
    let mut forced = args.to_vec();
    forced.push("--force");
    s.ok("audrey", &forced);
}

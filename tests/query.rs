//! `query` and `log`: the same expression engine as the schemas, three output formats,
//! status filter, sorting and limits.

mod common;
use common::*;

fn store() -> (TestStore, Vec<String>) {
    let s = TestStore::new();
    let a = s.residential();
    let b = s.customer("commercial", &["meter_reading_m3=500"]);
    let c = s.customer("industrial", &["meter_reading_m3=90000"]);
    (s, vec![a, b, c])
}

#[test]
fn where_filters_with_cel() {
    let (s, ids) = store();
    let out = s.ok(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            "category != 'residential' && meter_reading_m3 > 1000",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains(&ids[2]));
    let out = s.ok(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            "category in ['commercial', 'industrial']",
        ],
    );
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn where_reads_the_referenced_customer() {
    let (s, ids) = store();
    let i = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={}", ids[0]),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    );
    let out = s.ok(
        "alice",
        &[
            "query",
            "installation",
            "--where",
            "customer.category == 'residential'",
        ],
    );
    assert!(out.contains(&i), "{out}");
    let out = s.ok(
        "alice",
        &[
            "query",
            "installation",
            "--where",
            &format!("customer.id == '{}'", ids[1]),
        ],
    );
    assert!(!out.contains(&i), "{out}");
}

#[test]
fn where_errors_are_pinned() {
    let (s, _) = store();
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--where", "colour == 'red'"],
        INVALID,
    );
    assert_eq!(
        err,
        "error: --where: kind `customer` has no field `colour`\nhint: fields of customer: name, id_kind, id_number, category, phone, contact_name, contact_phone, address, meter_number, meter_model, meter_reading_m3, appliances, account_opened_on (see `docket types customer`)\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &["query", "customer", "--where", "category =="],
        INVALID,
    );
    assert!(
        err.starts_with("error: --where: syntax error at 1:"),
        "{err}"
    );
}

#[test]
fn formats_json_and_csv() {
    let (s, ids) = store();
    let json = s.ok(
        "alice",
        &[
            "query", "--format", "json", "customer", "--status", "active",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[0]["id"], ids[0].as_str());
    assert_eq!(v[0]["fields"]["phone"], "138****1234");
    let csv = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--fields",
            "category,meter_reading_m3",
        ],
    );
    assert_eq!(
        csv,
        format!(
            "id,kind,status,category,meter_reading_m3\n{},customer,active,residential,\n{},customer,active,commercial,500\n{},customer,active,industrial,90000\n",
            ids[0], ids[1], ids[2]
        )
    );
}

#[test]
fn sort_and_limit() {
    let (s, ids) = store();
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--fields",
            "meter_reading_m3",
            "--sort",
            "-meter_reading_m3",
            "--limit",
            "2",
        ],
    );
    assert_eq!(
        out,
        format!(
            "id,kind,status,meter_reading_m3\n{},customer,active,90000\n{},customer,active,500\n",
            ids[2], ids[1]
        )
    );
}

#[test]
fn status_filter_and_empty_result() {
    let (s, _) = store();
    let out = s.run("alice", &["query", "--status", "pending"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "no records match\n");
}

#[test]
fn log_filters_and_json() {
    let (s, ids) = store();
    let out = s.ok("root", &["log", "--format", "json", "--record", &ids[1]]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "create");
    assert_eq!(entries[0]["actor"], "alice");
    let out = s.ok(
        "root",
        &["log", "--actor", "alice", "--since", "2026-03-01"],
    );
    assert_eq!(out.lines().count(), 4, "{out}");
    assert_eq!(
        s.ok("root", &["log", "--since", "2026-03-02"])
            .lines()
            .count(),
        1,
        "only the header"
    );
}

#[test]
fn the_rows_cache_holds_no_personal_data_and_never_serves_a_stale_or_forged_record() {
    let (s, ids) = store();
    s.ok(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 0"],
    );
    let rows = s.derived_text();
    for v in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
        assert!(!rows.contains(v), "the settled index holds {v}");
    }
    // An amended record is filtered by its new values.
    s.ok(
        "alice",
        &[
            "amend",
            &ids[1],
            "--set",
            "meter_reading_m3=70000",
            "--reason",
            "reading",
        ],
    );
    let out = s.ok(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 60000"],
    );
    assert!(out.contains(&ids[1]) && out.contains(&ids[2]), "{out}");
    // What is printed without a reveal is what the log vouched for when the row was
    // made: a version file changed since is not believed, and named by `show` and
    // `verify`.
    let rel = format!("records/customer/2026/000/{}.v0001.toml", ids[2]);
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    std::fs::write(s.path(&rel), text.replace("90000", "1")).unwrap();
    let out = s.ok(
        "alice",
        &["query", "customer", "--where", "meter_reading_m3 > 60000"],
    );
    assert!(out.contains(&ids[2]), "{out}");
    let err = s.fails("alice", &["show", &ids[2]], INTEGRITY);
    assert!(err.contains(&rel), "{err}");
    let err = s.fails("alice", &["verify"], INTEGRITY);
    assert!(err.contains(&rel), "{err}");
    let amend = [
        "amend",
        &ids[2],
        "--set",
        "meter_number=M2",
        "--reason",
        "meter",
    ];
    let err = s.fails("alice", &amend, INTEGRITY);
    assert!(err.contains(&rel), "{err}");
    // With a reveal, what is printed is read from the version files, checked against
    // the log.
    let err = s.fails(
        "alice",
        &[
            "query",
            "customer",
            "--where",
            "meter_reading_m3 > 60000",
            "--reveal",
            "--purpose",
            "checking a reading",
        ],
        INTEGRITY,
    );
    assert!(err.contains(&rel), "{err}");
}

#[test]
fn where_reads_id_status_and_version() {
    let (s, ids) = store();
    s.ok(
        "alice",
        &[
            "amend",
            &ids[0],
            "--set",
            "meter_reading_m3=1",
            "--reason",
            "reading",
        ],
    );
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--where",
            &format!("id == '{}' || version > 1", ids[2]),
        ],
    );
    assert_eq!(
        out,
        format!(
            "id,kind,status,name,category,phone\n{},customer,active,张**,residential,138****1234\n{},customer,active,华*********,industrial,138****1234\n",
            ids[0], ids[2]
        )
    );
    assert_eq!(
        s.ok("alice", &["query", "--where", "status == 'pending'"]),
        ""
    );
}

#[test]
fn toml_output_is_a_toml_document() {
    let (s, ids) = store();
    let out = s.ok("alice", &["query", "--format", "toml", "customer"]);
    let doc: toml::Table = toml::from_str(&out).expect("valid TOML");
    let records = doc["records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["id"].as_str(), Some(ids[0].as_str()));
    assert_eq!(records[0]["fields"]["phone"].as_str(), Some("138****1234"));
    let log: toml::Table =
        toml::from_str(&s.ok("root", &["log", "--format", "toml", "--record", &ids[0]])).unwrap();
    assert_eq!(
        log["entries"].as_array().unwrap()[0]["action"].as_str(),
        Some("create")
    );
}

/// An installation contract for `customer`, as business staff file it.
fn installation_for(s: &TestStore, customer: &str) -> String {
    s.create(
        "alice",
        "installation",
        &[
            &format!("customer={customer}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    )
}

/// `docket --as actor args` under the locale `lang`: exit code and stderr.
fn said(s: &TestStore, lang: &str, actor: &str, args: &[&str]) -> (i32, String) {
    let out = s.cmd(actor, args).env("LANG", lang).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn where_mistakes_are_errors_with_or_without_a_kind() {
    let (s, _) = store();
    let cases: [(&str, &str, &str); 4] = [
        (
            "awaits == 'general-manager'",
            "error: --where: no kind has a field `awaits`",
            "错误：--where: 没有哪种类型有字段 `awaits`",
        ),
        (
            "foo(1)",
            "error: --where: docket knows no function `foo`: the functions are all, bool, bytes",
            "错误：--where: docket 没有函数 `foo`：可用的函数有 all, bool, bytes",
        ),
        (
            "meter_reading_m3 > '100'",
            "error: --where: `meter_reading_m3` is a number, compared with a string\n\
             hint: write numbers without quotes, e.g. meter_reading_m3 > 100",
            "错误：--where: `meter_reading_m3` 是数字，却与字符串比较",
        ),
        (
            "name.trim() == ''",
            "error: --where: docket knows no function `trim`",
            "错误：--where: docket 没有函数 `trim`",
        ),
    ];
    for (expr, en, zh) in cases {
        for kind in [None, Some("customer")] {
            let mut args = vec!["query"];
            args.extend(kind);
            args.extend(["--where", expr]);
            let (code, err) = said(&s, "C.UTF-8", "alice", &args);
            assert_eq!(code, INVALID, "{expr} {kind:?}: {err}");
            if kind.is_none() || !en.contains("no kind") {
                assert!(err.starts_with(en), "{expr} {kind:?}: {err}");
            }
            let (code, err) = said(&s, "zh_CN.UTF-8", "alice", &args);
            assert_eq!(code, INVALID, "{expr} {kind:?}: {err}");
            if kind.is_none() || !en.contains("no kind") {
                assert!(err.starts_with(zh), "{expr} {kind:?}: {err}");
            }
        }
    }
}

#[test]
fn a_customers_contracts_are_found_without_reading_personal_data() {
    let (s, ids) = store();
    let other = s.residential();
    let mine = installation_for(&s, &ids[0]);
    let theirs = installation_for(&s, &other);
    for args in [
        vec!["query", "--customer", ids[0].as_str()],
        vec!["query", "installation", "--customer", &ids[0]],
        vec!["query", "--where", &format!("customer.id == '{}'", ids[0])],
    ] {
        let out = s.ok("alice", &args);
        assert!(out.contains(&mine), "{args:?}: {out}");
        assert!(!out.contains(&theirs), "{args:?}: {out}");
        // The customer record is not one of its own contracts.
        assert!(!out.contains(&format!("{}  customer", ids[0])), "{out}");
        for seeded in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
            assert!(!out.contains(seeded), "{args:?}: {out}");
        }
    }
    // Ids are read regardless of case, as everywhere.
    let lower = ids[0].to_lowercase();
    assert!(
        s.ok("alice", &["query", "--customer", &lower])
            .contains(&mine)
    );
    // Nothing about reading a customer's contracts is logged as a reveal.
    assert!(!s.ok("audrey", &["log"]).contains("reveal"));
}

#[test]
fn a_reference_compared_as_a_whole_is_explained() {
    let (s, ids) = store();
    let expr = format!("customer == '{}'", ids[0]);
    let args = ["query", "installation", "--where", expr.as_str()];
    let (code, en) = said(&s, "C.UTF-8", "alice", &args);
    assert_eq!(code, INVALID, "{en}");
    assert_eq!(
        en,
        "error: --where: `customer` is a reference to a record, compared with a text\n\
         hint: compare its id, e.g. customer.id == 'CUS-2026-000001' (which reads no personal \
         data), or use --customer CUS-2026-000001\n"
    );
    let (_, zh) = said(&s, "zh_CN.UTF-8", "alice", &args);
    assert!(
        zh.starts_with("错误：--where: `customer` 是对另一条记录的引用，却与文本比较\n"),
        "{zh}"
    );
    let (code, en) = said(
        &s,
        "C.UTF-8",
        "alice",
        &["query", "--customer", "CUS-2026-999999"],
    );
    assert_eq!(code, INVALID, "{en}");
    assert!(
        en.starts_with("error: no record `CUS-2026-999999` in this store"),
        "{en}"
    );
    let i = installation_for(&s, &ids[0]);
    let (code, en) = said(&s, "C.UTF-8", "alice", &["query", "--customer", &i]);
    assert_eq!(code, INVALID, "{en}");
    assert!(
        en.starts_with(&format!(
            "error: --customer: no kind refers to installation records, so no record belongs to {i}"
        )),
        "{en}"
    );
    let (_, zh) = said(&s, "zh_CN.UTF-8", "alice", &["query", "--customer", &i]);
    assert!(
        zh.starts_with(&format!(
            "错误：--customer: 没有哪种类型引用“工程安装合同”记录，因此没有属于 {i} 的记录"
        )),
        "{zh}"
    );
}

/// A filter run in the database (narrowed by SQL over typed columns, then judged by the
/// filter) finds exactly what the filter alone finds: `!(!(F))` is never narrowed.
#[test]
fn a_filter_narrowed_in_the_database_finds_what_the_filter_alone_finds() {
    let (s, ids) = store();
    for (fee, schedule) in [
        ("2800.00", None),
        ("2800.10", Some("schedule_deadline=2026-04-01")),
        ("150.5", None),
    ] {
        let fee = format!("installation_fee={fee}");
        let customer = format!("customer={}", ids[1]);
        let budget = fee.replace("installation_fee", "budget_amount");
        let scheduled = format!("schedule_required={}", schedule.is_some());
        let mut pairs = vec![
            customer.as_str(),
            fee.as_str(),
            "fee_basis=budget",
            budget.as_str(),
            "payment_plan=lump-sum",
            scheduled.as_str(),
            "property_dispute=false",
            "signed_on=2026-03-01",
        ];
        pairs.extend(schedule);
        s.create("alice", "installation", &pairs);
    }
    let filters = [
        ("customer", "meter_reading_m3 > 500"),
        (
            "customer",
            "meter_reading_m3 >= 500 && category != 'industrial'",
        ),
        (
            "customer",
            "500 < meter_reading_m3 || category == 'residential'",
        ),
        (
            "customer",
            "meter_reading_m3 == 500.0 || meter_reading_m3 < 1.5",
        ),
        (
            "customer",
            "meter_reading_m3 <= 90000 && meter_reading_m3 != 500",
        ),
        (
            "customer",
            "account_opened_on >= '2026-01-01' && status == 'active'",
        ),
        ("customer", "meter_number != 'M1'"),
        ("customer", "id > 'CUS-2026-000001' && version == 1"),
        ("customer", "size(appliances) > 0 && meter_reading_m3 > 0"),
        ("installation", "installation_fee > 2800"),
        (
            "installation",
            "installation_fee >= 2800.1 || installation_fee == 150.5",
        ),
        (
            "installation",
            "installation_fee < 2800.00 && schedule_required == false",
        ),
        ("installation", "schedule_required != true"),
        (
            "installation",
            "signed_on == '2026-03-01' && customer.category == 'commercial'",
        ),
    ];
    for (kind, filter) in filters {
        let narrowed = s.ok(
            "alice",
            &["query", "--format", "csv", kind, "--where", filter],
        );
        let whole = format!("!(!({filter}))");
        let judged = s.ok(
            "alice",
            &["query", "--format", "csv", kind, "--where", &whole],
        );
        assert_eq!(narrowed, judged, "{filter}");
    }
    // Read a page at a time as found (one kind, no sort) or gathered and sorted: the same.
    for kind in ["customer", "installation"] {
        for extra in [&[][..], &["--limit", "2"], &["--where", "version == 1"]] {
            let mut args = vec!["query", "--format", "csv", kind];
            args.extend(extra);
            let streamed = s.ok("alice", &args);
            args.extend(["--sort", "id"]);
            assert_eq!(streamed, s.ok("alice", &args), "{args:?}");
        }
    }
    // Some filters must find something, or the comparison proves little.
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "installation",
            "--where",
            "installation_fee > 2800",
        ],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "--customer",
            &ids[1],
            "--status",
            "pending",
        ],
    );
    assert!(out.lines().count() > 1, "{out}");
}

/// A sorted query with `--limit` keeps only the first matches as it goes (a few thousand
/// records are enough to make it drop the rest): what it prints is the head of what the
/// same query prints whole, whatever the order.
#[test]
fn a_limited_sorted_query_prints_the_head_of_the_whole_answer() {
    let s = TestStore::new();
    s.import_many(1, 5000);
    for sort in [
        "-id",
        "id",
        "account_opened_on",
        "-status",
        "-meter_reading_m3",
    ] {
        for filter in ["true", "id != 'CUS-2026-000007'"] {
            let query = |limit: Option<&str>| {
                let mut args = vec!["query", "--format", "csv", "customer", "--where", filter];
                args.extend(["--sort", sort]);
                if let Some(n) = limit {
                    args.extend(["--limit", n]);
                }
                s.ok("alice", &args)
            };
            let whole = query(None);
            assert_eq!(whole.lines().count(), 5001 - usize::from(filter != "true"));
            let head: Vec<&str> = whole.lines().take(8).collect();
            let limited = query(Some("7"));
            assert_eq!(limited.lines().collect::<Vec<_>>(), head, "--sort {sort}");
        }
    }
}

/// The id and `column` of each CSV line of `out` after its header.
fn id_and(out: &str, column: &str) -> Vec<(String, String)> {
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| {
        let found = header.iter().position(|h| *h == name);
        found.unwrap_or_else(|| panic!("no {name} in {header:?}"))
    };
    let (id, col) = (at("id"), at(column));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[id].to_string(), cells[col].to_string())
        })
        .collect()
}

#[test]
fn a_sorted_query_of_more_than_memory_holds_prints_every_match_once_in_order() {
    let s = TestStore::new();
    // More than the matches a query holds before it writes a sorted run (a thousand in
    // the debug builds the tests run), so the answer is merged from runs on disk.
    s.import_many(1, 5000);
    let names = || -> Vec<String> {
        let entries = std::fs::read_dir(s.path("records")).unwrap();
        entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let out = s.ok(
        "alice",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--sort",
            "-meter_reading_m3",
            "--fields",
            "id,meter_reading_m3",
        ],
    );
    let rows = id_and(&out, "meter_reading_m3");
    let mut ids: Vec<&String> = rows.iter().map(|(id, _)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5000, "every match once");
    let reading = |v: &str| v.parse::<i64>().ok();
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let in_order = match (reading(&a.1), reading(&b.1)) {
            (Some(x), Some(y)) => x > y || (x == y && a.0 < b.0),
            (Some(_), None) => true,
            (None, None) => a.0 < b.0,
            (None, Some(_)) => false,
        };
        assert!(in_order, "{a:?} before {b:?}");
    }
    // Sorted by a personal field, revealed for a purpose: read from the version files,
    // merged alike; the runs, which held the names, are gone.
    let out = s.ok(
        "audrey",
        &[
            "query",
            "--format",
            "csv",
            "customer",
            "--sort",
            "name",
            "--reveal",
            "--purpose",
            "meter audit",
        ],
    );
    let rows = id_and(&out, "name");
    assert_eq!(rows.len(), 5000);
    assert!(
        rows.windows(2)
            .all(|p| p[0].1 < p[1].1 || (p[0].1 == p[1].1 && p[0].0 < p[1].0)),
        "sorted by name, then id"
    );
    assert!(
        names().iter().all(|n| !n.starts_with(".tmp")),
        "{:?}",
        names()
    );
    s.ok("", &["verify"]);
}

//! Batch import of legacy spreadsheets (all or nothing, every bad row reported, encodings,
//! mappings, no duplicates on re-import) and exports that round-trip.

mod common;
use common::*;

const HEADER: &str = "legacy_no,name,id_kind,id_number,category,phone,contact_name,contact_phone,address,meter_number,meter_model,meter_reading_m3,appliances,account_opened_on";

fn customers_csv() -> String {
    [
        HEADER,
        "C0000001,张三丰,resident-id,11010519491231002X,residential,13812341234,,,北京市朝阳区建国路88号,M000000001,G2.5,120,燃气灶;热水器,2021-03-05",
        "C0000002,李秀英,resident-id,440524198001010013,residential,13957102345,,,杭州市拱墅区湖墅南路88号,M000000002,G4,0,燃气灶,2019-11-20",
        "C0000003,翠苑一区业主委员会,uscc,91350100M000100Y43,collective,0571-88113456,赵建国,13605710001,杭州市西湖区翠苑一区,,,,,2018-06-01",
    ]
    .join("\n")
        + "\n"
}

fn write(s: &TestStore, name: &str, bytes: &[u8]) -> String {
    let p = s.path(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn count(s: &TestStore, kind: &str) -> usize {
    let out = s.ok("audrey", &["query", "--format", "json", kind]);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn imports_utf8_and_says_what_it_did() {
    let s = TestStore::new();
    let f = write(&s, "customers.csv", customers_csv().as_bytes());
    let out = s.run("alice", &["import", "customer", &f]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "imported 3 of 3 rows (UTF-8)\n");
    assert_eq!(count(&s, "customer"), 3);
    let v1 =
        std::fs::read_to_string(s.path("records/customer/2026/000/CUS-2026-000001.v0001.toml"))
            .unwrap();
    assert!(
        v1.contains("legacy_no = \"C0000001\"") && v1.contains("action = \"import\""),
        "{v1}"
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    let log = s.ok("root", &["log", "--action", "import-batch"]);
    assert!(log.contains("already=0 encoding=UTF-8 imported=3 kind=customer rows=3 source=customers.csv status_active=3"), "{log}");
}

#[test]
fn reimporting_the_same_file_duplicates_nothing() {
    let s = TestStore::new();
    let f = write(&s, "customers.csv", customers_csv().as_bytes());
    s.ok("alice", &["import", "customer", &f]);
    let before = s.snapshot();
    let out = s.run("alice", &["import", "customer", &f]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "imported 0 of 3 rows (UTF-8), 3 already imported (skipped)\n"
    );
    assert_eq!(before, s.snapshot(), "nothing to write, nothing written");
    // A file with one old row and one new row imports only the new one.
    let more = format!(
        "{HEADER}\n{}\nC0000009,王芳,resident-id,330106198503120423,residential,13757103456,,,杭州市上城区解放路20号,,,,,2020-01-01\n",
        customers_csv().lines().nth(1).unwrap()
    );
    let f2 = write(&s, "more.csv", more.as_bytes());
    assert_eq!(
        s.run("alice", &["import", "customer", &f2]).stderr,
        "imported 1 of 2 rows (UTF-8), 1 already imported (skipped)\n"
    );
    assert_eq!(count(&s, "customer"), 4);
}

#[test]
fn a_legacy_number_with_changed_content_is_refused() {
    let s = TestStore::new();
    s.ok(
        "alice",
        &[
            "import",
            "customer",
            &write(&s, "a.csv", customers_csv().as_bytes()),
        ],
    );
    let changed = customers_csv().replace("M000000001", "M999999999");
    let err = s.fails_unchanged(
        "alice",
        &[
            "import",
            "customer",
            &write(&s, "b.csv", changed.as_bytes()),
        ],
        INVALID,
    );
    assert!(
        err.contains(
            ":2: legacy number `C0000001` was imported as CUS-2026-000001 with different content"
        ),
        "{err}"
    );
}

#[test]
fn bom_and_gb18030_files_import() {
    let s = TestStore::new();
    let bom = [&[0xEF, 0xBB, 0xBF][..], customers_csv().as_bytes()].concat();
    assert_eq!(
        s.run(
            "alice",
            &["import", "customer", &write(&s, "bom.csv", &bom)]
        )
        .stderr,
        "imported 3 of 3 rows (UTF-8)\n"
    );
    let s = TestStore::new();
    let text = customers_csv();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let f = write(&s, "gb.csv", &gb);
    assert_eq!(
        s.run("alice", &["import", "customer", &f]).stderr,
        "imported 3 of 3 rows (gb18030)\n"
    );
    let shown = first_customer_revealed(&s);
    assert!(
        shown.contains(SEEDED_NAME) && shown.contains(SEEDED_ADDRESS),
        "decoded, not mojibake: {shown}"
    );
}

/// The first imported customer, shown with its personal data.
fn first_customer_revealed(s: &TestStore) -> String {
    let args = [
        "show",
        "CUS-2026-000001",
        "--reveal",
        "--purpose",
        "check the import",
    ];
    s.ok("alice", &args)
}

/// A file read from a pipe is read as one read from disk: checked, decoded and
/// imported alike (it is copied once, to be read by each pass).
#[test]
fn an_import_read_from_a_pipe_is_an_import_like_any_other() {
    use std::io::Write;
    let s = TestStore::new();
    let text = customers_csv();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let mut child = s
        .process("alice", &["import", "customer", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().unwrap().write_all(&gb).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "imported 3 of 3 rows (gb18030)\n"
    );
    let shown = first_customer_revealed(&s);
    assert!(
        shown.contains(SEEDED_NAME),
        "decoded from the pipe: {shown}"
    );
}

#[test]
fn mojibake_is_refused_with_its_line() {
    let s = TestStore::new();
    let text = customers_csv();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let f = write(&s, "gb.csv", &gb);
    let err = s.fails_unchanged(
        "alice",
        &["import", "customer", &f, "--encoding", "utf-8"],
        INVALID,
    );
    assert_eq!(
        err,
        format!(
            "error: {f}:2: the text is not valid UTF-8: a byte there cannot be read in that encoding\nhint: name the file's encoding with --encoding (e.g. --encoding gb18030 or --encoding utf-8), or save it as UTF-8\n"
        )
    );
    let err = s.fails_unchanged(
        "alice",
        &["import", "customer", &f, "--encoding", "klingon"],
        INVALID,
    );
    assert!(
        err.starts_with("error: --encoding: unknown encoding `klingon`"),
        "{err}"
    );
}

#[test]
fn every_bad_row_is_reported_and_nothing_is_written() {
    let s = TestStore::new();
    let bad = [
        HEADER,
        "C0000001,张三丰,resident-id,110105194912310021,residential,13812341234,,,北京市朝阳区建国路88号,,,,,2021-03-05",
        "C0000002,李秀英,resident-id,440524198001010013,residential,13957102345,,,杭州市拱墅区湖墅南路88号,,,,,2019-11-20",
        "C0000003,王芳,resident-id,330106198503120423,residential,13757103456,,,,,,,,2021/03/05",
        "C0000004,某物业,uscc,91350100M000100Y43,collective,0571-88113456,,,杭州市西湖区翠苑一区,,,,,2018-06-01",
    ]
    .join("\n")
        + "\n";
    let f = write(&s, "bad.csv", bad.as_bytes());
    let rejects = s.path("rejects.csv");
    let before = s.snapshot();
    let out = s.run(
        "alice",
        &[
            "import",
            "customer",
            &f,
            "--rejects",
            rejects.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, INVALID);
    let mut after = s.snapshot();
    after.remove("rejects.csv");
    assert_eq!(before, after, "all or nothing");
    assert_eq!(
        out.stderr,
        format!(
            "{f}: 4 problem(s); rejected rows written to {}\n\
             error: {f}:2: field `id_number`: the resident id's check character (GB 11643) is wrong: check the number for a typing error\n\
             error: {f}:4: field `account_opened_on`: column `account_opened_on` value `2021/03/05`: not a date in the accepted formats (%Y-%m-%d); add its format to the mapping's [dates] formats\n\
             error: {f}:5: field `contact_name`: required when category == 'collective' (R-C7)\n\
             error: {f}:5: field `contact_phone`: required when category == 'collective' (R-C7)\n\
             hint: add --set contact_name=…\n\
             4 problems; nothing was written\n",
            rejects.display()
        )
        .replacen(&format!("{f}: 4 problem(s)"), "4 problem(s)", 1)
    );
    let rej = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = rej.lines().collect();
    assert_eq!(lines.len(), 4, "{rej}");
    assert!(lines[0].starts_with("_line,_error,legacy_no,name"));
    assert!(lines[1].starts_with("2,"));
    assert!(lines[3].starts_with("5,"));
}

#[test]
fn errors_mask_personal_values() {
    let s = TestStore::new();
    let bad = format!(
        "{HEADER}\nC1,张三丰,resident-id,11010519491231002X,residential,13812341234,,,北京市朝阳区建国路88号,,,abc,,2021-03-05\n"
    );
    let err = s.fails_unchanged(
        "alice",
        &["import", "customer", &write(&s, "b.csv", bad.as_bytes())],
        INVALID,
    );
    assert!(
        err.contains("column `meter_reading_m3` value `abc`: `abc` is not a whole number"),
        "{err}"
    );
    let bad = format!("{HEADER}\nC1,张三丰,resident-id,11010519491231002X,residential,13812341234,,,北京市朝阳区建国路88号,,,,,2021-03-05\n").replace(",resident-id,", ",ric,");
    let err = s.fails_unchanged(
        "alice",
        &["import", "customer", &write(&s, "c.csv", bad.as_bytes())],
        INVALID,
    );
    assert!(err.contains("column `id_kind` value `ric`"), "{err}");
    for v in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
        assert!(!err.contains(v), "{err}");
    }
}

#[test]
fn unknown_columns_are_refused_unless_mapped_or_skipped() {
    let s = TestStore::new();
    let csv = customers_csv().replace("meter_model", "备注");
    let f = write(&s, "c.csv", csv.as_bytes());
    let err = s.fails_unchanged("alice", &["import", "customer", &f], INVALID);
    assert_eq!(
        err,
        format!(
            "error: {f}:1: column `备注` is not a field of customer\nhint: map it to a field in the mapping's [columns], list it under skip, or see `docket types customer`\n"
        )
    );
    let map = write(&s, "map.toml", "skip = [\"备注\"]\n".as_bytes());
    s.ok("alice", &["import", "customer", &f, "--map", &map]);
}

#[test]
fn a_mapping_converts_legacy_spreadsheets() {
    let s = TestStore::new();
    let customers = "编号,客户名称,证件号码,类别,电话,地址,开户日期,燃气具\n\
                     L-1,张三丰,11010519491231002X,居民,13812341234,北京市朝阳区建国路88号,2021/3/5,燃气灶、热水器\n";
    let map = r#"legacy = "编号"
[columns]
"客户名称" = "name"
"证件号码" = "id_number"
"类别" = "category"
"电话" = "phone"
"地址" = "address"
"开户日期" = "account_opened_on"
"燃气具" = "appliances"
[constants]
id_kind = "resident-id"
[dates]
formats = ["%Y/%m/%d", "%Y-%m-%d"]
[lists]
separator = "、"
"#;
    // 居民 is not an enum value nor a title of one: the row is refused…
    let f = write(&s, "c.csv", customers.replace("居民", "住户").as_bytes());
    let m = write(&s, "m.toml", map.as_bytes());
    let err = s.fails_unchanged("alice", &["import", "customer", &f, "--map", &m], INVALID);
    assert!(err.contains("field `category`: column `类别` value `住户`: `住户` is not one of residential, commercial"), "{err}");
    // …and 居民, the Chinese title of residential, imports as residential, dates and lists
    // converted.
    let f = write(&s, "c.csv", customers.as_bytes());
    s.ok("alice", &["import", "customer", &f, "--map", &m]);
    let v = std::fs::read_to_string(s.path("records/customer/2026/000/CUS-2026-000001.v0001.toml"))
        .unwrap();
    assert!(v.contains("account_opened_on = 2021-03-05"), "{v}");
    assert!(
        v.contains("appliances = [\n    \"燃气灶\",\n    \"热水器\",\n]")
            || v.contains("appliances = [\"燃气灶\", \"热水器\"]"),
        "{v}"
    );
    assert!(v.contains("legacy_no = \"L-1\""), "{v}");
    assert!(v.contains("category = \"residential\""), "{v}");

    // Contracts reference customers by their legacy numbers; 是/否 booleans.
    let inst = "legacy_no,customer,installation_fee,fee_basis,payment_plan,schedule_required,property_dispute,signed_on\n\
                I-1,L-1,2800.00,tariff,lump-sum,否,否,2026-02-06\n";
    let bmap = write(
        &s,
        "b.toml",
        "[booleans]\ntrue = [\"是\"]\nfalse = [\"否\"]\n".as_bytes(),
    );
    let f = write(&s, "i.csv", inst.as_bytes());
    s.ok("alice", &["import", "installation", &f, "--map", &bmap]);
    let v =
        std::fs::read_to_string(s.path("records/installation/2026/000/INS-2026-000001.v0001.toml"))
            .unwrap();
    assert!(
        v.contains("customer = \"CUS-2026-000001\"") && v.contains("schedule_required = false"),
        "{v}"
    );
}

#[test]
fn imported_contracts_obey_the_seed_rules() {
    let s = TestStore::new();
    s.ok(
        "alice",
        &[
            "import",
            "customer",
            &write(&s, "c.csv", customers_csv().as_bytes()),
        ],
    );
    let inst = "legacy_no,customer,installation_fee,fee_basis,budget_amount,payment_plan,schedule_required,property_dispute,signed_on\n\
                I1,C0000001,2800.01,tariff,,lump-sum,false,false,2026-02-06\n\
                I2,C0000003,256000.00,budget,256000.00,lump-sum,false,false,2026-02-06\n\
                I3,C9999999,2800.00,tariff,,lump-sum,false,false,2026-02-06\n";
    let f = write(&s, "i.csv", inst.as_bytes());
    let err = s.fails_unchanged("alice", &["import", "installation", &f], INVALID);
    assert!(err.contains(":2: field `installation_fee`: R-C11: 2800.01 differs from tariff residential_installation on 2026-02-06 = 2800.00"), "{err}");
    assert!(err.contains(":4: field `customer`: column `customer` value `C9999999`: no customer record with this id or legacy number; import the customers first"), "{err}");
    let fixed = write(
        &s,
        "i2.csv",
        inst.replace("2800.01", "2800.00")
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    );
    s.ok("alice", &["import", "installation", &fixed]);
    assert_eq!(s.status("INS-2026-000001"), "active");
    assert_eq!(
        s.status("INS-2026-000002"),
        "pending",
        "a collective installation waits for the market manager (R-C3)"
    );
    // Only roles that may draft a kind may import it (R-C6).
    let top = "customer,annual_volume_m3,daily_volume_m3,take_or_pay_percent,price_per_m3,term_start,term_end,market_data_ref,finance_data_ref\nC0000003,3000000,0,80,3.25,2026-01-01,2026-12-31,M,F\n";
    let err = s.fails_unchanged(
        "alice",
        &["import", "take-or-pay", &write(&s, "t.csv", top.as_bytes())],
        DENIED,
    );
    assert!(
        err.starts_with(
            "error: actor `alice` (role business-staff) may not draft take-or-pay records"
        ),
        "{err}"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let s = TestStore::new();
    let f = write(&s, "c.csv", customers_csv().as_bytes());
    let mut before = s.snapshot();
    let out = s.run("alice", &["import", "customer", &f, "--dry-run"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "dry run: 3 rows (UTF-8), 3 would be imported; no record was written; its 3 identity-number checks are counted for you today (policy.probe_allowance)\n"
    );
    // The log counts the three numbers checked, and names none of them.
    let mut after = s.snapshot();
    let log = String::from_utf8(after.remove("records/audit.log").unwrap()).unwrap();
    before.remove("records/audit.log");
    assert_eq!(before, after);
    let last = log.lines().last().unwrap();
    assert!(
        last.contains(r#""action":"probe""#) && last.contains(r#""count":"3""#),
        "{last}"
    );
}

#[test]
fn a_crash_during_an_import_leaves_the_old_state() {
    let s = TestStore::new();
    let f = write(&s, "c.csv", customers_csv().as_bytes());
    let log = s.log_text();
    for point in ["after-write", "before-sync", "before-append", "torn-log"] {
        let out = s
            .cmd("alice", &["import", "customer", &f])
            .env("DOCKET_FAULT", point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}");
        s.ok("root", &["recover"]);
        assert!(s.ok("", &["verify"]).starts_with("ok:"), "{point}");
        assert_eq!(count(&s, "customer"), 0, "{point}");
    }
    assert!(s.log_text().starts_with(&log));
    s.ok("alice", &["import", "customer", &f]);
    assert_eq!(count(&s, "customer"), 3);
}

#[test]
fn exports_are_masked_unless_revealed_and_logged() {
    let s = TestStore::new();
    s.ok(
        "alice",
        &[
            "import",
            "customer",
            &write(&s, "c.csv", customers_csv().as_bytes()),
        ],
    );
    let out = s.ok("alice", &["export", "customer"]);
    assert!(
        out.starts_with("id,status,legacy_no,name,id_kind,id_number,category,phone,"),
        "{out}"
    );
    for v in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
        assert!(!out.contains(v), "{out}");
    }
    let out = s.ok(
        "audrey",
        &[
            "export",
            "customer",
            "--reveal",
            "--purpose",
            "migration check",
        ],
    );
    assert!(out.contains(SEEDED_ID), "{out}");
    let log = s.ok("root", &["log", "--action", "reveal"]);
    assert!(
        log.contains("command=export purpose=migration check"),
        "{log}"
    );
    let err = s.fails_unchanged("alice", &["export"], USAGE);
    assert!(
        err.starts_with("error: a CSV export holds one kind: name it (docket export customer)"),
        "{err}"
    );
    let json = s.ok("alice", &["export", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

/// The bytes `docket export` writes to a pipe.
fn exported(s: &TestStore, args: &[&str]) -> Vec<u8> {
    let out = s.cmd("alice", args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    out.stdout
}

#[test]
fn exports_are_written_in_an_encoding_chinese_excel_opens() {
    let s = TestStore::new();
    s.ok(
        "alice",
        &[
            "import",
            "customer",
            &write(&s, "c.csv", customers_csv().as_bytes()),
        ],
    );
    let utf8 = s.ok("alice", &["export", "customer", "--encoding", "utf-8"]);
    assert!(utf8.contains("张**"), "{utf8}");
    let gb = encoding_rs::GB18030.encode(&utf8).0.into_owned();
    // The store imports GB18030 (policy.default_encoding): its exports are GB18030 too.
    assert_eq!(exported(&s, &["export", "customer"]), gb);
    assert_eq!(
        exported(&s, &["export", "customer", "--encoding", "gb18030"]),
        gb
    );
    let bom = exported(&s, &["export", "customer", "--encoding", "utf-8-bom"]);
    assert_eq!(bom, [&[0xEF, 0xBB, 0xBF][..], utf8.as_bytes()].concat());
    // JSON is UTF-8 whatever the store imports, and only UTF-8.
    let json = exported(&s, &["export", "--format", "json"]);
    assert!(String::from_utf8(json).unwrap().contains("张**"));
    let err = s.fails_unchanged(
        "alice",
        &["export", "--format", "json", "--encoding", "gb18030"],
        USAGE,
    );
    assert_eq!(
        err,
        "error: JSON is always written in UTF-8 without a byte-order mark: --encoding gb18030 is for CSV\n\
         hint: leave out --encoding, or export CSV (--format csv)\n"
    );
    // A store that imports UTF-8 exports UTF-8.
    let config = std::fs::read_to_string(s.path("docket.toml")).unwrap();
    std::fs::write(
        s.path("docket.toml"),
        config.replace(
            "default_encoding = \"gb18030\"",
            "default_encoding = \"utf-8\"",
        ),
    )
    .unwrap();
    s.apply_policy("exports for scripts");
    assert_eq!(exported(&s, &["export", "customer"]), utf8.as_bytes());
}

#[test]
fn an_export_reimports_to_the_same_records() {
    let s = TestStore::new();
    s.ok(
        "alice",
        &[
            "import",
            "customer",
            &write(&s, "c.csv", customers_csv().as_bytes()),
        ],
    );
    let c = "CUS-2026-000001";
    s.create(
        "alice",
        "installation",
        &[
            &format!("customer={c}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=installments",
            "payment_deadlines=2026-04-01;2026-07-01",
            "installation_steps=勘察;安装",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-03-01",
        ],
    );
    // Values a spreadsheet would run as formulas, a value with quotes of its own before
    // one, and a number-like text: quoted on the way out, exactly themselves on the way in.
    s.create(
        "alice",
        "customer",
        &[
            "name==HYPERLINK(\"http://evil.example\",\"点我\")",
            "id_kind=resident-id",
            "id_number=330106198503120423",
            "category=residential",
            "phone=13757103456",
            "address=@杭州市上城区解放路20号",
            "meter_number=-5.00",
            "meter_model='=G4",
            "appliances=+燃气灶;-热水器",
            "account_opened_on=2020-01-01",
        ],
    );
    let out = |name: &str| s.path(name).to_str().unwrap().to_string();
    for (kind, file) in [
        ("customer", "customers.csv"),
        ("installation", "installs.csv"),
    ] {
        s.ok(
            "audrey",
            &[
                "export",
                kind,
                "--reveal",
                "--purpose",
                "move to new store",
                "-o",
                &out(file),
            ],
        );
    }
    let customers = std::fs::read(s.path("customers.csv")).unwrap();
    let (text, _, _) = encoding_rs::GB18030.decode(&customers);
    assert!(
        text.ends_with(
            ",active,CUS-2026-000004,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",resident-id,330106198503120423,residential,13757103456,,,'@杭州市上城区解放路20号,-5.00,''=G4,,'+燃气灶;-热水器,2020-01-01\n"
        ),
        "{text}"
    );
    let fresh = TestStore::new();
    fresh.ok("alice", &["import", "customer", &out("customers.csv")]);
    fresh.ok("alice", &["import", "installation", &out("installs.csv")]);
    let fields = |st: &TestStore, kind: &str| -> Vec<serde_json::Value> {
        let out = st.ok(
            "audrey",
            &[
                "export",
                "--format",
                "json",
                kind,
                "--reveal",
                "--purpose",
                "compare",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["fields"].clone())
            .collect()
    };
    assert_eq!(fields(&s, "customer"), fields(&fresh, "customer"));
    assert_eq!(fields(&s, "installation"), fields(&fresh, "installation"));
}

/// A command that fails cleanly removes what it wrote: the store is exactly as it was,
/// and nobody else needs `recover` afterwards.
#[test]
fn a_full_disk_or_ctrl_c_during_an_import_leaves_the_store_exactly_as_it_was() {
    let s = TestStore::new();
    let f = write(&s, "c.csv", customers_csv().as_bytes());
    let before = s.snapshot();
    let out = s
        .cmd("alice", &["import", "customer", &f])
        .env("DOCKET_FAULT", "disk-full:2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(IO));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: {}/records/customer/2026/000/CUS-2026-000002.v0001.toml: No space left on device",
            s.root().display()
        )),
        "{err}"
    );
    assert!(before == s.snapshot(), "a full disk leaves nothing behind");
    assert!(!s.path("records/customer").exists(), "not even a folder");
    let out = s
        .cmd("alice", &["import", "customer", &f])
        .env("DOCKET_FAULT", "ctrl-c:2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: interrupted: nothing was written\nhint: run the command again when you are ready\n"
    );
    assert!(before == s.snapshot(), "Ctrl-C leaves nothing behind");
    // Another user's write needs no recovery.
    s.customer("residential", &[&format!("id_number={}", resident_id(50))]);
    s.ok("alice", &["import", "customer", &f]);
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// An import big enough that the journal keeps its text and the paths it wrote on disk
/// (past a few thousand rows), stopped late, still removes every file and folder it made.
#[test]
fn a_big_import_stopped_late_leaves_the_store_exactly_as_it_was() {
    let s = TestStore::new();
    let csv = s.many_csv(1, 4000);
    let f = csv.to_str().unwrap();
    let before = s.snapshot();
    for (fault, code) in [("ctrl-c:3990", 130), ("disk-full:3990", IO)] {
        let out = s
            .cmd("alice", &["import", "customer", f])
            .env("DOCKET_FAULT", fault)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{fault}");
        assert!(before == s.snapshot(), "{fault} leaves nothing behind");
        assert!(
            !s.path("records/customer").exists(),
            "{fault}: not even a folder"
        );
    }
    s.ok("alice", &["import", "customer", f]);
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// An export without a reveal goes out as it is found: a reader that stops early (`| head`)
/// ends it quietly, and one that reads it all gets what `-o FILE` writes.
#[test]
fn an_export_to_a_pipe_streams_and_stops_when_its_reader_does() {
    use std::io::{BufRead, Read};
    let s = TestStore::new();
    s.import_many(1, 4000);
    let file = s.dir.path().join("all.csv");
    s.ok(
        "alice",
        &["export", "customer", "-o", file.to_str().unwrap()],
    );
    let piped = s
        .cmd("alice", &["export", "customer"])
        .output()
        .unwrap()
        .stdout;
    assert!(piped == std::fs::read(&file).unwrap(), "the same bytes");
    assert!(piped.len() > 256 * 1024, "more than a pipe holds");
    let mut child = s
        .process("alice", &["export", "customer"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = Vec::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_until(b'\n', &mut first)
        .unwrap();
    let first = String::from_utf8_lossy(&first);
    assert!(first.starts_with("id,status,legacy_no,"));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0), "{err}");
    assert_eq!(err, "");
    // Revealed, it is held in a file without a name until the reveal is logged, then
    // sent: the same bytes as a revealed file, and nothing left beside the log.
    let reveal = ["export", "customer", "--reveal", "--purpose", "meter audit"];
    let revealed = s.dir.path().join("revealed.csv");
    let mut to_file = reveal.to_vec();
    to_file.extend(["-o", revealed.to_str().unwrap()]);
    s.ok("audrey", &to_file);
    let piped = s.cmd("audrey", &reveal).output().unwrap();
    assert_eq!(piped.status.code(), Some(0), "{piped:?}");
    assert!(
        piped.stdout == std::fs::read(&revealed).unwrap(),
        "the same bytes"
    );
    s.ok("", &["verify"]);
}

#[test]
fn a_full_disk_during_a_create_leaves_no_temporary_file() {
    let s = TestStore::new();
    let before = s.snapshot();
    let args = with_sets(
        &["create", "customer"],
        &[
            "name=王五",
            "id_kind=resident-id",
            "id_number=440524198001010013",
            "category=residential",
            "phone=13800001111",
            "address=广州市天河区体育西路1号",
            "account_opened_on=2026-02-01",
        ],
    );
    let out = s
        .cmd("alice", &strs(&args))
        .env("DOCKET_FAULT", "disk-full:1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(IO));
    assert!(before == s.snapshot(), "nothing left behind");
    assert!(!s.path("records/customer").exists(), "not even a folder");
}

/// Lines are the file's lines, whatever ends them: errors and the audit entries point at
/// the line a person sees in an editor (CRLF as Excel writes, LF, CR, quoted line breaks,
/// a byte-order mark).
#[test]
fn import_line_numbers_are_the_files_lines() {
    let s = TestStore::new();
    let map = write(&s, "m.toml", b"skip = [\"note\"]\n");
    let rows = [
        "name,id_kind,id_number,category,phone,address,account_opened_on,note",
        "\u{5f20}\u{4e09},resident-id,11010519491231002X,residential,13812341234,\u{5317}\u{4eac}\u{5e02},2026-01-01,\"two\nlines\"",
        "\u{674e}\u{56db},resident-id,bad,residential,13812341234,\u{5317}\u{4eac}\u{5e02},2026-01-01,",
    ];
    for (name, ending, bom) in [
        ("lf", "\n", ""),
        ("crlf", "\r\n", ""),
        ("cr", "\r", ""),
        ("bom", "\r\n", "\u{feff}"),
    ] {
        let text = format!("{bom}{}{ending}", rows.join(ending));
        let f = write(&s, &format!("{name}.csv"), text.as_bytes());
        let err = s.fails_unchanged("alice", &["import", "customer", &f, "--map", &map], INVALID);
        assert!(
            err.starts_with(&format!("error: {f}:4: field `id_number`:")),
            "{name}: {err}"
        );
    }
    // A good file: each row's audit entry names its line.
    let good = format!("{}\r\n{}\r\n", rows[0], rows[1]);
    let f = write(
        &s,
        "good.csv",
        good.replace("\"two\nlines\"", "\"two\r\nlines\"")
            .as_bytes(),
    );
    s.ok("alice", &["import", "customer", &f, "--map", &map]);
    let log = s.ok("", &["log", "--action", "import"]);
    assert!(log.contains("source=good.csv:2"), "{log}");
}

/// `export -o` writes a file whole or not at all, and replaces one only with `--force`;
/// a refused export reveals and logs nothing.
#[test]
fn an_export_never_replaces_a_file_unless_forced() {
    let s = TestStore::new();
    s.residential();
    let file = s.path("../out.csv");
    let path = file.to_str().unwrap();
    std::fs::write(&file, "yesterday's export\n").unwrap();
    let export = [
        "export",
        "customer",
        "-o",
        path,
        "--reveal",
        "--purpose",
        "nightly extract",
    ];
    let forced = [&export[..], &["--force"]].concat();
    let err = s.fails_unchanged("audrey", &export, CONFLICT);
    assert_eq!(
        err,
        format!(
            "error: {path} exists: an export replaces a file only with --force\n\
             hint: give a path that does not exist yet, or add --force to replace the file\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "yesterday's export\n"
    );
    // A crash once the bytes are written, before they take the file's place, leaves the
    // old file, and the reveal unlogged.
    let before = s.snapshot();
    let crashed = s
        .cmd("audrey", &forced)
        .env("DOCKET_FAULT", "export-staged")
        .output()
        .unwrap();
    assert_ne!(crashed.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "yesterday's export\n"
    );
    assert_eq!(before, s.snapshot(), "nothing logged");
    let out = s.run("audrey", &forced);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("exported 1 records to {path} (gb18030)\n")
    );
    let bytes = std::fs::read(&file).unwrap();
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    assert!(text.contains(SEEDED_NAME), "{text}");
    let log = s.ok("root", &["log", "--action", "reveal"]);
    assert!(log.contains("purpose=nightly extract"), "{log}");
    // Only the crashed run left its temporary file behind, hidden beside the target.
    let temporary: Vec<String> = std::fs::read_dir(s.path(".."))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(
        temporary.len() == 1 && temporary[0].starts_with(".out.csv."),
        "{temporary:?}"
    );
    let err = s.fails("alice", &["export", "customer", "--force"], USAGE);
    assert!(err.contains("--output <FILE>"), "{err}");
}

/// A terminal reads UTF-8: an export to one is UTF-8 whatever the store imports, and
/// GB18030 — whose bytes, read as UTF-8, can pass for control sequences — is refused there.
#[test]
fn an_export_to_a_terminal_is_utf8() {
    let s = TestStore::new();
    s.residential();
    let (code, shown) = on_terminal(&s, "alice", "export customer", &[("LANG", "C.UTF-8")]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains(",张**,"), "{shown}");
    let (code, shown) = on_terminal(
        &s,
        "alice",
        "export customer --encoding gb18030",
        &[("LANG", "C.UTF-8")],
    );
    assert_eq!(
        (code, shown.as_str()),
        (
            USAGE,
            "error: a GB18030 export is not written to a terminal: the terminal reads UTF-8, and GB18030 bytes read as UTF-8 can pass for control sequences\nhint: write it to a file (-o FILE, or redirect it), or export with --encoding utf-8\n"
        )
    );
    let (code, shown) = on_terminal(
        &s,
        "alice",
        "export customer --encoding gb18030",
        &[("LANG", "zh_CN.UTF-8")],
    );
    assert_eq!(
        (code, shown.as_str()),
        (
            USAGE,
            "错误：GB18030 编码的导出不写到终端：终端按 UTF-8 读取，GB18030 的字节按 UTF-8 读时可能被当成控制序列\n提示：请写到文件（-o FILE，或重定向），或用 --encoding utf-8 导出\n"
        )
    );
}

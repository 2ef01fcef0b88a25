//! Caches never lie: the settled index and its rows live where only this machine's user
//! can write, hold nothing personal, and are rebuilt when missing, of another format or
//! not a database; what an earlier version cached in the store folder is never read.

mod common;
use common::*;

/// A store with customers and contracts in several states, and its caches written.
fn store() -> (TestStore, Vec<String>) {
    let s = TestStore::new();
    let a = s.residential();
    let c = s.customer("commercial", &["meter_reading_m3=500"]);
    let pending = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={c}"),
            "installation_fee=18600.00",
            "fee_basis=budget",
            "budget_amount=18600.00",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-02-20",
        ],
    );
    let active = s.create(
        "alice",
        "installation",
        &[
            &format!("customer={a}"),
            "installation_fee=2800.00",
            "fee_basis=tariff",
            "payment_plan=lump-sum",
            "schedule_required=false",
            "property_dispute=false",
            "signed_on=2026-02-20",
        ],
    );
    for who in ["alice", "mona"] {
        s.ok(who, &["query"]);
        s.ok(who, &["pending"]);
    }
    assert!(s.index_db().is_some(), "the index is settled");
    (s, vec![a, c, pending, active])
}

/// What the commands show and decide, to compare after each forgery.
fn observe(s: &TestStore, ids: &[String]) -> Vec<(i32, String)> {
    let runs: Vec<Vec<&str>> = vec![
        vec!["alice", "query"],
        vec!["alice", "query", "--status", "pending"],
        vec![
            "alice",
            "query",
            "customer",
            "--where",
            "meter_reading_m3 > 100",
        ],
        vec!["mona", "pending"],
        vec!["alice", "show", &ids[2]],
        vec!["alice", "show", "CUS-2099-000001"],
        vec!["root", "actor", "list"],
    ];
    runs.iter()
        .map(|r| {
            let o = s.run(r[0], &r[1..]);
            (o.code, format!("{}{}", o.stdout, o.stderr))
        })
        .collect()
}

/// Caches as an earlier docket kept them in the store folder, forged: a pending
/// contract shown active, a record that does not exist.
fn forged_old_caches(s: &TestStore, ids: &[String]) {
    let dir = s.path("records/.cache");
    std::fs::create_dir_all(&dir).unwrap();
    let rows = format!(
        "docket-rows 7 policy 1\t00\n{}\t1\tactive\tcategory\u{1f}\"commercial\"\u{1e}\n",
        ids[2]
    );
    std::fs::write(dir.join("rows-00000000"), rows).unwrap();
    let index = "docket-index 6\t00\nC\t1\t1\t00\nR\tCUS-2099-000001\tcustomer\t1 00\n";
    std::fs::write(dir.join("index-00000000"), index).unwrap();
}

#[test]
fn caches_left_in_the_store_folder_are_never_read() {
    let (s, ids) = store();
    let truth = observe(&s, &ids);
    forged_old_caches(&s, &ids);
    assert_eq!(observe(&s, &ids), truth);
    s.drop_caches();
    forged_old_caches(&s, &ids);
    assert_eq!(observe(&s, &ids), truth, "nor when the index is rebuilt");
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

#[test]
fn a_forged_record_file_is_caught_and_the_store_holds_nothing_derived() {
    let (s, ids) = store();
    assert!(
        !s.path("records/.cache").exists(),
        "nothing derived in the store"
    );
    let rel = format!("records/installation/2026/000/{}.v0001.toml", ids[2]);
    let text = std::fs::read_to_string(s.path(&rel)).unwrap();
    let forged = text.replace("status = \"pending\"", "status = \"active\"");
    std::fs::write(s.path(&rel), &forged).unwrap();
    let err = s.fails("alice", &["show", &ids[2]], INTEGRITY);
    assert!(
        err.contains(&format!(
            "{rel}: the file does not match the hash the audit log holds for it"
        )),
        "{err}"
    );
    s.fails("mona", &["pending"], INTEGRITY);
}

#[test]
fn caches_hold_no_personal_data_and_are_rebuilt_when_missing() {
    let (s, ids) = store();
    let text = s.derived_text();
    for v in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
        assert!(!text.contains(v), "the settled index holds {v}");
    }
    let truth = observe(&s, &ids);
    s.drop_caches();
    assert_eq!(observe(&s, &ids), truth);
    assert!(s.index_db().is_some(), "rebuilt");
    // Tampering with the log is caught whatever the cache says.
    let altered = s
        .log_text()
        .replacen("\"actor\":\"alice\"", "\"actor\":\"mallory\"", 1);
    std::fs::write(s.path("records/audit.log"), altered).unwrap();
    s.fails("alice", &["show", &ids[0]], INTEGRITY);
}

#[test]
fn a_settled_index_of_another_format_or_none_at_all_is_rebuilt() {
    let (s, ids) = store();
    let truth = observe(&s, &ids);
    let db = s.index_db().unwrap();
    let format = |db: &std::path::Path| -> i64 {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    let today = format(&db);
    // What an earlier docket left behind, then what a failing disk leaves.
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    assert_eq!(observe(&s, &ids), truth);
    assert_eq!(format(&db), today, "rebuilt in today's format");
    s.drop_caches();
    std::fs::write(&db, "not a database").unwrap();
    assert_eq!(observe(&s, &ids), truth);
    assert_eq!(format(&db), today, "rebuilt from the log");
}

/// The settled index follows every act: after a commit its checkpoint is the log's head;
/// an import leaves the rows of what it wrote, so the next command reads no file again.
#[test]
fn the_settled_index_stands_at_the_head_after_each_act_and_keeps_an_imports_rows() {
    let s = TestStore::new();
    let head = |s: &TestStore| -> i64 {
        let out = s.ok("", &["verify"]);
        out.strip_prefix("ok: ")
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap()
    };
    let settled = |s: &TestStore, sql: &str| -> i64 {
        let db = rusqlite::Connection::open(s.index_db().unwrap()).unwrap();
        db.query_row(sql, [], |r| r.get(0)).unwrap()
    };
    s.residential();
    assert_eq!(settled(&s, "SELECT entries FROM checkpoint"), head(&s));
    s.import_many(1000, 40);
    assert_eq!(settled(&s, "SELECT entries FROM checkpoint"), head(&s));
    let customers = settled(&s, "SELECT count(*) FROM records WHERE kind = 'customer'");
    assert_eq!(customers, 41);
    // The import's duplicate check made the first customer's row; the import kept its own.
    assert_eq!(
        settled(&s, "SELECT count(*) FROM rows"),
        41,
        "the import's rows"
    );
    assert_eq!(
        settled(&s, "SELECT count(*) FROM uniques WHERE field = 'id_number'"),
        41
    );
    assert!(settled(&s, "SELECT entry FROM rows_made") < head(&s));
    // The next command that needs every row finds them all current, and says so.
    s.ok("alice", &["pending"]);
    assert_eq!(settled(&s, "SELECT count(*) FROM rows"), 41);
    assert_eq!(
        settled(&s, "SELECT entry FROM rows_made"),
        settled(&s, "SELECT entries FROM checkpoint")
    );
}

/// An import too big to settle at once is settled in parts of 10,000 records inside one
/// database transaction: afterwards the settled index holds every record, exactly what a
/// rebuild from the log holds, at the log's head.
#[test]
fn an_import_settled_in_parts_holds_what_a_rebuild_holds() {
    let s = TestStore::new();
    s.residential();
    s.import_many(1000, 13_000);
    let settled = |s: &TestStore, sql: &str| -> String {
        let db = rusqlite::Connection::open(s.index_db().unwrap()).unwrap();
        db.query_row(sql, [], |r| r.get(0)).unwrap()
    };
    let digest = "SELECT count(*) || ' ' || sum(length(id)) || ' ' || max(id) || ' ' || \
                  min(id) || ' ' || sum(version) FROM records";
    let parted = settled(&s, digest);
    let checkpoint = settled(&s, "SELECT entries || ' ' || hash FROM checkpoint");
    assert!(parted.starts_with("13001 "), "{parted}");
    let fingerprints = settled(&s, "SELECT count(*) || '' FROM fingerprints");
    assert_eq!(fingerprints, "13000");
    let db = s.index_db().unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    s.ok("alice", &["whoami"]);
    assert_eq!(
        settled(&s, digest),
        parted,
        "the rebuilt index holds the same"
    );
    assert_eq!(
        settled(&s, "SELECT entries || ' ' || hash FROM checkpoint"),
        checkpoint
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

#[test]
fn the_settled_index_keeps_its_write_ahead_log_short_for_the_next_run() {
    // Every run that opens the settled index first reads its whole write-ahead log: the
    // writes of a big import and of many acts are folded into the database as they go.
    let s = TestStore::new();
    s.import_many(1, 3000);
    let c = s.residential();
    for i in 0..40 {
        let phone = format!("phone=139{i:08}");
        s.ok(
            "alice",
            &["amend", &c, "--set", &phone, "--reason", "moved"],
        );
    }
    let db = s.index_db().expect("a settled index");
    let wal = std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len());
    assert!(wal <= 512 << 10, "a write-ahead log of {wal} bytes left");
    s.ok("", &["verify"]);
}

#[test]
fn a_query_on_current_rows_writes_nothing() {
    let s = TestStore::new();
    s.import_many(1, 50);
    s.ok(
        "alice",
        &["query", "customer", "--where", "category == 'residential'"],
    );
    let state = || -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(s.state().join("docket"))
            .unwrap()
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().ends_with("-shm"))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = state();
    s.ok(
        "alice",
        &["query", "customer", "--where", "category == 'residential'"],
    );
    s.ok("alice", &["query", "--format", "csv", "customer"]);
    assert!(
        before == state(),
        "a query of rows already current wrote to the state folder"
    );
}

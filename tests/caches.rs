//! Caches never lie: every kind of forged line in the store's rows cache changes no
//! output and no decision — the cache is rebuilt instead; and the settled index lives
//! where only this machine's user can write, holding nothing personal.

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
    assert!(s.cache_file("rows").is_some(), "the rows are cached");
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

/// Ways to forge one line of a cache: change a field, drop it, or add a line like it.
fn forgeries(line: &str) -> Vec<String> {
    let mut out = vec![String::new(), format!("{line}\n{line}")];
    let fields: Vec<&str> = line.split('\t').collect();
    for i in 0..fields.len() {
        for replacement in ["pending", "9", "CUS-2099-000001"] {
            let mut f = fields.clone();
            f[i] = replacement;
            out.push(f.join("\t"));
        }
    }
    out
}

#[test]
fn forged_cache_lines_change_no_output_and_no_decision() {
    let (s, ids) = store();
    let truth = observe(&s, &ids);
    let mut tried = 0;
    {
        let name = "rows";
        let path = s.cache_file(name).unwrap();
        let sealed = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = sealed.lines().collect();
        // Line 0 is the seal.
        for at in 1..lines.len() {
            for forged in forgeries(lines[at]) {
                let mut copy = lines.clone();
                copy[at] = &forged;
                std::fs::write(&path, copy.join("\n") + "\n").unwrap();
                assert_eq!(
                    observe(&s, &ids),
                    truth,
                    "{name} line {at} forged as {forged:?}"
                );
                tried += 1;
                std::fs::write(&path, &sealed).unwrap();
            }
        }
        // A forged seal is a forged cache too.
        let reseal = sealed.replacen('\t', "\t0", 1);
        std::fs::write(&path, reseal).unwrap();
        assert_eq!(observe(&s, &ids), truth, "{name} with another seal");
        std::fs::write(&path, &sealed).unwrap();
    }
    println!("tried {tried} forged cache lines");
    assert!(tried > 40, "{tried}");
}

#[test]
fn a_forged_record_file_is_caught_and_the_store_holds_no_index_to_forge() {
    let (s, ids) = store();
    let derived: Vec<String> = std::fs::read_dir(s.path("records/.cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        derived.iter().all(|n| n.starts_with("rows-")),
        "{derived:?}"
    );
    let rel = format!("records/installation/2026/000/{}/v0001.toml", ids[2]);
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
    for path in [s.cache_file("rows").unwrap(), s.index_db().unwrap()] {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for v in [SEEDED_NAME, SEEDED_ID, SEEDED_PHONE, SEEDED_ADDRESS] {
            assert!(!text.contains(v), "{} holds {v}", path.display());
        }
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

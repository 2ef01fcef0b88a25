//! Fuzzing by property: whatever bytes reach the record reader, the schema loader, the
//! expression parser, the log walk and the cache loaders — arbitrary text, or valid
//! input with bytes flipped, inserted and cut — they return a value or an error and
//! never panic. `fuzz/` holds cargo-fuzz targets for the readers of outside input — the
//! log, a record file, an import file, a `--where` (README "Development and testing").

use docket::audit::chain::{Nothing, Plan, walk_fresh};
use docket::schema::expr::Expr;
use docket::schema::kind::load_kind;
use docket::schema::roles::Roles;
use docket::schema::tariffs::Tariffs;
use docket::store::version::Version;
use proptest::prelude::*;

const CUSTOMER: &str = include_str!("../schemas/customer.toml");
const INSTALLATION: &str = include_str!("../schemas/installation.toml");
const ROLES: &str = include_str!("../schemas/roles.toml");
const TARIFFS: &str = include_str!("../schemas/tariffs.toml");
const VERSION: &str = "id = \"INS-2026-000001\"\nkind = \"installation\"\nversion = 2\nstatus = \"active\"\nwritten_at = \"2026-03-01T17:00:00+08:00\"\nwritten_by = \"mona\"\npolicy = 1\naction = \"approve\"\n\n[fields]\ncustomer = \"CUS-2026-000001\"\nfee_basis = \"budget\"\nbudget_amount = \"18600.00\"\ninstallation_fee = \"18600.00\"\npayment_plan = \"lump-sum\"\nproperty_dispute = false\nschedule_required = false\nsigned_on = 2026-02-20\n\n[[approvals]]\nstep = \"market-manager\"\nrule = \"R-C3\"\nactor = \"mona\"\nat = \"2026-03-01T17:00:00+08:00\"\ndecision = \"approved\"\n";
const LOG_LINE: &str = "43a3a5cb32b9b462af8f98e7d3dc31d433ebbac1eec2f6a45aa020eae45630b6 0000000000000000000000000000000000000000000000000000000000000000 {\"seq\":1,\"time\":\"2026-03-01T17:00:00+08:00\",\"actor\":\"root\",\"role\":\"admin\",\"action\":\"genesis\",\"txn\":3,\"detail\":{\"store\":\"1f236b0e98135410\"}} -\n";

/// Valid input with a few bytes flipped, inserted or cut: near misses reach deeper than
/// random text.
fn mutated(valid: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut bytes = valid.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let i = at % (bytes.len() + 1);
            match how {
                0 if i < bytes.len() => bytes[i] ^= byte | 1,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => {}
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn text_or_mutated(valid: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), mutated(valid)]
}

/// Cases per target: 400 in CI; `PROPTEST_CASES=N` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_record_reader_never_panics(text in text_or_mutated(VERSION)) {
        let kind = load_kind("schemas/installation.toml", INSTALLATION).unwrap();
        let _ = Version::parse("records/x/v0001.toml", &text, &kind);
        let _ = docket::store::version::policy_of(&text);
    }

    #[test]
    fn the_schema_loader_never_panics(
        kind in text_or_mutated(CUSTOMER),
        roles in text_or_mutated(ROLES),
        tariffs in text_or_mutated(TARIFFS),
    ) {
        let _ = load_kind("schemas/customer.toml", &kind);
        let _ = Roles::load("schemas/roles.toml", &roles);
        let _ = Tariffs::load("schemas/tariffs.toml", &tariffs);
        let files = [("customer.toml", kind), ("roles.toml", roles), ("tariffs.toml", tariffs)]
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect();
        let _ = docket::schema::Schemas::from_texts(&files, "schemas");
    }

    #[test]
    fn the_expression_parser_never_panics(
        source in prop_oneof![
            any::<String>(),
            mutated("customer.category == 'commercial' && customer[\"id_number\"].startsWith('1') || fee > 2"),
            mutated("items.exists(k, k == 'x') && has(customer.phone) && [1, 2].all(x, x > 0)"),
        ],
    ) {
        if let Ok(e) = Expr::compile(&source) {
            let _ = e.reads();
            let _ = e.variables();
        }
    }

    #[test]
    fn the_log_walk_never_panics(log in prop_oneof![
        any::<Vec<u8>>(),
        mutated(LOG_LINE).prop_map(String::into_bytes),
    ]) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("records")).unwrap();
        std::fs::write(dir.path().join("records/audit.log"), &log).unwrap();
        let plan = Plan { collect_all: true, ..Plan::default() };
        let log = docket::layout::LogRoot::first();
        let _ = walk_fresh(dir.path(), &log, plan, || Nothing);
        let _ = docket::audit::chain::transaction_of(dir.path(), &log, 1);
    }

    #[test]
    fn the_settled_index_loader_never_panics(
        index in prop_oneof![
            any::<Vec<u8>>(),
            any::<Vec<u8>>().prop_map(|t| [b"SQLite format 3\0".as_slice(), &t].concat()),
        ],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.index.sqlite");
        std::fs::write(&db, &index).unwrap();
        if let Some((_, settled)) = docket::cache::index::load(&db) {
            let _ = settled.record("CUS-2026-000001");
        }
        let rows = docket::cache::rows::Rows::open(None, Some(&db));
        let _ = rows.row("CUS-2026-000001");
        let _ = rows.with_status(&["pending"]);
    }
}

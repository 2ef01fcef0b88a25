//! `query --where`, fed any text: compiled, its reads and comparisons found (what decides
//! whether it reads personal data), and evaluated over an installation contract bound as
//! a query binds it — its customer as a map, personal data masked but for `contact`.

#![no_main]

mod template;

use docket::schema::expr::{Engine, Expr};
use docket::schema::value::Value;
use docket::session::{Binding, bind};
use docket::store::version::Version;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use template::SCHEMAS;

/// A record of `kind` from the demo store.
fn demo(kind: &str, text: &str) -> BTreeMap<String, Value> {
    let kind = SCHEMAS.kind(kind).expect("a kind of the template");
    Version::parse("demo", text, kind)
        .expect("a demo record reads")
        .fields
}

static INSTALLATION: LazyLock<BTreeMap<String, Value>> = LazyLock::new(|| {
    demo(
        "installation",
        include_str!("../../records/installation/INS-2026-000001/v0001.toml"),
    )
});

static CUSTOMER: LazyLock<BTreeMap<String, Value>> = LazyLock::new(|| {
    demo(
        "customer",
        include_str!("../../records/customer/CUS-2026-000001/v0001.toml"),
    )
});

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = Expr::compile(source) else {
        return;
    };
    let _ = (expr.reads(), expr.variables(), expr.comparisons());
    thread_local! {
        static ENGINE: Engine = Engine::default();
    }
    ENGINE.with(|engine| {
        let kind = SCHEMAS.kind("installation").expect("installation");
        let binding = Binding {
            wanted: &|name| expr.uses(name) || matches!(name, "id" | "status" | "version"),
            shown: &|class| class == "contact",
        };
        let mut resolve = |_: &str, _: &str| Ok(Some((CUSTOMER.clone(), "active".to_string())));
        let scope = bind(
            engine,
            &SCHEMAS,
            kind,
            &INSTALLATION,
            ("INS-2026-000001", "active", 1),
            &binding,
            &mut resolve,
        )
        .expect("a demo contract binds");
        let _ = expr.eval_bool(&scope);
    });
});

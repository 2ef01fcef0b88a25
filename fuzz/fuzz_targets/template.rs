//! The gas-utility template's schemas, as the repository's store holds them: what the
//! targets read records and expressions against.

use docket::schema::Schemas;
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| {
    let files: BTreeMap<String, String> = [
        (
            "alarm-installation.toml",
            include_str!("../../schemas/alarm-installation.toml"),
        ),
        (
            "commercial-supply.toml",
            include_str!("../../schemas/commercial-supply.toml"),
        ),
        ("customer.toml", include_str!("../../schemas/customer.toml")),
        (
            "installation.toml",
            include_str!("../../schemas/installation.toml"),
        ),
        (
            "residential-supply.toml",
            include_str!("../../schemas/residential-supply.toml"),
        ),
        ("roles.toml", include_str!("../../schemas/roles.toml")),
        (
            "take-or-pay.toml",
            include_str!("../../schemas/take-or-pay.toml"),
        ),
        ("tariffs.toml", include_str!("../../schemas/tariffs.toml")),
    ]
    .into_iter()
    .map(|(name, text)| (name.to_string(), text.to_string()))
    .collect();
    Schemas::from_texts(&files, "schemas").expect("the template's schemas load")
});

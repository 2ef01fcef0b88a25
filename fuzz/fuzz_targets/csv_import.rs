//! The import's reading of a legacy spreadsheet, fed any file: recognised, decoded (UTF-8,
//! a BOM, or GB18030), its header matched to a kind's fields and mapping, every row's
//! cells converted. The first byte picks the kind, the mapping and the column separator.

#![no_main]

use docket::io::mapping::Mapping;
use docket::ops::import::convert_file;
use docket::schema::kind::{Kind, load_kind};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static KINDS: LazyLock<Vec<Kind>> = LazyLock::new(|| {
    [
        ("customer.toml", include_str!("../../schemas/customer.toml")),
        (
            "installation.toml",
            include_str!("../../schemas/installation.toml"),
        ),
        (
            "take-or-pay.toml",
            include_str!("../../schemas/take-or-pay.toml"),
        ),
        (
            "residential-supply.toml",
            include_str!("../../schemas/residential-supply.toml"),
        ),
    ]
    .into_iter()
    .map(|(name, text)| load_kind(&format!("schemas/{name}"), text).expect("the schema loads"))
    .collect()
});

/// The demo's mapping of a 2012 spreadsheet (Chinese headers, `2012/3/5` dates, `、`
/// lists), and the default one (columns named as the fields).
static MAPPINGS: LazyLock<[Mapping; 2]> = LazyLock::new(|| {
    let demo = include_str!("../../demo/legacy/customers.map.toml");
    [
        Mapping::load("customers.map.toml", demo).expect("the demo mapping loads"),
        Mapping::default(),
    ]
});

fuzz_target!(|data: &[u8]| {
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let kind = &KINDS[usize::from(choice) % KINDS.len()];
    let mapping = &MAPPINGS[usize::from(choice >> 2) % 2];
    let delimiter = b",\t;|"[usize::from(choice >> 3) % 4];
    let _ = convert_file(kind, mapping, file, "gb18030", delimiter);
});

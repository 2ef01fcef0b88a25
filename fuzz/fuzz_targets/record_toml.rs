//! The record reader, fed any text: as a stored version file of every kind, and as a
//! `create --file` document. What docket writes it reads back the same: a version that
//! parses is written out and read again, and must come back unchanged.

#![no_main]

mod template;

use docket::ops::input::parse_file;
use docket::store::version::{Version, policy_of};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use template::SCHEMAS;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = policy_of(text);
    for kind in SCHEMAS.kinds.values() {
        if let Ok(version) = Version::parse("records/x/v0001.toml", text, kind) {
            let written = version.to_toml();
            let again = Version::parse("records/x/v0001.toml", &written, kind)
                .unwrap_or_else(|e| panic!("docket cannot read what it wrote: {e}\n{written}"));
            assert_eq!(
                again.to_toml(),
                written,
                "a version changed on the way back"
            );
        }
        let mut fields = BTreeMap::new();
        let _ = parse_file(kind, "record.toml", text, &mut fields);
    }
});

//! Price-authority fees (`schemas/tariffs.toml`), exact decimals, for R-C11 fee checks.

use super::kind::line_at;
use super::value::parse_money;
use crate::error::{InputError, Location};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Tariff {
    pub name: String,
    pub title: String,
    pub amount: Decimal,
    pub unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTariff {
    title: String,
    amount: String,
    unit: String,
    #[allow(dead_code)]
    effective: Option<toml::value::Datetime>,
}

#[derive(Debug, Default)]
pub struct Tariffs {
    pub tariffs: BTreeMap<String, Tariff>,
}

impl Tariffs {
    pub fn load(file: &str, text: &str) -> Result<Tariffs, InputError> {
        let raw: BTreeMap<String, RawTariff> = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_at(text, s.start));
            InputError::new(
                Location::file(file).line(line),
                e.message().trim().to_string(),
            )
            .hint("fix the TOML in the tariffs file")
        })?;
        let mut tariffs = BTreeMap::new();
        for (name, t) in raw {
            let amount = parse_money(&t.amount, 4).map_err(|m| {
                let line = super::kind::line_of(text, &format!("[{name}]"));
                InputError::new(Location::file(file).line(line).field("amount"), m)
            })?;
            tariffs.insert(
                name.clone(),
                Tariff {
                    name,
                    title: t.title,
                    amount: amount.normalize(),
                    unit: t.unit,
                },
            );
        }
        Ok(Tariffs { tariffs })
    }
}

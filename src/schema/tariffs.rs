//! Price-authority fees (`schemas/tariffs.toml`) with their history: each tariff holds
//! dated amounts, exact decimals, and a contract is priced by the amount in force on its
//! own date (R-C11, R-C18), so a new tariff from next year neither refuses today's
//! contracts nor breaks amendments of old ones.

use super::kind::{line_at, line_of};
use super::value::parse_money;
use crate::error::{InputError, Location};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Tariff {
    pub name: String,
    pub title: String,
    pub unit: String,
    /// (in force from, amount), oldest first.
    pub amounts: Vec<(NaiveDate, Decimal)>,
}

impl Tariff {
    /// The amount in force on `date`: the latest one that started on or before it.
    pub fn amount_on(&self, date: NaiveDate) -> Option<Decimal> {
        self.amounts
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map(|(_, a)| *a)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTariff {
    title: String,
    unit: String,
    amounts: Vec<RawAmount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmount {
    from: toml::value::Datetime,
    amount: String,
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
            .hint(t!("tariffs-fix-toml-tariffs-file"))
        })?;
        let mut tariffs = BTreeMap::new();
        for (name, t) in raw {
            let at = || Location::file(file).line(line_of(text, &format!("[{name}")));
            let mut amounts = Vec::new();
            for a in t.amounts {
                let from = a
                    .from
                    .date
                    .and_then(|d| {
                        NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                    })
                    .ok_or_else(|| {
                        InputError::new(
                            at().field("from"),
                            t!("tariffs-not-calendar-date", from = a.from),
                        )
                    })?;
                let amount = parse_money(&a.amount, 4)
                    .map_err(|m| InputError::new(at().field("amount"), m))?;
                if amount.is_sign_negative() {
                    return Err(InputError::new(
                        at().field("amount"),
                        t!("tariffs-tariff-negative", name = name),
                    ));
                }
                amounts.push((from, amount.normalize()));
            }
            amounts.sort_by_key(|(from, _)| *from);
            if amounts.is_empty() || amounts.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(InputError::new(
                    at(),
                    t!("tariffs-tariff-needs-at-least", name = name),
                ));
            }
            tariffs.insert(
                name.clone(),
                Tariff {
                    name,
                    title: t.title,
                    unit: t.unit,
                    amounts,
                },
            );
        }
        Ok(Tariffs { tariffs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amount_in_force_is_the_latest_started() {
        let t = Tariffs::load(
            "tariffs.toml",
            "[x]\ntitle = \"x\"\nunit = \"u\"\n[[x.amounts]]\nfrom = 2011-10-01\namount = \"2800.00\"\n[[x.amounts]]\nfrom = 2027-01-01\namount = \"3000\"\n",
        )
        .unwrap();
        let x = &t.tariffs["x"];
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(x.amount_on(d("2011-09-30")), None);
        assert_eq!(x.amount_on(d("2026-12-31")), Some(Decimal::from(2800)));
        assert_eq!(x.amount_on(d("2027-01-01")), Some(Decimal::from(3000)));
    }
}

//! Import mapping files (TOML): which CSV column feeds which field, constants for every
//! row, and how legacy spreadsheets write dates, booleans and lists — the conversion rules
//! a legacy export needs, declared instead of scripted.

use crate::error::{InputError, Location};
use crate::schema::kind::line_at;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    /// The column holding the row's number in the old system.
    legacy: Option<String>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    constants: BTreeMap<String, String>,
    #[serde(default)]
    dates: RawDates,
    #[serde(default)]
    booleans: RawBooleans,
    #[serde(default)]
    lists: RawLists,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDates {
    #[serde(default)]
    formats: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBooleans {
    #[serde(default, rename = "true")]
    yes: Vec<String>,
    #[serde(default, rename = "false")]
    no: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLists {
    separator: Option<String>,
}

/// How to read one file's columns. Without a mapping file, columns named like fields
/// feed those fields and a `legacy_no` column holds legacy numbers.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub legacy: String,
    pub skip: Vec<String>,
    pub columns: BTreeMap<String, String>,
    pub constants: BTreeMap<String, String>,
    pub date_formats: Vec<String>,
    pub yes: Vec<String>,
    pub no: Vec<String>,
    pub separator: String,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            legacy: "legacy_no".into(),
            skip: Vec::new(),
            columns: BTreeMap::new(),
            constants: BTreeMap::new(),
            date_formats: vec!["%Y-%m-%d".into()],
            yes: vec!["true".into()],
            no: vec!["false".into()],
            separator: ";".into(),
        }
    }
}

impl Mapping {
    pub fn load(file: &str, text: &str) -> Result<Mapping, InputError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_at(text, s.start));
            InputError::new(
                Location::file(file).line(line),
                e.message().trim().to_string(),
            )
            .hint(t!("mapping-mapping-has-legacy-skip"))
        })?;
        let d = Mapping::default();
        Ok(Mapping {
            legacy: raw.legacy.unwrap_or(d.legacy),
            skip: raw.skip,
            columns: raw.columns,
            constants: raw.constants,
            date_formats: if raw.dates.formats.is_empty() {
                d.date_formats
            } else {
                raw.dates.formats
            },
            yes: if raw.booleans.yes.is_empty() {
                d.yes
            } else {
                raw.booleans.yes
            },
            no: if raw.booleans.no.is_empty() {
                d.no
            } else {
                raw.booleans.no
            },
            separator: raw.lists.separator.unwrap_or(d.separator),
        })
    }

    /// The field a column feeds: mapped, or the column's own name.
    pub fn field_for<'a>(&'a self, column: &'a str) -> &'a str {
        self.columns
            .get(column)
            .map(String::as_str)
            .unwrap_or(column)
    }

    /// A date in any of the accepted formats, normalised to a date.
    pub fn date(&self, text: &str) -> Option<NaiveDate> {
        self.date_formats
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
    }

    pub fn boolean(&self, text: &str) -> Option<bool> {
        if self.yes.iter().any(|y| y == text) {
            Some(true)
        } else if self.no.iter().any(|n| n == text) {
            Some(false)
        } else {
            None
        }
    }
}

//! The staff register (R-B1, R-A8): who may act, in which role, with a signed security
//! agreement and training recent enough. Each actor is a versioned file like a record.

use crate::error::{Error, InputError, Location, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub name: String,
    pub version: u32,
    pub role: String,
    /// The department or office the actor belongs to (R-B2); none: the centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The OpenSSH Ed25519 public key every act of this actor is signed with.
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_signed: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_on: Option<NaiveDate>,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
    pub written_at: String,
    pub written_by: String,
}

impl Actor {
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("actors serialize")
    }

    pub fn parse(file: &str, text: &str) -> Result<Actor> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::schema::kind::line_at(text, s.start));
            Error::from(InputError::new(
                Location::file(file).line(line),
                e.message().trim().to_string(),
            ))
        })
    }

    /// Whether the register lets this actor act today (R-B1, R-A8); exit 4 if not.
    pub fn check_standing(&self, today: NaiveDate, training_valid_days: i64) -> Result<()> {
        let name = &self.name;
        if self.revoked {
            return Err(Error::denied(
                t!("actors-actor-has-been-revoked", name = name),
                Some(t!("actors-ask-administrator-if-wrong").to_string()),
            ));
        }
        if self.agreement_signed.is_none_or(|d| d > today) {
            return Err(Error::denied(
                t!("actors-actor-has-not-signed", name = name),
                Some(t!("actors-administrator-records-docket-actor", name = name)),
            ));
        }
        match self.trained_on {
            None => Err(Error::denied(
                t!("actors-actor-has-no-recorded", name = name),
                Some(t!(
                    "actors-administrator-records-docket-actor-2",
                    name = name
                )),
            )),
            Some(d) if (today - d).num_days() > training_valid_days => Err(Error::denied(
                t!(
                    "actors-actor-s-data-protection",
                    name = name,
                    d = d,
                    training_valid_days = training_valid_days
                ),
                Some(t!("actors-after-refresher-training-docket", name = name)),
            )),
            Some(_) => Ok(()),
        }
    }
}

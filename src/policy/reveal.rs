//! Purposeful reveal (R-A3, R-C16): personal data is masked unless the actor's role may
//! see its class and a purpose is stated; what was revealed is then logged.

use super::mask::mask_value;
use crate::error::{Error, Result};
use crate::schema::kind::Kind;
use crate::schema::roles::Role;
use crate::schema::value::Value;
use std::collections::{BTreeMap, BTreeSet};

/// An approved request to see personal data.
#[derive(Debug, Clone)]
pub struct Reveal {
    pub purpose: String,
    /// Classes the actor's role may see.
    pub classes: BTreeSet<String>,
}

/// Check a `--reveal --purpose` request against the role (exit 2 without a purpose, exit 5
/// for one that says nothing — `.`, a placeholder such as 无 — exit 4 when the role may
/// reveal nothing).
pub fn authorize(
    role: &Role,
    actor: &str,
    purpose: Option<&str>,
    (max_chars, today): (usize, chrono::NaiveDate),
    placeholders: &[String],
) -> Result<Reveal> {
    let purpose = purpose
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Error::usage(
                t!("reveal-reveal-needs-purpose-text"),
                Some(t!("reveal-e-g-reveal-purpose").to_string()),
            )
        })?;
    if purpose.chars().count() > max_chars {
        return Err(crate::error::InputError::new(
            crate::error::Location::file("--purpose"),
            t!(
                "reveal-characters-at-most-policy",
                chars = purpose.chars().count(),
                max_chars = max_chars
            ),
        )
        .hint(t!("reveal-state-purpose-fewer-words"))
        .into());
    }
    if let Some(m) = crate::text::refuse_unprintable(purpose) {
        return Err(
            crate::error::InputError::new(crate::error::Location::file("--purpose"), m)
                .hint(t!("reveal-write-purpose-one-line"))
                .into(),
        );
    }
    crate::ops::input::says_something("--purpose", purpose, placeholders)?;
    crate::ops::input::holds_no_personal_number("--purpose", purpose, today)?;
    if role.reveal.is_empty() {
        return Err(Error::denied(
            t!("reveal-actor-role-may-not", actor = actor, name = role.name),
            Some(t!("reveal-ask-someone-whose-role").to_string()),
        ));
    }
    Ok(Reveal {
        purpose: purpose.to_string(),
        classes: role.reveal.iter().cloned().collect(),
    })
}

/// The fields as they may be shown, and the PII classes actually revealed.
pub fn shown_fields(
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    reveal: Option<&Reveal>,
) -> (BTreeMap<String, Value>, BTreeSet<String>) {
    let mut revealed = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (name, value) in fields {
        let field = kind.field(name);
        let shown = match field.and_then(|f| f.pii.as_ref().map(|c| (f, c))) {
            None => value.clone(),
            Some((f, class)) => {
                if reveal.is_some_and(|r| r.classes.contains(class)) {
                    revealed.insert(class.clone());
                    value.clone()
                } else {
                    mask_value(f.mask, value)
                }
            }
        };
        out.insert(name.clone(), shown);
    }
    (out, revealed)
}

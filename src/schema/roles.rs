//! Roles and their permissions (`schemas/roles.toml`): which kinds a role drafts, which
//! PII classes it may reveal with a purpose, which other acts it may take.

use super::kind::line_at;
use crate::error::{InputError, Location};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    #[serde(skip)]
    pub name: String,
    pub title: super::title::Title,
    #[serde(default)]
    pub create: Vec<String>,
    #[serde(default)]
    pub reveal: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    /// Which records the role reads and acts on: every record, or only those of the
    /// actor's own department (R-B2, R-C17).
    #[serde(default)]
    pub scope: Scope,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    All,
    Department,
}

/// Acts a role may be granted besides drafting kinds. `manage-department` is the
/// responsible person's: the staff register, for their own department's actors only.
pub const ACTIONS: [&str; 7] = [
    "manage-actors",
    "manage-department",
    "read-papers",
    "complete",
    "terminate",
    "archive",
    "recover",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoles {
    roles: BTreeMap<String, Role>,
}

#[derive(Debug, Default)]
pub struct Roles {
    pub roles: BTreeMap<String, Role>,
}

impl Roles {
    pub fn load(file: &str, text: &str) -> Result<Roles, InputError> {
        let raw: RawRoles = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_at(text, s.start));
            InputError::new(
                Location::file(file).line(line),
                e.message().trim().to_string(),
            )
            .hint(t!("roles-fix-toml-roles-file"))
        })?;
        let mut roles = raw.roles;
        for (name, role) in roles.iter_mut() {
            role.name = name.clone();
            if let Some(bad) = role.actions.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
                let line = super::kind::line_of(text, &format!("[roles.{name}]"));
                return Err(InputError::new(
                    Location::file(file).line(line),
                    t!(
                        "roles-role-lists-unknown-action",
                        name = name,
                        bad = bad,
                        join = ACTIONS.join(", ")
                    ),
                ));
            }
        }
        Ok(Roles { roles })
    }

    pub fn get(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// Whether `role` holds `permit`: `act:NAME`, `create:KIND` or `reveal:CLASS`.
    pub fn permits(&self, role: &str, permit: &str) -> bool {
        let Some(r) = self.get(role) else {
            return false;
        };
        match permit.split_once(':') {
            Some(("act", action)) => r.may(action),
            Some(("create", kind)) => r.create.iter().any(|k| k == kind),
            Some(("reveal", class)) => r.may_reveal(class),
            _ => false,
        }
    }
}

impl Role {
    /// Whether this role may do anything `old` could not.
    pub fn widens(&self, old: &Role) -> bool {
        let more = |now: &[String], before: &[String]| now.iter().any(|x| !before.contains(x));
        more(&self.create, &old.create)
            || more(&self.reveal, &old.reveal)
            || more(&self.actions, &old.actions)
            || (old.scope == Scope::Department && self.scope == Scope::All)
    }

    /// Whether the role holds an act that manages others (the register, the store): a
    /// department's responsible person never grants one.
    pub fn administers(&self) -> bool {
        ["manage-actors", "manage-department", "recover"]
            .iter()
            .any(|a| self.may(a))
    }

    pub fn may(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }
    pub fn may_reveal(&self, class: &str) -> bool {
        self.reveal.iter().any(|c| c == class)
    }
}

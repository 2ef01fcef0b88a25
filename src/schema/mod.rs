//! The store's schemas: record kinds (one file each), roles and tariffs, loaded together
//! and cross-checked, so adding a kind is adding a file.

pub mod expr;
pub mod formats;
pub mod kind;
pub mod roles;
pub mod tariffs;
pub mod title;
pub mod value;

use crate::error::{Error, InputError, IoContext, Location, Result};
use kind::{Kind, line_of};
use roles::Roles;
use std::collections::BTreeMap;
use std::path::Path;
use tariffs::Tariffs;

/// The gas-utility template, embedded so `docket init` works anywhere.
pub const TEMPLATE: &[(&str, &str)] = &[
    ("roles.toml", include_str!("../../schemas/roles.toml")),
    ("tariffs.toml", include_str!("../../schemas/tariffs.toml")),
    ("customer.toml", include_str!("../../schemas/customer.toml")),
    (
        "installation.toml",
        include_str!("../../schemas/installation.toml"),
    ),
    (
        "alarm-installation.toml",
        include_str!("../../schemas/alarm-installation.toml"),
    ),
    (
        "residential-supply.toml",
        include_str!("../../schemas/residential-supply.toml"),
    ),
    (
        "commercial-supply.toml",
        include_str!("../../schemas/commercial-supply.toml"),
    ),
    (
        "take-or-pay.toml",
        include_str!("../../schemas/take-or-pay.toml"),
    ),
];

const NOT_KINDS: [&str; 2] = ["roles.toml", "tariffs.toml"];

#[derive(Debug, Default)]
pub struct Schemas {
    pub kinds: BTreeMap<String, Kind>,
    pub roles: Roles,
    pub tariffs: Tariffs,
}

impl Schemas {
    /// Load every `*.toml` under `dir`; `shown` is how the folder is named in messages.
    pub fn load(dir: &Path, shown: &str) -> Result<Schemas> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .at(dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml") && !n.starts_with('.'))
            .collect();
        names.sort();
        let mut files = BTreeMap::new();
        for name in names {
            let text = std::fs::read_to_string(dir.join(&name)).at(dir.join(&name))?;
            files.insert(name, text);
        }
        Schemas::from_texts(&files, shown)
    }

    /// Build from file name → text (a policy version read back from the store, say).
    pub fn from_texts(files: &BTreeMap<String, String>, shown: &str) -> Result<Schemas> {
        let file = |name: &str| format!("{shown}/{name}");
        let mut schemas = Schemas::default();
        for (name, text) in files {
            match name.as_str() {
                "roles.toml" => schemas.roles = Roles::load(&file(name), text)?,
                "tariffs.toml" => schemas.tariffs = Tariffs::load(&file(name), text)?,
                _ => {
                    let k = kind::load_kind(&file(name), text)?;
                    schemas.kinds.insert(k.name.clone(), k);
                }
            }
        }
        if !files.contains_key("roles.toml") {
            return Err(InputError::new(
                Location::file(file("roles.toml")),
                t!("schema-roles-file-missing"),
            )
            .hint(t!("schema-restore-schemas-roles-toml"))
            .into());
        }
        schemas.cross_check(files, shown)?;
        Ok(schemas)
    }

    /// References between files: ref kinds, step roles, tariffs, roles' kinds.
    fn cross_check(&self, files: &BTreeMap<String, String>, shown: &str) -> Result<()> {
        let problem = |kind: &Kind, needle: &str, message: String| -> Error {
            let text = files
                .get(&format!("{}.toml", kind.name))
                .map(String::as_str)
                .unwrap_or_default();
            InputError::new(
                Location::file(&kind.file).line(line_of(text, needle)),
                message,
            )
            .hint(t!("kind-correct-schema-file-store"))
            .into()
        };
        for k in self.kinds.values() {
            for (f, target) in k.refs() {
                if !self.kinds.contains_key(target) {
                    return Err(problem(
                        k,
                        &format!("[fields.{}]", f.name),
                        t!(
                            "schema-field-refers-kind-which",
                            name = f.name,
                            target = target
                        ),
                    ));
                }
            }
            for s in &k.steps {
                if self.roles.get(&s.role).is_none() {
                    return Err(problem(
                        k,
                        &s.role,
                        t!("schema-approval-step-names-role", role = s.role),
                    ));
                }
            }
            for r in k.create_roles.iter().flatten() {
                if self.roles.get(r).is_none() {
                    return Err(problem(
                        k,
                        "create_roles",
                        t!("schema-create-roles-names-role", r = r),
                    ));
                }
            }
            for fee in &k.fees {
                if let Some(t) = &fee.tariff
                    && !self.tariffs.tariffs.contains_key(t)
                {
                    return Err(problem(k, t, t!("schema-fee-check-names-tariff", t = t)));
                }
            }
        }
        let roles_text = files
            .get("roles.toml")
            .map(String::as_str)
            .unwrap_or_default();
        for role in self.roles.roles.values() {
            if let Some(bad) = role.create.iter().find(|k| !self.kinds.contains_key(*k)) {
                return Err(InputError::new(
                    Location::file(format!("{shown}/roles.toml"))
                        .line(line_of(roles_text, &format!("[roles.{}]", role.name))),
                    t!("schema-role-may-create-kind", name = role.name, bad = bad),
                )
                .into());
            }
        }
        Ok(())
    }

    pub fn kind(&self, name: &str) -> Result<&Kind> {
        self.kinds.get(name).ok_or_else(|| {
            let kinds: Vec<&str> = self.kinds.keys().map(String::as_str).collect();
            InputError::new(Location::default(), t!("schema-unknown-kind", name = name))
                .hint(crate::text::suggest(name, &t!("text-kinds"), &kinds))
                .into()
        })
    }

    /// The kind whose id prefix starts `id` (`INS-2026-000001` → installation).
    pub fn kind_of_id(&self, id: &str) -> Option<&Kind> {
        let prefix = id.split('-').next()?;
        self.kinds.values().find(|k| k.prefix == prefix)
    }

    pub fn is_kind_file(name: &str) -> bool {
        !NOT_KINDS.contains(&name)
    }
}

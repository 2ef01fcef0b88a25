//! `policy diff` and `policy apply`: the live policy files against the applied version,
//! and a signed act by an administrator that makes them the rules in force, after
//! checking that every kind still loads, no field existing records use disappears or
//! changes type, the applier's own role gains nothing, and an administrator remains.

use crate::audit::index::POLICY_ACT;
use crate::error::{Error, InputError, Location, Result};
use crate::layout::{CONFIG_NAME, policy_copy};
use crate::policy::applied::{self, Drift};
use crate::schema::Schemas;
use crate::session::{Session, Writer};
use crate::store::config::Config;
use std::collections::BTreeMap;

/// One changed file, with a unified diff of its text.
pub struct FileDiff {
    pub drift: Drift,
    pub diff: String,
}

/// How the live policy files differ from the applied version.
pub fn diff(session: &Session) -> Result<(u32, Vec<FileDiff>)> {
    let r = &session.registry;
    let applied = applied::read_version(&session.store, r.policy, &r.policy_files)?;
    let live = applied::live_files(&session.store)?;
    let mut out = Vec::new();
    for drift in applied::drift(&session.store, &r.policy_files)? {
        let source = drift.source().to_string();
        let old = applied.get(&source).cloned().unwrap_or_default();
        let new = live
            .get(&source)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let text = similar::TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(2)
            .header(
                &t!("policy-applied-version", policy = r.policy, source = source),
                &t!("policy-live", source = source),
            )
            .to_string();
        out.push(FileDiff { drift, diff: text });
    }
    Ok((r.policy, out))
}

pub struct Applied {
    pub version: u32,
    pub changed: Vec<Drift>,
}

/// The live files as text, or exit 5 naming the one that is not UTF-8.
fn live_texts(session: &Session) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (source, bytes) in applied::live_files(&session.store)? {
        let text = String::from_utf8(bytes).map_err(|_| {
            InputError::new(Location::file(&source), t!("records-file-not-utf-text"))
                .hint(t!("records-save-utf"))
        })?;
        out.insert(source, text);
    }
    Ok(out)
}

/// The new docket.toml reads as every run reads settings (a valid zone, departments and
/// language) and keeps the store's identity.
fn check_config(session: &Session, text: &str) -> Result<()> {
    let config = crate::store::Store::from_text(&session.store.root, text)?.config;
    // Compared with the applied settings: the live ones are the ones being changed.
    let r = &session.registry;
    let applied = applied::read_version(&session.store, r.policy, &r.policy_files)?;
    let before: Config = toml::from_str(
        applied
            .get(CONFIG_NAME)
            .map(String::as_str)
            .unwrap_or_default(),
    )
    .map_err(|e| Error::integrity(CONFIG_NAME, t!("policy-applied-settings-do-not", e = e)))?;
    let id = &before.store.id;
    if config.store.id != *id || config.store.site_code != before.store.site_code {
        return Err(InputError::new(
            Location::file(CONFIG_NAME).field("store"),
            t!("policy-store-s-id-site", id = id),
        )
        .hint(t!("policy-put-store-back-was"))
        .into());
    }
    Ok(())
}

/// No field any record's current version uses may disappear or change type, and no kind
/// with records may go.
fn check_records_still_read(session: &Session, new: &Schemas) -> Result<()> {
    let mut errors = Vec::new();
    let mut used: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (id, head) in session.index.records.iter() {
        let v = session.load_version(id, head.version)?;
        let old_kind = session.schemas_at(v.policy)?;
        let old_kind = old_kind.kind(&v.kind)?;
        for name in v.fields.keys() {
            let old_ty = old_kind.field(name).map(|f| &f.ty);
            let new_ty = new
                .kinds
                .get(&v.kind)
                .and_then(|k| k.field(name))
                .map(|f| &f.ty);
            if new_ty != old_ty {
                *used.entry((v.kind.clone(), name.clone())).or_default() += 1;
            }
        }
    }
    for ((kind, field), n) in used {
        let at = Location::file(format!("schemas/{kind}.toml")).field(&field);
        let message = if new.kinds.contains_key(&kind) {
            t!(
                "policy-record-s-use-field",
                n = n,
                kind = kind,
                field = field
            )
        } else {
            t!("policy-record-s-use-kind", n = n, kind = kind)
        };
        errors.push(InputError::new(at, message).hint(t!("policy-keep-field-was-records")));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// The applier's own role gains nothing, and someone in good standing still manages.
fn check_roles(w: &Writer, new: &Schemas) -> Result<()> {
    let me = w.actor()?;
    if let (Some(old), Some(now)) = (w.schemas.roles.get(&me.role), new.roles.get(&me.role))
        && now.widens(old)
    {
        return Err(Error::denied(
            t!(
                "policy-policy-widens-permissions-role",
                role = me.role,
                name = me.name
            ),
            Some(t!("policy-another-administrator-must-apply").to_string()),
        ));
    }
    let managers = w
        .registry
        .managers(&|role| new.roles.permits(role, "act:manage-actors"));
    if managers == 0 {
        return Err(Error::conflict(
            t!("policy-under-new-roles-nobody"),
            Some(t!("policy-keep-manage-actors-role").to_string()),
        ));
    }
    Ok(())
}

/// Make the live policy files the rules in force: a new version, copied into the store.
pub fn apply(w: &mut Writer, reason: &str) -> Result<Applied> {
    w.stated("--reason", reason)?;
    w.require("manage-actors", &t!("policy-apply-policy"))?;
    let changed = applied::drift(&w.store, &w.registry.policy_files)?;
    if changed.is_empty() {
        return Err(Error::conflict(
            t!(
                "policy-nothing-apply-live-policy",
                policy = w.registry.policy
            ),
            Some(t!("policy-edit-docket-toml-file").to_string()),
        ));
    }
    let texts = live_texts(w)?;
    check_config(
        w,
        texts
            .get(CONFIG_NAME)
            .map(String::as_str)
            .unwrap_or_default(),
    )?;
    let new = applied::schemas_from(&texts)?;
    check_records_still_read(w, &new)?;
    check_roles(w, &new)?;
    let version = w.registry.policy + 1;
    let mut j = w.journal();
    let mut copies = Vec::new();
    for (source, text) in &texts {
        copies.push(j.write(&policy_copy(version, source), text.as_bytes())?);
    }
    let mut entry = j.entry(POLICY_ACT, POLICY_ACT, version, copies);
    entry.detail.insert("reason".into(), reason.to_string());
    let names: Vec<&str> = changed.iter().map(Drift::source).collect();
    entry.detail.insert("changed".into(), names.join(","));
    j.log(entry);
    j.commit()?;
    Ok(Applied { version, changed })
}

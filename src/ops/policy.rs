//! `policy diff` and `policy apply`: the live policy files against the applied version,
//! and a signed act by an administrator that makes them the rules in force, after
//! checking that every kind still loads, no field existing records use disappears or
//! changes type, the applier's own role gains nothing, and an administrator remains.

use crate::audit::act::Act;
use crate::audit::trust::Proposed;
use crate::error::{Error, InputError, Location, Result};
use crate::journal::Transaction;
use crate::layout::{CONFIG_NAME, policy_copy};
use crate::policy::applied::{self, Drift};
use crate::policy::weaken;
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
    let r = &session.registry();
    let applied = applied::read_version(session.store(), r.policy, &r.policy_files)?;
    let live = applied::live_files(session.store())?;
    let mut out = Vec::new();
    for drift in applied::drift(session.store(), &r.policy_files)? {
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
    for (source, bytes) in applied::live_files(session.store())? {
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
    let config = crate::store::Store::from_text(&session.store().root, text)?.config;
    // Compared with the applied settings: the live ones are the ones being changed.
    let r = &session.registry();
    let applied = applied::read_version(session.store(), r.policy, &r.policy_files)?;
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
    for (id, head) in session.index().records() {
        let v = session.load_version(&id, head.version)?;
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
    if let (Some(old), Some(now)) = (w.schemas().roles.get(&me.role), new.roles.get(&me.role))
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
        .registry()
        .managers(&|role| new.roles.permits(role, "act:manage-actors"));
    if managers == 0 {
        return Err(Error::conflict(
            t!("policy-under-new-roles-nobody"),
            Some(t!("policy-keep-manage-actors-role").to_string()),
        ));
    }
    Ok(())
}

/// What `policy apply` did: applied the files, or proposed them for a second
/// administrator because they widen access or weaken a rule.
pub enum Outcome {
    Applied(Applied),
    Proposed { entry: u64, reasons: Vec<String> },
}

/// The first policy version number nobody applied or proposed yet.
fn next_version(w: &Writer) -> u32 {
    let proposed = w
        .registry()
        .proposals
        .values()
        .filter_map(|p| match &p.what {
            Proposed::Policy { version, .. } => Some(*version),
            Proposed::Actor { .. } => None,
        });
    proposed.chain([w.registry().policy]).max().unwrap_or(0) + 1
}

/// No role that manages actors may reveal personal data (exit 5, naming the role).
fn check_managers_reveal_nothing(new: &Schemas) -> Result<()> {
    let problems = crate::replay::register::roles_problems(&new.roles);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(
        problems
            .into_iter()
            .map(|m| InputError::new(Location::file("schemas/roles.toml"), m))
            .collect(),
    ))
}

/// Make the live policy files the rules in force: a new version, copied into the store.
/// A change that widens access or weakens a rule is proposed instead, and takes effect
/// when a second administrator co-signs it (`approve`).
pub fn apply(w: &mut Writer, reason: &str) -> Result<Outcome> {
    w.require_first_site()?;
    w.stated("--reason", reason)?;
    w.require("manage-actors", &t!("policy-apply-policy"))?;
    let changed = applied::drift(w.store(), &w.registry().policy_files)?;
    if changed.is_empty() {
        return Err(Error::conflict(
            t!(
                "policy-nothing-apply-live-policy",
                policy = w.registry().policy
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
    check_managers_reveal_nothing(&new)?;
    let r = &w.registry();
    let old = applied::read_version(w.store(), r.policy, &r.policy_files)?;
    let weaker = weaken::weakenings(&old, &texts, w.today());
    if let Some(pending) = pending_with(w, &texts) {
        return Err(Error::conflict(
            t!("policy-already-proposed", entry = pending),
            Some(t!("policy-approve-hint", entry = pending)),
        ));
    }
    let version = next_version(w);
    let base = w.registry().policy;
    let mut txn = Transaction::begin(w);
    let mut copies = Vec::new();
    for (source, text) in &texts {
        copies.push(txn.write(&policy_copy(version, source), text.as_bytes())?);
    }
    let names: Vec<String> = changed.iter().map(|d| d.source().to_string()).collect();
    let act = if weaker.is_empty() {
        Act::Policy {
            version,
            reason: reason.to_string(),
            changed: names,
            proposal: None,
        }
    } else {
        Act::PolicyPropose {
            version,
            base,
            reason: reason.to_string(),
            changed: names,
            widens: weaker.clone(),
        }
    };
    txn.act(&act, copies);
    txn.commit()?;
    Ok(if weaker.is_empty() {
        Outcome::Applied(Applied { version, changed })
    } else {
        Outcome::Proposed {
            entry: w.head().entries,
            reasons: weaker,
        }
    })
}

/// The pending policy proposal whose files are exactly `texts`, if any.
fn pending_with(w: &Writer, texts: &BTreeMap<String, String>) -> Option<u64> {
    let hashes: BTreeMap<&str, String> = texts
        .iter()
        .map(|(s, t)| (s.as_str(), crate::layout::sha256_hex(t.as_bytes())))
        .collect();
    w.registry()
        .proposals
        .iter()
        .find_map(|(entry, p)| match &p.what {
            Proposed::Policy { version, files, .. } => {
                let same = files.len() == hashes.len()
                    && files.iter().all(|f| {
                        crate::layout::parse_policy_copy(&f.path).is_some_and(|(v, source)| {
                            v == *version && hashes.get(source) == Some(&f.sha256)
                        })
                    });
                same.then_some(*entry)
            }
            Proposed::Actor { .. } => None,
        })
}

/// Co-sign policy proposal `entry` as a second administrator: its version becomes the
/// rules in force. Returns the version.
pub fn approve(w: &mut Writer, entry: u64) -> Result<u32> {
    w.require_first_site()?;
    w.require("manage-actors", &t!("policy-apply-policy"))?;
    let me = w.actor()?.name.clone();
    let (by, what) = super::actors::proposal(w, entry)?;
    let Proposed::Policy {
        version,
        base,
        files,
        reason,
        changed,
        ..
    } = what
    else {
        return Err(Error::invalid(
            Location::default(),
            t!("register-no-proposal", n = entry),
            &t!("actors-pending-lists-proposals"),
        ));
    };
    if by == me {
        return Err(Error::denied(
            t!("register-cosigned-own", actor = me.as_str(), n = entry),
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    if base != w.registry().policy {
        return Err(Error::conflict(
            t!(
                "register-stale-proposal",
                base = base,
                now = w.registry().policy
            ),
            Some(t!("policy-propose-again").to_string()),
        ));
    }
    let sources: BTreeMap<String, String> = files
        .iter()
        .filter_map(|f| {
            let (_, source) = crate::layout::parse_policy_copy(&f.path)?;
            Some((source.to_string(), f.sha256.clone()))
        })
        .collect();
    let texts = applied::read_version(w.store(), version, &sources)?;
    let new = applied::schemas_from(&texts)?;
    check_records_still_read(w, &new)?;
    check_managers_reveal_nothing(&new)?;
    let act = Act::Policy {
        version,
        reason,
        changed,
        proposal: Some(entry),
    };
    let mut txn = Transaction::begin(w);
    txn.act(&act, files);
    txn.commit()?;
    Ok(version)
}

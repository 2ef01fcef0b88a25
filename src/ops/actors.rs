//! Managing the staff register (R-B1, R-B2): admin acts, each a new actor version and a
//! signed audit entry. Two levels: an administrator of the centre manages everyone; a
//! department's responsible person manages their own department's actors, granting no
//! role that manages others. Nobody changes their own role or key, and the last
//! administrator is never demoted or revoked.

use crate::error::{Error, InputError, Location, Result};
use crate::keys::Key;
use crate::layout::actor_path;
use crate::policy::actors::Actor;
use crate::session::{Session, Writer};
use crate::store::ids::is_actor_name;
use crate::text::department_name;
use chrono::NaiveDate;

#[derive(Debug, Default, Clone)]
pub struct ActorChange {
    pub role: Option<String>,
    /// A move: `Some(None)` to the centre, `Some(Some(d))` to department `d`.
    pub department: Option<Option<String>>,
    pub key: Option<Key>,
    pub agreement_signed: Option<NaiveDate>,
    pub trained_on: Option<NaiveDate>,
}

/// Agreement and training dates are days that have passed (and not before 1900).
fn check_dates(session: &Session, change: &ActorChange) -> Result<()> {
    let today = session.today();
    let dates = [
        (
            "--agreement-signed",
            change.agreement_signed,
            t!("actors-record-agreement-once-signed"),
        ),
        (
            "--trained-on",
            change.trained_on,
            t!("actors-record-training-once-has"),
        ),
    ];
    for (flag, date, hint) in dates {
        let Some(d) = date else { continue };
        let problem = if d > today {
            t!("actors-after-today", d = d, today = today)
        } else if d < super::validate::earliest_date() {
            t!("actors-before-check-year", d = d)
        } else {
            continue;
        };
        return Err(InputError::new(Location::file(flag), problem)
            .hint(hint)
            .into());
    }
    Ok(())
}

fn check_role(session: &Session, role: &str) -> Result<()> {
    if session.schemas.roles.get(role).is_none() {
        let known: Vec<&str> = session
            .schemas
            .roles
            .roles
            .keys()
            .map(String::as_str)
            .collect();
        return Err(InputError::new(
            Location::file("--role"),
            t!("actors-unknown-role", role = role),
        )
        .hint(crate::text::suggest(role, &t!("text-roles"), &known))
        .into());
    }
    Ok(())
}

fn write(w: &mut Writer, actor: &Actor, action: &str, detail: &[(&str, String)]) -> Result<()> {
    let mut j = w.journal();
    let file = j.write(
        &actor_path(&actor.name, actor.version),
        actor.to_toml().as_bytes(),
    )?;
    let mut entry = j.entry(action, &actor.name, actor.version, vec![file]);
    for (k, v) in detail {
        entry.detail.insert(k.to_string(), v.clone());
    }
    j.log(entry);
    j.commit()
}

/// A key that nobody else already signs with: one key, one actor.
fn check_key_free(session: &Session, key: &Key, name: &str) -> Result<()> {
    let line = key.line();
    let holder =
        session.registry.actors.iter().find(|(other, s)| {
            other.as_str() != name && (s.key == line || s.old_keys.contains(&line))
        });
    match holder {
        Some((other, _)) => Err(InputError::new(
            Location::file("--key"),
            t!(
                "actors-key-already-registered",
                fingerprint = key.fingerprint(),
                other = other
            ),
        )
        .hint(t!("actors-every-actor-signs-key"))
        .into()),
        None => Ok(()),
    }
}

/// A department the store declares (docket.toml `[departments]`).
fn check_department(session: &Session, department: Option<&str>) -> Result<()> {
    let Some(d) = department else { return Ok(()) };
    let known = &session.store.config.departments;
    if known.contains_key(d) {
        return Ok(());
    }
    let names: Vec<&str> = known.keys().map(String::as_str).collect();
    Err(InputError::new(
        Location::file("--department"),
        t!("actors-no-department", d = d),
    )
    .hint(if names.is_empty() {
        t!("actors-store-declares-none-administrator").to_string()
    } else {
        crate::text::suggest(d, &t!("text-departments"), &names)
    })
    .into())
}

/// May the acting actor change the register entry of an actor of `department`, giving
/// them `role`? An administrator may; a department's responsible person only for their
/// own department, and never a role that manages others.
fn may_manage(w: &Writer, department: Option<&str>, role: Option<&str>) -> Result<()> {
    let mine = w.role()?;
    if mine.may("manage-actors") {
        return Ok(());
    }
    if !mine.may("manage-department") {
        return w.require("manage-actors", &t!("actors-manage-staff-register"));
    }
    let me = w.actor()?;
    if me.department.is_none() || me.department.as_deref() != department {
        return Err(Error::denied(
            t!(
                "actors-actor-manages-register-only",
                name = me.name,
                department_name = department_name(me.department.as_deref()),
                department_name2 = department_name(department)
            ),
            Some(t!("actors-administrator-centre-department-s").to_string()),
        ));
    }
    match role.and_then(|r| w.schemas.roles.get(r)) {
        Some(r) if r.administers() => Err(Error::denied(
            t!("actors-actor-may-not-grant", name = me.name, name2 = r.name),
            Some(t!("actors-ask-administrator-centre").to_string()),
        )),
        _ => Ok(()),
    }
}

pub fn add(w: &mut Writer, name: &str, change: ActorChange) -> Result<Actor> {
    let department = change.department.clone().flatten();
    check_department(w, department.as_deref())?;
    may_manage(w, department.as_deref(), change.role.as_deref())?;
    if !is_actor_name(name) {
        return Err(InputError::new(
            Location::file("NAME"),
            t!("actors-not-usable-actor-name", name = name),
        )
        .hint(t!("actors-use-letters-one-script"))
        .into());
    }
    if w.registry.actors.contains_key(name) {
        return Err(Error::conflict(
            t!("actors-actor-already-registered", name = name),
            Some(t!("actors-change-docket-actor-update", name = name)),
        ));
    }
    let role = change.role.clone().unwrap_or_default();
    check_role(w, &role)?;
    check_dates(w, &change)?;
    let key = change.key.ok_or_else(|| {
        Error::usage(
            t!("actors-every-actor-signs-their"),
            Some(t!("actors-they-make-one-ssh").to_string()),
        )
    })?;
    check_key_free(w, &key, name)?;
    let actor = Actor {
        name: name.to_string(),
        version: 1,
        role: role.clone(),
        department: department.clone(),
        key: key.line(),
        agreement_signed: change.agreement_signed,
        trained_on: change.trained_on,
        revoked: false,
        revoked_reason: None,
        written_at: w.timestamp(),
        written_by: w.actor()?.name.clone(),
    };
    let mut detail = vec![("role", role), ("key", key.line())];
    if let Some(d) = department {
        detail.push(("department", d));
    }
    write(w, &actor, "actor-add", &detail)?;
    Ok(actor)
}

fn current(session: &Session, name: &str) -> Result<Actor> {
    session.load_actor(name)?.ok_or_else(|| {
        InputError::new(
            Location::default(),
            t!("actors-no-actor-register", name = name),
        )
        .hint(t!("actors-list-them-docket-actor"))
        .into()
    })
}

/// Refuse a change that leaves the store without an administrator in good standing.
fn keep_an_administrator(w: &Writer, name: &str, new_role: Option<&str>) -> Result<()> {
    let roles = &w.schemas.roles;
    let manages = |role: &str| roles.permits(role, "act:manage-actors");
    let mut after = w.registry.clone();
    match (after.actors.get_mut(name), new_role) {
        (Some(s), Some(role)) => s.role = role.to_string(),
        (Some(s), None) => s.revoked = true,
        (None, _) => {}
    }
    if after.managers(&manages) == 0 {
        return Err(Error::conflict(
            t!("actors-last-administrator-store-would", name = name),
            Some(t!("actors-register-another-administrator-first").to_string()),
        ));
    }
    Ok(())
}

pub fn update(w: &mut Writer, name: &str, change: ActorChange) -> Result<Actor> {
    let mut actor = current(w, name)?;
    may_manage(w, actor.department.as_deref(), change.role.as_deref())?;
    if let Some(to) = &change.department {
        check_department(w, to.as_deref())?;
        may_manage(w, to.as_deref(), None)?;
    }
    let me = w.actor()?.name.clone();
    if me == name && (change.role.is_some() || change.key.is_some()) {
        return Err(Error::denied(
            t!("actors-actor-may-not-change", me = me),
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    check_dates(w, &change)?;
    let mut detail = Vec::new();
    if let Some(role) = change.role {
        check_role(w, &role)?;
        keep_an_administrator(w, name, Some(&role))?;
        detail.push(("role", role.clone()));
        actor.role = role;
    }
    if let Some(to) = change.department {
        detail.push(("department", to.clone().unwrap_or_default()));
        actor.department = to;
    }
    if let Some(key) = change.key {
        check_key_free(w, &key, name)?;
        detail.push(("key", key.line()));
        actor.key = key.line();
    }
    if let Some(d) = change.agreement_signed {
        detail.push(("agreement_signed", d.to_string()));
        actor.agreement_signed = Some(d);
    }
    if let Some(d) = change.trained_on {
        detail.push(("trained_on", d.to_string()));
        actor.trained_on = Some(d);
    }
    if detail.is_empty() {
        return Err(Error::usage(
            t!("actors-nothing-update-give-role"),
            Some(t!("actors-e-g-docket-actor").to_string()),
        ));
    }
    actor.version += 1;
    actor.written_at = w.timestamp();
    actor.written_by = me;
    write(w, &actor, "actor-update", &detail)?;
    Ok(actor)
}

pub fn revoke(w: &mut Writer, name: &str, reason: &str) -> Result<Actor> {
    w.stated("--reason", reason)?;
    let mut actor = current(w, name)?;
    may_manage(w, actor.department.as_deref(), None)?;
    if actor.revoked {
        return Err(Error::conflict(
            t!("actors-actor-already-revoked", name = name),
            Some(t!("actors-docket-actor-list-shows").to_string()),
        ));
    }
    if w.actor()?.name == name {
        return Err(Error::conflict(
            t!("actors-administrator-cannot-revoke-themself"),
            Some(t!("actors-ask-another-administrator").to_string()),
        ));
    }
    keep_an_administrator(w, name, None)?;
    actor.revoked = true;
    actor.revoked_reason = Some(reason.to_string());
    actor.version += 1;
    actor.written_at = w.timestamp();
    actor.written_by = w.actor()?.name.clone();
    write(w, &actor, "actor-revoke", &[("reason", reason.to_string())])?;
    Ok(actor)
}

/// The register as the acting actor may read it: everyone for an administrator, their
/// own department for its responsible person.
pub fn list(session: &Session) -> Result<Vec<Actor>> {
    let role = session.role()?;
    if !role.may("manage-actors") && !role.may("manage-department") {
        session.require("manage-actors", &t!("actors-read-staff-register"))?;
    }
    let own = session.actor()?.department.clone();
    let names: Vec<String> = session.index.actors.keys().cloned().collect();
    let all: Vec<Actor> = names
        .iter()
        .map(|n| current(session, n))
        .collect::<Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|a| role.may("manage-actors") || a.department == own)
        .collect())
}

/// An OpenSSH `allowed_signers` file: every key each actor ever signed with, so that
/// `ssh-keygen -Y verify` can check any entry of the log.
pub fn allowed_signers(session: &Session) -> String {
    let mut out =
        String::from("# docket: the keys actors sign audit entries with (namespace docket)\n");
    for (name, s) in &session.registry.actors {
        if s.revoked {
            out.push_str(&format!(
                "# {name}: revoked; the key checks their earlier entries\n"
            ));
        }
        out.push_str(&format!("{name} namespaces=\"docket\" {}\n", s.key));
        for old in s.old_keys.iter().rev() {
            out.push_str(&format!("# {name}: a key replaced by rotation\n"));
            out.push_str(&format!("{name} namespaces=\"docket\" {old}\n"));
        }
    }
    out
}

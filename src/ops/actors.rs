//! Managing the staff register (R-B1, R-B2): admin acts, each a new actor version and an
//! audit entry.

use crate::error::{Error, InputError, Location, Result};
use crate::journal::Transaction;
use crate::layout::actor_path;
use crate::policy::actors::Actor;
use crate::session::Session;
use crate::store::ids::is_safe_id;
use chrono::NaiveDate;

#[derive(Debug, Default, Clone)]
pub struct ActorChange {
    pub role: Option<String>,
    pub agreement_signed: Option<NaiveDate>,
    pub trained_on: Option<NaiveDate>,
}

fn check_role(session: &Session, role: &str) -> Result<()> {
    if session.schemas.roles.get(role).is_none() {
        return Err(
            InputError::new(Location::file("--role"), format!("unknown role `{role}`"))
                .hint(format!(
                    "roles: {}",
                    session
                        .schemas
                        .roles
                        .roles
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .into(),
        );
    }
    Ok(())
}

fn write(
    session: &mut Session,
    actor: Actor,
    action: &str,
    detail: &[(&str, String)],
) -> Result<()> {
    let mut tx = Transaction::new();
    let rel = actor_path(&actor.name, actor.version);
    let file = session.stage(&mut tx, &rel, actor.to_toml().into_bytes())?;
    let mut entry = session.entry(action, &actor.name, actor.version, vec![file]);
    for (k, v) in detail {
        entry.detail.insert(k.to_string(), v.clone());
    }
    tx.log(entry);
    session.commit(tx)
}

pub fn add(session: &mut Session, name: &str, change: ActorChange) -> Result<Actor> {
    session.require("manage-actors", "manage the staff register")?;
    if !is_safe_id(name) {
        return Err(InputError::new(
            Location::file("NAME"),
            format!("`{name}` is not a usable actor name"),
        )
        .hint("use letters, digits, `.`, `_` and `-`, starting with a letter or digit")
        .into());
    }
    if session.index.actors.contains_key(name) {
        return Err(Error::conflict(
            format!("actor `{name}` is already registered"),
            Some(format!("change it with `docket actor update {name}`")),
        ));
    }
    let role = change.role.clone().unwrap_or_default();
    check_role(session, &role)?;
    let actor = Actor {
        name: name.to_string(),
        version: 1,
        role: role.clone(),
        agreement_signed: change.agreement_signed,
        trained_on: change.trained_on,
        revoked: false,
        revoked_reason: None,
        written_at: session.timestamp(),
        written_by: session.actor()?.name.clone(),
    };
    write(session, actor.clone(), "actor-add", &[("role", role)])?;
    Ok(actor)
}

fn current(session: &Session, name: &str) -> Result<Actor> {
    session.load_actor(name)?.ok_or_else(|| {
        InputError::new(
            Location::default(),
            format!("no actor `{name}` in the register"),
        )
        .hint("list them with `docket actor list`")
        .into()
    })
}

pub fn update(session: &mut Session, name: &str, change: ActorChange) -> Result<Actor> {
    session.require("manage-actors", "manage the staff register")?;
    let mut actor = current(session, name)?;
    let mut detail = Vec::new();
    if let Some(role) = change.role {
        check_role(session, &role)?;
        detail.push(("role", role.clone()));
        actor.role = role;
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
            "nothing to update: give --role, --agreement-signed or --trained-on",
            None,
        ));
    }
    actor.version += 1;
    actor.written_at = session.timestamp();
    actor.written_by = session.actor()?.name.clone();
    write(session, actor.clone(), "actor-update", &detail)?;
    Ok(actor)
}

pub fn revoke(session: &mut Session, name: &str, reason: &str) -> Result<Actor> {
    session.require("manage-actors", "manage the staff register")?;
    let mut actor = current(session, name)?;
    if actor.revoked {
        return Err(Error::conflict(
            format!("actor `{name}` is already revoked"),
            None,
        ));
    }
    if session.actor()?.name == name {
        return Err(Error::conflict(
            "an administrator cannot revoke themself: another administrator must",
            None,
        ));
    }
    actor.revoked = true;
    actor.revoked_reason = Some(reason.to_string());
    actor.version += 1;
    actor.written_at = session.timestamp();
    actor.written_by = session.actor()?.name.clone();
    write(
        session,
        actor.clone(),
        "actor-revoke",
        &[("reason", reason.to_string())],
    )?;
    Ok(actor)
}

pub fn list(session: &Session) -> Result<Vec<Actor>> {
    session.require("manage-actors", "read the staff register")?;
    let names: Vec<String> = session.index.actors.keys().cloned().collect();
    names.iter().map(|n| current(session, n)).collect()
}

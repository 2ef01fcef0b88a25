//! Managing the staff register (R-B1, R-B2): admin acts, each a new actor version and a
//! signed audit entry. Two levels: an administrator of the centre manages everyone; a
//! department's responsible person manages their own department's actors, granting no
//! role that manages others. Nobody changes their own role or key, and the last
//! administrator is never demoted or revoked.

use crate::audit::act::{Act, ActorTerms};
use crate::audit::trust::Proposed;
use crate::error::{Error, InputError, Location, Result};
use crate::journal::Transaction;
use crate::keys::Key;
use crate::layout::actor_path;
use crate::policy::actors::Actor;
use crate::replay::register::{self, Change};
use crate::session::{Session, Writer};
use crate::store::ids::{is_actor_name, looks_like};
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
    if session.schemas().roles.get(role).is_none() {
        let known: Vec<&str> = session
            .schemas()
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

/// Write the actor's new register version, logged as `act`.
fn write(w: &mut Writer, actor: &Actor, act: Act) -> Result<()> {
    let mut txn = Transaction::begin(w);
    let file = txn.write(
        &actor_path(&actor.name, actor.version),
        actor.to_toml().as_bytes(),
    )?;
    txn.act(&act, vec![file]);
    txn.commit()
}

/// What a register act asks for, as the log records it.
fn terms_of(change: &ActorChange) -> ActorTerms {
    ActorTerms {
        role: change.role.clone(),
        department: change.department.clone(),
        key: change.key.as_ref().map(Key::line),
        agreement_signed: change.agreement_signed,
        trained_on: change.trained_on,
    }
}

/// A register act either taken, or proposed and waiting for a second administrator.
pub enum Registered {
    Done(Actor),
    /// The entry that holds the proposal, and why it needs a co-signature.
    Proposed {
        entry: u64,
        reasons: Vec<String>,
    },
}

/// The rules replay holds every register act to, checked before anything is written
/// (exit 4 naming the first broken one); then whether a second administrator must
/// co-sign.
fn judge(
    w: &Writer,
    requester: &str,
    cosigner: Option<&str>,
    change: &Change,
) -> Result<Vec<String>> {
    let roles = &w.schemas().roles;
    let problems = register::register_problems(roles, w.registry(), requester, change);
    if let Some(first) = problems.into_iter().next() {
        return Err(Error::denied(
            first,
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    let reasons = register::cosign_reasons(roles, w.registry(), requester, change);
    if cosigner.is_some() || register::bootstrap(roles, w.registry(), requester, change) {
        return Ok(Vec::new());
    }
    Ok(reasons)
}

/// Log a proposal of a register change for a second administrator to co-sign.
fn propose(
    w: &mut Writer,
    name: &str,
    adds: bool,
    terms: ActorTerms,
    reasons: Vec<String>,
) -> Result<Registered> {
    w.require("manage-actors", &t!("actors-propose-register-change"))?;
    let act = Act::ActorPropose {
        name: name.to_string(),
        adds,
        terms,
        widens: reasons.clone(),
    };
    let mut txn = Transaction::begin(w);
    txn.act(&act, Vec::new());
    txn.commit()?;
    Ok(Registered::Proposed {
        entry: w.head().entries,
        reasons,
    })
}

/// A key nobody ever registered: one key, one actor, and a key once replaced is never
/// accepted again, for anyone.
fn check_key_free(session: &Session, key: &Key) -> Result<()> {
    match session.registry().key_holder(&key.line()) {
        Some(other) => Err(InputError::new(
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
    let known = &session.store().config.departments;
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
    match role.and_then(|r| w.schemas().roles.get(r)) {
        Some(r) if r.administers() => Err(Error::denied(
            t!("actors-actor-may-not-grant", name = me.name, name2 = r.name),
            Some(t!("actors-ask-administrator-centre").to_string()),
        )),
        _ => Ok(()),
    }
}

pub fn add(w: &mut Writer, name: &str, change: ActorChange) -> Result<Registered> {
    w.require_first_site()?;
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
    if w.registry().actors.contains_key(name) {
        return Err(Error::conflict(
            t!("actors-actor-already-registered", name = name),
            Some(t!("actors-change-docket-actor-update", name = name)),
        ));
    }
    if let Some(other) = looks_like(name, w.registry().actors.keys()) {
        return Err(Error::conflict(
            t!("actors-name-looks-like", name = name, other = other),
            Some(t!("actors-choose-distinct-name")),
        ));
    }
    let role = change.role.clone().unwrap_or_default();
    check_role(w, &role)?;
    check_dates(w, &change)?;
    let key = change.key.clone().ok_or_else(|| {
        Error::usage(
            t!("actors-every-actor-signs-their"),
            Some(t!("actors-they-make-one-ssh").to_string()),
        )
    })?;
    check_key_free(w, &key)?;
    let me = w.actor()?.name.clone();
    let mut terms = terms_of(&change);
    terms.key = Some(key.line());
    terms.department = department.clone().map(Some);
    let asked = Change {
        name,
        adds: true,
        revokes: false,
        terms: &terms,
    };
    let reasons = judge(w, &me, None, &asked)?;
    if !reasons.is_empty() {
        return propose(w, name, true, terms, reasons);
    }
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
    write(
        w,
        &actor,
        Act::ActorAdd {
            name: name.to_string(),
            version: 1,
            terms,
            proposal: None,
        },
    )?;
    Ok(Registered::Done(actor))
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
    let roles = &w.schemas().roles;
    let manages = |role: &str| roles.permits(role, "act:manage-actors");
    let mut after = w.registry().clone();
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

/// Whether a change only replaces the key: what an actor may do to their own entry,
/// signing with the key it replaces.
fn only_key(change: &ActorChange) -> bool {
    change.key.is_some()
        && change.role.is_none()
        && change.department.is_none()
        && change.agreement_signed.is_none()
        && change.trained_on.is_none()
}

pub fn update(w: &mut Writer, name: &str, change: ActorChange) -> Result<Registered> {
    w.require_first_site()?;
    let actor = current(w, name)?;
    let me = w.actor()?.name.clone();
    let rotates_own_key = me == name && only_key(&change);
    if !rotates_own_key {
        may_manage(w, actor.department.as_deref(), change.role.as_deref())?;
        if let Some(to) = &change.department {
            check_department(w, to.as_deref())?;
            may_manage(w, to.as_deref(), None)?;
        }
    }
    if me == name && change.role.is_some() {
        return Err(Error::denied(
            t!("actors-actor-may-not-change", me = me),
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    if me == name && !rotates_own_key {
        return Err(Error::denied(
            t!("actors-may-not-certify-self", me = me),
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    check_dates(w, &change)?;
    if let Some(role) = &change.role {
        check_role(w, role)?;
        keep_an_administrator(w, name, Some(role))?;
    }
    if let Some(key) = &change.key {
        check_key_free(w, key)?;
    }
    let terms = terms_of(&change);
    if terms == ActorTerms::default() {
        return Err(Error::usage(
            t!("actors-nothing-update-give-role"),
            Some(t!("actors-e-g-docket-actor").to_string()),
        ));
    }
    let asked = Change {
        name,
        adds: false,
        revokes: false,
        terms: &terms,
    };
    let reasons = judge(w, &me, None, &asked)?;
    if !reasons.is_empty() {
        return propose(w, name, false, terms, reasons);
    }
    let next = updated(w, actor, &terms)?;
    write(
        w,
        &next,
        Act::ActorUpdate {
            name: name.to_string(),
            version: next.version,
            terms,
            proposal: None,
        },
    )?;
    Ok(Registered::Done(next))
}

/// The actor's next register version with `terms` applied, written by the acting actor.
fn updated(w: &Writer, mut actor: Actor, terms: &ActorTerms) -> Result<Actor> {
    if let Some(role) = &terms.role {
        actor.role = role.clone();
    }
    if let Some(to) = &terms.department {
        actor.department = to.clone();
    }
    if let Some(key) = &terms.key {
        actor.key = key.clone();
    }
    if let Some(d) = terms.agreement_signed {
        actor.agreement_signed = Some(d);
    }
    if let Some(d) = terms.trained_on {
        actor.trained_on = Some(d);
    }
    actor.version += 1;
    actor.written_at = w.timestamp();
    actor.written_by = w.actor()?.name.clone();
    Ok(actor)
}

/// Co-sign register proposal `entry` as a second administrator: the change is made now,
/// checked again against the register as it stands.
pub fn approve(w: &mut Writer, entry: u64) -> Result<Actor> {
    w.require_first_site()?;
    w.require("manage-actors", &t!("actors-cosign-register-change"))?;
    let me = w.actor()?.name.clone();
    let (by, name, adds, terms) = match proposal(w, entry)? {
        (
            by,
            Proposed::Actor {
                name, adds, terms, ..
            },
        ) => (by, name, adds, terms),
        _ => return Err(no_proposal(entry)),
    };
    if by == me {
        return Err(Error::denied(
            t!("register-cosigned-own", actor = me.as_str(), n = entry),
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    if name == me {
        return Err(Error::denied(
            t!("register-cosigns-own-change", actor = me.as_str()),
            Some(t!("actors-another-administrator-must").to_string()),
        ));
    }
    if let Some(key) = &terms.key {
        check_key_free(
            w,
            &Key::parse(key).map_err(|m| Error::Internal(m.to_string()))?,
        )?;
    }
    let asked = Change {
        name: &name,
        adds,
        revokes: false,
        terms: &terms,
    };
    judge(w, &by, Some(&me), &asked)?;
    let actor = if adds {
        let actor = Actor {
            name: name.clone(),
            version: 1,
            role: terms.role.clone().unwrap_or_default(),
            department: terms.department.clone().flatten(),
            key: terms.key.clone().unwrap_or_default(),
            agreement_signed: terms.agreement_signed,
            trained_on: terms.trained_on,
            revoked: false,
            revoked_reason: None,
            written_at: w.timestamp(),
            written_by: me,
        };
        let act = Act::ActorAdd {
            name,
            version: 1,
            terms,
            proposal: Some(entry),
        };
        write(w, &actor, act)?;
        actor
    } else {
        let next = updated(w, current(w, &name)?, &terms)?;
        let act = Act::ActorUpdate {
            name,
            version: next.version,
            terms,
            proposal: Some(entry),
        };
        write(w, &next, act)?;
        next
    };
    Ok(actor)
}

/// Pending proposal `entry`: who proposed it and what, or exit 5; expired ones are
/// refused (exit 6).
pub fn proposal(w: &Writer, entry: u64) -> Result<(String, Proposed)> {
    let p = w
        .registry()
        .proposals
        .get(&entry)
        .ok_or_else(|| no_proposal(entry))?;
    let days = w.store().config.policy.proposal_valid_days;
    let age = crate::clock::parse(&p.time).map(|t| (w.now().fixed_offset() - t).num_days());
    if age.is_none_or(|a| a > days) {
        return Err(Error::conflict(
            t!("register-proposal-expired", n = entry, days = days),
            None,
        ));
    }
    Ok((p.by.clone(), p.what.clone()))
}

fn no_proposal(entry: u64) -> Error {
    Error::invalid(
        Location::default(),
        t!("register-no-proposal", n = entry),
        &t!("actors-pending-lists-proposals"),
    )
}

pub fn revoke(w: &mut Writer, name: &str, reason: &str) -> Result<Actor> {
    w.require_first_site()?;
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
    let act = Act::ActorRevoke {
        name: name.to_string(),
        version: actor.version,
        reason: reason.to_string(),
    };
    write(w, &actor, act)?;
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
    let names: Vec<String> = session.index().actors.keys().cloned().collect();
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
    for (name, s) in &session.registry().actors {
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

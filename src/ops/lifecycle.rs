//! The contract lifecycle: approve and reject the next step, complete and terminate, and
//! what waits for the acting actor (`pending`). Each act writes a new version.

use super::write::{refuse_archived, write_next};
use crate::audit::act::Act;
use crate::error::{Error, Result};
use crate::policy::approval::next_step;
use crate::session::{Session, Writer};
use crate::store::version::{Approval, DueStep, Version};
use std::collections::BTreeSet;

pub struct Acted {
    pub id: String,
    pub version: u32,
    pub status: String,
    /// The step taken, for approvals.
    pub step: Option<String>,
    /// What the record waits for next, if anything.
    pub next: Option<String>,
}

/// Everyone who wrote the record's terms (created, imported, amended it, or resolved a
/// conflict on it): none of them may approve.
fn authors(session: &Session, v: &Version) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for n in 1..=v.version {
        let old = if n == v.version {
            v.clone()
        } else {
            session.load_version(&v.id, n)?
        };
        if matches!(
            old.action.as_str(),
            "create" | "import" | "amend" | "resolve"
        ) {
            out.insert(old.written_by);
        }
    }
    // Who drafted terms set aside by a conflict may see them kept by a resolve.
    let asides = session.index().conflicts.get(&v.id).into_iter().flatten();
    out.extend(asides.filter(|a| a.writes_terms()).map(|a| a.actor.clone()));
    Ok(out)
}

fn require_status(v: &Version, allowed: &[&str], act: &str) -> Result<()> {
    refuse_archived(v)?;
    if allowed.contains(&v.status.as_str()) {
        return Ok(());
    }
    Err(Error::conflict(
        t!(
            "lifecycle-record-only-records-can",
            id = v.id,
            status = crate::text::status(&v.status),
            join = allowed
                .iter()
                .map(|s| crate::text::status(s))
                .collect::<Vec<_>>()
                .join(&t!("lifecycle-or")),
            act = crate::text::catalogued("done", act)
        ),
        Some(t!("lifecycle-docket-show-id-shows").to_string()),
    ))
}

/// The step the actor may take now, or why not (exit 4). The steps are the ones kept
/// with the terms when they were written: changing a referenced record since never
/// removes a step that is due.
fn actors_step<'v>(session: &Session, v: &'v Version, verb: &str) -> Result<&'v DueStep> {
    let actor = session.actor()?;
    let role = &actor.role;
    let steps = &v.steps;
    let Some(next) = next_step(steps, &v.approvals) else {
        return Err(Error::conflict(
            t!("lifecycle-record-has-no-approval", id = v.id),
            Some(t!("lifecycle-waiting-nothing-docket-show").to_string()),
        ));
    };
    if &next.role != role {
        let later = steps.iter().any(|s| &s.role == role);
        let message = if later {
            t!(
                "lifecycle-out-turn-waits-step",
                id = v.id,
                role2 = next.role,
                rule = next.rule,
                role = role,
                verb = verb
            )
        } else {
            t!(
                "lifecycle-actor-role-has-no",
                name = actor.name,
                role = role,
                id = v.id,
                role2 = next.role,
                rule = next.rule
            )
        };
        return Err(Error::denied(
            message,
            Some(t!("lifecycle-docket-pending-lists", role = next.role)),
        ));
    }
    if authors(session, v)?.contains(&actor.name) {
        return Err(Error::denied(
            t!(
                "lifecycle-actor-drafted-amended-may",
                name = actor.name,
                id = v.id,
                verb = verb
            ),
            Some(t!("lifecycle-another-must-take-step", role = role)),
        ));
    }
    Ok(next)
}

pub fn approve(session: &mut Writer, id: &str, comment: Option<&str>) -> Result<Acted> {
    if let Some(c) = comment {
        session.stated("--comment", c)?;
    }
    let v = session.load(id)?;
    // Judged by the rules its terms were written under (R-C18).
    let schemas = session.schemas_at(v.policy)?;
    let kind = schemas.kind(&v.kind)?;
    require_status(&v, &["pending"], "approved")?;
    let step = actors_step(session, &v, "approve")?.clone();
    let mut next = v.clone();
    next.approvals.push(Approval {
        step: step.role.clone(),
        rule: step.rule.clone(),
        actor: session.actor()?.name.clone(),
        at: session.timestamp(),
        decision: "approved".into(),
        comment: comment.map(str::to_string),
    });
    let following = next_step(&next.steps, &next.approvals).map(|s| s.role.clone());
    if following.is_none() {
        next.status = "active".into();
    }
    next.reason = None;
    let status = next.status.clone();
    let version = write_next(session, kind, next, &|written| Act::Approve {
        written,
        step: step.role.clone(),
        rule: step.rule.clone(),
        comment: comment.map(str::to_string),
    })?;
    Ok(Acted {
        id: id.to_string(),
        version,
        status,
        step: Some(step.role.clone()),
        next: following,
    })
}

pub fn reject(session: &mut Writer, id: &str, reason: &str) -> Result<Acted> {
    session.stated("--reason", reason)?;
    let v = session.load(id)?;
    // Judged by the rules its terms were written under (R-C18).
    let schemas = session.schemas_at(v.policy)?;
    let kind = schemas.kind(&v.kind)?;
    require_status(&v, &["pending"], "rejected")?;
    let step = actors_step(session, &v, "reject")?.clone();
    let mut next = v.clone();
    next.approvals.push(Approval {
        step: step.role.clone(),
        rule: step.rule.clone(),
        actor: session.actor()?.name.clone(),
        at: session.timestamp(),
        decision: "rejected".into(),
        comment: Some(reason.to_string()),
    });
    next.status = "rejected".into();
    next.reason = Some(reason.to_string());
    let version = write_next(session, kind, next, &|written| Act::Reject {
        written,
        step: step.role.clone(),
        reason: reason.to_string(),
    })?;
    Ok(Acted {
        id: id.to_string(),
        version,
        status: "rejected".into(),
        step: Some(step.role.clone()),
        next: None,
    })
}

/// `complete` (performed) or `terminate` (no longer performed): active contracts only.
pub fn finish(session: &mut Writer, id: &str, action: &str, reason: Option<&str>) -> Result<Acted> {
    if let Some(r) = reason {
        session.stated("--reason", r)?;
    }
    let v = session.load(id)?;
    // Judged by the rules its terms were written under (R-C18).
    let schemas = session.schemas_at(v.policy)?;
    let kind = schemas.kind(&v.kind)?;
    if !kind.is_contract() {
        return Err(Error::conflict(
            t!(
                "lifecycle-record-not-contract-never",
                id = id,
                name = kind.name,
                action = action
            ),
            Some(t!("lifecycle-only-contracts-completed-terminated").to_string()),
        ));
    }
    let (status, verb) = if action == "complete" {
        ("completed", "completed")
    } else {
        ("terminated", "terminated")
    };
    require_status(&v, &["active"], verb)?;
    session.require(
        action,
        &t!(
            "lifecycle-act-on-contracts",
            action = crate::text::action(action)
        ),
    )?;
    let mut next = v.clone();
    next.status = status.into();
    next.reason = reason.map(str::to_string);
    let version = write_next(session, kind, next, &|written| match reason {
        Some(r) if action == "terminate" => Act::Terminate {
            written,
            reason: r.to_string(),
        },
        _ => Act::Complete { written },
    })?;
    Ok(Acted {
        id: id.to_string(),
        version,
        status: status.into(),
        step: None,
        next: None,
    })
}

/// Withdraw a draft contract (pending or rejected): only one of those who wrote its terms
/// may, and it never becomes active afterwards.
pub fn withdraw(session: &mut Writer, id: &str, reason: &str) -> Result<Acted> {
    session.stated("--reason", reason)?;
    let v = session.load(id)?;
    let schemas = session.schemas_at(v.policy)?;
    let kind = schemas.kind(&v.kind)?;
    require_status(&v, &["pending", "rejected"], "withdrawn")?;
    let actor = session.actor()?.name.clone();
    if !authors(session, &v)?.contains(&actor) {
        return Err(Error::denied(
            t!("lifecycle-actor-did-not-draft", actor = actor, id = id),
            Some(t!("lifecycle-reviewer-rejects-instead-docket").to_string()),
        ));
    }
    let mut next = v.clone();
    next.status = "withdrawn".into();
    next.reason = Some(reason.to_string());
    let version = write_next(session, kind, next, &|written| Act::Withdraw {
        written,
        reason: reason.to_string(),
    })?;
    Ok(Acted {
        id: id.to_string(),
        version,
        status: "withdrawn".into(),
        step: None,
        next: None,
    })
}

/// One line of `pending`.
pub struct Waiting {
    pub id: String,
    pub kind: String,
    pub status: String,
    /// What is awaited: the step and its rule, or archiving.
    pub awaits: String,
    pub since: String,
    pub overdue: bool,
}

/// What waits for the acting actor's role: approval steps that are its turn, and for
/// those who archive, finished contracts not yet archived (overdue past the policy limit).
///
/// `for_role`: what waits for another role instead — for those whose role reaches every
/// record (managers, the auditor), to see where work stands.
pub fn pending(session: &Session, for_role: Option<&str>) -> Result<Vec<Waiting>> {
    let actor = session.actor()?;
    let own = session.role()?;
    let role = match for_role {
        Some(name) if name != own.name => watched_role(session, name)?,
        _ => own,
    };
    let watching = role.name != own.name;
    let archives = role.may("archive");
    let limit = session.store().config.policy.archive_within_days;
    let mut out = if watching {
        Vec::new()
    } else {
        proposals(session, role.may("manage-actors"), &actor.name)
    };
    // The rows say which records wait at all; only those are read.
    let rows = session.rows()?;
    let waiting = rows.with_status(&["pending", "rejected", "completed", "terminated"]);
    for held in waiting {
        let id = held.id.clone();
        let Some(head) = session.index().record(&id) else {
            continue;
        };
        let Ok(kind) = session.schemas().kind(&head.kind) else {
            continue;
        };
        if !held.is_of(&head) || !kind.is_contract() || !session.reaches(head.department.as_deref())
        {
            continue;
        }
        let v = session.load_version(&id, head.version)?;
        let schemas = session.schemas_at(v.policy)?;
        let kind = schemas.kind(&v.kind)?;
        match v.status.as_str() {
            "pending" => {
                if let Some(step) = next_step(&v.steps, &v.approvals)
                    && step.role == role.name
                    && (watching || !authors(session, &v)?.contains(&actor.name))
                {
                    out.push(Waiting {
                        id: id.clone(),
                        kind: kind.name.clone(),
                        status: v.status.clone(),
                        awaits: format!("{} ({})", step.role, step.rule),
                        since: v.written_at.clone(),
                        overdue: false,
                    });
                }
            }
            "rejected" if !watching && authors(session, &v)?.contains(&actor.name) => {
                let by = v.approvals.last();
                out.push(Waiting {
                    id: id.clone(),
                    kind: kind.name.clone(),
                    status: v.status.clone(),
                    awaits: t!(
                        "lifecycle-your-amendment-withdrawal-rejected",
                        map = by.map(|a| a.actor.as_str()).unwrap_or("?"),
                        as_deref = v.reason.as_deref().unwrap_or("")
                    ),
                    since: v.written_at.clone(),
                    overdue: false,
                });
            }
            "completed" | "terminated" if archives => {
                // Calendar days in the store's zone, as the archivist counts them.
                let age = crate::clock::parse(&v.written_at)
                    .map(|t| {
                        let finished = t.with_timezone(&session.store().tz).date_naive();
                        (session.today() - finished).num_days()
                    })
                    .unwrap_or(0);
                out.push(Waiting {
                    id: id.clone(),
                    kind: kind.name.clone(),
                    status: v.status.clone(),
                    awaits: "archive (R-C15)".into(),
                    since: v.written_at.clone(),
                    overdue: age > limit,
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// For an administrator: the changes other administrators proposed, waiting for a second
/// signature (`docket actor approve N`, `docket policy approve N`).
fn proposals(session: &Session, administers: bool, me: &str) -> Vec<Waiting> {
    if !administers {
        return Vec::new();
    }
    let registry = &session.registry();
    registry
        .proposals
        .iter()
        .filter(|(_, p)| p.by != me)
        .map(|(entry, p)| {
            let (kind, about, widens) = match &p.what {
                crate::audit::trust::Proposed::Actor { name, widens, .. } => {
                    ("actor", name.clone(), widens)
                }
                crate::audit::trust::Proposed::Policy {
                    version, widens, ..
                } => ("policy", format!("v{version}"), widens),
            };
            Waiting {
                id: entry.to_string(),
                kind: kind.to_string(),
                status: "proposed".into(),
                awaits: t!(
                    "lifecycle-second-administrator",
                    by = p.by.as_str(),
                    about = about,
                    widens = widens.join("; ")
                ),
                since: p.time.clone(),
                overdue: false,
            }
        })
        .collect()
}

/// The role whose waiting work an actor asks to see: theirs must reach every record
/// (exit 4), and the role must exist (exit 5, with the closest name).
fn watched_role<'s>(session: &'s Session, name: &str) -> Result<&'s crate::schema::roles::Role> {
    let own = session.role()?;
    if own.scope != crate::schema::roles::Scope::All {
        return Err(Error::denied(
            t!(
                "lifecycle-may-not-watch-role",
                role = own.name.as_str(),
                other = name
            ),
            Some(t!("lifecycle-watch-hint").to_string()),
        ));
    }
    session.schemas().roles.get(name).ok_or_else(|| {
        let known: Vec<&str> = session
            .schemas()
            .roles
            .roles
            .keys()
            .map(String::as_str)
            .collect();
        crate::error::InputError::new(
            crate::error::Location::file("--role"),
            t!("actors-unknown-role", role = name),
        )
        .hint(crate::text::suggest(name, &t!("text-roles"), &known))
        .into()
    })
}

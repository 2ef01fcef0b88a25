//! Where one stands: `whoami` (who you act as, what your role may do, whether you may act
//! and sign today) and `status` (the records by kind and status, what waits for whom,
//! what is overdue). Both read only what the log and the rows cache say; neither shows
//! personal data.

use crate::audit::RecordHead;
use crate::error::Result;
use crate::keys::{KeySource, Signer};
use crate::policy::actors::Actor;
use crate::policy::approval::next_step;
use crate::schema::roles::Scope;
use crate::session::Session;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// What `whoami` tells.
pub struct WhoAmI {
    pub actor: Actor,
    pub role_title: String,
    pub department_title: Option<String>,
    /// The records the role reaches.
    pub scope: String,
    pub drafts: Vec<String>,
    pub reveals: Vec<String>,
    pub actions: Vec<String>,
    /// Approval steps the role takes: (kind, rule).
    pub approves: Vec<(String, String)>,
    /// `Ok` with the day training runs out, or why the actor may not act.
    pub standing: std::result::Result<Option<NaiveDate>, String>,
    pub key: String,
    /// `Ok` with where the key was found, or why nothing can be signed.
    pub signing: std::result::Result<String, String>,
}

pub fn whoami(session: &Session, name: &str, keys: &KeySource) -> Result<WhoAmI> {
    let actor = session.registered_actor(name)?;
    let roles = &session.schemas().roles;
    let role = roles.get(&actor.role);
    let days = session.store().config.policy.training_valid_days;
    let standing = actor
        .check_standing(session.today(), days)
        .map(|()| {
            actor
                .trained_on
                .and_then(|d| d.checked_add_days(chrono::Days::new(days as u64)))
        })
        .map_err(|e| e.to_string());
    let registered = session.registered_key(name)?;
    let signing = Signer::find(name, &registered, keys)
        .map(|s| s.source().to_string())
        .map_err(|e| e.to_string());
    let approves = session
        .schemas()
        .kinds
        .values()
        .flat_map(|k| {
            k.steps
                .iter()
                .filter(|s| s.role == actor.role)
                .map(|s| (k.name.clone(), s.rule.clone()))
        })
        .collect();
    let department_title = actor
        .department
        .as_ref()
        .and_then(|d| session.store().config.departments.get(d))
        .map(|d| d.title.clone());
    let scope = match role.map(|r| r.scope) {
        Some(Scope::Department) => t!(
            "status-records",
            department_name = crate::text::department_name(actor.department.as_deref())
        ),
        _ => t!("status-every-record").to_string(),
    };
    Ok(WhoAmI {
        role_title: role.map(|r| r.title.show(&r.name)).unwrap_or_default(),
        department_title,
        scope,
        drafts: role.map(|r| r.create.clone()).unwrap_or_default(),
        reveals: role.map(|r| r.reveal.clone()).unwrap_or_default(),
        actions: role.map(|r| r.actions.clone()).unwrap_or_default(),
        approves,
        standing,
        key: registered.fingerprint(),
        signing,
        actor,
    })
}

/// What `status` tells.
#[derive(Default)]
pub struct Status {
    /// kind → status → records.
    pub counts: BTreeMap<String, BTreeMap<String, usize>>,
    /// role → contracts waiting for that role's step.
    pub waiting: BTreeMap<String, usize>,
    /// Finished contracts waiting for the archivist, and how many of them are overdue.
    pub to_archive: usize,
    pub overdue: usize,
    pub entries: u64,
    pub head: String,
    /// Records two sites changed between pulls, not yet resolved.
    pub conflicts: Vec<ConflictView>,
    /// Records numbered at different sites that hold one unique value (an identity
    /// number) without a logged allowance.
    pub shared: Vec<SharedView>,
}

/// Records of different sites sharing a unique value: which field, never the value.
#[derive(Debug, serde::Serialize)]
pub struct SharedView {
    pub kind: String,
    pub field: String,
    pub ids: Vec<String>,
}

/// The records in reach numbered at different sites that share a unique value, unless
/// one of them was allowed to (`--allow-duplicate`, logged): two offices that created
/// one customer between pulls. Amending one of them settles it: its number corrected,
/// or the duplicate allowed with a reason.
fn shared_across_sites(session: &Session, rows: &crate::cache::rows::Rows) -> Vec<SharedView> {
    let index = session.index();
    let mut out = Vec::new();
    for (kind, field, holders) in rows.shared() {
        let ids: Vec<String> = holders
            .into_iter()
            .filter(|h| {
                index.record(&h.id).is_some_and(|head| {
                    h.is_of(&head) && session.reaches(head.department.as_deref())
                })
            })
            .map(|h| h.id)
            .collect();
        let sites: BTreeSet<Option<&str>> = ids
            .iter()
            .map(|id| crate::store::ids::site_of_id(id))
            .collect();
        let allowed = ids.iter().any(|id| {
            index
                .allowed
                .get(id)
                .is_some_and(|of| of.iter().any(|o| ids.contains(o)))
        });
        if sites.len() > 1 && !allowed {
            out.push(SharedView { kind, field, ids });
        }
    }
    out
}

/// A record in conflict between sites: the site of its current version, and the acts
/// set aside on it.
#[derive(Debug, serde::Serialize)]
pub struct ConflictView {
    pub id: String,
    pub current_site: String,
    pub set_aside: Vec<SetAsideView>,
}

#[derive(Debug, serde::Serialize)]
pub struct SetAsideView {
    pub site: String,
    pub version: u32,
    pub action: String,
    pub actor: String,
    pub time: String,
}

/// The records in the actor's reach that are in conflict between sites, in id order.
pub fn conflicts(session: &Session) -> Vec<ConflictView> {
    let index = session.index();
    let first = &session.store().config.store.site_code;
    let site = |s: Option<&str>| crate::audit::conflict::site_of(s, first).to_string();
    index
        .conflicts
        .keys()
        .filter_map(|id| {
            let open = index.open_conflict(id)?;
            let head = index.record(id)?;
            session
                .reaches(head.department.as_deref())
                .then(|| ConflictView {
                    id: id.clone(),
                    current_site: site(head.site.as_deref()),
                    set_aside: open
                        .iter()
                        .filter(|a| a.resolved.is_none())
                        .map(|a| SetAsideView {
                            site: site(a.site.as_deref()),
                            version: a.version,
                            action: a.action.clone(),
                            actor: a.actor.clone(),
                            time: a.time.clone(),
                        })
                        .collect(),
                })
        })
        .collect()
}

/// The store at a glance, over the records the acting actor (if any) reaches.
pub fn status(session: &Session) -> Result<Status> {
    let mut out = Status {
        entries: session.head().entries,
        head: session.head().hash.clone(),
        ..Default::default()
    };
    let rows = session.rows()?;
    let in_reach = session
        .index()
        .records()
        .filter(|(_, head)| session.reaches(head.department.as_deref()))
        .map(|(id, head)| (id, head.clone(), head));
    rows.in_batches(in_reach, |batch| {
        for (id, head, row) in batch {
            count(session, &mut out, &id, &head, row.status)?;
        }
        Ok::<(), crate::error::Error>(())
    })?;
    out.conflicts = conflicts(session);
    if session.has_sites() {
        out.shared = shared_across_sites(session, &rows);
    }
    Ok(out)
}

/// Count one record of the store at a glance, by its status.
fn count(
    session: &Session,
    out: &mut Status,
    id: &str,
    head: &RecordHead,
    status: String,
) -> Result<()> {
    let limit = session.store().config.policy.archive_within_days;
    match status.as_str() {
        "pending" => {
            let v = session.reader().version_of(id, head, head.version)?;
            if let Some(step) = next_step(&v.steps, &v.approvals) {
                *out.waiting.entry(step.role.clone()).or_default() += 1;
            }
        }
        "completed" | "terminated" => {
            out.to_archive += 1;
            let v = session.reader().version_of(id, head, head.version)?;
            let finished = crate::clock::parse(&v.written_at)
                .map(|t| t.with_timezone(&session.store().tz).date_naive());
            if finished.is_some_and(|d| (session.today() - d).num_days() > limit) {
                out.overdue += 1;
            }
        }
        _ => {}
    }
    *out.counts
        .entry(head.kind.clone())
        .or_default()
        .entry(status)
        .or_default() += 1;
    Ok(())
}

//! Drafting and changing records: `create` writes version 1, `amend` the next version
//! (resetting approvals), both validated in full and logged in one transaction.

use super::input::Origin;
use super::validate::{Findings, validate};
use crate::audit::act::{self, Act};
use crate::error::{Error, Result};
use crate::journal::Transaction;
use crate::layout::version_path;
use crate::policy::approval::carried;
use crate::schema::kind::{Kind, Lifecycle};
use crate::schema::value::Value;
use crate::session::{Session, Writer};
use crate::store::version::{Version, Writing};
use chrono::Datelike;
use std::collections::BTreeMap;

pub struct Written {
    pub id: String,
    pub version: u32,
    pub status: String,
    pub warnings: Vec<String>,
}

/// May the acting actor draft (and amend) records of this kind? (R-C6 and roles.toml)
/// Refuse to write under a kind's rules before they take effect (R-C18).
pub fn require_in_force(session: &Session, kind: &Kind) -> Result<()> {
    match kind.effective {
        Some(from) if session.today() < from => Err(crate::error::InputError::new(
            crate::error::Location::file(&kind.file),
            t!("write-rules-take-effect-r", name = kind.name, from = from),
        )
        .hint(t!("write-check-date-schema-s"))
        .into()),
        _ => Ok(()),
    }
}

pub fn require_drafter(session: &Session, kind: &Kind) -> Result<()> {
    let actor = session.actor()?;
    let role = session.role()?;
    if crate::policy::may_draft(&session.schemas().roles, &role.name, kind) {
        return Ok(());
    }
    let who: Vec<String> = session
        .schemas()
        .roles
        .roles
        .values()
        .filter(|r| {
            r.create.contains(&kind.name)
                && kind
                    .create_roles
                    .as_ref()
                    .is_none_or(|c| c.contains(&r.name))
        })
        .map(|r| r.name.clone())
        .collect();
    Err(Error::denied(
        t!(
            "write-actor-role-may-not",
            name = actor.name,
            name2 = role.name,
            name3 = kind.name
        ),
        Some(t!("write-drafted", join = who.join(", "))),
    ))
}

/// Validate: an error (exit 5), or the warnings and the status the record starts in.
fn check(
    session: &Session,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    id: &str,
    origin: &Origin,
    before: Option<&BTreeMap<String, Value>>,
) -> Result<Findings> {
    let findings = validate(&session.context(), kind, fields, id, origin, before)?;
    if findings.errors.is_empty() {
        Ok(findings)
    } else {
        Err(Error::Invalid(findings.errors))
    }
}

/// That a record shares a unique value with others, allowed for the stated reason.
fn duplicate(shares_with: &[String], allowed: Option<&str>) -> Option<act::Duplicate> {
    match (shares_with.is_empty(), allowed) {
        (false, Some(reason)) => Some(act::Duplicate {
            of: shares_with.to_vec(),
            reason: reason.to_string(),
        }),
        _ => None,
    }
}

/// Refuse `--allow-duplicate` without a reason worth logging.
pub fn check_duplicate_reason(session: &Session, allowed: Option<&str>) -> Result<()> {
    match allowed {
        Some(reason) if reason.trim().is_empty() => Err(Error::usage(
            t!("write-allow-duplicate-needs-reason"),
            Some(t!("write-e-g-reason-second").to_string()),
        )),
        Some(reason) => Ok(session.stated("--reason", reason)?),
        None => Ok(()),
    }
}

/// `allow_duplicate`: the reason a record may share a unique value (an identity number)
/// with another; without it, such a record is refused (exit 6).
pub fn create(
    session: &mut Writer,
    kind_name: &str,
    fields: BTreeMap<String, Value>,
    origin: &Origin,
    allow_duplicate: Option<&str>,
) -> Result<Written> {
    let schemas = session.schemas().clone();
    let kind = schemas.kind(kind_name)?;
    require_drafter(session, kind)?;
    require_in_force(session, kind)?;
    let id = session.index().next_id(
        &session.site_log().id_prefix(&kind.prefix),
        session.now().year(),
    );
    let Findings {
        warnings,
        status,
        steps,
        ..
    } = check(session, kind, &fields, &id, origin, None)?;
    check_duplicate_reason(session, allow_duplicate)?;
    let shares_with = super::unique::check(
        session,
        kind,
        &fields,
        origin,
        None,
        allow_duplicate.is_some(),
    )?;
    let actor = session.actor()?;
    let writing = Writing {
        at: session.timestamp(),
        by: actor.name.clone(),
        action: "create".into(),
        policy: session.registry().policy,
        department: actor.department.clone(),
    };
    let mut v = Version::first(&id, &kind.name, &status, writing, None, fields);
    v.steps = steps;
    let mut txn = Transaction::begin(session);
    let site = txn.writer().site_log().version_site();
    let path = version_path(&kind.name, &id, 1, site);
    let file = txn.write(&path, v.to_toml().as_bytes())?;
    let act = Act::Create {
        written: act::Written {
            record: id.clone(),
            version: 1,
            status: status.clone(),
            policy: v.policy,
        },
        department: v.department.clone(),
        duplicate: duplicate(&shares_with, allow_duplicate),
    };
    txn.act(&act, vec![file]);
    txn.commit()?;
    Ok(Written {
        id,
        version: 1,
        status,
        warnings,
    })
}

/// Refuse to change an archived record (R-C15), exit 6.
pub fn refuse_archived(v: &Version) -> Result<()> {
    if v.status == "archived" {
        return Err(Error::conflict(
            t!("write-record-archived-archived-records", id = v.id),
            Some(t!("write-draft-new-record-if").to_string()),
        ));
    }
    Ok(())
}

/// Refuse any act but `resolve` on a record in conflict between sites (exit 6): which
/// terms stand is for someone to decide first.
pub fn refuse_conflicted(session: &Session, id: &str) -> Result<()> {
    let Some(open) = session.index().open_conflict(id) else {
        return Ok(());
    };
    let first = &session.store().config.store.site_code;
    let sites: Vec<&str> = open
        .iter()
        .map(|a| crate::audit::conflict::site_of(a.site.as_deref(), first))
        .collect();
    Err(Error::conflict(
        t!(
            "write-record-in-conflict",
            id = id,
            sites = sites.join(", ")
        ),
        Some(t!("write-resolve-conflict-first", id = id).to_string()),
    ))
}

/// Write `next` as the record's next version, logged as the act `make` gives for it.
pub fn write_next(
    session: &mut Writer,
    kind: &Kind,
    mut next: Version,
    make: &dyn Fn(act::Written) -> Act,
) -> Result<u32> {
    next.version += 1;
    let written = act::Written {
        record: next.id.clone(),
        version: next.version,
        status: next.status.clone(),
        policy: next.policy,
    };
    let act = make(written);
    if act.action() != crate::audit::index::RESOLVE_ACT {
        refuse_conflicted(session, &next.id)?;
    }
    next.written_at = session.timestamp();
    next.written_by = session.actor()?.name.clone();
    next.action = act.action().to_string();
    let site = session.site_log().version_site();
    let rel = match session.index().record(&next.id) {
        Some(head) => head.version_path(&next.id, next.version, site),
        None => version_path(&kind.name, &next.id, next.version, site),
    };
    let mut txn = Transaction::begin(session);
    let file = txn.write(&rel, next.to_toml().as_bytes())?;
    txn.act(&act, vec![file]);
    txn.commit()?;
    Ok(next.version)
}

pub fn amend(
    session: &mut Writer,
    id: &str,
    sets: BTreeMap<String, Value>,
    unsets: &[String],
    reason: &str,
    origin: &Origin,
    allow_duplicate: bool,
) -> Result<Written> {
    session.stated("--reason", reason)?;
    let current = session.load(id)?;
    refuse_conflicted(session, id)?;
    let schemas = session.schemas().clone();
    let kind = schemas.kind(&current.kind)?;
    let mut fields = current.fields.clone();
    for u in unsets {
        if kind.field(u).is_none() {
            let at = crate::error::Location::file(format!("--unset {u}")).field(u);
            return Err(super::input::unknown_field(kind, at, u).into());
        }
        fields.remove(u);
    }
    fields.extend(sets);
    if fields == current.fields {
        refuse_changing(session, &current, kind)?;
        return Err(Error::invalid(
            crate::error::Location::default(),
            t!("write-amendment-changes-nothing", id = id),
            &t!("write-give-new-values-set"),
        ));
    }
    let terms = Terms {
        fields,
        reason,
        origin,
        allow_duplicate,
    };
    write_terms(
        session,
        &current,
        kind,
        terms,
        &|written, changed, duplicate| Act::Amend {
            written,
            reason: reason.to_string(),
            fields: changed,
            duplicate,
        },
    )
}

/// New terms for a record, and what justifies them.
struct Terms<'a> {
    fields: BTreeMap<String, Value>,
    reason: &'a str,
    origin: &'a Origin,
    allow_duplicate: bool,
}

/// Refuse to change the terms of a record that is archived, finished or withdrawn, or of
/// a kind the actor may not draft or that is not yet in force.
fn refuse_changing(session: &Writer, current: &Version, kind: &Kind) -> Result<()> {
    refuse_archived(current)?;
    require_drafter(session, kind)?;
    require_in_force(session, kind)?;
    if matches!(
        current.status.as_str(),
        "completed" | "terminated" | "withdrawn"
    ) {
        return Err(Error::conflict(
            t!(
                "write-record-finished-withdrawn-contract",
                id = current.id,
                status = current.status
            ),
            Some(t!("write-archive-draft-new-contract").to_string()),
        ));
    }
    Ok(())
}

/// Write `terms` as the record's next version, judged by the rules in force now, logged
/// as the act `make` gives from the version written, the fields changed and the logged
/// duplicate. Terms that change nothing keep where the record's approval stands.
fn write_terms(
    session: &mut Writer,
    current: &Version,
    kind: &Kind,
    terms: Terms,
    make: &dyn Fn(act::Written, Vec<String>, Option<act::Duplicate>) -> Act,
) -> Result<Written> {
    refuse_changing(session, current, kind)?;
    let Terms {
        fields,
        reason,
        origin,
        allow_duplicate,
    } = terms;
    let id = current.id.as_str();
    let Findings {
        warnings, steps, ..
    } = check(session, kind, &fields, id, origin, Some(&current.fields))?;
    let shares_with =
        super::unique::check(session, kind, &fields, origin, Some(id), allow_duplicate)?;
    let mut next = current.clone();
    let unchanged = fields == current.fields;
    next.fields = fields;
    next.reason = Some(reason.to_string());
    // New terms are judged by the rules in force now.
    next.policy = session.registry().policy;
    if kind.lifecycle == Lifecycle::Contract && !unchanged {
        // Amending resets approvals: whoever signed, signed the old terms. The new terms
        // are judged afresh, with the records they refer to as they are now — and a step
        // that was awaited and not yet signed stays due, so no amendment (nor a change
        // to the customer before it) takes a required signature away.
        next.steps = carried(kind, steps, &current.steps, &current.approvals);
        next.approvals.clear();
        next.status = if next.steps.is_empty() {
            "active"
        } else {
            "pending"
        }
        .to_string();
    }
    let status = next.status.clone();
    let changed: Vec<String> = next
        .fields
        .keys()
        .chain(current.fields.keys())
        .filter(|k| next.fields.get(*k) != current.fields.get(*k))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let duplicate = duplicate(&shares_with, allow_duplicate.then_some(reason));
    let version = write_next(session, kind, next, &|written| {
        make(written, changed.clone(), duplicate.clone())
    })?;
    Ok(Written {
        id: id.to_string(),
        version,
        status,
        warnings,
    })
}

/// Settle a conflict between sites on record `id`: keep the version written at site
/// `keep` (a site's last when it wrote several) and close every act set aside on it.
/// Keeping the current version writes nothing more. Keeping one set aside writes the
/// record's next version with its terms, judged as the resolver's amendment: approvals
/// given on either side are not carried over to terms that change, and no act set
/// aside (an approval, a termination) takes effect; it is taken again if still wanted.
pub fn resolve(
    session: &mut Writer,
    id: &str,
    keep: &str,
    reason: &str,
    allow_duplicate: bool,
) -> Result<Written> {
    session.stated("--reason", reason)?;
    let current = session.load(id)?;
    let schemas = session.schemas().clone();
    let kind = schemas.kind(&current.kind)?;
    require_drafter(session, kind)?;
    let Some(open) = session.index().open_conflict(id).map(<[_]>::to_vec) else {
        return Err(Error::conflict(
            t!("write-no-conflict-to-resolve", id = id),
            Some(t!("write-status-lists-conflicts").to_string()),
        ));
    };
    let head = session
        .index()
        .record(id)
        .ok_or_else(|| crate::reader::unknown_id(id))?;
    let kept_path = kept_version(session, id, &head, &open, keep)?;
    let settles: Vec<String> = open
        .iter()
        .filter(|a| a.resolved.is_none())
        .map(|a| a.path.clone())
        .collect();
    let kept = session.reader().version_at(&kept_path, &current.kind)?;
    let make = |written, duplicate| Act::Resolve {
        record: id.to_string(),
        written,
        reason: reason.to_string(),
        keep: kept_path.clone(),
        settles: settles.clone(),
        duplicate,
    };
    if kept.fields == current.fields {
        let mut txn = Transaction::begin(session);
        txn.act(&make(None, None), Vec::new());
        txn.commit()?;
        return Ok(Written {
            id: id.to_string(),
            version: current.version,
            status: current.status,
            warnings: Vec::new(),
        });
    }
    let terms = Terms {
        fields: kept.fields,
        reason,
        origin: &Origin::Set,
        allow_duplicate,
    };
    write_terms(session, &current, kind, terms, &|written, _, duplicate| {
        make(Some(written), duplicate)
    })
}

/// The file of the version written at site `keep` in record `id`'s conflict: the current
/// one, or the last of those set aside from there.
fn kept_version(
    session: &Writer,
    id: &str,
    head: &crate::audit::RecordHead,
    open: &[crate::audit::conflict::SetAside],
    keep: &str,
) -> Result<String> {
    let first = &session.store().config.store.site_code;
    let site_of = |s: Option<&str>| crate::audit::conflict::site_of(s, first).to_string();
    if site_of(head.site.as_deref()) == keep {
        return Ok(head.file(id));
    }
    let open = || open.iter().filter(|a| a.resolved.is_none());
    if let Some(aside) = open().rfind(|a| site_of(a.site.as_deref()) == keep) {
        return Ok(aside.path.clone());
    }
    let mut sites = vec![site_of(head.site.as_deref())];
    sites.extend(open().map(|a| site_of(a.site.as_deref())));
    sites.dedup();
    Err(Error::usage(
        t!("write-conflict-site-unknown", id = id, site = keep),
        Some(t!("write-conflict-sites-are", sites = sites.join(", ")).to_string()),
    ))
}

//! Everything a store holds about one customer, for the customer's right of access (R-A6;
//! PIPL Art. 45, GDPR Art. 15): the customer record and every record referring to it
//! (its contracts), every version of each, and every audit entry that acted on, read or
//! found them. Shown as the acting actor's role may see it, and logged as a reveal with
//! its purpose before anything is handed over.

use super::log::Logged;
use super::read::{QuerySpec, RecordView, Revealed};
use crate::error::Result;
use crate::policy::reveal::Reveal;
use crate::session::Session;
use std::collections::BTreeSet;

/// The command a subject export's reveal entry names.
pub const COMMAND: &str = "subject export";

/// One record held about the subject, every version of it.
pub struct SubjectRecord {
    pub id: String,
    pub kind: String,
    /// Oldest first.
    pub versions: Vec<RecordView>,
}

/// What a store holds about one customer.
pub struct SubjectExport {
    pub subject: String,
    /// The customer first, then the records referring to it, in id order.
    pub records: Vec<SubjectRecord>,
    /// The entries about any of them, in the log's order.
    pub entries: Vec<Logged>,
    /// PII classes shown masked: those the role may not see.
    pub still_masked: BTreeSet<String>,
}

/// What the store holds about customer `id`, revealed as `reveal` allows, and the reveal
/// to log before it is shown.
pub fn export(
    session: &Session,
    id: &str,
    reveal: &Reveal,
) -> Result<(SubjectExport, Option<Revealed>)> {
    // Everything held means in every department: a role reaching one would hand over
    // part of it as the whole.
    if session.reach() != crate::judge::Reach::All {
        let role = session.role()?.name.clone();
        return Err(crate::error::Error::denied(
            t!("subject-needs-every-department", role = role),
            Some(t!("subject-ask-auditor")),
        ));
    }
    let subject = session.canonical_id(id);
    let head = session
        .index()
        .record(&subject)
        .ok_or_else(|| session.unknown_id(&subject))?;
    let mut ids = vec![subject.clone()];
    ids.extend(referring(session, &subject, &head.kind)?);
    let mut classes = BTreeSet::new();
    let mut still_masked = BTreeSet::new();
    let mut records = Vec::new();
    for rid in &ids {
        let record = every_version(session, rid, reveal, &mut classes)?;
        for v in &record.versions {
            still_masked.extend(v.still_masked.iter().cloned());
        }
        records.push(record);
    }
    let about: BTreeSet<String> = ids.iter().cloned().collect();
    let mut entries = super::log::entries_about(session.store(), &about)?;
    for logged in &mut entries {
        keep_only_listed(&mut logged.entry, &about);
    }
    let revealed = (!classes.is_empty()).then(|| Revealed {
        command: COMMAND.to_string(),
        ids,
        classes,
        purpose: reveal.purpose.clone(),
        read: Vec::new(),
        matched: Vec::new(),
    });
    Ok((
        SubjectExport {
            subject,
            records,
            entries,
            still_masked,
        },
        revealed,
    ))
}

/// The ids of the records referring to record `id` of kind `kind` (a customer's
/// contracts), none when no kind refers to that kind.
fn referring(session: &Session, id: &str, kind: &str) -> Result<Vec<String>> {
    if !super::read::is_referred_to(session.schemas(), kind) {
        return Ok(Vec::new());
    }
    let spec = QuerySpec {
        command: COMMAND,
        kind: None,
        filter: None,
        status: None,
        sort: None,
        limit: None,
        refers_to: Some(id),
    };
    let (views, _) = super::read::query(session, &spec, None)?;
    Ok(views.into_iter().map(|v| v.id).collect())
}

/// Every version of record `id`, each judged by the rules it was written under.
fn every_version(
    session: &Session,
    id: &str,
    reveal: &Reveal,
    classes: &mut BTreeSet<String>,
) -> Result<SubjectRecord> {
    let head = session
        .index()
        .record(id)
        .ok_or_else(|| session.unknown_id(id))?;
    let mut versions = Vec::new();
    for n in 1..=head.version {
        let v = session.load_version(id, n)?;
        let schemas = session.schemas_at(v.policy)?;
        let kind = schemas.kind(&v.kind)?;
        versions.push(super::read::view(kind, &v, Some(reveal), classes));
    }
    Ok(SubjectRecord {
        id: id.to_string(),
        kind: head.kind,
        versions,
    })
}

/// An entry as the customer may see it: the records its lists name (what a reveal read,
/// a filter matched, a look-up found, what else shares a unique value) cut to the ones
/// exported, so no other customer's id is handed over.
fn keep_only_listed(entry: &mut crate::audit::Entry, about: &BTreeSet<String>) {
    for key in super::log::RECORD_LISTS.iter().chain(&["duplicate_of"]) {
        if let Some(list) = entry.detail.get_mut(*key) {
            let kept: Vec<&str> = list.split(',').filter(|id| about.contains(*id)).collect();
            *list = kept.join(",");
        }
    }
}

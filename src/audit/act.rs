//! The acts an entry may record, each with its own typed fields. An entry is read into
//! exactly one `Act`; an action docket does not know, a detail it does not write, or one
//! missing or malformed, is an integrity problem. Commands log acts, never free detail,
//! so what the log can say is this list and nothing else.

use super::entry::{Entry, FileHash};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Who else holds a unique value a record was allowed to share, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub of: Vec<String>,
    pub reason: String,
}

/// A new version of a record: where the act leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub record: String,
    pub version: u32,
    pub status: String,
    pub policy: u32,
}

/// A change to an actor's register entry (add, update, or a proposal of either).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActorTerms {
    pub role: Option<String>,
    /// `Some(None)`: to the centre.
    pub department: Option<Option<String>>,
    pub key: Option<String>,
    pub agreement_signed: Option<NaiveDate>,
    pub trained_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Genesis {
        store: String,
    },
    /// A site's log begins: the first entry of `records/_sites/<site>/audit.log`.
    SiteOpen {
        store: String,
        site: String,
    },
    /// A policy version made the rules in force; `proposal`: the proposal it co-signs.
    Policy {
        version: u32,
        reason: String,
        changed: Vec<String>,
        proposal: Option<u64>,
    },
    /// A policy version that widens or weakens, waiting for a second administrator.
    PolicyPropose {
        version: u32,
        base: u32,
        reason: String,
        changed: Vec<String>,
        widens: Vec<String>,
    },
    ActorAdd {
        name: String,
        version: u32,
        terms: ActorTerms,
        proposal: Option<u64>,
    },
    ActorUpdate {
        name: String,
        version: u32,
        terms: ActorTerms,
        proposal: Option<u64>,
    },
    ActorRevoke {
        name: String,
        version: u32,
        reason: String,
    },
    /// A register change that needs a second administrator: `adds` a new actor, or
    /// updates one.
    ActorPropose {
        name: String,
        adds: bool,
        terms: ActorTerms,
        widens: Vec<String>,
    },
    Create {
        written: Written,
        department: Option<String>,
        duplicate: Option<Duplicate>,
    },
    Import {
        written: Written,
        department: Option<String>,
        duplicate: Option<Duplicate>,
        fingerprint: String,
        source: String,
        legacy_no: Option<String>,
    },
    ImportBatch {
        kind: String,
        source: String,
        encoding: String,
        rows: u64,
        imported: u64,
        already: u64,
        statuses: BTreeMap<String, u64>,
    },
    Amend {
        written: Written,
        reason: String,
        fields: Vec<String>,
        duplicate: Option<Duplicate>,
    },
    Approve {
        written: Written,
        step: String,
        rule: String,
        comment: Option<String>,
    },
    Reject {
        written: Written,
        step: String,
        reason: String,
    },
    Withdraw {
        written: Written,
        reason: String,
    },
    Complete {
        written: Written,
    },
    Terminate {
        written: Written,
        reason: String,
    },
    Archive {
        record: String,
        version: u32,
        number: String,
        attachments: u32,
    },
    /// A conflict between sites settled: the acts set aside on `record` that it names
    /// (`settles`, their files) are closed. Keeping the current version (`keep` its file)
    /// writes nothing; keeping one set aside writes the record's next version with its
    /// terms (`written`).
    Resolve {
        record: String,
        written: Option<Written>,
        reason: String,
        keep: String,
        settles: Vec<String>,
        duplicate: Option<Duplicate>,
    },
    Reveal {
        record: String,
        command: String,
        purpose: String,
        classes: Vec<String>,
        records: Vec<String>,
        filtered_on: Vec<String>,
        matched: Vec<String>,
    },
    Lookup {
        record: String,
        kind: String,
        field: String,
        found: Vec<String>,
    },
    AttachmentGet {
        record: String,
        name: String,
        sha256: String,
        purpose: String,
    },
    Recover {
        moved: u64,
        torn_bytes: u64,
        quarantine: String,
    },
    /// Identity numbers checked against the store by one command, counted, never named:
    /// `answered` when the command told which are held.
    Probe {
        kind: String,
        field: String,
        command: String,
        count: u64,
        answered: bool,
    },
}

/// The record acts that write a new version of a contract or customer.
pub const VERSION_ACTS: [&str; 10] = [
    "create",
    "import",
    "amend",
    "approve",
    "reject",
    "withdraw",
    "complete",
    "terminate",
    "archive",
    "resolve",
];

/// An entry's detail, taken key by key; what is left over was not written by docket.
struct Detail<'e> {
    map: BTreeMap<&'e str, &'e str>,
}

impl<'e> Detail<'e> {
    fn of(e: &'e Entry) -> Self {
        Detail {
            map: e
                .detail
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    fn opt(&mut self, key: &str) -> Option<String> {
        self.map.remove(key).map(str::to_string)
    }

    fn req(&mut self, key: &str) -> Result<String, String> {
        self.opt(key)
            .ok_or_else(|| t!("act-detail-missing", key = key))
    }

    fn number<N: std::str::FromStr>(&mut self, key: &str) -> Result<N, String> {
        let text = self.req(key)?;
        text.parse()
            .map_err(|_| t!("act-detail-not-number", key = key, value = text))
    }

    fn opt_number<N: std::str::FromStr>(&mut self, key: &str) -> Result<Option<N>, String> {
        match self.map.contains_key(key) {
            true => self.number(key).map(Some),
            false => Ok(None),
        }
    }

    fn date(&mut self, key: &str) -> Result<Option<NaiveDate>, String> {
        match self.opt(key) {
            None => Ok(None),
            Some(d) => d
                .parse()
                .map(Some)
                .map_err(|_| t!("act-detail-not-date", key = key, value = d)),
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        split_list(&self.opt(key).unwrap_or_default())
    }

    /// A list of sentences, which may hold commas.
    fn sentences(&mut self, key: &str) -> Vec<String> {
        let text = self.opt(key).unwrap_or_default();
        text.split(SENTENCES)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn duplicate(&mut self) -> Result<Option<Duplicate>, String> {
        match (self.opt("duplicate_of"), self.opt("duplicate_reason")) {
            (None, None) => Ok(None),
            (Some(of), Some(reason)) => Ok(Some(Duplicate {
                of: split_list(&of),
                reason,
            })),
            _ => Err(t!("act-duplicate-half")),
        }
    }

    fn terms(&mut self) -> Result<ActorTerms, String> {
        Ok(ActorTerms {
            role: self.opt("role"),
            department: self
                .opt("department")
                .map(|d| Some(d).filter(|d| !d.is_empty())),
            key: self.opt("key"),
            agreement_signed: self.date("agreement_signed")?,
            trained_on: self.date("trained_on")?,
        })
    }

    /// Nothing may be left: every key was one this act writes.
    fn done(self) -> Result<(), String> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(t!("act-detail-unknown", key = *k)),
        }
    }
}

/// A list detail (`duplicate_of`, `settles`) as its items.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn join(items: &[String]) -> String {
    items.join(",")
}

/// How a list of sentences is joined in an entry.
const SENTENCES: &str = " | ";

/// What an entry's record, version and files must look like for its act.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// No record, no version, no files.
    Bare,
    /// A record (or an empty one), no version, no files.
    About,
    /// A record, a version and at least one file.
    Writes,
}

fn check_shape(e: &Entry, shape: Shape) -> Result<(), String> {
    let ok = match shape {
        Shape::Bare => e.record.is_empty() && e.version == 0 && e.files.is_empty(),
        Shape::About => e.version == 0 && e.files.is_empty(),
        Shape::Writes => !e.record.is_empty() && e.version > 0 && !e.files.is_empty(),
    };
    if ok {
        Ok(())
    } else {
        Err(t!("act-shape-wrong", action = e.action))
    }
}

impl Act {
    /// Read an entry as the act it records.
    pub fn parse(e: &Entry) -> Result<Act, String> {
        let mut d = Detail::of(e);
        let act = Act::parse_with(e, &mut d)?;
        d.done()?;
        Ok(act)
    }

    fn written(e: &Entry, d: &mut Detail) -> Result<Written, String> {
        check_shape(e, Shape::Writes)?;
        Ok(Written {
            record: e.record.clone(),
            version: e.version,
            status: d.req("status")?,
            policy: d.number("policy")?,
        })
    }

    fn parse_with(e: &Entry, d: &mut Detail) -> Result<Act, String> {
        let record = || e.record.clone();
        let act = match e.action.as_str() {
            "genesis" => {
                check_shape(e, Shape::Bare)?;
                Act::Genesis {
                    store: d.req("store")?,
                }
            }
            "site-open" => {
                check_shape(e, Shape::Bare)?;
                Act::SiteOpen {
                    store: d.req("store")?,
                    site: d.req("site")?,
                }
            }
            "policy" => {
                check_shape(e, Shape::Writes).or_else(|m| {
                    match d.map.contains_key("proposal") {
                        // A co-signature applies files the proposal already wrote.
                        true if e.version > 0 && e.files.is_empty() => Ok(()),
                        _ => Err(m),
                    }
                })?;
                Act::Policy {
                    version: e.version,
                    reason: d.req("reason")?,
                    changed: d.list("changed"),
                    proposal: d.opt_number("proposal")?,
                }
            }
            "policy-propose" => {
                check_shape(e, Shape::Writes)?;
                Act::PolicyPropose {
                    version: e.version,
                    base: d.number("base")?,
                    reason: d.req("reason")?,
                    changed: d.list("changed"),
                    widens: d.sentences("widens"),
                }
            }
            "actor-add" | "actor-update" => {
                check_shape(e, Shape::Writes)?;
                let terms = d.terms()?;
                let proposal = d.opt_number("proposal")?;
                if e.action == "actor-add" {
                    if terms.role.is_none() || terms.key.is_none() {
                        return Err(t!("act-detail-missing", key = "role, key"));
                    }
                    Act::ActorAdd {
                        name: record(),
                        version: e.version,
                        terms,
                        proposal,
                    }
                } else {
                    Act::ActorUpdate {
                        name: record(),
                        version: e.version,
                        terms,
                        proposal,
                    }
                }
            }
            "actor-revoke" => {
                check_shape(e, Shape::Writes)?;
                Act::ActorRevoke {
                    name: record(),
                    version: e.version,
                    reason: d.req("reason")?,
                }
            }
            "actor-propose" => {
                check_shape(e, Shape::About)?;
                Act::ActorPropose {
                    name: record(),
                    adds: match d.req("change")?.as_str() {
                        "add" => true,
                        "update" => false,
                        other => return Err(t!("act-detail-unknown", key = other)),
                    },
                    terms: d.terms()?,
                    widens: d.sentences("widens"),
                }
            }
            "create" => Act::Create {
                written: Act::written(e, d)?,
                department: d.opt("department"),
                duplicate: d.duplicate()?,
            },
            "import" => Act::Import {
                written: Act::written(e, d)?,
                department: d.opt("department"),
                duplicate: d.duplicate()?,
                fingerprint: d.req("fingerprint")?,
                source: d.req("source")?,
                legacy_no: d.opt("legacy_no"),
            },
            "import-batch" => {
                check_shape(e, Shape::Bare)?;
                let statuses = d
                    .map
                    .keys()
                    .filter_map(|k| k.strip_prefix("status_"))
                    .map(str::to_string)
                    .collect::<Vec<_>>();
                let mut counts = BTreeMap::new();
                for s in statuses {
                    counts.insert(s.clone(), d.number(&format!("status_{s}"))?);
                }
                Act::ImportBatch {
                    kind: d.req("kind")?,
                    source: d.req("source")?,
                    encoding: d.req("encoding")?,
                    rows: d.number("rows")?,
                    imported: d.number("imported")?,
                    already: d.number("already")?,
                    statuses: counts,
                }
            }
            "amend" => Act::Amend {
                written: Act::written(e, d)?,
                reason: d.req("reason")?,
                fields: d.list("fields"),
                duplicate: d.duplicate()?,
            },
            "approve" => Act::Approve {
                written: Act::written(e, d)?,
                step: d.req("step")?,
                rule: d.req("rule")?,
                comment: d.opt("comment"),
            },
            "reject" => Act::Reject {
                written: Act::written(e, d)?,
                step: d.req("step")?,
                reason: d.req("reason")?,
            },
            "withdraw" => Act::Withdraw {
                written: Act::written(e, d)?,
                reason: d.req("reason")?,
            },
            "complete" => Act::Complete {
                written: Act::written(e, d)?,
            },
            "terminate" => Act::Terminate {
                written: Act::written(e, d)?,
                reason: d.req("reason")?,
            },
            "resolve" => {
                let written = match e.version {
                    0 if !e.record.is_empty() => {
                        check_shape(e, Shape::About)?;
                        None
                    }
                    _ => Some(Act::written(e, d)?),
                };
                Act::Resolve {
                    record: record(),
                    written,
                    reason: d.req("reason")?,
                    keep: d.req("keep")?,
                    settles: d.list("settles"),
                    duplicate: d.duplicate()?,
                }
            }
            "archive" => {
                check_shape(e, Shape::Writes)?;
                if d.req("status")? != "archived" {
                    return Err(t!("act-shape-wrong", action = e.action));
                }
                Act::Archive {
                    record: record(),
                    version: e.version,
                    number: d.req("archive_number")?,
                    attachments: d.number("attachments")?,
                }
            }
            "reveal" => {
                check_shape(e, Shape::About)?;
                Act::Reveal {
                    record: record(),
                    command: d.req("command")?,
                    purpose: d.req("purpose")?,
                    classes: d.list("classes"),
                    records: d.list("records"),
                    filtered_on: d.list("filtered_on"),
                    matched: d.list("matched"),
                }
            }
            "lookup" => {
                check_shape(e, Shape::About)?;
                Act::Lookup {
                    record: record(),
                    kind: d.req("kind")?,
                    field: d.req("field")?,
                    found: d.list("found"),
                }
            }
            "attachment-get" => {
                check_shape(e, Shape::About)?;
                Act::AttachmentGet {
                    record: record(),
                    name: d.req("name")?,
                    sha256: d.req("sha256")?,
                    purpose: d.req("purpose")?,
                }
            }
            "recover" => {
                check_shape(e, Shape::Bare)?;
                Act::Recover {
                    moved: d.number("moved")?,
                    torn_bytes: d.number("torn_bytes")?,
                    quarantine: d.req("quarantine")?,
                }
            }
            "probe" => {
                check_shape(e, Shape::Bare)?;
                Act::Probe {
                    kind: d.req("kind")?,
                    field: d.req("field")?,
                    command: d.req("command")?,
                    count: d.number("count")?,
                    answered: match d.req("answered")?.as_str() {
                        "yes" => true,
                        "no" => false,
                        other => return Err(t!("act-detail-unknown", key = other)),
                    },
                }
            }
            other => return Err(t!("act-unknown-action", action = other)),
        };
        Ok(act)
    }

    /// The entry's action word.
    pub fn action(&self) -> &'static str {
        match self {
            Act::Genesis { .. } => "genesis",
            Act::SiteOpen { .. } => "site-open",
            Act::Policy { .. } => "policy",
            Act::PolicyPropose { .. } => "policy-propose",
            Act::ActorAdd { .. } => "actor-add",
            Act::ActorUpdate { .. } => "actor-update",
            Act::ActorRevoke { .. } => "actor-revoke",
            Act::ActorPropose { .. } => "actor-propose",
            Act::Create { .. } => "create",
            Act::Import { .. } => "import",
            Act::ImportBatch { .. } => "import-batch",
            Act::Amend { .. } => "amend",
            Act::Approve { .. } => "approve",
            Act::Reject { .. } => "reject",
            Act::Withdraw { .. } => "withdraw",
            Act::Complete { .. } => "complete",
            Act::Terminate { .. } => "terminate",
            Act::Resolve { .. } => "resolve",
            Act::Archive { .. } => "archive",
            Act::Reveal { .. } => "reveal",
            Act::Lookup { .. } => "lookup",
            Act::AttachmentGet { .. } => "attachment-get",
            Act::Recover { .. } => "recover",
            Act::Probe { .. } => "probe",
        }
    }

    /// The record the act concerns and the version it writes (0: none).
    pub fn target(&self) -> (String, u32) {
        match self {
            Act::Genesis { .. }
            | Act::SiteOpen { .. }
            | Act::ImportBatch { .. }
            | Act::Recover { .. }
            | Act::Probe { .. } => (String::new(), 0),
            Act::Policy { version, .. } | Act::PolicyPropose { version, .. } => {
                (super::index::POLICY_ACT.to_string(), *version)
            }
            Act::ActorAdd { name, version, .. }
            | Act::ActorUpdate { name, version, .. }
            | Act::ActorRevoke { name, version, .. } => (name.clone(), *version),
            Act::ActorPropose { name, .. } => (name.clone(), 0),
            Act::Create { written, .. }
            | Act::Import { written, .. }
            | Act::Amend { written, .. }
            | Act::Approve { written, .. }
            | Act::Reject { written, .. }
            | Act::Withdraw { written, .. }
            | Act::Complete { written }
            | Act::Terminate { written, .. } => (written.record.clone(), written.version),
            Act::Resolve {
                record, written, ..
            } => (record.clone(), written.as_ref().map_or(0, |w| w.version)),
            Act::Archive {
                record, version, ..
            } => (record.clone(), *version),
            Act::Reveal { record, .. }
            | Act::Lookup { record, .. }
            | Act::AttachmentGet { record, .. } => (record.clone(), 0),
        }
    }

    /// The detail this act writes into its entry.
    pub fn detail(&self) -> BTreeMap<String, String> {
        let mut d = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            d.insert(k.to_string(), v);
        };
        let written = |put: &mut dyn FnMut(&str, String), w: &Written| {
            put("status", w.status.clone());
            put("policy", w.policy.to_string());
        };
        let duplicate = |put: &mut dyn FnMut(&str, String), dup: &Option<Duplicate>| {
            if let Some(dup) = dup {
                put("duplicate_of", join(&dup.of));
                put("duplicate_reason", dup.reason.clone());
            }
        };
        let terms = |put: &mut dyn FnMut(&str, String), t: &ActorTerms| {
            if let Some(r) = &t.role {
                put("role", r.clone());
            }
            if let Some(dep) = &t.department {
                put("department", dep.clone().unwrap_or_default());
            }
            if let Some(k) = &t.key {
                put("key", k.clone());
            }
            if let Some(a) = t.agreement_signed {
                put("agreement_signed", a.to_string());
            }
            if let Some(t) = t.trained_on {
                put("trained_on", t.to_string());
            }
        };
        match self {
            Act::Genesis { store } => put("store", store.clone()),
            Act::SiteOpen { store, site } => {
                put("store", store.clone());
                put("site", site.clone());
            }
            Act::Policy {
                reason,
                changed,
                proposal,
                ..
            } => {
                put("reason", reason.clone());
                if !changed.is_empty() {
                    put("changed", join(changed));
                }
                if let Some(p) = proposal {
                    put("proposal", p.to_string());
                }
            }
            Act::PolicyPropose {
                base,
                reason,
                changed,
                widens,
                ..
            } => {
                put("base", base.to_string());
                put("reason", reason.clone());
                put("changed", join(changed));
                put("widens", widens.join(SENTENCES));
            }
            Act::ActorAdd {
                terms: t, proposal, ..
            }
            | Act::ActorUpdate {
                terms: t, proposal, ..
            } => {
                terms(&mut put, t);
                if let Some(p) = proposal {
                    put("proposal", p.to_string());
                }
            }
            Act::ActorRevoke { reason, .. } => put("reason", reason.clone()),
            Act::ActorPropose {
                adds,
                terms: t,
                widens,
                ..
            } => {
                put("change", if *adds { "add" } else { "update" }.to_string());
                terms(&mut put, t);
                put("widens", widens.join(SENTENCES));
            }
            Act::Create {
                written: w,
                department,
                duplicate: dup,
            } => {
                written(&mut put, w);
                if let Some(dep) = department {
                    put("department", dep.clone());
                }
                duplicate(&mut put, dup);
            }
            Act::Import {
                written: w,
                department,
                duplicate: dup,
                fingerprint,
                source,
                legacy_no,
            } => {
                written(&mut put, w);
                if let Some(dep) = department {
                    put("department", dep.clone());
                }
                duplicate(&mut put, dup);
                put("fingerprint", fingerprint.clone());
                put("source", source.clone());
                if let Some(l) = legacy_no {
                    put("legacy_no", l.clone());
                }
            }
            Act::ImportBatch {
                kind,
                source,
                encoding,
                rows,
                imported,
                already,
                statuses,
            } => {
                put("kind", kind.clone());
                put("source", source.clone());
                put("encoding", encoding.clone());
                put("rows", rows.to_string());
                put("imported", imported.to_string());
                put("already", already.to_string());
                for (s, n) in statuses {
                    put(&format!("status_{s}"), n.to_string());
                }
            }
            Act::Amend {
                written: w,
                reason,
                fields,
                duplicate: dup,
            } => {
                written(&mut put, w);
                put("reason", reason.clone());
                put("fields", join(fields));
                duplicate(&mut put, dup);
            }
            Act::Approve {
                written: w,
                step,
                rule,
                comment,
            } => {
                written(&mut put, w);
                put("step", step.clone());
                put("rule", rule.clone());
                if let Some(c) = comment {
                    put("comment", c.clone());
                }
            }
            Act::Reject {
                written: w,
                step,
                reason,
            } => {
                written(&mut put, w);
                put("step", step.clone());
                put("reason", reason.clone());
            }
            Act::Withdraw { written: w, reason } | Act::Terminate { written: w, reason } => {
                written(&mut put, w);
                put("reason", reason.clone());
            }
            Act::Complete { written: w } => written(&mut put, w),
            Act::Resolve {
                written: w,
                reason,
                keep,
                settles,
                duplicate: dup,
                ..
            } => {
                if let Some(w) = w {
                    written(&mut put, w);
                }
                put("reason", reason.clone());
                put("keep", keep.clone());
                put("settles", join(settles));
                duplicate(&mut put, dup);
            }
            Act::Archive {
                number,
                attachments,
                ..
            } => {
                put("archive_number", number.clone());
                put("status", "archived".to_string());
                put("attachments", attachments.to_string());
            }
            Act::Reveal {
                command,
                purpose,
                classes,
                records,
                filtered_on,
                matched,
                ..
            } => {
                put("command", command.clone());
                put("purpose", purpose.clone());
                put("classes", join(classes));
                put("records", join(records));
                if !filtered_on.is_empty() {
                    put("filtered_on", join(filtered_on));
                    put("matched", join(matched));
                }
            }
            Act::Lookup {
                kind, field, found, ..
            } => {
                put("kind", kind.clone());
                put("field", field.clone());
                put("found", join(found));
            }
            Act::AttachmentGet {
                name,
                sha256,
                purpose,
                ..
            } => {
                put("name", name.clone());
                put("sha256", sha256.clone());
                put("purpose", purpose.clone());
            }
            Act::Recover {
                moved,
                torn_bytes,
                quarantine,
            } => {
                put("moved", moved.to_string());
                put("torn_bytes", torn_bytes.to_string());
                put("quarantine", quarantine.clone());
            }
            Act::Probe {
                kind,
                field,
                command,
                count,
                answered,
            } => {
                put("kind", kind.clone());
                put("field", field.clone());
                put("command", command.clone());
                put("count", count.to_string());
                put("answered", if *answered { "yes" } else { "no" }.to_string());
            }
        }
        d
    }

    /// The entry recording this act, by `actor` in `role` at `time`, logging `files`
    /// (its sequence number and framing are the journal's).
    pub fn entry(&self, time: &str, actor: &str, role: &str, files: Vec<FileHash>) -> Entry {
        let (record, version) = self.target();
        Entry {
            seq: 0,
            time: time.to_string(),
            actor: actor.to_string(),
            role: role.to_string(),
            action: self.action().to_string(),
            txn: None,
            record,
            version,
            files,
            detail: self.detail(),
            seen: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written() -> Written {
        Written {
            record: "INS-2026-000001".into(),
            version: 2,
            status: "pending".into(),
            policy: 3,
        }
    }

    fn file() -> Vec<FileHash> {
        vec![FileHash {
            path: "records/installation/INS-2026-000001/v0002.toml".into(),
            sha256: "ab".repeat(32),
        }]
    }

    #[test]
    fn every_act_reads_back_as_itself() {
        let acts = [
            Act::Amend {
                written: written(),
                reason: "price".into(),
                fields: vec!["fee".into(), "basis".into()],
                duplicate: None,
            },
            Act::Approve {
                written: written(),
                step: "market-manager".into(),
                rule: "R-C3".into(),
                comment: Some("ok".into()),
            },
            Act::Resolve {
                record: "INS-2026-000001".into(),
                written: Some(written()),
                reason: "两处同时修改，保留杭州的".into(),
                keep: "records/installation/INS-2026-000001/v0002.HZ.toml".into(),
                settles: vec!["records/installation/INS-2026-000001/v0002.toml".into()],
                duplicate: None,
            },
            Act::Import {
                written: Written {
                    version: 1,
                    ..written()
                },
                department: Some("hangzhou".into()),
                duplicate: Some(Duplicate {
                    of: vec!["CUS-2026-000001".into()],
                    reason: "twin".into(),
                }),
                fingerprint: "f".into(),
                source: "a.csv:2".into(),
                legacy_no: Some("L1".into()),
            },
        ];
        for act in acts {
            let e = act.entry("t", "alice", "business-staff", file());
            assert_eq!(Act::parse(&e).unwrap(), act);
        }
        // Keeping the current version writes nothing.
        let keeps = Act::Resolve {
            record: "INS-2026-000001".into(),
            written: None,
            reason: "保留现行版本".into(),
            keep: "records/installation/INS-2026-000001/v0002.HZ.toml".into(),
            settles: vec!["records/installation/INS-2026-000001/v0002.toml".into()],
            duplicate: None,
        };
        let e = keeps.entry("t", "alice", "business-staff", Vec::new());
        assert_eq!((e.version, e.files.len()), (0, 0));
        assert_eq!(Act::parse(&e).unwrap(), keeps);
    }

    #[test]
    fn a_detail_docket_never_writes_is_refused() {
        let act = Act::Complete { written: written() };
        let mut e = act.entry("t", "alice", "business-staff", file());
        e.detail.insert("approved_by".into(), "gina".into());
        assert!(Act::parse(&e).unwrap_err().contains("approved_by"));
        e.detail.remove("approved_by");
        e.action = "bless".into();
        assert!(Act::parse(&e).unwrap_err().contains("bless"));
    }
}

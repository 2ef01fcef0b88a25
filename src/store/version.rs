//! Record version files: immutable, canonical TOML (fixed key order, one formatting), so
//! the same content always gives the same bytes and git diffs show only what changed.

use crate::error::{InputError, Location};
use crate::schema::kind::{Kind, line_of};
use crate::schema::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The role whose step this is.
    pub step: String,
    pub rule: String,
    pub actor: String,
    pub at: String,
    /// `approved` or `rejected`.
    pub decision: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An approval step a contract's terms need, decided when the terms were written (from
/// the contract and the records it refers to as they were then) and kept with them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DueStep {
    /// The role that takes the step.
    pub role: String,
    /// The seed rule behind it.
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub name: String,
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ArchiveInfo {
    pub number: String,
    pub archived_at: String,
    pub archived_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// One version of a record, with typed field values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub id: String,
    pub kind: String,
    pub version: u32,
    pub status: String,
    pub written_at: String,
    pub written_by: String,
    /// The policy version whose rules judged this version's terms (R-C18): set when the
    /// terms are written (create, amend, import), kept by approvals and later acts.
    pub policy: u32,
    /// The department the record was filed under when created (R-B2); none: the centre.
    pub department: Option<String>,
    /// The act that wrote this version: create, amend, approve, reject, complete, …
    pub action: String,
    pub reason: Option<String>,
    /// The number the record had in the system it was imported from.
    pub legacy_no: Option<String>,
    pub fields: BTreeMap<String, Value>,
    /// The approval steps the terms need, in order (contracts only).
    pub steps: Vec<DueStep>,
    pub approvals: Vec<Approval>,
    pub archive: Option<ArchiveInfo>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    id: String,
    kind: String,
    version: u32,
    status: String,
    written_at: String,
    written_by: String,
    policy: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    department: Option<String>,
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    legacy_no: Option<String>,
    fields: toml::Table,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    steps: Vec<DueStep>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    approvals: Vec<Approval>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    archive: Option<ArchiveInfo>,
}

/// Who writes a version, when, through which act, under which policy version.
pub struct Writing {
    pub at: String,
    pub by: String,
    pub action: String,
    pub policy: u32,
    /// The writer's department, which a new record is filed under.
    pub department: Option<String>,
}

/// A version file read as TOML, its fields not yet typed: what can be done before the
/// kind it is read by is known (`verify` reads files ahead of its replay on another core).
pub struct Parsed(Doc);

impl Parsed {
    pub fn read(file: &str, text: &str) -> Result<Parsed, InputError> {
        toml::from_str(text).map(Parsed).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::schema::kind::line_at(text, s.start));
            InputError::new(
                Location::file(file).line(line),
                e.message().trim().to_string(),
            )
        })
    }
}

/// The policy version a version file names, read without parsing it (`policy = N`: the
/// canonical form docket writes).
pub fn policy_of(text: &str) -> Option<u32> {
    text.lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.strip_prefix("policy = "))
        .and_then(|n| n.trim().parse().ok())
}

impl Version {
    /// Version 1 of a new record (create, import).
    pub fn first(
        id: &str,
        kind: &str,
        status: &str,
        writing: Writing,
        legacy_no: Option<String>,
        fields: BTreeMap<String, Value>,
    ) -> Version {
        Version {
            id: id.to_string(),
            kind: kind.to_string(),
            version: 1,
            status: status.to_string(),
            written_at: writing.at,
            written_by: writing.by,
            policy: writing.policy,
            department: writing.department,
            action: writing.action,
            reason: None,
            legacy_no,
            fields,
            steps: Vec::new(),
            approvals: Vec::new(),
            archive: None,
        }
    }

    /// The canonical bytes of this version.
    pub fn to_toml(&self) -> String {
        let mut fields = toml::Table::new();
        for (k, v) in &self.fields {
            fields.insert(k.clone(), v.to_toml());
        }
        let doc = Doc {
            id: self.id.clone(),
            kind: self.kind.clone(),
            version: self.version,
            status: self.status.clone(),
            written_at: self.written_at.clone(),
            written_by: self.written_by.clone(),
            policy: self.policy,
            department: self.department.clone(),
            action: self.action.clone(),
            reason: self.reason.clone(),
            legacy_no: self.legacy_no.clone(),
            fields,
            steps: self.steps.clone(),
            approvals: self.approvals.clone(),
            archive: self.archive.clone(),
        };
        toml::to_string(&doc).expect("version files serialize")
    }

    /// Read a version file; `file` names it in messages.
    pub fn parse(file: &str, text: &str, kind: &Kind) -> Result<Version, InputError> {
        Version::typed(file, text, Parsed::read(file, text)?, kind)
    }

    /// A version file read as TOML (`Parsed::read`), its fields typed by `kind`.
    pub fn typed(
        file: &str,
        text: &str,
        Parsed(doc): Parsed,
        kind: &Kind,
    ) -> Result<Version, InputError> {
        let mut fields = BTreeMap::new();
        for (name, raw) in &doc.fields {
            let at = || {
                Location::file(file)
                    .line(line_of(text, &format!("{name} =")))
                    .field(name)
            };
            let field = kind.field(name).ok_or_else(|| {
                InputError::new(
                    at(),
                    t!("input-kind-has-no-field", name2 = kind.name, name = name),
                )
            })?;
            let value = field
                .ty
                .from_toml(raw)
                .map_err(|m| InputError::new(at(), m))?;
            fields.insert(name.clone(), value);
        }
        Ok(Version {
            id: doc.id,
            kind: doc.kind,
            version: doc.version,
            status: doc.status,
            written_at: doc.written_at,
            written_by: doc.written_by,
            policy: doc.policy,
            department: doc.department,
            action: doc.action,
            reason: doc.reason,
            legacy_no: doc.legacy_no,
            fields,
            steps: doc.steps,
            approvals: doc.approvals,
            archive: doc.archive,
        })
    }
}

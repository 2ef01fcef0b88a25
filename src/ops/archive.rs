//! Archiving finished contracts with their papers (R-C15): the archivist copies in the
//! letters, charts, approvals, budgets and notices, each content-hashed, and the record
//! gets an archive number and never changes again.

use crate::audit::act::Act;
use crate::error::{Error, Result};
use crate::journal::Transaction;
use crate::session::Writer;
use crate::store::version::{ArchiveInfo, Attachment};
use chrono::Datelike;
use std::path::PathBuf;

pub struct Archived {
    pub id: String,
    pub number: String,
    pub version: u32,
    pub attachments: Vec<Attachment>,
}

/// A file name safe to store: its last component, no leading dot, no separators.
fn safe_name(path: &std::path::Path) -> String {
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "attachment".into()
    } else {
        trimmed.to_string()
    }
}

/// The papers, read and checked before anything is written: each exists, holds something,
/// and is not the same paper as another (R-C15: papers are papers).
fn read_papers(
    files: &[PathBuf],
    limit: crate::io::bounded::Limit,
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for f in files {
        let at = || crate::error::Location::file(f.display().to_string());
        if !f.exists() {
            return Err(Error::invalid(
                at(),
                t!("archive-attachment-file-not-found"),
                &t!("archive-check-path-scanned-paper"),
            ));
        }
        let bytes = crate::io::bounded::read_file(f, limit)?;
        if bytes.is_empty() {
            return Err(crate::error::InputError::new(
                at(),
                t!("archive-attachment-empty-paper-has"),
            )
            .hint(t!("archive-attach-scanned-paper-itself"))
            .into());
        }
        if let Some((same, _)) = out.iter().find(|(_, b)| *b == bytes) {
            return Err(crate::error::InputError::new(
                at(),
                t!(
                    "archive-same-paper-identical-content",
                    display = same.display()
                ),
            )
            .hint(t!("archive-attach-each-paper-once"))
            .into());
        }
        out.push((f.clone(), bytes));
    }
    Ok(out)
}

pub fn archive(
    session: &mut Writer,
    id: &str,
    files: &[PathBuf],
    note: Option<&str>,
) -> Result<Archived> {
    if let Some(n) = note {
        super::input::plain_text("--note", n, session.max_text())?;
        super::input::holds_no_personal_number("--note", n, session.today())?;
    }
    let v = session.load(id)?;
    super::write::refuse_conflicted(session, id)?;
    // Judged by the rules its terms were written under (R-C18).
    let schemas = session.schemas_at(v.policy)?;
    let kind = schemas.kind(&v.kind)?;
    session.require("archive", &t!("archive-archive-records"))?;
    super::write::refuse_archived(&v)?;
    if !matches!(v.status.as_str(), "completed" | "terminated") {
        return Err(Error::conflict(
            t!(
                "archive-record-only-completed-terminated",
                id = id,
                status = v.status
            ),
            Some(t!("archive-contract-first-completed-docket", id = id)),
        ));
    }
    if files.is_empty() {
        return Err(Error::usage(
            t!("archive-archive-needs-contract-s"),
            Some(t!("archive-e-g-docket-archive").to_string()),
        ));
    }
    let head = session.index().record(id);
    let folder = match &head {
        Some(head) => head.dir(id),
        None => crate::layout::record_dir(&kind.name, id),
    };
    let number = session
        .index()
        .next_id(&session.site_log().id_prefix("ARC"), session.now().year());
    let now = session.timestamp();
    let me = session.actor()?.name.clone();
    let papers = read_papers(files, session.store().config.policy.paper_limit())?;
    let site = session.site_log().version_site().map(str::to_string);
    let mut txn = Transaction::begin(session);
    let mut logged = Vec::new();
    let mut attachments = Vec::new();
    for (f, bytes) in papers {
        let sha = crate::layout::sha256_hex(&bytes);
        let name = safe_name(&f);
        let rel = format!("{folder}/attachments/{}-{name}", &sha[..16]);
        logged.push(txn.write(&rel, &bytes)?);
        attachments.push(Attachment {
            name,
            path: rel,
            sha256: sha,
            bytes: bytes.len() as u64,
        });
    }
    // Written here rather than by write_next: the papers and the version share one entry.
    let mut next = v.clone();
    next.version += 1;
    next.status = "archived".into();
    next.written_at = now.clone();
    next.written_by = me.clone();
    next.action = "archive".into();
    next.reason = None;
    next.archive = Some(ArchiveInfo {
        number: number.clone(),
        archived_at: now,
        archived_by: me,
        note: note.map(str::to_string),
        attachments: attachments.clone(),
    });
    let rel = match &head {
        Some(head) => head.version_path(id, next.version, site.as_deref()),
        None => crate::layout::version_path(&kind.name, id, next.version, site.as_deref()),
    };
    let vf = txn.write(&rel, next.to_toml().as_bytes())?;
    logged.insert(0, vf);
    let act = Act::Archive {
        record: id.to_string(),
        version: next.version,
        number: number.clone(),
        attachments: attachments.len() as u32,
    };
    txn.act(&act, logged);
    txn.commit()?;
    Ok(Archived {
        id: id.to_string(),
        number,
        version: next.version,
        attachments,
    })
}

/// An archived paper read back, checked against the hash the log holds for it. Papers
/// hold personal data: reading one takes a role that reads papers and a stated purpose,
/// and is logged (`attachment-get`) before the bytes are handed over. `deliver` puts them
/// where the caller wants them; if it fails, nothing is logged.
pub fn paper(
    w: &mut Writer,
    id: &str,
    name: &str,
    purpose: &str,
    deliver: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<Attachment> {
    w.require("read-papers", &t!("archive-read-archived-papers"))?;
    if purpose.trim().is_empty() {
        return Err(Error::usage(
            t!("archive-purpose-must-say-why"),
            Some(t!("archive-e-g-purpose-customer").to_string()),
        ));
    }
    w.stated("--purpose", purpose)?;
    let v = w.load(id)?;
    let Some(archive) = &v.archive else {
        return Err(Error::conflict(
            t!("archive-record-not-archived-holds", id = id),
            Some(t!("archive-papers-filed-docket-archive").to_string()),
        ));
    };
    let names: Vec<&str> = archive
        .attachments
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let found = archive
        .attachments
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(|| {
            Error::invalid(
                crate::error::Location::file("NAME"),
                t!("archive-has-no-paper", id = id, name = name),
                &crate::text::suggest(name, &t!("archive-papers", id = id), &names),
            )
        })?;
    let bytes = w.read_logged(&found.path)?;
    deliver(&bytes)?;
    let mut txn = Transaction::begin(w);
    let act = Act::AttachmentGet {
        record: id.to_string(),
        name: found.name.clone(),
        sha256: found.sha256.clone(),
        purpose: purpose.to_string(),
    };
    txn.act(&act, Vec::new());
    txn.commit()?;
    Ok(found.clone())
}

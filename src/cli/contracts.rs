//! `approve`, `reject`, `withdraw`, `pending`, `complete`, `terminate`, `archive`,
//! `attachment get`.

use super::output::{Format, csv, structured, table};
use super::{Global, Output};
use clap::{Args, Subcommand};
use docket::error::{Error, Result};
use docket::ops::{archive as archiving, lifecycle};
use docket::t;
use std::path::PathBuf;

#[derive(Args)]
pub struct ApproveArgs {
    /// The contract's id (any case), e.g. INS-2026-000003
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// A comment kept with the approval
    #[arg(long)]
    comment: Option<String>,
}

#[derive(Args)]
pub struct RejectArgs {
    /// The contract's id (any case), e.g. INS-2026-000003
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// Why (kept with the record and in the audit log)
    #[arg(long)]
    reason: String,
}

#[derive(Args)]
pub struct WithdrawArgs {
    /// The contract's id (any case), e.g. INS-2026-000003
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// Why the draft is withdrawn (kept with the record and in the audit log)
    #[arg(long)]
    reason: String,
}

#[derive(Subcommand)]
pub enum AttachmentCommand {
    /// Write an archived paper to a file (`-`: stdout), checked against its logged hash
    #[command(after_help = super::examples::ATTACHMENT_GET)]
    Get(AttachmentGetArgs),
}

#[derive(Args)]
pub struct AttachmentGetArgs {
    /// The archived contract
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// The paper's name, as `docket show ID` lists it
    name: String,
    /// Where to write it (never over an existing file); `-` for stdout
    out: PathBuf,
    /// Why you need it: papers hold personal data (logged)
    #[arg(long)]
    purpose: String,
}

#[derive(Args)]
pub struct CompleteArgs {
    /// The contract's id (any case), e.g. INS-2026-000003
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
}

#[derive(Args)]
pub struct TerminateArgs {
    /// The contract's id (any case), e.g. INS-2026-000003
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// Why it is no longer performed (kept with the record and in the audit log)
    #[arg(long)]
    reason: String,
}

#[derive(Args)]
pub struct ArchiveArgs {
    /// The contract's id (any case), e.g. INS-2026-000003
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// A paper to file with the contract (letters, charts, approvals, budgets, notices); repeat
    #[arg(long = "attach", value_name = "FILE", num_args = 1..)]
    attach: Vec<PathBuf>,
    /// A note kept with the archive entry
    #[arg(long)]
    note: Option<String>,
}

fn non_empty(text: &str, flag: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::usage(
            t!("contracts-must-not-empty", flag = flag),
            Some(t!("admin-say-why-few-words").to_string()),
        ));
    }
    Ok(())
}

pub fn approve(g: &Global, a: ApproveArgs) -> Result<Output> {
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let r = lifecycle::approve(&mut session, &id, a.comment.as_deref())?;
    match &r.next {
        Some(n) => g.note(&t!(
            "contracts-step-approved-next-step",
            id = r.id,
            step = r.step.unwrap_or_default(),
            n = n
        )),
        None => g.note(&t!(
            "contracts-step-approved-all-steps",
            id = r.id,
            step = r.step.unwrap_or_default(),
            status = super::output::status_title(&r.status)
        )),
    }
    Ok(String::new())
}

pub fn reject(g: &Global, a: RejectArgs) -> Result<Output> {
    non_empty(&a.reason, "--reason")?;
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let r = lifecycle::reject(&mut session, &id, &a.reason)?;
    g.note(&t!(
        "contracts-rejected-at-step-amending",
        id = r.id,
        step = r.step.unwrap_or_default()
    ));
    Ok(String::new())
}

pub fn complete(g: &Global, a: CompleteArgs) -> Result<Output> {
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let r = lifecycle::finish(&mut session, &id, "complete", None)?;
    g.note(&t!(
        "contracts-hand-papers-archivist",
        id = r.id,
        status = super::output::status_title(&r.status)
    ));
    Ok(String::new())
}

pub fn terminate(g: &Global, a: TerminateArgs) -> Result<Output> {
    non_empty(&a.reason, "--reason")?;
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let r = lifecycle::finish(&mut session, &id, "terminate", Some(&a.reason))?;
    g.note(&t!(
        "contracts-hand-papers-archivist",
        id = r.id,
        status = super::output::status_title(&r.status)
    ));
    Ok(String::new())
}

pub fn withdraw(g: &Global, a: WithdrawArgs) -> Result<Output> {
    non_empty(&a.reason, "--reason")?;
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let r = lifecycle::withdraw(&mut session, &id, &a.reason)?;
    g.note(&format!("{}: {}", r.id, r.status));
    Ok(String::new())
}

pub fn attachment(g: &Global, c: AttachmentCommand) -> Result<Output> {
    let AttachmentCommand::Get(a) = c;
    let to_stdout = a.out.as_os_str() == "-";
    // A paper's bytes could drive the terminal: `-` is for a pipe, and refused before
    // anything is read or logged.
    if to_stdout && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::usage(
            t!("contracts-paper-not-to-terminal"),
            Some(t!("contracts-give-file-or-pipe")),
        ));
    }
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let mut held = Vec::new();
    let mut wrote = false;
    let mut deliver = |bytes: &[u8]| -> Result<()> {
        if to_stdout {
            held = bytes.to_vec();
            return Ok(());
        }
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&a.out)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Error::conflict(
                    t!(
                        "contracts-exists-docket-never-writes",
                        display = a.out.display()
                    ),
                    Some(t!("contracts-give-path-does-not").to_string()),
                ),
                _ => Error::io(&a.out, e),
            })?;
        wrote = true;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io(&a.out, e))
    };
    let result = archiving::paper(&mut session, &id, &a.name, &a.purpose, &mut deliver);
    if result.is_err() && wrote {
        let _ = std::fs::remove_file(&a.out);
    }
    let paper = result?;
    if to_stdout {
        use std::io::Write;
        std::io::stdout()
            .write_all(&held)
            .map_err(|e| Error::io("<stdout>", e))?;
    } else {
        g.note(&t!(
            "contracts-wrote-bytes-sha",
            name = paper.name,
            bytes = paper.bytes,
            v16 = &paper.sha256[..16],
            display = a.out.display()
        ));
    }
    Ok(String::new())
}

pub fn archive(g: &Global, a: ArchiveArgs) -> Result<Output> {
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let r = archiving::archive(&mut session, &id, &a.attach, a.note.as_deref())?;
    g.note(&t!(
        "contracts-archived-attachment-s",
        id = r.id,
        number = r.number,
        len = r.attachments.len()
    ));
    Ok(format!("{}\n", r.number))
}

#[derive(Args)]
pub struct PendingArgs {
    /// What waits for this role instead of yours (for roles that reach every record:
    /// managers, the auditor)
    #[arg(long, value_name = "ROLE")]
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::roles))]
    role: Option<String>,
    #[command(flatten)]
    pub(super) out: super::FormatArg,
}

pub fn pending(g: &Global, a: PendingArgs) -> Result<Output> {
    let session = g.open(false)?;
    let items = lifecycle::pending(&session, a.role.as_deref())?;
    let header = ["id", "kind", "status", "awaits", "since", "overdue"];
    let mut rows: Vec<Vec<String>> = items
        .iter()
        .map(|w| {
            vec![
                w.id.clone(),
                w.kind.clone(),
                w.status.clone(),
                w.awaits.clone(),
                w.since.clone(),
                if w.overdue {
                    "OVERDUE".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    if items.is_empty() && g.format == Format::Table {
        g.note(&t!("contracts-nothing-waits-you"));
        return Ok(String::new());
    }
    Ok(match g.format {
        Format::Json | Format::Toml => structured(g.format, "pending", serde_json::Value::Array(
            items
                .iter()
                .map(|w| serde_json::json!({"id": w.id, "kind": w.kind, "status": w.status, "awaits": w.awaits, "since": w.since, "overdue": w.overdue}))
                .collect(),
        )),
        Format::Csv => csv(&header, &rows),
        Format::Table => {
            super::output::titled_cells(&mut rows, Some(1), Some(2));
            for r in &mut rows {
                if !r[5].is_empty() {
                    r[5] = t!("contracts-overdue");
                }
            }
            table(&header, &rows)
        }
    })
}

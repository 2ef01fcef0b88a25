//! `subject export`: what the store holds about one customer, handed to the customer as
//! JSON or as a page to print or send (R-A6). The reveal is logged before anything is
//! written out, and a file appears whole or not at all.

use super::output::{self, record_json};
use super::{Global, Output};
use clap::{Args, Subcommand, ValueEnum};
use docket::error::Result;
use docket::io::output_file;
use docket::ops::subject::{self, SubjectExport};
use docket::session::Session;
use docket::t;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum SubjectCommand {
    /// Everything held about one customer: its records and contracts, every version, and who acted on or read them (logged)
    #[command(after_help = super::examples::SUBJECT_EXPORT)]
    Export(SubjectExportArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum SubjectFormat {
    Json,
    Html,
}

#[derive(Args)]
pub struct SubjectExportArgs {
    /// The customer's id
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::customers))]
    id: String,
    /// The request this answers (R-A6); written to the audit log
    #[arg(long)]
    purpose: String,
    /// json, for the file the request is answered with, or html, a page to print or send
    #[arg(long, value_enum, default_value = "json")]
    format: SubjectFormat,
    /// Write to this file instead of stdout (whole or not at all; never over an existing file without --force)
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the file -o names if it exists
    #[arg(long, requires = "output")]
    force: bool,
}

pub fn subject(g: &Global, c: SubjectCommand) -> Result<Output> {
    match c {
        SubjectCommand::Export(a) => export(g, a),
    }
}

/// Who exported, when and why: the page and the JSON say it.
struct Stamp {
    at: String,
    by: String,
    purpose: String,
}

fn export(g: &Global, a: SubjectExportArgs) -> Result<Output> {
    if let Some(path) = &a.output {
        output_file::refuse_existing(path, a.force)?;
    }
    let mut w = g.writer()?;
    let actor = w.actor()?.name.clone();
    let reveal = docket::policy::reveal::authorize(
        w.role()?,
        &actor,
        Some(&a.purpose),
        (w.max_text(), w.today()),
        &w.store().config.policy.placeholders,
    )?;
    let (held, revealed) = subject::export(&w, &a.id, &reveal)?;
    let stamp = Stamp {
        at: w.timestamp(),
        by: actor,
        purpose: reveal.purpose.clone(),
    };
    let text = match a.format {
        SubjectFormat::Json => format!("{:#}\n", as_json(&held, &stamp)),
        SubjectFormat::Html => as_html(&w, &held, &stamp),
    };
    let Some(path) = &a.output else {
        if let Some(r) = revealed {
            docket::ops::read::log_reveal(&mut w, r)?;
        }
        return Ok(text);
    };
    // Synced before the reveal is logged, in place only after: a full disk fails before
    // anything is logged, and no personal data lands unlogged.
    let staged = output_file::stage(path, text.as_bytes())?;
    if let Some(r) = revealed {
        docket::ops::read::log_reveal(&mut w, r)?;
    }
    staged.publish(a.force)?;
    g.note(&t!(
        "subject-exported",
        id = held.subject.as_str(),
        records = held.records.len(),
        entries = held.entries.len(),
        display = path.display()
    ));
    Ok(String::new())
}

fn as_json(held: &SubjectExport, stamp: &Stamp) -> serde_json::Value {
    json!({
        "subject": held.subject,
        "exported_at": stamp.at,
        "exported_by": stamp.by,
        "purpose": stamp.purpose,
        "records": held.records.iter().map(|r| json!({
            "id": r.id,
            "kind": r.kind,
            "versions": r.versions.iter().map(record_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "audit": held.entries.iter().map(|e| serde_json::to_value(e).unwrap_or_default()).collect::<Vec<_>>(),
        "still_masked": held.still_masked,
    })
}

/// `<`, `>`, `&` and quotes as HTML entities: every value on the page is text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style: printable on A4, no script, nothing fetched.
const STYLE: &str = include_str!("subject.css");

fn as_html(session: &Session, held: &SubjectExport, stamp: &Stamp) -> String {
    let lang = docket::i18n::current().tag();
    let title = t!("subject-html-title", id = held.subject.as_str());
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n",
        escape(&title),
        escape(&title),
        escape(&t!(
            "subject-html-intro",
            at = stamp.at.as_str(),
            actor = stamp.by.as_str(),
            purpose = stamp.purpose.as_str()
        )),
    );
    if !held.still_masked.is_empty() {
        let classes: Vec<String> = held
            .still_masked
            .iter()
            .map(|c| docket::i18n::class_title(c))
            .collect();
        page += &format!(
            "<p>{}</p>\n",
            escape(&t!("subject-html-masked", classes = classes.join(", ")))
        );
    }
    page += &format!("<h2>{}</h2>\n", escape(&t!("subject-html-records")));
    for r in &held.records {
        page += &format!(
            "<h3>{} {}</h3>\n",
            escape(&output::kind_title(&r.kind)),
            escape(&r.id)
        );
        for v in &r.versions {
            page += &version_table(session, v);
        }
    }
    page += &format!("<h2>{}</h2>\n", escape(&t!("subject-html-audit")));
    page += &audit_table(held);
    page += "</body>\n</html>\n";
    page
}

/// One version: who wrote it and when, then each field as the role may see it, in the
/// order its kind lists them.
fn version_table(session: &Session, v: &docket::ops::read::RecordView) -> String {
    let mut out = format!(
        "<p>{}</p>\n<table>\n",
        escape(&t!(
            "subject-html-version",
            n = v.version,
            status = output::status_title(&v.status),
            at = v.written_at.as_str(),
            by = v.written_by.as_str()
        ))
    );
    let order: Vec<String> = match session.schemas_at(v.policy) {
        Ok(schemas) => match schemas.kind(&v.kind) {
            Ok(kind) => kind.fields.iter().map(|f| f.name.clone()).collect(),
            Err(_) => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let listed = order.iter().filter_map(|n| Some((n, v.fields.get(n)?)));
    let others = v.fields.iter().filter(|(n, _)| !order.contains(n));
    for (name, value) in listed.chain(others) {
        out += &format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(&output::heading(name)),
            escape(&output::table_value(name, Some(value)))
        );
    }
    out + "</table>\n"
}

/// Every entry about the records: when, who, as what, which act, on what, and why.
fn audit_table(held: &SubjectExport) -> String {
    let headings = [
        t!("subject-html-col-time"),
        t!("subject-html-col-actor"),
        t!("subject-html-col-act"),
        t!("subject-html-col-record"),
        t!("subject-html-col-why"),
    ];
    let mut out = String::from("<table>\n<tr>");
    for h in headings {
        out += &format!("<th>{}</th>", escape(&h));
    }
    out += "</tr>\n";
    for l in &held.entries {
        let e = &l.entry;
        let why = ["reason", "purpose", "comment"]
            .iter()
            .find_map(|k| e.detail.get(*k))
            .cloned()
            .unwrap_or_default();
        out += &format!(
            "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&e.time),
            escape(&e.actor),
            escape(&e.role),
            escape(&output::action_title(&e.action)),
            escape(&e.record),
            escape(&why)
        );
    }
    out + "</table>\n"
}

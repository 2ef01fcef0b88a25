//! `create`, `amend`, `show`, `history`, `diff`, `query`.

use super::output::{self, Format, cell, csv, pretty_json, record_json, structured, table};
use super::{Global, Opened, Output, RevealArgs, reveal_request};
use clap::Args;
use docket::error::{Error, InputError, Location, Result};
use docket::io::bounded;
use docket::ops::input::{Origin, parse_file, parse_sets};
use docket::ops::read::{self, QuerySpec, RecordView};
use docket::ops::write;
use docket::schema::value::Value;
use docket::t;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Args)]
pub struct CreateArgs {
    /// The record kind (see `docket types`)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::kinds))]
    kind: String,
    /// A field value, parsed by the field's type; repeat for more fields
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    sets: Vec<String>,
    /// A TOML file with one `field = value` per field (`-` reads stdin)
    #[arg(long)]
    file: Option<PathBuf>,
    /// Write it even though another record holds its identity number (logged with --reason)
    #[arg(long, requires = "reason")]
    allow_duplicate: bool,
    /// Why a duplicate is allowed (kept in the audit log)
    #[arg(long, requires = "allow_duplicate")]
    reason: Option<String>,
}

#[derive(Args)]
pub struct AmendArgs {
    /// The record's id (any case), e.g. CUS-2026-000001
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// A new field value, parsed by the field's type; repeat for more fields
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    sets: Vec<String>,
    /// Remove an optional field
    #[arg(long = "unset", value_name = "FIELD")]
    unsets: Vec<String>,
    /// A TOML file with the new `field = value` lines (`-` reads stdin)
    #[arg(long)]
    file: Option<PathBuf>,
    /// Why the record changes (kept in the version and the audit log)
    #[arg(long)]
    reason: String,
    /// Amend it even though another record holds the new identity number (logged)
    #[arg(long)]
    allow_duplicate: bool,
}

/// Read `--file` and `--set` into field values; `--set` wins over the file.
fn gather(
    kind: &docket::schema::kind::Kind,
    file: Option<&PathBuf>,
    sets: &[String],
    limit: docket::io::bounded::Limit,
) -> Result<(BTreeMap<String, Value>, Origin)> {
    let mut fields = BTreeMap::new();
    let mut errors = Vec::new();
    let mut origin = Origin::Set;
    if let Some(path) = file {
        let (name, bytes) = if path.as_os_str() == "-" {
            let stdin = std::io::stdin().lock();
            (
                "<stdin>".to_string(),
                bounded::read(stdin, "<stdin>", limit)?,
            )
        } else {
            let bytes = bounded::read_file(path, limit)?;
            (path.display().to_string(), bytes)
        };
        let text = String::from_utf8(bytes).map_err(|_| {
            InputError::new(Location::file(&name), t!("records-file-not-utf-text"))
                .hint(t!("records-save-utf"))
        })?;
        errors.extend(parse_file(kind, &name, &text, &mut fields));
        origin = Origin::File { name, text };
    }
    errors.extend(parse_sets(kind, sets, &mut fields));
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok((fields, origin))
}

fn warn(warnings: &[String]) {
    for w in warnings {
        say!("{}", t!("cli-warning", message = w));
    }
}

pub fn create(g: &Global, a: CreateArgs) -> Result<Output> {
    let mut session = g.writer()?;
    let schemas = session.schemas().clone();
    let kind = schemas.kind(&a.kind)?;
    if a.sets.is_empty() && a.file.is_none() {
        return Err(Error::usage(
            t!("records-give-fields-set-field"),
            Some(t!("records-see-docket-types", name = a.kind)),
        ));
    }
    let (fields, origin) = gather(
        kind,
        a.file.as_ref(),
        &a.sets,
        session.store().config.policy.file_limit(),
    )?;
    let allowed = a
        .allow_duplicate
        .then_some(a.reason.as_deref().unwrap_or_default());
    let w = write::create(&mut session, &a.kind, fields, &origin, allowed)?;
    warn(&w.warnings);
    if w.status == "pending" {
        g.note(&t!(
            "records-pending-approval-docket-show",
            id = w.id,
            id2 = w.id
        ));
    }
    Ok(format!("{}\n", w.id))
}

pub fn amend(g: &Global, a: AmendArgs) -> Result<Output> {
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    // The kind, from the index; `write::amend` reads and checks the record itself.
    let kind_name = session
        .index()
        .record(&id)
        .map(|h| h.kind)
        .ok_or_else(|| session.unknown_id(&id))?;
    let schemas = session.schemas().clone();
    let kind = schemas.kind(&kind_name)?;
    if a.sets.is_empty() && a.unsets.is_empty() && a.file.is_none() {
        return Err(Error::usage(
            t!("records-nothing-amend-give-set"),
            Some(t!("records-e-g-docket-amend").to_string()),
        ));
    }
    if a.reason.trim().is_empty() {
        return Err(Error::usage(
            t!("records-reason-must-say-why"),
            Some(t!("admin-say-why-few-words").to_string()),
        ));
    }
    let (fields, origin) = gather(
        kind,
        a.file.as_ref(),
        &a.sets,
        session.store().config.policy.file_limit(),
    )?;
    let w = write::amend(
        &mut session,
        &id,
        fields,
        &a.unsets,
        &a.reason,
        &origin,
        a.allow_duplicate,
    )?;
    warn(&w.warnings);
    g.note(&t!(
        "records-now-version",
        id = w.id,
        version = w.version,
        status = w.status
    ));
    Ok(String::new())
}

#[derive(Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// The record's id (any case), e.g. CUS-2026-000001
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// Show an earlier version
    #[arg(long)]
    version: Option<u32>,
    #[command(flatten)]
    reveal: RevealArgs,
}

pub fn show(g: &Global, a: ShowArgs) -> Result<Output> {
    let mut session = Opened::new(g, &a.reveal)?;
    let id = archived_under(&session, &a.id)?.unwrap_or_else(|| session.canonical_id(&a.id));
    let reveal = reveal_request(&session, &a.reveal)?;
    let (v, revealed) = read::show(&session, &id, a.version, reveal.as_ref())?;
    session.log(revealed)?;
    let in_conflict = docket::ops::status::conflicts(&session);
    if let Some(c) = in_conflict.iter().find(|c| c.id == id) {
        let sites: Vec<&str> = c.set_aside.iter().map(|a| a.site.as_str()).collect();
        g.note(&t!(
            "records-in-conflict",
            id = id.as_str(),
            site = c.current_site.as_str(),
            sites = sites.join(", ")
        ));
    }
    if reveal.is_some() && !v.still_masked.is_empty() {
        let classes: Vec<String> = v
            .still_masked
            .iter()
            .map(|c| docket::i18n::class_title(c))
            .collect();
        g.note(&t!(
            "records-still-masked-role-may",
            join = classes.join(", "),
            role = session.role()?.name,
            len = if classes.len() == 1 { "one" } else { "other" }
        ));
    }
    Ok(match g.format {
        Format::Json => pretty_json(&record_json(&v)),
        Format::Toml => structured(g.format, "record", record_json(&v)),
        Format::Csv => {
            let mut rows = vec![
                vec!["id".to_string(), v.id.clone()],
                vec!["kind".into(), v.kind.clone()],
                vec!["status".into(), v.status.clone()],
                vec!["version".into(), v.version.to_string()],
            ];
            rows.extend(v.fields.iter().map(|(k, x)| vec![k.clone(), x.to_string()]));
            csv(&["field", "value"], &rows)
        }
        Format::Table => show_table(&session, &v),
    })
}

/// The contract archived under archive number `id` (`ARC-2026-000001`), if it is one.
fn archived_under(session: &docket::session::Session, id: &str) -> Result<Option<String>> {
    let upper = id.to_ascii_uppercase();
    if !upper.starts_with("ARC-") || !session.index().is_archive_number(&upper) {
        return Ok(None);
    }
    let filter = docket::ops::log::LogFilter {
        action: Some("archive"),
        ..Default::default()
    };
    let entries = docket::ops::log::entries(session.store(), &filter)?;
    Ok(entries
        .into_iter()
        .find(|e| e.entry.detail.get("archive_number") == Some(&upper))
        .map(|e| e.entry.record))
}

fn show_table(session: &docket::session::Session, v: &RecordView) -> String {
    let mut rows = vec![
        vec!["id".to_string(), v.id.clone()],
        vec!["kind".into(), output::kind_title(&v.kind)],
        vec!["version".into(), v.version.to_string()],
        vec!["status".into(), output::status_title(&v.status)],
        vec![
            "written".into(),
            t!(
                "records-written-by",
                at = v.written_at,
                actor = v.written_by
            ),
        ],
    ];
    if let Some(d) = &v.department {
        rows.push(vec!["department".into(), d.clone()]);
    }
    let schemas = session
        .schemas_at(v.policy)
        .unwrap_or_else(|_| session.schemas().clone());
    if let Ok(kind) = schemas.kind(&v.kind) {
        for f in &kind.fields {
            if let Some(x) = v.fields.get(&f.name) {
                rows.push(vec![f.name.clone(), output::table_value(&f.name, Some(x))]);
            }
        }
        if kind.is_contract() {
            let steps = &v.steps;
            for s in steps {
                let done = v.approvals.iter().rev().find(|a| a.step == s.role);
                let state = match done {
                    Some(a) => t!(
                        "records-at",
                        decision = docket::text::decision(&a.decision),
                        actor = a.actor,
                        at = a.at,
                        as_ref = a
                            .comment
                            .as_ref()
                            .map(|c| format!(": {c}"))
                            .unwrap_or_default()
                    ),
                    None => t!("records-waiting"),
                };
                rows.push(vec![
                    t!("records-step", role = s.role),
                    format!("{state} ({})", s.rule),
                ]);
            }
        }
    }
    if let Some(a) = &v.archive {
        rows.push(vec![
            "archive".into(),
            t!(
                "records-at-2",
                number = a.number,
                archived_at = a.archived_at,
                archived_by = a.archived_by
            ),
        ]);
        if let Some(note) = &a.note {
            rows.push(vec!["archive note".into(), note.clone()]);
        }
        for x in &a.attachments {
            rows.push(vec![
                "attachment".into(),
                t!(
                    "records-bytes-sha",
                    name = x.name,
                    bytes = x.bytes,
                    v16 = &x.sha256[..16]
                ),
            ]);
        }
    }
    for r in &mut rows {
        r[0] = output::heading(&r[0]);
    }
    table(&["field", "value"], &rows)
        .split_once('\n')
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_default()
}

#[derive(Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// The record's id (any case), e.g. CUS-2026-000001
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
}

pub fn history(g: &Global, a: HistoryArgs) -> Result<Output> {
    let session = g.open(false)?;
    let id = session.canonical_id(&a.id);
    let lines = read::history(&session, &id)?;
    let header = ["version", "action", "status", "at", "by", "note"];
    let mut rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let version = match &l.set_aside {
                None => l.version.to_string(),
                Some(site) => t!(
                    "records-version-set-aside",
                    version = l.version,
                    site = site
                ),
            };
            vec![
                version,
                l.action.clone(),
                l.status.clone(),
                l.at.clone(),
                l.by.clone(),
                l.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Ok(match g.format {
        Format::Json | Format::Toml => structured(
            g.format,
            "versions",
            serde_json::Value::Array(
                lines
                    .iter()
                    .map(|l| {
                        serde_json::json!({
                            "version": l.version, "action": l.action, "status": l.status,
                            "at": l.at, "by": l.by, "note": l.note,
                            "set_aside_from": l.set_aside,
                        })
                    })
                    .collect(),
            ),
        ),
        Format::Csv => csv(&header, &rows),
        Format::Table => {
            output::titled_cells(&mut rows, None, Some(2));
            for r in &mut rows {
                r[1] = output::action_title(&r[1]);
            }
            table(&header, &rows)
        }
    })
}

#[derive(Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// The record's id (any case), e.g. CUS-2026-000001
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// The older version (default: the one before --to)
    #[arg(long)]
    from: Option<u32>,
    /// The newer version (default: the current one)
    #[arg(long)]
    to: Option<u32>,
    #[command(flatten)]
    reveal: RevealArgs,
}

pub fn diff(g: &Global, a: DiffArgs) -> Result<Output> {
    let mut session = Opened::new(g, &a.reveal)?;
    let id = archived_under(&session, &a.id)?.unwrap_or_else(|| session.canonical_id(&a.id));
    let reveal = reveal_request(&session, &a.reveal)?;
    let (d, revealed) = read::diff(&session, &id, a.from, a.to, reveal.as_ref())?;
    session.log(revealed)?;
    Ok(match g.format {
        Format::Json | Format::Toml => structured(
            g.format,
            "diff",
            serde_json::json!({
                "id": id, "from": d.from, "to": d.to,
                "changes": d.changes.iter().map(|c| serde_json::json!({
                    "field": c.field, "from": c.from.as_ref().map(Value::to_json), "to": c.to.as_ref().map(Value::to_json),
                })).collect::<Vec<_>>(),
            }),
        ),
        Format::Csv => csv(
            &["field", "from", "to"],
            &d.changes
                .iter()
                .map(|c| vec![c.field.clone(), cell(c.from.as_ref()), cell(c.to.as_ref())])
                .collect::<Vec<_>>(),
        ),
        Format::Table => {
            let mut s = format!("{} v{} → v{}\n", id, d.from, d.to);
            if d.changes.is_empty() {
                s.push_str("  (no changes)\n");
            }
            for c in &d.changes {
                if let Some(x) = &c.from {
                    s.push_str(&format!("- {}: {x}\n", c.field));
                }
                if let Some(y) = &c.to {
                    s.push_str(&format!("+ {}: {y}\n", c.field));
                }
            }
            s
        }
    })
}

#[derive(Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// Only this kind
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::kinds))]
    kind: Option<String>,
    /// A CEL expression over the fields, e.g. "category == 'commercial' && meter_reading_m3 > 100"
    #[arg(long = "where", value_name = "EXPR")]
    filter: Option<String>,
    /// Only records in this status: pending, active, rejected, completed, terminated,
    /// withdrawn or archived
    #[arg(long)]
    status: Option<String>,
    /// Columns to show (comma-separated field names)
    #[arg(long, value_delimiter = ',')]
    fields: Vec<String>,
    /// Sort by this field (prefix `-` for descending)
    #[arg(long, allow_hyphen_values = true)]
    sort: Option<String>,
    /// At most this many records
    #[arg(long)]
    limit: Option<usize>,
    /// Only the records that refer to this customer (its contracts), e.g. CUS-2026-000001
    #[arg(long, value_name = "ID")]
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::customers))]
    customer: Option<String>,
    #[command(flatten)]
    reveal: RevealArgs,
}

pub fn query(g: &Global, a: QueryArgs) -> Result<Output> {
    let mut session = Opened::new(g, &a.reveal)?;
    let reveal = reveal_request(&session, &a.reveal)?;
    let spec = QuerySpec {
        command: "query",
        kind: a.kind.as_deref(),
        filter: a.filter.as_deref(),
        // A status may be given by its title too (`--status 待审批`).
        status: a
            .status
            .as_deref()
            .map(|s| read::status_named(s).unwrap_or(s)),
        sort: a.sort.as_deref(),
        limit: a.limit,
        refers_to: a.customer.as_deref(),
    };
    let only_kind = match a.kind.as_deref() {
        Some(k) => Some(session.schemas().kind(k)?),
        None => None,
    };
    let columns: Vec<&str> = a.fields.iter().map(String::as_str).collect();
    read::check_columns(session.schemas(), only_kind, &columns, "--fields")?;
    if g.format == Format::Csv && reveal.is_none() {
        return query_streamed(&session, &spec, &a);
    }
    let (views, revealed) = read::query(&session, &spec, reveal.as_ref())?;
    session.log(revealed)?;
    if g.format == Format::Json || g.format == Format::Toml {
        return Ok(structured(
            g.format,
            "records",
            // Each record freed once it is turned into its text.
            serde_json::Value::Array(views.into_iter().map(|v| record_json(&v)).collect()),
        ));
    }
    let columns: Vec<String> = if !a.fields.is_empty() {
        a.fields.clone()
    } else if let Some(k) = a.kind.as_deref() {
        session.schemas().kind(k)?.list_fields.clone()
    } else {
        Vec::new()
    };
    // Across kinds there are no common columns: each row gets its kind's list fields.
    let summary = a.fields.is_empty() && a.kind.is_none();
    let mut header: Vec<&str> = vec!["id", "kind", "status"];
    header.extend(columns.iter().map(String::as_str));
    if summary {
        header.push("summary");
    }
    let none_found = views.is_empty();
    // Each record freed once it is turned into its cells.
    let mut rows: Vec<Vec<String>> = views
        .into_iter()
        .map(|v| {
            let mut r = vec![v.id.clone(), v.kind.clone(), v.status.clone()];
            r.extend(columns.iter().map(|c| match g.format {
                Format::Table => output::table_value(c, v.fields.get(c)),
                _ => cell(v.fields.get(c)),
            }));
            if summary {
                r.push(summary_of(&session, &v, g.format));
            }
            r
        })
        .collect();
    let out = if g.format == Format::Csv {
        csv(&header, &rows)
    } else {
        output::titled_cells(&mut rows, Some(1), Some(2));
        table(&header, &rows)
    };
    if none_found && g.format == Format::Table {
        g.note(&t!("records-no-records-match"));
        return Ok(String::new());
    }
    Ok(out)
}

/// A query without a reveal as CSV, written a batch of records at a time as they are
/// read (nothing is logged first), so memory holds one batch whatever the store's size.
fn query_streamed(session: &Opened, spec: &QuerySpec, a: &QueryArgs) -> Result<Output> {
    let kind_fields = match a.kind.as_deref() {
        Some(k) => session.schemas().kind(k)?.list_fields.clone(),
        None => Vec::new(),
    };
    let columns: &[String] = if a.fields.is_empty() {
        &kind_fields
    } else {
        &a.fields
    };
    let summary = a.fields.is_empty() && a.kind.is_none();
    let mut header: Vec<&str> = vec!["id", "kind", "status"];
    header.extend(columns.iter().map(String::as_str));
    if summary {
        header.push("summary");
    }
    let mut failed: Option<std::io::Error> = None;
    let mut first = true;
    read::query_each(session, spec, None, &mut |batch| {
        if failed.is_some() {
            return Ok(());
        }
        let rows: Vec<Vec<String>> = batch
            .iter()
            .map(|v| {
                let mut r = vec![v.id.clone(), v.kind.clone(), v.status.clone()];
                r.extend(columns.iter().map(|c| cell(v.fields.get(c))));
                if summary {
                    r.push(summary_of(session, v, Format::Csv));
                }
                r
            })
            .collect();
        let text = output::csv_rows(first.then_some(header.as_slice()), &rows);
        first = false;
        failed = output::emit(&text).err();
        Ok(())
    })?;
    if first {
        failed = output::emit(&output::csv(&header, &[])).err();
    }
    match failed {
        None => Ok(String::new()),
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(String::new()),
        Some(e) => Err(Error::Io {
            path: "-".into(),
            source: e,
            hint: None,
        }),
    }
}

/// A record's list fields as one cell (`name=… category=…`), for a query across kinds.
fn summary_of(session: &Opened, v: &read::RecordView, format: Format) -> String {
    let list = session
        .schemas()
        .kinds
        .get(&v.kind)
        .map(|k| k.list_fields.clone())
        .unwrap_or_default();
    let parts: Vec<String> = list
        .iter()
        .filter_map(|f| {
            v.fields.get(f).map(|x| {
                let shown = match format {
                    Format::Table => output::table_value(f, Some(x)),
                    _ => x.to_string(),
                };
                format!("{}={shown}", output::heading(f))
            })
        })
        .collect();
    parts.join("  ")
}

#[derive(Args)]
pub struct ExistsArgs {
    /// The record kind (customer)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::kinds))]
    kind: String,
    /// A unique field and the value to look for, e.g. id_number=110101199003077777
    #[arg(value_name = "FIELD=VALUE")]
    pair: String,
    #[command(flatten)]
    pub(super) out: super::FormatArg,
}

/// Whether a record holds a value (an identity number): the ids, never anyone's data.
pub fn exists(g: &Global, a: ExistsArgs) -> Result<Output> {
    let Some((field, value)) = a.pair.split_once('=') else {
        return Err(Error::usage(
            t!("records-expected-field-value-got", pair = a.pair),
            Some(t!("records-e-g-docket-exists").to_string()),
        ));
    };
    let mut session = g.writer()?;
    let mut ids = docket::ops::unique::lookup(&mut session, &a.kind, field.trim(), value)?;
    if ids.iter().any(|id| id == docket::ops::unique::ELSEWHERE) {
        ids.retain(|id| id != docket::ops::unique::ELSEWHERE);
        g.note(&t!("records-held-elsewhere", kind = a.kind));
        if ids.is_empty() && g.format == Format::Table {
            return Ok(String::new());
        }
    }
    if ids.is_empty() {
        g.note(&t!(
            "records-no-record-holds",
            kind = a.kind,
            trim = field.trim()
        ));
    }
    Ok(match g.format {
        Format::Table => ids.iter().map(|id| format!("{id}\n")).collect(),
        Format::Csv => csv(
            &["id"],
            &ids.iter().map(|id| vec![id.clone()]).collect::<Vec<_>>(),
        ),
        f => structured(
            f,
            "records",
            serde_json::json!({ "exists": !ids.is_empty(), "records": ids }),
        ),
    })
}

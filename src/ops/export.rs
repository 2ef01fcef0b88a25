//! Nightly exports: current versions as CSV or JSON, masked unless revealed with a
//! permitted purpose (logged like any reveal). A CSV export re-imports into a fresh store
//! to the same records: its `legacy_no` column carries the legacy number, or the id, and
//! the quote before a cell a spreadsheet would run as a formula comes off on import
//! (`io::cells`). No value reaches a terminal or a spreadsheet unescaped: CSV cells show
//! unprintable characters escaped, JSON writes them as `\uXXXX`.

use super::read::{QuerySpec, RecordView, Revealed, query};
use crate::error::{Error, Result};
use crate::io::cells::to_cell;
use crate::io::encoding::ExportEncoding;
use crate::policy::reveal::Reveal;
use crate::schema::value::Value;
use crate::session::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

pub struct ExportSpec<'a> {
    pub kind: Option<&'a str>,
    pub filter: Option<&'a str>,
    pub format: ExportFormat,
    /// `--encoding`; without it, a CSV export is written in the store's import encoding
    /// (`ExportEncoding::for_store`) and JSON in UTF-8.
    pub encoding: Option<ExportEncoding>,
}

/// What an export wrote.
pub struct Exported {
    pub bytes: Vec<u8>,
    pub records: usize,
    pub encoding: ExportEncoding,
    /// What it reveals: logged before the bytes reach their reader.
    pub revealed: Option<Revealed>,
}

/// The encoding `spec` is written in.
fn encoding(session: &Session, spec: &ExportSpec) -> Result<ExportEncoding> {
    match (spec.format, spec.encoding) {
        (ExportFormat::Csv, Some(e)) => Ok(e),
        (ExportFormat::Csv, None) => Ok(ExportEncoding::for_store(
            &session.store.config.policy.default_encoding,
        )),
        // JSON is UTF-8 without a byte-order mark (RFC 8259): no reader expects another.
        (ExportFormat::Json, None | Some(ExportEncoding::Utf8)) => Ok(ExportEncoding::Utf8),
        (ExportFormat::Json, Some(other)) => Err(Error::usage(
            t!("export-json-always-utf", encoding = other.name()),
            Some(t!("export-leave-out-encoding").to_string()),
        )),
    }
}

pub fn export(session: &Session, spec: &ExportSpec, reveal: Option<&Reveal>) -> Result<Exported> {
    if spec.format == ExportFormat::Csv && spec.kind.is_none() {
        return Err(Error::usage(
            t!("export-csv-export-holds-one"),
            Some(t!("export-export-every-kind-format").to_string()),
        ));
    }
    let encoding = encoding(session, spec)?;
    let q = QuerySpec {
        command: "export",
        kind: spec.kind,
        filter: spec.filter,
        status: None,
        sort: None,
        limit: None,
        refers_to: None,
    };
    let (views, note) = query(session, &q, reveal)?;
    let legacy = |v: &RecordView| -> Result<String> {
        Ok(v.legacy_no.clone().unwrap_or_else(|| v.id.clone()))
    };
    let text = match spec.format {
        ExportFormat::Json => {
            let mut items = Vec::with_capacity(views.len());
            for v in &views {
                let fields: serde_json::Map<String, serde_json::Value> = v
                    .fields
                    .iter()
                    .map(|(k, x)| (k.clone(), x.to_json()))
                    .collect();
                items.push(serde_json::json!({
                    "id": v.id, "kind": v.kind, "version": v.version, "status": v.status,
                    "legacy_no": legacy(v)?, "fields": fields,
                }));
            }
            let text =
                serde_json::to_string_pretty(&items).map_err(|e| Error::Internal(e.to_string()))?;
            crate::escape::json(&text).into_owned() + "\n"
        }
        ExportFormat::Csv => {
            let kind = session.schemas.kind(spec.kind.unwrap_or_default())?;
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut header = vec!["id".to_string(), "status".into(), "legacy_no".into()];
            header.extend(kind.fields.iter().map(|f| f.name.clone()));
            w.write_record(&header)
                .map_err(|e| Error::Internal(e.to_string()))?;
            for v in &views {
                let mut row = vec![v.id.clone(), v.status.clone(), legacy(v)?];
                row.extend(kind.fields.iter().map(|f| {
                    v.fields
                        .get(&f.name)
                        .map(Value::to_string)
                        .unwrap_or_default()
                }));
                w.write_record(row.iter().map(|cell| to_cell(cell).into_owned()))
                    .map_err(|e| Error::Internal(e.to_string()))?;
            }
            String::from_utf8(w.into_inner().map_err(|e| Error::Internal(e.to_string()))?)
                .map_err(|e| Error::Internal(e.to_string()))?
        }
    };
    Ok(Exported {
        bytes: encoding.encode(&text),
        records: views.len(),
        encoding,
        revealed: note,
    })
}

//! Nightly exports: current versions as CSV or JSON, masked unless revealed with a
//! permitted purpose (logged like any reveal). A CSV export re-imports into a fresh store
//! to the same records: its `legacy_no` column carries the legacy number, or the id.

use super::read::{QuerySpec, RecordView, Revealed, query};
use crate::error::{Error, Result};
use crate::io::encoding;
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
    pub encoding: &'a str,
}

/// The exported bytes, how many records, and what they reveal (to log before writing).
pub fn export(
    session: &Session,
    spec: &ExportSpec,
    reveal: Option<&Reveal>,
) -> Result<(Vec<u8>, usize, Option<Revealed>)> {
    if spec.format == ExportFormat::Csv && spec.kind.is_none() {
        return Err(Error::usage(
            t!("export-csv-export-holds-one"),
            Some(t!("export-export-every-kind-format").to_string()),
        ));
    }
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
            serde_json::to_string_pretty(&items).map_err(|e| Error::Internal(e.to_string()))? + "\n"
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
                w.write_record(&row)
                    .map_err(|e| Error::Internal(e.to_string()))?;
            }
            String::from_utf8(w.into_inner().map_err(|e| Error::Internal(e.to_string()))?)
                .map_err(|e| Error::Internal(e.to_string()))?
        }
    };
    Ok((encoding::encode(&text, spec.encoding)?, views.len(), note))
}

//! Nightly exports: current versions as CSV or JSON, masked unless revealed with a
//! permitted purpose (logged like any reveal). A CSV export re-imports into a fresh store
//! to the same records: its `legacy_no` column carries the legacy number, or the id, and
//! the quote before a cell a spreadsheet would run as a formula comes off on import
//! (`io::cells`). No value reaches a terminal or a spreadsheet unescaped: CSV cells show
//! unprintable characters escaped, JSON writes them as `\uXXXX`.

use super::read::{QuerySpec, RecordView, Revealed, query_each};
use crate::error::{Error, IoContext, Result};
use crate::io::cells::to_cell;
use crate::io::encoding::ExportEncoding;
use crate::policy::reveal::Reveal;
use crate::schema::value::Value;
use crate::session::Session;
use std::io::Write;
use std::path::Path;

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

/// The encoding `spec` is written in.
fn encoding(session: &Session, spec: &ExportSpec) -> Result<ExportEncoding> {
    match (spec.format, spec.encoding) {
        (ExportFormat::Csv, Some(e)) => Ok(e),
        (ExportFormat::Csv, None) => Ok(ExportEncoding::for_store(
            &session.store().config.policy.default_encoding,
        )),
        // JSON is UTF-8 without a byte-order mark (RFC 8259): no reader expects another.
        (ExportFormat::Json, None | Some(ExportEncoding::Utf8)) => Ok(ExportEncoding::Utf8),
        (ExportFormat::Json, Some(other)) => Err(Error::usage(
            t!("export-json-always-utf", encoding = other.name()),
            Some(t!("export-leave-out-encoding").to_string()),
        )),
    }
}

/// The export written to a file without a name beside the log, and rewound: for a
/// terminal or a pipe when it reveals, where the reveal is logged before the first byte
/// goes out. Held on disk, not in memory, so its size is the disk's to bound; the file
/// is gone when it is dropped, whatever stops the process.
pub fn export_held(
    session: &Session,
    spec: &ExportSpec,
    reveal: Option<&Reveal>,
) -> Result<(std::fs::File, Streamed)> {
    use std::io::Seek;
    let folder = session.store().abs(crate::layout::RECORDS_DIR);
    let held = tempfile::tempfile_in(&folder).at(&folder)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, held);
    let streamed = export_to(session, spec, reveal, (&mut out, Path::new("<stdout>")))?;
    let mut held = out
        .into_inner()
        .map_err(|e| Error::io(folder.clone(), e.into_error()))?;
    held.rewind().at(&folder)?;
    Ok((held, streamed))
}

/// What an export streamed to its writer.
pub struct Streamed {
    pub records: usize,
    pub encoding: ExportEncoding,
    /// What it reveals: logged before the bytes reach their reader.
    pub revealed: Option<Revealed>,
}

/// Write the export to `out` (named in errors as its path) a batch of records at a time,
/// so memory holds one batch whatever the store's size.
pub fn export_to(
    session: &Session,
    spec: &ExportSpec,
    reveal: Option<&Reveal>,
    (out, path): (&mut dyn Write, &Path),
) -> Result<Streamed> {
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
    let mut sink = Sink {
        out,
        path,
        encoding,
        started: false,
    };
    let mut records = 0;
    let revealed = match spec.format {
        ExportFormat::Json => {
            sink.put("[")?;
            let revealed = query_each(session, &q, reveal, &mut |views| {
                for v in &views {
                    let item = json_item(v)?;
                    let indented = item.replace('\n', "\n  ");
                    let lead = if records == 0 { "\n  " } else { ",\n  " };
                    sink.put(&format!("{lead}{}", crate::escape::json(&indented)))?;
                    records += 1;
                }
                Ok(())
            })?;
            sink.put(if records == 0 { "]\n" } else { "\n]\n" })?;
            revealed
        }
        ExportFormat::Csv => {
            let kind = session.schemas().kind(spec.kind.unwrap_or_default())?;
            let mut header = vec!["id".to_string(), "status".into(), "legacy_no".into()];
            header.extend(kind.fields.iter().map(|f| f.name.clone()));
            sink.put(&csv_lines(&[header])?)?;
            query_each(session, &q, reveal, &mut |views| {
                let rows: Vec<Vec<String>> = views.iter().map(|v| csv_row(kind, v)).collect();
                records += rows.len();
                sink.put(&csv_lines(&rows)?)
            })?
        }
    };
    Ok(Streamed {
        records,
        encoding,
        revealed,
    })
}

/// Where an export's text goes: encoded, a byte-order mark first where the encoding has
/// one.
struct Sink<'w> {
    out: &'w mut dyn Write,
    path: &'w Path,
    encoding: ExportEncoding,
    started: bool,
}

impl Sink<'_> {
    fn put(&mut self, text: &str) -> Result<()> {
        let bytes = self.encoding.encode(text);
        // The mark once, at the start: every later piece is written without it.
        let skip = if self.started {
            self.encoding.mark_len()
        } else {
            0
        };
        self.started = true;
        self.out
            .write_all(&bytes[skip..])
            .map_err(|e| Error::io(self.path, e))
    }
}

/// One record as a JSON export item, pretty-printed.
fn json_item(v: &RecordView) -> Result<String> {
    let fields: serde_json::Map<String, serde_json::Value> = v
        .fields
        .iter()
        .map(|(k, x)| (k.clone(), x.to_json()))
        .collect();
    let item = serde_json::json!({
        "id": v.id, "kind": v.kind, "version": v.version, "status": v.status,
        "legacy_no": legacy(v), "fields": fields,
    });
    serde_json::to_string_pretty(&item).map_err(|e| Error::Internal(e.to_string()))
}

/// The legacy number a re-import reads: the record's own, or its id.
fn legacy(v: &RecordView) -> String {
    v.legacy_no.clone().unwrap_or_else(|| v.id.clone())
}

/// One record as a CSV export row, in the kind's field order.
fn csv_row(kind: &crate::schema::kind::Kind, v: &RecordView) -> Vec<String> {
    let mut row = vec![v.id.clone(), v.status.clone(), legacy(v)];
    row.extend(kind.fields.iter().map(|f| {
        v.fields
            .get(&f.name)
            .map(Value::to_string)
            .unwrap_or_default()
    }));
    row
}

/// Rows as CSV lines, every cell made safe for a spreadsheet.
fn csv_lines(rows: &[Vec<String>]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|cell| to_cell(cell).into_owned()))
            .map_err(|e| Error::Internal(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

//! The rows cache (`records/.cache/rows`): each record's status and the values a query
//! may filter and sort on without a reveal — real values of non-personal fields, masked
//! values of personal ones. So a query over 100,000 records reads one file, not 100,000;
//! the records it prints are still read from their version files and hash-checked.
//! Derived and rebuildable: a row is used only when its version is the one the verified
//! log names as current, and re-read from the record's file otherwise.

use crate::audit::RecordHead;
use crate::error::Result;
use crate::policy::reveal::shown_fields;
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use crate::session::Session;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

pub const ROWS_FILE: &str = "records/.cache/rows";
const MAGIC: &str = "docket-rows 2";
const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

#[derive(Debug, Clone)]
pub struct Row {
    pub version: u32,
    pub status: String,
    /// Field values as shown without a reveal, packed as `name US json RS …` (unit and
    /// record separators never occur unescaped in JSON): a query parses only the values
    /// it reads, so loading 100,000 rows costs one read and a split per line.
    packed: String,
}

#[derive(Default)]
pub struct Rows {
    rows: HashMap<String, Row>,
    refreshed: usize,
}

impl Rows {
    /// The cached rows (a bad cache is an empty one).
    pub fn load(root: &Path) -> Rows {
        let mut out = Rows::default();
        let Ok(text) = std::fs::read_to_string(root.join(ROWS_FILE)) else {
            return out;
        };
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            return out;
        }
        for line in lines {
            let mut parts = line.splitn(4, '\t');
            let (Some(id), Some(version), Some(status), Some(packed)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(version) = version.parse() else {
                continue;
            };
            out.rows.insert(
                id.to_string(),
                Row {
                    version,
                    status: status.to_string(),
                    packed: packed.to_string(),
                },
            );
        }
        out
    }

    /// Make the row of the record's current version present: read (and hash-checked) from
    /// its file when the cache has none or an older one.
    pub fn refresh(&mut self, session: &Session, id: &str, head: &RecordHead) -> Result<()> {
        if self.rows.get(id).is_some_and(|r| r.version == head.version) {
            return Ok(());
        }
        let v = session.load_version(id, head.version)?;
        let kind = session.schemas.kind(&v.kind)?;
        let (fields, _) = shown_fields(kind, &v.fields, None);
        let mut packed = String::new();
        for (name, value) in &fields {
            let _ = write!(packed, "{name}{UNIT}{}{RECORD}", value.to_json());
        }
        self.rows.insert(
            id.to_string(),
            Row {
                version: v.version,
                status: v.status,
                packed,
            },
        );
        self.refreshed += 1;
        Ok(())
    }

    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.get(id)
    }

    /// Rewrite the cache when enough rows were refreshed; best effort.
    pub fn save_if_stale(&self, root: &Path) {
        if self.refreshed == 0 || self.refreshed < 1000.min(self.rows.len() / 20 + 1) {
            return;
        }
        let mut out = String::with_capacity(self.rows.len() * 360);
        let _ = writeln!(out, "{MAGIC}");
        for (id, row) in &self.rows {
            let _ = writeln!(out, "{id}\t{}\t{}\t{}", row.version, row.status, row.packed);
        }
        let target = root.join(ROWS_FILE);
        let Some(dir) = target.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(".rows.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, out).is_ok() && std::fs::rename(&tmp, &target).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

impl Row {
    /// The values of the fields `wanted` names (personal ones as masked text).
    pub fn fields(&self, kind: &Kind, wanted: &dyn Fn(&str) -> bool) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for item in self.packed.split(RECORD) {
            let Some((name, json)) = item.split_once(UNIT) else {
                continue;
            };
            if !wanted(name) {
                continue;
            }
            let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else {
                continue;
            };
            let value = match kind.field(name) {
                Some(f) if f.pii.is_some() => v.as_str().map(|s| Value::Str(s.to_string())),
                Some(f) => f.ty.from_json(&v),
                None => None,
            };
            if let Some(value) = value {
                out.insert(name.to_string(), value);
            }
        }
        out
    }
}

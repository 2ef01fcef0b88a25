//! The rows cache (`records/.cache/rows-*`): each record's status and the values a query
//! may filter and sort on without a reveal — real values of non-personal fields, masked
//! values of personal ones. So a query over 100,000 records reads one file, not 100,000;
//! the records it prints are still read from their version files and hash-checked.
//! Derived and rebuildable: a row is used only when its version is the one the verified
//! log names as current, and re-read from the record's file otherwise. A unique field
//! (a customer's identity number) is kept as a digest keyed by this machine's cache key,
//! so a duplicate is found without the cache holding the number.

use super::Caches;
use crate::audit::RecordHead;
use crate::error::Result;
use crate::policy::reveal::shown_fields;
use crate::reader::Reader;
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;

const NAME: &str = "rows";
const MAGIC: &str = "docket-rows 7";
/// Marks a packed item holding the keyed digest of a unique field, not its value.
const DIGEST: char = '#';
const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// One record's row, borrowed from the cache text or from a refreshed row.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub version: u32,
    pub status: &'a str,
    /// Field values as shown without a reveal, packed as `name US json RS …` (unit and
    /// record separators never occur unescaped in JSON): a query parses only the values
    /// it reads.
    packed: &'a str,
}

/// Where a cached row lies in the cache text: nothing is copied out at load.
struct Span {
    id: Range<usize>,
    version: u32,
    status: Range<usize>,
    packed: Range<usize>,
}

/// A row read from a version file in this run.
struct Fresh {
    version: u32,
    status: String,
    packed: String,
}

#[derive(Default)]
pub struct Rows<'c> {
    /// Seals digests of unique values (none without a state folder: then nothing is saved).
    caches: Option<&'c Caches>,
    /// The cache's name for the rows of this policy (which fields are unique may change).
    magic: String,
    text: String,
    /// Sorted by id, as the cache is written: found by binary search.
    spans: Vec<Span>,
    fresh: HashMap<String, Fresh>,
}

impl<'c> Rows<'c> {
    /// The cached rows under policy version `policy` (a bad cache is an empty one).
    pub fn load(caches: Option<&'c Caches>, policy: u32) -> Rows<'c> {
        let magic = format!("{MAGIC} policy {policy}");
        let mut rows = match caches.and_then(|c| c.read(NAME, &magic)) {
            Some((text, start)) => Rows::parse(text, start),
            None => Rows::default(),
        };
        rows.caches = caches;
        rows.magic = magic;
        rows
    }

    /// The digest a unique field's value is kept as: equal values, equal digests.
    pub fn unique_digest(&self, kind: &str, field: &str, value: &str) -> String {
        // Compacted as identifiers are typed in, so a number stored before that (with
        // blanks or hyphens, under `other`) still matches its compact form.
        let normal = crate::text::compact_identifier(value).to_uppercase();
        Caches::digest(self.caches, &[kind, field, &normal])
    }

    /// The rows a cache text holds from byte `start` on (lines that are not rows are
    /// left out).
    pub fn parse(text: String, start: usize) -> Rows<'c> {
        let mut out = Rows::default();
        let body = &text[start..];
        let mut at = start;
        for line in body.split_terminator('\n') {
            let start = at;
            at += line.len() + 1;
            let mut parts = line.splitn(4, '\t');
            let (Some(id), Some(version), Some(status), Some(packed)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(version) = version.parse() else {
                continue;
            };
            let id_end = start + id.len();
            let status_start = id_end + 1 + line[id.len() + 1..].find('\t').unwrap_or(0) + 1;
            let status_range = status_start..status_start + status.len();
            let packed_start = status_range.end + 1;
            out.spans.push(Span {
                id: start..id_end,
                version,
                status: status_range,
                packed: packed_start..packed_start + packed.len(),
            });
        }
        out.text = text;
        let text = &out.text;
        if !out
            .spans
            .is_sorted_by(|a, b| text[a.id.clone()] < text[b.id.clone()])
        {
            out.spans
                .sort_by(|a, b| text[a.id.clone()].cmp(&text[b.id.clone()]));
        }
        out
    }

    fn cached(&self, id: &str) -> Option<Row<'_>> {
        let i = self
            .spans
            .binary_search_by(|s| self.text[s.id.clone()].cmp(id))
            .ok()?;
        let s = &self.spans[i];
        Some(Row {
            version: s.version,
            status: &self.text[s.status.clone()],
            packed: &self.text[s.packed.clone()],
        })
    }

    pub fn row(&self, id: &str) -> Option<Row<'_>> {
        match self.fresh.get(id) {
            Some(f) => Some(Row {
                version: f.version,
                status: &f.status,
                packed: &f.packed,
            }),
            None => self.cached(id),
        }
    }

    /// The rows of `ids` (sorted, as the log index keeps them), found by walking the
    /// sorted cache alongside rather than by a search each.
    pub fn in_order<'a>(&'a self, ids: impl Iterator<Item = &'a str>) -> Vec<Option<Row<'a>>> {
        let mut i = 0;
        ids.map(|id| {
            if let Some(f) = self.fresh.get(id) {
                return Some(Row {
                    version: f.version,
                    status: &f.status,
                    packed: &f.packed,
                });
            }
            while i < self.spans.len() && &self.text[self.spans[i].id.clone()] < id {
                i += 1;
            }
            let s = self
                .spans
                .get(i)
                .filter(|s| &self.text[s.id.clone()] == id)?;
            Some(Row {
                version: s.version,
                status: &self.text[s.status.clone()],
                packed: &self.text[s.packed.clone()],
            })
        })
        .collect()
    }

    /// Bring every record's row to its current version, reading only the stale ones.
    pub fn refresh_all(&mut self, reader: Reader) -> Result<()> {
        let records: Vec<(String, RecordHead)> = reader.index.records().collect();
        let current = self.in_order(records.iter().map(|(id, _)| id.as_str()));
        let stale: Vec<(&String, &RecordHead)> = records
            .iter()
            .zip(current)
            .filter(|((_, head), row)| row.is_none_or(|r| r.version != head.version))
            .map(|((id, head), _)| (id, head))
            .collect();
        for (id, head) in stale {
            self.refresh(reader, id, head)?;
        }
        Ok(())
    }

    /// Make the row of the record's current version present: read (and hash-checked) from
    /// its file when the cache has none or an older one.
    pub fn refresh(&mut self, reader: Reader, id: &str, head: &RecordHead) -> Result<()> {
        if self.row(id).is_some_and(|r| r.version == head.version) {
            return Ok(());
        }
        let v = reader.load_version(id, head.version)?;
        let schemas = reader.schemas_at(v.policy)?;
        let kind = schemas.kind(&v.kind)?;
        let (fields, _) = shown_fields(kind, &v.fields, None);
        let mut packed = String::new();
        for (name, value) in &fields {
            let _ = write!(packed, "{name}{UNIT}{}{RECORD}", value.to_json());
        }
        // Unique as the policy in force says, whichever policy wrote the version.
        let now = reader.schemas.kind(&v.kind)?;
        for f in now.fields.iter().filter(|f| f.unique) {
            if let Some(Value::Str(s)) = v.fields.get(&f.name) {
                let digest = self.unique_digest(&now.name, &f.name, s);
                let _ = write!(packed, "{DIGEST}{}{UNIT}{digest}{RECORD}", f.name);
            }
        }
        self.fresh.insert(
            id.to_string(),
            Fresh {
                version: v.version,
                status: v.status,
                packed,
            },
        );
        Ok(())
    }

    /// Rewrite the cache, sorted by id, when enough rows were refreshed; best effort.
    pub fn save_if_stale(&self, caches: Option<&Caches>) {
        let Some(caches) = caches else { return };
        let refreshed = self.fresh.len();
        let total = self.spans.len().max(refreshed);
        if refreshed == 0 || refreshed < 1000.min(total / 20 + 1) {
            return;
        }
        let mut all: BTreeMap<&str, Row> = self
            .spans
            .iter()
            .map(|s| {
                (
                    &self.text[s.id.clone()],
                    self.cached(&self.text[s.id.clone()]).expect("present"),
                )
            })
            .collect();
        for (id, f) in &self.fresh {
            all.insert(
                id,
                Row {
                    version: f.version,
                    status: &f.status,
                    packed: &f.packed,
                },
            );
        }
        let mut out = String::with_capacity(self.text.len() + refreshed * 360);
        for (id, row) in all {
            let _ = writeln!(out, "{id}\t{}\t{}\t{}", row.version, row.status, row.packed);
        }
        caches.write(NAME, &self.magic, &out);
    }
}

impl Row<'_> {
    /// The digest of a unique field's value, if the record holds one.
    pub fn digest(&self, field: &str) -> Option<&str> {
        self.packed.split(RECORD).find_map(|item| {
            let (name, digest) = item.split_once(UNIT)?;
            (name.strip_prefix(DIGEST)? == field).then_some(digest)
        })
    }

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

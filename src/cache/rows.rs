//! The rows: each record's status and the values a query may filter and sort on without
//! a reveal — real values of non-personal fields, masked values of personal ones — kept
//! in the settled index's database, so a query reads one table, not a file per record,
//! and `pending` or a duplicate check look up only what they need. The records a query
//! prints are still read from their version files and hash-checked.
//!
//! Derived and rebuildable: a row counts only when its version is the one the verified
//! log names as current. The rows are complete as of an entry of the log (`rows_made`):
//! every record changed after it has its row made again from its file before rows are
//! trusted to be all there. A unique field (a customer's identity number) is kept as a
//! digest keyed by this machine's cache key, so a duplicate is found without the
//! database holding the number.

use super::Caches;
use crate::audit::RecordHead;
use crate::error::Result;
use crate::policy::reveal::shown_fields;
use crate::reader::Reader;
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;

const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// One record's row.
#[derive(Debug, Clone)]
pub struct Row {
    pub version: u32,
    pub status: String,
    /// Field values as shown without a reveal, packed as `name US json RS …` (unit and
    /// record separators never occur unescaped in JSON): a query parses only the values
    /// it reads.
    packed: String,
}

/// A record's row made from its file, with the digests of its unique values.
struct Made {
    row: Row,
    kind: String,
    digests: Vec<(String, String)>,
    /// The entry that wrote the version.
    changed: u64,
}

pub struct Rows<'c> {
    /// Keys the digests of unique values (none without a state folder).
    caches: Option<&'c Caches>,
    /// The settled index's database, or one in memory without a state folder.
    conn: Mutex<Connection>,
    /// Rows held in memory by `load_all`, for queries that read them all.
    loaded: HashMap<String, Row>,
    /// The rows this run made, which win over the database's (which may not have taken
    /// them: a full disk, a read-only state folder).
    fresh: HashMap<String, Made>,
    /// The unique values of the fresh rows: (kind, field, digest) → (id, version).
    fresh_holding: HashMap<(String, String, String), Vec<(String, u32)>>,
}

impl<'c> Rows<'c> {
    /// The rows in the settled index at `db` (in memory without one).
    pub fn open(caches: Option<&'c Caches>, db: Option<&Path>) -> Rows<'c> {
        Rows {
            caches,
            conn: Mutex::new(super::index::connection(db)),
            loaded: HashMap::new(),
            fresh: HashMap::new(),
            fresh_holding: HashMap::new(),
        }
    }

    /// The digest a unique field's value is kept as: equal values, equal digests.
    pub fn unique_digest(&self, kind: &str, field: &str, value: &str) -> String {
        // Compacted as identifiers are typed in, so a number stored before that (with
        // blanks or hyphens, under `other`) still matches its compact form.
        let normal = crate::text::compact_identifier(value).to_uppercase();
        Caches::digest(self.caches, &[kind, field, &normal])
    }

    /// Make every record's row current under the policy in force, for the log up to
    /// entry `head`: the rows of records changed since the rows were last complete are
    /// made again from their files (all of them under another policy).
    pub fn bring_current(&mut self, reader: Reader, head: u64) -> Result<()> {
        let policy = reader.policy;
        let made = {
            let conn = self.conn.lock().expect("never poisoned");
            made_at(&conn).filter(|(_, p)| *p == policy).map(|(e, _)| e)
        };
        let stale = match made {
            Some(entry) => reader.index.changed_after(entry),
            None => reader.index.records().collect(),
        };
        let mut fresh = Vec::with_capacity(stale.len());
        for (id, record) in &stale {
            let current = self.row(id).is_some_and(|r| r.version == record.version);
            if made.is_none() || !current {
                fresh.push((id.clone(), self.make(reader, id, record)?));
            }
        }
        let mut conn = self.conn.lock().expect("never poisoned");
        // Best effort: rows not saved are made again next time.
        let _ = save(&mut conn, made.is_none(), (policy, head), &fresh);
        drop(conn);
        for (id, m) in &fresh {
            for (field, digest) in &m.digests {
                let key = (m.kind.clone(), field.clone(), digest.clone());
                let holders = self.fresh_holding.entry(key).or_default();
                holders.push((id.clone(), m.row.version));
            }
        }
        self.fresh = fresh.into_iter().collect();
        Ok(())
    }

    /// The row of the record's current version, from its file.
    fn make(&self, reader: Reader, id: &str, head: &RecordHead) -> Result<Made> {
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
        let digests = now
            .fields
            .iter()
            .filter(|f| f.unique)
            .filter_map(|f| match v.fields.get(&f.name) {
                Some(Value::Str(s)) => {
                    Some((f.name.clone(), self.unique_digest(&now.name, &f.name, s)))
                }
                _ => None,
            })
            .collect();
        Ok(Made {
            row: Row {
                version: v.version,
                status: v.status,
                packed,
            },
            kind: now.name.clone(),
            digests,
            changed: head.changed,
        })
    }

    /// The row kept for record `id` (whatever its version: callers compare).
    pub fn row(&self, id: &str) -> Option<Row> {
        if let Some(m) = self.fresh.get(id) {
            return Some(m.row.clone());
        }
        if let Some(row) = self.loaded.get(id) {
            return Some(row.clone());
        }
        let conn = self.conn.lock().expect("never poisoned");
        let mut stmt = conn
            .prepare_cached("SELECT version, status, packed FROM rows WHERE id = ?1")
            .ok()?;
        stmt.query_row([id], |r| {
            Ok(Row {
                version: r.get(0)?,
                status: r.get(1)?,
                packed: r.get(2)?,
            })
        })
        .optional()
        .ok()
        .flatten()
    }

    /// Hold every row in memory, for a query that reads them all (one pass over the
    /// table instead of a lookup each).
    pub fn load_all(&mut self) {
        let conn = self.conn.lock().expect("never poisoned");
        let Ok(mut stmt) = conn.prepare("SELECT id, version, status, packed FROM rows") else {
            return;
        };
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Row {
                    version: r.get(1)?,
                    status: r.get(2)?,
                    packed: r.get(3)?,
                },
            ))
        });
        if let Ok(rows) = rows {
            self.loaded = rows.filter_map(std::result::Result::ok).collect();
        }
    }

    /// The records whose row has one of `statuses` (current or not: callers compare).
    pub fn with_status(&self, statuses: &[&str]) -> Vec<(String, u32)> {
        let conn = self.conn.lock().expect("never poisoned");
        let mut out = Vec::new();
        for status in statuses {
            let found = conn
                .prepare_cached("SELECT id, version FROM rows WHERE status = ?1")
                .and_then(|mut stmt| {
                    stmt.query_map([status], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<rusqlite::Result<Vec<_>>>()
                });
            out.extend(found.unwrap_or_default());
        }
        out.retain(|(id, _)| !self.fresh.contains_key(id));
        let fresh = self.fresh.iter();
        out.extend(
            fresh
                .filter(|(_, m)| statuses.contains(&m.row.status.as_str()))
                .map(|(id, m)| (id.clone(), m.row.version)),
        );
        out.sort();
        out
    }

    /// The records of `kind` whose row holds `digest` in unique field `field`, with the
    /// version the row was made from.
    pub fn holding(&self, kind: &str, field: &str, digest: &str) -> Vec<(String, u32)> {
        let conn = self.conn.lock().expect("never poisoned");
        let kept: Vec<(String, u32)> = conn
            .prepare_cached(
                "SELECT id, version FROM uniques WHERE kind = ?1 AND field = ?2 AND digest = ?3",
            )
            .and_then(|mut stmt| {
                stmt.query_map([kind, field, digest], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .unwrap_or_default();
        let mut out: Vec<(String, u32)> = kept
            .into_iter()
            .filter(|(id, _)| !self.fresh.contains_key(id))
            .collect();
        let key = (kind.to_string(), field.to_string(), digest.to_string());
        out.extend(self.fresh_holding.get(&key).into_iter().flatten().cloned());
        out.sort();
        out
    }
}

/// When the rows were last complete, and under which policy.
fn made_at(conn: &Connection) -> Option<(u64, u32)> {
    conn.query_row(
        "SELECT entry, policy FROM rows_made WHERE one = 1",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
    )
    .optional()
    .ok()
    .flatten()
}

/// Write the rows made, and mark the rows complete as of the settled index's checkpoint
/// (never past it, nor past this run's `head`). Rows of versions written after the
/// checkpoint are not kept: they could belong to a history the next run finds replaced,
/// where their record may not have changed again to be made anew.
fn save(
    conn: &mut Connection,
    anew: bool,
    (policy, head): (u32, u64),
    made: &[(String, Made)],
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if anew {
        tx.execute_batch("DELETE FROM rows; DELETE FROM uniques;")?;
    }
    let checkpoint: i64 = tx
        .query_row("SELECT entries FROM checkpoint WHERE one = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0);
    let upto = checkpoint.min(head as i64) as u64;
    {
        let mut put = tx.prepare(
            "INSERT OR REPLACE INTO rows(id, version, status, packed) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut forget = tx.prepare("DELETE FROM uniques WHERE id = ?1")?;
        let mut hold = tx.prepare(
            "INSERT OR REPLACE INTO uniques(kind, field, digest, id, version)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (id, m) in made.iter().filter(|(_, m)| m.changed <= upto) {
            put.execute(params![id, m.row.version, m.row.status, m.row.packed])?;
            if !anew {
                forget.execute([id])?;
            }
            for (field, digest) in &m.digests {
                hold.execute(params![m.kind, field, digest, id, m.row.version])?;
            }
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO rows_made(one, entry, policy) VALUES (1, ?1, ?2)",
        params![upto as i64, policy],
    )?;
    tx.commit()
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

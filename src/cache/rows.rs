//! The rows: each record's status and the values a query may filter and sort on without
//! a reveal — real values of non-personal fields, masked values of personal ones — kept
//! in the settled index's database, so a query reads one table, not a file per record,
//! and `pending` or a duplicate check look up only what they need. The records a query
//! prints are still read from their version files and hash-checked.
//!
//! Derived and rebuildable: a row counts only when it was made from the very file the
//! verified log names as the record's current version (same version, same hash), so a
//! row left by an import that never committed, or by a history since replaced, is never
//! taken for another. The rows are complete as of an entry of the log (`rows_made`):
//! every record changed after it has its row checked, and made again from its file
//! where needed, before rows are trusted to be all there. A unique field (a customer's identity number) is kept as a
//! digest keyed by this machine's cache key, so a duplicate is found without the
//! database holding the number.

use super::Caches;
use super::columns::{self, Shown};
use crate::audit::RecordHead;
use crate::error::Result;
use crate::policy::reveal::shown_fields;
use crate::reader::Reader;
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use crate::store::version::Version;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const UNIT: char = '\u{1f}';
/// How many rows are made or kept in memory before they are written.
pub const ROWS_AT_ONCE: usize = 10_000;
const RECORD: char = '\u{1e}';

/// One record's row.
#[derive(Debug, Clone)]
pub struct Row {
    pub version: u32,
    /// The hash of the version file it was made from.
    pub sha: String,
    pub status: String,
    /// Field values as shown without a reveal, packed as `name US json RS …` (unit and
    /// record separators never occur unescaped in JSON): a query parses only the values
    /// it reads.
    packed: String,
    /// The same values as the kind's columns hold them (in its field order), when the
    /// row came from there: read as they are needed, on whichever core judges the row.
    cells: Option<Vec<rusqlite::types::Value>>,
}

impl Row {
    /// Every field value, read from the kind's columns, when the row came from there.
    pub fn all_fields(&self, kind: &Kind) -> Option<BTreeMap<String, Value>> {
        let cells = self.cells.as_ref()?;
        let refs: Vec<rusqlite::types::ValueRef> = cells.iter().map(Into::into).collect();
        Some(columns::fields_of(kind, &refs))
    }

    /// Whether the row was made from the record's current version.
    pub fn is_of(&self, head: &RecordHead) -> bool {
        self.version == head.version && self.sha == head.sha256
    }
}

/// A record whose row holds a status or value asked for, and the version file it was made
/// from: it counts only when that is the record's current one (`is_of`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Held {
    pub id: String,
    pub version: u32,
    pub sha: String,
}

impl Held {
    pub fn is_of(&self, head: &RecordHead) -> bool {
        self.version == head.version && self.sha == head.sha256
    }
}

/// A record's row made from its version, with the digests of its unique values and its
/// kind's columns.
pub struct Made {
    row: Row,
    kind: String,
    digests: Vec<(String, String)>,
    /// The kind's field names, in the order of `cells` (shared by its rows).
    fields: Arc<[String]>,
    cells: Vec<rusqlite::types::Value>,
    /// What the record shows besides its fields (JSON), when its columns read back as
    /// exactly what it shows.
    shown: Option<String>,
}

pub struct Rows {
    /// Keys the digests of unique values (none without a state folder).
    caches: Option<Caches>,
    /// Where the database is (named when it fails to answer).
    path: PathBuf,
    /// The settled index's database, or one in memory without a state folder.
    conn: Mutex<Connection>,
    /// The rows this run made, which win over the database's (which may not have taken
    /// them: a full disk, a read-only state folder).
    fresh: HashMap<String, Made>,
    /// The unique values of the fresh rows: (kind, field, digest) → (id, version).
    fresh_holding: HashMap<(String, String, String), Vec<Held>>,
    /// Each kind's field names, as `field_names` lists them.
    names: Mutex<HashMap<String, Arc<[String]>>>,
}

impl Rows {
    /// The rows in the settled index at `db` (in memory without one).
    pub fn open(caches: Option<Caches>, db: Option<&Path>) -> Rows {
        Rows {
            caches,
            path: db.map_or_else(|| PathBuf::from(":memory:"), Path::to_path_buf),
            conn: Mutex::new(super::index::connection(db)),
            fresh: HashMap::new(),
            fresh_holding: HashMap::new(),
            names: Mutex::new(HashMap::new()),
        }
    }

    /// The digest a unique field's value is kept as: equal values, equal digests.
    pub fn unique_digest(&self, kind: &str, field: &str, value: &str) -> String {
        // Compacted as identifiers are typed in, so a number stored before that (with
        // blanks or hyphens, under `other`) still matches its compact form.
        let normal = crate::text::compact_identifier(value).to_uppercase();
        Caches::digest(self.caches.as_ref(), &[kind, field, &normal])
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
            None => {
                self.write(|tx| {
                    tx.execute_batch("DELETE FROM rows; DELETE FROM uniques;")?;
                    columns::drop_all(tx)
                });
                reader.index.records().collect()
            }
        };
        // Made and written a batch at a time, so memory holds one batch; a batch the
        // database does not take (a full disk) stays in memory for this run. Many rows
        // (after an import) are checked by walking the table alongside, in id order, a
        // few by a lookup each.
        let mut all_kept = true;
        let mut table = (stale.len() > ROWS_AT_ONCE).then(Paged::default);
        for batch in stale.chunks(ROWS_AT_ONCE) {
            let mut fresh = Vec::new();
            for (id, record) in batch {
                let kept = match &mut table {
                    Some(table) => table.take(self, id),
                    None => self.row(id),
                };
                let current = made.is_some() && kept.is_some_and(|r| r.is_of(record));
                if !current {
                    let v = reader.load_version(id, record.version)?;
                    fresh.push((id.clone(), self.make(reader, &v, &record.sha256)?));
                }
            }
            if !fresh.is_empty() && !self.write(|tx| put(tx, made.is_none(), &fresh)) {
                all_kept = false;
                self.hold(fresh);
            }
        }
        // Already made at `head`: nothing to note, so a query writes nothing (a write
        // costs a read-only command two syncs of the write-ahead log).
        if all_kept && made != Some(head) {
            self.write(|tx| mark_made(tx, policy, head));
        }
        Ok(())
    }

    /// Run `change` in one write transaction; whether it took.
    fn write(&self, change: impl FnOnce(&Connection) -> rusqlite::Result<()>) -> bool {
        let mut conn = self.conn.lock().expect("never poisoned");
        let Ok(tx) = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        else {
            return false;
        };
        let written = change(&tx).and_then(|()| tx.commit()).is_ok();
        if written {
            super::index::fold_in(&conn);
        }
        written
    }

    /// Keep rows the database did not take, for the rest of this run.
    fn hold(&mut self, fresh: Vec<(String, Made)>) {
        for (id, m) in fresh {
            for (field, digest) in &m.digests {
                let key = (m.kind.clone(), field.clone(), digest.clone());
                self.fresh_holding.entry(key).or_default().push(Held {
                    id: id.clone(),
                    version: m.row.version,
                    sha: m.row.sha.clone(),
                });
            }
            self.fresh.insert(id, m);
        }
    }

    /// The row of version `v`, whose file has hash `sha`.
    pub fn make(&self, reader: Reader, v: &Version, sha: &str) -> Result<Made> {
        // Shown, filtered and unique as the policy in force says, whichever policy wrote
        // the version: as a query shows it.
        let now = reader.schemas.kind(&v.kind)?;
        let (fields, _) = shown_fields(now, &v.fields, None);
        let mut packed = String::new();
        for (name, value) in &fields {
            let _ = write!(packed, "{name}{UNIT}{}{RECORD}", value.to_json());
        }
        let (cells, exact) = columns::columns_of(now, &fields);
        let shown = exact.then(|| {
            let shown = Shown {
                written_at: v.written_at.clone(),
                written_by: v.written_by.clone(),
                policy: v.policy,
                department: v.department.clone(),
                legacy_no: v.legacy_no.clone(),
                steps: v.steps.clone(),
                approvals: v.approvals.clone(),
                archive: v.archive.clone(),
                still_masked: v
                    .fields
                    .keys()
                    .filter_map(|n| now.field(n)?.pii.clone())
                    .collect(),
            };
            serde_json::to_string(&shown).expect("shown parts serialize")
        });
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
                sha: sha.to_string(),
                status: v.status.clone(),
                packed,
                cells: None,
            },
            kind: now.name.clone(),
            digests,
            fields: self.field_names(now),
            cells,
            shown,
        })
    }

    /// A kind's field names, listed once per run for all its rows.
    fn field_names(&self, kind: &Kind) -> Arc<[String]> {
        let mut names = self.names.lock().expect("never poisoned");
        names
            .entry(kind.name.clone())
            .or_insert_with(|| kind.fields.iter().map(|f| f.name.clone()).collect())
            .clone()
    }

    /// The row kept for record `id` (whatever its version: callers compare).
    pub fn row(&self, id: &str) -> Option<Row> {
        if let Some(m) = self.fresh.get(id) {
            return Some(m.row.clone());
        }
        let conn = self.conn.lock().expect("never poisoned");
        let sql = "SELECT version, sha, status, packed FROM rows WHERE id = ?1";
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_row([id], |r| {
                Ok(Row {
                    version: r.get(0)?,
                    sha: r.get(1)?,
                    status: r.get(2)?,
                    packed: r.get(3)?,
                    cells: None,
                })
            })
            .optional()
        });
        super::index::sure(&self.path, answer)
    }

    /// The rows of `records` (in id order, as the log index gives them), handed to `each`
    /// a batch of `ROWS_AT_ONCE` at a time, found by walking the table in the same order
    /// a page at a time rather than by a lookup each: memory holds one batch and one page,
    /// whatever the store's size. A record without a current row is left out (there is
    /// none once `bring_current` has run).
    pub fn in_batches<T, E>(
        &self,
        records: impl Iterator<Item = (String, RecordHead, T)>,
        mut each: impl FnMut(Vec<(String, T, Row)>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut table = Paged::default();
        let mut batch = Vec::with_capacity(ROWS_AT_ONCE);
        for (id, head, extra) in records {
            let row = match self.fresh.get(&id) {
                Some(m) => Some(m.row.clone()),
                None => table.take(self, &id),
            };
            if let Some(row) = row.filter(|r| r.is_of(&head)) {
                batch.push((id, extra, row));
            }
            if batch.len() == ROWS_AT_ONCE {
                each(std::mem::take(&mut batch))?;
            }
        }
        if !batch.is_empty() {
            each(batch)?;
        }
        Ok(())
    }

    /// The current rows of `kind`'s records that pass `condition` (SQL over its columns,
    /// as `columns::condition` gives it), each with its record's head and, when its
    /// columns show it exactly, what else it shows; handed to `each` a page of
    /// `ROWS_AT_ONCE` at a time in id order, until it says to stop. Only rows made from the version the settled
    /// index holds are given; a row whose columns might not show its record exactly
    /// always passes, with the row as first made, to be judged by the caller.
    pub fn narrowed<E>(
        &self,
        kind: &Kind,
        condition: Option<(String, Vec<rusqlite::types::Value>)>,
        mut each: impl FnMut(Vec<Narrowed>) -> std::result::Result<bool, E>,
    ) -> std::result::Result<(), E> {
        if !self.has_table(&kind.name) {
            return Ok(());
        }
        let (sql, args) = condition.unwrap_or_else(|| ("1".into(), Vec::new()));
        let names = columns::listed(kind, "k.");
        // The kind's table drives the walk, so the filter runs on it alone and only the
        // rows it lets through are joined to the index.
        let query = format!(
            "SELECT k.id, i.kind, i.version, i.sha, i.department, i.layout, i.changed, i.site,
                    i.line, k.status, k.shown{names}
             FROM {} k CROSS JOIN records i
             WHERE k.id > ? AND ({sql} OR k.shown IS NULL)
               AND i.id = k.id AND i.version = k.version AND i.sha = k.sha
             ORDER BY k.id LIMIT {ROWS_AT_ONCE}",
            columns::table(&kind.name)
        );
        let mut after = String::new();
        loop {
            let (page, next) = self.narrowed_page(&query, kind, &after, &args);
            let go_on = each(page)?;
            match next {
                Some(last) if go_on => after = last,
                _ => return Ok(()),
            }
        }
    }

    fn has_table(&self, kind: &str) -> bool {
        let conn = self.conn.lock().expect("never poisoned");
        let sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";
        let name = format!("k:{kind}");
        let answer = conn.query_row(sql, [name], |_| Ok(())).optional();
        super::index::sure(&self.path, answer).is_some()
    }

    /// One page of `narrowed`, and the last id it read (none: the walk is over).
    fn narrowed_page(
        &self,
        query: &str,
        kind: &Kind,
        after: &str,
        args: &[rusqlite::types::Value],
    ) -> (Vec<Narrowed>, Option<String>) {
        let read: Vec<(Narrowed, bool)> = {
            let conn = self.conn.lock().expect("never poisoned");
            let all = std::iter::once(&after as &dyn rusqlite::ToSql)
                .chain(args.iter().map(|a| a as &dyn rusqlite::ToSql));
            let answer = conn.prepare_cached(query).and_then(|mut stmt| {
                stmt.query_map(rusqlite::params_from_iter(all), |r| narrowed_row(r, kind))?
                    .collect()
            });
            super::index::sure(&self.path, answer)
        };
        let last = (read.len() == ROWS_AT_ONCE)
            .then(|| read.last().map(|(n, _)| n.id.clone()))
            .flatten();
        // A row whose columns might not show its record exactly is judged by the row as
        // first made.
        let page = read
            .into_iter()
            .filter_map(|(mut n, exact)| {
                if !exact {
                    n.row = self.row(&n.id).filter(|r| r.is_of(&n.head))?;
                }
                Some(n)
            })
            .collect();
        (page, last)
    }

    /// Records as a query shows them without a reveal, read from their kind's columns
    /// in one read of the database: each one's fields, status and what else it shows.
    /// `None` for a record whose columns were not made from the version its head names,
    /// or cannot show it exactly (read its file then).
    pub fn shown(&self, wanted: &[(&str, &RecordHead, &Kind)]) -> Vec<Option<ShownRecord>> {
        let mut conn = self.conn.lock().expect("never poisoned");
        // One read transaction for all: the database is locked once, not once a record.
        let Ok(tx) = conn.transaction() else {
            return vec![None; wanted.len()];
        };
        // Each kind's statement written once for all its records.
        let mut statements: HashMap<&str, String> = HashMap::new();
        wanted
            .iter()
            .map(|(id, head, kind)| match self.fresh.contains_key(*id) {
                true => None,
                false => {
                    let sql = statements.entry(&kind.name).or_insert_with(|| {
                        format!(
                            "SELECT version, sha, status, shown{} FROM {} WHERE id = ?1",
                            columns::listed(kind, ""),
                            columns::table(&kind.name)
                        )
                    });
                    shown_one(&tx, sql, kind, id, head)
                }
            })
            .collect()
    }

    /// The ids whose rows this run holds in memory (the database did not take them).
    pub fn held_in_memory(&self) -> impl Iterator<Item = &String> {
        self.fresh.keys()
    }

    /// Up to `limit` rows after `after`, in id order.
    fn page(&self, after: &str, limit: usize) -> Vec<(String, Row)> {
        let conn = self.conn.lock().expect("never poisoned");
        let sql = "SELECT id, version, sha, status, packed FROM rows
                   WHERE id > ?1 ORDER BY id LIMIT ?2";
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            let row = |r: &rusqlite::Row| {
                Ok((
                    r.get(0)?,
                    Row {
                        version: r.get(1)?,
                        sha: r.get(2)?,
                        status: r.get(3)?,
                        packed: r.get(4)?,
                        cells: None,
                    },
                ))
            };
            stmt.query_map(params![after, limit as i64], row)?.collect()
        });
        super::index::sure(&self.path, answer)
    }

    /// The records whose row has one of `statuses` (callers check `Held::is_of`).
    pub fn with_status(&self, statuses: &[&str]) -> Vec<Held> {
        let sql = "SELECT id, version, sha FROM rows WHERE status = ?1";
        let mut out: Vec<Held> = statuses
            .iter()
            .flat_map(|status| self.held(sql, &[status]))
            .filter(|h| !self.fresh.contains_key(&h.id))
            .collect();
        let fresh = self.fresh.iter();
        out.extend(
            fresh
                .filter(|(_, m)| statuses.contains(&m.row.status.as_str()))
                .map(|(id, m)| Held {
                    id: id.clone(),
                    version: m.row.version,
                    sha: m.row.sha.clone(),
                }),
        );
        out.sort();
        out
    }

    /// Every unique value more than one record holds: its kind, field and holders (callers
    /// check `Held::is_of`). The value itself is never named, only who shares it.
    pub fn shared(&self) -> Vec<(String, String, Vec<Held>)> {
        let sql = "SELECT kind, field, digest FROM uniques
                   GROUP BY kind, field, digest HAVING count(*) > 1";
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            let key = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?));
            stmt.query_map([], key)?
                .collect::<rusqlite::Result<Vec<_>>>()
        });
        let mut keys: BTreeSet<(String, String, String)> =
            super::index::sure(&self.path, answer).into_iter().collect();
        drop(conn);
        keys.extend(self.fresh_holding.keys().cloned());
        keys.into_iter()
            .filter_map(|(kind, field, digest)| {
                let holders = self.holding(&kind, &field, &digest);
                (holders.len() > 1).then_some((kind, field, holders))
            })
            .collect()
    }

    /// The records of `kind` whose row holds `digest` in unique field `field` (callers
    /// check `Held::is_of`).
    pub fn holding(&self, kind: &str, field: &str, digest: &str) -> Vec<Held> {
        let sql = "SELECT id, version, sha FROM uniques
                   WHERE kind = ?1 AND field = ?2 AND digest = ?3";
        let mut out: Vec<Held> = self
            .held(sql, &[kind, field, digest])
            .into_iter()
            .filter(|h| !self.fresh.contains_key(&h.id))
            .collect();
        let key = (kind.to_string(), field.to_string(), digest.to_string());
        out.extend(self.fresh_holding.get(&key).into_iter().flatten().cloned());
        out.sort();
        out
    }

    fn held(&self, sql: &str, args: &[&str]) -> Vec<Held> {
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            let held = |r: &rusqlite::Row| {
                Ok(Held {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    sha: r.get(2)?,
                })
            };
            stmt.query_map(rusqlite::params_from_iter(args), held)?
                .collect()
        });
        super::index::sure(&self.path, answer)
    }

    /// Keep the rows of versions just written (an import's), so the next run need not
    /// read their files again. Best effort; kept before the log commits, and harmless if
    /// it never does: a row counts only for the very file it was made from.
    pub fn keep(&self, made: &[(String, Made)]) {
        self.write(|tx| put(tx, false, made));
    }
}

/// The rows table read in id order a page at a time.
#[derive(Default)]
struct Paged {
    page: std::collections::VecDeque<(String, Row)>,
    /// The last id read.
    after: String,
    done: bool,
}

impl Paged {
    /// The row of `id`, if the table has one; ids must come in ascending order.
    fn take(&mut self, rows: &Rows, id: &str) -> Option<Row> {
        loop {
            while self.page.front().is_some_and(|(t, _)| t.as_str() < id) {
                self.page.pop_front();
            }
            if !self.page.is_empty() || self.done {
                break;
            }
            self.page = rows.page(&self.after, ROWS_AT_ONCE).into();
            self.done = self.page.len() < ROWS_AT_ONCE;
            match self.page.back() {
                Some((last, _)) => self.after = last.clone(),
                None => return None,
            }
        }
        match self.page.front() {
            Some((t, _)) if t == id => self.page.pop_front().map(|(_, r)| r),
            _ => None,
        }
    }
}

/// A row `Rows::narrowed` lets through.
pub struct Narrowed {
    pub id: String,
    pub head: RecordHead,
    pub row: Row,
    /// What else the record shows (JSON), when its columns show it exactly.
    shown: Option<String>,
}

impl Narrowed {
    /// What to keep of the row to show its record later without reading it again, when
    /// its columns show it exactly: its cells and the rest as read, a few hundred bytes.
    pub fn keep(&self) -> Option<Kept> {
        Some(Kept {
            row: self.row.clone(),
            shown: self.shown.clone()?,
        })
    }
}

/// A row as `Narrowed::keep` kept it.
pub struct Kept {
    row: Row,
    shown: String,
}

impl Kept {
    /// The record as its columns show it without a reveal: its fields, status and what
    /// else it shows.
    pub fn shown(&self, kind: &Kind) -> Option<ShownRecord> {
        let shown = serde_json::from_str(&self.shown).ok()?;
        Some((self.row.all_fields(kind)?, self.row.status.clone(), shown))
    }
}

/// A row of `Rows::narrowed`'s query, and whether its columns show its record exactly.
fn narrowed_row(r: &rusqlite::Row, kind: &Kind) -> rusqlite::Result<(Narrowed, bool)> {
    let department: Option<String> = r.get(4)?;
    let head = RecordHead {
        kind: r.get(1)?,
        version: r.get(2)?,
        sha256: r.get(3)?,
        department: department.map(std::sync::Arc::from),
        layout: super::index::layout_at(r, 5)?,
        changed: r.get::<_, i64>(6)? as u64,
        site: r.get::<_, Option<String>>(7)?.map(std::sync::Arc::from),
        line: r.get::<_, i64>(8)? as u64,
    };
    let shown: Option<String> = r.get(10)?;
    let exact = shown.is_some();
    let cells = match exact {
        true => Some(
            (0..kind.fields.len())
                .map(|i| r.get(11 + i))
                .collect::<rusqlite::Result<_>>()?,
        ),
        false => None,
    };
    let row = Row {
        version: head.version,
        sha: head.sha256.clone(),
        status: r.get(9)?,
        packed: String::new(),
        cells,
    };
    let id = r.get(0)?;
    Ok((
        Narrowed {
            id,
            head,
            row,
            shown,
        },
        exact,
    ))
}

/// A record's fields, status and what else it shows, as its columns keep them.
pub type ShownRecord = (BTreeMap<String, Value>, String, Shown);

/// Record `id` as `sql` (its kind's select by id) reads it; see `Rows::shown`.
fn shown_one(
    conn: &Connection,
    sql: &str,
    kind: &Kind,
    id: &str,
    head: &RecordHead,
) -> Option<ShownRecord> {
    let mut stmt = conn.prepare_cached(sql).ok()?;
    stmt.query_row([id], |r| {
        let (version, sha): (u32, String) = (r.get(0)?, r.get(1)?);
        let shown: Option<String> = r.get(3)?;
        if version != head.version || sha != head.sha256 {
            return Ok(None);
        }
        let Some(shown) = shown.and_then(|s| serde_json::from_str(&s).ok()) else {
            return Ok(None);
        };
        let cells: Vec<rusqlite::types::ValueRef> = (0..kind.fields.len())
            .map(|i| r.get_ref(4 + i))
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some((columns::fields_of(kind, &cells), r.get(2)?, shown)))
    })
    .ok()
    .flatten()
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

/// Mark the rows complete as of the settled index's checkpoint (never past it, nor past
/// this run's `head`), under policy `policy`.
fn mark_made(tx: &Connection, policy: u32, head: u64) -> rusqlite::Result<()> {
    let checkpoint: i64 = tx
        .query_row("SELECT entries FROM checkpoint WHERE one = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0);
    tx.execute(
        "INSERT OR REPLACE INTO rows_made(one, entry, policy) VALUES (1, ?1, ?2)",
        params![checkpoint.min(head as i64), policy],
    )?;
    Ok(())
}

/// Write rows and their unique values (`anew`: into empty tables).
fn put(tx: &Connection, anew: bool, made: &[(String, Made)]) -> rusqlite::Result<()> {
    let mut row = tx.prepare(
        "INSERT OR REPLACE INTO rows(id, version, sha, status, packed)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut forget = tx.prepare("DELETE FROM uniques WHERE id = ?1")?;
    let mut hold = tx.prepare(
        "INSERT OR REPLACE INTO uniques(kind, field, digest, id, version, sha)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    // Each kind's table made if missing, and its insert written, once per call.
    let mut inserts: HashMap<&str, String> = HashMap::new();
    for (id, m) in made {
        let r = &m.row;
        row.execute(params![id, r.version, r.sha, r.status, r.packed])?;
        if !inserts.contains_key(m.kind.as_str()) {
            tx.execute_batch(&columns::create_sql(&m.kind, &m.fields))?;
            inserts.insert(&m.kind, columns::insert_sql(&m.kind, &m.fields));
        }
        let head: [&dyn rusqlite::ToSql; 5] = [id, &r.version, &r.sha, &r.status, &m.shown];
        let args = head
            .into_iter()
            .chain(m.cells.iter().map(|c| c as &dyn rusqlite::ToSql));
        tx.prepare_cached(&inserts[m.kind.as_str()])?
            .execute(rusqlite::params_from_iter(args))?;
        if !anew {
            forget.execute([id])?;
        }
        for (field, digest) in &m.digests {
            hold.execute(params![m.kind, field, digest, id, r.version, r.sha])?;
        }
    }
    Ok(())
}

impl Row {
    /// The values of the fields `wanted` names (personal ones as masked text).
    pub fn fields(&self, kind: &Kind, wanted: &dyn Fn(&str) -> bool) -> BTreeMap<String, Value> {
        if let Some(cells) = &self.cells {
            return kind
                .fields
                .iter()
                .zip(cells)
                .filter(|(f, _)| wanted(&f.name))
                .filter_map(|(f, c)| {
                    let value = columns::decode(&f.ty, f.pii.is_some(), c.into())?;
                    Some((f.name.clone(), value))
                })
                .collect();
        }
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

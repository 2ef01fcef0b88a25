//! The settled index: the log index as of a checkpoint, in an SQLite database beside this
//! machine's witness, so a command looks up the records it needs instead of loading every
//! one. Derived and rebuildable: every run still hashes the log and replays the entries
//! after the checkpoint, and a checkpoint that is not in this log's history throws the
//! whole database away. It holds ids, paths, hashes and keyed fingerprints, never
//! personal data.
//!
//! Why SQLite: point lookups by id and by path, ordered pages for walks, and atomic
//! updates of a few rows after each act, in one file a crash cannot leave half-written.
//! It lives in the state folder, not the store: whoever could write it there could
//! equally write the witness that says which log this machine has verified, so it needs
//! no seal of its own, and a store folder shared with others holds nothing to forge.

use crate::audit::chain::{Checkpoint, Head};
use crate::audit::index::{LogIndex, RecordHead, Settled};
use crate::layout::Layout;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The database's layout; a database of another is thrown away and rebuilt.
const FORMAT: i64 = 10;

const SCHEMA: &str = "
CREATE TABLE checkpoint(one INTEGER PRIMARY KEY CHECK (one = 1),
    entries INTEGER NOT NULL, len INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE records(id TEXT PRIMARY KEY, kind TEXT NOT NULL, version INTEGER NOT NULL,
    sha TEXT NOT NULL, department TEXT, layout INTEGER NOT NULL, changed INTEGER NOT NULL,
    site TEXT, line INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX records_changed ON records(changed);
CREATE TABLE files(path TEXT PRIMARY KEY, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE numbers(stem TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE archive(number TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE legacy(kind TEXT NOT NULL, legacy TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (kind, legacy)) WITHOUT ROWID;
CREATE TABLE fingerprints(fp TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE actors(name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE policies(version INTEGER NOT NULL, source TEXT NOT NULL, sha TEXT NOT NULL,
    PRIMARY KEY (version, source)) WITHOUT ROWID;
CREATE TABLE rows(id TEXT PRIMARY KEY, version INTEGER NOT NULL, sha TEXT NOT NULL,
    status TEXT NOT NULL, packed TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX rows_status ON rows(status);
CREATE TABLE uniques(kind TEXT NOT NULL, field TEXT NOT NULL, digest TEXT NOT NULL,
    id TEXT NOT NULL, version INTEGER NOT NULL, sha TEXT NOT NULL,
    PRIMARY KEY (kind, field, digest, id)) WITHOUT ROWID;
CREATE INDEX uniques_id ON uniques(id);
CREATE TABLE conflicts(record TEXT PRIMARY KEY, set_aside TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE allowed(record TEXT PRIMARY KEY, shares_with TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE rows_made(one INTEGER PRIMARY KEY CHECK (one = 1), entry INTEGER NOT NULL,
    policy INTEGER NOT NULL);
";

/// Where the settled index of the store whose witness is `witness_file` lives.
pub fn path_for(witness_file: &Path) -> PathBuf {
    witness_file.with_extension("index.sqlite")
}

/// The database at `path`, made or remade in today's format; `None` when it cannot be
/// opened (then every run builds the index from the log, as without a state folder).
fn open(path: &Path) -> Option<Connection> {
    let found = connect(path).and_then(|conn| {
        let format: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ok()?;
        Some((conn, format))
    });
    match found {
        Some((conn, FORMAT)) => return Some(conn),
        Some((conn, 0)) => drop(conn),
        // Another format, or not a database at all.
        _ => remove(path),
    }
    let conn = connect(path)?;
    let made = conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {FORMAT}; COMMIT;"
    ));
    if made.is_err() {
        // Another run may have made it meanwhile: take it if so, never remove it.
        let _ = conn.execute_batch("ROLLBACK;");
        let format: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ok()?;
        return (format == FORMAT).then_some(conn);
    }
    Some(conn)
}

/// How long a run waits for another's write to the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

fn connect(path: &Path) -> Option<Connection> {
    let conn = Connection::open(path).ok()?;
    conn.busy_timeout(BUSY_TIMEOUT).ok()?;
    // Pages of 16 KiB: a query walks hundreds of megabytes of rows, a system call a
    // page, so larger pages walk faster (4 KiB: 591 ms, 16 KiB: 446 ms for a query of
    // 1,000,000 customers); but every act writes whole pages to the write-ahead log,
    // which the next run reads, so 64 KiB pages slowed each command by 5 ms. Takes effect
    // only on a new database.
    let _ = conn.pragma_update(None, "page_size", 16384);
    // The pages a run's lookups share (the trees' upper levels) stay read: 8 MiB.
    let _ = conn.pragma_update(None, "cache_size", -8192);
    // A write-ahead log: a crash loses at most the last updates, never the file, and
    // readers never wait for a writer. The checkpoint row moves with the rows it covers.
    conn.pragma_update(None, "journal_mode", "WAL").ok()?;
    conn.pragma_update(None, "synchronous", "NORMAL").ok()?;
    // A run that wrote much leaves a write-ahead log that every later run would have to
    // read through: keep it short.
    conn.pragma_update(None, "journal_size_limit", 16 << 20)
        .ok()?;
    Some(conn)
}

/// A connection to the database at `db`, or to a new one in memory when there is none
/// (no state folder) or it cannot be opened: then what it holds lasts one run.
pub fn connection(db: Option<&Path>) -> Connection {
    db.and_then(open).unwrap_or_else(|| {
        let conn = Connection::open_in_memory().expect("memory for an empty database");
        conn.execute_batch(SCHEMA).expect("the schema is valid SQL");
        conn
    })
}

/// Past this, a write-ahead log is folded into the database after a write. Every run
/// that opens the database first reads the whole write-ahead log (SQLite rebuilds its
/// index of it from the frames): a log of 7 MiB, left by the writes of a few hundred
/// acts, cost each command 2.4 ms of its 9.9.
const WAL_AT_REST: u64 = 256 << 10;

/// Fold the write-ahead log into the database and truncate it, once it has grown past
/// `WAL_AT_REST`. Without waiting: while another run reads (a long query), the log is
/// left for a later write to fold.
pub fn fold_in(conn: &Connection) {
    let Some(db) = conn.path().filter(|p| !p.is_empty()) else {
        return;
    };
    let wal_len = std::fs::metadata(format!("{db}-wal")).map_or(0, |m| m.len());
    if wal_len <= WAL_AT_REST {
        return;
    }
    let _ = conn.busy_timeout(Duration::ZERO);
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
    let _ = conn.busy_timeout(BUSY_TIMEOUT);
}

/// An answer, or a stop: a database that opened and then fails to answer (the disk
/// failing under it) must not be taken to say "no such record" or "no such row".
pub(super) fn sure<T>(path: &Path, answer: rusqlite::Result<T>) -> T {
    answer.unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Remove this file; the next run rebuilds it from the log.",
            path.display()
        )
    })
}

/// Throw the database away (it is derived: the next run rebuilds it).
fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Where the settled index was taken.
pub fn checkpoint(path: &Path) -> Option<Checkpoint> {
    checkpoint_in(&open(path)?)
}

fn checkpoint_in(conn: &Connection) -> Option<Checkpoint> {
    conn.query_row(
        "SELECT entries, len, hash FROM checkpoint WHERE one = 1",
        [],
        |r| {
            Ok(Checkpoint {
                head: Head {
                    entries: r.get::<_, i64>(0)? as u64,
                    len: r.get::<_, i64>(1)? as u64,
                    hash: r.get(2)?,
                },
            })
        },
    )
    .optional()
    .ok()
    .flatten()
}

/// The settled index and where it was taken, if there is one.
pub fn load(path: &Path) -> Option<(Checkpoint, LogIndex)> {
    let conn = open(path)?;
    let at = checkpoint_in(&conn)?;
    let actors = small_map(&conn, "SELECT name, version FROM actors")?
        .into_iter()
        .map(|(name, v): (String, i64)| (name, v as u32))
        .collect();
    let mut policies: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT version, source, sha FROM policies")
        .ok()?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })
        .ok()?;
    for row in rows {
        let (v, source, sha) = row.ok()?;
        policies.entry(v as u32).or_default().insert(source, sha);
    }
    drop(stmt);
    let conflicts = small_map(&conn, "SELECT record, set_aside FROM conflicts")?
        .into_iter()
        .map(|(id, json): (String, String)| Some((id, serde_json::from_str(&json).ok()?)))
        .collect::<Option<_>>()?;
    let allowed = small_map(&conn, "SELECT record, shares_with FROM allowed")?
        .into_iter()
        .map(|(id, of): (String, String)| (id, crate::audit::act::split_list(&of)))
        .collect();
    let base = Box::new(Db {
        conn: Mutex::new(conn),
        path: path.to_path_buf(),
        departments: Default::default(),
        scratch: false,
    });
    let mut index = LogIndex::settled(base, at.head.clone(), actors, policies);
    index.conflicts = conflicts;
    index.allowed = allowed;
    Some((at, index))
}

fn small_map<V: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
) -> Option<Vec<(String, V)>> {
    let mut stmt = conn.prepare(sql).ok()?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).ok()?;
    rows.collect::<rusqlite::Result<_>>().ok()
}

/// Bring the settled index at `path` up to `head` with what `index` adds to it: all of
/// it when `index` was built from genesis, else the entries on top of the checkpoint it
/// was loaded at, unless another run has moved the checkpoint meanwhile. Best effort: a
/// failure costs only speed. Whether the database now stands at `head`.
pub fn save(path: &Path, head: &Head, index: &LogIndex) -> bool {
    let Some(mut conn) = open(path) else {
        return false;
    };
    let Ok(tx) = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) else {
        return false;
    };
    let now = checkpoint_in(&tx).map(|c| c.head);
    if now.as_ref() == Some(head) {
        return true;
    }
    let whole = index.settled_at().is_none();
    if !whole && now.as_ref() != index.settled_at() {
        return false;
    }
    let written = write(&tx, whole, head, index).and_then(|()| tx.commit());
    if written.is_ok() {
        fold_in(&conn);
    }
    written.is_ok()
}

fn write(tx: &Connection, whole: bool, head: &Head, index: &LogIndex) -> rusqlite::Result<()> {
    if whole {
        tx.execute_batch(
            "DELETE FROM checkpoint; DELETE FROM records; DELETE FROM files;
             DELETE FROM numbers; DELETE FROM archive; DELETE FROM legacy;
             DELETE FROM fingerprints; DELETE FROM actors; DELETE FROM policies;
             DELETE FROM rows; DELETE FROM uniques; DELETE FROM rows_made;
             DELETE FROM conflicts; DELETE FROM allowed;",
        )?;
    }
    write_added(tx, index)?;
    write_head(tx, head, index)
}

/// What `index` adds to the records, files, numbers, archive, legacy numbers and
/// fingerprints.
fn write_added(tx: &Connection, index: &LogIndex) -> rusqlite::Result<()> {
    write_heads_and_files(tx, index, false)?;
    write_numbers(tx, index)
}

/// The records' heads and the other files `index` added; with whether each file was
/// checked when `noting_checked` (`verify`'s copy, whose tables have that column).
fn write_heads_and_files(
    tx: &Connection,
    index: &LogIndex,
    noting_checked: bool,
) -> rusqlite::Result<()> {
    use rusqlite::ToSql;
    let added = index.added();
    let (extra, bound) = match noting_checked {
        true => (", checked", ", ?10"),
        false => ("", ""),
    };
    let mut put = tx.prepare(&format!(
        "INSERT OR REPLACE INTO records(id, kind, version, sha, department, layout, changed,
             site, line{extra})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9{bound})"
    ))?;
    for (id, h, checked) in added.records.iter_noting_checked() {
        let changed = h.changed as i64;
        let department = h.department.as_deref();
        let site = h.site.as_deref();
        let line = h.line as i64;
        let layout = h.layout.code();
        let mut values: Vec<&dyn ToSql> = vec![
            &id,
            &h.kind,
            &h.version,
            &h.sha256,
            &department,
            &layout,
            &changed,
            &site,
            &line,
        ];
        if noting_checked {
            values.push(&checked);
        }
        put.execute(values.as_slice())?;
    }
    let (extra, bound) = match noting_checked {
        true => (", checked", ", ?3"),
        false => ("", ""),
    };
    let mut put = tx.prepare(&format!(
        "INSERT OR REPLACE INTO files(path, sha{extra}) VALUES (?1, ?2{bound})"
    ))?;
    for (path, sha) in added.other_files {
        let checked = noting_checked && index.was_checked(path);
        let mut values: Vec<&dyn ToSql> = vec![path, sha];
        if noting_checked {
            values.push(&checked);
        }
        put.execute(values.as_slice())?;
    }
    Ok(())
}

/// What `index` added to the numbers, archive, legacy numbers and fingerprints.
fn write_numbers(tx: &Connection, index: &LogIndex) -> rusqlite::Result<()> {
    let added = index.added();
    let mut put = tx.prepare(
        "INSERT INTO numbers(stem, last) VALUES (?1, ?2)
         ON CONFLICT(stem) DO UPDATE SET last = max(last, excluded.last)",
    )?;
    for (stem, last) in added.numbers {
        put.execute(params![stem, last])?;
    }
    let mut put = tx.prepare("INSERT OR IGNORE INTO archive(number) VALUES (?1)")?;
    for n in added.archive_numbers {
        put.execute(params![n])?;
    }
    let mut put =
        tx.prepare("INSERT OR REPLACE INTO legacy(kind, legacy, id) VALUES (?1, ?2, ?3)")?;
    for ((kind, legacy), id) in added.legacy {
        put.execute(params![kind, legacy, id])?;
    }
    let mut put = tx.prepare("INSERT OR REPLACE INTO fingerprints(fp, id) VALUES (?1, ?2)")?;
    for (fp, id) in added.fingerprints {
        put.execute(params![fp, id])?;
    }
    Ok(())
}

/// The conflicts between sites and the allowances across them, held whole: written whole.
fn write_conflicts(tx: &Connection, index: &LogIndex) -> rusqlite::Result<()> {
    let added = index.added();
    tx.execute_batch("DELETE FROM conflicts; DELETE FROM allowed;")?;
    let mut put = tx.prepare("INSERT INTO conflicts(record, set_aside) VALUES (?1, ?2)")?;
    for (id, asides) in added.conflicts {
        let json = serde_json::to_string(asides).expect("set-aside acts encode");
        put.execute(params![id, json])?;
    }
    let mut put = tx.prepare("INSERT INTO allowed(record, shares_with) VALUES (?1, ?2)")?;
    for (id, of) in added.allowed {
        put.execute(params![id, of.join(",")])?;
    }
    Ok(())
}

/// The small parts held whole (actors, policies, and the conflicts when they changed) and
/// the checkpoint, `head`.
fn write_head(tx: &Connection, head: &Head, index: &LogIndex) -> rusqlite::Result<()> {
    let added = index.added();
    // Actors and policies are few and held whole: written whole.
    tx.execute_batch("DELETE FROM actors; DELETE FROM policies;")?;
    if index.settled_at().is_none() || added.small_parts_changed {
        write_conflicts(tx, index)?;
    }
    let mut put = tx.prepare("INSERT INTO actors(name, version) VALUES (?1, ?2)")?;
    for (name, v) in added.actors {
        put.execute(params![name, v])?;
    }
    let mut put = tx.prepare("INSERT INTO policies(version, source, sha) VALUES (?1, ?2, ?3)")?;
    for (v, files) in added.policies {
        for (source, sha) in files {
            put.execute(params![v, source, sha])?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO checkpoint(one, entries, len, hash) VALUES (1, ?1, ?2, ?3)",
        params![head.entries as i64, head.len as i64, head.hash],
    )?;
    Ok(())
}

/// The pages of `verify`'s copy it keeps read: its upper levels and the records acted
/// on lately.
const SCRATCH_CACHE_KIB: i64 = 16 << 10;

/// An empty index on disk for `verify`'s walk from genesis, so that what it holds of every
/// record and file does not grow its memory with the store: a database SQLite keeps in a
/// file without a name in the temporary folder, gone when the run ends however it ends.
/// `None` when none can be made (the index is then held in memory).
pub fn scratch() -> Option<LogIndex> {
    let conn = Connection::open("").ok()?;
    let _ = conn.pragma_update(None, "page_size", 16384);
    let _ = conn.pragma_update(None, "cache_size", -SCRATCH_CACHE_KIB);
    conn.pragma_update(None, "journal_mode", "OFF").ok()?;
    conn.pragma_update(None, "synchronous", "OFF").ok()?;
    // Its one connection keeps its pages read between statements.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE").ok()?;
    conn.execute_batch(SCHEMA).ok()?;
    conn.execute_batch(
        "ALTER TABLE records ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE files ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;",
    )
    .ok()?;
    let db = Db {
        conn: Mutex::new(conn),
        path: std::env::temp_dir(),
        departments: Default::default(),
        scratch: true,
    };
    Some(LogIndex::lean_on(Box::new(db)))
}

/// Write what `index` added on top of its copy on disk (`scratch`), with the files it
/// checked, and forget it. `false` when it has no such copy or the write failed: the
/// index then holds what it added, in memory.
pub fn spill(index: &mut LogIndex) -> bool {
    let Some(db) = db_of(index).filter(|db| db.scratch) else {
        return false;
    };
    let conn = db.conn.lock().expect("never poisoned");
    let written = conn
        .execute_batch("BEGIN;")
        .and_then(|()| write_scratch(&conn, index))
        .and_then(|()| conn.execute_batch("COMMIT;"));
    if written.is_err() {
        let _ = conn.execute_batch("ROLLBACK;");
        return false;
    }
    drop(conn);
    index.forget_spilled();
    true
}

/// What `index` added, with whether each file was checked, into `verify`'s copy.
fn write_scratch(tx: &Connection, index: &LogIndex) -> rusqlite::Result<()> {
    write_heads_and_files(tx, index, true)?;
    write_numbers(tx, index)
}

/// Bring the settled index up to `head` and read on from it alone: after a writer's
/// commit, so the next lookups need nothing held in memory.
pub fn settle(path: &Path, head: &Head, index: &mut LogIndex) {
    if !save(path, head, index) {
        return;
    }
    if let Some((at, settled)) = load(path)
        && at.head == *head
    {
        *index = settled;
    }
}

/// A transaction too big to hold in memory (an import of a million rows), settled a part
/// at a time: every part is written by the settled index's own connection inside one
/// database transaction, so the lookups of later parts read what earlier parts wrote,
/// and a failure anywhere leaves the database at its checkpoint. `None` where the index
/// has no settled copy (it is then settled whole by `settle`).
pub struct Parts {
    path: PathBuf,
}

/// Records added on top of the settled copy before they are written as one part.
pub const PART: usize = 10_000;

impl Parts {
    /// Open the database transaction, if the settled copy is still at its checkpoint.
    pub fn begin(index: &LogIndex) -> Option<Parts> {
        let db = db_of(index)?;
        let conn = db.conn.lock().expect("never poisoned");
        conn.execute_batch("BEGIN IMMEDIATE;").ok()?;
        let at = checkpoint_in(&conn).map(|c| c.head);
        if at.as_ref() != index.settled_at() {
            let _ = conn.execute_batch("ROLLBACK;");
            return None;
        }
        Some(Parts {
            path: db.path.clone(),
        })
    }

    /// Write what `index` added and forget it. `None`: the write failed and nothing of
    /// this transaction is settled (the next run reads it from the log).
    pub fn write(self, index: &mut LogIndex) -> Option<Parts> {
        let written = db_of(index).is_some_and(|db| {
            let conn = db.conn.lock().expect("never poisoned");
            let done = write_added(&conn, index);
            if done.is_err() {
                let _ = conn.execute_batch("ROLLBACK;");
            }
            done.is_ok()
        });
        if !written {
            return None;
        }
        index.forget_written();
        Some(self)
    }

    /// Write the rest and the checkpoint `head`, commit, and read on from the database.
    pub fn finish(self, head: &Head, index: &mut LogIndex) {
        let Some(db) = db_of(index) else {
            return;
        };
        let conn = db.conn.lock().expect("never poisoned");
        let done = write_added(&conn, index)
            .and_then(|()| write_head(&conn, head, index))
            .and_then(|()| conn.execute_batch("COMMIT;"));
        if done.is_err() {
            let _ = conn.execute_batch("ROLLBACK;");
            return;
        }
        fold_in(&conn);
        drop(conn);
        if let Some((at, settled)) = load(&self.path)
            && at.head == *head
        {
            *index = settled;
        }
    }
}

fn db_of(index: &LogIndex) -> Option<&Db> {
    index.base()?.as_any().downcast_ref::<Db>()
}

/// The settled index, answering from the database.
struct Db {
    /// Behind a lock so the index can be read from both cores (queries read files on
    /// two threads); lookups are short.
    conn: Mutex<Connection>,
    path: PathBuf,
    /// Each department name once, shared by the records read.
    departments: Mutex<BTreeMap<String, Arc<str>>>,
    /// `verify`'s copy, which alone notes the files checked (`scratch`).
    scratch: bool,
}

impl Db {
    fn head(&self, row: &rusqlite::Row, from: usize) -> rusqlite::Result<RecordHead> {
        let department: Option<String> = row.get(from + 3)?;
        let department = department.map(|d| {
            self.departments
                .lock()
                .expect("never poisoned")
                .entry(d)
                .or_insert_with_key(|d| Arc::from(d.as_str()))
                .clone()
        });
        Ok(RecordHead {
            kind: row.get(from)?,
            version: row.get(from + 1)?,
            sha256: row.get(from + 2)?,
            department,
            layout: layout_at(row, from + 4)?,
            changed: row.get::<_, i64>(from + 5)? as u64,
            site: row.get::<_, Option<String>>(from + 6)?.map(Arc::from),
            line: row.get::<_, i64>(from + 7)? as u64,
        })
    }

    fn sure<T>(&self, answer: rusqlite::Result<T>) -> T {
        sure(&self.path, answer)
    }

    fn one<T: rusqlite::types::FromSql>(&self, sql: &str, args: &[&str]) -> Option<T> {
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_row(rusqlite::params_from_iter(args), |r| r.get(0))
                .optional()
        });
        self.sure(answer)
    }
}

impl Settled for Db {
    fn record(&self, id: &str) -> Option<RecordHead> {
        let sql = "SELECT kind, version, sha, department, layout, changed, site, line FROM records WHERE id = ?1";
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.query_row([id], |r| self.head(r, 0)).optional());
        self.sure(answer)
    }

    fn record_ignoring_case(&self, id: &str) -> Option<String> {
        self.one(
            "SELECT id FROM records WHERE id = ?1 COLLATE NOCASE LIMIT 1",
            &[id],
        )
    }

    fn records_after(&self, after: Option<&str>, limit: usize) -> Vec<(String, RecordHead)> {
        let sql =
            "SELECT id, kind, version, sha, department, layout, changed, site, line FROM records
                   WHERE id > ?1 ORDER BY id LIMIT ?2";
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_map(params![after.unwrap_or(""), limit as i64], |r| {
                Ok((r.get(0)?, self.head(r, 1)?))
            })?
            .collect()
        });
        self.sure(answer)
    }

    fn changed_after(&self, entry: u64) -> Vec<(String, RecordHead)> {
        let sql =
            "SELECT id, kind, version, sha, department, layout, changed, site, line FROM records
                   WHERE changed > ?1";
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_map([entry as i64], |r| Ok((r.get(0)?, self.head(r, 1)?)))?
                .collect()
        });
        self.sure(answer)
    }

    fn record_count(&self) -> usize {
        self.one::<i64>("SELECT count(*) FROM records", &[])
            .unwrap_or(0) as usize
    }

    fn file_sha(&self, path: &str) -> Option<String> {
        self.one("SELECT sha FROM files WHERE path = ?1", &[path])
    }

    fn last_number(&self, stem: &str) -> u32 {
        self.one::<i64>("SELECT last FROM numbers WHERE stem = ?1", &[stem])
            .unwrap_or(0) as u32
    }

    fn is_archive_number(&self, number: &str) -> bool {
        self.one::<i64>("SELECT 1 FROM archive WHERE number = ?1", &[number])
            .is_some()
    }

    fn legacy_id(&self, kind: &str, legacy: &str) -> Option<String> {
        self.one(
            "SELECT id FROM legacy WHERE kind = ?1 AND legacy = ?2",
            &[kind, legacy],
        )
    }

    fn imported_as(&self, fingerprint: &str) -> Option<String> {
        self.one("SELECT id FROM fingerprints WHERE fp = ?1", &[fingerprint])
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn file_count(&self) -> usize {
        let count = |table: &str| {
            self.one::<i64>(&format!("SELECT count(*) FROM {table}"), &[])
                .unwrap_or(0) as usize
        };
        count("records") + count("files")
    }

    fn files_after(&self, after: Option<&str>, limit: usize) -> Vec<(String, String)> {
        let sql = "SELECT path, sha FROM files WHERE path > ?1 ORDER BY path LIMIT ?2";
        let conn = self.conn.lock().expect("never poisoned");
        let answer = conn.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_map(params![after.unwrap_or(""), limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect()
        });
        self.sure(answer)
    }

    fn logged(&self, path: &str) -> Option<(String, bool)> {
        // Only `verify`'s copy notes the files checked.
        let checked = if self.scratch { "checked" } else { "0" };
        let conn = self.conn.lock().expect("never poisoned");
        let row = |r: &rusqlite::Row| Ok((r.get(0)?, r.get(1)?));
        if let Some((kind, id, version)) = crate::layout::parse_version_path(path) {
            let layout = crate::layout::layout_of(path).code();
            let site = crate::layout::version_site(path);
            let sql = format!(
                "SELECT sha, {checked} FROM records
                 WHERE id = ?1 AND kind = ?2 AND version = ?3 AND layout = ?4 AND site IS ?5"
            );
            let answer = conn.prepare_cached(&sql).and_then(|mut stmt| {
                stmt.query_row(params![id, kind, version, layout, site], row)
                    .optional()
            });
            if let Some(found) = self.sure(answer) {
                return Some(found);
            }
        }
        let sql = format!("SELECT sha, {checked} FROM files WHERE path = ?1");
        let answer = conn
            .prepare_cached(&sql)
            .and_then(|mut stmt| stmt.query_row(params![path], row).optional());
        self.sure(answer)
    }
}

/// Column `at` of `row`, a record's layout (`Layout::code`).
pub(crate) fn layout_at(row: &rusqlite::Row, at: usize) -> rusqlite::Result<Layout> {
    let code: u8 = row.get(at)?;
    Layout::from_code(code).ok_or(rusqlite::Error::IntegralValueOutOfRange(at, code.into()))
}

//! One customer, one record, replayed from genesis: who holds each unique value now. A
//! value is kept as 128 bits of the SHA-256 of its kind, field and normalised text, with
//! the one record holding it (a second only by a logged reason), so a million customers'
//! identity numbers take tens of megabytes, not hundreds.

use crate::schema::kind::Kind;
use crate::schema::value::Value;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};

/// A unique value of one field of one kind.
pub type ValueKey = u128;

/// Who holds each unique value.
#[derive(Default)]
pub struct UniqueValues {
    /// The record that claimed the value first (of those still holding it), lately; the
    /// others are on disk. A value is in one of the two, never both.
    first: HashMap<ValueKey, Box<str>>,
    /// The records that claimed it after, each by a logged reason (rare).
    more: HashMap<ValueKey, Vec<Box<str>>>,
    /// The first holders written out, once `first` grew to `SPILL_AT`.
    disk: Option<Disk>,
    /// Writing them out failed (a full temporary folder): the rest stay in memory, and
    /// a write cut short may have left some on disk that are in memory too.
    disk_failed: bool,
}

/// First holders kept in memory before they are written to disk: a million customers'
/// identity numbers would otherwise hold 70 MB. Small in tests, so that their stores go
/// through the disk.
const SPILL_AT: usize = if cfg!(debug_assertions) { 50 } else { 100_000 };

/// The first holders written out: a table in a database SQLite keeps in a file without a
/// name in the temporary folder, gone when the run ends.
struct Disk {
    conn: rusqlite::Connection,
    /// The values written: one not among them is not looked up.
    written: crate::bloom::Bloom,
}

impl Disk {
    fn open() -> Option<Disk> {
        let conn = rusqlite::Connection::open("").ok()?;
        let _ = conn.pragma_update(None, "cache_size", -(8 << 10));
        conn.pragma_update(None, "journal_mode", "OFF").ok()?;
        conn.pragma_update(None, "synchronous", "OFF").ok()?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE").ok()?;
        conn.execute_batch(
            "CREATE TABLE first(key BLOB PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;",
        )
        .ok()?;
        Some(Disk {
            conn,
            written: crate::bloom::Bloom::default(),
        })
    }

    /// A disk that stops answering must not be taken to say "nobody holds it".
    fn sure<T>(answer: rusqlite::Result<T>) -> T {
        answer.unwrap_or_else(|e| panic!("verify's temporary table of unique values: {e}"))
    }

    fn get(&self, k: ValueKey) -> Option<Box<str>> {
        use rusqlite::OptionalExtension;
        if !self.written.may_hold(k) {
            return None;
        }
        let answer = self
            .conn
            .prepare_cached("SELECT id FROM first WHERE key = ?1")
            .and_then(|mut q| {
                q.query_row([&k.to_be_bytes()[..]], |r| r.get::<_, String>(0))
                    .optional()
            });
        Self::sure(answer).map(Box::from)
    }

    fn remove(&self, k: ValueKey) {
        let answer = self
            .conn
            .prepare_cached("DELETE FROM first WHERE key = ?1")
            .and_then(|mut q| q.execute([&k.to_be_bytes()[..]]));
        Self::sure(answer);
    }

    /// Write `first` out (in key order, the order the table keeps); whether it was. With
    /// no journal, a failed write may leave part of it (the same holders as in memory).
    fn put_all(&mut self, first: &HashMap<ValueKey, Box<str>>) -> bool {
        let mut sorted: Vec<_> = first.iter().collect();
        sorted.sort_unstable_by_key(|(k, _)| **k);
        let put = || -> rusqlite::Result<()> {
            self.conn.execute_batch("BEGIN;")?;
            let mut q = self
                .conn
                .prepare_cached("INSERT OR REPLACE INTO first(key, id) VALUES (?1, ?2)")?;
            for (k, id) in sorted {
                q.execute(rusqlite::params![&k.to_be_bytes()[..], &**id])?;
            }
            self.conn.execute_batch("COMMIT;")
        };
        let done = put();
        if done.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK;");
            return false;
        }
        for k in first.keys() {
            self.written.insert(*k);
        }
        true
    }
}

/// The keys of the values `fields` holds in the fields `kind` makes unique.
pub fn keys_of(kind: &Kind, fields: &BTreeMap<String, Value>) -> Vec<ValueKey> {
    kind.fields
        .iter()
        .filter(|f| f.unique)
        .filter_map(|f| match fields.get(&f.name) {
            Some(Value::Str(v)) => Some(key(&kind.name, &f.name, v)),
            _ => None,
        })
        .collect()
}

fn key(kind: &str, field: &str, value: &str) -> ValueKey {
    let normal = crate::text::narrow(value).trim().to_uppercase();
    let text = format!("{kind}\u{1f}{field}\u{1f}{normal}");
    let digest = sha2::Sha256::digest(text.as_bytes());
    u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

impl UniqueValues {
    /// Record `id` no longer holds `keys` (what its version before this one held).
    pub fn release(&mut self, id: &str, keys: &[ValueKey]) {
        for &k in keys {
            self.drop_holder(k, id);
        }
    }

    /// Record `id` holds `keys` from now on; the other records noted as holding one of
    /// them, with the key. A holder noted is not always still one (its kind's unique
    /// fields may have changed since it claimed): the caller asks its current version.
    pub fn claim(&mut self, id: &str, keys: &[ValueKey]) -> Vec<(ValueKey, Box<str>)> {
        let mut others = Vec::new();
        for &k in keys {
            let holders = self.holders(k);
            let already = holders.iter().any(|h| &**h == id);
            let had_any = !holders.is_empty();
            others.extend(holders.into_iter().filter(|h| &**h != id).map(|h| (k, h)));
            if already {
                continue;
            }
            if had_any {
                self.more.entry(k).or_default().push(id.into());
            } else {
                self.first.insert(k, id.into());
            }
        }
        self.spill_if_full();
        others
    }

    /// `holder` does not hold `k` (any more).
    pub fn drop_holder(&mut self, k: ValueKey, holder: &str) {
        if self.first_holder(k).is_some_and(|h| &*h == holder) {
            let in_memory = self.first.remove(&k).is_some();
            if (!in_memory || self.disk_failed)
                && let Some(disk) = &self.disk
            {
                disk.remove(k);
            }
            if let Some(more) = self.more.get_mut(&k) {
                self.first.insert(k, more.remove(0));
                if more.is_empty() {
                    self.more.remove(&k);
                }
            }
        } else if let Some(more) = self.more.get_mut(&k) {
            more.retain(|h| &**h != holder);
            if more.is_empty() {
                self.more.remove(&k);
            }
        }
    }

    fn first_holder(&self, k: ValueKey) -> Option<Box<str>> {
        match self.first.get(&k) {
            Some(h) => Some(h.clone()),
            None => self.disk.as_ref()?.get(k),
        }
    }

    fn holders(&self, k: ValueKey) -> Vec<Box<str>> {
        let more = self.more.get(&k).into_iter().flatten().cloned();
        self.first_holder(k).into_iter().chain(more).collect()
    }

    /// Write the first holders out once they are many; where no disk can be had, they
    /// stay in memory.
    fn spill_if_full(&mut self) {
        if self.first.len() < SPILL_AT || self.disk_failed {
            return;
        }
        if self.disk.is_none() {
            self.disk = Disk::open();
        }
        match self.disk.as_mut().map(|d| d.put_all(&self.first)) {
            Some(true) => self.first = HashMap::new(),
            _ => self.disk_failed = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_come_and_go_in_the_order_they_claimed() {
        let mut u = UniqueValues::default();
        let (a, b) = (1u128, 2u128);
        assert!(u.claim("C1", &[a]).is_empty());
        assert!(
            u.claim("C1", &[a]).is_empty(),
            "claiming again is not a duplicate"
        );
        assert_eq!(u.claim("C2", &[a, b]), vec![(a, "C1".into())]);
        assert_eq!(
            u.claim("C3", &[a]),
            vec![(a, "C1".into()), (a, "C2".into())]
        );
        u.release("C1", &[a]);
        assert_eq!(
            u.claim("C4", &[a]),
            vec![(a, "C2".into()), (a, "C3".into())]
        );
        u.drop_holder(a, "C3");
        u.release("C2", &[a, b]);
        assert_eq!(u.claim("C5", &[a, b]), vec![(a, "C4".into())]);
        u.release("C4", &[a]);
        u.release("C5", &[a, b]);
        assert!(u.first.is_empty() && u.more.is_empty());
    }

    #[test]
    fn holders_written_to_disk_answer_as_those_in_memory() {
        let mut u = UniqueValues::default();
        for n in 0..SPILL_AT as u128 * 3 {
            assert!(u.claim(&format!("C{n}"), &[n]).is_empty());
        }
        assert!(u.disk.is_some() && u.first.len() < SPILL_AT);
        assert_eq!(u.claim("D", &[7]), vec![(7, "C7".into())]);
        u.release("C7", &[7]);
        assert_eq!(u.claim("E", &[7]), vec![(7, "D".into())]);
        u.release("D", &[7]);
        u.release("E", &[7]);
        assert!(
            u.claim("F", &[7]).is_empty(),
            "a value let go on disk is free"
        );
        assert_eq!(u.claim("G", &[8]), vec![(8, "C8".into())]);
    }

    #[test]
    fn a_holder_left_on_disk_by_a_failed_write_is_let_go_with_memory() {
        let mut u = UniqueValues::default();
        for n in 0..SPILL_AT as u128 {
            u.claim(&format!("C{n}"), &[n]);
        }
        // A write cut short: the value is on disk and in memory, and no more are written.
        let key = 1_000_000u128;
        u.claim("X", &[key]);
        let one = HashMap::from([(key, Box::from("X"))]);
        assert!(u.disk.as_mut().unwrap().put_all(&one));
        u.disk_failed = true;
        u.release("X", &[key]);
        assert!(u.claim("Y", &[key]).is_empty(), "nobody holds it any more");
    }
}

//! The index cache (`records/.cache/index-*`): the log index as of some entry, so a command
//! parses only the entries after it. Derived and rebuildable: never trusted over the log —
//! every run still hashes the whole chain, and a cache whose checkpoint is not in this
//! log's history is thrown away. It holds ids, paths and hashes, never personal data.

use super::Caches;
use crate::audit::chain::{Checkpoint, Head};
use crate::audit::index::{LogIndex, RecordHead};
use std::fmt::Write as _;

const NAME: &str = "index";
const MAGIC: &str = "docket-index 6";

/// Where the cache was taken, read from its checkpoint line alone (unsealed: the walk it
/// plans is confirmed by `load`, which checks the seal).
pub fn checkpoint(caches: &Caches) -> Option<Checkpoint> {
    parse_checkpoint(&caches.peek(NAME, MAGIC)?)
}

fn parse_checkpoint(line: &str) -> Option<Checkpoint> {
    let mut fields = line.split('\t');
    if fields.next()? != "C" {
        return None;
    }
    let entries = fields.next()?.parse().ok()?;
    let len = fields.next()?.parse().ok()?;
    let hash = fields.next()?.to_string();
    Some(Checkpoint {
        head: Head { entries, hash, len },
    })
}

/// The cached index and where it was taken, if a readable cache exists.
pub fn load(caches: &Caches) -> Option<(Checkpoint, LogIndex)> {
    let (text, body) = caches.read(NAME, MAGIC)?;
    parse(&text[body..])
}

/// The index a cache body holds, or `None` if any line is not one the cache writes.
pub fn parse(text: &str) -> Option<(Checkpoint, LogIndex)> {
    let mut lines = text.lines();
    let checkpoint = parse_checkpoint(lines.next()?)?;
    let mut index = LogIndex::default();
    // Records come sorted: collected in one go, the map is built without comparisons.
    let mut records = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("L\t") || line.starts_with("P\t") {
            // The import maps come last: kept as text until an import asks for them.
            let start = line.as_ptr() as usize - text.as_ptr() as usize;
            index.deferred = text[start..].to_string();
            break;
        }
        let mut f = line.split('\t');
        match (f.next()?, f.next(), f.next(), f.next()) {
            ("F", Some(p), Some(h), None) => {
                index.other_files.insert(p.to_string(), h.to_string());
            }
            ("R", Some(id), Some(kind), Some(v)) => {
                let mut words = v.split(' ');
                let (v, sha) = (words.next()?, words.next()?);
                let flat = match words.next() {
                    None => false,
                    Some("flat") => true,
                    Some(_) => return None,
                };
                let department = f.next().map(|d| index.department(d));
                let head = RecordHead {
                    kind: kind.to_string(),
                    version: v.parse().ok()?,
                    sha256: sha.to_string(),
                    department,
                    flat,
                };
                records.push((id.to_string(), head));
            }
            ("A", Some(name), Some(v), None) => {
                index.actors.insert(name.to_string(), v.parse().ok()?);
            }
            ("N", Some(n), None, None) => index.archive_numbers.push(n.to_string()),
            ("Q", Some(v), Some(source), Some(sha)) => {
                index
                    .policies
                    .entry(v.parse().ok()?)
                    .or_default()
                    .insert(source.to_string(), sha.to_string());
            }
            _ => return None,
        }
    }
    index.records = records.into_iter().collect();
    Some((checkpoint, index))
}

/// Write the cache for `head`; best effort (a failure only costs speed next time).
pub fn save(caches: &Caches, head: &Head, index: &LogIndex) {
    let mut out = String::with_capacity(index.records.len() * 128);
    let _ = writeln!(out, "C\t{}\t{}\t{}", head.entries, head.len, head.hash);
    for (p, h) in &index.other_files {
        let _ = writeln!(out, "F\t{p}\t{h}");
    }
    for (id, r) in &index.records {
        let _ = write!(out, "R\t{id}\t{}\t{} {}", r.kind, r.version, r.sha256);
        if r.flat {
            out.push_str(" flat");
        }
        match &r.department {
            Some(d) => {
                let _ = writeln!(out, "\t{d}");
            }
            None => out.push('\n'),
        }
    }
    for (name, v) in &index.actors {
        let _ = writeln!(out, "A\t{name}\t{v}");
    }
    for n in &index.archive_numbers {
        let _ = writeln!(out, "N\t{n}");
    }
    for (v, files) in &index.policies {
        for (source, sha) in files {
            let _ = writeln!(out, "Q\t{v}\t{source}\t{sha}");
        }
    }
    // The import maps last, so that loading can leave them unread.
    out.push_str(&index.deferred);
    for ((kind, legacy), id) in &index.legacy {
        let _ = writeln!(out, "L\t{kind}\t{legacy}\t{id}");
    }
    for (fp, id) in &index.fingerprints {
        let _ = writeln!(out, "P\t{fp}\t{id}");
    }
    caches.write(NAME, MAGIC, &out);
}

/// Rewrite the cache at `head` when enough entries were added since its checkpoint.
pub fn save_if_worth(caches: Option<&Caches>, head: &Head, index: &LogIndex) {
    if let Some(c) = caches
        && worth_saving(checkpoint(c).as_ref(), head)
    {
        save(c, head, index);
    }
}

/// Whether enough entries were added since the checkpoint to be worth rewriting it.
pub fn worth_saving(checkpoint: Option<&Checkpoint>, head: &Head) -> bool {
    match checkpoint {
        None => head.entries > 0,
        Some(c) => {
            let added = head.entries.saturating_sub(c.head.entries);
            added >= 1000.max(head.entries / 20)
        }
    }
}

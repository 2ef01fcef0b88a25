//! `verify` replays every act on one thread, and each act's version file is read, hashed
//! and parsed as TOML before its rules are judged: much of that thread's time, and most
//! of its system time. Another thread reads the log ahead of the replay and does that work
//! for each act's version file, in log order, a bounded number of acts ahead. The replay
//! takes what is ready for the entry it is at and reads anything else itself, so what it
//! checks is the same either way.

use crate::audit::FileHash;
use crate::audit::entry::split_line;
use crate::audit::segments;
use crate::error::InputError;
use crate::layout::{parse_version_path, sha256_hex};
use crate::store::version::Parsed;
use serde::Deserialize;
use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// How many version files the reader may be ahead of the replay.
const AHEAD: usize = 1024;

/// A version file as read: its hash, its text (none: not UTF-8) and the text parsed as
/// TOML (none: not parsed yet).
pub struct Read {
    pub sha256: String,
    pub text: Option<String>,
    pub parsed: Option<Result<Parsed, InputError>>,
}

impl Read {
    /// The file at `path`, read now; none when it cannot be read.
    pub fn now(path: &Path) -> Option<Read> {
        let bytes = std::fs::read(path).ok()?;
        Some(Read {
            sha256: sha256_hex(&bytes),
            text: String::from_utf8(bytes).ok(),
            parsed: None,
        })
    }
}

/// The version files of the acts ahead, as the reading thread hands them over.
pub struct Prefetch {
    ready: Receiver<(u64, String, Read)>,
    /// One taken from the channel for an entry the replay has not reached yet.
    next: Option<(u64, String, Read)>,
}

impl Prefetch {
    /// Start reading the log of the store at `root` ahead of a replay from genesis.
    pub fn start(root: &Path) -> Prefetch {
        let (send, ready) = sync_channel(AHEAD);
        let root = root.to_path_buf();
        std::thread::spawn(move || read_ahead(&root, &send));
        Prefetch { ready, next: None }
    }

    /// The version file `path` of the entry at `line`, if it was read ahead.
    pub fn take(&mut self, line: u64, path: &str) -> Option<Read> {
        loop {
            let item = match self.next.take() {
                Some(item) => item,
                None => self.ready.recv().ok()?,
            };
            if item.0 < line {
                continue; // an entry the replay did not read a file for
            }
            if item.0 == line && item.1 == path {
                return Some(item.2);
            }
            self.next = Some(item);
            return None;
        }
    }
}

/// What the reader needs of an entry: the record, version and files it names.
#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    record: String,
    #[serde(default)]
    version: u32,
    #[serde(default)]
    files: Vec<FileHash>,
}

/// Read every entry's version file in log order and hand it over, until the log ends or
/// the replay no longer wants them.
fn read_ahead(root: &Path, send: &SyncSender<(u64, String, Read)>) {
    let Ok(files) = segments::files(root, &crate::layout::LogRoot::first()) else {
        return;
    };
    let mut line_no = 0u64;
    for file in files {
        let Ok(opened) = std::fs::File::open(&file) else {
            return;
        };
        for line in std::io::BufReader::with_capacity(1 << 20, opened).split(b'\n') {
            let Ok(line) = line else { return };
            line_no += 1;
            let Some(path) = version_file_of(&line) else {
                continue;
            };
            let Some(mut read) = Read::now(&root.join(&path)) else {
                continue;
            };
            read.parsed = read.text.as_deref().map(|t| Parsed::read(&path, t));
            if send.send((line_no, path, read)).is_err() {
                return;
            }
        }
    }
}

/// The version file an entry's line names for its record and version, if any.
fn version_file_of(line: &[u8]) -> Option<String> {
    let raw = split_line(line)?;
    let named: Named = serde_json::from_slice(raw.body).ok()?;
    if named.record.is_empty() || named.version == 0 {
        return None;
    }
    named.files.into_iter().map(|f| f.path).find(|p| {
        parse_version_path(p).is_some_and(|(_, id, v)| id == named.record && v == named.version)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Read {
        Read {
            sha256: sha256_hex(text.as_bytes()),
            text: Some(text.into()),
            parsed: None,
        }
    }

    #[test]
    fn the_replay_takes_only_the_file_of_the_entry_it_is_at() {
        let (send, ready) = sync_channel(8);
        for (line, path) in [(2, "p2"), (3, "p3"), (5, "p5")] {
            send.send((line, path.to_string(), read(path))).unwrap();
        }
        drop(send);
        let mut p = Prefetch { ready, next: None };
        assert!(p.take(1, "p1").is_none(), "not read ahead: read now");
        assert_eq!(p.take(2, "p2").unwrap().text.as_deref(), Some("p2"));
        assert!(
            p.take(4, "p4").is_none(),
            "line 3 was not wanted, 5 is ahead"
        );
        assert!(p.take(5, "elsewhere").is_none(), "another path is read now");
        assert_eq!(p.take(5, "p5").unwrap().text.as_deref(), Some("p5"));
        assert!(p.take(6, "p6").is_none(), "the reader is done");
    }

    #[test]
    fn an_entry_names_the_version_file_of_its_own_record_and_version() {
        let body = r#"{"seq":3,"record":"CUS-2026-000001","version":2,"files":[
            {"path":"records/papers/x.pdf","sha256":"00"},
            {"path":"records/customer/2026/000/CUS-2026-000001/v0001.toml","sha256":"00"},
            {"path":"records/customer/2026/000/CUS-2026-000001/v0002.toml","sha256":"00"}]}"#
            .replace('\n', "");
        let line = format!("{} {} {body} -", "a".repeat(64), "b".repeat(64));
        assert_eq!(
            version_file_of(line.as_bytes()).as_deref(),
            Some("records/customer/2026/000/CUS-2026-000001/v0002.toml")
        );
        let none = line.replace("\"version\":2", "\"version\":3");
        assert_eq!(version_file_of(none.as_bytes()), None);
    }
}

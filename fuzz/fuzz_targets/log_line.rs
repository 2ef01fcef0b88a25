//! The audit log's reader, fed any bytes. Each line of the input is taken as an entry's
//! `JSON SIG` and chained (its hash and its link to the line before made right), so the
//! walk gets past the hash check to what only an insider could write: the JSON, the
//! transactions, the acts and the signatures. The input is also split as it stands.

#![no_main]

use docket::audit::act::Act;
use docket::audit::chain::{Plan, Seen, TxnEnd, Visit, transaction_of, walk_fresh};
use docket::audit::entry::{GENESIS_PREV, encode_line, split_line};
use docket::keys::decode_sig;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Reads every entry as the replay does: its act, its signature.
struct Reader;

impl Visit for Reader {
    fn entry(&mut self, seen: &Seen) -> docket::Result<()> {
        if let Ok(act) = Act::parse(seen.entry) {
            let _ = (act.action(), act.target(), act.detail());
        }
        let _ = decode_sig(seen.sig);
        Ok(())
    }

    fn txn_end(&mut self, end: &TxnEnd) -> docket::Result<()> {
        let _ = decode_sig(end.sig);
        Ok(())
    }
}

/// This process's log file: the walk reads a file.
fn log_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("docket-fuzz-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir.join("audit.log")
    })
}

/// `text`'s lines as a chained log: each `JSON SIG` (SIG `-` when the line has no space).
fn chained(text: &str) -> String {
    let mut prev = GENESIS_PREV.to_string();
    let mut log = String::new();
    for piece in text.split('\n') {
        let (body, sig) = piece.rsplit_once(' ').unwrap_or((piece, "-"));
        let (line, hash) = encode_line(&prev, body, sig);
        log.push_str(&line);
        prev = hash;
    }
    log
}

fuzz_target!(|data: &[u8]| {
    for line in data.split(|b| *b == b'\n') {
        let _ = split_line(line);
    }
    let mut log = chained(&String::from_utf8_lossy(data)).into_bytes();
    // An odd first byte tears the last line, as a crash mid-append would.
    if data.first().is_some_and(|b| b % 2 == 1) {
        log.pop();
    }
    let path = log_path();
    std::fs::write(path, &log).expect("the log is written");
    let every = Plan {
        collect_all: true,
        ..Plan::default()
    };
    let _ = walk_fresh(path, every, || Reader);
    let _ = walk_fresh(path, Plan::default(), || Reader);
    let _ = transaction_of(path, 1);
});

//! One audit entry and its line encoding: `HASH PREV JSON SIG`, where HASH is the SHA-256
//! of `PREV JSON SIG` exactly as written and SIG is the transaction's SSHSIG signature
//! (base64) on its last entry, `-` on the others. The signature covers every entry of
//! its transaction as `PREV JSON\n`, so it binds the whole history before it. Checking
//! the chain needs no JSON parsing, so a walk runs at hashing speed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The hash standing before the genesis entry.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The SIG word of an entry that is not the last of its transaction.
pub const UNSIGNED: &str = "-";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
}

/// What an entry records. Never personal data: ids, hashes, actors, reasons, purposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    /// On the first entry of a transaction of several: how many entries it has. Until
    /// all of them are in the log, none of them counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn: Option<u32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub record: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileHash>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub detail: BTreeMap<String, String>,
    /// On the first entry of a transaction, in a store of several sites: how far this
    /// site had read each other site's log, `site → "N HASH"` (entry N, its hash). It
    /// orders the sites' acts and catches a site whose log was cut or rewritten since.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seen: BTreeMap<String, String>,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl Entry {
    /// The JSON body, as written in the line.
    pub fn body(&self) -> String {
        let mut body = serde_json::to_string(self).expect("entries serialize");
        // An entry naming a million records is 16 MB: do not keep as much again unused.
        body.shrink_to_fit();
        body
    }
}

/// The parts of a line a transaction's signature covers, `PREV JSON\n`, in order (fed
/// to its digest without copying a long body).
pub fn signed_parts<'a>(prev: &'a str, body: &'a str) -> [&'a [u8]; 4] {
    [prev.as_bytes(), b" ", body.as_bytes(), b"\n"]
}

/// One log line (with its newline) chained to `prev`, and its hash: `HASH PREV JSON SIG`,
/// the hash over all after it, built at its exact length.
pub fn encode_line(prev: &str, body: &str, sig: &str) -> (String, String) {
    let covered = [prev, " ", body, " ", sig];
    let mut digest = Sha256::new();
    for part in covered {
        digest.update(part.as_bytes());
    }
    let hash = crate::layout::hex(&digest.finalize());
    let len = hash.len() + 2 + covered.iter().map(|p| p.len()).sum::<usize>();
    let mut line = String::with_capacity(len);
    line.push_str(&hash);
    line.push(' ');
    covered.iter().for_each(|p| line.push_str(p));
    line.push('\n');
    (line, hash)
}

/// A line split into its parts, without parsing the JSON.
pub struct RawLine<'a> {
    pub hash: &'a [u8],
    pub prev: &'a [u8],
    /// `PREV JSON SIG`: the bytes the hash covers.
    pub covered: &'a [u8],
    /// `PREV JSON`: this entry's part of what the signature covers (with a `\n` after it).
    pub signed: &'a [u8],
    pub body: &'a [u8],
    pub sig: &'a [u8],
}

pub fn split_line(line: &[u8]) -> Option<RawLine<'_>> {
    if line.len() < 133 || line[64] != b' ' || line[129] != b' ' {
        return None;
    }
    let covered = &line[65..];
    let last_space = covered.iter().rposition(|b| *b == b' ')?;
    if last_space < 65 {
        return None;
    }
    Some(RawLine {
        hash: &line[..64],
        prev: &line[65..129],
        covered,
        signed: &covered[..last_space],
        body: &covered[65..last_space],
        sig: &covered[last_space + 1..],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_into_their_parts() {
        let body = r#"{"seq":1,"time":"t","actor":"a b","role":"r","action":"x"}"#;
        let (line, hash) = encode_line(GENESIS_PREV, body, "SIG");
        let raw = split_line(line.trim_end().as_bytes()).unwrap();
        assert_eq!(raw.hash, hash.as_bytes());
        assert_eq!(raw.prev, GENESIS_PREV.as_bytes());
        assert_eq!(raw.body, body.as_bytes());
        assert_eq!(raw.sig, b"SIG");
        assert_eq!(
            [raw.signed, b"\n"].concat(),
            signed_parts(GENESIS_PREV, body).concat()
        );
        let covered = format!("{GENESIS_PREV} {body} SIG");
        assert_eq!(hash, crate::layout::sha256_hex(covered.as_bytes()));
        assert_eq!(line, format!("{hash} {covered}\n"));
        assert!(split_line(b"short").is_none());
    }

    /// `HASH PREV ` and then `rest`, the hash and the link made of one letter each.
    fn line_of(rest: &str) -> String {
        format!("{} {} {rest}", "a".repeat(64), "b".repeat(64))
    }

    #[test]
    fn the_shortest_line_has_a_body_and_a_signature_of_one_byte() {
        let line = line_of("x y");
        assert_eq!(line.len(), 133);
        let raw = split_line(line.as_bytes()).unwrap();
        assert_eq!((raw.body, raw.sig), (&b"x"[..], &b"y"[..]));
        assert!(split_line(&line.as_bytes()[..132]).is_none());
        // An empty body between two spaces still splits; no body at all does not.
        let empty = line_of(" signature");
        let raw = split_line(empty.as_bytes()).unwrap();
        assert_eq!((raw.body, raw.sig), (&b""[..], &b"signature"[..]));
        assert!(split_line(line_of("signature").as_bytes()).is_none());
        // Both separators must be spaces.
        let mut bad = line_of("x y").into_bytes();
        bad[129] = b'_';
        assert!(split_line(&bad).is_none());
    }

    #[test]
    fn an_entry_body_leaves_out_the_fields_it_does_not_use() {
        let mut e = Entry {
            seq: 7,
            time: "t".into(),
            actor: "a".into(),
            role: "r".into(),
            action: "reveal".into(),
            txn: None,
            record: String::new(),
            version: 0,
            files: Vec::new(),
            detail: BTreeMap::new(),
            seen: BTreeMap::new(),
        };
        assert_eq!(
            e.body(),
            r#"{"seq":7,"time":"t","actor":"a","role":"r","action":"reveal"}"#
        );
        e.version = 2;
        assert_eq!(
            e.body(),
            r#"{"seq":7,"time":"t","actor":"a","role":"r","action":"reveal","version":2}"#
        );
    }
}

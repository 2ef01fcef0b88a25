//! One audit entry and its line encoding: `HASH PREV JSON`, where HASH is the SHA-256 of
//! `PREV JSON` exactly as written. Checking the chain needs no JSON parsing, so a walk
//! runs at hashing speed; the JSON body is what readers and indexes parse.

use crate::layout::sha256_hex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The hash standing before the genesis entry.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
}

/// What an entry records. Never personal data: ids, hashes, actors, reasons, purposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub record: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileHash>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub detail: BTreeMap<String, String>,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl Entry {
    /// Encode as one log line (with trailing newline) chained to `prev`; returns the line
    /// and the new entry's hash.
    pub fn encode(&self, prev: &str) -> (String, String) {
        let body = serde_json::to_string(self).expect("entries serialize");
        let rest = format!("{prev} {body}");
        let hash = sha256_hex(rest.as_bytes());
        (format!("{hash} {rest}\n"), hash)
    }
}

/// A line split into its parts, without parsing the JSON.
pub struct RawLine<'a> {
    pub hash: &'a [u8],
    pub prev: &'a [u8],
    /// `PREV JSON`: the bytes the hash covers.
    pub covered: &'a [u8],
    pub body: &'a [u8],
}

pub fn split_line(line: &[u8]) -> Option<RawLine<'_>> {
    if line.len() < 131 || line[64] != b' ' || line[129] != b' ' {
        return None;
    }
    Some(RawLine {
        hash: &line[..64],
        prev: &line[65..129],
        covered: &line[65..],
        body: &line[130..],
    })
}

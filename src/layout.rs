//! Where everything lives in a store and how files are named and hashed: the one place
//! that knows the layout, below every layer that reads or writes it.

use sha2::{Digest, Sha256};

pub const CONFIG_NAME: &str = "docket.toml";
pub const SCHEMAS_DIR: &str = "schemas";
pub const RECORDS_DIR: &str = "records";
/// The open segment of the audit log: every act appends here.
pub const LOG_NAME: &str = "records/audit.log";
/// The folder of the log's sealed segments (`audit::segments`).
pub const SEGMENTS_DIR: &str = "records/_log";
pub const LOCK_NAME: &str = "records/.lock";
pub const CACHE_DIR: &str = "records/.cache";
pub const QUARANTINE_DIR: &str = "records/.quarantine";
/// The folder under `records/` holding the staff register.
pub const ACTORS_DIR: &str = "_actors";
/// The folder under `records/` holding a copy of every applied policy version.
pub const POLICY_DIR: &str = "_policy";

/// SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// `records/<kind>/<id>/v0001.toml`
pub fn version_path(kind: &str, id: &str, version: u32) -> String {
    format!("{RECORDS_DIR}/{kind}/{id}/v{version:04}.toml")
}

/// `records/<kind>/<id>`: a record's folder.
pub fn record_dir(kind: &str, id: &str) -> String {
    format!("{RECORDS_DIR}/{kind}/{id}")
}

/// `records/_actors/<name>/v0001.toml`
pub fn actor_path(name: &str, version: u32) -> String {
    version_path(ACTORS_DIR, name, version)
}

/// `records/_policy/v0001`: the folder of one applied policy version.
pub fn policy_dir(version: u32) -> String {
    format!("{RECORDS_DIR}/{POLICY_DIR}/v{version:04}")
}

/// Where policy version `version` keeps its copy of `source` (`docket.toml`,
/// `schemas/customer.toml`).
pub fn policy_copy(version: u32, source: &str) -> String {
    format!("{}/{source}", policy_dir(version))
}

/// `records/_policy/vNNNN/<source>` → (version, source).
pub fn parse_policy_copy(path: &str) -> Option<(u32, &str)> {
    let rest = path.strip_prefix(RECORDS_DIR)?.strip_prefix('/')?;
    let rest = rest.strip_prefix(POLICY_DIR)?.strip_prefix("/v")?;
    let (n, source) = rest.split_once('/')?;
    if n.len() != 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((n.parse().ok()?, source))
}

/// `records/<kind>/<id>/vNNNN.toml` → (kind, id, version).
pub fn parse_version_path(path: &str) -> Option<(&str, &str, u32)> {
    let mut parts = path.split('/');
    let (Some(RECORDS_DIR), Some(kind), Some(id), Some(file), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let n = file.strip_prefix('v')?.strip_suffix(".toml")?;
    if n.len() != 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, id, n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_paths_round_trip() {
        let p = version_path("customer", "CUS-1", 2);
        assert_eq!(p, "records/customer/CUS-1/v0002.toml");
        assert_eq!(parse_version_path(&p), Some(("customer", "CUS-1", 2)));
        assert_eq!(
            parse_version_path("records/customer/CUS-1/attachments/x"),
            None
        );
        assert_eq!(parse_version_path("records/customer/CUS-1/v2.toml"), None);
        assert_eq!(
            parse_version_path("records/customer/CUS-1/v+002.toml"),
            None
        );
        assert_eq!(
            parse_version_path("schemas/customer/CUS-1/v0002.toml"),
            None
        );
    }

    #[test]
    fn policy_copies_round_trip() {
        let p = policy_copy(3, "schemas/customer.toml");
        assert_eq!(p, "records/_policy/v0003/schemas/customer.toml");
        assert_eq!(parse_policy_copy(&p), Some((3, "schemas/customer.toml")));
        assert_eq!(parse_policy_copy("records/customer/v0003/x"), None);
    }

    #[test]
    fn hex_is_lowercase_pairs() {
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

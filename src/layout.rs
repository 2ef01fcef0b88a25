//! Where everything lives in a store and how files are named and hashed: the one place
//! that knows the layout, below every layer that reads or writes it.

use sha2::{Digest, Sha256};

pub const CONFIG_NAME: &str = "docket.toml";
pub const SCHEMAS_DIR: &str = "schemas";
pub const RECORDS_DIR: &str = "records";
/// The open segment of the first site's audit log: every act there appends here.
pub const LOG_NAME: &str = "records/audit.log";
/// The folder of the first site's sealed segments (`audit::segments`).
pub const SEGMENTS_DIR: &str = "records/_log";
/// The open segment's name in its log's folder.
const OPEN_SEGMENT: &str = "audit.log";
/// The sealed segments' folder in its log's folder.
const SEALED_SEGMENTS: &str = "_log";
/// Sealed segments per folder: one folder per million entries keeps each git tree small.
const ENTRIES_PER_FOLDER: u64 = 1_000_000;
pub const LOCK_NAME: &str = "records/.lock";
/// Where earlier versions kept their caches: left alone, never a stray.
pub const CACHE_DIR: &str = "records/.cache";
pub const QUARANTINE_DIR: &str = "records/.quarantine";
/// The folder under `records/` holding the staff register.
pub const ACTORS_DIR: &str = "_actors";
/// The folder under `records/` holding a copy of every applied policy version.
pub const POLICY_DIR: &str = "_policy";

/// The folder of the other sites' logs, one folder per site code.
pub const SITES_DIR: &str = "records/_sites";

/// Where one log lives, store-relative: the folder holding its open segment (`audit.log`)
/// and the folder of its sealed segments (`_log/NNNN/<first entry>.log`). The store's
/// first site keeps its log in `records/`, where a store made before sites has its one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogRoot {
    dir: String,
}

impl LogRoot {
    /// The first site's log: `records/audit.log` and `records/_log/`.
    pub fn first() -> LogRoot {
        LogRoot {
            dir: RECORDS_DIR.to_string(),
        }
    }

    /// Site `code`'s log, when it is not the store's first site:
    /// `records/_sites/<code>/audit.log` and `records/_sites/<code>/_log/`.
    pub fn of_site(code: &str) -> LogRoot {
        LogRoot {
            dir: format!("{SITES_DIR}/{code}"),
        }
    }

    /// The folder holding this log (`records`, `records/_sites/HZ`).
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// The open segment every act appends to (`records/audit.log`).
    pub fn open(&self) -> String {
        format!("{}/{OPEN_SEGMENT}", self.dir)
    }

    /// The folder of the sealed segments (`records/_log`).
    pub fn sealed_dir(&self) -> String {
        format!("{}/{SEALED_SEGMENTS}", self.dir)
    }

    /// `records/_log/0000/000000000001.log`: where the sealed segment starting at entry
    /// `first` lives.
    pub fn segment_rel(&self, first: u64) -> String {
        format!(
            "{}/{:04}/{first:012}.log",
            self.sealed_dir(),
            first / ENTRIES_PER_FOLDER
        )
    }

    /// A sealed segment's path → the number of its first entry, if it is one of this log.
    pub fn parse_segment(&self, rel: &str) -> Option<u64> {
        let rest = rel.strip_prefix(&self.sealed_dir())?.strip_prefix('/')?;
        let (folder, file) = rest.split_once('/')?;
        let first = file.strip_suffix(".log")?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(folder, 4) || !digits(first, 12) {
            return None;
        }
        let first: u64 = first.parse().ok()?;
        (first >= 1 && self.segment_rel(first) == rel).then_some(first)
    }
}

/// One site's log: the site's code and where its log lives. The store's first site (its
/// code in `docket.toml`) keeps the log in `records/`; every other in `records/_sites/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLog {
    pub code: String,
    pub root: LogRoot,
    pub first: bool,
}

impl SiteLog {
    pub fn first(code: &str) -> SiteLog {
        SiteLog {
            code: code.to_string(),
            root: LogRoot::first(),
            first: true,
        }
    }

    pub fn other(code: &str) -> SiteLog {
        SiteLog {
            code: code.to_string(),
            root: LogRoot::of_site(code),
            first: false,
        }
    }

    /// What ids this site gives begin with: `CUS` at the first site, `CUS-HZ` at site HZ.
    /// Numbered per prefix, ids are unique across sites by construction.
    pub fn id_prefix(&self, prefix: &str) -> String {
        match self.first {
            true => prefix.to_string(),
            false => format!("{prefix}-{}", self.code),
        }
    }

    /// What the names of the version files this site writes carry: nothing at the first
    /// site (`v0002.toml`), the code elsewhere (`v0002.HZ.toml`), so two sites writing a
    /// record's next version between pulls write two files and git never conflicts.
    pub fn version_site(&self) -> Option<&str> {
        (!self.first).then_some(self.code.as_str())
    }
}

/// A site code: an upper-case letter, then one to seven upper-case letters or digits
/// (`MAIN`, `HZ`, `SH2`). Short, so ids qualified by it stay short.
pub fn is_site_code(code: &str) -> bool {
    let b = code.as_bytes();
    (2..=8).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A store path as a set of paths holds it: the first 128 bits of its SHA-256.
pub fn path_key(path: &str) -> u128 {
    let d = Sha256::digest(path.as_bytes());
    u128::from_le_bytes(d[..16].try_into().expect("16 bytes"))
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

/// How a record's files are laid out, as its first version was written. A version file's
/// path is in the signed log, so a record keeps the layout it was created in; new records
/// take the newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// `records/<kind>/<id>/v0001.toml`: stores made before records were sharded, and
    /// actors and ids of another shape still.
    Flat,
    /// `records/<kind>/<year>/<thousands>/<id>/v0001.toml`: sharded, a folder per record,
    /// as stores made before records were kept without one have them.
    Folders,
    /// `records/<kind>/<year>/<thousands>/<id>.v0001.toml`: sharded, each version a file
    /// in its shard. No folder per record: half the disk a record takes, and a thousand
    /// times fewer folders for git to look at.
    Files,
}

impl Layout {
    /// The layout as a small number, for the settled index.
    pub fn code(self) -> u8 {
        match self {
            Layout::Flat => 0,
            Layout::Folders => 1,
            Layout::Files => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<Layout> {
        [Layout::Flat, Layout::Folders, Layout::Files]
            .into_iter()
            .find(|l| l.code() == code)
    }
}

/// Where a new record's version lives: `records/<kind>/<year>/<thousands>/<id>.v0001.toml`
/// (`records/customer/2026/000/CUS-2026-000123.v0001.toml`), so no folder holds more than
/// a thousand records and a commit rewrites only small trees. Actors, and ids of another
/// shape, keep one folder per record in one folder per kind.
pub fn version_path(kind: &str, id: &str, version: u32, site: Option<&str>) -> String {
    let layout = match shard_of(kind, id) {
        Some(_) => Layout::Files,
        None => Layout::Flat,
    };
    path_in(layout, kind, id, version, site)
}

/// Where version `version` of record `id`, written by site `site` (none: the first site),
/// lives in layout `layout`.
pub fn path_in(layout: Layout, kind: &str, id: &str, version: u32, site: Option<&str>) -> String {
    let file = version_file(version, site);
    match (layout, shard_of(kind, id)) {
        (Layout::Files, Some((year, thousands))) => {
            format!("{RECORDS_DIR}/{kind}/{year}/{thousands}/{id}.{file}")
        }
        (Layout::Flat, _) | (_, None) => format!("{}/{file}", flat_record_dir(kind, id)),
        (Layout::Folders, Some(_)) => format!("{}/{file}", record_dir(kind, id)),
    }
}

/// A version file's name: `v0002.toml`, or `v0002.HZ.toml` when site HZ wrote it
/// (`SiteLog::version_site`).
pub fn version_file(version: u32, site: Option<&str>) -> String {
    match site {
        None => format!("v{version:04}.toml"),
        Some(code) => format!("v{version:04}.{code}.toml"),
    }
}

/// A sharded record's own folder (`records/customer/2026/000/CUS-2026-000123`): its
/// versions in stores made before records were kept without one, and its archived
/// papers in any.
pub fn record_dir(kind: &str, id: &str) -> String {
    match shard_of(kind, id) {
        Some((year, thousands)) => format!("{RECORDS_DIR}/{kind}/{year}/{thousands}/{id}"),
        None => flat_record_dir(kind, id),
    }
}

/// `records/<kind>/<id>`: a record's folder in stores made before records were sharded.
pub fn flat_record_dir(kind: &str, id: &str) -> String {
    format!("{RECORDS_DIR}/{kind}/{id}")
}

/// The year and the thousands of an id `PREFIX-YYYY-NNNNNN` (`2026`, `000`), its folders.
fn shard_of<'a>(kind: &str, id: &'a str) -> Option<(&'a str, &'a str)> {
    if kind == ACTORS_DIR {
        return None;
    }
    // `CUS-2026-000123`, or `CUS-HZ-2026-000123` as site HZ numbers them.
    let parts: Vec<&str> = id.split('-').collect();
    let (year, seq) = match parts[..] {
        [_, year, seq] | [_, _, year, seq] => (year, seq),
        _ => return None,
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || !digits(year) || seq.len() < 4 || !digits(seq) {
        return None;
    }
    Some((year, &seq[..seq.len() - 3]))
}

/// `records/_actors/<name>/v0001.toml`
pub fn actor_path(name: &str, version: u32) -> String {
    format!("{}/v{version:04}.toml", flat_record_dir(ACTORS_DIR, name))
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

/// A version file's path, in any layout, → (kind, id, version). A sharded path must sit
/// in the folders its id gives.
pub fn parse_version_path(path: &str) -> Option<(&str, &str, u32)> {
    let p = split_version_path(path)?;
    Some((p.kind, p.id, p.version))
}

/// What a version file's path says.
struct VersionPath<'a> {
    kind: &'a str,
    id: &'a str,
    version: u32,
    site: Option<&'a str>,
    layout: Layout,
}

fn split_version_path(path: &str) -> Option<VersionPath<'_>> {
    let parts: Vec<&str> = path.split('/').collect();
    let (kind, id, file, layout) = match parts.as_slice() {
        [RECORDS_DIR, kind, id, file] => (*kind, *id, *file, Layout::Flat),
        [RECORDS_DIR, kind, year, thousands, named] => {
            let (id, file) = named.split_once('.')?;
            (shard_of(kind, id) == Some((*year, *thousands))).then_some(())?;
            (*kind, id, file, Layout::Files)
        }
        [RECORDS_DIR, kind, year, thousands, id, file]
            if shard_of(kind, id) == Some((*year, *thousands)) =>
        {
            (*kind, *id, *file, Layout::Folders)
        }
        _ => return None,
    };
    let (version, site) = parse_version_file(file)?;
    Some(VersionPath {
        kind,
        id,
        version,
        site,
        layout,
    })
}

/// `v0002.toml` → (2, none); `v0002.HZ.toml` → (2, `HZ`).
fn parse_version_file(file: &str) -> Option<(u32, Option<&str>)> {
    let rest = file.strip_prefix('v')?.strip_suffix(".toml")?;
    let (n, site) = match rest.split_once('.') {
        None => (rest, None),
        Some((n, site)) if is_site_code(site) => (n, Some(site)),
        Some(_) => return None,
    };
    if n.len() != 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((n.parse().ok()?, site))
}

/// The site a version file's name says wrote it (none: the first site, or a store made
/// before sites).
pub fn version_site(path: &str) -> Option<&str> {
    split_version_path(path)?.site
}

/// The layout a version file's path is in (`Layout::Flat` for what is no version path).
pub fn layout_of(path: &str) -> Layout {
    split_version_path(path).map_or(Layout::Flat, |p| p.layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_paths_round_trip() {
        let p = version_path("customer", "CUS-1", 2, None);
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
        assert_eq!(
            parse_version_path("records/_policy/v0001/schemas/customer.toml"),
            None
        );
    }

    #[test]
    fn new_records_are_files_in_shards_by_year_and_thousands() {
        let p = version_path("customer", "CUS-2026-000123", 1, None);
        assert_eq!(p, "records/customer/2026/000/CUS-2026-000123.v0001.toml");
        assert_eq!(layout_of(&p), Layout::Files);
        let at_hz = version_path("customer", "CUS-2026-000123", 2, Some("HZ"));
        assert_eq!(
            at_hz,
            "records/customer/2026/000/CUS-2026-000123.v0002.HZ.toml"
        );
        assert_eq!(
            parse_version_path(&at_hz),
            Some(("customer", "CUS-2026-000123", 2))
        );
        assert_eq!(version_site(&at_hz), Some("HZ"));
        assert_eq!(version_site(&p), None);
        assert_eq!(
            parse_version_path("records/customer/2026/000/CUS-2026-000123.v0002.hz.toml"),
            None
        );
        assert_eq!(
            parse_version_path(&p),
            Some(("customer", "CUS-2026-000123", 1))
        );
        assert_eq!(
            record_dir("customer", "CUS-2026-1234567"),
            "records/customer/2026/1234/CUS-2026-1234567"
        );
        // In folders its id does not give, a version is no version.
        assert_eq!(
            parse_version_path("records/customer/2026/001/CUS-2026-000123.v0001.toml"),
            None
        );
        // Archived papers sit in the record's own folder and are no version.
        assert_eq!(
            parse_version_path("records/customer/2026/000/CUS-2026-000123/attachments/x"),
            None
        );
        assert_eq!(
            actor_path("wang.fang", 1),
            "records/_actors/wang.fang/v0001.toml"
        );
    }

    /// Records written in the layouts of earlier stores are found where they are.
    #[test]
    fn earlier_layouts_are_read_where_they_are() {
        let folders = "records/customer/2026/000/CUS-2026-000123/v0002.HZ.toml";
        assert_eq!(
            parse_version_path(folders),
            Some(("customer", "CUS-2026-000123", 2))
        );
        assert_eq!(layout_of(folders), Layout::Folders);
        assert_eq!(version_site(folders), Some("HZ"));
        assert_eq!(
            path_in(
                Layout::Folders,
                "customer",
                "CUS-2026-000123",
                2,
                Some("HZ")
            ),
            folders
        );
        assert_eq!(
            parse_version_path("records/customer/2026/001/CUS-2026-000123/v0001.toml"),
            None
        );
        let flat = "records/customer/CUS-2026-000123/v0002.toml";
        assert_eq!(
            parse_version_path(flat),
            Some(("customer", "CUS-2026-000123", 2))
        );
        assert_eq!(layout_of(flat), Layout::Flat);
        assert_eq!(
            path_in(Layout::Flat, "customer", "CUS-2026-000123", 2, None),
            flat
        );
        for layout in [Layout::Flat, Layout::Folders, Layout::Files] {
            assert_eq!(Layout::from_code(layout.code()), Some(layout));
        }
        assert_eq!(Layout::from_code(3), None);
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

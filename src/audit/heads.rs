//! The current version of every record, packed: an index built from genesis (`verify`'s,
//! or a first run's) holds one per record, so at a million records each byte of a head
//! is a megabyte. A head is 72 bytes and its id one allocation: the hash as bytes, the
//! kind and department as numbers into a table of names, instead of three strings.

use super::index::RecordHead;
use crate::layout::Layout;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A record's current version as held: `RecordHead` without an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    sha: [u8; 32],
    changed: u64,
    line: u64,
    version: u32,
    /// Into `Heads::names`.
    kind: u32,
    /// Into `Heads::names`, plus one; 0: none (the centre).
    department: u32,
    /// Into `Heads::names`, plus one; 0: none (the first site's file).
    site: u32,
    layout: Layout,
    /// `verify` read this version's file and found it as logged.
    checked: bool,
    /// The logged hash is not 64 lowercase hex digits: kept as written in `Heads::odd`,
    /// so it is compared (and fails) exactly as logged.
    odd: bool,
}

/// Which file of a record a version path names: (kind, version, layout, site).
pub type FileAt<'a> = (&'a str, u32, Layout, Option<&'a str>);

/// Record id → its current version, in id order.
#[derive(Default)]
pub struct Heads {
    heads: BTreeMap<Box<str>, Packed>,
    /// Each kind and department name once.
    names: Vec<Arc<str>>,
    name_numbers: HashMap<Arc<str>, u32>,
    /// The hashes not held as bytes (see `Packed::odd`), by record id.
    odd: HashMap<Box<str>, String>,
}

impl Heads {
    /// The shared name `name`, and its number.
    pub fn intern(&mut self, name: &str) -> (Arc<str>, u32) {
        if let Some(&n) = self.name_numbers.get(name) {
            return (self.names[n as usize].clone(), n);
        }
        let shared: Arc<str> = Arc::from(name);
        let n = u32::try_from(self.names.len()).expect("fewer than 2^32 kind and department names");
        self.names.push(shared.clone());
        self.name_numbers.insert(shared.clone(), n);
        (shared, n)
    }

    /// Make `head` record `id`'s current version; whether the one it replaces was checked.
    pub fn insert(&mut self, id: &str, head: &RecordHead) -> bool {
        let sha = parse_sha(&head.sha256);
        let kind = self.intern(&head.kind).1;
        let department = head
            .department
            .as_deref()
            .map_or(0, |d| self.intern(d).1 + 1);
        let site = head.site.as_deref().map_or(0, |s| self.intern(s).1 + 1);
        let packed = Packed {
            site,
            line: head.line,
            sha: sha.unwrap_or([0; 32]),
            changed: head.changed,
            version: head.version,
            kind,
            department,
            layout: head.layout,
            checked: false,
            odd: sha.is_none(),
        };
        if packed.odd {
            self.odd.insert(id.into(), head.sha256.clone());
        } else if !self.odd.is_empty() {
            self.odd.remove(id);
        }
        self.heads
            .insert(id.into(), packed)
            .is_some_and(|old| old.checked)
    }

    /// Note that the file of record `id`'s current version, when that is the file `at`
    /// names, was read and found as logged; whether it was.
    pub fn mark_checked(&mut self, id: &str, at: FileAt) -> bool {
        let Some(p) = self.heads.get(id) else {
            return false;
        };
        if !self.is_at(p, at) {
            return false;
        }
        self.heads.get_mut(id).expect("just found").checked = true;
        true
    }

    /// Whether record `id`'s current version is the file `at` names, and it was checked.
    pub fn is_checked(&self, id: &str, at: FileAt) -> bool {
        self.heads
            .get(id)
            .is_some_and(|p| p.checked && self.is_at(p, at))
    }

    /// Whether `p` is the file `at` names, without making the path.
    fn is_at(&self, p: &Packed, (kind, version, layout, site): FileAt) -> bool {
        let name = |n: u32| n.checked_sub(1).map(|n| &*self.names[n as usize]);
        p.version == version
            && p.layout == layout
            && &*self.names[p.kind as usize] == kind
            && name(p.site) == site
    }

    pub fn get(&self, id: &str) -> Option<RecordHead> {
        self.heads.get(id).map(|p| self.unpack(id, p))
    }

    pub fn contains(&self, id: &str) -> bool {
        self.heads.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// Every record's id, in id order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.heads.keys().map(|k| &**k)
    }

    /// Every record, its current version and whether that version's file was checked.
    pub fn iter_noting_checked(&self) -> impl Iterator<Item = (&str, RecordHead, bool)> {
        self.heads
            .iter()
            .map(|(id, p)| (&**id, self.unpack(id, p), p.checked))
    }

    /// Every record and its current version, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, RecordHead)> {
        self.heads.iter().map(|(id, p)| (&**id, self.unpack(id, p)))
    }

    /// The first record after `after` (from the first, without), in id order.
    pub fn first_after(&self, after: Option<&str>) -> Option<(&str, RecordHead)> {
        use std::ops::Bound::{Excluded, Unbounded};
        let mut range = match after {
            None => self.heads.range::<str, _>((Unbounded, Unbounded)),
            Some(a) => self.heads.range::<str, _>((Excluded(a), Unbounded)),
        };
        range.next().map(|(id, p)| (&**id, self.unpack(id, p)))
    }

    fn unpack(&self, id: &str, p: &Packed) -> RecordHead {
        RecordHead {
            kind: self.names[p.kind as usize].to_string(),
            version: p.version,
            sha256: match p.odd {
                false => crate::layout::hex(&p.sha),
                true => self.odd.get(id).cloned().unwrap_or_default(),
            },
            department: p
                .department
                .checked_sub(1)
                .map(|d| self.names[d as usize].clone()),
            layout: p.layout,
            changed: p.changed,
            line: p.line,
            site: p
                .site
                .checked_sub(1)
                .map(|n| self.names[n as usize].clone()),
        }
    }
}

/// 64 lowercase hex digits as the 32 bytes they spell; anything else is not parsed, so
/// it round-trips exactly as logged.
fn parse_sha(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(kind: &str, sha: &str, department: Option<&str>) -> RecordHead {
        RecordHead {
            kind: kind.into(),
            version: 3,
            sha256: sha.into(),
            department: department.map(Arc::from),
            layout: Layout::Files,
            changed: 41,
            site: None,
            line: 41,
        }
    }

    #[test]
    fn a_head_comes_back_as_it_went_in_whatever_its_hash_says() {
        let mut heads = Heads::default();
        let sha = crate::layout::sha256_hex(b"v");
        let cases = [
            (
                "CUS-2026-000001",
                head("customer", &sha, Some("城东营业所")),
            ),
            ("CON-2026-000001", head("contract", &sha, None)),
            (
                "CUS-2026-000002",
                head("customer", &sha.to_uppercase(), None),
            ),
            ("CUS-2026-000003", head("customer", "not a hash", None)),
        ];
        for (id, h) in &cases {
            heads.insert(id, h);
        }
        for (id, h) in &cases {
            assert_eq!(heads.get(id).as_ref(), Some(h), "{id}");
        }
        // A record whose odd hash is replaced by a plain one forgets the odd one.
        heads.insert("CUS-2026-000003", &cases[0].1);
        assert_eq!(heads.get("CUS-2026-000003"), Some(cases[0].1.clone()));
        let ids: Vec<&str> = heads.ids().collect();
        assert_eq!(
            ids,
            [
                "CON-2026-000001",
                "CUS-2026-000001",
                "CUS-2026-000002",
                "CUS-2026-000003"
            ]
        );
        assert_eq!(
            heads.first_after(Some("CUS-2026-000001")).unwrap().0,
            "CUS-2026-000002"
        );
        assert_eq!(heads.first_after(None).unwrap().0, "CON-2026-000001");
        assert!(heads.first_after(Some("CUS-2026-000003")).is_none());
        let at = |version| ("customer", version, Layout::Files, None);
        assert!(
            !heads.mark_checked("CUS-2026-000001", at(2)),
            "not its current version"
        );
        assert!(!heads.mark_checked("CUS-2026-000001", ("contract", 3, Layout::Files, None)));
        assert!(!heads.mark_checked("CUS-2026-000001", ("customer", 3, Layout::Folders, None)));
        assert!(!heads.mark_checked("CUS-2026-000001", ("customer", 3, Layout::Flat, None)));
        let at_hz = ("customer", 3, Layout::Files, Some("HZ"));
        assert!(
            !heads.mark_checked("CUS-2026-000001", at_hz),
            "another site's file"
        );
        assert!(heads.mark_checked("CUS-2026-000001", at(3)));
        assert!(heads.is_checked("CUS-2026-000001", at(3)));
        assert!(!heads.is_checked("CUS-2026-000002", at(3)));
        let next = RecordHead {
            version: 4,
            ..cases[0].1.clone()
        };
        assert!(
            heads.insert("CUS-2026-000001", &next),
            "the one replaced was checked"
        );
        assert!(!heads.is_checked("CUS-2026-000001", at(4)));
    }
}

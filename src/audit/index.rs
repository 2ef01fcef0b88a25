//! What the log says the store holds: the current version of every record and actor with
//! its file's hash, and the hash of every other file ever logged (older versions,
//! attachments). Built during the chain walk from genesis, or read from a settled copy
//! on disk as of a checkpoint (`Settled`), with the entries after it held in memory on
//! top: a command looks up the few records it needs instead of loading them all.

use super::conflict::{SetAside, SetAsides, TxnSeen};
use super::entry::{Entry, FileHash};
use super::heads::{FileAt, Heads};
use crate::layout::{ACTORS_DIR, Layout, layout_of, parse_policy_copy, parse_version_path};

/// The act that applies a policy version (and the record it is logged under).
pub const POLICY_ACT: &str = "policy";
/// The act that settles a conflict between sites on a record.
pub const RESOLVE_ACT: &str = "resolve";
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordHead {
    pub kind: String,
    pub version: u32,
    /// SHA-256 (hex) of the current version's file.
    pub sha256: String,
    /// The department the record was filed under when created (R-B2), as its signed
    /// entry says; none: the centre.
    pub department: Option<Arc<str>>,
    /// How the record's files are laid out: as its first version was written.
    pub layout: Layout,
    /// The entry that wrote the current version.
    pub changed: u64,
    /// The site whose name the current version's file carries (`v0002.HZ.toml`); none:
    /// the first site's (`v0002.toml`).
    pub site: Option<Arc<str>>,
    /// The entry that wrote the current version, numbered in its own site's log: what
    /// another site must have read to have known this version (`audit::conflict`).
    pub line: u64,
}

impl RecordHead {
    /// The record's own folder, in the layout it was created in: where its archived
    /// papers go (and its versions, in the layouts of earlier stores).
    pub fn dir(&self, id: &str) -> String {
        match self.layout {
            Layout::Flat => crate::layout::flat_record_dir(&self.kind, id),
            Layout::Folders | Layout::Files => crate::layout::record_dir(&self.kind, id),
        }
    }

    /// Where the record's current version lives.
    pub fn file(&self, id: &str) -> String {
        self.version_path(id, self.version, self.site.as_deref())
    }

    /// Where version `version` of the record lives when site `site` wrote it (none: the
    /// first site).
    pub fn version_path(&self, id: &str, version: u32, site: Option<&str>) -> String {
        crate::layout::path_in(self.layout, &self.kind, id, version, site)
    }
}

/// The index as of a checkpoint, kept on disk and read in part (`cache::index`). Every
/// answer is as of that checkpoint; `LogIndex` lays the entries after it on top.
pub trait Settled: Send + Sync {
    fn record(&self, id: &str) -> Option<RecordHead>;
    /// The id of the record whose id is `id` but for case.
    fn record_ignoring_case(&self, id: &str) -> Option<String>;
    /// Up to `limit` records after `after` (from the first without), in id order.
    fn records_after(&self, after: Option<&str>, limit: usize) -> Vec<(String, RecordHead)>;
    fn record_count(&self) -> usize;
    /// The records whose current version was written after entry `entry`.
    fn changed_after(&self, entry: u64) -> Vec<(String, RecordHead)>;
    /// The logged hash of a file that is not a record's current version.
    fn file_sha(&self, path: &str) -> Option<String>;
    /// The highest number given under an id stem (`CUS-2026-`), 0 if none.
    fn last_number(&self, stem: &str) -> u32;
    fn is_archive_number(&self, number: &str) -> bool;
    fn legacy_id(&self, kind: &str, legacy: &str) -> Option<String>;
    fn imported_as(&self, fingerprint: &str) -> Option<String>;
    /// The settled copy as what it is, for the cache that writes into it.
    fn as_any(&self) -> &dyn std::any::Any;
    /// How many files it logs: current versions and the others.
    fn file_count(&self) -> usize;
    /// Up to `limit` of the files that are not a current version, after `after` (from
    /// the first without), in path order, with their hashes.
    fn files_after(&self, after: Option<&str>, limit: usize) -> Vec<(String, String)>;
    /// The hash logged for the file at `path`, and whether it was read and found as
    /// logged (noted only in `verify`'s copy on disk).
    fn logged(&self, path: &str) -> Option<(String, bool)>;
}

/// How many records a walk over a settled index reads from it at a time.
const PAGE: usize = 4096;

#[derive(Default)]
pub struct LogIndex {
    /// The index as of a checkpoint; what follows is what the entries after it add.
    base: Option<Box<dyn Settled>>,
    /// Where the settled copy was taken.
    settled_at: Option<super::Head>,
    /// path → sha256 of every logged file that is not a record's current version (files
    /// are immutable once written). Kept apart so a store of 100,000 single-version
    /// records carries 100,000 hashes, not 200,000 entries.
    other_files: HashMap<String, String>,
    /// record id → its current version.
    records: Heads,
    /// actor name → its current register version (few: always held whole).
    pub actors: BTreeMap<String, u32>,
    /// Archive numbers assigned (R-C15).
    archive_numbers: HashSet<String>,
    /// Id stem (`CUS-2026-`, `ARC-2026-`) → the highest number given under it.
    numbers: HashMap<String, u32>,
    /// (kind, legacy number) → record id, for imports and references to legacy numbers.
    legacy: HashMap<(String, String), String>,
    /// Content fingerprint of an imported row → record id, to skip re-imports.
    fingerprints: HashMap<String, String>,
    /// Every applied policy version (few: always held whole): source file
    /// (`schemas/customer.toml`) → the SHA-256 of its copy in the store.
    pub policies: BTreeMap<u32, BTreeMap<String, String>>,
    /// Files other than a record's current version that `verify` read and found as
    /// logged (by `layout::path_key`); a current version's is a bit of its head.
    checked_older: HashSet<u128>,
    /// Kept only by an index some command reads them from: `verify`'s never looks up a
    /// legacy number or an import's fingerprint, and a million of them are 200 MB.
    lean: bool,
    /// The records written to a copy on disk by `forget_spilled` (`verify`'s): one not
    /// among them is not looked up there.
    spilled: Option<crate::bloom::Bloom>,
    /// Record id → the acts set aside on it by a conflict between sites (few: held whole).
    pub conflicts: BTreeMap<String, SetAsides>,
    /// Record id → the records its current terms were allowed to share a unique value
    /// with, as its act logged (`--allow-duplicate`), when one of them was numbered at
    /// another site (few: held whole).
    pub allowed: BTreeMap<String, Vec<String>>,
    /// In a merged walk of several sites' logs, what the transaction being added had read
    /// (`begin_txn`); none: an act of this clone's own, which had read all it holds.
    txn: Option<TxnSeen>,
    /// The conflicts or allowances changed since it was loaded: written back then.
    small_parts_changed: bool,
}

/// What the entries after a settled index's checkpoint added, to write into it.
pub struct Added<'a> {
    pub records: &'a Heads,
    pub other_files: &'a HashMap<String, String>,
    pub archive_numbers: &'a HashSet<String>,
    pub numbers: &'a HashMap<String, u32>,
    pub legacy: &'a HashMap<(String, String), String>,
    pub fingerprints: &'a HashMap<String, String>,
    pub actors: &'a BTreeMap<String, u32>,
    pub policies: &'a BTreeMap<u32, BTreeMap<String, String>>,
    pub conflicts: &'a BTreeMap<String, SetAsides>,
    pub allowed: &'a BTreeMap<String, Vec<String>>,
    /// Whether the conflicts or allowances changed since the index was loaded.
    pub small_parts_changed: bool,
}

impl LogIndex {
    /// The index a settled copy holds, with its small parts (actors, policies) in hand.
    pub fn settled(
        base: Box<dyn Settled>,
        at: super::Head,
        actors: BTreeMap<String, u32>,
        policies: BTreeMap<u32, BTreeMap<String, String>>,
    ) -> LogIndex {
        LogIndex {
            base: Some(base),
            settled_at: Some(at),
            actors,
            policies,
            ..LogIndex::default()
        }
    }

    /// An index built from genesis for checking alone on a copy on disk, empty at first
    /// (`verify`'s, which writes what it adds there from time to time: `spill`).
    pub fn lean_on(base: Box<dyn Settled>) -> LogIndex {
        LogIndex {
            base: Some(base),
            settled_at: Some(super::Head::genesis()),
            spilled: Some(crate::bloom::Bloom::default()),
            ..LogIndex::lean()
        }
    }

    /// An index built from genesis for checking alone (`verify`): it keeps no legacy
    /// numbers or fingerprints, which only imports look up.
    pub fn lean() -> LogIndex {
        LogIndex {
            lean: true,
            ..LogIndex::default()
        }
    }

    /// Where the settled copy it reads from was taken (none: built whole in memory).
    pub fn settled_at(&self) -> Option<&super::Head> {
        self.settled_at.as_ref()
    }

    /// The settled copy it reads from, if any.
    pub fn base(&self) -> Option<&dyn Settled> {
        self.base.as_deref()
    }

    /// Forget what was written to a copy on disk that holds nothing else (`verify`'s),
    /// noting which records it now holds.
    pub fn forget_spilled(&mut self) {
        if let Some(bloom) = &mut self.spilled {
            for id in self.records.ids() {
                bloom.insert(crate::bloom::key_of(id));
            }
        }
        self.forget_written();
    }

    /// Forget what was added on top of the settled copy, once written into it: the
    /// records, files, archive and legacy numbers and fingerprints. The small parts
    /// (numbers per id stem, actors, policies) stay, to be written whole at the end.
    pub fn forget_written(&mut self) {
        self.checked_older = HashSet::new();
        self.records = Heads::default();
        self.other_files = HashMap::new();
        self.archive_numbers = HashSet::new();
        self.legacy = HashMap::new();
        self.fingerprints = HashMap::new();
    }

    /// How many records and other files were added on top of the settled copy.
    pub fn added_count(&self) -> usize {
        self.records.len() + self.other_files.len()
    }

    /// What was added on top of the settled copy (or all of it, without one).
    pub fn added(&self) -> Added<'_> {
        Added {
            records: &self.records,
            other_files: &self.other_files,
            archive_numbers: &self.archive_numbers,
            numbers: &self.numbers,
            legacy: &self.legacy,
            fingerprints: &self.fingerprints,
            actors: &self.actors,
            policies: &self.policies,
            conflicts: &self.conflicts,
            allowed: &self.allowed,
            small_parts_changed: self.small_parts_changed,
        }
    }

    pub fn add(&mut self, entry: &Entry) {
        self.add_at(entry, entry.seq);
    }

    /// `add`, the entry being the `position`th of the history: its line in a store of one
    /// log, its place in the merged order of several (`audit::merge`), which a record's
    /// `changed` keeps so the rows made up to a position know what changed since.
    pub fn add_at(&mut self, entry: &Entry, position: u64) {
        if let Some(txn) = &mut self.txn {
            txn.note(entry);
        }
        if entry.action == RESOLVE_ACT {
            self.close_set_asides(entry, position);
        }
        // The file of the version the entry writes, each path parsed once.
        let mut version_file = None;
        for f in &entry.files {
            let parsed = parse_version_path(&f.path).filter(|(_, _, v)| *v == entry.version);
            if parsed.is_some() && version_file.is_none() {
                version_file = Some(f);
            }
            let is_new_head =
                parsed.is_some_and(|(kind, id, _)| kind != ACTORS_DIR && id == entry.record);
            if !is_new_head {
                self.other_files.insert(f.path.clone(), f.sha256.clone());
            }
        }
        if entry.action == POLICY_ACT {
            let files = entry
                .files
                .iter()
                .filter_map(|f| {
                    let (_, source) = parse_policy_copy(&f.path)?;
                    Some((source.to_string(), f.sha256.clone()))
                })
                .collect();
            self.policies.insert(entry.version, files);
        }
        if let Some(n) = entry.detail.get("archive_number") {
            self.count(n);
            self.archive_numbers.insert(n.clone());
        }
        if entry.record.is_empty() || entry.version == 0 {
            return;
        }
        let Some(file) = version_file else {
            return;
        };
        let kind = file.path.split('/').nth(1).unwrap_or_default().to_string();
        if kind == ACTORS_DIR {
            self.actors.insert(entry.record.clone(), entry.version);
            return;
        }
        if let Some(l) = entry.detail.get("legacy_no").filter(|_| !self.lean) {
            self.legacy
                .insert((kind.clone(), l.clone()), entry.record.clone());
        }
        if let Some(f) = entry.detail.get("fingerprint").filter(|_| !self.lean) {
            self.fingerprints.insert(f.clone(), entry.record.clone());
        }
        let old = self.record(&entry.record);
        if let Some(aside) = old
            .as_ref()
            .and_then(|head| self.set_aside(head, entry, file, position))
        {
            // Kept as an ordinary logged file; the record stays as it was.
            self.other_files
                .insert(file.path.clone(), file.sha256.clone());
            self.conflicts
                .entry(entry.record.clone())
                .or_default()
                .push(aside);
            self.small_parts_changed = true;
            return;
        }
        // A record keeps the department it was created under.
        let department = match &old {
            Some(old) => old.department.clone(),
            None => {
                self.count(&entry.record);
                entry.detail.get("department").map(|d| self.department(d))
            }
        };
        let head = RecordHead {
            kind,
            version: entry.version,
            sha256: file.sha256.clone(),
            department,
            layout: layout_of(&file.path),
            changed: position,
            site: crate::layout::version_site(&file.path).map(|s| self.records.intern(s).0),
            line: entry.seq,
        };
        if matches!(
            entry.action.as_str(),
            "create" | "import" | "amend" | RESOLVE_ACT
        ) {
            self.note_allowed(entry);
        }

        let old_in_memory = self.records.contains(&entry.record);
        let old_checked = self.records.insert(&entry.record, &head);
        if let Some(old) = old {
            // The superseded version stays logged as an ordinary file.
            let path = old.file(&entry.record);
            // A head written to `verify`'s copy on disk has its mark there (only that copy
            // keeps marks: a settled index is not asked).
            let checked_on_disk = || {
                let base = self.spilled.as_ref().and(self.base_for(&entry.record));
                base.and_then(|b| b.logged(&path)).is_some_and(|(_, c)| c)
            };
            if old_checked || (!old_in_memory && checked_on_disk()) {
                self.checked_older.insert(crate::layout::path_key(&path));
            }
            self.other_files.insert(path, old.sha256);
        }
    }

    /// The act `entry` writes `file` as the next version of a record another site's act
    /// had moved on without this act's site knowing: set aside. Its site's file names
    /// the site, so the two acts wrote two files; the merged order placed this one second.
    /// An act on a record whose current version was written at another site is set aside
    /// when its transaction had not read that version's entry, or when its version is not
    /// the current one's next (it was taken on an older state); and one that follows its
    /// site's own act set aside continues it (once a site has read the conflict, docket
    /// lets it only resolve it). A record is created once: a second create is for replay
    /// to name, not a conflict.
    fn set_aside(
        &self,
        head: &RecordHead,
        entry: &Entry,
        file: &FileHash,
        position: u64,
    ) -> Option<SetAside> {
        if matches!(entry.action.as_str(), "create" | "import") {
            return None;
        }
        let site = crate::layout::version_site(&file.path);
        let resolves = entry.action == RESOLVE_ACT;
        let continues = !resolves
            && self.conflicts.get(&entry.record).is_some_and(|asides| {
                asides.iter().any(|a| {
                    a.resolved.is_none()
                        && a.site.as_deref() == site
                        && a.version + 1 == entry.version
                })
            });
        let elsewhere = head.site.as_deref() != site;
        let behind = elsewhere && entry.version <= head.version;
        let unread = elsewhere
            && self
                .txn
                .as_ref()
                .is_some_and(|t| !t.had_read(entry, head.site.as_deref(), head.line));
        (continues || behind || unread).then(|| SetAside {
            path: file.path.clone(),
            sha256: file.sha256.clone(),
            version: entry.version,
            site: site.map(str::to_string),
            action: entry.action.clone(),
            actor: entry.actor.clone(),
            time: entry.time.clone(),
            position,
            line: entry.seq,
            resolved: None,
        })
    }

    /// A resolve closes the acts set aside that it names (`settles`): one set aside after
    /// the resolver had read the conflict stays open, for the next resolve.
    fn close_set_asides(&mut self, entry: &Entry, position: u64) {
        let named = entry
            .detail
            .get("settles")
            .map(|s| super::act::split_list(s))
            .unwrap_or_default();
        if let Some(asides) = self.conflicts.get_mut(&entry.record) {
            for a in asides.iter_mut() {
                if a.resolved.is_none() && named.contains(&a.path) {
                    a.resolved = Some(position);
                    self.small_parts_changed = true;
                }
            }
        }
    }

    /// The transaction that follows comes from `log`, in a merged walk of several sites'
    /// logs whose first site is `first`.
    pub fn begin_txn(&mut self, log: &crate::layout::SiteLog, first: &str) {
        self.txn = Some(TxnSeen::new(&log.code, first));
    }

    /// The merged walk is over: what follows is this clone's own.
    pub fn end_txn(&mut self) {
        self.txn = None;
    }

    /// Whether the transaction being added (of which `e` is an entry) had read entry
    /// `line` of the log of the site a version file's name gives (none: the first).
    pub fn had_read(&self, e: &Entry, site: Option<&str>, line: u64) -> bool {
        self.txn.as_ref().is_none_or(|t| t.had_read(e, site, line))
    }

    /// Whether `entry`, writing `file` on the record whose current version is `head`, is
    /// set aside by a conflict (as `add_at` decides).
    pub fn sets_aside(&self, head: &RecordHead, entry: &Entry, file: &FileHash) -> bool {
        self.set_aside(head, entry, file, 0).is_some()
    }

    /// The acts set aside on record `id` and not yet resolved.
    pub fn open_conflict(&self, id: &str) -> Option<&[SetAside]> {
        self.conflicts
            .get(id)
            .filter(|a| super::conflict::is_open(a))
            .map(Vec::as_slice)
    }

    /// Whether the version file at `path` holds an act set aside by a conflict.
    pub fn is_set_aside(&self, path: &str) -> bool {
        parse_version_path(path).is_some_and(|(_, id, _)| {
            self.conflicts
                .get(id)
                .is_some_and(|a| a.iter().any(|a| a.path == path))
        })
    }

    /// Note which records `entry`'s new terms were allowed to share a unique value with:
    /// only allowances across sites are kept, what `status` asks of them.
    fn note_allowed(&mut self, entry: &Entry) {
        let site = crate::store::ids::site_of_id;
        let of = entry
            .detail
            .get("duplicate_of")
            .map(|of| super::act::split_list(of))
            .filter(|of| of.iter().any(|o| site(o) != site(&entry.record)));
        match of {
            Some(of) => {
                self.allowed.insert(entry.record.clone(), of);
                self.small_parts_changed = true;
            }
            None if !self.allowed.is_empty() => {
                self.small_parts_changed |= self.allowed.remove(&entry.record).is_some();
            }
            None => {}
        }
    }

    /// Note a numbered id or archive number as given.
    fn count(&mut self, id: &str) {
        if let Some((stem, n)) = crate::store::ids::numbered(id) {
            let last = self.numbers.entry(stem.to_string()).or_default();
            *last = (*last).max(n);
        }
    }

    /// The shared name of department `name`.
    pub fn department(&mut self, name: &str) -> Arc<str> {
        self.records.intern(name).0
    }

    /// The current version of record `id`.
    pub fn record(&self, id: &str) -> Option<RecordHead> {
        match self.records.get(id) {
            Some(head) => Some(head),
            None => self.base_for(id)?.record(id),
        }
    }

    /// The copy on disk, where record `id` may be.
    fn base_for(&self, id: &str) -> Option<&dyn Settled> {
        let may_be = |b: &crate::bloom::Bloom| b.may_hold(crate::bloom::key_of(id));
        match &self.spilled {
            Some(bloom) if !may_be(bloom) => None,
            _ => self.base.as_deref(),
        }
    }

    pub fn contains_record(&self, id: &str) -> bool {
        self.records.contains(id) || self.base_for(id).is_some_and(|b| b.record(id).is_some())
    }

    /// The id as the store spells it, if a record's id is `id` but for case.
    pub fn record_ignoring_case(&self, id: &str) -> Option<String> {
        if self.contains_record(id) {
            return Some(id.to_string());
        }
        let upper = id.to_ascii_uppercase();
        if self.contains_record(&upper) {
            return Some(upper);
        }
        self.records
            .ids()
            .find(|k| k.eq_ignore_ascii_case(id))
            .map(str::to_string)
            .or_else(|| self.base.as_ref()?.record_ignoring_case(id))
    }

    /// Every record's current version, in id order.
    pub fn records(&self) -> Records<'_> {
        Records {
            index: self,
            page: VecDeque::new(),
            after: None,
            base_done: self.base.is_none(),
            top_after: None,
        }
    }

    /// The records whose current version was written after entry `entry`.
    pub fn changed_after(&self, entry: u64) -> Vec<(String, RecordHead)> {
        let mut out: BTreeMap<String, RecordHead> = match &self.base {
            Some(base) => base.changed_after(entry).into_iter().collect(),
            None => BTreeMap::new(),
        };
        for (id, head) in self.records.iter() {
            if head.changed > entry {
                out.insert(id.to_string(), head);
            }
        }
        out.into_iter().collect()
    }

    pub fn record_count(&self) -> usize {
        let Some(base) = &self.base else {
            return self.records.len();
        };
        let new = self
            .records
            .ids()
            .filter(|id| self.base_for(id).is_none_or(|b| b.record(id).is_none()));
        base.record_count() + new.count()
    }

    /// The next id under `prefix` in `year`, after the highest given.
    pub fn next_id(&self, prefix: &str, year: i32) -> String {
        let stem = crate::store::ids::id_stem(prefix, year);
        crate::store::ids::after(&stem, self.last_number(&stem))
    }

    /// The highest number given under `stem`, 0 if none.
    pub fn last_number(&self, stem: &str) -> u32 {
        let top = self.numbers.get(stem).copied().unwrap_or(0);
        let base = self.base.as_ref().map_or(0, |b| b.last_number(stem));
        top.max(base)
    }

    pub fn is_archive_number(&self, number: &str) -> bool {
        self.archive_numbers.contains(number)
            || self
                .base
                .as_ref()
                .is_some_and(|b| b.is_archive_number(number))
    }

    /// The record imported under legacy number `legacy` of `kind`.
    pub fn legacy_id(&self, kind: &str, legacy: &str) -> Option<String> {
        let key = (kind.to_string(), legacy.to_string());
        match self.legacy.get(&key) {
            Some(id) => Some(id.clone()),
            None => self.base.as_ref()?.legacy_id(kind, legacy),
        }
    }

    /// The record an imported row with this content fingerprint became.
    pub fn imported_as(&self, fingerprint: &str) -> Option<String> {
        match self.fingerprints.get(fingerprint) {
            Some(id) => Some(id.clone()),
            None => self.base.as_ref()?.imported_as(fingerprint),
        }
    }

    /// The logged hash of a store file, if the log knows it.
    pub fn sha_of(&self, path: &str) -> Option<String> {
        if let Some((id, (kind, v, layout, site))) = head_of_path(path)
            && let Some(head) = self.record(id)
            && head.kind == kind
            && head.version == v
            && head.layout == layout
            && head.site.as_deref() == site
        {
            return Some(head.sha256);
        }
        match self.other_files.get(path) {
            Some(sha) => Some(sha.clone()),
            None => self.base.as_ref()?.file_sha(path),
        }
    }

    /// Note that the file at `path` was read and found as logged (by `verify`'s replay).
    pub fn mark_checked(&mut self, path: &str) {
        let is_head = head_of_path(path).is_some_and(|(id, at)| self.records.mark_checked(id, at));
        if !is_head {
            self.checked_older.insert(crate::layout::path_key(path));
        }
    }

    /// Whether the file at `path` was noted as read and found as logged.
    pub fn was_checked(&self, path: &str) -> bool {
        let head = head_of_path(path).is_some_and(|(id, at)| self.records.is_checked(id, at));
        head || self.checked_older.contains(&crate::layout::path_key(path))
    }

    /// The hash logged for the file at `path`, and whether it was read and found as
    /// logged: `sha_of` and `was_checked` in one look, on disk only when not in memory.
    pub fn logged(&self, path: &str) -> Option<(String, bool)> {
        if let Some((id, at)) = head_of_path(path)
            && let Some(head) = self.records.get(id)
            && (
                head.kind.as_str(),
                head.version,
                head.layout,
                head.site.as_deref(),
            ) == at
        {
            return Some((head.sha256, self.records.is_checked(id, at)));
        }
        if let Some(sha) = self.other_files.get(path) {
            let key = crate::layout::path_key(path);
            return Some((sha.clone(), self.checked_older.contains(&key)));
        }
        match &self.base {
            Some(base) => base.logged(path),
            None => None,
        }
    }

    /// Hold the index in memory alone, its copy on disk dropped: for an index that has
    /// all it added still in memory, so that a small store's `verify` looks nothing up on
    /// disk.
    pub fn drop_base(&mut self) {
        self.base = None;
        self.spilled = None;
        self.settled_at = None;
    }

    /// How many files `all_files` lists (a path listed twice counted twice). An index
    /// built from genesis: `verify`'s, whole in memory or written whole to its copy.
    pub fn file_count(&self) -> usize {
        match &self.base {
            Some(base) => {
                debug_assert!(self.records.is_empty() && self.other_files.is_empty());
                base.file_count()
            }
            None => self.records.len() + self.other_files.len(),
        }
    }

    /// Every logged file and its hash (an index built from genesis, as `file_count`).
    pub fn all_files(&self) -> Box<dyn Iterator<Item = (String, String)> + '_> {
        if self.base.is_some() {
            let heads = self.records().map(|(id, h)| (h.file(&id), h.sha256));
            return Box::new(heads.chain(BaseFiles {
                index: self,
                page: VecDeque::new(),
                after: None,
                done: false,
            }));
        }
        let heads = self.records.iter().map(|(id, h)| (h.file(id), h.sha256));
        Box::new(heads.chain(self.other_files.iter().map(|(p, h)| (p.clone(), h.clone()))))
    }
}

/// The files a settled copy logs that are not a current version, a page at a time.
struct BaseFiles<'a> {
    index: &'a LogIndex,
    page: VecDeque<(String, String)>,
    after: Option<String>,
    done: bool,
}

impl Iterator for BaseFiles<'_> {
    type Item = (String, String);

    fn next(&mut self) -> Option<(String, String)> {
        if self.page.is_empty() && !self.done {
            let base = self.index.base.as_ref().expect("a base to read");
            self.page = base.files_after(self.after.as_deref(), PAGE).into();
            self.done = self.page.len() < PAGE;
            self.after = self.page.back().map(|(p, _)| p.clone());
        }
        self.page.pop_front()
    }
}

/// A version path as the record it belongs to and the file it names.
fn head_of_path(path: &str) -> Option<(&str, FileAt<'_>)> {
    let (kind, id, version) = parse_version_path(path)?;
    Some((
        id,
        (
            kind,
            version,
            layout_of(path),
            crate::layout::version_site(path),
        ),
    ))
}

/// Every record in id order: the settled copy's, read a page at a time, merged with those
/// added on top (which win).
pub struct Records<'a> {
    index: &'a LogIndex,
    page: VecDeque<(String, RecordHead)>,
    /// The last id read from the settled copy.
    after: Option<String>,
    base_done: bool,
    /// The last id taken from the top.
    top_after: Option<String>,
}

impl Records<'_> {
    fn next_top(&self) -> Option<(&str, RecordHead)> {
        self.index.records.first_after(self.top_after.as_deref())
    }

    fn next_base(&mut self) -> Option<&(String, RecordHead)> {
        if self.page.is_empty() && !self.base_done {
            let base = self.index.base.as_ref().expect("a base to read");
            self.page = base.records_after(self.after.as_deref(), PAGE).into();
            self.base_done = self.page.len() < PAGE;
            if let Some((id, _)) = self.page.back() {
                self.after = Some(id.clone());
            }
        }
        self.page.front()
    }
}

impl Iterator for Records<'_> {
    type Item = (String, RecordHead);

    fn next(&mut self) -> Option<(String, RecordHead)> {
        let top = self.next_top().map(|(id, h)| (id.to_string(), h));
        let base_id = self.next_base().map(|(id, _)| id.clone());
        match (top, base_id) {
            (None, None) => None,
            (Some(t), b) if b.as_ref().is_none_or(|b| t.0 <= *b) => {
                if b.as_ref() == Some(&t.0) {
                    self.page.pop_front();
                }
                self.top_after = Some(t.0.clone());
                Some(t)
            }
            _ => self.page.pop_front(),
        }
    }
}

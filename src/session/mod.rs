//! A command's view of an opened store, at one position of the log: the lock taken, the
//! chain checked (every link, and every signature since this machine last looked), the
//! log index, the schemas and the acting actor in good standing. Every command starts
//! here and reads it through methods; none changes it. Commands that write start from a
//! `Writer` (`writer`), which exists only under the exclusive lock and with the acting
//! actor's key in hand, and change the store only by a `journal::Transaction` begun on
//! it. The parts, one job each: `opening` (lock, log, policy in force), `reading` (the
//! log read from this machine's checkpoint), `acting` (who acts and what they reach),
//! `binding` (fields bound for the policy's expressions) and `writer`.

mod acting;
mod binding;
mod opening;
mod reading;
mod writer;

pub use binding::{Binding, Resolve, bind};
pub use opening::proposed_live;
pub use writer::Writer;

use crate::audit::chain::LogFiles;
use crate::audit::trust::Registry;
use crate::audit::{Entry, FileHash, Head, LogIndex};
use crate::cache::Caches;
use crate::clock;
use crate::error::{Error, Result};
use crate::judge::Context;
use crate::keys::KeySource;
use crate::layout::LogRoot;
use crate::policy::actors::Actor;
use crate::reader::unknown_id;
pub use crate::reader::{Policies, Reader};
use crate::schema::Schemas;
use crate::schema::expr::Engine;
use crate::store::Store;
use crate::store::lock::StoreLock;
use crate::store::version::Version;
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Options<'a> {
    pub actor: Option<String>,
    /// Where the acting actor's private key is found (writers only).
    pub keys: KeySource,
    /// Told once when another process holds the lock.
    pub on_wait: &'a dyn Fn(),
    /// Open a log whose last line is torn, so `recover` can repair it.
    pub recovering: bool,
    /// Open although the live policy files differ from the applied ones (`policy diff`,
    /// `policy apply`).
    pub policy_drift: bool,
}

/// The store as this command sees it: at one position of the log, read-only. Its parts
/// are read through the methods below; only a committed `journal::Transaction` moves it
/// (through its `Writer`).
pub struct Session {
    store: Store,
    schemas: Arc<Schemas>,
    /// Never freed: a command is one process, and freeing 100,000 small allocations at
    /// exit would cost more than most commands' own work.
    index: std::mem::ManuallyDrop<LogIndex>,
    head: Head,
    /// The staff register as the verified log built it: roles, keys, standing.
    registry: Registry,
    /// The log ends in a torn line (only when opened for recovery).
    torn_tail: bool,
    now: DateTime<Tz>,
    actor: Option<Actor>,
    engine: Engine,
    /// Things the user should know that did not stop the command.
    warnings: Vec<String>,
    /// This machine's key for digests in its caches (none without a state folder).
    caches: Option<Caches>,
    /// Earlier policy versions' schemas, read when needed.
    policies: Policies,
    /// The site whose log this store's acts append to (the first site's for a clone
    /// that is no site).
    site_log: crate::layout::SiteLog,
    /// In a store of several sites, every log and its head as read; empty in a store of
    /// one. This clone's own is `head`, kept current across commits.
    sites: Vec<(crate::layout::SiteLog, Head)>,
    /// The settled index and rows on disk are of this view's heads (always, in a store of
    /// one site: they are brought up to them).
    settled: bool,
    /// Where the log's open segment begins, and its sealed segments as verified.
    log_files: LogFiles,
    witness_file: Option<PathBuf>,
    _lock: StoreLock,
}

impl Session {
    /// The store's folder and its settings in force.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The schemas of the policy in force.
    pub fn schemas(&self) -> &Arc<Schemas> {
        &self.schemas
    }

    /// What the log says of every record and file, as of `head`.
    pub fn index(&self) -> &LogIndex {
        &self.index
    }

    /// The position in the log this view is at.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// The staff register and the policy in force, as the log built them.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Whether the log ends in a torn line (only when opened for recovery).
    pub fn torn_tail(&self) -> bool {
        self.torn_tail
    }

    /// The log this store's acts append to.
    pub fn log(&self) -> &LogRoot {
        &self.site_log.root
    }

    /// The site this view's log is of: ids it gives are qualified by it unless it is the
    /// store's first site.
    pub fn site_log(&self) -> &crate::layout::SiteLog {
        &self.site_log
    }

    /// The staff register and the policy change at the store's first site only: every
    /// site judges acts by the register it had seen of that site's log (`audit::merge`).
    pub fn require_first_site(&self) -> Result<()> {
        if self.site_log.first {
            return Ok(());
        }
        let first = &self.store.config.store.site_code;
        Err(Error::conflict(
            t!(
                "site-register-first-only",
                site = self.site_log.code.as_str()
            ),
            Some(
                t!(
                    "site-register-first-only-hint",
                    first = first,
                    site = self.site_log.code.as_str()
                )
                .to_string(),
            ),
        ))
    }

    /// Every site's log and how far this view has read it (the first site's alone in a
    /// store of one site).
    pub fn log_heads(&self) -> Vec<(crate::layout::SiteLog, Head)> {
        match self.sites.is_empty() {
            true => vec![(
                crate::layout::SiteLog::first(&self.store.config.store.site_code),
                self.head.clone(),
            )],
            false => self.sites.clone(),
        }
    }

    /// Whether the store has more than one site.
    pub fn has_sites(&self) -> bool {
        self.sites.len() > 1
    }

    /// How far this clone has read every other site's log, as the first entry of each of
    /// its transactions records it (`audit::merge`); empty in a store of one site.
    pub fn seen_heads(&self) -> BTreeMap<String, String> {
        self.sites
            .iter()
            .filter(|(log, _)| *log != self.site_log)
            .map(|(log, head)| (log.code.clone(), crate::audit::merge::seen_value(head)))
            .collect()
    }

    /// Where the log's open segment begins, and its sealed segments as verified.
    pub fn log_files(&self) -> &LogFiles {
        &self.log_files
    }

    /// This run's clock reading, in the store's zone: one instant for the whole command.
    pub fn now(&self) -> DateTime<Tz> {
        self.now
    }

    /// The acting actor, if the command acts as someone.
    pub fn acting(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The expression engine the policy's rules run on.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// This machine's key for digests in its caches (none without a state folder).
    pub fn caches(&self) -> Option<&Caches> {
        self.caches.as_ref()
    }

    /// Things the user should know that did not stop the command.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Tell the user something that does not stop the command.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// The rows a query, `pending` or a duplicate check reads, current for this run's log
    /// (`cache::rows`).
    pub fn rows(&self) -> Result<crate::cache::rows::Rows> {
        let mut rows =
            crate::cache::rows::Rows::open(self.caches.clone(), self.index_db().as_deref());
        // Up to this view's place in the history: in a store of several sites, the
        // entries of every log (records are indexed at their merged position).
        rows.bring_current(self.reader(), self.settled_key().entries)?;
        Ok(rows)
    }

    /// What the settled index is keyed by once it holds this view: the head, or in a
    /// store of several sites every log's head (this clone's own as of now).
    pub(crate) fn settled_key(&self) -> Head {
        if self.sites.is_empty() {
            return self.head.clone();
        }
        let heads: Vec<_> = self
            .sites
            .iter()
            .map(|(log, h)| match *log == self.site_log {
                true => (log.clone(), self.head.clone()),
                false => (log.clone(), h.clone()),
            })
            .collect();
        crate::audit::merge::combined_head(&heads)
    }

    /// This machine's settled index of the store (none without a state folder).
    pub fn index_db(&self) -> Option<PathBuf> {
        // A store of several sites whose index could not be settled for this run's heads
        // (`reading::read_sites`): what the database holds is of another state.
        if !self.settled {
            return None;
        }
        let witness = self.witness_file.as_deref()?;
        Some(crate::cache::index::path_for(witness))
    }

    /// The schemas of policy version `version` (the one in force, or an earlier one).
    pub fn schemas_at(&self, version: u32) -> Result<Arc<Schemas>> {
        self.reader().schemas_at(version)
    }

    /// The most characters a reason, comment, note or purpose may hold.
    pub fn max_text(&self) -> usize {
        self.store.config.policy.max_text_chars
    }

    /// Check a reason, comment or purpose given with `flag`: one line of plain text, at
    /// most `policy.max_text_chars`, that says something (no placeholder).
    pub fn stated(
        &self,
        flag: &str,
        text: &str,
    ) -> std::result::Result<(), crate::error::InputError> {
        crate::ops::input::stated(
            flag,
            text,
            (self.max_text(), self.today()),
            &self.store.config.policy.placeholders,
        )
    }

    /// Today in the store's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// Now, as entries and versions record it (with the zone's offset).
    pub fn timestamp(&self) -> String {
        clock::stamp(&self.now)
    }

    /// A reader of the store's logged files, shareable between threads.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            store: &self.store,
            index: &self.index,
            policy: self.registry.policy,
            schemas: &self.schemas,
            policies: &self.policies,
        }
    }

    /// Read a store file and check it against the hash the log holds for it (exit 3).
    pub fn read_logged(&self, rel: &str) -> Result<Vec<u8>> {
        self.reader().read_logged(rel)
    }

    pub fn load_actor(&self, name: &str) -> Result<Option<Actor>> {
        let Some(version) = self.index.actors.get(name) else {
            return Ok(None);
        };
        let rel = crate::layout::actor_path(name, *version);
        let text = String::from_utf8(self.read_logged(&rel)?)
            .map_err(|_| Error::integrity(&rel, t!("applied-not-utf")))?;
        Actor::parse(&rel, &text).map(Some)
    }

    pub fn unknown_id(&self, id: &str) -> Error {
        unknown_id(id)
    }

    /// The id as the store spells it: ids are matched regardless of case (`cus-2026-000001`
    /// is `CUS-2026-000001`).
    pub fn canonical_id(&self, id: &str) -> String {
        self.index
            .record_ignoring_case(id)
            .unwrap_or_else(|| id.to_string())
    }

    /// The current version of a record, checked against the log.
    pub fn load(&self, id: &str) -> Result<Version> {
        let head = self.index.record(id).ok_or_else(|| self.unknown_id(id))?;
        self.load_version(id, head.version)
    }

    /// A version of a record the acting actor's role reaches, checked against the log.
    pub fn load_version(&self, id: &str, version: u32) -> Result<Version> {
        self.require_reach(id)?;
        self.reader().load_version(id, version)
    }

    /// What judging a record needs, as the store stands now for the acting actor.
    pub fn context(&self) -> Context<'_> {
        Context {
            reader: self.reader(),
            engine: &self.engine,
            today: self.today(),
            reach: self.reach(),
            settings: &self.store.config.policy,
        }
    }

    /// A new audit entry by the acting actor (or `system` before one exists).
    pub fn entry(&self, action: &str, record: &str, version: u32, files: Vec<FileHash>) -> Entry {
        let (actor, role) = match &self.actor {
            Some(a) => (a.name.clone(), a.role.clone()),
            None => ("system".into(), String::new()),
        };
        Entry {
            seq: 0,
            time: self.timestamp(),
            actor,
            role,
            action: action.to_string(),
            txn: None,
            record: record.to_string(),
            version,
            files,
            detail: BTreeMap::new(),
            seen: BTreeMap::new(),
        }
    }
}

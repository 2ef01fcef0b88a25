//! A command's view of an opened store: the lock taken, the chain checked (every link,
//! and every signature since this machine last looked), the log index, the schemas and
//! the acting actor in good standing. Every command starts here; commands that write
//! start from a `Writer`, which exists only under the exclusive lock and with the acting
//! actor's key in hand.

mod reading;

use reading::read_log;

use crate::audit::chain::LogFiles;
use crate::audit::trust::Registry;
use crate::audit::{self, Entry, FileHash, Head, LogIndex};
use crate::cache::Caches;
use crate::cache::index::Parts;
use crate::clock;
use crate::error::{Error, Problem, Result};
use crate::journal::spool::Spool;
use crate::judge::{Context, Reach};
use crate::keys::{Key, KeySource, Signer};
use crate::layout::LOCK_NAME;
use crate::policy::actors::Actor;
use crate::policy::applied;
use crate::reader::unknown_id;
pub use crate::reader::{Policies, Reader};
use crate::schema::Schemas;
use crate::schema::expr::{Engine, Scope};
use crate::schema::kind::Kind;
use crate::schema::roles::{self, Role};
use crate::schema::value::{FieldType, Value};
use crate::store::Store;
use crate::store::lock::{LockMode, StoreLock};
use crate::store::version::Version;
use crate::witness::{self, Witness};
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A transaction's text beyond which its index is settled in parts (`Parts`): about
/// six thousand entries.
const PARTS_FROM: u64 = 4 << 20;

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

pub struct Session {
    pub store: Store,
    pub schemas: Arc<Schemas>,
    /// Never freed: a command is one process, and freeing 100,000 small allocations at
    /// exit would cost more than most commands' own work.
    pub index: std::mem::ManuallyDrop<LogIndex>,
    pub head: Head,
    /// The staff register as the verified log built it: roles, keys, standing.
    pub registry: Registry,
    /// The log ends in a torn line (only when opened for recovery).
    pub torn_tail: bool,
    pub now: DateTime<Tz>,
    pub actor: Option<Actor>,
    pub engine: Engine,
    /// Things the user should know that did not stop the command.
    pub warnings: Vec<String>,
    /// This machine's key for digests in its caches (none without a state folder).
    pub caches: Option<Caches>,
    /// Earlier policy versions' schemas, read when needed.
    pub policies: Policies,
    /// Where the log's open segment begins, and its sealed segments as verified.
    pub(crate) log_files: LogFiles,
    witness_file: Option<PathBuf>,
    _lock: StoreLock,
}

/// A session that may write: the exclusive lock is held and the acting actor's signer
/// found. Journals (the one way to change the store) are opened from it.
pub struct Writer {
    session: Session,
    pub(crate) signer: Signer,
}

impl std::ops::Deref for Writer {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl std::ops::DerefMut for Writer {
    fn deref_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

impl Writer {
    /// Open the store to write as the acting actor, signing with their registered key.
    pub fn open(store: Store, opts: Options) -> Result<Writer> {
        let session = Session::open_with(store, &opts, LockMode::Exclusive)?;
        let actor = session.actor()?.name.clone();
        let mut session = session;
        let skew = session.store.config.policy.clock_skew_seconds;
        if let Some(w) = clock::behind(&session.now, session.registry.last_time.as_deref(), skew) {
            session.warnings.push(w);
        }
        let key = session.registered_key(&actor)?;
        let signer = Signer::find(&actor, &key, &opts.keys)?;
        Ok(Writer { session, signer })
    }

    /// A writer on a store that has no log yet (`init`), acting as its first administrator.
    pub fn create(store: Store, admin: Actor, signer: Signer) -> Result<Writer> {
        let timeout = Duration::from_secs(store.config.policy.lock_timeout_seconds);
        let lock = StoreLock::acquire(&store.abs(LOCK_NAME), LockMode::Exclusive, timeout, &|| {})?;
        let schemas = Arc::new(Schemas::load(&store.schemas_dir(), "schemas")?);
        let now = clock::now(store.tz)?;
        let witness_file = witness::file_for(&store.config.store.id, &store.root);
        let caches = Caches::open();
        let session = Session {
            store,
            schemas,
            index: std::mem::ManuallyDrop::new(LogIndex::default()),
            head: Head::genesis(),
            registry: Registry::default(),
            torn_tail: false,
            now,
            actor: Some(admin),
            engine: Engine::default(),
            warnings: Vec::new(),
            caches,
            policies: Policies::default(),
            log_files: LogFiles::default(),
            witness_file,
            _lock: lock,
        };
        Ok(Writer { session, signer })
    }

    /// After a commit: the new head, what the entries add to the index and the register,
    /// and this machine's witness moved up to it. The entries are read back from the
    /// transaction's `lines`, a chunk at a time, as the next run would read them.
    pub(crate) fn committed(&mut self, head: Head, mut lines: Spool) {
        let s = &mut self.session;
        let skew = s.store.config.policy.clock_skew_seconds;
        // A big transaction is settled a part at a time, so its index is never held whole.
        let mut parts = (s.index_db().is_some() && lines.len() > PARTS_FROM)
            .then(|| Parts::begin(&s.index))
            .flatten();
        // A part that failed to be written leaves the earlier ones unsettled and forgotten
        // here: nothing more is settled from this run.
        let mut part_failed = false;
        let read_back = lines.each_chunk(
            |e| e,
            |chunk| {
                for line in chunk.lines() {
                    let entry = crate::audit::entry::split_line(line.as_bytes())
                        .and_then(|raw| serde_json::from_slice::<Entry>(raw.body).ok())
                        .expect("a line just encoded reads back");
                    s.index.add(&entry);
                    s.registry.apply(&entry);
                    if let Some(t) = clock::parse(&entry.time) {
                        s.registry.mark_time(entry.seq, t, &entry.time, skew);
                    }
                }
                if s.index.added().records.len() >= crate::cache::index::PART
                    && let Some(p) = parts.take()
                {
                    parts = p.write(&mut s.index);
                    part_failed = parts.is_none();
                }
                Ok(())
            },
        );
        s.head = head;
        s.remember();
        if let Err(e) = read_back {
            // The act is in the log; only this run's view of it is short. Nothing is
            // settled from it: the next run reads the entries from the log itself.
            s.warnings
                .push(t!("session-committed-not-read-back", e = e));
            return;
        }
        match (parts, s.index_db()) {
            _ if part_failed => {}
            (Some(parts), _) => parts.finish(&s.head, &mut s.index),
            (None, Some(db)) => crate::cache::index::settle(&db, &s.head, &mut s.index),
            (None, None) => {}
        }
    }
}

impl Writer {
    /// After a commit: seal the open segment if it has grown full. The act is committed
    /// whatever happens here; a failure leaves the segment open, and is told.
    pub(crate) fn seal_if_full(&mut self) {
        let s = &mut self.session;
        let start = &s.log_files.open_start;
        let first = start.entries + 1;
        match crate::audit::segments::seal_if_full(&s.store.root, first, s.head.len - start.len) {
            Ok(true) => s.log_files.open_start = s.head.clone(),
            Ok(false) => {}
            Err(e) => s.warnings.push(t!("session-segment-not-sealed", e = e)),
        }
    }
}

impl Session {
    /// Open the store to read: a shared lock, so writers wait until this command is done.
    /// Acting as someone, reading included, takes their key: `--as NAME` without it gives
    /// nothing a run without `--as` would not. The proof is a signature on a fresh
    /// challenge, checked here and written nowhere.
    pub fn open(store: Store, opts: Options) -> Result<Session> {
        let session = Session::open_with(store, &opts, LockMode::Shared)?;
        if let Some(name) = &opts.actor {
            let key = session.registered_key(name)?;
            Signer::find(name, &key, &opts.keys)?.prove()?;
        }
        Ok(session)
    }

    fn open_with(store: Store, opts: &Options, mode: LockMode) -> Result<Session> {
        if !crate::audit::segments::exists(&store.root) {
            return Err(Error::integrity(
                crate::layout::LOG_NAME,
                t!("session-audit-log-missing-without"),
            ));
        }
        let timeout = Duration::from_secs(store.config.policy.lock_timeout_seconds);
        let lock = StoreLock::acquire(&store.abs(LOCK_NAME), mode, timeout, opts.on_wait)?;
        let witness_file = witness::file_for(&store.config.store.id, &store.root);
        let witnessed = match &witness_file {
            Some(f) => witness::load(f)?,
            None => None,
        };
        let caches = Caches::open();
        let index_db = witness_file.as_deref().map(crate::cache::index::path_for);
        let mut read = read_log(index_db.as_deref(), &store, witnessed.as_ref())?;
        if let Some(file) = &witness_file {
            explain_rollback(&mut read.problems, file);
        }
        let repairable = opts.recovering && read.problems.iter().all(audit::is_torn_tail);
        if !read.problems.is_empty() && !repairable {
            return Err(Error::Integrity {
                problems: read.problems,
            });
        }
        let schemas = Arc::new(applied_schemas(&store, &read.registry, opts.policy_drift)?);
        crate::i18n::remember_titles(crate::schema::title::titles_in(
            &schemas,
            crate::i18n::current(),
        ));
        let store = settings_in_force(store, &read.registry)?;
        let now = clock::now(store.tz)?;
        let mut session = Session {
            store,
            schemas,
            index: std::mem::ManuallyDrop::new(read.index),
            head: read.head,
            registry: read.registry,
            torn_tail: !read.problems.is_empty(),
            now,
            actor: None,
            engine: Engine::default(),
            warnings: Vec::new(),
            caches,
            policies: Policies::default(),
            log_files: read.files,
            witness_file,
            _lock: lock,
        };
        if session.witness_file.is_none() {
            session.warnings.push(t!("session-neither-xdg-state-home"));
        }
        session
            .warnings
            .extend(read.ahead.iter().map(|p| p.to_string()));
        let seen = witnessed.as_ref().map(|w| (w.head(), w.sealed.clone()));
        let now_seen = (session.head.clone(), session.log_files.sealed.clone());
        if !session.torn_tail && seen.as_ref() != Some(&now_seen) {
            session.remember();
        }
        if let Some(name) = &opts.actor {
            session.actor = Some(session.standing_actor(name)?);
        }
        Ok(session)
    }

    /// The rows a query, `pending` or a duplicate check reads, current for this run's log
    /// (`cache::rows`).
    pub fn rows(&self) -> Result<crate::cache::rows::Rows> {
        let mut rows =
            crate::cache::rows::Rows::open(self.caches.clone(), self.index_db().as_deref());
        rows.bring_current(self.reader(), self.head.entries)?;
        Ok(rows)
    }

    /// This machine's settled index of the store (none without a state folder).
    pub fn index_db(&self) -> Option<PathBuf> {
        let witness = self.witness_file.as_deref()?;
        Some(crate::cache::index::path_for(witness))
    }

    /// Move this machine's witness up to the verified head; a failure is a warning.
    fn remember(&mut self) {
        let Some(file) = &self.witness_file else {
            return;
        };
        let witness = Witness {
            store: self.store.config.store.id.clone(),
            root: self.store.root.to_string_lossy().into_owned(),
            entries: self.head.entries,
            len: self.head.len,
            head: self.head.hash.clone(),
            registry: self.registry.clone(),
            sealed: self.log_files.sealed.clone(),
        };
        if let Err(e) = witness::save(file, &witness) {
            self.warnings
                .push(t!("session-machine-could-not-remember", e = e));
        }
    }

    /// The actor `name`, registered and in good standing today (R-B1, R-A8), else exit 4.
    fn standing_actor(&self, name: &str) -> Result<Actor> {
        let actor = self.registered_actor(name)?;
        actor.check_standing(self.today(), self.store.config.policy.training_valid_days)?;
        if self.schemas.roles.get(&actor.role).is_none() {
            return Err(Error::denied(
                t!(
                    "session-actor-has-role-which",
                    name = name,
                    role = actor.role
                ),
                Some(t!("session-administrator-restores-role-schemas").to_string()),
            ));
        }
        Ok(actor)
    }

    /// The actor `name` as the register holds them, whether or not they may act today.
    pub fn registered_actor(&self, name: &str) -> Result<Actor> {
        let unregistered = || {
            Error::denied(
                t!("session-actor-not-registered-store", name = name),
                Some(self.actor_hint(name)),
            )
        };
        let standing = self.registry.actors.get(name).ok_or_else(unregistered)?;
        let mut actor = self.load_actor(name)?.ok_or_else(unregistered)?;
        // The register the log built decides role, department, standing and dates: the
        // file is a readable copy, never the authority.
        actor.role = standing.role.clone();
        actor.department = standing.department.clone();
        actor.revoked = standing.revoked;
        actor.agreement_signed = standing.agreement_signed;
        actor.trained_on = standing.trained_on;
        Ok(actor)
    }

    /// What to do about an unknown actor name: the registered name it most likely meant
    /// (`--as wang.fnag`), else how staff are registered.
    fn actor_hint(&self, name: &str) -> String {
        let names = self.registry.actors.keys().map(String::as_str);
        match crate::text::closest(name, names) {
            Some(c) => t!("session-did-you-mean-actor", c = c),
            None => t!("session-administrator-registers-staff-docket"),
        }
    }

    /// The schemas of policy version `version` (the one in force, or an earlier one).
    pub fn schemas_at(&self, version: u32) -> Result<Arc<Schemas>> {
        self.reader().schemas_at(version)
    }

    /// The key the log registered for `name`.
    pub fn registered_key(&self, name: &str) -> Result<Key> {
        let standing = self.registry.actors.get(name).ok_or_else(|| {
            Error::denied(
                t!("session-actor-not-registered-store", name = name),
                Some(t!("session-administrator-registers-staff-docket-2").to_string()),
            )
        })?;
        Key::parse(&standing.key).map_err(|m| {
            Error::integrity(
                crate::layout::LOG_NAME,
                t!("session-key-registered-unusable", name = name, m = m),
            )
        })
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
            self.max_text(),
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

    /// The acting actor; reads that depend on the reader's role need one too (usage error
    /// otherwise). Commands that act ask for one before they open the store.
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or_else(|| {
            Error::usage(
                t!("session-reading-needs-role"),
                Some(t!("session-what-you-see-depends-role").to_string()),
            )
        })
    }

    pub fn role(&self) -> Result<&Role> {
        let actor = self.actor()?;
        self.schemas
            .roles
            .get(&actor.role)
            .ok_or_else(|| Error::Internal("role vanished".into()))
    }

    /// Refuse unless the actor's role may take `action` (exit 4).
    pub fn require(&self, action: &str, what: &str) -> Result<()> {
        let role = self.role()?;
        if role.may(action) {
            Ok(())
        } else {
            let who: Vec<&str> = self
                .schemas
                .roles
                .roles
                .values()
                .filter(|r| r.may(action))
                .map(|r| r.name.as_str())
                .collect();
            Err(Error::denied(
                t!(
                    "session-actor-role-may-not",
                    actor = self.actor()?.name,
                    name = role.name,
                    what = what
                ),
                Some(t!("session-roles-may", join = who.join(", "))),
            ))
        }
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

    /// Whether the acting actor's role reaches records filed under `department`: every
    /// record, or only their own department's (R-B2, R-C17). Reads without an actor show
    /// no record, so they reach everything.
    pub fn reaches(&self, department: Option<&str>) -> bool {
        self.reach().covers(department)
    }

    /// The records the acting actor reaches.
    pub fn reach(&self) -> Reach {
        match (&self.actor, self.role()) {
            (Some(actor), Ok(role)) if role.scope == roles::Scope::Department => {
                Reach::Only(actor.department.clone())
            }
            _ => Reach::All,
        }
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

    /// Refuse a record filed under a department the actor's role does not reach (exit 4).
    pub fn require_reach(&self, id: &str) -> Result<()> {
        let Some(head) = self.index.record(id) else {
            return Ok(());
        };
        let department = head.department.as_deref();
        if self.reaches(department) {
            return Ok(());
        }
        let actor = self.actor()?;
        let name = crate::text::department_name;
        Err(Error::denied(
            t!(
                "session-record-filed-under-actor",
                id = id,
                name = name(department),
                name2 = actor.name,
                role = actor.role,
                name3 = name(actor.department.as_deref())
            ),
            Some(t!("session-someone-department-centre-can").to_string()),
        ))
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
        }
    }

    /// Bind a record's fields (and, for each referenced record, its fields) for the
    /// policy's own expressions (rules, conditions, steps), which see every value.
    /// References are loaded from their files only when `load_refs` names the field.
    pub fn scope<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        load_refs: &dyn Fn(&str) -> bool,
    ) -> Result<Scope<'e>> {
        self.scope_shown(kind, fields, meta, load_refs, &|_| true)
    }

    /// Bind as `scope` does, but personal fields whose class `shown` refuses — in the
    /// record and in every record it refers to — are bound masked, as the actor sees them.
    pub fn scope_shown<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        load_refs: &dyn Fn(&str) -> bool,
        shown: &dyn Fn(&str) -> bool,
    ) -> Result<Scope<'e>> {
        let mut resolve =
            |field: &str, id: &str| -> Result<Option<(BTreeMap<String, Value>, String)>> {
                if !load_refs(field) {
                    return Ok(None);
                }
                let Some(head) = self.index.record(id) else {
                    return Ok(None);
                };
                let rv = self.load_version(id, head.version)?;
                Ok(Some((rv.fields, rv.status)))
            };
        let binding = Binding {
            wanted: &|_| true,
            shown,
        };
        bind(
            &self.engine,
            &self.schemas,
            kind,
            fields,
            meta,
            &binding,
            &mut resolve,
        )
    }
}

/// A cut or rewritten log may be a deliberate rollback: say where this machine keeps the
/// head it verified, which is what it compared against.
fn explain_rollback(problems: &mut Vec<Problem>, witness: &std::path::Path) {
    let rolled_back = problems
        .iter()
        .any(|p| p.kind == crate::error::ProblemKind::Rollback);
    if rolled_back {
        problems.push(Problem {
            at: witness.display().to_string(),
            message: t!("session-machine-s-record-log"),
            ..Default::default()
        });
    }
}

/// The schemas of the policy in force, from its copies in the store; unless `drift_ok`,
/// the live files must be exactly those copies.
fn applied_schemas(store: &Store, registry: &Registry, drift_ok: bool) -> Result<Schemas> {
    if registry.policy == 0 {
        return Err(Error::integrity(
            crate::layout::LOG_NAME,
            t!("session-no-policy-was-ever"),
        ));
    }
    if !drift_ok {
        let drift = applied::drift(store, &registry.policy_files)?;
        if !drift.is_empty() && !proposed_live(store, registry)? {
            return Err(Error::Integrity {
                problems: applied::drift_problems(&drift, registry.policy),
            });
        }
    }
    applied::schemas_of(store, registry.policy, &registry.policy_files)
}

/// Whether the live policy files are a proposal waiting for a second administrator: the
/// store then runs under the rules in force until it is co-signed.
pub fn proposed_live(store: &Store, registry: &Registry) -> Result<bool> {
    for p in registry.proposals.values() {
        if let crate::audit::trust::Proposed::Policy { files, .. } = &p.what {
            let sources = files
                .iter()
                .filter_map(|f| {
                    let (_, source) = crate::layout::parse_policy_copy(&f.path)?;
                    Some((source.to_string(), f.sha256.clone()))
                })
                .collect();
            if applied::drift(store, &sources)?.is_empty() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The store with the settings of the policy in force: when the live `docket.toml` is
/// not the applied one (a proposal waiting for its co-signature, or `policy diff` and
/// `policy apply` at work), its settings are not yet the rules.
fn settings_in_force(store: Store, registry: &Registry) -> Result<Store> {
    let Some(sha) = registry.policy_files.get(crate::layout::CONFIG_NAME) else {
        return Ok(store);
    };
    let live = std::fs::read(store.abs(crate::layout::CONFIG_NAME)).unwrap_or_default();
    if crate::layout::sha256_hex(&live) == *sha {
        return Ok(store);
    }
    let files = BTreeMap::from([(crate::layout::CONFIG_NAME.to_string(), sha.clone())]);
    let texts = applied::read_version(&store, registry.policy, &files)?;
    let text = texts
        .get(crate::layout::CONFIG_NAME)
        .cloned()
        .unwrap_or_default();
    Store::from_text(&store.root, &text)
}

/// Gives a referenced record's fields and status (from its file, or from the rows cache):
/// (field name, referenced id) → fields and status, if known.
pub type Resolve<'a> =
    dyn FnMut(&str, &str) -> Result<Option<(BTreeMap<String, Value>, String)>> + 'a;

/// Which names to bind, and which PII classes to bind unmasked.
pub struct Binding<'a> {
    pub wanted: &'a dyn Fn(&str) -> bool,
    pub shown: &'a dyn Fn(&str) -> bool,
}

impl Binding<'_> {
    /// A value as the binding may show it: masked when it is personal data of a class
    /// that is not shown.
    fn visible(&self, field: &crate::schema::kind::Field, value: &Value) -> cel::Value {
        match &field.pii {
            Some(class) if !(self.shown)(class) => {
                crate::policy::mask::mask_value(field.mask, value).to_cel()
            }
            _ => value.to_cel(),
        }
    }
}

/// Bind the fields `wanted` names for an expression, a reference as a map of the
/// referenced record's fields. A free function so that threads with engines of their
/// own can bind too.
pub fn bind<'e>(
    engine: &'e Engine,
    schemas: &Schemas,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    meta: (&str, &str, u32),
    binding: &Binding,
    resolve: &mut Resolve,
) -> Result<Scope<'e>> {
    let wanted = binding.wanted;
    let mut scope = engine.scope();
    for f in kind.fields.iter().filter(|f| wanted(&f.name)) {
        let value = match (fields.get(&f.name), &f.ty) {
            (None, _) => cel::Value::Null,
            (Some(Value::Str(id)), FieldType::Ref(target)) => {
                let mut map: HashMap<String, cel::Value> = HashMap::new();
                map.insert("id".into(), cel::Value::from(id.as_str()));
                if let Some((ref_fields, status)) = resolve(&f.name, id)? {
                    for rf in &schemas.kind(target)?.fields {
                        let value = ref_fields
                            .get(&rf.name)
                            .map(|v| binding.visible(rf, v))
                            .unwrap_or(cel::Value::Null);
                        map.insert(rf.name.clone(), value);
                    }
                    map.insert("status".into(), cel::Value::from(status.as_str()));
                }
                cel::Value::from(map)
            }
            (Some(v), _) => binding.visible(f, v),
        };
        scope.set(&f.name, value);
    }
    if wanted("id") {
        scope.set("id", cel::Value::from(meta.0));
    }
    if wanted("status") {
        scope.set("status", cel::Value::from(meta.1));
    }
    if wanted("version") {
        scope.set("version", cel::Value::Int(meta.2 as i64));
    }
    Ok(scope)
}

//! A command's view of an opened store: the lock taken, the chain checked, the log index,
//! the schemas and the acting actor in good standing. Every command starts here.

use crate::audit::{self, Entry, FileHash, Head, LogIndex};
use crate::error::{Error, Result};
use crate::journal::Transaction;
use crate::layout::LOCK_NAME;
use crate::policy::actors::Actor;
pub use crate::reader::Reader;
use crate::reader::unknown_id;
use crate::schema::Schemas;
use crate::schema::expr::{Engine, Scope};
use crate::schema::kind::Kind;
use crate::schema::roles::Role;
use crate::schema::value::{FieldType, Value};
use crate::store::Store;
use crate::store::lock::{LockMode, StoreLock};
use crate::store::version::Version;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

pub struct Options<'a> {
    pub actor: Option<String>,
    pub now: DateTime<Utc>,
    pub mode: LockMode,
    /// Told once when another process holds the lock.
    pub on_wait: &'a dyn Fn(),
    /// Open a log whose last line is torn, so `recover` can repair it.
    pub recovering: bool,
}

pub struct Session {
    pub store: Store,
    pub schemas: Arc<Schemas>,
    /// Never freed: a command is one process, and freeing 100,000 small allocations at
    /// exit would cost more than most commands' own work.
    pub index: std::mem::ManuallyDrop<LogIndex>,
    pub head: Head,
    /// The log ends in a torn line (only when opened for recovery).
    pub torn_tail: bool,
    pub now: DateTime<Utc>,
    pub actor: Option<Actor>,
    pub engine: Engine,
    _lock: StoreLock,
}

impl Session {
    pub fn open(store: Store, opts: Options) -> Result<Session> {
        let timeout = Duration::from_secs(store.config.policy.lock_timeout_seconds);
        let lock = StoreLock::acquire(&store.abs(LOCK_NAME), opts.mode, timeout, opts.on_wait)?;
        let (index, head, problems) = read_index(&store)?;
        let repairable = opts.recovering && problems.iter().all(audit::is_torn_tail);
        if !problems.is_empty() && !repairable {
            return Err(Error::Integrity { problems });
        }
        let torn_tail = !problems.is_empty();
        let schemas = Arc::new(Schemas::load(&store.schemas_dir(), "schemas")?);
        let mut session = Session {
            store,
            schemas,
            index: std::mem::ManuallyDrop::new(index),
            head,
            torn_tail,
            now: opts.now,
            actor: None,
            engine: Engine::default(),
            _lock: lock,
        };
        if let Some(name) = opts.actor {
            let actor = session.load_actor(&name)?.ok_or_else(|| {
                Error::denied(
                    format!("actor `{name}` is not registered in this store (R-B1)"),
                    Some("an administrator registers staff: docket actor add NAME --role ROLE --agreement-signed DATE --trained-on DATE".to_string()),
                )
            })?;
            actor.check_standing(
                session.today(),
                session.store.config.policy.training_valid_days,
            )?;
            if session.schemas.roles.get(&actor.role).is_none() {
                return Err(Error::denied(
                    format!(
                        "actor `{name}` has role `{}`, which roles.toml does not define",
                        actor.role
                    ),
                    None,
                ));
            }
            session.actor = Some(actor);
        }
        Ok(session)
    }

    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    pub fn timestamp(&self) -> String {
        self.now.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The acting actor; commands that act need one (usage error otherwise).
    pub fn actor(&self) -> Result<&Actor> {
        self.actor.as_ref().ok_or_else(|| {
            Error::usage(
                "this command acts as someone: pass --as ACTOR or set DOCKET_ACTOR",
                None,
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
                format!(
                    "actor `{}` (role {}) may not {what}",
                    self.actor()?.name,
                    role.name
                ),
                Some(format!("roles that may: {}", who.join(", "))),
            ))
        }
    }

    /// A reader of the store's logged files, shareable between threads.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            store: &self.store,
            index: &self.index,
            schemas: &self.schemas,
        }
    }

    /// Read a store file and check it against the hash the log holds for it (exit 3).
    pub fn read_logged(&self, rel: &str) -> Result<Vec<u8>> {
        self.reader().read_logged(rel)
    }

    /// Refuse to build on a record folder holding files the log does not know.
    pub fn check_folder(&self, dir_rel: &str) -> Result<()> {
        let dir = self.store.abs(dir_rel);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        for e in entries.flatten() {
            if e.file_type().map(|t| t.is_file()).unwrap_or(false) {
                let rel = format!("{dir_rel}/{}", e.file_name().to_string_lossy());
                if self.index.sha_of(&rel).is_none() {
                    return Err(Error::integrity(
                        rel,
                        "a file no audit entry logs (left by an interrupted command?): run `docket verify`, then `docket recover`",
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn load_actor(&self, name: &str) -> Result<Option<Actor>> {
        let Some(version) = self.index.actors.get(name) else {
            return Ok(None);
        };
        let rel = crate::layout::actor_path(name, *version);
        let text = String::from_utf8(self.read_logged(&rel)?)
            .map_err(|_| Error::integrity(&rel, "not UTF-8"))?;
        Actor::parse(&rel, &text).map(Some)
    }

    pub fn unknown_id(&self, id: &str) -> Error {
        unknown_id(id)
    }

    /// The current version of a record, checked against the log.
    pub fn load(&self, id: &str) -> Result<Version> {
        let head = self
            .index
            .records
            .get(id)
            .ok_or_else(|| self.unknown_id(id))?;
        self.load_version(id, head.version)
    }

    pub fn load_version(&self, id: &str, version: u32) -> Result<Version> {
        self.reader().load_version(id, version)
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
            record: record.to_string(),
            version,
            files,
            detail: BTreeMap::new(),
        }
    }

    pub fn stage(&self, tx: &mut Transaction, rel: &str, bytes: Vec<u8>) -> Result<FileHash> {
        tx.write(&self.store.root, rel, bytes)
    }

    pub fn commit(&mut self, tx: Transaction) -> Result<()> {
        let head = tx.commit(&self.store.root, &self.store.log_path(), &self.head)?;
        self.head = head;
        Ok(())
    }

    /// Bind a record's fields (and, for each referenced record, its fields) for expressions.
    /// References are loaded from their files only when `load_refs` names the field.
    pub fn scope<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        load_refs: &dyn Fn(&str) -> bool,
    ) -> Result<Scope<'e>> {
        let mut resolve =
            |field: &str, id: &str| -> Result<Option<(BTreeMap<String, Value>, String)>> {
                if !load_refs(field) {
                    return Ok(None);
                }
                let Some(head) = self.index.records.get(id) else {
                    return Ok(None);
                };
                let rv = self.load_version(id, head.version)?;
                Ok(Some((rv.fields, rv.status)))
            };
        self.bind(kind, fields, meta, &|_| true, &mut resolve)
    }

    /// Bind the fields `wanted` names with this session's engine (see `bind`).
    pub fn bind<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        wanted: &dyn Fn(&str) -> bool,
        resolve: &mut Resolve,
    ) -> Result<Scope<'e>> {
        bind(
            &self.engine,
            &self.schemas,
            kind,
            fields,
            meta,
            wanted,
            resolve,
        )
    }
}

/// The log index: from the cache plus the entries after it, or from the whole log when
/// the cache is missing or belongs to another history. The whole chain is hashed either way.
fn read_index(store: &Store) -> Result<(LogIndex, Head, Vec<crate::error::Problem>)> {
    use audit::chain::{Parse, walk_state};
    let log = store.log_path();
    let add = |index: &mut LogIndex, _: u64, e: &audit::Entry| {
        index.add(e);
        Ok(())
    };
    if let Some(checkpoint) = crate::cache::index::checkpoint(&store.root) {
        // Two cores: one hashes the whole chain (keeping the few entries after the
        // checkpoint), the other reads the cached index meanwhile.
        let (walked, cached) = std::thread::scope(|s| {
            let loader = s.spawn(|| crate::cache::index::load(&store.root));
            let keep = |kept: &mut Vec<audit::Entry>, _: u64, e: &audit::Entry| {
                kept.push(e.clone());
                Ok(())
            };
            let walked = walk_state(&log, false, Parse::After(&checkpoint), Vec::new, keep);
            (walked, loader.join().ok().flatten())
        });
        if let (Some(w), Some((loaded, mut index))) = (walked?, cached)
            && loaded == checkpoint
        {
            for e in &w.state {
                index.add(e);
            }
            if w.problems.is_empty()
                && crate::cache::index::worth_saving(Some(&checkpoint), &w.head)
            {
                crate::cache::index::save(&store.root, &w.head, &index);
            }
            return Ok((index, w.head, w.problems));
        }
    }
    let w = audit::chain::walk_all(&log, false, LogIndex::default, add)?;
    if w.problems.is_empty() && crate::cache::index::worth_saving(None, &w.head) {
        crate::cache::index::save(&store.root, &w.head, &w.state);
    }
    Ok((w.state, w.head, w.problems))
}

/// Gives a referenced record's fields and status (from its file, or from the rows cache):
/// (field name, referenced id) → fields and status, if known.
pub type Resolve<'a> =
    dyn FnMut(&str, &str) -> Result<Option<(BTreeMap<String, Value>, String)>> + 'a;

/// Bind the fields `wanted` names for an expression, a reference as a map of the
/// referenced record's fields. A free function so that threads with engines of their
/// own can bind too.
pub fn bind<'e>(
    engine: &'e Engine,
    schemas: &Schemas,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    meta: (&str, &str, u32),
    wanted: &dyn Fn(&str) -> bool,
    resolve: &mut Resolve,
) -> Result<Scope<'e>> {
    let mut scope = engine.scope();
    for f in kind.fields.iter().filter(|f| wanted(&f.name)) {
        let value = match (fields.get(&f.name), &f.ty) {
            (None, _) => cel::Value::Null,
            (Some(Value::Str(id)), FieldType::Ref(target)) => {
                let mut map: HashMap<String, cel::Value> = HashMap::new();
                map.insert("id".into(), cel::Value::from(id.as_str()));
                if let Some((ref_fields, status)) = resolve(&f.name, id)? {
                    for rf in &schemas.kind(target)?.fields {
                        map.insert(
                            rf.name.clone(),
                            ref_fields
                                .get(&rf.name)
                                .map(Value::to_cel)
                                .unwrap_or(cel::Value::Null),
                        );
                    }
                    map.insert("status".into(), cel::Value::from(status.as_str()));
                }
                cel::Value::from(map)
            }
            (Some(v), _) => v.to_cel(),
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

//! Opening a store: the lock, the log read and checked against what this machine
//! verified last, the policy in force and its settings, and the acting actor in good
//! standing.

use super::reading::read_log;
use super::{Options, Session};
use crate::audit;
use crate::audit::trust::Registry;
use crate::cache::Caches;
use crate::clock;
use crate::error::{Error, Problem, Result};
use crate::keys::Signer;
use crate::layout::LOCK_NAME;
use crate::policy::applied;
use crate::reader::Policies;
use crate::schema::Schemas;
use crate::schema::expr::Engine;
use crate::store::Store;
use crate::store::lock::{LockMode, StoreLock};
use crate::witness::{self, Witness};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

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

    pub(super) fn open_with(store: Store, opts: &Options, mode: LockMode) -> Result<Session> {
        if !crate::audit::segments::exists(&store.root, &crate::layout::LogRoot::first()) {
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
            site_log: read.own,
            sites: read.sites,
            settled: read.settled,
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
        let seen = witnessed.as_ref().map(|w| (w.head(), &w.sealed, &w.sites));
        let now = session.witness_now();
        let now_seen = (now.head(), &now.sealed, &now.sites);
        if !session.torn_tail && seen != Some(now_seen) {
            session.remember();
        }
        if let Some(name) = &opts.actor {
            session.actor = Some(session.standing_actor(name)?);
        }
        Ok(session)
    }

    /// Move this machine's witness up to the verified head; a failure is a warning.
    pub(super) fn remember(&mut self) {
        let Some(file) = &self.witness_file else {
            return;
        };
        let witness = self.witness_now();
        if let Err(e) = witness::save(file, &witness) {
            self.warnings
                .push(t!("session-machine-could-not-remember", e = e));
        }
    }
}

impl Session {
    /// What this machine has verified, as of this view: the first site's head (and its
    /// sealed segments, when this clone's log is the first site's), and in a store of
    /// several sites every other site's head.
    fn witness_now(&self) -> Witness {
        let head_of = |log: &crate::layout::SiteLog, read: &audit::Head| match *log == self.site_log
        {
            true => self.head.clone(),
            false => read.clone(),
        };
        let first = self
            .sites
            .iter()
            .find(|(log, _)| log.first)
            .map_or_else(|| self.head.clone(), |(log, h)| head_of(log, h));
        Witness {
            store: self.store.config.store.id.clone(),
            root: self.store.root.to_string_lossy().into_owned(),
            entries: first.entries,
            len: first.len,
            head: first.hash,
            registry: self.registry.clone(),
            // Several sites' logs are walked whole every run: no sealed segment is trusted.
            sealed: match self.sites.is_empty() {
                true => self.log_files.sealed.clone(),
                false => None,
            },
            sites: self
                .sites
                .iter()
                .filter(|(log, _)| !log.first)
                .map(|(log, h)| (log.code.clone(), head_of(log, h)))
                .collect(),
        }
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

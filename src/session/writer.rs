//! A session that may write: opened under the exclusive lock with the acting actor's
//! signer in hand, and what a committed transaction makes of the session afterwards (the
//! new head, the index and register read back from the entries, the witness moved up,
//! the open segment sealed when full). Only `journal::Transaction` changes a store, and
//! only through a `Writer`.

use super::{Options, Session};
use crate::audit::chain::LogFiles;
use crate::audit::trust::Registry;
use crate::audit::{Entry, Head, LogIndex};
use crate::cache::Caches;
use crate::cache::index::Parts;
use crate::clock;
use crate::error::Result;
use crate::journal::spool::Spool;
use crate::keys::Signer;
use crate::layout::LOCK_NAME;
use crate::policy::actors::Actor;
use crate::reader::Policies;
use crate::schema::Schemas;
use crate::schema::expr::Engine;
use crate::store::Store;
use crate::store::lock::{LockMode, StoreLock};
use crate::witness;
use std::sync::Arc;
use std::time::Duration;

/// A transaction's text beyond which its index is settled in parts (`Parts`): about
/// six thousand entries.
const PARTS_FROM: u64 = 4 << 20;

/// A session that may write: the exclusive lock is held and the acting actor's signer
/// found. Transactions (the one way to change the store) are begun on it.
pub struct Writer {
    session: Session,
    signer: Signer,
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
        // The first site's code as applied: a live docket.toml changing it is for
        // `policy apply` to refuse.
        let applied = match opts.policy_drift {
            true => Store::open_applied(&store.root).ok(),
            false => None,
        };
        let first = applied
            .as_ref()
            .unwrap_or(&store)
            .config
            .store
            .site_code
            .clone();
        crate::store::site::writing_as(&store.root, &first)?;
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

    /// A writer that opens site `code`'s log (`site init`): this clone is no site yet, and
    /// its one transaction is the `site-open` act, the first entry of the new log.
    pub fn open_site(store: Store, opts: Options, code: &str) -> Result<Writer> {
        let mut session = Session::open_with(store, &opts, LockMode::Exclusive)?;
        let actor = session.actor()?.name.clone();
        let key = session.registered_key(&actor)?;
        let signer = Signer::find(&actor, &key, &opts.keys)?;
        let s = &mut session;
        if s.sites.is_empty() {
            s.sites = vec![(s.site_log.clone(), s.head.clone())];
        }
        let new = crate::layout::SiteLog::other(code);
        s.sites.push((new.clone(), Head::genesis()));
        s.site_log = new;
        s.head = Head::genesis();
        s.log_files = LogFiles::default();
        // The settled index is of the heads before this log was opened.
        s.settled = false;
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
        let site = store.config.store.site_code.clone();
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
            site_log: crate::layout::SiteLog::first(&site),
            sites: Vec::new(),
            settled: true,
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
        // The entries' places in the history: after every entry this view had read.
        let mut position = s.settled_key().entries;
        let read_back = lines.each_chunk(
            |e| e,
            |chunk| {
                for line in chunk.lines() {
                    let entry = crate::audit::entry::split_line(line.as_bytes())
                        .and_then(|raw| serde_json::from_slice::<Entry>(raw.body).ok())
                        .expect("a line just encoded reads back");
                    position += 1;
                    s.index.add_at(&entry, position);
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
            // A store of several sites: this act is the last of every log's merged order
            // (it had read all the others), so the index is their state.
            (Some(parts), _) => parts.finish(&s.settled_key(), &mut s.index),
            (None, Some(db)) => crate::cache::index::settle(&db, &s.settled_key(), &mut s.index),
            (None, None) => {}
        }
    }
}

impl Writer {
    /// The signer of the acting actor's transactions.
    pub(crate) fn signer(&mut self) -> &mut Signer {
        &mut self.signer
    }

    /// A `recover` cut the log's torn tail: the log now ends where the view does.
    pub(crate) fn tail_cut(&mut self) {
        self.session.torn_tail = false;
    }

    /// After a commit: seal the open segment if it has grown full. The act is committed
    /// whatever happens here; a failure leaves the segment open, and is told.
    pub(crate) fn seal_if_full(&mut self) {
        let s = &mut self.session;
        let start = &s.log_files.open_start;
        let first = start.entries + 1;
        match crate::audit::segments::seal_if_full(
            &s.store.root,
            &s.site_log.root,
            first,
            s.head.len - start.len,
        ) {
            Ok(true) => s.log_files.open_start = s.head.clone(),
            Ok(false) => {}
            Err(e) => s.warnings.push(t!("session-segment-not-sealed", e = e)),
        }
    }
}

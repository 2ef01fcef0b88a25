//! The log is the truth: every act is replayed under the policy and the staff register in
//! force at its place in the log, and must give exactly the version file it logged. An
//! act docket would have refused — a role taking a step that is not its own, a version
//! written by hand with a status its approvals do not give, terms that break their kind's
//! rules — is named with its entry and the rule it breaks, whoever signed it.
//!
//! `verify` replays the whole log; every run replays the entries added since this machine
//! last checked. Commands judge with the same functions (`ops::validate`, the approval
//! steps, the drafting and reach rules), so what a command writes replays cleanly.

mod compare;
mod conflicts;
mod prefetch;
mod records;
pub mod register;
mod sites;
mod unique;

use crate::audit::act::Act;
use crate::audit::trust::Registry;
use crate::audit::{Entry, LogIndex};
use crate::error::Problem;
use crate::judge::Reach;
use crate::reader::{Policies, Reader};
use crate::schema::Schemas;
use crate::schema::expr::Engine;
use crate::schema::roles::Scope;
use crate::store::Store;
use crate::store::config::Config;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A policy version as replay needs it: its schemas and its settings.
struct PolicyVersion {
    schemas: Arc<Schemas>,
    config: Arc<Config>,
}

/// Replays acts in log order, collecting what breaks a rule.
pub struct Replay {
    store: Store,
    engine: Engine,
    policies: Policies,
    loaded: BTreeMap<u32, Option<PolicyVersion>>,
    /// Who wrote each record's terms (created or amended it), as replayed. Complete only
    /// when the replay started at genesis; otherwise read from the version files.
    authors: HashMap<String, BTreeSet<String>>,
    from_genesis: bool,
    /// One customer, one record: the holders of each unique value (replayed from genesis
    /// only, as it needs every record).
    unique: Option<unique::UniqueValues>,
    /// The version file the last entry's replay read and found as logged: `verify` notes
    /// it in its index and need not read it again.
    checked: Option<String>,
    /// Where each `recover` put what it moved: (log line, folder, files moved there).
    pub quarantines: Vec<(u64, String, u64)>,
    pub problems: Vec<Problem>,
    /// The acts' version files, read ahead on another thread (`verify`'s replay).
    prefetch: Option<prefetch::Prefetch>,
    /// The log the entries come from: the first site's unless told (`enter_log`).
    log: crate::layout::SiteLog,
    /// In a merged replay of several sites' logs: where each record was last written,
    /// and what the transaction being replayed had seen (`sites`).
    sites: Option<sites::Causal>,
}

/// One entry at its place in the log: the register and the index as they stood before it.
pub struct At<'a> {
    pub line: u64,
    pub entry: &'a Entry,
    pub registry: &'a Registry,
    pub index: &'a LogIndex,
}

impl At<'_> {
    /// The day of the entry, in the zone it was written in (the store's).
    fn day(&self) -> Option<NaiveDate> {
        crate::clock::parse(&self.entry.time).map(|t| t.date_naive())
    }

    /// The department the register puts the entry's actor in.
    fn department(&self) -> Option<String> {
        self.registry
            .actors
            .get(&self.entry.actor)
            .and_then(|s| s.department.clone())
    }
}

impl Replay {
    /// A replay of the log from genesis (`verify`), or from a point this machine verified.
    pub fn new(store: &Store, from_genesis: bool) -> Replay {
        Replay {
            store: store.clone(),
            engine: Engine::default(),
            policies: Policies::default(),
            loaded: BTreeMap::new(),
            authors: HashMap::new(),
            from_genesis,
            unique: from_genesis.then(unique::UniqueValues::default),
            checked: None,
            quarantines: Vec::new(),
            problems: Vec::new(),
            prefetch: None,
            log: crate::layout::SiteLog::first(&store.config.store.site_code),
            sites: None,
        }
    }

    /// The transaction that follows comes from `log` (a merged walk of several sites'
    /// logs calls this before each).
    pub fn enter_log(&mut self, log: &crate::layout::SiteLog) {
        if self.log != *log {
            self.log = log.clone();
        }
        self.sites.get_or_insert_default().next_transaction();
    }

    /// The version file the last entry's replay read and found as logged, if any.
    pub fn take_checked(&mut self) -> Option<String> {
        self.checked.take()
    }

    /// Have another thread read the acts' version files ahead of this replay, which must
    /// start at genesis and go in log order.
    pub fn read_ahead(mut self) -> Replay {
        self.prefetch = Some(prefetch::Prefetch::start(&self.store.root));
        self
    }

    /// Version file `path` of the entry at `line`: as read ahead, or read now.
    fn version_file(&mut self, line: u64, path: &str) -> Option<prefetch::Read> {
        if let Some(read) = self.prefetch.as_mut().and_then(|p| p.take(line, path)) {
            return Some(read);
        }
        prefetch::Read::now(&self.store.abs(path))
    }

    fn problem(&mut self, line: u64, message: String) {
        self.problems.push(Problem {
            at: format!("{}:{line}", self.log.root.open()),
            message,
            ..Default::default()
        });
    }

    /// The policy version `version`, read once (none when its copies cannot be read: that
    /// is named by the checks that read files).
    fn policy(&mut self, index: &LogIndex, version: u32) -> Option<&PolicyVersion> {
        if !self.loaded.contains_key(&version) {
            let loaded = index.policies.get(&version).and_then(|files| {
                let texts =
                    crate::policy::applied::read_version(&self.store, version, files).ok()?;
                let schemas = crate::policy::applied::schemas_from(&texts).ok()?;
                let config: Config = toml::from_str(texts.get(crate::layout::CONFIG_NAME)?).ok()?;
                Some(PolicyVersion {
                    schemas: Arc::new(schemas),
                    config: Arc::new(config),
                })
            });
            self.loaded.insert(version, loaded);
        }
        self.loaded.get(&version).and_then(Option::as_ref)
    }

    /// A reader of the logged files as of `at`, judging by policy version `version`.
    fn reader<'r>(&'r self, at: &'r At, schemas: &'r Arc<Schemas>) -> Reader<'r> {
        Reader {
            store: &self.store,
            index: at.index,
            policy: at.registry.policy,
            schemas,
            policies: &self.policies,
        }
    }

    /// The records the entry's actor reaches under the roles in force.
    fn reach(at: &At, schemas: &Schemas) -> Reach {
        match schemas.roles.get(&at.entry.role) {
            Some(r) if r.scope == Scope::Department => Reach::Only(at.department()),
            _ => Reach::All,
        }
    }

    /// Replay one entry: read it as its act, and check the act against the rules in force.
    pub fn entry(&mut self, at: &At) {
        let act = match Act::parse(at.entry) {
            Ok(act) => act,
            Err(m) => {
                self.problem(at.line, t!("replay-not-an-act", m = m));
                return;
            }
        };
        if let Some(sites) = &mut self.sites {
            sites.entry(at.entry);
        }
        self.check_standing(at);
        self.check_texts(at, &act);
        match &act {
            Act::Create { .. }
            | Act::Import { .. }
            | Act::Amend { .. }
            | Act::Approve { .. }
            | Act::Reject { .. }
            | Act::Withdraw { .. }
            | Act::Complete { .. }
            | Act::Terminate { .. }
            | Act::Archive { .. }
            | Act::Resolve { .. } => self.record_act(at, &act),
            Act::Reveal { .. }
            | Act::Lookup { .. }
            | Act::AttachmentGet { .. }
            | Act::Recover { .. }
            | Act::ImportBatch { .. }
            | Act::Probe { .. } => self.other_act(at, &act),
            Act::ActorAdd { .. }
            | Act::ActorUpdate { .. }
            | Act::ActorRevoke { .. }
            | Act::ActorPropose { .. }
            | Act::Policy { .. }
            | Act::PolicyPropose { .. } => {
                self.register_at_first_site(at, &act);
                self.register_act(at, &act)
            }
            Act::Genesis { .. } => {}
            Act::SiteOpen { store, site } => self.site_open(at, store, site),
        }
    }

    /// The actor could act on the entry's day: agreement signed, training recent (R-B1,
    /// R-A8), by the settings in force.
    fn check_standing(&mut self, at: &At) {
        let e = at.entry;
        if e.action == "genesis" || at.registry.actors.is_empty() {
            return;
        }
        let Some(standing) = at.registry.actors.get(&e.actor) else {
            return; // named by the register checks
        };
        let (Some(day), Some(valid_days)) = (
            at.day(),
            self.policy(at.index, at.registry.policy)
                .map(|p| p.config.policy.training_valid_days),
        ) else {
            return;
        };
        let signed = standing.agreement_signed.is_some_and(|d| d <= day);
        let trained = standing
            .trained_on
            .is_some_and(|d| d <= day && (day - d).num_days() <= valid_days);
        if !signed || !trained {
            let m = t!(
                "replay-actor-not-in-standing",
                actor = e.actor.clone(),
                day = day.to_string()
            );
            self.problem(at.line, m);
        }
    }

    /// Reasons, comments and purposes say something: docket refuses punctuation and the
    /// policy's placeholders (无, N/A, …) as it refuses them at input (R-C16).
    fn check_texts(&mut self, at: &At, act: &Act) {
        let texts: Vec<(&str, &str)> = match act {
            Act::Amend { reason, .. }
            | Act::Reject { reason, .. }
            | Act::Withdraw { reason, .. }
            | Act::Terminate { reason, .. }
            | Act::Resolve { reason, .. }
            | Act::ActorRevoke { reason, .. } => vec![("--reason", reason)],
            Act::Approve {
                comment: Some(c), ..
            } => vec![("--comment", c)],
            Act::Reveal { purpose, .. } | Act::AttachmentGet { purpose, .. } => {
                vec![("--purpose", purpose)]
            }
            _ => Vec::new(),
        };
        if texts.is_empty() {
            return;
        }
        let placeholders = self
            .policy(at.index, at.registry.policy)
            .map(|p| p.config.policy.placeholders.clone())
            .unwrap_or_default();
        for (flag, text) in texts {
            if let Err(e) = crate::ops::input::says_something(flag, text, &placeholders) {
                self.problem(at.line, e.message);
            }
        }
    }

    /// Reads and the other acts that write no version: the role must hold the permission.
    fn other_act(&mut self, at: &At, act: &Act) {
        let e = at.entry;
        if let Act::Recover {
            moved,
            torn_bytes,
            quarantine,
        } = act
        {
            let files = moved + u64::from(*torn_bytes > 0);
            self.quarantines.push((at.line, quarantine.clone(), files));
        }
        let Some(policy) = self.policy(at.index, at.registry.policy) else {
            return;
        };
        let schemas = policy.schemas.clone();
        let allowance = policy.config.policy.probe_allowance;
        let roles = &schemas.roles;
        let role = e.role.as_str();
        let mut broken: Vec<String> = Vec::new();
        let probes = match act {
            Act::Lookup { .. } => Some((1, true)),
            Act::Probe {
                count, answered, ..
            } => Some((*count, *answered)),
            _ => None,
        };
        if let Some((n, true)) = probes {
            let used = at
                .registry
                .probes_on(&e.actor, e.time.get(..10).unwrap_or_default());
            if used + n > allowance {
                broken.push(t!(
                    "replay-probes-beyond-allowance",
                    actor = e.actor.as_str(),
                    n = used + n,
                    allowance = allowance
                ));
            }
        }
        match act {
            Act::Reveal {
                classes, records, ..
            } => {
                for class in classes {
                    if !roles.permits(role, &format!("reveal:{class}")) {
                        broken.push(t!("replay-may-not-reveal", role = role, class = class));
                    }
                }
                let reach = Replay::reach(at, &schemas);
                for id in records {
                    let department = at.index.record(id).and_then(|h| h.department);
                    if !reach.covers(department.as_deref()) {
                        broken.push(t!("replay-out-of-reach", id = id));
                    }
                }
            }
            Act::Lookup { kind, field, .. } => {
                let drafts = schemas
                    .kinds
                    .get(kind)
                    .is_some_and(|k| crate::policy::may_draft(roles, role, k));
                let sees = schemas
                    .kinds
                    .get(kind)
                    .and_then(|k| k.field(field))
                    .and_then(|f| f.pii.as_deref())
                    .is_some_and(|c| roles.permits(role, &format!("reveal:{c}")));
                if !drafts && !sees {
                    broken.push(t!("replay-may-not-look-up", role = role, kind = kind));
                }
            }
            Act::AttachmentGet { .. } if !roles.permits(role, "act:read-papers") => broken.push(
                t!("replay-may-not-act", role = role, action = e.action.clone()),
            ),
            Act::Recover { .. } if !roles.permits(role, "act:recover") => broken.push(t!(
                "replay-may-not-act",
                role = role,
                action = e.action.clone()
            )),
            Act::ImportBatch { kind, .. } => {
                let drafts = schemas
                    .kinds
                    .get(kind)
                    .is_some_and(|k| crate::policy::may_draft(roles, role, k));
                if !drafts {
                    broken.push(t!("replay-may-not-draft", role = role, kind = kind));
                }
            }
            _ => {}
        }
        for m in broken {
            self.problem(at.line, m);
        }
    }
}

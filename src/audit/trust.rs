//! Who could have written each entry. The staff register as the log builds it (each
//! actor's role, registered key and standing, never taken from a file or a cache), the
//! checks every transaction must pass against it, and the signatures to verify: each
//! transaction signed by its actor's key as registered at that point of the log.

use super::act::{Act, ActorTerms};
use super::chain::{Seen, TxnEnd, Visit};
use super::entry::{Entry, FileHash};
use super::index::POLICY_ACT;
use crate::clock;
use crate::error::{Problem, Result};
use crate::keys::{self, Key};
use crate::layout::{CONFIG_NAME, LOG_NAME, parse_policy_copy, policy_copy, sha256_hex};
use crate::schema::roles::Roles;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use ssh_key::SshSig;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An actor as the log registered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub role: String,
    /// The actor's department; none: the centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The current key, as an `ssh-ed25519 AAAA…` line.
    pub key: String,
    /// Keys this actor signed with before a rotation, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub old_keys: Vec<String>,
    #[serde(default)]
    pub revoked: bool,
    /// When they signed the security agreement and were last trained (R-B1, R-A8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_signed: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trained_on: Option<chrono::NaiveDate>,
    /// Who registered them (the proposer, for a co-signed registration).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub registered_by: String,
}

impl Standing {
    /// Apply an update's terms.
    pub fn change(&mut self, terms: ActorTerms) {
        if let Some(role) = terms.role {
            self.role = role;
        }
        if let Some(d) = terms.department {
            self.department = d;
        }
        if let Some(key) = terms.key {
            let old = std::mem::replace(&mut self.key, key);
            self.old_keys.push(old);
        }
        if let Some(d) = terms.agreement_signed {
            self.agreement_signed = Some(d);
        }
        if let Some(d) = terms.trained_on {
            self.trained_on = Some(d);
        }
    }
}

/// A policy version's files from its entry: source → hash of the copy.
fn policy_files(files: &[FileHash]) -> BTreeMap<String, String> {
    files
        .iter()
        .filter_map(|f| {
            let (_, source) = parse_policy_copy(&f.path)?;
            Some((source.to_string(), f.sha256.clone()))
        })
        .collect()
}

/// The register at one point of the log: its actors, the policy version in force (and
/// the hash of each of its files' copies), and the time of its last entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub actors: BTreeMap<String, Standing>,
    #[serde(default)]
    pub policy: u32,
    #[serde(default)]
    pub policy_files: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_time: Option<String>,
    /// The entry that time is of, and the time of the one before it: which of two
    /// entries out of order is the odd one out.
    #[serde(default)]
    pub last_line: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_before: Option<String>,
    /// Changes that widen access or weaken a rule, proposed by one administrator and
    /// waiting for a second: by the entry that proposed them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub proposals: BTreeMap<u64, Proposal>,
    /// Identity numbers each actor checked against the store on their latest day of
    /// checking: (day, how many), for the daily allowance.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub probes: BTreeMap<String, (String, u64)>,
}

/// How an entry's time stands against the log's clock.
#[derive(Debug, PartialEq, Eq)]
pub enum TimeMark {
    InOrder,
    /// The entry at this line was dated ahead of this one, appended after it.
    Ahead(u64),
    /// This entry is dated before the entries before it.
    Backdated,
}

/// A change waiting for a second administrator's co-signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub by: String,
    pub time: String,
    pub what: Proposed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposed {
    Actor {
        name: String,
        adds: bool,
        terms: ActorTerms,
        widens: Vec<String>,
    },
    Policy {
        version: u32,
        base: u32,
        files: Vec<FileHash>,
        widens: Vec<String>,
        reason: String,
        changed: Vec<String>,
    },
}

/// Acts on the staff register and the policy: applied to the register when their
/// transaction ends.
pub const REGISTER_ACTS: [&str; 8] = [
    "actor-add",
    "actor-update",
    "actor-revoke",
    "actor-propose",
    POLICY_ACT,
    "policy-propose",
    "lookup",
    "probe",
];

impl Registry {
    /// Apply a register entry (no checks: they are made before it applies).
    pub fn apply(&mut self, e: &Entry) {
        let Ok(act) = Act::parse(e) else { return };
        match act {
            Act::ActorAdd {
                name,
                terms,
                proposal,
                ..
            } => {
                let by = proposal
                    .and_then(|p| self.proposals.remove(&p))
                    .map_or(e.actor.clone(), |p| p.by);
                self.actors.insert(
                    name,
                    Standing {
                        role: terms.role.unwrap_or_default(),
                        department: terms.department.flatten(),
                        key: terms.key.unwrap_or_default(),
                        old_keys: Vec::new(),
                        revoked: false,
                        agreement_signed: terms.agreement_signed,
                        trained_on: terms.trained_on,
                        registered_by: by,
                    },
                );
            }
            Act::ActorUpdate {
                name,
                terms,
                proposal,
                ..
            } => {
                if let Some(p) = proposal {
                    self.proposals.remove(&p);
                }
                if let Some(s) = self.actors.get_mut(&name) {
                    s.change(terms);
                }
            }
            Act::ActorRevoke { name, .. } => {
                if let Some(s) = self.actors.get_mut(&name) {
                    s.revoked = true;
                }
            }
            Act::Policy {
                version, proposal, ..
            } => {
                if let Some(p) = proposal {
                    self.proposals.remove(&p);
                }
                self.policy = version;
                self.policy_files = policy_files(&e.files);
            }
            Act::ActorPropose {
                name,
                adds,
                terms,
                widens,
            } => {
                let what = Proposed::Actor {
                    name,
                    adds,
                    terms,
                    widens,
                };
                self.propose(e, what);
            }
            Act::PolicyPropose {
                version,
                base,
                widens,
                reason,
                changed,
            } => {
                let what = Proposed::Policy {
                    version,
                    base,
                    files: e.files.clone(),
                    widens,
                    reason,
                    changed,
                };
                self.propose(e, what);
            }
            Act::Lookup { .. } => self.count_probes(e, 1),
            Act::Probe { count, .. } => self.count_probes(e, count),
            _ => {}
        }
    }

    /// Identity numbers `actor` checked on `day` (a `YYYY-MM-DD` in the store's zone).
    pub fn probes_on(&self, actor: &str, day: &str) -> u64 {
        match self.probes.get(actor) {
            Some((d, n)) if d == day => *n,
            _ => 0,
        }
    }

    fn count_probes(&mut self, e: &Entry, n: u64) {
        let day = e.time.get(..10).unwrap_or_default().to_string();
        let used = self.probes_on(&e.actor, &day);
        self.probes.insert(e.actor.clone(), (day, used + n));
    }

    fn propose(&mut self, e: &Entry, what: Proposed) {
        let proposal = Proposal {
            by: e.actor.clone(),
            time: e.time.clone(),
            what,
        };
        self.proposals.insert(e.seq, proposal);
    }

    /// Take entry `line`'s time into the log's clock. Of two entries out of order (by more
    /// than `skew` seconds) the odd one out is named: the earlier entry, dated ahead, when
    /// this one follows on from the entry before it; else this one, backdated.
    pub fn mark_time(
        &mut self,
        line: u64,
        t: chrono::DateTime<chrono::FixedOffset>,
        stamp: &str,
        skew: i64,
    ) -> TimeMark {
        let skew = chrono::Duration::seconds(skew);
        let last = self.last_time.as_deref().and_then(clock::parse);
        let before = self.time_before.as_deref().and_then(clock::parse);
        match last {
            Some(last) if t + skew < last => {
                if before.is_none_or(|b| t + skew >= b) {
                    let earlier = self.last_line;
                    self.last_time = Some(stamp.to_string());
                    self.last_line = line;
                    TimeMark::Ahead(earlier)
                } else {
                    TimeMark::Backdated
                }
            }
            // Within the skew the later time stays the mark.
            Some(last) if t < last => TimeMark::InOrder,
            _ => {
                self.time_before = self.last_time.take();
                self.last_time = Some(stamp.to_string());
                self.last_line = line;
                TimeMark::InOrder
            }
        }
    }

    /// Every key ever registered, for anyone: none is accepted again.
    pub fn key_holder(&self, key: &str) -> Option<&str> {
        self.actors
            .iter()
            .find(|(_, s)| s.key == key || s.old_keys.iter().any(|k| k == key))
            .map(|(name, _)| name.as_str())
    }

    /// Actors in good standing whose role passes `manages`.
    pub fn managers(&self, manages: &dyn Fn(&str) -> bool) -> usize {
        self.actors
            .values()
            .filter(|s| !s.revoked && manages(&s.role))
            .count()
    }
}

/// A signature to check once the walk is done (on every core).
pub struct SigCheck {
    /// Where the signed transaction ends (`records/audit.log:12`).
    pub at: String,
    pub actor: String,
    pub key: Key,
    pub sig: SshSig,
    pub digest: [u8; 64],
}

/// The transaction being read.
struct InTxn {
    actor: String,
    key: Option<String>,
    genesis: bool,
    register: Vec<Entry>,
    /// A policy applied in this transaction: its roles take effect at its end.
    roles: Option<Roles>,
}

/// Checks entries against the register as the walk reads them.
pub struct Trust {
    pub registry: Registry,
    /// The store, whose policy copies say what each role may do at each point.
    root: PathBuf,
    /// The roles of the policy in force, read when first needed.
    roles: Option<Roles>,
    txn: Option<InTxn>,
    pub signatures: Vec<SigCheck>,
    pub problems: Vec<Problem>,
    /// Entries dated ahead of the one appended after them: named by `verify`, told as
    /// warnings by other runs, never stopping anyone's work.
    pub ahead: Vec<Problem>,
    /// The policy settings in force, read when first needed.
    settings: Option<crate::store::config::PolicySettings>,
    /// The log the entries come from: the first site's unless told (`enter_log`).
    log: LogPlace,
    /// The other logs' clocks while entries of another log are read: time runs forward
    /// per site, never across them.
    clocks: BTreeMap<String, SiteClock>,
}

/// The first site's clock among the others' (no site code is this word).
const FIRST_CLOCK: &str = "";

/// The log being read, as far as the checks care.
struct LogPlace {
    code: Option<String>,
    first: bool,
    open: String,
}

/// One log's clock: its last entry's time, that entry's line, and the time before it.
#[derive(Default)]
struct SiteClock {
    last_time: Option<String>,
    last_line: u64,
    time_before: Option<String>,
}

/// A policy version's settings (`docket.toml`'s `[policy]`) from its copy, if it reads.
fn load_settings(
    root: &Path,
    version: u32,
    sha: Option<&String>,
) -> Option<crate::store::config::PolicySettings> {
    let bytes = std::fs::read(root.join(policy_copy(version, CONFIG_NAME))).ok()?;
    if sha != Some(&sha256_hex(&bytes)) {
        return None;
    }
    let text = std::str::from_utf8(&bytes).ok()?;
    let config: crate::store::config::Config = toml::from_str(text).ok()?;
    Some(config.policy)
}

/// Read a policy version's roles from its copy in the store, checked against its hash.
fn load_roles(
    root: &Path,
    version: u32,
    sha: Option<&String>,
) -> std::result::Result<Roles, String> {
    let rel = policy_copy(version, "schemas/roles.toml");
    let bytes = std::fs::read(root.join(&rel)).map_err(|e| format!("{rel}: {e}"))?;
    if sha != Some(&sha256_hex(&bytes)) {
        return Err(t!("trust-does-not-match-hash", rel = rel));
    }
    let text = String::from_utf8(bytes).map_err(|_| t!("trust-not-utf", rel = rel))?;
    Roles::load(&rel, &text).map_err(|e| e.to_string())
}

impl Trust {
    pub fn new(registry: Registry, root: &Path) -> Self {
        Trust {
            registry,
            root: root.to_path_buf(),
            roles: None,
            txn: None,
            signatures: Vec::new(),
            problems: Vec::new(),
            ahead: Vec::new(),
            settings: None,
            log: LogPlace {
                code: None,
                first: true,
                open: LOG_NAME.to_string(),
            },
            clocks: BTreeMap::new(),
        }
    }

    /// The entries that follow come from `log` (a store of several sites): problems are
    /// placed in it, and its clock is the one entries must follow.
    pub fn enter_log(&mut self, log: &crate::layout::SiteLog) {
        let same = match (self.log.first, log.first) {
            (true, true) => true,
            (false, false) => self.log.code.as_deref() == Some(log.code.as_str()),
            _ => false,
        };
        if same {
            self.log.code = Some(log.code.clone());
            return;
        }
        let r = &mut self.registry;
        let leaving = SiteClock {
            last_time: r.last_time.take(),
            last_line: std::mem::take(&mut r.last_line),
            time_before: r.time_before.take(),
        };
        let left = match self.log.first {
            true => FIRST_CLOCK.to_string(),
            false => self.log.code.take().unwrap_or_default(),
        };
        self.clocks.insert(left, leaving);
        let key = if log.first {
            FIRST_CLOCK
        } else {
            log.code.as_str()
        };
        let entering = self.clocks.remove(key).unwrap_or_default();
        r.last_time = entering.last_time;
        r.last_line = entering.last_line;
        r.time_before = entering.time_before;
        self.log = LogPlace {
            code: Some(log.code.clone()),
            first: log.first,
            open: log.root.open(),
        };
    }

    /// The register's clock is `log`'s: the log this machine's checkpoint kept it of.
    pub fn clock_of(&mut self, log: &crate::layout::SiteLog) {
        self.log = LogPlace {
            code: Some(log.code.clone()),
            first: log.first,
            open: log.root.open(),
        };
    }

    /// Where entry `line` of the log being read is.
    fn at(&self, line: u64) -> String {
        format!("{}:{line}", self.log.open)
    }

    /// The roles of the policy in force, read when first needed.
    fn roles_in_force(&mut self, line: u64) -> &Roles {
        if self.roles.is_none() {
            let r = &self.registry;
            match load_roles(
                &self.root,
                r.policy,
                r.policy_files.get("schemas/roles.toml"),
            ) {
                Ok(roles) => self.roles = Some(roles),
                Err(m) => {
                    self.problem(line, t!("trust-roles-force-cannot-read", m = m));
                    self.roles = Some(Roles::default());
                }
            }
        }
        self.roles.get_or_insert_default()
    }

    fn problem(&mut self, line: u64, message: String) {
        self.problems.push(Problem {
            at: self.at(line),
            message,
            ..Default::default()
        });
    }

    /// Times never go backwards by more than the policy's skew (see `Registry::mark_time`).
    /// An entry dated ahead never stops anyone: it is reported apart.
    fn check_time(&mut self, line: u64, e: &Entry) {
        let Some(t) = clock::parse(&e.time) else {
            self.problem(line, t!("trust-entry-s-time-not", time = e.time));
            return;
        };
        let skew = self.settings().clock_skew_seconds;
        let last = self.registry.last_time.clone().unwrap_or_default();
        match self.registry.mark_time(line, t, &e.time, skew) {
            TimeMark::InOrder => {}
            TimeMark::Ahead(earlier) => self.ahead.push(Problem {
                at: self.at(earlier),
                message: t!(
                    "trust-entry-dated-ahead",
                    time = last,
                    line = line,
                    later = e.time.clone()
                ),
                ..Default::default()
            }),
            TimeMark::Backdated => self.problem(
                line,
                t!(
                    "trust-entry-dated-earlier-than",
                    time = e.time,
                    before = last
                ),
            ),
        }
    }

    /// The settings of the policy in force, read when first needed.
    fn settings(&mut self) -> crate::store::config::PolicySettings {
        if self.settings.is_none() {
            let r = &self.registry;
            let read = load_settings(&self.root, r.policy, r.policy_files.get(CONFIG_NAME));
            self.settings = Some(read.unwrap_or_default());
        }
        self.settings.clone().unwrap_or_default()
    }

    /// docket never writes a control or invisible character into an entry: one there was put
    /// by hand.
    fn check_plain(&mut self, line: u64, e: &Entry) {
        let texts = [&e.time, &e.actor, &e.role, &e.action, &e.record]
            .into_iter()
            .chain(e.detail.iter().flat_map(|(k, v)| [k, v]))
            .chain(e.files.iter().flat_map(|f| [&f.path, &f.sha256]));
        if texts
            .into_iter()
            .any(|t| t.chars().any(crate::text::is_unprintable))
        {
            self.problem(line, t!("trust-entry-holds-control-characters"));
        }
    }

    /// The first entry of a transaction: its actor must be registered, in standing, and
    /// acting in the role the register gives them.
    fn open(&mut self, line: u64, e: &Entry) -> InTxn {
        let genesis = line == 1 && self.log.first;
        if !self.log.first && line == 1 && e.action != "site-open" {
            self.problem(line, t!("trust-site-log-not-opened"));
        }
        if genesis != (e.action == "genesis") {
            let m = if genesis {
                t!("trust-first-entry-not-genesis")
            } else {
                t!("trust-genesis-entry-middle-log")
            };
            self.problem(line, m.to_string());
        }
        let mut key = None;
        match self.registry.actors.get(&e.actor).cloned() {
            None if genesis => {}
            None => self.problem(line, t!("trust-actor-not-registered-at", actor = e.actor)),
            Some(s) if s.revoked => {
                self.problem(line, t!("trust-actor-was-revoked-before", actor = e.actor))
            }
            Some(s) if s.role != e.role => self.problem(
                line,
                t!(
                    "trust-entry-names-role-but",
                    role = e.role,
                    actor = e.actor,
                    role2 = s.role
                ),
            ),
            Some(s) => key = Some(s.key),
        }
        InTxn {
            actor: e.actor.clone(),
            key,
            genesis,
            register: Vec::new(),
            roles: None,
        }
    }

    /// The roles a policy entry brings, read from its copy (they take effect when its
    /// transaction ends; whether it could be applied is replay's to judge).
    fn policy_roles(&mut self, line: u64, e: &Entry) -> Roles {
        let sha = e
            .files
            .iter()
            .find(|f| parse_policy_copy(&f.path).is_some_and(|(_, s)| s == "schemas/roles.toml"))
            .map(|f| f.sha256.clone());
        match load_roles(&self.root, e.version, sha.as_ref()) {
            Ok(r) => r,
            Err(m) => {
                self.problem(line, t!("trust-policy-s-roles-cannot", m = m));
                Roles::default()
            }
        }
    }

    fn close(&mut self, end: &TxnEnd) {
        let Some(txn) = self.txn.take() else { return };
        let genesis_key = || {
            txn.register
                .iter()
                .find(|e| e.action == "actor-add" && e.record == txn.actor)
                .and_then(|e| e.detail.get("key").cloned())
        };
        let key = if txn.genesis {
            genesis_key()
        } else {
            txn.key.clone()
        };
        let sig = keys::decode_sig(end.sig);
        match (key.as_deref().map(Key::parse), sig) {
            (_, None) if end.sig == b"-" => {
                self.problem(end.last, t!("trust-transaction-not-signed"))
            }
            (_, None) => self.problem(end.last, t!("trust-transaction-s-signature-malformed")),
            (Some(Ok(key)), Some(sig)) => self.signatures.push(SigCheck {
                at: self.at(end.last),
                actor: txn.actor.clone(),
                key,
                sig,
                digest: end.digest,
            }),
            (_, Some(_)) => self.problem(
                end.last,
                t!("trust-no-key-registered-check", actor = txn.actor),
            ),
        }
        for e in &txn.register {
            self.registry.apply(e);
        }
        if let Some(roles) = txn.roles {
            self.roles = Some(roles);
            self.settings = None;
        }
        if txn.register.is_empty() {
            return;
        }
        self.roles_in_force(end.last);
        let roles = self.roles.take().unwrap_or_default();
        let managers = self
            .registry
            .managers(&|role| roles.permits(role, "act:manage-actors"));
        self.roles = Some(roles);
        if managers == 0 {
            self.problem(end.last, t!("trust-store-left-without-administrator"));
        }
    }

    /// Check every collected signature: on all cores when there are many (a machine's
    /// first run, `verify`), on this one when there are a few (an ordinary run), as
    /// starting the thread pool costs more than a few checks.
    pub fn verify_signatures(&mut self) {
        let bad = |c: &SigCheck| {
            (!c.key.verifies(&c.digest, &c.sig)).then(|| Problem {
                at: c.at.clone(),
                message: t!(
                    "trust-signature-not-s-registered",
                    actor = c.actor,
                    fingerprint = c.key.fingerprint()
                ),
                ..Default::default()
            })
        };
        let failed: Vec<Problem> = if self.signatures.len() > 32 {
            self.signatures.par_iter().filter_map(bad).collect()
        } else {
            self.signatures.iter().filter_map(bad).collect()
        };
        self.signatures.clear();
        self.problems.extend(failed);
    }
}

impl Visit for Trust {
    fn enter_log(&mut self, log: &crate::layout::SiteLog) {
        Trust::enter_log(self, log);
    }

    fn entry(&mut self, seen: &Seen) -> Result<()> {
        let (line, e) = (seen.line, seen.entry);
        if self.log.code.is_none() && !e.seen.is_empty() {
            // Read as a store of one site, yet it had read other sites' logs: gone since.
            let sites: Vec<&str> = e.seen.keys().map(String::as_str).collect();
            self.problem(line, t!("trust-sites-gone", sites = sites.join(", ")));
        }
        self.check_time(line, e);
        self.check_plain(line, e);
        let mut txn = match self.txn.take() {
            Some(t) => t,
            None => self.open(line, e),
        };
        if e.actor != txn.actor {
            self.problem(line, t!("trust-one-transaction-holds-acts"));
        }
        if e.action == POLICY_ACT {
            txn.roles = Some(self.policy_roles(line, e));
        }
        if REGISTER_ACTS.contains(&e.action.as_str()) {
            txn.register.push(e.clone());
        }
        self.txn = Some(txn);
        Ok(())
    }

    fn txn_end(&mut self, end: &TxnEnd) -> Result<()> {
        self.close(end);
        Ok(())
    }
}

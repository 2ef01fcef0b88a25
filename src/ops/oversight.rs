//! What the auditor watches for what no rule can stop: one person holding two registered
//! identities. Every act on the staff register, on keys and on the policy, with who
//! proposed it and who co-signed it — flagged when the co-signer was registered by the
//! proposer, or when the sole administrator registered a second alone — and how many
//! identity numbers each actor had checked against the store, per day, beyond the
//! allowance flagged. Read from the verified log; nothing here is personal data.

use crate::audit::Entry;
use crate::audit::act::Act;
use crate::audit::chain::{Plan, Seen, Visit, walk_fresh};
use crate::error::Result;
use crate::session::Session;
use std::collections::{BTreeMap, HashMap};

/// One act on the register or the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterAct {
    pub entry: u64,
    pub time: String,
    pub action: String,
    /// The actor concerned, or `policy vN`.
    pub subject: String,
    pub proposed_by: String,
    pub cosigned_by: Option<String>,
    /// Why the auditor should look: a co-signer the proposer registered, or a second
    /// administrator registered by the sole one.
    pub flag: Option<String>,
}

/// Identity numbers an actor had checked on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probes {
    pub actor: String,
    pub day: String,
    pub count: u64,
    pub beyond: bool,
}

#[derive(Debug, Default)]
pub struct Oversight {
    pub acts: Vec<RegisterAct>,
    pub probes: Vec<Probes>,
}

/// Reads the log once, keeping what the report needs.
#[derive(Default)]
struct Collect {
    /// Who proposed each pending proposal, by its entry.
    proposers: HashMap<u64, String>,
    /// Who registered each actor (the proposer, for a co-signed registration).
    registered_by: HashMap<String, String>,
    /// Administrators in standing, to tell the sole one.
    admins: BTreeMap<String, bool>,
    acts: Vec<RegisterAct>,
    probes: BTreeMap<(String, String), u64>,
}

impl Collect {
    fn take(&mut self, line: u64, e: &Entry, admin_role: &dyn Fn(&str) -> bool) {
        let Ok(act) = Act::parse(e) else { return };
        let (subject, proposal) = match &act {
            Act::ActorAdd { name, proposal, .. } | Act::ActorUpdate { name, proposal, .. } => {
                (name.clone(), *proposal)
            }
            Act::ActorRevoke { name, .. } => (name.clone(), None),
            Act::Policy {
                version, proposal, ..
            } => (format!("policy v{version}"), *proposal),
            Act::ActorPropose { .. } | Act::PolicyPropose { .. } => {
                self.proposers.insert(line, e.actor.clone());
                return;
            }
            Act::Lookup { .. } | Act::Probe { .. } => {
                let n = match act {
                    Act::Probe { count, .. } => count,
                    _ => 1,
                };
                let day = e.time.get(..10).unwrap_or_default().to_string();
                *self.probes.entry((e.actor.clone(), day)).or_default() += n;
                return;
            }
            _ => return,
        };
        let proposed_by = proposal
            .and_then(|p| self.proposers.get(&p).cloned())
            .unwrap_or_else(|| e.actor.clone());
        let cosigned_by = proposal.map(|_| e.actor.clone());
        let sole = self.admins.values().filter(|a| **a).count() == 1;
        let flag = match (&cosigned_by, &act) {
            (Some(c), _) if self.registered_by.get(c) == Some(&proposed_by) => {
                Some(t!("oversight-cosigner-registered-by-proposer"))
            }
            (None, Act::ActorAdd { terms, .. })
                if sole && terms.role.as_deref().is_some_and(admin_role) =>
            {
                Some(t!("oversight-sole-administrator-alone"))
            }
            _ => None,
        };
        match &act {
            Act::ActorAdd { name, terms, .. } => {
                self.registered_by.insert(name.clone(), proposed_by.clone());
                let role = terms.role.as_deref().unwrap_or_default();
                self.admins.insert(name.clone(), admin_role(role));
            }
            Act::ActorUpdate { name, terms, .. } => {
                if let Some(role) = &terms.role {
                    self.admins.insert(name.clone(), admin_role(role));
                }
            }
            Act::ActorRevoke { name, .. } => {
                self.admins.insert(name.clone(), false);
            }
            _ => {}
        }
        self.acts.push(RegisterAct {
            entry: line,
            time: e.time.clone(),
            action: e.action.clone(),
            subject,
            proposed_by,
            cosigned_by,
            flag,
        });
    }
}

struct Walker<'a> {
    collect: Collect,
    admin_role: &'a dyn Fn(&str) -> bool,
    /// Reading another site's log than the first: its entries' numbers are its own, and
    /// only its checks of identity numbers count here (its register acts are refused).
    elsewhere: bool,
}

impl Visit for Walker<'_> {
    fn enter_log(&mut self, log: &crate::layout::SiteLog) {
        self.elsewhere = !log.first;
    }

    fn entry(&mut self, seen: &Seen) -> Result<()> {
        if self.elsewhere && !matches!(seen.entry.action.as_str(), "probe" | "lookup") {
            return Ok(());
        }
        self.collect.take(seen.line, seen.entry, self.admin_role);
        Ok(())
    }
}

/// The oversight report of the verified log.
pub fn oversight(session: &Session) -> Result<Oversight> {
    let roles = &session.schemas().roles;
    let admin_role = |role: &str| roles.permits(role, "act:manage-actors");
    let walker = || Walker {
        collect: Collect::default(),
        admin_role: &admin_role,
        elsewhere: false,
    };
    let store = session.store();
    // Register acts are the first site's alone; identity numbers are checked at every site.
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    let collect = match logs.len() {
        1 => {
            walk_fresh(&store.root, &logs[0].root, Plan::default(), walker)?
                .state
                .collect
        }
        _ => {
            let merged =
                crate::audit::merge::walk_sites(&store.root, &logs, &|_| None, false, walker())?;
            merged.state.collect
        }
    };
    let allowance = session.store().config.policy.probe_allowance;
    let probes = collect
        .probes
        .into_iter()
        .map(|((actor, day), count)| Probes {
            actor,
            day,
            count,
            beyond: count > allowance,
        })
        .collect();
    Ok(Oversight {
        acts: collect.acts,
        probes,
    })
}

/// Whether the acting actor oversees the store: an auditor (who may reveal identity
/// data) or an administrator.
pub fn oversees(session: &Session) -> bool {
    session
        .role()
        .is_ok_and(|r| r.may_reveal("identity") || r.may("manage-actors"))
}

//! Replaying acts on the staff register and the policy. Nobody acts alone on what widens
//! access or weakens a rule: registering or promoting an actor into a role that manages
//! others or reaches every department, changing another actor's key, or applying a policy
//! that widens a role or weakens a rule takes a proposal by one administrator and the
//! co-signature of a second (NIST SP 800-53 AC-5). A department's responsible person
//! manages their own department's staff in roles of department scope that manage nobody.
//! Nobody changes their own role, department or certificates; a key ever registered is
//! never accepted again; no role that manages actors may reveal personal data, and nobody
//! moves themself, or an actor they registered, into a role that may.

use super::{At, Replay};
use crate::audit::act::{Act, ActorTerms};
use crate::audit::trust::{Proposed, Registry};
use crate::policy::weaken;
use crate::schema::roles::{Roles, Scope};
use std::collections::BTreeMap;

/// A register change as asked for: whose register entry, added or updated, how.
pub struct Change<'a> {
    pub name: &'a str,
    pub adds: bool,
    pub revokes: bool,
    pub terms: &'a ActorTerms,
}

/// Why a register change needs a second administrator: empty when one signature will do.
pub fn cosign_reasons(
    roles: &Roles,
    registry: &Registry,
    requester: &str,
    change: &Change,
) -> Vec<String> {
    let mut out = Vec::new();
    let current = registry.actors.get(change.name);
    if let Some(role) = &change.terms.role
        && current.is_none_or(|s| &s.role != role)
        && roles
            .get(role)
            .is_some_and(|r| r.administers() || r.scope == Scope::All)
    {
        out.push(t!("register-into-wide-role", role = role.as_str()));
    }
    if !change.adds && change.terms.key.is_some() && change.name != requester {
        out.push(t!("register-another-key"));
    }
    out
}

/// Whether the store's sole administrator registers a second one: the one register act
/// that cannot wait for a second administrator, and that the auditor sees flagged.
pub fn bootstrap(roles: &Roles, registry: &Registry, requester: &str, change: &Change) -> bool {
    let manages = |role: &str| roles.permits(role, "act:manage-actors");
    let sole = registry.managers(&manages) == 1
        && registry
            .actors
            .get(requester)
            .is_some_and(|s| !s.revoked && manages(&s.role));
    sole && change.adds && change.terms.role.as_deref().is_some_and(manages)
}

/// Whether a role may reveal personal data of any class.
fn reveals(roles: &Roles, role: &str) -> bool {
    roles.get(role).is_some_and(|r| !r.reveal.is_empty())
}

/// What is wrong with a register change by `requester` (and `cosigner`), under `roles`.
pub fn register_problems(
    roles: &Roles,
    registry: &Registry,
    requester: &str,
    change: &Change,
) -> Vec<String> {
    let mut out = Vec::new();
    let Some(me) = registry.actors.get(requester) else {
        return out; // named by the register checks of the walk
    };
    let known = registry.actors.get(change.name);
    if change.adds == known.is_some() {
        let m = if change.adds {
            t!("trust-registered-twice")
        } else {
            t!("trust-not-registered")
        };
        out.push(format!("actor `{}` {m}", change.name));
        return out;
    }
    if change.adds && !crate::store::ids::is_actor_name(change.name) {
        out.push(t!("actors-not-usable-actor-name", name = change.name));
    }
    if let (true, Some(other)) = (
        change.adds,
        crate::store::ids::looks_like(change.name, registry.actors.keys()),
    ) {
        out.push(t!(
            "actors-name-looks-like",
            name = change.name,
            other = other
        ));
    }
    let terms = change.terms;
    let own_key_only = change.name == requester
        && !change.adds
        && !change.revokes
        && *terms
            == ActorTerms {
                key: terms.key.clone(),
                ..ActorTerms::default()
            };
    if own_key_only || roles.permits(&me.role, "act:manage-actors") {
        // An actor rotates their own key, signing with the old one; an administrator
        // manages the whole register.
    } else if roles.permits(&me.role, "act:manage-department") {
        let own = me.department.clone();
        let before = known.and_then(|s| s.department.clone());
        let after = terms.department.clone().unwrap_or(before.clone());
        let outside = own.is_none() || after != own || (!change.adds && before != own);
        if outside || (!change.adds && terms.key.is_some() && change.name != requester) {
            out.push(t!(
                "trust-manages-register-their-own",
                actor = requester,
                record = change.name
            ));
        }
        if let Some(role) = &terms.role
            && roles
                .get(role)
                .is_none_or(|r| r.administers() || r.scope != Scope::Department)
        {
            out.push(t!(
                "trust-granted-role-which-only",
                actor = requester,
                role = role.as_str()
            ));
        }
    } else {
        out.push(t!(
            "trust-role-may-not-manage",
            actor = requester,
            role = me.role.as_str()
        ));
    }
    if change.name == requester {
        let own = [
            ("role", terms.role.is_some()),
            ("department", terms.department.is_some()),
            ("agreement", terms.agreement_signed.is_some()),
            ("training", terms.trained_on.is_some()),
        ];
        for (field, changed) in own {
            if changed {
                out.push(t!(
                    "trust-actor-changed-their-own",
                    actor = requester,
                    field = field
                ));
            }
        }
        if change.revokes {
            out.push(t!("actors-administrator-cannot-revoke-themself"));
        }
    }
    if let Some(key) = &terms.key
        && let Some(holder) = registry.key_holder(key)
    {
        out.push(t!("register-key-reused", holder = holder));
    }
    if let Some(role) = &terms.role
        && !change.adds
        && known.is_some_and(|s| &s.role != role)
        && reveals(roles, role)
    {
        // The one who asks for the move answers for it: it may not be the actor, nor
        // whoever registered them. (A co-signer only agrees.)
        let registered_by = known.map(|s| s.registered_by.as_str()).unwrap_or_default();
        if requester == change.name || requester == registered_by {
            out.push(t!(
                "register-moves-own-into-reveal",
                name = change.name,
                role = role.as_str()
            ));
        }
    }
    out
}

/// What is wrong with a policy's roles: a role that manages actors may reveal nothing.
pub fn roles_problems(roles: &Roles) -> Vec<String> {
    roles
        .roles
        .values()
        .filter(|r| r.may("manage-actors") || r.may("manage-department"))
        .filter(|r| !r.reveal.is_empty())
        .map(|r| t!("register-manager-reveals", role = r.name.as_str()))
        .collect()
}

impl Replay {
    /// Replay an act on the register or the policy.
    pub(super) fn register_act(&mut self, at: &At, act: &Act) {
        if let Some(m) = self.actor_file_problem(at, act) {
            self.problem(at.line, m);
        }
        if at.registry.policy == 0 {
            return; // the genesis: the first administrator registers themself
        }
        let Some(policy) = self.policy(at.index, at.registry.policy) else {
            return;
        };
        let schemas = policy.schemas.clone();
        let valid_days = policy.config.policy.proposal_valid_days;
        let roles = &schemas.roles;
        let e = at.entry;
        let mut broken = Vec::new();
        let (change, proposal) = match act {
            Act::ActorAdd {
                name,
                terms,
                proposal,
                ..
            } => (
                Change {
                    name,
                    adds: true,
                    revokes: false,
                    terms,
                },
                *proposal,
            ),
            Act::ActorUpdate {
                name,
                terms,
                proposal,
                ..
            } => (
                Change {
                    name,
                    adds: false,
                    revokes: false,
                    terms,
                },
                *proposal,
            ),
            Act::ActorRevoke { name, .. } => (
                Change {
                    name,
                    adds: false,
                    revokes: true,
                    terms: &ActorTerms::default(),
                },
                None,
            ),
            Act::ActorPropose {
                name, adds, terms, ..
            } => {
                if !roles.permits(&e.role, "act:manage-actors") {
                    broken.push(t!("register-may-not-propose", actor = e.actor.as_str()));
                }
                let change = Change {
                    name,
                    adds: *adds,
                    revokes: false,
                    terms,
                };
                broken.extend(register_problems(roles, at.registry, &e.actor, &change));
                return self.report(at, broken);
            }
            Act::Policy { .. } | Act::PolicyPropose { .. } => {
                self.policy_act(at, act, roles, valid_days, &mut broken);
                return self.report(at, broken);
            }
            _ => return,
        };
        if proposal.is_some() && change.name == e.actor {
            broken.push(t!("register-cosigns-own-change", actor = e.actor.as_str()));
        }
        let requester = match proposal {
            None => e.actor.clone(),
            Some(n) => match cosigned(at, roles, n, valid_days) {
                Err(m) => {
                    broken.push(m);
                    e.actor.clone()
                }
                Ok((
                    by,
                    Proposed::Actor {
                        name, adds, terms, ..
                    },
                )) => {
                    if name != change.name || adds != change.adds || &terms != change.terms {
                        broken.push(t!("register-not-as-proposed", n = n));
                    }
                    by
                }
                Ok(_) => {
                    broken.push(t!("register-no-proposal", n = n));
                    e.actor.clone()
                }
            },
        };
        broken.extend(register_problems(roles, at.registry, &requester, &change));
        let reasons = cosign_reasons(roles, at.registry, &requester, &change);
        if proposal.is_none()
            && !reasons.is_empty()
            && !bootstrap(roles, at.registry, &requester, &change)
        {
            broken.push(t!("register-needs-second", reasons = reasons.join("; ")));
        }
        self.report(at, broken);
    }

    /// The register file an actor act writes is the register entry the act gives: its
    /// readable copy, never saying more or other than the log.
    fn actor_file_problem(&self, at: &At, act: &Act) -> Option<String> {
        let (name, version, terms, revokes) = match act {
            Act::ActorAdd {
                name,
                version,
                terms,
                ..
            }
            | Act::ActorUpdate {
                name,
                version,
                terms,
                ..
            } => (name, *version, terms.clone(), false),
            Act::ActorRevoke { name, version, .. } => (name, *version, ActorTerms::default(), true),
            _ => return None,
        };
        let e = at.entry;
        let path = crate::layout::actor_path(name, version);
        let file = e.files.iter().find(|f| f.path == path)?;
        let bytes = std::fs::read(self.store.abs(&file.path)).ok()?;
        if crate::layout::sha256_hex(&bytes) != file.sha256 {
            return None; // named by the file checks
        }
        let text = String::from_utf8(bytes).ok()?;
        let Ok(actor) = crate::policy::actors::Actor::parse(&file.path, &text) else {
            return Some(t!("replay-actor-file-differs", path = file.path.clone()));
        };
        let before = match act {
            Act::ActorAdd { .. } => None,
            _ => at.registry.actors.get(name).cloned(),
        };
        let mut expected = before.unwrap_or(crate::audit::trust::Standing {
            role: String::new(),
            department: None,
            key: String::new(),
            old_keys: Vec::new(),
            revoked: false,
            agreement_signed: None,
            trained_on: None,
            registered_by: String::new(),
        });
        expected.change(terms);
        expected.revoked |= revokes;
        let same = actor.name == *name
            && actor.version == version
            && actor.role == expected.role
            && actor.department == expected.department
            && actor.key == expected.key
            && actor.agreement_signed == expected.agreement_signed
            && actor.trained_on == expected.trained_on
            && actor.revoked == expected.revoked;
        (!same).then(|| t!("replay-actor-file-differs", path = file.path.clone()))
    }

    fn report(&mut self, at: &At, broken: Vec<String>) {
        for m in broken {
            self.problem(at.line, m);
        }
    }

    /// A policy applied or proposed: by an administrator; applied alone only when it
    /// weakens nothing, else co-signed; its roles let no manager of actors reveal.
    fn policy_act(
        &mut self,
        at: &At,
        act: &Act,
        roles: &Roles,
        valid_days: i64,
        broken: &mut Vec<String>,
    ) {
        let e = at.entry;
        if !roles.permits(&e.role, "act:manage-actors") {
            broken.push(t!(
                "trust-role-may-not-apply",
                actor = e.actor.as_str(),
                role = e.role.as_str()
            ));
            return;
        }
        let version = match act {
            Act::Policy { version, .. } | Act::PolicyPropose { version, .. } => *version,
            _ => return,
        };
        let files: BTreeMap<String, String> = e
            .files
            .iter()
            .filter_map(|f| {
                let (_, source) = crate::layout::parse_policy_copy(&f.path)?;
                Some((source.to_string(), f.sha256.clone()))
            })
            .collect();
        let new = crate::policy::applied::read_version(&self.store, version, &files);
        let old = crate::policy::applied::read_version(
            &self.store,
            at.registry.policy,
            &at.registry.policy_files,
        );
        let (Ok(new), Ok(old)) = (new, old) else {
            return; // named by the file checks
        };
        if let Ok(schemas) = crate::policy::applied::schemas_from(&new) {
            broken.extend(roles_problems(&schemas.roles));
        }
        match act {
            Act::PolicyPropose { base, .. } if *base != at.registry.policy => {
                broken.push(t!(
                    "register-stale-proposal",
                    base = *base,
                    now = at.registry.policy
                ));
            }
            Act::Policy {
                proposal: Some(n), ..
            } => match cosigned(at, roles, *n, valid_days) {
                Ok((
                    _,
                    Proposed::Policy {
                        version: v,
                        base,
                        files,
                        ..
                    },
                )) => {
                    if v != version || files != e.files {
                        broken.push(t!("register-not-as-proposed", n = *n));
                    }
                    if base != at.registry.policy {
                        broken.push(t!(
                            "register-stale-proposal",
                            base = base,
                            now = at.registry.policy
                        ));
                    }
                }
                Ok(_) => broken.push(t!("register-no-proposal", n = *n)),
                Err(m) => broken.push(m),
            },
            Act::Policy { proposal: None, .. } => {
                let today = at.day().unwrap_or_default();
                let weaker = weaken::weakenings(&old, &new, today);
                if !weaker.is_empty() {
                    broken.push(t!("register-needs-second", reasons = weaker.join("; ")));
                }
            }
            _ => {}
        }
    }
}

/// The proposal entry `n` co-signed by the entry at `at`: pending, by another
/// administrator, not expired. Returns who proposed it and what.
fn cosigned(at: &At, roles: &Roles, n: u64, valid_days: i64) -> Result<(String, Proposed), String> {
    let e = at.entry;
    let Some(p) = at.registry.proposals.get(&n) else {
        return Err(t!("register-no-proposal", n = n));
    };
    if p.by == e.actor {
        return Err(t!("register-cosigned-own", actor = e.actor.as_str(), n = n));
    }
    if !roles.permits(&e.role, "act:manage-actors") {
        return Err(t!(
            "register-may-not-cosign",
            actor = e.actor.as_str(),
            role = e.role.as_str()
        ));
    }
    let days = match (crate::clock::parse(&p.time), crate::clock::parse(&e.time)) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => i64::MAX,
    };
    if days > valid_days {
        return Err(t!("register-proposal-expired", n = n, days = valid_days));
    }
    Ok((p.by.clone(), p.what.clone()))
}

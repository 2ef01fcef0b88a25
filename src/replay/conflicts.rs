//! Replay of what a conflict between sites allows: an act set aside is judged for who
//! may take it (it is never applied, but no one may freeze a record they may not act
//! on); no act but a resolve follows a conflict its site had read; and a resolve names
//! the acts set aside it had read and keeps the terms of one of the versions in conflict.

use super::{At, Replay};
use crate::audit::RecordHead;
use crate::audit::act::Act;
use crate::schema::value::Value;
use std::collections::BTreeMap;

impl Replay {
    /// An act set aside: its actor must reach the record and be one who may take such an
    /// act on its kind. Terms it drafted count as the record's author's.
    pub(super) fn set_aside_checks(
        &mut self,
        at: &At,
        act: &Act,
        head: &RecordHead,
        broken: &mut Vec<String>,
    ) {
        let e = at.entry;
        let Some(policy) = self.policy(at.index, at.registry.policy) else {
            return;
        };
        let schemas = policy.schemas.clone();
        let Ok(kind) = schemas.kind(&head.kind) else {
            return;
        };
        if !Replay::reach(at, &schemas).covers(head.department.as_deref()) {
            broken.push(t!("replay-out-of-reach", id = e.record.clone()));
        }
        let roles = &schemas.roles;
        let allowed = match act {
            Act::Amend { .. } | Act::Resolve { .. } => {
                crate::policy::may_draft(roles, &e.role, kind)
            }
            Act::Complete { .. } | Act::Terminate { .. } | Act::Archive { .. } => {
                roles.permits(&e.role, &format!("act:{}", e.action))
            }
            // Which step is due depends on the state the act was taken on: judged again
            // when the step is taken after a resolve.
            _ => true,
        };
        if !allowed {
            broken.push(t!(
                "replay-may-not-act",
                role = e.role.clone(),
                action = e.action.clone()
            ));
        }
        if matches!(act, Act::Amend { .. } | Act::Resolve { .. })
            && let Some(authors) = self.authors.get_mut(&e.record)
        {
            authors.insert(e.actor.clone());
        }
    }

    /// No act but a resolve on a record in conflict, once its site had read an act set
    /// aside on it: docket refuses them until the conflict is settled.
    pub(super) fn acts_on_conflict(&mut self, at: &At, id: &str, broken: &mut Vec<String>) {
        let Some(open) = at.index.open_conflict(id) else {
            return;
        };
        let e = at.entry;
        let read = open
            .iter()
            .any(|a| a.resolved.is_none() && at.index.had_read(e, a.site.as_deref(), a.line));
        if read {
            broken.push(t!(
                "replay-acts-on-conflict",
                id = id,
                action = e.action.clone()
            ));
        }
    }

    /// A resolve that keeps the record's current version, and so writes none: who may
    /// draft its kind and reach it settles the conflict.
    pub(super) fn resolve_in_place(&mut self, at: &At, act: &Act, broken: &mut Vec<String>) {
        let Act::Resolve {
            record,
            keep,
            settles,
            ..
        } = act
        else {
            return;
        };
        let Some(head) = at.index.record(record) else {
            broken.push(t!("replay-no-such-record", id = record.clone()));
            return;
        };
        let Some(policy) = self.policy(at.index, at.registry.policy) else {
            return;
        };
        let schemas = policy.schemas.clone();
        let e = at.entry;
        if let Ok(kind) = schemas.kind(&head.kind)
            && !crate::policy::may_draft(&schemas.roles, &e.role, kind)
        {
            broken.push(t!(
                "replay-may-not-draft",
                role = e.role.clone(),
                kind = kind.name.clone()
            ));
        }
        if !Replay::reach(at, &schemas).covers(head.department.as_deref()) {
            broken.push(t!("replay-out-of-reach", id = record.clone()));
        }
        let current = match self
            .reader(at, &schemas)
            .version_of(record, &head, head.version)
        {
            Ok(v) => v,
            Err(_) => return, // named by the file checks
        };
        self.resolve_checks(at, (keep, settles), &current, &current.fields, broken);
    }

    /// A resolve names exactly the acts set aside that its site had read (none already
    /// settled), and the terms it leaves are those of the version it says it keeps: the
    /// record's current one or one set aside.
    pub(super) fn resolve_checks(
        &mut self,
        at: &At,
        (keep, settles): (&String, &[String]),
        prior: &crate::store::version::Version,
        terms: &BTreeMap<String, Value>,
        broken: &mut Vec<String>,
    ) {
        let id = &prior.id;
        let e = at.entry;
        let Some(open) = at.index.open_conflict(id) else {
            broken.push(t!("replay-resolve-no-conflict", id = id.clone()));
            return;
        };
        let open: Vec<_> = open.iter().filter(|a| a.resolved.is_none()).collect();
        // Exactly the open acts its site had read: one it had not read stays open.
        let read: Vec<_> = open
            .iter()
            .filter(|a| at.index.had_read(e, a.site.as_deref(), a.line))
            .collect();
        let named_read = settles.iter().all(|p| read.iter().any(|a| &a.path == p));
        let read_named = read.iter().all(|a| settles.contains(&a.path));
        if !named_read || !read_named {
            broken.push(t!("replay-resolve-settles-other", id = id.clone()));
        }
        let current = at.index.record(id).map(|h| h.file(id));
        if current.as_deref() != Some(keep.as_str()) && !open.iter().any(|a| &a.path == keep) {
            broken.push(t!("replay-resolve-keeps-other", path = keep.clone()));
            return;
        }
        let schemas = match self.policy(at.index, at.registry.policy) {
            Some(p) => p.schemas.clone(),
            None => return,
        };
        match self.reader(at, &schemas).version_at(keep, &prior.kind) {
            Ok(kept) if kept.fields != *terms => {
                broken.push(t!("replay-resolve-terms-differ", path = keep.clone()));
            }
            _ => {} // an unreadable file is named by the file checks
        }
    }
}

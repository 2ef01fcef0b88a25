//! Replaying the acts that write a record's next version: who may take the act on that
//! record in that state, what the version must then hold, and whether its terms obey
//! their kind's rules (R-C2 … R-C18) as judged on the day of the act.

use super::compare::differences;
use super::{At, Replay, unique};
use crate::audit::act::{Act, Duplicate};
use crate::judge::Context;
use crate::layout::parse_version_path;
use crate::ops::input::Origin;
use crate::policy::approval::{carried, next_step};
use crate::schema::Schemas;
use crate::schema::kind::{Kind, Lifecycle};
use crate::schema::value::Value;
use crate::store::version::{Approval, Parsed, Version, policy_of};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The record an act writes the next version of, and that version.
struct Step {
    record: String,
    version: u32,
}

fn step_of(act: &Act) -> Option<Step> {
    if !crate::audit::act::VERSION_ACTS.contains(&act.action()) {
        return None;
    }
    let (record, version) = act.target();
    Some(Step { record, version })
}

impl Replay {
    /// Replay an act that writes a record's next version.
    pub(super) fn record_act(&mut self, at: &At, act: &Act) {
        let Some(step) = step_of(act) else { return };
        let mut broken = Vec::new();
        match act {
            Act::Resolve { written: None, .. } => self.resolve_in_place(at, act, &mut broken),
            _ => self.judge_record_act(at, act, &step, &mut broken),
        }
        for m in broken {
            self.problem(at.line, m);
        }
    }

    fn judge_record_act(&mut self, at: &At, act: &Act, step: &Step, broken: &mut Vec<String>) {
        let e = at.entry;
        // The version file this act wrote, among the entry's files.
        let Some((kind_name, file)) = e.files.iter().find_map(|f| {
            let (kind, id, v) = parse_version_path(&f.path)?;
            (id == step.record && v == step.version).then(|| (kind.to_string(), f))
        }) else {
            broken.push(t!("replay-no-version-file", version = step.version));
            return;
        };
        if crate::layout::version_site(&file.path) != self.log.version_site() {
            broken.push(t!(
                "replay-version-file-of-other-site",
                path = file.path.clone(),
                site = self.log.code.as_str(),
                name = crate::layout::version_file(step.version, self.log.version_site())
            ));
            return;
        }
        // Another site's act moved the record on first: this one is kept aside, never
        // applied, until a `resolve` takes its terms as the resolver's (`audit::conflict`).
        let head = at.index.record(&step.record);
        if let Some(h) = &head {
            if at.index.sets_aside(h, e, file) {
                self.set_aside_checks(at, act, h, broken);
                return;
            }
            if !matches!(act, Act::Resolve { .. }) {
                self.acts_on_conflict(at, &step.record, broken);
            }
        }
        let creates = matches!(act, Act::Create { .. } | Act::Import { .. });
        let expected_version = head.as_ref().map_or(1, |h| h.version + 1);
        if creates && head.is_some() {
            broken.push(t!("replay-record-exists", id = step.record));
            return;
        }
        if !creates && head.is_none() {
            broken.push(t!("replay-no-such-record", id = step.record));
            return;
        }
        if step.version != expected_version {
            broken.push(t!(
                "replay-version-out-of-order",
                version = step.version,
                expected = expected_version
            ));
            return;
        }
        if head.as_ref().is_some_and(|h| h.kind != kind_name) {
            broken.push(t!("replay-kind-changed", id = step.record));
            return;
        }
        // A record's versions stay where the layout its first one was written in puts them.
        if let Some(h) = &head {
            let expected = h.version_path(&step.record, step.version, self.log.version_site());
            if file.path != expected {
                broken.push(t!(
                    "replay-version-elsewhere",
                    path = file.path.clone(),
                    expected = expected
                ));
                return;
            }
        }
        let Some(in_force) = self.policy(at.index, at.registry.policy) else {
            return;
        };
        let schemas_now = in_force.schemas.clone();
        // The file as written: unreadable or changed files are named by the file checks.
        let Some(read) = self.version_file(at.line, &file.path) else {
            return;
        };
        if read.sha256 != file.sha256 {
            return;
        }
        self.checked = Some(file.path.clone());
        let Some(text) = read.text else {
            return;
        };
        let Some(file_policy) = policy_of(&text) else {
            broken.push(t!("replay-version-unreadable", path = file.path.clone()));
            return;
        };
        let Some(file_schemas) = self
            .policy(at.index, file_policy)
            .map(|p| p.schemas.clone())
        else {
            broken.push(t!("replay-policy-unknown", version = file_policy));
            return;
        };
        let Ok(kind) = file_schemas.kind(&kind_name) else {
            broken.push(t!("replay-kind-unknown", kind = kind_name.clone()));
            return;
        };
        let parsed = read
            .parsed
            .unwrap_or_else(|| Parsed::read(&file.path, &text));
        let actual = match parsed.and_then(|p| Version::typed(&file.path, &text, p, kind)) {
            Ok(v) => v,
            Err(err) => {
                broken.push(t!("replay-version-unreadable", path = err.to_string()));
                return;
            }
        };
        let prior = match head {
            None => None,
            Some(h) => {
                let reader = self.reader(at, &schemas_now);
                match reader.load_version(&step.record, h.version) {
                    Ok(v) => Some(v),
                    Err(_) => return, // named by the file checks
                }
            }
        };
        // Who wrote the terms before this act.
        let authors = match &prior {
            Some(p) => self.authors_of(at, &schemas_now, p),
            None => BTreeSet::new(),
        };
        if let (Act::Resolve { keep, settles, .. }, Some(p)) = (act, &prior) {
            self.resolve_checks(at, (keep, settles), p, &actual.fields, broken);
        }
        let expected = match act {
            Act::Create { .. } | Act::Import { .. } | Act::Amend { .. } | Act::Resolve { .. } => {
                self.terms_act(at, act, &schemas_now, prior.as_ref(), &actual, broken)
            }
            _ => {
                let prior = prior.as_ref().expect("a record acted on exists");
                let schemas_then = self
                    .policy(at.index, prior.policy)
                    .map(|p| p.schemas.clone())
                    .unwrap_or(schemas_now.clone());
                if let Act::Archive { number, .. } = act
                    && !id_fits(number, &self.log.id_prefix("ARC"))
                {
                    broken.push(t!("replay-archive-number-taken", number = number.clone()));
                }
                lifecycle_act(at, act, &schemas_then, prior, &authors, &actual, broken)
            }
        };
        if let Some(expected) = expected {
            for d in differences(&expected, &actual) {
                broken.push(t!(
                    "replay-version-differs",
                    path = file.path.clone(),
                    d = d
                ));
            }
        }
        // Only a contract's authors matter: they never approve or reject it.
        if kind.is_contract()
            && matches!(
                act,
                Act::Create { .. } | Act::Import { .. } | Act::Amend { .. } | Act::Resolve { .. }
            )
        {
            self.authors
                .entry(step.record.to_string())
                .or_insert(authors)
                .insert(e.actor.clone());
        }
    }

    /// Everyone who wrote the record's terms up to `prior`.
    fn authors_of(&mut self, at: &At, schemas: &Arc<Schemas>, prior: &Version) -> BTreeSet<String> {
        if let Some(known) = self.authors.get(&prior.id) {
            return known.clone();
        }
        let mut out = BTreeSet::new();
        if self.from_genesis {
            return out;
        }
        let reader = self.reader(at, schemas);
        for n in 1..=prior.version {
            let v = if n == prior.version {
                Ok(prior.clone())
            } else {
                reader.load_version(&prior.id, n)
            };
            if let Ok(v) = v
                && matches!(v.action.as_str(), "create" | "import" | "amend" | "resolve")
            {
                out.insert(v.written_by);
            }
        }
        // Who drafted terms set aside may see them kept by a resolve.
        let asides = at.index.conflicts.get(&prior.id).into_iter().flatten();
        out.extend(asides.filter(|a| a.writes_terms()).map(|a| a.actor.clone()));
        self.authors.insert(prior.id.clone(), out.clone());
        out
    }

    /// Create, import and amend: the actor may draft the kind and reach the record; the
    /// terms obey their kind's rules on the day of the act; steps and status follow.
    fn terms_act(
        &mut self,
        at: &At,
        act: &Act,
        schemas: &Arc<Schemas>,
        prior: Option<&Version>,
        actual: &Version,
        broken: &mut Vec<String>,
    ) -> Option<Version> {
        let e = at.entry;
        let kind_name = prior.map_or(actual.kind.clone(), |p| p.kind.clone());
        let Ok(kind) = schemas.kind(&kind_name) else {
            broken.push(t!("replay-kind-unknown", kind = kind_name));
            return None;
        };
        if !crate::policy::may_draft(&schemas.roles, &e.role, kind) {
            broken.push(t!(
                "replay-may-not-draft",
                role = e.role.clone(),
                kind = kind.name.clone()
            ));
        }
        let day = at.day()?;
        if kind.effective.is_some_and(|from| day < from) {
            broken.push(t!("replay-before-effective", kind = kind.name.clone()));
        }
        let reach = Replay::reach(at, schemas);
        if let Some(p) = prior {
            if !reach.covers(p.department.as_deref()) {
                broken.push(t!("replay-out-of-reach", id = p.id.clone()));
            }
            if matches!(
                p.status.as_str(),
                "archived" | "completed" | "terminated" | "withdrawn"
            ) {
                broken.push(t!(
                    "replay-wrong-status",
                    id = p.id.clone(),
                    status = p.status.clone(),
                    action = e.action.clone()
                ));
            }
            if p.fields == actual.fields && !matches!(act, Act::Resolve { .. }) {
                broken.push(t!("replay-amend-changes-nothing"));
            }
        }
        if let Act::Create { department, .. } | Act::Import { department, .. } = act
            && *department != at.department()
        {
            let name = |d: Option<&str>| crate::text::department_name(d);
            broken.push(t!(
                "trust-record-filed-under-but",
                name = name(department.as_deref()),
                actor = e.actor.clone(),
                name2 = name(at.department().as_deref())
            ));
        }
        if prior.is_none() && !id_fits(&e.record, &self.log.id_prefix(&kind.prefix)) {
            broken.push(t!(
                "replay-id-malformed",
                id = e.record.clone(),
                prefix = kind.prefix.clone()
            ));
        }
        let config = self.policy(at.index, at.registry.policy)?.config.clone();
        let settings = &config.policy;
        let reader = self.reader(at, schemas);
        let ctx = Context {
            reader,
            engine: &self.engine,
            today: day,
            reach,
            settings,
        };
        let findings = match crate::ops::validate::validate(
            &ctx,
            kind,
            &actual.fields,
            &e.record,
            &Origin::Set,
            prior.map(|p| &p.fields),
        ) {
            Ok(f) => f,
            Err(err) => {
                broken.push(t!("replay-terms-break-rules", m = err.to_string()));
                return None;
            }
        };
        for err in &findings.errors {
            broken.push(t!("replay-terms-break-rules", m = err.to_string()));
        }
        for (name, value) in &actual.fields {
            if holds_unprintable(value) {
                broken.push(t!("replay-control-characters", field = name.as_str()));
            }
        }
        self.check_unique(at, schemas, kind, act, prior, actual, broken);
        let mut expected = match prior {
            // A resolve that keeps the current terms keeps where their approval stands.
            Some(p) if matches!(act, Act::Resolve { .. }) && p.fields == actual.fields => {
                let mut next = p.clone();
                next.policy = at.registry.policy;
                next
            }
            Some(p) => {
                let mut next = p.clone();
                next.fields = actual.fields.clone();
                next.policy = at.registry.policy;
                if kind.lifecycle == Lifecycle::Contract {
                    next.steps = carried(kind, findings.steps.clone(), &p.steps, &p.approvals);
                    next.approvals.clear();
                    next.status = status_for(&next.steps);
                }
                next
            }
            None => {
                let mut first = actual.clone();
                first.department = at.department();
                first.policy = at.registry.policy;
                first.steps = findings.steps.clone();
                first.approvals.clear();
                first.archive = None;
                first.status = findings.status.clone();
                if !matches!(act, Act::Import { .. }) {
                    first.legacy_no = None;
                }
                first
            }
        };
        expected.reason = match act {
            Act::Amend { reason, .. } | Act::Resolve { reason, .. } => Some(reason.clone()),
            _ => None,
        };
        if let Act::Import { legacy_no, .. } = act
            && actual.legacy_no != *legacy_no
        {
            broken.push(t!("replay-legacy-number-differs"));
        }
        stamp(&mut expected, at, step_version(prior));
        Some(expected)
    }

    /// One customer, one record: a record holding a value another record holds needs the
    /// logged reason (`--allow-duplicate`). Replayed from genesis only.
    #[allow(clippy::too_many_arguments)]
    fn check_unique(
        &mut self,
        at: &At,
        schemas: &Arc<Schemas>,
        kind: &Kind,
        act: &Act,
        prior: Option<&Version>,
        actual: &Version,
        broken: &mut Vec<String>,
    ) {
        let Some(mut unique) = self.unique.take() else {
            return;
        };
        let id = &at.entry.record;
        let claimed = unique::keys_of(kind, &actual.fields);
        if let Some(p) = prior {
            unique.release(id, &unique::keys_of(kind, &p.fields));
        }
        // Where a record took its unique values: another site had seen them from there.
        if prior.is_none_or(|p| unique::keys_of(kind, &p.fields) != claimed) {
            self.note_written(id, at.line);
        }
        let mut others = BTreeSet::new();
        for (key, holder) in unique.claim(id, &claimed) {
            // A holder another site wrote after this act's site last read its log could
            // not have been known: two sites meeting on one value is no broken rule.
            if !self.had_seen(&holder) {
                continue;
            }
            if self.still_holds(at, schemas, kind, &holder, key) {
                others.insert(holder.to_string());
            } else {
                unique.drop_holder(key, &holder);
            }
        }
        self.unique = Some(unique);
        if others.is_empty() {
            return;
        }
        let allowed: Option<&Duplicate> = match act {
            Act::Create { duplicate, .. }
            | Act::Import { duplicate, .. }
            | Act::Amend { duplicate, .. }
            | Act::Resolve { duplicate, .. } => duplicate.as_ref(),
            _ => None,
        };
        if allowed.is_none() {
            let list: Vec<String> = others.into_iter().collect();
            broken.push(t!("replay-duplicate-unlogged", others = list.join(", ")));
        }
    }

    /// Whether record `holder`'s current version holds the unique value `key`: a holder is
    /// noted when it claims a value and let go when its next version is replayed, so this
    /// only differs when the kind's unique fields changed in between. A version that
    /// cannot be read counts as holding it (its own problem is named where it is read).
    fn still_holds(
        &self,
        at: &At,
        schemas: &Arc<Schemas>,
        kind: &Kind,
        holder: &str,
        key: unique::ValueKey,
    ) -> bool {
        let Some(head) = at.index.record(holder) else {
            return false;
        };
        match self
            .reader(at, schemas)
            .version_of(holder, &head, head.version)
        {
            Ok(v) => unique::keys_of(kind, &v.fields).contains(&key),
            Err(_) => true,
        }
    }
}

fn step_version(prior: Option<&Version>) -> u32 {
    prior.map_or(1, |p| p.version + 1)
}

fn status_for(steps: &[crate::store::version::DueStep]) -> String {
    if steps.is_empty() {
        "active"
    } else {
        "pending"
    }
    .to_string()
}

/// `<PREFIX>-<YYYY>-<NNNNNN>`.
fn id_fits(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    let mut parts = rest.split('-');
    let year = parts.next().unwrap_or_default();
    let number = parts.next().unwrap_or_default();
    parts.next().is_none()
        && year.len() == 4
        && number.len() >= 6
        && year
            .bytes()
            .chain(number.bytes())
            .all(|b| b.is_ascii_digit())
}

/// Who wrote the version, when, through which act.
fn stamp(v: &mut Version, at: &At, version: u32) {
    v.version = version;
    v.written_at = at.entry.time.clone();
    v.written_by = at.entry.actor.clone();
    v.action = at.entry.action.clone();
}

/// Approve, reject, withdraw, complete, terminate, archive: the record must be in the
/// state the act needs, the actor's role must take it, and only what the act changes
/// may change.
fn lifecycle_act(
    at: &At,
    act: &Act,
    schemas: &Schemas,
    prior: &Version,
    authors: &BTreeSet<String>,
    actual: &Version,
    broken: &mut Vec<String>,
) -> Option<Version> {
    let e = at.entry;
    let roles = &schemas.roles;
    let role = e.role.as_str();
    let status_needed = |allowed: &[&str], broken: &mut Vec<String>| {
        if !allowed.contains(&prior.status.as_str()) {
            broken.push(t!(
                "replay-wrong-status",
                id = prior.id.clone(),
                status = prior.status.clone(),
                action = e.action.clone()
            ));
        }
    };
    let reach = Replay::reach(at, schemas);
    if !reach.covers(prior.department.as_deref()) {
        broken.push(t!("replay-out-of-reach", id = prior.id.clone()));
    }
    let mut next = prior.clone();
    next.reason = None;
    let approval = |decision: &str, comment: Option<String>, rule: String| Approval {
        step: role.to_string(),
        rule,
        actor: e.actor.clone(),
        at: e.time.clone(),
        decision: decision.to_string(),
        comment,
    };
    match act {
        Act::Approve { step, .. } | Act::Reject { step, .. } => {
            status_needed(&["pending"], broken);
            let due = next_step(&prior.steps, &prior.approvals);
            match due {
                None => broken.push(t!("replay-no-step-due", id = prior.id.clone())),
                Some(due) if due.role != role || step != role => broken.push(t!(
                    "replay-not-their-step",
                    actor = e.actor.clone(),
                    role = role,
                    due = due.role.clone(),
                    rule = due.rule.clone()
                )),
                Some(_) => {}
            }
            if let (Act::Approve { rule, .. }, Some(due)) = (act, due)
                && *rule != due.rule
            {
                broken.push(t!(
                    "replay-rule-differs",
                    rule = rule.clone(),
                    due = due.rule.clone()
                ));
            }
            if authors.contains(&e.actor) {
                broken.push(t!(
                    "replay-author-approves",
                    actor = e.actor.clone(),
                    id = prior.id.clone()
                ));
            }
            let rule = due.map(|d| d.rule.clone()).unwrap_or_default();
            match act {
                Act::Approve { comment, .. } => {
                    next.approvals
                        .push(approval("approved", comment.clone(), rule));
                    if next_step(&next.steps, &next.approvals).is_none() {
                        next.status = "active".into();
                    }
                }
                Act::Reject { reason, .. } => {
                    next.approvals
                        .push(approval("rejected", Some(reason.clone()), rule));
                    next.status = "rejected".into();
                    next.reason = Some(reason.clone());
                }
                _ => unreachable!(),
            }
        }
        Act::Withdraw { reason, .. } => {
            status_needed(&["pending", "rejected"], broken);
            if !authors.contains(&e.actor) {
                broken.push(t!(
                    "replay-withdraw-not-author",
                    actor = e.actor.clone(),
                    id = prior.id.clone()
                ));
            }
            next.status = "withdrawn".into();
            next.reason = Some(reason.clone());
        }
        Act::Complete { .. } | Act::Terminate { .. } => {
            let contract = schemas.kind(&prior.kind).is_ok_and(Kind::is_contract);
            if !contract {
                broken.push(t!("replay-not-a-contract", id = prior.id.clone()));
            }
            status_needed(&["active"], broken);
            if !roles.permits(role, &format!("act:{}", e.action)) {
                broken.push(t!(
                    "replay-may-not-act",
                    role = role,
                    action = e.action.clone()
                ));
            }
            match act {
                Act::Terminate { reason, .. } => {
                    next.status = "terminated".into();
                    next.reason = Some(reason.clone());
                }
                _ => next.status = "completed".into(),
            }
        }
        Act::Archive {
            number,
            attachments,
            ..
        } => {
            status_needed(&["completed", "terminated"], broken);
            if !roles.permits(role, "act:archive") {
                broken.push(t!(
                    "replay-may-not-act",
                    role = role,
                    action = e.action.clone()
                ));
            }
            if at.index.is_archive_number(number) {
                broken.push(t!("replay-archive-number-taken", number = number.clone()));
            }
            next.status = "archived".into();
            next.archive = actual.archive.clone();
            match &actual.archive {
                None => broken.push(t!("replay-archive-missing")),
                Some(info) => {
                    let logged = |path: &str, sha: &str| {
                        e.files.iter().any(|f| f.path == path && f.sha256 == sha)
                    };
                    let papers_ok = info.attachments.len() == *attachments as usize
                        && !info.attachments.is_empty()
                        && info.attachments.iter().all(|a| logged(&a.path, &a.sha256));
                    let by_this_act = info.number == *number
                        && info.archived_at == e.time
                        && info.archived_by == e.actor;
                    if !papers_ok || !by_this_act {
                        broken.push(t!("replay-archive-missing"));
                    }
                }
            }
        }
        _ => return None,
    }
    stamp(&mut next, at, prior.version + 1);
    Some(next)
}

/// Whether a value holds a control or invisible character, which docket refuses at input.
fn holds_unprintable(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.chars().any(crate::text::is_unprintable),
        Value::List(items) => items.iter().any(holds_unprintable),
        _ => false,
    }
}

//! Approval steps: which of a kind's steps a record needs (their conditions evaluated on
//! its fields and its customer's), and which one comes next.

use crate::schema::expr::Scope;
use crate::schema::kind::{Kind, Step};
use crate::store::version::{Approval, DueStep};

/// The steps this record must pass, in schema order.
pub fn required_steps<'k>(kind: &'k Kind, scope: &Scope) -> Result<Vec<&'k Step>, String> {
    let mut steps = Vec::new();
    for s in &kind.steps {
        let needed = match &s.when {
            None => true,
            Some(e) => e.eval_bool(scope)?,
        };
        if needed {
            steps.push(s);
        }
    }
    Ok(steps)
}

/// The steps as kept with the terms.
pub fn due(steps: &[&Step]) -> Vec<DueStep> {
    steps
        .iter()
        .map(|s| DueStep {
            role: s.role.clone(),
            rule: s.rule.clone(),
        })
        .collect()
}

/// The first due step not yet approved.
pub fn next_step<'v>(due: &'v [DueStep], approvals: &[Approval]) -> Option<&'v DueStep> {
    due.iter().find(|s| {
        !approvals
            .iter()
            .any(|a| a.step == s.role && a.decision == "approved")
    })
}

/// The steps new terms need: those the terms call for now, and every step that was due
/// and not yet signed before — an amendment (or a change to the customer it refers to)
/// never takes away a signature that was awaited. Kept in the kind's step order; a step
/// the kind no longer lists stays at the end.
pub fn carried(
    kind: &Kind,
    now: Vec<DueStep>,
    before: &[DueStep],
    approvals: &[Approval],
) -> Vec<DueStep> {
    let signed = |s: &DueStep| {
        approvals
            .iter()
            .any(|a| a.step == s.role && a.decision == "approved")
    };
    let mut all = now;
    for s in before.iter().filter(|s| !signed(s)) {
        if !all.iter().any(|n| n.role == s.role) {
            all.push(s.clone());
        }
    }
    let order = |s: &DueStep| {
        kind.steps
            .iter()
            .position(|k| k.role == s.role)
            .unwrap_or(usize::MAX)
    };
    all.sort_by_key(order);
    all
}

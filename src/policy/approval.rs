//! Approval steps: which of a kind's steps a record needs (their conditions evaluated on
//! its fields and its customer's), and which one comes next.

use crate::schema::expr::Scope;
use crate::schema::kind::{Kind, Step};
use crate::store::version::Approval;

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

/// The first required step not yet approved.
pub fn next_step<'k>(required: &[&'k Step], approvals: &[Approval]) -> Option<&'k Step> {
    required
        .iter()
        .find(|s| {
            !approvals
                .iter()
                .any(|a| a.step == s.role && a.decision == "approved")
        })
        .copied()
}

//! What differs between the version an act gives and the version file it logged, named
//! part by part. Field values are never shown: they may be personal data.

use crate::store::version::Version;

/// Each part of `actual` that is not what `expected` holds, described for people.
pub fn differences(expected: &Version, actual: &Version) -> Vec<String> {
    let mut out = Vec::new();
    let mut text = |part: &str, want: &str, got: &str| {
        if want != got {
            out.push(t!(
                "replay-part-differs",
                part = part,
                got = got,
                want = want
            ));
        }
    };
    text("id", &expected.id, &actual.id);
    text("kind", &expected.kind, &actual.kind);
    text(
        "version",
        &expected.version.to_string(),
        &actual.version.to_string(),
    );
    text("status", &expected.status, &actual.status);
    text("written_at", &expected.written_at, &actual.written_at);
    text("written_by", &expected.written_by, &actual.written_by);
    text(
        "policy",
        &expected.policy.to_string(),
        &actual.policy.to_string(),
    );
    text("action", &expected.action, &actual.action);
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    text(
        "department",
        &opt(&expected.department),
        &opt(&actual.department),
    );
    text(
        "legacy_no",
        &opt(&expected.legacy_no),
        &opt(&actual.legacy_no),
    );
    let steps = |v: &Version| {
        v.steps
            .iter()
            .map(|s| s.role.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    text("steps", &steps(expected), &steps(actual));
    let approvals = |v: &Version| {
        v.approvals
            .iter()
            .map(|a| format!("{}:{}:{}", a.step, a.decision, a.actor))
            .collect::<Vec<_>>()
            .join(",")
    };
    text("approvals", &approvals(expected), &approvals(actual));
    if expected.reason != actual.reason {
        out.push(t!("replay-part-changed", part = "reason"));
    }
    if expected.approvals != actual.approvals && approvals(expected) == approvals(actual) {
        out.push(t!("replay-part-changed", part = "approvals"));
    }
    if expected.steps != actual.steps && steps(expected) == steps(actual) {
        out.push(t!("replay-part-changed", part = "steps"));
    }
    if expected.archive != actual.archive {
        out.push(t!("replay-part-changed", part = "archive"));
    }
    let changed: Vec<&str> = expected
        .fields
        .keys()
        .chain(actual.fields.keys())
        .filter(|k| expected.fields.get(*k) != actual.fields.get(*k))
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !changed.is_empty() {
        out.push(t!("replay-fields-differ", fields = changed.join(", ")));
    }
    out
}

//! Who may do what: the staff register, role permissions, masking and purposeful reveal,
//! and the approval steps a record needs.

pub mod actors;
pub mod applied;
pub mod approval;
pub mod mask;
pub mod reveal;
pub mod weaken;

/// Whether `role` may draft (and amend) records of `kind`: the role lists the kind, and
/// the kind, if it names its drafters, names the role (R-C6).
pub fn may_draft(
    roles: &crate::schema::roles::Roles,
    role: &str,
    kind: &crate::schema::kind::Kind,
) -> bool {
    let by_role = roles
        .get(role)
        .is_some_and(|r| r.create.iter().any(|k| k == &kind.name));
    let by_kind = kind
        .create_roles
        .as_ref()
        .is_none_or(|names| names.iter().any(|n| n == role));
    by_role && by_kind
}

//! Who may do what: the staff register, role permissions, masking and purposeful reveal,
//! and the approval steps a record needs.

pub mod actors;
pub mod applied;
pub mod approval;
pub mod mask;
pub mod reveal;
